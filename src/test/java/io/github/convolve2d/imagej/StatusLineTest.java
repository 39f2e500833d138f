package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The status-bar line: the computation's time and rate in source pixels per second. */
class StatusLineTest {

	@Test
	void timeAndRateOfTheComputation() {
		assertEquals("Convolve 2D: 0.125 seconds, 512×512, 2.1 million pixels/second",
			StatusLine.of(125_000_000L, 1, 512, 512));
		assertEquals("Convolve 2D: 12.5 seconds, 3 planes of 100×50, 1200 pixels/second",
			StatusLine.of(12_500_000_000L, 3, 100, 50));
	}
}
