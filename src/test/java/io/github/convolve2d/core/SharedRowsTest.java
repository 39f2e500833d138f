package io.github.convolve2d.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The direct path computes the kernels of a bank (and the outputs of a layer's group) together, copying each image
 * row once for all of them. Grouping must not change a bit: each output equals the same kernel (the same layer
 * output) computed alone, on random banks that mix sizes, share or miss columns and rows, hold all-zero kernels
 * and kernels summed in double chunks (more than {@value DirectConvolution#FLOAT_ONLY_TAPS} taps).
 */
class SharedRowsTest {

	@Test
	void bankOnTheDirectPathEqualsEachKernelAloneBitForBit() {
		Random rnd = new Random(41);
		for (int n = 0; n < 300; n++) {
			int w = 1 + rnd.nextInt(50), h = 1 + rnd.nextInt(50);
			// every third case has kernels of 81 to 169 taps: some of the bank then sum in double chunks, some not
			boolean large = n % 3 == 0;
			int kw = large ? 9 + rnd.nextInt(5) : 1 + rnd.nextInt(5), kh = large ? 9 + rnd.nextInt(5) : 1 + rnd.nextInt(5);
			Plane image = PathCases.randomImage(rnd, w, h);
			List<Kernel> bank = new ArrayList<>();
			int size = 2 + rnd.nextInt(6);
			for (int k = 0; k < size; k++) bank.add(bankKernel(rnd, kw, kh));
			ConvolutionOptions o = PathCases.randomOptions(rnd, Method.DIRECT, w, h, kw, kh);
			String what = "case " + n + ": image " + w + "×" + h + ", kernels " + kw + "×" + kh + ", " + o;
			List<Plane> together = Convolution.convolve(image, bank, o, ProgressListener.NONE);
			for (int k = 0; k < size; k++) {
				Plane alone = Convolution.convolve(image, bank.get(k), o);
				assertBitEqual(alone, together.get(k), what + ", kernel " + k);
			}
		}
	}

	@Test
	void layerGroupOnTheDirectPathEqualsEachOutputAloneBitForBit() {
		Random rnd = new Random(42);
		for (int n = 0; n < 150; n++) {
			int w = 1 + rnd.nextInt(30), h = 1 + rnd.nextInt(30);
			int kw = 1 + rnd.nextInt(5), kh = 1 + rnd.nextInt(5);
			int channels = 1 + rnd.nextInt(3), outputs = 2 + rnd.nextInt(4);
			List<Plane> input = new ArrayList<>();
			for (int c = 0; c < channels; c++) input.add(PathCases.randomImage(rnd, w, h));
			int per = kw * kh * channels;
			double[] values = new double[outputs * per];
			for (int o = 0; o < outputs; o++) {
				for (int c = 0; c < channels; c++) {
					System.arraycopy(bankKernel(rnd, kw, kh).values(), 0, values, (o * channels + c) * kw * kh, kw * kh);
				}
			}
			ConvolutionOptions o = PathCases.randomOptions(rnd, Method.DIRECT, w, h, kw, kh).toBuilder()
				.normalize(false).build();
			String what = "case " + n + ": " + channels + " channels " + w + "×" + h + ", " + outputs + " outputs "
				+ kw + "×" + kh + ", " + o;
			List<Plane> together = ConvolutionLayer.convolve(input,
				LayerWeights.of(outputs, channels, kh, kw, values, null, 1), o);
			for (int k = 0; k < outputs; k++) {
				double[] one = Arrays.copyOfRange(values, k * per, (k + 1) * per);
				Plane alone = ConvolutionLayer.convolve(input, LayerWeights.of(1, channels, kh, kw, one, null, 1), o)
					.get(0);
				assertBitEqual(alone, together.get(k), what + ", output " + k);
			}
		}
	}

	@Test
	void bankOfEightSmallKernelsEqualsOneByOneOnAWideImageWithSeveralTilesAndThreads() {
		Random rnd = new Random(43);
		Plane image = PathCases.randomImage(rnd, 3000, 70);
		List<Kernel> bank = new ArrayList<>();
		for (int k = 0; k < 8; k++) bank.add(PathCases.randomKernel(rnd, 3, 3));
		for (Border border : Border.values()) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(border).method(Method.DIRECT)
				.threads(3).build();
			List<Plane> together = Convolution.convolve(image, bank, o, ProgressListener.NONE);
			for (int k = 0; k < bank.size(); k++) {
				assertBitEqual(Convolution.convolve(image, bank.get(k), o), together.get(k), border + " kernel " + k);
			}
		}
	}

	/** Random kernels with zero rows, zero columns, all zeros, or every tap set. */
	private static Kernel bankKernel(Random rnd, int kw, int kh) {
		double[] v = PathCases.randomKernel(rnd, kw, kh).values();
		switch (rnd.nextInt(6)) {
			case 0:
				Arrays.fill(v, 0);
				break;
			case 1: {
				int j = rnd.nextInt(kw);
				for (int i = 0; i < kh; i++) v[i * kw + j] = 0;
				break;
			}
			case 2: {
				int i = rnd.nextInt(kh);
				Arrays.fill(v, i * kw, (i + 1) * kw, 0);
				break;
			}
			case 3:
				for (int t = 0; t < v.length; t++) v[t] = 0.5 + rnd.nextDouble();
				break;
			default:
		}
		return Kernel.of("bank", kw, kh, v);
	}

	private static void assertBitEqual(Plane expected, Plane got, String what) {
		assertEquals(expected.width(), got.width(), what);
		assertEquals(expected.height(), got.height(), what);
		float[] e = expected.pixels(), g = got.pixels();
		for (int i = 0; i < e.length; i++) {
			if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(g[i])) {
				throw new AssertionError(what + ": pixel (" + i % expected.width() + ", " + i / expected.width()
					+ ") is " + g[i] + " together but " + e[i] + " alone");
			}
		}
	}

}
