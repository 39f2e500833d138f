package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandModule;
import org.scijava.plugin.Parameter;

/**
 * The SciJava command run headless as a Fiji script runs it — a SciJava {@link Context} and its
 * {@link CommandService} with named inputs, pre- and postprocessing on — without Fiji: scijava-common alone.
 */
class Convolve2DCommandTest {

	@RegisterExtension
	static final SciJavaContext SCIJAVA = new SciJavaContext();

	private static CommandModule run(boolean process, Object... inputs) throws Exception {
		return SCIJAVA.run(Convolve2DCommand.class, process, inputs);
	}

	@Test
	void givesWhatThePluginGivesWithNamedParameters() throws Exception {
		ImagePlus imp = IJ.createImage("stack", "16-bit ramp", 30, 20, 3);
		CommandModule module = run(true, "image", imp, "preset", "sobel-x, sobel-y", "mode", "valid", "border",
			"reflect", "stride", "2,1");
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus maps = (ImagePlus) module.getOutput("featureMaps");
		assertNotNull(maps);
		ImagePlus plugin = HeadlessImageJ.convolve(imp, "preset=[sobel-x, sobel-y] mode=valid border=reflect"
			+ " stride=2,1 stack");
		assertEquals(plugin.getTitle(), maps.getTitle());
		assertEquals(6, maps.getStackSize(), "all planes by default: 3 slices × 2 kernels");
		HeadlessImageJ.assertSameSlices("named parameters", plugin, maps);
	}

	@Test
	void typedKernelAndSwitchesWithoutPreprocessing() throws Exception {
		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		CommandModule module = run(false, "image", imp, "kernel", "1 2; 3 4", "flip", true, "normalize", true,
			"border", "constant", "cval", 7.0, "allPlanes", false);
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus maps = (ImagePlus) module.getOutput("featureMaps");
		ImagePlus plugin = HeadlessImageJ.convolve(imp, "kernel=[1 2; 3 4] flip normalize border=constant cval=7");
		assertArrayEquals((float[]) plugin.getProcessor().getPixels(), (float[]) maps.getProcessor().getPixels());
	}

