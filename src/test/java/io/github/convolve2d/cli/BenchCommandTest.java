package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code bench} command runs end to end on a tiny image: every section it was asked for, each first-call heap
 * set-up in its own child JVMs, and the count of targets. What it measures is for the bench itself to show, never
 * for a test to time.
 */
class BenchCommandTest {

	@Test
	void helpSentencesAreNotBrokenMidLine() {
		// picocli starts a line for each description element: a sentence split over two elements broke after "its"
		CliRun r = CliRun.run("bench", "--help");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("\nOpenCV is timed when its bindings are on the class path (see README).\n"), r.out);
	}

	@Test
	void runsItsSectionsOnATinyImage() {
		CliRun r = CliRun.run("bench", "--size", "64", "--kernels", "3,9", "--runs", "1", "--jvms", "1",
			"--sections", "large,bank,first,image");
		assertEquals(0, r.code, r.toString());
		for (String part : new String[] { "[large] 64×64", "3×3 random", "9×9 random", "Gaussian 15×15", "[bank]",
			"[first] fresh JVMs (1 starts each)", "[image] a 16-bit 64×64 image" })
		{
			assertTrue(r.out.contains(part), "no '" + part + "' in\n" + r.out);
		}
		boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
		if (Files.isReadable(Paths.get("/sys/kernel/mm/transparent_hugepage/enabled"))) {
			assertTrue(Pattern.compile("(?m)^JVM .*; transparent huge pages: (always|madvise|never)").matcher(r.out).find(),
				r.out);
		}
		for (String kernel : new String[] { "3×3", "9×9" }) {
			for (String heap : linux ? new String[] { "default", "thp", "touched" } : new String[] { "default", "touched" }) {
				Pattern row = Pattern.compile("(?m)^" + kernel + " +" + heap + " +[0-9.]+ +[0-9.]+ +[0-9.]+× +[0-9 ]+ +[0-9.]+ ");
				assertTrue(row.matcher(r.out).find(), "no " + kernel + " " + heap + " row in\n" + r.out);
			}
		}
		assertTrue(Pattern.compile("(?m)^ImageJ's Gaussian Blur \\(σ=2\\.5, .*\\): [0-9.]+¹? ms; ours, preset gaussian:2\\.5 "
			+ "\\(17×17, \\w+\\): [0-9.]+¹? ms \\([0-9.]+×\\)$").matcher(r.out).find(), r.out);
		for (String who : new String[] { "ImageJ", "ours" }) {
			Pattern row = Pattern.compile("(?m)^" + who + " +[0-9.]+ +[0-9.]+¹?$");
			assertTrue(row.matcher(r.out).find(), "no [image] row for " + who + " in\n" + r.out);
		}
		assertTrue(Pattern.compile("(?m)^×ImageJ +[0-9.]+× +[0-9.]+×$").matcher(r.out).find(), r.out);
		Matcher summary = Pattern.compile("(?m)^bench: (\\d+) of (\\d+) targets met$").matcher(r.out);
		assertTrue(summary.find(), r.out);
		// large: 3 rows with their targets (3×3 has three, the others two), bank: 1, first: 2 per kernel, image: none
		assertEquals(7 + 1 + 4, Integer.parseInt(summary.group(2)), r.out);
		assertTrue(r.out.contains("only indicative"), "a size other than 4096 says so: " + r.out);
	}
}
