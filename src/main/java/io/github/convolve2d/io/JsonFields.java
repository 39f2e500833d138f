package io.github.convolve2d.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.convolve2d.core.UserException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, checked access to one JSON object of a metadata file: every wrong or missing value is a
 * {@link UserException} naming the file and the field, and what was found ({@code data.zarr/0/.zarray: field
 * 'shape' must be a list of whole numbers, found 12.5}), never a {@code ClassCastException} or a null. Nested
 * objects carry their path ({@code multiscales[0].datasets[0].path}).
 */
final class JsonFields {

	private final String file;
	private final String prefix;
	private final JsonObject object;

	private JsonFields(String file, String prefix, JsonObject object) {
		this.file = file;
		this.prefix = prefix;
		this.object = object;
	}

	/**
	 * The object in {@code file} ({@link Json#read}).
	 *
	 * @throws java.nio.file.NoSuchFileException when there is no such file
	 * @throws UserException when it is not a JSON object
	 */
	static JsonFields read(Path file) throws IOException {
		JsonElement e = Json.read(file);
		String name = name(file);
		if (!e.isJsonObject()) {
			throw new UserException(name + ": must hold a JSON object ({...}), found " + shortly(e)
				+ "; the input is damaged");
		}
		return new JsonFields(name, "", e.getAsJsonObject());
	}

	/**
	 * How messages name a file of a Zarr store: from the outermost folder named {@code *.zarr} on
	 * ({@code data.zarr/0/.zarray}), or the whole path when none is.
	 */
	static String name(Path file) {
		Path abs = file.toAbsolutePath().normalize();
		int from = -1;
		for (int i = 0; i < abs.getNameCount(); i++) {
			if (abs.getName(i).toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zarr")) {
				from = i;
				break;
			}
		}
		return from < 0 ? file.toString() : abs.subpath(from, abs.getNameCount()).toString();
	}

	/** The file's name as messages give it. */
	String file() {
		return file;
	}

	/** A refusal naming the file and {@code field}: {@code <file>: field '<field>' <what>}. */
	UserException error(String field, String what) {
		return new UserException(file + ": field '" + prefix + field + "' " + what);
	}

	/** The object's field names, in order. */
	java.util.Set<String> keys() {
		return object.keySet();
	}

	boolean has(String field) {
		JsonElement e = object.get(field);
		return e != null && !e.isJsonNull();
	}

	/** The value of {@code field}, null when absent or JSON null. */
	JsonElement raw(String field) {
		JsonElement e = object.get(field);
		return e == null || e.isJsonNull() ? null : e;
	}

	private JsonElement required(String field, String what) {
		JsonElement e = raw(field);
		if (e == null) throw error(field, "is missing" + (object.has(field) ? " (null)" : "") + "; it must be " + what);
		return e;
	}

	String requiredString(String field) {
		return string(field, required(field, "a text"));
	}

	/** The text of {@code field}, or {@code fallback} when it is absent or null. */
	String optionalString(String field, String fallback) {
		JsonElement e = raw(field);
		return e == null ? fallback : string(field, e);
	}

