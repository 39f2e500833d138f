package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The convolution layer against {@link ReferenceLayer} on random cases for each path (channels, outputs,
 * groups, bias, ReLU, every option, regions), a Dirac pinning what sums where, and the errors a user can make.
 */
class ConvolutionLayerTest {

	/** Random C, groups, O, kernel, image and options; the seed replays a case. */
	private static void randomCase(long seed, Method method) {
		Random r = new Random(seed);
		int groups = 1 + r.nextInt(3);
		int cg = 1 + r.nextInt(3);
		if (r.nextInt(4) == 0) cg = 1; // depthwise
		int outs = groups * (1 + r.nextInt(3));
		int kw = 1 + r.nextInt(5), kh = 1 + r.nextInt(5);
		int w = 1 + r.nextInt(24), h = 1 + r.nextInt(24);
		List<Plane> channels = new ArrayList<>();
		for (int c = 0; c < groups * cg; c++) channels.add(PathCases.randomImage(r, w, h));
		double[] values = new double[outs * cg * kh * kw];
		boolean zeroChannel = r.nextInt(5) == 0;
		for (int n = 0; n < values.length; n++) {
			boolean inZeroKernel = zeroChannel && n / (kh * kw) % cg == 0 && cg > 1;
			values[n] = inZeroKernel || r.nextInt(6) == 0 ? 0 : r.nextGaussian();
		}
		double[] bias = null;
		if (r.nextBoolean()) {
			bias = new double[outs];
			for (int o = 0; o < outs; o++) bias[o] = r.nextGaussian() * 3;
		}
		LayerWeights weights = LayerWeights.of(outs, cg, kh, kw, values, bias, groups);
		ConvolutionOptions o = PathCases.randomOptions(r, method, w, h, kw, kh);
		Activation act = r.nextBoolean() ? Activation.RELU : Activation.NONE;
		String what = "seed=" + seed + " " + method + " C=" + channels.size() + " " + weights + " image " + w + "×" + h
			+ " " + o + " " + act;
		ReferenceConvolution.Result[] ref = ReferenceLayer.convolve(channels, weights, o, act);
		Region region = null;
		int ow = ref[0].out[0].length, oh = ref[0].out.length;
		if (r.nextInt(4) == 0) {
			int x = r.nextInt(ow), y = r.nextInt(oh);
			region = Region.of(x, y, 1 + r.nextInt(ow - x), 1 + r.nextInt(oh - y));
			what += " region " + region;
		}
		List<Plane> got = ConvolutionLayer.convolve(channels, weights, o, act, region, ProgressListener.NONE);
		assertEquals(outs, got.size(), what);
		for (int out = 0; out < outs; out++) {
			ReferenceConvolution.Result expected = region == null ? ref[out]
				: ref[out].crop(region.x(), region.y(), region.width(), region.height());
			PathCases.assertWithinBound(expected, got.get(out), method != Method.DIRECT, what + " output " + out);
		}
	}

	@Test
	void directPathAgreesWithReference() {
		Random seeds = new Random(13001);
		for (int n = 0; n < 300; n++) randomCase(seeds.nextLong(), Method.DIRECT);
	}

	@Test
	void fftPathAgreesWithReference() {
		Random seeds = new Random(13002);
		for (int n = 0; n < 200; n++) randomCase(seeds.nextLong(), Method.FFT);
	}

	@Test
	void automaticChoiceAgreesWithReference() {
		Random seeds = new Random(13003);
		for (int n = 0; n < 150; n++) randomCase(seeds.nextLong(), Method.AUTO);
	}

