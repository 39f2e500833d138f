package io.github.convolve2d.imagej;

import ij.ImagePlus;
import ij.WindowManager;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.io.IoMessages;

import java.io.File;
import java.io.IOException;
import java.nio.file.InvalidPathException;

/**
 * Saves feature maps as a TIFF whole or not at all, as the batch command writes its outputs ({@link
 * AtomicTiffWriter}): a full disk or another failure leaves the file that was there, or none, never part of one.
 * For the SciJava commands' {@code output} and, through the macro language's {@code call}, the folder macro:
 * <pre>
 * error = call("io.github.convolve2d.imagej.WholeTiff.saveCurrentImage", path);
 * if (error != "") exit("Convolve 2D: " + error);
 * </pre>
 */
public final class WholeTiff {

	private WholeTiff() {
	}

	/**
	 * Saves the macro's current image as a TIFF at {@code path}, replacing a file of that name, without ImageJ's
	 * error dialog (which would hang a {@code -batch} run, and comes before the macro's own message in a window).
	 *
	 * @return "" when saved, else what went wrong (nothing was then written at {@code path})
	 */
	public static String saveCurrentImage(String path) {
		ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) return "no image to save as " + path;
		try {
			save(imp, new File(path));
			return "";
		}
		catch (UserException e) {
			return e.getMessage();
		}
	}

	/**
	 * Saves {@code maps} as a TIFF at {@code output}, replacing a file of that name.
	 *
	 * @throws UserException saying why it could not be written; nothing was then written there
	 */
	static void save(ImagePlus maps, File output) {
		try {
			new AtomicTiffWriter().write(maps, output.toPath(), true);
		}
		catch (IOException e) {
			throw new UserException("cannot write the feature maps to " + output + ": " + IoMessages.describe(e)
				+ "; nothing was written there");
		}
		catch (InvalidPathException e) {
			throw new UserException("cannot write the feature maps to " + output + ": not a valid path here");
		}
	}
}
