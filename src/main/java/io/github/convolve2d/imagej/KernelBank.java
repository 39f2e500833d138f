package io.github.convolve2d.imagej;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.KernelParser;
import io.github.convolve2d.kernel.Preset;
import io.github.convolve2d.kernel.Presets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kernels of one run, one or several (a bank), each remembering whether it came from a preset. Read from
 * the plugin's two kernel options: {@code preset=} (preset names separated by commas, e.g.
 * {@code [Sobel X, Sobel Y]}, or {@code Custom}) and {@code kernel=} (kernel text, rows separated by {@code ;}
 * or new lines, kernels separated by {@code |}). When both are given they must agree, so an edited recording
 * never silently computes something else than its preset says; a lone {@code Custom} covers every kernel of
 * the text.
 */
public final class KernelBank {

	/** The preset-list entry (and kernel name) of a kernel typed by the user. */
	public static final String CUSTOM = "Custom";

	private final List<Kernel> kernels;
	/** Per kernel: the preset name as {@link Presets#resolve} accepts it back, or null for a typed kernel. */
	private final List<String> presetNames;
	/** Per kernel: true for a parameterised preset (Gaussian σ…), whose kernel text is long. */
	private final List<Boolean> parameterised;

	private KernelBank(List<Kernel> kernels, List<String> presetNames, List<Boolean> parameterised) {
		this.kernels = Collections.unmodifiableList(kernels);
		this.presetNames = Collections.unmodifiableList(presetNames);
		this.parameterised = Collections.unmodifiableList(parameterised);
	}

	/**
	 * The kernels that a {@code preset=} and a {@code kernel=} value stand for; either may be null.
	 *
	 * @throws UserException for no kernel at all, an unknown preset, bad kernel text (naming the
	 *         kernel, row and column), or a preset list that disagrees with the kernel text
	 */
	public static KernelBank of(String presetText, String kernelText) {
		List<String> presets = presetText == null ? Collections.emptyList() : split(presetText, "[,|]");
		boolean hasText = kernelText != null && !kernelText.trim().isEmpty();
		if (presets.isEmpty() && !hasText) {
			throw new UserException("no kernel given; give preset=[Sobel X] (or several: preset=[Sobel X,"
				+ " Sobel Y]) or kernel=[0 1 0; 1 -4 1; 0 1 0] (several separated by |)");
		}
		List<Kernel> kernels = new ArrayList<>();
		List<String> names = new ArrayList<>();
		List<Boolean> param = new ArrayList<>();
		if (!hasText) {
			for (String p : presets) {
				if (isCustom(p)) {
					throw new UserException("preset Custom needs the kernel itself: type it in the dialog's"
						+ " text area (rows on lines), or in a macro add kernel=[...] with rows separated by ;");
				}
				Kernel k = Presets.resolve(p);
				kernels.add(k);
				names.add(k.name());
				param.add(isParameterised(p));
			}
			return new KernelBank(kernels, names, param);
		}
		List<String> blocks = split(kernelText, "\\|");
		// a lone Custom (the dialog's choice once the text is edited) stands for every typed kernel
		if (presets.size() == 1 && isCustom(presets.get(0))) presets = Collections.emptyList();
		if (!presets.isEmpty() && presets.size() != blocks.size()) {
			throw new UserException("preset= names " + presets.size() + " kernel(s) but kernel= holds "
				+ blocks.size() + " (separated by |); give one preset name (or Custom) per kernel, or leave out"
				+ " preset=");
		}
		int customs = 0;
		for (int n = 0; n < blocks.size(); n++) {
			String where = blocks.size() > 1 ? "kernel " + (n + 1) + " of " + blocks.size() + ": " : "";
			Kernel typed;
			try {
				typed = KernelParser.parse(blocks.get(n));
			}
			catch (UserException e) {
				throw new UserException(where + e.getMessage(), e);
			}
			String p = presets.isEmpty() ? CUSTOM : presets.get(n);
			if (isCustom(p)) {
				customs++;
				kernels.add(typed.withName(customs == 1 ? CUSTOM : CUSTOM + " " + customs));
				names.add(null);
				param.add(false);
				continue;
			}
			Kernel preset = Presets.resolve(p);
			if (!sameValues(preset, typed)) {
				throw new UserException(where + "the kernel text differs from preset '" + preset.name()
					+ "'; write preset=Custom to use your own kernel, or leave out kernel= to use the preset");
			}
			kernels.add(preset);
			names.add(preset.name());
			param.add(isParameterised(p));
		}
		return new KernelBank(kernels, names, param);
	}

