package io.github.convolve2d.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.batch.TinyTiff;
import io.github.convolve2d.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code convolve2d-spark batch --dry-run} on {@code local[2,2]}: each file listed with the decision the Spark run
 * then makes and the run's own reason (headers read in tasks: a file that is not an image, a truncated TIFF, an
 * image a kernel does not fit in valid mode; existing outputs judged by their settings stamp), the same lines and
 * exit code as the single-machine {@code batch --dry-run}, and nothing written.
 */
class DryRunTest {

	private static final Path SAMPLES = Paths.get("../sample-images");
	/** The settings of the dry runs; an earlier run made other.png's output with {@link #OTHER}. */
	private static final List<String> SETTINGS = List.of("--preset", "sobel-x", "--mode", "valid");
	private static final List<String> OTHER = List.of("--preset", "laplacian-4", "--mode", "valid");

	@RegisterExtension
	static final LocalSpark SPARK = new LocalSpark();

	@TempDir
	Path tmp;

	private static CliRun spark(Object... args) {
		return FileJobTest.spark(SPARK.context(), TaskHook.NONE, text(args));
	}

	/** The arguments as text, lists spliced in. */
	private static String[] text(Object... args) {
		List<String> a = new ArrayList<>();
		for (Object o : args) {
			if (o instanceof List) for (Object e : (List<?>) o) a.add(String.valueOf(e));
			else a.add(String.valueOf(o));
		}
		return a.toArray(new String[0]);
	}

