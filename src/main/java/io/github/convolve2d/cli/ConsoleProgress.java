package io.github.convolve2d.cli;

import io.github.convolve2d.core.Excerpt;

import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchListener;
import io.github.convolve2d.batch.Outcome;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The batch's progress on stderr: on a terminal a bar redrawn in place ({@code [#####.....] 120/200 files,
 * 35.2 files/s, ETA 0:02}) with failures printed above it; otherwise (a log file, a pipe) one plain line per
 * file. Failures always name the file and the reason.
 */
final class ConsoleProgress implements BatchListener {

	/** How progress is shown. */
	enum Style { BAR, LINES, NONE }

	private static final int BAR_WIDTH = 30;
	private static final long REDRAW_NANOS = 100_000_000L;

	private final PrintWriter err;
	private final Style style;
	private final Path workingDir = Paths.get("").toAbsolutePath();
	private int total, done;
	private long start, lastDraw;
	private int lastBarLength;
	private long lastBlockLine, blockStart;

	ConsoleProgress(PrintWriter err, Style style) {
		this.err = err;
		this.style = style;
	}

	@Override
	public synchronized void started(int totalFiles) {
		total = totalFiles;
		start = System.nanoTime();
		if (style == Style.BAR) drawBar(true);
	}

	@Override
	public synchronized void finished(Outcome outcome) {
		done++;
		String line = line(outcome);
		if (style == Style.LINES) {
			err.println("[" + done + "/" + total + "] " + line);
			err.flush();
		}
		else if (style == Style.BAR) {
			if (outcome.status() == Outcome.Status.FAILED || noted(outcome)) {
				clearBar();
				err.println(line);
			}
			drawBar(done == total);
		}
		else if (outcome.status() == Outcome.Status.FAILED || noted(outcome)) {
			err.println(line);
			err.flush();
		}
	}

	/** A line about the whole run, in every style (as failures are): above the bar on a terminal. */
	@Override
	public synchronized void notice(String line) {
		clearBar();
		err.println(line);
		err.flush();
		if (style == Style.BAR && total > 0) drawBar(true);
	}

	/**
	 * Blocks of an input convolved block by block: a line at most every second (and at the last block), or the bar
	 * showing the blocks.
	 */
	@Override
	public synchronized void blocks(BatchItem item, long doneBlocks, long totalBlocks) {
		long now = System.nanoTime();
		if (style == Style.NONE || (doneBlocks < totalBlocks && now - lastBlockLine < 1_000_000_000L)) return;
		lastBlockLine = now;
		if (blockStart == 0 || doneBlocks <= 1) blockStart = now;
		double seconds = (now - blockStart) / 1e9;
		double rate = seconds > 0 ? doneBlocks / seconds : 0;
		String eta = rate > 0 && doneBlocks < totalBlocks ? ", ETA " + clock((totalBlocks - doneBlocks) / rate) : "";
		// no rate before a second block has been timed (it would read 0.0 blocks/s)
		String text = display(item.input()) + ": block " + doneBlocks + "/" + totalBlocks
			+ (rate > 0 ? String.format(java.util.Locale.ROOT, ", %.1f blocks/s", rate) : "") + eta;
		if (style == Style.LINES) {
			err.println("[" + (done + 1) + "/" + total + "] " + text);
			err.flush();
			return;
		}
		int filled = totalBlocks == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * doneBlocks / totalBlocks);
		String bar = "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + text;
		String pad = bar.length() < lastBarLength ? " ".repeat(lastBarLength - bar.length()) : "";
		err.print("\r" + bar + pad);
		err.flush();
		lastBarLength = bar.length();
	}

	/** Ends the bar's line so that what follows starts on a fresh line. */
	synchronized void close() {
		if (style == Style.BAR && lastBarLength > 0) {
			err.println();
			err.flush();
			lastBarLength = 0;
		}
	}

	private String line(Outcome o) {
		switch (o.status()) {
			case WRITTEN:
				return "written " + display(o.item().output())
					+ (noted(o) ? "; note: " + display(o.item().input()) + ": " + Excerpt.line(o.message()) : "");
			case SKIPPED:
				return "skipped " + display(o.item().input()) + ": " + Excerpt.line(o.message());
			default:
				return "FAILED " + display(o.item().input()) + ": " + Excerpt.line(o.message());
		}
	}

	/** A written file with a note on its reading, shown in every style, as failures are. */
	private static boolean noted(Outcome o) {
		return o.status() == Outcome.Status.WRITTEN && o.message() != null;
	}

	/** A path as the console shows it: relative to the working folder where it lies below it, on one line. */
	String display(Path p) {
		return Excerpt.line(p.startsWith(workingDir) ? workingDir.relativize(p).toString() : p.toString());
	}

	private void clearBar() {
		if (lastBarLength > 0) {
			err.print("\r" + " ".repeat(lastBarLength) + "\r");
			lastBarLength = 0;
		}
	}

	private void drawBar(boolean force) {
		long now = System.nanoTime();
		if (!force && now - lastDraw < REDRAW_NANOS) return;
		lastDraw = now;
		int filled = total == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / total);
		double seconds = (now - start) / 1e9;
		double rate = seconds > 0 ? done / seconds : 0;
		String eta = rate > 0 && done < total ? ", ETA " + clock((total - done) / rate) : "";
		String bar = "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total
			+ " files, " + String.format(java.util.Locale.ROOT, "%.1f", rate) + " files/s" + eta;
		String pad = bar.length() < lastBarLength ? " ".repeat(lastBarLength - bar.length()) : "";
		err.print("\r" + bar + pad);
		err.flush();
		lastBarLength = bar.length();
	}

	static String clock(double seconds) {
		long s = Math.round(seconds);
		if (s >= 3600) return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
		return String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
	}
}
