package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * {@link ValueRange}: the smallest and largest finite value of several arrays, against a plain loop, on arrays that
 * span several parts of the parallel scan, with NaN and infinities placed anywhere, on 1 to 3 threads.
 */
class ValueRangeTest {

	@Test
	void minAndMaxIgnoreNaNAndInfinitiesAcrossArraysAndPartsOnRandomCases() {
		Random rnd = new Random(20261202);
		for (int t = 0; t < 24; t++) {
			List<float[]> arrays = new ArrayList<>();
			for (int a = 1 + rnd.nextInt(3); a > 0; a--) {
				// lengths around the scan's parts, and small ones
				int n = t % 4 == 0 ? rnd.nextInt(50) : ChunkedScan.PART * rnd.nextInt(20) + rnd.nextInt(3000);
				float[] v = new float[n];
				for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 200 - 100;
				for (int k = rnd.nextInt(4); k > 0 && n > 0; k--) v[rnd.nextInt(n)] = Float.NaN;
				if (n > 0 && rnd.nextInt(5) == 0) v[rnd.nextInt(n)] = rnd.nextBoolean() ? Float.POSITIVE_INFINITY
					: Float.NEGATIVE_INFINITY;
				if (n > 0 && rnd.nextInt(5) == 0) v[n - 1] = 1e6f; // the last value of an array or of a part counts
				arrays.add(v);
			}
			float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
			for (float[] v : arrays) {
				for (float x : v) {
					if (!Float.isFinite(x)) continue;
					min = Math.min(min, x);
					max = Math.max(max, x);
				}
			}
			int threads = 1 + t % 3;
			ValueRange r = ValueRange.of(arrays, threads);
			String what = "case " + t + ": lengths " + lengths(arrays) + ", " + threads + " thread(s)";
			if (min > max) {
				assertTrue(Float.isNaN(r.min()) && Float.isNaN(r.max()), what + ": no value gives NaN");
			}
			else {
				assertEquals(min, r.min(), what);
				assertEquals(max, r.max(), what);
			}
		}
	}

	@Test
	void anExtremeAtAnyEdgeOfTheScansChunksAndPartsCounts() {
		// the scan copies CHUNK values at a time into a buffer, within parts of PART values
		int chunk = ChunkedScan.CHUNK, part = ChunkedScan.PART;
		int n = 3 * part + 5000;
		int[] places = { 0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk - 1, part - 1, part, part + chunk - 1, 2 * part,
			n - 1 };
		Random rnd = new Random(7);
		float[] v = new float[n];
		for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2 - 1;
		for (int threads = 1; threads <= 2; threads++) {
			for (int p : places) {
				int q = (p + n / 2) % n;
				float[] w = v.clone();
				w[p] = 5;
				w[q] = -5;
				ValueRange r = ValueRange.of(List.of(w), threads);
				assertEquals(5f, r.max(), "max at " + p + ", " + threads + " thread(s)");
				assertEquals(-5f, r.min(), "min at " + q + ", " + threads + " thread(s)");
			}
		}
	}

	@Test
	void onlyNaNInfinitiesOrNoValuesGiveNaN() {
		float[] nan = new float[3000];
		Arrays.fill(nan, Float.NaN);
		ValueRange r = ValueRange.of(List.of(nan, new float[0]), 2);
		assertTrue(Float.isNaN(r.min()) && Float.isNaN(r.max()));
		ValueRange none = ValueRange.of(Collections.emptyList(), 2);
		assertTrue(Float.isNaN(none.min()) && Float.isNaN(none.max()));
		ValueRange infinite = ValueRange.of(List.of(nan, new float[] { Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY }), 2);
		assertTrue(Float.isNaN(infinite.min()) && Float.isNaN(infinite.max()), "no finite value");
		ValueRange one = ValueRange.of(List.of(nan, new float[] { -2.5f, Float.NEGATIVE_INFINITY }), 2);
		assertEquals(-2.5f, one.min());
		assertEquals(-2.5f, one.max());
	}

	private static String lengths(List<float[]> arrays) {
		StringBuilder sb = new StringBuilder();
		for (float[] a : arrays) sb.append(sb.length() == 0 ? "" : ",").append(a.length);
		return sb.toString();
	}
}
