package io.github.convolve2d.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A choice with a user-facing label and accepted aliases, as shown in dialogs, macro options and the CLI.
 * The static helpers let every option enum parse text the same way: case-insensitive, by label or alias,
 * with an error message that lists what would have been accepted.
 */
public interface Labelled {

	/** The canonical label, e.g. {@code "replicate"}. */
	String label();

	/** Other names accepted when parsing, e.g. {@code "nearest"}; never includes the label itself. None by default. */
	default List<String> aliases() {
		return Collections.emptyList();
	}

	/**
	 * Finds the constant whose label or alias equals {@code text} (ignoring case and surrounding spaces).
	 *
	 * @param what the option's name for the error message, e.g. {@code "border"}
	 * @throws UserException naming the bad text (as an {@link Excerpt}), the closest label when it looks like a
	 *         typo, and the accepted labels
	 */
	static <E extends Enum<E> & Labelled> E parse(Class<E> type, String text, String what) {
		if (text == null || text.trim().isEmpty()) {
			throw new UserException("no " + what + " given; use one of " + labels(type));
		}
		String wanted = text.trim().toLowerCase(Locale.ROOT);
		for (E e : type.getEnumConstants()) {
			if (e.label().equals(wanted) || e.aliases().contains(wanted)) return e;
		}
		List<String> names = new ArrayList<>();
		for (E e : type.getEnumConstants()) {
			names.add(e.label());
			names.addAll(e.aliases());
		}
		String hint = Suggestions.didYouMean(text.trim(), names);
		throw new UserException("unknown " + what + " '" + Excerpt.of(text.trim()) + "'"
			+ (hint.isEmpty() ? "; use one of " + labels(type) : hint + " (one of " + labels(type) + ")"));
	}

	/** The canonical labels of all constants, in declaration order (for dialogs and help texts). */
	static <E extends Enum<E> & Labelled> List<String> labels(Class<E> type) {
		List<String> labels = new ArrayList<>();
		for (E e : type.getEnumConstants()) labels.add(e.label());
		return labels;
	}
}
