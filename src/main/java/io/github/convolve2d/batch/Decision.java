package io.github.convolve2d.batch;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a run would do with one file, decided as the run decides before it reads any pixels
 * ({@link BatchRunner#judge}), and how a dry run lists it: {@code write}, {@code replace}, {@code resume},
 * {@code skip}, or {@code fail} with the run's own reason. The batch command's dry run and the Spark
 * job's (which judges remote files on the copies its run would make) list their files with it, so that both word each decision alike. Immutable; serializable, so that a Spark
 * task can send it to the driver.
 */
public final class Decision implements Serializable {

	private static final long serialVersionUID = 1L;

	/** The ends a dry run tells apart. */
	public enum Action { WRITE, REPLACE, RESUME, SKIP, FAIL }

	/** Nothing at the output: it would be written. */
	public static final Decision WRITE = new Decision(Action.WRITE, null);
	/** An output that the run may replace (ours, and {@code --overwrite}): it would be written again. */
	public static final Decision REPLACE = new Decision(Action.REPLACE, null);
	/** An OME-Zarr output that an interrupted run left: its missing blocks would be written. */
	public static final Decision RESUME = new Decision(Action.RESUME, null);

	private final Action action;
	private final String reason;
	/** What the run would say of how it reads the input (an OME-TIFF's OME-XML not used), or null. */
	private final String note;

	private Decision(Action action, String reason) {
		this(action, reason, null);
	}

	private Decision(Action action, String reason, String note) {
		this.action = action;
		this.reason = reason;
		this.note = note;
	}

	/**
	 * This decision with the note the run prints on the file's line when it writes it ({@code ; note: ...}: why an
	 * OME-TIFF's OME-XML was not used, say); null or a decision that writes nothing leaves it as it is.
	 */
	public Decision withNote(String note) {
		if (note == null || action == Action.SKIP || action == Action.FAIL) return this;
		return new Decision(action, reason, note);
	}

	/** The note the run would print on the file's line, or null. */
	public String note() { return note; }

	/** An output that the run would make again without {@code --overwrite}, for this reason (its input changed). */
	public static Decision replace(String reason) {
		return new Decision(Action.REPLACE, Objects.requireNonNull(reason, "reason"));
	}

	/** The run would fail the file, for this reason (the text of the run's failure line). */
	public static Decision fail(String reason) {
		return new Decision(Action.FAIL, Objects.requireNonNull(reason, "reason"));
	}

	/** The run would skip the file (its output exists, made with the same settings), for this reason. */
	public static Decision skip(String reason) {
		return new Decision(Action.SKIP, Objects.requireNonNull(reason, "reason"));
	}

	/** The decision behind an outcome the run reports without convolving (skipped or failed). */
	static Decision of(Outcome o) {
		return o.status() == Outcome.Status.SKIPPED ? skip(o.message()) : fail(o.message());
	}

	public Action action() { return action; }

	/**
	 * The run's reason for {@code skip} and {@code fail}, why an output is made
	 * again without {@code --overwrite} for {@code replace}; null otherwise.
	 */
	public String reason() { return reason; }

	/**
	 * The dry run's line for the file, with its input and output named as the front end names them:
	 * {@code write    IN -> OUT}, {@code fail     IN: REASON}, ..., followed by {@code ; note: NOTE} where the run
	 * would print one
	 */
	public String line(String input, String output) {
		return note == null ? plainLine(input, output) : plainLine(input, output) + "; note: " + note;
	}

	private String plainLine(String input, String output) {
		switch (action) {
			case WRITE:
				return "write    " + input + " -> " + output;
			case REPLACE:
				return "replace  " + input + " -> " + output + (reason == null ? "" : " (" + reason + ")");
			case RESUME:
				return "resume   " + input + " -> " + output + " (the blocks a run wrote before are kept: it was interrupted, or is still running)";
			case SKIP:
				return "skip     " + input + " (" + output + " exists, made with the same settings)";
			default:
				return "fail     " + input + ": " + reason;
		}
	}

	@Override
	public String toString() {
		return action + (reason == null ? "" : ": " + reason) + (note == null ? "" : "; note: " + note);
	}

	/** The decisions of a dry run, counted for its last line. Not thread-safe. */
	public static final class Tally {
		private int write, skip, fail;

		public void add(Decision d) {
			switch (d.action) {
				case SKIP:
					skip++;
					break;
				case FAIL:
					fail++;
					break;
				default:
					write++;
			}
		}

		/** Files the run would fail: a dry run ends with exit code 1 when there are any, as the run would. */
		public int failing() { return fail; }

		/**
		 * The dry run's last line: {@code dry run: 2 to write, 1 to skip, 3 failing of 6 files; only image headers
		 * were read, nothing was written}.
		 */
		public String summary() {
			return "dry run: " + write + " to write, " + skip + " to skip, " + fail + " failing of " + (write + skip + fail)
				+ " files; only image headers were read, nothing was written";
		}
	}
}
