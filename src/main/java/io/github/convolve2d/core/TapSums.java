package io.github.convolve2d.core;

/**
 * The inner loops shared by the direct and separable paths: adds weighted, shifted copies of a buffer into an
 * accumulator row, four taps per pass so that each accumulator value is loaded and stored once per four taps.
 * The loops are plain indexed float loops that HotSpot's C2 compiler turns into SIMD code.
 */
final class TapSums {

	private TapSums() {
	}

	/**
	 * {@code dst[d0 + c] = sum over all taps t of w[t] * b[base + off[t] + c * sx]} for {@code c < n}: in float
	 * when there are at most {@code floatTaps} taps, else in chunks of {@code floatTaps} taps summed in float
	 * and the chunks summed in double, so that the rounding error stays below {@code (floatTaps+2) * 2^-24}
	 * times the sum of |terms|.
	 */
	static void sum(float[] dst, int d0, int n, float[] b, int base, int sx, int[] off, float[] w, int floatTaps,
		Scratch scratch)
	{
		int taps = w.length;
		if (taps <= floatTaps) {
			add(dst, d0, n, b, base, sx, off, w, 0, taps, true);
			return;
		}
		float[] acc = scratch.floats(7, n);
		double[] total = scratch.doubles(7, n);
		for (int t = 0; t < taps; t += floatTaps) {
			add(acc, 0, n, b, base, sx, off, w, t, Math.min(taps, t + floatTaps), true);
			if (t == 0) for (int c = 0; c < n; c++) total[c] = acc[c];
			else for (int c = 0; c < n; c++) total[c] += acc[c];
		}
		for (int c = 0; c < n; c++) dst[d0 + c] = (float) total[c];
	}

	/**
	 * {@code acc[ao + c] (+)= sum over t in [from, to) of w[t] * b[base + off[t] + c * sx]} for {@code c < n};
	 * the first group of taps assigns instead of adding when {@code assign} is set.
	 */
	static void add(float[] acc, int ao, int n, float[] b, int base, int sx, int[] off, float[] w, int from,
		int to, boolean assign)
	{
		int t = from;
		boolean first = assign;
		if (from == to) {
			if (assign) java.util.Arrays.fill(acc, ao, ao + n, 0f);
			return;
		}
		for (; t + 4 <= to; t += 4) {
			quad(acc, ao, n, b, base + off[t], base + off[t + 1], base + off[t + 2], base + off[t + 3], sx, w[t],
				w[t + 1], w[t + 2], w[t + 3], first);
			first = false;
		}
		int left = to - t;
		if (left == 3) {
			triple(acc, ao, n, b, base + off[t], base + off[t + 1], base + off[t + 2], sx, w[t], w[t + 1], w[t + 2],
				first);
		}
		else if (left == 2) {
			pair(acc, ao, n, b, base + off[t], base + off[t + 1], sx, w[t], w[t + 1], first);
		}
		else if (left == 1) {
			single(acc, ao, n, b, base + off[t], sx, w[t], first);
		}
	}

	private static void quad(float[] a, int ao, int n, float[] b, int s0, int s1, int s2, int s3, int sx,
		float w0, float w1, float w2, float w3, boolean assign)
	{
		if (sx == 1) {
			if (assign) {
				for (int c = 0; c < n; c++) a[ao + c] = w0 * b[s0 + c] + w1 * b[s1 + c] + w2 * b[s2 + c] + w3 * b[s3 + c];
			}
			else {
				for (int c = 0; c < n; c++) {
					a[ao + c] += w0 * b[s0 + c] + w1 * b[s1 + c] + w2 * b[s2 + c] + w3 * b[s3 + c];
				}
			}
		}
		else {
			for (int c = 0, k = 0; c < n; c++, k += sx) {
				float v = w0 * b[s0 + k] + w1 * b[s1 + k] + w2 * b[s2 + k] + w3 * b[s3 + k];
				a[ao + c] = assign ? v : a[ao + c] + v;
			}
		}
	}

	private static void triple(float[] a, int ao, int n, float[] b, int s0, int s1, int s2, int sx, float w0,
		float w1, float w2, boolean assign)
	{
		if (sx == 1) {
			if (assign) for (int c = 0; c < n; c++) a[ao + c] = w0 * b[s0 + c] + w1 * b[s1 + c] + w2 * b[s2 + c];
			else for (int c = 0; c < n; c++) a[ao + c] += w0 * b[s0 + c] + w1 * b[s1 + c] + w2 * b[s2 + c];
		}
		else {
			for (int c = 0, k = 0; c < n; c++, k += sx) {
				float v = w0 * b[s0 + k] + w1 * b[s1 + k] + w2 * b[s2 + k];
				a[ao + c] = assign ? v : a[ao + c] + v;
			}
		}
	}

	private static void pair(float[] a, int ao, int n, float[] b, int s0, int s1, int sx, float w0, float w1,
		boolean assign)
	{
		if (sx == 1) {
			if (assign) for (int c = 0; c < n; c++) a[ao + c] = w0 * b[s0 + c] + w1 * b[s1 + c];
			else for (int c = 0; c < n; c++) a[ao + c] += w0 * b[s0 + c] + w1 * b[s1 + c];
		}
		else {
			for (int c = 0, k = 0; c < n; c++, k += sx) {
				float v = w0 * b[s0 + k] + w1 * b[s1 + k];
				a[ao + c] = assign ? v : a[ao + c] + v;
			}
		}
	}

	private static void single(float[] a, int ao, int n, float[] b, int s0, int sx, float w0, boolean assign) {
		if (sx == 1) {
			if (assign) for (int c = 0; c < n; c++) a[ao + c] = w0 * b[s0 + c];
			else for (int c = 0; c < n; c++) a[ao + c] += w0 * b[s0 + c];
		}
		else {
			for (int c = 0, k = 0; c < n; c++, k += sx) {
				float v = w0 * b[s0 + k];
				a[ao + c] = assign ? v : a[ao + c] + v;
			}
		}
	}
}
