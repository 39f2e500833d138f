package io.github.convolve2d.core;

import java.util.Arrays;
import java.util.List;

/**
 * How pixels outside the image are made up (names as in scipy.ndimage). For the row {@code a b c d}, the
 * pixels left of {@code a} are: {@code constant} {@code k k k}, {@code replicate} {@code a a a},
 * {@code reflect} {@code c b a} (edge pixel repeated), {@code mirror} {@code d c b} (edge pixel not
 * repeated), {@code wrap} {@code b c d}. Every mode holds however far a kernel reaches past the edge.
 */
public enum Border implements Labelled {
	CONSTANT("constant", "zero", "fill"),
	REPLICATE("replicate", "nearest", "edge", "clamp"),
	REFLECT("reflect", "symmetric"),
	MIRROR("mirror", "reflect101"),
	WRAP("wrap", "periodic", "circular");

	private final String label;
	private final List<String> aliases;

	Border(String label, String... aliases) {
		this.label = label;
		this.aliases = Arrays.asList(aliases);
	}

	@Override
	public String label() {
		return label;
	}

	@Override
	public List<String> aliases() {
		return aliases;
	}

	/** Parses a label or alias, ignoring case; throws {@link UserException} listing the choices. */
	public static Border fromLabel(String text) {
		return Labelled.parse(Border.class, text, "border");
	}

	/**
	 * Maps a coordinate {@code i} (any integer) on an axis of {@code n} pixels to the pixel it reads,
	 * or returns -1 for {@link #CONSTANT} outside the image.
	 */
	public int sourceIndex(int i, int n) {
		if (i >= 0 && i < n) return i;
		switch (this) {
			case CONSTANT:
				return -1;
			case REPLICATE:
				return i < 0 ? 0 : n - 1;
			case WRAP:
				return Math.floorMod(i, n);
			// periods in long: 2n overflows an int for an axis of 2^30 pixels or more (a blockwise source)
			case REFLECT: {
				long m = Math.floorMod((long) i, 2L * n); // period 2n: a b c d d c b a
				return (int) (m < n ? m : 2L * n - 1 - m);
			}
			default: { // MIRROR, period 2n-2: a b c d c b
				if (n == 1) return 0;
				long m = Math.floorMod((long) i, 2L * n - 2);
				return (int) (m < n ? m : 2L * n - 2 - m);
			}
		}
	}
}
