package io.github.convolve2d.core;

import java.util.Arrays;

/**
 * The direct path: each output is the sum of its taps, computed band by band of output rows.
 * <p>
 * A band first copies the input rows it reads into a scratch buffer, padded on every side by the border
 * mode, so that the inner loop has no index checks: it adds one kernel tap times one row segment into an
 * accumulator row that stays in cache, a loop the JIT turns into SIMD code. With stride only the kept
 * outputs are computed; with dilation only the real taps are visited; taps whose weight is exactly zero are
 * skipped (they are not part of the footprint, so a NaN under them does not spread).
 * <p>
 * Precision: sums of up to {@value #FLOAT_ONLY_TAPS} taps are accumulated in float (error below
 * {@code 1e-5 * F}); larger kernels accumulate each kernel row in float and the rows in double.
 */
final class DirectConvolution {

	/** Largest tap count summed in float alone: (taps-1) * 2^-24 stays below 1e-5. */
	static final int FLOAT_ONLY_TAPS = 100;
	private static final int MAX_BAND_ROWS = 64;

	private final float[] in;
	private final int width, height;
	private final float[] weights;
	private final int kw, kh;
	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	private final int paddedWidth;
	private final int bandRows;
	private final int bands;
	private final boolean floatOnly;

	/**
	 * @param weights the prepared kernel (flipped and normalised as asked), row-major, {@code kh × kw}
	 */
	DirectConvolution(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int threads) {
		this.in = image.pixels();
		this.width = image.width();
		this.height = image.height();
		this.weights = weights;
		this.kw = g.kernelWidth();
		this.kh = g.kernelHeight();
		this.g = g;
		this.o = o;
		this.paddedWidth = (g.outputWidth() - 1) * o.strideX() + g.extentX();
		int outH = g.outputHeight();
		this.bandRows = Math.max(1, Math.min(MAX_BAND_ROWS, (outH + 8 * threads - 1) / (8 * threads)));
		this.bands = (outH + bandRows - 1) / bandRows;
		int taps = 0;
		for (float w : weights) if (w != 0) taps++;
		this.floatOnly = taps <= FLOAT_ONLY_TAPS || kh == 1;
	}

	/** Number of independent work units. */
	int bands() {
		return bands;
	}

	/** Computes the output rows of band {@code band} into {@code out} (row-major, output size). */
	void computeBand(int band, float[] out) {
		int outW = g.outputWidth();
		int sy = o.strideY(), sx = o.strideX(), dy = o.dilationY(), dx = o.dilationX();
		int r0 = band * bandRows;
		int r1 = Math.min(g.outputHeight(), r0 + bandRows);
		int y0 = r0 * sy - g.anchorY();
		int rowsNeeded = (r1 - 1 - r0) * sy + g.extentY();
		float[] buf = new float[rowsNeeded * paddedWidth];
		for (int k = 0; k < rowsNeeded; k++) fillPaddedRow(y0 + k, buf, k * paddedWidth);

		float[] rowAcc = floatOnly ? null : new float[outW];
		double[] sum = floatOnly ? null : new double[outW];
		for (int r = r0; r < r1; r++) {
			int outOff = r * outW;
			int base = (r - r0) * sy;
			if (!floatOnly) Arrays.fill(sum, 0);
			for (int i = 0; i < kh; i++) {
				float[] acc = floatOnly ? out : rowAcc;
				int accOff = floatOnly ? outOff : 0;
				if (!floatOnly) Arrays.fill(rowAcc, 0f);
				int rowOff = (base + i * dy) * paddedWidth;
				for (int j = 0; j < kw; j++) {
					float w = weights[i * kw + j];
					if (w == 0f) continue;
					int src = rowOff + j * dx;
					if (sx == 1) {
						for (int c = 0; c < outW; c++) acc[accOff + c] += w * buf[src + c];
					}
					else {
						for (int c = 0, s = src; c < outW; c++, s += sx) acc[accOff + c] += w * buf[s];
					}
				}
				if (!floatOnly) for (int c = 0; c < outW; c++) sum[c] += rowAcc[c];
			}
			if (!floatOnly) for (int c = 0; c < outW; c++) out[outOff + c] = (float) sum[c];
		}
	}

	/** Writes input row {@code y} (any integer), padded by the border mode, into {@code dst} at {@code off}. */
	private void fillPaddedRow(int y, float[] dst, int off) {
		Border border = o.border();
		int src = border.sourceIndex(y, height);
		if (src < 0) {
			Arrays.fill(dst, off, off + paddedWidth, (float) o.cval());
			return;
		}
		int ax = g.anchorX();
		int rowStart = src * width;
		// padded column t reads input column t - ax; columns inside the image are copied in one go
		int t0 = Math.min(paddedWidth, Math.max(0, ax));
		int t1 = Math.max(t0, Math.min(paddedWidth, ax + width));
		System.arraycopy(in, rowStart + t0 - ax, dst, off + t0, t1 - t0);
		float cval = (float) o.cval();
		for (int t = 0; t < t0; t++) dst[off + t] = pick(border.sourceIndex(t - ax, width), rowStart, cval);
		for (int t = t1; t < paddedWidth; t++) dst[off + t] = pick(border.sourceIndex(t - ax, width), rowStart, cval);
	}

	private float pick(int x, int rowStart, float cval) {
		return x < 0 ? cval : in[rowStart + x];
	}
}
