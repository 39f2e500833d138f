package io.github.convolve2d.core;

/**
 * An exact rank-1 factorisation of a kernel, {@code K[i][j] = column[i] * row[j]}, found by an exact rank
 * test rather than an SVD: the largest tap {@code K[p][q]} gives {@code column = K[.][q]} and
 * {@code row = K[p][.] / K[p][q]}, and the kernel counts as separable only when every tap is reproduced to
 * within {@value #RELATIVE_TOLERANCE} of its own magnitude (zero taps exactly). That per-tap test is what keeps
 * the separable path inside SEMANTICS.md's bound {@code 1e-5 * F}: the factorisation adds at most
 * {@code 1e-6 * F}, and a zero tap stays out of the footprint (so a NaN under it does not spread).
 * Kernels of higher rank, even with a small residual, are left to the direct and FFT paths: a rank-r sum of
 * passes can cancel, and its rounding error is then not bounded by {@code F}.
 */
final class Separation {

	static final double RELATIVE_TOLERANCE = 1e-6;

	/** Vertical factor, one weight per kernel row. */
	final float[] column;
	/** Horizontal factor, one weight per kernel column. */
	final float[] row;

	private Separation(float[] column, float[] row) {
		this.column = column;
		this.row = row;
	}

	/** The factorisation of a row-major {@code kh × kw} kernel, or {@code null} when its rank is above 1. */
	static Separation of(float[] weights, int kh, int kw) {
		int pivot = 0;
		for (int k = 1; k < weights.length; k++) {
			if (Math.abs(weights[k]) > Math.abs(weights[pivot])) pivot = k;
		}
		// all zero: rank 0, a zero column times a zero row (no tap is read, so the output is zeros, as on direct)
		if (weights[pivot] == 0f) return new Separation(new float[kh], new float[kw]);
		int p = pivot / kw, q = pivot % kw;
		float[] column = new float[kh];
		float[] row = new float[kw];
		for (int i = 0; i < kh; i++) column[i] = weights[i * kw + q];
		for (int j = 0; j < kw; j++) row[j] = (float) ((double) weights[p * kw + j] / weights[pivot]);
		for (int i = 0; i < kh; i++) {
			for (int j = 0; j < kw; j++) {
				double w = weights[i * kw + j];
				double product = (double) column[i] * row[j];
				if (Math.abs(w - product) > RELATIVE_TOLERANCE * Math.abs(w)) return null;
			}
		}
		return new Separation(column, row);
	}
}
