package io.github.convolve2d.core;

import java.io.IOException;

/**
 * An image plane read rectangle by rectangle, so that the blockwise engine ({@link BlockwiseConvolution}) never
 * holds more of it than one block's input window. File formats (OME-Zarr, tiled TIFF) implement it; a plane in
 * memory is one through {@link #of(Plane)}. Implementations must allow concurrent reads from several threads.
 */
public interface PlaneSource {

	/** Columns of the plane. */
	int width();

	/** Rows of the plane. */
	int height();

	/**
	 * Copies the {@code w × h} pixels whose top-left pixel is {@code (x, y)} into {@code dst[0 .. w*h)}, row by
	 * row. The rectangle always lies inside the plane.
	 *
	 * @throws IOException when the pixels cannot be read
	 */
	void read(int x, int y, int w, int h, float[] dst) throws IOException;

	/** A plane in memory as a source (no copy). */
	static PlaneSource of(Plane plane) {
		return new PlaneSource() {
			@Override
			public int width() {
				return plane.width();
			}

			@Override
			public int height() {
				return plane.height();
			}

			@Override
			public void read(int x, int y, int w, int h, float[] dst) {
				float[] p = plane.pixels();
				for (int r = 0; r < h; r++) System.arraycopy(p, (y + r) * plane.width() + x, dst, r * w, w);
			}
		};
	}
}
