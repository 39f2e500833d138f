package io.github.convolve2d.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.UserException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

/**
 * What the SciJava commands share ({@link Convolve2DCommand}, {@link ConvolveLayerCommand}): the image or an image
 * file, a file to save the result in, the convolution options as named parameters (read by the menu commands'
 * code, as their macro options), the feature maps as output, and a user's mistake (or too little memory) as the
 * cancel reason, logged, never a stack trace. Nothing is remembered between runs.
 */
abstract class ImageCommand extends ContextCommand {

	@Parameter(label = "Image", persist = false, required = false,
		description = "The image to convolve (or give 'file')")
	private ImagePlus image;

	@Parameter(label = "Image file", persist = false, required = false,
		description = "An image file to open and convolve when no image is given (for --headless --run)")
	private File file;

	@Parameter(label = "Save feature maps as", persist = false, required = false,
		style = FileWidget.SAVE_STYLE,
		description = "A TIFF file to save the feature maps in (for --headless --run); none: not saved")
	private File output;

	@Parameter(label = "Mode", persist = false, choices = { "same", "valid", "full" }, required = false)
	private String mode = "same";

	@Parameter(label = "Border", persist = false, choices = { "replicate", "reflect", "mirror", "wrap", "constant" },
		required = false)
	private String border = "replicate";

	/** Text, read as the macro's cval=: a SciJava double would take "abc" as 0 without a word. */
	@Parameter(label = "Value outside the image (constant border)", persist = false, required = false,
		description = "A number, e.g. 0 or -1.5")
	private String cval = "0";

	@Parameter(label = "Stride", persist = false, required = false, description = "n, or rows,columns")
	private String stride = "1";

	@Parameter(label = "Dilation", persist = false, required = false, description = "n, or rows,columns")
	private String dilation = "1";

	// the switches are "true" or "false" as text, read by switchOn: a SciJava boolean takes "yes" or "1" as false and
	// keeps its default for a number, without a word

	@Parameter(label = "Flip kernel (true convolution)", persist = false, required = false, choices = { "false", "true" })
	private String flip = "false";

	@Parameter(label = "Normalize kernel", persist = false, required = false, choices = { "false", "true" })
	private String normalize = "false";

	@Parameter(label = "All planes", persist = false, required = false, choices = { "true", "false" },
		description = "Every channel, slice and frame (a layer reads every channel anyway); else the displayed plane")
	private String allPlanes = "true";

	@Parameter(label = "Feature maps", type = ItemIO.OUTPUT)
	private ImagePlus featureMaps;

	@Parameter
	private LogService log;

	@Override
	public final void run() {
		try {
			Map<String, String> options = new LinkedHashMap<>();
			addOwnOptions(options);
			options.put("mode", mode);
			options.put("border", border);
			if (given(cval)) options.put("cval", cval);
			options.put("stride", stride);
			options.put("dilation", dilation);
			if (switchOn("flip", flip, false)) options.put("flip", null);
			if (switchOn("normalize", normalize, false)) options.put("normalize", null);
			if (switchOn("allPlanes", allPlanes, true)) options.put("stack", null);
			MacroOptions settings = MacroOptions.of(options);
			if (output != null && !isTiffName(output)) {
				throw new UserException("output " + output + " is not named as a TIFF; the feature maps are saved as a"
					+ " 32-bit TIFF: end the name with .tif or .tiff");
			}
			ImagePlus source = image != null ? image : open(file);
			if (output != null && sameFile(output, sourceFile(source))) {
				throw new UserException("output " + output + " is the image being convolved; give another file name"
					+ " (the source is never replaced)");
			}
			featureMaps = compute(source, settings);
			if (output != null) WholeTiff.save(featureMaps, output); // no ImageJ dialog on failure: the reason says it
		}
		catch (UserException e) {
			fail(e.getMessage());
		}
		catch (OutOfMemoryError e) {
			fail("not enough memory to finish; no result was made. Give Fiji more memory (Edit > Options > Memory & "
				+ "Threads; java -Xmx... for a headless run), or convolve fewer planes, kernels or a smaller image");
		}
	}

	/** Cancels the command with {@code message} as its reason, and logs it: a headless --run has no other way. */
	private void fail(String message) {
		featureMaps = null; // a cancelled command gives no result, also when only the save failed
		String reason = UserMessages.TITLE + ": " + message;
		if (log != null) log.error(reason);
		cancel(reason);
	}

	/** Whether a text parameter was given: not left out (null) or blank. */
	static boolean given(String text) {
		return text != null && !text.trim().isEmpty();
	}

	/**
	 * A switch parameter's value: {@code true} or {@code false} in any case (a script's True and False arrive so),
	 * {@code fallback} when left out.
	 *
	 * @throws UserException for anything else ("yes", "1", 1), which a SciJava boolean would have taken as false
	 */
	static boolean switchOn(String name, String value, boolean fallback) {
		if (!given(value)) return fallback;
		String v = value.trim();
		if (v.equalsIgnoreCase("true")) return true;
		if (v.equalsIgnoreCase("false")) return false;
		throw new UserException(name + " '" + Excerpt.of(v) + "' is neither true nor false; give " + name + " true or"
			+ " false");
	}

	/** Puts the command's own parameters into {@code options} as the menu command's macro options. */
	abstract void addOwnOptions(Map<String, String> options);

	/**
	 * The feature maps of {@code source} for these macro options (the command's own and the shared ones).
	 *
	 * @throws UserException for a mistake in the options or settings that do not fit the image
	 */
	abstract ImagePlus compute(ImagePlus source, MacroOptions options);

	/** Whether a file's name says TIFF ({@code .tif}, {@code .tiff}, any case), as the saved feature maps are. */
	private static boolean isTiffName(File file) {
		String name = file.getName().toLowerCase(Locale.ROOT);
		return name.endsWith(".tif") || name.endsWith(".tiff");
	}

	/** The file {@code imp} was opened from, or null. */
	private static File sourceFile(ImagePlus imp) {
		FileInfo info = imp.getOriginalFileInfo();
		if (info == null || info.fileName == null || info.directory == null || info.directory.isEmpty()) return null;
		return new File(info.directory, info.fileName);
	}

	/** Whether two files are one: the same file on disk, or the same path. */
	private static boolean sameFile(File a, File b) {
		if (b == null) return false;
		try {
			if (a.exists() && b.exists()) return Files.isSameFile(a.toPath(), b.toPath());
		}
		catch (IOException | InvalidPathException e) {
			// compared by path below
		}
		return a.getAbsoluteFile().toPath().normalize().equals(b.getAbsoluteFile().toPath().normalize());
	}

	private static ImagePlus open(File file) {
		if (file == null) throw new UserException("no image given; set 'image', or 'file' to an image file");
		if (file.isDirectory() && file.getName().toLowerCase(Locale.ROOT).endsWith(".zarr")) {
			throw new UserException("image file " + file + " is an OME-Zarr image, which ImageJ does not open; convolve"
				+ " it with the batch command: java -jar convolve2d-cli.jar batch -i " + file
				+ " -o <folder> --preset ...");
		}
		if (file.isDirectory()) {
			throw new UserException("image file " + file + " is a folder; give one image file (for a folder's images,"
				+ " run the command once per file)");
		}
		if (!file.isFile()) throw new UserException("image file " + file + " not found");
		ImagePlus imp = IJ.openImage(file.getPath());
		if (imp == null) throw new UserException("ImageJ cannot open " + file + " as an image");
		imp.deleteRoi(); // a selection saved in the file: a file is convolved whole, as the batch command does
		return imp;
	}
}
