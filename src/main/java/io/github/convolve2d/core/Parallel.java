package io.github.convolve2d.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs numbered work units on a fixed number of threads, reporting progress and polling cancellation
 * between units. Worker threads are shared daemon threads, so that thousands of small images in a batch run do
 * not each pay for starting threads, and a JVM is never kept alive by them.
 * <p>
 * Handing work to a parked thread costs a wake-up: 20 µs to 2 ms on the 2-core development VM, where a whole
 * 256×256 3×3 convolution takes 50–70 µs. So a worker that has just finished polls for {@value #SPIN_MICROS} µs
 * before it parks, and the caller polls likewise for its helpers to finish, as OpenCV's and OpenMP's thread
 * pools do: calls that follow each other closely (a batch of small images, a preview being dragged) start at
 * once. With 200 µs, the gap between two 256² calls (planning the next call, the caller's own units) was often
 * longer than the poll, and every call paid a wake-up (0.5 ms medians). The caller waits only for helpers that
 * took part: one that wakes after the caller has done every unit is not waited for. A worker parked for
 * {@value #IDLE_SECONDS} s ends.
 */
final class Parallel {

	/** How long a worker that ran out of work keeps polling for the next before it parks. */
	static final long SPIN_MICROS = 1000;
	static final long IDLE_SECONDS = 60;

	private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
	/**
	 * Most worker threads alive at once. Beyond them a call runs on fewer threads (its caller always takes part),
	 * so nested calls and many concurrent callers never wait for a thread and never start hundreds.
	 */
	static final int MAX_WORKERS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
	private static final AtomicInteger WORKERS = new AtomicInteger();
	/** Workers with no task; a worker leaves this list when it takes a task or ends. */
	private static final ConcurrentLinkedDeque<Worker> IDLE = new ConcurrentLinkedDeque<>();

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
		boolean silent = listener == ProgressListener.NONE;
		Runnable worker = () -> {
			Scratch scratch = new Scratch();
			try {
				for (int u; !stop.get() && (u = next.getAndIncrement()) < units;) {
					if (listener.isCancelled()) {
						stop.set(true);
						break;
					}
					unit.run(u, scratch);
					if (silent) continue; // no lock for nobody: contended, it can park a thread for µs
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
		// helpers that have entered the unit loop and not left it; one that starts after every unit was taken
		// (a worker slow to wake) returns at once and is not waited for: the caller has done its share
		AtomicInteger active = new AtomicInteger();
		Thread caller = Thread.currentThread();
		for (int h = 0; h < helpers; h++) {
			boolean started = execute(new Job() {
				private boolean entered;

				@Override
				void run() {
					if (stop.get() || next.get() >= units) return;
					entered = true;
					active.incrementAndGet();
					worker.run();
				}

				@Override
				void done() {
					if (entered && active.decrementAndGet() == 0) LockSupport.unpark(caller);
				}
			});
			if (!started) break; // every worker busy and no more allowed: the threads that run do it all
		}
		worker.run();
		// wait for the helpers still in a unit, polling briefly first, since they usually end within µs
		boolean interrupted = false;
		long spinUntil = System.nanoTime() + SPIN_MICROS * 1000;
		while (true) {
			if (Thread.interrupted()) { // an interrupted caller stops the call, as it did when it waited on a latch
				interrupted = true;
				stop.set(true);
			}
			if (active.get() == 0) break;
			if (System.nanoTime() - spinUntil < 0) Thread.onSpinWait();
			else LockSupport.park(active);
		}
		if (interrupted) caller.interrupt();
		Throwable t = failure.get();
		if (t instanceof RuntimeException) throw (RuntimeException) t;
		if (t instanceof Error) throw (Error) t;
		if (t != null) throw new IllegalStateException(t);
		if (stop.get()) throw new CancellationException("convolution cancelled");
	}

	/**
	 * Runs {@code job} on an idle worker, or on a new one when none is idle (a nested call, or several callers)
	 * unless {@link #MAX_WORKERS} exist; false when it was not started.
	 */
	private static boolean execute(Job job) {
		for (Worker w; (w = IDLE.pollFirst()) != null;) {
			if (w.offer(job)) return true;
		}
		if (WORKERS.incrementAndGet() > MAX_WORKERS) {
			WORKERS.decrementAndGet();
			return false;
		}
		Worker w = new Worker(job);
		try {
			w.thread.start();
		}
		catch (OutOfMemoryError | InternalError e) { // no native thread to be had: the caller's threads do the work
			WORKERS.decrementAndGet();
			return false;
		}
		return true;
	}

	/** A helper's share of one call: {@link #run} on a worker, then {@link #done} once that worker is idle again. */
	private abstract static class Job {
		abstract void run();

		void done() {
		}
	}

	/**
	 * One shared thread: runs the task it is given, then offers itself as idle, polling its mailbox for
	 * {@link #SPIN_MICROS} µs before parking.
	 */
	private static final class Worker implements Runnable {

		private static final Job ENDED = new Job() {
			@Override
			void run() {
			}
		};

		/** The next task: null while idle; {@link #ENDED} once the worker has timed out and takes no more. */
		private final AtomicReference<Job> mailbox = new AtomicReference<>();
		private final Thread thread;
		private Job first;

		Worker(Job first) {
			this.first = first;
			thread = new Thread(this, "convolve2d-worker-" + THREAD_NUMBER.incrementAndGet());
			thread.setDaemon(true);
		}

		/** Gives this idle worker a task; false when it has ended (the caller then tries another). */
		boolean offer(Job job) {
			if (!mailbox.compareAndSet(null, job)) return false;
			LockSupport.unpark(thread);
			return true;
		}

		@Override
		public void run() {
			Job job = first;
			first = null;
			while (job != null) {
				try {
					job.run();
				}
				catch (Throwable t) { // forEach's tasks catch their own; never let one end the thread before done
					thread.getUncaughtExceptionHandler().uncaughtException(thread, t);
				}
				Thread.interrupted(); // a unit's interrupt must not make the park below return at once, for 60 s
				IDLE.addFirst(this); // the most recently active worker is handed work first: it is still spinning
				job.done(); // after: a caller told its helper is done finds it idle for the next call
				job = null;
				long spinUntil = System.nanoTime() + SPIN_MICROS * 1000;
				long parkUntil = spinUntil + TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
				while (true) {
					Job m = mailbox.get();
					if (m != null) {
						mailbox.set(null);
						job = m;
						break;
					}
					long now = System.nanoTime();
					if (now - spinUntil < 0) {
						Thread.onSpinWait();
					}
					else if (now - parkUntil < 0) {
						LockSupport.parkNanos(this, parkUntil - now);
					}
					else if (mailbox.compareAndSet(null, ENDED)) {
						IDLE.remove(this);
						WORKERS.decrementAndGet();
						return;
					}
				}
			}
		}
	}
}
