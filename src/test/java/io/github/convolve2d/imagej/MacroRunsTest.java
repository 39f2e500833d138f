package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.WindowManager;
import io.github.convolve2d.core.UserException;
import ij.ImageStack;
import ij.macro.Interpreter;
import ij.plugin.frame.Recorder;

import java.awt.GraphicsEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real macros in a headless JVM (the surefire run sets java.awt.headless): recording round trip, and user
 * mistakes that must print one clear line and stop the macro, never a stack trace or a silent no-op.
 */
class MacroRunsTest {

	@BeforeEach
	void reset() {
		HeadlessImageJ.reset();
	}

	@Test
	void runsHeadless() {
		assertTrue(GraphicsEnvironment.isHeadless(), "these tests must run headless");
	}

	@Test
	void recordedLineReplaysToTheSamePixels() {
		// what the dialog hands to ImageJ's recorder, key by key, for a bank of a preset and a typed kernel
		ConvolveSettings chosen = ConvolveSettings.from(MacroOptions.parse("preset=[Sobel X, Custom]"
			+ " kernel=[-1 0 1; -2 0 2; -1 0 1 | 0 1 0; 1 -4 1; 0 0.5 0] mode=full border=wrap stride=2,1 dilation=2"
			+ " flip normalize"));
		Recorder.resetCommandOptions();
		Convolve2DPlugin.record(chosen);
		String recorded = Recorder.getCommandOptions();
		Recorder.resetCommandOptions();
		assertEquals("preset=sobel-x,custom kernel=[-1 0 1; -2 0 2; -1 0 1 | 0 1 0; 1 -4 1; 0 0.5 0] mode=full"
			+ " border=wrap cval=0 stride=2,1 dilation=2 flip normalize", recorded);

		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		ImageStack expected = HeadlessImageJ.featureMaps(imp, chosen).getStack();
		String macro = "open('" + HeadlessImageJ.SAMPLES.resolve("microaneurysms.png") + "');\n"
			+ "run(\"Convolve 2D...\", \"" + recorded + "\");\n"
			+ "return getTitle() + ' ' + nSlices;";
		String ret = HeadlessImageJ.runMacro(macro);
		assertEquals("microaneurysms-Sobel X+Custom 2", ret, "title and slice count");
		// headless ImageJ keeps the macro's last image in its batch-mode table: that is the replayed result
		ImagePlus replay = Interpreter.getLastBatchModeImage();
		assertEquals("microaneurysms-Sobel X+Custom", replay.getTitle());
		for (int n = 1; n <= 2; n++) {
			assertArrayEquals((float[]) expected.getPixels(n), (float[]) replay.getStack().getPixels(n), "slice " + n);
		}
	}

