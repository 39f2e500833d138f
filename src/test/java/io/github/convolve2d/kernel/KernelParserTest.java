package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Kernel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kernel text in every accepted form, and the errors that replace ImageJ's silent zeros and truncation. */
class KernelParserTest {

	private static final double[][] SOBEL_X = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };

	@ParameterizedTest
	@ValueSource(strings = { "-1 0 1\n-2 0 2\n-1 0 1\n", "-1\t0\t1\r\n-2\t0\t2\r\n-1\t0\t1", "-1 0 1; -2 0 2; -1 0 1",
		"-1,0,1; -2,0,2; -1,0,1", "-1, 0, 1;\n-2, 0, 2;\n-1, 0, 1;", "-1 0 1\\n-2 0 2\\n-1 0 1\\n",
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
		assertEquals("kernel row 2, column 3: '2x' is not a number; write values like -1, 0.25, 1e-3 or 1/9",
			error("1 2 3\n4 5 2x\n7 8 9"));
		assertEquals("kernel row 1, column 1: 'NaN' is not a number; write values like -1, 0.25, 1e-3 or 1/9", error("NaN"));
		assertEquals("kernel row 1, column 2: '1/2' is not a number; write values like -1, 0.25, 1e-3 or 1/9".replace("1/2", "x"),
			error("1 x"));
	}

	/** Text copied from a paper or a web page: '−1' and '1 2' look right and were only said not to be numbers. */
	@Test
	void lookAlikeMinusSignsAndSpacesAreNamed() {
		assertEquals("kernel row 1, column 1: '\u22121' is not a number; '\u2212' is a Unicode minus sign or dash (from a"
			+ " document or web page): type the minus sign as -", error("\u22121 0 1"));
		assertEquals("kernel row 2, column 3: '\u20132' is not a number; '\u2013' is a Unicode minus sign or dash (from a"
			+ " document or web page): type the minus sign as -", error("1 2 1; 0 0 \u20132"));
		assertEquals("kernel row 1, column 1: '1\u00a02' is not a number; it holds a non-breaking or other Unicode space"
			+ " (from a document or web page): separate values by ordinary spaces", error("1\u00a02"));
	}

	/** '|' separates the kernels of a bank in the dialog and macros only; elsewhere it reached the parser as a value. */
	@Test
	void aBankSeparatorWhereOneKernelIsReadIsNamed() {
		assertEquals("kernel row 2, column 3: '|' is not a number; '|' separates kernels only in the dialog and the"
			+ " macro option kernel=: give each kernel on its own (batch: one --kernel per kernel)",
			error("1 0; 0 -1 | 0 1; -1 0"));
	}

	@Test
	void aDecimalCommaIsAnErrorNamingItsRowAndColumn() {
		// issue 9 item 9: "0,5 0,5" was read as four values 0 5 0 5
		assertEquals("kernel row 1, column 1: '0,5' has a decimal comma; write 0.5 (a point), since commas separate "
			+ "values", error("0,5 0,5"));
		assertEquals("kernel row 2, column 2: '0,25' has a decimal comma; write 0.25 (a point), since commas separate "
			+ "values", error("1 1 1; 1, 0,25, 1; 1 1 1"));
		assertEquals("kernel row 1, column 3: '-1,5e2' has a decimal comma; write -1.5e2 (a point), since commas "
			+ "separate values", error("1\t2\t-1,5e2"));
		// commas alone, or with spaces, separate values
		assertArrayEquals(new double[][] { { 1, 2, 1 } }, KernelParser.parse("1,2,1").toRows());
		assertArrayEquals(new double[][] { { 0.5, 0.5 } }, KernelParser.parse("0.5, 0.5").toRows());
		assertArrayEquals(new double[][] { { 0.5, 0.5 } }, KernelParser.parse("0.5 ,0.5").toRows());
	}

	@Test
	void fractionsAreValuesAndSlashNoLongerSeparatesRows() {
		// issue 9 item 10: "1/9" was read as two rows [[1], [9]]
		assertArrayEquals(new double[][] { { 1.0 / 9, 1.0 / 9, 1.0 / 9 }, { 1.0 / 9, 1.0 / 9, 1.0 / 9 } },
			KernelParser.parse("1/9 1/9 1/9; 1/9 1/9 1/9").toRows());
		assertArrayEquals(new double[][] { { -0.5, 0.75, 2.5, 1e-3 / 4 } },
			KernelParser.parse("-1/2, +3/4, 1e1/4 1e-3/4").toRows());
		assertArrayEquals(new double[][] { { 1.0 / 16 } }, KernelParser.parse("1/16").toRows());
		assertEquals("kernel row 1, column 2: '1/0' divides by zero", error("1 1/0"));
		assertEquals("kernel row 1, column 2: '/' is not a number; fractions are written 1/9; rows are separated by "
			+ "';' or new lines", error("1 / 9"));
		assertEquals("kernel row 1, column 1: '1/2/3' is not a number; fractions are written 1/9; rows are separated "
			+ "by ';' or new lines", error("1/2/3"));
		assertArrayEquals(new double[][] { { -0.5 } }, KernelParser.parse("1/-2").toRows());
	}

	@Test
	void valuesBeyondTheFloatRangeAreErrorsNamingRowAndColumn() {
		// issue 9 item 11: "1e39 1" became [inf, NaN] and every output NaN
		assertEquals("kernel row 1, column 1: 1e39 is beyond the 32-bit float range (±3.4e38) in which results are "
			+ "computed; use smaller values", error("1e39 1"));
		assertEquals("kernel row 2, column 2: -3.5e38 is beyond the 32-bit float range (±3.4e38) in which results "
			+ "are computed; use smaller values", error("1 1; 1 -3.5e38"));
		assertTrue(error("1/1e-39").startsWith("kernel row 1, column 1: 1/1e-39 is beyond the 32-bit float range"));
		assertTrue(error("1e999").startsWith("kernel row 1, column 1: 1e999 is beyond the 32-bit float range"));
		assertArrayEquals(new double[][] { { 3.4e38, 1e-50 } }, KernelParser.parse("3.4e38 1e-50").toRows());
		// the largest float as Java's Float.toString and numpy's str() write it rounds to that float, not to infinity
		assertEquals(Float.MAX_VALUE, (float) KernelParser.parse("3.4028235e38").toRows()[0][0]);
		assertEquals(-Float.MAX_VALUE, (float) KernelParser.parse("-3.4028235E+38").toRows()[0][0]);
		assertTrue(error("3.4028236e38").startsWith("kernel row 1, column 1: 3.4028236e38 is beyond the 32-bit float"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Kernel.of("k", new double[][] { { 1, 1e39 } }))
			.getMessage().startsWith("kernel row 1, column 2: 1.0E39 is beyond the 32-bit float range"));
	}

	@Test
	void aLongBadValueIsEchoedAsAShortExcerpt() {
		String huge = "x".repeat(1_000_000);
		String message = error("1 " + huge);
		assertEquals("kernel row 1, column 2: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (1,000,000 characters)' is not a number; "
			+ "write values like -1, 0.25, 1e-3 or 1/9", message);
		assertTrue(error("[[1, 2], [3, 4]]").endsWith("write rows as '1 2; 3 4', without brackets"));
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
