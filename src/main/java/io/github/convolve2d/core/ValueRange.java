package io.github.convolve2d.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The smallest and the largest value of some pixel arrays, NaN ignored: what a viewer's display range is set from.
 * A plain loop over a 4096² plane in memory took about 2 ns a value on one thread on the development machine (30 ms,
 * branches, {@code Math.min}/{@code max} or several lanes alike; 0.6 ns for values in cache), longer than a 3×3
 * convolution of the same plane on two threads. So the values are copied into a small buffer 4096 at a time and
 * scanned there (0.9 ns a value: the copy loads many cache lines at once, which the loop alone did not), in parts
 * on several threads.
 */
public final class ValueRange {

	/** Values scanned as one unit of work. */
	private static final int PART = 1 << 20;
	/** Values copied into the buffer and scanned at a time (1024 and 16384 did as well). */
	private static final int CHUNK = 4096;
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
		int[] first = new int[arrays.size() + 1]; // each array's first part
		for (int a = 0; a < arrays.size(); a++) first[a + 1] = first[a] + (arrays.get(a).length + PART - 1) / PART;
		int parts = first[arrays.size()];
		float[] lows = new float[parts], highs = new float[parts];
		Parallel.forEach(parts, Parallel.threadsForLoop(RAN, threads), ProgressListener.NONE, new Parallel.Unit() { // not a lambda: Convolution.run
			@Override
			public void run(int part, Scratch scratch) {
				int a = 0;
				while (part >= first[a + 1]) a++;
				float[] values = arrays.get(a);
				int from = (part - first[a]) * PART;
				float[] chunk = scratch.floats(0, CHUNK);
				float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
				for (int at = from, to = Math.min(values.length, from + PART); at < to; at += CHUNK) {
					int n = Math.min(CHUNK, to - at);
					System.arraycopy(values, at, chunk, 0, n);
					for (int i = 0; i < n; i++) {
						float v = chunk[i];
						if (v < lo) lo = v; // false for NaN, which is skipped
						if (v > hi) hi = v;
					}
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
