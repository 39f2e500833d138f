package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.KernelParser;
import io.github.convolve2d.kernel.Presets;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The dialog's kernel text: rows laid out in columns, values rounded for reading, readable back as a kernel. */
class KernelTextTest {

	@Test
	void rowsAreLaidOutInColumns() {
		assertEquals("-1 0 1\n-2 0 2\n-1 0 1\n", KernelText.of(Collections.singletonList(Presets.resolve("sobel-x"))));
		assertEquals(" -3 0  3\n-10 0 10\n -3 0  3\n|\n1  0\n0 -1\n",
			KernelText.of(Arrays.asList(Presets.resolve("scharr-x"), Presets.resolve("roberts-cross"))));
	}

	@Test
	void valuesAreRoundedToFourSignificantDigits() {
		assertEquals("0.1235", KernelText.value(0.123456789));
		assertEquals("1/9", KernelText.value(1.0 / 9), "exact as a fraction");
		assertEquals("-2/3", KernelText.value(-2.0 / 3));
		assertEquals("1/9 1/9 1/9\n1/9 1/9 1/9\n1/9 1/9 1/9\n",
			KernelText.of(Collections.singletonList(Presets.resolve("box-3"))));
		assertEquals(Presets.resolve("box-5").toText(),
			KernelParser.parse(KernelText.of(Collections.singletonList(Presets.resolve("box-5")))).toText());
		assertEquals("-0.25", KernelText.value(-0.25));
		assertEquals("24", KernelText.value(24));
		assertEquals("1235", KernelText.value(1234.5678));
		assertEquals("0.0001235", KernelText.value(1.2346e-4));
		assertEquals("4.92e-6", KernelText.value(4.92e-6));
		assertEquals("1.235e-7", KernelText.value(1.2345e-7));
		assertEquals("1.235e20", KernelText.value(1.2345e20));
		String gaussian = KernelText.of(Collections.singletonList(Presets.resolve("gaussian:2")));
		assertEquals(13, gaussian.split("\n").length, "one line per row");
		assertTrue(gaussian.startsWith("  4.92e-6  1.946e-5  5.994e-5 0.0001438"), gaussian.substring(0, 40));
	}

	@Test
	void theTextReadsBackToTheKernelWithinTheRounding() {
		Random random = new Random(8);
		for (int n = 0; n < 200; n++) {
			int w = 1 + random.nextInt(6), h = 1 + random.nextInt(6);
			double[] values = new double[w * h];
			for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
			Kernel k = Kernel.of("k", w, h, values);
			Kernel back = KernelParser.parse(KernelText.of(Collections.singletonList(k)));
			assertEquals(w, back.width(), "case " + n);
			assertEquals(h, back.height(), "case " + n);
			for (int i = 0; i < values.length; i++) {
				assertEquals(values[i], back.values()[i], Math.abs(values[i]) * 5e-4, "case " + n + " value " + i);
			}
		}
		List<Kernel> bank = Arrays.asList(Presets.resolve("sobel-x"), Presets.resolve("sobel-y"));
		assertEquals(bank.get(1).toText(),
			KernelBank.of("custom", KernelText.of(bank)).kernels().get(1).toText(), "kernels separated by |");
	}
}
