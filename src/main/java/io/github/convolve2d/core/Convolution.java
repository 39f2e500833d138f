package io.github.convolve2d.core;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one entry point of the core: convolves a float image plane with one kernel or a bank of kernels and
 * returns one feature map per kernel, exactly as SEMANTICS.md defines (cross-correlation unless
 * {@code flip}; {@code valid} by default). The input is never modified.
 *
 * <pre>{@code
 * Plane edges = Convolution.convolve(image, Kernel.of("Laplacian", new double[][] {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}}),
 *     ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT).build());
 * }</pre>
 *
 * Work is spread over up to {@link ConvolutionOptions#threads()} threads (as many as the call's work repays); a
 * {@link ProgressListener} sees progress and may cancel. Errors a user can make (kernel too large for valid mode, result too large for memory) are
 * thrown as {@link UserException} with a message saying what to change.
 */
public final class Convolution {

	private Convolution() {
	}

	/** Convolves {@code image} with one kernel. */
	public static Plane convolve(Plane image, Kernel kernel, ConvolutionOptions options) {
		return convolve(image, Collections.singletonList(kernel), options, ProgressListener.NONE).get(0);
	}

	/**
	 * Convolves {@code image} with each kernel of a bank, one output plane per kernel, in order.
	 *
	 * @throws UserException for an empty bank, a kernel larger than the image in valid mode or a
	 *         result that does not fit in memory
	 * @throws java.util.concurrent.CancellationException when the listener cancelled; no result is returned
	 */
	public static List<Plane> convolve(Plane image, List<Kernel> kernels, ConvolutionOptions options,
		ProgressListener listener)
	{
		return convolve(image, kernels, options, null, listener);
	}

	/**
	 * Computes only the {@code region} of each kernel's feature map (output pixel coordinates of the whole
	 * result; {@code null} for the whole): the crop of the whole result, reading the real pixels around the
	 * region and applying the border rule only beyond the image. Each returned plane has the region's size. The
	 * direct and separable paths give the crop bit for bit; the cost model chooses the path for the region's
	 * size, so an automatic choice may differ from the whole image's (within SEMANTICS.md's bound).
	 *
	 * @throws UserException as {@link #convolve(Plane, List, ConvolutionOptions, ProgressListener)} does, and
	 *         when the region is not inside a kernel's feature map
	 * @throws java.util.concurrent.CancellationException when the listener cancelled; no result is returned
	 */
	public static List<Plane> convolve(Plane image, List<Kernel> kernels, ConvolutionOptions options, Region region,
		ProgressListener listener)
	{
		return convolve(image, kernels, options, region, listener, null);
	}

	/**
	 * Convolves {@code image} with one kernel into {@code output}, a plane of the feature map's size that the
	 * caller already has, as OpenCV's {@code dst} and PyTorch's {@code out=} do: every pixel of {@code output} is
	 * written and no plane is allocated. For loops over many images of one size: a new plane's pixels are zeroed
	 * first, which took 20 µs of a 55 µs call on a 256² image with a 3×3 kernel (the development machine).
	 *
	 * @throws UserException as {@link #convolve(Plane, Kernel, ConvolutionOptions)} does, when {@code output}
	 *         is not the feature map's size, or when it shares its pixel array with {@code image} (the core never
	 *         writes into an image it reads)
	 */
	public static void convolveInto(Plane image, Kernel kernel, ConvolutionOptions options, Plane output) {
		Objects.requireNonNull(output, "output");
		convolve(image, Collections.singletonList(kernel), options, null, ProgressListener.NONE,
			Collections.singletonList(output));
	}

	/** The outputs are {@code given} planes, checked against the geometry, or new ones when it is null. */
	private static List<Plane> convolve(Plane image, List<Kernel> kernels, ConvolutionOptions options, Region region,
		ProgressListener listener, List<Plane> given)
	{
		return convolve(image, kernels, options, region, listener, given, FirstCallWarmUp.SHARED);
	}

	/** As above; new outputs are allocated through {@code warmUp} (tests give their own). */
	static List<Plane> convolve(Plane image, List<Kernel> kernels, ConvolutionOptions options, Region region,
		ProgressListener listener, List<Plane> given, FirstCallWarmUp warmUp)
	{
		Objects.requireNonNull(image, "image");
		Objects.requireNonNull(options, "options");
		Objects.requireNonNull(listener, "listener");
		if (kernels == null || kernels.isEmpty()) {
			throw new UserException("no kernel given; give at least one kernel");
		}
		List<ConvolutionGeometry> geometries = new ArrayList<>();
		long bytes = 0;
		for (Kernel k : kernels) {
			ConvolutionGeometry g =
				ConvolutionGeometry.of(image.width(), image.height(), k.width(), k.height(), options);
			if (region != null) g = g.region(region);
			geometries.add(g);
			bytes += 4L * g.outputWidth() * g.outputHeight();
		}
		List<float[]> weights = new ArrayList<>();
		for (Kernel k : kernels) weights.add(weights(k, options));
		Method[] methods = PathChooser.choose(image, weights, geometries, options);
		List<float[]> outputs = given != null ? givenOutputs(image, geometries, given)
			: warmUp.allocate(image, weights, geometries, methods, options, bytes);

		int threads = PathChooser.threads(geometries, weights, options.threads());
		run(plan(image, weights, geometries, methods, options, threads, outputs), threads, listener);

		if (given != null) return given;
		List<Plane> planes = new ArrayList<>();
		for (int n = 0; n < kernels.size(); n++) {
			ConvolutionGeometry g = geometries.get(n);
			planes.add(Plane.wrap(g.outputWidth(), g.outputHeight(), outputs.get(n)));
		}
		return planes;
	}

	/** The pixel arrays of the planes a caller gives for the outputs, once each is known to fit. */
	private static List<float[]> givenOutputs(Plane image, List<ConvolutionGeometry> geometries, List<Plane> given) {
		List<float[]> outputs = new ArrayList<>();
		for (int n = 0; n < geometries.size(); n++) {
			ConvolutionGeometry g = geometries.get(n);
			Plane p = given.get(n);
			if (p.width() != g.outputWidth() || p.height() != g.outputHeight()) {
				throw new UserException("the output plane is " + p.width() + "×" + p.height() + " but this feature map is "
					+ g.outputWidth() + "×" + g.outputHeight() + "; give a plane of that size");
			}
			if (p.pixels() == image.pixels()) {
				throw new UserException("the output plane shares its pixels with the image; the result would overwrite "
					+ "pixels still to be read: give a separate plane");
			}
			outputs.add(p.pixels());
		}
		return outputs;
	}

	/** Runs every unit of every path on up to {@code threads} threads. */
	static void run(List<ConvolutionPath> paths, int threads, ProgressListener listener) {
		int[] firstUnit = new int[paths.size() + 1];
		for (int n = 0; n < paths.size(); n++) firstUnit[n + 1] = firstUnit[n] + paths.get(n).units();
		// anonymous classes rather than lambdas here and in Parallel: each lambda's class is spun at its first use
		// (about 1 ms, the JVM's first lambda about 8 ms), which a fresh JVM's first call paid
		Parallel.forEach(firstUnit[paths.size()], threads, listener, new Parallel.Unit() {
			@Override
			public void run(int unit, Scratch scratch) {
				int n = 0;
				while (unit >= firstUnit[n + 1]) n++;
				paths.get(n).compute(unit - firstUnit[n], scratch);
			}
		});
	}

	/**
	 * The path {@link #convolve} runs for this image, kernel and options: the forced one, or the one the cost
	 * model picks for {@link Method#AUTO} (described in the javadoc of the package's path chooser). For
	 * benchmarks and logs.
	 *
	 * @throws UserException as {@link #convolve} does for these settings
	 */
	public static Method chosenMethod(Plane image, Kernel kernel, ConvolutionOptions options) {
		ConvolutionGeometry g = ConvolutionGeometry.of(image.width(), image.height(), kernel.width(),
			kernel.height(), options);
		return PathChooser.choose(image, Collections.singletonList(weights(kernel, options)),
			Collections.singletonList(g), options)[0];
	}

	/**
	 * The paths for the kernels as the options ask or the cost model picks. Kernels of one size that go to the
	 * FFT path share one path, so that each image tile is transformed once for all of them; kernels of one size
	 * that go to the direct path share one too, so that each image row is read and copied once for all of them
	 * (a bank of small kernels is bound by memory traffic). Separable kernels each have their own.
	 *
	 * @param methods each kernel's path, as {@link PathChooser#choose} gives it for the whole call
	 */
	static List<ConvolutionPath> plan(Plane image, List<float[]> weights, List<ConvolutionGeometry> geometries,
		Method[] methods, ConvolutionOptions options, int threads, List<float[]> outputs)
	{
		List<ConvolutionPath> paths = new ArrayList<>();
		Map<String, List<Integer>> fftGroups = new LinkedHashMap<>();
		Map<String, List<Integer>> directGroups = new LinkedHashMap<>();
		for (int n = 0; n < weights.size(); n++) {
			ConvolutionGeometry g = geometries.get(n);
			switch (methods[n]) {
				case SEPARABLE:
					paths.add(new SeparableConvolution(image, weights.get(n), g, options, threads,
						outputs.get(n)));
					break;
				case FFT:
					group(fftGroups, g).add(n);
					break;
				default:
					group(directGroups, g).add(n);
			}
		}
		for (List<Integer> group : directGroups.values()) {
			List<List<float[]>> w = new ArrayList<>();
			List<float[]> out = new ArrayList<>();
			for (int n : group) {
				w.add(Collections.singletonList(weights.get(n)));
				out.add(outputs.get(n));
			}
			paths.add(new DirectConvolution(Collections.singletonList(image), w, geometries.get(group.get(0)), options,
				threads, out));
		}
		for (List<Integer> group : fftGroups.values()) {
			ConvolutionGeometry g = geometries.get(group.get(0));
			List<float[]> w = new ArrayList<>(), out = new ArrayList<>();
			for (int n : group) {
				w.add(weights.get(n));
				out.add(outputs.get(n));
			}
			FftConvolution fft = new FftConvolution(image, w, g, options,
				FftConvolution.plan(g, options, group.size(), FftPlan.MAX_TILE), out);
			fft.prepare();
			paths.add(fft);
		}
		return paths;
	}

	/**
	 * The heap a call on a {@code width × height} image may take besides the image and its feature maps, for callers
	 * that budget memory ahead (the blockwise job): the FFT path's tiles and kernel spectra
	 * ({@link FftPlan#workBytes}, at most four times the image's bytes or 8 MB) for the kernels it would take on an
	 * image without NaN or infinity (with them it takes fewer); the direct and separable paths need only a few rows
	 * per thread, counted as nothing here.
	 *
	 * @throws UserException as {@link #convolve} would for these kernels on such an image
	 */
	public static long workingBytes(int width, int height, List<Kernel> kernels, ConvolutionOptions options) {
		List<ConvolutionGeometry> geometries = new ArrayList<>();
		List<float[]> weights = new ArrayList<>();
		for (Kernel k : kernels) {
			geometries.add(ConvolutionGeometry.of(width, height, k.width(), k.height(), options));
			weights.add(weights(k, options));
		}
		Method[] methods = PathChooser.choose(() -> 0L, weights, geometries, options);
		Map<String, List<Integer>> fftGroups = new LinkedHashMap<>();
		for (int n = 0; n < methods.length; n++) {
			if (methods[n] == Method.FFT) group(fftGroups, geometries.get(n)).add(n);
		}
		long bytes = 0;
		for (List<Integer> group : fftGroups.values()) {
			bytes += FftConvolution.plan(geometries.get(group.get(0)), options, group.size(), FftPlan.MAX_TILE).workBytes();
		}
		return bytes;
	}

	/** The kernels of {@code g}'s kernel size among {@code groups}, keyed by that size. */
	private static List<Integer> group(Map<String, List<Integer>> groups, ConvolutionGeometry g) {
		String key = g.kernelWidth() + "x" + g.kernelHeight();
		List<Integer> group = groups.get(key);
		if (group == null) groups.put(key, group = new ArrayList<>());
		return group;
	}

	/**
	 * Refuses, before any image is read, a forced method that no image can run with these kernels: separable on
	 * a kernel that is not separable (a front end that runs many images says so once, not once per image).
	 *
	 * @throws UserException as {@link #convolve} would for every image
	 */
	public static void checkMethod(List<Kernel> kernels, ConvolutionOptions options) {
		if (options.method() != Method.SEPARABLE) return;
		for (Kernel k : kernels) {
			if (Separation.of(weights(k, options), k.height(), k.width()) == null) {
				throw SeparableConvolution.notSeparable(k.width(), k.height());
			}
		}
	}

	/** The kernel as it slides over the image: normalised and rotated as the options ask, as floats. */
	static float[] weights(Kernel kernel, ConvolutionOptions options) {
		Kernel k = options.normalize() ? kernel.normalized() : kernel;
		if (options.flip()) k = k.flipped();
		double[] values = k.values();
		float[] w = new float[values.length];
		for (int i = 0; i < values.length; i++) w[i] = (float) values[i];
		return w;
	}

	/**
	 * New zeroed output planes, checked against the free heap first. Several outputs are allocated on the
	 * options' threads at once: zeroing a 4096² plane takes about 3 ms, which a bank of 8 would otherwise spend on
	 * one thread while the others wait.
	 */
	static List<float[]> allocate(List<ConvolutionGeometry> geometries, long bytes, int threads) {
		for (ConvolutionGeometry g : geometries) {
			if ((long) g.outputWidth() * g.outputHeight() > Integer.MAX_VALUE - 8) {
				throw new UserException("the result would be " + g.outputWidth() + "×" + g.outputHeight()
					+ " pixels, more than one plane can hold (2^31); use a stride or a smaller image");
			}
		}
		checkFree(bytes, Convolution::freeHeap, System::gc);
		Runtime rt = Runtime.getRuntime();
		float[][] made = new float[geometries.size()][];
		List<float[]> outputs;
		try {
			Parallel.forEach(made.length, threads, ProgressListener.NONE, new Parallel.Unit() {
				@Override
				public void run(int n, Scratch scratch) {
					ConvolutionGeometry g = geometries.get(n);
					made[n] = new float[g.outputWidth() * g.outputHeight()];
				}
			});
			outputs = new ArrayList<>(Arrays.asList(made));
		}
		catch (OutOfMemoryError e) {
			// the free heap was enough on paper, but not in one piece or not beside the rest of the work
			throw new UserException("not enough memory: the result needs " + mb(bytes) + " MB, which Java could not"
				+ " find in its " + mb(rt.maxMemory()) + " MB heap beside what is already there; " + MORE_MEMORY);
		}
		return outputs;
	}

	/**
	 * Refuses {@code bytes} more than the free heap holds, asking for a collection once before refusing: garbage
	 * (a previous block's or image's planes) counts as used until collected, and refusing on its account would fail
	 * a run that fits.
	 */
	static void checkFree(long bytes, java.util.function.LongSupplier freeHeap, Runnable collect) {
		if (bytes <= freeHeap.getAsLong()) return;
		collect.run();
		long free = freeHeap.getAsLong();
		if (bytes > free) throw notEnoughMemory(bytes, free);
	}

	private static long freeHeap() {
		Runtime rt = Runtime.getRuntime();
		return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
	}

	private static final String MORE_MEMORY = "give Java more memory (ImageJ: Edit > Options > Memory & Threads; "
		+ "java -Xmx...), use fewer kernels, a stride, or a smaller image";

	private static UserException notEnoughMemory(long needed, long free) {
		return new UserException("not enough memory: the result needs " + mb(needed) + " MB but only "
			+ mb(free) + " MB are free; " + MORE_MEMORY);
	}

	private static long mb(long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}
}
