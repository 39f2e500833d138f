package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Arrays of half a G1 region or more take whole regions; memory checks count them so. */
class HeapRegionsTest {

	private static final long MB = 1 << 20;

	@Test
	void anArrayOfHalfARegionOrMoreTakesWholeRegions() {
		assertEquals(5 * MB, HeapRegions.arrayBytes(4 * MB, MB), "a 1024² float plane in 1 MB regions (-Xmx below 4g)");
		assertEquals(8 * MB, HeapRegions.arrayBytes(4 * MB, 4 * MB), "a 1024² float plane in 4 MB regions (-Xmx8g)");
		assertEquals(2 * MB, HeapRegions.arrayBytes(MB, MB), "a 512² float plane and its header in 1 MB regions");
		assertEquals(MB, HeapRegions.arrayBytes(MB / 2, MB), "half a region with its header: one region");
		assertEquals(1000, HeapRegions.arrayBytes(1000, MB), "a small array shares a region");
		assertEquals(4 * MB, HeapRegions.arrayBytes(4 * MB, 0), "another collector: its size");
	}
}
