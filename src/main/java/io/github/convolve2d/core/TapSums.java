package io.github.convolve2d.core;

import java.util.Arrays;

/**
 * The inner loops shared by the direct and separable paths: {@code dst[c] = sum over taps t of w[t] * src[t][c]},
 * where every tap's source is its own row array starting at index 0 (a shifted copy of an image row).
 * <p>
 * Why separate arrays: HotSpot's C2 (Java 17) only turns such a loop into SIMD code when every array is read at
 * the same index; a single buffer read at several offsets ({@code b[s0 + c]}, {@code b[s1 + c]}) stays scalar and
 * measured about 8× slower here. Four taps are summed per pass so that each accumulator value is loaded and
 * stored once per four taps.
 */
final class TapSums {

	private TapSums() {
	}

	/**
	 * {@code dst[c] = sum over t < w.length of w[t] * src[t][c]} for {@code c < n}: in float when there are at most
	 * {@code floatTaps} taps, else in chunks of {@code floatTaps} taps summed in float with the chunks summed in
	 * double, so that the rounding error stays below {@code (floatTaps + 2) * 2^-24} times the sum of |terms|.
	 */
	static void sum(float[] dst, int n, float[][] src, float[] w, int floatTaps, Scratch scratch) {
		int taps = w.length;
		if (taps <= floatTaps) {
			add(dst, n, src, w, 0, taps, true);
			return;
		}
		float[] acc = scratch.floats(7, n);
		double[] total = scratch.doubles(7, n);
		for (int t = 0; t < taps; t += floatTaps) {
			add(acc, n, src, w, t, Math.min(taps, t + floatTaps), true);
			if (t == 0) for (int c = 0; c < n; c++) total[c] = acc[c];
			else for (int c = 0; c < n; c++) total[c] += acc[c];
		}
		for (int c = 0; c < n; c++) dst[c] = (float) total[c];
	}

	/** {@code acc[c] (+)= sum over t in [from, to) of w[t] * src[t][c]}; assigns instead of adding when asked. */
	static void add(float[] acc, int n, float[][] src, float[] w, int from, int to, boolean assign) {
		if (from == to) {
			if (assign) Arrays.fill(acc, 0, n, 0f);
			return;
		}
		int t = from;
		boolean first = assign;
		for (; t + 4 <= to; t += 4, first = false) {
			quad(acc, n, src[t], src[t + 1], src[t + 2], src[t + 3], w[t], w[t + 1], w[t + 2], w[t + 3], first);
		}
		switch (to - t) {
			case 3:
				triple(acc, n, src[t], src[t + 1], src[t + 2], w[t], w[t + 1], w[t + 2], first);
				break;
			case 2:
				pair(acc, n, src[t], src[t + 1], w[t], w[t + 1], first);
				break;
			case 1:
				single(acc, n, src[t], w[t], first);
				break;
			default:
		}
	}

	private static void quad(float[] a, int n, float[] b0, float[] b1, float[] b2, float[] b3, float w0, float w1,
		float w2, float w3, boolean assign)
	{
		if (assign) for (int c = 0; c < n; c++) a[c] = w0 * b0[c] + w1 * b1[c] + w2 * b2[c] + w3 * b3[c];
		else for (int c = 0; c < n; c++) a[c] += w0 * b0[c] + w1 * b1[c] + w2 * b2[c] + w3 * b3[c];
	}

	private static void triple(float[] a, int n, float[] b0, float[] b1, float[] b2, float w0, float w1, float w2,
		boolean assign)
	{
		if (assign) for (int c = 0; c < n; c++) a[c] = w0 * b0[c] + w1 * b1[c] + w2 * b2[c];
		else for (int c = 0; c < n; c++) a[c] += w0 * b0[c] + w1 * b1[c] + w2 * b2[c];
	}

	private static void pair(float[] a, int n, float[] b0, float[] b1, float w0, float w1, boolean assign) {
		if (assign) for (int c = 0; c < n; c++) a[c] = w0 * b0[c] + w1 * b1[c];
		else for (int c = 0; c < n; c++) a[c] += w0 * b0[c] + w1 * b1[c];
	}

	private static void single(float[] a, int n, float[] b0, float w0, boolean assign) {
		if (assign) for (int c = 0; c < n; c++) a[c] = w0 * b0[c];
		else for (int c = 0; c < n; c++) a[c] += w0 * b0[c];
	}
}
