package io.github.convolve2d.core;

/**
 * A user's mistake: bad kernel text, an unknown option, settings that do not fit the image, a file that cannot be
 * read, not enough memory for the result. Its message names what is wrong and how to fix it, and front ends show
 * it as it is ({@code IJ.error}, a JSON {@code {"error": ...}}, one line and an exit code), without a stack trace.
 * <p>
 * Any other exception is a bug and keeps its stack trace. This type extends {@link UserException} so
 * that a caller of the Java API may treat it as the argument error it is; front ends catch this type, never the
 * broader one, so that an internal bug is not dressed up as a user message.
 */
public class UserException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	public UserException(String message) {
		super(message);
	}

	public UserException(String message, Throwable cause) {
		super(message, cause);
	}
}
