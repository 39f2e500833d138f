package io.github.convolve2d.spark;

import io.github.convolve2d.batch.AtomicTiffWriter;
import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchListener;
import io.github.convolve2d.batch.BatchRunner;
import io.github.convolve2d.batch.ConsoleCapture;
import io.github.convolve2d.batch.MemoryBudget;
import io.github.convolve2d.batch.Outcome;
import io.github.convolve2d.cli.BatchCommand;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The batch job on Spark: every planned file ({@link HadoopPlan}) becomes one element of an RDD, a task
 * converts its group of files one by one with the batch's own classes ({@link BatchRunner#runOne}: header
 * check, memory budget, ImageJ's reader, the image engine, ImageJ's TIFF writer) and sends each file's
 * outcome to the driver, which prints the failures and the batch's summary. No shuffle.
 * <p>
 * Safety, as {@code batch}: an input on a remote file system is copied to the task's scratch folder and read
 * there; the output is written to scratch, copied to a hidden temporary file beside its target
 * ({@code .NAME.tif.convolve2d-tmp-<stage>-<task>-<attempt>}, unique per task attempt) and renamed into place, so
 * a target is whole or absent whatever happens to the attempt. A task attempt that fails (an executor lost, a
 * bug) is retried by Spark; its finished outputs are then found in place and counted as written (their time is
 * after this run's start on the output's file system), its temporary file is deleted, or, if the executor died,
 * left hidden (scans skip it). Existing outputs are skipped unless {@code --overwrite}; a bad file is reported
 * with its reason and the others go on.
 */
final class FileJob {

	/** One heap budget per executor JVM, shared by the tasks that run in it (as the batch's files share one). */
	private static MemoryBudget budget;

	private FileJob() {
	}

	private static synchronized MemoryBudget budget() {
		if (budget == null) budget = MemoryBudget.ofHeap();
		return budget;
	}

	/** The outcomes of a run and when it started on the output's file system. */
	static final class Run {
		final List<FileResult> results;
		final Path outputFolder;

		Run(List<FileResult> results, Path outputFolder) {
			this.results = results;
			this.outputFolder = outputFolder;
		}
	}

	/**
	 * Runs the planned files on Spark.
	 *
	 * @param batchArgs the batch options, shipped to the tasks (each parses them again: one parser)
	 * @param filesPerTask files in one task; 0 chooses about four tasks per core of the cluster
	 */
	static Run run(JavaSparkContext sc, String[] batchArgs, BatchCommand.Settings settings, HadoopPlan.Result plan,
		long runStart, int filesPerTask, TaskHook hook)
	{
		List<FileTask> tasks = plan.tasks;
		int perTask = filesPerTask > 0 ? filesPerTask
			: Math.max(1, (int) Math.ceil(tasks.size() / (4.0 * sc.defaultParallelism())));
		int slices = Math.max(1, (tasks.size() + perTask - 1) / perTask);
		Broadcast<SerializableConfiguration> conf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
		boolean overwrite = settings.overwrite;
		List<FileResult> results = sc.parallelize(tasks, slices)
			.mapPartitions((Iterator<FileTask> files) -> convert(files, batchArgs, overwrite, runStart,
				conf.value().value(), hook))
			.collect();
		return new Run(new ArrayList<>(results), plan.outputFolder);
	}

	/** The modification time of a probe file in the output folder: this run's start on that file system's clock. */
	static long probe(Path outputFolder, Configuration conf) throws IOException {
		FileSystem fs = raw(outputFolder.getFileSystem(conf));
		fs.mkdirs(outputFolder);
		Path probe = new Path(outputFolder, ".convolve2d-probe-" + System.nanoTime() + AtomicTiffWriter.TEMP_SUFFIX);
		fs.create(probe, false).close();
		try {
			return fs.getFileStatus(probe).getModificationTime();
		}
		finally {
			fs.delete(probe, false);
		}
	}

	/** Runs in a task: converts its files one by one. */
	private static Iterator<FileResult> convert(Iterator<FileTask> files, String[] batchArgs, boolean overwrite,
		long runStart, Configuration conf, TaskHook hook) throws IOException
	{
		BatchCommand.Settings settings = BatchCommand.settings(batchArgs);
		TaskContext context = TaskContext.get();
		int threads = settings.threads != null ? settings.threads : Math.max(1, context.cpus());
		String attempt = context.stageId() + "-" + context.partitionId() + "-" + context.attemptNumber();
		BatchRunner runner = new BatchRunner(settings.filter, settings.options, new AtomicTiffWriter(), threads,
			budget(), true, BatchListener.NONE);
		java.nio.file.Path scratch = Files.createTempDirectory("convolve2d-task-");
		List<FileResult> results = new ArrayList<>();
		try (ConsoleCapture capture = ConsoleCapture.install()) {
			int n = 0;
			while (files.hasNext()) {
				FileTask task = files.next();
				java.nio.file.Path dir = Files.createDirectories(scratch.resolve(Integer.toString(n++)));
				results.add(convert(task, runner, dir, overwrite, runStart, conf, hook, attempt,
					context.attemptNumber()));
				deleteTree(dir);
			}
		}
		finally {
			deleteTree(scratch);
		}
		return results.iterator();
	}

