package io.github.convolve2d.core;

/**
 * Receives progress from a running convolution and may ask it to stop. Front ends adapt it to their
 * world (ImageJ's progress bar and Escape key, a console bar). Calls may come from worker threads.
 */
public interface ProgressListener {

	/** A listener that ignores progress and never cancels. */
	ProgressListener NONE = new ProgressListener() {
		@Override
		public void progress(int done, int total) {
			// ignored
		}
	};

	/** {@code done} of {@code total} work units are finished; {@code done == total} at the end. */
	void progress(int done, int total);

	/**
	 * Polled between work units; returning true stops the convolution with a
	 * {@link java.util.concurrent.CancellationException} and no result.
	 */
	default boolean isCancelled() {
		return false;
	}
}
