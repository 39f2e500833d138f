package io.github.convolve2d.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Short, user-facing descriptions of I/O errors ("permission denied" rather than an exception class name). */
public final class IoMessages {

	private IoMessages() {
	}

	/**
	 * A failure of a rename to {@code file} (e.g. {@code File name too long}) as that file's: the system names the
	 * source, a hidden temporary file, which means nothing to a user and whose name is not the one at fault.
	 * Failures that name their file themselves (no such file, permission denied) are returned as they are.
	 */
	public static FileSystemException naming(FileSystemException e, Path file) {
		if (e.getClass() != FileSystemException.class || e.getReason() == null) return e;
		return new FileSystemException(file.toString(), null, e.getReason());
	}

	public static String describe(IOException e) {
		if (e instanceof NoSuchFileException) return "no such file or folder: " + ((NoSuchFileException) e).getFile();
		if (e instanceof AccessDeniedException) return "permission denied: " + ((AccessDeniedException) e).getFile();
		if (e instanceof FileAlreadyExistsException) {
			return "a file is in the way: " + ((FileAlreadyExistsException) e).getFile();
		}
		if (e instanceof NotDirectoryException) return "not a folder: " + ((NotDirectoryException) e).getFile();
		if (e instanceof DirectoryNotEmptyException) {
			return "a folder that should be empty is not (something wrote into it meanwhile): "
				+ ((DirectoryNotEmptyException) e).getFile();
		}
		if (e instanceof FileSystemException) {
			FileSystemException f = (FileSystemException) e;
			String reason = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
			return reason + (f.getFile() != null ? ": " + f.getFile() : "");
		}
		return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
	}
}
