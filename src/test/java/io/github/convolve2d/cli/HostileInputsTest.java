package io.github.convolve2d.cli;

import io.github.convolve2d.batch.TinyTiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static io.github.convolve2d.cli.BatchCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Inputs that used to hang the batch or stop it silently (issue 9, items 4 and 5): each fails alone, with a reason. */
class HostileInputsTest {

	/** A guard against a hang, far above the second these runs take. */
	private static final Duration HANG = Duration.ofSeconds(60);

	@TempDir
	Path tmp;

	@Test
	void aTiffWhoseImageDirectoryPointsToItselfFailsWithAReasonAndTheOthersAreWritten() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		byte[] loop = TinyTiff.bytes(8, 8, true);
		TinyTiff.putInt(loop, TinyTiff.NEXT_IFD_AT, 8); // the next IFD is this one
		Files.write(in.resolve("loop.tif"), loop);
		byte[] twoStep = TinyTiff.bytes(8, 8, false);
		Files.write(in.resolve("good.tif"), twoStep.clone());
		Path out = tmp.resolve("out");
		BatchCommandTest.Run r = assertTimeoutPreemptively(HANG,
			() -> run("batch", "-i", in, "-o", out, "--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("loop.tif: corrupt TIFF: its chain of image directories loops back to byte 8"),
			r.toString());
		assertTrue(r.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), r.toString());
	}

	@Test
	void aNamedPipeGivenAsInputIsRefusedWithoutBeingOpened() throws Exception {
		Path fifo = tmp.resolve("pipe.tif");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		BatchCommandTest.Run r = assertTimeoutPreemptively(HANG,
			() -> run("batch", "-i", fifo, "-o", tmp.resolve("out"), "--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("pipe.tif: not a regular file (a named pipe, socket or device)"), r.toString());
	}

	@Test
	void anUnreadableSubFolderUnderRecursiveIsAFailureWithItsReason() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in/locked"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), tmp.resolve("in/top.png"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("hidden-from-us.png"));
		Path out = tmp.resolve("out");
		assumeTrue(in.toFile().setReadable(false, false) && in.toFile().setExecutable(false, false));
		try {
			List<String> prefix = Collections.emptyList();
			if (Files.isReadable(in)) {
				// root reads everything: run the command without the capabilities that let it
				assumeTrue(new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "setpriv is available");
				prefix = Arrays.asList("setpriv", "--bounding-set", "-dac_override,-dac_read_search");
			}
			ChildCli c = ChildCli.start(prefix, Collections.emptyMap(), "batch", "-i", tmp.resolve("in"), "-r", "-o",
				out, "--preset", "box-3", "--progress", "lines");
			assertEquals(1, c.waitFor(120), c.toString());
			assertTrue(c.err().contains("FAILED " + in + ": cannot read this folder: permission denied; the files in "
				+ "it are not convolved"), c.toString());
			assertTrue(c.out().contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), c.toString());
		}
		finally {
			in.toFile().setReadable(true, false);
			in.toFile().setExecutable(true, false);
		}
	}
}
