package io.github.convolve2d.imagej;

import ij.ImagePlus;
import io.github.convolve2d.core.ProgressListener;

import java.util.Map;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Convolve 2D as a SciJava command: the same image engine as Process › Filters › Convolve 2D..., with named
 * parameters, for Fiji scripts (Python, Groovy, ...) and headless runs. It has no menu entry (the ImageJ 1
 * plugin is the menu command). The text parameters take what the plugin's macro options take, and are read by
 * the same code ({@link ConvolveSettings}); the image, file and option parameters are those of every Convolve 2D
 * command ({@link ImageCommand}). A user's mistake cancels the command with the message as its cancel reason
 * ({@code module.getCancelReason()}) and logs it, never a stack trace.
 * <pre>
 * module = command.run(Convolve2DCommand, False, "image", imp, "preset", "sobel-x, sobel-y").get()
 * maps = module.getOutput("featureMaps")
 * </pre>
 * From a shell, with files instead of images:
 * {@code ImageJ-linux64 --headless --run command:io.github.convolve2d.imagej.Convolve2DCommand
 * 'file="in.tif",output="maps.tif",preset="sobel-x"'}.
 */
@Plugin(type = Command.class, name = "Convolve 2D", label = "Convolve 2D", headless = true)
public class Convolve2DCommand extends ImageCommand {

	@Parameter(label = "Presets", persist = false, required = false,
		description = "Preset ids or labels, several separated by commas (no brackets): sobel-x, gaussian:2, Sobel Y")
	private String preset = "";

	@Parameter(label = "Kernel", persist = false, required = false,
		description = "Kernel values, rows separated by ';' or new lines; several kernels separated by '|'")
	private String kernel = "";

	@Override
	void addOwnOptions(Map<String, String> options) {
		if (preset != null && !preset.trim().isEmpty()) options.put("preset", preset);
		if (kernel != null && !kernel.trim().isEmpty()) options.put("kernel", kernel);
	}

	@Override
	ImagePlus compute(ImagePlus source, MacroOptions options) {
		return Convolve2DPlugin.featureMaps(source, ConvolveSettings.from(options), ProgressListener.NONE);
	}
}
