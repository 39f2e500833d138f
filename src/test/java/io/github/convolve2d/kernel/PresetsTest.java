package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Kernel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

/** The preset catalogue: names, parameters and the analytic properties each kernel must have. */
class PresetsTest {

	@Test
	void idsAndLabelsAreUniqueAndResolveIgnoringCase() {
		Set<String> names = new HashSet<>();
		for (Preset p : Presets.all()) {
			Set<String> own = new HashSet<>(java.util.Arrays.asList(p.id(), p.label().toLowerCase()));
			for (String n : own) assertTrue(names.add(n), "name used twice: " + n);
			assertEquals(p.kernel().toRows().length, Presets.resolve(p.id()).height());
			assertArrayEquals(p.kernel().toRows(), Presets.resolve(p.label().toUpperCase()).toRows());
			assertArrayEquals(p.kernel().toRows(), Presets.resolve("[" + p.label() + "]").toRows());
		}
		assertTrue(Presets.all().size() >= 18);
	}

	@Test
	void parameterForms() {
		Kernel a = Presets.resolve("gaussian:2.5");
		assertEquals("Gaussian σ=2.5", a.name());
		assertArrayEquals(a.toRows(), Presets.resolve("[Gaussian σ=2.5]").toRows());
		assertArrayEquals(a.toRows(), Presets.resolve("Gaussian sigma=2.5").toRows());
		assertEquals(17, a.width()); // radius ceil(3σ) = 8
		assertEquals("Gaussian σ=1", Presets.resolve("gaussian").name());
	}

	@Test
	void analyticProperties() {
		for (String smoothing : new String[] { "box-3", "box-5", "gaussian:0.8", "gaussian:3", "identity", "unsharp:2",
			"sharpen" })
		{
			assertEquals(1, Presets.resolve(smoothing).sum(), 1e-12, smoothing + " keeps the mean");
		}
		for (String edge : new String[] { "sobel-x", "sobel-y", "prewitt-x", "prewitt-y", "scharr-x", "scharr-y",
			"laplacian-4", "laplacian-8", "log:1.4", "log:3", "roberts-cross", "imagej-edge" })
		{
			assertEquals(0, Presets.resolve(edge).sum(), 1e-12, edge + " is zero-sum");
		}
		Kernel g = Presets.resolve("gaussian:2");
		assertEquals(g.get(0, 3), g.get(3, 0), 0, "Gaussian is symmetric");
		assertTrue(Presets.resolve("log:2").get(6, 6) < 0, "LoG has a negative centre");
		assertArrayEquals(new double[][] { { 1, 0 }, { 0, -1 } }, Presets.resolve("Roberts cross").toRows());
		assertArrayEquals(new double[][] { { -1, -1, -1 }, { -1, 8, -1 }, { -1, -1, -1 } },
			Presets.resolve("laplacian-8").toRows());
	}

	@Test
	void errorsListTheChoices() {
		String unknown = assertThrows(IllegalArgumentException.class, () -> Presets.resolve("sobelx")).getMessage();
		assertTrue(unknown.startsWith("unknown preset 'sobelx'; did you mean 'sobel-x'? (presets: identity, box-3"),
			unknown);
		String far = assertThrows(IllegalArgumentException.class, () -> Presets.resolve("kirsch")).getMessage();
		assertTrue(far.startsWith("unknown preset 'kirsch'; use one of identity, box-3"), far);
		assertEquals("preset 'Sobel X' takes no parameter",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("sobel-x:2")).getMessage());
		assertEquals("preset 'Gaussian' needs σ from 0.1 to 100, got -1",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("gaussian:-1")).getMessage());
		assertEquals("preset 'Gaussian' needs σ from 0.1 to 100, got 100.5",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("gaussian:100.5")).getMessage());
		assertEquals("preset 'Gaussian' needs σ from 0.1 to 100, got Infinity",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("gaussian:1e999")).getMessage());
		assertEquals("preset 'Gaussian': 'abc' is not a number; write e.g. gaussian:2.5",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("gaussian:abc")).getMessage());
		// Java's own number syntax beyond decimals was taken: "2f" as σ=2, hexadecimal, "NaN"-like words
		for (String loose : new String[] { "2f", "2D", "0x1p1", "Infinity" }) {
			assertEquals("preset 'Gaussian': '" + loose + "' is not a number; write e.g. gaussian:2.5",
				assertThrows(IllegalArgumentException.class, () -> Presets.resolve("gaussian:" + loose)).getMessage());
		}
		assertEquals("Gaussian σ=0.5", Presets.resolve("gaussian:.5").name());
		assertEquals("Gaussian σ=2", Presets.resolve("gaussian:+2.").name());
		// the value left out: was "unknown preset 'gaussian:'", naming a preset that exists
		assertEquals("preset 'Gaussian' needs its σ after the ':'; write e.g. gaussian:2.5",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("gaussian:")).getMessage());
		assertEquals("preset 'LoG' needs its σ after the '='; write e.g. log:2.5",
			assertThrows(IllegalArgumentException.class, () -> Presets.resolve("[LoG σ=]")).getMessage());
	}
}
