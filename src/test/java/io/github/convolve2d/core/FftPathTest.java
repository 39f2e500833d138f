package io.github.convolve2d.core;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FFT path's tiling (overlap-save), its NaN/infinity locality and its memory bound. */
class FftPathTest {

	/** Runs the FFT path with tiles of at most {@code maxTile} per axis, so that small images get many tiles. */
	private static List<Plane> fftWithSmallTiles(Plane image, List<Kernel> kernels, ConvolutionOptions o, int maxTile) {
		List<float[]> w = new ArrayList<>(), out = new ArrayList<>();
		ConvolutionGeometry g = ConvolutionGeometry.of(image.width(), image.height(), kernels.get(0).width(),
			kernels.get(0).height(), o);
		for (Kernel k : kernels) {
			w.add(Convolution.weights(k, o));
			out.add(new float[g.outputWidth() * g.outputHeight()]);
		}
		FftPlan plan = FftConvolution.plan(g, o, kernels.size(), maxTile);
		FftConvolution fft = new FftConvolution(image, w, g, o, plan, out);
		fft.prepare();
		Scratch scratch = new Scratch();
		for (int u = 0; u < fft.units(); u++) fft.compute(u, scratch);
		List<Plane> planes = new ArrayList<>();
		for (float[] p : out) planes.add(Plane.wrap(g.outputWidth(), g.outputHeight(), p));
		return planes;
	}

	@Test
	void manySmallTilesGiveTheReferenceResultForEveryOption() {
		Random rnd = new Random(21);
		for (int n = 0; n < 150; n++) {
			int w = 5 + rnd.nextInt(60), h = 5 + rnd.nextInt(60);
			int kw = 1 + rnd.nextInt(6), kh = 1 + rnd.nextInt(6);
			Plane image = PathCases.randomImage(rnd, w, h);
			List<Kernel> bank = new ArrayList<>();
			for (int b = 0, nb = 1 + rnd.nextInt(3); b < nb; b++) bank.add(PathCases.randomKernel(rnd, kw, kh));
			ConvolutionOptions o = PathCases.randomOptions(rnd, Method.FFT, w, h, kw, kh);
			List<Plane> got = fftWithSmallTiles(image, bank, o, 16 << rnd.nextInt(2));
			for (int b = 0; b < bank.size(); b++) {
				PathCases.assertWithinBound(ReferenceConvolution.convolve(image, bank.get(b), o), got.get(b), true,
					"case " + n + " kernel " + b + ": image " + w + "×" + h + ", " + bank.get(b).toLine() + ", " + o);
			}
		}
	}

	@Test
	void nanAndInfinityStayInsideTheirFootprintsOnTheFftPath() {
		Random rnd = new Random(22);
		Plane image = PathCases.randomImage(rnd, 120, 90);
		float[] p = image.pixels();
		p[10 * 120 + 3] = Float.NaN; // near the left edge: replicate/reflect copies it into the border
		p[50 * 120 + 60] = Float.POSITIVE_INFINITY;
		p[51 * 120 + 62] = Float.NEGATIVE_INFINITY; // overlapping footprints: inf - inf = NaN there
		p[89 * 120 + 119] = Float.NaN;
		double[] v = new double[11 * 11];
		for (int i = 0; i < v.length; i++) v[i] = (i % 3 == 0) ? 0 : rnd.nextGaussian(); // zero taps too
		Kernel k = Kernel.of("random 11×11 with zeros", 11, 11, v);
		for (Border border : Border.values()) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(border).method(Method.FFT).build();
			ReferenceConvolution.Result ref = ReferenceConvolution.convolve(image, k, o);
			Plane got = fftWithSmallTiles(image, Collections.singletonList(k), o, 32).get(0);
			double m = PathCases.finiteGlobalScale(image, k, o);
			PathCases.assertWithinBound(ref, got, m, "FFT small tiles, " + border);
			PathCases.assertWithinBound(ref, Convolution.convolve(image, k, o), m, "FFT, " + border);
			int finite = 0;
			for (float f : got.pixels()) if (Float.isFinite(f)) finite++;
			assertTrue(finite > got.pixels().length / 2, "most outputs stay finite with " + border + ": " + finite);
		}
	}

	/**
	 * Valid mode never reads outside the image, so cval cannot matter there: the last FFT tiles reach past the
	 * image, and a cval of 1e30 read into them gave errors of 4e14 on outputs near 1 (7×7 and 20×20 images).
	 */
	@Test
	void aLargeCvalDoesNotLeakIntoValidModeOnTheFftPath() {
		Random rnd = new Random(24);
		for (int size : new int[] { 7, 20, 33 }) {
			Plane image = PathCases.randomImage(rnd, size, size);
			Kernel k = PathCases.randomKernel(rnd, 5, 4);
			ConvolutionOptions o = ConvolutionOptions.builder().cval(1e30).method(Method.FFT).build();
			PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
				true, "valid, cval 1e30, " + size + "×" + size);
		}
	}

	@Test
	void tilePlanForALargeImageStaysWithinFourTimesTheImage() {
		for (int kernel : new int[] { 15, 31, 63, 127 }) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE).threads(2)
				.build();
			ConvolutionGeometry g = ConvolutionGeometry.of(4096, 4096, kernel, kernel, o);
			FftPlan plan = FftConvolution.plan(g, o, 1, FftPlan.MAX_TILE);
			long image = 4L * 4096 * 4096;
			assertTrue(plan.workBytes() <= 4 * image, kernel + ": " + plan);
			assertTrue(plan.tiles() > 1, "a 4096² image is tiled: " + plan);
		}
	}

	@Test
	void fftRunAllocatesLessThanFourTimesTheImageBesidesItsOutput() {
		com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		Random rnd = new Random(23);
		Plane image = PathCases.randomImage(rnd, 1024, 1024);
		Kernel k = PathCases.randomKernel(rnd, 31, 31);
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE)
			.method(Method.FFT).threads(1).build();
		Convolution.convolve(image, k, o); // warm-up: class loading allocates too
		long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
		Plane out = Convolution.convolve(image, k, o);
		long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
		long imageBytes = 4L * 1024 * 1024;
		assertEquals(1024, out.width());
		assertTrue(allocated - imageBytes <= 4 * imageBytes, "allocated " + allocated + " bytes besides the "
			+ imageBytes + "-byte output; bound " + 4 * imageBytes);
	}
}
