package io.github.convolve2d.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TemporaryFiles}: a later run removes the temporary files of writers that are gone — and nothing else:
 * not a live writer's (this process's), not a user's file with a similar name, not an older name without a process
 * id, not one written on another machine.
 */
class TemporaryFilesTest {

	private static final TemporaryFiles TIFF = new TemporaryFiles(".convolve2d-", ".tif");

	@TempDir
	Path tmp;

	@Test
	void namesCarryThisProcessAndMatchOnlyTheirFamily() throws Exception {
		Path made = TIFF.create(tmp);
		String name = made.getFileName().toString();
		assertTrue(name.startsWith(".convolve2d-" + ProcessHandle.current().pid() + "-"), name);
		assertTrue(TIFF.matches(made), name);
		assertFalse(new TemporaryFiles(".convolve2d-", ".partial").matches(made), "another family: " + name);
		assertFalse(TIFF.isStale(made), "this process is alive: " + name);
	}

	@Test
	void removesExactlyTheFilesOfWritersThatAreGone() throws Exception {
		StaleTemporaries.Dead dead = StaleTemporaries.process();
		long self = ProcessHandle.current().pid(), selfStart = TemporaryFiles.Writer.SELF.start;
		assertTrue(ProcessHandle.of(dead.pid).map(p -> p.info().startInstant().map(i -> i.toEpochMilli())
			.orElse(0L) != dead.start).orElse(true), "the process started by the test is gone");
		List<Path> stale = new ArrayList<>();
		stale.add(StaleTemporaries.plant(tmp, ".convolve2d-", ".tif", dead));
		// this process's id, but another start instant: the id belonged to an earlier process
		stale.add(Files.write(tmp.resolve(StaleTemporaries.name(".convolve2d-", ".tif", self, selfStart - 86_400_000L)),
			new byte[1]));

		List<Path> kept = new ArrayList<>();
		kept.add(TIFF.create(tmp)); // this live process's
		kept.add(StaleTemporaries.live(tmp, ".convolve2d-", ".tif"));
		String deadTag = dead.pid + "-" + Long.toString(dead.start, 36) + "-" + TemporaryFiles.Writer.SELF.host;
		for (String similar : new String[] {
			".convolve2d-" + deadTag + "-k1ll3d.tif.bak", // a user's copy
			"convolve2d-" + deadTag + "-k1ll3d.tif", // not hidden
			".convolve2d-" + deadTag + "-K1LL3D.tif", // upper case: not a name this code writes
			".convolve2d-" + deadTag + "-k1ll3d.tiff",
			".Convolve2d-" + deadTag + "-k1ll3d.tif",
			".convolve2d-" + deadTag + ".tif", // no random part
			".convolve2d-3k2j1x9q.tif", // an older version's, without a process id
			".convolve2d-spark-0-1-0-k1ll3d.tif", // the Spark job's on HDFS or S3
			".convolve2d-" + dead.pid + "-" + Long.toString(dead.start, 36) + "-0a1b2c3d-k1ll3d.tif", // another machine
			".convolve2d-" + dead.pid + "-" + Long.toString(dead.start, 36) + "-00000000-k1ll3d.tif", // unknown machine
			".convolve2d-" + self + "-0-" + TemporaryFiles.Writer.SELF.host + "-k1ll3d.tif", // live id, start unknown
			"notes.txt" })
		{
			kept.add(Files.write(tmp.resolve(similar), new byte[] { 1 }));
		}
		Path folderNamedLikeOne = Files.createDirectory(tmp.resolve(StaleTemporaries.name(".convolve2d-", ".tif",
			dead.pid, dead.start).replace("k1ll3d", "f0lder")));
		kept.add(folderNamedLikeOne);
		Path elsewhere = Files.createDirectory(tmp.resolve("sub"));
		Path below = StaleTemporaries.plant(elsewhere, ".convolve2d-", ".tif", dead);
		kept.add(below); // below the folder swept, not in it

		assertEquals(stale.size(), TIFF.removeStale(tmp), "files removed");
		for (Path p : stale) assertFalse(Files.exists(p), "a dead writer's leftover is removed: " + p);
		for (Path p : kept) assertTrue(Files.exists(p), "kept: " + p);
		try (Stream<Path> s = Files.list(tmp)) {
			assertEquals(kept.size(), s.count(), "nothing else went (the kept files but the one below, and sub/): " + kept);
		}
		assertEquals(0, TIFF.removeStale(tmp), "nothing more to remove");
		assertEquals(0, TIFF.removeStale(tmp.resolve("missing")), "a folder that does not exist holds none");
		assertEquals(0, new TemporaryFiles(".convolve2d-", ".partial").removeStale(elsewhere), "another family");
		assertTrue(Files.exists(below));
	}

