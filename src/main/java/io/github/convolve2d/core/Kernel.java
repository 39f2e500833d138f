package io.github.convolve2d.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable convolution kernel: {@code height} rows by {@code width} columns of finite values within the
 * 32-bit float range (in which results are computed), with a name used to label feature maps (e.g.
 * {@code "Sobel X"}). Values are kept in double precision; arrays passed in are copied and arrays handed out are
 * copies.
 */
public final class Kernel {

	private final String name;
	private final int width;
	private final int height;
	private final double[] values;

	private Kernel(String name, int width, int height, double[] values) {
		this.name = name;
		this.width = width;
		this.height = height;
		this.values = values;
	}

	/**
	 * A kernel from rows of values ({@code rows[i][j]}, i = row).
	 *
	 * @throws UserException for no rows, an empty or ragged row (named by number), or a value that
	 *         is not finite (named by row and column)
	 */
	public static Kernel of(String name, double[][] rows) {
		Objects.requireNonNull(name, "name");
		if (rows == null || rows.length == 0) {
			throw new UserException("the kernel is empty; give at least one row of numbers");
		}
		int width = rows[0] == null ? 0 : rows[0].length;
		if (width == 0) throw new UserException("the kernel's row 1 is empty");
		double[] values = new double[Math.multiplyExact(width, rows.length)];
		for (int i = 0; i < rows.length; i++) {
			int n = rows[i] == null ? 0 : rows[i].length;
			if (n != width) {
				throw Rows.ragged("kernel", i + 1, n, width);
			}
			for (int j = 0; j < width; j++) {
				double v = rows[i][j];
				if (!Double.isFinite(v)) {
					throw new UserException("kernel value at row " + (i + 1) + ", column " + (j + 1)
						+ " is " + v + "; kernel values must be finite numbers");
				}
				if (!Rows.fitsFloat(v)) throw Rows.beyondFloat("kernel", i + 1, j + 1, Double.toString(v));
				values[i * width + j] = v;
			}
		}
		return new Kernel(name, width, rows.length, values);
	}

	/** A kernel from row-major values. */
	public static Kernel of(String name, int width, int height, double... values) {
		if (width < 1 || height < 1 || values.length != (long) width * height) {
			throw new UserException("a " + width + "×" + height + " kernel needs " + (long) width * height
				+ " values, got " + values.length);
		}
		double[][] rows = new double[height][];
		for (int i = 0; i < height; i++) rows[i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
		return of(name, rows);
	}

	public String name() {
		return name;
	}

	/** Number of columns. */
	public int width() {
		return width;
	}

	/** Number of rows. */
	public int height() {
		return height;
	}

	/** The value in row {@code i}, column {@code j}. */
	public double get(int i, int j) {
		return values[i * width + j];
	}

	/** The values row by row, a copy. */
	public double[] values() {
		return values.clone();
	}

	/** The values as rows ({@code [i][j]}), a copy. */
	public double[][] toRows() {
		double[][] rows = new double[height][];
		for (int i = 0; i < height; i++) rows[i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
		return rows;
	}

	/** Sum of all values. */
	public double sum() {
		double s = 0;
		for (double v : values) s += v;
		return s;
	}

	/** Sum of the absolute values. */
	public double absSum() {
		double s = 0;
		for (double v : values) s += Math.abs(v);
		return s;
	}

	/** This kernel with the same values under another name. */
	public Kernel withName(String newName) {
		return new Kernel(Objects.requireNonNull(newName, "name"), width, height, values);
	}

	/** This kernel rotated by 180° (what true convolution slides over the image). */
	public Kernel flipped() {
		double[] f = new double[values.length];
		for (int k = 0; k < values.length; k++) f[k] = values[values.length - 1 - k];
		return new Kernel(name, width, height, f);
	}

	/**
	 * This kernel divided by its sum, as ImageJ normalises; a kernel whose sum is zero (an edge detector) is
	 * returned unchanged. A sum below 1e-12 of the absolute sum counts as zero, so that a zero-sum kernel
	 * written with rounded decimals is not blown up by its rounding error.
	 */
	public Kernel normalized() {
		double sum = sum();
		if (Math.abs(sum) <= 1e-12 * absSum()) return this;
		double[] n = new double[values.length];
		for (int k = 0; k < values.length; k++) n[k] = values[k] / sum;
		return new Kernel(name, width, height, n);
	}

	/** The values as text, rows on lines and values separated by spaces (ImageJ's kernel file format). */
	public String toText() {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < height; i++) {
			for (int j = 0; j < width; j++) {
				if (j > 0) sb.append(' ');
				sb.append(formatValue(get(i, j)));
			}
			sb.append('\n');
		}
		return sb.toString();
	}

	/** The values on one line with rows separated by {@code ;} (the macro option form). */
	public String toLine() {
		return toText().trim().replace("\n", "; ");
	}

	private static String formatValue(double v) {
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
		return Double.toString(v);
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof Kernel)) return false;
		Kernel k = (Kernel) o;
		return name.equals(k.name) && width == k.width && height == k.height && Arrays.equals(values, k.values);
	}

	@Override
	public int hashCode() {
		return Objects.hash(name, width, height, Arrays.hashCode(values));
	}

	@Override
	public String toString() {
		return name + " (" + width + "×" + height + ")";
	}
}
