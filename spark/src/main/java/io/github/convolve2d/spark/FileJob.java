package io.github.convolve2d.spark;

import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchListener;
import io.github.convolve2d.batch.BatchPlan;
import io.github.convolve2d.batch.BatchRunner;
import io.github.convolve2d.image.ConsoleCapture;
import io.github.convolve2d.batch.Decision;
import io.github.convolve2d.batch.MemoryBudget;
import io.github.convolve2d.batch.Outcome;
import io.github.convolve2d.cli.BatchCommand;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import picocli.CommandLine;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
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
 * Safety, as {@code batch}, by batch's own code: on a local or mounted shared file system ({@code file:}) each
 * file goes through {@link BatchRunner#runOne} to its real output path (batch's writer: a unique hidden temporary
 * file, then a link or rename; batch's rules for existing outputs: same settings skipped, other settings refused
 * unless {@code --overwrite}, files not ours never replaced). On a remote file system (HDFS, S3) an input is read
 * through a copy in the task's scratch folder, an existing output is fetched there so that the same rules judge it,
 * and a result is written there, copied to a hidden temporary file beside its target
 * ({@code .convolve2d-spark-<stage>-<task>-<attempt>-<n>.tif}) and renamed into place: a target is whole or absent
 * whatever happens to the attempt. A task attempt that fails (an executor lost, a bug) is retried by Spark; the
 * outputs it had finished are found in place with this run's settings and counted as written (their time is after
 * this run's start on the output's file system). A bad file is reported with its reason and the others go on.
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
		Broadcast<SerializableConfiguration> conf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
		boolean overwrite = settings.overwrite;
		List<FileResult> results = sc.parallelize(tasks, slices(sc, tasks.size(), filesPerTask))
			.mapPartitions((Iterator<FileTask> files) -> convert(files, batchArgs, overwrite, runStart,
				conf.value().value(), hook))
			.collect();
		return new Run(new ArrayList<>(results), plan.outputFolder);
	}

	/**
	 * What {@link #run} would do with each planned file, judged in tasks as the run's tasks judge it before reading
	 * pixels (with the executors' memory budget and file systems), reading at most the headers of inputs and of
	 * existing outputs and writing nothing: {@link BatchRunner#judge} on the same local paths that {@link #convert}
	 * gives {@link BatchRunner#runOne}, so a skip or failure is the run's own, with its reason. An input or existing
	 * output on a remote file system (HDFS, S3) is read through a copy in the task's scratch folder, as the run reads
	 * it. In the plan's order (Spark keeps a parallelized list's order through {@code mapPartitions} and
	 * {@code collect}).
	 */
	static List<Decision> judge(JavaSparkContext sc, String[] batchArgs, HadoopPlan.Result plan, int filesPerTask) {
		List<FileTask> tasks = plan.tasks;
		Broadcast<SerializableConfiguration> conf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
		return new ArrayList<>(sc.parallelize(tasks, slices(sc, tasks.size(), filesPerTask))
			.mapPartitions((Iterator<FileTask> files) -> judge(files, batchArgs, conf.value().value()))
			.collect());
	}

	/** Partitions of a list of files: {@code filesPerTask} each, or (0) about four tasks per core of the cluster. */
	private static int slices(JavaSparkContext sc, int files, int filesPerTask) {
		int perTask = filesPerTask > 0 ? filesPerTask
			: Math.max(1, (int) Math.ceil(files / (4.0 * sc.defaultParallelism())));
		return Math.max(1, (files + perTask - 1) / perTask);
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

	/**
	 * Why a run could not write into an output folder on a Hadoop file system, judged without writing anything
	 * (for a dry run), in {@link BatchPlan#whyNotWritable}'s words: the nearest existing folder on its path is a
	 * file, or may not be written ({@link FileSystem#access}; a file system that cannot tell, such as S3, lets it
	 * be); null when it can be made or written into.
	 *
	 * @throws IOException when the file system refuses to say what is on the path
	 */
	static String whyNotWritable(Path folder, Configuration conf) throws IOException {
		java.nio.file.Path local = localPath(folder, conf);
		if (local != null) return BatchPlan.whyNotWritable(local);
		FileSystem fs = folder.getFileSystem(conf);
		Path existing = folder;
		FileStatus st;
		while ((st = status(fs, existing)) == null && existing.getParent() != null) existing = existing.getParent();
		if (st == null) return null;
		if (!st.isDirectory()) return "a file is in the way (" + existing + ")";
		try {
			fs.access(existing, FsAction.WRITE);
		}
		catch (AccessControlException e) {
			return "permission denied";
		}
		return null;
	}

	/** The runner of a task: batch's, with the executor's memory budget and the task's cores. */
	private static BatchRunner runner(BatchCommand.Settings settings) {
		int threads = settings.threads != null ? settings.threads : Math.max(1, TaskContext.get().cpus());
		return new BatchRunner(settings.filter, settings.options, new AtomicTiffWriter(), threads, budget(),
			settings.overwrite, BatchListener.NONE);
	}

	/**
	 * Why a task's files (or a block task's image, {@link BlockJob}) fail when the task cannot read the run's options
	 * again (one parser: batch's), which the driver read: a kernel or weights file that is not on this node (a path on the driver's disk only) or changed.
	 */
	static String optionsNotReadHere(CommandLine.ParameterException e) {
		return "this task cannot read the run's options on its node: " + e.getMessage() + " (every node reads "
			+ "--kernel-file, --weights and --bias itself: give paths that every node can read, unchanged while the run "
			+ "lasts)";
	}

	/** Runs in a task: judges its files one by one. */
	private static Iterator<Decision> judge(Iterator<FileTask> files, String[] batchArgs, Configuration conf)
		throws IOException
	{
		TaskContext context = TaskContext.get();
		BatchRunner runner;
		try {
			runner = runner(BatchCommand.settings(batchArgs));
		}
		catch (CommandLine.ParameterException e) {
			List<Decision> failed = new ArrayList<>();
			files.forEachRemaining(t -> failed.add(Decision.fail(optionsNotReadHere(e))));
			return failed.iterator();
		}
		// as convert: remote files are copied into Spark's scratch folder of this executor, deleted file by file
		java.nio.file.Path scratch = Files.createTempDirectory(Paths.get(SparkFiles.getRootDirectory()),
			"convolve2d-task-");
		List<Decision> decisions = new ArrayList<>();
		try {
			int n = 0;
			while (files.hasNext() && !context.isInterrupted()) {
				java.nio.file.Path dir = Files.createDirectories(scratch.resolve(Integer.toString(n++)));
				try {
					decisions.add(judge(files.next(), runner, conf, dir));
				}
				catch (IllegalArgumentException e) {
					decisions.add(Decision.fail(nameNotAPath(e))); // as convert
				}
				deleteTree(dir);
			}
		}
		finally {
			deleteTree(scratch);
		}
		return decisions.iterator();
	}

	/**
	 * What convert would do with a file: {@link BatchRunner#judge} on the local files it gives {@link
	 * BatchRunner#runOne}, a remote input or existing output copied into {@code scratch} as convert copies it.
	 */
	private static Decision judge(FileTask task, BatchRunner runner, Configuration conf, java.nio.file.Path scratch)
		throws IOException
	{
		if (task.problem != null) return Decision.fail(task.problem); // as convert
		Path target = new Path(task.output);
		FileSystem outFs = raw(target.getFileSystem(conf));
		java.nio.file.Path localIn;
		try {
			localIn = local(new Path(task.input), conf, scratch);
		}
		catch (IOException e) {
			return Decision.fail("cannot read the file: " + e.getMessage());
		}
		String source = source(new Path(task.input), conf);
		if (outFs instanceof RawLocalFileSystem) {
			return runner.judge(new BatchItem(localIn, ((RawLocalFileSystem) outFs).pathToFile(target).toPath(), null,
				source));
		}
		java.nio.file.Path localOut = Files.createDirectories(scratch.resolve("out")).resolve(target.getName());
		try {
			fetchExisting(outFs, target, localOut);
		}
		catch (IOException e) {
			return Decision.fail(cannotReadExisting(task.output, e));
		}
		Decision d = runner.judge(new BatchItem(localIn, localOut, null, source));
		String reason = d.reason();
		if (reason == null || !reason.contains(localOut.toString())) return d;
		// the reason names the output as the run's does
		reason = reason.replace(localOut.toString(), task.output);
		switch (d.action()) {
			case SKIP:
				return Decision.skip(reason);
			case REPLACE:
				return Decision.replace(reason);
			default:
				return Decision.fail(reason);
		}
	}

	/**
	 * Puts what lies at a remote output's path at {@code local}, where the batch's rules judge it: a copy of a file,
	 * an empty folder for a folder; returns its status, null when nothing is there.
	 */
	private static FileStatus fetchExisting(FileSystem fs, Path target, java.nio.file.Path local) throws IOException {
		FileStatus before = status(fs, target);
		if (before != null && before.isDirectory()) Files.createDirectories(local);
		else if (before != null) fs.copyToLocalFile(false, target, new Path(local.toUri()), true);
		return before;
	}

	/** Runs in a task: converts its files one by one. */
	private static Iterator<FileResult> convert(Iterator<FileTask> files, String[] batchArgs, boolean overwrite,
		long runStart, Configuration conf, TaskHook hook) throws IOException
	{
		TaskContext context = TaskContext.get();
		String attempt = context.stageId() + "-" + context.partitionId() + "-" + context.attemptNumber();
		BatchRunner runner;
		try {
			runner = runner(BatchCommand.settings(batchArgs));
		}
		catch (CommandLine.ParameterException e) {
			List<FileResult> failed = new ArrayList<>();
			files.forEachRemaining(t -> failed.add(new FileResult(t, Outcome.Status.FAILED, optionsNotReadHere(e))));
			return failed.iterator();
		}
		// in Spark's own scratch folder of this executor, which Spark deletes when it stops: a task killed mid-file
		// (Ctrl-C, a lost executor) leaves no copy of a remote input behind in the system's temporary folder
		java.nio.file.Path scratch = Files.createTempDirectory(Paths.get(SparkFiles.getRootDirectory()),
			"convolve2d-task-");
		List<FileResult> results = new ArrayList<>();
		try (ConsoleCapture capture = ConsoleCapture.install()) {
			int n = 0;
			// a cancelled job (Ctrl-C on the driver) stops its tasks between files: the file in hand is finished
			while (files.hasNext() && !context.isInterrupted()) {
				FileTask task = files.next();
				java.nio.file.Path dir = Files.createDirectories(scratch.resolve(Integer.toString(n++)));
				try {
					results.add(convert(task, runner, dir, overwrite, runStart, conf, hook, attempt,
						context.attemptNumber()));
				}
				catch (IllegalArgumentException e) {
					results.add(new FileResult(task, Outcome.Status.FAILED, nameNotAPath(e)));
				}
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
		java.nio.file.Path localIn;
		try {
			localIn = local(new Path(task.input), conf, scratch);
		}
		catch (IOException e) {
			return new FileResult(task, Outcome.Status.FAILED, "cannot read the file: " + e.getMessage());
		}
		String source = source(new Path(task.input), conf);
		FileResult result;
		if (outFs instanceof RawLocalFileSystem) {
			// a local (or mounted shared) folder: the batch's own writer, with its rules for existing outputs
			Outcome o = runner.runOne(new BatchItem(localIn, ((RawLocalFileSystem) outFs).pathToFile(target).toPath(),
				null, source));
			if (o.status() == Outcome.Status.WRITTEN) hook.written(task.output, attemptNumber);
			result = new FileResult(task, o.status(), o.message());
		}
		else {
			result = remote(task, localIn, source, runner, scratch, outFs, target, attempt, hook, attemptNumber);
		}
		if (result.status == Outcome.Status.SKIPPED) {
			// the same settings' output: from before this run, or written by an earlier attempt of this task
			FileStatus st = status(outFs, target);
			if (st != null && st.getModificationTime() >= runStart) {
				// with the note the attempt that wrote it put on its line
				return new FileResult(task, Outcome.Status.WRITTEN, writtenNote(localIn));
			}
		}
		return result;
	}

	/**
	 * An output on a remote file system: an existing output is fetched into the scratch folder so that the batch's
	 * rules judge it (skip, replace, refuse), the result is written there and then copied to a hidden temporary file
	 * beside the target and renamed into place.
	 */
	private static FileResult remote(FileTask task, java.nio.file.Path localIn, String source, BatchRunner runner,
		java.nio.file.Path scratch, FileSystem fs, Path target, String attempt, TaskHook hook, int attemptNumber)
		throws IOException
	{
		java.nio.file.Path localOut = Files.createDirectories(scratch.resolve("out")).resolve(target.getName());
		FileStatus before;
		try {
			before = fetchExisting(fs, target, localOut);
		}
		catch (IOException e) {
			// as batch, a file whose output cannot be judged fails alone (a corrupt block, no permission)
			return new FileResult(task, Outcome.Status.FAILED, cannotReadExisting(task.output, e));
		}
		Outcome outcome = runner.runOne(new BatchItem(localIn, localOut, null, source));
		if (outcome.status() != Outcome.Status.WRITTEN) {
			String m = outcome.message();
			return new FileResult(task, outcome.status(), m == null ? null : m.replace(localOut.toString(),
				task.output));
		}
		Path tmp = new Path(target.getParent(), AtomicTiffWriter.TEMP_PREFIX + "spark-" + attempt + "-"
			+ Long.toUnsignedString(System.nanoTime(), 36) + AtomicTiffWriter.TEMP_SUFFIX);
		try {
			fs.mkdirs(target.getParent());
			fs.copyFromLocalFile(false, true, new Path(localOut.toUri()), tmp);
			hook.written(task.output, attemptNumber);
			if (before != null) {
				// the batch's rules allowed replacing it; Hadoop's rename does not replace, so it goes first (the
				// target is absent a moment, never partial)
				fs.delete(target, false);
			}
			if (!fs.rename(tmp, target)) {
				return new FileResult(task, Outcome.Status.FAILED, "its output " + task.output + " appeared while "
					+ "this run computed it; it is left as it is");
			}
			// the note on the input's reading (an OME-XML not used), as on a local file system
			return new FileResult(task, Outcome.Status.WRITTEN, outcome.message());
		}
		catch (IOException e) {
			return new FileResult(task, Outcome.Status.FAILED, "cannot write " + task.output + ": " + e.getMessage());
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

	/**
	 * Why a file fails whose name, or its output's, Hadoop cannot take as a path where it reads or writes it: its
	 * {@code Path} reads {@code t1:2.tif} as a URI, so a local file system reached through viewfs:// fails on the
	 * checksum file {@code .t1:2.tif.crc} with an IllegalArgumentException, which failed the task, then the job: every
	 * file of the run unreported. An output renamed into place before the checksum's failure is whole.
	 */
	private static String nameNotAPath(IllegalArgumentException e) {
		Throwable why = e.getCause() != null ? e.getCause() : e;
		return "Hadoop cannot take a name of this file or its output as a path (" + why.getMessage() + "): rename it "
			+ "without ':', or give its folders as mounted paths (file:)";
	}

	/**
	 * The note the batch puts on the line of a file it wrote ({@link BatchRunner#runOne}: an OME-TIFF's OME-XML not
	 * used), read again from the input's header; null for none.
	 */
	private static String writtenNote(java.nio.file.Path input) {
		try {
			return io.github.convolve2d.batch.ImageHeader.read(input).note();
		}
		catch (io.github.convolve2d.batch.UnreadableImageException | RuntimeException e) {
			return null; // it was read by the attempt that wrote its output
		}
	}

	/** Why a file fails whose existing output on a remote file system cannot be judged (a corrupt block, no permission). */
	private static String cannotReadExisting(String output, IOException e) {
		return "cannot read its existing output " + output + " (" + e.getMessage() + "); it is left as it is: check it, "
			+ "move it away, or choose another --output";
	}

	/** The input as a local file: itself on a local file system, else a copy in the scratch folder. */
	private static java.nio.file.Path local(Path input, Configuration conf, java.nio.file.Path scratch)
		throws IOException
	{
		java.nio.file.Path path = localPath(input, conf);
		if (path != null) return path;
		FileSystem fs = input.getFileSystem(conf);
		java.nio.file.Path copy = Files.createDirectories(scratch.resolve("in")).resolve(input.getName());
		fs.copyToLocalFile(false, input, new Path(copy.toUri()), true);
		// the input's own modification time: the output records the input's version by it (OutputStamp)
		Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(
			fs.getFileStatus(input).getModificationTime()));
		return copy;
	}

	/**
	 * What names an input in the outputs made from it ({@link BatchItem#source}), the same whichever way it is
	 * reached: its path where it resolves to a local (or mounted) file, as the batch command names it (a {@code
	 * viewfs:} link to a local folder included), else its resolved URI. An input gone since the listing is named as
	 * given: reading it then fails that file alone, as in batch.
	 */
	static String source(Path input, Configuration conf) throws IOException {
		Path resolved;
		try {
			resolved = input.getFileSystem(conf).resolvePath(input);
		}
		catch (FileNotFoundException e) {
			resolved = input;
		}
		java.nio.file.Path local = localPath(resolved, conf);
		return local != null ? local.toAbsolutePath().normalize().toString() : resolved.toString();
	}

	/** A path on a local (or mounted) file system as a local file, read in place; null on another file system. */
	static java.nio.file.Path localPath(Path p, Configuration conf) throws IOException {
		FileSystem fs = raw(p.getFileSystem(conf));
		return fs instanceof RawLocalFileSystem ? ((RawLocalFileSystem) fs).pathToFile(p).toPath() : null;
	}

	/** The local file system without Hadoop's checksum files (no {@code .NAME.crc} beside each output). */
	static FileSystem raw(FileSystem fs) {
		return fs instanceof LocalFileSystem ? ((LocalFileSystem) fs).getRaw() : fs;
	}

	/** The status of {@code p}, or null when there is no such file or folder. */
	static FileStatus status(FileSystem fs, Path p) throws IOException {
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
