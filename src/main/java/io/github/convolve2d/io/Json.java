package io.github.convolve2d.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.convolve2d.core.UserException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The JSON style of the metadata this package writes (indented, nulls kept: Zarr writes {@code "filters": null}),
 * and the one way it reads a metadata file ({@link #read}), which a user's damaged or foreign file cannot hang
 * (a FIFO), exhaust (a huge file) or turn into a stack trace.
 */
final class Json {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

	/** Zarr metadata is a few kB; a larger file is not metadata (and is not read into memory). */
	static final long MAX_METADATA_BYTES = 16L << 20;

	/**
	 * Zarr metadata nests a few levels; Gson parses any depth, but a value nested a hundred thousand levels deep
	 * overflows the stack wherever it is written out (a message quoting it, the attributes carried to an output).
	 */
	static final int MAX_DEPTH = 1000;

	private Json() {
	}

	/**
	 * The JSON text of a metadata file, in ASCII: every other character as a {@code \\uXXXX} escape, as zarr-python
	 * writes it ({@code ensure_ascii}), since zarr-python 2 reads {@code .zattrs} as ASCII and fails on a raw σ or é.
	 */
	static String pretty(JsonElement e) {
		String text = GSON.toJson(e);
		StringBuilder ascii = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				if (ascii != null) ascii.append(c);
				continue;
			}
			if (ascii == null) ascii = new StringBuilder(text.length() + 16).append(text, 0, i);
			ascii.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
		}
		return ascii == null ? text : ascii.toString();
	}

	static JsonElement tree(Object value) {
		return GSON.toJsonTree(value);
	}

	/**
	 * The JSON of a metadata file ({@code .zarray}, {@code .zattrs}, {@code .zgroup}).
	 *
	 * @throws NoSuchFileException when there is no such file
	 * @throws UserException when it is not a plain file, too large, not UTF-8 or not JSON, naming it
	 *         ({@link JsonFields#name})
	 */
	static JsonElement read(Path file) throws IOException {
		String name = JsonFields.name(file);
		BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
		if (!attrs.isRegularFile()) {
			throw new UserException(name + ": is " + (attrs.isDirectory() ? "a folder" : "not a plain file (a pipe or "
				+ "device?)") + " where Zarr metadata (a JSON file) belongs; the input is damaged");
		}
		if (attrs.size() > MAX_METADATA_BYTES) {
			throw new UserException(name + ": is " + attrs.size() + " bytes, too large for Zarr metadata (a JSON file of "
				+ "a few kB); the input is damaged");
		}
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
				.toString();
		}
		catch (CharacterCodingException e) {
			throw new UserException(name + ": is not UTF-8 text, so not Zarr metadata (JSON); the input is damaged");
		}
		if (depth(text) > MAX_DEPTH) {
			throw new UserException(name + ": nests arrays or objects more than " + MAX_DEPTH + " levels deep, so it is "
				+ "not Zarr metadata; the input is damaged");
		}
		try {
			JsonElement e = JsonParser.parseString(text);
			if (e == null || e.isJsonNull()) throw new JsonParseException("it is empty");
			return e;
		}
		catch (JsonParseException e) {
			String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
				: e.getMessage();
			// Gson's words for text after the value are advice to a programmer, not to the file's owner
			String lenient = "Use JsonReader.setLenient(true) to accept malformed JSON ";
			if (why.startsWith(lenient)) why = "more text after the end of the JSON value " + why.substring(lenient.length());
			throw new UserException(name + ": is not valid JSON (" + why + "); the input is damaged");
		}
	}

	/** The deepest nesting of arrays and objects in JSON text, brackets inside strings not counted. */
	private static int depth(String text) {
		int depth = 0, deepest = 0;
		boolean inString = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (inString) {
				if (c == '\\') i++;
				else if (c == '"') inString = false;
			}
			else if (c == '"') inString = true;
			else if (c == '[' || c == '{') deepest = Math.max(deepest, ++depth);
			else if (c == ']' || c == '}') depth--;
		}
		return deepest;
	}
}
