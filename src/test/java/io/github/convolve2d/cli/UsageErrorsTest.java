package io.github.convolve2d.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line mistakes (issue 9, items 8 and 15): short messages, did-you-mean, the hint to quote a kernel. */
class UsageErrorsTest {

	/** The message of a run refused as a usage error: exit code 2, two lines on stderr, nothing on stdout. */
	private static String usage(String... args) {
		CliRun r = CliRun.run((Object[]) args);
		assertEquals(2, r.code, r.err);
		assertEquals("", r.out, r.toString());
		String[] lines = r.err.split("\n");
		assertEquals(2, lines.length, r.err);
		assertTrue(lines[1].startsWith("Run 'convolve2d"), r.err);
		assertFalse(r.err.contains("Exception") || r.err.contains("\tat "), r.err);
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

	/** A PyTorch user's --padding and --padding-mode: what they are here, not only "unknown option". */
	@Test
	void pyTorchsPaddingOptionsSayWhichOptionsTheyAreHere() {
		assertEquals("unknown option '--padding'; PyTorch's padding is --mode here: padding=0 is valid, (k-1)/2 or 'same' "
			+ "for an odd kernel extent k is same, k-1 is full; other paddings (a crop of full) and an even kernel's "
			+ "'same' (same with flip) are in docs/SEMANTICS.md, \"Convolution layers\"",
			usage("batch", "-i", "in", "-o", "out", "--weights", "w.npy", "--padding", "1"));
		assertEquals("unknown option '--padding-mode'; PyTorch's padding_mode is --border here: 'zeros' is constant, "
			+ "'reflect' is mirror (reflect here repeats the edge pixel, as numpy's symmetric), 'replicate' is replicate, "
			+ "'circular' is wrap", usage("batch", "-i", "in", "-o", "out", "--weights", "w.npy", "--padding-mode", "reflect"));
	}

	/**
	 * Batch's options parsed for another front end (the Spark job, {@link BatchCommand#settings}) are refused with
	 * batch's own words: it gave picocli's ("Unknown options: '--thread', '2'", "... is not an int", "Unmatched
	 * arguments from index 8").
	 */
	@Test
	void batchSettingsAreRefusedInBatchsWords() {
		for (String[] bad : new String[][] { { "--preset", "sobel-x", "--thread", "2" }, { "--preset", "sobel-x",
			"--threads", "x" }, { "--kernel", "-1", "0", "1" }, { "--preset", "sobel-x", "--dry-run=maybe" } })
		{
			String[] args = new String[bad.length + 4];
			System.arraycopy(new String[] { "-i", "in", "-o", "out" }, 0, args, 0, 4);
			System.arraycopy(bad, 0, args, 4, bad.length);
			String[] cli = new String[args.length + 1];
			cli[0] = "batch";
			System.arraycopy(args, 0, cli, 1, args.length);
			picocli.CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(
				picocli.CommandLine.ParameterException.class, () -> BatchCommand.settings(args), Arrays.toString(args));
			assertEquals(usage(cli), e.getMessage(), Arrays.toString(args));
		}
	}

	@Test
	void anUnquotedKernelGetsTheHintToQuoteIt() {
		assertEquals("'0' follows --kernel '-1' but is not an option; a value with spaces must be quoted as one "
			+ "argument: --kernel \"-1 0 1\"", usage("batch", "-i", "in", "-o", "out", "--kernel", "-1", "0", "1"));
		assertEquals("'0;' follows --kernel '1' but is not an option; a value with spaces must be quoted as one "
			+ "argument: --kernel \"1 0; 0 -1\"", usage("batch", "-i", "in", "-o", "out", "--kernel", "1", "0;", "0",
			"-1"));
		assertEquals("'σ=2' follows --preset 'Gaussian' but is not an option; a value with spaces must be quoted as one "
			+ "argument: --preset \"Gaussian σ=2\"", usage("batch", "-i", "in", "-o", "out", "--preset", "Gaussian",
			"σ=2"));
	}

	@Test
	void aStrayInputAfterAKernelIsNotTakenForPartOfIt() {
		String sample = "sample-images/camera.png";
		for (String[] value : new String[][] { { "--kernel", "1 1" }, { "--preset", "sobel-x" } }) {
			assertEquals("unexpected argument '" + sample + "'; inputs are given with -i (-i a.tif b.tif)",
				usage("batch", "-i", "in", "-o", "out", value[0], value[1], sample), value[0]);
		}
	}

	@Test
	void offendingValuesAreEchoedAsShortExcerpts() {
		String huge = "9".repeat(5_000_000);
		String m = usage("bench", "--size", huge);
		assertTrue(m.length() < 400, m);
		assertTrue(m.contains("(5,000,000 characters)"), m);
		m = usage("batch", "-i", "in", "-o", "out", "--preset", "sobel-x", "--stride", "x" + huge);
		assertTrue(m.length() < 200, m);
		CliRun r = CliRun.run("batch", "-i", "in", "-o", "out", "--kernel", "1 " + huge + "x");
		assertTrue(r.err.length() < 400, r.err);
	}

	@Test
	void benchArgumentsAreCheckedBeforeAnyWork() {
		// issue 9 item 8: these once ended in stack traces
		assertEquals("--kernels takes odd sizes from 1 to the image size (4096), as ImageJ's Convolver needs odd "
			+ "kernels; got 0", usage("bench", "--kernels", "0"));
		assertTrue(usage("bench", "--kernels", "-3").endsWith("got -3"));
		assertEquals("--threads must be between 1 and 1024, got 0", usage("bench", "--threads", "0"));
		assertEquals("--size must be between 64 and 16384, got 70000", usage("bench", "--size", "70000"));
		assertEquals("--kernels must be a whole number (at most 2147483647), got 'abc'",
			usage("bench", "--kernels", "abc"));
	}

	@Test
	void aValueOfTheWrongTypeIsNamedInWordsNotByJavasTypeName() {
		String[] run = { "batch", "-i", "in", "-o", "out", "--preset", "sobel-x" };
		assertEquals("--cval must be a number such as 2, -0.5 or 1e-3, got '0,5'; write a decimal point, not a comma",
			usage(concat(run, "--cval", "0,5")));
		assertEquals("--cval must be a number such as 2, -0.5 or 1e-3, got 'abc'", usage(concat(run, "--cval", "abc")));
		assertEquals("--threads must be a whole number (at most 2147483647), got '1.5'",
			usage(concat(run, "--threads", "1.5")));
		assertEquals("--threads must be a whole number (at most 2147483647), got '99999999999'",
			usage(concat(run, "--threads", "99999999999")));
		assertEquals("--flip takes no value (or true or false), got 'yes'", usage(concat(run, "--flip=yes")));
		assertEquals("--threads must be a whole number (at most 2147483647), got 'x'", usage("json", "--threads", "x"));
	}

	private static String[] concat(String[] a, String... b) {
		String[] all = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}
}
