package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Grids at the edge of Java's ints: blocks are numbered by {@code int}, so a grid of more than 2^31 - 1 blocks is
 * refused with what to change when it is made (not an overflow or an ArithmeticException later), and one up to the
 * limit, or over an image nearly 2^31 pixels wide, counts and places its blocks exactly.
 */
class BlockGridTest {

	private static final List<Kernel> ONE = List.of(Kernel.of("one", 1, 1, new double[] { 1 }));
	private static final List<Kernel> BOX3 = List.of(Kernel.of("box", 3, 3, new double[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }));
	private static final ConvolutionOptions SAME = ConvolutionOptions.builder().mode(Mode.SAME).build();

	@Test
	void moreBlocksThanAnIntCountsAreRefusedWhenTheGridIsMade() {
		// 46341² = 2,147,488,281 blocks of one pixel: just over 2^31 - 1
		UserException e = assertThrows(UserException.class, () -> BlockGrid.of(46341, 46341, ONE, SAME, 1, 1));
		assertTrue(e.getMessage().contains("2,147,488,281 blocks") && e.getMessage().contains("--block"), e.getMessage());
		UserException huge = assertThrows(UserException.class,
			() -> BlockGrid.of(Integer.MAX_VALUE, Integer.MAX_VALUE, BOX3, SAME, 16, 16));
		assertTrue(huge.getMessage().contains("more than the 2,147,483,647"), huge.getMessage());
	}

	@Test
	void aGridOfExactlyTheLimitIsCountedAndPlacedExactly() {
		BlockGrid g = BlockGrid.of(Integer.MAX_VALUE, 1, ONE, SAME, 1, 1);
		assertEquals(Integer.MAX_VALUE, g.blocks());
		Region last = g.region(g.blocks() - 1);
		assertEquals(Integer.MAX_VALUE - 1, last.x());
		assertEquals(1, last.width());
	}

	@Test
	void blocksAcrossAnImageNearlyTwoBillionPixelsWideDoNotOverflow() {
		// rounding up (width + block - 1) / block overflowed an int for such a width
		BlockGrid g = BlockGrid.of(Integer.MAX_VALUE, 3, BOX3, SAME, 1024, 1024);
		assertEquals(2097152, g.columns());
		assertEquals(1, g.rows());
		Region last = g.region(g.blocks() - 1);
		assertEquals(2097151 * 1024, last.x());
		assertEquals(Integer.MAX_VALUE - 2097151 * 1024, last.width());
		BlockGrid.Window w = g.window(g.blocks() - 1);
		assertEquals(2097151 * 1024 - 1, w.x());
		assertEquals(last.width() + 2, w.width());
	}
}
