package io.github.convolve2d.core;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * The core's thread pool for a plain loop of another layer (decoding a file's strips, ...), so that every layer
 * shares its workers and its rule: the calling thread takes part, and a call never starts more threads than it
 * asks for.
 */
public final class ParallelLoop {

	private ParallelLoop() {
	}

	/**
	 * Calls {@code body} for 0..units-1 on up to {@code threads} threads, the calling thread included, and returns
	 * when all are done. An exception thrown by {@code body} is thrown here once every thread has stopped.
	 */
	public static void forEach(int units, int threads, IntConsumer body) {
		Parallel.forEach(units, Math.max(1, threads), ProgressListener.NONE, new Parallel.Unit() {
			@Override
			public void run(int unit, Scratch scratch) {
				body.accept(unit);
			}
		});
	}

	/**
	 * The failure of a task another thread ran, as the task threw it: its unchecked exception or error is thrown
	 * here, its IOException returned (for the caller to throw), anything else returned wrapped in an IOException.
	 */
	public static IOException failure(ExecutionException e) {
		Throwable cause = e.getCause();
		if (cause instanceof RuntimeException) throw (RuntimeException) cause;
		if (cause instanceof Error) throw (Error) cause;
		return cause instanceof IOException ? (IOException) cause : new IOException(cause);
	}
}