	/** A family of folders (outputs made whole before they take their names): a dead writer's go with their files. */
	@Test
	void aFolderFamilyRemovesTheFoldersOfWritersThatAreGoneAndNothingElse() throws Exception {
		StaleTemporaries.Dead dead = StaleTemporaries.process();
		TemporaryFiles family = new TemporaryFiles(".convolve2d-", ".ome.zarr", true);
		Path stale = Files.createDirectory(tmp.resolve(StaleTemporaries.name(".convolve2d-", ".ome.zarr", dead.pid,
			dead.start)));
		Files.createDirectories(stale.resolve("0/0"));
		Files.write(stale.resolve("0/.zarray"), new byte[] { 1 });
		Path live = Files.createDirectory(tmp.resolve(family.newName()));
		Path fileNamedLikeOne = Files.write(tmp.resolve(StaleTemporaries.name(".convolve2d-", ".ome.zarr", dead.pid,
			dead.start).replace("k1ll3d", "f1le")), new byte[] { 1 });
		assertEquals(1, family.removeStale(tmp));
		assertFalse(Files.exists(stale), "a dead writer's folder is removed with what it holds");
		assertTrue(Files.isDirectory(live) && Files.exists(fileNamedLikeOne), "this process's folder and a file stay");
	}

	@Test
	void aSymbolicLinkNamedLikeALeftoverIsKeptAndSoIsItsTarget() throws Exception {
		StaleTemporaries.Dead dead = StaleTemporaries.process();
		Path target = Files.write(tmp.resolve("precious.tif"), new byte[] { 7 });
		Path link = tmp.resolve(StaleTemporaries.name(".convolve2d-", ".tif", dead.pid, dead.start));
		try {
			Files.createSymbolicLink(link, target);
		}
		catch (UnsupportedOperationException | java.io.IOException e) {
			org.junit.jupiter.api.Assumptions.abort("no symbolic links here: " + e);
		}
		assertEquals(0, TIFF.removeStale(tmp));
		try (Stream<Path> s = Files.list(tmp)) {
			assertEquals(List.of(link, target).stream().sorted().collect(Collectors.toList()),
				s.sorted().collect(Collectors.toList()));
		}
	}

	@Test
	void aZarrArrayLosesItsKilledWritersPartialChunksAlsoInNestedChunkFolders() throws Exception {
		StaleTemporaries.Dead dead = StaleTemporaries.process();
		for (String separator : new String[] { ".", "/" }) {
			Path dir = Files.createDirectories(tmp.resolve("array" + (separator.equals(".") ? "-flat" : "-nested")));
			Files.write(dir.resolve(".zarray"), ("{\"zarr_format\": 2, \"shape\": [1, 4, 4], \"chunks\": [1, 2, 2], "
				+ "\"dtype\": \"<f4\", \"compressor\": null, \"fill_value\": 0, \"filters\": null, \"order\": \"C\", "
				+ "\"dimension_separator\": \"" + separator + "\"}").getBytes("UTF-8"));
			ZarrArray array = ZarrArray.open(dir);
			array.writeChunk(new int[] { 0, 1, 1 }, new float[4]);
			Path chunkFolder = array.chunkPath(new int[] { 0, 1, 1 }).getParent();
			Path stale = StaleTemporaries.plant(chunkFolder, ".convolve2d-", ".partial", dead);
			Path live = StaleTemporaries.live(chunkFolder, ".convolve2d-", ".partial");
			Path tif = StaleTemporaries.plant(chunkFolder, ".convolve2d-", ".tif", dead); // not the Zarr writer's
			assertEquals(1, array.removeStaleTemporaries(), separator);
			assertFalse(Files.exists(stale), separator);
			assertTrue(Files.exists(live) && Files.exists(tif) && array.hasChunk(new int[] { 0, 1, 1 }), separator);
			assertEquals(separator.equals("/"), !chunkFolder.equals(dir), "the chunk is in a folder of its own");
		}
	}

	/** The host name lookup where the platform gives no name (macOS) is bounded: a stalled one gives no key. */
	@Test
	void aHostNameLookupThatStallsGivesUpInTime() {
		assertEquals("host", TemporaryFiles.Writer.within(() -> "host", 1000));
		long t0 = System.nanoTime();
		assertNull(TemporaryFiles.Writer.within(() -> {
			Thread.sleep(30_000);
			return "late";
		}, 200));
		assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "returned after the limit, not after the lookup");
		assertNull(TemporaryFiles.Writer.within(() -> {
			throw new java.net.UnknownHostException("no name");
		}, 1000));
	}
}
