package io.github.convolve2d.imagej;

import io.github.convolve2d.core.Excerpt;
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
 * the plugin's kernel options: {@code preset=} (preset ids or labels separated by commas, e.g.
 * {@code sobel-x,sobel-y} or {@code [Sobel X, Sobel Y]}, or {@code custom}), {@code kernel=} (kernel text,
 * rows separated by {@code ;} or new lines, kernels separated by {@code |}) and {@code name=} (the labels of
 * the typed kernels, separated by commas; default {@code Custom}, {@code Custom 2}, ...). When preset= and
 * kernel= are both given they must agree, so an edited recording never silently computes something else than
 * its preset says; a lone {@code custom} covers every kernel of the text.
 */
public final class KernelBank {

	/** The preset-list entry (and default kernel name) of a kernel typed by the user. */
	public static final String CUSTOM = "Custom";

	private final List<Kernel> kernels;
	/** Per kernel: the preset's ASCII id as {@link Presets#id} gives it, or null for a typed kernel. */
	private final List<String> presetIds;

	private KernelBank(List<Kernel> kernels, List<String> presetIds) {
		this.kernels = Collections.unmodifiableList(kernels);
		this.presetIds = Collections.unmodifiableList(presetIds);
	}

	/** The kernels that a {@code preset=} and a {@code kernel=} value stand for; either may be null. */
	public static KernelBank of(String presetText, String kernelText) {
		return of(presetText, kernelText, null);
	}

