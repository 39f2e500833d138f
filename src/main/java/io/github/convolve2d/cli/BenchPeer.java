package io.github.convolve2d.cli;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Plane;

/**
 * Another library's 2D correlation, timed side by side with Convolve 2D by {@code bench} on the settings where
 * they agree ({@code same} size, replicate border, kernel not flipped, no normalisation, odd kernels).
 */
interface BenchPeer {

	/** The peer's name as {@code bench} prints it. */
	String name();

	/**
	 * Prepares one timed operation: the image and kernel converted into the peer's own types once, outside the
	 * timing; each {@link Run#run()} then computes a new output image, as a convolution that returns its result
	 * does.
	 */
	Run prepare(Plane image, Kernel kernel, int threads);

	/** One prepared operation. */
	interface Run {
		/** Computes the output (into a new image); timed. */
		void run();

		/** The last output as row-major floats, for the difference to Convolve 2D; not timed. */
		float[] result();

		/** Frees what the peer holds outside the Java heap. */
		default void close() {
		}
	}
}
