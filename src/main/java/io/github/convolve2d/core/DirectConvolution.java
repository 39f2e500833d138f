package io.github.convolve2d.core;

/**
 * The direct path: each output is the sum of its taps, computed band by band of output rows.
 * <p>
 * A band first copies the input rows it reads into the thread's work buffer, padded on every side by the
 * border mode, so that the inner loop has no index checks: it adds four kernel taps times four shifted row
 * segments into an output row that stays in cache ({@link TapSums}), a loop the JIT turns into SIMD code.
 * With stride only the kept outputs are computed; with dilation only the real taps are visited; taps whose
 * weight is exactly zero are skipped (they are not part of the footprint, so a NaN under them does not
 * spread). The work buffers are reused across bands ({@link Scratch}); no per-band allocation.
 * <p>
 * Precision: sums of up to {@value #FLOAT_ONLY_TAPS} taps are accumulated in float (error below
 * {@code 1e-5 * F}); larger kernels accumulate chunks of that many taps in float and the chunks in double.
 */
final class DirectConvolution implements ConvolutionPath {

	/** Largest tap count summed in float alone: (taps+1) * 2^-24 stays well below 1e-5. */
	static final int FLOAT_ONLY_TAPS = 100;
	private static final int MAX_BAND_ROWS = 64;

	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	private final PaddedRows rows;
	private final int paddedWidth;
	private final int bandRows;
	private final int bands;
	/** Non-zero taps: weight and offset in the band buffer relative to the output row's first tap. */
	private final float[] tapWeight;
	private final int[] tapOffset;
	private final float[] out;

	/**
	 * @param weights the prepared kernel (flipped and normalised as asked), row-major, {@code kh × kw}
	 * @param out the output plane (row-major, output size), written band by band
	 */
	DirectConvolution(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int threads,
		float[] out)
	{
		int kw = g.kernelWidth();
		int kh = g.kernelHeight();
		this.g = g;
		this.o = o;
		this.out = out;
		this.paddedWidth = (g.outputWidth() - 1) * o.strideX() + g.extentX();
		this.rows = new PaddedRows(image, o.border(), o.cval(), -g.anchorX(), paddedWidth);
		int taps = 0;
		for (float w : weights) if (w != 0) taps++;
		tapWeight = new float[taps];
		tapOffset = new int[taps];
		int t = 0;
		for (int i = 0; i < kh; i++) {
			for (int j = 0; j < kw; j++) {
				float w = weights[i * kw + j];
				if (w == 0f) continue;
				tapWeight[t] = w;
				tapOffset[t++] = i * o.dilationY() * paddedWidth + j * o.dilationX();
			}
		}
		int outH = g.outputHeight();
		int rowsPerBand = Math.min(MAX_BAND_ROWS, Math.max(16, 2 * g.extentY()));
		int perThread = (outH + 4 * threads - 1) / (4 * threads);
		this.bandRows = Math.max(1, Math.min(rowsPerBand, perThread));
		this.bands = (outH + bandRows - 1) / bandRows;
	}

	@Override
	public int units() {
		return bands;
	}

	@Override
	public void compute(int band, Scratch scratch) {
		int outW = g.outputWidth();
		int sy = o.strideY(), sx = o.strideX();
		int r0 = band * bandRows;
		int r1 = Math.min(g.outputHeight(), r0 + bandRows);
		int y0 = r0 * sy - g.anchorY();
		int rowsNeeded = (r1 - 1 - r0) * sy + g.extentY();
		float[] buf = scratch.floats(0, rowsNeeded * paddedWidth);
		for (int k = 0; k < rowsNeeded; k++) rows.fill(y0 + k, buf, k * paddedWidth);

		for (int r = r0; r < r1; r++) {
			TapSums.sum(out, r * outW, outW, buf, (r - r0) * sy * paddedWidth, sx, tapOffset, tapWeight,
				FLOAT_ONLY_TAPS, scratch);
		}
	}

	/**
	 * Output {@code (r, c)} alone, summed in double over the non-zero taps, reading through the border rule; for
	 * the few outputs another path must recompute (the FFT path's outputs near a non-finite pixel).
	 */
	static float pixel(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int r, int c) {
		int kw = g.kernelWidth(), kh = g.kernelHeight();
		int w = image.width(), h = image.height();
		float[] in = image.pixels();
		Border border = o.border();
		int y0 = r * o.strideY() - g.anchorY(), x0 = c * o.strideX() - g.anchorX();
		double sum = 0;
		for (int i = 0; i < kh; i++) {
			int y = border.sourceIndex(y0 + i * o.dilationY(), h);
			for (int j = 0; j < kw; j++) {
				float wt = weights[i * kw + j];
				if (wt == 0f) continue;
				int x = y < 0 ? -1 : border.sourceIndex(x0 + j * o.dilationX(), w);
				double v = x < 0 ? (float) o.cval() : in[y * w + x];
				sum += v * wt;
			}
		}
		return (float) sum;
	}
}
