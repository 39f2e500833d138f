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
	private final String source;

	/** An item; {@code problem} is null unless the plan already knows why it cannot be done. */
	public BatchItem(Path input, Path output, String problem) {
		this(input, output, problem, null);
	}

	/**
	 * An item whose {@code input} stands for the file {@code source} names (a local copy of a file on another file
	 * system: its URI), which its output records as the input it was made from; null for the input's own path.
	 */
	public BatchItem(Path input, Path output, String problem, String source) {
		this.input = input;
		this.output = output;
		this.problem = problem;
		this.source = source;
	}

	public Path input() { return input; }
	public Path output() { return output; }
	/** Why this item cannot be done, or null. */
	public String problem() { return problem; }

	/**
	 * What names the input an output records having been made from ({@link OutputStamp#SOURCE_PROPERTY}): the
	 * source given, else the input's absolute path.
	 */
	public String source() {
		return source != null ? source : input.toAbsolutePath().normalize().toString();
	}

	@Override
	public String toString() {
		return input + " -> " + output;
	}
}
