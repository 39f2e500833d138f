package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.Presets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dialog's kernel part, driven as the user drives the dialog, without a display. */
class DialogKernelTest {

	private static DialogKernel start(String options) {
		return DialogKernel.from(MacroOptions.parse(options));
	}

	private static ConvolveSettings settings(DialogKernel d) {
		return ConvolveSettings.from(MacroOptions.of(d.options()));
	}

	@Test
	void aPresetFillsRoundedTextButTheExactKernelRuns() {
		DialogKernel d = start("preset=sobel-x");
		d.choose("Gaussian", "2");
		assertTrue(d.usesSigma());
		assertTrue(d.text().startsWith("  4.92e-6  1.946e-5"), d.text());
		assertEquals(Presets.resolve("gaussian:2"), settings(d).kernels().kernels().get(0), "the exact kernel");
		assertEquals("preset=gaussian:2", "preset=" + settings(d).kernels().presetText());
		d.choose("Box mean 3x3", "2");
		assertFalse(d.usesSigma(), "σ only for presets that use it");
		assertEquals(Presets.resolve("box-3"), settings(d).kernels().kernels().get(0), "exactly 1/9");
	}

	@Test
	void editingMakesItCustomAndTheTextRuns() {
		DialogKernel d = start("preset=sobel-x");
		assertTrue(d.edited("-1 0 1\n-2 0 2\n-1 0 3\n"));
		assertEquals("Custom", d.choice());
		Kernel k = settings(d).kernels().kernels().get(0);
		assertEquals("Custom", k.name());
		assertEquals(3, k.get(2, 2));
		// rounded text of a Gaussian, once edited, runs as shown (the exact values are gone with the edit)
		d.choose("Gaussian", "1");
		assertFalse(d.edited(d.text() + " \n"), "spacing is no edit");
		assertEquals("Gaussian", d.choice());
		String shownSecond = d.text().trim().split("\\s+")[1];
		assertTrue(d.edited(d.text().replaceFirst("1.965e-5", "2e-5")));
		assertEquals("Custom", d.choice());
		Kernel edited = settings(d).kernels().kernels().get(0);
		assertEquals(2e-5, edited.get(0, 0));
		assertEquals(Double.parseDouble(shownSecond), edited.get(0, 1), "the other values as shown");
		assertTrue(Presets.resolve("gaussian:1").get(0, 1) != edited.get(0, 1));
	}

	@Test
	void textEqualToAPresetRegainsItsName() {
		DialogKernel d = start("preset=sobel-y");
		d.edited("1 2");
		assertTrue(d.edited("-1   0  1\n-2 0 2\n\n-1 0 1.0\n"));
		assertEquals("Sobel X", d.choice());
		assertEquals("preset=sobel-x", "preset=" + settings(d).kernels().presetText());
		d.edited("1/9 1/9 1/9; 1/9  1/9 1/9\n1/9 1/9 1/9");
		assertEquals("Box mean 3x3", d.choice(), "the preset's values");
		assertEquals(Presets.resolve("box-3"), settings(d).kernels().kernels().get(0));
		d.edited("0.1111 0.1111 0.1111; 0.1111 0.1111 0.1111; 0.1111 0.1111 0.1111");
		assertEquals("Custom", d.choice(), "0.1111 is not 1/9");
		d.choose("LoG", "1.4");
		d.edited(d.text().replaceFirst("-", "+"));
		assertEquals("Custom", d.choice());
		d.edited(d.text().replaceFirst("\\+", "-"));
		assertEquals("LoG", d.choice(), "back to the text last filled");
		assertEquals(Presets.resolve("log:1.4"), settings(d).kernels().kernels().get(0));
		d.edited("-1 0 1\n-2 0 2\n-1 0 1\n|\n-1 -2 -1\n0 0 0\n1 2 1");
		assertEquals("Sobel X, Sobel Y", d.choice(), "a bank too");
		d.edited("-1 0 1\n-2 0 2\n-1 0 1\n|\n-1 -2 -1\n0 0 0\n1 2 2");
		assertEquals("Custom", d.choice());
	}

