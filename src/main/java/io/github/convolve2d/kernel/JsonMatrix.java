package io.github.convolve2d.kernel;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Rows;
import io.github.convolve2d.core.Kernel;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

/**
 * Reads a matrix written as a JSON array of rows ({@code [[1, 0], [0, -1]]}), the form of the json command's
 * {@code "input"} and {@code "kernel"}. Errors name the field, the row and the column.
 */
public final class JsonMatrix {

	private JsonMatrix() {
	}

	/**
	 * The rows of a JSON matrix.
	 *
	 * @param what the field's name for error messages, e.g. {@code "kernel"}
	 * @throws UserException when it is not an array of equally long arrays of numbers within the float range
	 */
	public static double[][] read(JsonElement json, String what) {
		if (json == null || json.isJsonNull()) throw new UserException("\"" + what + "\" is missing");
		if (!json.isJsonArray() || json.getAsJsonArray().size() == 0) {
			throw new UserException("\"" + what + "\" must be a non-empty array of rows, like [[1, 0], [0, -1]]");
		}
		JsonArray rows = json.getAsJsonArray();
		double[][] m = new double[rows.size()][];
		for (int i = 0; i < rows.size(); i++) {
			JsonElement row = rows.get(i);
			if (!row.isJsonArray() || row.getAsJsonArray().size() == 0) {
				throw new UserException("\"" + what + "\" row " + (i + 1)
					+ " must be a non-empty array of numbers, got " + StrictJson.describe(row));
			}
			JsonArray values = row.getAsJsonArray();
			if (i > 0 && values.size() != m[0].length) {
				throw Rows.ragged("\"" + what + "\"", i + 1, values.size(), m[0].length);
			}
			m[i] = new double[values.size()];
			for (int j = 0; j < values.size(); j++) {
				m[i][j] = number(values.get(j), what, i, j);
			}
		}
		return m;
	}

	/** A kernel from a JSON matrix. */
	public static Kernel readKernel(JsonElement json, String name) {
		return Kernel.of(name, read(json, "kernel"));
	}

	/** A kernel from JSON text such as {@code [[1, 0], [0, -1]]}, read by {@link StrictJson}. */
	public static Kernel parseKernel(String jsonText, String name) {
		JsonElement json;
		try {
			json = StrictJson.parse(jsonText);
		}
		catch (UserException e) {
			throw new UserException("the kernel is " + e.getMessage(), e);
		}
		return readKernel(json, name);
	}

	private static double number(JsonElement e, String what, int i, int j) {
		if (e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber()) {
			double v = e.getAsDouble();
			if (!Rows.fitsFloat(v)) throw Rows.beyondFloat("\"" + what + "\"", i + 1, j + 1, e.toString());
			return v;
		}
		throw new UserException("\"" + what + "\" row " + (i + 1) + ", column " + (j + 1) + ": "
			+ StrictJson.describe(e) + " is not a number");
	}
}
