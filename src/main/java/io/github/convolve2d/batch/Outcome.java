package io.github.convolve2d.batch;

/**
 * What happened to one file of a batch: written (with a note on how it was read, or none), skipped (its output exists)
 * or failed, with a message.
 */
public final class Outcome {

	/** The three ends of a file. */
	public enum Status { WRITTEN, SKIPPED, FAILED }

	/** The reason given for a skipped file. */
	public static final String OUTPUT_EXISTS = "its output exists (--overwrite replaces it)";

	/** The reason given when a folder has the output's name. */
	public static String folderInTheWay(Object output) {
		return "a folder is in the way of its output " + output;
	}

	private final BatchItem item;
	private final Status status;
	private final String message;

	public Outcome(BatchItem item, Status status, String message) {
		this.item = item;
		this.status = status;
		this.message = message;
	}

	public BatchItem item() { return item; }
	public Status status() { return status; }
	/** The reason of a failure or skip; for a written file a note on its reading (an OME-XML not used), else null. */
	public String message() { return message; }
}
