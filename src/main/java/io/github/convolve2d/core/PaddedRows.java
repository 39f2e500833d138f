package io.github.convolve2d.core;

import java.util.Arrays;

/**
 * Reads segments of image rows with the border rule applied, into the paths' work arrays, so that their inner
 * loops read every tap without an index check: rows and columns outside the image come from the border mode.
 */
final class PaddedRows {

	private final float[] in;
	private final int width, height;
	private final Border border;
	private final float cval;

	PaddedRows(Plane image, Border border, double cval) {
		this.in = image.pixels();
		this.width = image.width();
		this.height = image.height();
		this.border = border;
		this.cval = (float) cval;
	}

	/**
	 * Writes {@code length} pixels of input row {@code y} from input column {@code x0} on (any integers, read
	 * through the border rule) into {@code dst} at {@code off}.
	 */
	void fill(int y, int x0, int length, float[] dst, int off) {
		int src = border.sourceIndex(y, height);
		if (src < 0) {
			Arrays.fill(dst, off, off + length, cval);
			return;
		}
		int rowStart = src * width;
		int ax = -x0;
		// column t reads input column t - ax; columns inside the image are copied in one go
		int t0 = Math.min(length, Math.max(0, ax));
		int t1 = Math.max(t0, Math.min(length, ax + width));
		if (t1 > t0) System.arraycopy(in, rowStart + t0 - ax, dst, off + t0, t1 - t0);
		for (int t = 0; t < t0; t++) dst[off + t] = pick(border.sourceIndex(t - ax, width), rowStart);
		for (int t = t1; t < length; t++) dst[off + t] = pick(border.sourceIndex(t - ax, width), rowStart);
	}

	/**
	 * Writes input pixels {@code (y, x0 + c * step)} for {@code c < n} (any integers, read through the border rule)
	 * into {@code dst[0..n)}: the shifted (and, with a stride, subsampled) copy of a row that one kernel tap reads.
	 */
	void sample(int y, int x0, int step, int n, float[] dst) {
		if (step == 1) {
			fill(y, x0, n, dst, 0);
			return;
		}
		int src = border.sourceIndex(y, height);
		if (src < 0) {
			Arrays.fill(dst, 0, n, cval);
			return;
		}
		int rowStart = src * width;
		int last = x0 + (n - 1) * step;
		if (x0 >= 0 && last < width) {
			for (int c = 0, x = rowStart + x0; c < n; c++, x += step) dst[c] = in[x];
		}
		else {
			for (int c = 0; c < n; c++) dst[c] = pick(border.sourceIndex(x0 + c * step, width), rowStart);
		}
	}

	private float pick(int x, int rowStart) {
		return x < 0 ? cval : in[rowStart + x];
	}
}
