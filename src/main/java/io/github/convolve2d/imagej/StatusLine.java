package io.github.convolve2d.imagej;

import java.util.Locale;

/**
 * The status-bar line after a run: the computation's own time (from reading the first plane to the last
 * feature map, not the time the dialog was open) and its rate in source pixels per second, worded as ImageJ's
 * own filters word theirs, e.g. {@code Convolve 2D: 0.124 seconds, 3 planes of 512×512, 6.3 million
 * pixels/second}.
 */
final class StatusLine {

	private StatusLine() {
	}

	/**
	 * @param nanos the computation's wall time in nanoseconds
	 * @param planes the number of source planes convolved
	 * @param width the width of the area convolved (the selection's bounds or the image)
	 * @param height its height
	 */
	static String of(long nanos, int planes, int width, int height) {
		double seconds = Math.max(nanos, 1) / 1e9;
		double rate = (double) planes * width * height / seconds;
		String time = seconds < 10 ? String.format(Locale.ROOT, "%.3f", seconds)
			: String.format(Locale.ROOT, "%.1f", seconds);
		String what = (planes == 1 ? "" : planes + " planes of ") + width + "×" + height;
		String speed = rate >= 1e6 ? String.format(Locale.ROOT, "%.1f million pixels/second", rate / 1e6)
			: String.format(Locale.ROOT, "%.0f pixels/second", rate);
		return UserMessages.TITLE + ": " + time + " seconds, " + what + ", " + speed;
	}
}
