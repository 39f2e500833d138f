package io.github.convolve2d.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code json} command against what issue 9 found: huge results, strict JSON, deep nesting, odd numbers. */
class JsonHardeningTest {

	/** One {@code json} run on {@code stdin}. */
	static CliRun json(String stdin) {
		return CliRun.withStdin(stdin, "json", "--threads", "2");
	}

	@Test
	void aResultTooLargeToPrintIsRefusedBeforeComputing() {
		// issue 9 item 6: 20001×20001 values passed the memory check, then ran out of memory while printing
		CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> json(
			"{\"input\":[[1]],\"kernel\":[[1,1],[1,1]],\"mode\":\"full\",\"dilation\":20000}"));
		assertEquals(1, r.code, r.err);
		assertTrue(r.out.startsWith("{\"error\":\"the result would hold 400,040,001 values (20001×20001)"), r.out);
		assertTrue(r.out.contains("use a stride"), r.out);
	}

	@Test
	void aHugeDilationInSameModePrintsTheSmallResult() {
		CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> json(
			"{\"input\":[[1,2],[3,4]],\"kernel\":[[1,1],[1,1]],\"mode\":\"same\",\"border\":\"wrap\","
				+ "\"dilation\":100000000,\"method\":\"separable\"}"));
		assertEquals(0, r.code, r.out + r.err);
		// wrap: a column 10^8 to the left of column c (even) is column c; rows alike: each output is 4 × itself
		assertEquals("{\"output\":[[4,8],[12,16]]}", r.out);
	}

	private static String error(String stdin) {
		CliRun r = json(stdin);
		assertEquals(1, r.code, r.out + r.err);
		assertTrue(r.out.startsWith("{\"error\":\""), r.out);
		return com.google.gson.JsonParser.parseString(r.out).getAsJsonObject().get("error").getAsString();
	}

	@Test
	void deepNestingIsAClearMessageNotAStackOverflow() {
		// issue 9 item 7: 10^4 nested arrays inside "input" or "mode" ended in a StackOverflowError trace
		String deep = "[".repeat(10_000) + "1" + "]".repeat(10_000);
		for (String doc : new String[] { "{\"input\": " + deep + ", \"kernel\": [[1]]}",
			"{\"input\": [[1]], \"kernel\": [[1]], \"mode\": " + deep + "}", deep, "{\"a\":".repeat(5000) + "1" })
		{
			String e = error(doc);
			assertTrue(e.startsWith("the input is not valid JSON: arrays and objects are nested more than 64 deep"), e);
			assertTrue(e.length() < 200, e);
		}
		// 64 levels are fine as JSON; the case then says what it expected
		String e = error("{\"input\": " + "[".repeat(63) + "1" + "]".repeat(63) + ", \"kernel\": [[1]]}");
		assertTrue(e.startsWith("\"input\" row 1, column 1: an array of 1 value is not a number"), e);
	}

	@Test
	void valuesBeyondTheFloatRangeAreNamedByRowAndColumn() {
		// issue 9 item 11: an input value of 3.5e38 silently printed as null
		assertEquals("\"input\" row 1, column 2: 3.5e38 is beyond the 32-bit float range (±3.4e38) in which results "
			+ "are computed; use smaller values", error("{\"input\": [[1, 3.5e38]], \"kernel\": [[1]]}"));
		assertEquals("\"kernel\" row 2, column 1: -1e400 is beyond the 32-bit float range (±3.4e38) in which results "
			+ "are computed; use smaller values", error("{\"input\": [[1]], \"kernel\": [[1], [-1e400]]}"));
		assertTrue(error("{\"input\": [[1]], \"kernel\": [[1]], \"cval\": 1e39}")
			.startsWith("cval must be a finite number within the 32-bit float range"));
		assertEquals(0, json("{\"input\": [[3.4e38]], \"kernel\": [[1]]}").code);
	}

	@Test
	void onlyStrictJsonIsAccepted() {
		// issue 9 item 16: single quotes, unquoted keys and comments were accepted, a duplicate key took the last value
		assertEquals("the input is not valid JSON: single quotes are not JSON; write keys in double quotes (line 1, "
			+ "column 2)", error("{'input': [[1]], 'kernel': [[1]]}"));
		assertEquals("the input is not valid JSON: keys must be in double quotes: write \"input\" (line 1, column 2)",
			error("{input: [[1]], kernel: [[1]]}"));
		assertEquals("the input is not valid JSON: comments are not JSON; remove them (line 2, column 1)",
			error("{\"input\": [[1]],\n// the kernel\n\"kernel\": [[1]]}"));
		assertEquals("the input is not valid JSON: comments are not JSON; remove them (line 1, column 1)",
			error("/* a case */ {\"input\": [[1]], \"kernel\": [[1]]}"));
		assertEquals("the input is not valid JSON: the key \"mode\" is given twice in one object; give each key once "
			+ "(line 1, column 51)", error("{\"input\": [[1]], \"kernel\": [[1]], \"mode\": \"same\", \"mode\": \"full\"}"));
		assertEquals("the input is not valid JSON: a comma before ']' (a trailing comma) is not JSON; remove it (line 1, "
			+ "column 16)", error("{\"input\": [[1],], \"kernel\": [[1]]}"));
		assertEquals("the input is not valid JSON: 'NaN' is not a JSON value; strings need double quotes, and NaN and "
			+ "Infinity are not JSON numbers (line 1, column 13)", error("{\"input\": [[NaN]], \"kernel\": [[1]]}"));
		assertEquals("the input is not valid JSON: more text after the end of the JSON value (line 1, column 35)",
			error("{\"input\": [[1]], \"kernel\": [[1]]} {}"));
		assertEquals("the input is not valid JSON: '01' is not a JSON number; write numbers like -1, 0.25 or 1e-3 (no "
			+ "leading zeros, a digit before and after the point) (line 1, column 13)",
			error("{\"input\": [[01]], \"kernel\": [[1]]}"));
		assertEquals("the input is not valid JSON: this string has no closing double quote (line 1, column 2)",
			error("{\"input: [[1]]}"));
		assertEquals("the input is not valid JSON: the text is empty; give a JSON value (line 1, column 2)", error(" "));
	}

	@Test
	void unknownKeysGetTheClosestKnownOneAndTheListInAFixedOrder() {
		assertEquals("unknown key \"dilatation\"; did you mean \"dilation\"? (known keys: input, kernel, kernels, mode, "
			+ "border, cval, stride, dilation, flip, normalize, method, weights, bias, groups, activation)",
			error("{\"input\": [[1]], \"kernel\": [[1]], \"dilatation\": 2}"));
		assertEquals("unknown key \"sigma\" (known keys: input, kernel, kernels, mode, border, cval, stride, dilation, "
			+ "flip, normalize, method, weights, bias, groups, activation)",
			error("{\"input\": [[1]], \"kernel\": [[1]], \"sigma\": 2}"));
	}

	/** A PyTorch user's "padding" and "padding_mode": which keys they are here, and the trap in "reflect". */
	@Test
	void pyTorchsPaddingKeysSayWhichKeysTheyAreHere() {
		String known = " (known keys: input, kernel, kernels, mode, border, cval, stride, dilation, flip, normalize, "
			+ "method, weights, bias, groups, activation)";
		assertEquals("unknown key \"padding\"; PyTorch's padding is \"mode\" here: padding=0 is valid, (k-1)/2 or 'same' "
			+ "for an odd kernel extent k is same, k-1 is full; other paddings (a crop of full) and an even kernel's "
			+ "'same' (same with flip) are in docs/SEMANTICS.md, \"Convolution layers\"" + known,
			error("{\"input\": [[[1]]], \"weights\": [[[[1]]]], \"padding\": 1}"));
		assertEquals("unknown key \"padding_mode\"; PyTorch's padding_mode is \"border\" here: 'zeros' is constant, "
			+ "'reflect' is mirror (reflect here repeats the edge pixel, as numpy's symmetric), 'replicate' is replicate, "
			+ "'circular' is wrap" + known,
			error("{\"input\": [[[1]]], \"weights\": [[[[1]]]], \"padding_mode\": \"reflect\"}"));
	}

	/** One value, one output channel: singular words, not "1 values" and "1 output channels". */
	@Test
	void aBiasOfTheWrongLengthIsCountedInWordsThatFitOne() {
		assertEquals("the bias has 2 values but the weights have 1 output channel; give one bias value per output "
			+ "channel", error("{\"input\": [[1]], \"weights\": [[1]], \"bias\": [1, 2]}"));
		assertEquals("the bias has 1 value but the weights have 2 output channels; give one bias value per output "
			+ "channel", error("{\"input\": [[1]], \"weights\": [[[[1]]], [[[1]]]], \"bias\": [1]}"));
	}

	@Test
	void theLargestStrideIsAccepted() {
		// issue 9 item 12
		CliRun r = json("{\"input\": [[1, 2], [3, 4]], \"kernel\": [[1]], \"stride\": 2147483647, \"mode\": \"full\"}");
		assertEquals(0, r.code, r.out);
		assertEquals("{\"output\":[[1]]}", r.out);
		assertTrue(error("{\"input\": [[1]], \"kernel\": [[1]], \"stride\": 2147483648}")
			.startsWith("\"stride\" must be a whole number from 1 to 2147483647"));
	}
}
