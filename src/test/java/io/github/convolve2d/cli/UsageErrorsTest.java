package io.github.convolve2d.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line mistakes (issue 9, items 8 and 15): short messages, did-you-mean, the hint to quote a kernel. */
class UsageErrorsTest {

	/** Exit code and stderr of one run; stdout must stay empty. */
	private static String[] run(String... args) {
		CommandLine cli = Main.commandLine();
		StringWriter out = new StringWriter(), err = new StringWriter();
		cli.setOut(new PrintWriter(out));
		cli.setErr(new PrintWriter(err));
		int exit = cli.execute(args);
		return new String[] { Integer.toString(exit), err.toString().trim(), out.toString() };
	}

	private static String usage(String... args) {
		String[] r = run(args);
		assertEquals("2", r[0], r[1]);
		String[] lines = r[1].split("\n");
		assertEquals(2, lines.length, r[1]);
		assertTrue(lines[1].startsWith("Run 'convolve2d"), r[1]);
		assertFalse(r[1].contains("Exception") || r[1].contains("\tat "), r[1]);
		return lines[0];
	}

	@Test
	void aMisspelledCommandGetsTheClosestOne() {
		assertEquals("unknown command 'btach'; did you mean 'batch'?", usage("btach"));
		assertEquals("unknown command 'jsno'; did you mean 'json'?", usage("jsno"));
		assertEquals("unknown command 'convolve'; the commands are json, batch, kernels, bench, help",
			usage("convolve"));
	}

	@Test
	void aMisspelledOptionGetsTheClosestOne() {
		assertEquals("unknown option '--thread'; did you mean '--threads'?",
			usage("batch", "-i", "in", "-o", "out", "--preset", "sobel-x", "--thread", "2"));
		assertEquals("unknown option '--kernal'; did you mean '--kernel'?", usage("batch", "-i", "in", "-o", "out",
			"--kernal", "1"));
		assertEquals("unknown option '--bordr'; did you mean '--border'?", usage("batch", "-i", "in", "-o", "out",
			"--preset", "sobel-x", "--bordr=wrap"));
		assertEquals("unknown option '--thread'; did you mean '--threads'?", usage("json", "--thread", "2"));
	}

	@Test
	void anUnquotedKernelGetsTheHintToQuoteIt() {
		assertEquals("'0' follows --kernel '-1' but is not an option; a value with spaces must be quoted as one "
			+ "argument: --kernel \"-1 0 1\"", usage("batch", "-i", "in", "-o", "out", "--kernel", "-1", "0", "1"));
		assertEquals("'0;' follows --kernel '1' but is not an option; a value with spaces must be quoted as one "
			+ "argument: --kernel \"1 0; 0 -1\"", usage("batch", "-i", "in", "-o", "out", "--kernel", "1", "0;", "0",
			"-1"));
	}

	@Test
	void offendingValuesAreEchoedAsShortExcerpts() {
		String huge = "9".repeat(5_000_000);
		String m = usage("bench", "--size", huge);
		assertTrue(m.length() < 400, m);
		assertTrue(m.contains("(5,000,000 characters)"), m);
		m = usage("batch", "-i", "in", "-o", "out", "--preset", "sobel-x", "--stride", "x" + huge);
		assertTrue(m.length() < 200, m);
		String[] r = run("batch", "-i", "in", "-o", "out", "--kernel", "1 " + huge + "x");
		assertTrue(r[1].length() < 400, r[1]);
	}

	@Test
	void benchArgumentsAreCheckedBeforeAnyWork() {
		// issue 9 item 8: these once ended in stack traces
		assertEquals("--kernels takes odd sizes from 1 to the image size (4096), as ImageJ's Convolver needs odd "
			+ "kernels; got 0", usage("bench", "--kernels", "0"));
		assertTrue(usage("bench", "--kernels", "-3").endsWith("got -3"));
		assertEquals("--threads must be between 1 and 1024, got 0", usage("bench", "--threads", "0"));
		assertEquals("--size must be between 64 and 16384, got 70000", usage("bench", "--size", "70000"));
		assertTrue(usage("bench", "--kernels", "abc").contains("'abc' is not an int"));
	}
}
