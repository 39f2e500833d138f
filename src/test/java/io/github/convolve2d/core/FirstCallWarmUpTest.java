package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@link FirstCallWarmUp}: a call whose output is allocated while the warm-up runs its path on rows of the same
 * result gives the same pixels, bit for bit, as the call without it, on random cases of the direct and separable
 * paths (regions, every option, results lower than the warm-up's rows); a call it does not warm (a bank, the FFT
 * path, one thread) too; and a failing allocation still says why.
 */
class FirstCallWarmUpTest {

	@Test
	void aWarmedCallGivesTheSamePixelsAsAColdOneOnRandomCases() {
		Random rnd = new Random(20261203);
		Method[] methods = { Method.AUTO, Method.DIRECT, Method.SEPARABLE, Method.FFT };
		for (int t = 0; t < 300; t++) {
			int w = 1 + rnd.nextInt(60), h = 1 + rnd.nextInt(60);
			int kw = 1 + rnd.nextInt(Math.min(w, 7)), kh = 1 + rnd.nextInt(Math.min(h, 7));
			Method method = methods[t % methods.length];
			List<Kernel> bank = new ArrayList<>();
			for (int n = 1 + (t % 3 == 0 ? rnd.nextInt(4) : 0); n > 0; n--) {
				boolean sameSize = method == Method.FFT || rnd.nextBoolean();
				int bw = sameSize ? kw : 1 + rnd.nextInt(kw), bh = sameSize ? kh : 1 + rnd.nextInt(kh);
				bank.add(PathCases.kernelFor(rnd, method, bw, bh));
			}
			Plane image = PathCases.randomImage(rnd, w, h);
			if (rnd.nextInt(8) == 0) image.pixels()[rnd.nextInt(w * h)] = Float.NaN;
			ConvolutionOptions o = PathCases.randomOptions(rnd, method, w, h, kw, kh).toBuilder()
				.threads(t % 5 == 4 ? 1 : 2).build();
			Region region = null;
			if (rnd.nextInt(3) == 0) { // a region that every kernel's result holds
				int rw = Integer.MAX_VALUE, rh = Integer.MAX_VALUE;
				for (Kernel k : bank) {
					Plane p = Convolution.convolve(image, k, o);
					rw = Math.min(rw, p.width());
					rh = Math.min(rh, p.height());
				}
				int rx = rnd.nextInt(rw), ry = rnd.nextInt(rh);
				region = Region.of(rx, ry, 1 + rnd.nextInt(rw - rx), 1 + rnd.nextInt(rh - ry));
			}
			float[] before = image.pixels().clone();
			List<Plane> cold = Convolution.convolve(image, bank, o, region, ProgressListener.NONE);
			List<Plane> warmed = Convolution.convolve(image, bank, o, region, ProgressListener.NONE, null,
				new FirstCallWarmUp(0));
			String what = "case " + t + ": " + w + "×" + h + ", " + bank.size() + " kernel(s) of " + kw + "×" + kh
				+ " or less, region " + region + ", " + o;
			assertEquals(cold.size(), warmed.size(), what);
			for (int n = 0; n < cold.size(); n++) {
				assertEquals(cold.get(n).width(), warmed.get(n).width(), what);
				assertArrayEquals(cold.get(n).pixels(), warmed.get(n).pixels(), what + ", output " + n);
			}
			assertArrayEquals(before, image.pixels(), what + ": the image is unchanged");
		}
	}

	@Test
	void aLargeFirstCallIsWarmedAndTheNextIsNot() {
		// 2048² outputs: 16 MB, the shared instance's threshold; the warm-up's planes are 4 rows at each end
		Random rnd = new Random(7);
		Plane image = PathCases.randomImage(rnd, 2048, 2048);
		Kernel k = PathCases.randomKernel(rnd, 3, 3);
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT).threads(2).build();
		FirstCallWarmUp warmUp = new FirstCallWarmUp(16L << 20);
		Plane cold = Convolution.convolve(image, k, o);
		for (int call = 0; call < 2; call++) {
			List<Plane> got = Convolution.convolve(image, List.of(k), o, null, ProgressListener.NONE, null, warmUp);
			assertArrayEquals(cold.pixels(), got.get(0).pixels(), "call " + call);
		}
	}

	@Test
	void anAllocationThatCannotBeMadeStillSaysWhy() {
		// one 4096 × 200,002 result (3.3 GB) in the tests' 2 GB heap: refused before any plane is made, while the
		// warm-up's unit runs the call's path on rows of it beside the allocation's
		Plane image = PathCases.randomImage(new Random(3), 4096, 1);
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.FULL).dilation(200_000, 1).threads(2).build();
		Kernel k = Kernel.of("k", 1, 2, 1, -1);
		UserException e = assertThrows(UserException.class, () -> Convolution.convolve(image, List.of(k), o, null,
			ProgressListener.NONE, null, new FirstCallWarmUp(0)));
		assertTrue(e.getMessage().startsWith("not enough memory"), e.getMessage());
	}
}
