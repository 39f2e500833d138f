package io.github.convolve2d.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The output of a convolution cut into a grid of blocks, and for each block the input window it reads: the block
 * grown by the kernel's reach (its dilated extent, placed by the mode's anchor and spread by the stride). A
 * window may reach past the image; the engine makes up those pixels with the border rule, exactly as the whole
 * image's convolution does, so each block is the crop of the whole result.
 * <p>
 * A grid is a value computed from the image size, the kernels' sizes, the options and the block size alone, so a
 * block can be computed anywhere (another thread, another machine) from its index:
 * {@link BlockwiseConvolution#block(PlaneSource, List, ConvolutionOptions, BlockGrid, int)}. Blocks are numbered
 * row by row from the top left; all are {@code blockWidth × blockHeight} output pixels except those of the last
 * column and row, which hold the rest.
 */
public final class BlockGrid {

	/** A rectangle of input pixels in the coordinates of the whole image; it may reach past the image's edges. */
	public static final class Window {
		private final int x, y, width, height;

		Window(int x, int y, int width, int height) {
			this.x = x;
			this.y = y;
			this.width = width;
			this.height = height;
		}

		/** First input column (negative when the window starts left of the image). */
		public int x() { return x; }
		/** First input row (negative when the window starts above the image). */
		public int y() { return y; }
		public int width() { return width; }
		public int height() { return height; }

		@Override
		public String toString() {
			return width + "×" + height + " at " + x + "," + y;
		}
	}

	private final int imageWidth, imageHeight;
	private final List<ConvolutionGeometry> geometries;
	private final int outputWidth, outputHeight;
	private final int blockWidth, blockHeight;
	private final int columns, rows;

	private BlockGrid(int imageWidth, int imageHeight, List<ConvolutionGeometry> geometries, int blockWidth,
		int blockHeight)
	{
		this.imageWidth = imageWidth;
		this.imageHeight = imageHeight;
		this.geometries = geometries;
		this.outputWidth = geometries.get(0).outputWidth();
		this.outputHeight = geometries.get(0).outputHeight();
		this.blockWidth = Math.min(blockWidth, outputWidth);
		this.blockHeight = Math.min(blockHeight, outputHeight);
		// in long: an output near 2^31 pixels across would overflow the rounding up
		this.columns = (int) ((outputWidth + (long) this.blockWidth - 1) / this.blockWidth);
		this.rows = (int) ((outputHeight + (long) this.blockHeight - 1) / this.blockHeight);
	}

	/**
	 * The grid of {@code blockWidth × blockHeight} output blocks for convolving an image of this size with a bank.
	 *
	 * @throws UserException for an empty bank, a block size under 1, a kernel larger than the image in valid mode,
	 *         kernels whose feature maps differ in size (different kernel sizes outside {@code same} mode), or more
	 *         than {@link #MAX_BLOCKS} blocks
	 */
	public static BlockGrid of(int imageWidth, int imageHeight, List<Kernel> kernels, ConvolutionOptions options,
		int blockWidth, int blockHeight)
	{
		ConvolutionGeometry.checkOneFeatureMapSize(kernels, options);
		if (blockWidth < 1 || blockHeight < 1) {
			throw new UserException("a block must be at least 1×1 output pixels, got " + blockWidth + "×" + blockHeight);
		}
		if (imageWidth < 1 || imageHeight < 1) {
			throw new UserException("an image must be at least 1×1 pixel, got " + imageWidth + "×" + imageHeight);
		}
		List<ConvolutionGeometry> gs = new ArrayList<>();
		for (Kernel k : kernels) {
			ConvolutionGeometry g = ConvolutionGeometry.of(imageWidth, imageHeight, k.width(), k.height(), options);
			gs.add(g);
		}
		BlockGrid grid = new BlockGrid(imageWidth, imageHeight, Collections.unmodifiableList(gs), blockWidth, blockHeight);
		long blocks = (long) grid.columns * grid.rows;
		if (blocks > MAX_BLOCKS) {
			throw new UserException(String.format(java.util.Locale.ROOT, "an output of %,d×%,d pixels in blocks of %,d×%,d "
				+ "is %,d×%,d = %,d blocks, more than the %,d (2^31 - 1) a grid may hold; use larger blocks (--block)",
				grid.outputWidth, grid.outputHeight, grid.blockWidth, grid.blockHeight, grid.columns, grid.rows, blocks,
				MAX_BLOCKS));
		}
		return grid;
	}

	/** The most blocks a grid holds: blocks are numbered by {@code int}. */
	public static final long MAX_BLOCKS = Integer.MAX_VALUE;

	/**
	 * The grid of output blocks for a convolution layer on images of this size: every kernel of a layer has one
	 * size, so its one geometry is the layer's ({@link #kernels()} is 1).
	 *
	 * @throws UserException as {@link #of}
	 */
	public static BlockGrid forLayer(int imageWidth, int imageHeight, LayerWeights weights, ConvolutionOptions options,
		int blockWidth, int blockHeight)
	{
		return of(imageWidth, imageHeight, Collections.singletonList(weights.kernel(0, 0)), options, blockWidth,
			blockHeight);
	}

	public int imageWidth() { return imageWidth; }
	public int imageHeight() { return imageHeight; }
	/** Columns of every kernel's feature map. */
	public int outputWidth() { return outputWidth; }
	/** Rows of every kernel's feature map. */
	public int outputHeight() { return outputHeight; }
	/** Output columns of a block (all but the last column of blocks). */
	public int blockWidth() { return blockWidth; }
	/** Output rows of a block (all but the last row of blocks). */
	public int blockHeight() { return blockHeight; }
	/** Blocks across. */
	public int columns() { return columns; }
	/** Blocks down. */
	public int rows() { return rows; }

	/** Number of blocks. */
	public int blocks() {
		return columns * rows; // at most MAX_BLOCKS, checked when the grid is made
	}

	/** The geometry of the whole convolution with kernel {@code k} of the bank. */
	public ConvolutionGeometry geometry(int k) {
		return geometries.get(k);
	}

	/** Number of kernels in the bank. */
	public int kernels() {
		return geometries.size();
	}

	/** The output pixels of block {@code index}. */
	public Region region(int index) {
		if (index < 0 || index >= blocks()) {
			throw new IndexOutOfBoundsException("block " + index + " of " + blocks());
		}
		int bx = index % columns, by = index / columns;
		int x = bx * blockWidth, y = by * blockHeight;
		return Region.of(x, y, Math.min(blockWidth, outputWidth - x), Math.min(blockHeight, outputHeight - y));
	}

	/** The input pixels kernel {@code k} reads for {@code region}: output (r, c) reads window rows r*sy + i*dy. */
	Window window(int k, Region region) {
		ConvolutionGeometry g = geometries.get(k).region(region);
		int sx = g.strideX(), sy = g.strideY();
		return new Window(-g.anchorX(), -g.anchorY(), Math.toIntExact((region.width() - 1L) * sx + g.extentX()),
			Math.toIntExact((region.height() - 1L) * sy + g.extentY()));
	}

	/** The input window block {@code index} reads: the union of every kernel's (they differ for mixed sizes). */
	public Window window(int index) {
		Region r = region(index);
		long x0 = Long.MAX_VALUE, y0 = Long.MAX_VALUE, x1 = Long.MIN_VALUE, y1 = Long.MIN_VALUE;
		for (int k = 0; k < geometries.size(); k++) {
			Window w = window(k, r);
			x0 = Math.min(x0, w.x);
			y0 = Math.min(y0, w.y);
			x1 = Math.max(x1, (long) w.x + w.width);
			y1 = Math.max(y1, (long) w.y + w.height);
		}
		return new Window((int) x0, (int) y0, Math.toIntExact(x1 - x0), Math.toIntExact(y1 - y0));
	}
}
