package io.github.convolve2d.spark;

import io.github.convolve2d.batch.Outcome;

import java.io.Serializable;

/** What happened to one file in a task (the batch's {@link Outcome}, in a form a task can send to the driver). */
final class FileResult implements Serializable {

	private static final long serialVersionUID = 1L;

	final FileTask task;
	final Outcome.Status status;
	/** The reason of a failure or skip; for a written file a note on its reading (an OME-XML not used), else null. */
	final String message;

	FileResult(FileTask task, Outcome.Status status, String message) {
		this.task = task;
		this.status = status;
		this.message = message;
	}
}
