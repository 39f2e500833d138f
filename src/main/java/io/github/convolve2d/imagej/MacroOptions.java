package io.github.convolve2d.imagej;

import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.Suggestions;
import io.github.convolve2d.core.UserException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one {@code run("Convolve 2D...", "...")} call as an ordered map of keys to values, read and
 * written with ImageJ's quoting rules: {@code key=value}, {@code key=[value with spaces]} (brackets may nest),
 * {@code key='value'}, and a bare {@code key} for a switched-on check box (its value is {@code null}).
 * <p>
 * The same map is what the dialog produces and what the recorder writes, so the dialog, a macro and a
 * replayed recording all go through one reader ({@link ConvolveSettings#from}). Reading it needs no display.
 */
public final class MacroOptions {

	private final Map<String, String> values;

	private MacroOptions(Map<String, String> values) {
		this.values = Collections.unmodifiableMap(values);
	}

	/**
	 * Splits an options string into keys and values; keys are lower-cased.
	 *
	 * @throws UserException for an unclosed {@code [} or {@code '}, or a key given twice
	 */
	public static MacroOptions parse(String options) {
		Map<String, String> values = new LinkedHashMap<>();
		String s = options == null ? "" : options;
		int i = 0;
		int n = s.length();
		while (i < n) {
			if (Character.isWhitespace(s.charAt(i))) {
				i++;
				continue;
			}
			int start = i;
			while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) i++;
			String key = s.substring(start, i).toLowerCase(java.util.Locale.ROOT);
			String value = null;
			if (i < n && s.charAt(i) == '=') {
				i++;
				if (i < n && s.charAt(i) == '[') {
					int depth = 1;
					int j = i + 1;
					while (j < n && depth > 0) {
						if (s.charAt(j) == '[') depth++;
						else if (s.charAt(j) == ']') depth--;
						j++;
					}
					if (depth > 0) {
						throw new UserException("the value of '" + key + "' opens a '[' that is never closed;"
							+ " write " + key + "=[...]");
					}
					value = s.substring(i + 1, j - 1);
					i = j;
				}
				else if (i < n && s.charAt(i) == '\'') {
					int j = s.indexOf('\'', i + 1);
					if (j < 0) {
						throw new UserException("the value of '" + key + "' opens a quote (') that is never"
							+ " closed; write " + key + "='...'");
					}
					value = s.substring(i + 1, j);
					i = j + 1;
				}
				else {
					int j = i;
					while (j < n && !Character.isWhitespace(s.charAt(j))) j++;
					value = s.substring(i, j);
					i = j;
				}
			}
			if (values.containsKey(key)) {
				throw new UserException("option '" + key + "' is given twice; give it once");
			}
			values.put(key, value);
		}
		return new MacroOptions(values);
	}

	/** Options from an ordered map (keys lower-case; {@code null} value = a switched-on flag). */
	public static MacroOptions of(Map<String, String> values) {
		return new MacroOptions(new LinkedHashMap<>(values));
	}

	/** The keys and values in the order given; a flag's value is {@code null}. */
	public Map<String, String> asMap() {
		return values;
	}

	/**
	 * Refuses a key that is not one of {@code keys}, naming the closest one when there is one, and the keys.
	 *
	 * @throws UserException for the first unknown key
	 */
	public void requireKnownKeys(List<String> keys) {
		for (String key : values.keySet()) {
			if (!keys.contains(key)) {
				String hint = Suggestions.didYouMean(key, keys);
				throw new UserException("unknown option '" + Excerpt.of(key) + "'" + (hint.isEmpty() ? "; the options are "
					+ String.join(", ", keys) : hint + " (options: " + String.join(", ", keys) + ")"));
			}
		}
	}

	public boolean has(String key) {
		return values.containsKey(key);
	}

	/** The value of {@code key}, or {@code fallback} when absent (or a bare flag). */
	public String get(String key, String fallback) {
		String v = values.get(key);
		return v == null ? fallback : v;
	}

	/** Whether {@code key} is present as a bare flag (or with any value). */
	public boolean flag(String key) {
		return values.containsKey(key);
	}

	/**
	 * The options as ImageJ writes them: values holding spaces in brackets, exactly as the recorder's
	 * {@code Recorder.recordOption} does.
	 */
	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<String, String> e : values.entrySet()) {
			if (sb.length() > 0) sb.append(' ');
			sb.append(e.getKey());
			if (e.getValue() != null) sb.append('=').append(quote(e.getValue()));
		}
		return sb.toString();
	}

	/** A value as written in an options string: bracketed when it holds spaces or is empty. */
	static String quote(String value) {
		return value.isEmpty() || value.matches(".*\\s.*") ? "[" + value + "]" : value;
	}
}
