package io.github.convolve2d.batch;

/**
 * A file the batch cannot turn into an image: not an image, a format it does not read, corrupt, truncated or too
 * large for memory. The message is the reason shown to the user next to the file's name; the batch reports it
 * and goes on with the other files.
 */
public final class UnreadableImageException extends Exception {

	private static final long serialVersionUID = 1L;

	public UnreadableImageException(String reason) {
		super(reason);
	}
}
