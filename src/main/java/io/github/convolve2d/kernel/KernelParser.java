package io.github.convolve2d.kernel;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Rows;
import io.github.convolve2d.core.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads kernels typed by people: ImageJ's kernel text format (rows on lines, values separated by spaces or
 * tabs) and the one-line forms used in macros and on the command line, with {@code ;} or {@code /} (or a
 * literal {@code \n}, as ImageJ's recorder writes it) between rows and commas allowed between values.
 * Numbers are plain decimals such as {@code -1}, {@code 0.25} or {@code 1e-3}.
 * <p>
 * Unlike ImageJ's Convolver, which turns a typo into 0 and truncates a list that is not square, a bad value
 * is an error naming its row and column, and rows of different lengths are an error naming the row.
 */
public final class KernelParser {

	private static final Pattern ROW_SEPARATOR = Pattern.compile("\\r\\n|[\\r\\n;/]|\\\\n");
	private static final Pattern VALUE_SEPARATOR = Pattern.compile("[\\s,]+");
	private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

	private KernelParser() {
	}

	/** Parses kernel text into a kernel named {@code "Custom"}. */
	public static Kernel parse(String text) {
		return parse(text, "Custom");
	}

	/**
	 * Parses kernel text into a kernel with the given name; blank rows are ignored.
	 *
	 * @throws UserException naming the row and column of a value that is not a number, the row whose
	 *         length differs from the first, or saying that the kernel is empty
	 */
	public static Kernel parse(String text, String name) {
		if (text == null) throw new UserException("no kernel text given");
		List<double[]> rows = new ArrayList<>();
		for (String line : ROW_SEPARATOR.split(text, -1)) {
			String trimmed = line.trim();
			if (trimmed.isEmpty()) continue;
			String[] tokens = VALUE_SEPARATOR.split(trimmed.replaceAll("^,+|,+$", "").trim());
			double[] row = new double[tokens.length];
			int rowNumber = rows.size() + 1;
			for (int j = 0; j < tokens.length; j++) {
				if (!NUMBER.matcher(tokens[j]).matches()) {
					throw new UserException("kernel row " + rowNumber + ", column " + (j + 1) + ": '"
						+ tokens[j] + "' is not a number; write values like -1, 0.25 or 1e-3");
				}
				row[j] = Double.parseDouble(tokens[j]);
			}
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
}
