package io.github.convolve2d.core;

import org.jtransforms.fft.DoubleFFT_1D;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The FFT path, for large kernels: overlap-save over tiles of the border-padded image ({@link FftPlan}), in
 * double precision, with JTransforms' 1-D complex FFTs along rows and columns.
 * <p>
 * Exactness: each tile is read through the border rule, so every border mode gives SEMANTICS.md's result, not a
 * periodic one. Two real tiles travel in one complex transform (one as the real part, one as the imaginary
 * part): the kernel is real, so its spectrum maps each part to its own correlation. The image tile's transform
 * is computed once and reused for every kernel of the bank. Only the kept output rows are inverse-transformed
 * along rows, so stride saves part of the work.
 * <p>
 * Several input channels (a layer's group): each output is the sum over the channels of each channel
 * correlated with its own kernel. Each channel's tile is transformed once, and each output multiplies and adds
 * the channels' spectra with its kernels' in the frequency domain before its one inverse transform.
 * <p>
 * NaN and infinity: a non-finite pixel would spread over the whole tile through the transform, so tiles are
 * transformed with non-finite pixels replaced by 0, and every output whose footprint (non-zero taps) holds a
 * non-finite pixel is then recomputed directly ({@link DirectConvolution#pixel}); NaN stays local.
 * <p>
 * Precision: double transforms of at most {@value FftPlan#MAX_TILE}² values add an error near
 * {@code 1e-15 * M}, far inside SEMANTICS.md's {@code 1e-6 * M}; the rounding to float adds {@code 2^-24 * F}.
 */
final class FftConvolution implements ConvolutionPath {

	private static final int COLUMN_BLOCK = 8;

	private final List<Plane> channels;
	/** Per output, per channel: the prepared kernel (null where it is all zero). */
	private final float[][][] weights;
	private final List<float[]> outputs;
	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	private final FftPlan plan;
	private final PaddedRows[] rows;
	private final int n1h, n1w;
	/** Per output, per channel: the kernel's spectrum (null for an all-zero kernel). */
	private final double[][][] spectra;
	/** Per output: the row/column offsets of the taps that are non-zero in any channel's kernel. */
	private final int[][] tapRow, tapColumn;

	/**
	 * A bank: one image, one output per kernel.
	 *
	 * @param weights prepared kernels (flipped and normalised as asked), all of the geometry {@code g}
	 * @param outputs one output plane per kernel
	 */
	FftConvolution(Plane image, List<float[]> weights, ConvolutionGeometry g, ConvolutionOptions o, FftPlan plan,
		List<float[]> outputs)
	{
		this(Collections.singletonList(image), perOutput(weights), g, o, plan, outputs);
	}

	private static List<List<float[]>> perOutput(List<float[]> weights) {
		List<List<float[]>> w = new ArrayList<>();
		for (float[] k : weights) w.add(Collections.singletonList(k));
		return w;
	}

	/**
	 * Channels summed into each output.
	 *
	 * @param weights per output, per channel, the prepared kernel, all of the geometry {@code g}
	 * @param outputs one output plane per output
	 */
	FftConvolution(List<Plane> channels, List<List<float[]>> weights, ConvolutionGeometry g, ConvolutionOptions o,
		FftPlan plan, List<float[]> outputs)
	{
		this.channels = channels;
		this.outputs = outputs;
		this.g = g;
		this.o = o;
		this.plan = plan;
		this.n1h = (g.outputHeight() - 1) * o.strideY() + 1; // stride-1 outputs up to the last kept one
		this.n1w = (g.outputWidth() - 1) * o.strideX() + 1;
		this.rows = new PaddedRows[channels.size()];
		for (int ch = 0; ch < rows.length; ch++) rows[ch] = new PaddedRows(channels.get(ch), o.border(), o.cval());
		int outs = weights.size(), kw = g.kernelWidth(), kh = g.kernelHeight();
		this.weights = new float[outs][channels.size()][];
		this.spectra = new double[outs][channels.size()][];
		this.tapRow = new int[outs][];
		this.tapColumn = new int[outs][];
		for (int k = 0; k < outs; k++) {
			boolean[] any = new boolean[kh * kw];
			int n = 0;
			for (int ch = 0; ch < rows.length; ch++) {
				float[] w = weights.get(k).get(ch);
				boolean nonZero = false;
				for (int idx = 0; idx < w.length; idx++) {
					if (w[idx] == 0) continue;
					nonZero = true;
					if (!any[idx]) n++;
					any[idx] = true;
				}
				if (nonZero) this.weights[k][ch] = w;
			}
			tapRow[k] = new int[n];
			tapColumn[k] = new int[n];
			for (int t = 0, idx = 0; idx < any.length; idx++) {
				if (!any[idx]) continue;
				tapRow[k][t] = (idx / kw) * o.dilationY();
				tapColumn[k][t++] = (idx % kw) * o.dilationX();
			}
		}
	}

	/**
	 * The plan for this geometry and bank: its work buffers may take four times the image's bytes (at least
	 * 8 MB, so that small images still get efficient tiles).
	 */
	static FftPlan plan(ConvolutionGeometry g, ConvolutionOptions o, int kernels, int maxTile) {
		return plan(g, o, kernels, 1, maxTile);
	}

	/** The plan for {@code outputs} outputs each summing {@code channels} channels (a layer's group). */
	static FftPlan plan(ConvolutionGeometry g, ConvolutionOptions o, int outputs, int channels, int maxTile) {
		int n1h = (g.outputHeight() - 1) * o.strideY() + 1;
		int n1w = (g.outputWidth() - 1) * o.strideX() + 1;
		long budget = Math.max(4L * 4 * channels * g.imageWidth() * g.imageHeight(), 8L << 20);
		return FftPlan.choose(n1h, n1w, g.extentY(), g.extentX(), outputs, channels, o.threads(), budget, maxTile);
	}

	/** Transforms the kernels; done once, before the tiles (not thread-safe, call from one thread). */
	void prepare() {
		int th = plan.tileHeight, tw = plan.tileWidth;
		DoubleFFT_1D fftX = new DoubleFFT_1D(tw), fftY = new DoubleFFT_1D(th);
		double[] columns = new double[COLUMN_BLOCK * 2 * th];
		int kw = g.kernelWidth();
		for (int k = 0; k < weights.length; k++) {
			for (int ch = 0; ch < rows.length; ch++) {
				float[] w = weights[k][ch];
				if (w == null) continue;
				double[] s = new double[2 * th * tw];
				boolean[] rowUsed = new boolean[th];
				for (int idx = 0; idx < w.length; idx++) {
					if (w[idx] == 0) continue;
					// correlation: tap (a, b) goes to (-a mod th, -b mod tw), so that the circular convolution of a
					// tile with s reads tile[m + a][n + b]
					int a = (idx / kw) * o.dilationY(), b = (idx % kw) * o.dilationX();
					int y = Math.floorMod(-a, th), x = Math.floorMod(-b, tw);
					s[2 * (y * tw + x)] = w[idx];
					rowUsed[y] = true;
				}
				for (int y = 0; y < th; y++) if (rowUsed[y]) fftX.complexForward(s, 2 * y * tw);
				columnTransforms(s, fftY, columns, true);
				spectra[k][ch] = s;
			}
		}
	}

	@Override
	public int units() {
		return (plan.tiles() + 1) / 2;
	}

	@Override
	public void compute(int unit, Scratch scratch) {
		int th = plan.tileHeight, tw = plan.tileWidth;
		DoubleFFT_1D fftX = new DoubleFFT_1D(tw), fftY = new DoubleFFT_1D(th);
		double[] product = scratch.doubles(1, 2 * th * tw);
		double[] columns = scratch.doubles(2, COLUMN_BLOCK * 2 * th);
		float[] row = scratch.floats(0, tw);
		int tileA = 2 * unit, tileB = 2 * unit + 1;
		boolean hasB = tileB < plan.tiles();
		NonFinite bad = new NonFinite();
		double[][] data = new double[rows.length][];
		for (int ch = 0; ch < rows.length; ch++) {
			double[] d = data[ch] = scratch.doubles(ch == 0 ? 0 : 2 + ch, 2 * th * tw);
			fillTile(tileA, rows[ch], d, 0, row, bad, 0);
			if (hasB) fillTile(tileB, rows[ch], d, 1, row, bad, 1);
			else for (int i = 1; i < 2 * th * tw; i += 2) d[i] = 0;
			for (int y = 0; y < th; y++) fftX.complexForward(d, 2 * y * tw);
			columnTransforms(d, fftY, columns, true);
		}

		double scale = 1.0 / ((double) th * tw);
		for (int k = 0; k < spectra.length; k++) {
			Arrays.fill(product, 0, 2 * th * tw, 0.0);
			for (int ch = 0; ch < rows.length; ch++) {
				double[] s = spectra[k][ch], d = data[ch];
				if (s == null) continue;
				for (int i = 0; i < 2 * th * tw; i += 2) {
					double re = d[i], im = d[i + 1], sr = s[i], si = s[i + 1];
					product[i] += re * sr - im * si;
					product[i + 1] += re * si + im * sr;
				}
			}
			columnTransforms(product, fftY, columns, false);
			for (int y = 0; y < plan.blockHeight; y++) {
				if (keptRow(tileA, y) || hasB && keptRow(tileB, y)) fftX.complexInverse(product, 2 * y * tw, false);
			}
			float[] out = outputs.get(k);
			store(tileA, product, 0, out, scale);
			if (hasB) store(tileB, product, 1, out, scale);
			if (bad.count > 0) {
				repair(tileA, bad, 0, k, out, scratch);
				if (hasB) repair(tileB, bad, 1, k, out, scratch);
			}
		}
	}

	/** Non-finite pixels of the two tiles of a unit, as tile-relative indices {@code y * tileWidth + x}. */
	private static final class NonFinite {
		int count;
		int[][] at = { new int[0], new int[0] };
		int[] n = new int[2];

		void add(int part, int index) {
			if (n[part] == at[part].length) at[part] = Arrays.copyOf(at[part], Math.max(16, 2 * n[part]));
			at[part][n[part]++] = index;
			count++;
		}
	}

	/** Input row/column of tile pixel (0, 0): the first stride-1 output of the block minus the anchor. */
	private int tileY0(int tile) {
		return (tile / plan.tilesX) * plan.blockHeight - g.anchorY();
	}

	private int tileX0(int tile) {
		return (tile % plan.tilesX) * plan.blockWidth - g.anchorX();
	}

	/**
	 * The tile's pixels that its kept outputs read, through the border rule, and 0 past them: the last tiles reach
	 * beyond the last output's footprint, where a made-up pixel (a large {@code cval} in valid mode, which never
	 * reads outside the image) would only add its rounding error to every output of the tile.
	 */
	private void fillTile(int tile, PaddedRows rows, double[] data, int part, float[] row, NonFinite bad, int which) {
		int th = plan.tileHeight, tw = plan.tileWidth;
		int y0 = tileY0(tile), x0 = tileX0(tile);
		int r0 = (tile / plan.tilesX) * plan.blockHeight, c0 = (tile % plan.tilesX) * plan.blockWidth;
		int readRows = Math.min(th, n1h - r0 + g.extentY() - 1), readColumns = Math.min(tw, n1w - c0 + g.extentX() - 1);
		for (int y = 0; y < th; y++) {
			int base = 2 * y * tw + part;
			if (y >= readRows) {
				for (int x = 0; x < tw; x++) data[base + 2 * x] = 0;
				continue;
			}
			rows.fill(y0 + y, x0, readColumns, row, 0);
			for (int x = readColumns; x < tw; x++) data[base + 2 * x] = 0;
			for (int x = 0; x < readColumns; x++) {
				float v = row[x];
				if (Float.isFinite(v)) data[base + 2 * x] = v;
				else {
					data[base + 2 * x] = 0;
					bad.add(which, y * tw + x);
				}
			}
		}
	}

	/** Whether row {@code y} of a tile's block is a kept output row (inside the output, on the stride). */
	private boolean keptRow(int tile, int y) {
		int big = (tile / plan.tilesX) * plan.blockHeight + y;
		return big < n1h && big % o.strideY() == 0;
	}

	/**
	 * Writes a tile's block (the real or imaginary part of the inverse transform, kept rows and columns only:
	 * stride-1 output {@code (R, C)} is output {@code (R/sy, C/sx)}) to the output.
	 */
	private void store(int tile, double[] product, int part, float[] out, double scale) {
		int tw = plan.tileWidth;
		int sy = o.strideY(), sx = o.strideX(), outW = g.outputWidth();
		int r0 = (tile / plan.tilesX) * plan.blockHeight, c0 = (tile % plan.tilesX) * plan.blockWidth;
		int rEnd = Math.min(n1h, r0 + plan.blockHeight), cEnd = Math.min(n1w, c0 + plan.blockWidth);
		int cFirst = ((c0 + sx - 1) / sx) * sx;
		for (int big = ((r0 + sy - 1) / sy) * sy; big < rEnd; big += sy) {
			int y = big - r0;
			int outRow = (big / sy) * outW;
			int from = 2 * (y * tw - c0) + part; // product index of stride-1 column c: from + 2c
			// no division per pixel: the output column advances by one as c advances by sx
			for (int c = cFirst, at = outRow + cFirst / sx; c < cEnd; c += sx, at++) {
				out[at] = (float) (product[from + 2 * c] * scale);
			}
		}
	}

	/** Recomputes directly the outputs of a tile's block whose footprint holds a non-finite pixel. */
	private void repair(int tile, NonFinite bad, int which, int kernel, float[] out, Scratch scratch) {
		int tw = plan.tileWidth, bh = plan.blockHeight, bw = plan.blockWidth;
		int sy = o.strideY(), sx = o.strideX(), outW = g.outputWidth();
		int r0 = (tile / plan.tilesX) * bh, c0 = (tile % plan.tilesX) * bw;
		float[] mask = scratch.floats(1, bh * bw);
		Arrays.fill(mask, 0, bh * bw, 0f);
		int[] rowsOf = tapRow[kernel], colsOf = tapColumn[kernel];
		for (int b = 0; b < bad.n[which]; b++) {
			int y = bad.at[which][b] / tw, x = bad.at[which][b] % tw;
			for (int t = 0; t < rowsOf.length; t++) {
				int m = y - rowsOf[t], n = x - colsOf[t];
				if (m < 0 || m >= bh || n < 0 || n >= bw) continue;
				int big = r0 + m, bigC = c0 + n;
				if (big >= n1h || bigC >= n1w || big % sy != 0 || bigC % sx != 0) continue;
				mask[m * bw + n] = 1f;
			}
		}
		List<float[]> w = new ArrayList<>();
		List<Plane> used = new ArrayList<>();
		for (int ch = 0; ch < rows.length; ch++) {
			if (weights[kernel][ch] == null) continue;
			w.add(weights[kernel][ch]);
			used.add(channels.get(ch));
		}
		for (int m = 0; m < bh; m++) {
			for (int n = 0; n < bw; n++) {
				if (mask[m * bw + n] == 0f) continue;
				int r = (r0 + m) / sy, c = (c0 + n) / sx;
				out[r * outW + c] = DirectConvolution.pixel(used, w, g, o, r, c);
			}
		}
	}

	/** Forward or inverse transforms of every column, a block of columns at a time (gathered contiguously). */
	private void columnTransforms(double[] a, DoubleFFT_1D fftY, double[] columns, boolean forward) {
		int th = plan.tileHeight, tw = plan.tileWidth;
		for (int x0 = 0; x0 < tw; x0 += COLUMN_BLOCK) {
			int nb = Math.min(COLUMN_BLOCK, tw - x0);
			for (int y = 0; y < th; y++) {
				int src = 2 * (y * tw + x0);
				for (int b = 0; b < nb; b++) {
					columns[b * 2 * th + 2 * y] = a[src + 2 * b];
					columns[b * 2 * th + 2 * y + 1] = a[src + 2 * b + 1];
				}
			}
			for (int b = 0; b < nb; b++) {
				if (forward) fftY.complexForward(columns, b * 2 * th);
				else fftY.complexInverse(columns, b * 2 * th, false);
			}
			for (int y = 0; y < th; y++) {
				int dst = 2 * (y * tw + x0);
				for (int b = 0; b < nb; b++) {
					a[dst + 2 * b] = columns[b * 2 * th + 2 * y];
					a[dst + 2 * b + 1] = columns[b * 2 * th + 2 * y + 1];
				}
			}
		}
	}
}
