package io.github.convolve2d.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The direct path: each output is the sum of its taps, computed band by band of output rows and, within a
 * band, tile by tile of output columns.
 * <p>
 * The band walks down the image rows it reads. Each row is copied once per kernel column into its own small
 * array, shifted (and subsampled with a stride) so that element {@code c} is what that tap reads for output
 * column {@code c}; the border mode is applied while copying, so the inner loops have no index checks. Those
 * few arrays, small enough to stay in the L1 cache, are then added, weighted by one kernel row, into the
 * accumulator row of every output row that reads this image row ({@link TapSums}: loops over arrays read at
 * one index, which the JIT turns into SIMD code). An output row is final once its last kernel row is added.
 * With stride only the kept outputs are computed; with dilation only the real taps are visited; taps whose
 * weight is exactly zero are skipped (they are not part of the footprint, so a NaN under them does not
 * spread). Work arrays are reused across bands ({@link Scratch}).
 * <p>
 * A layer's output sums several input channels, each with its own kernel: the channels are added one after the
 * other into the same accumulator rows of a band's tile, which is stored once all are in.
 * <p>
 * Precision: an output row accumulates in float until about {@value #FLOAT_ONLY_TAPS} taps are summed; with
 * more taps such float partial sums are added in double, so the error stays below {@code 1e-5 * F}.
 */
final class DirectConvolution implements ConvolutionPath {

	/** Most taps summed in float before a partial sum goes to double: (taps+1) * 2^-24 stays below 1e-5. */
	static final int FLOAT_ONLY_TAPS = 100;
	private static final int MAX_BAND_ROWS = 32;
	/** Bytes of one image row's shifted copies (kernel columns × tile width × 4): within the L1 cache. */
	private static final int SHIFTED_BYTES = 32 * 1024;
	private static final int MIN_TILE = 256;

	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	/** The input channels summed into the output (one for a plain convolution) and their taps. */
	private final PaddedRows[] rows;
	private final Taps[] taps;
	private final int bandRows;
	private final int bands;
	private final int tileWidth;
	private final boolean floatOnly;
	private final float[] out;

	/**
	 * One channel's kernel as the band loop walks it: per kernel row its non-zero weights and the slot (among
	 * used kernel columns) of each one's column.
	 */
	private static final class Taps {
		final float[][] rowWeights;
		final int[][] rowSlots;
		/** Last kernel row with a non-zero tap (-1 for an all-zero kernel). */
		final int lastRow;
		/** Kernel columns holding at least one non-zero tap. */
		final int[] usedColumns;
		final int count;

		Taps(float[] weights, int kh, int kw) {
			int[] slot = new int[kw];
			Arrays.fill(slot, -1);
			int used = 0, n = 0, last = -1;
			rowWeights = new float[kh][];
			rowSlots = new int[kh][];
			for (int i = 0; i < kh; i++) {
				int nonZero = 0;
				for (int j = 0; j < kw; j++) if (weights[i * kw + j] != 0f) nonZero++;
				rowWeights[i] = new float[nonZero];
				rowSlots[i] = new int[nonZero];
				for (int j = 0, t = 0; j < kw; j++) {
					float w = weights[i * kw + j];
					if (w == 0f) continue;
					if (slot[j] < 0) slot[j] = used++;
					rowWeights[i][t] = w;
					rowSlots[i][t++] = slot[j];
				}
				n += nonZero;
				if (nonZero > 0) last = i;
			}
			lastRow = last;
			count = n;
			usedColumns = new int[used];
			for (int j = 0; j < kw; j++) if (slot[j] >= 0) usedColumns[slot[j]] = j;
		}

		/**
		 * The band-relative image rows {@code q*sy + i*dy} that the band's {@code outRows} output rows read through
		 * a kernel row {@code i} with a non-zero tap, ascending, each once: at most {@code outRows × kh} rows however
		 * large the dilation or stride, so the band's work never grows with them.
		 */
		int[] rowsRead(int outRows, int sy, int dy) {
			int[] k = new int[outRows * (lastRow + 1)];
			int n = 0;
			for (int i = 0; i <= lastRow; i++) {
				if (rowWeights[i].length == 0) continue;
				for (int q = 0; q < outRows; q++) k[n++] = q * sy + i * dy;
			}
			Arrays.sort(k, 0, n);
			int distinct = 0;
			for (int t = 0; t < n; t++) if (distinct == 0 || k[t] != k[distinct - 1]) k[distinct++] = k[t];
			return Arrays.copyOf(k, distinct);
		}
	}

	/**
	 * @param weights the prepared kernel (flipped and normalised as asked), row-major, {@code kh × kw}
	 * @param out the output plane (row-major, output size), written band by band
	 */
	DirectConvolution(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int threads,
		float[] out)
	{
		this(Collections.singletonList(image), Collections.singletonList(weights), g, o, threads, out);
	}

	/**
	 * The sum over channels of each channel convolved with its own kernel, into one output (a layer's output
	 * channel): every band and tile accumulates all channels before it is stored, so no per-channel image is
	 * made.
	 *
	 * @param weights per channel, the prepared kernel ({@code kh × kw}, all of the geometry {@code g})
	 */
	DirectConvolution(List<Plane> channels, List<float[]> weights, ConvolutionGeometry g,
		ConvolutionOptions o, int threads, float[] out)
	{
		int kw = g.kernelWidth();
		int kh = g.kernelHeight();
		this.g = g;
		this.o = o;
		this.out = out;
		List<PaddedRows> inputs = new ArrayList<>();
		List<Taps> used = new ArrayList<>();
		int total = 0, columns = 0;
		for (int ch = 0; ch < channels.size(); ch++) {
			Taps t = new Taps(weights.get(ch), kh, kw);
			if (t.lastRow < 0) continue; // an all-zero kernel adds nothing
			inputs.add(new PaddedRows(channels.get(ch), o.border(), o.cval()));
			used.add(t);
			total += t.count;
			columns = Math.max(columns, t.usedColumns.length);
		}
		rows = inputs.toArray(new PaddedRows[0]);
		taps = used.toArray(new Taps[0]);
		floatOnly = total <= FLOAT_ONLY_TAPS;
		int outW = g.outputWidth();
		this.tileWidth = Math.min(outW, Math.max(MIN_TILE, SHIFTED_BYTES / (4 * Math.max(1, columns)) / 16 * 16));
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
		int outRows = Math.min(g.outputHeight(), r0 + bandRows) - r0;
		if (taps.length == 0) { // an all-zero kernel: every output is 0
			Arrays.fill(out, r0 * outW, (r0 + outRows) * outW, 0f);
			return;
		}
		int y0 = r0 * sy - g.anchorY();
		int maxColumns = 0;
		for (Taps t : taps) maxColumns = Math.max(maxColumns, t.usedColumns.length);
		float[][] shifted = scratch.rows(0, maxColumns, tileWidth);
		float[][] acc = scratch.rows(1, outRows, tileWidth);
		double[][] total = floatOnly ? null : scratch.doubleRows(0, outRows, tileWidth);
		int[] summed = new int[outRows]; // taps in acc[q] since it was last assigned
		float[][][][] sources = new float[taps.length][][][];
		for (int ch = 0; ch < taps.length; ch++) {
			float[][] rw = taps[ch].rowWeights;
			int[][] rs = taps[ch].rowSlots;
			sources[ch] = new float[rw.length][][];
			for (int i = 0; i < rw.length; i++) {
				sources[ch][i] = new float[rs[i].length][];
				for (int t = 0; t < rs[i].length; t++) sources[ch][i][t] = shifted[rs[i][t]];
			}
		}
		int lastChannel = taps.length - 1;
		for (int c0 = 0; c0 < outW; c0 += tileWidth) {
			int n = Math.min(tileWidth, outW - c0);
			int x0 = c0 * sx - g.anchorX();
			Arrays.fill(summed, 0);
			if (!floatOnly) for (int q = 0; q < outRows; q++) Arrays.fill(total[q], 0, n, 0.0);
			// channels one after the other into the same accumulator rows; a row is final after the last one's
			for (int ch = 0; ch <= lastChannel; ch++) {
				Taps tp = taps[ch];
				int lastRow = tp.lastRow;
				int columns = tp.usedColumns.length;
				for (int k : tp.rowsRead(outRows, sy, dy)) {
					boolean copied = false;
					// output rows q reading image row k: k = q*sy + i*dy for a kernel row i
					int qFirst = Math.max(0, (k - lastRow * dy + sy - 1) / sy), qLast = Math.min(outRows - 1, k / sy);
					for (int q = qFirst; q <= qLast; q++) {
						int d = k - q * sy;
						if (d % dy != 0) continue;
						int i = d / dy;
						float[] w = tp.rowWeights[i];
						if (w.length > 0) {
							if (!copied) {
								for (int u = 0; u < columns; u++) {
									rows[ch].sample(y0 + k, x0 + tp.usedColumns[u] * dx, sx, n, shifted[u]);
								}
								copied = true;
							}
							// a kernel row wider than FLOAT_ONLY_TAPS is added in parts, so no float sum grows beyond it
							for (int from = 0; from < w.length; from += FLOAT_ONLY_TAPS) {
								int to = Math.min(w.length, from + FLOAT_ONLY_TAPS);
								if (!floatOnly && summed[q] > 0 && summed[q] + to - from > FLOAT_ONLY_TAPS) {
									double[] t = total[q];
									float[] a = acc[q];
									for (int c = 0; c < n; c++) t[c] += a[c];
									summed[q] = 0;
								}
								TapSums.add(acc[q], n, sources[ch][i], w, from, to, summed[q] == 0);
								summed[q] += to - from;
							}
						}
						if (ch == lastChannel && i == lastRow) finish(r0 + q, c0, n, acc[q], floatOnly ? null : total[q]);
					}
				}
			}
		}
	}

	/** Writes output row {@code r}'s tile once its last kernel row is in: the float sum plus any double total. */
	private void finish(int r, int c0, int n, float[] acc, double[] total) {
		int dst = r * g.outputWidth() + c0;
		if (total == null) {
			System.arraycopy(acc, 0, out, dst, n);
			return;
		}
		for (int c = 0; c < n; c++) out[dst + c] = (float) (total[c] + acc[c]);
	}

	/**
	 * Output {@code (r, c)} alone, summed in double over the non-zero taps of every channel, reading through the
	 * border rule; for the few outputs another path must recompute (the FFT path's outputs near a non-finite
	 * pixel).
	 */
	static float pixel(List<Plane> channels, List<float[]> weights, ConvolutionGeometry g,
		ConvolutionOptions o, int r, int c)
	{
		int kw = g.kernelWidth(), kh = g.kernelHeight();
		Border border = o.border();
		int y0 = r * o.strideY() - g.anchorY(), x0 = c * o.strideX() - g.anchorX();
		double sum = 0;
		for (int ch = 0; ch < channels.size(); ch++) {
			Plane image = channels.get(ch);
			float[] wts = weights.get(ch);
			int w = image.width(), h = image.height();
			float[] in = image.pixels();
			for (int i = 0; i < kh; i++) {
				int y = border.sourceIndex(y0 + i * o.dilationY(), h);
				for (int j = 0; j < kw; j++) {
					float wt = wts[i * kw + j];
					if (wt == 0f) continue;
					int x = y < 0 ? -1 : border.sourceIndex(x0 + j * o.dilationX(), w);
					double v = x < 0 ? (float) o.cval() : in[y * w + x];
					sum += v * wt;
				}
			}
		}
		return (float) sum;
	}
}
