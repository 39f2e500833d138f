package io.github.convolve2d.image;

/** Which planes of a stack or hyperstack the image engine convolves. */
public enum Planes {
	/** Every channel, slice and frame. */
	ALL,
	/** Only the displayed plane (the image's current channel, slice and frame). */
	CURRENT
}
