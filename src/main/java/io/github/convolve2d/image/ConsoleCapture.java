package io.github.convolve2d.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;

/**
 * Catches what ImageJ prints while it reads or writes a file. Without an ImageJ window, {@code IJ.error} and
 * {@code IJ.log} print to {@code System.out}: in a batch run that would mix ImageJ's messages into our output
 * and lose the link between a message and its file. While installed, this routes {@code System.out} and
 * {@code System.err} of a thread inside {@link #call} into that call's buffer, so the message becomes the
 * file's failure reason; every other thread's output passes through unchanged, except the stack traces the JDK's
 * image fetcher threads print when ImageJ's JPEG or GIF decoder gives up ({@code sun.awt.image.ImageFormatException}):
 * those threads serve every file being read, so their text cannot be told apart by file, and the file fails with
 * ImageJ's reason anyway.
 */
public final class ConsoleCapture implements AutoCloseable {

	private static final ThreadLocal<ByteArrayOutputStream> BUFFER = new ThreadLocal<>();
	private static final Object LOCK = new Object();
	private static int installed;
	private static PrintStream originalOut, originalErr;

	private ConsoleCapture() {
	}

	/** Installs the routing streams (nested installs are counted); close to restore the original streams. */
	public static ConsoleCapture install() {
		synchronized (LOCK) {
			if (installed++ == 0) {
				originalOut = System.out;
				originalErr = System.err;
				System.setOut(routing(originalOut));
				System.setErr(routing(originalErr));
			}
		}
		return new ConsoleCapture();
	}

	@Override
	public void close() {
		synchronized (LOCK) {
			if (--installed == 0) {
				System.out.flush();
				System.err.flush();
				System.setOut(originalOut);
				System.setErr(originalErr);
			}
		}
	}

	/** The name the JDK gives the threads that decode images for {@code Toolkit.createImage} (ImageJ's JPEG and GIF). */
	private static final String IMAGE_FETCHER = "Image Fetcher ";

	private static PrintStream routing(PrintStream passThrough) {
		OutputStream router = new OutputStream() {
			@Override
			public void write(int b) {
				ByteArrayOutputStream buffer = BUFFER.get();
				if (buffer != null) buffer.write(b);
				else if (!imageFetcher()) passThrough.write(b);
			}

			@Override
			public void write(byte[] b, int off, int len) {
				ByteArrayOutputStream buffer = BUFFER.get();
				if (buffer != null) buffer.write(b, off, len);
				else if (!imageFetcher()) passThrough.write(b, off, len);
			}

			@Override
			public void flush() {
				passThrough.flush();
			}
		};
		return new PrintStream(router, true);
	}

	private static boolean imageFetcher() {
		return Thread.currentThread().getName().startsWith(IMAGE_FETCHER);
	}

	/** What a {@link #call} returned and what it printed. */
	public static final class Result<T> {
		private final T value;
		private final String printed;

		Result(T value, String printed) {
			this.value = value;
			this.printed = printed;
		}

		public T value() { return value; }

		/** Everything the call printed, trimmed, lines joined by "; " (empty when nothing). */
		public String printed() { return printed; }
	}

	/**
	 * Runs {@code action} on this thread; what it prints to {@code System.out} or {@code System.err} while the
	 * capture is {@link #install installed} goes into the result (or, if it throws, into a suppressed exception)
	 * instead of the console.
	 */
	public static <T> Result<T> call(Callable<T> action) throws Exception {
		ByteArrayOutputStream previous = BUFFER.get();
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		BUFFER.set(buffer);
		try {
			T value = action.call();
			return new Result<>(value, text(buffer));
		}
		catch (Exception e) {
			String printed = text(buffer);
			if (!printed.isEmpty()) {
				e.addSuppressed(new IOException("printed: " + printed));
			}
			throw e;
		}
		finally {
			if (previous == null) BUFFER.remove();
			else BUFFER.set(previous);
		}
	}

	private static String text(ByteArrayOutputStream buffer) {
		String s = new String(buffer.toByteArray(), Charset.defaultCharset()).trim();
		return s.replaceAll("\\s*\\R\\s*", "; ");
	}
}
