package io.github.convolve2d.imagej;

import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Labelled;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.LayerMaps;
import io.github.convolve2d.image.Planes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Process › Filters › Convolve 2D layer...: applies a CNN convolution layer, weights from a {@code .npy} or
 * {@code .json} file ({@code O × C/groups × kh × kw}, as saved from PyTorch), to the current image: its channels
 * (red, green and blue for RGB) are the layer's input, and the {@code O} feature maps open as a new 32-bit image
 * ({@link LayerMaps}). The source image is never changed.
 * <p>
 * Macro: {@code run("Convolve 2D layer...", "weights=[/path/conv1.npy] bias=[/path/conv1-bias.npy] relu
 * mode=same")} (keys in {@link LayerSettings}); a dialog run is recorded as such a line. A separate command
 * from "Convolve 2D...", whose kernels are typed or chosen, because a layer's weights always come from a file.
 */
public class ConvolveLayerPlugin implements PlugIn {

	/** The menu command, as registered in plugins.config. */
	public static final String COMMAND = "Convolve 2D layer...";

	private static final String PREFS_KEY = "convolve2d.layer";

	@Override
	public void run(String arg) {
		PluginRun.run(new PluginRun.Command<LayerSettings>() {
			@Override
			public LayerSettings settings(MacroOptions options) {
				return LayerSettings.from(options);
			}

			@Override
			public MacroOptions dialog(ImagePlus imp, MacroOptions start) {
				return ConvolveLayerPlugin.dialog(imp, start);
			}

			@Override
			public void remember(ImagePlus imp, LayerSettings settings, MacroOptions chosen) {
				Prefs.set(PREFS_KEY, (settings != null ? settings.toMacroOptions() : chosen).toString());
			}

			@Override
			public MacroOptions recorded(LayerSettings settings) {
				return settings.toMacroOptions();
			}

			@Override
			public int planes(ImagePlus imp, LayerSettings settings) {
				// the layer reads every channel of the slices and frames it convolves
				return settings.allPlanes() ? imp.getStackSize() : imp.getNChannels();
			}

			@Override
			public ImagePlus compute(ImagePlus imp, LayerSettings settings) {
				return featureMaps(imp, settings, new ImageJProgress());
			}

			@Override
			public String lessWork() {
				return "convolve fewer slices";
			}

			@Override
			public String example() {
				return "run(\"" + COMMAND + "\", \"weights=[/path/conv1.npy] relu\")";
			}
		}, Macro.getOptions(), MacroOptions.parse(Prefs.get(PREFS_KEY, "mode=same border=replicate")));
	}

	/**
	 * The layer's feature maps of {@code imp} on ImageJ's threads, at the slice and frame the source is on when they
	 * cover every one: what the menu command and the SciJava command give.
	 */
	static ImagePlus featureMaps(ImagePlus imp, LayerSettings settings, ProgressListener progress) {
		ImagePlus maps = LayerMaps.compute(imp, settings.weights(), settings.activation(), settings.name(),
			settings.options().toBuilder().threads(Prefs.getThreads()).build(),
			settings.allPlanes() ? Planes.ALL : Planes.CURRENT, progress);
		if (settings.allPlanes()) PluginRun.openAtSourcePlane(maps, imp, 1); // each map sums every channel
		return maps;
	}

	/**
	 * The dialog for {@code imp}, starting from {@code o}; its values as macro options, or null when cancelled. "Every
	 * slice and frame" shows only for an image of several slices or frames (the layer always reads every channel);
	 * elsewhere the setting is kept as it was, for the next stack.
	 */
	private static MacroOptions dialog(ImagePlus imp, MacroOptions o) {
		GenericDialog gd = new GenericDialog("Convolve 2D layer");
		boolean planes = imp.getNSlices() * imp.getNFrames() > 1;
		gd.addFileField("Weights (.npy or .json)", o.get("weights", ""), 40);
		gd.addFileField("Bias (optional)", o.get("bias", ""), 40);
		// empty: the JSON file's own groups, else 1 (a recorded groups=1 would override a depthwise file's)
		gd.addStringField("Groups (empty: the file's, else 1)", o.get("groups", ""), 4);
		gd.addCheckbox("ReLU", o.flag("relu"));
		List<String> modes = Labelled.labels(Mode.class), borders = Labelled.labels(Border.class);
		gd.addChoice("Mode", modes.toArray(new String[0]), o.get("mode", "same"));
		gd.addChoice("Border", borders.toArray(new String[0]), o.get("border", "replicate"));
		// labelled as in the Convolve 2D dialog
		gd.addStringField("Border value (constant)", o.get("cval", "0"), 6);
		gd.addStringField("Stride (n or rows,columns)", o.get("stride", "1"), 6);
		gd.addStringField("Dilation (n or rows,columns)", o.get("dilation", "1"), 6);
		gd.addCheckbox("Flip (true convolution)", o.flag("flip"));
		if (planes) gd.addCheckbox("Every slice and frame", o.flag("stack"));
		gd.addHelp(ConvolveDialog.help("layer-help.html"));
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		Map<String, String> m = new LinkedHashMap<>();
		m.put("weights", gd.getNextString());
		String bias = gd.getNextString().trim();
		if (!bias.isEmpty()) m.put("bias", bias);
		String groups = gd.getNextString().trim();
		if (!groups.isEmpty()) m.put("groups", groups);
		if (gd.getNextBoolean()) m.put("relu", null);
		m.put("mode", gd.getNextChoice());
		m.put("border", gd.getNextChoice());
		m.put("cval", gd.getNextString());
		m.put("stride", gd.getNextString());
		m.put("dilation", gd.getNextString());
		if (gd.getNextBoolean()) m.put("flip", null);
		if (planes ? gd.getNextBoolean() : o.flag("stack")) m.put("stack", null);
		return MacroOptions.of(m);
	}
}
