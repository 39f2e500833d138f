package io.github.convolve2d.core;

/**
 * The separable path, for kernels of rank 1 ({@link Separation}): a horizontal 1-D pass over each input row
 * the band needs, then a vertical 1-D pass over those intermediate rows, so an output costs
 * {@code kw + kh} multiply-adds instead of {@code kw * kh}.
 * <p>
 * A band of output rows keeps a ring of the {@code extentY + strideY} most recent intermediate rows (each
 * input row is filtered once per band, never per output row), sized to stay in cache. Both passes sum whole
 * row arrays read at the same index ({@link TapSums}), so the JIT vectorises them: the horizontal pass reads
 * shifted copies of the input row, one per tap, made with the border rule applied. Stride and dilation
 * are honoured without computing discarded outputs: the horizontal pass produces only the kept columns and
 * the ring only the rows the vertical taps read. Zero factors are skipped, so the footprint (and NaN/infinity
 * locality) is exactly the direct path's.
 * <p>
 * Precision: each pass sums at most {@value #FLOAT_TAPS} taps in float (longer passes sum chunks in
 * double), so rounding stays below {@code (2 * 66) * 2^-24 * F < 8e-6 * F}, plus at most {@code 1e-6 * F} from
 * the factorisation: within SEMANTICS.md's {@code 1e-5 * F}.
 */
final class SeparableConvolution implements ConvolutionPath {

	static final int FLOAT_TAPS = 64;

	private final ConvolutionGeometry g;
	private final ConvolutionOptions o;
	private final PaddedRows rows;
	private final float[] hWeight, vWeight;
	private final int[] hColumn; // kernel column index of each non-zero horizontal weight
	private final int[] vTap; // kernel row index of each non-zero vertical weight
	private final int bandRows, bands, ring;
	private final float[] out;

	/**
	 * @param out the output plane (row-major, output size)
	 * @throws UserException when the kernel is not separable
	 */
	SeparableConvolution(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int threads,
		float[] out)
	{
		Separation s = Separation.of(weights, g.kernelHeight(), g.kernelWidth());
		if (s == null) throw notSeparable(g);
		this.g = g;
		this.o = o;
		this.out = out;
		this.rows = new PaddedRows(image, o.border(), o.cval());
		int nh = 0, nv = 0;
		for (float w : s.row) if (w != 0) nh++;
		for (float w : s.column) if (w != 0) nv++;
		hWeight = new float[nh];
		hColumn = new int[nh];
		for (int j = 0, t = 0; j < s.row.length; j++) {
			if (s.row[j] == 0) continue;
			hWeight[t] = s.row[j];
			hColumn[t++] = j;
		}
		vWeight = new float[nv];
		vTap = new int[nv];
		for (int i = 0, t = 0; i < s.column.length; i++) {
			if (s.column[i] == 0) continue;
			vWeight[t] = s.column[i];
			vTap[t++] = i;
		}
		int outH = g.outputHeight();
		int rows = Math.max(1, (outH + 4 * threads - 1) / (4 * threads));
		// a large dilation spreads the rows a band reads apart: fewer output rows per band keep the ring small
		while (rows > 1 && (long) ringRows(rows) * g.outputWidth() > RING_FLOATS) rows = (rows + 1) / 2;
		this.bandRows = rows;
		this.ring = ringRows(rows);
		this.bands = (outH + bandRows - 1) / bandRows;
	}

	/** Most floats the ring of intermediate rows may hold before bands get fewer rows (16 MB). */
	private static final long RING_FLOATS = 4L << 20;

	/**
	 * The band-relative input rows {@code q*sy + i*dy} that output rows {@code q < outRows} read through a
	 * non-zero vertical tap {@code i}, ascending, each once: at most {@code outRows × kh} rows whatever the
	 * dilation or stride.
	 */
	private int[] rowsRead(int outRows) {
		int sy = o.strideY(), dy = o.dilationY();
		int[] k = new int[outRows * vTap.length];
		int n = 0;
		for (int i : vTap) for (int q = 0; q < outRows; q++) k[n++] = q * sy + i * dy;
		java.util.Arrays.sort(k, 0, n);
		int distinct = 0;
		for (int t = 0; t < n; t++) if (distinct == 0 || k[t] != k[distinct - 1]) k[distinct++] = k[t];
		return java.util.Arrays.copyOf(k, distinct);
	}

	/**
	 * Intermediate rows that must be held at once for bands of {@code outRows} output rows: output row {@code q}
	 * needs the rows read in {@code [q*sy, q*sy + extentY)}, which are consecutive in {@link #rowsRead}, so a
	 * ring indexed by position in that list needs the most of them in any such window (at most
	 * {@code extentY}, and at most {@code outRows × kh}).
	 */
	private int ringRows(int outRows) {
		int[] k = rowsRead(outRows);
		int most = 1, from = 0;
		long span = g.extentY();
		for (int q = 0; q < outRows; q++) {
			long start = (long) q * o.strideY();
			while (from < k.length && k[from] < start) from++;
			int to = from;
			while (to < k.length && k[to] < start + span) to++;
			most = Math.max(most, to - from);
		}
		return most;
	}

	static UserException notSeparable(ConvolutionGeometry g) {
		return notSeparable(g.kernelWidth(), g.kernelHeight());
	}

	static UserException notSeparable(int kernelWidth, int kernelHeight) {
		return new UserException("method=separable needs a separable kernel (one column times one row, "
			+ "rank 1), but this " + kernelWidth + "×" + kernelHeight + " kernel is not; use method=auto, direct or fft");
	}

	@Override
	public int units() {
		return bands;
	}

	@Override
	public void compute(int band, Scratch scratch) {
		int outW = g.outputWidth();
		int sy = o.strideY(), dy = o.dilationY();
		int r0 = band * bandRows;
		int r1 = Math.min(g.outputHeight(), r0 + bandRows);
		int y0 = r0 * sy - g.anchorY();
		int sx = o.strideX(), dx = o.dilationX(), x0 = -g.anchorX();
		int nh = hWeight.length, nv = vWeight.length;
		float[][] shifted = scratch.rows(0, Math.max(1, nh), outW);
		float[][] h = scratch.rows(1, ring, outW);
		float[][] column = new float[nv][];
		float[] acc = scratch.floats(0, outW);
		int[] read = rowsRead(r1 - r0); // band-relative input rows; the one at position p lives in h[p % ring]
		int done = 0; // positions below this are in the ring (or no longer needed)
		for (int r = r0; r < r1; r++) {
			int first = (r - r0) * sy;
			long end = (long) first + g.extentY();
			for (; done < read.length && read[done] < end; done++) {
				int k = read[done];
				for (int t = 0; t < nh; t++) rows.sample(y0 + k, x0 + hColumn[t] * dx, sx, outW, shifted[t]);
				TapSums.sum(h[done % ring], outW, shifted, hWeight, FLOAT_TAPS, scratch);
			}
			for (int t = 0; t < nv; t++) {
				column[t] = h[java.util.Arrays.binarySearch(read, 0, done, first + vTap[t] * dy) % ring];
			}
			TapSums.sum(acc, outW, column, vWeight, FLOAT_TAPS, scratch);
			System.arraycopy(acc, 0, out, r * outW, outW);
		}
	}
}
