package io.github.convolve2d.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.Opener;
import io.github.convolve2d.cli.CliRun;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Spark batch job on {@code local[2,2]} (two cores, a failed task attempt retried once) against the
 * single-machine {@code batch} command on the same inputs: the same output files with the same bytes, the same
 * failures with the same reasons, the same counts and exit codes, also when a task attempt fails between writing
 * an output's temporary file and renaming it.
 */
class FileJobTest {

	private static final Path SAMPLES = Paths.get("../sample-images");
	private static final Pattern SUMMARY =
		Pattern.compile("(\\d+) written, (\\d+) skipped \\(output exists\\), (\\d+) failed of (\\d+) files");
	private static final Pattern FAILED = Pattern.compile("(?m)^FAILED (.*?): (.*)$");

	/** Injected failures, counted across the task attempts (local mode: one JVM). */
	private static final AtomicInteger INJECTED = new AtomicInteger();

	@RegisterExtension
	static final LocalSpark SPARK = new LocalSpark();

	@TempDir
	Path tmp;

	/** The summary's counts: written, skipped, failed, files. */
	static List<Integer> counts(CliRun r) {
		Matcher m = SUMMARY.matcher(r.out);
		assertTrue(m.find(), "no summary in " + r);
		return List.of(Integer.valueOf(m.group(1)), Integer.valueOf(m.group(2)), Integer.valueOf(m.group(3)),
			Integer.valueOf(m.group(4)));
	}

	/** File name of each failed input → its reason. */
	static Map<String, String> failures(CliRun r) {
		Map<String, String> f = new TreeMap<>();
		Matcher m = FAILED.matcher(r.err);
		while (m.find()) f.put(Paths.get(m.group(1).replaceFirst("^file:", "")).getFileName().toString(), m.group(2));
		return f;
	}

	/** The single-machine {@code batch} command on {@code ARGS}, without progress lines. */
	static CliRun batch(String... args) {
		List<String> a = new ArrayList<>(List.of("batch", "--progress", "none"));
		a.addAll(Arrays.asList(args));
		return CliRun.run(a.toArray());
	}

	static CliRun spark(TaskHook hook, String... args) {
		return spark(SPARK.context(), hook, args);
	}

