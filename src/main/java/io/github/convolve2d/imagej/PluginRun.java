package io.github.convolve2d.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.plugin.frame.Recorder;
import io.github.convolve2d.core.UserException;

import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What each menu command does around its own settings: find the image to work on, read the settings from the
 * macro options or the command's dialog, compute while ImageJ's lock on the image is held, show the result under
 * a title no open window has, put the computation's own time and rate in the status bar ({@link StatusLine}), and
 * record a dialog run only once it has given a result.
 */
final class PluginRun {

	private PluginRun() {
	}

	/** One menu command's part: its settings, their dialog, and the computation. */
	interface Command<S> {

		/** Reads settings from macro options or the dialog's values. @throws UserException naming what is wrong */
		S settings(MacroOptions options);

		/** Shows the dialog starting from {@code start}; its values, or null when the user cancelled. */
		MacroOptions dialog(ImagePlus imp, MacroOptions start);

		/**
		 * Remembers the dialog's values for the next dialog: {@code settings} read from them, or null when they
		 * failed to read or did not fit the image (then kept as typed, to be fixed).
		 */
		void remember(ImagePlus imp, S settings, MacroOptions chosen);

		/** The settings as the macro options a recorded line replays. */
		MacroOptions recorded(S settings);

		/** The number of source planes the computation reads, for the status line's rate. */
		int planes(ImagePlus imp, S settings);

		/** The result. @throws UserException for settings that do not fit the image */
		ImagePlus compute(ImagePlus imp, S settings);

		/** What to suggest when memory runs out, e.g. "convolve fewer slices". */
		String lessWork();

		/** An example macro call, for the message of a headless run without options. */
		String example();
	}

	/**
	 * Runs a menu command on the current image: from the macro options when a macro gave some (a mistake stops the
	 * macro), else from the dialog, which is shown again with the user's values after a mistake (a bad value or
	 * settings that do not fit the image) until a run gives a result or the dialog is cancelled. Only a dialog run
	 * that gave a result is recorded.
	 */
	static <S> void run(Command<S> command, String macroOptions, MacroOptions firstDialog) {
		ImagePlus imp = currentImage();
		if (imp == null) return;
		if (macroOptions != null) {
			try {
				S settings = command.settings(MacroOptions.parse(macroOptions));
				computeAndShow(imp, command.planes(imp, settings), () -> command.compute(imp, settings));
			}
			catch (RuntimeException | OutOfMemoryError | LinkageError e) {
				// a LinkageError (a library missing from ImageJ) too: ImageJ would swallow it without a word
				UserMessages.runFailed(e, true, command.lessWork());
			}
			return;
		}
		if (GraphicsEnvironment.isHeadless()) {
			UserMessages.error("no options given, and there is no display for the dialog; give the options, e.g. "
				+ command.example());
			return;
		}
		MacroOptions start = firstDialog;
		while (true) {
			MacroOptions chosen = command.dialog(imp, start);
			if (chosen == null) {
				Recorder.setCommand(null); // a cancelled dialog records nothing
				return;
			}
			try {
				S settings = command.settings(chosen);
				command.remember(imp, settings, chosen);
				computeAndShow(imp, command.planes(imp, settings), () -> command.compute(imp, settings));
				if (Recorder.record) record(command.recorded(settings));
				return;
			}
			catch (UserException e) {
				command.remember(imp, null, chosen);
				if (closed(imp)) {
					Recorder.setCommand(null);
					UserMessages.error(e.getMessage());
					return;
				}
				UserMessages.dialog(e.getMessage());
				start = chosen; // shown again, to be fixed
			}
			catch (RuntimeException | OutOfMemoryError | LinkageError e) {
				Recorder.setCommand(null);
				UserMessages.runFailed(e, false, command.lessWork());
				return;
			}
		}
	}

