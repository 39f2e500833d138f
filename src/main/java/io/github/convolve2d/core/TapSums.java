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
		float[] zeros = scratch.zeros(n);
		if (taps <= floatTaps) {
			add(dst, zeros, n, src, w, 0, taps);
			return;
		}
		float[] acc = scratch.floats(7, n);
		double[] total = scratch.doubles(7, n);
		for (int t = 0; t < taps; t += floatTaps) {
			add(acc, zeros, n, src, w, t, Math.min(taps, t + floatTaps));
			if (t == 0) for (int c = 0; c < n; c++) total[c] = acc[c];
			else for (int c = 0; c < n; c++) total[c] += acc[c];
		}
		for (int c = 0; c < n; c++) dst[c] = (float) total[c];
	}

	/**
	 * {@code acc[c] = base[c] + sum over t in [from, to) of w[t] * src[t][c]}: {@code base} is {@code acc} itself to
	 * add, or an array of zeros to assign ({@link Scratch#zeros}).
	 * <p>
	 * One loop per tap count, not an assigning and an adding one: C2 compiles each loop of a method on its own
	 * when a long first call enters it (on-stack replacement), 30–40 ms each on the development machine, and a
	 * fresh JVM's first 4096² call spent most of its time waiting for those compilations.
	 */
	static void add(float[] acc, float[] base, int n, float[][] src, float[] w, int from, int to) {
		add(acc, base, n, src, null, w, from, to);
	}

	/**
	 * As {@link #add(float[], float[], int, float[][], float[], int, int)}, tap {@code t} reading
	 * {@code rows[slots[t]]} ({@code rows[t]} when {@code slots} is null): the direct path's taps name the shifted
	 * copy they read, and no array of sources is filled per pass (that fill cost a 256² 3×3 call 2.5%).
	 */
	static void add(float[] acc, float[] base, int n, float[][] rows, int[] slots, float[] w, int from, int to) {
		if (from == to) {
			if (base != acc) Arrays.fill(acc, 0, n, 0f);
			return;
		}
		int t = from;
		float[] b = base;
		for (; t + 4 <= to; t += 4, b = acc) {
			quad(acc, b, n, row(rows, slots, t), row(rows, slots, t + 1), row(rows, slots, t + 2),
				row(rows, slots, t + 3), w[t], w[t + 1], w[t + 2], w[t + 3]);
		}
		switch (to - t) {
			case 3:
				triple(acc, b, n, row(rows, slots, t), row(rows, slots, t + 1), row(rows, slots, t + 2), w[t], w[t + 1],
					w[t + 2]);
				break;
			case 2:
				pair(acc, b, n, row(rows, slots, t), row(rows, slots, t + 1), w[t], w[t + 1]);
				break;
			case 1:
				single(acc, b, n, row(rows, slots, t), w[t]);
				break;
			default:
		}
	}

	private static float[] row(float[][] rows, int[] slots, int t) {
		return rows[slots == null ? t : slots[t]];
	}

	private static void quad(float[] a, float[] z, int n, float[] b0, float[] b1, float[] b2, float[] b3, float w0,
		float w1, float w2, float w3)
	{
		for (int c = 0; c < n; c++) a[c] = z[c] + (w0 * b0[c] + w1 * b1[c] + w2 * b2[c] + w3 * b3[c]);
	}

	private static void triple(float[] a, float[] z, int n, float[] b0, float[] b1, float[] b2, float w0, float w1,
		float w2)
	{
		for (int c = 0; c < n; c++) a[c] = z[c] + (w0 * b0[c] + w1 * b1[c] + w2 * b2[c]);
	}

	private static void pair(float[] a, float[] z, int n, float[] b0, float[] b1, float w0, float w1) {
		for (int c = 0; c < n; c++) a[c] = z[c] + (w0 * b0[c] + w1 * b1[c]);
	}

	private static void single(float[] a, float[] z, int n, float[] b0, float w0) {
		for (int c = 0; c < n; c++) a[c] = z[c] + w0 * b0[c];
	}
}
