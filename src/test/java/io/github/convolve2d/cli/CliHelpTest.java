package io.github.convolve2d.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the options every command lists in its {@code --help} ({@code -h}, {@code -V}) print. */
class CliHelpTest {

	/** Every command's help lists {@code -V, --version}; each printed nothing and exited 0 but the top level's. */
	@Test
	void everyCommandPrintsTheVersionItsHelpPromises() {
		String version = CliRun.run("--version").out;
		assertEquals("Convolve 2D 0.1.0", version);
		for (String command : new String[] { "json", "batch", "kernels", "bench" }) {
			for (String option : new String[] { "-V", "--version" }) {
				CliRun r = CliRun.run(command, option);
				assertEquals(0, r.code, command + " " + option + ": " + r);
				assertEquals(version, r.out, command + " " + option + ": " + r);
			}
		}
	}

	/** batch --help named no forced path ("auto (default) or a forced path"): a user had to guess 'fft'. */
	@Test
	void batchHelpNamesEveryMethod() {
		String help = CliRun.run("batch", "--help").out;
		int at = help.lastIndexOf("--method=METHOD");
		String method = help.substring(at, help.indexOf("--threads=N", at)).replaceAll("\\s+", " ");
		for (io.github.convolve2d.core.Method m : io.github.convolve2d.core.Method.values()) {
			assertTrue(method.contains(m.label()), m.label() + " in: " + method);
		}
	}

	/**
	 * The kernels command names a parameterised preset by its default and says the range of its parameter; it read
	 * 'Gaussian [σ, default Gaussian σ=1, e.g. gaussian:2]', the label twice and no range.
	 */
	@Test
	void kernelsListsAParameterisedPresetByItsDefaultAndRange() {
		CliRun r = CliRun.run("kernels");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("gaussian       Gaussian σ=1 (σ from 0.1 to 100, e.g. gaussian:2)  (7×7)"), r.out);
		assertTrue(r.out.contains("sobel-x        Sobel X  (3×3)"), r.out);
	}
}
