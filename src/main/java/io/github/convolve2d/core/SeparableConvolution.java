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
		this.ring = g.extentY() + o.strideY();
		int outH = g.outputHeight();
		this.bandRows = Math.max(1, (outH + 4 * threads - 1) / (4 * threads));
		this.bands = (outH + bandRows - 1) / bandRows;
	}

	static UserException notSeparable(ConvolutionGeometry g) {
		return new UserException("method=separable needs a separable kernel (one column times one row, "
			+ "rank 1), but this " + g.kernelWidth() + "×" + g.kernelHeight()
			+ " kernel is not; use method=auto, direct or fft");
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
		int done = 0; // band-relative input rows below this are in the ring (or not needed)
		for (int r = r0; r < r1; r++) {
			int first = (r - r0) * sy;
			int end = first + g.extentY();
			for (int k = Math.max(done, first); k < end; k++) {
				if (!read(k, r - r0, r1 - r0, sy, dy)) continue;
				for (int t = 0; t < nh; t++) rows.sample(y0 + k, x0 + hColumn[t] * dx, sx, outW, shifted[t]);
				TapSums.sum(h[k % ring], outW, shifted, hWeight, FLOAT_TAPS, scratch);
			}
			done = end;
			for (int t = 0; t < nv; t++) column[t] = h[(first + vTap[t] * dy) % ring];
			TapSums.sum(acc, outW, column, vWeight, FLOAT_TAPS, scratch);
			System.arraycopy(acc, 0, out, r * outW, outW);
		}
	}

	/** Whether a vertical tap of some output row {@code q in [from, to)} (band-relative) reads row {@code k}. */
	private boolean read(int k, int from, int to, int sy, int dy) {
		for (int i : vTap) {
			int rest = k - i * dy;
			if (rest >= 0 && rest % sy == 0 && rest / sy >= from && rest / sy < to) return true;
		}
		return false;
	}
}
