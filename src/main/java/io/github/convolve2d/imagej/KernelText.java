package io.github.convolve2d.imagej;

import io.github.convolve2d.core.Kernel;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/**
 * Kernels as the dialog shows them: one row per line, values exact where a short decimal or fraction gives them
 * ({@code 0.25}, {@code 1/9}), else rounded to {@link #DIGITS} significant digits, and
 * right-aligned in columns (for a monospaced text area), kernels of a bank separated by a line holding
 * {@code |}. Rounding is for reading only: the dialog keeps the exact kernels behind this text and runs them
 * unless the text is edited. Every value is written as {@link io.github.convolve2d.kernel.KernelParser} reads
 * it ({@code 0.0625}, {@code -1}, {@code 1/9}, {@code 1.234e-7}).
 */
final class KernelText {

	/** Significant digits shown: enough to tell the values of a σ=10 Gaussian apart, short enough to read. */
	static final int DIGITS = 4;

	private KernelText() {
	}

	/** The kernels laid out for the dialog's text area. */
	static String of(List<Kernel> kernels) {
		StringBuilder sb = new StringBuilder();
		for (int n = 0; n < kernels.size(); n++) {
			if (n > 0) sb.append("|\n");
			append(sb, kernels.get(n));
		}
		return sb.toString();
	}

	private static void append(StringBuilder sb, Kernel k) {
		String[][] cells = new String[k.height()][k.width()];
		int[] widths = new int[k.width()];
		for (int i = 0; i < k.height(); i++) {
			for (int j = 0; j < k.width(); j++) {
				cells[i][j] = value(k.get(i, j));
				widths[j] = Math.max(widths[j], cells[i][j].length());
			}
		}
		for (String[] row : cells) {
			for (int j = 0; j < row.length; j++) {
				if (j > 0) sb.append(' ');
				for (int pad = row[j].length(); pad < widths[j]; pad++) sb.append(' ');
				sb.append(row[j]);
			}
			sb.append('\n');
		}
	}

	/** Largest denominator tried for a value that a short fraction gives exactly (1/9, 1/25, 1/49). */
	private static final int MAX_DENOMINATOR = 100;

	/**
	 * One value for reading: as a decimal when {@link #DIGITS} significant digits give it exactly, else as a
	 * fraction when a small one gives it exactly ({@code 1/9}, read back to the same double), else rounded to
	 * {@link #DIGITS} significant digits without trailing zeros, small and large ones in e-notation.
	 */
	static String value(double v) {
		if (v == 0) return "0";
		String decimal = rounded(v);
		if (Double.parseDouble(decimal) == v) return decimal;
		for (int d = 2; d <= MAX_DENOMINATOR; d++) {
			double n = Math.rint(v * d);
			if (n / d == v && Math.abs(n) < 1e6) return (long) n + "/" + d;
		}
		return decimal;
	}

	private static String rounded(double v) {
		BigDecimal d = new BigDecimal(v).round(new MathContext(DIGITS)).stripTrailingZeros();
		double abs = Math.abs(d.doubleValue());
		if (abs >= 1e-4 && abs < 1e15) return d.toPlainString();
		// e.g. 1.234e-7: the mantissa without trailing zeros, the exponent without a sign for positive powers
		String[] parts = String.format(Locale.ROOT, "%." + (DIGITS - 1) + "e", d.doubleValue()).split("e");
		String mantissa = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
		return mantissa + "e" + Integer.parseInt(parts[1]);
	}
}
