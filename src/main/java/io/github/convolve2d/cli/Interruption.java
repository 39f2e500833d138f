package io.github.convolve2d.cli;

import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.batch.BatchRunner;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a batch run. The JVM runs its shutdown hooks on these signals and would then
 * end with 130 or 143 in the middle of the run, printing nothing. This hook instead cancels the runner (no new
 * file starts, convolutions in flight stop, nothing more is written), waits until the command has printed its
 * summary, and ends the process with the command's exit code — 1, interrupted — as README promises. Should the
 * files in flight not stop within {@link #WAIT_SECONDS} (a huge file still being read), it deletes their temporary
 * files and ends with 1 without the summary.
 */
final class Interruption {

	/** How long the hook waits for the run to stop and print its summary. */
	static final long WAIT_SECONDS = 30;

	private final BatchRunner runner;
	private final AtomicTiffWriter writer;
	private final PrintWriter err;
	private final CountDownLatch reported = new CountDownLatch(1);
	private final Thread hook = new Thread(this::onSignal, "convolve2d-interruption");
	private volatile int code = 1;

	private Interruption(BatchRunner runner, AtomicTiffWriter writer, PrintWriter err) {
		this.runner = runner;
		this.writer = writer;
		this.err = err;
	}

	/** Installs the hook for one run; call {@link #reported} once the summary is printed, then {@link #remove}. */
	static Interruption install(BatchRunner runner, AtomicTiffWriter writer, PrintWriter err) {
		Interruption i = new Interruption(runner, writer, err);
		Runtime.getRuntime().addShutdownHook(i.hook);
		return i;
	}

	/** The summary is printed; {@code exitCode} is what the process ends with if a signal arrived. */
	void reported(int exitCode) {
		code = exitCode;
		reported.countDown();
	}

	void remove() {
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException e) {
			// a signal arrived: the hook runs and ends the process once the summary is out
		}
	}

	private void onSignal() {
		runner.cancel();
		boolean done;
		try {
			done = reported.await(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			done = false;
		}
		if (!done) {
			writer.deleteInFlight();
			err.println("interrupted: the files in flight did not stop within " + WAIT_SECONDS + " s; stopped "
				+ "without a summary (no output was half-written)");
			err.flush();
		}
		// exit() would wait for this very hook; halt ends the process with the command's code
		Runtime.getRuntime().halt(done ? code : 1);
	}
}
