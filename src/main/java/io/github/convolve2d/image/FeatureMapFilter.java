package io.github.convolve2d.image;

import ij.ImagePlus;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.UserException;

import java.util.List;
import java.util.Objects;

/**
 * What the image engine applies to each image of a run: a kernel bank ({@link FeatureMaps}) or a CNN layer
 * ({@link LayerMaps}), so that a front end that runs many images (the batch) handles both the same way.
 */
public interface FeatureMapFilter {

	/** The feature maps of {@code imp}, as {@link FeatureMaps#compute} or {@link LayerMaps#compute} make them. */
	ImagePlus apply(ImagePlus imp, ConvolutionOptions options, Planes planes, ProgressListener listener);

	/** The memory the run on a whole image needs, from its header: see {@link FeatureMaps#bytesNeeded}. */
	long bytesNeeded(int width, int height, long planes, boolean colour, ConvolutionOptions options);

	/** What is applied, for messages: {@code 2 kernel(s)}, {@code layer weights 8×3×3×3}. */
	String describe();

	/**
	 * Appends everything about this filter that changes its feature maps (names, sizes, exact values, activation)
	 * to {@code out}, as text: equal for equal filters, different otherwise. The batch stamps each output with a hash
	 * of it, so that a rerun recognises the outputs it would make again. Returns false, appending nothing, when a
	 * filter cannot say (its outputs are then never taken as made with the same settings).
	 */
	default boolean fingerprint(Fingerprint out) {
		return false;
	}

	/**
	 * A kernel bank.
	 *
	 * @throws UserException for an empty bank, one that does not fit one stack
	 *         ({@link ConvolutionGeometry#checkOneFeatureMapSize}), or a forced method that cannot run it
	 *         ({@link Convolution#checkMethod})
	 */
	static FeatureMapFilter bank(List<Kernel> kernels, ConvolutionOptions options) {
		ConvolutionGeometry.checkOneFeatureMapSize(kernels, options);
		Convolution.checkMethod(kernels, options);
		List<Kernel> bank = List.copyOf(kernels);
		return new FeatureMapFilter() {
			@Override
			public ImagePlus apply(ImagePlus imp, ConvolutionOptions o, Planes planes, ProgressListener listener) {
				return FeatureMaps.compute(imp, bank, o, planes, listener);
			}

			@Override
			public long bytesNeeded(int width, int height, long planes, boolean colour, ConvolutionOptions o) {
				return FeatureMaps.bytesNeeded(width, height, planes, colour, bank, o);
			}

			@Override
			public String describe() {
				return bank.size() + " kernel(s)";
			}

			@Override
			public boolean fingerprint(Fingerprint out) {
				out.append("bank\n");
				for (Kernel k : bank) {
					out.append("kernel ").append(k.name()).append('\n').append(k.width()).append('x').append(k.height());
					for (double v : k.values()) out.append(' ').append(Double.doubleToLongBits(v));
					out.append('\n');
				}
				return true;
			}
		};
	}

	/** A convolution layer, named {@code name} in the feature maps' title. */
	static FeatureMapFilter layer(LayerWeights weights, Activation activation, String name) {
		Objects.requireNonNull(weights, "weights");
		Objects.requireNonNull(activation, "activation");
		return new FeatureMapFilter() {
			@Override
			public ImagePlus apply(ImagePlus imp, ConvolutionOptions o, Planes planes, ProgressListener listener) {
				return LayerMaps.compute(imp, weights, activation, name, o, planes, listener);
			}

			@Override
			public long bytesNeeded(int width, int height, long planes, boolean colour, ConvolutionOptions o) {
				return LayerMaps.bytesNeeded(width, height, planes, colour, weights, o);
			}

			@Override
			public String describe() {
				return weights.toString();
			}

			@Override
			public boolean fingerprint(Fingerprint out) {
				out.append("layer ").append(name).append('\n').append(weights.shape()).append(" groups ")
					.append(weights.groups()).append(" activation ").append(activation.label()).append('\n');
				for (int o = 0; o < weights.outputs(); o++) {
					out.append(weights.name(o)).append(" bias ")
						.append(weights.hasBias() ? Double.doubleToLongBits(weights.bias(o)) : 0);
					for (int c = 0; c < weights.channelsPerGroup(); c++) {
						for (int i = 0; i < weights.kernelHeight(); i++) {
							for (int j = 0; j < weights.kernelWidth(); j++) {
								out.append(' ').append(Double.doubleToLongBits(weights.get(o, c, i, j)));
							}
						}
					}
					out.append('\n');
				}
				return true;
			}
		};
	}
}
