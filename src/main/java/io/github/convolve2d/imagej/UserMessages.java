package io.github.convolve2d.imagej;

import ij.IJ;
import ij.macro.Interpreter;
import io.github.convolve2d.core.UserException;

import java.awt.GraphicsEnvironment;
import java.util.concurrent.CancellationException;

/**
 * Tells the user about a mistake in the way that reaches them and never blocks a script: an error dialog when
 * ImageJ's window is up and no batch macro runs (a running macro is then aborted by ImageJ with the message);
 * otherwise (headless, {@code -batch}, batch mode, no ImageJ window) one line {@code Convolve 2D: ...} in the
 * Log (which is standard output without a Log window) and on standard error, and the running macro is
 * stopped, so a script never goes on as if a result had been made. ImageJ's own {@code IJ.error} would open
 * a modal dialog there, hanging a batch run, or throw {@code HeadlessException}.
 */
public final class UserMessages {

	/** The title of error dialogs and the prefix of logged errors. */
	public static final String TITLE = "Convolve 2D";

	private UserMessages() {
	}

	/** Whether error dialogs can be shown without hanging or breaking a run. */
	public static boolean dialogsAllowed() {
		return !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null && !Interpreter.isBatchMode();
	}

	/** Reports a user mistake (a message saying what is wrong and how to fix it) and stops a running macro. */
	public static void error(String message) {
		if (dialogsAllowed()) {
			dialog(message);
			return;
		}
		String line = TITLE + ": " + message;
		IJ.log(line);
		if (IJ.getInstance() != null) System.err.println(line); // the Log is a window: tell the console too
		Interpreter macro = Interpreter.getInstance();
		if (macro != null) {
			// ends the macro after this command without the interpreter's error dialog
			macro.setIgnoreErrors(true);
			macro.abort(line);
		}
	}

	/**
	 * Shows a message in ImageJ's error dialog, its lines wrapped: the dialog breaks lines only at line breaks, and a
	 * long message (the presets an unknown one could have been) would be wider than the screen, its end and the OK
	 * button out of reach.
	 */
	static void dialog(String message) {
		IJ.error(TITLE, wrap(message, DIALOG_COLUMNS));
	}

	/** Characters per line of an error dialog. */
	static final int DIALOG_COLUMNS = 90;

	/**
	 * {@code text} with each line longer than {@code columns} broken at its last space within them (a word longer
	 * than a line stays whole); line breaks already there are kept.
	 */
	static String wrap(String text, int columns) {
		StringBuilder out = new StringBuilder(text.length() + 16);
		String[] lines = text.split("\n", -1);
		for (int l = 0; l < lines.length; l++) {
			if (l > 0) out.append('\n');
			String line = lines[l];
			while (line.length() > columns) {
				int cut = line.lastIndexOf(' ', columns);
				if (cut <= 0) cut = line.indexOf(' ', columns);
				if (cut <= 0) break;
				out.append(line, 0, cut).append('\n');
				line = line.substring(cut + 1);
			}
			out.append(line);
		}
		return out.toString();
	}

	/**
	 * Reports a bug (any exception that is not a user's mistake): its stack trace goes to the Log (standard
	 * output headless) for a bug report, the user gets one line saying so, and a running macro is stopped.
	 */
	public static void bug(Throwable e) {
		java.io.StringWriter trace = new java.io.StringWriter();
		e.printStackTrace(new java.io.PrintWriter(trace));
		IJ.log(trace.toString());
		error("internal error, not caused by your settings: " + e + ". Please report it with the stack trace"
			+ " from the Log window");
	}

	/**
	 * Reports how a run ended when it did not give a result: a user's mistake as its message, memory running out
	 * with what to change ({@code lessWork}, e.g. "convolve fewer slices"), a cancelled run on the status bar (and
	 * as an error in a macro, so that the macro stops), anything else as a bug. Ends ImageJ's progress bar.
	 */
	static void runFailed(Throwable e, boolean inMacro, String lessWork) {
		IJ.showProgress(1.0);
		if (e instanceof UserException) {
			error(e.getMessage());
		}
		else if (e instanceof OutOfMemoryError) {
			error("not enough memory to finish; no result was made. Give ImageJ more memory (Edit > Options > Memory"
				+ " & Threads), or " + lessWork);
		}
		else if (e instanceof CancellationException) {
			IJ.showStatus(TITLE + " cancelled; no result");
			if (inMacro) error("cancelled (Escape pressed); no result");
		}
		else {
			bug(e);
		}
	}
}
