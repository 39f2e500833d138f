package io.github.convolve2d.spark;

import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchListener;
import io.github.convolve2d.batch.BatchRunner;
import io.github.convolve2d.batch.BlockwiseJob;
import io.github.convolve2d.batch.Decision;
import io.github.convolve2d.batch.MemoryBudget;
import io.github.convolve2d.batch.Outcome;
import io.github.convolve2d.cli.BatchCommand;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.io.ChannelRanges;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Large images on Spark: each input becomes an OME-Zarr image computed block by block with batch's
 * {@link BlockwiseJob} in three steps: the driver creates the output, one task per group of consecutive blocks
 * computes them (each block reads its window with its halo from the input; no shuffle) and writes their chunks
 * atomically, skipping those already written (a retried task attempt), and the driver writes the metadata last.
 * With {@code --zarr-pyramid}, each further level is one more stage of tasks over groups of its chunks, after the
 * level below is complete.
 * The same bytes as {@code batch}'s blockwise output. Paths on a local or shared mounted file system only
 * ({@code file:} URIs or plain paths), read and written with java.nio.
 */
final class BlockJob {

	private BlockJob() {
	}

	/**
	 * The inputs as local paths, or a usage error for another file system. A {@code file:} URI is read as the file
	 * job reads it (Hadoop's {@code Path}: {@code file:/data/my plates} is the folder with a space in its name); a
	 * path without a scheme is on the default file system ({@code fs.defaultFS} of {@code conf}), as the file job
	 * reads it, hence a usage error unless that is the local disk.
	 */
	static List<Path> localPaths(List<String> inputs, org.apache.hadoop.conf.Configuration conf) {
		java.net.URI defaultFs = org.apache.hadoop.fs.FileSystem.getDefaultUri(conf);
		List<Path> paths = new ArrayList<>();
		for (String s : inputs) {
			if (s.startsWith("file:")) {
				try {
					paths.add(Paths.get(new org.apache.hadoop.fs.Path(s).toUri().getPath()));
				}
				catch (IllegalArgumentException e) {
					throw new UserException("'" + s + "' is not a file: URI that Hadoop reads (" + e.getMessage() + ")");
				}
			}
			else if (s.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
				throw new UserException("OME-Zarr images are read and written on a local or shared mounted file system "
					+ "(file: paths) only, not " + s);
			}
			else if (!"file".equals(defaultFs.getScheme())) {
				throw new UserException("'" + s + "' is on the default file system " + defaultFs + " (fs.defaultFS), as "
					+ "every path without a scheme: OME-Zarr images are read and written on a local or shared mounted file "
					+ "system only; give file:" + Paths.get(s).toAbsolutePath() + " for the local disk");
			}
			else paths.add(Paths.get(s));
		}
		return paths;
	}

	/**
	 * Runs the planned inputs one after the other, each across the cluster.
	 *
	 * @param blocksPerTask blocks in one task; 0 chooses about four tasks per core of the cluster
	 * @return each input's outcome, up to the input a signal stopped ({@link Interruption#stop}: no job starts
	 *         after it; the stopped input's finished blocks are kept for a rerun)
	 */
	static List<Outcome> run(JavaSparkContext sc, String[] batchArgs, BatchCommand.Settings settings,
		List<BatchItem> items, int blocksPerTask, TaskHook hook, Interruption interruption)
	{
		List<Outcome> outcomes = new ArrayList<>();
		for (BatchItem item : items) {
			if (interruption.stopped()) break;
			Outcome o = run(sc, batchArgs, settings, item, blocksPerTask, hook, interruption);
			// an image the signal stopped failed for that reason only; it resumes on a rerun
			if (interruption.stopped()) break;
			outcomes.add(o);
		}
		return outcomes;
	}

