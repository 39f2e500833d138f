package io.github.convolve2d.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code json} command against what issue 9 found: huge results, strict JSON, deep nesting, odd numbers. */
class JsonHardeningTest {

	/** Exit code and printed text of one {@code json} run on {@code stdin}. */
	static String[] json(String stdin) {
		CommandLine cli = Main.commandLine();
		StringWriter out = new StringWriter(), err = new StringWriter();
		cli.setOut(new PrintWriter(out));
		cli.setErr(new PrintWriter(err));
		InputStream saved = System.in;
		try {
			System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
			int exit = cli.execute("json", "--threads", "2");
			return new String[] { Integer.toString(exit), out.toString().trim(), err.toString().trim() };
		}
		finally {
			System.setIn(saved);
		}
	}

	@Test
	void aResultTooLargeToPrintIsRefusedBeforeComputing() {
		// issue 9 item 6: 20001×20001 values passed the memory check, then ran out of memory while printing
		String[] r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> json(
			"{\"input\":[[1]],\"kernel\":[[1,1],[1,1]],\"mode\":\"full\",\"dilation\":20000}"));
		assertEquals("1", r[0], r[2]);
		assertTrue(r[1].startsWith("{\"error\":\"the result would hold 400,040,001 values (20001×20001)"), r[1]);
		assertTrue(r[1].contains("use a stride"), r[1]);
	}

	@Test
	void aHugeDilationInSameModePrintsTheSmallResult() {
		String[] r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> json(
			"{\"input\":[[1,2],[3,4]],\"kernel\":[[1,1],[1,1]],\"mode\":\"same\",\"border\":\"wrap\","
				+ "\"dilation\":100000000,\"method\":\"separable\"}"));
		assertEquals("0", r[0], r[1] + r[2]);
		// wrap: a column 10^8 to the left of column c (even) is column c; rows alike: each output is 4 × itself
		assertEquals("{\"output\":[[4,8],[12,16]]}", r[1]);
	}
}
