package io.github.convolve2d.core;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a block's input window ({@link BlockGrid.Window}) from a {@link PlaneSource}, making up the pixels past the
 * image's edges with the border rule ({@link Border#sourceIndex}, the one border implementation), so that a
 * {@code valid} convolution of the window reads exactly the values the whole image's convolution reads.
 * <p>
 * A window inside the image is one read. One that reaches past an edge needs the pixels the border rule maps
 * its outside pixels to: for {@code wrap} (and {@code reflect} with a kernel larger than the image) those lie
 * on the far side of the image. Only the distinct rows and columns it needs are read, as a few rectangles of
 * consecutive ones, so the memory stays within twice the window.
 */
final class BlockWindow {

	private BlockWindow() {
	}

	static Plane read(PlaneSource source, BlockGrid.Window w, Border border, double cval) throws IOException {
		int width = source.width(), height = source.height();
		float[] dst = new float[Math.multiplyExact(w.width(), w.height())];
		if (w.x() >= 0 && w.y() >= 0 && (long) w.x() + w.width() <= width && (long) w.y() + w.height() <= height) {
			source.read(w.x(), w.y(), w.width(), w.height(), dst);
			return Plane.wrap(w.width(), w.height(), dst);
		}
		float outside = (float) cval;
		int[] mx = sources(w.x(), w.width(), width, border), my = sources(w.y(), w.height(), height, border);
		int[] cols = distinct(mx), rows = distinct(my);
		if (cols.length > 0 && rows.length > 0) {
			// the needed pixels, compacted: compact[ri * cols.length + ci] is pixel (cols[ci], rows[ri])
			float[] compact = new float[Math.multiplyExact(rows.length, cols.length)];
			for (int r0 = 0, r1; r0 < rows.length; r0 = r1) {
				r1 = runEnd(rows, r0);
				for (int c0 = 0, c1; c0 < cols.length; c0 = c1) {
					c1 = runEnd(cols, c0);
					int n = c1 - c0;
					float[] part = new float[Math.multiplyExact(r1 - r0, n)];
					source.read(cols[c0], rows[r0], n, r1 - r0, part);
					for (int r = r0; r < r1; r++) System.arraycopy(part, (r - r0) * n, compact, r * cols.length + c0, n);
				}
			}
			int[] colSlot = new int[mx.length];
			for (int i = 0; i < mx.length; i++) colSlot[i] = mx[i] < 0 ? -1 : Arrays.binarySearch(cols, mx[i]);
			for (int j = 0; j < my.length; j++) {
				int at = j * w.width();
				if (my[j] < 0) {
					Arrays.fill(dst, at, at + w.width(), outside);
					continue;
				}
				int row = Arrays.binarySearch(rows, my[j]) * cols.length;
				for (int i = 0; i < colSlot.length; i++) dst[at + i] = colSlot[i] < 0 ? outside : compact[row + colSlot[i]];
			}
		}
		else {
			Arrays.fill(dst, outside);
		}
		return Plane.wrap(w.width(), w.height(), dst);
	}

	/** The pixel each of {@code n} coordinates from {@code from} on reads, -1 for the constant outside. */
	private static int[] sources(int from, int n, int size, Border border) {
		int[] s = new int[n];
		for (int i = 0; i < n; i++) s[i] = border.sourceIndex(from + i, size);
		return s;
	}

	/** The distinct non-negative values, in increasing order. */
	private static int[] distinct(int[] values) {
		int[] v = values.clone();
		Arrays.sort(v);
		int n = 0;
		for (int i = 0; i < v.length; i++) {
			if (v[i] >= 0 && (n == 0 || v[n - 1] != v[i])) v[n++] = v[i];
		}
		return Arrays.copyOf(v, n);
	}

	/** The end of the run of consecutive values starting at {@code from}. */
	private static int runEnd(int[] sorted, int from) {
		int end = from + 1;
		while (end < sorted.length && sorted[end] == sorted[end - 1] + 1) end++;
		return end;
	}
}
