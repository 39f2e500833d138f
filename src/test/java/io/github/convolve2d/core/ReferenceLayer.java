package io.github.convolve2d.core;

import java.util.List;

/**
 * SEMANTICS.md's convolution layer in float64, for tests: each output is its bias plus the sum over its group's
 * channels of {@link ReferenceConvolution} with that channel's kernel, then the activation. The bound's
 * {@code F} is {@code |bias|} plus the channels' footprint sums; {@code M} is the largest {@code |in|} of the
 * group's channels times the sum of {@code |W[o]|}.
 */
final class ReferenceLayer {

	private ReferenceLayer() {
	}

	/** One result per output channel. */
	static ReferenceConvolution.Result[] convolve(List<Plane> channels, LayerWeights w, ConvolutionOptions o,
		Activation activation)
	{
		ConvolutionOptions plain = o.toBuilder().normalize(false).build();
		int cg = w.channelsPerGroup();
		ReferenceConvolution.Result[] results = new ReferenceConvolution.Result[w.outputs()];
		for (int out = 0; out < w.outputs(); out++) {
			double sum = 0, abs = 0;
			for (int c = 0; c < cg; c++) {
				sum += w.kernel(out, c).sum();
				abs += w.kernel(out, c).absSum();
			}
			double divisor = o.normalize() && Math.abs(sum) > 1e-12 * abs ? sum : 1;
			double[][] total = null, footprint = null;
			double scale = 0;
			for (int c = 0; c < cg; c++) {
				Kernel k = w.kernel(out, c);
				double[] v = k.values();
				for (int n = 0; n < v.length; n++) v[n] /= divisor;
				Kernel scaled = Kernel.of("k", k.width(), k.height(), v);
				ReferenceConvolution.Result r =
					ReferenceConvolution.convolve(channels.get(w.firstChannel(out) + c), scaled, plain);
				if (total == null) {
					total = new double[r.out.length][r.out[0].length];
					footprint = new double[r.out.length][r.out[0].length];
				}
				for (int y = 0; y < r.out.length; y++) {
					for (int x = 0; x < r.out[0].length; x++) {
						total[y][x] += r.out[y][x];
						footprint[y][x] += r.footprintAbs[y][x];
					}
				}
				scale = Math.max(scale, r.globalScale / Math.max(1e-300, scaled.absSum()));
			}
			double filterAbs = abs / Math.abs(divisor);
			double b = (float) w.bias(out);
			for (int y = 0; y < total.length; y++) {
				for (int x = 0; x < total[0].length; x++) {
					double v = total[y][x] + b;
					total[y][x] = activation == Activation.RELU && v < 0 ? 0 : v;
					footprint[y][x] += Math.abs(b);
				}
			}
			results[out] = new ReferenceConvolution.Result(total, footprint, scale * filterAbs);
		}
		return results;
	}
}
