package io.github.convolve2d.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The kernel value type: immutability, flip, normalisation, validation, files. */
class KernelTest {

	@Test
	void isImmutable() {
		double[][] rows = { { 1, 2 }, { 3, 4 } };
		Kernel k = Kernel.of("k", rows);
		rows[0][0] = 99;
		k.toRows()[0][1] = 99;
		k.values()[3] = 99;
		assertArrayEquals(new double[][] { { 1, 2 }, { 3, 4 } }, k.toRows());
	}

	@Test
	void flipRotatesBy180Degrees() {
		Kernel k = Kernel.of("k", new double[][] { { 1, 2, 3 }, { 4, 5, 6 } });
		assertArrayEquals(new double[][] { { 6, 5, 4 }, { 3, 2, 1 } }, k.flipped().toRows());
	}

	@Test
	void normalizeDividesBySumUnlessZeroSum() {
		assertArrayEquals(new double[][] { { 0.25, 0.75 } }, Kernel.of("k", new double[][] { { 1, 3 } }).normalized().toRows());
		Kernel edge = Kernel.of("k", new double[][] { { -0.1, 0.2, -0.1 } }); // sums to ~1e-17 in floating point
		assertSame(edge, edge.normalized());
	}

	@Test
	void rejectsRaggedEmptyAndNonFinite() {
		assertEquals("kernel row 2 has 1 value but row 1 has 2; every row needs 2 values",
			assertThrows(IllegalArgumentException.class, () -> Kernel.of("k", new double[][] { { 1, 2 }, { 3 } })).getMessage());
		assertEquals("the kernel is empty; give at least one row of numbers",
			assertThrows(IllegalArgumentException.class, () -> Kernel.of("k", new double[0][])).getMessage());
		assertEquals("kernel value at row 1, column 2 is Infinity; kernel values must be finite numbers",
			assertThrows(IllegalArgumentException.class,
				() -> Kernel.of("k", new double[][] { { 1, Double.POSITIVE_INFINITY } })).getMessage());
	}

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

	@Test
	void kernelFileErrorsNameTheFile(@TempDir Path dir) throws Exception {
		Path missing = dir.resolve("nope.txt");
		assertEquals("cannot read kernel file '" + missing + "': no such file",
			assertThrows(IllegalArgumentException.class, () -> KernelFiles.read(missing)).getMessage());
		Path bad = dir.resolve("bad.txt");
		Files.write(bad, "1 2\n3 four\n".getBytes("UTF-8"));
		assertEquals("kernel file '" + bad + "': kernel row 2, column 2: 'four' is not a number; write values like -1,"
			+ " 0.25 or 1e-3", assertThrows(IllegalArgumentException.class, () -> KernelFiles.read(bad)).getMessage());
	}
}