	/** Many channels: more than 100 taps per output, summed in float chunks added in double. */
	@Test
	void manyChannelsStayWithinTheBound() {
		Random r = new Random(13004);
		int c = 24, outs = 3, k = 5, w = 37, h = 29;
		List<Plane> channels = new ArrayList<>();
		for (int n = 0; n < c; n++) channels.add(PathCases.randomImage(r, w, h));
		double[] values = new double[outs * c * k * k];
		for (int n = 0; n < values.length; n++) values[n] = r.nextGaussian();
		LayerWeights weights = LayerWeights.of(outs, c, k, k, values, new double[] { 1, -2, 1000 }, 1);
		for (Method m : new Method[] { Method.DIRECT, Method.FFT }) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT).method(m).build();
			List<Plane> got = ConvolutionLayer.convolve(channels, weights, o);
			ReferenceConvolution.Result[] ref = ReferenceLayer.convolve(channels, weights, o, Activation.NONE);
			for (int n = 0; n < outs; n++) PathCases.assertWithinBound(ref[n], got.get(n), m == Method.FFT, m + " " + n);
		}
	}

	/** NaN in one channel reaches only the outputs whose footprint holds it, on every path. */
	@Test
	void nanStaysLocalOnEveryPath() {
		Random r = new Random(13005);
		int w = 40, h = 30;
		List<Plane> channels = Arrays.asList(PathCases.randomImage(r, w, h), PathCases.randomImage(r, w, h));
		channels.get(1).pixels()[12 * w + 20] = Float.NaN;
		double[] values = new double[2 * 2 * 9 * 9];
		for (int n = 0; n < values.length; n++) values[n] = r.nextGaussian();
		LayerWeights weights = LayerWeights.of(2, 2, 9, 9, values, new double[] { 0.5, -0.5 }, 1);
		for (Method m : new Method[] { Method.DIRECT, Method.FFT }) {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).method(m).build();
			List<Plane> got = ConvolutionLayer.convolve(channels, weights, o, Activation.RELU, null, ProgressListener.NONE);
			ReferenceConvolution.Result[] ref = ReferenceLayer.convolve(channels, weights, o, Activation.RELU);
			int nan = 0;
			for (float v : got.get(0).pixels()) if (Float.isNaN(v)) nan++;
			assertEquals(81, nan, m + ": NaN outputs");
			for (int n = 0; n < 2; n++) {
				PathCases.assertWithinBound(ref[n], got.get(n), PathCases.finiteGlobalScale(channels.get(0),
					weights.kernel(n, 0), o) * 2, m + " " + n);
			}
		}
	}

	/** A bright pixel in channel 2 gives back, rotated (correlation), the kernel output o applies to channel 2. */
	@Test
	void diracInOneChannelGivesThatChannelsKernelRotated() {
		float[] zero = new float[25], dirac = new float[25];
		dirac[12] = 1;
		List<Plane> channels = Arrays.asList(Plane.wrap(5, 5, zero), Plane.wrap(5, 5, dirac));
		double[] values = { 1, 2, 3, 4, 5, 6, 7, 8, 9, /* channel 2: */ 10, 20, 30, 40, 50, 60, 70, 80, 90 };
		LayerWeights weights = LayerWeights.of(1, 2, 3, 3, values, new double[] { 100 }, 1);
		for (Method m : new Method[] { Method.DIRECT, Method.FFT }) {
			Plane out = ConvolutionLayer.convolve(channels, weights,
				ConvolutionOptions.builder().mode(Mode.SAME).method(m).build()).get(0);
			assertEquals(100 + 90, out.get(1, 1), 1e-3, m.label());
			assertEquals(100 + 10, out.get(3, 3), 1e-3, m.label());
			assertEquals(100 + 30, out.get(1, 3), 1e-3, m.label());
			assertEquals(100, out.get(0, 0), 1e-3, m.label());
		}
	}

	@Test
	void groupsSplitChannelsAndOutputs() {
		// depthwise: output o reads channel o only
		float[] a = { 1, 2, 3, 4 }, b = { 10, 20, 30, 40 };
		List<Plane> channels = Arrays.asList(Plane.wrap(2, 2, a), Plane.wrap(2, 2, b));
		LayerWeights depthwise = LayerWeights.of(2, 1, 1, 1, new double[] { 2, 3 }, null, 2);
		List<Plane> out = ConvolutionLayer.convolve(channels, depthwise, ConvolutionOptions.DEFAULTS);
		assertEquals(Arrays.toString(new float[] { 2, 4, 6, 8 }), Arrays.toString(out.get(0).pixels()));
		assertEquals(Arrays.toString(new float[] { 30, 60, 90, 120 }), Arrays.toString(out.get(1).pixels()));
		LayerWeights dense = LayerWeights.of(1, 2, 1, 1, new double[] { 2, 3 }, new double[] { -100 }, 1);
		out = ConvolutionLayer.convolve(channels, dense, ConvolutionOptions.DEFAULTS, Activation.RELU, null,
			ProgressListener.NONE);
		assertEquals(Arrays.toString(new float[] { 0, 0, 0, 28 }), Arrays.toString(out.get(0).pixels()));
	}

	@Test
	void mistakesAreNamed() {
		List<Plane> rgb = Arrays.asList(Plane.zeros(4, 4), Plane.zeros(4, 4), Plane.zeros(4, 4));
		LayerWeights oneChannel = LayerWeights.of(2, 1, 3, 3, new double[18], null, 1);
		UserException e = assertThrows(UserException.class,
			() -> ConvolutionLayer.convolve(rgb, oneChannel, ConvolutionOptions.DEFAULTS));
		assertTrue(e.getMessage().contains("2×1×3×3") && e.getMessage().contains("the image has 3"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerWeights.of(3, 1, 3, 3, new double[27], null, 2));
		assertTrue(e.getMessage().contains("groups=2 must divide the 3 output channels"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerWeights.of(2, 3, 3, 3, new double[17], null, 1));
		assertTrue(e.getMessage().contains("need 54 values, got 17"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerWeights.of(2, 1, 1, 1, new double[2], new double[3], 1));
		assertTrue(e.getMessage().contains("bias has 3 values"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerWeights.of(1, 1, 1, 1, new double[] { Double.NaN }, null, 1));
		assertTrue(e.getMessage().contains("weight [0][0][0][0] is NaN"), e.getMessage());
		List<Plane> mixed = Arrays.asList(Plane.zeros(4, 4), Plane.zeros(5, 4));
		e = assertThrows(UserException.class, () -> ConvolutionLayer.convolve(mixed,
			LayerWeights.of(1, 2, 1, 1, new double[2], null, 1), ConvolutionOptions.DEFAULTS));
		assertTrue(e.getMessage().contains("channel 2 is 5×4"), e.getMessage());
		e = assertThrows(UserException.class, () -> ConvolutionLayer.convolve(rgb,
			LayerWeights.of(1, 3, 1, 1, new double[3], null, 1),
			ConvolutionOptions.builder().method(Method.SEPARABLE).build()));
		assertTrue(e.getMessage().contains("method=separable"), e.getMessage());
		LayerWeights weights = LayerWeights.of(2, 1, 1, 1, new double[2], null, 1);
		e = assertThrows(UserException.class, () -> weights.withNames(Arrays.asList("a")));
		assertTrue(e.getMessage().contains("1 name given for 2 output channels"), e.getMessage());
		assertEquals(Arrays.asList("feature 1", "feature 2"), weights.names());
	}

	/**
	 * Channels that do not fit the weights get the groups that would fit them, whatever groups were given: depthwise
	 * weights (6 outputs × 1 channel) on 3 channels with groups 1 or 2 are told groups=3.
	 */
	@Test
	void channelsThatDoNotFitAreToldTheGroupsThatWould() {
		for (int groups : new int[] { 1, 2 }) {
			LayerWeights w = LayerWeights.of(6, 1, 3, 3, new double[6 * 9], null, groups);
			UserException e = org.junit.jupiter.api.Assertions.assertThrows(UserException.class, () -> w.checkChannels(3));
			org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("expect " + groups + " input channel")
				&& e.getMessage().contains("but the image has 3; for a grouped layer give groups=3"), e.getMessage());
		}
		// the other way: weights for 3 channels given groups=2 are told groups=1, which is no grouped layer
		LayerWeights full = LayerWeights.of(4, 3, 3, 3, new double[4 * 27], null, 2);
		UserException e = org.junit.jupiter.api.Assertions.assertThrows(UserException.class, () -> full.checkChannels(3));
		assertEquals("the weights (shape 4×3×3×3 with groups=2) expect 6 input channels but the image has 3; give "
			+ "groups=1 (no groups: every output reads every channel); use weights made for 3 channels or an image with "
			+ "6 channels", e.getMessage());
	}
}