	/**
	 * The kernels that {@code preset=}, {@code kernel=} and {@code name=} values stand for; any may be null.
	 *
	 * @throws UserException for no kernel at all, an unknown preset, bad kernel text (naming the kernel, row
	 *         and column), a preset list that disagrees with the kernel text, or names that do not fit
	 */
	public static KernelBank of(String presetText, String kernelText, String nameText) {
		List<String> presets = presetText == null ? Collections.emptyList() : split(presetText, "[,|]");
		boolean hasText = kernelText != null && !kernelText.trim().isEmpty();
		if (presets.isEmpty() && !hasText) {
			throw new UserException("no kernel given; give preset=sobel-x (or several: preset=sobel-x,sobel-y)"
				+ " or kernel=[0 1 0; 1 -4 1; 0 1 0] (several separated by |)");
		}
		List<Kernel> kernels = new ArrayList<>();
		List<String> ids = new ArrayList<>();
		List<String> blocks = hasText ? split(kernelText, "\\|") : Collections.emptyList();
		if (hasText && blocks.isEmpty()) {
			throw new UserException("the kernel text holds no kernel, only separators (|); type rows of numbers such as"
				+ " 0 1 0; 1 -4 1; 0 1 0 (in a macro: kernel=[0 1 0; 1 -4 1; 0 1 0])");
		}
		if (!hasText) {
			for (String p : presets) {
				if (isCustom(p)) {
					throw new UserException("preset custom needs the kernel itself: type it in the dialog's"
						+ " text area (rows on lines), or in a macro add kernel=[...] with rows separated by ;");
				}
				kernels.add(Presets.resolve(p));
				ids.add(Presets.id(p));
			}
			if (nameText != null) {
				throw new UserException("name= labels typed kernels (kernel=...), but every kernel here is a"
					+ " preset; leave out name=");
			}
			return new KernelBank(kernels, ids);
		}
		// a lone Custom (the dialog's choice once the text is edited) stands for every typed kernel
		if (presets.size() == 1 && isCustom(presets.get(0))) presets = Collections.emptyList();
		if (!presets.isEmpty() && presets.size() != blocks.size()) {
			throw new UserException("preset= names " + presets.size() + " kernel(s) but kernel= holds "
				+ blocks.size() + " (separated by |); give one preset id (or custom) per kernel, or leave out"
				+ " preset=");
		}
		List<String> names = nameText == null ? null : names(nameText);
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
				String name = customs == 1 ? CUSTOM : CUSTOM + " " + customs;
				if (names != null && customs <= names.size()) name = names.get(customs - 1);
				kernels.add(typed.withName(name));
				ids.add(null);
				continue;
			}
			Kernel preset = Presets.resolve(p);
			if (!sameValues(preset, typed)) {
				throw new UserException(where + "the kernel text differs from preset '" + preset.name()
					+ "'; write preset=custom to use your own kernel, or leave out kernel= to use the preset");
			}
			kernels.add(preset);
			ids.add(Presets.id(p));
		}
		if (names != null && names.size() != customs) {
			throw new UserException("name= gives " + names.size() + " name(s) but there are " + customs
				+ " typed kernel(s); give one name per typed kernel, separated by commas");
		}
		return new KernelBank(kernels, ids);
	}

	/**
	 * A {@code preset=} value with σ given apart, by {@code sigma=} as ImageJ's Gaussian Blur takes it: each preset
	 * that takes σ and is named without one gets {@code sigmaText} ({@code gaussian,sobel-x} with 2 gives
	 * {@code gaussian:2,sobel-x}).
	 *
	 * @throws UserException when no preset named takes σ without one already
	 */
	static String withSigma(String presetText, String sigmaText) {
		String sigma = sigmaText.trim();
		List<String> presets = presetText == null ? Collections.emptyList() : split(presetText, "[,|]");
		List<String> out = new ArrayList<>();
		boolean used = false;
		for (String p : presets) {
			String bare = p.startsWith("[") && p.endsWith("]") ? p.substring(1, p.length() - 1) : p;
			Optional<Preset> preset = Presets.find(bare);
			if (preset.isPresent() && preset.get().isParameterised()) {
				out.add(preset.get().id() + ":" + sigma);
				used = true;
			}
			else out.add(p);
		}
		if (!used) {
			List<String> takers = new ArrayList<>();
			for (Preset p : Presets.all()) if (p.isParameterised()) takers.add(p.id());
			throw new UserException("sigma= sets σ of a preset that takes one (" + String.join(", ", takers)
				+ ") named without it, but preset= names none" + (presetText == null ? "" : " ('"
				+ Excerpt.of(presetText.trim()) + "')") + "; e.g. preset=gaussian sigma=2, or leave out sigma=");
		}
		return String.join(",", out);
	}

	/** The names of a {@code name=} value: separated by commas, none empty. */
	private static List<String> names(String nameText) {
		List<String> names = new ArrayList<>();
		for (String s : nameText.split(",", -1)) {
			String name = s.trim();
			if (name.isEmpty()) {
				throw new UserException("name= holds an empty name; give one name per typed kernel, separated"
					+ " by commas, e.g. name=[edges, ridges]");
			}
			String safe = safeName(name);
			if (!name.equals(safe)) {
				int at = 0;
				while (name.charAt(at) == safe.charAt(at)) at++;
				char c = name.charAt(at);
				String what = c < ' ' || c == 0x7f ? "a control character" : c > '~' ? "'" + c + "', which is not"
					+ " ASCII (a recorded macro line must be ASCII to replay everywhere)" : "'" + c + "'";
				throw new UserException("kernel name '" + Excerpt.of(name) + "' holds " + what + "; a name may hold"
					+ " printable ASCII but no brackets, commas, |, ;, \" or \\ and may not begin with ', e.g. name="
					+ Excerpt.of(safe.replace(' ', '_')));
			}
			names.add(name);
		}
		return names;
	}

	/**
	 * A kernel name that a recorded {@code name=} value holds safely: printable ASCII without brackets, commas,
	 * {@code |}, {@code ;}, double quotes or backslashes, not beginning with a single quote (others become
	 * {@code _}), e.g. a kernel file's name: a leading {@code '} would be read back as quoting the value, and a
	 * {@code "} or backslash needs an escape in the macro string that holds the options.
	 */
	public static String safeName(String name) {
		StringBuilder sb = new StringBuilder();
		for (char c : name.trim().toCharArray()) sb.append(c < ' ' || c > '~' || "[],|;\"\\".indexOf(c) >= 0 ? '_' : c);
		if (sb.length() > 0 && sb.charAt(0) == '\'') sb.setCharAt(0, '_');
		return sb.toString();
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
		return new KernelBank(new ArrayList<>(kernels), new ArrayList<>(Collections.nCopies(kernels.size(),
			(String) null)));
	}

	public List<Kernel> kernels() {
		return kernels;
	}

	/** The {@code preset=} value that gives these kernels back, in ASCII: e.g. {@code sobel-x,gaussian:2,custom}. */
	public String presetText() {
		List<String> parts = new ArrayList<>();
		for (String p : presetIds) parts.add(p == null ? CUSTOM.toLowerCase(Locale.ROOT) : p);
		return String.join(",", parts);
	}

	/** True when every kernel comes from a preset: then {@code preset=} alone gives them back. */
	public boolean allPresets() {
		return !presetIds.contains(null);
	}

	/**
	 * The {@code name=} value of the typed kernels (e.g. {@code edge} for a kernel opened from edge.txt), or null
	 * when they carry the default names Custom, Custom 2, ...
	 */
	public String nameText() {
		List<String> names = new ArrayList<>();
		boolean defaults = true;
		for (int n = 0; n < kernels.size(); n++) {
			if (presetIds.get(n) != null) continue;
			String name = kernels.get(n).name();
			defaults &= name.equals(names.isEmpty() ? CUSTOM : CUSTOM + " " + (names.size() + 1));
			names.add(name);
		}
		return defaults ? null : String.join(", ", names);
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

	private static boolean isCustom(String preset) {
		return CUSTOM.toLowerCase(Locale.ROOT).equals(preset.trim().toLowerCase(Locale.ROOT));
	}

	/** Equal values (to 1e-12 relative): kernel text written by toText()/toLine() reads back exactly. */
	static boolean sameValues(Kernel a, Kernel b) {
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
