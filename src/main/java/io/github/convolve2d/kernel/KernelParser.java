package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Rows;
import io.github.convolve2d.core.UserException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of kernel text, for every front end (dialog, macro options, {@code batch --kernel}, kernel
 * files): ImageJ's kernel text format (rows on lines, values separated by spaces or tabs) and the one-line forms
 * used in macros and on the command line. The grammar, as README states it:
 *
 * <pre>
 * kernel   = row { row-sep row }       row-sep: ';', a line break, or the two characters \n (ImageJ's recorder)
 * row      = value { value-sep value }  value-sep: spaces or tabs, or a comma with optional spaces around it
 * value    = number [ '/' number ]      a fraction such as 1/9; the denominator must not be 0
 * number   = [+|-] digits [ '.' [digits] ] [ exponent ]  |  [+|-] '.' digits [ exponent ]
 * exponent = ('e'|'E') [+|-] digits
 * </pre>
 *
 * Blank rows and commas at either end of a row are ignored. Every value must lie within the 32-bit float range
 * (±3.4e38), in which results are computed.
 * <p>
 * Unlike ImageJ's Convolver, which turns a typo into 0 and truncates a list that is not square, every mistake is
 * an error naming its row and column (and quoting the value as a short {@link Excerpt}): a value that is not a
 * number, a decimal comma ({@code 0,5 0,5} in a row that separates values by spaces: write {@code 0.5}), a
 * fraction over 0, a value beyond the float range, or a row whose length differs from the first.
 */
public final class KernelParser {

	private static final Pattern ROW_SEPARATOR = Pattern.compile("\\r\\n|[\\r\\n;]|\\\\n");
	private static final Pattern SPACES = Pattern.compile("\\s+");
	private static final Pattern VALUE_SEPARATOR = Pattern.compile("\\s*,\\s*|\\s+");
	// each digit can be matched one way only, so a failing match never backtracks over a long run of digits
	static final String NUMBER = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
	private static final Pattern VALUE = Pattern.compile("(" + NUMBER + ")(?:/(" + NUMBER + "))?");
	/** A space-separated item that is one number with a decimal comma ({@code 0,5}, {@code -1,25e3}). */
	/** What looks like a minus in copied text: minus sign, figure, en and em dash, small and full-width minus. */
	private static final Pattern LOOK_ALIKE_MINUS = Pattern.compile("[\u2212\u2012\u2013\u2014\uFE63\uFF0D]");
	/** Spaces that {@code \\s} does not match, such as the no-break space of copied text. */
	private static final Pattern UNICODE_SPACE = Pattern.compile("\\p{Zs}");
	private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d+,\\d+(?:[eE][+-]?\\d+)?");

	private KernelParser() {
	}

	/** Parses kernel text into a kernel named {@code "Custom"}. */
	public static Kernel parse(String text) {
		return parse(text, "Custom");
	}

	/**
	 * Parses kernel text into a kernel with the given name; blank rows are ignored.
	 *
	 * @throws UserException naming the row and column of a value that is not a number (or has a decimal comma,
	 *         divides by zero or lies beyond the float range), the row whose length differs from the first, or
	 *         saying that the kernel is empty
	 */
	public static Kernel parse(String text, String name) {
		if (text == null) throw new UserException("no kernel text given");
		List<double[]> rows = new ArrayList<>();
		for (String line : ROW_SEPARATOR.split(text, -1)) {
			String trimmed = trimCommas(line.trim()).trim();
			if (trimmed.isEmpty()) continue;
			int rowNumber = rows.size() + 1;
			checkDecimalCommas(trimmed, rowNumber);
			String[] tokens = VALUE_SEPARATOR.split(trimmed);
			double[] row = new double[tokens.length];
			for (int j = 0; j < tokens.length; j++) row[j] = value(tokens[j], rowNumber, j + 1);
			if (!rows.isEmpty() && row.length != rows.get(0).length) {
				throw Rows.ragged("kernel", rowNumber, row.length, rows.get(0).length);
			}
			rows.add(row);
		}
		if (rows.isEmpty()) {
			throw new UserException("the kernel is empty; give rows of numbers such as '0 1 0; 1 -4 1; 0 1 0'");
		}
		return Kernel.of(name, rows.toArray(new double[0][]));
	}

	/**
	 * In a row that separates values by spaces, an item made of two runs of digits joined by one comma is a
	 * decimal comma, not a separator ({@code 0,5 0,5} was once read as four values); a row of commas alone
	 * ({@code 1,2,1}) is a list.
	 */
	private static void checkDecimalCommas(String row, int rowNumber) {
		if (row.indexOf(',') < 0) return;
		String[] items = SPACES.split(row);
		if (items.length < 2) return;
		int column = 1;
		for (String item : items) {
			String bad = trimCommas(item);
			if (DECIMAL_COMMA.matcher(bad).matches()) {
				throw new UserException("kernel row " + rowNumber + ", column " + column + ": '" + Excerpt.of(bad)
					+ "' has a decimal comma; write " + Excerpt.of(bad.replace(',', '.'))
					+ " (a point), since commas separate values");
			}
			for (String part : item.split(",")) if (!part.isEmpty()) column++;
		}
	}

	private static String trimCommas(String s) {
		int from = 0, to = s.length();
		while (from < to && s.charAt(from) == ',') from++;
		while (to > from && s.charAt(to - 1) == ',') to--;
		return s.substring(from, to);
	}

	private static double value(String token, int row, int column) {
		Matcher m = VALUE.matcher(token);
		if (!m.matches()) throw notANumber(token, row, column);
		double v = Double.parseDouble(m.group(1));
		if (m.group(2) != null) {
			double d = Double.parseDouble(m.group(2));
			if (d == 0) {
				throw new UserException("kernel row " + row + ", column " + column + ": '" + Excerpt.of(token)
					+ "' divides by zero");
			}
			v /= d;
		}
		if (!Rows.fitsFloat(v)) throw Rows.beyondFloat("kernel", row, column, token);
		return v;
	}

	private static UserException notANumber(String token, int row, int column) {
		String hint = "write values like -1, 0.25, 1e-3 or 1/9";
		Matcher minus = LOOK_ALIKE_MINUS.matcher(token);
		if (token.contains("/")) hint = "fractions are written 1/9; rows are separated by ';' or new lines";
		else if (token.contains("[") || token.contains("]")) hint = "write rows as '1 2; 3 4', without brackets";
		else if (token.contains("|")) {
			hint = "'|' separates kernels only in the dialog and the macro option kernel=: give each kernel on its own"
				+ " (batch: one --kernel per kernel)";
		}
		else if (minus.find()) {
			hint = "'" + minus.group() + "' is a Unicode minus sign or dash (from a document or web page): type the"
				+ " minus sign as -";
		}
		else if (UNICODE_SPACE.matcher(token).find()) {
			hint = "it holds a non-breaking or other Unicode space (from a document or web page): separate values by"
				+ " ordinary spaces";
		}
		return new UserException("kernel row " + row + ", column " + column + ": '" + Excerpt.of(token)
			+ "' is not a number; " + hint);
	}
}
