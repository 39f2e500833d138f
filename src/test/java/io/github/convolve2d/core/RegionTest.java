package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An output region is the crop of the whole result: bit for bit on the direct and separable paths, within
 * SEMANTICS.md's bound on the FFT path and the automatic choice; random regions (edges, corners, 1-pixel ones)
 * under every mode, border, stride, dilation, flip and banks.
 */
class RegionTest {

	@Test
	void directRegionsAreCropsBitForBit() {
		runRandom(Method.DIRECT, 300, 21);
	}

	@Test
	void separableRegionsAreCropsBitForBit() {
		runRandom(Method.SEPARABLE, 300, 22);
	}

	@Test
	void fftRegionsAreCropsWithinTheBound() {
		runRandom(Method.FFT, 150, 23);
	}

	@Test
	void automaticRegionsAreCropsWithinTheBound() {
		runRandom(Method.AUTO, 150, 24);
	}

	private static void runRandom(Method method, int cases, long seed) {
		Random rnd = new Random(seed);
		for (int n = 0; n < cases; n++) {
			int w = 1 + rnd.nextInt(60), h = 1 + rnd.nextInt(60);
			int kw = 1 + rnd.nextInt(7), kh = 1 + rnd.nextInt(7);
			Plane image = PathCases.randomImage(rnd, w, h);
			ConvolutionOptions o = PathCases.randomOptions(rnd, method, w, h, kw, kh);
			List<Kernel> bank = new ArrayList<>();
			int kernels = 1 + rnd.nextInt(3);
			for (int b = 0; b < kernels; b++) {
				bank.add(PathCases.kernelFor(rnd, method, kw, kh));
			}
			List<Plane> whole = Convolution.convolve(image, bank, o, ProgressListener.NONE);
			int ow = whole.get(0).width(), oh = whole.get(0).height();
			int rx = rnd.nextInt(ow), ry = rnd.nextInt(oh);
			Region r = Region.of(rx, ry, 1 + rnd.nextInt(ow - rx), 1 + rnd.nextInt(oh - ry));
			String what = "case " + n + ": image " + w + "×" + h + ", kernel " + kw + "×" + kh + " ×" + kernels
				+ ", region " + r + " of " + ow + "×" + oh + ", " + o;
			List<Plane> part = Convolution.convolve(image, bank, o, r, ProgressListener.NONE);
			assertEquals(kernels, part.size(), what);
			for (int b = 0; b < kernels; b++) {
				Plane crop = crop(whole.get(b), r);
				if (method == Method.DIRECT || method == Method.SEPARABLE) {
					assertArrayEquals(crop.pixels(), part.get(b).pixels(), what + ", kernel " + b);
				}
				else {
					PathCases.assertWithinBound(crop(ReferenceConvolution.convolve(image, bank.get(b), o), r), part.get(b),
						true, what + ", kernel " + b);
				}
			}
		}
	}

	@Test
	void outputRegionOverAnAreaHoldsTheOutputsCentredInIt() {
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.VALID).stride(2, 3).build();
		ConvolutionGeometry g = ConvolutionGeometry.of(20, 10, 3, 5, o); // origin (1, 2): output c over input 1+3c
		assertEquals(1, g.originX());
		assertEquals(2, g.originY());
		Region r = g.outputRegionOver(4, 3, 7, 5); // columns 4..10 -> c = 1..3; rows 3..7 -> r = 1..2
		assertEquals(Region.of(1, 1, 3, 2), r);
		ConvolutionGeometry part = g.region(r);
		assertEquals(g.originX() + 3, part.originX());
		assertEquals(g.originY() + 2, part.originY());
		assertEquals(3, part.outputWidth());
		assertTrue(assertThrows(UserException.class, () -> g.outputRegionOver(0, 0, 1, 1)).getMessage()
			.contains("holds no output pixel"));
		assertTrue(assertThrows(UserException.class, () -> g.region(Region.of(5, 0, 2, 1))).getMessage()
			.contains("not inside"));
	}

	private static Plane crop(Plane p, Region r) {
		float[] px = new float[r.width() * r.height()];
		for (int y = 0; y < r.height(); y++) {
			System.arraycopy(p.pixels(), (r.y() + y) * p.width() + r.x(), px, y * r.width(), r.width());
		}
		return Plane.wrap(r.width(), r.height(), px);
	}

	private static ReferenceConvolution.Result crop(ReferenceConvolution.Result ref, Region r) {
		return ref.crop(r.x(), r.y(), r.width(), r.height());
	}
}
