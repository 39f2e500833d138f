package io.github.convolve2d.imagej;

import io.github.convolve2d.core.UserException;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.io.OpenDialog;
import ij.io.SaveDialog;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Labelled;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.KernelFiles;
import io.github.convolve2d.kernel.Preset;
import io.github.convolve2d.kernel.Presets;

import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.TextArea;
import java.awt.TextField;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Vector;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "Convolve 2D..." dialog (needs a display). A preset list and a text area with the kernel: picking a
 * preset (or changing σ for a parameterised one) fills the text area, editing the text turns the choice to
 * "Custom". Open... and Save... read and write ImageJ's kernel text files (a file holding a fixed preset's
 * values selects that preset). It returns the dialog's values as {@link MacroOptions}, the same keys a macro
 * uses, so the plugin reads both the same way.
 */
final class ConvolveDialog {

	/** Kernel banks offered in the preset list besides the single presets. */
	static final List<String> BANKS = Arrays.asList("Sobel X, Sobel Y", "Prewitt X, Prewitt Y", "Scharr X, Scharr Y",
		"Sobel X, Sobel Y, Laplacian 4-neighbour");

	private static final Pattern WITH_SIGMA = Pattern.compile("^(.+?)(?:\\s+σ=|:)(\\S+)$");

	private final ImagePlus imp;
	private Choice preset;
	private TextField sigma;
	private TextArea text;
	/** The text the last preset filled in; an edit away from it turns the choice to Custom. */
	private String filled = "";

	private ConvolveDialog(ImagePlus imp) {
		this.imp = imp;
	}

	/**
	 * Shows the dialog with {@code start}'s values (the last run's, possibly ones that failed to read).
	 *
	 * @return the chosen values, or null when the user cancelled
	 */
	static MacroOptions show(ImagePlus imp, MacroOptions start) {
		return new ConvolveDialog(imp).run(start);
	}

	private MacroOptions run(MacroOptions start) {
		GenericDialog gd = new GenericDialog(UserMessages.TITLE);
		List<String> items = new ArrayList<>();
		items.add(KernelBank.CUSTOM);
		items.addAll(Presets.labels());
		items.addAll(BANKS);
		String[] choice = initialChoice(start.get("preset", "Sobel X"));
		gd.addChoice("Preset", items.toArray(new String[0]), items.contains(choice[0]) ? choice[0] : KernelBank.CUSTOM);
		gd.addStringField("σ (Gaussian, LoG, Unsharp)", choice[1], 6);
		String kernel = start.get("kernel", "");
		gd.addTextAreas(kernel.isEmpty() ? "" : kernel.replaceAll("\\s*;\\s*", "\n").replaceAll("\\s*\\|\\s*", "\n|\n"),
			null, 8, 36);
		gd.addButton("Open kernel...", e -> openKernel());
		gd.addButton("Save kernel...", e -> saveKernel());
		gd.addChoice("Mode", labels(Mode.class), start.get("mode", "same"));
		gd.addChoice("Border", labels(Border.class), start.get("border", "replicate"));
		gd.addStringField("Border value (constant)", start.get("cval", "0"), 6);
		gd.addStringField("Stride (n or rows,columns)", start.get("stride", "1"), 6);
		gd.addStringField("Dilation (n or rows,columns)", start.get("dilation", "1"), 6);
		gd.addChoice("Method", labels(Method.class), start.get("method", "auto"));
		gd.addCheckbox("Flip kernel (true convolution)", start.flag("flip"));
		gd.addCheckbox("Normalize kernel (divide by its sum)", start.flag("normalize"));
		boolean stack = imp.getStackSize() > 1;
		if (stack) gd.addCheckbox("All " + imp.getStackSize() + " planes (C, Z, T)", start.flag("stack"));
		gd.addMessage("Kernel rows on lines (or separated by ;), several kernels separated by a line with |.\n"
			+ "Result: a new 32-bit image; the source is not changed. Escape stops a long run.");

		Vector<?> choices = gd.getChoices();
		Vector<?> strings = gd.getStringFields();
		Vector<?> boxes = gd.getCheckboxes();
		preset = (Choice) choices.get(0);
		sigma = (TextField) strings.get(0);
		text = gd.getTextArea1();
		if (kernel.isEmpty() || !preset.getSelectedItem().equals(KernelBank.CUSTOM)) fill();
		filled = text.getText();
		preset.addItemListener(e -> fill());
		sigma.addTextListener(e -> {
			if (parameterised(preset.getSelectedItem())) fill();
		});
		text.addTextListener(e -> {
			if (!text.getText().equals(filled)) preset.select(KernelBank.CUSTOM);
		});

		gd.showDialog();
		if (gd.wasCanceled()) return null;
		Map<String, String> m = new LinkedHashMap<>();
		m.put("preset", presetText());
		m.put("kernel", text.getText());
		m.put("mode", ((Choice) choices.get(1)).getSelectedItem());
		m.put("border", ((Choice) choices.get(2)).getSelectedItem());
		m.put("cval", ((TextField) strings.get(1)).getText().trim());
		m.put("stride", ((TextField) strings.get(2)).getText().trim());
		m.put("dilation", ((TextField) strings.get(3)).getText().trim());
		m.put("method", ((Choice) choices.get(3)).getSelectedItem());
		if (((Checkbox) boxes.get(0)).getState()) m.put("flip", null);
		if (((Checkbox) boxes.get(1)).getState()) m.put("normalize", null);
		if (stack ? ((Checkbox) boxes.get(2)).getState() : start.flag("stack")) m.put("stack", null);
		return MacroOptions.of(m);
	}

