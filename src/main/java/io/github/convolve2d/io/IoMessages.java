package io.github.convolve2d.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Short, user-facing descriptions of I/O errors ("permission denied" rather than an exception class name). */
public final class IoMessages {

	private IoMessages() {
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
