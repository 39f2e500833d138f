package io.github.convolve2d.cli;

import ij.IJ;
import ij.ImagePlus;
import io.github.convolve2d.image.AtomicTiffWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C and SIGTERM during a batch run (issue 9, item 14), in a child JVM: the run stops, prints its summary,
 * exits with 1 as README says, and leaves only whole outputs — which a rerun skips.
 */
class InterruptionTest {

	private static final int FILES = 400;

	@TempDir
	Path tmp;

	@ParameterizedTest
	@ValueSource(strings = { "INT", "TERM" })
	void aSignalStopsTheRunWithItsSummaryExitCode1AndOnlyWholeOutputs(String signal) throws Exception {
		// A shell starts a background job with SIGINT ignored, the child JVM inherits that, and the JVM then keeps
		// it ignored (as a user's Ctrl-C never reaches a background job either): nothing to test in that case.
		Assumptions.assumeFalse(signal.equals("INT") && sigintIgnored(),
			"SIGINT is ignored in this process (started as a background job), so also in the child");
		Path in = Files.createDirectories(tmp.resolve("in"));
		Path camera = Paths.get("sample-images", "camera.png").toAbsolutePath();
		for (int i = 0; i < FILES; i++) Files.createLink(in.resolve(String.format("img%04d.png", i)), camera);
		Path out = tmp.resolve("out");
		Object[] args = { "batch", "-i", in, "-o", out, "--preset", "gaussian:2", "--mode", "same", "--threads", 2 };
		ChildCli c = ChildCli.start(Collections.emptyList(), Collections.emptyMap(),
			Stream.concat(Stream.of(args), Stream.of("--progress", "lines")).toArray());
		long deadline = System.nanoTime() + 120_000_000_000L;
		while (!c.err().contains("[3/" + FILES + "]") && c.process.isAlive() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		c.signal(signal);
		int code = c.waitFor(120);
		assertEquals(1, code, "README: 1 when the run was interrupted\n" + c);
		Matcher m = Pattern.compile("interrupted: (\\d+) written, 0 skipped \\(output exists\\), 0 failed, (\\d+) not "
			+ "done of " + FILES + " files").matcher(c.out());
		assertTrue(m.find(), "the summary is printed\n" + c);
		int written = Integer.parseInt(m.group(1));
		assertTrue(written >= 3 && Integer.parseInt(m.group(2)) > 0, "stopped part way\n" + c);

		List<Path> outputs;
		try (Stream<Path> s = Files.list(out)) {
			outputs = s.sorted().collect(Collectors.toList());
		}
		assertEquals(written, outputs.size(), "the outputs reported, nothing else: " + outputs);
		for (Path p : outputs) {
			assertFalse(AtomicTiffWriter.isTemporary(p), "no temporary file is left: " + p);
			ImagePlus imp = IJ.openImage(p.toString());
			assertNotNull(imp, p + " is a whole TIFF");
			assertEquals(512, imp.getWidth(), p + " is a whole TIFF");
		}
		CliRun dry = CliRun.run(Stream.concat(Stream.of(args), Stream.of("--dry-run"))
			.toArray());
		assertTrue(dry.out.contains("dry run: " + (FILES - written) + " to write, " + written + " to skip, 0 failing"),
			"a rerun continues where the run stopped: " + dry);
	}

	/** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status, Linux only). */
	private static boolean sigintIgnored() throws java.io.IOException {
		Path status = Paths.get("/proc/self/status");
		if (!Files.isReadable(status)) return false;
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
		}
		return false;
	}
}
