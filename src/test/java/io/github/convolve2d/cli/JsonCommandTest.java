package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The {@code json} command: the seed's examples, every option, errors in place, exit codes. */
class JsonCommandTest {

	/** Output, error text and exit code of one run. */
	private static final class Run {
		final int exit;
		final String out;
		final String err;

		Run(int exit, String out, String err) {
			this.exit = exit;
			this.out = out.trim();
			this.err = err;
		}
	}

	private static Run run(String stdin, String... args) {
		CommandLine cli = Main.commandLine();
		StringWriter out = new StringWriter(), err = new StringWriter();
		cli.setOut(new PrintWriter(out));
		cli.setErr(new PrintWriter(err));
		InputStream saved = System.in;
		try {
			if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
			int exit = cli.execute(args);
			return new Run(exit, out.toString(), err.toString());
		}
		finally {
			System.setIn(saved);
		}
	}

	private static Run json(String stdin) {
		return run(stdin, "json");
	}

	@Test
	void seedExamplesFromTheResourceFile() throws URISyntaxException {
		Path seed = Paths.get(getClass().getResource("seed.json").toURI());
		Run r = run(null, "json", seed.toString());
		assertEquals(0, r.exit, r.err);
		assertEquals("[{\"output\":[[-4,-4,2],[-4,-4,4],[6,6,6]]},{\"output\":[[5,3,5],[3,0,3],[5,3,5]]}]", r.out);
	}

	@Test
	void singleCaseFromStdinGivesSingleObject() {
		Run r = run("{\"input\": [[1,2,3,0],[4,5,6,1],[7,8,9,2],[0,1,2,3]], \"kernel\": [[1,0],[0,-1]]}", "json", "-");
		assertEquals(0, r.exit);
		assertEquals("{\"output\":[[-4,-4,2],[-4,-4,4],[6,6,6]]}", r.out);
	}

	@Test
	void optionsArePassedToTheCore() {
		Run r = json("{\"input\": [[1,2,3,4]], \"kernel\": [[1,0,0,0,0]], \"mode\": \"same\", \"border\": \"reflect\"}");
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
		Run r = json("{\"input\": [[1,2],[3,4]], \"kernels\": [[[1]], [[1,1]], [[1],[-1]]]}");
		assertEquals(0, r.exit);
		assertEquals("{\"outputs\":[[[1,2],[3,4]],[[3],[7]],[[-2,-2]]]}", r.out);
	}

	@Test
	void nanAndInfinityPrintAsNull() {
		Run r = json("{\"input\": [[1e38, 1e38, 1]], \"kernel\": [[10]]}");
		assertEquals("{\"output\":[[null,null,10]]}", r.out);
	}

	@Test
	void badCaseGivesErrorInPlaceAndOthersStillRun() {
		Run r = json("[{\"input\": [[1,2]], \"kernel\": [[1,2,3]]}, {\"input\": [[1]], \"kernel\": [[3]]}]");
		assertEquals(1, r.exit);
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
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"flip\": \"yes\"}", "\"flip\" must be true or false, got \"yes\"");
		assertError("{\"input\": [[1]], \"kernel\": [[1]], \"kernal\": 1}",
			"unknown key \"kernal\"; did you mean \"kernel\"? (known keys: input, kernel, kernels, mode, border, cval, "
				+ "stride, dilation, flip, normalize, method, weights, bias, groups, activation)");
		assertError("[1, 2]", "a case must be an object like {\"input\": [[...]], \"kernel\": [[...]]}");
		assertError("{\"input\": [[1, 2]", "the input is not valid JSON");
	}

	private static void assertError(String in, String expectedStart) {
		Run r = json(in);
		assertEquals(1, r.exit, in);
		assertTrue(r.out.contains("{\"error\":\"" + expectedStart.replace("\"", "\\\"")), r.out + " for " + in);
	}

	@Test
	void usageErrorsExitWith2AndSayWhy(@TempDir Path dir) throws Exception {
		Run missing = run(null, "json", dir.resolve("none.json").toString());
		assertEquals(2, missing.exit);
		assertTrue(missing.err.contains("cannot read '" + dir.resolve("none.json") + "': no such file"), missing.err);
		assertEquals("", missing.out);
		Run folder = run(null, "json", dir.toString());
		assertEquals(2, folder.exit);
		assertTrue(folder.err.contains("it is a folder"), folder.err);
		Run unknown = run(null, "jsn");
		assertEquals(2, unknown.exit);
		assertTrue(unknown.err.contains("unknown command 'jsn'; did you mean 'json'?"), unknown.err);
		assertTrue(unknown.err.contains("Run 'convolve2d --help' for the options."), unknown.err);
		assertTrue(!unknown.err.contains("Usage:"), "the message is not buried under the option list: " + unknown.err);
		Path file = dir.resolve("case.json");
		Files.write(file, "{\"input\": [[1]], \"kernel\": [[2]]}".getBytes(StandardCharsets.UTF_8));
		assertEquals(0, run(null, "json", file.toString()).exit);
	}

	@Test
	void layerCaseSumsChannelsAddsBiasAndAppliesRelu() {
		Run r = json("{\"input\": [[[1,2],[3,4]],[[10,20],[30,40]]], \"weights\": [[[[1]],[[0.5]]],[[[-1]],[[0]]]],"
			+ " \"bias\": [1, 2], \"activation\": \"relu\"}");
		assertEquals(0, r.exit, r.out);
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
		Run r = json("[{\"input\": [[[1,2]],[[3,4]],[[5,6]]], \"weights\": [[[[1]],[[1]]]]},"
			+ " {\"input\": [[1]], \"kernel\": [[1]], \"bias\": [1]},"
			+ " {\"input\": [[[1]]], \"weights\": [[[[1]]]], \"activation\": \"tanh\"},"
			+ " {\"input\": [[[1]]], \"weights\": [[[[1]]]], \"kernel\": [[1]]}]");
		assertEquals(1, r.exit);
		assertTrue(r.out.contains("expect 2 input channels but the image has 3"), r.out);
		assertTrue(r.out.contains("\\\"bias\\\" belongs to a layer"), r.out);
		assertTrue(r.out.contains("unknown activation 'tanh'"), r.out);
		assertTrue(r.out.contains("not both"), r.out);
	}
}
