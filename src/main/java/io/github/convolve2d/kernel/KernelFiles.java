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
		String text = FileBytes.text(FileBytes.read(file, "kernel file", 10L << 20));
		String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
		try {
			return KernelParser.parse(text, name);
		}
		catch (UserException e) {
			throw new UserException("kernel file '" + file + "': " + e.getMessage(), e);
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
