package io.github.convolve2d.kernel;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Kernel;
import java.util.function.DoubleFunction;

/**
 * A named kernel recipe offered in the plugin's dialog and the CLI, e.g. "Sobel X" ({@code sobel-x}). Some take
 * one parameter (the Gaussian's σ); they build their kernel for the parameter given, or for their default.
 */
public final class Preset {

	/**
	 * The range of a parameter (σ, in pixels): below 0.1 a Gaussian is a single 1 (and σ² underflows long
	 * before σ reaches 0), above 100 the kernel would have more than 600 rows.
	 */
	public static final double MIN_PARAMETER = 0.1, MAX_PARAMETER = 100;

	private final String id;
	private final String label;
	private final String parameterName;
	private final double defaultParameter;
	private final DoubleFunction<double[][]> values;

	private Preset(String id, String label, String parameterName, double defaultParameter,
		DoubleFunction<double[][]> values)
	{
		this.id = id;
		this.label = label;
		this.parameterName = parameterName;
		this.defaultParameter = defaultParameter;
		this.values = values;
	}

	/** A preset with fixed values. */
	static Preset fixed(String id, String label, double[][] values) {
		return new Preset(id, label, null, Double.NaN, p -> values);
	}

	/** A preset whose values depend on one positive parameter (such as σ). */
	static Preset parameterised(String id, String label, String parameterName, double defaultParameter,
		DoubleFunction<double[][]> values)
	{
		return new Preset(id, label, parameterName, defaultParameter, values);
	}

	/** Lower-case id used on the command line, e.g. {@code sobel-x}. */
	public String id() {
		return id;
	}

	/** Label shown to users, e.g. {@code Sobel X}. */
	public String label() {
		return label;
	}

	public boolean isParameterised() {
		return parameterName != null;
	}

	/** The parameter's name (e.g. {@code σ}), or null for a fixed preset. */
	public String parameterName() {
		return parameterName;
	}

	/** The parameter used when none is given (NaN for a fixed preset). */
	public double defaultParameter() {
		return defaultParameter;
	}

	/** The kernel, with the default parameter for a parameterised preset. */
	public Kernel kernel() {
		return isParameterised() ? kernel(defaultParameter) : Kernel.of(label, values.apply(Double.NaN));
	}

	/**
	 * The kernel for a parameter value, named e.g. {@code "Gaussian σ=2.5"}.
	 *
	 * @throws UserException for a fixed preset or a parameter out of range
	 */
	public Kernel kernel(double parameter) {
		if (!isParameterised()) {
			throw new UserException("preset '" + label + "' takes no parameter");
		}
		if (!(parameter >= MIN_PARAMETER && parameter <= MAX_PARAMETER)) {
			throw new UserException("preset '" + label + "' needs " + parameterName + " from " + format(MIN_PARAMETER)
				+ " to " + format(MAX_PARAMETER) + ", got " + format(parameter));
		}
		return Kernel.of(label + " " + parameterName + "=" + format(parameter), values.apply(parameter));
	}

	/** The preset's full name as accepted back by {@link Presets#resolve}, e.g. {@code Gaussian σ=2}. */
	public String nameFor(double parameter) {
		return isParameterised() ? label + " " + parameterName + "=" + format(parameter) : label;
	}

	static String format(double v) {
		// whole numbers without ".0"; infinity and NaN as Java writes them (a cast to long would give 2^63 - 1)
		return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
	}

	@Override
	public String toString() {
		return label;
	}
}
