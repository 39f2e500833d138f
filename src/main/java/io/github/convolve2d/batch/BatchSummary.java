package io.github.convolve2d.batch;

import java.util.List;

/** The counts of a finished batch run and its time; the failures with their reasons. */
public final class BatchSummary {

	private final int written, skipped, total;
	private final List<Outcome> failures;
	private final long nanos;
	private final boolean interrupted;

	BatchSummary(int written, int skipped, List<Outcome> failures, int total, long nanos, boolean interrupted) {
		this.written = written;
		this.skipped = skipped;
		this.failures = List.copyOf(failures);
		this.total = total;
		this.nanos = nanos;
		this.interrupted = interrupted;
	}

	public int written() { return written; }
	public int skipped() { return skipped; }
	public int failed() { return failures.size(); }
	/** The files of the run, done or not. */
	public int total() { return total; }
	/** Files neither written, skipped nor failed: the run was interrupted before they were done. */
	public int notDone() { return total - written - skipped - failures.size(); }
	public List<Outcome> failures() { return failures; }
	public double seconds() { return nanos / 1e9; }
	/** The run was stopped before all files were done. */
	public boolean interrupted() { return interrupted; }
}
