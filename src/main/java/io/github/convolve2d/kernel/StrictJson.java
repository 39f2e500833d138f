package io.github.convolve2d.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.UserException;

/**
 * The one reader of JSON text ({@code json} cases, JSON kernels): strict RFC 8259 JSON into Gson's tree, with
 * messages a user can act on. Single quotes, unquoted keys, comments, trailing commas, {@code NaN} and text after
 * the value are errors, a key given twice in one object is an error (no silent last-one-wins), and nesting is
 * limited to {@value #MAX_DEPTH} levels, so that no document can exhaust the stack. Every error says what is
 * wrong and where ({@code line L, column C}) and quotes the text only as a short {@link Excerpt}.
 * <p>
 * Numbers keep the text they were written with ({@code 3.5e38} is echoed as written), and read as the nearest
 * double ({@code 1e999} reads as infinity, which the readers of matrices and options then refuse by name).
 */
public final class StrictJson {

	/** Deepest nesting of arrays and objects accepted; a bank of kernels needs 3. */
	public static final int MAX_DEPTH = 64;

	private final String text;
	private int pos;

	private StrictJson(String text) {
		this.text = text;
	}

	/**
	 * The JSON value of {@code text}, which must hold exactly one value (white space around it is allowed).
	 *
	 * @throws UserException saying what is wrong and where: {@code not valid JSON: WHAT (line L, column C)}, for
	 *         the caller to prefix with what the text is
	 */
	public static JsonElement parse(String text) {
		if (text == null) throw new UserException("no JSON text given");
		StrictJson p = new StrictJson(text);
		p.skipSpace();
		if (p.pos == text.length()) throw p.error("the text is empty; give a JSON value");
		JsonElement value = p.value(0);
		p.skipSpace();
		if (p.pos < text.length()) throw p.error("more text after the end of the JSON value");
		return value;
	}

	/**
	 * A short description of a JSON value for messages: a number, string or literal as written (as an
	 * {@link Excerpt}), {@code an array of N values}, or {@code an object}; never the whole of a large value.
	 */
	public static String describe(JsonElement e) {
		if (e == null || e.isJsonNull()) return "null";
		if (e.isJsonArray()) {
			int n = e.getAsJsonArray().size();
			return n == 0 ? "an empty array" : "an array of " + n + (n == 1 ? " value" : " values");
		}
		if (e.isJsonObject()) return "an object";
		return Excerpt.of(e.toString());
	}

	private JsonElement value(int depth) {
		if (pos >= text.length()) throw error("the text ends where a value was expected");
		char c = text.charAt(pos);
		switch (c) {
			case '{':
			case '[':
				if (depth >= MAX_DEPTH) {
					throw error("arrays and objects are nested more than " + MAX_DEPTH + " deep; a case needs at "
						+ "most 3 levels (a bank of kernels)");
				}
				return c == '{' ? object(depth + 1) : array(depth + 1);
			case '"':
				return new JsonPrimitive(string());
			case '\'':
				throw error("single quotes are not JSON; write strings and keys in double quotes");
			case '/':
			case '#':
				throw error("comments are not JSON; remove them");
			default:
				if (c == '-' || c >= '0' && c <= '9') return number();
				if (Character.isLetter(c) || c == '_') return word();
				throw error("'" + Excerpt.of(String.valueOf(Character.toChars(text.codePointAt(pos))))
					+ "' cannot start a value; expected a number, a string in double quotes, true, false, null, "
					+ "[ or {");
		}
	}

	private JsonObject object(int depth) {
		JsonObject o = new JsonObject();
		pos++; // {
		skipSpace();
		if (peek() == '}') {
			pos++;
			return o;
		}
		while (true) {
			skipSpace();
			char c = peek();
			if (c == '"') {
				int at = pos;
				String key = string();
				if (o.has(key)) {
					pos = at;
					throw error("the key \"" + Excerpt.of(key) + "\" is given twice in one object; give each key once");
				}
				skipSpace();
				if (peek() != ':') throw expected("':' after the key \"" + Excerpt.of(key) + "\"");
				pos++;
				skipSpace();
				o.add(key, value(depth));
			}
			else if (c == '}') {
				throw error("a comma before '}' (a trailing comma) is not JSON; remove it");
			}
			else if (c == '\'') {
				throw error("single quotes are not JSON; write keys in double quotes");
			}
			else if (c == '/' || c == '#') {
				throw error("comments are not JSON; remove them");
			}
			else if (Character.isLetter(c) || c == '_') {
				int at = pos;
				String key = identifier();
				pos = at;
				throw error("keys must be in double quotes: write \"" + Excerpt.of(key) + "\"");
			}
			else {
				throw expected("a key in double quotes");
			}
			skipSpace();
			c = peek();
			if (c == ',') {
				pos++;
				continue;
			}
			if (c == '}') {
				pos++;
				return o;
			}
			throw expected("',' or '}' in an object");
		}
	}