	/**
	 * What {@link #run} would do with a planned input, decided before any block as the batch command decides it
	 * ({@link BatchRunner#judge}, with its reasons), after the plan's problem. Reads only the metadata of an existing
	 * output. The dry run lists it.
	 */
	static Decision judge(BatchCommand.Settings settings, BatchItem item) {
		if (item.problem() != null) return Decision.fail(item.problem());
		BatchRunner runner = new BatchRunner(settings.filter, settings.options, new AtomicTiffWriter(), 1,
			MemoryBudget.ofHeap(), settings.overwrite, BatchListener.NONE);
		if (settings.kernels != null) runner.blocks(settings.kernels, settings.block, settings.compressor, settings.pyramid);
		else {
			runner.layerBlocks(settings.layer, settings.activation, settings.layerName, settings.block, settings.compressor,
				settings.pyramid);
		}
		runner.zarrFormat(settings.zarrFormat);
		return runner.judge(item);
	}

	private static Outcome run(JavaSparkContext sc, String[] batchArgs, BatchCommand.Settings settings,
		BatchItem item, int blocksPerTask, TaskHook hook, Interruption interruption)
	{
		Decision decision = judge(settings, item);
		if (decision.action() == Decision.Action.SKIP) return new Outcome(item, Outcome.Status.SKIPPED, decision.reason());
		if (decision.action() == Decision.Action.FAIL) return new Outcome(item, Outcome.Status.FAILED, decision.reason());
		try {
			BlockwiseJob job = job(settings, 1);
			BlockwiseJob.Prepared prepared = job.prepare(item.input(), item.output(),
				decision.action() == Decision.Action.REPLACE);
			long total = prepared.blocks();
			long perTask = blocksPerTask > 0 ? blocksPerTask
				: Math.max(1, (long) Math.ceil(total / (4.0 * sc.defaultParallelism())));
			List<long[]> groups = new ArrayList<>();
			for (long from = 0; from < total; from += perTask) groups.add(new long[] { from, Math.min(total, from + perTask) });
			String input = item.input().toString(), output = item.output().toString();
			if (interruption.stopped()) return new Outcome(item, Outcome.Status.FAILED, "interrupted");
			// a one-level output's omero windows: the range of every block's values, gathered by the tasks
			ChannelRanges ranges = prepared.ranges();
			int channels = ranges == null ? 0 : ranges.channels();
			String problem = null;
			for (Blocks part : sc.parallelize(groups, groups.size())
				.map(g -> compute(batchArgs, input, output, g, hook, channels)).collect())
			{
				if (part.problem != null) problem = part.problem;
				else if (part.ranges != null) ranges.merge(part.ranges);
			}
			if (problem != null) return resumable(item, problem);
			for (int level = 1; level < prepared.levels() && !interruption.stopped(); level++) {
				long chunks = prepared.levelChunks(level);
				long per = blocksPerTask > 0 ? blocksPerTask
					: Math.max(1, (long) Math.ceil(chunks / (4.0 * sc.defaultParallelism())));
				List<long[]> levelGroups = new ArrayList<>();
				for (long from = 0; from < chunks; from += per) {
					levelGroups.add(new long[] { level, from, Math.min(chunks, from + per) });
				}
				for (Blocks part : sc.parallelize(levelGroups, levelGroups.size())
					.map(g -> computeLevel(batchArgs, output, g, hook)).collect())
				{
					if (part.problem != null) return resumable(item, part.problem);
				}
			}
			if (interruption.stopped()) return new Outcome(item, Outcome.Status.FAILED, "interrupted");
			prepared.commit(ranges);
			return new Outcome(item, Outcome.Status.WRITTEN, BatchRunner.readingNote(item.input()));
		}
		catch (UserException e) {
			return new Outcome(item, Outcome.Status.FAILED, e.getMessage());
		}
		catch (RuntimeException e) {
			throw e;
		}
		catch (Exception e) {
			// an IOException on the driver, or a task's failure after its retries (a SparkException, which the Java
			// API throws undeclared)
			String m = e.getMessage() == null ? e.toString() : e.getMessage();
			// a task's failure: Spark's first line names the task, its host and its exception; stack traces follow
			if (m.indexOf('\n') >= 0) m = m.substring(0, m.indexOf('\n')).strip();
			return new Outcome(item, Outcome.Status.FAILED, "cannot convolve " + item.input() + " into " + item.output()
				+ ": " + m + " (rerun to resume: finished blocks are kept)");
		}
	}

