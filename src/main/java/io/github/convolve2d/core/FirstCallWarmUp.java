package io.github.convolve2d.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Allocates a call's new output planes; on a JVM's first large call, one helper warms up the JIT meanwhile on a few
 * rows of the same call.
 * <p>
 * Why: a fresh JVM's first call runs in the interpreter and C1's code until C2 has compiled the tap loops and row
 * copies, and before that it allocates its outputs in heap pages the process has never touched: the JVM zeroes a
 * new plane on the calling thread, one page fault per 4 KB (27 ms for a 4096² plane on the development machine, and
 * 170–235 ms on a virtual machine with slow faults), while the other cores wait. So the first call of a JVM whose one
 * new output takes at least {@code minBytes} runs two units at once: the allocation, and the call's own path over
 * {@value #ROWS} output rows at the top and {@value #ROWS} at the bottom of the result (full width, so the loops run
 * as long as in the call, and both borders, so the compiled code has seen each branch the call takes), into scratch
 * planes, again until the allocation is done. The JIT compiles during the page faults instead of during the
 * call. Fresh JVMs, same mode, replicate border, 2 threads, medians of 6 starts alternately with and without it:
 * 4096² 3×3 first call 108 → 83 ms, 9×9 205 → 173 ms, later calls unchanged. The FFT path is not warmed: one of its tiles takes longer than the
 * allocation (63×63 gained nothing). Nor is a bank: its planes are allocated on all the call's threads, so no core is
 * idle, and allocating them on one thread to free one cost more than the warm-up gained (first call of a bank of
 * eight 3×3 kernels on 4096²: medians of 5 fresh JVMs 346 ms warmed, 310 ms not).
 * <p>
 * Results never change: the warm-up only reads the image and writes its own planes. It runs once per instance
 * (the shared one: once per JVM), on the first call that qualifies.
 */
final class FirstCallWarmUp {

	/** The one every convolution uses: new outputs of 16 MB or more (a 2048² plane) are worth a warm-up. */
	static final FirstCallWarmUp SHARED = new FirstCallWarmUp(16L << 20);
	/** Output rows warmed at the top and at the bottom of each result. */
	static final int ROWS = 4;
	/** The warm-up's planes take at most this share of the outputs' bytes, or {@link #MAX_SCRATCH_BYTES}. */
	private static final int MAX_SCRATCH_SHARE = 16;
	private static final long MAX_SCRATCH_BYTES = 1 << 20;

	private final long minBytes;
	private final AtomicBoolean used = new AtomicBoolean();

	/** @param minBytes the least bytes of new outputs for which the first call warms up */
	FirstCallWarmUp(long minBytes) {
		this.minBytes = minBytes;
	}

	/**
	 * New zeroed output planes as {@link Convolution#allocate} makes them; the first time that one output's
	 * {@code bytes} reach this instance's threshold on at least two threads, outside the FFT path, the call's path
	 * runs meanwhile on rows of its result.
	 *
	 * @param methods each output's path for the whole call
	 */
	List<float[]> allocate(Plane image, List<float[]> weights, List<ConvolutionGeometry> geometries, Method[] methods,
		ConvolutionOptions options, long bytes)
	{
		if (!worthIt(geometries, methods, options, bytes) || !used.compareAndSet(false, true)) {
			return Convolution.allocate(geometries, bytes, options.threads());
		}
		AtomicBoolean allocated = new AtomicBoolean();
		List<List<float[]>> made = new ArrayList<>();
		Parallel.forEach(2, 2, ProgressListener.NONE, new Parallel.Unit() { // not a lambda: see Convolution.run
			@Override
			public void run(int unit, Scratch scratch) {
				if (unit == 0) {
					try {
						made.add(Convolution.allocate(geometries, bytes, 1));
					}
					finally {
						allocated.set(true);
					}
				}
				else warmUp(image, weights, geometries, methods, options, allocated);
			}
		});
		return made.get(0);
	}

	private boolean worthIt(List<ConvolutionGeometry> geometries, Method[] methods, ConvolutionOptions options,
		long bytes)
	{
		// one output: its allocation runs on one thread and leaves the others idle; a bank's planes are allocated on
		// all the call's threads, which leaves no core to warm up on
		if (used.get() || geometries.size() != 1 || methods[0] == Method.FFT || bytes < minBytes
			|| options.threads() < 2)
		{
			return false;
		}
		long scratch = 8L * ROWS * geometries.get(0).outputWidth(); // ROWS at each end
		return scratch <= Math.max(bytes / MAX_SCRATCH_SHARE, MAX_SCRATCH_BYTES);
	}

	/** The top rows of each result, then the bottom rows, and again, until the allocation is done (at least once). */
	private static void warmUp(Plane image, List<float[]> weights, List<ConvolutionGeometry> geometries,
		Method[] methods, ConvolutionOptions options, AtomicBoolean allocated)
	{
		List<List<ConvolutionGeometry>> ends = new ArrayList<>();
		List<List<float[]>> planes = new ArrayList<>();
		for (int end = 0; end < 2; end++) {
			List<ConvolutionGeometry> rows = new ArrayList<>();
			List<float[]> out = new ArrayList<>();
			for (ConvolutionGeometry g : geometries) {
				int h = Math.min(ROWS, g.outputHeight());
				ConvolutionGeometry r = g.region(Region.of(0, end == 0 ? 0 : g.outputHeight() - h, g.outputWidth(), h));
				rows.add(r);
				out.add(new float[r.outputWidth() * h]);
			}
			ends.add(rows);
			planes.add(out);
		}
		for (int i = 0; i < 2 || !allocated.get(); i++) {
			Convolution.run(Convolution.plan(image, weights, ends.get(i % 2), methods, options, 1, planes.get(i % 2)),
				1, ProgressListener.NONE);
		}
	}
}
