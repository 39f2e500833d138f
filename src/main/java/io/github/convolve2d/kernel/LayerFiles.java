package io.github.convolve2d.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.OptionalLibrary;
import io.github.convolve2d.core.Suggestions;
import io.github.convolve2d.core.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a convolution layer's weights ({@link LayerWeights}) from the files CNN users have: NumPy {@code .npy}
 * ({@link NpyReader}) or JSON. The array's shape says what it is:
 * <ul>
 * <li>4-D {@code O × C/groups × kh × kw}: PyTorch's {@code Conv2d.weight} as it is;</li>
 * <li>3-D {@code O × kh × kw}: one kernel per output, each reading one channel per group (a bank for a
 * one-channel image, or a depthwise layer with {@code groups = C});</li>
 * <li>2-D {@code kh × kw}: one kernel, one output.</li>
 * </ul>
 * The bias is a 1-D array of {@code O} values. JSON weights are the nested array itself, or an object
 * {@code {"weights": [...], "bias": [...], "groups": g, "names": [...]}}. The names of the outputs come from a
 * sidecar text file next to the weights, {@code FILE.names.txt} (one name per line), when there is one.
 */
public final class LayerFiles {

	private static final long MAX_BYTES = 512L << 20;

	private LayerFiles() {
	}

	/**
	 * Whether Gson, which reads the JSON files, is on the class path: the command line's jar holds it and Fiji
	 * ships it, but the plugin's jar leaves it out and plain ImageJ lacks it. Without it, reading JSON would end in
	 * a NoClassDefFoundError, which ImageJ swallows without a word.
	 */
	private static final boolean GSON_PRESENT = OptionalLibrary.present("com.google.gson.JsonElement");

	/** The keys of a weights JSON object. */
	private static final List<String> JSON_KEYS = List.of("weights", "bias", "groups", "names");

	/**
	 * The weights in {@code weights} ({@code .npy} or {@code .json}) with the bias in {@code bias} ({@code .npy}
	 * or {@code .json}, which replaces a JSON weights file's own; or {@code null} for the file's own, else none) and {@code groups} (or {@code null} for the file's own, else 1), named
	 * from the sidecar {@code weights.names.txt} when it exists.
	 *
	 * @throws UserException naming the file when it cannot be read or does not hold weights of a usable shape
	 */
	public static LayerWeights read(Path weights, Path bias, Integer groups) {
		String what = "weights file '" + weights + "'";
		JsonObject json = null;
		int[] shape;
		double[] values;
		byte[] bytes = bytes(weights, "weights file");
		if (isJson(weights)) {
			JsonElement root = parse(bytes, what);
			JsonElement w = root;
			if (root.isJsonObject()) {
				json = root.getAsJsonObject();
				for (String key : json.keySet()) {
					if (!JSON_KEYS.contains(key)) {
						throw new UserException(what + " has the unknown key \"" + Excerpt.of(key) + "\""
							+ Suggestions.didYouMean(key, JSON_KEYS) + "; a weights file holds \"weights\" and may hold "
							+ "\"bias\", \"groups\" and \"names\"");
					}
				}
				w = json.get("weights");
				if (w == null) throw new UserException(what + " has no \"weights\" key");
			}
			List<Integer> dims = new ArrayList<>();
			List<Double> flat = new ArrayList<>();
			try {
				flatten(w, dims, flat, 0, "weights");
			}
			catch (UserException e) {
				throw new UserException(what + ": " + e.getMessage(), e);
			}
			shape = dims.stream().mapToInt(Integer::intValue).toArray();
			values = flat.stream().mapToDouble(Double::doubleValue).toArray();
		}
		else {
			NpyReader.Array a = NpyReader.parse(bytes, what, weights.getFileName().toString());
			shape = a.shape();
			values = a.values();
		}
		double[] b = null;
		if (bias == null && json != null && json.has("bias") && !json.get("bias").isJsonNull()) {
			b = vector(json.get("bias"), what + ": \"bias\"");
		}
		int g = 1;
		if (groups != null) g = groups;
		else if (json != null && json.has("groups")) g = whole(json.get("groups"), what + ": \"groups\"");
		LayerWeights layer;
		try {
			layer = of(shape, values, b, g);
		}
		catch (UserException e) {
			throw new UserException(what + ": " + e.getMessage(), e);
		}
		if (bias != null) {
			// checked apart, so that a wrong bias file is named rather than the weights file
			double[] given = vector(bias);
			try {
				layer = layer.withBias(given);
			}
			catch (UserException e) {
				throw new UserException("bias file '" + bias + "': " + e.getMessage(), e);
			}
		}
		List<String> names = null;
		if (json != null && json.has("names")) {
			names = new ArrayList<>();
			JsonArray given = array(json.get("names"), what + ": \"names\"");
			for (int i = 0; i < given.size(); i++) names.add(text(given.get(i), what + ": \"names\" [" + i + "]"));
		}
		Path sidecar = namesFile(weights);
		if (Files.isRegularFile(sidecar)) names = names(sidecar);
		if (names != null) {
			try {
				layer = layer.withNames(names);
			}
			catch (UserException e) {
				throw new UserException((Files.isRegularFile(sidecar) ? "names file '" + sidecar + "'" : what) + ": "
					+ e.getMessage(), e);
			}
		}
		return layer;
	}