	private JsonArray array(int depth) {
		JsonArray a = new JsonArray();
		pos++; // [
		skipSpace();
		if (peek() == ']') {
			pos++;
			return a;
		}
		while (true) {
			skipSpace();
			if (peek() == ']') throw error("a comma before ']' (a trailing comma) is not JSON; remove it");
			a.add(value(depth));
			skipSpace();
			char c = peek();
			if (c == ',') {
				pos++;
				continue;
			}
			if (c == ']') {
				pos++;
				return a;
			}
			throw expected("',' or ']' in an array");
		}
	}

	private String string() {
		int start = pos;
		pos++; // "
		StringBuilder sb = new StringBuilder();
		while (true) {
			if (pos >= text.length()) {
				pos = start;
				throw error("this string has no closing double quote");
			}
			char c = text.charAt(pos++);
			if (c == '"') return sb.toString();
			if (c < 0x20) {
				pos--;
				throw error("a line break or control character inside a string is not JSON; write it as \\n or \\t");
			}
			if (c != '\\') {
				sb.append(c);
				continue;
			}
			if (pos >= text.length()) continue; // reported as unterminated above
			char e = text.charAt(pos++);
			switch (e) {
				case '"': sb.append('"'); break;
				case '\\': sb.append('\\'); break;
				case '/': sb.append('/'); break;
				case 'b': sb.append('\b'); break;
				case 'f': sb.append('\f'); break;
				case 'n': sb.append('\n'); break;
				case 'r': sb.append('\r'); break;
				case 't': sb.append('\t'); break;
				case 'u': {
					if (pos + 4 > text.length() || !text.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
						pos -= 2;
						throw error("\\u must be followed by four hexadecimal digits");
					}
					sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
					pos += 4;
					break;
				}
				default:
					pos -= 2;
					throw error("'\\" + e + "' is not a JSON escape; use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
			}
		}
	}

	private JsonPrimitive number() {
		int start = pos;
		if (peek() == '-') pos++;
		if (peek() == '0') pos++;
		else if (digits() == 0) throw numberError(start);
		if (peek() == '.') {
			pos++;
			if (digits() == 0) throw numberError(start);
		}
		if (peek() == 'e' || peek() == 'E') {
			pos++;
			if (peek() == '+' || peek() == '-') pos++;
			if (digits() == 0) throw numberError(start);
		}
		char c = peek();
		if (c >= '0' && c <= '9' || c == '.' || Character.isLetter(c)) throw numberError(start);
		return new JsonPrimitive(new Written(text.substring(start, pos)));
	}

	private UserException numberError(int start) {
		int end = pos;
		while (end < text.length() && "+-.0123456789eExXabcdefABCDEF_".indexOf(text.charAt(end)) >= 0) end++;
		String token = text.substring(start, Math.max(end, start + 1));
		pos = start;
		return error("'" + Excerpt.of(token) + "' is not a JSON number; write numbers like -1, 0.25 or 1e-3 "
			+ "(no leading zeros, a digit before and after the point)");
	}

	private int digits() {
		int from = pos;
		while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
		return pos - from;
	}

	private JsonElement word() {
		int start = pos;
		String w = identifier();
		switch (w) {
			case "true": return new JsonPrimitive(true);
			case "false": return new JsonPrimitive(false);
			case "null": return JsonNull.INSTANCE;
			default:
				pos = start;
				throw error("'" + Excerpt.of(w) + "' is not a JSON value; strings need double quotes, and NaN and "
					+ "Infinity are not JSON numbers");
		}
	}

	private String identifier() {
		int start = pos;
		while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
		return text.substring(start, pos);
	}

	private char peek() {
		return pos < text.length() ? text.charAt(pos) : '\0';
	}

	private void skipSpace() {
		while (pos < text.length()) {
			char c = text.charAt(pos);
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
			pos++;
		}
	}

	private UserException expected(String what) {
		if (pos >= text.length()) return error("the text ends where " + what + " was expected");
		char c = text.charAt(pos);
		if (c == '/' || c == '#') return error("comments are not JSON; remove them");
		if (c == '\'') return error("single quotes are not JSON; use double quotes");
		return error("expected " + what + ", found '" + Excerpt.of(String.valueOf(Character.toChars(text.codePointAt(pos))))
			+ "'");
	}

	/** An error at the current position: {@code not valid JSON: WHAT (line L, column C)}. */
	private UserException error(String what) {
		int line = 1, column = 1;
		for (int i = 0; i < Math.min(pos, text.length()); i++) {
			if (text.charAt(i) == '\n') {
				line++;
				column = 1;
			}
			else {
				column++;
			}
		}
		return new UserException("not valid JSON: " + what + " (line " + line + ", column " + column + ")");
	}

	/**
	 * A JSON number as written: reads as the nearest double, prints back its own text (so an error quotes
	 * {@code 3.5e38}, not a rounded form).
	 */
	private static final class Written extends Number {

		private static final long serialVersionUID = 1L;
		private final String text;
		private final double value;

		Written(String text) {
			this.text = text;
			this.value = Double.parseDouble(text);
		}

		@Override
		public int intValue() {
			return (int) value;
		}

		@Override
		public long longValue() {
			return (long) value;
		}

		@Override
		public float floatValue() {
			return (float) value;
		}

		@Override
		public double doubleValue() {
			return value;
		}

		@Override
		public String toString() {
			return text;
		}
	}
}