	/** The boolean of {@code field}, or {@code fallback} when it is absent or null. */
	boolean optionalBoolean(String field, boolean fallback) {
		JsonElement e = raw(field);
		if (e == null) return fallback;
		if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
			throw error(field, "must be true or false, found " + shortly(e));
		}
		return e.getAsBoolean();
	}

	private String string(String field, JsonElement e) {
		if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw error(field, "must be a text, found " + shortly(e));
		return e.getAsString();
	}

	int requiredInt(String field) {
		return (int) whole(field, required(field, "a whole number"), Integer.MIN_VALUE, Integer.MAX_VALUE);
	}

	/** The whole number of {@code field} in {@code min .. max}, or {@code fallback} when absent or null. */
	int optionalInt(String field, int fallback, int min, int max) {
		JsonElement e = raw(field);
		return e == null ? fallback : (int) whole(field, e, min, max);
	}

	private long whole(String field, JsonElement e, long min, long max) {
		Long v = wholeOrNull(e);
		if (v == null) throw error(field, "must be a whole number, found " + shortly(e));
		if (v < min || v > max) throw error(field, "must be " + min + " to " + max + ", found " + v);
		return v;
	}

	/** The list of whole numbers in {@code field}, each {@code min .. max}. */
	long[] requiredWholeNumbers(String field, long min, long max) {
		JsonElement e = required(field, "a list of whole numbers");
		if (!e.isJsonArray()) throw error(field, "must be a list of whole numbers, found " + shortly(e));
		JsonArray a = e.getAsJsonArray();
		long[] v = new long[a.size()];
		for (int i = 0; i < v.length; i++) {
			Long n = wholeOrNull(a.get(i));
			if (n == null) throw error(field, "must be a list of whole numbers, found " + shortly(a.get(i)));
			if (n < min || n > max) {
				throw error(field, "must be a list of whole numbers from " + min + " to " + max + ", found " + n);
			}
			v[i] = n;
		}
		return v;
	}

	/** The list of (finite) numbers in {@code field}, or null when absent or null. */
	double[] optionalNumbers(String field) {
		JsonElement e = raw(field);
		if (e == null) return null;
		if (!e.isJsonArray()) throw error(field, "must be a list of numbers, found " + shortly(e));
		JsonArray a = e.getAsJsonArray();
		double[] v = new double[a.size()];
		for (int i = 0; i < v.length; i++) {
			JsonElement x = a.get(i);
			if (!isNumber(x) || !Double.isFinite(x.getAsDouble())) {
				throw error(field, "must be a list of numbers, found " + shortly(x));
			}
			v[i] = x.getAsDouble();
		}
		return v;
	}

	/** The object in {@code field}. */
	JsonFields requiredObject(String field) {
		return object(field, required(field, "an object ({...})"));
	}

	/** The object in {@code field}, or null when absent or null. */
	JsonFields optionalObject(String field) {
		JsonElement e = raw(field);
		return e == null ? null : object(field, e);
	}

	private JsonFields object(String field, JsonElement e) {
		if (!e.isJsonObject()) throw error(field, "must be an object ({...}), found " + shortly(e));
		return new JsonFields(file, prefix + field + ".", e.getAsJsonObject());
	}

	/** The list in {@code field}, or null when absent or null. */
	JsonArray optionalArray(String field) {
		JsonElement e = raw(field);
		if (e == null) return null;
		if (!e.isJsonArray()) throw error(field, "must be a list ([...]), found " + shortly(e));
		return e.getAsJsonArray();
	}

	/** The objects of the list in {@code field}; at least one when {@code nonEmpty}. */
	List<JsonFields> requiredObjects(String field, boolean nonEmpty) {
		JsonElement e = required(field, "a list of objects");
		if (!e.isJsonArray()) throw error(field, "must be a list of objects, found " + shortly(e));
		JsonArray a = e.getAsJsonArray();
		if (nonEmpty && a.size() == 0) throw error(field, "is an empty list; it must hold at least one object");
		return objects(field, a);
	}

	/** The objects of the list in {@code field}; empty when it is absent or null. */
	List<JsonFields> optionalObjects(String field) {
		JsonArray a = optionalArray(field);
		return a == null ? List.of() : objects(field, a);
	}

	private List<JsonFields> objects(String field, JsonArray a) {
		List<JsonFields> list = new ArrayList<>();
		for (int i = 0; i < a.size(); i++) list.add(element(field, i, a.get(i)));
		return list;
	}

	/** Element {@code i} of the list in {@code field}, which must be an object. */
	JsonFields element(String field, int i, JsonElement e) {
		if (e == null || !e.isJsonObject()) {
			throw error(field + "[" + i + "]", "must be an object ({...}), found " + shortly(e));
		}
		return new JsonFields(file, prefix + field + "[" + i + "].", e.getAsJsonObject());
	}

	private static boolean isNumber(JsonElement e) {
		return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
	}

	/** The whole number {@code e} holds (12, 12.0, 1.2e1), or null when it is not one or exceeds a long. */
	private static Long wholeOrNull(JsonElement e) {
		if (!isNumber(e)) return null;
		BigDecimal d;
		try {
			d = e.getAsBigDecimal();
		}
		catch (NumberFormatException x) {
			return null;
		}
		try {
			return d.longValueExact();
		}
		catch (ArithmeticException x) {
			return null;
		}
	}

	/** {@code e} for a message: its JSON, cut short. */
	static String shortly(JsonElement e) {
		if (e == null || e.isJsonNull()) return "null";
		String s = e.toString();
		if (e.isJsonPrimitive() && ((JsonPrimitive) e).isString()) s = "'" + e.getAsString() + "'";
		return s.length() > 60 ? s.substring(0, 57) + "..." : s;
	}
}