	/** Contexts from {@code get} (which may throw, as Spark's constructor does), with a fresh Hadoop configuration. */
	static SparkMain.ContextFactory contexts(java.util.function.Supplier<JavaSparkContext> get) {
		return new SparkMain.ContextFactory() {
			@Override
			public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
				return new org.apache.hadoop.conf.Configuration();
			}

			@Override
			public JavaSparkContext get() {
				return get.get();
			}
		};
	}

	/** Runs {@code convolve2d-spark batch ARGS} on a context the caller shares. */
	static CliRun spark(JavaSparkContext sc, TaskHook hook, String... args) {
		return spark(sc, hook, new Interruption(), args);
	}

	/** Runs {@code convolve2d-spark batch ARGS} on a context the caller shares; {@code interruption} may stop it. */
	static CliRun spark(JavaSparkContext sc, TaskHook hook, Interruption interruption, String... args) {
		StringWriter out = new StringWriter(), err = new StringWriter();
		int code = SparkMain.batch(new SparkMain.ContextFactory() {
			@Override
			public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
				return sc.hadoopConfiguration();
			}

			@Override
			public JavaSparkContext get() {
				return sc;
			}

			@Override
			public void release(JavaSparkContext context) {
				// shared by the tests
			}
		}, args, hook, interruption, new PrintWriter(out), new PrintWriter(err));
		// a stop's cancel of all jobs reaches Spark's scheduler through its event queue, maybe after the stopped run
		// ended (its tasks finished the job first): a job queued behind it lets it pass before the next test's jobs
		if (interruption.stopped()) sc.parallelize(List.of(1)).count();
		// the tasks of an aborted job may still run: waited for, so that none writes into a folder the test deletes
		LocalSpark.awaitTasks(sc);
		return new CliRun(code, out.toString(), err.toString());
	}

	/** Sample images (a sub-folder too), a text file named .png and a truncated TIFF. */
	private Path inputs() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (String s : List.of("camera.png", "cell.png", "chessboard_GRAY_U16.tif", "coins.png", "microaneurysms.png",
			"multipage.tif"))
		{
			Files.copy(SAMPLES.resolve(s), in.resolve(s));
		}
		Files.createDirectories(in.resolve("sub"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("sub/coins2.png"));
		Files.write(in.resolve("bad.png"), "not an image\n".getBytes(StandardCharsets.US_ASCII));
		byte[] tif = Files.readAllBytes(SAMPLES.resolve("chessboard_GRAY_U16.tif"));
		Files.write(in.resolve("truncated.tif"), Arrays.copyOf(tif, tif.length / 2));
		return in;
	}

	private static String[] args(Path in, Path out, String... more) {
		List<String> a = new ArrayList<>(List.of("--input", in.toString(), "--recursive", "--output", out.toString(),
			"--preset", "sobel-x", "--preset", "gaussian:1.5", "--mode", "same", "--border", "reflect"));
		a.addAll(Arrays.asList(more));
		return a.toArray(new String[0]);
	}

	@Test
	void sameOutputsAsBatchWithARetriedTaskAttempt() throws IOException {
		Path in = inputs();
		CliRun single = batch(args(in, tmp.resolve("batch-out")));
		TaskHook failOnce = (output, attempt) -> {
			if (output.endsWith("/microaneurysms.tif") && attempt == 0) {
				INJECTED.incrementAndGet();
				throw new IllegalStateException("injected failure of a task attempt after an output was written");
			}
		};
		INJECTED.set(0);
		CliRun spark = spark(failOnce, concat(args(in, tmp.resolve("spark-out")), "--files-per-task", "2"));

		assertEquals(1, INJECTED.get(), "the injected failure ran once, and Spark retried the task: " + spark);
		assertEquals(1, single.code, single.toString());
		assertEquals(single.code, spark.code, spark.toString());
		assertEquals(List.of(7, 0, 2, 9), counts(single), single.toString());
		assertEquals(counts(single), counts(spark), spark.toString());
		assertEquals(failures(single), failures(spark), spark.toString());
		assertEquals(Map.of("bad.png", failures(single).get("bad.png"), "truncated.tif",
			failures(single).get("truncated.tif")), failures(spark));

		List<String> expected = files(tmp.resolve("batch-out"));
		assertEquals(expected, files(tmp.resolve("spark-out")), "same outputs, no temporary or extra files");
		for (String f : expected) {
			Path a = tmp.resolve("batch-out").resolve(f), b = tmp.resolve("spark-out").resolve(f);
			assertSamePixels(a, b);
			assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), f + ": the same TIFF bytes");
		}

		// a second run finds every output in place, as batch does
		CliRun again = spark(TaskHook.NONE, args(in, tmp.resolve("spark-out")));
		assertEquals(List.of(0, 7, 2, 9), counts(again), again.toString());
		assertEquals(1, again.code, again.toString());
	}

	/** Batch's rules for outputs that exist: same settings skipped, other settings refused, files not ours kept. */
	/** The run a signal stops (as {@link Interruption}'s hook stops it), from its tasks; tests run one at a time. */
	private static Interruption stopping;

	/**
	 * Ctrl-C or SIGTERM in the middle of the file job: the run says it was interrupted and returns batch's 1, with no
	 * stack trace of the cancelled job, before its end; a rerun skips what was written and writes the rest, all with
	 * batch's bytes. (A cancelled task may still finish the file in hand after the run returns: Spark reports running
	 * tasks late, so what is in the folder at that moment is not asserted.)
	 */
	@Test
	void aSignalStopsTheRunWithBatchsExitCodeAndARerunDoesTheRest() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (int i = 0; i < 12; i++) Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera" + i + ".png"));
		CliRun single = batch(args(in, tmp.resolve("batch-out")));
		assertEquals(0, single.code, single.toString());
		stopping = new Interruption();
		Path out = tmp.resolve("spark-out");
		CliRun stopped = spark(SPARK.context(), (output, attempt) -> stopping.stop(), stopping,
			concat(args(in, out), "--files-per-task", "1"));
		assertEquals(1, stopped.code, stopped.toString());
		assertTrue(stopped.err.startsWith("interrupted after "), stopped.toString());
		assertTrue(stopped.err.contains("rerunning the same command skips them and does the rest"), stopped.toString());
		assertFalse(stopped.err.contains("Exception") || stopped.err.contains("\tat "), stopped.toString());
		assertFalse(stopped.out.contains("done:"), stopped.toString());

		CliRun rerun = spark(TaskHook.NONE, args(in, out));
		assertEquals(0, rerun.code, rerun.toString());
		List<Integer> counts = counts(rerun);
		assertTrue(counts.get(0) > 0 && counts.get(1) > 0, "the signal stopped the run before its end: " + rerun);
		assertEquals(List.of(12, 0, 12), List.of(counts.get(0) + counts.get(1), counts.get(2), counts.get(3)));
		for (int i = 0; i < 12; i++) {
			assertArrayEquals(Files.readAllBytes(tmp.resolve("batch-out/camera" + i + ".tif")),
				Files.readAllBytes(out.resolve("camera" + i + ".tif")));
		}
	}

	/**
	 * A signal while the Spark context starts: Spark cannot start during the JVM's shutdown (its shutdown hook
	 * manager's initialisation fails with an {@link ExceptionInInitializerError}); the run says it was interrupted and
	 * returns 1. It printed Spark's stack trace and left the hook waiting 30 s for a run that had died.
	 */
	@Test
	void aSignalWhileTheContextStartsEndsTheRunAsInterrupted() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Interruption interruption = new Interruption();
		StringWriter out = new StringWriter(), err = new StringWriter();
		int code = SparkMain.batch(contexts(() -> {
			interruption.stop();
			throw new ExceptionInInitializerError(new IllegalStateException("Shutdown in progress, cannot add a "
				+ "shutdownHook"));
		}), args(in, tmp.resolve("out")), TaskHook.NONE, interruption, new PrintWriter(out), new PrintWriter(err));
		assertEquals(1, code, err.toString());
		assertTrue(err.toString().startsWith("interrupted after "), err.toString());
		assertTrue(err.toString().contains("every output written is whole"), err.toString());

		// a dry run says that it listed and wrote nothing (it said that outputs were written)
		Interruption dry = new Interruption();
		StringWriter dryErr = new StringWriter();
		code = SparkMain.batch(contexts(() -> {
			dry.stop();
			throw new ExceptionInInitializerError(new IllegalStateException("Shutdown in progress"));
		}), concat(args(in, tmp.resolve("dry-out")), "--dry-run"), TaskHook.NONE, dry, new PrintWriter(new StringWriter()),
			new PrintWriter(dryErr));
		assertEquals(1, code, dryErr.toString());
		assertTrue(dryErr.toString().matches("interrupted after [0-9.]+ s \\(Ctrl-C or SIGTERM\\): the Spark jobs were "
			+ "cancelled; the dry run listed nothing and wrote nothing: rerun it to see its list\\s*"), dryErr.toString());
		assertFalse(Files.exists(tmp.resolve("dry-out")), "a dry run writes nothing");
	}

	/**
	 * A Spark that cannot start with the given master (SPARK_MASTER=local[0], a misspelt URL): one line saying so and
	 * batch's exit code for a usage error; it ended in Spark's exception and stack trace with exit code 1.
	 */
	@Test
	void aMasterSparkCannotUseIsAUsageError() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		for (String format : new String[] { "tiff", "zarr" }) {
			StringWriter out = new StringWriter(), err = new StringWriter();
			int code = SparkMain.batch(contexts(() -> {
				// as Spark's constructor throws it (undeclared, its Java API being Scala's)
				return FileJobTest.<RuntimeException>sneaky(new org.apache.spark.SparkException(
					"Could not parse Master URL: 'lokal'"));
			}), concat(args(in, tmp.resolve("out")), "--format", format), TaskHook.NONE, new PrintWriter(out),
				new PrintWriter(err));
			assertEquals(2, code, err.toString());
			assertEquals("cannot start Spark: Could not parse Master URL: 'lokal'; check the master (SPARK_MASTER for "
				+ "spark/run-local.sh, --master for spark-submit)", err.toString().strip());
		}
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> JavaSparkContext sneaky(Throwable t) throws T {
		throw (T) t;
	}

	/**
	 * A signal between the context's start and the job's submission (Spark cancels only the jobs that run at that
	 * moment): the job is cancelled as it starts. It ran to its end, every file converted, before the run said that
	 * its jobs were cancelled (on a long job, until the hook gave up after 30 s and halted it in mid-file).
	 */
	@Test
	void aJobStartedAfterTheSignalIsCancelled() {
		JavaSparkContext sc = SPARK.context();
		Interruption interruption = new Interruption();
		interruption.watch(sc);
		try {
			interruption.stop();
			long[] waited = { 0 };
			try {
				// each task waits for its cancellation, at most 20 s
				waited = sc.parallelize(List.of(1, 2), 2).map(i -> {
					long t0 = System.nanoTime();
					while (!org.apache.spark.TaskContext.get().isInterrupted() && System.nanoTime() - t0 < 20e9) {
						Thread.sleep(10);
					}
					return System.nanoTime() - t0;
				}).collect().stream().mapToLong(Long::longValue).toArray();
			}
			catch (Exception e) {
				return; // cancelled (Spark's Java API throws its SparkException undeclared)
			}
			throw new AssertionError("the job ran to its end after the signal: " + Arrays.toString(waited) + " ns");
		}
		finally {
			interruption.unwatch();
		}
	}

	@Test
	void existingOutputsJudgedAsBatch() throws IOException {
		Path in = inputs();
		Path b = tmp.resolve("out-b"), s = tmp.resolve("out-s");
		for (Path out : List.of(b, s)) {
			Files.createDirectories(out);
			Files.write(out.resolve("camera.tif"), "not ours".getBytes(StandardCharsets.US_ASCII));
		}
		CliRun first = batch(args(in, b)), firstSpark = spark(TaskHook.NONE, args(in, s));
		assertSameRun(first, firstSpark, b, s);
		String[] other = { "--preset", "laplacian-4" };
		CliRun second = batch(concat(args(in, b), other)), secondSpark = spark(TaskHook.NONE, concat(args(in, s), other));
		assertSameRun(second, secondSpark, b, s);
		assertEquals(List.of(0, 0, 9, 9), counts(second), second.toString());
		CliRun third = batch(concat(args(in, b), concat(other, "--overwrite"))),
			thirdSpark = spark(TaskHook.NONE, concat(args(in, s), concat(other, "--overwrite")));
		assertSameRun(third, thirdSpark, b, s);
		assertEquals(List.of(6, 0, 3, 9), counts(third), third.toString());
		assertEquals("not ours", Files.readString(s.resolve("camera.tif")), "a file not ours is never replaced");
		assertEquals(files(b), files(s));
		for (String f : files(b)) {
			assertArrayEquals(Files.readAllBytes(b.resolve(f)), Files.readAllBytes(s.resolve(f)), f);
		}
	}

	/**
	 * A Zarr image met in a folder (named *.zarr, or holding Zarr metadata) is an input of its own, never searched as
	 * a folder of images or left out silently: run block by block as in batch, here failing with batch's reasons (a
	 * group without an image, an array without its format); the other files are convolved.
	 */
	@Test
	void aZarrImageInAFolderIsAnInputOfItsOwnAsInBatch() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Path named = Files.createDirectories(in.resolve("a.zarr"));
		Files.write(named.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.US_ASCII));
		Path inner = Files.createDirectories(in.resolve("plate").resolve("0"));
		Files.write(inner.resolve(".zarray"), "{}".getBytes(StandardCharsets.US_ASCII));
		Files.copy(SAMPLES.resolve("coins.png"), inner.resolve("inside.png")); // never taken for an image of the batch
		String[] options = { "--recursive", "--preset", "sobel-x" };
		Path batchOut = tmp.resolve("batch"), sparkOut = tmp.resolve("out");
		CliRun single = batch(Stream.concat(Stream.of("--input", in.toString(), "--output", batchOut.toString()),
			Stream.of(options)).toArray(String[]::new));
		CliRun run = spark(TaskHook.NONE, Stream.concat(Stream.of("--input", in.toString(), "--output",
			sparkOut.toString()), Stream.of(options)).toArray(String[]::new));
		assertEquals(1, run.code, run.toString());
		assertEquals(List.of(1, 0, 2, 3), counts(run), run.toString());
		assertEquals(Set.of("a.zarr", "0"), failures(run).keySet(), run.toString());
		assertSameRun(single, run, batchOut, sparkOut);
		assertFalse(Files.exists(sparkOut.resolve("plate")), "nothing from inside the Zarr image");
	}

	private static void assertSameRun(CliRun single, CliRun spark, Path batchOut, Path sparkOut) {
		assertEquals(single.code, spark.code, single + "\n" + spark);
		assertEquals(counts(single), counts(spark), single + "\n" + spark);
		Map<String, String> expected = new TreeMap<>();
		failures(single).forEach((k, v) -> expected.put(k, v.replace(batchOut.toString(), sparkOut.toString())));
		assertEquals(expected, failures(spark));
	}

	/**
	 * A missing input, an output folder that is a file or an input with no image are usage errors found before the
	 * Spark context starts (on a cluster, before executors are asked for); they were found after it.
	 */
	@Test
	void pathMistakesAreFoundBeforeTheContextStarts() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in")), empty = Files.createDirectories(tmp.resolve("empty"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Path file = Files.write(tmp.resolve("file.txt"), new byte[] { 1 });
		SparkMain.ContextFactory none = contexts(() -> {
			throw new AssertionError("the context was started for a usage error");
		});
		for (String[] args : new String[][] { { "--input", tmp.resolve("nothere").toString(), "--output",
			tmp.resolve("out").toString() }, { "--input", in.toString(), "--output", file.toString() },
			{ "--input", empty.toString(), "--output", tmp.resolve("out").toString() } })
		{
			for (String dry : new String[] { null, "--dry-run" }) {
				String[] a = concat(args, "--preset", "sobel-x");
				if (dry != null) a = concat(a, dry);
				StringWriter out = new StringWriter(), err = new StringWriter();
				int code = SparkMain.batch(none, a, TaskHook.NONE, new PrintWriter(out), new PrintWriter(err));
				assertEquals(2, code, Arrays.toString(a) + ": " + err);
				assertTrue(err.toString().contains("Run 'convolve2d-spark batch --help'"), err.toString());
			}
		}
	}

	/** --help before any command is help (stdout, exit 0), as for every command of the command line; it was a usage error. */
	@Test
	void helpWithoutTheCommandIsHelpAndAnythingElseAUsageError() {
		for (String[] args : new String[][] { { "--help" }, { "-h" }, { "help" }, {}, { "bach" } }) {
			StringWriter out = new StringWriter(), err = new StringWriter();
			int code = SparkMain.usage(args, new PrintWriter(out, true), new PrintWriter(err, true));
			boolean help = args.length == 1 && !args[0].equals("bach");
			assertEquals(help ? 0 : 2, code, Arrays.toString(args));
			assertTrue((help ? out : err).toString().startsWith("usage: convolve2d-spark batch [--files-per-task N]"),
				Arrays.toString(args) + ": " + out + err);
			assertEquals("", (help ? err : out).toString(), Arrays.toString(args));
		}
	}

	/** {@code batch -V} prints the version, as the command line's batch does; it printed batch's help. */
	@Test
	void batchVersionPrintsTheVersion() {
		SparkMain.ContextFactory none = contexts(() -> {
			throw new AssertionError("the context was started for --version");
		});
		for (String v : new String[] { "-V", "--version" }) {
			StringWriter out = new StringWriter(), err = new StringWriter();
			assertEquals(0, SparkMain.batch(none, new String[] { v }, TaskHook.NONE, new PrintWriter(out, true),
				new PrintWriter(err, true)));
			assertEquals("Convolve 2D 0.1.0", out.toString().trim(), v);
			assertEquals("", err.toString(), v);
		}
	}

	/**
	 * Local inputs are planned by batch's own plan, so the Spark job sees what batch sees: a link to nothing with an
	 * image's name fails with batch's reason (Hadoop's listing left it out without a word), and an output folder
	 * inside an OME-Zarr image found in the input folder is refused.
	 */
	@Test
	void localFoldersArePlannedAsBatchPlansThem() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Files.createSymbolicLink(in.resolve("gone.tif"), tmp.resolve("unmounted/gone.tif"));
		CliRun single = batch(args(in, tmp.resolve("batch-out")));
		CliRun spark = spark(TaskHook.NONE, args(in, tmp.resolve("spark-out")));
		assertEquals(1, single.code, single.toString());
		assertEquals(single.code, spark.code, spark.toString());
		assertEquals(counts(single), counts(spark), spark.toString());
		assertEquals(failures(single), failures(spark), spark.toString());
		assertTrue(failures(spark).containsKey("gone.tif"), spark.toString());
	}

	@Test
	void usageErrorsAsBatch() throws IOException {
		Path in = inputs();
		CliRun single = batch(args(in, in.resolve("out")));
		CliRun spark = spark(TaskHook.NONE, args(in, in.resolve("out")));
		assertEquals(2, single.code, single.toString());
		assertEquals(2, spark.code, spark.toString());
		String message = single.err.lines().findFirst().orElse("");
		assertTrue(message.contains("is inside input folder"), single.toString());
		assertEquals(message, spark.err.lines().findFirst().orElse(""), spark.toString());
		assertFalse(Files.exists(in.resolve("out")), "nothing written");

		// no image in a folder: batch's message, which says what was searched for
		Path empty = Files.createDirectories(tmp.resolve("empty"));
		Files.write(empty.resolve("notes.txt"), new byte[] { 1 });
		String[] none = { "--input", empty.toString(), "--output", tmp.resolve("o").toString(), "--preset", "sobel-x" };
		CliRun noneSingle = batch(none), noneSpark = spark(TaskHook.NONE, none);
		assertEquals(2, noneSpark.code, noneSpark.toString());
		assertTrue(noneSingle.err.contains("add --recursive"), noneSingle.toString());
		assertEquals(noneSingle.err.lines().findFirst(), noneSpark.err.lines().findFirst(), noneSpark.toString());
		CliRun noneZarr = spark(TaskHook.NONE, concat(none, "--format", "zarr"));
		assertEquals(noneSingle.err.lines().findFirst(), noneZarr.err.lines().findFirst(), noneZarr.toString());

		CliRun badKernel = spark(TaskHook.NONE, "--input", in.toString(), "--output", tmp.resolve("o").toString(),
			"--kernel", "1 2; 3 x");
		assertEquals(2, badKernel.code, badKernel.toString());
		assertTrue(badKernel.err.contains("'x' is not a number"), badKernel.toString());

		// given twice, as batch says it of its own options (it was called an unknown option)
		CliRun twice = spark(TaskHook.NONE, concat(none, "--files-per-task", "1", "--files-per-task=2"));
		assertEquals(2, twice.code, twice.toString());
		assertTrue(twice.err.startsWith("option '--files-per-task' (N) should be specified only once"), twice.toString());
	}

	/** An output folder that is a link to an input folder is that folder: refused as batch refuses it, nothing written. */
	@Test
	void anOutputFolderLinkedToAnInputFolderIsRefusedAsInBatch() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Path link = Files.createSymbolicLink(tmp.resolve("link"), in);
		CliRun single = batch("--input", in.toString(), "--output", link.toString(), "--preset", "sobel-x");
		CliRun spark = spark(TaskHook.NONE, "--input", in.toString(), "--output", link.toString(), "--preset", "sobel-x");
		assertEquals(2, single.code, single.toString());
		assertEquals(2, spark.code, spark.toString());
		assertEquals(single.err.lines().findFirst(), spark.err.lines().findFirst(), spark.toString());
		assertEquals(List.of("camera.png"), files(in), "nothing written into the input folder");
	}

	/**
	 * With --recursive, links to folders are not followed, as in batch (one to another folder would add its files; one
	 * to a folder above would loop); a link to a file is taken.
	 */
	@Test
	void linksToFoldersAreNotFollowedAsInBatch() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in")), elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
		Files.copy(SAMPLES.resolve("multipage.tif"), in.resolve("a.tif"));
		Files.copy(SAMPLES.resolve("multipage.tif"), elsewhere.resolve("b.tif"));
		Files.createSymbolicLink(in.resolve("linked"), elsewhere);
		Files.createSymbolicLink(in.resolve("loop"), in);
		Files.createSymbolicLink(in.resolve("c.tif"), elsewhere.resolve("b.tif"));
		String[] options = { "--input", in.toString(), "--recursive", "--preset", "sobel-x" };
		CliRun single = batch(concat(options, "--output", tmp.resolve("b").toString()));
		CliRun spark = spark(TaskHook.NONE, concat(options, "--output", tmp.resolve("s").toString()));
		assertEquals(0, single.code, single.toString());
		assertEquals(List.of(2, 0, 0, 2), counts(single), single.toString());
		assertSameRun(single, spark, tmp.resolve("b"), tmp.resolve("s"));
		assertEquals(List.of("a.tif", "c.tif"), files(tmp.resolve("s")));
	}

	/**
	 * What Hadoop cannot take as a path (a relative name with ':' in its first part, which reads as a URI) or cannot
	 * reach (an unknown host): a usage error saying so, not a stack trace.
	 */
	@Test
	void pathsHadoopCannotTakeOrReachAreUsageErrors() {
		String[] kernel = { "--preset", "sobel-x" };
		CliRun colon = spark(TaskHook.NONE, concat(new String[] { "--input", "t=12:00.tif", "--output",
			tmp.resolve("o").toString() }, kernel));
		assertEquals(2, colon.code, colon.toString());
		assertTrue(colon.err.startsWith("'t=12:00.tif' is neither a path nor a URI that Hadoop reads (")
			&& colon.err.contains("give it as ./t=12:00.tif or as an absolute path"), colon.toString());
		// a file: URI with a relative path: not a name with ':' (./file:o would be a folder named so)
		CliRun relative = spark(TaskHook.NONE, concat(new String[] { "--input", tmp.toString(), "--output", "file:o" },
			kernel));
		assertEquals(2, relative.code, relative.toString());
		assertEquals("'file:o' is a file: URI with a relative path, which Hadoop does not read: give an absolute one "
			+ "(file:/data/out) or the path without file:", relative.err.lines().findFirst().orElse(""),
			relative.toString());

		CliRun host = spark(TaskHook.NONE, concat(new String[] { "--input", tmp.toString(), "--output",
			"hdfs://no-such-namenode.invalid:8020/out" }, kernel));
		assertEquals(2, host.code, host.toString());
		assertTrue(host.err.startsWith("cannot reach the file system of 'hdfs://no-such-namenode.invalid:8020/out': "
			+ "unknown host no-such-namenode.invalid"), host.toString());
		assertFalse(Files.exists(tmp.resolve("o")), "nothing written");

		// a file: URI with a host, which Hadoop's local file system does not take: its words, without Java's
		CliRun local = spark(TaskHook.NONE, concat(new String[] { "--input", "file://localhost" + tmp.toUri().getPath(),
			"--output", tmp.resolve("o").toString() }, kernel));
		assertEquals(2, local.code, local.toString());
		assertTrue(local.err.startsWith("cannot reach the file system of 'file://localhost"), local.toString());
		assertFalse(local.err.contains("java.") || local.err.contains("Exception"), local.toString());
	}

	private static void assertSamePixels(Path a, Path b) {
		ImagePlus x = new Opener().openImage(a.toString()), y = new Opener().openImage(b.toString());
		ImageStack sx = x.getStack(), sy = y.getStack();
		assertEquals(sx.getSize(), sy.getSize(), a.toString());
		for (int n = 1; n <= sx.getSize(); n++) {
			assertArrayEquals((float[]) sx.getPixels(n), (float[]) sy.getPixels(n), a + " slice " + n);
			assertEquals(sx.getSliceLabel(n), sy.getSliceLabel(n), a + " slice " + n);
		}
	}

	/** Every file below a folder (hidden ones too), relative, in order. */
	private static List<String> files(Path root) throws IOException {
		try (Stream<Path> walk = Files.walk(root)) {
			return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
				.collect(Collectors.toList());
		}
	}

	private static String[] concat(String[] a, String... b) {
		String[] r = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, r, a.length, b.length);
		return r;
	}

	/**
	 * On a file system that is not local (viewfs://, Hadoop's mount table, standing for HDFS or S3), an existing
	 * output that cannot be read (here a checksum error, as a corrupt block on HDFS) is that file's failure, with its
	 * reason, and the other files go on, as in batch. Its IOException failed the task, then the job: every file of
	 * the run unreported and Spark's stack traces instead of a summary.
	 */
	@Test
	void anExistingOutputThatCannotBeReadOnARemoteFileSystemIsOneFailure() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in")), out = Files.createDirectories(tmp.resolve("out"));
		for (String s : List.of("camera.png", "coins.png")) Files.copy(SAMPLES.resolve(s), in.resolve(s));
		org.apache.hadoop.conf.Configuration conf = SPARK.context().hadoopConfiguration();
		conf.set("fs.viewfs.mounttable.unreadable.link./in", in.toUri().toString());
		conf.set("fs.viewfs.mounttable.unreadable.link./out", out.toUri().toString());
		String[] args = { "--input", "viewfs://unreadable/in", "--output", "viewfs://unreadable/out", "--preset",
			"sobel-x" };
		CliRun first = spark(TaskHook.NONE, args);
		assertEquals(List.of(2, 0, 0, 2), counts(first), first.toString());
		// bytes changed behind Hadoop's checksum: reading the file fails
		byte[] bytes = Files.readAllBytes(out.resolve("coins.tif"));
		bytes[bytes.length - 1] ^= 1;
		Files.write(out.resolve("coins.tif"), bytes);

		CliRun again = spark(TaskHook.NONE, args);
		assertEquals(1, again.code, again.toString());
		assertEquals(List.of(0, 1, 1, 2), counts(again), again.toString());
		assertTrue(failures(again).get("coins.png").startsWith("cannot read its existing output "
			+ "viewfs://unreadable/out/coins.tif ("), again.toString());
		assertArrayEquals(bytes, Files.readAllBytes(out.resolve("coins.tif")), "left as it is");
	}

	/**
	 * A kernel file that is a pipe ({@code --kernel-file <(...)}, which batch reads once) is a usage error naming it:
	 * every task reads the file again, and found the pipe empty (each task failed with picocli's stack trace, then
	 * the job with Spark's) or waited for a writer that never came.
	 */
	@Test
	void aKernelFileThatIsAPipeIsAUsageError() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		Path fifo = tmp.resolve("kernel-pipe");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		// the shell's side of <(...): writes the kernel once
		Thread writer = new Thread(() -> {
			try {
				Files.write(fifo, "1 0 -1\n".getBytes(StandardCharsets.US_ASCII));
			}
			catch (IOException e) {
				// the test has ended
			}
		});
		writer.setDaemon(true);
		writer.start();
		for (String[] option : new String[][] { { "--kernel-file", fifo.toString() }, { "--kernel-file=" + fifo },
			{ "--weights", fifo.toString() } })
		{
			CliRun run = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
				() -> spark(TaskHook.NONE, concat(new String[] { "--input", in.toString(), "--output",
					tmp.resolve("out").toString() }, option)), "a hang: " + Arrays.toString(option));
			assertEquals(2, run.code, run.toString());
			assertEquals(option[0].replaceFirst("=.*", "") + " '" + fifo + "' is not a regular file but a pipe, socket "
				+ "or device, such as <(...): on Spark every task reads the file again; save it to a file that every "
				+ "node can read", run.err.lines().findFirst().orElse(""), run.toString());
		}
		assertFalse(Files.exists(tmp.resolve("out")), "no output folder: " + Files.exists(tmp.resolve("out")));
	}

	/** The kernel file the hook of {@link #aKernelFileATaskCannotReadFailsItsFilesWithTheReason} removes. */
	private static String vanishing;

	/**
	 * A kernel file that a task cannot read (on a cluster: a path that exists on the driver only; here: removed once
	 * the first output is written) fails that task's files with the reason, and the run ends with its summary: each
	 * such task failed with picocli's stack trace, then the job with Spark's ("Exception in thread main"), and no
	 * summary.
	 */
	@Test
	void aKernelFileATaskCannotReadFailsItsFilesWithTheReason() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (int i = 0; i < 6; i++) Files.copy(SAMPLES.resolve("coins.png"), in.resolve("coins" + i + ".png"));
		Path kernel = Files.write(tmp.resolve("kernel.txt"), "1 0 -1\n".getBytes(StandardCharsets.US_ASCII));
		vanishing = kernel.toString();
		CliRun run = spark((output, attempt) -> Files.deleteIfExists(Paths.get(vanishing)), "--input", in.toString(),
			"--output", tmp.resolve("out").toString(), "--kernel-file", kernel.toString(), "--files-per-task", "1");
		assertEquals(1, run.code, run.toString());
		List<Integer> counts = counts(run);
		assertTrue(counts.get(0) >= 1 && counts.get(2) >= 1 && counts.get(3) == 6, run.toString());
		for (String reason : failures(run).values()) {
			assertTrue(reason.startsWith("this task cannot read the run's options on its node: ")
				&& reason.contains("kernel file '" + kernel + "'"), reason);
			assertTrue(reason.endsWith("(every node reads --kernel-file, --weights and --bias itself: give paths that "
				+ "every node can read, unchanged while the run lasts)"), reason);
		}
	}

	/**
	 * A local input removed after the inputs were listed (by a user, while a long run goes on) fails alone, as in
	 * batch: naming it in the outputs looked it up first, and its FileNotFoundException failed the task, then the
	 * job (Spark's stack trace, no file reported, no summary).
	 */
	@Test
	void aLocalInputRemovedAfterTheListingFailsAlone() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("a.png"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("b.png"));
		vanishing = in.resolve("b.png").toString();
		// one task, a.png first: written, then b.png is removed before the task reaches it
		CliRun run = spark((output, attempt) -> Files.deleteIfExists(Paths.get(vanishing)), "--input", in.toString(),
			"--output", tmp.resolve("out").toString(), "--preset", "sobel-x", "--files-per-task", "2");
		assertEquals(1, run.code, run.toString());
		assertEquals(List.of(1, 0, 1, 2), counts(run), run.toString());
		assertEquals(Set.of("b.png"), failures(run).keySet(), run.toString());
		assertTrue(failures(run).get("b.png").startsWith("no such file (it was moved or deleted"), run.toString());
		assertTrue(Files.isRegularFile(tmp.resolve("out").resolve("a.tif")), run.toString());
	}

	/**
	 * An OME-TIFF whose OME-XML cannot be used (a plane in no page) is written with its pages as slices and a note on
	 * its line, as batch says it ("written OUTPUT; note: INPUT: its OME-XML was not used (...)"), for a TIFF output on
	 * a local and on a remote file system and for an OME-Zarr output; the run printed failures only, so the note was
	 * lost and the file looked read as its OME-XML says.
	 */
	@Test
	void aWrittenFilesNoteIsOnItsLineAsInBatch() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.write(in.resolve("gap.ome.tif"), io.github.convolve2d.io.TiffBytes.omeTiffWithAPlaneInNoPage());
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		String reason = "its OME-XML was not used (its TiffData elements place plane C1 Z1 T0 in no page), so its pages "
			+ "were read as slices";
		Path out = tmp.resolve("out");
		org.apache.hadoop.conf.Configuration conf = SPARK.context().hadoopConfiguration();
		conf.set("fs.viewfs.mounttable.noted.link./out", Files.createDirectories(tmp.resolve("remote-out")).toUri()
			.toString());
		String[][] runs = { { out.toString(), "file:" + out + "/gap.tif" },
			{ "viewfs://noted/out", "viewfs://noted/out/gap.tif" }, { tmp.resolve("zout").toString(), null } };
		for (String[] r : runs) {
			boolean zarr = r[1] == null;
			CliRun run = spark(TaskHook.NONE, "--input", zarr ? in.resolve("gap.ome.tif").toString() : in.toString(),
				"--output", r[0], "--preset", "identity", "--format", zarr ? "zarr" : "tiff");
			assertEquals(0, run.code, run.toString());
			String output = zarr ? tmp.resolve("zout/gap.ome.zarr").toString() : r[1];
			String input = zarr ? in.resolve("gap.ome.tif").toString() : "file:" + in.resolve("gap.ome.tif");
			assertTrue(run.err.contains("written " + output + "; note: " + input + ": " + reason), run.toString());
			assertFalse(run.err.contains("coins"), "a file without a note has no line: " + run);
		}
		// an attempt that failed after writing it, retried: the retry finds it written, and its line keeps the note
		TaskHook failOnce = (output, attempt) -> {
			if (output.endsWith("/gap.tif") && attempt == 0) {
				INJECTED.incrementAndGet();
				throw new IllegalStateException("injected failure of a task attempt after an output was written");
			}
		};
		INJECTED.set(0);
		Path retried = tmp.resolve("retried");
		CliRun run = spark(failOnce, "--input", in.toString(), "--output", retried.toString(), "--preset", "identity");
		assertEquals(1, INJECTED.get(), run.toString());
		assertEquals(0, run.code, run.toString());
		assertTrue(run.err.contains("written file:" + retried + "/gap.tif; note: file:" + in.resolve("gap.ome.tif") + ": "
			+ reason), run.toString());
	}

	/**
	 * A name with ':' (t1:2.png, as some microscopes name time points) on a file system reached through viewfs://
	 * (here a local folder; Hadoop's Path takes "t1:2.tif" for a URI): its output fails alone with the reason and the
	 * other files go on; a remote folder that holds one, which Hadoop cannot list, is a
	 * usage error naming the name. The output failed its task on Hadoop's checksum file ".t1:2.tif.crc", then the
	 * job: no file reported, Spark's stack traces; the listing ended the driver with Hadoop's IllegalArgumentException.
	 */
	@Test
	void aNameWithAColonOnARemoteFileSystem() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in")), out = Files.createDirectories(tmp.resolve("out"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("t1:2.png"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		org.apache.hadoop.conf.Configuration conf = SPARK.context().hadoopConfiguration();
		conf.set("fs.viewfs.mounttable.colon.link./in", in.toUri().toString());
		conf.set("fs.viewfs.mounttable.colon.link./out", out.toUri().toString());
		String[] settings = { "--preset", "sobel-x" };
		CliRun single = batch(concat(new String[] { "--input", in.toString(), "--output", tmp.resolve("batch").toString() },
			settings));
		assertEquals(0, single.code, single.toString());
		CliRun run = spark(TaskHook.NONE, concat(new String[] { "--input", in.toString(), "--output",
			"viewfs://colon/out" }, settings));
		assertEquals(1, run.code, run.toString());
		assertEquals(List.of(1, 0, 1, 2), counts(run), run.toString());
		assertEquals(List.of("t1:2.png"), new ArrayList<>(failures(run).keySet()), run.toString());
		assertTrue(failures(run).get("t1:2.png").startsWith("Hadoop cannot take a name of this file or its output as a "
			+ "path (") && failures(run).get("t1:2.png").contains(".t1:2.tif.crc"), run.toString());
		assertArrayEquals(Files.readAllBytes(tmp.resolve("batch/camera.tif")), Files.readAllBytes(out.resolve("camera.tif")));
		for (String f : files(out)) assertFalse(f.startsWith(".convolve2d"), "no temporary file left: " + f);
		if (Files.exists(out.resolve("t1:2.tif"))) {
			assertArrayEquals(Files.readAllBytes(tmp.resolve("batch/t1:2.tif")), Files.readAllBytes(out.resolve("t1:2.tif")),
				"renamed into place before the checksum failed: whole");
		}

		CliRun listed = spark(TaskHook.NONE, concat(new String[] { "--input", "viewfs://colon/in", "--output",
			tmp.resolve("out2").toString() }, settings));
		assertEquals(2, listed.code, listed.toString());
		assertTrue(listed.err.startsWith("cannot list the inputs: viewfs://colon/in holds a name that Hadoop cannot "
			+ "take as a path ("), listed.toString());
		assertTrue(listed.err.contains("t1:2.png"), listed.toString());
		assertFalse(listed.err.contains("\tat ") || listed.err.contains("Exception"), listed.toString());
	}

	/** Options the run does not use get batch's notes on stderr (--cval without a constant border, --block for TIFFs). */
	@Test
	void optionsWithoutEffectGetBatchsNotes() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		String[] args = { "--input", in.toString(), "--output", tmp.resolve("out").toString(), "--preset", "sobel-x",
			"--border", "reflect", "--cval", "3", "--block", "256" };
		CliRun single = batch(args);
		CliRun run = spark(TaskHook.NONE, args);
		assertEquals(0, run.code, run.toString());
		for (String note : new String[] { "note: --cval applies to --border constant only; with --border reflect it is "
			+ "not used", "note: --block applies to OME-Zarr outputs only" })
		{
			assertTrue(single.err.contains(note), single.toString());
			assertTrue(run.err.contains(note), run.toString());
		}
		// --progress shows nothing on Spark: said, not ignored without a word
		assertFalse(run.err.contains("--progress"), run.toString());
		CliRun lines = spark(TaskHook.NONE, concat(args, "--progress", "lines", "--overwrite"));
		assertEquals(0, lines.code, lines.toString());
		assertTrue(lines.err.contains("note: --progress has no effect on Spark"), lines.toString());
		assertFalse(lines.err.contains("--files-per-task"), lines.toString());

		// --files-per-task where every output is an OME-Zarr image (tasks of blocks): said, not ignored without a word
		String note = "note: --files-per-task applies to images with TIFF outputs; every output of this run is an "
			+ "OME-Zarr image";
		CliRun zarr = spark(TaskHook.NONE, "--input", in.resolve("coins.png").toString(), "--output",
			tmp.resolve("zout").toString(), "--preset", "sobel-x", "--format", "zarr", "--files-per-task", "2");
		assertTrue(zarr.err.contains(note), zarr.toString());
		CliRun files = spark(TaskHook.NONE, concat(args, "--files-per-task", "2", "--overwrite"));
		assertFalse(files.err.contains("--files-per-task"), files.toString());
	}
}