	/**
	 * Records {@code options} as this command's {@code run(...)} line, replacing whatever the dialog's file choosers
	 * may have left there (ImageJ records the path of every Open/Save dialog). The recorder puts each value as it is
	 * into the line's quoted string, so values are escaped as ImageJ's own dialogs escape theirs (a Windows path's
	 * backslashes, a double quote).
	 */
	static void record(MacroOptions options) {
		Recorder.resetCommandOptions();
		for (Map.Entry<String, String> e : options.asMap().entrySet()) {
			if (e.getValue() == null) Recorder.recordOption(e.getKey());
			else Recorder.recordOption(e.getKey(), Recorder.fixString(e.getValue()));
		}
	}

	/** The current image, or null after telling the user to open one. */
	static ImagePlus currentImage() {
		ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) UserMessages.error("no image is open; open an image first (File > Open...)");
		return imp;
	}

	/**
	 * Whether an image has been closed: ImageJ then drops its pixels, or, when it was locked at the time, keeps
	 * them with its closed window.
	 */
	static boolean closed(ImagePlus imp) {
		return imp.getProcessor() == null || imp.getWindow() != null && imp.getWindow().isClosed();
	}

	/**
	 * Computes a new image from {@code imp} while it is locked and shows it.
	 *
	 * @param planes the source planes the computation reads, for the status line's rate
	 * @throws UserException when the image was closed or another command holds its lock
	 */
	static void computeAndShow(ImagePlus imp, int planes, Supplier<ImagePlus> computation) {
		if (!imp.lockSilently()) {
			throw new UserException("\"" + imp.getTitle() + "\" is locked: another command is working on it. Run"
				+ " Convolve 2D again once it has finished");
		}
		ImagePlus result;
		long start = System.nanoTime();
		try {
			if (closed(imp)) {
				throw new UserException("\"" + imp.getTitle() + "\" was closed before it could be convolved; open it"
					+ " again");
			}
			result = computation.get();
		}
		finally {
			imp.unlock();
		}
		long nanos = System.nanoTime() - start;
		// numbered only when it opens a window beside one of its title: a batch-mode macro's image has none, and a
		// macro naming files after it (the folder macro) would save camera_Sobel-X-1.tif
		if (!Interpreter.isBatchMode()) result.setTitle(uniqueTitle(result.getTitle()));
		result.show();
		IJ.showProgress(1.0);
		Rectangle area = area(imp);
		IJ.showStatus(StatusLine.of(nanos, planes, area.width, area.height));
	}

	/**
	 * Makes feature maps computed from every plane of {@code source} open where the source is on display, as
	 * Image › Duplicate... does: at its slice and frame (the maps have the same), and at {@code channel}.
	 */
	static void openAtSourcePlane(ImagePlus maps, ImagePlus source, int channel) {
		int[] shown = shownPosition(source);
		maps.setPosition(channel, shown[1], shown[2]);
	}

	/**
	 * The channel, slice and frame on display: those of the current slice, whose pixels getProcessor() holds (ImageJ
	 * leaves getSlice() and getFrame() at 1 when a script's setSlice moves a virtual stack that has no window).
	 */
	static int[] shownPosition(ImagePlus imp) {
		return imp.convertIndexToPosition(imp.getCurrentSlice());
	}

	/**
	 * {@code title}, or {@code title-1}, {@code title-2}, ... when an open window has it. ImageJ's own
	 * {@code WindowManager.makeUniqueName} puts the number before what it takes for a file extension, and a σ's
	 * decimals look like one: a second {@code cell-LoG σ=2.5} would open as {@code cell-LoG σ=2-1.5}.
	 */
	static String uniqueTitle(String title) {
		if (!taken(title)) return title;
		for (int n = 1; ; n++) {
			String numbered = title + "-" + n;
			if (!taken(numbered)) return numbered;
		}
	}

	/** Whether an open window has this title (as ImageJ decides it: batch-mode images have none). */
	private static boolean taken(String title) {
		return !WindowManager.makeUniqueName(title).equals(title);
	}

	/** The area convolved: the selection's bounds within the image, or the whole image. */
	private static Rectangle area(ImagePlus imp) {
		Roi roi = imp.getRoi();
		Rectangle image = new Rectangle(0, 0, imp.getWidth(), imp.getHeight());
		if (roi == null || !roi.isArea()) return image;
		Rectangle r = roi.getBounds().intersection(image);
		return r.isEmpty() ? image : r;
	}
}
