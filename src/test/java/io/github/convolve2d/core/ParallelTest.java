package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

/** The shared worker threads: every unit once, from any number of callers, nested, failing or cancelled. */
class ParallelTest {

	private static final Duration LIMIT = Duration.ofSeconds(60);

	@Test
	void aLoopRunsOnOneThreadTheFirstTimeAndOnAllAfter() {
		java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
		assertEquals(1, Parallel.threadsForLoop(ran, 4));
		assertEquals(4, Parallel.threadsForLoop(ran, 4));
		assertEquals(3, Parallel.threadsForLoop(ran, 3));
	}

	@Test
	void everyUnitRunsExactlyOnceForManyConcurrentCallers() throws InterruptedException {
		assertTimeoutPreemptively(LIMIT, () -> {
			int callers = 6, calls = 300;
			AtomicReference<String> wrong = new AtomicReference<>();
			List<Thread> threads = new ArrayList<>();
			for (int c = 0; c < callers; c++) {
				int caller = c;
				threads.add(new Thread(() -> {
					for (int call = 0; call < calls; call++) {
						int units = 1 + (call * 7 + caller) % 40, width = 1 + (call + caller) % 4;
						AtomicIntegerArray runs = new AtomicIntegerArray(units);
						Parallel.forEach(units, width, ProgressListener.NONE, (u, scratch) -> runs.incrementAndGet(u));
						for (int u = 0; u < units; u++) {
							if (runs.get(u) != 1) {
								wrong.compareAndSet(null, "caller " + caller + ", call " + call + " (" + units + " units on "
									+ width + " threads): unit " + u + " ran " + runs.get(u) + " times");
							}
						}
					}
				}));
			}
			for (Thread t : threads) t.start();
			for (Thread t : threads) t.join();
			assertEquals(null, wrong.get());
		});
	}

	@Test
	void nestedCallsFromUnitsComplete() {
		assertTimeoutPreemptively(LIMIT, () -> {
			AtomicInteger inner = new AtomicInteger();
			for (int rep = 0; rep < 50; rep++) {
				Parallel.forEach(4, 4, ProgressListener.NONE,
					(u, scratch) -> Parallel.forEach(5, 3, ProgressListener.NONE, (v, s) -> inner.incrementAndGet()));
			}
			assertEquals(50 * 4 * 5, inner.get());
		});
	}

	/**
	 * Each thread of a call gets a scratch of its own, the same for every unit it runs. A call may run without a
	 * helper that is still busy with an earlier call (the pool never grows for it), so its units may all run on the
	 * caller: the units wait for each other a while, not forever (waiting forever hung this test under load), and the
	 * call is repeated until two threads took part.
	 */
	@Test
	void eachThreadHasItsOwnScratchForTheCall() {
		assertTimeoutPreemptively(LIMIT, () -> {
			int twoThreads = 0;
			for (int attempt = 0; attempt < 20 && twoThreads == 0; attempt++) {
				ConcurrentHashMap<Thread, Scratch> seen = new ConcurrentHashMap<>();
				AtomicReference<String> wrong = new AtomicReference<>();
				CountDownLatch both = new CountDownLatch(2);
				Parallel.forEach(2, 2, ProgressListener.NONE, (u, scratch) -> {
					Scratch before = seen.putIfAbsent(Thread.currentThread(), scratch);
					if (before != null && before != scratch) wrong.set("one thread, two scratches");
					both.countDown();
					try {
						both.await(1, java.util.concurrent.TimeUnit.SECONDS); // both units at once, on two threads if they can
					}
					catch (InterruptedException e) {
						Thread.currentThread().interrupt();
					}
				});
				assertEquals(null, wrong.get());
				assertEquals(seen.size(), seen.values().stream().distinct().count(), "a scratch shared by two threads");
				if (seen.size() == 2) twoThreads++;
			}
			assertEquals(1, twoThreads, "a call of two units on two threads that ran on one in 20 attempts");
		});
	}

	@Test
	void aFailingUnitIsRethrownAndTheWorkersStayUsable() {
		assertTimeoutPreemptively(LIMIT, () -> {
			for (int rep = 0; rep < 20; rep++) {
				int bad = rep % 6;
				IllegalStateException e = assertThrows(IllegalStateException.class,
					() -> Parallel.forEach(6, 2, ProgressListener.NONE, (u, scratch) -> {
						if (u == bad) throw new IllegalStateException("unit " + u);
					}));
				assertEquals("unit " + bad, e.getMessage());
				Error err = assertThrows(OutOfMemoryError.class, () -> Parallel.forEach(4, 2, ProgressListener.NONE,
					(u, scratch) -> {
						if (u == 3) throw new OutOfMemoryError("test");
					}));
				assertEquals("test", err.getMessage());
			}
			AtomicInteger runs = new AtomicInteger();
			Parallel.forEach(100, 2, ProgressListener.NONE, (u, scratch) -> runs.incrementAndGet());
			assertEquals(100, runs.get());
		});
	}

