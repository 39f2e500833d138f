package io.github.convolve2d.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The entry point for a CNN convolution layer: a {@code C}-channel image and {@link LayerWeights}
 * {@code O × (C/groups) × kh × kw} give {@code O} feature maps,
 *
 * <pre>
 * out[o] = activation(bias[o] + sum over the channels c of o's group of  in[c] ⋆ W[o][c])
 * </pre>
 *
 * where {@code ⋆} is the convolution of SEMANTICS.md with every option (mode, border, cval, stride, dilation,
 * flip; {@code normalize} divides each output's whole filter {@code W[o]} by its sum). This is what
 * {@code torch.nn.functional.conv2d} computes (with {@code padding} as a {@code constant} border in {@code full}
 * or {@code same} mode). Output {@code o} is labelled {@link LayerWeights#name(int)}.
 *
 * <pre>{@code
 * List<Plane> maps = ConvolutionLayer.convolve(List.of(red, green, blue), weights,
 *     ConvolutionOptions.builder().mode(Mode.SAME).build(), Activation.RELU, null, ProgressListener.NONE);
 * }</pre>
 *
 * The channel sums are fused: each output is accumulated band by band (direct path) or in the frequency domain
 * (FFT path, each channel's tile transformed once for all outputs of its group), never as {@code O·C} separate
 * images. The cost model picks the path per group ({@code method=separable} is not offered for a layer).
 */
public final class ConvolutionLayer {

	private ConvolutionLayer() {
	}

	/** The whole feature maps, no activation. */
	public static List<Plane> convolve(List<Plane> channels, LayerWeights weights, ConvolutionOptions options) {
		return convolve(channels, weights, options, Activation.NONE, null, ProgressListener.NONE);
	}

	/**
	 * The {@code O} feature maps of the layer, or only their {@code region} (output coordinates of the whole
	 * result; {@code null} for the whole), as {@link Convolution#convolve(Plane, List, ConvolutionOptions, Region,
	 * ProgressListener)} computes regions.
	 *
	 * @throws UserException when the channels differ in size, their count does not fit the weights, for
	 *         {@code method=separable}, and as {@link Convolution#convolve} does
	 * @throws java.util.concurrent.CancellationException when the listener cancelled
	 */
	public static List<Plane> convolve(List<Plane> channels, LayerWeights weights, ConvolutionOptions options,
		Activation activation, Region region, ProgressListener listener)
	{
		Objects.requireNonNull(weights, "weights");
		Objects.requireNonNull(options, "options");
		Objects.requireNonNull(activation, "activation");
		Objects.requireNonNull(listener, "listener");
		if (channels == null || channels.isEmpty()) throw new UserException("the image has no channels");
		Plane first = channels.get(0);
		for (int c = 1; c < channels.size(); c++) {
			Plane p = channels.get(c);
			if (p.width() != first.width() || p.height() != first.height()) {
				throw new UserException("channel " + (c + 1) + " is " + p.width() + "×" + p.height() + " but channel 1 is "
					+ first.width() + "×" + first.height() + "; all channels of a layer's input need one size");
			}
		}
		weights.checkChannels(channels.size());
		checkMethod(options);
		ConvolutionGeometry g = ConvolutionGeometry.of(first.width(), first.height(), weights.kernelWidth(),
			weights.kernelHeight(), options);
		if (region != null) g = g.region(region);
		int outs = weights.outputs();
		List<ConvolutionGeometry> geometries = Collections.nCopies(outs, g);
		List<float[]> outputs = Convolution.allocate(geometries, 4L * outs * g.outputWidth() * g.outputHeight(),
			options.threads());

		int perGroup = outs / weights.groups(), cg = weights.channelsPerGroup();
		List<List<List<float[]>>> prepared = new ArrayList<>(); // per group, per output, per channel
		double work = 0;
		for (int group = 0; group < weights.groups(); group++) {
			List<List<float[]>> w = new ArrayList<>();
			for (int o = group * perGroup; o < (group + 1) * perGroup; o++) w.add(prepared(weights, o, options));
			work += PathChooser.groupWork(w, g);
			prepared.add(w);
		}
		int threads = PathChooser.threadsFor(work, options.threads());

		List<ConvolutionPath> paths = new ArrayList<>();
		for (int group = 0; group < weights.groups(); group++) {
			List<Plane> in = channels.subList(group * cg, (group + 1) * cg);
			List<List<float[]>> w = prepared.get(group);
			List<float[]> out = outputs.subList(group * perGroup, (group + 1) * perGroup);
			if (PathChooser.chooseLayerGroup(in, w, g, options) == Method.FFT) {
				FftConvolution fft = new FftConvolution(in, w, g, options,
					FftConvolution.plan(g, options, perGroup, cg, FftPlan.MAX_TILE), out);
				fft.prepare();
				paths.add(fft);
			}
			else {
				paths.add(new DirectConvolution(in, w, g, options, threads, out));
			}
		}
		Convolution.run(paths, threads, listener);

		List<Plane> planes = new ArrayList<>();
		for (int o = 0; o < outs; o++) {
			float[] p = outputs.get(o);
			float b = (float) weights.bias(o);
			if (b != 0 || activation != Activation.NONE) {
				for (int n = 0; n < p.length; n++) p[n] = activation.apply(p[n] + b);
			}
			planes.add(Plane.wrap(g.outputWidth(), g.outputHeight(), p));
		}
		return planes;
	}

	/**
	 * Refuses a forced method a layer cannot take ({@code method=separable}), so that a front end can say so once,
	 * before any image, as it does for a kernel that the forced method cannot run.
	 *
	 * @throws UserException for {@code method=separable}
	 */
	public static void checkMethod(ConvolutionOptions options) {
		if (options.method() == Method.SEPARABLE) {
			throw new UserException("method=separable is not offered for a convolution layer; use method=auto, direct "
				+ "or fft");
		}
	}

	/**
	 * The heap the layer may take on a {@code width × height} input besides its channels and feature maps, as
	 * {@link Convolution#workingBytes} counts it: the FFT path's buffers for the groups it would take there on channels
	 * without NaN or infinity.
	 *
	 * @throws UserException as {@link #convolve} would for these weights on such an input
	 */
	public static long workingBytes(int width, int height, LayerWeights weights, ConvolutionOptions options) {
		if (options.method() == Method.SEPARABLE) return 0; // refused by convolve
		ConvolutionGeometry g = ConvolutionGeometry.of(width, height, weights.kernelWidth(), weights.kernelHeight(),
			options);
		int perGroup = weights.outputs() / weights.groups(), cg = weights.channelsPerGroup();
		long bytes = 0;
		for (int group = 0; group < weights.groups(); group++) {
			List<List<float[]>> w = new ArrayList<>();
			for (int o = group * perGroup; o < (group + 1) * perGroup; o++) w.add(prepared(weights, o, options));
			if (PathChooser.chooseLayerGroup(cg, () -> 0L, w, g, options) == Method.FFT) {
				bytes += FftConvolution.plan(g, options, perGroup, cg, FftPlan.MAX_TILE).workBytes();
			}
		}
		return bytes;
	}

	/**
	 * The path the cost model picks (or the options force) for each group of the layer, in group order; for
	 * benchmarks and logs.
	 */
	public static List<Method> chosenMethods(List<Plane> channels, LayerWeights weights, ConvolutionOptions options) {
		weights.checkChannels(channels.size());
		Plane first = channels.get(0);
		ConvolutionGeometry g = ConvolutionGeometry.of(first.width(), first.height(), weights.kernelWidth(),
			weights.kernelHeight(), options);
		List<Method> methods = new ArrayList<>();
		int perGroup = weights.outputs() / weights.groups(), cg = weights.channelsPerGroup();
		for (int group = 0; group < weights.groups(); group++) {
			List<List<float[]>> w = new ArrayList<>();
			for (int o = group * perGroup; o < (group + 1) * perGroup; o++) w.add(prepared(weights, o, options));
			methods.add(PathChooser.chooseLayerGroup(channels.subList(group * cg, (group + 1) * cg), w, g, options));
		}
		return methods;
	}

	/**
	 * Output {@code o}'s kernels as they slide, one per channel of its group: the whole filter divided by its sum
	 * when the options normalise (unless that sum is zero, as {@link Kernel#normalized()} decides), each kernel
	 * rotated when they flip.
	 */
	private static List<float[]> prepared(LayerWeights weights, int o, ConvolutionOptions options) {
		int cg = weights.channelsPerGroup();
		double divisor = 1;
		if (options.normalize()) {
			double sum = 0, abs = 0;
			for (int c = 0; c < cg; c++) {
				Kernel k = weights.kernel(o, c);
				sum += k.sum();
				abs += k.absSum();
			}
			if (Math.abs(sum) > 1e-12 * abs) divisor = sum;
		}
		List<float[]> w = new ArrayList<>();
		for (int c = 0; c < cg; c++) {
			Kernel k = weights.kernel(o, c);
			if (options.flip()) k = k.flipped();
			double[] v = k.values();
			float[] f = new float[v.length];
			for (int n = 0; n < v.length; n++) f[n] = (float) (v[n] / divisor);
			w.add(f);
		}
		return w;
	}
}
