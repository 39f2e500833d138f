package io.github.convolve2d.cli;

import io.github.convolve2d.core.UserException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionLayer;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.kernel.JsonMatrix;
import io.github.convolve2d.kernel.LayerFiles;
import io.github.convolve2d.kernel.StrictJson;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.Suggestions;
import io.github.convolve2d.core.Kernel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One case of the {@code json} command: the {@code {"input": [[...]], "kernel": [[...]]}} plus optional
 * {@code mode}, {@code border}, {@code cval}, {@code stride}, {@code dilation}, {@code flip}, {@code normalize},
 * {@code method}, or {@code "kernels": [K1, K2, ...]} instead of {@code "kernel"}. Turns it into the result
 * object {@code {"output": ...}} / {@code {"outputs": [...]}}, or {@code {"error": "..."}} for a bad case.
 * <p>
 * A convolution layer: {@code "weights"} ({@code O × C/groups × kh × kw}, or 3-D/2-D as {@link LayerFiles}
 * reads them) with optional {@code "bias"}, {@code "groups"} and {@code "activation": "relu"} instead of a kernel,
 * and {@code "input"} as {@code C × H × W} (or one {@code H × W} channel), gives {@code {"outputs": [O × H' × W']}}.
 */
final class JsonCase {

	/** The keys a case may hold, in the order messages list them. */
	static final List<String> KEYS = List.of("input", "kernel", "kernels", "mode", "border", "cval", "stride",
		"dilation", "flip", "normalize", "method", "weights", "bias", "groups", "activation");
	private static final List<String> LAYER_KEYS = Arrays.asList("bias", "groups", "activation");

	private JsonCase() {
	}

	/** The result object of one case; never throws for bad input, which becomes {@code {"error": ...}}. */
	static JsonObject run(JsonElement json, int threads) {
		JsonObject result = new JsonObject();
		try {
			if (json == null || !json.isJsonObject()) {
				throw new UserException("a case must be an object like {\"input\": [[...]], \"kernel\": [[...]]}, got "
					+ StrictJson.describe(json));
			}
			JsonObject c = json.getAsJsonObject();
			for (Map.Entry<String, JsonElement> e : c.entrySet()) {
				if (!KEYS.contains(e.getKey())) {
					String hint = Suggestions.closest(e.getKey(), KEYS).map(k -> "; did you mean \"" + k + "\"?")
						.orElse(Suggestions.pyTorch(e.getKey(), k -> "\"" + k + "\""));
					throw new UserException("unknown key \"" + Excerpt.of(e.getKey()) + "\"" + hint + " (known keys: "
						+ String.join(", ", KEYS) + ")");
				}
			}
			if (c.has("weights")) return layer(c, threads);
			for (String key : LAYER_KEYS) {
				if (c.has(key)) throw new UserException("\"" + key + "\" belongs to a layer; give \"weights\" too");
			}
			if (hasChannels(c.get("input")) && !deeperThanChannels(c.get("input"))) {
				throw new UserException("\"input\" has channels (C × H × W), which a layer takes: give \"weights\""
					+ " (O × C/groups × kh × kw) instead of \"kernel\", or one channel as rows [[...], ...]");
			}
			Plane input = Plane.ofRows(JsonMatrix.read(c.get("input"), "input"));
			List<Kernel> kernels = kernels(c);
			ConvolutionOptions options = options(c, threads);
			checkPrintable(input, kernels, options);
			List<Plane> outputs = Convolution.convolve(input, kernels, options, ProgressListener.NONE);
			if (c.has("kernels")) {
				JsonArray all = new JsonArray();
				for (Plane p : outputs) all.add(matrix(p));
				result.add("outputs", all);
			}
			else {
				result.add("output", matrix(outputs.get(0)));
			}
		}
		catch (UserException e) { // anything else is a bug, and keeps its stack trace
			result = new JsonObject();
			result.addProperty("error", e.getMessage());
		}
		return result;
	}

