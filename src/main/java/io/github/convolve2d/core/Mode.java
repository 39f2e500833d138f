package io.github.convolve2d.core;

/**
 * Output size of a convolution (SEMANTICS.md): {@code valid} keeps only outputs whose footprint lies inside
 * the image (the CNN default), {@code same} keeps the image size, {@code full} every output that
 * touches the image.
 */
public enum Mode implements Labelled {
	VALID("valid"), SAME("same"), FULL("full");

	private final String label;

	Mode(String label) {
		this.label = label;
	}

	@Override
	public String label() {
		return label;
	}

	/** Parses a label, ignoring case; throws {@link UserException} listing the choices. */
	public static Mode fromLabel(String text) {
		return Labelled.parse(Mode.class, text, "mode");
	}

	/** Size of the stride-1 output along an axis of {@code n} pixels for a kernel extent {@code extent}. */
	int stride1Size(int n, int extent) {
		switch (this) {
			case VALID: return n - extent + 1;
			case SAME: return n;
			default: return n + extent - 1;
		}
	}

	/**
	 * Offset of the kernel's first tap relative to the output position along an axis (SEMANTICS.md's
	 * {@code ay}/{@code ax}); a flipped kernel in {@code same} mode is anchored as scipy.ndimage.convolve does.
	 */
	int anchor(int extent, boolean flip) {
		switch (this) {
			case VALID: return 0;
			case SAME: return flip ? (extent - 1) / 2 : extent / 2;
			default: return extent - 1;
		}
	}
}
