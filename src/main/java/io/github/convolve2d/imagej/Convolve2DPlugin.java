package io.github.convolve2d.imagej;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;

import java.awt.GraphicsEnvironment;
import java.util.Map;

/**
 * Process › Filters › Convolve 2D...: convolves the current image with one kernel or a bank of kernels and
 * opens the feature maps as a new 32-bit image titled after the source and the kernel (e.g.
 * {@code cell-Laplacian 4-neighbour}). The source image is never changed.
 * <p>
 * Interactive runs show a dialog that starts from the last settings and are recorded as one
 * {@code run("Convolve 2D...", "...")} line in ASCII that replays to the same pixels. Macro runs read their
 * options directly (no dialog, no AWT, so they work headless) starting from the defaults. Mistakes are
 * reported by {@link UserMessages}; the status bar shows the computation's own time ({@link StatusLine}).
 * It is a plain {@link PlugIn}, not a filter, so that ImageJ's filter runner does not overwrite that line with
 * a time that counts the dialog.
 */
public class Convolve2DPlugin implements PlugIn {

	/** The menu command, as registered in plugins.config. */
	public static final String COMMAND = "Convolve 2D...";

	private static final String PREFS_KEY = "convolve2d.options";
	private static final String FIRST_DIALOG =
		"preset=sobel-x mode=same border=replicate cval=0 stride=1 dilation=1 stack";

	/** The last dialog's values in this session, kept even when they failed to read (to fix them). */
	private static MacroOptions lastDialog;

	@Override
	public void run(String arg) {
		ImagePlus imp = PluginRun.currentImage();
		if (imp == null) return;
		String macro = Macro.getOptions();
		try {
			ConvolveSettings settings = macro != null ? ConvolveSettings.fromMacro(macro) : fromDialog(imp);
			if (settings == null) return; // cancelled
			PluginRun.computeAndShow(imp, settings.allPlanes() ? imp.getStackSize() : 1,
				() -> FeatureMaps.compute(imp, settings.kernels().kernels(),
					settings.options().toBuilder().threads(Prefs.getThreads()).build(),
					settings.allPlanes() ? Planes.ALL : Planes.CURRENT, new ImageJProgress()));
		}
		catch (RuntimeException | OutOfMemoryError e) {
			UserMessages.runFailed(e, macro != null, "convolve fewer planes or kernels");
		}
	}

	/** Shows the dialog until its values are valid or it is cancelled; records the accepted settings. */
	private ConvolveSettings fromDialog(ImagePlus imp) {
		if (GraphicsEnvironment.isHeadless()) {
			throw new UserException("no options given and there is no display for the dialog; call it"
				+ " from a macro, e.g. run(\"" + COMMAND + "\", \"preset=sobel-x mode=same\")");
		}
		MacroOptions start = lastDialog != null ? lastDialog : MacroOptions.parse(Prefs.get(PREFS_KEY, FIRST_DIALOG));
		while (true) {
			MacroOptions chosen = ConvolveDialog.show(imp, start);
			if (chosen == null) {
				Recorder.setCommand(null); // a cancelled dialog records nothing
				return null;
			}
			try {
				ConvolveSettings settings = ConvolveSettings.from(chosen);
				lastDialog = settings.remembered();
				if (imp.getStackSize() == 1 && start.flag("stack")) { // no check box for one plane: keep it for stacks
					Map<String, String> m = new java.util.LinkedHashMap<>(lastDialog.asMap());
					m.put("stack", null);
					lastDialog = MacroOptions.of(m);
				}
				Prefs.set(PREFS_KEY, lastDialog.toString());
				if (Recorder.record) record(settings);
				return settings;
			}
			catch (UserException e) {
				lastDialog = chosen;
				IJ.error(UserMessages.TITLE, e.getMessage());
				start = chosen;
			}
		}
	}

	/**
	 * Records the settings as the options of this command's {@code run(...)} line, replacing whatever the
	 * dialog's file choosers may have left there (ImageJ records the path of every Open/Save dialog).
	 */
	static void record(ConvolveSettings settings) {
		Recorder.resetCommandOptions();
		for (Map.Entry<String, String> e : settings.toMacroOptions().asMap().entrySet()) {
			if (e.getValue() == null) Recorder.recordOption(e.getKey());
			else Recorder.recordOption(e.getKey(), e.getValue());
		}
	}
}
