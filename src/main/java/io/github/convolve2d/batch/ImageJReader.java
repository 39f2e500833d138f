package io.github.convolve2d.batch;

import ij.ImagePlus;
import ij.io.Opener;

import java.io.File;
import java.nio.file.Path;

/**
 * Reads an image with ImageJ's own {@link Opener} (TIFF incl. 16/32-bit and multi-page stacks and hyperstacks,
 * PNG, JPEG, GIF, BMP), headless, and turns its silent failures into reasons: the header is checked first
 * ({@link ImageHeader}), and what ImageJ prints while opening (its {@code IJ.error} text) becomes the message.
 */
public final class ImageJReader {

	private ImageJReader() {
	}

	/**
	 * Opens the file whose header was read.
	 *
	 * @throws UnreadableImageException with the reason when ImageJ cannot read it
	 */
	public static ImagePlus read(Path file, ImageHeader header) throws UnreadableImageException {
		Path absolute = file.toAbsolutePath();
		String dir = absolute.getParent().toString() + File.separator;
		String name = absolute.getFileName().toString();
		ConsoleCapture.Result<ImagePlus> opened;
		try {
			opened = ConsoleCapture.call(() -> new Opener().openImage(dir, name));
		}
		catch (OutOfMemoryError e) {
			throw new UnreadableImageException("not enough memory to read it; give Java more memory (java -Xmx...)");
		}
		catch (Exception e) {
			throw new UnreadableImageException("ImageJ could not read this " + header.format() + ": " + e);
		}
		ImagePlus imp = opened.value();
		if (imp == null || imp.getWidth() == 0 || imp.getStackSize() == 0) {
			String said = opened.printed();
			throw new UnreadableImageException("ImageJ could not read this " + header.format()
				+ (said.isEmpty() ? " (it gave no reason; the file may be corrupt or use an unsupported variant)"
					: ": " + said));
		}
		return imp;
	}
}
