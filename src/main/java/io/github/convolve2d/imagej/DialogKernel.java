package io.github.convolve2d.imagej;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.KernelFiles;
import io.github.convolve2d.kernel.Preset;
import io.github.convolve2d.kernel.Presets;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel part of the dialog without the dialog: the preset choice, σ, the text shown and the exact kernels
 * behind it. Headless, so the dialog's behaviour is tested without a display.
 * <ul>
 * <li>Choosing a preset or bank (or changing σ) fills the text with the kernels rounded for reading
 * ({@link KernelText}); the exact kernels are kept and are what runs while the text is left as filled.</li>
 * <li>Editing the text makes the choice "Custom" and the text is what runs, unless the text then equals the
 * last filled preset's (σ included) or a fixed preset's or bank's (as filled, or with the same values): that
 * choice is regained, with its exact kernels.</li>
 * <li>A kernel opened from a file shows as the fixed preset it equals, else as "Custom" named after the file
 * ({@code edge.txt} gives feature maps named {@code edge}); its exact values run.</li>
 * </ul>
 * {@link #options()} hands the result over as the plugin's {@code preset=}, {@code kernel=} and {@code name=}
 * options, the exact values in full, so the dialog, a macro and a recorded line all read the same way.
 */
final class DialogKernel {

	/** Kernel banks offered in the preset list besides the single presets. */
	static final List<String> BANKS = Collections.unmodifiableList(Arrays.asList("Sobel X, Sobel Y",
		"Prewitt X, Prewitt Y", "Scharr X, Scharr Y", "Sobel X, Sobel Y, Laplacian 4-neighbour"));

	private String choice;
	private String sigma;
	private String text;
	/** The kernels that the current text stands for exactly: those last filled, or null once the text is edited. */
	private List<Kernel> exact;
	/** The last preset or bank filled in, its text and kernels: editing back to that text regains it (σ too). */
	private String filledChoice, filledText;
	private List<Kernel> filledKernels;

	private DialogKernel(String choice, String sigma) {
		this.choice = choice;
		this.sigma = sigma;
	}

	/** The items of the preset list: Custom, every preset, every bank. */
	static List<String> choices() {
		List<String> items = new ArrayList<>();
		items.add(KernelBank.CUSTOM);
		items.addAll(Presets.labels());
		items.addAll(BANKS);
		return items;
	}

	/**
	 * The dialog's kernel as {@code start}'s {@code preset=}, {@code kernel=} and {@code name=} describe it (the
	 * last run's values, possibly ones that failed to read, kept so that they can be fixed).
	 */
	static DialogKernel from(MacroOptions start) {
		String presetText = start.get("preset", "");
		String kernel = start.get("kernel", "");
		String[] initial = initialChoice(presetText);
		DialogKernel d = new DialogKernel(initial[0], initial[1]);
		if (!initial[0].equals(KernelBank.CUSTOM)) {
			d.fill();
			return d;
		}
		try {
			d.showExact(KernelBank.of(presetText.isEmpty() ? null : presetText, kernel,
				start.asMap().get("name")).kernels());
		}
		catch (UserException e) {
			d.text = kernel.replaceAll("\\s*;\\s*", "\n").replaceAll("\\s*\\|\\s*", "\n|\n"); // to be fixed
			d.exact = null;
		}
		return d;
	}

	/** The list item and σ text for a {@code preset=} value: e.g. {"Gaussian", "2.5"} for gaussian:2.5. */
	static String[] initialChoice(String presetText) {
		List<String> labels = new ArrayList<>();
		String sigma = null;
		try {
			for (String part : presetText.split("[,|]")) {
				String id = Presets.id(part);
				String[] idAndParameter = id.split(":", 2);
				labels.add(Presets.find(idAndParameter[0]).get().label());
				if (idAndParameter.length > 1) sigma = idAndParameter[1];
			}
		}
		catch (UserException e) {
			return new String[] { KernelBank.CUSTOM, "1" };
		}
		String item = String.join(", ", labels);
		if (!choices().contains(item) || labels.size() > 1 && sigma != null) return new String[] { KernelBank.CUSTOM, "1" };
		return new String[] { item, sigma == null ? "1" : sigma };
	}

	/** The list item shown: a preset's label, a bank, or Custom. */
	String choice() {
		return choice;
	}

	/** The σ text (used by parameterised presets only). */
	String sigma() {
		return sigma;
	}

	/** The kernel text shown. */
	String text() {
		return text;
	}

	/** Whether the current choice takes σ (Gaussian, LoG, Unsharp mask): the dialog shows the σ field only then. */
	boolean usesSigma() {
		Optional<Preset> p = Presets.find(choice);
		return p.isPresent() && p.get().isParameterised();
	}

	/**
	 * The user picked {@code item} in the list or typed σ: the text is filled with its kernels. Custom keeps the
	 * text as it is.
	 *
	 * @throws UserException for a σ that is not a number or out of range (the text then stays as it was)
	 */
	void choose(String item, String sigmaText) {
		boolean wasPreset = !choice.equals(KernelBank.CUSTOM);
		choice = item;
		sigma = sigmaText.trim();
		if (!item.equals(KernelBank.CUSTOM)) {
			exact = null; // until filled: a σ being typed leaves the old text, which then runs as typed
			fill();
		}
		else if (wasPreset && exact != null) {
			// the preset's values stay, now as the user's own kernels with the default names
			List<Kernel> renamed = new ArrayList<>();
			for (Kernel k : exact) {
				renamed.add(k.withName(renamed.isEmpty() ? KernelBank.CUSTOM : KernelBank.CUSTOM + " " + (renamed.size() + 1)));
			}
			exact = renamed;
		}
	}

	/**
	 * The user edited the text: the choice becomes Custom, or the preset or bank whose kernels the text holds.
	 *
	 * @return whether the choice changed (the dialog then selects {@link #choice()} in its list)
	 */
	boolean edited(String newText) {
		if (newText.equals(text)) return false;
		String before = choice;
		text = newText;
		exact = null;
		choice = KernelBank.CUSTOM;
		List<Kernel> typed;
		try {
			typed = KernelBank.of(null, newText).kernels();
		}
		catch (UserException e) {
			return !before.equals(choice); // not (yet) a kernel; reported on OK
		}
		String shown = normalise(newText);
		if (filledText != null && shown.equals(normalise(filledText))) {
			choice = filledChoice;
			exact = filledKernels;
			return !before.equals(choice);
		}
		for (String item : choices()) {
			if (item.equals(KernelBank.CUSTOM) || Presets.find(item).map(Preset::isParameterised).orElse(false)) continue;
			List<Kernel> kernels = KernelBank.of(item, null).kernels();
			if (shown.equals(normalise(KernelText.of(kernels))) || sameValues(kernels, typed)) {
				choice = item;
				exact = kernels;
				break;
			}
		}
		return !before.equals(choice);
	}

	/**
	 * Opens a kernel file: it shows as the fixed preset it equals, else as Custom named after the file.
	 *
	 * @throws UserException when the file cannot be read or holds no valid kernel (naming file, row and column)
	 */
	void open(Path file) {
		Kernel k = KernelFiles.read(file);
		Optional<String> match = KernelBank.matchingPreset(k);
		if (match.isPresent()) {
			choose(match.get(), sigma);
			return;
		}
		choice = KernelBank.CUSTOM;
		showExact(Collections.singletonList(k.withName(KernelBank.safeName(k.name()))));
	}

	/**
	 * The one kernel to save: exact while the text is as filled or opened, else as typed.
	 *
	 * @throws UserException for bad text, or a text holding several kernels (a file holds one)
	 */
	Kernel kernelToSave() {
		List<Kernel> kernels = kernels();
		if (kernels.size() != 1) {
			throw new UserException("a kernel file holds one kernel, but the text holds " + kernels.size()
				+ "; save them one at a time");
		}
		return kernels.get(0);
	}

	/**
	 * Writes a kernel file (ImageJ's text format); an existing file is replaced only once the new one is complete.
	 *
	 * @throws UserException naming the file and why it cannot be written (not the temporary file it is written to
	 * first, which the exceptions name)
	 */
	static void save(Kernel kernel, Path file) {
		String cannot = "cannot save the kernel to " + file + ": ";
		if (Files.isDirectory(file)) throw new UserException(cannot + "it is a folder; give a file name");
		try {
			KernelFiles.write(kernel, file);
		}
		catch (NoSuchFileException e) {
			throw new UserException(cannot + "the folder " + file.toAbsolutePath().getParent() + " does not exist");
		}
		catch (AccessDeniedException e) {
			throw new UserException(cannot + "permission denied; choose a folder you may write in");
		}
		catch (FileSystemException e) {
			throw new UserException(cannot + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
		}
		catch (IOException e) {
			throw new UserException(cannot + e.getMessage());
		}
	}

	/**
	 * The kernels that will run: the exact ones behind the text, or the text as typed.
	 *
	 * @throws UserException for text that is not a kernel
	 */
	List<Kernel> kernels() {
		return exact != null ? exact : KernelBank.of(KernelBank.CUSTOM, text).kernels();
	}

	/**
	 * The {@code preset=}, {@code kernel=} and {@code name=} options of the current state: a preset or bank by
	 * name (with σ), else {@code preset=custom} with the kernels' exact values (as typed once edited) and their
	 * names when they are not the default.
	 */
	Map<String, String> options() {
		Map<String, String> m = new LinkedHashMap<>();
		if (!choice.equals(KernelBank.CUSTOM)) {
			m.put("preset", usesSigma() ? choice + ":" + sigma : choice);
			return m;
		}
		m.put("preset", KernelBank.CUSTOM.toLowerCase(java.util.Locale.ROOT));
		if (exact == null) {
			m.put("kernel", text);
			return m;
		}
		KernelBank bank = KernelBank.custom(exact);
		m.put("kernel", bank.kernelLine());
		if (bank.nameText() != null) m.put("name", bank.nameText());
		return m;
	}

	private void fill() {
		List<Kernel> kernels = KernelBank.of(usesSigma() ? choice + ":" + sigma : choice, null).kernels();
		showExact(kernels);
		filledChoice = choice;
		filledText = text;
		filledKernels = kernels;
	}

	private void showExact(List<Kernel> kernels) {
		exact = kernels;
		text = KernelText.of(kernels);
	}

	/** Text with its spacing evened out: values one space apart, no blank or padded lines. */
	private static String normalise(String s) {
		return s.trim().replaceAll("[ \\t,]+", " ").replaceAll(" ?(\\r?\\n|;)+ ?", "\n");
	}

	private static boolean sameValues(List<Kernel> a, List<Kernel> b) {
		if (a.size() != b.size()) return false;
		for (int n = 0; n < a.size(); n++) {
			if (!KernelBank.sameValues(a.get(n), b.get(n))) return false;
		}
		return true;
	}
}
