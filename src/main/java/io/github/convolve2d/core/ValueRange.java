package io.github.convolve2d.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The smallest and the largest finite value of some pixel arrays, NaN and the infinities ignored: what a viewer's
 * display range is set from (a range reaching an infinity shows the image all black in ImageJ, whose scale
 * 255 / (max − min) is then 0; the OME-Zarr windows, {@code io.ChannelRanges}, leave them out too).
 * Scanned through a small buffer on the call's threads ({@link ChunkedScan}): a plain loop over a 4096² plane took
 * longer on one thread than a 3×3 convolution of the same plane on two. Minima and maxima kept in lanes
 * ({@code Math.min}/{@code max} at one index, which C2 turns into SIMD code) were faster warm (0.16 against 0.58 ns
 * a value in cache) but slower in a fresh JVM's first scan, which runs in C1's code (57–78 against 37–45 ms for a
 * 4096² plane), so each value is compared with one minimum and one maximum.
 */
public final class ValueRange {

	/** Whether a scan has run in this JVM ({@link Parallel#threadsForLoop}). */
	private static final AtomicBoolean RAN = new AtomicBoolean();

	private final float min, max;

	private ValueRange(float min, float max) {
		this.min = min;
		this.max = max;
	}

	/** The smallest finite value; NaN when there is none. */
	public float min() {
		return min;
	}

	/** The largest finite value; NaN when there is none. */
	public float max() {
		return max;
	}

	/** The range of the values of {@code arrays}, scanned on up to {@code threads} threads. */
	public static ValueRange of(List<float[]> arrays, int threads) {
		int parts = ChunkedScan.parts(arrays);
		float[] lows = new float[parts], highs = new float[parts];
		java.util.Arrays.fill(lows, Float.POSITIVE_INFINITY);
		java.util.Arrays.fill(highs, Float.NEGATIVE_INFINITY);
		ChunkedScan.run(arrays, threads, RAN, new ChunkedScan.Visitor() { // not a lambda: see Convolution.run
			@Override
			public void visit(int part, float[] values, int n) {
				float lo = lows[part], hi = highs[part];
				for (int i = 0; i < n; i++) {
					float v = values[i];
					// false for NaN; the second test, made only for a new extreme, leaves out the infinities
					if (v < lo && v > Float.NEGATIVE_INFINITY) lo = v;
					if (v > hi && v < Float.POSITIVE_INFINITY) hi = v;
				}
				lows[part] = lo;
				highs[part] = hi;
			}
		});
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (int p = 0; p < parts; p++) {
			lo = Math.min(lo, lows[p]);
			hi = Math.max(hi, highs[p]);
		}
		return lo > hi ? new ValueRange(Float.NaN, Float.NaN) : new ValueRange(lo, hi);
	}
}
