package io.github.convolve2d.batch;

/** Follows a batch run (a console progress bar, a log); calls may come from worker threads. */
public interface BatchListener {

	/** Follows nothing. */
	BatchListener NONE = new BatchListener() {
		@Override
		public void started(int total) {
		}

		@Override
		public void finished(Outcome outcome) {
		}
	};

	/** The run starts with {@code total} files. */
	void started(int total);

	/** One file is done (written, skipped or failed). */
	void finished(Outcome outcome);

	/** A line for the user about the run as a whole (not one file's outcome), e.g. leftovers of a killed run removed. */
	default void notice(String line) {
	}

	/** Progress inside an input convolved block by block (an OME-Zarr output): {@code done} of {@code total} blocks. */
	default void blocks(BatchItem item, long done, long total) {
	}
}
