package io.github.convolve2d.core;

/**
 * The direct path: each output is the sum of its taps, computed band by band of output rows and, within a
 * band, tile by tile of output columns.
 * <p>
 * For a tile, each image row the band reads is copied once per kernel column into its own small array, shifted
 * (and subsampled with a stride) so that element {@code c} is what that tap reads for output column {@code c};
 * the border mode is applied while copying, so the inner loop has no index checks. An output row is then the
 * weighted sum of its taps' arrays ({@link TapSums}), a loop the JIT turns into SIMD code. Tiles are narrow
 * enough for one output row's arrays to stay in cache. With stride only the kept outputs are computed; with
 * dilation only the real taps are visited; taps whose weight is exactly zero are skipped (they are not part of
 * the footprint, so a NaN under them does not spread). Work arrays are reused across bands ({@link Scratch}).
 * <p>
 * Precision: sums of up to {@value #FLOAT_ONLY_TAPS} taps are accumulated in float (error below
 * {@code 1e-5 * F}); larger kernels accumulate chunks of that many taps in float and the chunks in double.
 */
final class DirectConvolution implements ConvolutionPath {

	/** Largest tap count summed in float alone: (taps+1) * 2^-24 stays well below 1e-5. */
	static final int FLOAT_ONLY_TAPS = 100;
	private static final int MAX_BAND_ROWS = 32;
	/** Bytes of tap arrays one output row may use (kernel taps × tile width × 4), to stay in L2 cache. */
	private static final int ROW_WORKING_SET = 256 * 1024;

	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	private final PaddedRows rows;
	private final int bandRows;
	private final int bands;
	private final int tileWidth;
	/** Non-zero taps: weight, kernel row and kernel column. */
	private final float[] tapWeight;
	private final int[] tapRow, tapColumn;
	/** Kernel columns holding at least one non-zero tap, and each column's slot among them (-1 if none). */
	private final int[] usedColumns, columnSlot;
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
		this.rows = new PaddedRows(image, o.border(), o.cval(), -g.anchorX(), 1);
		int taps = 0;
		for (float w : weights) if (w != 0) taps++;
		tapWeight = new float[taps];
		tapRow = new int[taps];
		tapColumn = new int[taps];
		columnSlot = new int[kw];
		java.util.Arrays.fill(columnSlot, -1);
		int t = 0, used = 0;
		for (int i = 0; i < kh; i++) {
			for (int j = 0; j < kw; j++) {
				float w = weights[i * kw + j];
				if (w == 0f) continue;
				tapWeight[t] = w;
				tapRow[t] = i;
				tapColumn[t++] = j;
				if (columnSlot[j] < 0) columnSlot[j] = used++;
			}
		}
		usedColumns = new int[used];
		for (int j = 0; j < kw; j++) if (columnSlot[j] >= 0) usedColumns[columnSlot[j]] = j;
		int outW = g.outputWidth();
		int perRow = Math.max(1, taps) * 4;
		this.tileWidth = Math.min(outW, Math.max(64, ROW_WORKING_SET / perRow / 16 * 16));
		int outH = g.outputHeight();
		int perThread = (outH + 4 * threads - 1) / (4 * threads);
		this.bandRows = Math.max(1, Math.min(MAX_BAND_ROWS, perThread));
		this.bands = (outH + bandRows - 1) / bandRows;
	}

	@Override
	public int units() {
		return bands;
	}

	@Override
	public void compute(int band, Scratch scratch) {
		int outW = g.outputWidth();
		int sy = o.strideY(), sx = o.strideX(), dy = o.dilationY(), dx = o.dilationX();
		int r0 = band * bandRows;
		int r1 = Math.min(g.outputHeight(), r0 + bandRows);
		int y0 = r0 * sy - g.anchorY();
		int rowsNeeded = (r1 - 1 - r0) * sy + g.extentY();
		int columns = usedColumns.length;
		int taps = tapWeight.length;
		float[][] shifted = scratch.rows(0, Math.max(1, rowsNeeded * columns), tileWidth);
		float[][] src = new float[taps][];
		float[] acc = scratch.floats(0, tileWidth);
		boolean[] read = rowsRead(r1 - r0, rowsNeeded, sy, dy);
		for (int c0 = 0; c0 < outW; c0 += tileWidth) {
			int n = Math.min(tileWidth, outW - c0);
			int x0 = c0 * sx - g.anchorX();
			for (int k = 0; k < rowsNeeded; k++) {
				if (!read[k]) continue;
				for (int u = 0; u < columns; u++) rows.sample(y0 + k, x0 + usedColumns[u] * dx, sx, n, shifted[k * columns + u]);
			}
			for (int r = r0; r < r1; r++) {
				int base = (r - r0) * sy;
				for (int t = 0; t < taps; t++) src[t] = shifted[(base + tapRow[t] * dy) * columns + columnSlot[tapColumn[t]]];
				TapSums.sum(acc, n, src, tapWeight, FLOAT_ONLY_TAPS, scratch);
				System.arraycopy(acc, 0, out, r * outW + c0, n);
			}
		}
	}

	/** Which band-relative image rows some tap of some output row of the band reads (others are not copied). */
	private boolean[] rowsRead(int outRows, int rowsNeeded, int sy, int dy) {
		boolean[] read = new boolean[rowsNeeded];
		for (int q = 0; q < outRows; q++) for (int i : tapRow) read[q * sy + i * dy] = true;
		return read;
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
