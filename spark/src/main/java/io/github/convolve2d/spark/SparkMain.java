package io.github.convolve2d.spark;

import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchPlan;
import io.github.convolve2d.batch.Decision;
import io.github.convolve2d.batch.Outcome;
import io.github.convolve2d.cli.BatchCommand;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.UserException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * {@code convolve2d-spark batch [--files-per-task N] BATCH-OPTIONS}: the {@code batch} command on Apache Spark,
 * with batch's options, outputs, safety and exit codes (0 all done, 1 some file failed, 2 usage error), and
 * paths that may be Hadoop URIs ({@code hdfs://...}, {@code s3a://...}). Run it with {@code spark-submit
 * --class io.github.convolve2d.spark.SparkMain}, or locally with {@code spark/run-local.sh}.
 */
public final class SparkMain {

	/** Exit codes, as batch's. */
	static final int OK = 0, SOME_FAILED = 1, USAGE = 2;

	private SparkMain() {
	}

	public static void main(String[] args) {
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
		int code;
		if (args.length == 0 || !args[0].equals("batch")) {
			code = usage(args, out, err);
		}
		else {
			// first: a signal while Spark's and Hadoop's classes load (seconds) is said too
			Interruption interruption = Interruption.install(err);
			SparkConf conf = new SparkConf().setAppName("Convolve 2D batch");
			if (!conf.contains("spark.master")) conf.setMaster("local[*]");
			// a job that failed after Spark's retries ends main with its exception, and the process with 1
			code = SOME_FAILED;
			try {
				code = batch(new ContextFactory() {
					@Override
					public Configuration hadoopConfiguration() {
						return SparkHadoopUtil.get().newConfiguration(conf);
					}

					@Override
					public JavaSparkContext get() {
						JavaSparkContext c = new JavaSparkContext(conf);
						c.setLogLevel("WARN");
						return c;
					}
				}, Arrays.copyOfRange(args, 1, args.length), TaskHook.NONE, interruption, out, err);
			}
			finally {
				out.flush();
				err.flush();
				// also after an exception: else the hook took the JVM's exit for a signal, and cancelled jobs of a
				// stopped context (a stack trace) or waited 30 s for a report that never came
				interruption.reported(code);
			}
		}
		System.exit(code);
	}

	/**
	 * Answers arguments that do not start with {@code batch}: the usage on stdout and 0 for {@code -h} or
	 * {@code --help} (as every command of the command line answers them), on stderr and {@link #USAGE} otherwise.
	 */
	static int usage(String[] args, PrintWriter out, PrintWriter err) {
		boolean help = args.length > 0 && (args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help"));
		(help ? out : err).println("usage: convolve2d-spark batch [--files-per-task N] BATCH-OPTIONS (the options of "
			+ "'convolve2d batch'; paths may be hdfs://, s3a://, file: URIs)" + (help ? "; 'convolve2d-spark batch "
				+ "--help' lists them" : ""));
		return help ? OK : USAGE;
	}

	/**
	 * Makes the Spark context once the arguments and paths are known to be good: a usage error takes no cluster
	 * (on YARN, no wait for executors).
	 */
	interface ContextFactory {
		/**
		 * The Hadoop configuration the context will have (Hadoop's files and Spark's {@code spark.hadoop.*}), to list
		 * the inputs and try the output folder with before the context starts.
		 */
		Configuration hadoopConfiguration();

		JavaSparkContext get();

		/** Called when the job is done with the context: stops it, unless it is shared (tests). */
		default void release(JavaSparkContext sc) {
			sc.stop();
		}
	}

	/**
	 * Runs {@code batch ARGS} on Spark: plans on the driver, converts in tasks, prints the failures (stderr) and
	 * batch's summary line (stdout); returns the exit code.
	 */
	static int batch(ContextFactory contexts, String[] args, TaskHook hook, PrintWriter out, PrintWriter err) {
		return batch(contexts, args, hook, new Interruption(), out, err);
	}

	/**
	 * {@link #batch(ContextFactory, String[], TaskHook, PrintWriter, PrintWriter)} that a signal may stop
	 * ({@link Interruption#stop}): it then says so, as batch does, and returns 1 (no stack trace of the cancelled job).
	 */
	static int batch(ContextFactory contexts, String[] args, TaskHook hook, Interruption interruption, PrintWriter out,
		PrintWriter err)
	{
		long start = System.nanoTime();
		boolean[] dryRun = { false }; // set by run once it has read the options
		try {
			return run(contexts, args, hook, interruption, out, err, dryRun);
		}
		catch (Exception | Error e) {
			// a job cancelled by the signal (Spark's Java API throws its SparkException undeclared), or a context that
			// could not start once the JVM's shutdown had begun (Spark's hook manager then fails to initialise)
			if (!interruption.stopped()) throw e;
			return interrupted(err, start, dryRun[0]);
		}
	}

	private static int run(ContextFactory contexts, String[] args, TaskHook hook, Interruption interruption,
		PrintWriter out, PrintWriter err, boolean[] dryRun)
	{
		int filesPerTask = 0;
		String[] batchArgs = args;
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--files-per-task") || args[i].startsWith("--files-per-task=")) {
				String v = args[i].contains("=") ? args[i].substring(args[i].indexOf('=') + 1)
					: i + 1 < args.length ? args[i + 1] : "";
				try {
					filesPerTask = Integer.parseInt(v);
				}
				catch (NumberFormatException e) {
					filesPerTask = -1;
				}
				if (filesPerTask < 1) return usage(err, "--files-per-task needs a number of at least 1, got '" + v + "'");
				int n = args[i].contains("=") ? 1 : 2;
				batchArgs = new String[args.length - n];
				System.arraycopy(args, 0, batchArgs, 0, i);
				System.arraycopy(args, i + n, batchArgs, i, args.length - i - n);
				for (int j = i; j < batchArgs.length; j++) {
					if (batchArgs[j].equals("--files-per-task") || batchArgs[j].startsWith("--files-per-task=")) {
						return usage(err, "option '--files-per-task' (N) should be specified only once");
					}
				}
				break;
			}
		}
		String piped = notRegularFile(batchArgs);
		if (piped != null) return usage(err, piped);
		BatchCommand.Settings settings;
		try {
			settings = BatchCommand.settings(batchArgs);
		}
		catch (CommandLine.ParameterException e) {
			return usage(err, e.getMessage());
		}
		dryRun[0] = settings.dryRun;
		if (settings.version) {
			out.println(settings.usage);
			return OK;
		}
		if (settings.help) {
			out.println("convolve2d-spark batch [--files-per-task N] BATCH-OPTIONS: the batch command on Spark; "
				+ "--files-per-task: files in one task (default: about four tasks per core). Batch's options:");
			out.println(settings.usage);
			return OK;
		}
		if (settings.zarr) return blocks(contexts, batchArgs, settings, filesPerTask, hook, interruption, out, err);
		// the plan and the output folder first, with the context's Hadoop configuration: a usage error takes no cluster
		Configuration hadoop = contexts.hadoopConfiguration();
		HadoopPlan.Result plan;
		List<BatchItem> zarrImages = new ArrayList<>();
		List<BatchItem> order = null; // batch's order of the items, when batch's plan made them
		try {
			if (HadoopPlan.local(settings.inputs, settings.output, hadoop)) {
				// batch's own plan (its listing and rules): OME-Zarr images run block by block, the others as files
				BatchPlan local = BatchPlan.of(BlockJob.localPaths(settings.inputs, hadoop), settings.scanner(),
					BlockJob.localPaths(List.of(settings.output), hadoop).get(0), settings.suffix, false);
				List<BatchItem> files = new ArrayList<>();
				order = local.items();
				for (BatchItem i : local.items()) {
					(i.output().getFileName().toString().endsWith(BatchPlan.ZARR) ? zarrImages : files).add(i);
				}
				plan = HadoopPlan.Result.of(files, HadoopPlan.qualify(settings.output, hadoop));
			}
			else {
				// Zarr images need the local block job, which says so
				if (HadoopPlan.anyZarr(settings.inputs, hadoop)) {
					return blocks(contexts, batchArgs, settings, filesPerTask, hook, interruption, out, err);
				}
				plan = HadoopPlan.of(settings.inputs, settings.scanner(), settings.output, settings.suffix, hadoop);
			}
		}
		catch (UserException e) {
			return usage(err, e.getMessage());
		}
		catch (IOException e) {
			return usage(err, "cannot list the inputs: " + e.getMessage());
		}
		if (plan.tasks.isEmpty() && zarrImages.isEmpty()) return usage(err, settings.noImageFiles());
		checkNotStopped(interruption); // a signal while the inputs were listed: no context, no output folder
		long runStart = 0;
		if (settings.dryRun) {
			// as batch --dry-run, without writing
			String why;
			try {
				why = FileJob.whyNotWritable(plan.outputFolder, hadoop);
			}
			catch (IOException e) {
				why = e.getMessage();
			}
			if (why != null) return usage(err, "cannot write into the output folder '" + settings.output + "': " + why);
		}
		else {
			try {
				runStart = FileJob.probe(plan.outputFolder, hadoop);
			}
			catch (IOException e) {
				return usage(err, "cannot write into the output folder '" + settings.output + "': " + e.getMessage());
			}
		}
		JavaSparkContext sc = start(contexts, interruption, err);
		if (sc == null) return USAGE;
		try {
			interruption.watch(sc);
			if (settings.dryRun) {
				Decision.Tally tally = new Decision.Tally();
				// each input's line, by its path, then printed in batch's order
				Map<String, String> lines = new LinkedHashMap<>();
				if (!plan.tasks.isEmpty()) dryRun(plan, batchArgs, filesPerTask, sc, tally, lines);
				dryRun(zarrImages, settings, interruption, tally, lines);
				if (order != null) {
					for (BatchItem i : order) {
						String line = lines.remove(key(i.input()));
						if (line != null) out.println(line);
					}
				}
				for (String line : lines.values()) out.println(line);
				out.println(tally.summary());
				return tally.failing() > 0 ? SOME_FAILED : OK;
			}
			for (String note : notes(settings, !zarrImages.isEmpty(), filesPerTask > 0 && plan.tasks.isEmpty())) {
				err.println(note);
			}
			long start = System.nanoTime();
			Done done = new Done(err);
			if (!plan.tasks.isEmpty() && !interruption.stopped()) {
				for (FileResult r : FileJob.run(sc, batchArgs, settings, plan, runStart, filesPerTask, hook).results) {
					done.add(r.status, r.task.input, r.task.output, r.message);
				}
			}
			for (Outcome o : BlockJob.run(sc, batchArgs, settings, zarrImages, 0, hook, interruption)) {
				done.add(o.status(), o.item().input().toString(), o.item().output().toString(),
					o.message());
			}
			if (interruption.stopped()) throw new java.util.concurrent.CancellationException("interrupted"); // said by batch()
			return done.summary(out, (System.nanoTime() - start) / 1e9, plan.outputFolder);
		}
		finally {
			out.flush();
			err.flush();
			if (sc != null) {
				// a stopped run's tasks finish the files in hand while the context still runs
				if (interruption.stopped()) interruption.awaitTasks();
				interruption.unwatch();
				contexts.release(sc);
			}
		}
	}

	/** Batch's options that name a file every task reads again (the driver reads it first, to check the options). */
	private static final List<String> TASK_FILES = List.of("--kernel-file", "--weights", "--bias");

	/**
	 * Why a file that every task reads cannot be given (a pipe, such as {@code <(...)}, which batch reads once: each
	 * task found it empty or waited for it), or null. Asked without opening the file: opening a pipe waits for its
	 * writer.
	 */
	private static String notRegularFile(String[] args) {
		for (int i = 0; i < args.length; i++) {
			for (String option : TASK_FILES) {
				String value = args[i].equals(option) && i + 1 < args.length ? args[i + 1]
					: args[i].startsWith(option + "=") ? args[i].substring(option.length() + 1) : null;
				if (value == null) continue;
				java.nio.file.Path p;
				try {
					p = java.nio.file.Paths.get(value);
				}
				catch (java.nio.file.InvalidPathException e) {
					continue; // batch's parser says so
				}
				if (java.nio.file.Files.exists(p) && !java.nio.file.Files.isRegularFile(p)
					&& !java.nio.file.Files.isDirectory(p))
				{
					return option + " '" + value + "' is not a regular file but a pipe, socket or device, such as <(...): "
						+ "on Spark every task reads the file again; save it to a file that every node can read";
				}
			}
		}
		return null;
	}

	/** OME-Zarr outputs of every input ({@code --format zarr}, {@link BlockJob}): local or shared mounted paths. */
	private static int blocks(ContextFactory contexts, String[] batchArgs, BatchCommand.Settings settings,
		int filesPerTask, TaskHook hook, Interruption interruption, PrintWriter out, PrintWriter err)
	{
		BatchPlan plan;
		try {
			Configuration hadoop = contexts.hadoopConfiguration();
			plan = BatchPlan.of(BlockJob.localPaths(settings.inputs, hadoop), settings.scanner(),
				BlockJob.localPaths(List.of(settings.output), hadoop).get(0), settings.suffix, settings.zarr);
		}
		catch (UserException e) {
			return usage(err, e.getMessage());
		}
		catch (IOException e) {
			return usage(err, "cannot list the inputs: " + e.getMessage());
		}
		if (plan.items().isEmpty()) return usage(err, settings.noImageFiles());
		checkNotStopped(interruption);
		// as for the files' run: an output folder that cannot be made is a usage error before the context starts
		String why = BatchPlan.whyNotWritable(plan.outputFolder());
		if (why != null) return usage(err, "cannot write into the output folder '" + settings.output + "': " + why);
		if (settings.dryRun) {
			Decision.Tally tally = new Decision.Tally();
			Map<String, String> lines = new LinkedHashMap<>();
			dryRun(plan.items(), settings, interruption, tally, lines);
			for (String line : lines.values()) out.println(line);
			out.println(tally.summary());
			return tally.failing() > 0 ? SOME_FAILED : OK;
		}
		JavaSparkContext sc = start(contexts, interruption, err);
		if (sc == null) return USAGE;
		try {
			interruption.watch(sc);
			for (String note : notes(settings, true, filesPerTask > 0)) err.println(note);
			long start = System.nanoTime();
			Done done = new Done(err);
			for (Outcome o : BlockJob.run(sc, batchArgs, settings, plan.items(), 0, hook, interruption)) {
				done.add(o.status(), o.item().input().toString(), o.item().output().toString(),
					o.message());
			}
			if (interruption.stopped()) throw new java.util.concurrent.CancellationException("interrupted"); // said by batch()
			return done.summary(out, (System.nanoTime() - start) / 1e9, plan.outputFolder());
		}
		finally {
			out.flush();
			err.flush();
			if (sc != null) {
				// a stopped run's tasks finish the files in hand while the context still runs
				if (interruption.stopped()) interruption.awaitTasks();
				interruption.unwatch();
				contexts.release(sc);
			}
		}
	}

	/**
	 * Starts the Spark context; null, having said why, when Spark cannot start with its master (a misspelt URL,
	 * {@code local[0]}): the user's to fix, as a usage error is.
	 */
	private static JavaSparkContext start(ContextFactory contexts, Interruption interruption, PrintWriter err) {
		try {
			return contexts.get();
		}
		catch (Exception e) {
			// Spark's Java API throws its SparkException undeclared; one the signal caused is the run's to report
			if (interruption.stopped() || !(e instanceof org.apache.spark.SparkException)) throw e;
			err.println("cannot start Spark: " + e.getMessage() + "; check the master (SPARK_MASTER for "
				+ "spark/run-local.sh, --master for spark-submit)");
			err.flush();
			return null;
		}
	}

	/**
	 * The run's tally: prints each failure, and each written file with a note on its reading (an OME-XML not used), on
	 * stderr as it is added, in batch's words; batch's summary line at the end.
	 */
	private static final class Done {
		private final PrintWriter err;
		private int written, skipped, failed;

		Done(PrintWriter err) {
			this.err = err;
		}

		void add(Outcome.Status status, String input, String output, String message) {
			if (status == Outcome.Status.WRITTEN) {
				written++;
				if (message != null) err.println(Excerpt.line("written " + output + "; note: " + input + ": " + message));
			}
			else if (status == Outcome.Status.SKIPPED) skipped++;
			else {
				failed++;
				err.println(Excerpt.line("FAILED " + input + ": " + message));
			}
		}

		/** Prints batch's summary line; returns the exit code. */
		int summary(PrintWriter out, double seconds, Object folder) {
			int total = written + skipped + failed;
			out.printf(Locale.ROOT, "done: %d written, %d skipped (output exists), %d failed of %d files in %.1f s "
				+ "(%.1f files/s); output folder %s%n", written, skipped, failed, total, seconds,
				seconds > 0 ? total / seconds : 0.0, folder);
			return failed > 0 ? SOME_FAILED : OK;
		}
	}

	/**
	 * Lists what the run would do with each file ({@link FileJob#judge}: in tasks, by the run's own rules, reading
	 * only headers), in the plan's order and with batch's dry-run lines.
	 */
	private static void dryRun(HadoopPlan.Result plan, String[] batchArgs, int filesPerTask, JavaSparkContext sc,
		Decision.Tally tally, Map<String, String> lines)
	{
		List<Decision> decisions = FileJob.judge(sc, batchArgs, plan, filesPerTask);
		for (int i = 0; i < plan.tasks.size(); i++) {
			FileTask t = plan.tasks.get(i);
			Decision d = decisions.get(i);
			tally.add(d);
			lines.put(t.input, Excerpt.line(d.line(t.input, t.output)));
		}
	}

	/** The key of a local input among the dry run's lines: its {@code file:} URI, as its task names it. */
	private static String key(java.nio.file.Path input) {
		return HadoopPlan.uri(java.net.URI.create("file:///"), input.toAbsolutePath().normalize());
	}

	/**
	 * Lists what the block job would do with each image ({@link BlockJob#judge}), on the driver; a signal stops it
	 * between images, as it cancels the tasks that judge the other files.
	 */
	private static void dryRun(List<BatchItem> images, BatchCommand.Settings settings, Interruption interruption,
		Decision.Tally tally, Map<String, String> lines)
	{
		for (BatchItem item : images) {
			checkNotStopped(interruption);
			Decision d = BlockJob.judge(settings, item);
			tally.add(d);
			lines.put(key(item.input()), Excerpt.line(d.line(item.input().toString(), item.output().toString())));
		}
	}

	/**
	 * Batch's notes on options without effect, one on {@code --progress}, which a Spark run does not show, and one on
	 * {@code --files-per-task} when no file is converted as a file ({@code filesPerTaskUnused}).
	 */
	private static List<String> notes(BatchCommand.Settings settings, boolean zarrOutputs, boolean filesPerTaskUnused) {
		List<String> notes = new ArrayList<>(settings.notes(zarrOutputs));
		if (filesPerTaskUnused) {
			notes.add("note: --files-per-task applies to images with TIFF outputs; every output of this run is an "
				+ "OME-Zarr image, computed in tasks of blocks (--block sets their side)");
		}
		if (settings.given("--progress")) {
			notes.add("note: --progress has no effect on Spark: the run prints each failure as it is known and the "
				+ "summary at the end (Spark's web UI shows its tasks)");
		}
		return notes;
	}

	/**
	 * Ends work on the driver that a signal stopped (listing the inputs, judging OME-Zarr outputs), as the signal ends
	 * Spark's jobs: {@link #batch} says that the run was interrupted.
	 */
	private static void checkNotStopped(Interruption interruption) {
		if (interruption.stopped()) throw new java.util.concurrent.CancellationException("interrupted");
	}

	/** Says that the run (or dry run) was interrupted, as batch says it; returns batch's exit code for it. */
	private static int interrupted(PrintWriter err, long start, boolean dryRun) {
		err.printf(Locale.ROOT, "interrupted after %.1f s (Ctrl-C or SIGTERM): the Spark jobs were cancelled; "
			+ (dryRun ? "the dry run listed nothing and wrote nothing: rerun it to see its list%n" : "every output "
				+ "written is whole, and rerunning the same command skips them and does the rest%n"),
			(System.nanoTime() - start) / 1e9);
		err.flush();
		return SOME_FAILED;
	}

	private static int usage(PrintWriter err, String message) {
		err.println(message);
		err.println("Run 'convolve2d-spark batch --help' for the options.");
		err.flush();
		return USAGE;
	}
}
