package io.github.convolve2d.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A read-only pass over whole pixel arrays (a min/max, a count of non-finite values), in parts of
 * {@value #PART} values spread over the call's threads, each part copied {@value #CHUNK} values at a time into a
 * small per-thread buffer and visited there. On the development machine a plain loop over a 4096² plane in memory
 * took about 2 ns a value on one thread (30 ms; branches, {@code Math.min}/{@code max} or several lanes alike) but
 * 0.6 ns over values in cache: the loop alone does not keep enough cache-line loads in flight, and
 * {@code System.arraycopy} does. The copy and the loop over the copy took 0.9 ns a value (1024 or 16384 values a
 * time did as well).
 */
final class ChunkedScan {

	/** Values of one unit of work: 16 parts for a 1024² plane (with parts of 2^20 it was scanned on one thread). */
	static final int PART = 1 << 16;
	/** Values copied and visited at a time. */
	static final int CHUNK = 4096;

	/** What is done with the values of one chunk. */
	interface Visitor {
		/**
		 * Visits {@code values[0 .. n)}, a copy of a chunk of part {@code part}; one thread visits all the chunks
		 * of a part, in order.
		 */
		void visit(int part, float[] values, int n);
	}

	private ChunkedScan() {
	}

	/** The parts of {@code arrays}: each array's values from its own first part on. */
	static int parts(List<float[]> arrays) {
		int parts = 0;
		for (float[] a : arrays) parts += (a.length + PART - 1) / PART;
		return parts;
	}

	/**
	 * Visits every value of {@code arrays} once, on up to {@code threads} threads ({@link Parallel#threadsForLoop}
	 * with {@code ran}, the visitor's own flag).
	 */
	static void run(List<float[]> arrays, int threads, AtomicBoolean ran, Visitor visitor) {
		int[] first = new int[arrays.size() + 1]; // each array's first part
		for (int a = 0; a < arrays.size(); a++) first[a + 1] = first[a] + (arrays.get(a).length + PART - 1) / PART;
		Parallel.forEach(first[arrays.size()], Parallel.threadsForLoop(ran, threads), ProgressListener.NONE,
			new Parallel.Unit() { // not a lambda: see Convolution.run
				@Override
				public void run(int part, Scratch scratch) {
					int a = 0;
					while (part >= first[a + 1]) a++;
					float[] values = arrays.get(a);
					float[] chunk = scratch.floats(0, CHUNK);
					int from = (part - first[a]) * PART;
					for (int at = from, to = Math.min(values.length, from + PART); at < to; at += CHUNK) {
						int n = Math.min(CHUNK, to - at);
						System.arraycopy(values, at, chunk, 0, n);
						visitor.visit(part, chunk, n);
					}
				}
			});
	}

	/** How many values of {@code values} are NaN or infinite, counted on up to {@code threads} threads. */
	static long nonFinite(float[] values, int threads) {
		List<float[]> arrays = java.util.Collections.singletonList(values);
		long[] counts = new long[parts(arrays)];
		run(arrays, threads, NON_FINITE_RAN, new Visitor() {
			@Override
			public void visit(int part, float[] chunk, int n) {
				int c = 0;
				for (int i = 0; i < n; i++) if (!Float.isFinite(chunk[i])) c++;
				counts[part] += c;
			}
		});
		long total = 0;
		for (long c : counts) total += c;
		return total;
	}

	private static final AtomicBoolean NON_FINITE_RAN = new AtomicBoolean();
}
