package io.github.convolve2d.batch;

import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.UserException;
import ij.ImagePlus;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMapFilter;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * Parallelism: up to {@code threads} files are in flight, and never more than fit a {@link MemoryBudget}: each
 * file's need (decoded input plus the engine's {@link FeatureMaps#bytesNeeded}) is estimated from its header
 * before it is read,
 * and reserved. A file whose need exceeds the whole budget fails as too large for memory. Inside a file, the
 * core uses all {@code threads} only for planes of a megapixel or more; smaller planes run on one thread each,
 * since the files already keep the cores busy.
 */
public final class BatchRunner {

	/** Planes at least this large (pixels) use all threads inside the core. */
	static final long LARGE_PLANE = 1L << 20;

	private final FeatureMapFilter filter;
	private final ConvolutionOptions options;
	private final AtomicTiffWriter writer;
	private final int threads;
	private final MemoryBudget budget;
	private final boolean overwrite;
	private final BatchListener listener;

	/**
	 * @throws UserException for an empty bank, a bank that does not fit one stack
	 *         ({@link FeatureMaps#checkBankFitsOneStack}) or fewer than 1 thread
	 */
	public BatchRunner(List<Kernel> kernels, ConvolutionOptions options, AtomicTiffWriter writer, int threads,
		MemoryBudget budget, boolean overwrite, BatchListener listener)
	{
		this(FeatureMapFilter.bank(kernels, options), options, writer, threads, budget, overwrite, listener);
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
		this.writer = writer;
		this.threads = threads;
		this.budget = budget;
		this.overwrite = overwrite;
		this.listener = listener;
	}

	/** Memory a file needs while in flight, from its header. */
	long need(ImageHeader h) {
		return h.decodedBytes() + filter.bytesNeeded(h.width(), h.height(), h.planes(), h.rgb(), options)
			+ (1 << 20);
	}

	/** Runs every item and returns the summary; returns early (interrupted) when this thread is interrupted. */
	public BatchSummary run(List<BatchItem> items) {
		long start = System.nanoTime();
		AtomicInteger written = new AtomicInteger(), skipped = new AtomicInteger();
		List<Outcome> failures = Collections.synchronizedList(new ArrayList<>());
		Consumer<Outcome> counting = outcome -> {
			if (outcome.status() == Outcome.Status.WRITTEN) written.incrementAndGet();
			else if (outcome.status() == Outcome.Status.SKIPPED) skipped.incrementAndGet();
			else failures.add(outcome);
			listener.finished(outcome);
		};
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
		writer.addShutdownHook();
		try {
			for (BatchItem item : items) {
				if (Thread.currentThread().isInterrupted()) {
					interrupted = true;
					break;
				}
				ImageHeader header = admit(item, counting);
				if (header == null) continue;
				MemoryBudget.Reservation reservation;
				try {
					slots.acquire();
					try {
						reservation = budget.reserve(need(header));
					}
					catch (InterruptedException e) {
						slots.release();
						throw e;
					}
				}
				catch (InterruptedException e) {
					interrupted = true;
					break;
				}
				pool.execute(() -> {
					try {
						counting.accept(process(item, header));
					}
					finally {
						reservation.close();
						slots.release();
					}
				});
			}
			pool.shutdown();
			while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
				// waiting for the files in flight
			}
		}
		catch (InterruptedException e) {
			interrupted = true;
			pool.shutdownNow();
		}
		finally {
			writer.removeShutdownHook();
		}
		if (interrupted) Thread.currentThread().interrupt();
		return new BatchSummary(written.get(), skipped.get(), failures, System.nanoTime() - start, interrupted);
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
		if (item.problem() != null) {
			counting.accept(new Outcome(item, Outcome.Status.FAILED, item.problem()));
			return null;
		}
		if (Files.isDirectory(item.output())) {
			counting.accept(new Outcome(item, Outcome.Status.FAILED, Outcome.folderInTheWay(item.output())));
			return null;
		}
		if (!overwrite && Files.exists(item.output())) {
			counting.accept(new Outcome(item, Outcome.Status.SKIPPED, Outcome.OUTPUT_EXISTS));
			return null;
		}
		ImageHeader header;
		try {
			header = ImageHeader.read(item.input());
		}
		catch (UnreadableImageException e) {
			counting.accept(new Outcome(item, Outcome.Status.FAILED, e.getMessage()));
			return null;
		}
		long need = need(header);
		if (!budget.fits(need)) {
			counting.accept(new Outcome(item, Outcome.Status.FAILED, "too large for memory: it needs about "
				+ mb(need) + " MB (" + header.width() + "×" + header.height() + "×" + header.planes() + " planes, "
				+ filter.describe() + ") but the batch may use " + mb(budget.totalBytes())
				+ " MB (3/4 of the Java heap); run java with more memory, e.g. java -Xmx" + suggestGb(need)
				+ "g -jar ..."));
			return null;
		}
		return header;
	}

	private Outcome process(BatchItem item, ImageHeader header) {
		try {
			ImagePlus imp = ImageJReader.read(item.input(), header);
			int coreThreads = (long) imp.getWidth() * imp.getHeight() >= LARGE_PLANE ? threads : 1;
			imp.deleteRoi(); // a selection saved in the file: the batch convolves whole images
			ImagePlus out = filter.apply(imp, options.toBuilder().threads(coreThreads).build(), Planes.ALL,
				ProgressListener.NONE);
			out.setTitle(item.output().getFileName().toString());
			writer.write(out, item.output(), overwrite);
			return new Outcome(item, Outcome.Status.WRITTEN, null);
		}
		catch (UnreadableImageException | UserException e) {
			return new Outcome(item, Outcome.Status.FAILED, e.getMessage());
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

	private static long mb(long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}

	private static long suggestGb(long need) {
		return Math.max(2, (need * 4 / 3 + (1L << 30) - 1 >> 30) + 1);
	}
}
