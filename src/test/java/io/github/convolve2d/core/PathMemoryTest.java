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

	/**
	 * {@link Convolution#workingBytes}, which the blockwise job budgets with, holds what the FFT path allocates
	 * besides the output (one thread, so every allocation is counted), and is 0 exactly where the cost model does not
	 * take the FFT path: random kernels of 1 to 41 taps a side, banks of one size, on random finite images of 16 to
	 * 700 pixels a side, every method but separable, modes and strides.
	 */
	@org.junit.jupiter.api.Test
	void workingBytesHoldWhatTheFftPathTakesAndAreZeroElsewhere() {
		com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		Random rnd = new Random(17);
		int fftCases = 0;
		for (int c = 0; c < 60; c++) {
			int w = 16 + rnd.nextInt(685), h = 16 + rnd.nextInt(685);
			int kw = 1 + rnd.nextInt(Math.min(41, w)), kh = 1 + rnd.nextInt(Math.min(41, h));
			java.util.List<Kernel> bank = new java.util.ArrayList<>();
			for (int b = 1 + rnd.nextInt(3); b > 0; b--) {
				double[] v = new double[kw * kh];
				for (int i = 0; i < v.length; i++) v[i] = rnd.nextGaussian();
				bank.add(Kernel.of("k" + b, kw, kh, v));
			}
			Method method = new Method[] { Method.AUTO, Method.AUTO, Method.DIRECT, Method.FFT }[rnd.nextInt(4)];
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.values()[rnd.nextInt(3)])
				.stride(1 + rnd.nextInt(2)).method(method).threads(1).build();
			float[] px = new float[w * h];
			for (int i = 0; i < px.length; i++) px[i] = rnd.nextFloat();
			Plane image = Plane.wrap(w, h, px);
			long working = Convolution.workingBytes(w, h, bank, o);
			// the bank's paths as the call chooses them (a bank of one size may go to the FFT path where one kernel would not)
			java.util.List<float[]> weights = new java.util.ArrayList<>();
			java.util.List<ConvolutionGeometry> geometries = new java.util.ArrayList<>();
			for (Kernel k : bank) {
				weights.add(Convolution.weights(k, o));
				geometries.add(ConvolutionGeometry.of(w, h, kw, kh, o));
			}
			boolean fft = false;
			for (Method m : PathChooser.choose(image, weights, geometries, o)) fft |= m == Method.FFT;
			String what = "case " + c + ": " + w + "×" + h + ", " + bank.size() + " kernel(s) " + kw + "×" + kh + ", " + o;
			assertTrue(fft == (working > 0), what + ": FFT " + fft + " but working bytes " + working);
			if (!fft) continue;
			fftCases++;
			Convolution.convolve(image, bank, o, ProgressListener.NONE); // warm-up
			long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
			java.util.List<Plane> out = Convolution.convolve(image, bank, o, ProgressListener.NONE);
			long outputs = 0;
			for (Plane p : out) outputs += 4L * p.width() * p.height();
			long extra = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before - outputs;
			assertTrue(extra <= working + (1 << 20), what + ": allocated " + extra + " bytes besides the outputs, "
				+ "estimated " + working);
		}
		assertTrue(fftCases >= 10, "the FFT path is among the cases: " + fftCases);
	}
}
