package io.github.convolve2d.imagej;

import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.LayerFiles;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of "Convolve 2D layer...": the layer's weights file (and bias file, groups, ReLU), the convolution
 * options and whether to convolve every slice and frame. Read from macro options by {@link #from} and written
 * back by {@link #toMacroOptions}, e.g. {@code weights=[/data/conv1.npy] bias=[/data/conv1-bias.npy] relu
 * mode=same border=replicate cval=0 stride=1 dilation=1 stack}. The options other than the layer's are those
 * of "Convolve 2D..." with its defaults ({@link ConvolveSettings#readOptions}).
 */
public final class LayerSettings {

	/** The option keys, in the order they are recorded. */
	public static final List<String> KEYS = Arrays.asList("weights", "bias", "groups", "relu", "mode", "border",
		"cval", "stride", "dilation", "method", "flip", "normalize", "stack");

	private final Path weightsFile, biasFile;
	private final Integer groups;
	private final boolean relu;
	private final ConvolutionOptions options;
	private final boolean allPlanes;
	private final LayerWeights weights;

	private LayerSettings(Path weightsFile, Path biasFile, Integer groups, boolean relu, ConvolutionOptions options,
		boolean allPlanes)
	{
		this.weightsFile = weightsFile;
		this.biasFile = biasFile;
		this.groups = groups;
		this.relu = relu;
		this.options = options;
		this.allPlanes = allPlanes;
		this.weights = LayerFiles.read(weightsFile, biasFile, groups);
	}

	/**
	 * Reads settings from macro options and the weights from their files.
	 *
	 * @throws UserException naming the option that is wrong, or the file that cannot serve as weights
	 */
	public static LayerSettings from(MacroOptions o) {
		o.requireKnownKeys(KEYS);
		for (String flag : Arrays.asList("relu", "flip", "normalize", "stack")) {
			if (o.asMap().get(flag) != null) {
				throw new UserException("'" + flag + "' is a switch: write just '" + flag
					+ "' to turn it on and leave it out to turn it off");
			}
		}
		String w = o.get("weights", "").trim();
		if (w.isEmpty()) {
			throw new UserException("no weights file given: choose a .npy or .json file as Weights (in a macro:"
				+ " weights=[path/to/weights.npy]); a .npy holds shape O×C/groups×kh×kw, e.g. saved from PyTorch with"
				+ " numpy.save");
		}
		String b = o.get("bias", "").trim();
		Integer groups = null;
		if (o.has("groups")) {
			String g = o.get("groups", "").trim();
			try {
				groups = Integer.parseInt(g);
			}
			catch (NumberFormatException e) {
				throw new UserException("groups '" + g + "' is not a whole number; write e.g. groups=1");
			}
			if (groups < 1) { // else the weights file would be named as the culprit
				throw new UserException("groups must be a whole number of at least 1, got " + groups + "; write e.g. "
					+ "groups=1, or leave groups out for the weights file's own");
			}
		}
		return new LayerSettings(path(w, "weights"), b.isEmpty() ? null : path(b, "bias"), groups, o.flag("relu"),
			ConvolveSettings.readOptions(o), o.flag("stack"));
	}

	/** Reads settings from an options string. */
	public static LayerSettings fromMacro(String options) {
		return from(MacroOptions.parse(options));
	}

	private static Path path(String text, String key) {
		try {
			return Paths.get(text);
		}
		catch (InvalidPathException e) {
			throw new UserException(key + " '" + text + "' is not a valid path: " + e.getReason());
		}
	}

	/** These settings as macro options (absolute paths), as the recorder writes them. */
	public MacroOptions toMacroOptions() {
		Map<String, String> m = new LinkedHashMap<>();
		m.put("weights", weightsFile.toAbsolutePath().toString());
		if (biasFile != null) m.put("bias", biasFile.toAbsolutePath().toString());
		if (groups != null) m.put("groups", Integer.toString(groups));
		if (relu) m.put("relu", null);
		ConvolveSettings.writeOptions(options, m);
		if (allPlanes) m.put("stack", null);
		return MacroOptions.of(m);
	}

	/** The weights read from the files (with the names of their sidecar, if any). */
	public LayerWeights weights() {
		return weights;
	}

	public Activation activation() {
		return relu ? Activation.RELU : Activation.NONE;
	}

	/** The weights' name in the result's title: the weights file's name without extension. */
	public String name() {
		return weightsFile.getFileName().toString().replaceFirst("\\.(npy|json)$", "");
	}

	/** The convolution options (thread count not yet set: the plugin passes ImageJ's). */
	public ConvolutionOptions options() {
		return options;
	}

	/** Convolve every slice and frame (true) or only the displayed ones (false); the layer reads all channels. */
	public boolean allPlanes() {
		return allPlanes;
	}

	@Override
	public String toString() {
		return toMacroOptions().toString();
	}
}
