package io.github.convolve2d.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every forced path (direct, separable, FFT) and the automatic choice against the float64 reference on random
 * cases covering sizes, even and rectangular kernels, modes, borders, cval, stride, dilation, flip, normalize
 * and banks; the bound is SEMANTICS.md's (first term alone for direct and separable).
 */
class PathAgreementTest {

	@Test
	void directPathMatchesReferenceOnRandomCases() {
		runRandom(Method.DIRECT, 400, 11, false);
	}

	@Test
	void separablePathMatchesReferenceOnRandomRankOneCases() {
		runRandom(Method.SEPARABLE, 400, 12, true);
	}

	@Test
	void fftPathMatchesReferenceOnRandomCases() {
		runRandom(Method.FFT, 250, 13, false);
	}

	@Test
	void automaticChoiceMatchesReferenceOnRandomCases() {
		runRandom(Method.AUTO, 200, 14, true);
	}

	private static void runRandom(Method method, int cases, long seed, boolean separableKernels) {
		Random rnd = new Random(seed);
		for (int n = 0; n < cases; n++) {
			int w = 1 + rnd.nextInt(40), h = 1 + rnd.nextInt(40);
			int kw = 1 + rnd.nextInt(7), kh = 1 + rnd.nextInt(7);
			Plane image = PathCases.randomImage(rnd, w, h);
			Kernel k = separableKernels && rnd.nextBoolean() || method == Method.SEPARABLE
				? PathCases.separableKernel(rnd, kw, kh) : PathCases.randomKernel(rnd, kw, kh);
			ConvolutionOptions o = PathCases.randomOptions(rnd, method, w, h, kw, kh);
			String what = "case " + n + ": image " + w + "×" + h + ", kernel " + k.toLine() + ", " + o;
			Plane got = Convolution.convolve(image, k, o);
			PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), got, method == Method.FFT
				|| method == Method.AUTO, what);
		}
	}

	@Test
	void forcedPathsAgreeOnALargerImageWithEveryBorder() {
		Random rnd = new Random(5);
		Plane image = PathCases.randomImage(rnd, 157, 131);
		Kernel k = PathCases.separableKernel(rnd, 9, 7);
		for (Border border : Border.values()) {
			for (Method m : Arrays.asList(Method.DIRECT, Method.SEPARABLE, Method.FFT, Method.AUTO)) {
				ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(border).method(m).build();
				PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
					m == Method.FFT, m + " " + border);
			}
		}
	}

	@Test
	void bankOfKernelsOfMixedSizesGivesOnePlanePerKernelOnEveryPath() {
		Random rnd = new Random(6);
		Plane image = PathCases.randomImage(rnd, 60, 45);
		List<Kernel> bank = new ArrayList<>();
		bank.add(PathCases.randomKernel(rnd, 5, 5));
		bank.add(PathCases.randomKernel(rnd, 3, 6));
		bank.add(PathCases.randomKernel(rnd, 5, 5));
		bank.add(PathCases.separableKernel(rnd, 5, 5));
		for (Method m : Arrays.asList(Method.DIRECT, Method.FFT, Method.AUTO)) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.FULL).border(Border.REFLECT).stride(2, 1)
				.method(m).build();
			List<Plane> out = Convolution.convolve(image, bank, o, ProgressListener.NONE);
			assertEquals(bank.size(), out.size());
			for (int n = 0; n < bank.size(); n++) {
				PathCases.assertWithinBound(ReferenceConvolution.convolve(image, bank.get(n), o), out.get(n),
					m == Method.FFT, m + " kernel " + n);
			}
		}
	}

	@Test
	void forcingSeparableOnANonSeparableKernelSaysWhatToDo() {
		Plane image = Plane.zeros(10, 10);
		Kernel laplacian = Kernel.of("Laplacian", new double[][] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } });
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Convolution.convolve(image,
			laplacian, ConvolutionOptions.builder().method(Method.SEPARABLE).build()));
		assertTrue(e.getMessage().contains("method=separable") && e.getMessage().contains("not")
			&& e.getMessage().contains("method=auto"), e.getMessage());
	}

	@Test
	void separablePathMeetsTheFirstTermAloneOnLargeDynamicRange() {
		// bright and dim pixels side by side, a 15×15 Gaussian and a 1×25 / 25×1 pair: F-relative accuracy
		Random rnd = new Random(8);
		float[] p = new float[90 * 70];
		for (int i = 0; i < p.length; i++) p[i] = (float) (rnd.nextBoolean() ? 1e6 * rnd.nextDouble() : 1e-3 * rnd.nextDouble());
		Plane image = Plane.wrap(90, 70, p);
		double[] g = new double[15];
		for (int i = 0; i < 15; i++) g[i] = Math.exp(-(i - 7) * (i - 7) / 8.0);
		double[] v = new double[225];
		for (int i = 0; i < 15; i++) for (int j = 0; j < 15; j++) v[i * 15 + j] = g[i] * g[j] * (j % 2 == 0 ? 1 : -1);
		Kernel k = Kernel.of("signed gaussian", 15, 15, v);
		for (Mode mode : Mode.values()) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(mode).border(Border.MIRROR)
				.method(Method.SEPARABLE).build();
			PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
				false, "separable " + mode);
		}
	}

	@Test
	void directPathWithManyTapsSumsInDoubleChunks() {
		Random rnd = new Random(9);
		Plane image = PathCases.randomImage(rnd, 50, 40);
		Kernel k = PathCases.randomKernel(rnd, 13, 11); // more than 100 non-zero taps
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.WRAP).method(Method.DIRECT)
			.build();
		PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
			false, "direct 13×11");
	}

	/**
	 * Wide images split into several column tiles, and kernels of up to 20×20 whose sums go through double
	 * partial sums: the direct path's tiling and precision switch against the reference, every option random.
	 */
	@Test
	void directPathOnWideImagesAndLargeKernels() {
		Random rnd = new Random(17);
		for (int n = 0; n < 40; n++) {
			int w = 500 + rnd.nextInt(900), h = 1 + rnd.nextInt(25);
			int kw = 1 + rnd.nextInt(20), kh = 1 + rnd.nextInt(20);
			Plane image = PathCases.randomImage(rnd, w, h);
			Kernel k = PathCases.randomKernel(rnd, kw, kh);
			ConvolutionOptions o = PathCases.randomOptions(rnd, Method.DIRECT, w, h, kw, kh);
			String what = "case " + n + ": image " + w + "×" + h + ", kernel " + kw + "×" + kh + ", " + o;
			PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
				false, what);
		}
	}

	/** A single kernel row of more than 100 taps is summed in float parts too (a 1×150 and a 3×120 kernel). */
	@Test
	void directPathSplitsVeryWideKernelRows() {
		Random rnd = new Random(29);
		Plane image = PathCases.randomImage(rnd, 400, 7);
		for (int[] size : new int[][] { { 150, 1 }, { 120, 3 } }) {
			Kernel k = PathCases.randomKernel(rnd, size[0], size[1]);
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.MIRROR)
				.method(Method.DIRECT).build();
			PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
				false, "direct " + size[0] + "×" + size[1]);
		}
	}

	@Test
	void anAllZeroKernelIsSeparableAndGivesZerosOnEveryPathEvenOverNaN() {
		Random rnd = new Random(16);
		Plane image = PathCases.randomImage(rnd, 23, 17);
		image.pixels()[5 * 23 + 7] = Float.NaN;
		image.pixels()[9 * 23 + 2] = Float.POSITIVE_INFINITY;
		Kernel zero = Kernel.of("zero", new double[4][3]);
		for (Method m : Arrays.asList(Method.SEPARABLE, Method.DIRECT, Method.FFT, Method.AUTO)) {
			for (Mode mode : Mode.values()) {
				ConvolutionOptions o = ConvolutionOptions.builder().method(m).mode(mode).stride(2, 1).dilation(1, 3)
					.build();
				float[] out = Convolution.convolve(image, zero, o).pixels();
				for (float v : out) assertEquals(0f, v, m + " " + mode);
			}
		}
	}

	@Test
	void separationIsFoundOnlyForRankOneKernels() {
		Random rnd = new Random(10);
		Kernel sep = PathCases.separableKernel(rnd, 6, 4);
		float[] w = Convolution.weights(sep, ConvolutionOptions.DEFAULTS);
		assertTrue(Separation.of(w, 4, 6) != null, "a column times a row is separable");
		w[5] += 1e-3f;
		assertTrue(Separation.of(w, 4, 6) == null, "a perturbed tap breaks rank 1");
		float[] box = new float[9];
		Arrays.fill(box, 1f / 9);
		box[4] = 0;
		assertTrue(Separation.of(box, 3, 3) == null, "a zero tap in a rank-2 pattern is not separable");
	}

	@Test
	void nanAndInfinityStayInsideTheirFootprintsOnEveryPath() {
		Random rnd = new Random(15);
		Plane image = PathCases.randomImage(rnd, 70, 50);
		float[] p = image.pixels();
		p[3 * 70 + 1] = Float.NaN;
		p[25 * 70 + 30] = Float.POSITIVE_INFINITY;
		p[26 * 70 + 33] = Float.NEGATIVE_INFINITY;
		// zero factors give zero rows and columns of taps: a NaN under them must not spread
		Kernel k = Kernel.of("with zero taps", new double[][] { { 1, 0, 2, 3 }, { 0, 0, 0, 0 }, { -2, 0, -4, -6 } });
		for (Method m : Method.values()) {
			for (Border border : Border.values()) {
				ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(border).method(m).build();
				Plane got = Convolution.convolve(image, k, o);
				PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), got,
					PathCases.finiteGlobalScale(image, k, o), m + " " + border);
			}
		}
	}
}
