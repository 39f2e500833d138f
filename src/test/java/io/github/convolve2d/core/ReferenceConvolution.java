package io.github.convolve2d.core;


/**
 * SEMANTICS.md written out as plainly as possible, in double precision, for tests to compare every path
 * against: one loop per output pixel and kernel tap, reading pixels outside the image through the border
 * rule. Also computes the per-pixel error bound {@code 1e-5 * F + 1e-6 * M}.
 */
final class ReferenceConvolution {

	/** Reference output ({@code [row][column]}) and, for each output pixel, F = sum |in * K| of its footprint. */
	static final class Result {
		final double[][] out;
		final double[][] footprintAbs;
		/** M = max|in| * sum|K| over the whole image. */
		final double globalScale;

		Result(double[][] out, double[][] footprintAbs, double globalScale) {
			this.out = out;
			this.footprintAbs = footprintAbs;
			this.globalScale = globalScale;
		}

		/** The part of this result over output columns {@code x..x+w-1}, rows {@code y..y+h-1}. */
		Result crop(int x, int y, int w, int h) {
			double[][] o = new double[h][], f = new double[h][];
			for (int r = 0; r < h; r++) {
				o[r] = java.util.Arrays.copyOfRange(out[y + r], x, x + w);
				f[r] = java.util.Arrays.copyOfRange(footprintAbs[y + r], x, x + w);
			}
			return new Result(o, f, globalScale);
		}

		/** SEMANTICS.md's bound for a direct or separable path (first term) or any path (both terms). */
		double bound(int r, int c, boolean withGlobalTerm) {
			return 1e-5 * footprintAbs[r][c] + (withGlobalTerm ? 1e-6 * globalScale : 0) + 1e-30;
		}
	}

	private ReferenceConvolution() {
	}

	static Result convolve(Plane in, Kernel kernel, ConvolutionOptions o) {
		int h = in.height(), w = in.width();
		Kernel k = o.normalize() ? kernel.normalized() : kernel;
		if (o.flip()) k = k.flipped();
		int kh = k.height(), kw = k.width();
		int dy = o.dilationY(), dx = o.dilationX(), sy = o.strideY(), sx = o.strideX();
		int ekh = Math.toIntExact((long) dy * (kh - 1) + 1), ekw = Math.toIntExact((long) dx * (kw - 1) + 1);
		int ay, ax, n1h, n1w;
		switch (o.mode()) {
			case VALID:
				ay = 0;
				ax = 0;
				n1h = h - ekh + 1;
				n1w = w - ekw + 1;
				break;
			case SAME:
				ay = o.flip() ? (ekh - 1) / 2 : ekh / 2;
				ax = o.flip() ? (ekw - 1) / 2 : ekw / 2;
				n1h = h;
				n1w = w;
				break;
			default:
				ay = ekh - 1;
				ax = ekw - 1;
				n1h = h + ekh - 1;
				n1w = w + ekw - 1;
		}
		if (n1h < 1 || n1w < 1) throw new IllegalArgumentException("kernel larger than image in valid mode");
		int oh = (int) ((n1h + (long) sy - 1) / sy), ow = (int) ((n1w + (long) sx - 1) / sx);
		double[][] out = new double[oh][ow];
		double[][] f = new double[oh][ow];
		double maxIn = 0;
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) maxIn = Math.max(maxIn, Math.abs(in.get(x, y)));
		// valid mode never reads outside the image: cval is not part of its M
		if (o.border() == Border.CONSTANT && o.mode() != Mode.VALID) maxIn = Math.max(maxIn, Math.abs((float) o.cval()));
		for (int r = 0; r < oh; r++) {
			for (int c = 0; c < ow; c++) {
				double sum = 0, abs = 0;
				for (int i = 0; i < kh; i++) {
					for (int j = 0; j < kw; j++) {
						double kv = k.get(i, j);
						if (kv == 0) continue; // zero taps are not part of the footprint
						double v = pixel(in, r * sy + i * dy - ay, c * sx + j * dx - ax, o);
						sum += v * kv;
						abs += Math.abs(v * kv);
					}
				}
				out[r][c] = sum;
				f[r][c] = abs;
			}
		}
		return new Result(out, f, maxIn * k.absSum());
	}

	/** The input pixel at (y, x), any integers, under the border rule of SEMANTICS.md. */
	static double pixel(Plane in, int y, int x, ConvolutionOptions o) {
		int h = in.height(), w = in.width();
		if (y >= 0 && y < h && x >= 0 && x < w) return in.get(x, y);
		switch (o.border()) {
			case CONSTANT:
				return (float) o.cval();
			case REPLICATE:
				return in.get(Math.min(w - 1, Math.max(0, x)), Math.min(h - 1, Math.max(0, y)));
			case WRAP:
				return in.get(((x % w) + w) % w, ((y % h) + h) % h);
			case REFLECT:
				return in.get(reflect(x, w), reflect(y, h));
			default:
				return in.get(mirror(x, w), mirror(y, h));
		}
	}

	/**
	 * Symmetric reflection (edge repeated), by walking back and forth: a b c d | d c b a | a b c d ...; the
	 * pattern repeats every 2n pixels, so a far coordinate is first moved by whole periods (any dilation).
	 */
	private static int reflect(int i, int n) {
		i = (int) (((long) i % (2L * n) + 2L * n) % (2L * n));
		while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
		return i;
	}

	/** Mirror without repeating the edge: a b c d | c b a | b c d ...; a single pixel repeats. */
	private static int mirror(int i, int n) {
		if (n == 1) return 0;
		i = (int) (((long) i % (2L * n - 2) + 2L * n - 2) % (2L * n - 2)); // period 2n-2
		while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
		return i;
	}
}
