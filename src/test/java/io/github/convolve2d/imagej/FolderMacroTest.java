package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import io.github.convolve2d.core.ProgressListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/convolve_folder.ijm run headlessly by ImageJ's macro interpreter (IJ.runMacroFile) on a temporary
 * folder: every image convolved, every 32-bit result saved and equal to the plugin's own output.
 */
class FolderMacroTest {

	private static final String MACRO = "macros/convolve_folder.ijm";

	@BeforeEach
	void reset() {
		HeadlessImageJ.reset();
	}

	@Test
	void convolvesEveryImageOfAFolder(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in images"));
		Path out = dir.resolve("out");
		for (String name : new String[] { "microaneurysms.png", "multipage.tif", "chessboard_GRAY_U16.tif" }) {
			Files.copy(HeadlessImageJ.SAMPLES.resolve(name), in.resolve(name));
		}
		Files.write(in.resolve("notes.txt"), "not an image".getBytes("UTF-8"));
		String options = "preset=[Sobel X, Sobel Y] mode=same border=reflect stack";
		HeadlessImageJ.registerCommands();
		IJ.runMacroFile(MACRO, "input=[" + in + "] output=[" + out + "] options=[" + options + "]");

		ConvolveSettings settings = ConvolveSettings.fromMacro(options);
		for (String name : new String[] { "microaneurysms", "multipage", "chessboard_GRAY_U16" }) {
			Path saved = out.resolve(name + "-Sobel X+Sobel Y.tif");
			assertTrue(Files.isRegularFile(saved), "missing " + saved);
			ImagePlus result = IJ.openImage(saved.toString());
			assertNotNull(result, "cannot read " + saved);
			assertEquals(32, result.getBitDepth());
			ImagePlus source = IJ.openImage(in.resolve(name + (name.equals("microaneurysms") ? ".png" : ".tif")).toString());
			ImagePlus expected = FeatureMaps.compute(source, settings, 1, ProgressListener.NONE);
			assertEquals(expected.getStackSize(), result.getStackSize(), name);
			for (int n = 1; n <= expected.getStackSize(); n++) {
				assertArrayEquals((float[]) expected.getStack().getPixels(n), (float[]) result.getStack().getPixels(n),
					name + " slice " + n);
			}
		}
		assertFalse(Files.exists(out.resolve("notes-Sobel X+Sobel Y.tif")));
	}

	@Test
	void aBadOptionStopsTheRunWithOneLine(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = dir.resolve("out");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		HeadlessImageJ.registerCommands();
		IJ.runMacroFile(MACRO, "input=[" + in + "] output=[" + out + "] options=[preset=[Sobel Q]]");
		assertEquals(0, Files.list(out).count(), "nothing saved");
	}
}
