package io.github.convolve2d.imagej;

import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.plugin.PlugIn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Process › Filters › Convolve 2D...: convolves the current image with one kernel or a bank of kernels and
 * opens the feature maps as a new 32-bit image titled after the source and the kernel (e.g.
 * {@code cell-Laplacian 4-neighbour}). The source image is never changed.
 * <p>
 * Interactive runs show a dialog that starts from the last settings; a run that gives a result is recorded as one
 * {@code run("Convolve 2D...", "...")} line in ASCII that replays to the same pixels, and after a mistake the
 * dialog comes back with the values typed ({@link PluginRun#run}). Macro runs read their options directly (no
 * dialog, no AWT, so they work headless) starting from the defaults. Mistakes are reported by
 * {@link UserMessages}; the status bar shows the computation's own time ({@link StatusLine}).
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
		MacroOptions first = lastDialog != null ? lastDialog : MacroOptions.parse(Prefs.get(PREFS_KEY, FIRST_DIALOG));
		PluginRun.run(new PluginRun.Command<ConvolveSettings>() {
			@Override
			public ConvolveSettings settings(MacroOptions options) {
				return ConvolveSettings.from(options);
			}

			@Override
			public MacroOptions dialog(ImagePlus imp, MacroOptions start) {
				return ConvolveDialog.show(imp, start);
			}

			@Override
			public void remember(ImagePlus imp, ConvolveSettings settings, MacroOptions chosen) {
				lastDialog = settings != null ? settings.remembered() : chosen; // as typed when they failed, to be fixed
				if (imp.getStackSize() == 1 && first.flag("stack")) { // no check box for one plane: keep it for stacks
					Map<String, String> m = new LinkedHashMap<>(lastDialog.asMap());
					m.put("stack", null);
					lastDialog = MacroOptions.of(m);
				}
				if (settings != null) Prefs.set(PREFS_KEY, lastDialog.toString());
			}

			@Override
			public MacroOptions recorded(ConvolveSettings settings) {
				return settings.toMacroOptions();
			}

			@Override
			public int planes(ImagePlus imp, ConvolveSettings settings) {
				return settings.allPlanes() ? imp.getStackSize() : 1;
			}

			@Override
			public ImagePlus compute(ImagePlus imp, ConvolveSettings settings) {
				return featureMaps(imp, settings, new ImageJProgress());
			}

			@Override
			public String lessWork() {
				return "convolve fewer planes or kernels";
			}

			@Override
			public String example() {
				return "run(\"" + COMMAND + "\", \"preset=sobel-x mode=same\")";
			}
		}, Macro.getOptions(), first);
	}

	/**
	 * The feature maps of {@code imp} for these settings on ImageJ's threads, at the plane the source is on when
	 * they cover every plane: what the menu command and the SciJava command give.
	 */
	static ImagePlus featureMaps(ImagePlus imp, ConvolveSettings settings, ProgressListener progress) {
		ImagePlus maps = FeatureMaps.compute(imp, settings.kernels().kernels(),
			settings.options().toBuilder().threads(Prefs.getThreads()).build(),
			settings.allPlanes() ? Planes.ALL : Planes.CURRENT, progress);
		if (settings.allPlanes()) {
			// the first map of the channel on display (each source channel has as many maps)
			PluginRun.openAtSourcePlane(maps, imp,
				(PluginRun.shownPosition(imp)[0] - 1) * (maps.getNChannels() / imp.getNChannels()) + 1);
		}
		return maps;
	}

	/** Records the settings as the options of this command's {@code run(...)} line ({@link PluginRun#record}). */
	static void record(ConvolveSettings settings) {
		PluginRun.record(settings.toMacroOptions());
	}
}
