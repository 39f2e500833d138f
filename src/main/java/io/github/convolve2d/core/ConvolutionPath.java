package io.github.convolve2d.core;

/**
 * One way of computing a convolution (direct, separable, FFT), split into independent work units that
 * {@link Parallel} spreads over threads; each unit writes a disjoint part of its output plane(s).
 */
interface ConvolutionPath {

	/** Number of independent work units. */
	int units();

	/** Computes unit {@code unit} using the calling thread's work arrays. */
	void compute(int unit, Scratch scratch);
}
