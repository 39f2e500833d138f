package io.github.convolve2d.core;

import io.github.convolve2d.kernel.Kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * Work is spread over {@link ConvolutionOptions#threads()} threads; a {@link ProgressListener} sees progress
 * and may cancel. Errors a user can make (kernel too large for valid mode, result too large for memory) are
 * thrown as {@link IllegalArgumentException} with a message saying what to change.
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
	 * @throws IllegalArgumentException for an empty bank, a kernel larger than the image in valid mode or a
	 *         result that does not fit in memory
	 * @throws java.util.concurrent.CancellationException when the listener cancelled; no result is returned
	 */
	public static List<Plane> convolve(Plane image, List<Kernel> kernels, ConvolutionOptions options,
		ProgressListener listener)
	{
		Objects.requireNonNull(image, "image");
		Objects.requireNonNull(options, "options");
		Objects.requireNonNull(listener, "listener");
		if (kernels == null || kernels.isEmpty()) {
			throw new IllegalArgumentException("no kernel given; give at least one kernel");
		}
		List<ConvolutionGeometry> geometries = new ArrayList<>();
		long bytes = 0;
		for (Kernel k : kernels) {
			ConvolutionGeometry g =
				ConvolutionGeometry.of(image.width(), image.height(), k.width(), k.height(), options);
			geometries.add(g);
			bytes += 4L * g.outputWidth() * g.outputHeight();
		}
		List<float[]> outputs = allocate(geometries, bytes);

		List<DirectConvolution> paths = new ArrayList<>();
		int[] firstUnit = new int[kernels.size() + 1];
		for (int n = 0; n < kernels.size(); n++) {
			DirectConvolution path =
				new DirectConvolution(image, weights(kernels.get(n), options), geometries.get(n), options,
					options.threads());
			paths.add(path);
			firstUnit[n + 1] = firstUnit[n] + path.bands();
		}
		Parallel.forEach(firstUnit[kernels.size()], options.threads(), listener, unit -> {
			int n = 0;
			while (unit >= firstUnit[n + 1]) n++;
			paths.get(n).computeBand(unit - firstUnit[n], outputs.get(n));
		});

		List<Plane> planes = new ArrayList<>();
		for (int n = 0; n < kernels.size(); n++) {
			ConvolutionGeometry g = geometries.get(n);
			planes.add(Plane.wrap(g.outputWidth(), g.outputHeight(), outputs.get(n)));
		}
		return planes;
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

	private static List<float[]> allocate(List<ConvolutionGeometry> geometries, long bytes) {
		for (ConvolutionGeometry g : geometries) {
			if ((long) g.outputWidth() * g.outputHeight() > Integer.MAX_VALUE - 8) {
				throw new IllegalArgumentException("the result would be " + g.outputWidth() + "×" + g.outputHeight()
					+ " pixels, more than one plane can hold (2^31); use a stride or a smaller image");
			}
		}
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (bytes > free) throw notEnoughMemory(bytes, free);
		List<float[]> outputs = new ArrayList<>();
		try {
			for (ConvolutionGeometry g : geometries) outputs.add(new float[g.outputWidth() * g.outputHeight()]);
		}
		catch (OutOfMemoryError e) {
			outputs.clear();
			throw notEnoughMemory(bytes, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
		}
		return outputs;
	}

	private static IllegalArgumentException notEnoughMemory(long needed, long free) {
		return new IllegalArgumentException("not enough memory: the result needs " + mb(needed) + " MB but only "
			+ mb(free) + " MB are free; give Java more memory (ImageJ: Edit > Options > Memory & Threads; "
			+ "java -Xmx...), use fewer kernels, a stride, or a smaller image");
	}

	private static long mb(long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}
}
