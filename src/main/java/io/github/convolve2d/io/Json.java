package io.github.convolve2d.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

/** The JSON style of the metadata this package writes: indented, nulls kept (Zarr writes {@code "filters": null}). */
final class Json {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

	private Json() {
	}

	static String pretty(JsonElement e) {
		return GSON.toJson(e);
	}

	static JsonElement tree(Object value) {
		return GSON.toJsonTree(value);
	}
}
