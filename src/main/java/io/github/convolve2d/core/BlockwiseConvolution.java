package io.github.convolve2d.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Convolves an image that need not fit in memory, block by block: the output is cut into a {@link BlockGrid}, and
 * each block is computed from its input window (the block grown by the kernel's reach), read from a
 * {@link PlaneSource} and made up past the image's edges with the border rule. The window is then convolved in
 * {@code valid} mode by {@link Convolution}, which reads the same values in the same order as the whole image's
 * convolution, so a block equals the crop of the whole result: bit for bit on the direct and separable paths, and
 * within SEMANTICS.md's bound when the cost model picks the FFT path (it chooses for the window's size).
 * <p>
 * Memory: a block needs its window (about {@code (blockWidth·sx + extentX) × (blockHeight·sy + extentY)} floats),
 * at most as much again while reading a window that reaches past the edge, and its output planes; at most
 * {@code threads} blocks are in flight. Nothing depends on the image's size, and nothing on the dilation: a window
 * larger than the image is never made (the block is computed from the image itself).
 *
 * <pre>{@code
 * BlockGrid grid = BlockGrid.of(source.width(), source.height(), kernels, options, 1024, 1024);
 * BlockwiseConvolution.run(source, kernels, options, grid, sink, ProgressListener.NONE);
 * }</pre>
 */
public final class BlockwiseConvolution {

	private BlockwiseConvolution() {
	}

	/**
	 * Computes block {@code index} of {@code grid} alone: one plane per kernel, each the block's region of that
	 * kernel's feature map. All a remote worker needs is the source, the kernels, the options and the index.
	 *
	 * @param options as for the whole image; its thread count is used inside the block
	 * @throws IOException when the source cannot be read
	 * @throws UserException when the grid was made for another image size
	 */
	public static List<Plane> block(PlaneSource source, List<Kernel> kernels, ConvolutionOptions options,
		BlockGrid grid, int index) throws IOException
	{
		Objects.requireNonNull(source, "source");
		if (source.width() != grid.imageWidth() || source.height() != grid.imageHeight()
			|| kernels.size() != grid.kernels())
		{
			throw new UserException("the block grid was made for a " + grid.imageWidth() + "×" + grid.imageHeight()
				+ " image and " + grid.kernels() + " kernel(s), not for this " + source.width() + "×" + source.height()
				+ " image and " + kernels.size() + " kernel(s)");
		}
		Region region = grid.region(index);
		BlockGrid.Window all = grid.window(index);
		long imagePixels = (long) source.width() * source.height();
		if ((long) all.width() * all.height() > imagePixels) return fromWholeImage(source, kernels, options, region);
		Plane window = BlockWindow.read(source, all, options.border(), options.cval());
		ConvolutionOptions valid = options.toBuilder().mode(Mode.VALID).build();
		Plane[] maps = new Plane[kernels.size()];
		boolean[] done = new boolean[kernels.size()];
		for (int k = 0; k < kernels.size(); k++) {
			if (done[k]) continue;
			// kernels of one size read one window: convolve them together (a bank shares the FFT of its tiles)
			BlockGrid.Window w = grid.window(k, region);
			List<Integer> group = new ArrayList<>();
			List<Kernel> bank = new ArrayList<>();
			for (int q = k; q < kernels.size(); q++) {
				BlockGrid.Window v = grid.window(q, region);
				if (!done[q] && v.x() == w.x() && v.y() == w.y() && v.width() == w.width() && v.height() == w.height()) {
					group.add(q);
					bank.add(kernels.get(q));
					done[q] = true;
				}
			}
			Plane part = crop(window, w.x() - all.x(), w.y() - all.y(), w.width(), w.height());
			List<Plane> out = Convolution.convolve(part, bank, valid, ProgressListener.NONE);
			for (int n = 0; n < group.size(); n++) maps[group.get(n)] = out.get(n);
		}
		List<Plane> result = new ArrayList<>();
		for (Plane p : maps) result.add(p);
		return result;
	}

	/**
	 * The heap computing one block of {@code grid} may take besides its input window and feature maps, on
	 * {@code options.threads()} threads: {@link Convolution#workingBytes} of the largest window it convolves (a block
	 * convolves its windows one after another, kernels of one window as one bank); for budgets such as the blockwise
	 * job's. Block 0 is a full block wherever the image holds one.
	 */
	public static long blockWorkingBytes(List<Kernel> kernels, ConvolutionOptions options, BlockGrid grid) {
		Region region = grid.region(0);
		BlockGrid.Window all = grid.window(0);
		if ((long) all.width() * all.height() > (long) grid.imageWidth() * grid.imageHeight()) {
			return Convolution.workingBytes(grid.imageWidth(), grid.imageHeight(), kernels, options);
		}
		ConvolutionOptions valid = options.toBuilder().mode(Mode.VALID).build();
		java.util.Map<List<Integer>, List<Kernel>> banks = new java.util.LinkedHashMap<>();
		for (int k = 0; k < kernels.size(); k++) {
			BlockGrid.Window w = grid.window(k, region);
			banks.computeIfAbsent(List.of(w.x(), w.y(), w.width(), w.height()), key -> new ArrayList<>())
				.add(kernels.get(k));
		}
		long most = 0;
		for (java.util.Map.Entry<List<Integer>, List<Kernel>> bank : banks.entrySet()) {
			List<Integer> w = bank.getKey();
			most = Math.max(most, Convolution.workingBytes(w.get(2), w.get(3), bank.getValue(), valid));
		}
		return most;
	}

