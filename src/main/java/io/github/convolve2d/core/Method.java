package io.github.convolve2d.core;

/**
 * Which algorithm computes a convolution. {@link #AUTO} lets the core's cost model pick ({@link PathChooser});
 * forcing a path is meant for tests and benchmarks, since every path computes the same result (SEMANTICS.md):
 * {@link #DIRECT} sums the taps, {@link #SEPARABLE} runs a row pass and a column pass (rank-1 kernels only;
 * forcing it on another kernel is an error), {@link #FFT} multiplies spectra tile by tile.
 */
public enum Method implements Labelled {
	AUTO("auto"), DIRECT("direct"), SEPARABLE("separable"), FFT("fft");

	private final String label;

	Method(String label) {
		this.label = label;
	}

	@Override
	public String label() {
		return label;
	}

	/** Parses a label, ignoring case; throws {@link UserException} listing the choices. */
	public static Method fromLabel(String text) {
		return Labelled.parse(Method.class, text, "method");
	}
}
