package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The core against {@link ReferenceConvolution} on thousands of random cases: every mode × border × stride
 * 1..3 × dilation 1..3 × flip × normalize, image sizes 1..40, kernels 1..9 (even, odd, rectangular, with zero
 * taps), random per-axis stride/dilation, constants and thread counts. Each output pixel must be within
 * SEMANTICS.md's bound {@code 1e-5 * F}; a failure prints the case so it can be replayed.
 */
class RandomAgreementTest {

	private static final int CASES_PER_COMBINATION = 6;

	@Test
	void coreAgreesWithReferenceOnRandomCases() {
		Random rnd = new Random(20261124);
		int cases = 0, validTooLarge = 0;
		List<String> failures = new ArrayList<>();
		for (Mode mode : Mode.values()) {
			for (Border border : Border.values()) {
				for (int stride = 1; stride <= 3; stride++) {
					for (int dilation = 1; dilation <= 3; dilation++) {
						for (int flags = 0; flags < 4; flags++) {
							for (int rep = 0; rep < CASES_PER_COMBINATION; rep++) {
								long seed = rnd.nextLong();
								String problem = runCase(seed, mode, border, stride, dilation, (flags & 1) != 0,
									(flags & 2) != 0);
								if (problem == null) cases++;
								else if (problem.isEmpty()) validTooLarge++;
								else failures.add(problem);
							}
						}
					}
				}
			}
		}
		if (!failures.isEmpty()) {
			fail(failures.size() + " cases disagree with the reference, e.g.:\n"
				+ String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
		}
		assertTrue(cases >= 2000, "only " + cases + " cases were compared");
		assertTrue(validTooLarge > 0, "the error path of valid mode was never exercised");
	}

	/** Null when the case agrees, "" when valid mode correctly refused a too-large kernel, else a description. */
	private static String runCase(long seed, Mode mode, Border border, int stride, int dilation, boolean flip,
		boolean normalize)
	{
		Random r = new Random(seed);
		int w = 1 + r.nextInt(40), h = 1 + r.nextInt(40);
		if (r.nextInt(4) == 0) w = 1 + r.nextInt(3); // thin images stress the border rules
		int kw = 1 + r.nextInt(9), kh = 1 + r.nextInt(9);
		int sy = stride, sx = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : stride;
		int dy = dilation, dx = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : dilation;
		double cval = r.nextInt(3) == 0 ? 0 : r.nextGaussian() * 10;
		Plane image = randomPlane(r, w, h);
		Kernel kernel = randomKernel(r, kw, kh);
		ConvolutionOptions o = ConvolutionOptions.builder().mode(mode).border(border).cval(cval).stride(sy, sx)
			.dilation(dy, dx).flip(flip).normalize(normalize).threads(1 + r.nextInt(3)).build();
		String description = "case seed=" + seed + " image " + w + "×" + h + " kernel " + kw + "×" + kh + " " + o;
		boolean fits = dy * (kh - 1) + 1 <= h && dx * (kw - 1) + 1 <= w;
		if (mode == Mode.VALID && !fits) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> Convolution.convolve(image, kernel, o), description);
			assertTrue(e.getMessage().contains("mode=same"), e.getMessage());
			return "";
		}
		Plane out = Convolution.convolve(image, kernel, o);
		ReferenceConvolution.Result ref = ReferenceConvolution.convolve(image, kernel, o);
		assertEquals(ref.out.length, out.height(), description + ": output height");
		assertEquals(ref.out[0].length, out.width(), description + ": output width");
		for (int y = 0; y < out.height(); y++) {
			for (int x = 0; x < out.width(); x++) {
				double diff = Math.abs(out.get(x, y) - ref.out[y][x]);
				if (!(diff <= ref.bound(y, x, false))) {
					return description + ": output (" + x + "," + y + ") = " + out.get(x, y) + ", reference "
						+ ref.out[y][x] + ", bound " + ref.bound(y, x, false);
				}
			}
		}
		return null;
	}

	static Plane randomPlane(Random r, int w, int h) {
		float[] p = new float[w * h];
		double scale = Math.pow(10, r.nextInt(7) - 3);
		for (int i = 0; i < p.length; i++) p[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
		return Plane.wrap(w, h, p);
	}

	static Kernel randomKernel(Random r, int kw, int kh) {
		double[][] k = new double[kh][kw];
		boolean sparse = r.nextInt(4) == 0;
		for (double[] row : k) {
			for (int j = 0; j < kw; j++) row[j] = sparse && r.nextBoolean() ? 0 : r.nextGaussian();
		}
		return Kernel.of("random", k);
	}
}
