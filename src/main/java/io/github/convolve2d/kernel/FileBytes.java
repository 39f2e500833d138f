package io.github.convolve2d.kernel;

import io.github.convolve2d.core.UserException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the small files of this package (kernels, weights, names) with one wording of what went wrong, and turns
 * the bytes of a text file into text as every reader here (and the {@code json} command) does.
 */
public final class FileBytes {

	private FileBytes() {
	}

	/**
	 * Bytes as UTF-8 text, without the byte-order mark that some Windows editors put first (it is invisible); text
	 * that starts with a UTF-16 byte-order mark (Windows Notepad's "Unicode") as UTF-16.
	 */
	public static String text(byte[] bytes) {
		// UTF_16 reads the mark for the byte order and drops it
		if (isUtf16(bytes)) return new String(bytes, java.nio.charset.StandardCharsets.UTF_16);
		String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

	/** Whether the bytes start with a UTF-16 byte-order mark, either byte order. */
	static boolean isUtf16(byte[] bytes) {
		return bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
			|| (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF));
	}

	/**
	 * The bytes of {@code file}.
	 *
	 * @param kind what the file is, for the message, e.g. {@code "kernel file"}
	 * @throws UserException {@code cannot read kernel file 'x': no such file} and the like
	 */
	static byte[] read(Path file, String kind, long maxBytes) {
		try {
			if (Files.isDirectory(file)) throw new IOException("it is a folder");
			if (Files.size(file) > maxBytes) {
				throw new IOException("it is larger than " + (maxBytes >> 20) + " MB, not a " + kind);
			}
			return Files.readAllBytes(file);
		}
		catch (NoSuchFileException e) {
			throw new UserException("cannot read " + kind + " '" + file + "': no such file");
		}
		catch (AccessDeniedException e) {
			throw new UserException("cannot read " + kind + " '" + file + "': permission denied");
		}
		catch (IOException e) {
			throw new UserException("cannot read " + kind + " '" + file + "': " + e.getMessage());
		}
	}
}
