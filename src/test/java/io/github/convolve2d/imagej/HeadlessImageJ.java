package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.IJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.macro.Interpreter;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test support: plain ImageJ 1.x in a headless JVM, able to run macros that call {@code run("Convolve 2D...")}.
 * <p>
 * Headless ImageJ cannot build its menus (IJ.init fails without a display), so it knows no commands. Fiji's
 * headless mode patches ImageJ to read plugins.config anyway; here the commands of our own plugins.config are
 * entered into ImageJ's command table, which also checks that plugins.config names a real plugin class.
 */
final class HeadlessImageJ {

	static final Path SAMPLES = Paths.get("sample-images");

	private HeadlessImageJ() {
	}

	/** Registers the commands of plugins.config (idempotent). */
	@SuppressWarnings("unchecked")
	static synchronized void registerCommands() {
		try {
			Field f = Menus.class.getDeclaredField("pluginsTable");
			f.setAccessible(true);
			Hashtable<String, String> table = (Hashtable<String, String>) f.get(null);
			if (table == null) {
				table = new Hashtable<>();
				f.set(null, table);
			}
			Pattern line = Pattern.compile("^\\s*[^#,][^,]*,\\s*\"([^\"]+)\",\\s*(\\S+)\\s*$");
			for (String s : Files.readAllLines(Paths.get("plugins.config"), StandardCharsets.UTF_8)) {
				Matcher m = line.matcher(s);
				if (m.matches()) table.put(m.group(1), m.group(2));
			}
		}
		catch (ReflectiveOperationException | IOException e) {
			throw new IllegalStateException("cannot register plugins.config's commands", e);
		}
	}

	/** Runs macro code on this thread; returns what IJ.runMacro returns ("[aborted]" when aborted). */
	static String runMacro(String code) {
		registerCommands();
		return IJ.runMacro(code);
	}

	static ImagePlus open(String sample) {
		ImagePlus imp = IJ.openImage(SAMPLES.resolve(sample).toString());
		if (imp == null) throw new IllegalStateException("cannot open " + sample);
		return imp;
	}

	/** The image engine's feature maps for these settings, on one thread: what the plugin computes. */
	static ImagePlus featureMaps(ImagePlus imp, ConvolveSettings settings) {
		return FeatureMaps.compute(imp, settings.kernels().kernels(), settings.options().toBuilder().threads(1).build(),
			settings.allPlanes() ? Planes.ALL : Planes.CURRENT, ProgressListener.NONE);
	}

	/** Forgets the images earlier macros left behind (headless ImageJ keeps them in the batch-mode table). */
	static void reset() {
		WindowManager.setTempCurrentImage(null);
		for (ImagePlus imp = Interpreter.getLastBatchModeImage(); imp != null; imp = Interpreter.getLastBatchModeImage()) {
			Interpreter.removeBatchModeImage(imp);
		}
		Interpreter.batchMode = false;
	}

	/**
	 * Runs "Convolve 2D..." on {@code imp} exactly as a macro's {@code run("Convolve 2D...", options)} does
	 * (IJ.run with options on this thread) and returns the image it made current, or null when it made none.
	 */
	static ImagePlus convolve(ImagePlus imp, String options) {
		registerCommands();
		WindowManager.setTempCurrentImage(imp);
		IJ.run(Convolve2DPlugin.COMMAND, options);
		ImagePlus result = WindowManager.getCurrentImage();
		WindowManager.setTempCurrentImage(null);
		return result == imp ? null : result;
	}

	/** {@code actual} has {@code expected}'s slices: as many, each with the same label and the same pixels. */
	static void assertSameSlices(String what, ImagePlus expected, ImagePlus actual) {
		assertEquals(expected.getStackSize(), actual.getStackSize(), what + ": slices");
		for (int n = 1; n <= expected.getStackSize(); n++) {
			assertEquals(expected.getStack().getSliceLabel(n), actual.getStack().getSliceLabel(n), what + ": label " + n);
			assertArrayEquals((float[]) expected.getStack().getPixels(n), (float[]) actual.getStack().getPixels(n),
				what + ": slice " + n);
		}
	}
}