	@Test
	void progressIsReportedInOrderEndingWithAllDone() {
		List<Integer> reports = new ArrayList<>();
		Parallel.forEach(37, 3, new ProgressListener() {
			@Override
			public void progress(int done, int total) {
				assertEquals(37, total);
				reports.add(done); // calls come one at a time
			}
		}, (u, scratch) -> { });
		assertEquals(37, reports.size());
		for (int i = 0; i < 37; i++) assertEquals(i + 1, reports.get(i));
	}

	@Test
	void aCancelledListenerStopsTheCall() {
		AtomicInteger runs = new AtomicInteger();
		assertThrows(CancellationException.class, () -> Parallel.forEach(1000, 2, new ProgressListener() {
			@Override
			public void progress(int done, int total) {
			}

			@Override
			public boolean isCancelled() {
				return runs.get() >= 10;
			}
		}, (u, scratch) -> runs.incrementAndGet()));
		assertTrue(runs.get() < 1000, runs.get() + " units ran");
	}

	@Test
	void anInterruptedCallerStopsWaitingAndKeepsItsInterruptFlag() {
		assertTimeoutPreemptively(LIMIT, () -> {
			Thread caller = Thread.currentThread();
			AtomicInteger started = new AtomicInteger();
			assertThrows(CancellationException.class, () -> Parallel.forEach(2, 2, ProgressListener.NONE, (u, s) -> {
				started.incrementAndGet();
				if (Thread.currentThread() == caller) {
					caller.interrupt(); // the caller then waits for the helper with its interrupt flag set
					return;
				}
				long end = System.nanoTime() + 300_000_000L;
				while (System.nanoTime() < end) Thread.onSpinWait();
			}));
			assertTrue(Thread.interrupted(), "the caller's interrupt flag is kept");
			assertEquals(2, started.get());
		});
	}

	@Test
	void aPoolHasNoMoreWorkersThanItsCallsAskFor() {
		assertTimeoutPreemptively(LIMIT, () -> {
			Parallel pool = new Parallel(8);
			// units that take no time: the caller does them all before a parked helper wakes, and the next call
			// comes while that helper is still busy with the call that ended without it
			for (int call = 0; call < 3000; call++) pool.run(8, 3, ProgressListener.NONE, (u, scratch) -> { });
			assertTrue(pool.workers() <= 2, pool.workers() + " workers for one caller asking for 2 helpers");
			AtomicInteger runs = new AtomicInteger();
			pool.run(64, 3, ProgressListener.NONE, (u, scratch) -> runs.incrementAndGet());
			assertEquals(64, runs.get());
			assertFalse(Thread.currentThread().isInterrupted());
		});
	}

	@Test
	void manyCallersAtOnceStayWithinTheWorkerCapAndStillRunEveryUnit() {
		assertTimeoutPreemptively(LIMIT, () -> {
			Parallel pool = new Parallel(5);
			int callers = 12;
			AtomicInteger runs = new AtomicInteger();
			AtomicInteger mostWorkers = new AtomicInteger();
			Set<Thread> helpers = ConcurrentHashMap.newKeySet();
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> threads = new ArrayList<>();
			for (int c = 0; c < callers; c++) {
				threads.add(new Thread(() -> {
					try {
						start.await();
					}
					catch (InterruptedException e) {
						return;
					}
					Thread caller = Thread.currentThread();
					pool.run(6, 4, ProgressListener.NONE, (u, scratch) -> {
						mostWorkers.accumulateAndGet(pool.workers(), Math::max);
						if (Thread.currentThread() != caller) helpers.add(Thread.currentThread());
						else {
							// a caller busy in a unit leaves the others to helpers: wait (a while) until one came, so that
							// on a loaded machine the callers cannot finish every unit before a worker wakes
							long wait = System.nanoTime() + 2_000_000_000L;
							while (helpers.isEmpty() && System.nanoTime() < wait) {
								java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
							}
						}
						long end = System.nanoTime() + 2_000_000L;
						while (System.nanoTime() < end) Thread.onSpinWait();
						runs.incrementAndGet();
					});
				}));
			}
			for (Thread t : threads) t.start();
			start.countDown();
			for (Thread t : threads) t.join();
			assertEquals(callers * 6, runs.get());
			assertTrue(mostWorkers.get() <= 5, mostWorkers.get() + " workers alive at once");
			assertTrue(helpers.size() <= 5, helpers.size() + " helper threads took part");
			assertTrue(!helpers.isEmpty(), "the callers were helped");
		});
	}

	@Test
	void oneThreadRunsOnTheCaller() {
		Thread caller = Thread.currentThread();
		Parallel.forEach(10, 1, ProgressListener.NONE, (u, scratch) -> assertSame(caller, Thread.currentThread()));
	}
}
