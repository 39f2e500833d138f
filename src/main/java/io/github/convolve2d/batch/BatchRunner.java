package io.github.convolve2d.batch;

import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.IoMessages;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.UserException;
import ij.ImagePlus;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMapFilter;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;
import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.TiffReader;
import io.github.convolve2d.io.ZarrFormat;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a planned batch: reads, convolves (with the image engine, {@link FeatureMaps}: every plane, the whole
 * image even when the file holds a selection) and writes each file, several files at a time, and reports each
 * file's outcome to a {@link BatchListener}. A file that cannot be read, convolved or written is reported with
 * its reason and the others go on.
 * <p>
 * Existing outputs ({@link OutputStamp}): one that is ours and made with this run's settings is skipped (or
 * recomputed with {@code overwrite}); one made with other settings fails as such (replaced with {@code overwrite});
 * a file Convolve 2D did not write is never replaced. The decision is made again at the moment of writing, so that
 * two runs into one folder never replace each other's outputs without {@code overwrite}.
 * <p>
 * Parallelism: up to {@code threads} files are in flight, and never more than fit a {@link MemoryBudget}: each
 * file's need (decoded input plus the engine's {@link FeatureMaps#bytesNeeded}) is estimated from its header
 * before it is read,
 * and reserved. A file whose need exceeds the whole budget fails as too large for memory. Inside a file, the
 * core uses all {@code threads} only for planes of a megapixel or more; smaller planes run on one thread each,
 * since the files already keep the cores busy.
 * <p>
 * Leftovers: at the start of {@link #run}, the hidden temporary files that a killed run (SIGKILL, a power cut)
 * left in the folders this run writes into are removed — only those whose writing process is provably gone — and
 * their number is reported through {@link BatchListener#notice}.
 * <p>
 * {@link #cancel} (from any thread, e.g. a shutdown hook on Ctrl-C) stops the run: no new file starts, the
 * convolutions in flight stop, nothing more is written, and {@link #run} returns an interrupted summary. The
 * runner registers no shutdown hook of its own: a hook that deleted temporary files while their writes go on
 * would fail those files; the command line's hook cancels, waits, and cleans up only what did not stop.
 */
public final class BatchRunner {

	/** Planes at least this large (pixels) use all threads inside the core. */
	static final long LARGE_PLANE = 1L << 20;
	/** How often the dispatcher looks at the cancel flag while it waits for a free slot or memory. */
	private static final long POLL_MILLIS = 100;

	private final FeatureMapFilter filter;
	private final ConvolutionOptions options;
	private final OutputStamp stamp;
	private final AtomicTiffWriter writer;
	private final int threads;
	private final MemoryBudget budget;
	private final boolean overwrite;
	private final BatchListener listener;
	private volatile boolean cancelled;
	private final ProgressListener cancelling = new ProgressListener() {
		@Override
		public void progress(int done, int total) {
			// files are the unit of progress
		}

		@Override
		public boolean isCancelled() {
			return cancelled;
		}
	};
	/** The bank, for inputs convolved block by block into OME-Zarr (null for a convolution layer). */
	private List<Kernel> kernels;
	private int block = BlockwiseJob.DEFAULT_BLOCK;
	private Compressor compressor = Compressor.RAW;
	private boolean pyramid;
	/** The OME-Zarr outputs' format, null for each input's own ({@link BlockwiseJob#withZarrFormat}). */
	private ZarrFormat zarrFormat;
	/** The layer of a batch with --weights, for its OME-Zarr outputs; null with kernels. */
	private LayerWeights layer;
	private Activation activation;
	private String layerName;

	/**
	 * @throws UserException for an empty bank, a bank that does not fit one stack
	 *         ({@link ConvolutionGeometry#checkOneFeatureMapSize}) or fewer than 1 thread
	 */
	public BatchRunner(List<Kernel> kernels, ConvolutionOptions options, AtomicTiffWriter writer, int threads,
		MemoryBudget budget, boolean overwrite, BatchListener listener)
	{
		this(FeatureMapFilter.bank(kernels, options), options, writer, threads, budget, overwrite, listener);
		this.kernels = List.copyOf(kernels);
	}

	/**
	 * Sets how items with OME-Zarr outputs ({@link BatchPlan#ZARR}) are computed: with {@code kernels} (null when
	 * the batch applies a convolution layer, which such items refuse), in output blocks (and chunks) of
	 * {@code block × block} pixels, chunks stored with {@code compressor}, with a pyramid of 2×2 means when
	 * {@code pyramid} is set ({@link BlockwiseJob}).
	 *
	 * @throws UserException for a block under 1
	 */
	public BatchRunner blocks(List<Kernel> kernels, int block, Compressor compressor, boolean pyramid) {
		if (block < 1) throw new UserException("--block must be at least 1, got " + block);
		this.kernels = kernels == null ? null : List.copyOf(kernels);
		this.block = block;
		this.compressor = compressor;
		this.pyramid = pyramid;
		return this;
	}

	/**
	 * Sets the format of the OME-Zarr outputs, after {@link #blocks} or {@link #layerBlocks}: NGFF 0.4 on Zarr v2 or
	 * NGFF 0.5 on Zarr v3; null (the default) writes each in its input's own format (v2 for a TIFF) and keeps an
	 * existing output in its own ({@link BlockwiseJob#withZarrFormat}).
	 *
	 * @throws UserException for Zarr v3 with a compressor it has no codec for (zlib)
	 */
	public BatchRunner zarrFormat(ZarrFormat format) {
		BlockwiseJob.checkFormat(format, compressor);
		this.zarrFormat = format;
		return this;
	}

	/**
	 * Sets how items with OME-Zarr outputs are computed when the batch applies a convolution layer: block by block
	 * from all the input's channels ({@link BlockwiseJob#layer}), in blocks of {@code block × block} output pixels,
	 * as {@link #blocks} says for kernels.
	 *
	 * @throws UserException for a block under 1
	 */
	public BatchRunner layerBlocks(LayerWeights weights, Activation activation, String name, int block,
		Compressor compressor, boolean pyramid)
	{
		blocks(null, block, compressor, pyramid);
		this.layer = Objects.requireNonNull(weights, "weights");
		this.activation = Objects.requireNonNull(activation, "activation");
		this.layerName = name;
		return this;
	}

	/**
	 * A batch that applies {@code filter} (a kernel bank or a convolution layer) to every image.
	 *
	 * @throws UserException for fewer than 1 thread
	 */
	public BatchRunner(FeatureMapFilter filter, ConvolutionOptions options, AtomicTiffWriter writer, int threads,
		MemoryBudget budget, boolean overwrite, BatchListener listener)
	{
		if (threads < 1) throw new UserException("threads must be at least 1, got " + threads);
		this.filter = filter;
		this.options = options;
		this.stamp = OutputStamp.of(filter, options);
		this.writer = writer;
		this.threads = threads;
		this.budget = budget;
		this.overwrite = overwrite;
		this.listener = listener;
	}

	/** Stops the run (see the class comment); callable from any thread, any number of times. */
	public void cancel() {
		cancelled = true;
	}

	/** Memory a file needs while in flight, from its header. */
	long need(ImageHeader h) {
		return h.decodedBytes() + filter.bytesNeeded(h.width(), h.height(), h.planes(), h.rgb(), options)
			+ (1 << 20);
	}

	/**
	 * Runs every item and returns the summary; returns early (interrupted) when {@link #cancel} is called or this
	 * thread is interrupted.
	 */
	public BatchSummary run(List<BatchItem> items) {
		long start = System.nanoTime();
		AtomicInteger written = new AtomicInteger(), skipped = new AtomicInteger();
		List<Outcome> failures = Collections.synchronizedList(new ArrayList<>());
		Consumer<Outcome> counting = outcome -> {
			if (outcome == null) return; // stopped by cancel: not done
			if (outcome.status() == Outcome.Status.WRITTEN) written.incrementAndGet();
			else if (outcome.status() == Outcome.Status.SKIPPED) skipped.incrementAndGet();
			else failures.add(outcome);
			listener.finished(outcome);
		};
		removeStaleTemporaries(items);
		listener.started(items.size());
		int workers = Math.max(1, Math.min(threads, items.size()));
		AtomicInteger number = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
			Thread t = new Thread(r, "convolve2d-batch-" + number.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
		Semaphore slots = new Semaphore(workers);
		boolean interrupted = false;
		List<BatchItem> blockwise = new ArrayList<>();
		try {
			for (BatchItem item : items) {
				if (stopping()) break;
				if (item.problem() == null && blockwise(item)) {
					blockwise.add(item); // after the files in memory, one at a time with every thread
					continue;
				}
				ImageHeader header = admit(item, counting);
				if (header == null) continue;
				MemoryBudget.Reservation reservation = null;
				try {
					while (!stopping() && !slots.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
						// waiting for a free slot
					}
					if (stopping()) break;
					try {
						while (!stopping() && (reservation = budget.tryReserve(need(header), POLL_MILLIS)) == null) {
							// waiting for memory
						}
					}
					finally {
						if (reservation == null) slots.release();
					}
					if (reservation == null) break;
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					break;
				}
				MemoryBudget.Reservation held = reservation;
				pool.execute(() -> {
					try {
						counting.accept(process(item, header));
					}
					finally {
						held.close();
						slots.release();
					}
				});
			}
			pool.shutdown();
			while (!pool.awaitTermination(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
				if (Thread.currentThread().isInterrupted()) cancel();
			}
			for (BatchItem item : blockwise) {
				if (stopping()) break;
				counting.accept(processBlockwise(item));
			}
		}
		catch (InterruptedException e) {
			cancel();
			pool.shutdownNow();
			Thread.currentThread().interrupt();
		}
		interrupted = stopping();
		return new BatchSummary(written.get(), skipped.get(), failures, items.size(), System.nanoTime() - start,
			interrupted);
	}

	/**
	 * Removes the temporary files that killed runs (SIGKILL, a power cut) left where this run writes — the folders
	 * of its TIFF outputs, the OME-Zarr outputs it resumes — and tells the listener how many. Only files whose
	 * writing process is provably gone go ({@link AtomicTiffWriter#removeStaleTemporaries}); a concurrent run's, a
	 * user's, and anything in an output this run will not write stay.
	 */
	private void removeStaleTemporaries(List<BatchItem> items) {
		Set<Path> folders = new LinkedHashSet<>();
		int removed = 0;
		for (BatchItem item : items) {
			if (item.problem() != null) continue;
			if (!blockwise(item)) {
				folders.add(item.output().toAbsolutePath().getParent());
				continue;
			}
			folders.add(item.output().toAbsolutePath().getParent()); // outputs a killed run was making there
			try {
				if ((kernels != null || layer != null)
					&& blockwiseJob().inspect(item.output()) == BlockwiseJob.Existing.PARTIAL)
				{
					removed += OmeZarr.removeStaleTemporaries(item.output());
				}
			}
			catch (IOException | UserException e) {
				// the item itself reports what is wrong with its output
			}
		}
		int stores = 0; // half-made or half-deleted OME-Zarr outputs: folders of many files, counted as one each
		for (Path folder : folders) {
			removed += AtomicTiffWriter.removeStaleTemporaries(folder);
			stores += BlockwiseJob.removeStaleSkeletons(folder);
		}
		if (removed > 0 || stores > 0) {
			String files = removed + " stale temporary file" + (removed == 1 ? "" : "s");
			String zarr = stores + " stale temporary OME-Zarr folder" + (stores == 1 ? "" : "s");
			listener.notice("removed " + (stores == 0 ? files : removed == 0 ? zarr : files + " and " + zarr) + " of an "
				+ "interrupted earlier run (its process no longer runs)");
		}
	}

	private boolean stopping() {
		if (Thread.currentThread().isInterrupted()) cancelled = true;
		return cancelled;
	}

	/**
	 * Runs one item on this thread, with the same checks and outcomes as {@link #run}: for front ends that
	 * schedule the files themselves (the Spark job runs one task per group of files).
	 */
	public Outcome runOne(BatchItem item) {
		Outcome[] rejected = new Outcome[1];
		ImageHeader header = admit(item, o -> rejected[0] = o);
		if (header == null) return rejected[0];
		try (MemoryBudget.Reservation reservation = budget.reserve(need(header))) {
			return process(item, header);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return new Outcome(item, Outcome.Status.FAILED, "interrupted");
		}
	}

	/** Decides on the dispatching thread whether an item is to be processed; reports it otherwise. */
	private ImageHeader admit(BatchItem item, Consumer<Outcome> counting) {
		ImageHeader[] header = new ImageHeader[1];
		Outcome rejected = judge(item, header, new boolean[1]);
		if (rejected != null) {
			counting.accept(rejected);
			return null;
		}
		return header[0];
	}

	/**
	 * What the run would do with an item, decided exactly as the run decides before it reads any pixels, with the
	 * run's own reason for a skip or a failure; dry runs list their files with it ({@link Decision#line}). Reads at
	 * most headers and the metadata of an existing output; writes nothing.
	 * <ul>
	 * <li>A TIFF output: the plan's problem, then the file at the output's path ({@link OutputStamp}: same settings
	 * skipped, other settings or cut short refused unless {@code overwrite}, a file not ours or a folder never
	 * replaced), then the input's header (it cannot be read as an image, a kernel does not fit it, it does not fit
	 * the memory).</li>
	 * <li>An OME-Zarr output ({@link #blocks} or {@link #layerBlocks} set): the plan's problem, the input's kind, then
	 * the output at its path ({@link #judgeBlockwise}); complete with the same settings skipped, incomplete resumed.
	 * The input itself is read by the run only.</li>
	 * </ul>
	 */
	public Decision judge(BatchItem item) {
		if (blockwise(item)) {
			if (item.problem() != null) return Decision.fail(item.problem());
			BlockwiseJob.Existing[] existing = new BlockwiseJob.Existing[1];
			boolean[] stale = new boolean[1];
			Outcome rejected = judgeBlockwise(item, existing, stale);
			if (rejected != null) return Decision.of(rejected);
			try {
				blockwiseJob().check(item.input(), item.output(), overwrite); // what the run refuses before its first block
			}
			catch (UserException e) {
				return Decision.of(failed(item, e.getMessage()));
			}
			catch (IOException e) {
				return Decision.of(cannotConvolve(item, e));
			}
			String note = readingNote(item.input());
			if (existing[0] == BlockwiseJob.Existing.NONE) return Decision.WRITE.withNote(note);
			if (overwrite) return Decision.REPLACE.withNote(note);
			// not overwriting, only an output of the same settings is let through: stale, or incomplete
			return (stale[0] ? Decision.replace(STALE) : Decision.RESUME).withNote(note);
		}
		boolean[] replacing = new boolean[1];
		ImageHeader[] header = new ImageHeader[1];
		Outcome rejected = judge(item, header, replacing);
		if (rejected != null) return Decision.of(rejected);
		// the note the run prints on the file's line (an OME-TIFF's OME-XML not used), from the header it read
		String note = header[0].note();
		if (!replacing[0]) return Decision.WRITE.withNote(note);
		return (!overwrite ? Decision.replace(STALE) : Decision.REPLACE).withNote(note);
	}

	/**
	 * The outcome the run reports for an item it does not convolve (skipped or failed, with its reason), or null
	 * when it would convolve it, with the input's header in {@code header[0]} and in {@code replacing[0]} whether
	 * an output it may replace is there.
	 */
	private Outcome judge(BatchItem item, ImageHeader[] header, boolean[] replacing) {
		if (item.problem() != null) return new Outcome(item, Outcome.Status.FAILED, item.problem());
		OutputStamp.Existing existing = stamp.inspect(item.output(), item);
		if (existing != OutputStamp.Existing.NONE && !replaces(existing)) return existingOutcome(item, existing, false);
		replacing[0] = existing != OutputStamp.Existing.NONE;
		String problem = judgeHeader(item.input(), header);
		return problem != null ? failed(item, problem) : null;
	}

	/**
	 * Why the run would fail an input from its header alone (it cannot be read as an image, a kernel does not fit
	 * it, it does not fit the memory), or null, putting the header read into {@code header[0]}.
	 */
	private String judgeHeader(Path input, ImageHeader[] header) {
		ImageHeader h;
		try {
			h = ImageHeader.read(input);
		}
		catch (UnreadableImageException e) {
			return e.getMessage();
		}
		long need;
		try {
			need = need(h); // the output's geometry: a kernel that does not fit this image is this file's failure
			// a layer's weights that do not fit the image's channels, where its header tells them
			if (layer != null && h.channels() > 0) layer.checkChannels(h.channels());
		}
		catch (UserException e) {
			return e.getMessage();
		}
		if (!budget.fits(need)) {
			return "too large for memory: it needs about " + mb(need) + " MB (" + h.width() + "×" + h.height() + "×"
				+ h.planes() + " planes, " + filter.describe() + ") but the batch may use " + mb(budget.totalBytes())
				+ " MB (3/4 of the Java heap); " + (grown(h, need)
					? "its feature maps would be far larger than the image: check --mode full, --dilation and --stride"
					: "run java with more memory, e.g. java -Xmx" + suggestGb(need) + "g -jar ..."
						+ ((kernels != null || layer != null) && TiffReader.isTiff(input)
							? ", or convolve it block by block into OME-Zarr with --format zarr" : ""));
		}
		header[0] = h;
		return null;
	}

	/**
	 * Whether a file's need comes from feature maps far larger than the image (mode full, a dilation, a stride that
	 * grows them): more than 8 times what the same kernels or layer need in mode same without dilation or stride. A
	 * need that comes from many kernels or output channels is not, and gets the advice of more memory instead.
	 */
	private boolean grown(ImageHeader h, long need) {
		ConvolutionOptions plain = options.toBuilder().mode(Mode.SAME).stride(1).dilation(1).build();
		return need > 8 * filter.bytesNeeded(h.width(), h.height(), h.planes(), h.rgb(), plain);
	}

	private static boolean mayReplace(OutputStamp.Existing existing) {
		return existing == OutputStamp.Existing.SAME_SETTINGS || existing == OutputStamp.Existing.OTHER_SETTINGS
			|| existing == OutputStamp.Existing.CUT_SHORT || existing == OutputStamp.Existing.OTHER_INPUT
			|| existing == OutputStamp.Existing.OTHER_SOURCE;
	}

	/**
	 * Whether this run writes over what it found at an output: ours with {@code --overwrite}, or a result of this run's
	 * settings made from another version of the input (stale: made again, as make remakes a target older than its
	 * source).
	 */
	private boolean replaces(OutputStamp.Existing existing) {
		return existing == OutputStamp.Existing.OTHER_INPUT || overwrite && mayReplace(existing);
	}

	/** Why an output is made again without {@code --overwrite}, for the dry run's line. */
	private static final String STALE = "made from another version of the input: it changed since";

	/** The outcome of an item whose output path is taken and will not be replaced. */
	private Outcome existingOutcome(BatchItem item, OutputStamp.Existing existing, boolean meanwhile) {
		String when = meanwhile ? " (it appeared while this run computed it)" : "";
		switch (existing) {
			case SAME_SETTINGS:
				return new Outcome(item, Outcome.Status.SKIPPED, "its output exists, made with the same settings"
					+ (meanwhile ? " by another run" : "") + " (--overwrite recomputes it)");
			case OTHER_SETTINGS:
				return new Outcome(item, Outcome.Status.FAILED, "its output " + item.output() + " exists, made with "
					+ "other settings" + when + "; --overwrite replaces it, or choose another --output or --suffix");
			case CUT_SHORT:
				return new Outcome(item, Outcome.Status.FAILED, "its output " + item.output() + " exists but is cut "
					+ "short (its pixel data end past the end of the file)" + when + "; --overwrite replaces it");
			case OTHER_SOURCE:
				return new Outcome(item, Outcome.Status.FAILED, OutputStamp.otherSourceMessage(item.output(),
					stamp.source(item.output())) + when);
			case FOLDER:
				return new Outcome(item, Outcome.Status.FAILED, Outcome.folderInTheWay(item.output()));
			default:
				return new Outcome(item, Outcome.Status.FAILED, "its output " + item.output() + " exists and was not "
					+ "written by Convolve 2D" + when + "; it is never replaced (not even with --overwrite): move it "
					+ "away, or choose another --output or --suffix");
		}
	}

	/** Reads, convolves and writes one item; null when the run was cancelled before its output was written. */
	private Outcome process(BatchItem item, ImageHeader header) {
		if (cancelled) return null;
		try {
			int coreThreads = (long) header.width() * header.height() >= LARGE_PLANE ? threads : 1;
			ImagePlus imp = ImageJReader.read(item.input(), header, coreThreads);
			imp.deleteRoi(); // a selection saved in the file: the batch convolves whole images
			imp.setOverlay(null); // nor is an overlay carried, which the block-by-block path could not do alike
			ImagePlus out = filter.apply(imp, options.toBuilder().threads(coreThreads).build(), Planes.ALL,
				cancelling);
			if (cancelled) return null;
			out.setTitle(item.output().getFileName().toString());
			stamp.mark(out, item);
			try {
				writer.write(out, item.output(), existing -> replaces(stamp.inspect(existing, item)));
			}
			catch (FileAlreadyExistsException e) {
				if (e.getFile() == null || !Paths.get(e.getFile()).toAbsolutePath().equals(item.output().toAbsolutePath())) {
					throw e; // not the output but something in the way of its folder
				}
				OutputStamp.Existing now = stamp.inspect(item.output());
				return existingOutcome(item, now == OutputStamp.Existing.NONE ? OutputStamp.Existing.NOT_OURS : now,
					true);
			}
			return new Outcome(item, Outcome.Status.WRITTEN, header.note());
		}
		catch (CancellationException e) {
			return null;
		}
		catch (UnreadableImageException | UserException e) {
			return failed(item, e.getMessage());
		}
		catch (IOException e) {
			return new Outcome(item, Outcome.Status.FAILED, "cannot write " + item.output() + ": "
				+ IoMessages.describe(e));
		}
		catch (OutOfMemoryError e) {
			return new Outcome(item, Outcome.Status.FAILED, "ran out of memory; run java with more memory (-Xmx) "
				+ "or fewer --threads");
		}
		catch (RuntimeException e) {
			return new Outcome(item, Outcome.Status.FAILED, "unexpected error: " + e);
		}
	}

	private static boolean blockwise(BatchItem item) {
		return item.output().getFileName().toString().endsWith(BatchPlan.ZARR);
	}

	/**
	 * The outcome the run reports for an OME-Zarr item it does not convolve, with its reason: no kernels or layer
	 * for blocks, an input that is neither a regular file nor a folder, neither OME-Zarr nor TIFF, an output taken by
	 * something Convolve 2D did not write (or nothing shows it did), one made with other settings or one that cannot
	 * be resumed (unless overwriting: {@link BlockwiseJob#refusal}), or a complete one made with the same settings
	 * (skipped unless overwriting). Null when the run would convolve it, with what is at
	 * the output in {@code existing[0]}.
	 */
	private Outcome judgeBlockwise(BatchItem item, BlockwiseJob.Existing[] existing, boolean[] stale) {
		if (kernels == null && layer == null) {
			return new Outcome(item, Outcome.Status.FAILED, "OME-Zarr outputs need kernels or a layer set for blocks "
				+ "(BatchRunner.blocks or layerBlocks)");
		}
		if (Files.exists(item.input()) && !Files.isDirectory(item.input()) && !Files.isRegularFile(item.input())) {
			// a named pipe would block the first read: never opened (the message ImageFormat gives other outputs)
			return new Outcome(item, Outcome.Status.FAILED, "not a regular file (a named pipe, socket or device); only "
				+ "regular files are read");
		}
		if (!OmeZarr.isZarr(item.input()) && !TiffReader.isTiff(item.input())) {
			return new Outcome(item, Outcome.Status.FAILED, "OME-Zarr outputs are computed block by block from OME-Zarr "
				+ "or TIFF inputs, and this is neither; convert it in a run without --format zarr (its output is then a "
				+ "TIFF), or save it as TIFF first");
		}
		String mismatch = null;
		try {
			BlockwiseJob job = blockwiseJob();
			existing[0] = job.inspect(item.output());
			if (existing[0] == BlockwiseJob.Existing.FOREIGN || !overwrite && (existing[0]
				== BlockwiseJob.Existing.OTHER_SETTINGS || existing[0] == BlockwiseJob.Existing.DAMAGED))
			{
				return new Outcome(item, Outcome.Status.FAILED, job.refusal(item.output(), existing[0]));
			}
			mismatch = job.formatProblem(item.input(), item.output(), overwrite);
			if (!overwrite && existing[0] == BlockwiseJob.Existing.COMPLETE) {
				// another input's result of the same name (two containers' series 0): never taken for this one's
				String source = job.otherSource(item.output(), item.input());
				if (source != null) {
					return new Outcome(item, Outcome.Status.FAILED, OutputStamp.otherSourceMessage(item.output(),
						source));
				}
			}
			if (!overwrite && (existing[0] == BlockwiseJob.Existing.COMPLETE
				|| existing[0] == BlockwiseJob.Existing.PARTIAL))
			{
				// made (or begun) from another version of its file input: made again from the start, as a TIFF output
				stale[0] = job.inputChanged(item.output(), item.input());
			}
			if (mismatch == null && existing[0] == BlockwiseJob.Existing.PARTIAL && !overwrite && !stale[0]) {
				mismatch = job.resumeMismatch(item.output(), item.input());
				// the input's dimensions now: another image under its name is not added to (before any block is written)
				if (mismatch == null) mismatch = job.resumeProblem(item.output(), item.input());
			}
		}
		catch (UserException e) {
			return failed(item, e.getMessage());
		}
		catch (IOException e) {
			return new Outcome(item, Outcome.Status.FAILED, "cannot read its output " + item.output() + ": "
				+ IoMessages.describe(e));
		}
		if (mismatch != null) return new Outcome(item, Outcome.Status.FAILED, mismatch);
		if (existing[0] == BlockwiseJob.Existing.COMPLETE && !overwrite && !stale[0]) {
			return new Outcome(item, Outcome.Status.SKIPPED, "its output exists, made with the same settings "
				+ "(--overwrite recomputes it)");
		}
		return null;
	}

	/**
	 * An input convolved block by block into an OME-Zarr image, with the rules of the TIFF outputs: one made with
	 * the same settings is skipped when complete and resumed when not; one made with other settings fails unless
	 * overwriting; a file or folder Convolve 2D did not write is never replaced. Null when cancelled (not done).
	 */
	private Outcome processBlockwise(BatchItem item) {
		BlockwiseJob.Existing[] found = new BlockwiseJob.Existing[1];
		boolean[] stale = new boolean[1];
		Outcome rejected = judgeBlockwise(item, found, stale);
		if (rejected != null) return rejected;
		BlockwiseJob.Existing existing = found[0];
		try {
			BlockwiseJob job = blockwiseJob();
			job.run(item.input(), item.output(), overwrite && existing != BlockwiseJob.Existing.NONE || stale[0],
				new BlockwiseJob.Progress() {
					@Override
					public void blocks(long done, long total) {
						listener.blocks(item, done, total);
					}

					@Override
					public boolean isCancelled() {
						return stopping();
					}
				});
			return new Outcome(item, Outcome.Status.WRITTEN, readingNote(item.input()));
		}
		catch (UserException e) {
			Outcome o = failed(item, e.getMessage());
			// a damaged input found half-way: the blocks before it stay under the output's name, incomplete
			return partial(item.output()) ? new Outcome(item, o.status(), o.message() + "; the blocks written before "
				+ "are kept in " + item.output() + ", which is incomplete (no NGFF metadata): a rerun resumes it, or "
				+ "delete it") : o;
		}
		catch (IOException e) {
			return cannotConvolve(item, e);
		}
		catch (java.util.concurrent.CancellationException e) {
			return null;
		}
		catch (OutOfMemoryError e) {
			return new Outcome(item, Outcome.Status.FAILED, "ran out of memory; use a smaller --block or fewer --threads "
				+ "(finished blocks are kept)");
		}
		catch (RuntimeException e) {
			return new Outcome(item, Outcome.Status.FAILED, "unexpected error: " + e);
		}
	}

	/**
	 * The note on how an input is read ({@link ChunkedImage#note}: an OME-TIFF's or a bioformats2raw container's
	 * OME-XML not used, an OME-Zarr axis read as z), else null.
	 */
	public static String readingNote(Path input) {
		try (ChunkedImage in = ChunkedImage.open(input)) {
			return in.note();
		}
		catch (IOException | UserException e) {
			return null; // it was read a moment ago
		}
	}

	/** Whether an incomplete OME-Zarr output of this run's settings lies at {@code output}. */
	private boolean partial(Path output) {
		try {
			return blockwiseJob().inspect(output) == BlockwiseJob.Existing.PARTIAL;
		}
		catch (IOException | UserException e) {
			return false;
		}
	}

	/** A block-by-block item that failed on a read or write. */
	private static Outcome cannotConvolve(BatchItem item, IOException e) {
		return new Outcome(item, Outcome.Status.FAILED, "cannot convolve " + item.input() + " into " + item.output() + ": "
			+ IoMessages.describe(e) + " (rerun to resume: finished blocks are kept)");
	}

	/**
	 * A failure with its reason, less the input's name where the reason starts with it (the readers name the file
	 * they refuse; the batch's line names it already).
	 */
	static Outcome failed(BatchItem item, String reason) {
		String name = item.input().toString();
		String r = reason;
		if (r != null && r.startsWith(name) && r.length() > name.length()) {
			String rest = r.substring(name.length());
			if (rest.startsWith(": ")) r = rest.substring(2);
			else if (rest.startsWith(" ")) r = rest.substring(1);
		}
		return new Outcome(item, Outcome.Status.FAILED, r);
	}

	private BlockwiseJob blockwiseJob() {
		ConvolutionOptions o = options.toBuilder().threads(threads).build();
		BlockwiseJob job = kernels != null ? new BlockwiseJob(kernels, o, block, compressor, pyramid)
			: BlockwiseJob.layer(layer, activation, layerName, o, block, compressor, pyramid);
		return job.withZarrFormat(zarrFormat);
	}

	private static long mb(long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}

	private static long suggestGb(long need) {
		return Math.max(2, (need * 4 / 3 + (1L << 30) - 1 >> 30) + 1);
	}
}
