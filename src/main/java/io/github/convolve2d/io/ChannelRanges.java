package io.github.convolve2d.io;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The least and the greatest finite value of each channel of an image (NaN and the infinities left out: JSON has no
 * infinity, and a display window reaching it would show nothing), gathered piece by piece as the pieces are
 * written, on several threads or machines ({@link #merge}): what an OME-Zarr output's {@code omero} window is set
 * from ({@link OmeZarr#commit(ChannelRanges)}).
 */
public final class ChannelRanges implements Serializable {

	private static final long serialVersionUID = 1L;

	private final double[] low, high;

	/** No value yet in any of {@code channels} channels. */
	public ChannelRanges(int channels) {
		low = new double[channels];
		high = new double[channels];
		Arrays.fill(low, Double.POSITIVE_INFINITY);
		Arrays.fill(high, Double.NEGATIVE_INFINITY);
	}

	public int channels() {
		return low.length;
	}

	/** Takes in {@code values[from .. from + n)} of channel {@code c}; safe on several threads. */
	public void add(int c, float[] values, int from, int n) {
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (int i = from; i < from + n; i++) {
			float v = values[i];
			if (!Float.isFinite(v)) continue;
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
		if (lo > hi) return;
		synchronized (this) {
			low[c] = Math.min(low[c], lo);
			high[c] = Math.max(high[c], hi);
		}
	}

	/** Takes in the values {@code other} has seen (the same channels). */
	public synchronized void merge(ChannelRanges other) {
		if (other.channels() != channels()) {
			throw new IllegalArgumentException(other.channels() + " channels, not " + channels());
		}
		for (int c = 0; c < low.length; c++) {
			low[c] = Math.min(low[c], other.low[c]);
			high[c] = Math.max(high[c], other.high[c]);
		}
	}

	/** {@code {least, greatest}} finite value of channel {@code c}, or null when it has none. */
	public synchronized double[] range(int c) {
		return low[c] <= high[c] ? new double[] { low[c], high[c] } : null;
	}
}
