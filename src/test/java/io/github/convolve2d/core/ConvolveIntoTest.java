package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

/**
 * {@link Convolution#convolveInto}: the same pixels as a new plane, bit for bit, whatever the output held before,
 * on random cases of every path and option; a wrong size or an output that is the image is refused.
 */
class ConvolveIntoTest {

	@Test
	void writesEveryPixelAsANewPlaneWouldOnRandomCases() {
		Random rnd = new Random(20261202);
		Method[] methods = { Method.AUTO, Method.DIRECT, Method.SEPARABLE, Method.FFT };
		for (int t = 0; t < 400; t++) {
			int w = 1 + rnd.nextInt(40), h = 1 + rnd.nextInt(40);
			int kw = 1 + rnd.nextInt(Math.min(w, 9)), kh = 1 + rnd.nextInt(Math.min(h, 9));
			Method method = methods[t % methods.length];
			Kernel k = PathCases.kernelFor(rnd, method, kw, kh);
			Plane image = PathCases.randomImage(rnd, w, h);
			if (rnd.nextInt(8) == 0) image.pixels()[rnd.nextInt(w * h)] = Float.NaN;
			ConvolutionOptions o = PathCases.randomOptions(rnd, method, w, h, kw, kh);
			float[] before = image.pixels().clone();
			Plane expected = Convolution.convolve(image, k, o);
			// stale values where a skipped pixel would show: NaN, then the last result's pixels, shifted
			float[] stale = new float[expected.width() * expected.height()];
			Arrays.fill(stale, Float.NaN);
			if (t % 2 == 1) for (int i = 0; i < stale.length; i++) stale[i] = 1e30f * (i % 3 - 1);
			Plane output = Plane.wrap(expected.width(), expected.height(), stale);
			Convolution.convolveInto(image, k, o, output);
			String what = "case " + t + ": " + w + "×" + h + ", kernel " + kw + "×" + kh + ", " + o;
			assertArrayEquals(expected.pixels(), output.pixels(), what);
			assertTrue(output.pixels() == stale, what + ": the given array is the one written");
			assertArrayEquals(before, image.pixels(), what + ": the image is unchanged");
		}
	}

	@Test
	void anOutputOfTheWrongSizeIsRefusedWithTheSizeToGive() {
		Plane image = Plane.zeros(10, 8);
		Kernel k = Kernel.of("box", 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
		UserException e = assertThrows(UserException.class,
			() -> Convolution.convolveInto(image, k, ConvolutionOptions.builder().build(), Plane.zeros(10, 8)));
		assertEquals("the output plane is 10×8 but this feature map is 8×6; give a plane of that size", e.getMessage());
	}

	@Test
	void theImageItselfIsRefusedAsTheOutput() {
		Plane image = Plane.wrap(6, 5, new float[30]);
		Arrays.fill(image.pixels(), 2f);
		Kernel k = Kernel.of("box", 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
		ConvolutionOptions same = ConvolutionOptions.builder().mode(Mode.SAME).build();
		UserException e = assertThrows(UserException.class, () -> Convolution.convolveInto(image, k, same,
			Plane.wrap(6, 5, image.pixels())));
		assertTrue(e.getMessage().contains("shares its pixels with the image"), e.getMessage());
		for (float v : image.pixels()) assertEquals(2f, v);
	}
}
