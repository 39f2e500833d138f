package io.github.convolve2d.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.Prefs;
import ij.io.FileSaver;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Convolve 2D as a SciJava command: the same image engine as Process › Filters › Convolve 2D..., with named
 * parameters, for Fiji scripts (Python, Groovy, ...) and headless runs. It has no menu entry (the ImageJ 1
 * plugin is the menu command). The text parameters take what the plugin's macro options take, and are read by
 * the same code ({@link ConvolveSettings}). Nothing is remembered between runs (as with a macro's options, a
 * parameter left out takes its default, never the last run's value). A user's mistake cancels the command with
 * the message as its cancel reason ({@code module.getCancelReason()}) and logs it, never a stack trace.
 * <pre>
 * module = command.run(Convolve2DCommand, False, "image", imp, "preset", "sobel-x, sobel-y").get()
 * maps = module.getOutput("featureMaps")
 * </pre>
 * From a shell, with files instead of images:
 * {@code ImageJ-linux64 --headless --run command:io.github.convolve2d.imagej.Convolve2DCommand
 * 'file="in.tif",output="maps.tif",preset="sobel-x"'}.
 */
@Plugin(type = Command.class, name = "Convolve 2D", label = "Convolve 2D", headless = true)
public class Convolve2DCommand extends ContextCommand {

	@Parameter(label = "Image", persist = false, required = false,
		description = "The image to convolve (or give 'file')")
	private ImagePlus image;

	@Parameter(label = "Image file", persist = false, required = false,
		description = "An image file to open and convolve when no image is given (for --headless --run)")
	private File file;

	@Parameter(label = "Save feature maps as", persist = false, required = false,
		style = FileWidget.SAVE_STYLE,
		description = "A TIFF file to save the feature maps in (for --headless --run); none: not saved")
	private File output;

	@Parameter(label = "Presets", persist = false, required = false,
		description = "Preset ids or labels separated by commas: sobel-x, gaussian:2, [Sobel X, Sobel Y]")
	private String preset = "";

	@Parameter(label = "Kernel", persist = false, required = false,
		description = "Kernel values, rows separated by ';' or new lines; several kernels separated by '|'")
	private String kernel = "";

	@Parameter(label = "Mode", persist = false, choices = { "same", "valid", "full" }, required = false)
	private String mode = "same";

	@Parameter(label = "Border", persist = false, choices = { "replicate", "reflect", "mirror", "wrap", "constant" },
		required = false)
	private String border = "replicate";

	@Parameter(label = "Value outside the image (constant border)", persist = false, required = false)
	private double cval = 0;

	@Parameter(label = "Stride", persist = false, required = false, description = "n, or rows,columns")
	private String stride = "1";

	@Parameter(label = "Dilation", persist = false, required = false, description = "n, or rows,columns")
	private String dilation = "1";

	@Parameter(label = "Flip kernel (true convolution)", persist = false, required = false)
	private boolean flip;

	@Parameter(label = "Normalize kernel", persist = false, required = false)
	private boolean normalize;

	@Parameter(label = "All planes", persist = false, required = false,
		description = "Every channel, slice and frame (else only the displayed plane)")
	private boolean allPlanes = true;

	@Parameter(label = "Feature maps", type = ItemIO.OUTPUT)
	private ImagePlus featureMaps;

	@Parameter
	private LogService log;

	@Override
	public void run() {
		try {
			ConvolveSettings settings = ConvolveSettings.from(MacroOptions.of(options()));
			ImagePlus source = image != null ? image : open(file);
			featureMaps = FeatureMaps.compute(source, settings.kernels().kernels(),
				settings.options().toBuilder().threads(Prefs.getThreads()).build(),
				settings.allPlanes() ? Planes.ALL : Planes.CURRENT, ProgressListener.NONE);
			if (output != null && !new FileSaver(featureMaps).saveAsTiff(output.getPath())) {
				throw new UserException("cannot write the feature maps to " + output + "; check the folder exists and"
					+ " may be written");
			}
		}
		catch (UserException e) {
			String message = UserMessages.TITLE + ": " + e.getMessage();
			if (log != null) log.error(message); // a headless --run has no other way to say it
			cancel(message);
		}
	}

	private static ImagePlus open(File file) {
		if (file == null) throw new UserException("no image given; set 'image', or 'file' to an image file");
		if (!file.isFile()) throw new UserException("image file " + file + " not found");
		ImagePlus imp = IJ.openImage(file.getPath());
		if (imp == null) throw new UserException("ImageJ cannot open " + file + " as an image");
		return imp;
	}

	/** The parameters as the plugin's macro options: one grammar and one set of checks for both. */
	private Map<String, String> options() {
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