	/**
	 * Refuses, before any work, a result too large to print as JSON: each value takes about a hundred bytes of
	 * heap on its way out (the JSON tree and the text), so at most {@value #MAX_VALUES} values and no more than
	 * the heap holds at that rate.
	 */
	private static void checkPrintable(Plane input, List<Kernel> kernels, ConvolutionOptions options) {
		long values = 0;
		String size = null;
		for (Kernel k : kernels) {
			ConvolutionGeometry g = ConvolutionGeometry.of(input.width(), input.height(), k.width(), k.height(), options);
			values += (long) g.outputWidth() * g.outputHeight();
			if (size == null) size = g.outputWidth() + "×" + g.outputHeight();
		}
		long most = Math.min(MAX_VALUES, Runtime.getRuntime().maxMemory() / BYTES_PER_VALUE);
		if (values > most) {
			throw new UserException(String.format(Locale.ROOT, "the result would hold %,d values (%s%s), more than "
				+ "json prints (at most %,d); use a stride, mode=same or valid, less dilation, or the batch command "
				+ "for images", values, size, kernels.size() > 1 ? " per kernel" : "", most));
		}
	}

	/** Most values one {@code json} case prints (a 4096×4096 result). */
	static final long MAX_VALUES = 1L << 24;
	private static final long BYTES_PER_VALUE = 256;

	/** A layer case: the outputs of {@link ConvolutionLayer} on the input's channels. */
	private static JsonObject layer(JsonObject c, int threads) {
		if (c.has("kernel") || c.has("kernels")) {
			throw new UserException("give either \"weights\" (a layer) or \"kernel\"/\"kernels\", not both");
		}
		List<Plane> channels = channels(c.get("input"));
		int groups = 1;
		if (c.has("groups")) {
			if (!isWhole(c.get("groups"))) {
				throw new UserException("\"groups\" must be a whole number of at least 1 (no quotes), got "
					+ StrictJson.describe(c.get("groups")));
			}
			groups = c.get("groups").getAsInt();
		}
		LayerWeights weights = LayerFiles.fromJson(c.get("weights"), c.get("bias"), groups);
		Activation activation = c.has("activation") ? Activation.fromLabel(string(c, "activation")) : Activation.NONE;
		ConvolutionOptions options = options(c, threads);
		Plane first = channels.get(0);
		checkPrintable(first, Collections.nCopies(weights.outputs(), Kernel.of("k", weights.kernelWidth(),
			weights.kernelHeight(), new double[weights.kernelWidth() * weights.kernelHeight()])), options);
		List<Plane> outputs = ConvolutionLayer.convolve(channels, weights, options, activation, null,
			ProgressListener.NONE);
		JsonArray all = new JsonArray();
		for (Plane p : outputs) all.add(matrix(p));
		JsonObject result = new JsonObject();
		result.add("outputs", all);
		return result;
	}

	/** Whether {@code "input"} is {@code C × H × W} (its first row's first value an array), not rows of numbers. */
	private static boolean hasChannels(JsonElement input) {
		return input != null && input.isJsonArray() && input.getAsJsonArray().size() > 0
			&& input.getAsJsonArray().get(0).isJsonArray() && input.getAsJsonArray().get(0).getAsJsonArray().size() > 0
			&& input.getAsJsonArray().get(0).getAsJsonArray().get(0).isJsonArray();
	}

	/** Whether channels' first value is an array again: a plain mistake, named by the row and column it reaches. */
	private static boolean deeperThanChannels(JsonElement input) {
		JsonArray firstRow = input.getAsJsonArray().get(0).getAsJsonArray().get(0).getAsJsonArray();
		return firstRow.size() > 0 && firstRow.get(0).isJsonArray();
	}

	/** {@code "input"} as {@code C × H × W} channels, or rows of numbers as one channel. */
	private static List<Plane> channels(JsonElement input) {
		if (!hasChannels(input)) return List.of(Plane.ofRows(JsonMatrix.read(input, "input")));
		List<Plane> channels = new ArrayList<>();
		JsonArray all = input.getAsJsonArray();
		for (int ch = 0; ch < all.size(); ch++) {
			channels.add(Plane.ofRows(JsonMatrix.read(all.get(ch), "input[" + ch + "]")));
		}
		return channels;
	}

