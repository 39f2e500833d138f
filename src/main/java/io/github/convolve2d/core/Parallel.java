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
 * <p>
 * A pool never has more workers than the calls in flight ask for: a helper slow to wake is still busy with the
 * call that has already ended without it when the next call comes, and starting another worker for each such call
 * had grown the pool of a single caller with 2 threads to 8 workers, whose polls then took the 2 cores from the
 * caller (256² calls drifted from 0.05 to 0.4–1.5 ms). Such a call now runs without that helper.
 */
final class Parallel {

	/** How long a worker that ran out of work keeps polling for the next before it parks. */
	static final long SPIN_MICROS = 1000;
	static final long IDLE_SECONDS = 60;

	private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
	/**
	 * Most worker threads alive at once in the shared pool. Beyond them a call runs on fewer threads (its caller
	 * always takes part), so nested calls and many concurrent callers never wait for a thread and never start
	 * hundreds.
	 */
	static final int MAX_WORKERS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
	/** The pool every convolution shares. */
	private static final Parallel SHARED = new Parallel(MAX_WORKERS);

	private final int maxWorkers;
	private final AtomicInteger workers = new AtomicInteger();
	/** Helpers asked for by the calls in flight: the pool grows only while it has fewer workers than that. */
	private final AtomicInteger wanted = new AtomicInteger();
	/** Workers with no task; a worker leaves this list when it takes a task or ends. */
	private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();

	/** A pool of its own (tests); convolutions use the shared one through {@link #forEach}. */
	Parallel(int maxWorkers) {
		this.maxWorkers = maxWorkers;
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
		SHARED.run(units, threads, listener, unit);
	}

	/**
	 * The threads for a plain loop over whole planes (a pixel conversion, a min/max scan) that has run before in this
	 * JVM if {@code ran} is set, which this sets: one the first time, {@code threads} after. A JVM's first run of such
	 * a loop goes through the interpreter and C1's code while C2 is still busy with the convolution's methods, and a
	 * second thread in that slow code only takes a core from the compiler threads: fresh JVMs, the min/max of a 4096²
	 * plane after its first convolution took 37–52 ms on one thread and 30–89 ms (mostly over 65) on two on the
	 * development machine, and the first 16-bit to float conversion 51–55 ms on one and 57–67 ms on two.
	 */
	static int threadsForLoop(AtomicBoolean ran, int threads) {
		return ran.getAndSet(true) ? threads : 1;
	}

	/** {@link #forEach} on this pool's workers. */
	void run(int units, int threads, ProgressListener listener, Unit unit) {
		int helpers = Math.max(0, Math.min(threads, units) - 1);
		wanted.addAndGet(helpers);
		try {
			runWith(helpers, units, listener, unit);
		}
		finally {
			wanted.addAndGet(-helpers);
		}
	}

	/** Live worker threads of this pool. */
	int workers() {
		return workers.get();
	}

	private void runWith(int helpers, int units, ProgressListener listener, Unit unit) {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		boolean silent = listener == ProgressListener.NONE;
		Runnable worker = new Runnable() { // not a lambda: see Convolution.run
			@Override
			public void run() {
				try {
					Scratch scratch = new Scratch(); // in the try: an OutOfMemoryError here is the call's failure too
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
			}
		};
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
	 * while the pool has fewer workers than the calls in flight want and than its cap; false when it was not
	 * started.
	 */
	private boolean execute(Job job) {
		for (Worker w; (w = idle.pollFirst()) != null;) {
			if (w.offer(job)) return true;
		}
		while (true) {
			int now = workers.get();
			if (now >= Math.min(maxWorkers, wanted.get())) return false;
			if (workers.compareAndSet(now, now + 1)) break;
		}
		Worker w = new Worker(job);
		try {
			w.thread.start();
		}
		catch (OutOfMemoryError | InternalError e) { // no native thread to be had: the caller's threads do the work
			workers.decrementAndGet();
			return false;
		}
		return true;
	}

	/** What an ended worker's mailbox holds. */
	private static final Job ENDED = new Job() {
		@Override
		void run() {
		}
	};

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
	private final class Worker implements Runnable {

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
				idle.addFirst(this); // the most recently active worker is handed work first: it is still spinning
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
						idle.remove(this);
						workers.decrementAndGet();
						return;
					}
				}
			}
		}
	}
}
