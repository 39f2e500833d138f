package io.github.convolve2d.core;

/**
 * The separable path, for kernels of rank 1 ({@link Separation}): a horizontal 1-D pass over each input row
 * the band needs, then a vertical 1-D pass over those intermediate rows, so an output costs
 * {@code kw + kh} multiply-adds instead of {@code kw * kh}.
 * <p>
 * A band of output rows keeps a ring of the {@code extentY + strideY} most recent intermediate rows (each
 * input row is filtered once per band, never per output row), sized to stay in cache. Stride and dilation
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
	private final int[] hOffset;
	private final int[] vTap; // kernel row index of each non-zero vertical weight
	private final int bandRows, bands, ring;
	private final float[] out;

	/**
	 * @param out the output plane (row-major, output size)
	 * @throws IllegalArgumentException when the kernel is not separable
	 */
	SeparableConvolution(Plane image, float[] weights, ConvolutionGeometry g, ConvolutionOptions o, int threads,
		float[] out)
	{
		Separation s = Separation.of(weights, g.kernelHeight(), g.kernelWidth());
		if (s == null) throw notSeparable(g);
		this.g = g;
		this.o = o;
		this.out = out;
		int paddedWidth = (g.outputWidth() - 1) * o.strideX() + g.extentX();
		this.rows = new PaddedRows(image, o.border(), o.cval(), -g.anchorX(), paddedWidth);
		int nh = 0, nv = 0;
		for (float w : s.row) if (w != 0) nh++;
		for (float w : s.column) if (w != 0) nv++;
		hWeight = new float[nh];
		hOffset = new int[nh];
		for (int j = 0, t = 0; j < s.row.length; j++) {
			if (s.row[j] == 0) continue;
			hWeight[t] = s.row[j];
			hOffset[t++] = j * o.dilationX();
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

	static IllegalArgumentException notSeparable(ConvolutionGeometry g) {
		return new IllegalArgumentException("method=separable needs a separable kernel (one column times one row, "
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
		float[] padded = scratch.floats(0, rows.paddedWidth());
		float[] h = scratch.floats(1, ring * outW);
		int[] vOffset = new int[vWeight.length];
		int done = 0; // band-relative input rows below this are in the ring (or not needed)
		int nv = vWeight.length;
		for (int r = r0; r < r1; r++) {
			int first = (r - r0) * sy;
			int end = first + g.extentY();
			for (int k = Math.max(done, first); k < end; k++) {
				if (!read(k, r - r0, r1 - r0, sy, dy)) continue;
				rows.fill(y0 + k, padded, 0);
				TapSums.sum(h, (k % ring) * outW, outW, padded, 0, o.strideX(), hOffset, hWeight, FLOAT_TAPS, scratch);
			}
			done = end;
			for (int t = 0; t < nv; t++) vOffset[t] = ((first + vTap[t] * dy) % ring) * outW;
			TapSums.sum(out, r * outW, outW, h, 0, 1, vOffset, vWeight, FLOAT_TAPS, scratch);
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