	/** An image that failed part-way, its finished blocks kept. */
	private static Outcome resumable(BatchItem item, String problem) {
		return new Outcome(item, Outcome.Status.FAILED, problem + "; rerun to resume: finished blocks are kept");
	}

	/**
	 * What a task of blocks sends back: the range of their values in each channel (null when not gathered), or why it
	 * could not compute them (the run's options cannot be read on its node: a retry on that node would not help).
	 */
	static final class Blocks implements java.io.Serializable {
		private static final long serialVersionUID = 1L;
		final ChannelRanges ranges;
		final String problem;

		Blocks(ChannelRanges ranges, String problem) {
			this.ranges = ranges;
			this.problem = problem;
		}
	}

	/** The run's options, read again in a task (one parser: batch's); null, {@code problem} set, if they cannot be. */
	private static BatchCommand.Settings settings(String[] batchArgs, String[] problem) {
		try {
			return BatchCommand.settings(batchArgs);
		}
		catch (CommandLine.ParameterException e) {
			problem[0] = FileJob.optionsNotReadHere(e);
			return null;
		}
	}

	private static BlockwiseJob job(BatchCommand.Settings settings, int threads) {
		ConvolutionOptions o = settings.options.toBuilder().threads(threads).build();
		BlockwiseJob job = settings.kernels != null ? new BlockwiseJob(settings.kernels, o, settings.block,
			settings.compressor, settings.pyramid) : BlockwiseJob.layer(settings.layer, settings.activation,
			settings.layerName, o, settings.block, settings.compressor, settings.pyramid);
		return job.withZarrFormat(settings.zarrFormat);
	}

	/**
	 * Runs in a task: blocks {@code group[0]} to {@code group[1]} (exclusive) of one input; returns the range of
	 * their values in each of the output's {@code channels} (null for 0: a pyramid's windows are read at commit), or
	 * why the task cannot read the run's options.
	 */
	private static Blocks compute(String[] batchArgs, String input, String output, long[] group, TaskHook hook,
		int channels) throws IOException
	{
		String[] problem = new String[1];
		BatchCommand.Settings settings = settings(batchArgs, problem);
		if (settings == null) return new Blocks(null, problem[0]);
		TaskContext context = TaskContext.get();
		int threads = settings.threads != null ? settings.threads : Math.max(1, context.cpus());
		ChannelRanges ranges = channels > 0 ? new ChannelRanges(channels) : null;
		job(settings, threads).compute(Paths.get(input), Paths.get(output), group[0], group[1], ranges);
		hook.written(output + "#" + group[0], context.attemptNumber());
		return new Blocks(ranges, null);
	}

	/** Runs in a task: chunks {@code group[1]} to {@code group[2]} (exclusive) of pyramid level {@code group[0]}. */
	private static Blocks computeLevel(String[] batchArgs, String output, long[] group, TaskHook hook)
		throws IOException
	{
		String[] problem = new String[1];
		BatchCommand.Settings settings = settings(batchArgs, problem);
		if (settings == null) return new Blocks(null, problem[0]);
		TaskContext context = TaskContext.get();
		int threads = settings.threads != null ? settings.threads : Math.max(1, context.cpus());
		job(settings, threads).computeLevel(Paths.get(output), (int) group[0], group[1], group[2]);
		hook.written(output + "#level " + group[0] + " from " + group[1], context.attemptNumber());
		return new Blocks(null, null);
	}
}
