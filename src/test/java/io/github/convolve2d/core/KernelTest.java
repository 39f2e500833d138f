package io.github.convolve2d.core;

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
}