	@Test
	void aKernelFileIsNamedAfterTheFileAndRunsExactly(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("edge.txt");
		Files.write(file, "0.123456789 -1\n1 0.5\n".getBytes(StandardCharsets.UTF_8));
		DialogKernel d = start("preset=sobel-x");
		d.open(file);
		assertEquals("Custom", d.choice());
		assertEquals("0.1235  -1\n     1 0.5\n", d.text());
		ConvolveSettings s = settings(d);
		assertEquals("edge", s.kernels().kernels().get(0).name());
		assertEquals(0.123456789, s.kernels().kernels().get(0).get(0, 0));
		assertEquals("preset=custom kernel=[0.123456789 -1; 1 0.5] name=edge", s.toMacroOptions().toString()
			.replaceFirst(" mode=.*", ""));
		Files.write(dir.resolve("sobel (copy).txt"), "-1 0 1\n-2 0 2\n-1 0 1\n".getBytes(StandardCharsets.UTF_8));
		d.open(dir.resolve("sobel (copy).txt"));
		assertEquals("Sobel X", d.choice(), "a file holding a preset shows as that preset");
		Files.write(dir.resolve("ké[1].txt"), "2".getBytes(StandardCharsets.UTF_8));
		d.open(dir.resolve("ké[1].txt"));
		assertEquals("k__1_", settings(d).kernels().kernels().get(0).name(), "names stay ASCII for the Recorder");
		assertThrows(UserException.class, () -> d.open(dir.resolve("missing.txt")));
	}

	@Test
	void aKernelThatCannotBeSavedSaysWhyNamingTheFileChosen(@TempDir Path dir) {
		Kernel sobel = Presets.resolve("sobel-x");
		Path missing = dir.resolve("gone").resolve("edge.txt");
		UserException e = assertThrows(UserException.class, () -> DialogKernel.save(sobel, missing));
		assertEquals("cannot save the kernel to " + missing + ": the folder " + missing.getParent() + " does not exist",
			e.getMessage(), "not the temporary file's name");
		e = assertThrows(UserException.class, () -> DialogKernel.save(sobel, dir));
		assertTrue(e.getMessage().endsWith(": it is a folder; give a file name"), e.getMessage());
		DialogKernel.save(sobel, dir.resolve("sobel.txt"));
		DialogKernel d = start("preset=box-3");
		d.open(dir.resolve("sobel.txt"));
		assertEquals("Sobel X", d.choice(), "saved and read back");
	}

	@Test
	void theLastRunComesBackAsItWas() {
		DialogKernel gaussian = start("preset=gaussian:2.5 mode=same");
		assertEquals("Gaussian", gaussian.choice());
		assertEquals("2.5", gaussian.sigma());
		assertEquals("Sobel X, Sobel Y", start("preset=sobel-x,sobel-y").choice());
		DialogKernel file = start("preset=custom kernel=[0.123456789 -1; 1 0.5] name=edge");
		assertEquals("Custom", file.choice());
		assertEquals("0.1235  -1\n     1 0.5\n", file.text());
		assertEquals("edge", settings(file).kernels().kernels().get(0).name());
		assertEquals(0.123456789, settings(file).kernels().kernels().get(0).get(0, 0));
		DialogKernel broken = start("preset=custom kernel=[1 2; 3 x]");
		assertEquals("1 2\n3 x", broken.text(), "values that failed stay to be fixed");
		assertThrows(UserException.class, () -> settings(broken));
	}

	@Test
	void saveTakesTheExactKernel() {
		DialogKernel d = start("preset=gaussian:1.5");
		assertEquals(Presets.resolve("gaussian:1.5").toText(), d.kernelToSave().toText());
		d.choose("Sobel X, Sobel Y", "1");
		UserException e = assertThrows(UserException.class, d::kernelToSave);
		assertTrue(e.getMessage().contains("holds 2"), e.getMessage());
		d.choose("Custom", "1");
		assertEquals(Collections.singletonList("Custom"),
			Collections.singletonList(settings(d).kernels().kernels().get(0).name()), "Custom renames the kernels");
	}
}
