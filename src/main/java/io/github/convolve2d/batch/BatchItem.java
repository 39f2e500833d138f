package io.github.convolve2d.batch;

import java.nio.file.Path;

/**
 * One file of a batch: the input, the output it will be written to, and — when the plan already knows that
 * it cannot be done (two inputs mapped to one output) — the reason, so it is reported without being read.
 */
public final class BatchItem {

	private final Path input;
	private final Path output;
	private final String problem;

	/** An item; {@code problem} is null unless the plan already knows why it cannot be done. */
	public BatchItem(Path input, Path output, String problem) {
		this.input = input;
		this.output = output;
		this.problem = problem;
	}

	public Path input() { return input; }
	public Path output() { return output; }
	/** Why this item cannot be done, or null. */
	public String problem() { return problem; }

	@Override
	public String toString() {
		return input + " -> " + output;
	}
}
