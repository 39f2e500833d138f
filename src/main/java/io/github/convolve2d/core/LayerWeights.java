package io.github.convolve2d.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The weights of a convolution layer, as CNN libraries store them: {@code O × (C/groups) × kh × kw} values
 * (PyTorch's {@code Conv2d.weight}), an optional bias of {@code O} values, and {@code groups}. The {@code C} input
 * channels and the {@code O} outputs are split into {@code groups} equal groups; output {@code o} sums the
 * channels of its group only ({@code groups = C} is a depthwise convolution). Each output has a name, by default
 * {@code feature 1..O}, that labels its feature map.
 * <p>
 * Immutable; arrays passed in are copied. Every mistake in the shape is a {@link UserException} that names the
 * numbers that do not fit.
 */
public final class LayerWeights {

	private final int outputs, channelsPerGroup, kernelHeight, kernelWidth, groups;
	private final double[] values;
	private final double[] bias;
	private final List<String> names;

	private LayerWeights(int outputs, int channelsPerGroup, int kernelHeight, int kernelWidth, int groups,
		double[] values, double[] bias, List<String> names)
	{
		this.outputs = outputs;
		this.channelsPerGroup = channelsPerGroup;
		this.kernelHeight = kernelHeight;
		this.kernelWidth = kernelWidth;
		this.groups = groups;
		this.values = values;
		this.bias = bias;
		this.names = names;
	}

	private static final String BEYOND_FLOAT = ", beyond the 32-bit float range (±3.4e38) in which results are "
		+ "computed; use smaller values";

	/**
	 * Weights from their values in C order: {@code values[((o * channelsPerGroup + c) * kh + i) * kw + j]} is
	 * the tap in row {@code i}, column {@code j} of the kernel that output {@code o} applies to channel {@code c}
	 * of its group.
	 *
	 * @param bias {@code outputs} values, or {@code null} for none
	 * @throws UserException for a size below 1, {@code groups} not dividing {@code outputs}, a value count that
	 *         does not match the shape, or a weight or bias value that is not finite or
	 *         lies beyond the float range
	 */
	public static LayerWeights of(int outputs, int channelsPerGroup, int kernelHeight, int kernelWidth,
		double[] values, double[] bias, int groups)
	{
		Objects.requireNonNull(values, "values");
		if (outputs < 1 || channelsPerGroup < 1 || kernelHeight < 1 || kernelWidth < 1) {
			throw new UserException("layer weights need a shape of at least 1×1×1×1 (outputs × channels per group × "
				+ "kernel height × kernel width), got " + shape(outputs, channelsPerGroup, kernelHeight, kernelWidth));
		}
		if (groups < 1) throw new UserException("groups must be a whole number of at least 1, got " + groups);
		if (outputs % groups != 0) {
			throw new UserException("groups=" + groups + " must divide the " + outputs + " output channels of the "
				+ "weights (shape " + shape(outputs, channelsPerGroup, kernelHeight, kernelWidth) + "); use groups=1 or a "
				+ "divisor of " + outputs);
		}
		long expected = (long) outputs * channelsPerGroup * kernelHeight * kernelWidth;
		if (values.length != expected) {
			throw new UserException("layer weights of shape " + shape(outputs, channelsPerGroup, kernelHeight,
				kernelWidth) + " need " + expected + " values, got " + values.length);
		}
		for (int n = 0; n < values.length; n++) {
			if (!Double.isFinite(values[n]) || !Rows.fitsFloat(values[n])) {
				int j = n % kernelWidth, i = n / kernelWidth % kernelHeight;
				int c = n / (kernelWidth * kernelHeight) % channelsPerGroup;
				int o = n / (kernelWidth * kernelHeight * channelsPerGroup);
				String at = "weight [" + o + "][" + c + "][" + i + "][" + j + "] is " + values[n];
				// a finite value beyond the float range would become infinity in every output it touches
				throw new UserException(Double.isFinite(values[n]) ? at + BEYOND_FLOAT
					: at + "; weights must be finite numbers");
			}
		}
		double[] b = null;
		if (bias != null) {
			if (bias.length != outputs) {
				throw new UserException("the bias has " + bias.length + " value" + (bias.length == 1 ? "" : "s")
					+ " but the weights have " + outputs + " output channel" + (outputs == 1 ? "" : "s")
					+ "; give one bias value per output channel");
			}
			for (int o = 0; o < outputs; o++) {
				if (!Double.isFinite(bias[o])) {
					throw new UserException("bias [" + o + "] is " + bias[o] + "; the bias must be finite numbers");
				}
				if (!Rows.fitsFloat(bias[o])) throw new UserException("bias [" + o + "] is " + bias[o] + BEYOND_FLOAT);
			}
			b = bias.clone();
		}
		List<String> names = new ArrayList<>();
		for (int o = 1; o <= outputs; o++) names.add("feature " + o);
		return new LayerWeights(outputs, channelsPerGroup, kernelHeight, kernelWidth, groups, values.clone(), b,
			Collections.unmodifiableList(names));
	}

	/**
	 * These weights with one name per output channel (labels of the feature maps).
	 *
	 * @throws UserException when the count differs from {@link #outputs()} or a name is blank
	 */
	public LayerWeights withNames(List<String> newNames) {
		if (newNames.size() != outputs) {
			throw new UserException(newNames.size() + (newNames.size() == 1 ? " name" : " names") + " given for "
				+ outputs + " output channel" + (outputs == 1 ? "" : "s") + "; give one name per output channel");
		}
		for (int o = 0; o < outputs; o++) {
			if (newNames.get(o) == null || newNames.get(o).trim().isEmpty()) {
				throw new UserException("the name of output channel " + (o + 1) + " is empty");
			}
		}
		return new LayerWeights(outputs, channelsPerGroup, kernelHeight, kernelWidth, groups, values, bias,
			Collections.unmodifiableList(new ArrayList<>(newNames)));
	}

	/** These weights with a bias ({@code outputs} values, or {@code null} for none). */
	public LayerWeights withBias(double[] newBias) {
		return of(outputs, channelsPerGroup, kernelHeight, kernelWidth, values, newBias, groups).withNames(names);
	}

	/** These weights split into {@code newGroups} groups (the same values, a different channel count). */
	public LayerWeights withGroups(int newGroups) {
		return of(outputs, channelsPerGroup, kernelHeight, kernelWidth, values, bias, newGroups).withNames(names);
	}

	/** {@code O}, the number of output channels (feature maps). */
	public int outputs() { return outputs; }
	/** {@code C/groups}, the input channels each output sums. */
	public int channelsPerGroup() { return channelsPerGroup; }
	public int groups() { return groups; }
	/** {@code C}, the input channels these weights expect. */
	public int channels() { return channelsPerGroup * groups; }
	public int kernelHeight() { return kernelHeight; }
	public int kernelWidth() { return kernelWidth; }
	public boolean hasBias() { return bias != null; }

	/** The bias of output {@code o}; 0 without a bias. */
	public double bias(int o) {
		return bias == null ? 0 : bias[o];
	}

	/** The name of output {@code o} (0-based). */
	public String name(int o) {
		return names.get(o);
	}

	/** The names of the outputs, in order. */
	public List<String> names() {
		return names;
	}

	/** The first input channel (0-based) of output {@code o}'s group. */
	public int firstChannel(int o) {
		return o / (outputs / groups) * channelsPerGroup;
	}

	/** The tap in row {@code i}, column {@code j} of the kernel output {@code o} applies to channel {@code c} of its group. */
	public double get(int o, int c, int i, int j) {
		return values[((o * channelsPerGroup + c) * kernelHeight + i) * kernelWidth + j];
	}

	/** The kernel output {@code o} applies to channel {@code c} of its group, named after both. */
	public Kernel kernel(int o, int c) {
		int size = kernelHeight * kernelWidth;
		int from = (o * channelsPerGroup + c) * size;
		return Kernel.of(names.get(o) + " ← channel " + (firstChannel(o) + c + 1), kernelWidth, kernelHeight,
			Arrays.copyOfRange(values, from, from + size));
	}

	/**
	 * Checks that an input of {@code channels} channels fits these weights.
	 *
	 * @throws UserException naming the shape, the groups and the image's channel count
	 */
	public void checkChannels(int channels) {
		if (channels == channels()) return;
		String g = groups == 1 ? "" : " with groups=" + groups;
		int fits = channels % channelsPerGroup == 0 ? channels / channelsPerGroup : 0; // the groups that would fit
		String hint = fits == 0 || fits == groups || outputs % fits != 0 ? ""
			: fits == 1 ? "; give groups=1 (no groups: every output reads every channel)"
			: "; for a grouped layer give groups=" + fits;
		throw new UserException("the weights (shape " + shape(outputs, channelsPerGroup, kernelHeight, kernelWidth)
			+ g + ") expect " + channels() + " input channel" + (channels() == 1 ? "" : "s") + " but the image has "
			+ channels + hint
			+ "; use weights made for " + channels + " channel" + (channels == 1 ? "" : "s") + " or an image with "
			+ channels() + " channel" + (channels() == 1 ? "" : "s"));
	}

	/** The shape as CNN libraries write it, e.g. {@code 8×3×3×3} (outputs × channels per group × kh × kw). */
	public String shape() {
		return shape(outputs, channelsPerGroup, kernelHeight, kernelWidth);
	}

	private static String shape(int o, int c, int kh, int kw) {
		return o + "×" + c + "×" + kh + "×" + kw;
	}

	@Override
	public String toString() {
		return "layer weights " + shape() + (groups == 1 ? "" : " groups=" + groups) + (bias == null ? "" : " with bias");
	}
}
