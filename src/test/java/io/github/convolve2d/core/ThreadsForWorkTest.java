package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A call uses only the threads its work repays: a tiny image runs on the caller, a large one on all threads. */
class ThreadsForWorkTest {

	private static int threadsFor(int size, int k, int threads, int kernels) {
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).threads(threads).build();
		ConvolutionGeometry g = ConvolutionGeometry.of(size, size, k, k, o);
		float[] w = new float[k * k];
		java.util.Arrays.fill(w, 1f);
		return PathChooser.threads(Collections.nCopies(kernels, g), Collections.nCopies(kernels, w), threads);
	}

	@Test
	void smallCallsRunOnTheCallerAndLargeOnesOnEveryThread() {
		assertEquals(1, threadsFor(8, 3, 4, 1));
		assertEquals(1, threadsFor(48, 3, 4, 1), "48² 3×3 was faster on one thread (9.0 against 12.4 µs)");
		assertEquals(2, threadsFor(96, 3, 2, 1), "96² 3×3 was faster on two (17.1 against 20.0 µs)");
		assertEquals(2, threadsFor(48, 9, 2, 1), "48² 9×9 was faster on two (32.2 against 42.2 µs)");
		assertEquals(4, threadsFor(256, 3, 4, 1));
		assertEquals(16, threadsFor(4096, 3, 16, 1));
		assertEquals(1, threadsFor(4096, 3, 1, 1), "never more than asked");
		assertTrue(threadsFor(32, 3, 8, 8) > threadsFor(32, 3, 8, 1), "a bank's kernels add up");
	}

	@Test
	void aTinyCallRunsEveryUnitOnTheCallingThread() {
		Thread caller = Thread.currentThread();
		Set<Thread> ran = ConcurrentHashMap.newKeySet();
		List<Kernel> k = new ArrayList<>();
		k.add(Kernel.of("box", 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1));
		Plane image = Plane.zeros(16, 16);
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).threads(4).build();
		for (int call = 0; call < 50; call++) {
			Convolution.convolve(image, k, o, new ProgressListener() {
				@Override
				public void progress(int done, int total) {
					ran.add(Thread.currentThread());
				}
			});
		}
		assertEquals(Collections.singleton(caller), ran);
	}
}
