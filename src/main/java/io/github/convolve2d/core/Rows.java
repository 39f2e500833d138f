package io.github.convolve2d.core;

/**
 * The one wording of a matrix whose rows differ in length, for kernels, images and JSON matrices alike, so
 * that every front end reports the mistake the same way.
 */
public final class Rows {

	private Rows() {
	}

	/**
	 * An error such as {@code kernel row 3 has 2 values but row 1 has 3; every row needs 3 values}.
	 *
	 * @param what the matrix as the user knows it, e.g. {@code "kernel"} or {@code "\"input\""}
	 * @param row the 1-based number of the offending row
	 */
	public static UserException ragged(String what, int row, int count, int expected) {
		return new UserException(what + " row " + row + " has " + values(count) + " but row 1 has "
			+ expected + "; every row needs " + values(expected));
	}

	/**
	 * Whether {@code v} is finite and within the range of a 32-bit float, in which every result is computed: whether
	 * it rounds to a finite float ({@code 3.4028235e38}, the largest float as Java and numpy write it, lies just above
	 * {@link Float#MAX_VALUE} and rounds to it).
	 */
	public static boolean fitsFloat(double v) {
		return !Double.isNaN(v) && !Float.isInfinite((float) v);
	}

	/**
	 * An error such as {@code kernel row 1, column 2: 1e39 is beyond the 32-bit float range (±3.4e38)}: such a
	 * value would become infinity, and every output it touches NaN or infinity.
	 *
	 * @param what the matrix as the user knows it, e.g. {@code "kernel"}
	 * @param value the value as the user wrote it (quoted as an {@link Excerpt})
	 */
	public static UserException beyondFloat(String what, int row, int column, String value) {
		return new UserException(what + " row " + row + ", column " + column + ": " + Excerpt.of(value)
			+ " is beyond the 32-bit float range (±3.4e38) in which results are computed; use smaller values");
	}

	private static String values(int n) {
		return n + (n == 1 ? " value" : " values");
	}
}
