package io.github.convolve2d.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Work and memory follow the image and the output, never the dilation or stride (issue 9, item 6): a dilation of
 * 10^8 on 2×2 and 550×660 images, in every mode and border, on every path forced, gives SEMANTICS.md's result
 * (the reference reduces far coordinates by the border's period) without a buffer or a loop that grows with the
 * dilation. The timeout only guards against a hang (before the fix these cases ran for minutes or ran out of
 * memory); it is not a speed test.
 */
class HugeDilationTest {

	private static final int HUGE = 100_000_000;
	private static final Duration HANG_GUARD = Duration.ofSeconds(60);

	@Test
	void hugeDilationOnATinyImageOnEveryPathAndBorder() {
		Random rnd = new Random(9006);
		Plane image = PathCases.randomImage(rnd, 2, 2);
		List<Kernel> kernels = new ArrayList<>();
		kernels.add(Kernel.of("ones", new double[][] { { 1, 1 }, { 1, 1 } })); // the kernel
		kernels.add(PathCases.separableKernel(rnd, 3, 3));
		kernels.add(PathCases.randomKernel(rnd, 3, 2));
		assertTimeoutPreemptively(HANG_GUARD, () -> {
			for (Kernel k : kernels) {
				for (Border border : Border.values()) {
					for (Method method : Method.values()) {
						if (method == Method.SEPARABLE && !separable(k)) continue;
						for (boolean flip : new boolean[] { false, true }) {
							// same: 2×2 outputs; full with a stride of 10^7: about 11×11 outputs spread over 10^8 columns
							check(image, k, options(method, border, flip).mode(Mode.SAME).dilation(HUGE).build());
							check(image, k, options(method, border, flip).mode(Mode.FULL).dilation(HUGE)
								.stride(10_000_000).build());
							check(image, k, options(method, border, flip).mode(Mode.SAME).dilation(HUGE, 1).build());
							check(image, k, options(method, border, flip).mode(Mode.SAME).dilation(2, HUGE)
								.stride(1, 3).build());
						}
					}
				}
			}
		});
	}

	@Test
	void hugeDilationOnARealSizedImageOnEveryPathAndBorder() {
		Random rnd = new Random(9060);
		Plane image = PathCases.randomImage(rnd, 550, 660);
		Kernel sobel = Kernel.of("sobel-x", new double[][] { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } });
		Kernel random = PathCases.randomKernel(rnd, 4, 3);
		assertTimeoutPreemptively(HANG_GUARD, () -> {
			for (Border border : Border.values()) {
				for (Method method : Method.values()) {
					check(image, sobel, options(method, border, false).mode(Mode.SAME).dilation(HUGE).build());
					if (method != Method.SEPARABLE) {
						check(image, random, options(method, border, true).mode(Mode.SAME).dilation(HUGE, 7)
							.stride(2, 1).build());
					}
				}
			}
		});
	}

	@Test
	void anFftTooLargeForItsTilesRunsDirectly() {
		Plane image = Plane.wrap(2, 2, new float[] { 1, 2, 3, 4 });
		Kernel k = Kernel.of("ones", new double[][] { { 1, 1 }, { 1, 1 } });
		ConvolutionOptions o = options(Method.FFT, Border.WRAP, false).mode(Mode.SAME).dilation(HUGE).build();
		assertEquals(Method.DIRECT, Convolution.chosenMethod(image, k, o));
		ConvolutionOptions fits = options(Method.FFT, Border.WRAP, false).mode(Mode.SAME).dilation(100).build();
		assertEquals(Method.FFT, Convolution.chosenMethod(image, k, fits));
		assertTrue(Convolution.chosenMethod(image, k, options(Method.AUTO, Border.WRAP, false).mode(Mode.SAME)
			.dilation(HUGE).build()) != Method.FFT);
	}

	@Test
	void aResultTooLargeForAPlaneIsRefusedBeforeAnyWork() {
		Plane image = Plane.wrap(1, 1, new float[] { 1 });
		Kernel k = Kernel.of("ones", new double[][] { { 1, 1 }, { 1, 1 } });
		UserException e = assertThrows(UserException.class,
			() -> Convolution.convolve(image, k, ConvolutionOptions.builder().mode(Mode.FULL).dilation(HUGE).build()));
		assertTrue(e.getMessage().contains("more than one plane can hold"), e.getMessage());
		Kernel wide = Kernel.of("wide", 13, 1, new double[13]);
		assertEquals("a kernel of 13 taps with dilation 100000000 would span 1,200,000,001 pixels, more than the "
			+ "536,870,911 the core can place; use less dilation", assertThrows(UserException.class,
			() -> Convolution.convolve(image, wide, ConvolutionOptions.builder().mode(Mode.SAME).dilation(HUGE).build()))
			.getMessage());
	}

	@Test
	void theLargestStrideGivesTheFirstOutputAlone() {
		// issue 9 item 12: stride 2^31-1 once overflowed to a 0×0 result
		Random rnd = new Random(9012);
		Plane image = PathCases.randomImage(rnd, 7, 5);
		Kernel k = PathCases.separableKernel(rnd, 3, 2);
		for (Mode mode : Mode.values()) {
			for (Method method : Method.values()) {
				ConvolutionOptions o = options(method, Border.MIRROR, false).mode(mode).stride(Integer.MAX_VALUE)
					.dilation(2, Integer.MAX_VALUE / 8).build();
				if (mode == Mode.VALID) o = o.toBuilder().dilation(2, 3).build();
				Plane out = Convolution.convolve(image, k, o);
				assertEquals(1, out.width() * out.height(), o.toString());
				check(image, k, o);
			}
		}
	}

	@Test
	void blockwiseBlocksNeverHoldAWindowOfTheDilatedExtent() throws java.io.IOException {
		// each block's window once spanned the dilated extent: 10^8 rows for a 16-row block
		Random rnd = new Random(9066);
		Plane image = PathCases.randomImage(rnd, 50, 60);
		List<Kernel> bank = List.of(PathCases.separableKernel(rnd, 3, 2), PathCases.separableKernel(rnd, 3, 2));
		for (Method method : new Method[] { Method.DIRECT, Method.SEPARABLE }) {
			for (Border border : Border.values()) {
				for (ConvolutionOptions o : new ConvolutionOptions[] {
					options(method, border, false).mode(Mode.SAME).dilation(HUGE).build(),
					options(method, border, true).mode(Mode.FULL).dilation(HUGE, 2).stride(10_000_000, 1).build() })
				{
					BlockGrid grid = BlockGrid.of(50, 60, bank, o, 16, 16);
					List<Plane> whole = Convolution.convolve(image, bank, o, ProgressListener.NONE);
					for (int index = 0; index < grid.blocks(); index++) {
						Region r = grid.region(index);
						List<Plane> block = BlockwiseConvolution.block(PlaneSource.of(image), bank, o, grid, index);
						for (int k = 0; k < bank.size(); k++) {
							for (int y = 0; y < r.height(); y++) {
								for (int x = 0; x < r.width(); x++) {
									assertEquals(whole.get(k).get(r.x() + x, r.y() + y), block.get(k).get(x, y),
										o + " block " + index + " kernel " + k + " at " + x + "," + y);
								}
							}
						}
					}
				}
			}
		}
	}

	private static boolean separable(Kernel k) {
		return Separation.of(Convolution.weights(k, ConvolutionOptions.DEFAULTS), k.height(), k.width()) != null;
	}

	private static ConvolutionOptions.Builder options(Method method, Border border, boolean flip) {
		return ConvolutionOptions.builder().method(method).border(border).cval(border == Border.CONSTANT ? 1.5 : 0)
			.flip(flip).threads(2);
	}

	private static void check(Plane image, Kernel k, ConvolutionOptions o) {
		String what = image.width() + "×" + image.height() + " " + k + " " + o;
		PathCases.assertWithinBound(ReferenceConvolution.convolve(image, k, o), Convolution.convolve(image, k, o),
			o.method() == Method.FFT || o.method() == Method.AUTO, what);
	}
}
