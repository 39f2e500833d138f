package io.github.convolve2d.core;

/**
 * The one way a message quotes what a user gave: short and on one line. A value of 55 MB, or one holding line
 * breaks, is echoed as its start, then {@code …} and its length, so that an error stays readable and never
 * grows with the input.
 */
public final class Excerpt {

	/** Most characters quoted as they are. */
	public static final int MAX = 40;

	private Excerpt() {
	}

	/**
	 * {@code text} when it is at most {@value #MAX} characters, else its first characters followed by
	 * {@code "… (N characters)"}; line breaks and other control characters show as {@code ⏎} or a space.
	 */
	public static String of(String text) {
		return of(text, MAX);
	}

	/**
	 * {@code text} whole, on one line: line breaks show as {@code ⏎} and other control characters as a space, so that
	 * a file's name (or a message quoting it) keeps a log's line one line for whoever reads or parses it.
	 */
	public static String line(String text) {
		return of(text, Integer.MAX_VALUE);
	}

	/** As {@link #of(String)} for at most {@code max} characters (a file path may deserve more than a value). */
	public static String of(String text, int max) {
		if (text == null) return "null";
		boolean cut = text.length() > max;
		int end = cut ? Math.max(1, max - 10) : text.length();
		if (cut && Character.isHighSurrogate(text.charAt(end - 1))) end--;
		StringBuilder sb = new StringBuilder(end + 24);
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			sb.append(c == '\n' || c == '\r' ? '⏎' : Character.isISOControl(c) ? ' ' : c);
		}
		if (cut) sb.append("… (").append(String.format(java.util.Locale.ROOT, "%,d", text.length()))
			.append(" characters)");
		return sb.toString();
	}
}
