package io.github.convolve2d.core;

/**
 * What a convolution layer applies to each output after the bias: {@link #NONE} keeps the value, {@link #RELU}
 * gives {@code max(0, x)} as CNN layers do (NaN stays NaN).
 */
public enum Activation implements Labelled {
	NONE("none"), RELU("relu");

	private final String label;

	Activation(String label) {
		this.label = label;
	}

	@Override
	public String label() {
		return label;
	}

	/** The activation of one value. */
	public float apply(float x) {
		return this == RELU && x < 0 ? 0f : x;
	}

	/** Parses a label, ignoring case; throws {@link UserException} listing the choices. */
	public static Activation fromLabel(String text) {
		return Labelled.parse(Activation.class, text, "activation");
	}
}