	private static List<Kernel> kernels(JsonObject c) {
		boolean one = c.has("kernel"), many = c.has("kernels");
		if (one == many) {
			throw new UserException(one ? "give either \"kernel\" or \"kernels\", not both"
				: "\"kernel\" is missing: give \"kernel\": [[...]] or \"kernels\": [[[...]], ...]");
		}
		if (one) return List.of(Kernel.of("kernel", JsonMatrix.read(c.get("kernel"), "kernel")));
		JsonElement bank = c.get("kernels");
		if (!bank.isJsonArray() || bank.getAsJsonArray().size() == 0) {
			throw new UserException("\"kernels\" must be a non-empty array of kernels");
		}
		List<Kernel> kernels = new ArrayList<>();
		for (int n = 0; n < bank.getAsJsonArray().size(); n++) {
			String name = "kernels[" + n + "]";
			kernels.add(Kernel.of(name, JsonMatrix.read(bank.getAsJsonArray().get(n), name)));
		}
		return kernels;
	}

	private static ConvolutionOptions options(JsonObject c, int threads) {
		ConvolutionOptions.Builder b = ConvolutionOptions.builder().threads(threads);
		if (c.has("mode")) b.mode(string(c, "mode"));
		if (c.has("border")) b.border(string(c, "border"));
		if (c.has("cval")) b.cval(number(c, "cval"));
		if (c.has("stride")) {
			int[] s = axisPair(c, "stride");
			b.stride(s[0], s[1]);
		}
		if (c.has("dilation")) {
			int[] d = axisPair(c, "dilation");
			b.dilation(d[0], d[1]);
		}
		if (c.has("flip")) b.flip(bool(c, "flip"));
		if (c.has("normalize")) b.normalize(bool(c, "normalize"));
		if (c.has("method")) b.method(string(c, "method"));
		return b.build();
	}

	private static String string(JsonObject c, String key) {
		JsonElement e = c.get(key);
		if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) return e.getAsString();
		throw new UserException("\"" + key + "\" must be a string, got " + StrictJson.describe(e));
	}

	private static double number(JsonObject c, String key) {
		JsonElement e = c.get(key);
		if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) return e.getAsDouble();
		throw new UserException("\"" + key + "\" must be a number, like 0 or -1.5 (no quotes), got "
			+ StrictJson.describe(e));
	}

	private static boolean bool(JsonObject c, String key) {
		JsonElement e = c.get(key);
		if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) return e.getAsBoolean();
		throw new UserException("\"" + key + "\" must be true or false (no quotes), got " + StrictJson.describe(e));
	}

	/** A whole number from 1 to 2^31-1, or [rows, columns] of them. */
	private static int[] axisPair(JsonObject c, String key) {
		JsonElement e = c.get(key);
		if (isWhole(e)) return new int[] { e.getAsInt(), e.getAsInt() };
		if (e.isJsonArray() && e.getAsJsonArray().size() == 2 && isWhole(e.getAsJsonArray().get(0))
			&& isWhole(e.getAsJsonArray().get(1)))
		{
			return new int[] { e.getAsJsonArray().get(0).getAsInt(), e.getAsJsonArray().get(1).getAsInt() };
		}
		throw new UserException("\"" + key + "\" must be a whole number from 1 to 2147483647, or [rows, columns] "
			+ "of them, got " + StrictJson.describe(e));
	}

	private static boolean isWhole(JsonElement e) {
		if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return false;
		double v = e.getAsDouble();
		return v == Math.rint(v) && v >= 1 && v <= Integer.MAX_VALUE;
	}

	/** Rows of plain JSON numbers, shortest float form; NaN and infinities become null. */
	static JsonArray matrix(Plane p) {
		JsonArray rows = new JsonArray();
		for (int y = 0; y < p.height(); y++) {
			JsonArray row = new JsonArray();
			for (int x = 0; x < p.width(); x++) row.add(number(p.get(x, y)));
			rows.add(row);
		}
		return rows;
	}

	private static JsonElement number(float v) {
		if (!Float.isFinite(v)) return JsonNull.INSTANCE;
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return new JsonPrimitive((long) v); // also turns -0 into 0
		return new JsonPrimitive(new BigDecimal(Float.toString(v))); // shortest form that reads back as this float
	}
}
