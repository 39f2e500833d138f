package io.github.convolve2d.imagej;

import ij.IJ;
import io.github.convolve2d.core.ProgressListener;

/**
 * Shows a convolution's progress in ImageJ's progress bar and status bar ({@code Convolve 2D: 45% (Esc cancels)}) and
 * cancels it when the user presses Escape.
 * Safe to call from the core's worker threads: it only forwards to ImageJ's static, thread-safe calls,
 * and redraws the bar at most once per percent.
 */
public final class ImageJProgress implements ProgressListener {

	private volatile int lastPercent = -1;

	/** A listener for a new run: forgets an Escape pressed before it started. */
	public ImageJProgress() {
		IJ.resetEscape();
	}

	@Override
	public void progress(int done, int total) {
		int percent = total <= 0 ? 100 : (int) (100L * done / total);
		if (percent == lastPercent) return;
		lastPercent = percent;
		IJ.showProgress(percent >= 100 ? 1.0 : percent / 100.0);
		// the status bar says what runs and how to stop it; the run's own line (its time) replaces it at the end
		if (percent < 100) IJ.showStatus(UserMessages.TITLE + ": " + percent + "% (Esc cancels)");
	}

	@Override
	public boolean isCancelled() {
		return IJ.escapePressed();
	}
}