	/**
	 * An input folder of seven files and an output folder that earlier runs left: good.tif (to write),
	 * notimage.tif (text), truncated.tif (half a TIFF), tiny.tif (2×2: a 3×3 kernel does not fit it in valid mode),
	 * same.png (its output made by a Spark run with {@link #SETTINGS}), other.png (its output made with
	 * {@link #OTHER}), notours.png (a file at its output that Convolve 2D did not write).
	 */
	private Path[] folders() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("good.tif"));
		Files.write(in.resolve("notimage.tif"), "not an image\n".getBytes(StandardCharsets.US_ASCII));
		byte[] tif = Files.readAllBytes(SAMPLES.resolve("chessboard_GRAY_U16.tif"));
		Files.write(in.resolve("truncated.tif"), Arrays.copyOf(tif, tif.length / 2));
		Files.write(in.resolve("tiny.tif"), TinyTiff.bytes(2, 2, true));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), in.resolve("same.png"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("other.png"));
		Files.copy(SAMPLES.resolve("cell.png"), in.resolve("notours.png"));
		CliRun same = spark("--input", in.resolve("same.png"), "--output", out, SETTINGS);
		assertEquals(0, same.code, same.toString());
		CliRun other = spark("--input", in.resolve("other.png"), "--output", out, OTHER);
		assertEquals(0, other.code, other.toString());
		Files.write(out.resolve("notours.tif"), "the user's own file\n".getBytes(StandardCharsets.US_ASCII));
		return new Path[] { in, out };
	}

	@Test
	void listsWhatTheRunDoesWithTheRunsReasonsAndWritesNothing() throws IOException {
		Path[] f = folders();
		Path in = f[0], out = f[1];
		Map<String, String> before = snapshot(tmp);

		CliRun dry = spark("--input", in, "--output", out, SETTINGS, "--dry-run");
		assertEquals(before, snapshot(tmp), "a dry run writes nothing: " + dry);
		assertEquals(1, dry.code, "some file would fail: " + dry);
		assertEquals("", dry.err, dry.toString());
		List<String> lines = dry.out.lines().collect(Collectors.toList());
		assertEquals(8, lines.size(), dry.toString());
		String i = "file:" + in + "/", o = "file:" + out + "/";
		assertEquals("write    " + i + "good.tif -> " + o + "good.tif", lines.get(0));
		assertEquals("fail     " + i + "notimage.tif: not an image in a format the batch reads (TIFF, PNG, JPEG, GIF, "
			+ "BMP): its first bytes match none of them (it looks like text)", lines.get(1));
		assertEquals("fail     " + i + "notours.png: its output " + out.resolve("notours.tif") + " exists and was not "
			+ "written by Convolve 2D; it is never replaced (not even with --overwrite): move it away, or choose another "
			+ "--output or --suffix", lines.get(2));
		assertEquals("fail     " + i + "other.png: its output " + out.resolve("other.tif") + " exists, made with other "
			+ "settings; --overwrite replaces it, or choose another --output or --suffix", lines.get(3));
		assertEquals("skip     " + i + "same.png (" + o + "same.tif exists, made with the same settings)", lines.get(4));
		assertTrue(lines.get(5).startsWith("fail     " + i + "tiny.tif: ") && lines.get(5).contains("valid mode"),
			lines.get(5));
		assertTrue(lines.get(6).startsWith("fail     " + i + "truncated.tif: truncated or corrupt TIFF: its pixel data "
			+ "should end at byte "), lines.get(6));
		assertEquals("dry run: 1 to write, 1 to skip, 5 failing of 7 files; only image headers were read, nothing was "
			+ "written", lines.get(7));

		// the single-machine dry run lists the same (its names are paths, not file: URIs), with the same exit code
		CliRun local = FileJobTest.batch(text("--input", in, "--output", out, SETTINGS, "--dry-run"));
		assertEquals(dry.code, local.code, local.toString());
		assertEquals(local.out, dry.out.replace("file:/", "/"), "the same lines as batch --dry-run");

		// and the run then does what the dry run said, failing each file with the reason the dry run gave
		CliRun run = spark("--input", in, "--output", out, SETTINGS);
		assertEquals(dry.code, run.code, run.toString());
		assertEquals(List.of(1, 1, 5, 7), FileJobTest.counts(run), run.toString());
		Map<String, String> listed = new TreeMap<>();
		for (String line : lines) {
			if (line.startsWith("fail     ")) {
				String rest = line.substring("fail     ".length());
				int colon = rest.indexOf(": ");
				listed.put(Paths.get(rest.substring(0, colon).replaceFirst("^file:", "")).getFileName().toString(),
					rest.substring(colon + 2));
			}
		}
		assertEquals(FileJobTest.failures(run), listed, run.toString());
		assertTrue(Files.exists(out.resolve("good.tif")), "the file listed as write is written");
	}

	@Test
	void overwriteAndAFreshOutputFolder() throws IOException {
		Path[] f = folders();
		Path in = f[0], out = f[1];
		Map<String, String> before = snapshot(tmp);
		CliRun dry = spark("--input", in, "--output", out, SETTINGS, "--overwrite", "--dry-run");
		List<String> lines = dry.out.lines().collect(Collectors.toList());
		String i = "file:" + in + "/", o = "file:" + out + "/";
		assertTrue(lines.get(2).startsWith("fail     " + i + "notours.png: ") && lines.get(2).contains("never replaced"),
			"a file not ours is never replaced: " + dry);
		assertEquals("replace  " + i + "other.png -> " + o + "other.tif", lines.get(3), dry.toString());
		assertEquals("replace  " + i + "same.png -> " + o + "same.tif", lines.get(4), dry.toString());
		assertEquals("dry run: 3 to write, 0 to skip, 4 failing of 7 files; only image headers were read, nothing was "
			+ "written", lines.get(7), dry.toString());
		assertEquals(1, dry.code, dry.toString());
		assertEquals(before, snapshot(tmp), "a dry run writes nothing");

		// good files only, into a folder that does not exist: listed as written, exit 0, the folder not made
		Path fresh = tmp.resolve("fresh");
		CliRun good = spark("--input", in.resolve("good.tif"), "--input", in.resolve("same.png"), "--output", fresh,
			SETTINGS, "--dry-run");
		assertEquals(0, good.code, good.toString());
		assertEquals("write    file:" + in.resolve("good.tif") + " -> file:" + fresh.resolve("good.tif") + "\n"
			+ "write    file:" + in.resolve("same.png") + " -> file:" + fresh.resolve("same.tif") + "\n"
			+ "dry run: 2 to write, 0 to skip, 0 failing of 2 files; only image headers were read, nothing was written",
			good.out);
		assertFalse(Files.exists(fresh), "a dry run makes no output folder");
	}

	/**
	 * OME-Zarr outputs: the Spark dry run lists each with the decision and reason of batch's (the same code,
	 * {@code BatchRunner.judge}): written, skipped (complete, same settings), resumed (an interrupted run's), refused
	 * (other settings, a folder not ours); and the Spark run that follows does just that.
	 */
	@Test
	void zarrOutputsAreJudgedAsTheRunJudgesThem() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("zin")), out = tmp.resolve("zout");
		for (String name : new String[] { "good", "same", "part", "other", "foreign" }) {
			Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve(name + ".tif"));
		}
		List<String> zarr = List.of("--preset", "sobel-x", "--format", "zarr", "--block", "64");
		assertEquals(0, spark("--input", in.resolve("same.tif"), "--input", in.resolve("part.tif"), "--output", out,
			zarr).code);
		Files.delete(out.resolve("part.ome.zarr/.zattrs")); // as a run killed before its last write leaves it
		assertEquals(0, spark("--input", in.resolve("other.tif"), "--output", out, "--preset", "laplacian-4", "--format",
			"zarr").code);
		Files.write(Files.createDirectories(out.resolve("foreign.ome.zarr")).resolve("notes.txt"), new byte[] { 1 });
		Map<String, String> before = snapshot(tmp);

		CliRun dry = spark("--input", in, "--output", out, zarr, "--dry-run");
		assertEquals(before, snapshot(tmp), "a dry run writes nothing: " + dry);
		assertEquals(1, dry.code, dry.toString());
		List<String> lines = dry.out.lines().collect(Collectors.toList());
		assertEquals(6, lines.size(), dry.toString());
		assertTrue(lines.get(0).startsWith("fail     " + in.resolve("foreign.tif") + ": its output "), dry.toString());
		assertEquals("write    " + in.resolve("good.tif") + " -> " + out.resolve("good.ome.zarr"), lines.get(1));
		assertTrue(lines.get(2).startsWith("fail     " + in.resolve("other.tif") + ": its output ")
			&& lines.get(2).contains("made with other settings"), dry.toString());
		assertEquals("resume   " + in.resolve("part.tif") + " -> " + out.resolve("part.ome.zarr")
			+ " (the blocks a run wrote before are kept: it was interrupted, or is still running)", lines.get(3));
		assertEquals("skip     " + in.resolve("same.tif") + " (" + out.resolve("same.ome.zarr")
			+ " exists, made with the same settings)", lines.get(4));
		assertEquals("dry run: 2 to write, 1 to skip, 2 failing of 5 files; only image headers were read, nothing was "
			+ "written", lines.get(5));

		CliRun local = FileJobTest.batch(text("--input", in, "--output", out, zarr, "--dry-run"));
		assertEquals(dry.code, local.code, local.toString());
		assertEquals(local.out, dry.out, "the same lines as batch --dry-run");

		CliRun run = spark("--input", in, "--output", out, zarr);
		assertEquals(1, run.code, run.toString());
		assertTrue(run.out.contains("2 written, 1 skipped (output exists), 2 failed of 5 files"), run.toString());
		for (String line : lines) {
			if (line.startsWith("fail     ")) {
				assertTrue(run.err.contains("FAILED " + line.substring("fail     ".length())), line + " / " + run);
			}
		}
		assertTrue(Files.isRegularFile(out.resolve("part.ome.zarr/.zattrs")), "the interrupted output was finished");
	}

	/**
	 * A signal (here: before the run) stops a dry run of OME-Zarr outputs as it stops the others: it lists nothing,
	 * says so and returns 1. Those are judged on the driver, where nothing looked at the signal: the dry run listed
	 * every image and returned 0 (with thousands of images, Ctrl-C did nothing until the hook gave up after 30 s).
	 */
	@Test
	void aSignalStopsADryRunOfZarrOutputs() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (String name : new String[] { "a", "b" }) {
			Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve(name + ".tif"));
		}
		for (List<String> format : List.of(List.of("--format", "zarr"), List.of("--format", "tiff"))) {
			Interruption stopped = new Interruption();
			stopped.stop();
			CliRun dry = FileJobTest.spark(SPARK.context(), TaskHook.NONE, stopped, text("--input", in, "--output",
				tmp.resolve("out"), SETTINGS, format, "--dry-run"));
			assertEquals(1, dry.code, format + ": " + dry);
			assertEquals("", dry.out, format + ": " + dry);
			assertTrue(dry.err.matches("interrupted after [0-9.]+ s \\(Ctrl-C or SIGTERM\\): the Spark jobs were "
				+ "cancelled; the dry run listed nothing and wrote nothing: rerun it to see its list\\s*"), format + ": " + dry);
		}
		assertFalse(Files.exists(tmp.resolve("out")), "a dry run writes nothing");
	}

	/** An output folder that cannot be made (a file is in its way): a usage error, as batch's dry run and the run. */
	@Test
	void anOutputFolderThatCannotBeMadeIsAUsageError() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("good.tif"));
		Path blocked = tmp.resolve("blocked");
		Files.write(blocked, new byte[] { 1 });
		for (List<String> format : List.of(List.of("--format", "tiff"), List.of("--format", "zarr"))) {
			Object[] args = { "--input", in, "--output", blocked.resolve("out"), SETTINGS, format, "--dry-run" };
			CliRun dry = spark(args);
			assertEquals(2, dry.code, dry.toString());
			assertTrue(dry.err.startsWith("cannot write into the output folder '" + blocked.resolve("out")
				+ "': a file is in the way (" + blocked + ")"), dry.toString());
			CliRun local = FileJobTest.batch(text(args));
			assertEquals(2, local.code, local.toString());
			assertEquals(local.err.lines().findFirst(), dry.err.lines().findFirst(), "batch's words");
			// and the run, as batch's run: a usage error before any work (with --format zarr every image failed)
			CliRun run = spark(Arrays.copyOf(args, args.length - 1));
			assertEquals(2, run.code, run.toString());
			assertTrue(run.err.startsWith("cannot write into the output folder '" + blocked.resolve("out") + "': "),
				run.toString());
		}
	}

	/**
	 * A file system that is not local (here viewfs://, Hadoop's mount table, standing for HDFS or S3) for the inputs,
	 * the output, or both: the dry run copies a remote input or existing output into the task's scratch folder, as
	 * the run does, and lists each file as the local dry run does, the remote paths named; it wrote nothing.
	 */
	@Test
	void filesOnAFileSystemThatIsNotLocalAreJudgedAsTheRunJudgesThem() throws IOException {
		Path[] f = folders();
		Path in = f[0], out = f[1];
		org.apache.hadoop.conf.Configuration conf = SPARK.context().hadoopConfiguration();
		conf.set("fs.viewfs.mounttable.drytest.link./in", in.toUri().toString());
		conf.set("fs.viewfs.mounttable.drytest.link./out", out.toUri().toString());
		String remoteIn = "viewfs://drytest/in", remoteOut = "viewfs://drytest/out";
		Map<String, String> before = snapshot(tmp);
		String local = spark("--input", in, "--output", out, SETTINGS, "--dry-run").out;
		for (boolean[] remote : new boolean[][] { { true, false }, { false, true }, { true, true } }) {
			CliRun dry = spark("--input", remote[0] ? remoteIn : in, "--output", remote[1] ? remoteOut : out, SETTINGS,
				"--dry-run");
			assertEquals(before, snapshot(tmp), "a dry run writes nothing: " + dry);
			assertEquals(1, dry.code, "some files would fail: " + dry);
			String expected = local;
			if (remote[0]) expected = expected.replace("file:" + in, remoteIn);
			if (remote[1]) expected = expected.replace("file:" + out, remoteOut).replace(out.toString(), remoteOut);
			assertEquals(expected, dry.out, "input remote " + remote[0] + ", output remote " + remote[1]);
			assertEquals("", dry.err, dry.toString());
		}
	}

	/**
	 * A remote file system (reached here through {@code viewfs://}) standing for HDFS: the local disk, where the
	 * status of a file in a folder named {@code locked} is refused, as HDFS refuses it without permission on the
	 * folder (the folder's own status is given).
	 */
	public static final class LockedRemote extends org.apache.hadoop.fs.RawLocalFileSystem {
		@Override
		public java.net.URI getUri() {
			return java.net.URI.create("lockedremote:///");
		}

		@Override
		public org.apache.hadoop.fs.FileStatus getFileStatus(org.apache.hadoop.fs.Path f) throws IOException {
			if (f.getParent() != null && f.getParent().getName().equals("locked")) {
				throw new org.apache.hadoop.security.AccessControlException("Permission denied: user=someone, "
					+ "access=EXECUTE, inode=\"" + f.getParent() + "\"");
			}
			return super.getFileStatus(f);
		}

		/** A folder named {@code readonly} may not be written, as an HDFS folder of another user's. */
		@Override
		public void access(org.apache.hadoop.fs.Path path, org.apache.hadoop.fs.permission.FsAction mode)
			throws IOException
		{
			if (path.getName().equals("readonly") && mode.implies(org.apache.hadoop.fs.permission.FsAction.WRITE)) {
				throw new org.apache.hadoop.security.AccessControlException("Permission denied: user=someone, access="
					+ mode + ", inode=\"" + path + "\"");
			}
			// else allowed (Hadoop's check of the local disk's permissions takes file: paths only)
		}
	}

	/** Mounts {@code target} (a local folder) at {@code viewfs://TABLE/NAME} on {@link LockedRemote}. */
	private static String remote(String table, String name, Path target) {
		org.apache.hadoop.conf.Configuration conf = SPARK.context().hadoopConfiguration();
		conf.set("fs.lockedremote.impl", LockedRemote.class.getName());
		conf.set("fs.viewfs.mounttable." + table + ".link./" + name, "lockedremote://" + target.toAbsolutePath());
		return "viewfs://" + table + "/" + name;
	}

	/**
	 * An output on a remote file system whose files' status is refused (HDFS without permission on the folder):
	 * each file is that file's failure with the reason the run gives it (FileJob.remote); it failed the dry run's
	 * tasks and then its job with Spark's stack traces.
	 */
	@Test
	void aRemoteOutputWhoseStatusIsRefusedIsThatFilesFailure() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in")), out = Files.createDirectories(tmp.resolve("locked"));
		Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("good.tif"));
		String remoteOut = remote("lockedout", "out", out);
		CliRun dry = spark("--input", in, "--output", remoteOut, SETTINGS, "--dry-run");
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.startsWith("fail     file:" + in.resolve("good.tif") + ": cannot read its existing output "
			+ remoteOut + "/good.tif (Permission denied: "), dry.toString());
	}

	/**
	 * A remote output folder that cannot be made (a file in its way) or written (no permission): a usage error in
	 * batch's words, as for a local folder and as the run's probe finds it; the dry run listed every file to write.
	 */
	@Test
	void aRemoteOutputFolderThatCannotBeWrittenIsAUsageError() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("good.tif"));
		Files.write(tmp.resolve("blocked"), new byte[] { 1 });
		Files.createDirectories(tmp.resolve("readonly"));
		String root = remote("writetest", "root", tmp);
		Map<String, String> cases = Map.of(root + "/blocked/out", "a file is in the way (" + root + "/blocked)",
			root + "/readonly/out", "permission denied", root + "/readonly", "permission denied");
		for (Map.Entry<String, String> c : cases.entrySet()) {
			CliRun dry = spark("--input", in, "--output", c.getKey(), SETTINGS, "--dry-run");
			assertEquals(2, dry.code, dry.toString());
			assertEquals("cannot write into the output folder '" + c.getKey() + "': " + c.getValue(),
				dry.err.lines().findFirst().orElse(""), dry.toString());
		}
		Path fresh = Files.createDirectories(tmp.resolve("open"));
		CliRun dry = spark("--input", in, "--output", root + "/open/new/out", SETTINGS, "--dry-run");
		assertEquals(0, dry.code, "a folder that can be made: " + dry);
		assertFalse(Files.exists(fresh.resolve("new")), "a dry run makes no output folder");
	}

	/**
	 * An OME-Zarr image on a remote file system known by its metadata files, as batch knows one, not only by a
	 * {@code .zarr} name: met in a folder (not recursive) it is listed as failing with the reason of one named
	 * {@code .zarr} (it was left out without a word), and given as an input it is refused as one named {@code .zarr}
	 * (it was listed as a folder without images).
	 */
	@Test
	void aRemoteZarrImageIsKnownByItsMetadataAsInBatch() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Path plate = Files.createDirectories(in.resolve("plate"));
		Files.write(plate.resolve(".zattrs"), "{}".getBytes(StandardCharsets.US_ASCII));
		Files.createDirectories(in.resolve("plain")); // a folder of no image: not listed, as in batch
		Files.createDirectories(in.resolve("b.zarr"));
		String remoteIn = remote("zarrtest", "in", in);
		CliRun dry = spark("--input", remoteIn, "--output", tmp.resolve("out"), SETTINGS, "--dry-run");
		List<String> lines = dry.out.lines().collect(Collectors.toList());
		assertEquals(4, lines.size(), dry.toString());
		assertTrue(lines.get(0).startsWith("fail     " + remoteIn + "/b.zarr: an OME-Zarr image or Zarr array: "),
			dry.toString());
		assertTrue(lines.get(2).startsWith("fail     " + remoteIn + "/plate: " + lines.get(0).substring(lines.get(0)
			.indexOf(": ") + 2)), dry.toString());
		assertEquals(1, dry.code, dry.toString());

		CliRun named = spark("--input", remoteIn + "/b.zarr", "--output", tmp.resolve("out"), SETTINGS, "--dry-run");
		assertEquals(2, named.code, named.toString());
		CliRun byMetadata = spark("--input", remoteIn + "/plate", "--output", tmp.resolve("out"), SETTINGS, "--dry-run");
		assertEquals(2, byMetadata.code, byMetadata.toString());
		assertEquals(named.err.replace(remoteIn + "/b.zarr", remoteIn + "/plate"), byMetadata.err);
	}

	/** Every file and folder below {@code root}: its size, time and bytes (small files), by relative path. */
	private static Map<String, String> snapshot(Path root) throws IOException {
		Map<String, String> m = new TreeMap<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : (Iterable<Path>) walk::iterator) {
				String key = root.relativize(p).toString();
				if (Files.isDirectory(p)) m.put(key + "/", "folder " + Files.getLastModifiedTime(p));
				else {
					m.put(key, Files.size(p) + " bytes, " + Files.getLastModifiedTime(p) + ", "
						+ Arrays.hashCode(Files.readAllBytes(p)));
				}
			}
		}
		return m;
	}
}
