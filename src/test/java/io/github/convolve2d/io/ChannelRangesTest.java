package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import java.util.Random;

class ChannelRangesTest {

	/** Finite values only, the slice given, per channel; merged pieces give the range of the whole. */
	@Test
	void theFiniteRangeOfEachChannelFromPieces() {
		Random r = new Random(3);
		float[][] values = new float[2][1000];
		for (float[] v : values) for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
		values[0][10] = Float.NaN;
		values[0][20] = Float.POSITIVE_INFINITY;
		values[1][30] = Float.NEGATIVE_INFINITY;
		values[0][5] = -100; // outside the slice given below
		ChannelRanges whole = new ChannelRanges(3), a = new ChannelRanges(3), b = new ChannelRanges(3);
		for (int c = 0; c < 2; c++) {
			whole.add(c, values[c], 6, 994);
			a.add(c, values[c], 6, 500);
			b.add(c, values[c], 506, 494);
		}
		a.merge(b);
		for (int c = 0; c < 2; c++) {
			double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
			for (int i = 6; i < 1000; i++) {
				float v = values[c][i];
				if (Float.isFinite(v)) {
					lo = Math.min(lo, v);
					hi = Math.max(hi, v);
				}
			}
			assertArrayEquals(new double[] { lo, hi }, whole.range(c), "channel " + c);
			assertArrayEquals(whole.range(c), a.range(c), "merged, channel " + c);
		}
		assertNull(whole.range(2), "a channel without values");
		ChannelRanges nan = new ChannelRanges(1);
		nan.add(0, new float[] { Float.NaN, Float.POSITIVE_INFINITY }, 0, 2);
		assertNull(nan.range(0), "no finite value");
	}
}
