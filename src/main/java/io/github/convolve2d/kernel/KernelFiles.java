package io.github.convolve2d.kernel;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Kernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes kernel text files in ImageJ's format (rows on lines, values separated by spaces), the
 * files ImageJ's Convolve… dialog opens and saves. Reading names the file in every error; writing goes
 * through a temporary file renamed into place, so a failed save never leaves half a kernel behind.
 */
public final class KernelFiles {

	private KernelFiles() {
	}

	/**
	 * Reads a kernel file; the kernel is named after the file (without extension).
	 *
	 * @throws UserException when the file cannot be read or does not hold a valid kernel
	 */
	public static Kernel read(Path file) {
		// 10 MB: far more than any kernel, little enough to refuse an image picked by mistake
		byte[] bytes = FileBytes.read(file, "kernel file", 10L << 20);
		checkText(file, bytes);
		String text = FileBytes.text(bytes);
		String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
		try {
			return KernelParser.parse(text, name);
		}
		catch (UserException e) {
			throw new UserException("kernel file '" + file + "': " + e.getMessage(), e);
		}
	}

	/**
	 * A NumPy array or an image picked by mistake would be quoted as garbage that "is not a number"; a zero byte
	 * never occurs in kernel text (UTF-16 text, which has them, starts with a byte-order mark).
	 */
	private static void checkText(Path file, byte[] bytes) {
		String example = "'0 1 0; 1 -4 1; 0 1 0'";
		if (bytes.length >= 6 && bytes[0] == (byte) 0x93
			&& new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY"))
		{
			throw new UserException("kernel file '" + file + "' is a NumPy .npy file, not kernel text; give a .npy"
				+ " kernel as layer weights (batch --weights, or Convolve 2D layer...), or save it as text rows such as "
				+ example);
		}
		if (FileBytes.isUtf16(bytes)) return;
		for (byte b : bytes) {
			if (b == 0) {
				throw new UserException("kernel file '" + file + "' is not a text file; a kernel file holds rows of"
					+ " numbers such as " + example);
			}
		}
	}

	/**
	 * Writes a kernel in ImageJ's text format, atomically where the file system allows.
	 *
	 * @throws IOException when the file cannot be written; an existing file is then left as it was
	 */
	public static void write(Kernel kernel, Path file) throws IOException {
		Path dir = file.toAbsolutePath().getParent();
		// a new file (not Files.createTempFile, which is private to its owner) gets the usual permissions
		Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
		try {
			Files.write(tmp, kernel.toText().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
				StandardOpenOption.WRITE);
			try {
				Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (java.nio.file.AtomicMoveNotSupportedException e) {
				Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}
}
