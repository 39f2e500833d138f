package io.github.convolve2d.core;

import java.io.IOException;
import java.util.List;

/**
 * Receives the blockwise engine's output block by block ({@link BlockwiseConvolution}); a file format writes
 * each block as it comes, so the whole result is never in memory. Calls may come from several threads at once,
 * for different blocks.
 */
public interface BlockSink {

	/**
	 * Stores block {@code index} of the grid: {@code maps} holds one plane per kernel, in the bank's order, each the
	 * crop {@code region} of that kernel's feature map.
	 *
	 * @throws IOException when the block cannot be written
	 */
	void write(int index, Region region, List<Plane> maps) throws IOException;

	/**
	 * Whether block {@code index} is already stored whole (from an earlier, interrupted run), so that it need not
	 * be computed again. The default: never.
	 *
	 * @throws IOException when this cannot be found out
	 */
	default boolean has(int index) throws IOException {
		return false;
	}
}