	@Test
	void aFileChoosersPathIsNotRecorded() {
		// ImageJ's OpenDialog records the path it returns (open=...), which would fail on replay as an unknown key
		Recorder.resetCommandOptions();
		Recorder.recordPath("open", "/data/kernels/edge.txt");
		assertTrue(String.valueOf(Recorder.getCommandOptions()).contains("open="), "ImageJ records the path");
		Convolve2DPlugin.record(ConvolveSettings.fromMacro("kernel=[1 2] name=edge"));
		String recorded = Recorder.getCommandOptions();
		Recorder.resetCommandOptions();
		assertEquals("preset=custom kernel=[1 2] name=edge mode=same border=replicate cval=0 stride=1 dilation=1",
			recorded);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
		"unknown preset| open('%s'); run('Convolve 2D...', 'preset=[Sobel Q]')| unknown preset 'Sobel Q'",
		"bad kernel text| open('%s'); run('Convolve 2D...', 'kernel=[1 2; 3 x]')| kernel row 2, column 2: 'x' is not a number",
		"kernel too large| open('%s'); run('Convolve 2D...', 'preset=gaussian:20 mode=valid')| valid mode needs the kernel to fit",
		"no image| run('Convolve 2D...', 'preset=sobel-x')| no image is open",
		"no kernel| open('%s'); run('Convolve 2D...', 'mode=same')| no kernel given",
		// told a macro without options to "call it from a macro"
		"no options| open('%s'); run('Convolve 2D...')| no options given, and there is no display for the dialog; give"
			+ " the options, e.g. run(\"Convolve 2D...\", \"preset=sobel-x mode=same\")" })
	void mistakesPrintOneLineAndStopTheMacro(String what, String macro, String message) {
		assertOneLineAndStopped(what, macro, message);
	}

	@Test
	void onlyKernelSeparatorsIsAMistakeNotABug() {
		// was a NullPointerException's stack trace, and the macro went on
		assertOneLineAndStopped("kernel=[|]", "open('%s'); run('Convolve 2D...', 'kernel=[|]')",
			"the kernel text holds no kernel, only separators (|)");
	}

	@Test
	void anImageLockedByAnotherCommandStopsTheMacro() throws InterruptedException {
		// ImageJ's lock() only beeps and shows the status: the macro used to go on without a result
		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		Thread other = new Thread(imp::lock, "another command");
		other.start();
		other.join();
		assertTrue(imp.isLocked());
		WindowManager.setTempCurrentImage(imp);
		try {
			assertOneLineAndStopped("locked", "run('Convolve 2D...', 'preset=sobel-x');",
				"\"microaneurysms.png\" is locked: another command is working on it", false);
		}
		finally {
			imp.unlock();
		}
	}

	@Test
	void aClosedImageIsAMistakeNotABug() {
		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		imp.flush(); // what closing its window does
		UserException e = assertThrows(UserException.class, () -> PluginRun.computeAndShow(imp, 1,
			() -> HeadlessImageJ.featureMaps(imp, ConvolveSettings.fromMacro("preset=sobel-x"))));
		assertEquals("\"microaneurysms.png\" was closed before it could be convolved; open it again", e.getMessage());
		assertFalse(imp.isLocked(), "the lock is given back");
		UserException engine = assertThrows(UserException.class,
			() -> HeadlessImageJ.featureMaps(imp, ConvolveSettings.fromMacro("preset=sobel-x")));
		assertTrue(engine.getMessage().contains("has been closed"), engine.getMessage());
	}

	@Test
	void aMissingLibraryIsReportedNotSwallowed() {
		// ImageJ drops a NoClassDefFoundError from a plugin whose class name has no '_' without a word: a run that
		// needed a class missing from ImageJ used to do nothing, silently, and the macro went on
		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		WindowManager.setTempCurrentImage(imp);
		PrintStream out = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		try {
			System.setOut(new PrintStream(captured, true, "UTF-8"));
			PluginRun.run(new PluginRun.Command<String>() {
				@Override
				public String settings(MacroOptions options) {
					return "";
				}

				@Override
				public MacroOptions dialog(ImagePlus image, MacroOptions start) {
					throw new AssertionError("no dialog in a macro run");
				}

				@Override
				public void remember(ImagePlus image, String settings, MacroOptions chosen) {
				}

				@Override
				public MacroOptions recorded(String settings) {
					return MacroOptions.parse("");
				}

				@Override
				public int planes(ImagePlus image, String settings) {
					return 1;
				}

				@Override
				public ImagePlus compute(ImagePlus image, String settings) {
					throw new NoClassDefFoundError("com/example/MissingLibrary");
				}

				@Override
				public String lessWork() {
					return "convolve less";
				}

				@Override
				public String example() {
					return "";
				}
			}, "preset=sobel-x", MacroOptions.parse(""));
		}
		catch (java.io.UnsupportedEncodingException e) {
			throw new AssertionError(e);
		}
		finally {
			System.setOut(out);
			WindowManager.setTempCurrentImage(null);
		}
		String printed = new String(captured.toByteArray(), StandardCharsets.UTF_8);
		assertTrue(printed.contains("Convolve 2D: internal error, not caused by your settings:"
			+ " java.lang.NoClassDefFoundError: com/example/MissingLibrary"), printed);
		assertFalse(imp.isLocked(), "the lock is given back");
	}

	@Test
	void sigmaAsImageJsGaussianBlurTakesIt() {
		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		ImagePlus withSigma = HeadlessImageJ.convolve(imp, "preset=gaussian sigma=2");
		ImagePlus withId = HeadlessImageJ.convolve(imp, "preset=gaussian:2");
		assertEquals(withId.getTitle().replaceFirst("-\\d+$", ""), withSigma.getTitle().replaceFirst("-\\d+$", ""));
		assertArrayEquals((float[]) withId.getProcessor().getPixels(), (float[]) withSigma.getProcessor().getPixels());
	}

	private static void assertOneLineAndStopped(String what, String macro, String message) {
		assertOneLineAndStopped(what, macro, message, true);
	}

	private static void assertOneLineAndStopped(String what, String macro, String message, boolean sample) {
		String code = (sample ? String.format(macro, HeadlessImageJ.SAMPLES.resolve("microaneurysms.png")) : macro)
			+ " print('went on'); return 'finished';";
		PrintStream out = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		String ret;
		try {
			System.setOut(new PrintStream(captured, true, "UTF-8"));
			ret = HeadlessImageJ.runMacro(code);
		}
		catch (java.io.UnsupportedEncodingException e) {
			throw new AssertionError(e);
		}
		finally {
			System.setOut(out);
		}
		String printed = new String(captured.toByteArray(), StandardCharsets.UTF_8);
		assertTrue(printed.contains("Convolve 2D: ") && printed.contains(message), what + ": printed " + printed);
		assertFalse(printed.contains("went on"), what + ": the macro went on");
		assertFalse(printed.contains("Exception"), what + ": a stack trace was printed: " + printed);
		assertFalse("finished".equals(ret), what + ": the macro finished");
		assertEquals(1, printed.trim().split("\n").length, what + ": one line, got " + printed);
	}
}