	private static FileResult convert(FileTask task, BatchRunner runner, java.nio.file.Path scratch,
		boolean overwrite, long runStart, Configuration conf, TaskHook hook, String attempt, int attemptNumber)
		throws IOException
	{
		if (task.problem != null) return new FileResult(task, Outcome.Status.FAILED, task.problem);
		Path target = new Path(task.output);
		FileSystem outFs = raw(target.getFileSystem(conf));
		FileStatus existing = status(outFs, target);
		if (existing != null && existing.isDirectory()) {
			return new FileResult(task, Outcome.Status.FAILED, Outcome.folderInTheWay(task.output));
		}
		if (existing != null && !overwrite) {
			// finished by an earlier attempt of this task in this run, or there before the run
			return existing.getModificationTime() >= runStart ? new FileResult(task, Outcome.Status.WRITTEN, null)
				: new FileResult(task, Outcome.Status.SKIPPED, Outcome.OUTPUT_EXISTS);
		}
		java.nio.file.Path localIn;
		try {
			localIn = local(new Path(task.input), conf, scratch);
		}
		catch (IOException e) {
			return new FileResult(task, Outcome.Status.FAILED, "cannot read the file: " + e.getMessage());
		}
		java.nio.file.Path localOut = Files.createDirectories(scratch.resolve("out")).resolve(target.getName());
		Outcome outcome = runner.runOne(new BatchItem(localIn, localOut, null));
		if (outcome.status() != Outcome.Status.WRITTEN) {
			return new FileResult(task, outcome.status(), outcome.message());
		}
		try {
			publish(outFs, localOut, target, overwrite, attempt, hook, attemptNumber);
		}
		catch (IOException e) {
			return new FileResult(task, Outcome.Status.FAILED, "cannot write " + task.output + ": " + e.getMessage());
		}
		return new FileResult(task, Outcome.Status.WRITTEN, null);
	}

	/**
	 * Copies a finished output to a hidden temporary file beside its target and renames it into place. A failure
	 * of the hook (a test's injected failure) propagates and fails the task attempt; the temporary file is
	 * deleted either way.
	 */
	private static void publish(FileSystem fs, java.nio.file.Path local, Path target, boolean overwrite,
		String attempt, TaskHook hook, int attemptNumber) throws IOException
	{
		Path tmp = new Path(target.getParent(), "." + target.getName() + AtomicTiffWriter.TEMP_SUFFIX + "-" + attempt);
		fs.mkdirs(target.getParent());
		try {
			fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
			hook.beforeRename(target.toString(), attemptNumber);
			if (fs.exists(target)) {
				if (!overwrite) throw new IOException("it appeared while this run was writing it; it is left as it is");
				// Hadoop's rename does not replace: the old output goes first (the target is absent a moment,
				// never partial)
				fs.delete(target, false);
			}
			if (!fs.rename(tmp, target)) throw new IOException("the file system refused to rename " + tmp);
		}
		finally {
			try {
				fs.delete(tmp, false);
			}
			catch (IOException e) {
				// best effort: a hidden temporary file, skipped by scans
			}
		}
	}

	/** The input as a local file: itself on a local file system, else a copy in the scratch folder. */
	private static java.nio.file.Path local(Path input, Configuration conf, java.nio.file.Path scratch)
		throws IOException
	{
		FileSystem fs = input.getFileSystem(conf);
		if (fs instanceof LocalFileSystem) return ((LocalFileSystem) fs).pathToFile(input).toPath();
		if (fs instanceof RawLocalFileSystem) return ((RawLocalFileSystem) fs).pathToFile(input).toPath();
		java.nio.file.Path copy = Files.createDirectories(scratch.resolve("in")).resolve(input.getName());
		fs.copyToLocalFile(false, input, new Path(copy.toUri()), true);
		return copy;
	}

	/** The local file system without Hadoop's checksum files (no {@code .NAME.crc} beside each output). */
	static FileSystem raw(FileSystem fs) {
		return fs instanceof LocalFileSystem ? ((LocalFileSystem) fs).getRaw() : fs;
	}

	private static FileStatus status(FileSystem fs, Path p) throws IOException {
		try {
			return fs.getFileStatus(p);
		}
		catch (FileNotFoundException e) {
			return null;
		}
	}

	private static void deleteTree(java.nio.file.Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
			for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(p);
			}
		}
	}
}
