package io.github.convolve2d.core;


/**
 * A 2D plane of 32-bit float pixels, {@code width} columns by {@code height} rows, stored row by row.
 * <p>
 * A plane does not copy on the way in or out so that multi-megapixel images cross between ImageJ and
 * the core without duplication: {@link #wrap} takes the caller's array and {@link #pixels} returns it.
 * The core never writes into an input plane; a plane it returns belongs to the caller, and
 * {@link Convolution#convolveInto} writes only the output plane it is given.
 */
public final class Plane {

	private final int width;
	private final int height;
	private final float[] pixels;

	private Plane(int width, int height, float[] pixels) {
		if (width < 1 || height < 1) {
			throw new UserException("an image must be at least 1×1 pixel, got " + width + "×" + height);
		}
		if (pixels.length != (long) width * height) {
			throw new UserException("pixel array holds " + pixels.length + " values but a " + width + "×"
				+ height + " image needs " + (long) width * height);
		}
		this.width = width;
		this.height = height;
		this.pixels = pixels;
	}

	/** A plane backed by {@code pixels} (row-major, length width × height), without copying. */
	public static Plane wrap(int width, int height, float[] pixels) {
		return new Plane(width, height, pixels);
	}

	/** A zero-filled plane. */
	public static Plane zeros(int width, int height) {
		if (width < 1 || height < 1) return new Plane(width, height, new float[0]);
		return new Plane(width, height, new float[Math.multiplyExact(width, height)]);
	}

	/**
	 * A plane from rows of values ({@code rows[y][x]}), copied and rounded to float.
	 *
	 * @throws UserException when there are no rows, a row is empty, rows differ in length or a finite value is
	 *         beyond the float range (it would become infinite)
	 */
	public static Plane ofRows(double[][] rows) {
		if (rows == null || rows.length == 0) throw new UserException("the image has no rows");
		int width = rows[0] == null ? 0 : rows[0].length;
		if (width == 0) throw new UserException("the image's row 1 is empty");
		float[] pixels = new float[Math.multiplyExact(width, rows.length)];
		for (int y = 0; y < rows.length; y++) {
			if (rows[y] == null || rows[y].length != width) {
				throw Rows.ragged("the image's", y + 1, rows[y] == null ? 0 : rows[y].length, width);
			}
			for (int x = 0; x < width; x++) {
				double v = rows[y][x];
				// NaN and infinity are pixels like any other (SEMANTICS.md); a finite value must stay finite
				if (Double.isFinite(v) && !Rows.fitsFloat(v)) {
					throw Rows.beyondFloat("the image's", y + 1, x + 1, Double.toString(v));
				}
				pixels[y * width + x] = (float) v;
			}
		}
		return new Plane(width, rows.length, pixels);
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** The pixel in column {@code x}, row {@code y}. */
	public float get(int x, int y) {
		return pixels[y * width + x];
	}

	/** The backing array (row-major), not a copy; do not modify a plane you passed to the core. */
	public float[] pixels() {
		return pixels;
	}

	/** The pixels as rows ({@code [y][x]}), a copy. */
	public float[][] toRows() {
		float[][] rows = new float[height][width];
		for (int y = 0; y < height; y++) System.arraycopy(pixels, y * width, rows[y], 0, width);
		return rows;
	}
}
