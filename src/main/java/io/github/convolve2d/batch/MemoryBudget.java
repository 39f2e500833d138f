package io.github.convolve2d.batch;

import java.util.concurrent.Semaphore;

/**
 * A budget of heap bytes shared by the files in flight: a file reserves what its header says it will need
 * before it is read and gives it back when its output is written, so parallel files never hold more images than
 * fit the heap. Counted in KiB on a fair semaphore (a large file is not starved by a stream of small ones).
 */
public final class MemoryBudget {

	private final long totalKiB;
	private final Semaphore kib;

	/** A budget of {@code bytes}. */
	public MemoryBudget(long bytes) {
		totalKiB = Math.max(1, Math.min(Integer.MAX_VALUE, bytes >> 10));
		kib = new Semaphore((int) totalKiB, true);
	}

	/** The default budget: three quarters of the JVM's maximum heap ({@code -Xmx}). */
	public static MemoryBudget ofHeap() {
		return new MemoryBudget(Runtime.getRuntime().maxMemory() / 4 * 3);
	}

	public long totalBytes() {
		return totalKiB << 10;
	}

	/** Whether a need fits the budget at all. */
	public boolean fits(long bytes) {
		return ((bytes + 1023) >> 10) <= totalKiB;
	}

	/** Waits until {@code bytes} (at most the whole budget) are free and reserves them; returns the reservation. */
	public Reservation reserve(long bytes) throws InterruptedException {
		int n = kibOf(bytes);
		kib.acquire(n);
		return new Reservation(n);
	}

	/**
	 * Like {@link #reserve}, but gives up after {@code millis}: returns null when the bytes did not become free
	 * in time (so that a caller can look at a cancel flag between tries).
	 */
	public Reservation tryReserve(long bytes, long millis) throws InterruptedException {
		int n = kibOf(bytes);
		return kib.tryAcquire(n, millis, java.util.concurrent.TimeUnit.MILLISECONDS) ? new Reservation(n) : null;
	}

	private int kibOf(long bytes) {
		return (int) Math.min(Math.max(1, (bytes + 1023) >> 10), totalKiB);
	}

	/** Bytes reserved by one file; released once. */
	public final class Reservation implements AutoCloseable {
		private int n;

		private Reservation(int n) {
			this.n = n;
		}

		@Override
		public synchronized void close() {
			if (n > 0) kib.release(n);
			n = 0;
		}
	}
}
