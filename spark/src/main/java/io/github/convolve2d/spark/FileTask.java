package io.github.convolve2d.spark;

import java.io.Serializable;

/**
 * One file of the Spark batch job, as planned on the driver and shipped to a task: the input and output as
 * Hadoop URIs, and the reason when the plan already knows that it cannot be done (two inputs mapped to one
 * output, an output that would replace an input).
 */
final class FileTask implements Serializable {

	private static final long serialVersionUID = 1L;

	final String input;
	final String output;
	final String problem;

	FileTask(String input, String output, String problem) {
		this.input = input;
		this.output = output;
		this.problem = problem;
	}

	@Override
	public String toString() {
		return input + " -> " + output;
	}
}
