package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blockwise engine gives the whole image's result: bit for bit on the direct and separable paths (blocks at
 * every edge and corner, blocks smaller than the kernel, strides that do not divide the block size, every mode,
 * border, dilation, flip, banks of one or mixed sizes), within SEMANTICS.md's bound on the FFT path and the
 * automatic choice; it reads only the windows it needs, skips blocks a sink already holds, and a block's memory
 * does not depend on the image's size.
 */
class BlockwiseConvolutionTest {

	@Test
	void directBlocksAssembleToTheWholeResultBitForBit() throws IOException {
		runRandom(Method.DIRECT, 400, 31);
	}

	@Test
	void separableBlocksAssembleToTheWholeResultBitForBit() throws IOException {
		runRandom(Method.SEPARABLE, 300, 32);
	}

	@Test
	void fftBlocksAssembleToTheWholeResultWithinTheBound() throws IOException {
		runRandom(Method.FFT, 80, 33);
	}

	@Test
	void automaticBlocksAssembleToTheWholeResultWithinTheBound() throws IOException {
		runRandom(Method.AUTO, 80, 34);
	}

	private static void runRandom(Method method, int cases, long seed) throws IOException {
		Random rnd = new Random(seed);
		for (int n = 0; n < cases; n++) {
			int w = 1 + rnd.nextInt(50), h = 1 + rnd.nextInt(50);
			int kw = 1 + rnd.nextInt(7), kh = 1 + rnd.nextInt(7);
			Plane image = PathCases.randomImage(rnd, w, h);
			ConvolutionOptions o = PathCases.randomOptions(rnd, method, w, h, kw, kh);
			boolean mixed = method != Method.SEPARABLE && rnd.nextInt(4) == 0;
			if (mixed) o = o.toBuilder().mode(Mode.SAME).build();
			List<Kernel> bank = new ArrayList<>();
			int kernels = 1 + rnd.nextInt(3);
			for (int b = 0; b < kernels; b++) {
				int bw = mixed ? 1 + rnd.nextInt(7) : kw, bh = mixed ? 1 + rnd.nextInt(7) : kh;
				bank.add(PathCases.kernelFor(rnd, method, bw, bh));
			}
			// blocks from 1 pixel (smaller than any kernel) to larger than the output
			int blockW = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40), blockH = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40);
			BlockGrid grid = BlockGrid.of(w, h, bank, o, blockW, blockH);
			String what = "case " + n + ": image " + w + "×" + h + ", kernels " + sizes(bank) + ", blocks " + blockW + "×"
				+ blockH + ", " + o;
			CheckedSource source = new CheckedSource(image, grid);
			Assembler sink = new Assembler(grid);
			BlockwiseConvolution.run(source, bank, o, grid, sink, ProgressListener.NONE);
			assertEquals(grid.blocks(), sink.written.size(), what + ": blocks written");
			List<Plane> whole = Convolution.convolve(image, bank, o, ProgressListener.NONE);
			for (int b = 0; b < kernels; b++) {
				if (method == Method.DIRECT || method == Method.SEPARABLE) {
					assertArrayEquals(whole.get(b).pixels(), sink.maps[b], what + ", kernel " + b);
				}
				else {
					PathCases.assertWithinBound(ReferenceConvolution.convolve(image, bank.get(b), o),
						Plane.wrap(grid.outputWidth(), grid.outputHeight(), sink.maps[b]), true, what + ", kernel " + b);
				}
			}
		}
	}

	/**
	 * A convolution layer block by block (channels summed, groups, bias, ReLU, every option; blocks of 1 pixel to
	 * larger than the output): its maps equal the whole layer's, bit for bit on the direct path, within the bound on
	 * the others.
	 */
	@Test
	void layerBlocksAssembleToTheWholeLayer() throws IOException {
		Random rnd = new Random(35);
		for (int n = 0; n < 160; n++) {
			Method method = n % 4 == 3 ? Method.AUTO : Method.DIRECT;
			int w = 1 + rnd.nextInt(40), h = 1 + rnd.nextInt(40);
			int kw = 1 + rnd.nextInt(5), kh = 1 + rnd.nextInt(5);
			int groups = 1 + rnd.nextInt(2), cg = 1 + rnd.nextInt(2), outs = groups * (1 + rnd.nextInt(2));
			List<Plane> channels = new ArrayList<>();
			for (int c = 0; c < groups * cg; c++) channels.add(PathCases.randomImage(rnd, w, h));
			double[] values = new double[outs * cg * kh * kw];
			for (int v = 0; v < values.length; v++) values[v] = rnd.nextInt(6) == 0 ? 0 : rnd.nextGaussian();
			double[] bias = null;
			if (rnd.nextBoolean()) {
				bias = new double[outs];
				for (int o = 0; o < outs; o++) bias[o] = rnd.nextGaussian();
			}
			LayerWeights weights = LayerWeights.of(outs, cg, kh, kw, values, bias, groups);
			ConvolutionOptions o = PathCases.randomOptions(rnd, method, w, h, kw, kh);
			Activation act = rnd.nextBoolean() ? Activation.RELU : Activation.NONE;
			int blockW = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 30), blockH = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 30);
			BlockGrid grid = BlockGrid.forLayer(w, h, weights, o, blockW, blockH);
			String what = "case " + n + ": image " + w + "×" + h + ", " + weights + ", blocks " + blockW + "×" + blockH
				+ ", " + o + ", " + act;
			List<PlaneSource> sources = new ArrayList<>();
			for (Plane c : channels) sources.add(new CheckedSource(c, grid));
			Assembler sink = new Assembler(grid, outs);
			BlockwiseConvolution.runLayer(sources, weights, act, o, grid, sink, ProgressListener.NONE);
			assertEquals(grid.blocks(), sink.written.size(), what + ": blocks written");
			List<Plane> whole = ConvolutionLayer.convolve(channels, weights, o, act, null, ProgressListener.NONE);
			ReferenceConvolution.Result[] ref = method == Method.DIRECT ? null
				: ReferenceLayer.convolve(channels, weights, o, act);
			for (int out = 0; out < outs; out++) {
				if (method == Method.DIRECT) assertArrayEquals(whole.get(out).pixels(), sink.maps[out], what + ", output " + out);
				else {
					PathCases.assertWithinBound(ref[out], Plane.wrap(grid.outputWidth(), grid.outputHeight(),
						sink.maps[out]), true, what + ", output " + out);
				}
			}
		}
		assertThrows(UserException.class, () -> BlockwiseConvolution.layerBlock(List.of(PlaneSource.of(
			PathCases.randomImage(rnd, 9, 9))), LayerWeights.of(1, 2, 3, 3, new double[18], null, 1), Activation.NONE,
			ConvolutionOptions.builder().build(), BlockGrid.of(9, 9, List.of(Kernel.of("k", 3, 3, new double[9])),
				ConvolutionOptions.builder().build(), 4, 4), 0), "one channel for weights of two");
	}

	@Test
	void gridTilesTheOutputRowByRow() {
		List<Kernel> k = Collections.singletonList(Kernel.of("k", 3, 5, new double[15]));
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.FULL).stride(2, 3).build();
		BlockGrid grid = BlockGrid.of(100, 40, k, o, 7, 4); // output ceil(102/3) = 34 × ceil(44/2) = 22
		assertEquals(34, grid.outputWidth());
		assertEquals(22, grid.outputHeight());
		assertEquals(5, grid.columns());
		assertEquals(6, grid.rows());
		assertEquals(30, grid.blocks());
		assertEquals(Region.of(7, 0, 7, 4), grid.region(1));
		assertEquals(Region.of(28, 20, 6, 2), grid.region(29));
		// full mode: output (0, 0) reads from input (-2, -4); a block of 7 columns at stride 3 reads 6*3 + 3 columns
		BlockGrid.Window first = grid.window(0);
		assertEquals(-2, first.x());
		assertEquals(-4, first.y());
		assertEquals(21, first.width());
		assertEquals(3 * 2 + 5, first.height());
		assertThrows(IndexOutOfBoundsException.class, () -> grid.region(30));
		assertTrue(assertThrows(UserException.class, () -> BlockGrid.of(100, 40, k, o, 0, 4)).getMessage()
			.contains("at least 1×1"));
	}

	@Test
	void aBankOfMixedSizesOutsideSameModeIsRefused() {
		List<Kernel> bank = Arrays.asList(Kernel.of("a", 3, 3, new double[9]), Kernel.of("b", 5, 5, new double[25]));
		UserException e = assertThrows(UserException.class,
			() -> BlockGrid.of(50, 50, bank, ConvolutionOptions.DEFAULTS, 16, 16));
		assertTrue(e.getMessage().contains("different sizes"), e.getMessage());
	}

	@Test
	void aBlockIsComputedFromItsIndexAlone() throws IOException {
		Random rnd = new Random(5);
		Plane image = PathCases.randomImage(rnd, 70, 45);
		List<Kernel> bank = Arrays.asList(PathCases.randomKernel(rnd, 5, 3), PathCases.randomKernel(rnd, 5, 3));
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.WRAP).method(Method.DIRECT)
			.build();
		List<Plane> whole = Convolution.convolve(image, bank, o, ProgressListener.NONE);
		BlockGrid grid = BlockGrid.of(70, 45, bank, o, 16, 16);
		for (int index : new int[] { 0, 4, 7, grid.blocks() - 1 }) {
			// a fresh grid, as another machine would make it
			BlockGrid remote = BlockGrid.of(70, 45, bank, o, 16, 16);
			List<Plane> maps = BlockwiseConvolution.block(PlaneSource.of(image), bank, o, remote, index);
			Region r = remote.region(index);
			for (int k = 0; k < bank.size(); k++) {
				assertArrayEquals(crop(whole.get(k), r), maps.get(k).pixels(), "block " + index + ", kernel " + k);
			}
		}
		BlockGrid other = BlockGrid.of(60, 45, bank, o, 16, 16);
		assertThrows(UserException.class, () -> BlockwiseConvolution.block(PlaneSource.of(image), bank, o, other, 0));
	}

	@Test
	void blocksTheSinkHoldsAreSkippedAndTheRestCompleteTheResult() throws IOException {
		Random rnd = new Random(6);
		Plane image = PathCases.randomImage(rnd, 90, 60);
		List<Kernel> bank = Collections.singletonList(PathCases.randomKernel(rnd, 3, 3));
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT)
			.method(Method.DIRECT).threads(2).build();
		BlockGrid grid = BlockGrid.of(90, 60, bank, o, 20, 20);
		// a first run that failed after a few blocks
		Assembler sink = new Assembler(grid);
		AtomicInteger writes = new AtomicInteger();
		BlockSink failing = (index, region, maps) -> {
			if (writes.incrementAndGet() > 5) throw new IOException("disk full");
			sink.write(index, region, maps);
		};
		IOException e = assertThrows(IOException.class,
			() -> BlockwiseConvolution.run(PlaneSource.of(image), bank, o, grid, failing, ProgressListener.NONE));
		assertEquals("disk full", e.getMessage());
		Set<Integer> first = new HashSet<>(sink.written);
		assertFalse(first.isEmpty());
		assertTrue(first.size() < grid.blocks());
		// the rerun computes only the missing blocks
		Set<Integer> second = ConcurrentHashMap.newKeySet();
		BlockSink resume = new BlockSink() {
			@Override
			public void write(int index, Region region, List<Plane> maps) throws IOException {
				assertTrue(second.add(index) && !first.contains(index), "block " + index + " computed again");
				sink.write(index, region, maps);
			}

			@Override
			public boolean has(int index) {
				return first.contains(index);
			}
		};
		BlockwiseConvolution.run(PlaneSource.of(image), bank, o, grid, resume, ProgressListener.NONE);
		assertEquals(grid.blocks(), first.size() + second.size());
		assertArrayEquals(Convolution.convolve(image, bank.get(0), o).pixels(), sink.maps[0]);
	}

	@Test
	void aBlocksMemoryDoesNotDependOnTheImageSize() throws IOException {
		com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		List<Kernel> bank = Collections.singletonList(PathCases.randomKernel(new Random(7), 31, 31));
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.WRAP)
			.method(Method.DIRECT).threads(1).build();
		long[] allocated = new long[2];
		int[] sizes = { 2_000, 200_000 }; // 200,000² pixels: 160 GB as float, far beyond the heap
		for (int s = 0; s < 2; s++) {
			PlaneSource huge = new Procedural(sizes[s], sizes[s]);
			BlockGrid grid = BlockGrid.of(sizes[s], sizes[s], bank, o, 256, 256);
			BlockwiseConvolution.block(huge, bank, o, grid, 0); // warm-up
			long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
			// the top-left corner: under wrap its window reaches across the image to the far side
			List<Plane> maps = BlockwiseConvolution.block(huge, bank, o, grid, 0);
			allocated[s] = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
			assertEquals(256, maps.get(0).width());
		}
		long window = 4L * (256 + 30) * (256 + 30);
		assertTrue(allocated[1] <= 3 * window + 4L * 256 * 256 + (1 << 20), "a block on a 200,000² image allocated "
			+ allocated[1] + " bytes; its window is " + window);
		assertTrue(allocated[1] <= allocated[0] * 1.1 + 100_000, "a block allocated " + allocated[1]
			+ " bytes on a 200,000² image against " + allocated[0] + " on a 2,000² one");
	}

	/**
	 * Reflect and mirror on a source of 2^30 columns and more, whose period 2n overflows an int: the first and last
	 * blocks read the pixels numpy's pad gives, not cval and not an index past the row.
	 */
	@Test
	void reflectingBordersHoldOnAGigapixelWideSource() throws IOException {
		Kernel k = Kernel.of("k", new double[][] { { 1, 10, 100 } });
		for (int width : new int[] { 1 << 30, Integer.MAX_VALUE - 8 }) {
			PlaneSource row = new Procedural(width, 1);
			for (Border border : new Border[] { Border.REFLECT, Border.MIRROR }) {
				ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(border).threads(1).build();
				BlockGrid grid = BlockGrid.of(width, 1, List.of(k), o, 4, 1);
				int last = (int) ((width + 3L) / 4 - 1);
				float[] first = BlockwiseConvolution.block(row, List.of(k), o, grid, 0).get(0).pixels();
				float[] end = BlockwiseConvolution.block(row, List.of(k), o, grid, last).get(0).pixels();
				int outside = border == Border.REFLECT ? 0 : 1; // what x = -1 reads
				assertEquals(pixel(row, outside) + 10 * pixel(row, 0) + 100 * pixel(row, 1), first[0], border + " " + width);
				int beyond = border == Border.REFLECT ? width - 1 : width - 2; // what x = width reads
				assertEquals(pixel(row, width - 2) + 10 * pixel(row, width - 1) + 100 * pixel(row, beyond),
					end[end.length - 1], border + " " + width);
			}
		}
	}

	private static float pixel(PlaneSource source, int x) throws IOException {
		float[] v = new float[1];
		source.read(x, 0, 1, 1, v);
		return v[0];
	}

	private static String sizes(List<Kernel> bank) {
		StringBuilder sb = new StringBuilder();
		for (Kernel k : bank) sb.append(sb.length() == 0 ? "" : ",").append(k.width()).append('×').append(k.height());
		return sb.toString();
	}

	private static float[] crop(Plane p, Region r) {
		float[] px = new float[r.width() * r.height()];
		for (int y = 0; y < r.height(); y++) {
			System.arraycopy(p.pixels(), (r.y() + y) * p.width() + r.x(), px, y * r.width(), r.width());
		}
		return px;
	}

	/** Puts blocks into whole feature maps; checks each block arrives once with its region's size. */
	private static final class Assembler implements BlockSink {
		final BlockGrid grid;
		final float[][] maps;
		final Set<Integer> written = ConcurrentHashMap.newKeySet();

		Assembler(BlockGrid grid) {
			this(grid, grid.kernels());
		}

		/** For {@code count} feature maps a block (a layer's outputs). */
		Assembler(BlockGrid grid, int count) {
			this.grid = grid;
			maps = new float[count][grid.outputWidth() * grid.outputHeight()];
		}

		@Override
		public void write(int index, Region region, List<Plane> planes) throws IOException {
			assertEquals(grid.region(index), region);
			assertTrue(written.add(index), "block " + index + " written twice");
			assertEquals(maps.length, planes.size());
			for (int k = 0; k < planes.size(); k++) {
				Plane p = planes.get(k);
				assertEquals(region.width(), p.width());
				assertEquals(region.height(), p.height());
				for (int y = 0; y < p.height(); y++) {
					System.arraycopy(p.pixels(), y * p.width(), maps[k], (region.y() + y) * grid.outputWidth() + region.x(),
						p.width());
				}
			}
		}
	}

	/** A source that checks every read lies inside the image and within some block's window's size. */
	private static final class CheckedSource implements PlaneSource {
		final PlaneSource inner;
		final long largestWindow;

		CheckedSource(Plane image, BlockGrid grid) {
			inner = PlaneSource.of(image);
			long largest = 0;
			for (int i = 0; i < grid.blocks(); i++) {
				BlockGrid.Window w = grid.window(i);
				largest = Math.max(largest, (long) w.width() * w.height());
			}
			largestWindow = largest;
		}

		@Override
		public int width() {
			return inner.width();
		}

		@Override
		public int height() {
			return inner.height();
		}

		@Override
		public void read(int x, int y, int w, int h, float[] dst) throws IOException {
			assertTrue(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= width() && y + h <= height(),
				"read " + w + "×" + h + " at " + x + "," + y + " outside " + width() + "×" + height());
			assertTrue((long) w * h <= largestWindow, "read " + w + "×" + h + " beyond any window");
			assertTrue(dst.length >= w * h);
			inner.read(x, y, w, h, dst);
		}
	}

	/** Pixels made up from their coordinates: an image of any size without memory. */
	private static final class Procedural implements PlaneSource {
		final int width, height;

		Procedural(int width, int height) {
			this.width = width;
			this.height = height;
		}

		@Override
		public int width() {
			return width;
		}

		@Override
		public int height() {
			return height;
		}

		@Override
		public void read(int x, int y, int w, int h, float[] dst) {
			for (int r = 0; r < h; r++) {
				for (int c = 0; c < w; c++) dst[r * w + c] = ((x + c) * 31 + (y + r) * 17) % 101;
			}
		}
	}

	@Test
	void anInMemorySourceReadsTheRectangleAsked() throws IOException {
		Plane p = Plane.wrap(3, 2, new float[] { 1, 2, 3, 4, 5, 6 });
		float[] dst = new float[2];
		PlaneSource.of(p).read(1, 0, 1, 2, dst);
		assertArrayEquals(new float[] { 2, 5 }, dst);
		assertEquals(3, PlaneSource.of(p).width());
	}
}
