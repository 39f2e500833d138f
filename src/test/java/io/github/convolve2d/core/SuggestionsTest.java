package io.github.convolve2d.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Did-you-mean by Damerau–Levenshtein distance, and short echoes of what users typed. */
class SuggestionsTest {

	private static final List<String> COMMANDS = List.of("json", "batch", "kernels", "bench", "help");

	@Test
	void aSwapOfNeighboursIsOneEdit() {
		// issue 9 item 15: 'btach' once suggested 'bench'
		assertEquals(1, Suggestions.distance("btach", "batch"));
		assertEquals(Optional.of("batch"), Suggestions.closest("btach", COMMANDS));
		assertEquals(Optional.of("kernels"), Suggestions.closest("kernles", COMMANDS));
		assertEquals(Optional.of("json"), Suggestions.closest("JSN", COMMANDS));
		assertEquals(Optional.of("--threads"), Suggestions.closest("--thread", List.of("--threads", "--mode")));
	}

	@Test
	void farNamesGetNoSuggestion() {
		assertEquals(Optional.empty(), Suggestions.closest("convolve", COMMANDS));
		assertEquals(Optional.empty(), Suggestions.closest("x", COMMANDS));
		assertEquals(Optional.empty(), Suggestions.closest("json", COMMANDS)); // an exact name is no typo
		assertEquals("", Suggestions.didYouMean("zzz", COMMANDS));
		assertEquals("; did you mean 'bench'?", Suggestions.didYouMean("bensh", COMMANDS));
	}

	@Test
	void excerptsAreShortAndOnOneLine() {
		assertEquals("0,5", Excerpt.of("0,5"));
		String big = "7".repeat(55_000_000);
		String e = Excerpt.of(big);
		assertEquals("777777777777777777777777777777… (55,000,000 characters)", e);
		assertEquals("a⏎b c", Excerpt.of("a\nb\tc"));
		assertTrue(Excerpt.of("😀".repeat(30)).length() <= Excerpt.MAX + 30);
	}
}
