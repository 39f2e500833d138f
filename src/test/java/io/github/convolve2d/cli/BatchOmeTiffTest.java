package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.TiffBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * {@code batch} reads an OME-TIFF as its OME-XML describes it, as Fiji's Bio-Formats opens it, on both paths alike:
 * the same channels, slices and frames, the same values in the same places and the same calibration in memory
 * ({@code --format tiff}: ImageJ reads the pages, striped) and block by block ({@code --format zarr}), from striped
 * and tiled files tifffile wrote ({@code scripts/ome_tiff_golden.py}; the tiled one, read in memory by the
 * project's own reader, holds the striped TCZYX image's planes in another page order). Where the OME-XML cannot
 * be used the file is written with a note on its line; an OME-TIFF of several images fails with what to do.
 */
class BatchOmeTiffTest {

	@TempDir
	Path tmp;

	/** ImageJ stores a pixel size in a TIFF as a rational of denominator 10⁶: right to about one part in 10⁶. */
	private static final double TIFF_ROUNDING = 1e-5;

	/** Pixel (t, c, z, y, x) of the golden files, as scripts/ome_tiff_golden.py writes it. */
	private static double value(int t, int c, int z, int y, int x) {
		return ((t * 7 + c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y + 2 * x) % 4) / 4.0;
	}

	private static Path golden(String name) throws Exception {
		return Paths.get(BatchOmeTiffTest.class.getResource("/io/github/convolve2d/io/ome/" + name + ".ome.tif").toURI());
	}

	private static CliRun batch(Path in, Path out, String format, String preset) {
		List<Object> args = new java.util.ArrayList<>(List.of("batch", "-i", in, "-o", out, "--format", format, "--preset",
			preset, "--mode", "same", "--border", "reflect", "--progress", "none"));
		if (format.equals("zarr")) args.addAll(List.of("--block", 8)); // blocks smaller than the planes
		return CliRun.run(args.toArray());
	}