	/**
	 * Weights from an array's shape (4-D, 3-D or 2-D as the class describes) and its values in C order.
	 *
	 * @throws UserException for another number of dimensions or a shape that does not fit the groups
	 */
	public static LayerWeights of(int[] shape, double[] values, double[] bias, int groups) {
		switch (shape.length) {
			case 4:
				return LayerWeights.of(shape[0], shape[1], shape[2], shape[3], values, bias, groups);
			case 3:
				return LayerWeights.of(shape[0], 1, shape[1], shape[2], values, bias, groups);
			case 2:
				return LayerWeights.of(1, 1, shape[0], shape[1], values, bias, groups);
			default:
				throw new UserException("the weights have " + shape.length + " dimension" + (shape.length == 1 ? "" : "s")
					+ " " + Arrays.toString(shape) + "; give 4 (outputs, channels per group, kernel height, kernel "
					+ "width), 3 (outputs, height, width) or 2 (height, width)");
		}
	}

	/**
	 * Weights from JSON: a nested array (4-D, 3-D or 2-D), an optional bias array and groups.
	 *
	 * @throws UserException naming the index of a value that is not a number or a ragged dimension
	 */
	public static LayerWeights fromJson(JsonElement weights, JsonElement bias, int groups) {
		List<Integer> dims = new ArrayList<>();
		List<Double> flat = new ArrayList<>();
		flatten(weights, dims, flat, 0, "weights");
		double[] b = bias == null || bias.isJsonNull() ? null : vector(bias, "\"bias\"");
		return of(dims.stream().mapToInt(Integer::intValue).toArray(),
			flat.stream().mapToDouble(Double::doubleValue).toArray(), b, groups);
	}

	/** The sidecar that names the outputs of {@code weights}: {@code weights.names.txt} beside it. */
	public static Path namesFile(Path weights) {
		String name = weights.getFileName().toString().replaceFirst("\\.(npy|json)$", "");
		return weights.resolveSibling(name + ".names.txt");
	}

	private static List<String> names(Path file) {
		String text = FileBytes.text(bytes(file, "names file"));
		List<String> names = new ArrayList<>();
		for (String line : text.split("\\r?\\n", -1)) if (!line.trim().isEmpty()) names.add(line.trim());
		return names;
	}

	private static double[] vector(Path file) {
		String what = "bias file '" + file + "'";
		byte[] bytes = bytes(file, "bias file");
		if (isJson(file)) return vector(parse(bytes, what), what);
		NpyReader.Array a = NpyReader.parse(bytes, what, file.getFileName().toString());
		if (a.shape().length != 1) {
			throw new UserException(what + " has shape " + a.shapeText() + "; the bias is a 1-D array, one value per "
				+ "output channel");
		}
		return a.values();
	}

	private static double[] vector(JsonElement e, String what) {
		JsonArray a = array(e, what);
		double[] v = new double[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = number(a.get(i), what + " [" + i + "]");
		return v;
	}

	/** Appends the values of a nested array in C order, checking that every dimension has one length. */
	private static void flatten(JsonElement e, List<Integer> dims, List<Double> flat, int depth, String at) {
		if (e != null && e.isJsonArray()) {
			JsonArray a = e.getAsJsonArray();
			if (a.size() == 0) throw new UserException(at + " is an empty array");
			if (depth == dims.size()) {
				if (!flat.isEmpty()) throw new UserException(at + " is an array where a number was expected");
				dims.add(a.size());
			}
			else if (dims.get(depth) != a.size()) {
				throw new UserException(at + " has " + a.size() + " entries but the others at that level have "
					+ dims.get(depth) + "; every dimension needs one length");
			}
			for (int i = 0; i < a.size(); i++) flatten(a.get(i), dims, flat, depth + 1, at + "[" + i + "]");
			return;
		}
		if (depth != dims.size()) throw new UserException(at + " is a number where an array was expected");
		flat.add(number(e, at));
	}

	private static double number(JsonElement e, String at) {
		if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
			double v = e.getAsDouble();
			if (Double.isFinite(v)) return v;
		}
		throw new UserException(at + ": " + StrictJson.describe(e) + " is not a finite number");
	}

	private static String text(JsonElement e, String what) {
		if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
			throw new UserException(what + " must be a text, got " + StrictJson.describe(e));
		}
		return e.getAsString();
	}

	private static int whole(JsonElement e, String what) {
		double v = number(e, what);
		if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
			throw new UserException(what + " must be a whole number, got " + e);
		}
		return (int) v;
	}

	private static JsonArray array(JsonElement e, String what) {
		if (e == null || !e.isJsonArray()) throw new UserException(what + " must be an array, got " + StrictJson.describe(e));
		return e.getAsJsonArray();
	}

	private static boolean isJson(Path file) {
		return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
	}

	private static JsonElement parse(byte[] bytes, String what) {
		if (!GSON_PRESENT) {
			throw new UserException(what + " is JSON, which needs the Gson library: Fiji ships it, plain ImageJ does"
				+ " not; copy gson-2.10.1.jar into ImageJ's jars folder, or save the array as .npy with numpy.save");
		}
		try {
			return StrictJson.parse(FileBytes.text(bytes));
		}
		catch (UserException e) {
			throw new UserException(what + " is " + e.getMessage(), e);
		}
	}

	private static byte[] bytes(Path file, String kind) {
		return FileBytes.read(file, kind, MAX_BYTES);
	}
}
