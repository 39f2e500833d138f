package io.github.convolve2d.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.StaleTemporaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leftovers of a {@code batch} run killed hard (SIGKILL, a power cut): the next run removes the hidden temporary
 * files whose writing process is gone, in the folders it writes into, says how many in one line — and leaves a
 * concurrent run's files, a user's files and other folders alone.
 */
class LeftoversTest {

	private static final String NOTICE = "stale temporary file";
	private static final String TIF_PREFIX = AtomicTiffWriter.TEMP_PREFIX, TIF = AtomicTiffWriter.TEMP_SUFFIX;

	@TempDir
	Path tmp;

	@Test
	void aTiffRunRemovesTheLeftoversOfKilledRunsInItsOutputFoldersAndNothingElse() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.createDirectories(in.resolve("sub"));
		Path camera = Paths.get("sample-images", "camera.png");
		Files.copy(camera, in.resolve("a.png"));
		Files.copy(camera, in.resolve("sub").resolve("b.png"));
		Path out = tmp.resolve("out"), sub = Files.createDirectories(out.resolve("sub"));
		Path notWritten = Files.createDirectories(out.resolve("elsewhere"));
		StaleTemporaries.Dead dead = StaleTemporaries.process();

		List<Path> stale = List.of(StaleTemporaries.plant(out, TIF_PREFIX, TIF, dead),
			StaleTemporaries.plant(sub, TIF_PREFIX, TIF, dead));
		List<Path> kept = List.of(
			StaleTemporaries.live(out, TIF_PREFIX, TIF), // a concurrent run's (this process: alive)
			Files.write(out.resolve(TIF_PREFIX + "3k2j1x9q" + TIF), new byte[1]), // an older version's
			Files.write(out.resolve(stale.get(0).getFileName() + ".bak"), new byte[1]), // a user's copy
			StaleTemporaries.plant(notWritten, TIF_PREFIX, TIF, dead), // a folder this run does not write
			StaleTemporaries.plant(in, TIF_PREFIX, TIF, dead)); // nor this one

		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "-r", "--preset", "sobel-x",
			"--progress", "none");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.err.contains("removed 2 stale temporary files of an interrupted earlier run"), r.toString());
		assertEquals(1, r.err.split("\n").length, "one line: " + r);
		for (Path p : stale) assertFalse(Files.exists(p), "removed: " + p);
		for (Path p : kept) assertTrue(Files.exists(p), "kept: " + p);
		assertTrue(Files.isRegularFile(out.resolve("a.tif")) && Files.isRegularFile(sub.resolve("b.tif")), r.toString());

		CliRun again = CliRun.run("batch", "-i", in, "-o", out, "-r", "--preset", "sobel-x",
			"--progress", "none");
		assertEquals(0, again.code, again.toString());
		assertFalse(again.err.contains(NOTICE), "nothing left to remove, nothing said: " + again);
		for (Path p : kept) assertTrue(Files.exists(p), "kept: " + p);
	}

	@Test
	void aResumedZarrOutputLosesTheLeftoversOfItsKilledWriterAndAFinishedOneIsNotTouched() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (String name : new String[] { "b", "c" }) {
			float[] px = new float[40 * 30];
			for (int i = 0; i < px.length; i++) px[i] = i % 17;
			new FileSaver(new ImagePlus(name, new FloatProcessor(40, 30, px))).saveAsTiff(in.resolve(name + ".tif")
				.toString());
		}
		Path out = tmp.resolve("out");
		Object[] args = { "batch", "-i", in, "-o", out, "--format", "zarr", "--block", 16, "--preset", "sobel-x",
			"--mode", "same", "--progress", "none" };
		CliRun first = CliRun.run(args);
		assertEquals(0, first.code, first.toString());
		Path b = out.resolve("b.ome.zarr"), c = out.resolve("c.ome.zarr");
		byte[] chunk = Files.readAllBytes(b.resolve("0").resolve("0.0.0.1.1"));
		// b as a killed run leaves it: no metadata yet, a chunk missing, the temporary files of writes in flight
		Files.delete(b.resolve(".zattrs"));
		Files.delete(b.resolve("0").resolve("0.0.0.1.1"));
		StaleTemporaries.Dead dead = StaleTemporaries.process();
		List<Path> stale = List.of(StaleTemporaries.plant(b.resolve("0"), ".convolve2d-", ".partial", dead),
			StaleTemporaries.plant(b, ".convolve2d-", ".partial", dead));
		List<Path> kept = List.of(StaleTemporaries.live(b.resolve("0"), ".convolve2d-", ".partial"),
			Files.write(b.resolve("0").resolve(".0.0.0.1.1.3f2a6c1e-0b5e-4a57-9d3e-1c2b3a4d5e6f.partial"), new byte[1]),
			StaleTemporaries.plant(c.resolve("0"), ".convolve2d-", ".partial", dead)); // complete: skipped, not written

		CliRun r = CliRun.run(args);
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("1 written, 1 skipped"), r.toString());
		assertTrue(r.err.contains("removed 2 stale temporary files of an interrupted earlier run"), r.toString());
		for (Path p : stale) assertFalse(Files.exists(p), "removed: " + p);
		for (Path p : kept) assertTrue(Files.exists(p), "kept: " + p);
		assertTrue(OmeZarr.isComplete(b), "resumed to the end");
		assertEquals(new String(chunk, "ISO-8859-1"), new String(Files.readAllBytes(b.resolve("0").resolve("0.0.0.1.1")),
			"ISO-8859-1"), "the missing chunk is computed again, same bytes");
	}

	/**
	 * An OME-Zarr output a killed run was making (or deleting, for --overwrite) beside its final name is a hidden
	 * folder of many files: removed, and told as one folder, not as "1 stale temporary file".
	 */
	@Test
	void aKilledRunsHiddenZarrFolderIsRemovedAndToldAsAFolder() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		new FileSaver(new ImagePlus("b", new FloatProcessor(40, 30, new float[40 * 30]))).saveAsTiff(in.resolve("b.tif")
			.toString());
		Path out = Files.createDirectories(tmp.resolve("out"));
		Path skeleton = StaleTemporaries.plant(out, ".convolve2d-", ".ome.zarr", StaleTemporaries.process());
		Files.delete(skeleton);
		Files.createDirectories(skeleton.resolve("0"));
		Files.write(skeleton.resolve("0").resolve("0.0.0.0.0"), new byte[8]);
		Files.write(skeleton.resolve(".zgroup"), new byte[2]);
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--preset", "sobel-x", "--progress",
			"none");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.err.contains("removed 1 stale temporary OME-Zarr folder of an interrupted earlier run"), r.toString());
		assertFalse(Files.exists(skeleton), "removed");
	}

	/**
	 * The real thing: a run in a child JVM killed with SIGKILL ({@link Process#destroyForcibly}) while it writes
	 * leaves temporary files; the next run removes them and completes every output.
	 */
	@Test
	void aRunAfterASigkilledOneLeavesNoTemporaryFileAndEveryOutputWhole() throws Exception {
		int files = 40;
		Path in = Files.createDirectories(tmp.resolve("in"));
		Path camera = Paths.get("sample-images", "camera.png").toAbsolutePath();
		for (int i = 0; i < files; i++) Files.createLink(in.resolve(String.format("img%04d.png", i)), camera);
		Path out = null;
		Object[] args = null;
		List<Path> leftovers = Collections.emptyList();
		// a try catches a write in flight about one time in three here: try until one does, for up to two minutes
		long giveUp = System.nanoTime() + 120_000_000_000L;
		int attempt = 0;
		for (; leftovers.isEmpty() && System.nanoTime() < giveUp; attempt++) {
			// a new folder each time: in the last one the outputs already written would be skipped, and the child
			// would write fewer and fewer files to be caught at
			out = tmp.resolve("out" + attempt);
			// four feature maps a file: a 4 MB TIFF is written for longer than one map's 1 MB, which often ended
			// between the look and the kill (ten tries in a row missed in one run of ten)
			args = new Object[] { "batch", "-i", in, "-o", out, "--preset", "gaussian:2", "--preset", "sobel-x",
				"--preset", "sobel-y", "--preset", "laplacian-4", "--mode", "same", "--threads", 2, "--progress", "lines" };
			ChildCli child = ChildCli.start(Collections.emptyList(), Collections.emptyMap(), args);
			long deadline = System.nanoTime() + 60_000_000_000L;
			// killed the moment a temporary file is seen: a TIFF being written
			while (temporaries(out).isEmpty() && child.process.isAlive() && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertTrue(child.process.isAlive(), "still writing when killed\n" + child);
			child.process.destroyForcibly().waitFor();
			leftovers = temporaries(out);
		}
		assertFalse(leftovers.isEmpty(), "SIGKILL while writing left a temporary file (" + attempt + " tries)");

		CliRun r = CliRun.run(args);
		assertEquals(0, r.code, r.toString());
		assertTrue(r.err.contains("removed " + leftovers.size() + " stale temporary file"), leftovers + "\n" + r);
		assertEquals(Collections.emptyList(), temporaries(out), "no temporary file remains");
		List<Path> outputs;
		try (Stream<Path> s = Files.list(out)) {
			outputs = s.sorted().collect(Collectors.toList());
		}
		assertEquals(files, outputs.size(), outputs.toString());
		for (Path p : outputs) {
			ImagePlus imp = IJ.openImage(p.toString());
			assertNotNull(imp, p + " is a whole TIFF");
			assertEquals(512, imp.getWidth(), p + " is a whole TIFF");
			assertEquals(512, imp.getHeight(), p + " is a whole TIFF");
		}
	}

	private static List<Path> temporaries(Path folder) throws java.io.IOException {
		if (!Files.isDirectory(folder)) return new ArrayList<>();
		try (Stream<Path> s = Files.list(folder)) {
			return s.filter(AtomicTiffWriter::isTemporary).collect(Collectors.toList());
		}
	}
}
