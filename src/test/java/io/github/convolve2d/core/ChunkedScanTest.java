package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@link ChunkedScan}: every value visited once, in its part, across arrays, chunks and parts, on 1 to 3 threads;
 * the count of non-finite values against a plain loop, with NaN and infinities at the edges of chunks and parts.
 */
class ChunkedScanTest {

	private static final int PART = ChunkedScan.PART, CHUNK = ChunkedScan.CHUNK;

	@Test
	void everyValueIsVisitedOnceInItsPart() {
		Random rnd = new Random(11);
		for (int t = 0; t < 8; t++) {
			List<float[]> arrays = new ArrayList<>();
			for (int a = 1 + rnd.nextInt(3); a > 0; a--) {
				int n = t % 3 == 0 ? rnd.nextInt(CHUNK + 2) : PART * rnd.nextInt(3) + rnd.nextInt(2 * CHUNK);
				float[] v = new float[n];
				for (int i = 0; i < n; i++) v[i] = i; // each value names its index, exactly up to 2^24
				arrays.add(v);
			}
			int parts = ChunkedScan.parts(arrays);
			double[] sums = new double[parts];
			long[] counts = new long[parts];
			int threads = 1 + t % 3;
			ChunkedScan.run(arrays, threads, new java.util.concurrent.atomic.AtomicBoolean(true), (part, values, n) -> {
				for (int i = 0; i < n; i++) sums[part] += values[i];
				counts[part] += n;
			});
			int part = 0;
			for (float[] v : arrays) {
				for (int from = 0; from < v.length; from += PART, part++) {
					int to = Math.min(v.length, from + PART);
					double expected = ((double) from + to - 1) * (to - from) / 2;
					assertEquals(to - from, counts[part], "case " + t + ", part " + part + ": values visited");
					assertEquals(expected, sums[part], "case " + t + ", part " + part + ": which values");
				}
			}
			assertEquals(parts, part, "case " + t + ": parts");
		}
	}

	@Test
	void nonFiniteValuesAreCountedAtAnyEdge() {
		int n = 2 * PART + 3 * CHUNK + 5;
		int[] places = { 0, CHUNK - 1, CHUNK, PART - 1, PART, PART + CHUNK - 1, 2 * PART, n - 1 };
		float[] kinds = { Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY };
		Random rnd = new Random(3);
		float[] v = new float[n];
		for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2e38f - 1e38f; // finite, near the float range's ends
		for (int threads = 1; threads <= 3; threads++) {
			assertEquals(0, ChunkedScan.nonFinite(v, threads));
			float[] w = v.clone();
			for (int k = 0; k < places.length; k++) w[places[k]] = kinds[k % 3];
			assertEquals(places.length, ChunkedScan.nonFinite(w, threads), threads + " thread(s)");
			float[] all = new float[CHUNK + 1];
			Arrays.fill(all, Float.NaN);
			assertEquals(all.length, ChunkedScan.nonFinite(all, threads));
			assertEquals(0, ChunkedScan.nonFinite(new float[0], threads));
		}
	}
}