	/**
	 * The label of the fixed preset (not a parameterised one such as Gaussian) whose values equal the kernel's,
	 * if any: a kernel file holding Sobel X is then shown as the preset Sobel X rather than as Custom.
	 */
	public static Optional<String> matchingPreset(Kernel kernel) {
		for (Preset p : Presets.all()) {
			if (!p.isParameterised() && sameValues(p.kernel(), kernel)) return Optional.of(p.label());
		}
		return Optional.empty();
	}

	/** A bank of the given kernels, all counted as typed by the user (named as they are). */
	public static KernelBank custom(List<Kernel> kernels) {
		List<String> names = new ArrayList<>(Collections.nCopies(kernels.size(), (String) null));
		return new KernelBank(new ArrayList<>(kernels), names,
			new ArrayList<>(Collections.nCopies(kernels.size(), false)));
	}

	public List<Kernel> kernels() {
		return kernels;
	}

	/** The {@code preset=} value that gives these kernels back, e.g. {@code Sobel X, Custom}. */
	public String presetText() {
		List<String> parts = new ArrayList<>();
		for (String p : presetNames) parts.add(p == null ? CUSTOM : p);
		return String.join(", ", parts);
	}

	/** True when every kernel comes from a preset. */
	public boolean allPresets() {
		return !presetNames.contains(null);
	}

	/**
	 * True when the {@code kernel=} text is worth recording: some kernel is typed, or all are fixed presets
	 * (short text). Parameterised presets (a Gaussian's 289 values) are recorded by name alone.
	 */
	public boolean recordKernelText() {
		return !allPresets() || !parameterised.contains(true);
	}

	/** The kernels as one line for a macro: rows separated by {@code "; "}, kernels by {@code " | "}. */
	public String kernelLine() {
		List<String> parts = new ArrayList<>();
		for (Kernel k : kernels) parts.add(k.toLine());
		return String.join(" | ", parts);
	}

	/** The kernels as text for the dialog: ImageJ's format, kernels separated by a line holding {@code |}. */
	public String kernelText() {
		List<String> parts = new ArrayList<>();
		for (Kernel k : kernels) parts.add(k.toText());
		return String.join("|\n", parts);
	}

	/** The feature-map name part: kernel names joined by {@code +}. */
	public String title() {
		List<String> parts = new ArrayList<>();
		for (Kernel k : kernels) parts.add(k.name());
		return String.join("+", parts);
	}

	private static boolean isCustom(String preset) {
		return CUSTOM.toLowerCase(Locale.ROOT).equals(preset.trim().toLowerCase(Locale.ROOT));
	}

	private static boolean isParameterised(String preset) {
		String bare = preset.trim().replaceAll("^\\[|\\]$", "").trim();
		Optional<Preset> p = Presets.find(bare);
		return !p.isPresent() || p.get().isParameterised();
	}

	/** Equal values (to 1e-12 relative): kernel text written by toText()/toLine() reads back exactly. */
	private static boolean sameValues(Kernel a, Kernel b) {
		if (a.width() != b.width() || a.height() != b.height()) return false;
		double[] x = a.values(), y = b.values();
		for (int i = 0; i < x.length; i++) {
			if (Math.abs(x[i] - y[i]) > 1e-12 * Math.max(Math.abs(x[i]), Math.abs(y[i]))) return false;
		}
		return true;
	}

	private static List<String> split(String text, String separator) {
		List<String> parts = new ArrayList<>();
		for (String s : text.split(separator, -1)) {
			if (!s.trim().isEmpty()) parts.add(s.trim());
		}
		return parts;
	}
}
