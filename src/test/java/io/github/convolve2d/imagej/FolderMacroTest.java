package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ij.IJ;
import ij.ImagePlus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

	/** Runs the macro on folder {@code in} with these Convolve 2D options; returns the names it saved, sorted. */
	/** What {@code run} returns, with what it prints to the standard output going into {@code printed} (UTF-8). */
	private static List<String> printing(java.io.ByteArrayOutputStream printed, Run run) throws IOException {
		java.io.PrintStream stdout = System.out;
		try {
			System.setOut(new java.io.PrintStream(printed, true, "UTF-8"));
			return run.names();
		}
		finally {
			System.setOut(stdout);
		}
	}

	private interface Run {
		List<String> names() throws IOException;
	}

	private static List<String> runMacro(Path in, Path out, String options) throws IOException {
		HeadlessImageJ.registerCommands();
		IJ.runMacroFile(MACRO, "input=[" + in + "] output=[" + out + "] options=[" + options + "]");
		try (Stream<Path> saved = Files.list(out)) {
			return saved.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void convolvesEveryImageOfAFolder(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in images"));
		Path out = dir.resolve("out");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("microaneurysms.png"), in.resolve("retina detail.png"));
		for (String name : new String[] { "multipage.tif", "chessboard_GRAY_U16.tif" }) {
			Files.copy(HeadlessImageJ.SAMPLES.resolve(name), in.resolve(name));
		}
		Files.write(in.resolve("notes.txt"), "not an image".getBytes("UTF-8"));
		String options = "preset=[Sobel X, Sobel Y] mode=same border=reflect stack";
		List<String> names = runMacro(in, out, options);

		ConvolveSettings settings = ConvolveSettings.fromMacro(options);
		String[][] sourceAndSaved = { { "retina detail.png", "retina-detail_Sobel-X_Sobel-Y.tif" },
			{ "multipage.tif", "multipage_Sobel-X_Sobel-Y.tif" },
			{ "chessboard_GRAY_U16.tif", "chessboard_GRAY_U16_Sobel-X_Sobel-Y.tif" } };
		assertEquals(Arrays.asList(sourceAndSaved[2][1], sourceAndSaved[1][1], sourceAndSaved[0][1]), names,
			"one file per image, named without spaces or '+'");
		for (String[] pair : sourceAndSaved) {
			Path saved = out.resolve(pair[1]);
			ImagePlus result = IJ.openImage(saved.toString());
			assertNotNull(result, "cannot read " + saved);
			assertEquals(32, result.getBitDepth());
			ImagePlus source = IJ.openImage(in.resolve(pair[0]).toString());
			ImagePlus expected = HeadlessImageJ.featureMaps(source, settings);
			assertEquals(expected.getStackSize(), result.getStackSize(), pair[0]);
			for (int n = 1; n <= expected.getStackSize(); n++) {
				assertArrayEquals((float[]) expected.getStack().getPixels(n), (float[]) result.getStack().getPixels(n),
					pair[0] + " slice " + n);
			}
		}
	}

	/** The folder macro's rule for a parameterised preset: the sigma spelt out, '=' and spaces turned into '-'. */
	@Test
	void sigmaPresetsGiveAsciiFileNames(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = dir.resolve("out");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("microaneurysms.png"), in.resolve("microaneurysms.png"));
		assertEquals(Arrays.asList("microaneurysms_Gaussian-sigma-1.5.tif"), runMacro(in, out, "preset=gaussian:1.5"));
	}

	@Test
	void aBadOptionStopsTheRunWithOneLine(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = dir.resolve("out");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		assertEquals(Collections.emptyList(), runMacro(in, out, "preset=[Sobel Q]"), "nothing saved");
	}

	@Test
	void aFileThatIsNoImageStopsTheRunWithOneLine(@TempDir Path dir) throws IOException {
		// a file named .png that is no image used to leave the macro asking getImageID() of no image: ImageJ's error dialog,
		// which hangs a -batch run under a display (or, with an image open, convolved that image instead)
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = dir.resolve("out");
		byte[] png = Files.readAllBytes(HeadlessImageJ.SAMPLES.resolve("coins.png"));
		Files.write(in.resolve("a broken.png"), Arrays.copyOf(png, 100)); // cut short, as by a failed copy
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
		List<String> names = printing(captured, () -> runMacro(in, out, "preset=sobel-x"));
		String printed = captured.toString("UTF-8");
		assertEquals(Collections.emptyList(), names, "nothing saved");
		org.junit.jupiter.api.Assertions.assertTrue(printed.contains("Convolve 2D: ImageJ cannot open 'a broken.png'"
			+ " as an image; the run stopped there"), printed);
		String[] lines = printed.trim().split("\n");
		org.junit.jupiter.api.Assertions.assertTrue(lines[lines.length - 1].startsWith("Convolve 2D: ImageJ cannot open"),
			"the last line (after ImageJ's reader's own): " + printed);
		org.junit.jupiter.api.Assertions.assertFalse(printed.contains("\tat "), "no stack trace: " + printed);
	}

	/**
	 * Two images whose results take one name (cell.png and cell.tif, "my cell.png" and "my-cell.png"): the second
	 * used to replace the first's result, and the run reported every image convolved. Now the run stops before
	 * saving over it, naming both, and the first result stays whole.
	 */
	@Test
	void twoImagesForOneResultNameStopTheRunBeforeTheFirstIsReplaced(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = dir.resolve("out");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("cell.png"));
		Files.copy(HeadlessImageJ.SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("cell.tif"));
		java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
		List<String> names = printing(captured, () -> runMacro(in, out, "preset=sobel-x"));
		String printed = captured.toString("UTF-8").trim();
		assertEquals(Arrays.asList("cell_Sobel-X.tif"), names);
		assertEquals("Convolve 2D: 'cell.tif' would be saved as cell_Sobel-X.tif, as 'cell.png' was; rename one of"
			+ " them, then run again. The run stopped there", printed);
		ImagePlus expected = HeadlessImageJ.featureMaps(IJ.openImage(in.resolve("cell.png").toString()),
			ConvolveSettings.fromMacro("preset=sobel-x"));
		assertArrayEquals((float[]) expected.getProcessor().getPixels(),
			(float[]) IJ.openImage(out.resolve("cell_Sobel-X.tif").toString()).getProcessor().getPixels(),
			"the first image's result is kept");
	}

	/**
	 * The input folder as output folder, as the same text or under another spelling (with "..", or through a link):
	 * a.png's result a_Sobel-X.tif replaced the image of that name, which was then convolved as an input (only the same
	 * text was refused at first). Now refused before anything is read or written, as the batch command refuses it.
	 */
	@Test
	void theInputFolderUnderAnotherSpellingIsNoOutputFolder(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("a.png"));
		Files.copy(HeadlessImageJ.SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("a_Sobel-X.tif"));
		byte[] image = Files.readAllBytes(in.resolve("a_Sobel-X.tif"));
		Path link = Files.createSymbolicLink(dir.resolve("link"), in);
		for (Path out : new Path[] { Path.of(in + java.io.File.separator), in.resolve("..").resolve("in"), link }) {
			java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
			List<String> names = printing(captured, () -> runMacro(in, out, "preset=sobel-x"));
			assertEquals(Arrays.asList("a.png", "a_Sobel-X.tif"), names, out + ": nothing written, nothing left");
			assertArrayEquals(image, Files.readAllBytes(in.resolve("a_Sobel-X.tif")), out + ": the image is kept");
			assertEquals("Convolve 2D: the output folder is the input folder " + in + java.io.File.separator + "; give"
				+ " another output folder (a result saved among the images could replace one of them)",
				captured.toString("UTF-8").trim());
		}
	}

	/** A run of one image said "1 images convolved"; now "1 image". */
	@Test
	void oneImageIsCountedAsOne(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in")), out = dir.resolve("out");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("a.png"));
		java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
		printing(captured, () -> runMacro(in, out, "preset=sobel-x"));
		assertEquals("Convolve 2D: 1 image convolved into " + out + java.io.File.separator,
			captured.toString("UTF-8").trim());
	}

	/**
	 * Folders whose names differ in case only are two folders on Linux: the one as output of the other is taken (the
	 * macro's == on texts ignores case, and refused it as the input folder).
	 */
	@Test
	void aFolderNamedAsTheInputInOtherCaseIsAnotherFolder(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("In")), out = dir.resolve("in");
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("a.png"));
		Files.createDirectories(out);
		org.junit.jupiter.api.Assumptions.assumeFalse(Files.isSameFile(in, out), "a file system that tells case apart");
		java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
		printing(captured, () -> runMacro(in, out, "preset=sobel-x"));
		org.junit.jupiter.api.Assertions.assertTrue(Files.isRegularFile(out.resolve("a_Sobel-X.tif")),
			captured.toString("UTF-8"));
	}

	/**
	 * An output folder whose parents do not exist yet, or a file's name as output folder: ImageJ's File.makeDirectory
	 * made neither, every save failed with ImageJ's own error (a dialog that hangs -batch under a display), and the
	 * run ended "1 images convolved". Now the parents are made, as the batch command makes them, and a file is
	 * refused with one line before any image is read.
	 */
	@Test
	void theOutputFolderIsMadeWithItsParentsOrRefused(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("coins.png"));
		Path deep = dir.resolve("new").resolve("deeper").resolve("out");
		assertEquals(Arrays.asList("coins_Sobel-X.tif"), runMacro(in, deep, "preset=sobel-x"));

		Path file = Files.write(dir.resolve("a file"), new byte[] { 1 });
		java.io.PrintStream stdout = System.out;
		java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
		try {
			System.setOut(new java.io.PrintStream(captured, true, "UTF-8"));
			HeadlessImageJ.registerCommands();
			IJ.runMacroFile(MACRO, "input=[" + in + "] output=[" + file + "] options=[preset=sobel-x]");
		}
		finally {
			System.setOut(stdout);
		}
		assertEquals("Convolve 2D: cannot make the output folder " + file + java.io.File.separator + " (a file has that"
			+ " name, or writing there is not allowed); give another output folder", captured.toString("UTF-8").trim());
	}

	/**
	 * A selection saved in a TIFF (ImageJ saves an image's selection with it) comes back when the macro opens the
	 * file, and the plugin convolves a selection's bounds: the macro saved a crop of the result. Now it convolves
	 * whole images, as the batch command does.
	 */
	@Test
	void aSelectionSavedInAnImageDoesNotCropItsResult(@TempDir Path dir) throws IOException {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = dir.resolve("out");
		ImagePlus imp = IJ.openImage(HeadlessImageJ.SAMPLES.resolve("coins.png").toString());
		imp.setRoi(new ij.gui.OvalRoi(20, 30, 50, 40));
		org.junit.jupiter.api.Assertions.assertTrue(new ij.io.FileSaver(imp).saveAsTiff(in.resolve("coins.tif")
			.toString()));
		org.junit.jupiter.api.Assertions.assertNotNull(IJ.openImage(in.resolve("coins.tif").toString()).getRoi(),
			"ImageJ reopens the selection");
		assertEquals(Arrays.asList("coins_Sobel-X.tif"), runMacro(in, out, "preset=sobel-x"));
		ImagePlus result = IJ.openImage(out.resolve("coins_Sobel-X.tif").toString());
		ImagePlus whole = HeadlessImageJ.featureMaps(HeadlessImageJ.open("coins.png"),
			ConvolveSettings.fromMacro("preset=sobel-x"));
		assertEquals(imp.getWidth() + "x" + imp.getHeight(), result.getWidth() + "x" + result.getHeight());
		assertArrayEquals((float[]) whole.getProcessor().getPixels(), (float[]) result.getProcessor().getPixels());
	}

	/** Runs the folder macro in this JVM's class path: {@code java ... FolderMacroTest$Main "<argument>"}. */
	public static final class Main {
		public static void main(String[] args) {
			HeadlessImageJ.registerCommands();
			IJ.runMacroFile(MACRO, args[0]);
			// an error ImageJ itself reported (IJ.error: with an ImageJ window, a dialog before the macro's own)
			String imageJs = IJ.getErrorMessage();
			if (imageJs != null) System.out.println("ImageJ's error: " + imageJs);
			System.exit(0);
		}
	}

	/**
	 * A save that fails part way (a full disk; here a file size limit of 100 KB, ulimit -f, under which a write fails
	 * as on a full disk) left the first 100 KB of the result under its name, and the run went on to say "1 images
	 * convolved". Now the result is written whole or not at all, as the batch command writes, and the run stops
	 * with one line. ImageJ's TIFF writer reported the failure itself (IJ.error), which with an ImageJ window is a
	 * dialog naming the hidden temporary file before the macro's; now the macro's line is the only message.
	 */
	@Test
	void aSaveThatFailsLeavesNoPartOfAFileAndStopsTheRun(@TempDir Path dir) throws Exception {
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash's ulimit");
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = Files.createDirectories(dir.resolve("out"));
		Files.copy(HeadlessImageJ.SAMPLES.resolve("coins.png"), in.resolve("coins.png")); // a 295 KB result
		String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder run = new ProcessBuilder("/bin/bash", "-c",
			"ulimit -f 100; exec \"$0\" -Djava.awt.headless=true -cp \"$1\" \"$2\" \"$3\"", javaCommand,
			System.getProperty("java.class.path"), Main.class.getName(),
			"input=[" + in + "] output=[" + out + "] options=[preset=sobel-x]");
		run.redirectErrorStream(true);
		Process process = run.start();
		String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertEquals(0, process.waitFor(), printed);
		try (Stream<Path> left = Files.list(out)) {
			assertEquals(Collections.emptyList(), left.collect(Collectors.toList()), "nothing left: " + printed);
		}
		assertEquals("Convolve 2D: cannot write the feature maps to " + out.resolve("coins_Sobel-X.tif") + ": File too"
			+ " large; nothing was written there; the run stopped there", printed.trim());
	}
}
