package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Kernel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kernel text in every accepted form, and the errors that replace ImageJ's silent zeros and truncation. */
class KernelParserTest {

	private static final double[][] SOBEL_X = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };

	@ParameterizedTest
	@ValueSource(strings = { "-1 0 1\n-2 0 2\n-1 0 1\n", "-1\t0\t1\r\n-2\t0\t2\r\n-1\t0\t1", "-1 0 1; -2 0 2; -1 0 1",
		"-1,0,1 / -2,0,2 / -1,0,1", "-1, 0, 1;\n-2, 0, 2;\n-1, 0, 1;", "-1 0 1\\n-2 0 2\\n-1 0 1\\n",
		"\n\n  -1 0 1\n\n-2 0 2\n-1 0 1\n\n", "-1e0 0.0 +1; -2 0 2E0; -1 0 1" })
	void acceptsImageJMacroAndCommandLineForms(String text) {
		assertArrayEquals(SOBEL_X, KernelParser.parse(text).toRows());
	}

	@Test
	void parsesDecimalsAndExponents() {
		Kernel k = KernelParser.parse("0.25 .5 1e-3 -2.5E+2", "mine");
		assertArrayEquals(new double[][] { { 0.25, 0.5, 1e-3, -250 } }, k.toRows());
		assertEquals("mine", k.name());
		assertEquals(4, k.width());
		assertEquals(1, k.height());
	}

	private static String error(String text) {
		return assertThrows(IllegalArgumentException.class, () -> KernelParser.parse(text)).getMessage();
	}

	@Test
	void badValueNamesRowAndColumn() {
		assertEquals("kernel row 2, column 3: '2x' is not a number; write values like -1, 0.25 or 1e-3",
			error("1 2 3\n4 5 2x\n7 8 9"));
		assertEquals("kernel row 1, column 1: 'NaN' is not a number; write values like -1, 0.25 or 1e-3", error("NaN"));
		assertEquals("kernel row 1, column 2: '1/2' is not a number; write values like -1, 0.25 or 1e-3".replace("1/2", "x"),
			error("1 x"));
	}

	@Test
	void raggedRowsAreNamed() {
		assertEquals("kernel row 3 has 2 values but row 1 has 3; every row needs 3 values", error("1 2 3; 4 5 6; 7 8"));
	}

	@Test
	void emptyKernelIsAnError() {
		assertEquals("the kernel is empty; give rows of numbers such as '0 1 0; 1 -4 1; 0 1 0'", error("  \n ; \n"));
		assertEquals("no kernel text given", error(null));
	}

	@Test
	void textRoundTripsThroughToTextAndToLine() {
		Kernel k = KernelParser.parse("1 -2.5; 0.125 1e-7");
		assertEquals(k.toRows()[1][1], KernelParser.parse(k.toText()).toRows()[1][1]);
		assertArrayEquals(k.toRows(), KernelParser.parse(k.toText()).toRows());
		assertArrayEquals(k.toRows(), KernelParser.parse(k.toLine()).toRows());
		assertEquals("1 -2.5; 0.125 1.0E-7", k.toLine());
	}
}
