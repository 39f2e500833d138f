package io.github.convolve2d.imagej;

import io.github.convolve2d.core.UserException;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.WindowManager;
import ij.plugin.filter.PlugInFilter;
import ij.plugin.frame.Recorder;
import ij.process.ImageProcessor;

import java.awt.GraphicsEnvironment;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Process › Filters › Convolve 2D...: convolves the current image with one kernel or a bank of kernels and
 * opens the feature maps as a new 32-bit image titled after the source and the kernel (e.g.
 * {@code cell-Laplacian 4-neighbour}). The source image is never changed.
 * <p>
 * Interactive runs show a dialog that starts from the last settings and are recorded as one
 * {@code run("Convolve 2D...", "...")} line. Macro runs read their options directly (no dialog, no AWT, so
 * they work headless) starting from the defaults. Mistakes are reported by {@link UserMessages}. The work is
 * done by {@link ConvolveSettings} (options), {@link FeatureMaps} (image ⇄ core) and {@link ImageJProgress}.
 */
public class Convolve2DPlugin implements PlugInFilter {

	/** The menu command, as registered in plugins.config. */
	public static final String COMMAND = "Convolve 2D...";

	private static final String PREFS_KEY = "convolve2d.options";
	private static final String FIRST_DIALOG =
		"preset=[Sobel X] mode=same border=replicate cval=0 stride=1 dilation=1 method=auto stack";

	/** The last dialog's values in this session, kept even when they failed to read (to fix them). */
	private static MacroOptions lastDialog;

	private ImagePlus imp;

	@Override
	public int setup(String arg, ImagePlus imp) {
		this.imp = imp;
		if (imp == null) {
			UserMessages.error("no image is open; open an image first (File > Open...)");
			return DONE;
		}
		return DOES_ALL | NO_CHANGES;
	}

	@Override
	public void run(ImageProcessor ip) {
		String macro = Macro.getOptions();
		try {
			ConvolveSettings settings = macro != null ? ConvolveSettings.fromMacro(macro) : fromDialog();
			if (settings == null) return; // cancelled
			ImagePlus result = FeatureMaps.compute(imp, settings, Prefs.getThreads(), new ImageJProgress());
			result.setTitle(WindowManager.makeUniqueName(result.getTitle()));
			result.show();
			IJ.showStatus("");
		}
		catch (UserException e) {
			IJ.showProgress(1.0);
			UserMessages.error(e.getMessage());
		}
		catch (OutOfMemoryError e) {
			IJ.showProgress(1.0);
			UserMessages.error("not enough memory to finish; no result was made. Give ImageJ more memory (Edit >"
				+ " Options > Memory & Threads), or convolve fewer planes or kernels");
		}
		catch (CancellationException e) {
			IJ.showProgress(1.0);
			IJ.showStatus(UserMessages.TITLE + " cancelled; no result");
			if (macro != null) UserMessages.error("cancelled (Escape pressed); no result");
		}
	}

	/** Shows the dialog until its values are valid or it is cancelled; records the accepted settings. */
	private ConvolveSettings fromDialog() {
		if (GraphicsEnvironment.isHeadless()) {
			throw new UserException("no options given and there is no display for the dialog; call it"
				+ " from a macro, e.g. run(\"" + COMMAND + "\", \"preset=[Sobel X] mode=same\")");
		}
		MacroOptions start = lastDialog != null ? lastDialog : MacroOptions.parse(Prefs.get(PREFS_KEY, FIRST_DIALOG));
		while (true) {
			MacroOptions chosen = ConvolveDialog.show(imp, start);
			if (chosen == null) return null;
			lastDialog = chosen;
			try {
				ConvolveSettings settings = ConvolveSettings.from(chosen);
				Prefs.set(PREFS_KEY, settings.toString());
				if (Recorder.record) record(settings);
				return settings;
			}
			catch (UserException e) {
				IJ.error(UserMessages.TITLE, e.getMessage());
				start = chosen;
			}
		}
	}

	/** Records the settings as the options of this command's {@code run(...)} line. */
	static void record(ConvolveSettings settings) {
		for (Map.Entry<String, String> e : settings.toMacroOptions().asMap().entrySet()) {
			if (e.getValue() == null) Recorder.recordOption(e.getKey());
			else Recorder.recordOption(e.getKey(), e.getValue());
		}
	}
}
