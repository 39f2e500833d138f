package io.github.convolve2d.core;


import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Random cases and the SEMANTICS.md comparison shared by the path tests. */
final class PathCases {

	private PathCases() {
	}

	/** SEMANTICS.md's M over the finite pixels: max|in| (and |cval| for constant outside valid mode) times sum|K|. */
	static double finiteGlobalScale(Plane image, Kernel k, ConvolutionOptions o) {
		double max = o.border() == Border.CONSTANT && o.mode() != Mode.VALID ? Math.abs((float) o.cval()) : 0;
		for (float v : image.pixels()) if (Float.isFinite(v)) max = Math.max(max, Math.abs(v));
		return max * (o.normalize() ? k.normalized() : k).absSum();
	}

	static Plane randomImage(Random rnd, int w, int h) {
		float[] p = new float[w * h];
		for (int i = 0; i < p.length; i++) {
			// mixed magnitudes: dim pixels beside bright ones are where errors show
			p[i] = (float) ((rnd.nextDouble() - 0.3) * (rnd.nextInt(4) == 0 ? 1000 : 1));
		}
		return Plane.wrap(w, h, p);
	}

	/** Random values with some exact zeros (zero taps are outside the footprint). */
	static Kernel randomKernel(Random rnd, int kw, int kh) {
		double[] v = new double[kw * kh];
		for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(6) == 0 ? 0 : rnd.nextGaussian();
		return Kernel.of("random", kw, kh, v);
	}

	/** A kernel that {@code method} can take: rank 1 for the separable path ({@link #separableKernel}), else random. */
	static Kernel kernelFor(Random rnd, Method method, int kw, int kh) {
		return method == Method.SEPARABLE ? separableKernel(rnd, kw, kh) : randomKernel(rnd, kw, kh);
	}

	/** A rank-1 kernel: a random column times a random row (with some zero factors). */
	static Kernel separableKernel(Random rnd, int kw, int kh) {
		double[] col = new double[kh], row = new double[kw];
		for (int i = 0; i < kh; i++) col[i] = rnd.nextInt(5) == 0 && kh > 1 ? 0 : rnd.nextGaussian();
		for (int j = 0; j < kw; j++) row[j] = rnd.nextInt(5) == 0 && kw > 1 ? 0 : rnd.nextGaussian();
		if (allZero(col)) col[0] = 1;
		if (allZero(row)) row[kw - 1] = -2;
		double[] v = new double[kw * kh];
		for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) v[i * kw + j] = col[i] * row[j];
		return Kernel.of("separable", kw, kh, v);
	}

	private static boolean allZero(double[] a) {
		for (double d : a) if (d != 0) return false;
		return true;
	}

	/** Random options (mode, border, cval, stride, dilation, flip, normalize) that fit the image. */
	static ConvolutionOptions randomOptions(Random rnd, Method method, int w, int h, int kw, int kh) {
		ConvolutionOptions.Builder b = ConvolutionOptions.builder().method(method).threads(1 + rnd.nextInt(2));
		b.border(Border.values()[rnd.nextInt(Border.values().length)]).cval(rnd.nextInt(3) == 0 ? 2.5 : 0);
		b.stride(1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0), 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0));
		int dy = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0), dx = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0);
		b.dilation(dy, dx).flip(rnd.nextBoolean()).normalize(rnd.nextInt(4) == 0);
		Mode mode = Mode.values()[rnd.nextInt(3)];
		if (mode == Mode.VALID && (dy * (kh - 1) + 1 > h || dx * (kw - 1) + 1 > w)) mode = Mode.SAME;
		return b.mode(mode).build();
	}

	/**
	 * Asserts {@code got} equals the reference within SEMANTICS.md's bound (first term alone unless
	 * {@code globalTerm}); non-finite reference values must be matched exactly (NaN by NaN).
	 */
	static void assertWithinBound(ReferenceConvolution.Result ref, Plane got, boolean globalTerm, String what) {
		assertWithinBound(ref, got, globalTerm ? ref.globalScale : 0, what);
	}

	/**
	 * As above with the global term {@code 1e-6 * globalScale} given: with non-finite pixels in the input the
	 * reference's M is not finite, and the test passes M over the finite pixels instead.
	 */
	static void assertWithinBound(ReferenceConvolution.Result ref, Plane got, double globalScale, String what) {
		assertEquals(ref.out.length, got.height(), what + ": output height");
		assertEquals(ref.out[0].length, got.width(), what + ": output width");
		for (int r = 0; r < got.height(); r++) {
			for (int c = 0; c < got.width(); c++) {
				double e = ref.out[r][c];
				float v = got.get(c, r);
				if (Double.isNaN(e) || Double.isInfinite(e)) {
					if (!(Double.isNaN(e) ? Float.isNaN(v) : v == e)) {
						fail(what + " at (" + r + "," + c + "): expected " + e + " got " + v);
					}
					continue;
				}
				double bound = ref.bound(r, c, false) + 1e-6 * globalScale;
				if (!(Math.abs(v - e) <= bound)) {
					fail(what + " at (" + r + "," + c + "): expected " + e + " got " + v + ", |diff| " + Math.abs(v - e)
						+ " > bound " + bound);
				}
			}
		}
	}
}