	@Test
	void aMistakeCancelsWithTheMessageNotAStackTrace() throws Exception {
		CommandModule module = run(true, "image", HeadlessImageJ.open("coins.png"), "preset", "sobel-q");
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().startsWith("Convolve 2D: ") && module.getCancelReason().contains(
			"sobel-q"), module.getCancelReason());
		assertNull(module.getOutput("featureMaps"));
	}

	/**
	 * cval was a SciJava double: "abc" (a typo, or --run's cval="abc") became 0 without a word. It is read as the
	 * macro's cval= now, and numbers from a script are still taken.
	 */
	@Test
	void aCvalThatIsNotANumberIsRefusedNumbersAreTaken() throws Exception {
		ImagePlus imp = HeadlessImageJ.open("coins.png");
		for (boolean process : new boolean[] { true, false }) {
			CommandModule module = run(process, "image", imp, "preset", "sobel-x", "border", "constant", "cval", "abc");
			assertTrue(module.isCanceled(), "process " + process);
			assertEquals("Convolve 2D: cval 'abc' is not a number; write e.g. cval=0", module.getCancelReason());
			assertNull(module.getOutput("featureMaps"));
		}
		ImagePlus plugin = HeadlessImageJ.convolve(imp, "preset=sobel-x border=constant cval=-2.5");
		for (Object cval : new Object[] { -2.5, -2.5f, "-2.5", " -2.5 " }) {
			CommandModule module = run(true, "image", imp, "preset", "sobel-x", "border", "constant", "cval", cval);
			assertFalse(module.isCanceled(), cval + ": " + module.getCancelReason());
			assertArrayEquals((float[]) plugin.getProcessor().getPixels(),
				(float[]) ((ImagePlus) module.getOutput("featureMaps")).getProcessor().getPixels(), "cval " + cval);
		}
		CommandModule integer = run(false, "image", imp, "preset", "sobel-x", "border", "constant", "cval", 3);
		assertFalse(integer.isCanceled(), integer.getCancelReason());
	}

	/**
	 * The switches were SciJava booleans: "yes" and "1" (a --run line's flip="yes") ran as false, a number (a script's
	 * allPlanes 0) kept the default. They take true and false now, as booleans from a script or text in any case,
	 * and refuse anything else with a message.
	 */
	@Test
	void aSwitchThatIsNeitherTrueNorFalseIsRefused() throws Exception {
		ImagePlus stack = IJ.createImage("stack", "8-bit ramp", 30, 20, 3);
		for (Object value : new Object[] { "yes", "1", 0, 1 }) {
			CommandModule module = run(true, "image", stack, "preset", "sobel-x", "allPlanes", value);
			assertTrue(module.isCanceled(), "allPlanes " + value);
			assertEquals("Convolve 2D: allPlanes '" + value + "' is neither true nor false; give allPlanes true or false",
				module.getCancelReason());
		}
		CommandModule flip = run(false, "image", stack, "preset", "sobel-x", "flip", "yes");
		assertEquals("Convolve 2D: flip 'yes' is neither true nor false; give flip true or false", flip.getCancelReason());
		Object[][] planes = { { false, 1 }, { "FALSE", 1 }, { " false ", 1 }, { true, 3 }, { "True", 3 }, { "", 3 } };
		for (Object[] p : planes) {
			CommandModule module = run(true, "image", stack, "preset", "sobel-x", "allPlanes", p[0]);
			assertFalse(module.isCanceled(), p[0] + ": " + module.getCancelReason());
			assertEquals(p[1], ((ImagePlus) module.getOutput("featureMaps")).getStackSize(), "allPlanes '" + p[0] + "'");
		}
	}

	/**
	 * The feature maps of every plane are at the plane the source is on, as the menu command's (and Image >
	 * Duplicate...): the command's were at plane 1. A virtual stack moved by a script's setSlice is on that slice.
	 */
	@Test
	void theMapsOfEveryPlaneAreAtTheSourcesPlaneAsThePlugins() throws Exception {
		ImagePlus imp = IJ.createImage("hs", "32-bit random", 24, 20, 2, 3, 2);
		imp.setPosition(2, 3, 2);
		ImagePlus maps = (ImagePlus) run(true, "image", imp, "preset", "sobel-x, sobel-y").getOutput("featureMaps");
		ImagePlus plugin = HeadlessImageJ.convolve(imp, "preset=[sobel-x, sobel-y] stack");
		assertEquals("3 3 2", plugin.getC() + " " + plugin.getZ() + " " + plugin.getT(), "the plugin's");
		assertEquals("3 3 2", maps.getC() + " " + maps.getZ() + " " + maps.getT(), "the command's");
		ImagePlus virtual = IJ.openVirtual(HeadlessImageJ.SAMPLES.resolve("multipage.tif").toString());
		virtual.setSlice(2);
		ImagePlus fromVirtual = (ImagePlus) run(false, "image", virtual, "preset", "sobel-x").getOutput("featureMaps");
		assertEquals(2, fromVirtual.getCurrentSlice());
	}

	/** What {@code ImageJ-linux64 --headless --run command:... 'file="...",output="...",...'} does. */
	@Test
	void runsFromTheCommandLineWithFiles(@TempDir Path dir) throws Exception {
		ImagePlus imp = IJ.createImage("ramp", "8-bit ramp", 40, 30, 1);
		Path in = dir.resolve("in.tif"), out = dir.resolve("maps.tif");
		assertTrue(new FileSaver(imp).saveAsTiff(in.toString()));
		SCIJAVA.runFromCommandLine(Convolve2DCommand.class,
			"file=\"" + in + "\",output=\"" + out + "\",preset=\"sobel-x, laplacian-4\",border=\"reflect\"");
		assertTrue(Files.isRegularFile(out), "feature maps saved");
		ImagePlus saved = IJ.openImage(out.toString());
		ImagePlus plugin = HeadlessImageJ.convolve(IJ.openImage(in.toString()), "preset=[sobel-x, laplacian-4]"
			+ " border=reflect stack");
		assertEquals(2, saved.getStackSize());
		HeadlessImageJ.assertSameSlices("--run", plugin, saved);
	}

	/**
	 * A bank of an RGB file saved by the command's output keeps each map's colour, as the plugin's result shows it
	 * and the batch command writes it: it was saved grey.
	 */
	@Test
	void theSavedMapsOfAnRgbBankKeepTheirColours(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("ihc.tif"), out = dir.resolve("maps.tif");
		ImagePlus rgb = HeadlessImageJ.open("ihc.png");
		rgb.setRoi(200, 150, 48, 40);
		assertTrue(new FileSaver(rgb.crop()).saveAsTiff(in.toString()));
		CommandModule module = run(false, "file", in.toFile(), "output", out.toFile(), "preset", "sobel-x, sobel-y");
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus saved = IJ.openImage(out.toString());
		assertTrue(saved instanceof ij.CompositeImage, "a composite");
		assertEquals(ij.CompositeImage.COLOR, ((ij.CompositeImage) saved).getMode());
		java.awt.Color[] colours = { java.awt.Color.red, java.awt.Color.red, java.awt.Color.green,
			java.awt.Color.green, java.awt.Color.blue, java.awt.Color.blue };
		for (int c = 1; c <= 6; c++) {
			assertEquals(colours[c - 1].getRGB(), ((ij.CompositeImage) saved).getChannelLut(c).getRGB(255),
				"map " + c + " (" + saved.getStack().getSliceLabel(c) + "): the brightest value's colour");
		}
	}

	/**
	 * A selection saved in a TIFF comes back when ImageJ opens it, and the command convolved its bounds: a --run with
	 * file= saved a crop. An image file is convolved whole now, as the batch command and the folder macro do; an
	 * image a script gives keeps its selection, as the menu command's.
	 */
	@Test
	void anImageFileIsConvolvedWholeNotASelectionSavedInIt(@TempDir Path dir) throws Exception {
		ImagePlus imp = HeadlessImageJ.open("coins.png");
		imp.setRoi(new ij.gui.OvalRoi(20, 30, 50, 40));
		Path in = dir.resolve("coins.tif");
		assertTrue(new FileSaver(imp).saveAsTiff(in.toString()));
		ImagePlus fromFile = (ImagePlus) run(false, "file", in.toFile(), "preset", "sobel-x").getOutput("featureMaps");
		assertEquals("384x303", fromFile.getWidth() + "x" + fromFile.getHeight());
		ImagePlus fromImage = (ImagePlus) run(false, "image", imp, "preset", "sobel-x").getOutput("featureMaps");
		assertEquals("50x40", fromImage.getWidth() + "x" + fromImage.getHeight());
	}

	@Test
	void theSourceFileIsNeverReplaced(@TempDir Path dir) throws Exception {
		// output= naming the input file used to replace the user's image with the feature maps
		Path in = dir.resolve("in.tif");
		assertTrue(new FileSaver(IJ.createImage("ramp", "8-bit ramp", 40, 30, 1)).saveAsTiff(in.toString()));
		byte[] before = Files.readAllBytes(in);
		CommandModule byFile = run(false, "file", in.toFile(), "output", in.toFile(), "preset", "sobel-x");
		assertTrue(byFile.isCanceled());
		assertEquals("Convolve 2D: output " + in + " is the image being convolved; give another file name (the source"
			+ " is never replaced)", byFile.getCancelReason());
		CommandModule byImage = run(false, "image", IJ.openImage(in.toString()), "output",
			dir.resolve(".").resolve("in.tif").toFile(), "preset", "sobel-x");
		assertTrue(byImage.isCanceled(), "the image's own file, by another path");
		assertArrayEquals(before, Files.readAllBytes(in), "the source file is unchanged");
	}

	@Test
	void aMissingImageFileIsAMessage(@TempDir Path dir) throws Exception {
		CommandModule module = run(false, "file", dir.resolve("nothing.tif").toFile(), "preset", "sobel-x");
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().contains("nothing.tif not found"), module.getCancelReason());
		// a folder was said to be "not found"
		CommandModule folder = run(false, "file", dir.toFile(), "preset", "sobel-x");
		assertTrue(folder.isCanceled());
		assertEquals("Convolve 2D: image file " + dir + " is a folder; give one image file (for a folder's"
			+ " images, run the command once per file)", folder.getCancelReason());
		Path zarr = Files.createDirectories(dir.resolve("scan.ome.zarr"));
		CommandModule omeZarr = run(false, "file", zarr.toFile(), "preset", "sobel-x");
		assertEquals("Convolve 2D: image file " + zarr + " is an OME-Zarr image, which ImageJ does not open; convolve"
			+ " it with the batch command: java -jar convolve2d-cli.jar batch -i " + zarr + " -o <folder> --preset ...",
			omeZarr.getCancelReason());
	}

	/**
	 * The feature maps are saved whole or not at all, as the batch saves them: an existing file the user named is
	 * replaced in one step, and a save that fails (a file where the folder should be) says why and leaves nothing,
	 * no hidden temporary file either.
	 */
	@Test
	void theOutputIsWrittenWholeOrNotAtAll(@TempDir Path dir) throws Exception {
		Path out = dir.resolve("maps.tif");
		Files.write(out, new byte[] { 1, 2, 3 });
		CommandModule replaced = run(false, "image", HeadlessImageJ.open("coins.png"), "output", out.toFile(),
			"preset", "sobel-x");
		assertFalse(replaced.isCanceled(), replaced.getCancelReason());
		assertEquals(1, IJ.openImage(out.toString()).getStackSize(), "the file named is replaced by the maps");
		Path blocked = dir.resolve("file").resolve("maps.tif");
		Files.write(dir.resolve("file"), new byte[] { 4 });
		CommandModule failed = run(false, "image", HeadlessImageJ.open("coins.png"), "output", blocked.toFile(),
			"preset", "sobel-x");
		assertTrue(failed.isCanceled());
		assertTrue(failed.getCancelReason().startsWith("Convolve 2D: cannot write the feature maps to " + blocked + ": ")
			&& failed.getCancelReason().endsWith("nothing was written there"), failed.getCancelReason());
		try (java.util.stream.Stream<Path> left = Files.list(dir)) {
			assertEquals(java.util.Set.of("maps.tif", "file"), left.map(p -> p.getFileName().toString())
				.collect(java.util.stream.Collectors.toSet()), "no temporary file is left");
		}
	}

	/** The feature maps are a TIFF: a file named otherwise is refused before any work, not given TIFF bytes. */
	@Test
	void anOutputNotNamedAsATiffIsRefused(@TempDir Path dir) throws Exception {
		// maps.png used to be written, holding a TIFF
		for (String name : new String[] { "maps.png", "maps" }) {
			Path out = dir.resolve(name);
			CommandModule module = run(false, "image", HeadlessImageJ.open("coins.png"), "output", out.toFile(),
				"preset", "sobel-x");
			assertTrue(module.isCanceled(), name);
			assertEquals("Convolve 2D: output " + out + " is not named as a TIFF; the feature maps are saved as a"
				+ " 32-bit TIFF: end the name with .tif or .tiff", module.getCancelReason());
			assertFalse(Files.exists(out), name + ": nothing written");
		}
		for (String name : new String[] { "maps.TIF", "maps.tiff", "maps.ome.tif" }) {
			CommandModule module = run(false, "image", HeadlessImageJ.open("coins.png"), "output",
				dir.resolve(name).toFile(), "preset", "sobel-x");
			assertFalse(module.isCanceled(), name + ": " + module.getCancelReason());
			assertTrue(Files.isRegularFile(dir.resolve(name)), name);
		}
	}

	/**
	 * The preset parameter's description (a tooltip in Fiji) shows a list a script can pass as it reads; it showed the
	 * macro's quoting, [Sobel X, Sobel Y], which the command refused as the unknown preset '[Sobel X'.
	 */
	@Test
	void thePresetDescriptionsExampleRuns() throws Exception {
		String description = Convolve2DCommand.class.getDeclaredField("preset").getAnnotation(Parameter.class)
			.description();
		String example = description.substring(description.lastIndexOf(": ") + 2);
		CommandModule module = run(false, "image", HeadlessImageJ.open("coins.png"), "preset", example);
		assertFalse(module.isCanceled(), "'" + example + "' from '" + description + "': " + module.getCancelReason());
		assertEquals(3, ((ImagePlus) module.getOutput("featureMaps")).getStackSize(), example);
	}

	/**
	 * A script's setSlice(2) on a virtual stack without a window moves ImageJ's current slice but not its
	 * slice/frame position (ImagePlus.getSlice() stays 1): the displayed plane is the current slice, whose pixels
	 * getProcessor() gives. "allPlanes" false used to convolve slice 1.
	 */
	@Test
	void theCurrentPlaneOfAVirtualStackIsTheOneShown() throws Exception {
		ImagePlus virtual = IJ.openVirtual(HeadlessImageJ.SAMPLES.resolve("multipage.tif").toString());
		assertTrue(virtual.getStack().isVirtual());
		virtual.setSlice(2);
		CommandModule module = run(false, "image", virtual, "preset", "sobel-x", "allPlanes", false);
		assertFalse(module.isCanceled(), module.getCancelReason());
		ImagePlus all = HeadlessImageJ.convolve(HeadlessImageJ.open("multipage.tif"), "preset=sobel-x stack");
		assertArrayEquals((float[]) all.getStack().getPixels(2),
			(float[]) ((ImagePlus) module.getOutput("featureMaps")).getProcessor().getPixels(), "slice 2's map");
	}

	/**
	 * A virtual stack reads its planes from its file when they are convolved. With the file gone (deleted, moved,
	 * storage unmounted) ImageJ logs "Read error or file not found" and hands out blank planes, and their feature
	 * maps came back as a result. Now the run is cancelled, naming the file.
	 */
	@Test
	void aVirtualStackWhoseFileIsGoneIsAMessageNotBlankMaps(@TempDir Path dir) throws Exception {
		Path file = Files.copy(HeadlessImageJ.SAMPLES.resolve("multipage.tif"), dir.resolve("scan.tif"));
		ImagePlus virtual = IJ.openVirtual(file.toString());
		assertTrue(virtual.getStack().isVirtual());
		Files.delete(file);
		CommandModule module = run(false, "image", virtual, "preset", "sobel-x");
		assertTrue(module.isCanceled(), "a result of blank planes");
		assertEquals("Convolve 2D: plane 1 of \"scan.tif\" cannot be read: its file " + file + " is gone (moved,"
			+ " deleted, or on storage no longer mounted); open the image again", module.getCancelReason());
	}
}
