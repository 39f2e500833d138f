package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;

/**
 * Error dialogs wrap their lines: ImageJ's dialog breaks lines only at line breaks, and the message for an unknown
 * preset, which names every preset, was wider than a 1600-pixel screen (its end and the OK button out of reach).
 */
class UserMessagesTest {

	@Test
	void longLinesAreBrokenAtSpacesAndNothingElseChanges() {
		String unknown;
		try {
			Presets.resolve("gausian");
			throw new AssertionError("an unknown preset is refused");
		}
		catch (RuntimeException e) {
			unknown = e.getMessage();
		}
		assertTrue(unknown.length() > 2 * UserMessages.DIALOG_COLUMNS, unknown);
		String wrapped = UserMessages.wrap(unknown, UserMessages.DIALOG_COLUMNS);
		for (String line : wrapped.split("\n")) {
			assertTrue(line.length() <= UserMessages.DIALOG_COLUMNS, line);
		}
		assertEquals(unknown, wrapped.replace('\n', ' '), "only spaces became line breaks");

		assertEquals("short stays", UserMessages.wrap("short stays", 20));
		assertEquals("a\nverylongwordthatdoesnotfit\nb", UserMessages.wrap("a verylongwordthatdoesnotfit b", 10));
		assertEquals("one two\nthree\n\nfour", UserMessages.wrap("one two three\n\nfour", 8), "breaks kept");
	}
}
