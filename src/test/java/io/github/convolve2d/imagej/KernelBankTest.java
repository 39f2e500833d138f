package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.KernelFiles;
import io.github.convolve2d.kernel.KernelParser;
import io.github.convolve2d.kernel.Presets;
import io.github.convolve2d.image.FeatureMaps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the dialog's preset choice and kernel text become kernels, and back: no display needed. */
class KernelBankTest {

	@Test
	void aKernelFileHoldingAFixedPresetMatchesIt(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("edges.txt");
		Files.write(file, "-1\t0\t1\n-2\t0\t2\n-1\t0\t1\n".getBytes(StandardCharsets.UTF_8));
		assertEquals(Optional.of("Sobel X"), KernelBank.matchingPreset(KernelFiles.read(file)));
		assertEquals(Optional.of("Sobel Y"), KernelBank.matchingPreset(KernelParser.parse("-1 -2 -1; 0 0 0; 1 2 1")));
		assertEquals(Optional.of("Laplacian 4-neighbour"),
			KernelBank.matchingPreset(KernelParser.parse("0 1.0 0; 1 -4 1; 0 1 0")));
	}

	@Test
	void otherKernelsAndParameterisedPresetsStayCustom() {
		assertEquals(Optional.empty(), KernelBank.matchingPreset(KernelParser.parse("-1 0 1; -2 0 2; -1 0 2")));
		assertEquals(Optional.empty(), KernelBank.matchingPreset(KernelParser.parse("1 2; 3 4")));
		Kernel gaussian = Presets.resolve("gaussian");
		assertEquals(Optional.empty(), KernelBank.matchingPreset(gaussian));
	}

	@Test
	void aLoneCustomCoversEveryTypedKernel() {
		// the dialog sends preset=Custom once a bank's text is edited, or when several kernels are typed
		KernelBank bank = KernelBank.of("Custom", "-1 0 1\n-2 0 2\n-1 0 1\n|\n1 2\n3 4\n|\n5");
		assertEquals("Custom+Custom 2+Custom 3", FeatureMaps.kernelNames(bank.kernels()));
		assertEquals(4, bank.kernels().get(1).get(1, 1));
		assertEquals("custom,custom,custom", bank.presetText());
		assertEquals(bank.kernels(), KernelBank.of(bank.presetText(), bank.kernelLine()).kernels());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> KernelBank.of("Sobel X", "-1 0 1; -2 0 2; -1 0 1 | 1 2"));
		assertTrue(e.getMessage().contains("preset= names 1 kernel(s) but kernel= holds 2"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> KernelBank.of("Custom", " \n "));
		assertTrue(e.getMessage().contains("type it in the dialog's text area"), e.getMessage());
	}

	@Test
	void everyFixedPresetMatchesItself() {
		Presets.all().stream().filter(p -> !p.isParameterised()).forEach(p ->
			assertEquals(Optional.of(p.label()), KernelBank.matchingPreset(KernelParser.parse(p.kernel().toText()))));
	}
}
