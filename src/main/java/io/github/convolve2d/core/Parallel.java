package io.github.convolve2d.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs numbered work units on a fixed number of threads, reporting progress and polling cancellation
 * between units. Worker threads come from a shared daemon pool, so that thousands of small images in a
 * batch run do not each pay for starting threads, and a JVM is never kept alive by them.
 */
final class Parallel {

	private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
	private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
		Thread t = new Thread(r, "convolve2d-worker-" + THREAD_NUMBER.incrementAndGet());
		t.setDaemon(true);
		return t;
	});

	private Parallel() {
	}

	/** A work unit that gets its thread's {@link Scratch} arrays. */
	interface Unit {
		void run(int unit, Scratch scratch);
	}

	/**
	 * Calls {@code unit} for 0..units-1 on up to {@code threads} threads (the calling thread included) and
	 * returns when all are done, giving each thread its own {@link Scratch} that lives as long as this call.
	 *
	 * @throws CancellationException when the listener asked to stop
	 */
	static void forEach(int units, int threads, ProgressListener listener, Unit unit) {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Runnable worker = () -> {
			Scratch scratch = new Scratch();
			try {
				for (int u; !stop.get() && (u = next.getAndIncrement()) < units;) {
					if (listener.isCancelled()) {
						stop.set(true);
						break;
					}
					unit.run(u, scratch);
					// one report at a time, in order: the last one a listener sees is always "all done"
					synchronized (done) {
						listener.progress(done.incrementAndGet(), units);
					}
				}
			}
			catch (Throwable t) {
				failure.compareAndSet(null, t);
				stop.set(true);
			}
		};
		int helpers = Math.min(threads, units) - 1;
		CountDownLatch finished = new CountDownLatch(Math.max(helpers, 0));
		for (int h = 0; h < helpers; h++) {
			POOL.execute(() -> {
				try {
					worker.run();
				}
				finally {
					finished.countDown();
				}
			});
		}
		worker.run();
		boolean interrupted = false;
		while (true) {
			try {
				finished.await();
				break;
			}
			catch (InterruptedException e) {
				interrupted = true;
				stop.set(true);
			}
		}
		if (interrupted) Thread.currentThread().interrupt();
		Throwable t = failure.get();
		if (t instanceof RuntimeException) throw (RuntimeException) t;
		if (t instanceof Error) throw (Error) t;
		if (t != null) throw new IllegalStateException(t);
		if (stop.get()) throw new CancellationException("convolution cancelled");
	}
}
