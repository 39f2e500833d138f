package io.github.convolve2d.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.ZarrArray;
import io.github.convolve2d.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Spark block job on {@code local[2,2]} against the single-machine {@code batch} on the same OME-Zarr image,
 * with a pyramid: the same files with the same bytes (chunks of every level and metadata), also when a task attempt
 * fails after writing its blocks (or its pyramid chunks) and is retried.
 */
class BlockJobTest {

	private static final AtomicInteger INJECTED = new AtomicInteger();
	@RegisterExtension
	static final LocalSpark SPARK = new LocalSpark();

	@TempDir
	Path tmp;

	/** A 300×200 float image, two channels, in chunks of 128×96 (not the output's blocks), random values. */
	private Path input() throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("in")).resolve("big.zarr");
		int w = 300, h = 200, cw = 128, ch = 96;
		OmeZarr image = OmeZarr.create(dir, new int[] { 1, 2, 1, h, w }, cw, ch, Compressor.zlib(1),
			new double[] { 1, 1, 1, 0.5, 0.25 }, new double[5], new String[5], null);
		ZarrArray a = image.array();
		Random r = new Random(11);
		for (int c = 0; c < 2; c++) {
			for (int cy = 0; cy * ch < h; cy++) {
				for (int cx = 0; cx * cw < w; cx++) {
					float[] v = new float[cw * ch];
					for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
					a.writeChunk(new int[] { 0, c, 0, cy, cx }, v);
				}
			}
		}
		image.commit();
		return dir;
	}

	/** Relative path → bytes of every file under {@code dir}. */
	private static Map<String, byte[]> files(Path dir) throws IOException {
		Map<String, byte[]> m = new TreeMap<>();
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
				m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
			}
		}
		return m;
	}

	private static void assertSameFiles(Path expected, Path actual) throws IOException {
		Map<String, byte[]> e = files(expected), a = files(actual);
		assertEquals(e.keySet(), a.keySet());
		for (String k : e.keySet()) assertArrayEquals(e.get(k), a.get(k), k);
	}

	@Test
	void sameBytesAsBatchAlsoWithAFailedAttempt() throws IOException {
		Path in = input();
		List<String> options = List.of("--format", "zarr", "--block", "64", "--preset", "gaussian:3", "--mode",
			"same", "--border", "reflect", "--zarr-compression", "zlib", "--zarr-pyramid");
		String[] batchArgs = Stream.concat(Stream.of("-i", in.toString(), "-o", tmp.resolve("batch").toString()),
			options.stream()).toArray(String[]::new);
		CliRun batch = FileJobTest.batch(batchArgs);
		assertEquals(0, batch.code, batch.toString());
		Path expected = tmp.resolve("batch/big.ome.zarr");
		assertTrue(Files.isRegularFile(expected.resolve(".zattrs")), batch.toString());
		assertTrue(Files.isRegularFile(expected.resolve("3/.zarray")), "300×200 in blocks of 64: 4 levels");

		String[] sparkArgs = Stream.concat(Stream.of("-i", "file:" + in, "-o", tmp.resolve("spark").toString()),
			options.stream()).toArray(String[]::new);
		CliRun spark = FileJobTest.spark(SPARK.context(), TaskHook.NONE, sparkArgs);
		assertEquals(0, spark.code, spark.toString());
		assertEquals(List.of(1, 0, 0, 1), FileJobTest.counts(spark));
		assertSameFiles(expected, tmp.resolve("spark/big.ome.zarr"));

		// the task holding block 0 and the first task of pyramid level 1 fail once after writing; Spark retries them
		INJECTED.set(0);
		String[] failing = Stream.concat(Stream.of("-i", in.toString(), "-o", tmp.resolve("retried").toString()),
			options.stream()).toArray(String[]::new);
		CliRun retried = FileJobTest.spark(SPARK.context(), (output, attempt) -> {
			if ((output.endsWith("#0") || output.endsWith("#level 1 from 0")) && attempt == 0) {
				INJECTED.incrementAndGet();
				throw new IOException("injected failure");
			}
		}, failing);
		assertEquals(2, INJECTED.get());
		assertEquals(0, retried.code, retried.toString());
		assertSameFiles(expected, tmp.resolve("retried/big.ome.zarr"));

		// a rerun finds the output complete
		CliRun again = FileJobTest.spark(SPARK.context(), TaskHook.NONE, sparkArgs);
		assertEquals(List.of(0, 1, 0, 1), FileJobTest.counts(again), again.toString());
	}

	/**
	 * A block task that fails on every attempt (a full disk, say) fails its image with the task's reason on one short
	 * line; the line held Spark's whole message: every frame of the task's stack trace and the driver's.
	 */
	@Test
	void aBlockTaskThatFailsEveryAttemptFailsItsImageWithTheReason() throws IOException {
		Path in = input();
		CliRun run = FileJobTest.spark(SPARK.context(), (output, attempt) -> {
			throw new IOException("No space left on device");
		}, "-i", in.toString(), "-o", tmp.resolve("full").toString(), "--format", "zarr", "--block", "64", "--preset",
			"sobel-x");
		assertEquals(1, run.code, run.toString());
		List<String> failed = run.err.lines().filter(l -> l.startsWith("FAILED ")).collect(Collectors.toList());
		assertEquals(1, failed.size(), run.toString());
		assertTrue(failed.get(0).startsWith("FAILED " + in + ": cannot convolve " + in + " into "), run.toString());
		assertTrue(failed.get(0).contains("java.io.IOException: No space left on device"), run.toString());
		assertTrue(!failed.get(0).contains("\tat ") && !failed.get(0).contains("⏎") && failed.get(0).length() < 600,
			run.toString());
	}

	/**
	 * With a default file system that is not the local disk ({@code fs.defaultFS}; here viewfs://, standing for
	 * HDFS), a path without a scheme is on it, as for the file job (Hadoop's rule): an OME-Zarr run given one is a
	 * usage error that says so and how to name the local disk. It read the path on the local disk: "input '/in/big.zarr'
	 * does not exist" for an image that the run's own file system holds at that path.
	 */
	@Test
	void aPathWithoutSchemeIsOnTheDefaultFileSystemForZarrAsForFiles() throws IOException {
		Path in = input();
		org.apache.hadoop.conf.Configuration conf = SPARK.context().hadoopConfiguration();
		String before = conf.get("fs.defaultFS");
		try {
			conf.set("fs.viewfs.mounttable.zdefault.link./in", in.getParent().toUri().toString());
			conf.set("fs.viewfs.mounttable.zdefault.link./out", Files.createDirectories(tmp.resolve("out")).toUri()
				.toString());
			conf.set("fs.defaultFS", "viewfs://zdefault/");
			for (String[] paths : new String[][] { { "/in/big.zarr", "/out" }, { "file:" + in, "/out" } }) {
				CliRun run = FileJobTest.spark(SPARK.context(), TaskHook.NONE, "-i", paths[0], "-o", paths[1], "--format",
					"zarr", "--preset", "sobel-x");
				assertEquals(2, run.code, run.toString());
				String bad = paths[0].startsWith("/") ? paths[0] : paths[1];
				assertEquals("'" + bad + "' is on the default file system viewfs://zdefault/ (fs.defaultFS), as every path "
					+ "without a scheme: OME-Zarr images are read and written on a local or shared mounted file system "
					+ "only; give file:" + bad + " for the local disk", run.err.lines().findFirst().orElse(""), run.toString());
			}
		}
		finally {
			if (before == null) conf.unset("fs.defaultFS");
			else conf.set("fs.defaultFS", before);
		}
		CliRun local = FileJobTest.spark(SPARK.context(), TaskHook.NONE, "-i", in.toString(), "-o",
			tmp.resolve("out").toString(), "--format", "zarr", "--preset", "sobel-x");
		assertEquals(0, local.code, "the local default again: " + local);
	}

	/** The kernel file the hook of {@link #aKernelFileABlockTaskCannotReadFailsItsImageWithTheReason} removes. */
	private static String vanishing;

	/**
	 * A kernel file that a block task cannot read (on a cluster: a path on the driver's disk only; here: removed once
	 * the first blocks are written) fails the image with the reason the file job gives, on one line, and a rerun with
	 * the file back resumes it: the line was Spark's ("Job aborted due to stage failure: Task 1 in stage 3.0 failed 2
	 * times, most recent failure: Lost task ... picocli.CommandLine$ParameterException: ...").
	 */
	@Test
	void aKernelFileABlockTaskCannotReadFailsItsImageWithTheReason() throws IOException {
		Path in = input();
		Path kernel = Files.write(tmp.resolve("kernel.txt"), "1 0 -1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		vanishing = kernel.toString();
		String[] args = { "-i", in.toString(), "-o", tmp.resolve("out").toString(), "--format", "zarr", "--block", "64",
			"--kernel-file", kernel.toString() };
		CliRun run = FileJobTest.spark(SPARK.context(), (output, attempt) -> Files.deleteIfExists(
			java.nio.file.Paths.get(vanishing)), args);
		assertEquals(1, run.code, run.toString());
		List<String> failed = run.err.lines().filter(l -> l.startsWith("FAILED ")).collect(Collectors.toList());
		assertEquals(1, failed.size(), run.toString());
		assertTrue(failed.get(0).startsWith("FAILED " + in + ": this task cannot read the run's options on its node: "),
			run.toString());
		assertTrue(failed.get(0).contains("kernel file '" + kernel + "'"), run.toString());
		assertTrue(failed.get(0).endsWith("(every node reads --kernel-file, --weights and --bias itself: give paths that "
			+ "every node can read, unchanged while the run lasts); rerun to resume: finished blocks are kept"),
			run.toString());
		assertTrue(!run.err.contains("Exception") && !run.err.contains("stage"), run.toString());

		Files.write(kernel, "1 0 -1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		CliRun rerun = FileJobTest.spark(SPARK.context(), TaskHook.NONE, args);
		assertEquals(0, rerun.code, rerun.toString());
		assertEquals(List.of(1, 0, 0, 1), FileJobTest.counts(rerun), rerun.toString());
	}

	/** The run a signal stops (as {@link Interruption}'s hook stops it), from its tasks. */
	private static Interruption stopping;

	/**
	 * Ctrl-C or SIGTERM while an image runs block by block: the run says it was interrupted and returns batch's 1
	 * (no stack trace, no FAILED line for the stopped image, no job started after it), and a rerun resumes the
	 * output into the bytes of batch's.
	 */
	@Test
	void aSignalStopsTheBlocksAndARerunResumesThem() throws IOException {
		Path in = input();
		List<String> options = List.of("--format", "zarr", "--block", "64", "--preset", "gaussian:3", "--mode",
			"same", "--zarr-pyramid");
		CliRun batch = FileJobTest.batch(Stream.concat(Stream.of("-i", in.toString(), "-o",
			tmp.resolve("batch").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, batch.code, batch.toString());
		String[] sparkArgs = Stream.concat(Stream.of("-i", in.toString(), "-o", tmp.resolve("spark").toString()),
			options.stream()).toArray(String[]::new);
		stopping = new Interruption();
		CliRun stopped = FileJobTest.spark(SPARK.context(), (output, attempt) -> stopping.stop(), stopping, sparkArgs);
		assertEquals(1, stopped.code, stopped.toString());
		assertTrue(stopped.err.contains("interrupted after "), stopped.toString());
		assertTrue(!stopped.err.contains("FAILED") && !stopped.err.contains("Exception"), stopped.toString());
		assertTrue(!Files.exists(tmp.resolve("spark/big.ome.zarr/.zattrs"))
			|| !Files.exists(tmp.resolve("spark/big.ome.zarr/3/.zarray")), "not committed: " + stopped);

		CliRun rerun = FileJobTest.spark(SPARK.context(), TaskHook.NONE, sparkArgs);
		assertEquals(0, rerun.code, rerun.toString());
		assertEquals(List.of(1, 0, 0, 1), FileJobTest.counts(rerun), rerun.toString());
		assertSameFiles(tmp.resolve("batch/big.ome.zarr"), tmp.resolve("spark/big.ome.zarr"));
	}

	@Test
	void aConvolutionLayerBlockByBlockGivesTheBytesOfBatch() throws IOException {
		Path in = input();
		Path weights = tmp.resolve("layer.json");
		// 2 outputs over the 2 input channels, 3×3, with a bias and ReLU
		Files.write(weights, ("{\"weights\": [[[[1, 0, -1], [2, 0, -2], [1, 0, -1]], [[0, 1, 0], [1, -4, 1], [0, 1, 0]]],"
			+ " [[[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]], [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]]], \"bias\": [0.25, -1]}")
			.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		List<String> options = List.of("--format", "zarr", "--block", "64", "--weights", weights.toString(), "--relu",
			"--mode", "same", "--border", "reflect");
		CliRun batch = FileJobTest.batch(Stream.concat(Stream.of("-i", in.toString(), "-o",
			tmp.resolve("batch").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, batch.code, batch.toString());
		CliRun spark = FileJobTest.spark(SPARK.context(), TaskHook.NONE, Stream.concat(Stream.of("-i", "file:" + in, "-o",
			tmp.resolve("spark").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, spark.code, spark.toString());
		assertSameFiles(tmp.resolve("batch/big.ome.zarr"), tmp.resolve("spark/big.ome.zarr"));
	}

	/** {@code --zarr-format 3}: an NGFF 0.5 output on Zarr v3 from an NGFF 0.4 input, the bytes of batch's. */
	@Test
	void zarrFormat3GivesTheBytesOfBatch() throws IOException {
		Path in = input();
		List<String> options = List.of("--format", "zarr", "--block", "64", "--preset", "laplacian-4",
			"--zarr-format", "3", "--zarr-compression", "gzip", "--zarr-pyramid");
		CliRun batch = FileJobTest.batch(Stream.concat(Stream.of("-i", in.toString(), "-o",
			tmp.resolve("batch").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, batch.code, batch.toString());
		assertTrue(Files.isRegularFile(tmp.resolve("batch/big.ome.zarr/0/zarr.json")), batch.toString());
		String[] sparkArgs = Stream.concat(Stream.of("-i", in.toString(), "-o", tmp.resolve("spark").toString()),
			options.stream()).toArray(String[]::new);
		CliRun spark = FileJobTest.spark(SPARK.context(), TaskHook.NONE, sparkArgs);
		assertEquals(0, spark.code, spark.toString());
		assertSameFiles(tmp.resolve("batch/big.ome.zarr"), tmp.resolve("spark/big.ome.zarr"));
		CliRun again = FileJobTest.spark(SPARK.context(), TaskHook.NONE, sparkArgs);
		assertEquals(List.of(0, 1, 0, 1), FileJobTest.counts(again), "the complete v3 output is skipped: " + again);
	}

	/** A folder holding an OME-Zarr image makes an OME-Zarr output without --format zarr, as batch makes it. */
	@Test
	void aFolderOfZarrImagesNeedsNoFormatOption() throws IOException {
		Path in = input().getParent();
		List<String> options = List.of("--block", "64", "--preset", "laplacian-4");
		CliRun batch = FileJobTest.batch(Stream.concat(Stream.of("-i", in.toString(), "-o",
			tmp.resolve("batch").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, batch.code, batch.toString());
		CliRun spark = FileJobTest.spark(SPARK.context(), TaskHook.NONE, Stream.concat(Stream.of("-i", in.toString(),
			"-o", tmp.resolve("spark").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, spark.code, spark.toString());
		assertEquals(List.of(1, 0, 0, 1), FileJobTest.counts(spark));
		assertSameFiles(tmp.resolve("batch/big.ome.zarr"), tmp.resolve("spark/big.ome.zarr"));
	}

	/**
	 * A {@code file:} URI with a space (as the file job reads it: Hadoop's {@code Path}, unescaped): the OME-Zarr
	 * image in the folder runs block by block as in {@code batch}, and {@code --format zarr} takes the URI too.
	 */
	@Test
	void aFileUriWithASpaceFindsTheZarrImage() throws IOException {
		Path in = Files.move(input().getParent(), tmp.resolve("my images"));
		List<String> options = List.of("--block", "64", "--preset", "laplacian-4");
		CliRun batch = FileJobTest.batch(Stream.concat(Stream.of("-i", in.toString(), "-o",
			tmp.resolve("batch").toString()), options.stream()).toArray(String[]::new));
		assertEquals(0, batch.code, batch.toString());
		CliRun spark = FileJobTest.spark(SPARK.context(), TaskHook.NONE, Stream.concat(Stream.of("-i", "file:" + in,
			"-o", "file:" + tmp.resolve("spark out")), options.stream()).toArray(String[]::new));
		assertEquals(0, spark.code, spark.toString());
		assertEquals(List.of(1, 0, 0, 1), FileJobTest.counts(spark));
		assertSameFiles(tmp.resolve("batch/big.ome.zarr"), tmp.resolve("spark out/big.ome.zarr"));

		CliRun zarr = FileJobTest.spark(SPARK.context(), TaskHook.NONE, Stream.concat(Stream.of("-i", "file:" + in,
			"-o", "file:" + tmp.resolve("spark out"), "--format", "zarr"), options.stream()).toArray(String[]::new));
		assertEquals(0, zarr.code, zarr.toString());
		assertEquals(List.of(0, 1, 0, 1), FileJobTest.counts(zarr), "the complete output is skipped: " + zarr);
	}

	/**
	 * A folder holding an OME-Zarr image and a TIFF, without {@code --format zarr}: as in {@code batch}, the image runs
	 * block by block into OME-Zarr and the TIFF as a file into a TIFF, in one run with one summary; the dry run lists
	 * both as batch's does. The same bytes as batch's outputs.
	 */
	@Test
	void aFolderMixingZarrImagesAndFilesRunsEachAsBatchDoes() throws IOException {
		Path in = input().getParent();
		Files.write(in.resolve("small.tif"), io.github.convolve2d.batch.TinyTiff.bytes(40, 30, true));
		List<String> options = List.of("--block", "64", "--preset", "laplacian-4");
		String[] batchArgs = Stream.concat(Stream.of("-i", in.toString(), "-o", tmp.resolve("batch").toString()),
			options.stream()).toArray(String[]::new);
		CliRun batchDry = FileJobTest.batch(Stream.concat(Stream.of(batchArgs), Stream.of("--dry-run")).toArray(String[]::new));
		CliRun batch = FileJobTest.batch(batchArgs);
		assertEquals(0, batch.code, batch.toString());
		String[] sparkArgs = Stream.concat(Stream.of("-i", in.toString(), "-o", tmp.resolve("spark").toString()),
			options.stream()).toArray(String[]::new);
		CliRun dry = FileJobTest.spark(SPARK.context(), TaskHook.NONE,
			Stream.concat(Stream.of(sparkArgs), Stream.of("--dry-run")).toArray(String[]::new));
		assertEquals(0, dry.code, dry.toString());
		// in batch's order too (big.zarr before small.tif; the files' lines came first)
		List<String> lines = dry.out.replace("file:/", "/").lines().collect(Collectors.toList());
		assertEquals(batchDry.out.replace(tmp.resolve("batch").toString(), tmp.resolve("spark").toString()).lines()
			.collect(Collectors.toList()), lines, "the lines of batch's dry run: " + dry);
		assertTrue(dry.out.contains("2 to write"), dry.toString());

		CliRun spark = FileJobTest.spark(SPARK.context(), TaskHook.NONE, sparkArgs);
		assertEquals(0, spark.code, spark.toString());
		assertEquals(List.of(2, 0, 0, 2), FileJobTest.counts(spark));
		assertSameFiles(tmp.resolve("batch/big.ome.zarr"), tmp.resolve("spark/big.ome.zarr"));
		assertArrayEquals(Files.readAllBytes(tmp.resolve("batch/small.tif")), Files.readAllBytes(tmp.resolve("spark/small.tif")));
	}
}
