package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/** Every mistake a caller can make in the core gets an IllegalArgumentException that says what to change. */
class BadInputTest {

	private static String message(Runnable r) {
		return assertThrows(IllegalArgumentException.class, r::run).getMessage();
	}

	@Test
	void kernelTooLargeForValidModeNamesSizesAndRemedy() {
		Plane image = Plane.zeros(8, 20);
		Kernel k5 = Kernel.of("k", 5, 5, new double[25]);
		String m = message(() -> Convolution.convolve(image, k5, ConvolutionOptions.builder().dilation(2).build()));
		assertEquals("kernel 5×5 (width×height) with dilation 2 spans 9×9 but the image is 8×20; valid mode needs the"
			+ " kernel to fit inside the image: use mode=same or mode=full, a smaller kernel or less dilation", m);
		String plain = message(() -> Convolution.convolve(Plane.zeros(3, 3), k5, ConvolutionOptions.DEFAULTS));
		assertTrue(plain.startsWith("kernel 5×5 (width×height) but the image is 3×3"), plain);
	}

	@Test
	void sameAndFullModesAcceptKernelsLargerThanTheImage() {
		Kernel k5 = Kernel.of("k", 5, 5, new double[25]);
		Plane out = Convolution.convolve(Plane.zeros(3, 3), k5, ConvolutionOptions.builder().mode(Mode.FULL).build());
		assertEquals(7, out.width());
	}

	@Test
	void optionValuesAreChecked() {
		assertEquals("stride must be a whole number of at least 1, got 0",
			message(() -> ConvolutionOptions.builder().stride(0)));
		assertEquals("dilation must be a whole number of at least 1, got -2",
			message(() -> ConvolutionOptions.builder().dilation(1, -2)));
		assertEquals("threads must be a whole number of at least 1, got 0",
			message(() -> ConvolutionOptions.builder().threads(0)));
		assertEquals("cval must be a finite number within the 32-bit float range (±3.4e38), got NaN", message(() -> ConvolutionOptions.builder().cval(Double.NaN)));
		assertTrue(message(() -> ConvolutionOptions.builder().stride("2,x")).contains("stride '2,x' is not understood"));
		assertTrue(message(() -> ConvolutionOptions.builder().dilation("1,2,3")).contains("dilation '1,2,3'"));
	}

	@Test
	void unknownLabelsListTheChoices() {
		assertEquals("unknown mode 'vaild'; did you mean 'valid'? (one of [valid, same, full])",
			message(() -> Mode.fromLabel("vaild")));
		assertEquals("unknown border 'reflekt'; did you mean 'reflect'? (one of [constant, replicate, reflect, mirror, "
			+ "wrap])",
			message(() -> Border.fromLabel("reflekt")));
		assertTrue(message(() -> Method.fromLabel("gpu")).startsWith("unknown method 'gpu'; use one of [auto, direct"));
		assertEquals("unknown border 'periodik'; did you mean 'periodic'? (one of [constant, replicate, reflect, mirror, "
			+ "wrap])", message(() -> Border.fromLabel("periodik")));
	}

	@Test
	void labelsAndAliasesParseIgnoringCase() {
		assertEquals(Border.REPLICATE, Border.fromLabel(" Nearest "));
		assertEquals(Border.MIRROR, Border.fromLabel("REFLECT101"));
		assertEquals(Border.WRAP, Border.fromLabel("circular"));
		assertEquals(Border.CONSTANT, Border.fromLabel("zero"));
		assertEquals(Border.REFLECT, Border.fromLabel("symmetric"));
		assertEquals(Mode.SAME, Mode.fromLabel("SAME"));
		ConvolutionOptions o = ConvolutionOptions.builder().stride("2, 3").dilation("4").build();
		assertEquals(2, o.strideY());
		assertEquals(3, o.strideX());
		assertEquals(4, o.dilationX());
	}

	@Test
	void zeroBorderWithANonZeroConstantIsAContradiction() {
		assertEquals("border=zero means a constant 0 outside the image, but cval is 2.0; use border=constant with"
			+ " cval=2.0, or leave cval out",
			message(() -> ConvolutionOptions.builder().border("zero").cval(2).build()));
		assertEquals(0, ConvolutionOptions.builder().border("ZERO").build().cval());
		assertEquals(2, ConvolutionOptions.builder().border("fill").cval(2).build().cval());
	}

	@Test
	void emptyKernelBankIsRefused() {
		assertEquals("no kernel given; give at least one kernel", message(() -> Convolution.convolve(Plane.zeros(2, 2),
			Collections.emptyList(), ConvolutionOptions.DEFAULTS, ProgressListener.NONE)));
	}

	@Test
	void resultTooLargeForMemoryIsAClearError() {
		// a 2×2 kernel dilated by 46341 spans 46342² pixels: more than one float array can hold
		Kernel spread = Kernel.of("k", 2, 2, 1, 1, 1, 1);
		String m = message(() -> Convolution.convolve(Plane.zeros(1, 1), spread,
			ConvolutionOptions.builder().mode(Mode.FULL).dilation(46341).build()));
		assertEquals("the result would be 46342×46342 pixels, more than one plane can hold (2^31); use a stride or a"
			+ " smaller image", m);
		Plane big = Plane.zeros(4000, 4000);
		Kernel k = Kernel.of("k", 1, 1, 1);
		String mem = message(() -> Convolution.convolve(big, Collections.nCopies(200, k), ConvolutionOptions.DEFAULTS,
			ProgressListener.NONE));
		assertTrue(mem.startsWith("not enough memory: the result needs 12208 MB"), mem);
	}

	@Test
	void garbageIsCollectedBeforeAResultIsRefusedForMemory() {
		// 60 MB free only once the previous block's planes, garbage still counted as used, are collected
		long[] free = { 30L << 20 };
		AtomicInteger collections = new AtomicInteger();
		Convolution.checkFree(50L << 20, () -> free[0], () -> {
			collections.incrementAndGet();
			free[0] = 60L << 20;
		});
		assertEquals(1, collections.get(), "one collection asked for before deciding");
		String m = message(() -> Convolution.checkFree(90L << 20, () -> free[0], collections::incrementAndGet));
		assertTrue(m.startsWith("not enough memory: the result needs 90 MB but only 60 MB are free"), m);
		assertEquals(2, collections.get());
	}

	@Test
	void listenerSeesProgressAndCanCancel() {
		AtomicInteger last = new AtomicInteger();
		Convolution.convolve(Plane.zeros(300, 300), Collections.singletonList(Kernel.of("k", 3, 3, new double[9])),
			ConvolutionOptions.builder().threads(2).build(), (done, total) -> last.set(done == total ? -1 : done));
		assertEquals(-1, last.get(), "the last progress report says all work is done");
		AtomicInteger calls = new AtomicInteger();
		assertThrows(CancellationException.class, () -> Convolution.convolve(Plane.zeros(300, 300),
			Collections.singletonList(Kernel.of("k", 3, 3, new double[9])), ConvolutionOptions.builder().threads(2).build(),
			new ProgressListener() {
				@Override
				public void progress(int done, int total) {
					calls.incrementAndGet();
				}

				@Override
				public boolean isCancelled() {
					return true;
				}
			}));
		assertEquals(0, calls.get());
	}
}
