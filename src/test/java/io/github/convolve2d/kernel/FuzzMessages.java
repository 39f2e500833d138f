package io.github.convolve2d.kernel;

import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the fuzz suites ask of a message for a user's mistake: present, short, one clear sentence for a person,
 * never an exception type or a Java package (those belong to bugs), and mutations of texts for them to feed in.
 */
public final class FuzzMessages {

	private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z]+(Exception|Error)\\b|java\\.|com\\.google|"
		+ "picocli\\.|\\$\\.|setLenient|\\bnull\\b:");

	private FuzzMessages() {
	}

	/** Asserts that {@code message} (for the input {@code what}) is one a user can act on. */
	public static void assertClear(String message, String what) {
		assertNotNull(message, what);
		assertFalse(message.trim().isEmpty(), what);
		assertTrue(message.length() <= 600, "too long (" + message.length() + "): " + message + " for " + what);
		assertFalse(TYPE_NAME.matcher(message).find(), "names a type: " + message + " for " + what);
	}

	/** {@code text} with one to four random edits: a character inserted, deleted, replaced or a part repeated. */
	public static String mutate(String text, Random rnd, String alphabet) {
		StringBuilder sb = new StringBuilder(text);
		int edits = 1 + rnd.nextInt(4);
		for (int e = 0; e < edits; e++) {
			int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
			char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
			switch (rnd.nextInt(5)) {
				case 0:
					sb.insert(at, c);
					break;
				case 1:
					if (at < sb.length()) sb.deleteCharAt(at);
					break;
				case 2:
					if (at < sb.length()) sb.setCharAt(at, c);
					break;
				case 3: {
					int to = Math.min(sb.length(), at + 1 + rnd.nextInt(8));
					String part = sb.substring(at, to);
					sb.insert(at, part.repeat(1 + rnd.nextInt(3)));
					break;
				}
				default:
					if (sb.length() > 0) sb.setLength(rnd.nextInt(sb.length()));
			}
		}
		return sb.toString();
	}
}