	/**
	 * Identity: each path's result holds the input's values at their channel, slice and frame; Gaussian: the two
	 * paths give the same floats; both: the calibration the OME-XML gives (the TIFF result's as ImageJ reads it).
	 */
	@Test
	void bothPathsGiveTheImageItsOmeXmlDescribes() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		String[] names = { "czyx-u16-strips", "tczyx-f32-strips", "tzcyx-f32-tiles" };
		for (String name : names) Files.copy(golden(name), in.resolve(name + ".ome.tif"));
		for (String preset : new String[] { "identity", "gaussian:1" }) {
			Path whole = tmp.resolve("whole-" + preset.charAt(0)), blocks = tmp.resolve("blocks-" + preset.charAt(0));
			CliRun run = batch(in, whole, "tiff", preset);
			assertEquals(0, run.code, run.toString());
			assertFalse(run.err.contains("OME-XML"), run.toString());
			run = batch(in, blocks, "zarr", preset);
			assertEquals(0, run.code, run.toString());
			assertFalse(run.err.contains("OME-XML"), run.toString());
			for (String name : names) {
				String what = name + ", " + preset;
				int[] czt = name.startsWith("czyx") ? new int[] { 3, 4, 1 } : new int[] { 3, 2, 2 };
				// named without '.ome': the output is no OME-TIFF (it was a.ome.tif, and a.ome.ome.zarr)
				assertFalse(Files.exists(whole.resolve(name + ".ome.tif")), what);
				ImagePlus tiff = IJ.openImage(whole.resolve(name + ".tif").toString());
				assertNotNull(tiff, what);
				assertArrayEquals(czt, new int[] { tiff.getNChannels(), tiff.getNSlices(), tiff.getNFrames() }, what);
				try (ChunkedImage zarr = ChunkedImage.open(blocks.resolve(name + ".ome.zarr"))) {
					assertArrayEquals(czt, new int[] { zarr.channels(), zarr.slices(), zarr.frames() }, what);
					float[] px = new float[17 * 12];
					for (int t = 0; t < czt[2]; t++) {
						for (int z = 0; z < czt[1]; z++) {
							for (int c = 0; c < czt[0]; c++) {
								float[] inMemory = (float[]) tiff.getStack().getPixels(tiff.getStackIndex(c + 1, z + 1, t + 1));
								zarr.plane(t, c, z).read(0, 0, 17, 12, px);
								for (int i = 0; i < px.length; i++) {
									String at = what + ": t" + t + " c" + c + " z" + z + " pixel " + i;
									assertEquals(inMemory[i], px[i], 0f, at);
									double v = value(t, c, z, i / 17, i % 17);
									if (preset.equals("identity")) assertEquals(name.contains("u16") ? Math.floor(v) : v, px[i], 0.0, at);
								}
							}
						}
					}
					Calibration cal = tiff.getCalibration();
					double[] scale = zarr.scale();
					String[] units = zarr.units();
					if (name.startsWith("czyx")) {
						assertArrayEquals(new double[] { 1, 1, 1.5, 0.4, 0.3 }, scale, 0.0, what);
						assertArrayEquals(new String[] { null, null, "micrometer", "micrometer", "micrometer" }, units, what);
						assertEquals("\u00b5m", cal.getUnit(), what);
						assertEquals(0.3, cal.pixelWidth, 0.3 * TIFF_ROUNDING, what);
						assertEquals(0.4, cal.pixelHeight, 0.4 * TIFF_ROUNDING, what);
						assertEquals(1.5, cal.pixelDepth, 0.0, what);
						assertEquals(0, cal.frameInterval, 0.0, what);
					}
					else {
						assertArrayEquals(new double[] { 0.5, 1, 80, 25, 25 }, scale, 0.0, what);
						assertArrayEquals(new String[] { "millisecond", null, "nanometer", "nanometer", "nanometer" }, units,
							what);
						assertEquals("nm", cal.getUnit(), what);
						assertEquals("nm", cal.getZUnit(), what);
						assertEquals(25, cal.pixelWidth, 25 * TIFF_ROUNDING, what);
						assertEquals(25, cal.pixelHeight, 25 * TIFF_ROUNDING, what);
						assertEquals(80, cal.pixelDepth, 0.0, what);
						assertEquals(0.5, cal.frameInterval, 0.0, what);
						assertEquals("ms", cal.getTimeUnit(), what);
					}
				}
			}
		}
	}

	/**
	 * An OME-XML that cannot be used (a plane in no page): the file is written both ways, its pages its slices,
	 * with a note naming the file and the reason on its line, in every progress style and in the dry run's list; no
	 * stack trace.
	 */
	@Test
	void anOmeXmlNotUsedIsWrittenWithANote() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in-note"));
		Files.write(in.resolve("gap.ome.tif"), TiffBytes.omeTiffWithAPlaneInNoPage());
		for (String format : new String[] { "tiff", "zarr" }) {
			for (String style : new String[] { "none", "lines" }) {
				Path out = tmp.resolve(format + "-" + style);
				CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", format, "--preset", "identity",
					"--progress", style);
				assertEquals(0, run.code, run.toString());
				assertTrue(run.err.contains("; note: " + in.resolve("gap.ome.tif") + ": its OME-XML was not used (its "
					+ "TiffData elements place plane C1 Z1 T0 in no page), so its pages were read as slices"), run.toString());
				assertFalse(run.err.contains("Exception"), run.toString());
			}
			// the dry run lists the same note on the file's line, before anything is written
			Path dry = tmp.resolve(format + "-dry");
			CliRun run = CliRun.run("batch", "-i", in, "-o", dry, "--format", format, "--preset", "identity",
				"--dry-run");
			assertEquals(0, run.code, run.toString());
			assertTrue(run.out.contains("write    " + in.resolve("gap.ome.tif") + " -> " + dry.resolve("gap."
				+ (format.equals("tiff") ? "tif" : "ome.zarr")) + "; note: its OME-XML was not used (its TiffData "
				+ "elements place plane C1 Z1 T0 in no page), so its pages were read as slices"), run.toString());
			assertFalse(Files.exists(dry), run.toString());
		}
		ImagePlus tiff = IJ.openImage(tmp.resolve("tiff-none").resolve("gap.tif").toString());
		assertArrayEquals(new int[] { 1, 4, 1 }, new int[] { tiff.getNChannels(), tiff.getNSlices(), tiff.getNFrames() });
	}

	/**
	 * An OME-TIFF cut short inside its OME-XML (tifffile writes the XML last, so a download that stops a byte early
	 * cuts it): refused as damaged by both paths. The blockwise reader took the XML for absent and wrote its 2
	 * channels × 2 slices as 4 slices without calibration, without a word, where the in-memory path refused it.
	 */
	@Test
	void anOmeTiffCutShortInsideItsOmeXmlFailsInMemoryAndBlockwise() throws IOException {
		String xml = "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image "
			+ "ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"uint8\" SizeX=\"12\" SizeY=\"10\" "
			+ "SizeC=\"2\" SizeZ=\"2\" SizeT=\"1\" PhysicalSizeX=\"0.5\" PhysicalSizeY=\"0.5\"><TiffData IFD=\"0\" "
			+ "PlaneCount=\"4\"/></Pixels></Image></OME>";
		byte[] whole = TiffBytes.omeTiff(xml, 4);
		// the XML's entry claims as many bytes as before, but they now run 7 bytes past the file's end
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(whole).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		int ifd = b.getInt(4), entries = b.getShort(ifd) & 0xffff;
		for (int i = 0; i < entries; i++) {
			int at = ifd + 2 + 12 * i;
			if ((b.getShort(at) & 0xffff) == 270) b.putInt(at + 8, whole.length - (xml.length() + 1) + 7);
		}
		Path in = Files.createDirectories(tmp.resolve("in-cut"));
		Files.write(in.resolve("cut.ome.tif"), whole);
		for (String format : new String[] { "tiff", "zarr" }) {
			Path out = tmp.resolve("cut-" + format);
			CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", format, "--preset", "identity",
				"--progress", "lines");
			assertEquals(1, run.code, format + ": " + run);
			assertTrue(run.err.contains("FAILED " + in.resolve("cut.ome.tif") + ": "), format + ": " + run);
			assertTrue(run.err.contains("tag 270") && run.err.contains("lie beyond the end of the file"),
				format + ": " + run);
			assertFalse(run.err.contains("Exception"), run.toString());
			assertFalse(Files.exists(out.resolve("cut.tif")) || Files.exists(out.resolve("cut.ome.zarr")), run.toString());
			CliRun dry = CliRun.run("batch", "-i", in, "-o", tmp.resolve("dry-" + format), "--format", format,
				"--preset", "identity", "--dry-run");
			assertEquals(1, dry.code, format + ": " + dry);
			assertTrue(dry.out.contains("fail") && dry.out.contains("tag 270"), format + ": " + dry);
		}
	}

	/**
	 * The OME-XML's channel names label the feature maps, as Fiji's Bio-Formats names the channels, alike in the TIFF
	 * result's slice labels and the OME-Zarr result's omero channels ({@code DAPI / Sobel X}; a channel without a
	 * Name keeps {@code C2}). They were {@code C1 / Sobel X} both ways.
	 */
	@Test
	void theOmeXmlsChannelNamesLabelTheMapsBothWays() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in-names"));
		String xml = "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image "
			+ "ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"uint8\" SizeX=\"12\" SizeY=\"10\" "
			+ "SizeC=\"3\" SizeZ=\"2\" SizeT=\"1\"><Channel ID=\"Channel:0:0\" Name=\"DAPI\" SamplesPerPixel=\"1\"/>"
			+ "<Channel ID=\"Channel:0:1\" SamplesPerPixel=\"1\"/><Channel ID=\"Channel:0:2\" Name=\"GFP\" "
			+ "SamplesPerPixel=\"1\"/><TiffData IFD=\"0\" PlaneCount=\"6\"/></Pixels></Image></OME>";
		Files.write(in.resolve("named.ome.tif"), TiffBytes.omeTiff(xml, 6));
		List<String> expected = List.of("DAPI / Sobel X", "C2 / Sobel X", "GFP / Sobel X");
		CliRun run = batch(in, tmp.resolve("names-tiff"), "tiff", "sobel-x");
		assertEquals(0, run.code, run.toString());
		ImagePlus tiff = IJ.openImage(tmp.resolve("names-tiff/named.tif").toString());
		assertEquals(3, tiff.getNChannels());
		for (int z = 1; z <= 2; z++) {
			for (int c = 1; c <= 3; c++) {
				assertEquals(expected.get(c - 1), tiff.getStack().getSliceLabel(tiff.getStackIndex(c, z, 1)), "c" + c + " z" + z);
			}
		}
		run = batch(in, tmp.resolve("names-zarr"), "zarr", "sobel-x");
		assertEquals(0, run.code, run.toString());
		com.google.gson.JsonArray channels = com.google.gson.JsonParser.parseString(new String(Files.readAllBytes(
			tmp.resolve("names-zarr/named.ome.zarr/.zattrs")), java.nio.charset.StandardCharsets.US_ASCII))
			.getAsJsonObject().getAsJsonObject("omero").getAsJsonArray("channels");
		assertEquals(3, channels.size());
		for (int c = 0; c < 3; c++) {
			assertEquals(expected.get(c), channels.get(c).getAsJsonObject().get("label").getAsString(), "c" + c);
		}
	}

	/** An OME-TIFF of two images (series) fails alone both ways, saying what to do; the other file is written. */
	@Test
	void anOmeTiffOfSeveralImagesFailsWithWhatToDo() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in-series"));
		Files.copy(golden("two-series"), in.resolve("two.ome.tif"));
		Files.copy(golden("czyx-u16-strips"), in.resolve("one.ome.tif"));
		for (String format : new String[] { "tiff", "zarr" }) {
			CliRun run = batch(in, tmp.resolve("out-" + format), format, "identity");
			assertEquals(1, run.code, run.toString());
			assertTrue(run.err.contains("FAILED " + in.resolve("two.ome.tif") + ": an OME-TIFF of 2 images (series); "
				+ "read here are OME-TIFFs of one image: save each series as a file of its own"), run.toString());
			assertTrue(run.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), run.toString());
		}
	}
}
