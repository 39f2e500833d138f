package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.Suggestions;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Kernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalogue of preset kernels shared by the plugin and the CLI, and the reading of preset names.
 * <p>
 * A preset is named by its id ({@code sobel-x}) or its label ({@code Sobel X}), ignoring case. A
 * parameterised preset takes its parameter as {@code id:value} ({@code gaussian:2.5}) or
 * {@code Label σ=value} ({@code Gaussian σ=2.5}; {@code sigma=} works too); without one it uses its default.
 */
public final class Presets {

	private static final List<Preset> ALL = Collections.unmodifiableList(Arrays.asList(
		Preset.fixed("identity", "Identity", new double[][] { { 0, 0, 0 }, { 0, 1, 0 }, { 0, 0, 0 } }),
		Preset.fixed("box-3", "Box mean 3x3", box(3)),
		Preset.fixed("box-5", "Box mean 5x5", box(5)),
		Preset.parameterised("gaussian", "Gaussian", "σ", 1.0, Presets::gaussian),
		Preset.fixed("laplacian-4", "Laplacian 4-neighbour", new double[][] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } }),
		Preset.fixed("laplacian-8", "Laplacian 8-neighbour",
			new double[][] { { -1, -1, -1 }, { -1, 8, -1 }, { -1, -1, -1 } }),
		Preset.parameterised("log", "LoG", "σ", 1.4, Presets::laplacianOfGaussian),
		Preset.fixed("sobel-x", "Sobel X", new double[][] { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } }),
		Preset.fixed("sobel-y", "Sobel Y", new double[][] { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } }),
		Preset.fixed("prewitt-x", "Prewitt X", new double[][] { { -1, 0, 1 }, { -1, 0, 1 }, { -1, 0, 1 } }),
		Preset.fixed("prewitt-y", "Prewitt Y", new double[][] { { -1, -1, -1 }, { 0, 0, 0 }, { 1, 1, 1 } }),
		Preset.fixed("scharr-x", "Scharr X", new double[][] { { -3, 0, 3 }, { -10, 0, 10 }, { -3, 0, 3 } }),
		Preset.fixed("scharr-y", "Scharr Y", new double[][] { { -3, -10, -3 }, { 0, 0, 0 }, { 3, 10, 3 } }),
		Preset.fixed("roberts-cross", "Roberts cross", new double[][] { { 1, 0 }, { 0, -1 } }),
		Preset.fixed("sharpen", "Sharpen",
			new double[][] { { -0.25, -0.25, -0.25 }, { -0.25, 3, -0.25 }, { -0.25, -0.25, -0.25 } }),
		Preset.parameterised("unsharp", "Unsharp mask", "σ", 1.0, Presets::unsharpMask),
		Preset.fixed("emboss", "Emboss", new double[][] { { -2, -1, 0 }, { -1, 1, 1 }, { 0, 1, 2 } }),
		Preset.fixed("imagej-edge", "ImageJ edge 5x5", imageJEdge())));

	private static final Pattern DECIMAL = Pattern.compile(KernelParser.NUMBER);
	private static final Pattern WITH_PARAMETER =
		Pattern.compile("^\\[?\\s*(.+?)\\s*(:|\\s(?:σ|sigma)\\s*=)\\s*([^\\s\\]]*)\\s*\\]?$", Pattern.CASE_INSENSITIVE);

	private Presets() {
	}

	/** All presets, in the order a dialog lists them. */
	public static List<Preset> all() {
		return ALL;
	}

	/** The labels of all presets, in order. */
	public static List<String> labels() {
		List<String> labels = new ArrayList<>();
		for (Preset p : ALL) labels.add(p.label());
		return labels;
	}

	/** The preset with this id or label (ignoring case), without any parameter text. */
	public static Optional<Preset> find(String idOrLabel) {
		if (idOrLabel == null) return Optional.empty();
		String wanted = idOrLabel.trim().toLowerCase(Locale.ROOT);
		for (Preset p : ALL) {
			if (p.id().equals(wanted) || p.label().toLowerCase(Locale.ROOT).equals(wanted)) return Optional.of(p);
		}
		return Optional.empty();
	}

	/**
	 * The kernel a preset name stands for: {@code sobel-x}, {@code Sobel X}, {@code gaussian:2.5},
	 * {@code [Gaussian σ=2.5]}.
	 *
	 * @throws UserException for an unknown name (listing the ids) or a bad parameter
	 */
	public static Kernel resolve(String name) {
		Reference r = reference(name);
		return Double.isNaN(r.parameter) ? r.preset.kernel() : r.preset.kernel(r.parameter);
	}

	/**
	 * The ASCII id form of a preset name, as macros should record it: {@code sobel-x} for {@code Sobel X},
	 * {@code gaussian:2.5} for {@code [Gaussian σ=2.5]}, {@code gaussian:1} for {@code gaussian} (the default
	 * written out). {@link #resolve} reads it back to the same kernel.
	 *
	 * @throws UserException as {@link #resolve} does
	 */
	public static String id(String name) {
		Reference r = reference(name);
		if (!r.preset.isParameterised()) return r.preset.id();
		double parameter = Double.isNaN(r.parameter) ? r.preset.defaultParameter() : r.parameter;
		r.preset.kernel(parameter); // validates the range
		return r.preset.id() + ":" + Preset.format(parameter);
	}

	/** A preset and its parameter as given (NaN when none was). */
	private static final class Reference {
		final Preset preset;
		final double parameter;

		Reference(Preset preset, double parameter) {
			this.preset = preset;
			this.parameter = parameter;
		}
	}

	private static Reference reference(String name) {
		if (name == null || name.trim().isEmpty()) {
			throw new UserException("no preset given; use one of " + ids());
		}
		String text = name.trim();
		String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1).trim() : text;
		Optional<Preset> plain = find(bare);
		if (plain.isPresent()) return new Reference(plain.get(), Double.NaN);
		// no preset name is long; a long text skips the pattern, whose lazy name part would take quadratic time
		Matcher m = WITH_PARAMETER.matcher(text.length() <= 200 ? text : "");
		if (m.matches()) {
			Optional<Preset> p = find(m.group(1));
			if (p.isPresent()) {
				if (!p.get().isParameterised()) {
					throw new UserException("preset '" + p.get().label() + "' takes no parameter");
				}
				if (m.group(3).isEmpty()) {
					throw new UserException("preset '" + p.get().label() + "' needs its " + p.get().parameterName()
						+ " after the '" + (m.group(2).endsWith("=") ? "=" : ":") + "'; write e.g. " + p.get().id()
						+ ":2.5");
				}
				// a decimal as kernel text writes it: Double.parseDouble alone also takes "2f", "0x1p1" or "Infinity"
				if (!DECIMAL.matcher(m.group(3)).matches()) {
					throw new UserException("preset '" + p.get().label() + "': '" + Excerpt.of(m.group(3))
						+ "' is not a number; write e.g. " + p.get().id() + ":2.5");
				}
				return new Reference(p.get(), Double.parseDouble(m.group(3)));
			}
		}
		List<String> names = new ArrayList<>();
		for (Preset p : ALL) names.add(p.id());
		String typed = text.replaceFirst("[:\\s].*$", "");
		String hint = Suggestions.didYouMean(typed, names);
		throw new UserException("unknown preset '" + Excerpt.of(text) + "'" + (hint.isEmpty() ? "; use one of " + ids()
			: hint + " (presets: " + ids()) + "; parameterised ones as e.g. gaussian:2.5" + (hint.isEmpty() ? "" : ")"));
	}

	private static String ids() {
		List<String> ids = new ArrayList<>();
		for (Preset p : ALL) ids.add(p.id());
		return String.join(", ", ids);
	}

	private static double[][] box(int n) {
		double[][] k = new double[n][n];
		for (double[] row : k) Arrays.fill(row, 1.0 / (n * n));
		return k;
	}

	private static double[][] imageJEdge() {
		double[][] k = new double[5][5];
		for (double[] row : k) Arrays.fill(row, -1);
		k[2][2] = 24;
		return k;
	}

	/** Radius covering ±3σ, as ImageJ's and scipy's Gaussian kernels roughly do. */
	private static int radius(double sigma) {
		return Math.max(1, (int) Math.ceil(3 * sigma));
	}

	/** Sampled Gaussian, normalised to sum 1. */
	private static double[][] gaussian(double sigma) {
		int r = radius(sigma);
		double[] g = new double[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++) sum += g[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
		double[][] k = new double[2 * r + 1][2 * r + 1];
		for (int i = 0; i < k.length; i++) {
			for (int j = 0; j < k.length; j++) k[i][j] = g[i] * g[j] / (sum * sum);
		}
		return k;
	}

	/** Sampled Laplacian of Gaussian (negative centre, "Mexican hat" upside down), made exactly zero-sum. */
	private static double[][] laplacianOfGaussian(double sigma) {
		int r = radius(sigma);
		int n = 2 * r + 1;
		double[][] k = new double[n][n];
		double s2 = sigma * sigma, mean = 0;
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < n; j++) {
				double q = ((i - r) * (i - r) + (j - r) * (j - r)) / (2 * s2);
				mean += k[i][j] = (q - 1) / (Math.PI * s2 * s2) * Math.exp(-q);
			}
		}
		mean /= n * n;
		for (double[] row : k) for (int j = 0; j < n; j++) row[j] -= mean;
		return k;
	}

	/** ImageJ's Unsharp Mask with its default weight 0.6: (identity - 0.6 Gaussian) / 0.4. */
	private static double[][] unsharpMask(double sigma) {
		double weight = 0.6;
		double[][] k = gaussian(sigma);
		int r = k.length / 2;
		for (int i = 0; i < k.length; i++) {
			for (int j = 0; j < k.length; j++) k[i][j] = ((i == r && j == r ? 1 : 0) - weight * k[i][j]) / (1 - weight);
		}
		return k;
	}
}
