package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.LayerMaps;
import io.github.convolve2d.image.Planes;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandModule;

/**
 * The layer's SciJava command run headless as a Fiji script runs it (scijava-common alone): the image engine's
 * layer feature maps, the same as the menu command's macro options give, and mistakes as cancel reasons.
 */
class ConvolveLayerCommandTest {

	@RegisterExtension
	static final SciJavaContext SCIJAVA = new SciJavaContext();

	private static File fixture(String name) throws Exception {
		return Paths.get(ConvolveLayerCommandTest.class.getResource("/io/github/convolve2d/kernel/" + name).toURI())
			.toFile();
	}

	/** The layer maps that the menu command's options give, computed by the image engine. */
	private static ImagePlus engine(ImagePlus imp, String options) {
		LayerSettings settings = LayerSettings.fromMacro(options);
		return LayerMaps.compute(imp, settings.weights(), settings.activation(), settings.name(),
			settings.options().toBuilder().threads(1).build(), settings.allPlanes() ? Planes.ALL : Planes.CURRENT,
			ProgressListener.NONE);
	}

	private static void assertSameMaps(ImagePlus expected, ImagePlus actual) {
		assertEquals(expected.getTitle(), actual.getTitle());
		assertEquals(expected.getNChannels(), actual.getNChannels());
		HeadlessImageJ.assertSameSlices(actual.getTitle(), expected, actual);
	}

	@Test
	void givesTheMenuCommandsMapsWithNamedParameters() throws Exception {
		ImagePlus imp = HeadlessImageJ.open("ihc.png");
		File weights = fixture("weights-le-f8.npy"), bias = fixture("bias.npy");
		for (boolean process : new boolean[] { true, false }) {
			CommandModule module = SCIJAVA.run(ConvolveLayerCommand.class, process, "image", imp, "weights", weights,
				"bias", bias, "relu", true, "mode", "valid", "border", "wrap", "stride", "2");
			assertFalse(module.isCanceled(), module.getCancelReason());
			assertSameMaps(engine(imp, "weights=[" + weights + "] bias=[" + bias + "] relu mode=valid border=wrap"
				+ " stride=2 stack"), (ImagePlus) module.getOutput("featureMaps"));
		}
		ImagePlus maps = (ImagePlus) SCIJAVA.run(ConvolveLayerCommand.class, false, "image", imp, "weights", weights)
			.getOutput("featureMaps");
		assertEquals("feature 1", maps.getStack().getSliceLabel(1));
		assertSameMaps(engine(imp, "weights=[" + weights + "] stack"), maps);
	}

	/** What {@code ImageJ-linux64 --headless --run command:... 'file="...",output="...",weights="..."'} does. */
	@Test
	void runsFromTheCommandLineWithFiles(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("ihc.tif"), out = dir.resolve("maps.tif");
		assertTrue(new FileSaver(HeadlessImageJ.open("ihc.png")).saveAsTiff(in.toString()));
		File weights = fixture("weights-le-f8.npy");
		SCIJAVA.runFromCommandLine(ConvolveLayerCommand.class,
			"file=\"" + in + "\",output=\"" + out + "\",weights=\"" + weights + "\",relu=\"true\",border=\"reflect\"");
		assertTrue(Files.isRegularFile(out), "feature maps saved");
		ImagePlus saved = IJ.openImage(out.toString());
		ImagePlus expected = engine(IJ.openImage(in.toString()), "weights=[" + weights + "] relu border=reflect stack");
		HeadlessImageJ.assertSameSlices("--run", expected, saved);
	}

	@Test
	void mistakesCancelWithTheMessage() throws Exception {
		ImagePlus grey = HeadlessImageJ.open("microaneurysms.png");
		CommandModule module = SCIJAVA.run(ConvolveLayerCommand.class, false, "image", grey, "weights",
			fixture("weights-le-f4.npy"));
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().startsWith("Convolve 2D: ")
			&& module.getCancelReason().contains("expect 3 input channels but the image has 1"),
			module.getCancelReason());
		assertNull(module.getOutput("featureMaps"));
		module = SCIJAVA.run(ConvolveLayerCommand.class, false, "image", grey);
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().contains("no weights file given"), module.getCancelReason());
		module = SCIJAVA.run(ConvolveLayerCommand.class, true, "image", HeadlessImageJ.open("ihc.png"), "weights",
			fixture("weights-le-f8.npy"), "groups", 3);
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().contains("groups=3 must divide the 2 output channels"),
			module.getCancelReason());
		module = SCIJAVA.run(ConvolveLayerCommand.class, false, "image", grey, "weights", new File("/no/such.npy"));
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().contains("no such file"), module.getCancelReason());
	}

	/**
	 * groups was a SciJava int: 3.5 became 3 and "two" 0 (the file's own) without a word. It is read as the macro's
	 * groups= now; whole numbers from a script are still taken, and 0 is still "the file's own".
	 */
	@Test
	void groupsThatAreNotAWholeNumberAreRefused() throws Exception {
		ImagePlus rgb = HeadlessImageJ.open("ihc.png");
		File weights = fixture("weights-le-f8.npy");
		for (Object groups : new Object[] { 3.5, "3.5", "two" }) {
			CommandModule module = SCIJAVA.run(ConvolveLayerCommand.class, true, "image", rgb, "weights", weights,
				"groups", groups);
			assertTrue(module.isCanceled(), "groups " + groups);
			assertEquals("Convolve 2D: groups '" + groups + "' is not a whole number; write e.g. groups=1",
				module.getCancelReason());
		}
		for (Object groups : new Object[] { 1, "1", 0, "" }) {
			CommandModule module = SCIJAVA.run(ConvolveLayerCommand.class, true, "image", rgb, "weights", weights,
				"groups", groups);
			assertFalse(module.isCanceled(), groups + ": " + module.getCancelReason());
			assertSameMaps(engine(rgb, "weights=[" + weights + "] stack"), (ImagePlus) module.getOutput("featureMaps"));
		}
	}

	/** The maps of every slice and frame are at the source's, as the menu command's: they were at plane 1. */
	@Test
	void theMapsAreAtTheSourcesSliceAndFrame() throws Exception {
		ImagePlus imp = IJ.createImage("hs", "32-bit random", 20, 16, 3, 4, 2);
		imp.setPosition(2, 3, 2);
		ImagePlus maps = (ImagePlus) SCIJAVA.run(ConvolveLayerCommand.class, true, "image", imp, "weights",
			fixture("weights-le-f8.npy")).getOutput("featureMaps");
		assertEquals("1 3 2", maps.getC() + " " + maps.getZ() + " " + maps.getT());
	}

	/** A command whose computation runs out of memory, as a real one may beyond the engine's memory check. */
	public static class OutOfMemoryCommand extends ImageCommand {
		@Override
		void addOwnOptions(Map<String, String> options) {
		}

		@Override
		ImagePlus compute(ImagePlus source, MacroOptions options) {
			throw new OutOfMemoryError("Java heap space");
		}
	}

	@Test
	void runningOutOfMemoryCancelsWithAMessageNotAStackTrace() throws Exception {
		CommandModule module = SCIJAVA.run(OutOfMemoryCommand.class, false, "image", HeadlessImageJ.open("coins.png"));
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().startsWith("Convolve 2D: not enough memory to finish; no result was made"),
			module.getCancelReason());
		assertNull(module.getOutput("featureMaps"));
	}
}
