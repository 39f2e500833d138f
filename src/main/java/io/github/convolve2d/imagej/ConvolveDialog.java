package io.github.convolve2d.imagej;

import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Labelled;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.UserException;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.DialogListener;
import ij.gui.GenericDialog;
import ij.io.OpenDialog;
import ij.io.SaveDialog;
import ij.plugin.frame.Recorder;

import java.awt.AWTEvent;
import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.Label;
import java.awt.Panel;
import java.awt.TextArea;
import java.awt.TextField;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "Convolve 2D..." dialog, an ImageJ {@link GenericDialog} (needs a display): preset list, σ (shown only
 * for presets that take it), a labelled kernel area in a monospaced font, Open kernel... and Save kernel... side
 * by side, the options, a Preview check box and a Help button. The kernel logic is {@link DialogKernel} and the
 * preview {@link Preview}, both testable without a display; this class only wires them to the components.
 * The Method choice appears only when the dialog is opened with Alt held, and starts at auto every time.
 * <p>
 * It returns the dialog's values as {@link MacroOptions}, the keys a macro uses, so the plugin reads both the
 * same way. Nothing here is recorded by ImageJ's GenericDialog (the components are read directly, and file
 * dialogs are kept out of the Recorder); the plugin records the accepted settings itself.
 */
final class ConvolveDialog implements DialogListener {

	private final ImagePlus imp;
	private final DialogKernel kernel;
	private final boolean withMethod = IJ.altKeyDown();
	private GenericDialog gd;
	private Choice preset;
	private TextField sigma;
	private Label sigmaLabel;
	private TextArea text;
	private Choice mode, border, method;
	private TextField cval, stride, dilation;
	private Checkbox flip, normalize, stack, previewBox;
	private Preview preview;

	private ConvolveDialog(ImagePlus imp, MacroOptions start) {
		this.imp = imp;
		this.kernel = DialogKernel.from(start);
	}

	/**
	 * Shows the dialog with {@code start}'s values (the last run's, possibly ones that failed to read).
	 *
	 * @return the chosen values, or null when the user cancelled
	 */
	static MacroOptions show(ImagePlus imp, MacroOptions start) {
		return new ConvolveDialog(imp, start).run(start);
	}

