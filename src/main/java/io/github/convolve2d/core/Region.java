package io.github.convolve2d.core;

/**
 * A rectangle of output pixels, in the output pixel coordinates of the whole result: columns
 * {@code x .. x+width-1}, rows {@code y .. y+height-1}. Asking {@link Convolution} for a region computes exactly
 * that crop of the whole result, reading the real pixels around it and applying the border rule only beyond the
 * image's edge (as imglib2 computes a target interval). Selections and image blocks use it.
 */
public final class Region {

	private final int x, y, width, height;

	private Region(int x, int y, int width, int height) {
		if (x < 0 || y < 0 || width < 1 || height < 1) {
			throw new UserException("an output region needs x, y >= 0 and a size of at least 1×1, got " + width + "×"
				+ height + " at " + x + "," + y);
		}
		this.x = x;
		this.y = y;
		this.width = width;
		this.height = height;
	}

	/** The region of {@code width × height} output pixels whose top-left pixel is output {@code (x, y)}. */
	public static Region of(int x, int y, int width, int height) {
		return new Region(x, y, width, height);
	}

	/** First output column. */
	public int x() { return x; }
	/** First output row. */
	public int y() { return y; }
	public int width() { return width; }
	public int height() { return height; }

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof Region)) return false;
		Region r = (Region) o;
		return x == r.x && y == r.y && width == r.width && height == r.height;
	}

	@Override
	public int hashCode() {
		return ((x * 31 + y) * 31 + width) * 31 + height;
	}

	@Override
	public String toString() {
		return width + "×" + height + " at " + x + "," + y;
	}
}
