package io.github.convolve2d.core;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * "Did you mean …?" for every name a user types (commands, options, JSON keys, modes, borders, presets): the
 * known name closest to the typed one by Damerau–Levenshtein distance (a swap of two neighbouring letters counts
 * as one edit, so {@code btach} is one edit from {@code batch} and two from {@code bench}), ignoring case.
 */
public final class Suggestions {

	private Suggestions() {
	}

	/**
	 * The choice closest to {@code typed}, when it is close enough to be a typo: at most one edit for names of up
	 * to four letters, two up to eight, three beyond. Ties go to the earlier choice.
	 */
	public static Optional<String> closest(String typed, Collection<String> choices) {
		if (typed == null || typed.isEmpty() || typed.length() > 64) return Optional.empty();
		String t = typed.toLowerCase(Locale.ROOT);
		int allowed = t.length() <= 4 ? 1 : t.length() <= 8 ? 2 : 3;
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String c : choices) {
			int d = distance(t, c.toLowerCase(Locale.ROOT));
			if (d < bestDistance) {
				bestDistance = d;
				best = c;
			}
		}
		return bestDistance <= allowed && bestDistance > 0 ? Optional.of(best) : Optional.empty();
	}

	/** {@code "; did you mean 'CHOICE'?"} for a close choice, else the empty string. */
	public static String didYouMean(String typed, Collection<String> choices) {
		return closest(typed, choices).map(c -> "; did you mean '" + c + "'?").orElse("");
	}

	/**
	 * For PyTorch's {@code padding} and {@code padding_mode} (also {@code --padding-mode}), which no front end has:
	 * {@code "; PyTorch's padding is MODE here: …"} naming the option that does it, with {@code option} turning
	 * {@code mode} or {@code border} into the front end's spelling ({@code --mode}, {@code "mode"}); else the empty
	 * string. The mapping is docs/SEMANTICS.md's; {@code reflect} is named because it means another border here.
	 */
	public static String pyTorch(String typed, UnaryOperator<String> option) {
		if (typed == null) return "";
		String t = typed.replaceFirst("^-+", "").replace('-', '_').toLowerCase(Locale.ROOT);
		if (t.equals("padding")) {
			return "; PyTorch's padding is " + option.apply("mode") + " here: padding=0 is valid, (k-1)/2 or 'same' "
				+ "for an odd kernel extent k is same, k-1 is full; other paddings (a crop of full) and an even kernel's "
				+ "'same' (same with flip) are in docs/SEMANTICS.md, \"Convolution layers\"";
		}
		if (t.equals("padding_mode") || t.equals("paddingmode")) {
			return "; PyTorch's padding_mode is " + option.apply("border") + " here: 'zeros' is constant, 'reflect' is "
				+ "mirror (reflect here repeats the edge pixel, as numpy's symmetric), 'replicate' is replicate, 'circular' is wrap";
		}
		return "";
	}

	/** Edits (insert, delete, replace, swap of neighbours) between {@code a} and {@code b}. */
	static int distance(String a, String b) {
		int n = a.length(), m = b.length();
		int[][] d = new int[n + 1][m + 1];
		for (int i = 0; i <= n; i++) d[i][0] = i;
		for (int j = 0; j <= m; j++) d[0][j] = j;
		for (int i = 1; i <= n; i++) {
			for (int j = 1; j <= m; j++) {
				int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[n][m];
	}
}
