package io.github.convolve2d.imagej;

import ij.ImagePlus;
import io.github.convolve2d.core.ProgressListener;

import java.io.File;
import java.util.Map;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * A convolution layer as a SciJava command: what Process › Filters › Convolve 2D layer... does, with named
 * parameters, for Fiji scripts and headless runs. The image's channels (RGB: red, green, blue) are the layer's
 * input; the weights file holds O × C/groups × kh × kw values ({@code .npy} or {@code .json}; a PyTorch
 * {@code Conv2d}'s as {@code numpy.save("conv1.npy", conv.weight.detach().numpy())} writes them); the output has O
 * channels. The image, file and option
 * parameters are those of every Convolve 2D command ({@link ImageCommand}); the settings are read by the menu
 * command's code ({@link LayerSettings}).
 * <pre>
 * module = command.run(ConvolveLayerCommand, False, "image", imp, "weights", File("/data/conv1.npy"),
 *     "bias", File("/data/conv1-bias.npy"), "relu", True).get()
 * maps = module.getOutput("featureMaps")
 * </pre>
 */
@Plugin(type = Command.class, name = "Convolve 2D layer", label = "Convolve 2D layer", headless = true)
public class ConvolveLayerCommand extends ImageCommand {

	@Parameter(label = "Weights", persist = false, description = "O × C/groups × kh × kw values, .npy or .json")
	private File weights;

	@Parameter(label = "Bias", persist = false, required = false, description = "O values, .npy or .json (optional; replaces a .json weights file's own)")
	private File bias;

	/**
	 * Text, read as the macro's groups=: a SciJava int would take 3.5 as 3 without a word. Empty or 0: not given,
	 * the weights file's own.
	 */
	@Parameter(label = "Groups", persist = false, required = false,
		description = "Channel groups: the number of channels for a depthwise layer; 0 or empty (default): the weights"
			+ " file's own (JSON), else 1")
	private String groups = "";

	/** "true" or "false" as text, as the other switches ({@link ImageCommand#switchOn}). */
	@Parameter(label = "ReLU", persist = false, required = false, choices = { "false", "true" },
		description = "max(0, x) after the bias")
	private String relu = "false";

	@Override
	void addOwnOptions(Map<String, String> options) {
		if (weights != null) options.put("weights", weights.getPath());
		if (bias != null) options.put("bias", bias.getPath());
		if (given(groups) && !groups.trim().equals("0")) options.put("groups", groups);
		if (switchOn("relu", relu, false)) options.put("relu", null);
	}

	@Override
	ImagePlus compute(ImagePlus source, MacroOptions options) {
		return ConvolveLayerPlugin.featureMaps(source, LayerSettings.from(options), ProgressListener.NONE);
	}
}
