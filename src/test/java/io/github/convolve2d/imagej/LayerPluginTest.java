package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.macro.Interpreter;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.LayerMaps;
import io.github.convolve2d.image.Planes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * "Convolve 2D layer..." run by macros in a headless JVM: the recorded options replay to the image engine's
 * layer feature maps of an RGB sample, and mistakes print one line and stop the macro.
 */
class LayerPluginTest {

	@BeforeEach
	void reset() {
		HeadlessImageJ.reset();
	}

	private static String fixture(String name) throws Exception {
		Path p = Paths.get(LayerPluginTest.class.getResource("/io/github/convolve2d/kernel/" + name).toURI());
		return p.toString();
	}

	@Test
	void macroLineGivesTheEnginesLayerMapsOfAnRgbImage() throws Exception {
		LayerSettings settings = LayerSettings.fromMacro("weights=[" + fixture("weights-le-f8.npy") + "] bias=["
			+ fixture("bias.npy") + "] relu mode=valid border=wrap stride=2");
		String recorded = settings.toMacroOptions().toString();
		assertTrue(recorded.startsWith("weights=") && recorded.contains(" relu mode=valid border=wrap cval=0 stride=2"
			+ " dilation=1"), recorded);
		assertEquals(recorded, LayerSettings.fromMacro(recorded).toMacroOptions().toString(), "replays to itself");

		ImagePlus imp = HeadlessImageJ.open("ihc.png");
		ImagePlus expected = LayerMaps.compute(imp, settings.weights(), settings.activation(), settings.name(),
			settings.options().toBuilder().threads(1).build(), Planes.ALL, ProgressListener.NONE);
		String macro = "open('" + HeadlessImageJ.SAMPLES.resolve("ihc.png") + "');\n"
			+ "run(\"" + ConvolveLayerPlugin.COMMAND + "\", \"" + recorded.replace("\\", "\\\\") + "\");\n"
			+ "return getTitle() + ' ' + nSlices + ' ' + getWidth();";
		assertEquals("ihc-weights-le-f8 2 256", HeadlessImageJ.runMacro(macro));
		ImagePlus replay = Interpreter.getLastBatchModeImage();
		assertEquals(2, replay.getNChannels());
		assertEquals("feature 1", replay.getStack().getSliceLabel(1));
		for (int n = 1; n <= 2; n++) {
			assertArrayEquals((float[]) expected.getStack().getPixels(n), (float[]) replay.getStack().getPixels(n),
				"feature " + n);
		}
	}

	/**
	 * The line ImageJ's recorder writes, as it writes it: the value inside the macro's quoted string. A path with a
	 * backslash (every Windows path: C:\Users\...) or a double quote was put there as it is, so the replay read
	 * C:Users... or ended the string early.
	 */
	@Test
	void aRecordedPathWithBackslashesOrQuotesReplays(@TempDir Path dir) throws Exception {
		Path folder = Files.createDirectories(dir.resolve("C:\\Users\\me\\new \"layers\""));
		Path weights = Files.copy(Paths.get(fixture("weights-le-f8.npy")), folder.resolve("conv1.npy"));
		LayerSettings settings = LayerSettings.fromMacro("weights=[" + weights + "] relu");
		ij.plugin.frame.Recorder.resetCommandOptions();
		PluginRun.record(settings.toMacroOptions());
		String line = ij.plugin.frame.Recorder.getCommandOptions();
		ij.plugin.frame.Recorder.resetCommandOptions();
		String macro = "open('" + HeadlessImageJ.SAMPLES.resolve("ihc.png") + "');\n"
			+ "run(\"" + ConvolveLayerPlugin.COMMAND + "\", \"" + line + "\");\n"
			+ "return getTitle();";
		assertEquals("ihc-conv1", HeadlessImageJ.runMacro(macro), line);
	}

	@Test
	void everyPlaneOfAHyperstackOpensAtItsSliceAndFrame() throws Exception {
		ImagePlus imp = ij.IJ.createImage("hs", "32-bit random", 20, 16, 3, 4, 2);
		imp.setPosition(2, 3, 2);
		HeadlessImageJ.registerCommands();
		ij.WindowManager.setTempCurrentImage(imp);
		ij.IJ.run(ConvolveLayerPlugin.COMMAND, "weights=[" + fixture("weights-le-f8.npy") + "] stack");
		ImagePlus maps = ij.WindowManager.getCurrentImage();
		assertTrue(maps != imp && maps.getNSlices() == 4 && maps.getNFrames() == 2, "feature maps of every plane");
		assertEquals("1 3 2", maps.getC() + " " + maps.getZ() + " " + maps.getT(),
			"as Image > Duplicate... opens: the source's slice and frame");
	}

	@Test
	void mistakesPrintOneLineAndStopTheMacro() throws Exception {
		String grey = HeadlessImageJ.SAMPLES.resolve("microaneurysms.png").toString();
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'weights=[" + fixture("weights-le-f4.npy")
			+ "]');", "expect 3 input channels but the image has 1");
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'relu');", "no weights file given");
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'weights=[/no/such.npy]');",
			"no such file");
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'weights=[" + fixture("int32.npy")
			+ "]');", "float32 or float64");
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'weights=[" + fixture("bias.npy")
			+ "] preset=sobel-x');", "unknown option 'preset'");
		// a misspelt key got the list of keys but not the hint Convolve 2D... gives
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'wieghts=[" + fixture("weights-le-f4.npy")
			+ "]');", "Convolve 2D: unknown option 'wieghts'; did you mean 'weights'? (options: weights, bias, groups, relu, "
			+ "mode, border, cval, stride, dilation, method, flip, normalize, stack)");
		// groups=0 was reported as the weights file's fault ("weights file '...': groups must be ...")
		assertOneLineAndStopped("open('" + grey + "'); run('Convolve 2D layer...', 'weights=[" + fixture("weights-le-f4.npy")
			+ "] groups=0');", "Convolve 2D: groups must be a whole number of at least 1, got 0; write e.g. groups=1");
	}

	private static void assertOneLineAndStopped(String macro, String message) throws Exception {
		PrintStream out = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		String ret;
		try {
			System.setOut(new PrintStream(captured, true, "UTF-8"));
			ret = HeadlessImageJ.runMacro(macro + " print('went on'); return 'finished';");
		}
		finally {
			System.setOut(out);
		}
		String printed = new String(captured.toByteArray(), StandardCharsets.UTF_8);
		assertTrue(printed.contains("Convolve 2D: ") && printed.contains(message), macro + ": printed " + printed);
		assertFalse(printed.contains("went on") || "finished".equals(ret), macro + ": the macro went on");
		assertFalse(printed.contains("Exception"), macro + ": a stack trace was printed: " + printed);
		assertEquals(1, printed.trim().split("\n").length, macro + ": one line, got " + printed);
	}
}
