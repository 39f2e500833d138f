package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * Issue 5's memory rule for the direct and separable paths: besides the output plane, a run allocates only
 * small per-thread buffers. Measured with the JVM's per-thread allocation counter on one thread (which then
 * does all the work), after a warm-up run so that class loading is not counted.
 */
class PathMemoryTest {

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "direct, random 3", "direct, random 15", "direct, random 25", "separable, gaussian:3" })
	void extraHeapIsSmallPerThreadBuffersOnly(String method, String kernel) {
		com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		Random rnd = new Random(3);
		int n = 1024;
		float[] pixels = new float[n * n];
		for (int i = 0; i < pixels.length; i++) pixels[i] = rnd.nextFloat();
		Plane image = Plane.wrap(n, n, pixels);
		Kernel k;
		if (kernel.startsWith("random")) {
			int size = Integer.parseInt(kernel.substring(7));
			double[] v = new double[size * size];
			for (int i = 0; i < v.length; i++) v[i] = rnd.nextGaussian();
			k = Kernel.of("k", size, size, v);
		}
		else {
			k = Presets.resolve(kernel);
		}
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT).method(method)
			.threads(1).build();
		Convolution.convolve(image, k, o); // warm-up
		long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
		Convolution.convolve(image, k, o);
		long extra = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before - 4L * n * n;
		long bound = 1 << 20; // 1 MB of buffers against a 4 MB output plane
		assertTrue(extra <= bound, method + " " + kernel + " allocated " + extra + " bytes besides the output; bound "
			+ bound);
	}
}
