package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The {@code json} command: the examples of its help, every option, errors in place, exit codes. */
class JsonCommandTest {

	private static CliRun json(String stdin) {
		return CliRun.withStdin(stdin, "json");
	}

	@Test
	void seedExamplesFromTheResourceFile() throws URISyntaxException {
		Path seed = Paths.get(getClass().getResource("seed.json").toURI());
		CliRun r = CliRun.run("json", seed.toString());
		assertEquals(0, r.code, r.err);
		assertEquals("[{\"output\":[[-4,-4,2],[-4,-4,4],[6,6,6]]},{\"output\":[[5,3,5],[3,0,3],[5,3,5]]}]", r.out);
	}

	@Test
	void aByteOrderMarkBeforeTheJsonIsSkipped() {
		CliRun r = CliRun.withStdin("\uFEFF{\"input\": [[1,2],[3,4]], \"kernel\": [[1]]}", "json");
		assertEquals(0, r.code, r.toString());
		assertEquals("{\"output\":[[1,2],[3,4]]}", r.out);
	}

	/** Windows PowerShell 5's "> cases.json" writes UTF-16 with a byte-order mark; it was read as UTF-8 garbage. */
	@Test
	void aUtf16FileWithAByteOrderMarkIsRead(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("cases.json");
		Files.write(file, "\uFEFF{\"input\": [[1,2],[3,4]], \"kernel\": [[-1]]}\r\n".getBytes(StandardCharsets.UTF_16LE));
		CliRun r = CliRun.run("json", file.toString());
		assertEquals(0, r.code, r.toString());
		assertEquals("{\"output\":[[-1,-2],[-3,-4]]}", r.out);
	}

	@Test
	void singleCaseFromStdinGivesSingleObject() {
		CliRun r = CliRun.withStdin("{\"input\": [[1,2,3,0],[4,5,6,1],[7,8,9,2],[0,1,2,3]], \"kernel\": [[1,0],[0,-1]]}", "json", "-");
		assertEquals(0, r.code);
		assertEquals("{\"output\":[[-4,-4,2],[-4,-4,4],[6,6,6]]}", r.out);
	}

	@Test
	void optionsArePassedToTheCore() {
		CliRun r = json("{\"input\": [[1,2,3,4]], \"kernel\": [[1,0,0,0,0]], \"mode\": \"same\", \"border\": \"reflect\"}");
		assertEquals("{\"output\":[[2,1,1,2]]}", r.out);
		r = json("{\"input\": [[1,2,3,4,5,6,7]], \"kernel\": [[1]], \"stride\": [1, 3]}");
		assertEquals("{\"output\":[[1,4,7]]}", r.out);
		r = json("{\"input\": [[1,2,3,4,5]], \"kernel\": [[1, -1]], \"dilation\": 3, \"flip\": true}");
		assertEquals("{\"output\":[[3,3]]}", r.out);
		r = json("{\"input\": [[2,4,6]], \"kernel\": [[1,1,1]], \"normalize\": true}");
		assertEquals("{\"output\":[[4]]}", r.out);
		r = json("{\"input\": [[1]], \"kernel\": [[1,1,1]], \"mode\": \"same\", \"border\": \"constant\", \"cval\": 2.5}");
		assertEquals("{\"output\":[[6]]}", r.out);
		r = json("{\"input\": [[0.1, 0.2]], \"kernel\": [[1]], \"method\": \"direct\"}");
		assertEquals("{\"output\":[[0.1,0.2]]}", r.out);
	}

	@Test
	void kernelBankGivesOutputs() {
		CliRun r = json("{\"input\": [[1,2],[3,4]], \"kernels\": [[[1]], [[1,1]], [[1],[-1]]]}");
		assertEquals(0, r.code);
		assertEquals("{\"outputs\":[[[1,2],[3,4]],[[3],[7]],[[-2,-2]]]}", r.out);
	}

	@Test
	void nanAndInfinityPrintAsNull() {
		CliRun r = json("{\"input\": [[1e38, 1e38, 1]], \"kernel\": [[10]]}");
		assertEquals("{\"output\":[[null,null,10]]}", r.out);
	}

	@Test
	void badCaseGivesErrorInPlaceAndOthersStillRun() {
		CliRun r = json("[{\"input\": [[1,2]], \"kernel\": [[1,2,3]]}, {\"input\": [[1]], \"kernel\": [[3]]}]");
		assertEquals(1, r.code);
		assertEquals("[{\"error\":\"kernel 3×1 (width×height) but the image is 2×1; valid mode needs the kernel to fit"
			+ " inside the image: use mode=same or mode=full, or a smaller kernel\"},{\"output\":[[3]]}]", r.out);
	}

