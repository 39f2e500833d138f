package io.github.convolve2d.core;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The smallest and the largest value of some pixel arrays, NaN ignored: what a viewer's display range is set from.
 * Read through a small buffer on the call's threads ({@link ChunkedScan}), where each value goes into one of
 * {@value ChunkedScan#CHUNK} lanes of minima and maxima ({@code Math.min}/{@code max} at one index, a loop C2 turns
 * into SIMD code: 0.16 ns a value in cache on the development machine, against 0.58 for a loop that compares each
 * value with one minimum and one maximum); the lanes are reduced at the end of each part. A NaN makes its lane NaN,
 * so a part where one appears is read again with the plain loop, which skips NaN.
 */
public final class ValueRange {

	/** Whether a scan has run in this JVM ({@link Parallel#threadsForLoop}). */
	private static final AtomicBoolean RAN = new AtomicBoolean();

	private final float min, max;

	private ValueRange(float min, float max) {
		this.min = min;
		this.max = max;
	}

	/** The smallest value that is not NaN; NaN when every value is NaN or there is none. */
	public float min() {
		return min;
	}

	/** The largest value that is not NaN; NaN when every value is NaN or there is none. */
	public float max() {
		return max;
	}

	/** The range of the values of {@code arrays}, scanned on up to {@code threads} threads. */
	public static ValueRange of(List<float[]> arrays, int threads) {
		int parts = ChunkedScan.parts(arrays);
		float[] lows = new float[parts], highs = new float[parts];
		ChunkedScan.run(arrays, threads, RAN, new ChunkedScan.Visitor() { // not a lambda: see Convolution.run
			@Override
			public void visit(int part, float[] values, int from, int to, Scratch scratch) {
				int lanes = ChunkedScan.CHUNK;
				float[] lo = scratch.floats(1, lanes), hi = scratch.floats(2, lanes);
				Arrays.fill(lo, 0, lanes, Float.POSITIVE_INFINITY);
				Arrays.fill(hi, 0, lanes, Float.NEGATIVE_INFINITY);
				for (int at = from; at < to; at += lanes) {
					lanes(lo, hi, ChunkedScan.copy(values, at, to, scratch), Math.min(lanes, to - at));
				}
				float l = Float.POSITIVE_INFINITY, h = Float.NEGATIVE_INFINITY;
				for (int i = 0; i < lanes; i++) {
					l = Math.min(l, lo[i]);
					h = Math.max(h, hi[i]);
				}
				if (Float.isNaN(l)) { // a NaN in the part: read it again, skipping NaN
					l = Float.POSITIVE_INFINITY;
					h = Float.NEGATIVE_INFINITY;
					for (int at = from; at < to; at += lanes) {
						float[] chunk = ChunkedScan.copy(values, at, to, scratch);
						for (int i = 0, n = Math.min(lanes, to - at); i < n; i++) {
							float v = chunk[i];
							if (v < l) l = v; // false for NaN, which is skipped
							if (v > h) h = v;
						}
					}
				}
				lows[part] = l;
				highs[part] = h;
			}
		});
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (int p = 0; p < parts; p++) { // a part of NaN only gives +inf and -inf
			lo = Math.min(lo, lows[p]);
			hi = Math.max(hi, highs[p]);
		}
		return lo > hi ? new ValueRange(Float.NaN, Float.NaN) : new ValueRange(lo, hi);
	}

	/** {@code lo[i] = min(lo[i], v[i])}, {@code hi[i] = max(hi[i], v[i])} for {@code i < n}. */
	private static void lanes(float[] lo, float[] hi, float[] v, int n) {
		for (int i = 0; i < n; i++) {
			lo[i] = Math.min(lo[i], v[i]);
			hi[i] = Math.max(hi[i], v[i]);
		}
	}
}