	private MacroOptions run(MacroOptions start) {
		gd = new GenericDialog(UserMessages.TITLE);
		gd.addChoice("Preset", DialogKernel.choices().toArray(new String[0]), kernel.choice());
		preset = last(gd.getChoices());
		gd.addStringField("σ", kernel.sigma(), 6);
		sigma = last(gd.getStringFields());
		sigmaLabel = gd.getLabel();
		gd.addMessage("Kernel (rows on lines; several kernels separated by a line with |):");
		String shown = kernel.text();
		gd.addTextAreas(shown + "SCROLLBARS_BOTH", null, 8, 46);
		text = gd.getTextArea1();
		text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, text.getFont() == null ? 13 : text.getFont().getSize() - 1));
		text.setCaretPosition(0);
		Panel files = new Panel(new FlowLayout(FlowLayout.LEFT, 5, 0));
		Button open = new Button("Open kernel...");
		open.addActionListener(e -> openKernel());
		Button save = new Button("Save kernel...");
		save.addActionListener(e -> saveKernel());
		files.add(open);
		files.add(save);
		gd.addPanel(files);
		gd.addChoice("Mode", labels(Mode.class), start.get("mode", "same"));
		mode = last(gd.getChoices());
		gd.addChoice("Border", labels(Border.class), start.get("border", "replicate"));
		border = last(gd.getChoices());
		gd.addStringField("Border value (constant)", start.get("cval", "0"), 6);
		cval = last(gd.getStringFields());
		gd.addStringField("Stride (n or rows,columns)", start.get("stride", "1"), 6);
		stride = last(gd.getStringFields());
		gd.addStringField("Dilation (n or rows,columns)", start.get("dilation", "1"), 6);
		dilation = last(gd.getStringFields());
		if (withMethod) {
			gd.addChoice("Method (forced; tests only)", labels(Method.class), Method.AUTO.label());
			method = last(gd.getChoices());
		}
		gd.addCheckbox("Flip kernel (true convolution)", start.flag("flip"));
		flip = last(gd.getCheckboxes());
		gd.addCheckbox("Normalize kernel (divide by its sum)", start.flag("normalize"));
		normalize = last(gd.getCheckboxes());
		if (imp.getStackSize() > 1) {
			gd.addCheckbox("All " + imp.getStackSize() + " planes (C, Z, T)", start.flag("stack"));
			stack = last(gd.getCheckboxes());
		}
		boolean previewAllowed = Preview.allowed(imp);
		gd.addCheckbox(previewAllowed ? "Preview (first kernel, displayed plane)" : "Preview (off above 4 megapixels)",
			false);
		previewBox = last(gd.getCheckboxes());
		previewBox.setEnabled(previewAllowed);
		gd.addMessage("Result: a new 32-bit image; the source is not changed. Escape stops a long run.");
		gd.addHelp(help());
		showSigma();
		gd.addDialogListener(this);

		preview = new Preview(imp);
		try {
			gd.showDialog();
		}
		finally {
			preview.close();
		}
		if (gd.wasCanceled()) return null;
		return values();
	}

	@Override
	public boolean dialogItemChanged(GenericDialog dialog, AWTEvent e) {
		if (e == null) return true; // GenericDialog's last call when it closes
		Object source = e.getSource();
		if (source == preset || source == sigma) {
			try {
				kernel.choose(preset.getSelectedItem(), sigma.getText());
				setText(kernel.text());
			}
			catch (UserException x) {
				IJ.showStatus(x.getMessage()); // e.g. σ being typed; reported properly on OK
			}
			if (source == preset) showSigma();
		}
		else if (source == text && kernel.edited(text.getText())) {
			preset.select(kernel.choice());
			showSigma();
		}
		if (previewBox.getState()) {
			try {
				preview.update(ConvolveSettings.from(values()));
			}
			catch (UserException x) {
				preview.stale();
				IJ.showStatus("Preview: " + x.getMessage());
			}
		}
		else if (source == previewBox) preview.hide();
		return true;
	}

	/** The dialog's values as macro options ({@code stack} only for a stack, as its check box is there only then). */
	private MacroOptions values() {
		Map<String, String> m = new LinkedHashMap<>(kernel.options());
		m.put("mode", mode.getSelectedItem());
		m.put("border", border.getSelectedItem());
		m.put("cval", cval.getText().trim());
		m.put("stride", stride.getText().trim());
		m.put("dilation", dilation.getText().trim());
		if (method != null && !method.getSelectedItem().equals(Method.AUTO.label())) {
			m.put("method", method.getSelectedItem());
		}
		if (flip.getState()) m.put("flip", null);
		if (normalize.getState()) m.put("normalize", null);
		if (stack != null && stack.getState()) m.put("stack", null);
		return MacroOptions.of(m);
	}

	private void setText(String s) {
		if (s.equals(text.getText())) return;
		text.setText(s);
		text.setCaretPosition(0); // show the first rows, not the last
	}

	private void showSigma() {
		boolean visible = kernel.usesSigma();
		if (sigma.isVisible() == visible) return;
		sigma.setVisible(visible);
		sigmaLabel.setVisible(visible);
		if (gd.isVisible()) gd.pack();
	}

	private void openKernel() {
		Recorder.disablePathRecording(); // a file chooser records its path otherwise, which would not replay
		OpenDialog od = new OpenDialog("Open kernel...", "");
		if (od.getPath() == null) return;
		try {
			kernel.open(Paths.get(od.getPath()));
			preset.select(kernel.choice());
			setText(kernel.text());
			showSigma();
		}
		catch (UserException e) {
			UserMessages.dialog(e.getMessage());
		}
	}

	private void saveKernel() {
		io.github.convolve2d.core.Kernel k;
		try {
			k = kernel.kernelToSave();
		}
		catch (UserException e) {
			UserMessages.dialog("cannot save: " + e.getMessage());
			return;
		}
		Recorder.disablePathRecording();
		SaveDialog sd = new SaveDialog("Save kernel...", KernelBank.safeName(k.name()), ".txt");
		if (sd.getFileName() == null) return;
		try {
			DialogKernel.save(k, Paths.get(sd.getDirectory(), sd.getFileName()));
		}
		catch (UserException e) {
			UserMessages.dialog(e.getMessage());
		}
	}

	/** The bundled help page (help.html beside this class), shown by the dialog's Help button. */
	static String help() {
		return help("help.html");
	}

	/** A bundled help page beside this class ({@code help.html}, {@code layer-help.html}). */
	static String help(String page) {
		try (InputStream in = ConvolveDialog.class.getResourceAsStream(page)) {
			if (in == null) throw new IllegalStateException(page + " is missing from the plugin jar");
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot read " + page + " from the plugin jar", e);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> T last(java.util.Vector<?> components) {
		return (T) components.get(components.size() - 1);
	}

	private static <E extends Enum<E> & Labelled> String[] labels(Class<E> type) {
		return Labelled.labels(type).toArray(new String[0]);
	}
}
