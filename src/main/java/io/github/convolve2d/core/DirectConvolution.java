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
 * One path computes several outputs from the same input channels: a kernel bank (one channel, one output per
 * kernel) or a layer's group (each output sums every channel, each with its own kernel). Each image row of a
 * band's tile is then copied once for all outputs and added into each output's accumulator rows, so a bank of
 * small kernels reads the image once instead of once per kernel. A layer's channels are added one after the
 * other into the same accumulator rows, which are stored once all are in. Every output's sums are made in the
 * same order as when it is computed alone, so grouping never changes a bit of the result.
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
	/** Bytes of the accumulator rows in use at once (outputs × kernel rows × tile width × 4): within L2. */
	private static final int ACCUMULATOR_BYTES = 256 * 1024;
	private static final int MIN_TILE = 256;

	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	/** The input channels some output reads through a non-zero tap. */
	private final PaddedRows[] rows;
	/** Per channel: the kernel columns with a non-zero tap in any output's kernel; shifted copy {@code u} is column {@code usedColumns[ch][u]}. */
	private final int[][] usedColumns;
	/** Per output and channel: its kernel's taps, or null where that kernel is all zero. */
	private final Taps[][] taps;
	/** Per output: the last channel with a non-zero tap, -1 when every tap is zero. */
	private final int[] lastChannel;
	private final boolean[] floatOnly;
	/** The last kernel row with a non-zero tap, over every output and channel. */
	private final int maxLastRow;
	/** The most used kernel columns of any channel: the shifted copies a band needs. */
	private final int maxColumns;
	private final boolean anyDouble;
	private final int bandRows;
	private final int bands;
	private final int tileWidth;
	private final float[][] outs;
	/**
	 * Per channel, the band-relative image rows a full band reads and those the last band reads (it may have fewer
	 * output rows): computed once, not per band (the sort showed in small images' profiles).
	 */
	private final int[][] fullBandRows, lastBandRows;

	/**
	 * One channel's kernel as the band loop walks it: per kernel row its non-zero weights and the slot (among the
	 * channel's used kernel columns) of each one's column.
	 */
	private static final class Taps {
		final float[][] rowWeights;
		final int[][] rowSlots;
		/** Last kernel row with a non-zero tap (-1 for an all-zero kernel). */
		final int lastRow;
		final int count;

		/** @param slot per kernel column, its slot among the channel's used columns (-1 where no kernel uses it) */
		Taps(float[] weights, int kh, int kw, int[] slot) {
			int n = 0, last = -1;
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
					rowWeights[i][t] = w;
					rowSlots[i][t++] = slot[j];
				}
				n += nonZero;
				if (nonZero > 0) last = i;
			}
			lastRow = last;
			count = n;
		}

		/** Adds to {@code k} the band-relative image rows {@code q*sy + i*dy} this kernel's non-zero rows read. */
		int addRowsRead(int[] k, int n, int outRows, int sy, int dy) {
			for (int i = 0; i <= lastRow; i++) {
				if (rowWeights[i].length == 0) continue;
				for (int q = 0; q < outRows; q++) k[n++] = q * sy + i * dy;
			}
			return n;
		}
	}

	/**
	 * @param weights the prepared kernel (flipped and normalised as asked), row-major, {@code kh × kw}
	 * @param out the output plane (row-major, output size), written band by band
	 */
	DirectConvolution(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int threads,
		float[] out)
	{
		this(Collections.singletonList(image), Collections.singletonList(Collections.singletonList(weights)), g, o,
			threads, Collections.singletonList(out));
	}

	/**
	 * Several outputs from the same channels, each output the sum over channels of each channel convolved with
	 * its own kernel (a layer's group; a kernel bank is one channel): every band and tile accumulates all channels
	 * before it is stored, so no per-channel image is made, and each image row is copied once for all outputs.
	 *
	 * @param weights per output, per channel, the prepared kernel ({@code kh × kw}, all of the geometry {@code g})
	 * @param outs per output, its plane (row-major, output size)
	 */
	DirectConvolution(List<Plane> channels, List<List<float[]>> weights, ConvolutionGeometry g,
		ConvolutionOptions o, int threads, List<float[]> outs)
	{
		int kw = g.kernelWidth();
		int kh = g.kernelHeight();
		this.g = g;
		this.o = o;
		int outputs = weights.size();
		this.outs = outs.toArray(new float[0][]);
		List<PaddedRows> inputs = new ArrayList<>();
		List<int[]> columnsUsed = new ArrayList<>();
		List<Taps[]> perChannel = new ArrayList<>();
		int mostColumns = 0;
		for (int ch = 0; ch < channels.size(); ch++) {
			int[] slot = columnSlots(weights, ch, kw, kh);
			int[] columns = columns(slot);
			if (columns.length == 0) continue; // every kernel of this channel is all zero: it adds nothing
			Taps[] t = new Taps[outputs];
			for (int n = 0; n < outputs; n++) {
				Taps tp = new Taps(weights.get(n).get(ch), kh, kw, slot);
				t[n] = tp.lastRow < 0 ? null : tp;
			}
			inputs.add(new PaddedRows(channels.get(ch), o.border(), o.cval()));
			columnsUsed.add(columns);
			perChannel.add(t);
			mostColumns = Math.max(mostColumns, columns.length);
		}
		maxColumns = mostColumns;
		rows = inputs.toArray(new PaddedRows[0]);
		usedColumns = columnsUsed.toArray(new int[0][]);
		taps = new Taps[outputs][perChannel.size()];
		lastChannel = new int[outputs];
		floatOnly = new boolean[outputs];
		boolean doubles = false;
		for (int n = 0; n < outputs; n++) {
			int total = 0;
			lastChannel[n] = -1;
			for (int ch = 0; ch < perChannel.size(); ch++) {
				Taps t = perChannel.get(ch)[n];
				taps[n][ch] = t;
				if (t != null) {
					total += t.count;
					lastChannel[n] = ch;
				}
			}
			floatOnly[n] = total <= FLOAT_ONLY_TAPS;
			doubles |= !floatOnly[n];
		}
		anyDouble = doubles;
		int last = 0;
		for (Taps[] t : taps) for (Taps tp : t) if (tp != null) last = Math.max(last, tp.lastRow);
		maxLastRow = last;
		int outW = g.outputWidth();
		int outH = g.outputHeight();
		int perThread = (outH + 4 * threads - 1) / (4 * threads);
		this.bandRows = Math.max(1, Math.min(MAX_BAND_ROWS, perThread));
		this.bands = (outH + bandRows - 1) / bandRows;
		long liveAccumulators = (long) outputs * Math.min(kh, bandRows);
		int tile = (int) Math.min(SHIFTED_BYTES / (4 * Math.max(1, maxColumns)),
			ACCUMULATOR_BYTES / (4 * Math.max(1, liveAccumulators)));
		this.tileWidth = Math.min(outW, Math.max(MIN_TILE, tile / 16 * 16));
		int lastOutRows = outH - (bands - 1) * bandRows;
		fullBandRows = new int[rows.length][];
		lastBandRows = new int[rows.length][];
		for (int ch = 0; ch < rows.length; ch++) {
			fullBandRows[ch] = rowsRead(ch, bandRows, o.strideY(), o.dilationY());
			lastBandRows[ch] = lastOutRows == bandRows ? fullBandRows[ch]
				: rowsRead(ch, lastOutRows, o.strideY(), o.dilationY());
		}
	}

	/**
	 * Per kernel column, its slot among the columns that some output's kernel of channel {@code ch} uses, numbered
	 * in column order as a lone kernel numbers them; -1 where no kernel has a non-zero tap.
	 */
	private static int[] columnSlots(List<List<float[]>> weights, int ch, int kw, int kh) {
		int[] slot = new int[kw];
		Arrays.fill(slot, -1);
		for (List<float[]> w : weights) {
			float[] k = w.get(ch);
			for (int j = 0; j < kw; j++) {
				for (int i = 0; i < kh && slot[j] < 0; i++) if (k[i * kw + j] != 0f) slot[j] = 0;
			}
		}
		for (int j = 0, u = 0; j < kw; j++) if (slot[j] >= 0) slot[j] = u++;
		return slot;
	}

	/** The kernel columns that have a slot, in order. */
	private static int[] columns(int[] slot) {
		int used = 0;
		for (int s : slot) if (s >= 0) used++;
		int[] columns = new int[used];
		for (int j = 0; j < slot.length; j++) if (slot[j] >= 0) columns[slot[j]] = j;
		return columns;
	}

	@Override
	public int units() {
		return bands;
	}

	/**
	 * One band's work arrays: each thread's own (from its {@link Scratch}), set up once per band. The band's
	 * loops are split into small methods ({@link #tile}, {@link #imageRow}, {@link #addTaps}) so that the JIT
	 * compiles each soon and on its own: the one 1,172-byte method they replace was compiled, deoptimised and
	 * recompiled, with on-stack replacement at three of its loop heads, over the first 0.9 s of a run of 256²
	 * calls.
	 */
	private final class Band {
		final int r0, outRows, y0;
		final float[][] shifted;
		final float[] zeros;
		/**
		 * Per output, its accumulator rows: output row {@code q} sums into {@code acc[m][q % ring]}. With one
		 * channel only {@link #ring} output rows take taps at once (an image row feeds rows {@code q} to
		 * {@code q + maxLastRow*dy/sy}), so that many rows are reused down the band and stay in the L2 cache; a
		 * layer adds channel after channel into every row of the band, so it needs one per output row.
		 */
		final float[][][] acc;
		final int ring;
		final double[][][] total;
		/** Taps in {@code acc[m][q]} since it was last assigned. */
		final int[][] summed;
		final int[][] rowsRead;

		Band(int r0, int outRows, Scratch scratch) {
			this.r0 = r0;
			this.outRows = outRows;
			y0 = r0 * o.strideY() - g.anchorY();
			int outputs = outs.length;
			shifted = scratch.rows(0, maxColumns, tileWidth);
			zeros = scratch.zeros(tileWidth);
			acc = new float[outputs][][];
			total = new double[outputs][][];
			ring = rows.length > 1 ? outRows : Math.min(outRows, maxLastRow * o.dilationY() / o.strideY() + 1);
			for (int n = 0; n < outputs; n++) {
				acc[n] = scratch.rows(1 + n, ring, tileWidth);
				if (!floatOnly[n]) total[n] = scratch.doubleRows(n, outRows, tileWidth);
			}
			summed = new int[outputs][outRows];
			rowsRead = outRows == bandRows ? fullBandRows : lastBandRows;
		}
	}

	@Override
	public void compute(int band, Scratch scratch) {
		int outW = g.outputWidth();
		int r0 = band * bandRows;
		int outRows = Math.min(g.outputHeight(), r0 + bandRows) - r0;
		for (int n = 0; n < outs.length; n++) { // an all-zero kernel: every output is 0
			if (lastChannel[n] < 0) Arrays.fill(outs[n], r0 * outW, (r0 + outRows) * outW, 0f);
		}
		if (rows.length == 0) return;
		Band b = new Band(r0, outRows, scratch);
		for (int c0 = 0; c0 < outW; c0 += tileWidth) tile(b, c0, Math.min(tileWidth, outW - c0));
	}

	/** The band's outputs in columns {@code c0 .. c0+n-1}. */
	private void tile(Band b, int c0, int n) {
		for (int[] s : b.summed) Arrays.fill(s, 0);
		if (anyDouble) {
			for (int m = 0; m < outs.length; m++) {
				if (!floatOnly[m]) for (int q = 0; q < b.outRows; q++) Arrays.fill(b.total[m][q], 0, n, 0.0);
			}
		}
		// channels one after the other into the same accumulator rows; a row is final after the last one's
		for (int ch = 0; ch < rows.length; ch++) {
			for (int k : b.rowsRead[ch]) imageRow(b, ch, k, c0, n);
		}
	}

	/**
	 * Band-relative image row {@code k} of channel {@code ch}: copied (shifted) once, then added into every
	 * output row of every output that reads it; output rows whose last kernel row this is are stored.
	 */
	private void imageRow(Band b, int ch, int k, int c0, int n) {
		int sy = o.strideY(), dy = o.dilationY();
		boolean copied = false;
		for (int m = 0; m < outs.length; m++) {
			Taps tp = taps[m][ch];
			if (tp == null) continue;
			int lastRow = tp.lastRow;
			boolean lastOfOutput = ch == lastChannel[m];
			// output rows q reading image row k: k = q*sy + i*dy for a kernel row i. The bound is exclusive: C2
			// compiles a `q <= last` loop with a limit check that failed here, so imageRow was compiled twice
			int qFirst = Math.max(0, (k - lastRow * dy + sy - 1) / sy), qEnd = Math.min(b.outRows, k / sy + 1);
			for (int q = qFirst; q < qEnd; q++) {
				int d = k - q * sy;
				if (d % dy != 0) continue;
				int i = d / dy;
				if (tp.rowWeights[i].length > 0) {
					if (!copied) {
						copy(b, ch, k, c0, n);
						copied = true;
					}
					addTaps(b, m, ch, i, q, n);
				}
				if (lastOfOutput && i == lastRow) {
					finish(outs[m], b.r0 + q, c0, n, b.acc[m][q % b.ring], floatOnly[m] ? null : b.total[m][q]);
				}
			}
		}
	}

	/** The shifted copies of image row {@code k} that the used kernel columns read for this tile. */
	private void copy(Band b, int ch, int k, int c0, int n) {
		int[] columns = usedColumns[ch];
		int x0 = c0 * o.strideX() - g.anchorX(), dx = o.dilationX();
		for (int u = 0; u < columns.length; u++) {
			rows[ch].sample(b.y0 + k, x0 + columns[u] * dx, o.strideX(), n, b.shifted[u]);
		}
	}

	/**
	 * Adds kernel row {@code i} of output {@code m}, channel {@code ch} into output row {@code q}'s accumulator; a
	 * kernel row wider than {@link #FLOAT_ONLY_TAPS} is added in parts, so no float sum grows beyond it.
	 */
	private void addTaps(Band b, int m, int ch, int i, int q, int n) {
		float[] w = taps[m][ch].rowWeights[i];
		int[] slots = taps[m][ch].rowSlots[i];
		int[] sm = b.summed[m];
		float[] aq = b.acc[m][q % b.ring];
		for (int from = 0; from < w.length; from += FLOAT_ONLY_TAPS) {
			int to = Math.min(w.length, from + FLOAT_ONLY_TAPS);
			if (!floatOnly[m] && sm[q] > 0 && sm[q] + to - from > FLOAT_ONLY_TAPS) {
				double[] t = b.total[m][q];
				for (int c = 0; c < n; c++) t[c] += aq[c];
				sm[q] = 0;
			}
			TapSums.add(aq, sm[q] == 0 ? b.zeros : aq, n, b.shifted, slots, w, from, to);
			sm[q] += to - from;
		}
	}

	/**
	 * The band-relative image rows {@code q*sy + i*dy} that the band's {@code outRows} output rows read from
	 * channel {@code ch} through a kernel row {@code i} with a non-zero tap in some output's kernel, ascending,
	 * each once: at most {@code outRows × kh} rows however large the dilation or stride, so the band's work never
	 * grows with them.
	 */
	private int[] rowsRead(int ch, int outRows, int sy, int dy) {
		int size = 0;
		for (Taps[] t : taps) if (t[ch] != null) size += outRows * (t[ch].lastRow + 1);
		int[] k = new int[size];
		int n = 0;
		for (Taps[] t : taps) if (t[ch] != null) n = t[ch].addRowsRead(k, n, outRows, sy, dy);
		Arrays.sort(k, 0, n);
		int distinct = 0;
		for (int t = 0; t < n; t++) if (distinct == 0 || k[t] != k[distinct - 1]) k[distinct++] = k[t];
		return Arrays.copyOf(k, distinct);
	}

	/** Writes output row {@code r}'s tile once its last kernel row is in: the float sum plus any double total. */
	private void finish(float[] out, int r, int c0, int n, float[] acc, double[] total) {
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
