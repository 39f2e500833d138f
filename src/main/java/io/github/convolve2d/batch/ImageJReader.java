package io.github.convolve2d.batch;

import ij.ImagePlus;
import ij.io.Opener;
import io.github.convolve2d.io.TiffReader;

import java.io.File;
import java.nio.file.Path;

/**
 * Reads an image with ImageJ's own {@link Opener} (TIFF incl. 16/32-bit and multi-page stacks and hyperstacks,
 * PNG, JPEG, GIF, BMP), headless, and turns its silent failures into reasons: the header is checked first
 * ({@link ImageHeader}), and what ImageJ prints while opening (its {@code IJ.error} text) becomes the message. A
 * compressed TIFF's strips are decoded first ({@link TiffReader#damage}): ImageJ would read damaged ones as zeros.
 */
public final class ImageJReader {

	private ImageJReader() {
	}

	/**
	 * Opens the file whose header was read, checking a compressed TIFF's strips first on up to {@code threads}
	 * threads (the check decompresses them all, about as long as ImageJ's own read takes on one).
	 *
	 * @throws UnreadableImageException with the reason when ImageJ cannot read it
	 */
	public static ImagePlus read(Path file, ImageHeader header, int threads) throws UnreadableImageException {
		if (header.format() == ImageFormat.TIFF && header.compressed()) {
			// ImageJ takes compressed strips that end early or do not decode for zeros, without a word, and never
			// returns from a Deflate strip cut short: the check must come first, not beside ImageJ's read
			String damage;
			try {
				damage = TiffReader.damage(file, threads);
			}
			catch (java.io.IOException e) {
				throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
			}
			if (damage != null) throw new UnreadableImageException(damage);
		}
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
			// ImageJ's decoders fail on corrupt data with raw exceptions (a NullPointerException's text, an index):
			// their text means nothing to a user, so only an I/O error's own words are kept
			String said = e instanceof java.io.IOException ? readable(e.getMessage()) : "";
			throw new UnreadableImageException("ImageJ could not decode this " + header.format() + ": "
				+ (said.isEmpty() ? CORRUPT : said));
		}
		ImagePlus imp = opened.value();
		if (imp == null || imp.getWidth() == 0 || imp.getStackSize() == 0) {
			String said = readable(opened.printed());
			throw new UnreadableImageException("ImageJ could not read this " + header.format()
				+ (said.isEmpty() ? " (it gave no reason; " + CORRUPT + ")" : ": " + said));
		}
		return imp;
	}

	private static final String CORRUPT = "the file is corrupt or uses a variant ImageJ does not read";
	/** A Java type name such as {@code java.lang.NullPointerException} or {@code IIOException}. */
	private static final java.util.regex.Pattern EXCEPTION_NAME =
		java.util.regex.Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

	/** A decoder's text without Java type names and stack frames; empty when nothing readable is left. */
	static String readable(String text) {
		if (text == null) return "";
		String s = text.replaceAll("\\s*at [\\w$.]+\\([^)]*\\);?", "");
		s = EXCEPTION_NAME.matcher(s).replaceAll("").trim();
		if (s.startsWith(";")) s = s.substring(1).trim();
		// what is left of a raw exception (a null pointer's or an index's text) says nothing to a user
		if (s.isEmpty() || s.contains("because \"") || s.matches("(?i).*-?\\d+ out of bounds.*")
			|| s.matches("-?\\d+")) return "";
		return s;
	}
}
