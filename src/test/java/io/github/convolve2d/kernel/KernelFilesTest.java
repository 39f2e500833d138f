package io.github.convolve2d.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.UserException;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel files in ImageJ's text format: written atomically, read back with the file's name, errors name the file. */
class KernelFilesTest {

	@Test
	void kernelFilesRoundTripInImageJFormat(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("edges.txt");
		Kernel k = Kernel.of("any", new double[][] { { -1, 0, 1 }, { -2, 0.5, 2 } });
		KernelFiles.write(k, file);
		assertEquals("-1 0 1\n-2 0.5 2\n", new String(Files.readAllBytes(file), "UTF-8"));
		Kernel back = KernelFiles.read(file);
		assertEquals("edges", back.name());
		assertArrayEquals(k.toRows(), back.toRows());
		try (java.util.stream.Stream<Path> left = Files.list(dir)) {
			assertEquals(1, left.count(), "no temporary file left behind");
		}
		if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			Path plain = Files.write(dir.resolve("plain.txt"), new byte[0]);
			assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
				"a saved kernel gets the permissions of any new file, not owner-only ones");
		}
	}

	/** Some Windows editors start a UTF-8 file with an invisible byte-order mark; it is not part of the kernel. */
	@Test
	void aByteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("bom.txt");
		Files.write(file, "\uFEFF1 2\n3 4\n".getBytes("UTF-8"));
		assertArrayEquals(new double[][] { { 1, 2 }, { 3, 4 } }, KernelFiles.read(file).toRows());
	}

	/** Windows Notepad's "Unicode" is UTF-16 with a byte-order mark; it was read as UTF-8 and its zero bytes quoted. */
	@Test
	void utf16FilesWithAByteOrderMarkAreRead(@TempDir Path dir) throws Exception {
		Path little = dir.resolve("le.txt");
		Files.write(little, "\uFEFF1 2\r\n3 -4\r\n".getBytes("UTF-16LE"));
		assertArrayEquals(new double[][] { { 1, 2 }, { 3, -4 } }, KernelFiles.read(little).toRows());
		Path big = dir.resolve("be.txt");
		Files.write(big, "\uFEFF1 2\n3 -4\n".getBytes("UTF-16BE"));
		assertArrayEquals(new double[][] { { 1, 2 }, { 3, -4 } }, KernelFiles.read(big).toRows());
	}

	/** A NumPy array or an image picked as a kernel file was quoted as garbage "not a number". */
	@Test
	void aBinaryFileIsNamedAsSuch(@TempDir Path dir) throws Exception {
		Path npy = dir.resolve("k.npy");
		Files.write(npy, "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f4'".getBytes("ISO-8859-1"));
		assertEquals("kernel file '" + npy + "' is a NumPy .npy file, not kernel text; give a .npy kernel as layer weights"
			+ " (batch --weights, or Convolve 2D layer...), or save it as text rows such as '0 1 0; 1 -4 1; 0 1 0'",
			assertThrows(UserException.class, () -> KernelFiles.read(npy)).getMessage());
		Path tif = dir.resolve("cell.tif");
		Files.write(tif, new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0 });
		assertEquals("kernel file '" + tif + "' is not a text file; a kernel file holds rows of numbers such as"
			+ " '0 1 0; 1 -4 1; 0 1 0'", assertThrows(UserException.class, () -> KernelFiles.read(tif)).getMessage());
	}

	@Test
	void kernelFileErrorsNameTheFile(@TempDir Path dir) throws Exception {
		Path missing = dir.resolve("nope.txt");
		assertEquals("cannot read kernel file '" + missing + "': no such file",
			assertThrows(UserException.class, () -> KernelFiles.read(missing)).getMessage());
		Path bad = dir.resolve("bad.txt");
		Files.write(bad, "1 2\n3 four\n".getBytes("UTF-8"));
		assertEquals("kernel file '" + bad + "': kernel row 2, column 2: 'four' is not a number; write values like -1,"
			+ " 0.25, 1e-3 or 1/9", assertThrows(UserException.class, () -> KernelFiles.read(bad)).getMessage());
	}
}
