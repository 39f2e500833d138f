package io.github.convolve2d.batch;

import io.github.convolve2d.io.IoMessages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The image formats the batch reads with ImageJ (TIFF, PNG, JPEG, GIF, BMP; BigTIFF and tiled TIFF, which ImageJ does
 * not read, with this project's own TIFF reader), recognised by their first bytes
 * ("magic numbers"), never by the file name: a text file named {@code .png} is reported as what it is instead of
 * being handed to a decoder that fails without saying why. Only regular files are opened: a named pipe or a
 * device given as input is refused, never read (reading it would block).
 */
public enum ImageFormat {
	TIFF, PNG, JPEG, GIF, BMP;

	/** File name extensions (lower case) that a folder scan picks up when no {@code --include} is given. */
	public static final List<String> EXTENSIONS =
		Arrays.asList("tif", "tiff", "png", "jpg", "jpeg", "gif", "bmp");

	/**
	 * The format of a file from its first bytes.
	 *
	 * @throws UnreadableImageException when the file is empty, not readable or none of the formats
	 */
	public static ImageFormat of(Path file) throws UnreadableImageException {
		if (!Files.isRegularFile(file)) {
			// a named pipe or a device would block or never end: never opened
			throw new UnreadableImageException(Files.isDirectory(file) ? "it is a folder, not an image file"
				: Files.exists(file) ? "not a regular file (a named pipe, socket or device); only regular files are read"
				: "no such file (it was moved or deleted, or its name cannot be read in this system's encoding)");
		}
		byte[] head = new byte[8];
		int n;
		try (InputStream in = Files.newInputStream(file)) {
			n = in.readNBytes(head, 0, head.length);
		}
		catch (IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
		if (n == 0) throw new UnreadableImageException("the file is empty");
		ImageFormat f = of(head, n);
		if (f == null) {
			throw new UnreadableImageException("not an image in a format the batch reads (TIFF, PNG, JPEG, GIF, BMP): "
				+ "its first bytes match none of them" + (looksLikeText(head, n) ? " (it looks like text)" : ""));
		}
		return f;
	}

	static ImageFormat of(byte[] b, int n) {
		int b0 = n > 0 ? b[0] & 255 : -1, b1 = n > 1 ? b[1] & 255 : -1, b2 = n > 2 ? b[2] & 255 : -1,
			b3 = n > 3 ? b[3] & 255 : -1;
		// classic TIFF (42) and BigTIFF (43)
		if (b0 == 'I' && b1 == 'I' && (b2 == 42 || b2 == 43) && b3 == 0) return TIFF;
		if (b0 == 'M' && b1 == 'M' && b2 == 0 && (b3 == 42 || b3 == 43)) return TIFF;
		if (b0 == 137 && b1 == 'P' && b2 == 'N' && b3 == 'G') return PNG;
		if (b0 == 255 && b1 == 216 && b2 == 255) return JPEG;
		if (b0 == 'G' && b1 == 'I' && b2 == 'F' && b3 == '8') return GIF;
		if (b0 == 'B' && b1 == 'M' && n >= 6) return BMP;
		return null;
	}

	private static boolean looksLikeText(byte[] b, int n) {
		for (int i = 0; i < n; i++) {
			int c = b[i] & 255;
			if ((c < 32 && c != 9 && c != 10 && c != 13) || c > 126) return false;
		}
		return true;
	}

	/** True when the file name ends in one of {@link #EXTENSIONS}, ignoring case. */
	public static boolean hasImageExtension(String fileName) {
		int dot = fileName.lastIndexOf('.');
		return dot > 0 && EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
	}
}
