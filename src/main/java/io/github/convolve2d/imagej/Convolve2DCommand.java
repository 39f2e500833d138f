package io.github.convolve2d.imagej;

import ij.ImagePlus;
import ij.Prefs;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;

import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Convolve 2D as a SciJava command: the same image engine as Process › Filters › Convolve 2D..., with named
 * parameters, for Fiji scripts (Python, Groovy, ...) and headless runs. It has no menu entry (the ImageJ 1
 * plugin is the menu command). The text parameters take what the plugin's macro options take, and are read by
 * the same code ({@link ConvolveSettings}); a user's mistake cancels the command with the message as its
 * cancel reason ({@code module.getCancelReason()}), never a stack trace.
 * <pre>
 * module = command.run(Convolve2DCommand, False, "image", imp, "preset", "sobel-x, sobel-y").get()
 * maps = module.getOutput("featureMaps")
 * </pre>
 */
@Plugin(type = Command.class, name = "Convolve 2D", label = "Convolve 2D", headless = true)
public class Convolve2DCommand extends ContextCommand {

	@Parameter(label = "Image")
	private ImagePlus image;

	@Parameter(label = "Presets", required = false,
		description = "Preset ids or labels separated by commas: sobel-x, gaussian:2, [Sobel X, Sobel Y]")
	private String preset = "";

	@Parameter(label = "Kernel", required = false,
		description = "Kernel values, rows separated by ';' or new lines; several kernels separated by '|'")
	private String kernel = "";

	@Parameter(label = "Mode", choices = { "same", "valid", "full" }, required = false)
	private String mode = "same";

	@Parameter(label = "Border", choices = { "replicate", "reflect", "mirror", "wrap", "constant" },
		required = false)
	private String border = "replicate";

	@Parameter(label = "Value outside the image (constant border)", required = false)
	private double cval = 0;

	@Parameter(label = "Stride", required = false, description = "n, or rows,columns")
	private String stride = "1";

	@Parameter(label = "Dilation", required = false, description = "n, or rows,columns")
	private String dilation = "1";

	@Parameter(label = "Flip kernel (true convolution)", required = false)
	private boolean flip;

	@Parameter(label = "Normalize kernel", required = false)
	private boolean normalize;

	@Parameter(label = "All planes", required = false,
		description = "Every channel, slice and frame (else only the displayed plane)")
	private boolean allPlanes = true;

	@Parameter(label = "Feature maps", type = ItemIO.OUTPUT)
	private ImagePlus featureMaps;

	@Override
	public void run() {
		try {
			ConvolveSettings settings = ConvolveSettings.from(MacroOptions.of(options()));
			featureMaps = FeatureMaps.compute(image, settings.kernels().kernels(),
				settings.options().toBuilder().threads(Prefs.getThreads()).build(),
				settings.allPlanes() ? Planes.ALL : Planes.CURRENT, ProgressListener.NONE);
		}
		catch (UserException e) {
			cancel(UserMessages.TITLE + ": " + e.getMessage());
		}
	}

	/** The parameters as the plugin's macro options: one grammar and one set of checks for both. */
	private Map<String, String> options() {
		if (image == null) throw new UserException("no image given; set the 'image' parameter");
		Map<String, String> m = new LinkedHashMap<>();
		if (preset != null && !preset.trim().isEmpty()) m.put("preset", preset);
		if (kernel != null && !kernel.trim().isEmpty()) m.put("kernel", kernel);
		m.put("mode", mode);
		m.put("border", border);
		m.put("cval", Double.toString(cval));
		m.put("stride", stride);
		m.put("dilation", dilation);
		if (flip) m.put("flip", null);
		if (normalize) m.put("normalize", null);
		if (allPlanes) m.put("stack", null);
		return m;
	}
}