	/** {@link #blockWorkingBytes} for a convolution layer's blocks ({@link #layerBlock}). */
	public static long layerBlockWorkingBytes(LayerWeights weights, ConvolutionOptions options, BlockGrid grid) {
		BlockGrid.Window window = grid.window(0);
		if ((long) window.width() * window.height() > (long) grid.imageWidth() * grid.imageHeight()) {
			return ConvolutionLayer.workingBytes(grid.imageWidth(), grid.imageHeight(), weights, options);
		}
		return ConvolutionLayer.workingBytes(window.width(), window.height(), weights,
			options.toBuilder().mode(Mode.VALID).build());
	}

	/**
	 * Computes every block of {@code grid} that the sink does not already hold and hands each to the sink. Up to
	 * {@code options.threads()} blocks are computed at once, one thread each (all threads inside a block when
	 * there are fewer blocks than threads). The listener counts blocks and may cancel between them.
	 *
	 * @throws IOException when the source cannot be read or the sink cannot write; blocks already written stay
	 * @throws java.util.concurrent.CancellationException when the listener cancelled
	 */
	public static void run(PlaneSource source, List<Kernel> kernels, ConvolutionOptions options, BlockGrid grid,
		BlockSink sink, ProgressListener listener) throws IOException
	{
		runBlocks(options, grid, sink, listener, (inner, index) -> block(source, kernels, inner, grid, index));
	}

	/**
	 * Computes block {@code index} of {@code grid} (made by {@link BlockGrid#forLayer}) of a convolution layer
	 * alone: its {@code O} feature maps, bias and activation applied, each the block's region of the whole
	 * layer's map ({@link ConvolutionLayer}), bit for bit on the direct path.
	 *
	 * @param channels the layer's input channels, one source each, all of one size
	 * @throws IOException when a source cannot be read
	 * @throws UserException when the grid was made for another image size, or the channels do not fit the weights
	 */
	public static List<Plane> layerBlock(List<PlaneSource> channels, LayerWeights weights, Activation activation,
		ConvolutionOptions options, BlockGrid grid, int index) throws IOException
	{
		weights.checkChannels(channels.size());
		for (PlaneSource source : channels) {
			if (source.width() != grid.imageWidth() || source.height() != grid.imageHeight()) {
				throw new UserException("the block grid was made for a " + grid.imageWidth() + "×" + grid.imageHeight()
					+ " image, not for this " + source.width() + "×" + source.height() + " one");
			}
		}
		Region region = grid.region(index);
		BlockGrid.Window window = grid.window(index);
		List<Plane> in = new ArrayList<>();
		if ((long) window.width() * window.height() > (long) grid.imageWidth() * grid.imageHeight()) {
			for (PlaneSource source : channels) in.add(whole(source));
			return ConvolutionLayer.convolve(in, weights, options, activation, region, ProgressListener.NONE);
		}
		for (PlaneSource source : channels) in.add(BlockWindow.read(source, window, options.border(), options.cval()));
		return ConvolutionLayer.convolve(in, weights, options.toBuilder().mode(Mode.VALID).build(), activation, null,
			ProgressListener.NONE);
	}

	/**
	 * Computes every block of a convolution layer's feature maps that the sink does not already hold, as
	 * {@link #run} does for kernels; the sink gets the layer's {@code O} maps of each block.
	 */
	public static void runLayer(List<PlaneSource> channels, LayerWeights weights, Activation activation,
		ConvolutionOptions options, BlockGrid grid, BlockSink sink, ProgressListener listener) throws IOException
	{
		runBlocks(options, grid, sink, listener,
			(inner, index) -> layerBlock(channels, weights, activation, inner, grid, index));
	}

	/** One block's feature maps, computed with {@code options}. */
	private interface BlockMaps {
		List<Plane> compute(ConvolutionOptions options, int index) throws IOException;
	}

	/** Every block the sink lacks, up to {@code options.threads()} at once (see {@link #run}). */
	private static void runBlocks(ConvolutionOptions options, BlockGrid grid, BlockSink sink, ProgressListener listener,
		BlockMaps maps) throws IOException
	{
		int blocks = grid.blocks();
		int inFlight = Math.min(options.threads(), blocks);
		ConvolutionOptions inner = options.toBuilder().threads(Math.max(1, options.threads() / inFlight)).build();
		try {
			Parallel.forEach(blocks, inFlight, listener, (index, scratch) -> {
				try {
					if (sink.has(index)) return;
					sink.write(index, grid.region(index), maps.compute(inner, index));
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
		}
		catch (UncheckedIOException e) {
			throw e.getCause();
		}
	}

	/**
	 * A block whose window is larger than the image (a dilation reaching far past it: the window would grow with
	 * the dilation) holds nothing the image does not: the image is read once and the core computes the block's
	 * region from it, reading only the rows and columns the taps reach, so memory stays bounded by the image.
	 */
	private static List<Plane> fromWholeImage(PlaneSource source, List<Kernel> kernels, ConvolutionOptions options,
		Region region) throws IOException
	{
		return Convolution.convolve(whole(source), kernels, options, region, ProgressListener.NONE);
	}

	/** The whole image of {@code source}, for a block whose window would be larger than it. */
	private static Plane whole(PlaneSource source) throws IOException {
		int w = source.width(), h = source.height();
		if ((long) w * h > Integer.MAX_VALUE - 8) {
			throw new UserException("with this dilation each block reads more than the whole " + w + "×" + h
				+ " image, which is too large to hold at once; use less dilation");
		}
		float[] px = new float[w * h];
		source.read(0, 0, w, h, px);
		return Plane.wrap(w, h, px);
	}

	private static Plane crop(Plane p, int x, int y, int w, int h) throws IOException {
		if (x == 0 && y == 0 && w == p.width() && h == p.height()) return p;
		float[] px = new float[Math.multiplyExact(w, h)];
		PlaneSource.of(p).read(x, y, w, h, px);
		return Plane.wrap(w, h, px);
	}
}
