package io.github.convolve2d.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The {@code batch} command, run in-process on real images in temporary folders. */
class BatchCommandTest {

	private static final Path SAMPLES = Paths.get("sample-images");

	@TempDir
	Path tmp;

	private Path inputFolder(String... samples) throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (String s : samples) Files.copy(SAMPLES.resolve(s), in.resolve(s));
		return in;
	}

	static Map<Path, byte[]> digests(Path folder) throws Exception {
		Map<Path, byte[]> d = new HashMap<>();
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
				d.put(f, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
			}
		}
		return d;
	}

	private static List<Path> files(Path folder) throws IOException {
		try (Stream<Path> s = Files.walk(folder)) {
			return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
		}
	}

	/** The expected feature map: the core on the float plane of ImageJ's reading of the input. */
	private static float[] expected(float[] plane, int w, int h, Kernel k, ConvolutionOptions o) {
		return Convolution.convolve(Plane.wrap(w, h, plane), k, o).pixels();
	}

	private static float[] grey(ImagePlus imp, int slice) {
		return (float[]) imp.getStack().getProcessor(slice).convertToFloat().getPixels();
	}

	@Test
	void writesFeatureMapsEqualToTheCoreForGreyRgb16BitAndStacks() throws Exception {
		Path in = inputFolder("camera.png", "ihc.png", "chessboard_GRAY_U16.tif", "multipage.tif");
		Map<Path, byte[]> before = digests(in);
		Path out = tmp.resolve("out");
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--kernel", "0 1 0; 1 -4 1; 0 1 0",
			"--mode", "same", "--border", "reflect", "--threads", 2);
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("4 written, 0 skipped"), r.toString());
		assertEquals(4, files(out).size(), r.toString());
		ConvolutionOptions o = ConvolutionOptions.builder().mode("same").border("reflect").threads(1).build();
		List<Kernel> bank = Arrays.asList(Presets.resolve("sobel-x"),
			Kernel.of("kernel", new double[][] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } }));

		for (String name : new String[] { "camera", "chessboard_GRAY_U16", "multipage" }) {
			ImagePlus src = IJ.openImage(in.resolve(name + (name.equals("camera") ? ".png" : ".tif")).toString());
			ImagePlus res = IJ.openImage(out.resolve(name + ".tif").toString());
			assertNotNull(res, name);
			assertEquals(32, res.getBitDepth(), name);
			assertEquals(2, res.getNChannels(), name + ": one channel per kernel");
			assertEquals(src.getStackSize(), res.getNSlices(), name + ": slices kept");
			for (int z = 1; z <= src.getStackSize(); z++) {
				for (int k = 0; k < 2; k++) {
					int n = (z - 1) * 2 + k + 1;
					assertEquals(bank.get(k).name(), res.getStack().getSliceLabel(n), name + " label " + n);
					assertArrayEquals(expected(grey(src, z), src.getWidth(), src.getHeight(), bank.get(k), o),
						(float[]) res.getStack().getPixels(n), name + " slice " + z + " kernel " + k);
				}
			}
		}
		ImagePlus rgb = IJ.openImage(in.resolve("ihc.png").toString());
		ImagePlus res = IJ.openImage(out.resolve("ihc.tif").toString());
		assertEquals(6, res.getNChannels(), "RGB: 3 channels × 2 kernels");
		int[] px = (int[]) ((ColorProcessor) rgb.getProcessor()).getPixels();
		for (int c = 0; c < 3; c++) {
			float[] plane = new float[px.length];
			for (int i = 0; i < px.length; i++) plane[i] = (px[i] >> (16 - 8 * c)) & 0xff;
			for (int k = 0; k < 2; k++) {
				int n = c * 2 + k + 1;
				assertArrayEquals(expected(plane, rgb.getWidth(), rgb.getHeight(), bank.get(k), o),
					(float[]) res.getStack().getPixels(n), "ihc channel " + c + " kernel " + k);
				assertEquals(new String[] { "red", "green", "blue" }[c] + " / " + bank.get(k).name(),
					res.getStack().getSliceLabel(n));
			}
		}
		Map<Path, byte[]> after = digests(in);
		assertEquals(before.keySet(), after.keySet(), "no file added to or removed from the inputs");
		for (Path f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f + " unchanged");
	}

	@Test
	void keepsCalibrationScaledByStrideAndShiftedByTheValidModeOrigin() throws Exception {
		ImagePlus cam = IJ.openImage(SAMPLES.resolve("camera.png").toString());
		Calibration cal = cam.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.25;
		cal.setUnit("µm");
		cal.xOrigin = 10;
		cal.yOrigin = 20;
		Path in = Files.createDirectories(tmp.resolve("in"));
		assertTrue(new FileSaver(cam).saveAsTiff(in.resolve("cal.tif").toString()));
		Path out = tmp.resolve("out");
		CliRun r = CliRun.run("batch", "-i", in.resolve("cal.tif"), "-o", out, "--preset", "box-5", "--stride", "2,3");
		assertEquals(0, r.code, r.toString());
		ImagePlus res = IJ.openImage(out.resolve("cal.tif").toString());
		Calibration c = res.getCalibration();
		assertEquals("µm", c.getUnit());
		// TIFF stores the resolution as a rational: about 6 significant digits survive
		assertEquals(0.25 * 2, c.pixelHeight, 1e-5, "pixel height × stride y");
		assertEquals(0.5 * 3, c.pixelWidth, 1e-5, "pixel width × stride x");
		// valid 5×5: output pixel 0 lies on input pixel 2; x = (2 - 10) * 0.5 must equal (0 - xOrigin) * 1.5
		assertEquals((2 - 10) * 0.5, (0 - c.xOrigin) * c.pixelWidth, 1e-4);
		assertEquals((2 - 20) * 0.25, (0 - c.yOrigin) * c.pixelHeight, 1e-4);
		assertEquals((512 - 4 + 2) / 3, res.getWidth());
		assertEquals("Box mean 5x5", res.getStack().getSliceLabel(1), "a single image keeps the kernel's label");
	}

	@Test
	void reportsBadFilesWithTheirReasonAndWritesTheOthers() throws Exception {
		Path in = inputFolder("camera.png", "coins.png");
		byte[] tiff = Files.readAllBytes(SAMPLES.resolve("chessboard_GRAY_U16.tif"));
		Files.write(in.resolve("corrupt.tif"), Arrays.copyOf(tiff, 300));
		Files.write(in.resolve("notes.png"), "these are notes, not a picture\n".getBytes("UTF-8"));
		Path out = tmp.resolve("out");
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "laplacian-4", "--progress", "lines");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("FAILED " + in.resolve("corrupt.tif").toAbsolutePath()) && r.err.contains(
			"truncated or corrupt TIFF"), r.toString());
		assertTrue(r.err.contains("notes.png: not an image") && r.err.contains("looks like text"), r.toString());
		assertTrue(r.out.contains("2 written, 0 skipped (output exists), 2 failed of 4 files"), r.toString());
		assertEquals(Arrays.asList(out.resolve("camera.tif"), out.resolve("coins.tif")), files(out));
	}

	/**
	 * An output records the version of its input (size and modification time): when the input changed since (another
	 * image saved under its name), the output is made again without --overwrite, as make remakes a target older than
	 * its source; the dry run says so; unchanged inputs are still skipped. It was skipped as done, silently keeping the
	 * result of the old image.
	 */
	@Test
	void anOutputOfAChangedInputIsMadeAgain() throws Exception {
		Path in = inputFolder("camera.png", "microaneurysms.png");
		Path out = tmp.resolve("out");
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x");
		assertEquals(0, r.code, r.toString());
		Map<Path, byte[]> first = digests(out);
		// another image under the same name (a new acquisition), with a later modification time
		Files.copy(Paths.get("sample-images/coins.png"), in.resolve("camera.png"),
			java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		Files.setLastModifiedTime(in.resolve("camera.png"), java.nio.file.attribute.FileTime.fromMillis(
			Files.getLastModifiedTime(out.resolve("camera.tif")).toMillis() + 60_000));

		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--dry-run");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("replace  " + in.resolve("camera.png") + " -> " + out.resolve("camera.tif")
			+ " (made from another version of the input: it changed since)"), r.toString());
		assertTrue(r.out.contains("skip     " + in.resolve("microaneurysms.png")), r.toString());
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("1 written, 1 skipped (output exists), 0 failed"), r.toString());
		Map<Path, byte[]> second = digests(out);
		assertFalse(Arrays.equals(first.get(out.resolve("camera.tif")), second.get(out.resolve("camera.tif"))),
			"made again from the new image");
		CliRun fresh = CliRun.run("batch", "-i", in.resolve("camera.png"), "-o", tmp.resolve("fresh"), "--preset",
			"sobel-x");
		assertEquals(0, fresh.code, fresh.toString());
		assertArrayEquals(pixels(tmp.resolve("fresh/camera.tif")), pixels(out.resolve("camera.tif")), "the new image's");
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x");
		assertTrue(r.out.contains("0 written, 2 skipped (output exists), 0 failed"), "then done: " + r);
	}

	private static float[] pixels(Path tiff) {
		return (float[]) IJ.openImage(tiff.toString()).getProcessor().getPixels();
	}

	@Test
	void anExistingOutputIsSkippedOnlyWhenMadeWithTheSameSettingsAndLeftoverTemporaryFilesAreIgnored()
		throws Exception
	{
		Path in = inputFolder("camera.png", "microaneurysms.png");
		Path out = Files.createDirectories(tmp.resolve("out"));
		Path leftover = out.resolve(AtomicTiffWriter.TEMP_PREFIX + "killed" + AtomicTiffWriter.TEMP_SUFFIX);
		Files.write(leftover, new byte[] { 'I', 'I', 42, 0, 1, 2 }); // half a TIFF from a run killed with SIGKILL

		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("2 written, 0 skipped"), r.toString());
		Map<Path, byte[]> sobel = digests(out);
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("0 written, 2 skipped (output exists), 0 failed"), r.toString());

		// another kernel: the Sobel outputs no longer match the command; reported, kept, and the run fails
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "laplacian-4", "--progress", "lines");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.out.contains("0 written, 0 skipped (output exists), 2 failed"), r.toString());
		assertTrue(r.err.contains("exists, made with other settings; --overwrite replaces it"), r.toString());
		assertDigestsEqual(sobel, digests(out), "outputs made with other settings are kept");
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--border", "reflect", "--dry-run");
		assertTrue(r.out.contains("exists, made with other settings") && r.out.contains("2 failing"), r.toString());
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--cval", "7", "--border", "reflect",
			"--dry-run");
		assertTrue(r.out.contains("2 failing"), "another border is another setting: " + r);

		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "laplacian-4", "--overwrite");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("2 written, 0 skipped"), r.toString());
		ImagePlus m = IJ.openImage(out.resolve("microaneurysms.tif").toString());
		assertEquals("Laplacian 4-neighbour", m.getStack().getSliceLabel(1), "replaced by the new run's result");
		assertTrue(Files.exists(leftover), "another run's temporary file is not touched");
		assertEquals(3, Files.list(out).count(), "two outputs and the leftover, nothing else");
	}

	@Test
	void overwriteNeverReplacesAFileConvolve2DDidNotWrite() throws Exception {
		Path in = inputFolder("camera.png", "microaneurysms.png");
		// the user's own files under the names the outputs would take: a TIFF written by ImageJ, and any bytes
		IJ.save(IJ.openImage(in.resolve("camera.png").toString()), in.resolve("camera_c.tif").toString());
		byte[] notes = "an older result".getBytes("UTF-8");
		Files.write(in.resolve("microaneurysms_c.tif"), notes);
		Map<Path, byte[]> before = digests(in);
		CliRun r = CliRun.run("batch", "-i", in, "-o", in, "--suffix", "_c", "--preset", "sobel-x", "--overwrite",
			"--progress", "lines");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.out.contains("0 written, 0 skipped (output exists), 2 failed"), r.toString());
		assertTrue(r.err.contains("camera.png: its output " + in.resolve("camera_c.tif") + " exists and was not "
			+ "written by Convolve 2D"), r.toString());
		assertDigestsEqual(before, digests(in), "the user's files are left as they are");
		r = CliRun.run("batch", "-i", in, "-o", in, "--suffix", "_c", "--preset", "sobel-x", "--overwrite", "--dry-run");
		assertTrue(r.out.contains("was not written by Convolve 2D") && r.out.contains("0 to write"), r.toString());
	}

	static void assertDigestsEqual(Map<Path, byte[]> expected, Map<Path, byte[]> actual, String message) {
		assertEquals(expected.keySet(), actual.keySet(), message);
		for (Path p : expected.keySet()) assertArrayEquals(expected.get(p), actual.get(p), message + ": " + p);
	}

	@Test
	void refusesAnOutputFolderThatIsReadAsInputUnlessASuffixMarksTheOutputs() throws Exception {
		Path in = inputFolder("camera.png");
		CliRun r = CliRun.run("batch", "-i", in, "-o", in, "--preset", "sobel-x");
		assertEquals(2, r.code, r.toString());
		assertTrue(r.err.contains("is the folder of input") && r.err.contains("--suffix"), r.toString());
		r = CliRun.run("batch", "-i", tmp, "-r", "-o", in.resolve("out"), "--preset", "sobel-x");
		assertEquals(2, r.code, r.toString());
		assertTrue(r.err.contains("read with --recursive"), r.toString());

		r = CliRun.run("batch", "-i", in, "-o", in, "--suffix", "_sx", "--preset", "sobel-x");
		assertEquals(0, r.code, r.toString());
		assertTrue(Files.exists(in.resolve("camera_sx.tif")));
		r = CliRun.run("batch", "-i", in, "-o", in, "--suffix", "_sx", "--preset", "sobel-x");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("0 written, 1 skipped (output exists), 0 failed of 1 files"),
			"the output is not read as a new input: " + r);
		assertEquals(2, files(in).size());
	}

	@Test
	void mirrorsSubFoldersAndAppliesIncludeAndExcludeGlobs() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in/a/b"));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), tmp.resolve("in/top.png"));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), tmp.resolve("in/a/one.png"));
		Files.copy(SAMPLES.resolve("multipage.tif"), tmp.resolve("in/a/b/two.tif"));
		Files.copy(SAMPLES.resolve("multipage.tif"), tmp.resolve("in/a/b/skip-me.tif"));
		Files.write(tmp.resolve("in/a/readme.txt"), "not an image".getBytes("UTF-8"));
		Path out = tmp.resolve("out");
		CliRun r = CliRun.run("batch", "-i", tmp.resolve("in"), "-r", "--exclude", "skip-*", "-o", out, "--kernel", "1 1; 1 1");
		assertEquals(0, r.code, r.toString());
		assertEquals(Arrays.asList(out.resolve("a/b/two.tif"), out.resolve("a/one.tif"), out.resolve("top.tif")),
			files(out));
		Path out2 = tmp.resolve("out2");
		r = CliRun.run("batch", "-i", tmp.resolve("in"), "-r", "--include", "a/**/*.tif", "-o", out2, "--preset", "box-3",
			"--mode", "same");
		assertEquals(0, r.code, r.toString());
		assertEquals(Arrays.asList(out2.resolve("a/b/skip-me.tif"), out2.resolve("a/b/two.tif")), files(out2));
		r = CliRun.run("batch", "-i", tmp.resolve("in"), "-o", tmp.resolve("out3"), "--preset", "box-3", "--dry-run");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("write    ") && r.out.contains("dry run: 1 to write"), r.toString());
		assertFalse(Files.exists(tmp.resolve("out3")), "a dry run writes nothing");
	}

	@Test
	void aCvalGivenWithAnotherBorderIsNamedAsUnused() throws Exception {
		Path in = inputFolder("microaneurysms.png");
		CliRun r = CliRun.run("batch", "-i", in, "-o", tmp.resolve("out"), "--preset", "box-3", "--mode", "same",
			"--border", "symmetric", "--cval", "3", "--progress", "none");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.err.contains("note: --cval applies to --border constant only; with --border reflect it is not used"),
			r.toString());
		r = CliRun.run("batch", "-i", in, "-o", tmp.resolve("out2"), "--preset", "box-3", "--mode", "same", "--cval", "3",
			"--progress", "none");
		assertEquals(0, r.code, r.toString());
		assertFalse(r.err.contains("note:"), "constant is the default border: " + r);
	}

	@Test
	void usageErrorsExitWith2AndAClearMessage() throws Exception {
		Path in = inputFolder("microaneurysms.png");
		Path out = tmp.resolve("out");
		Object[][] cases = {
			{ "unknown preset 'sobel-z'", "batch", "-i", in, "-o", out, "--preset", "sobel-z" },
			{ "kernel row 1, column 2: 'x'", "batch", "-i", in, "-o", out, "--kernel", "1 x; 1 1" },
			{ "Missing required option: '--input", "batch", "-o", out, "--preset", "sobel-x" },
			{ "no kernel given", "batch", "-i", in, "-o", out },
			{ "input '" + tmp.resolve("nope") + "' does not exist", "batch", "-i", tmp.resolve("nope"), "-o", out,
				"--preset", "sobel-x" },
			{ "mode", "batch", "-i", in, "-o", out, "--preset", "sobel-x", "--mode", "middle" },
			{ "no image files found", "batch", "-i", tmp.resolve("empty"), "-o", out, "--preset", "sobel-x" },
			{ "different sizes in valid mode", "batch", "-i", in, "-o", out, "--preset", "box-3", "--preset", "box-5" },
			{ "a kernel of 3 taps with dilation 300000000 would span 600,000,001 pixels", "batch", "-i", in, "-o", out,
				"--preset", "box-3", "--mode", "same", "--dilation", "300000000" },
			{ "unknown option '--bogus'", "batch", "-i", in, "-o", out, "--preset", "box-3", "--bogus" } };
		Files.createDirectories(tmp.resolve("empty"));
		for (Object[] c : cases) {
			CliRun r = CliRun.run(Arrays.copyOfRange(c, 1, c.length));
			assertEquals(2, r.code, c[0] + ": " + r);
			assertTrue(r.err.contains((String) c[0]), c[0] + ": " + r);
		}
		assertFalse(Files.exists(out), "nothing written on a usage error");
		CliRun excluded = CliRun.run("batch", "-i", in, "-o", out, "--preset", "box-3", "--exclude", "*");
		assertEquals(2, excluded.code, excluded.toString());
		assertTrue(excluded.err.contains("no image files found in the inputs (folders are searched for .tif, .tiff, "
			+ ".png, .jpg, .jpeg, .gif, .bmp and .zarr) and not left out by --exclude [*]; add --recursive to search "
			+ "sub-folders"), "a run whose files --exclude all left out says so: " + excluded);
		CliRun below = CliRun.run("batch", "-i", in, "-o", out, "--preset", "box-3", "--include", "raw/*.png");
		assertTrue(below.err.contains("matching --include [raw/*.png]; add --recursive to search sub-folders"),
			"a glob for a sub-folder without --recursive gets the hint: " + below);
		CliRun help = CliRun.run("batch", "--help");
		assertEquals(0, help.code);
		assertTrue(help.out.contains("--kernel-file") && help.out.contains("--overwrite"), help.out);
	}

	@Test
	void aFileThatCannotBeWrittenFailsAloneAndAReadOnlyOutputFolderIsRefused() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in/sub"));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), tmp.resolve("in/top.png"));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), in.resolve("deep.png"));
		Path out = Files.createDirectories(tmp.resolve("out"));
		Files.write(out.resolve("sub"), new byte[0]); // a file where the sub-folder should go
		CliRun r = CliRun.run("batch", "-i", tmp.resolve("in"), "-r", "-o", out, "--preset", "sobel-y");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("FAILED " + in.resolve("deep.png")) && r.err.contains("cannot write"), r.toString());
		assertTrue(Files.exists(out.resolve("top.tif")));

		Path readOnly = Files.createDirectories(tmp.resolve("ro"));
		assumeFalse(readOnly.toFile().setWritable(false, false) && Files.isWritable(readOnly),
			"running as root: permissions are not enforced");
		try {
			r = CliRun.run("batch", "-i", tmp.resolve("in/top.png"), "-o", readOnly, "--preset", "sobel-y");
			assertEquals(2, r.code, r.toString());
			assertTrue(r.err.contains("cannot write into the output folder"), r.toString());
		}
		finally {
			readOnly.toFile().setWritable(true);
		}
	}
}