	@Test
	void everyBadInputHasAClearMessage() {
		assertError("{\"input\": [[1,2],[3]], \"kernel\": [[1]]}",
			"\"input\" row 2 has 1 value but row 1 has 2; every row needs 2 values");
		assertError("{\"input\": [[1]], \"kernel\": [[1, \"a\"]]}", "\"kernel\" row 1, column 2: \"a\" is not a number");
		assertError("{\"input\": [[1]], \"kernel\": []}", "\"kernel\" must be a non-empty array of rows, like [[1, 0], [0, -1]]");
		assertError("{\"input\": [[1]]}", "\"kernel\" is missing: give \"kernel\": [[...]] or \"kernels\": [[[...]], ...]");
		assertError("{\"kernel\": [[1]]}", "\"input\" is missing");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"mode\": \"vaild\"}", "unknown mode 'vaild'; did you mean 'valid'? (one of [valid, same, full])");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"border\": 3}", "\"border\" must be a string, got 3");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"stride\": 0}", "\"stride\" must be a whole number from 1 to 2147483647, or [rows, columns] of them, got 0");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"stride\": 1.5}",
			"\"stride\" must be a whole number from 1 to 2147483647, or [rows, columns] of them, got 1.5");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"flip\": \"yes\"}", "\"flip\" must be true or false (no quotes), got \"yes\"");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"cval\": \"2\"}",
			"\"cval\" must be a number, like 0 or -1.5 (no quotes), got \"2\"");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"kernal\": 1}",
			"unknown key \"kernal\"; did you mean \"kernel\"? (known keys: input, kernel, kernels, mode, border, cval, "
				+ "stride, dilation, flip, normalize, method, weights, bias, groups, activation)");
		// channels (C × H × W) with a kernel: was "\"input\" row 1, column 1: an array of 2 values is not a number"
		assertError("{\"input\": [[[1,2],[3,4]],[[5,6],[7,8]]], \"kernel\": [[1]]}", "\"input\" has channels (C × H × W),"
			+ " which a layer takes: give \"weights\" (O × C/groups × kh × kw) instead of \"kernel\", or one channel as"
			+ " rows [[...], ...]");
		assertError("[1, 2]", "a case must be an object like {\"input\": [[...]], \"kernel\": [[...]]}");
		assertError("{\"input\": [[1, 2]", "the input is not valid JSON");
	}

	private static void assertError(String in, String expectedStart) {
		CliRun r = json(in);
		assertEquals(1, r.code, in);
		assertTrue(r.out.contains("{\"error\":\"" + expectedStart.replace("\"", "\\\"")), r.out + " for " + in);
	}

	@Test
	void usageErrorsExitWith2AndSayWhy(@TempDir Path dir) throws Exception {
		CliRun missing = CliRun.run("json", dir.resolve("none.json").toString());
		assertEquals(2, missing.code);
		assertTrue(missing.err.contains("cannot read '" + dir.resolve("none.json") + "': no such file"), missing.err);
		assertEquals("", missing.out);
		CliRun folder = CliRun.run("json", dir.toString());
		assertEquals(2, folder.code);
		assertTrue(folder.err.contains("it is a folder"), folder.err);
		CliRun unknown = CliRun.run("jsn");
		assertEquals(2, unknown.code);
		assertTrue(unknown.err.contains("unknown command 'jsn'; did you mean 'json'?"), unknown.err);
		assertTrue(unknown.err.contains("Run 'convolve2d --help' for the options."), unknown.err);
		assertTrue(!unknown.err.contains("Usage:"), "the message is not buried under the option list: " + unknown.err);
		Path file = dir.resolve("case.json");
		Files.write(file, "{\"input\": [[1]], \"kernel\": [[2]]}".getBytes(StandardCharsets.UTF_8));
		assertEquals(0, CliRun.run("json", file.toString()).code);
	}

	@Test
	void layerCaseSumsChannelsAddsBiasAndAppliesRelu() {
		CliRun r = json("{\"input\": [[[1,2],[3,4]],[[10,20],[30,40]]], \"weights\": [[[[1]],[[0.5]]],[[[-1]],[[0]]]],"
			+ " \"bias\": [1, 2], \"activation\": \"relu\"}");
		assertEquals(0, r.code, r.out);
		assertEquals("{\"outputs\":[[[7,13],[19,25]],[[1,0],[0,0]]]}", r.out);
		// depthwise (groups = C) with the layer options shared with kernels
		r = json("{\"input\": [[[1,2,3]],[[4,5,6]]], \"weights\": [[[[1,1]]],[[[0,2]]]], \"groups\": 2,"
			+ " \"mode\": \"same\", \"border\": \"replicate\"}");
		assertEquals("{\"outputs\":[[[2,3,5]],[[8,10,12]]]}", r.out);
		// one H×W channel is a one-channel input
		r = json("{\"input\": [[1,2,3]], \"weights\": [[1, -1]]}");
		assertEquals("{\"outputs\":[[[-1,-1]]]}", r.out);
	}

	@Test
	void layerMistakesAreErrorsInPlace() {
		CliRun r = json("[{\"input\": [[[1,2]],[[3,4]],[[5,6]]], \"weights\": [[[[1]],[[1]]]]},"
			+ " {\"input\": [[1]], \"kernel\": [[1]], \"bias\": [1]},"
			+ " {\"input\": [[[1]]], \"weights\": [[[[1]]]], \"activation\": \"tanh\"},"
			+ " {\"input\": [[[1]]], \"weights\": [[[[1]]]], \"kernel\": [[1]]},"
			+ " {\"input\": [[[1]]], \"weights\": [[[[1]]]], \"groups\": 0}]");
		assertEquals(1, r.code);
		// 0 is a whole number: the message says what groups takes
		assertTrue(r.out.contains("\\\"groups\\\" must be a whole number of at least 1 (no quotes), got 0"), r.out);
		assertTrue(r.out.contains("expect 2 input channels but the image has 3"), r.out);
		assertTrue(r.out.contains("\\\"bias\\\" belongs to a layer"), r.out);
		assertTrue(r.out.contains("unknown activation 'tanh'"), r.out);
		assertTrue(r.out.contains("not both"), r.out);
	}
}
