package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import io.github.convolve2d.io.OmeZarr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code batch} keeps a TIFF's spatial calibration on both paths and by one rule: the OME-Zarr image of a TIFF
 * convolved block by block ({@code --format zarr}) has the pixel size, origin and unit that ImageJ reads from the
 * TIFF the whole-image path writes ({@code --format tiff}) for the same input and options, stride and
 * {@code valid} mode included; an uncalibrated TIFF stays uncalibrated, and a damaged resolution fails nothing.
 */
class BatchCalibrationTest {

	@TempDir
	Path tmp;

	private static final double TOLERANCE = 1e-12;

	/**
	 * ImageJ stores a pixel size in a TIFF as pixels per unit in a rational of denominator 10⁶ (10³ above 1000
	 * pixels per unit), so a size read back from a TIFF it wrote is right to about one part in 10⁶.
	 */
	private static final double TIFF_ROUNDING = 1e-5;

	/** in/{@code name}.tif: a 2-slice 53×41 float stack, calibrated when {@code unit} is given. */
	private Path input(String name, String unit) throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		ImageStack stack = new ImageStack(53, 41);
		for (int z = 0; z < 2; z++) {
			float[] p = new float[53 * 41];
			for (int i = 0; i < p.length; i++) p[i] = (i * 31 + z * 7) % 97;
			stack.addSlice(new FloatProcessor(53, 41, p));
		}
		ImagePlus imp = new ImagePlus(name, stack);
		if (unit != null) {
			Calibration cal = imp.getCalibration();
			cal.setUnit(unit);
			cal.pixelWidth = 0.325;
			cal.pixelHeight = 0.4;
			cal.pixelDepth = 1.5;
			cal.xOrigin = 12;
			cal.yOrigin = -7.5;
		}
		assertTrue(new FileSaver(imp).saveAsTiffStack(in.resolve(name + ".tif").toString()));
		return in;
	}

	/** Runs {@code batch} on {@code in} into {@code out} with {@code format}; the options as given. */
	private static void batch(Path in, Path out, String format, String mode, String stride) {
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", format, "--block", 16,
			"--preset", "gaussian:1", "--mode", mode, "--stride", stride, "--border", "reflect", "--progress", "none");
		assertEquals(0, run.code, run.toString());
	}

	@ParameterizedTest(name = "{0} mode, stride {1}, {2}")
	@CsvSource({ "same, 1, micron", "valid, 1, micron", "valid, '2,3', micron", "full, 3, nm", "same, '3,2', µm" })
	void blockByBlockKeepsTheCalibrationOfTheWholeImagePath(String mode, String stride, String unit) throws IOException {
		Path in = input("cal", unit);
		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		batch(in, whole, "tiff", mode, stride);
		batch(in, blocks, "zarr", mode, stride);
		Calibration want = IJ.openImage(whole.resolve("cal.tif").toString()).getCalibration();
		Calibration source = IJ.openImage(in.resolve("cal.tif").toString()).getCalibration();
		OmeZarr got = OmeZarr.open(blocks.resolve("cal.ome.zarr"));
		String what = mode + " mode, stride " + stride + ": " + want;
		double[] scale = got.scale(), translation = got.translation();
		assertEquals(want.pixelWidth, scale[4], want.pixelWidth * TIFF_ROUNDING, what);
		assertEquals(want.pixelHeight, scale[3], want.pixelHeight * TIFF_ROUNDING, what);
		assertEquals(want.pixelDepth, scale[2], TOLERANCE, what); // spacing= is written as text
		// before the output TIFF's rounding: exactly the input's pixel size as ImageJ reads it, times the stride
		int sx = Integer.parseInt(stride.substring(stride.indexOf(',') + 1)), sy = Integer.parseInt(stride.split(",")[0]);
		assertEquals(source.pixelWidth * sx, scale[4], 0.0, what);
		assertEquals(source.pixelHeight * sy, scale[3], 0.0, what);
		// NGFF places pixel 0 at the translation; ImageJ's origin is the pixel at physical 0
		assertEquals(want.xOrigin, -translation[4] / scale[4], TOLERANCE, what);
		assertEquals(want.yOrigin, -translation[3] / scale[3], TOLERANCE, what);
		assertEquals(want.zOrigin, -translation[2] / scale[2], TOLERANCE, what);
		String ngff = unit.equals("nm") ? "nanometer" : "micrometer";
		assertArrayEquals(new String[] { ngff, ngff, ngff }, new String[] { got.units()[2], got.units()[3],
			got.units()[4] }, what);
		assertEquals(unit, want.getUnit(), what);
		// the calibration moved as the options say, not merely copied
		assertEquals(0.325 * sx, scale[4], 0.325 * sx * TIFF_ROUNDING, what);
	}

	/**
	 * A TIFF whose y axis points up (ImageJ's invertY, from a y origin or from the bottom row): each row of the
	 * OME-Zarr image lies at the y ImageJ gives the same row of the {@code --format tiff} result, with a negative y
	 * scale (NGFF's inverted axis); the y axis was taken as pointing down, every row at its mirrored y.
	 */
	@ParameterizedTest(name = "y origin {0}, {1} mode, stride {2}")
	@CsvSource({ "-7.5, valid, '2,3'", "0, valid, 1", "0, full, 3", "20, same, 2" })
	void anInvertedYAxisKeepsEachRowsY(double yOrigin, String mode, String stride) throws IOException {
		Path in = input("inv", "micron");
		ImagePlus imp = IJ.openImage(in.resolve("inv.tif").toString());
		imp.getCalibration().setInvertY(true);
		imp.getCalibration().yOrigin = yOrigin;
		assertTrue(new FileSaver(imp).saveAsTiffStack(in.resolve("inv.tif").toString()));
		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		batch(in, whole, "tiff", mode, stride);
		batch(in, blocks, "zarr", mode, stride);
		ImagePlus want = IJ.openImage(whole.resolve("inv.tif").toString());
		Calibration cal = want.getCalibration();
		OmeZarr got = OmeZarr.open(blocks.resolve("inv.ome.zarr"));
		String what = "y origin " + yOrigin + ", " + mode + " mode, stride " + stride + ": " + cal;
		assertTrue(cal.getInvertY(), what);
		assertEquals(-cal.pixelHeight, got.scale()[3], cal.pixelHeight * TIFF_ROUNDING, what);
		for (int y = 0; y < want.getHeight(); y++) {
			assertEquals(cal.getY(y, want.getHeight()), got.translation()[3] + y * got.scale()[3], 1e-4, what + ", row " + y);
		}
	}

	/**
	 * A selection and an overlay saved in a TIFF: the whole image is convolved and neither is carried, as the
	 * block-by-block path (which reads no ImageJ overlay) writes it; the plugin carries both.
	 */
	@Test
	void aSavedSelectionAndOverlayAreNeitherUsedNorCarried() throws IOException {
		Path in = input("marked", null);
		Path file = in.resolve("marked.tif");
		ImagePlus imp = IJ.openImage(file.toString());
		imp.setOverlay(new ij.gui.Overlay(new ij.gui.OvalRoi(5, 5, 20, 15)));
		imp.setRoi(new ij.gui.OvalRoi(10, 10, 20, 12));
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
		ImagePlus saved = IJ.openImage(file.toString());
		assertTrue(saved.getOverlay() != null && saved.getRoi() != null, "the input holds both");
		batch(in, tmp.resolve("whole"), "tiff", "same", "1");
		ImagePlus out = IJ.openImage(tmp.resolve("whole/marked.tif").toString());
		assertEquals(53, out.getWidth());
		assertEquals(41, out.getHeight());
		assertEquals(null, out.getOverlay());
		assertEquals(null, out.getRoi());
	}

	@Test
	void anUncalibratedTiffStaysUncalibrated() throws IOException {
		Path in = input("plain", null);
		batch(in, tmp.resolve("whole"), "tiff", "same", "1");
		batch(in, tmp.resolve("blocks"), "zarr", "same", "1");
		assertFalse(IJ.openImage(tmp.resolve("whole/plain.tif").toString()).getCalibration().scaled());
		OmeZarr got = OmeZarr.open(tmp.resolve("blocks/plain.ome.zarr"));
		assertArrayEquals(new double[] { 1, 1, 1, 1, 1 }, got.scale());
		assertArrayEquals(new double[5], got.translation());
		assertArrayEquals(new String[5], got.units());
		String attrs = new String(Files.readAllBytes(tmp.resolve("blocks/plain.ome.zarr/.zattrs")));
		assertFalse(attrs.contains("unit") || attrs.contains("translation"), attrs);
	}

	@Test
	void aZeroResolutionFailsNothing() throws IOException {
		Path in = input("zero", "micron");
		Path file = in.resolve("zero.tif");
		byte[] bytes = Files.readAllBytes(file);
		// set the numerators of XResolution (282) and YResolution (283) to 0
		ByteBuffer b = ByteBuffer.wrap(bytes).order(bytes[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
		int ifd = b.getInt(4), entries = b.getShort(ifd) & 0xffff, patched = 0;
		for (int i = 0; i < entries; i++) {
			int at = ifd + 2 + i * 12, tag = b.getShort(at) & 0xffff;
			if (tag == 282 || tag == 283) {
				b.putInt(b.getInt(at + 8), 0);
				patched++;
			}
		}
		assertEquals(2, patched);
		Files.write(file, bytes);
		batch(in, tmp.resolve("blocks"), "zarr", "valid", "2");
		OmeZarr got = OmeZarr.open(tmp.resolve("blocks/zero.ome.zarr"));
		assertEquals(2.0, got.scale()[4], TOLERANCE); // pixels of the input, times the stride
		assertNull(got.units()[4]);
		assertTrue(Double.isFinite(got.translation()[4]) && Double.isFinite(got.translation()[3]));
	}
}