	/** The preset choice and σ text for a {@code preset=} value: e.g. {"Gaussian", "2.5"} for gaussian:2.5. */
	static String[] initialChoice(String presetText) {
		List<String> labels = new ArrayList<>();
		String sigma = "1";
		for (String part : presetText.split(",")) {
			String t = part.trim();
			Optional<Preset> p = Presets.find(t);
			Matcher m = WITH_SIGMA.matcher(t);
			if (p.isPresent()) {
				labels.add(p.get().label());
				sigma = sigmaText(p.get());
			}
			else if (m.matches() && Presets.find(m.group(1)).isPresent()) {
				labels.add(Presets.find(m.group(1)).get().label());
				sigma = m.group(2);
			}
			else return new String[] { presetText.trim(), "1" };
		}
		return new String[] { String.join(", ", labels), sigma };
	}

	private static String sigmaText(Preset p) {
		return p.isParameterised() ? ConvolveSettings.format(p.defaultParameter()) : "1";
	}

	/** The {@code preset=} value of the current choice, with σ for a parameterised preset. */
	private String presetText() {
		String item = preset.getSelectedItem();
		if (!parameterised(item)) return item;
		return item + " σ=" + sigma.getText().trim();
	}

	private static boolean parameterised(String item) {
		Optional<Preset> p = Presets.find(item);
		return p.isPresent() && p.get().isParameterised();
	}

	private void fill() {
		if (preset.getSelectedItem().equals(KernelBank.CUSTOM)) return;
		try {
			filled = KernelBank.of(presetText(), null).kernelText();
			text.setText(filled);
		}
		catch (UserException e) {
			IJ.showStatus(e.getMessage()); // e.g. σ being typed; reported properly on OK
		}
	}

	private void openKernel() {
		OpenDialog od = new OpenDialog("Open kernel...", "");
		if (od.getPath() == null) return;
		try {
			Kernel k = KernelFiles.read(Paths.get(od.getPath()));
			Optional<String> match = KernelBank.matchingPreset(k);
			if (match.isPresent()) {
				preset.select(match.get());
				fill();
			}
			else {
				preset.select(KernelBank.CUSTOM);
				text.setText(k.toText());
			}
		}
		catch (UserException e) {
			IJ.error(UserMessages.TITLE, e.getMessage());
		}
	}

	private void saveKernel() {
		List<Kernel> kernels;
		try {
			kernels = KernelBank.of(null, text.getText()).kernels();
		}
		catch (UserException e) {
			IJ.error(UserMessages.TITLE, "cannot save: " + e.getMessage());
			return;
		}
		if (kernels.size() != 1) {
			IJ.error(UserMessages.TITLE, "a kernel file holds one kernel, but the text holds " + kernels.size()
				+ "; save them one at a time");
			return;
		}
		SaveDialog sd = new SaveDialog("Save kernel...", "kernel", ".txt");
		if (sd.getFileName() == null) return;
		try {
			KernelFiles.write(kernels.get(0), Paths.get(sd.getDirectory(), sd.getFileName()));
		}
		catch (IOException e) {
			IJ.error(UserMessages.TITLE, "cannot save the kernel to " + sd.getFileName() + ": " + e.getMessage());
		}
	}

	private static <E extends Enum<E> & Labelled> String[] labels(Class<E> type) {
		return Labelled.labels(type).toArray(new String[0]);
	}
}
