package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The values the blockwise path reads ({@link ChunkedImage}, {@link TiffReader}) against ImageJ's own reading of
 * the same file ({@link Opener}): the value calibration of each of ImageJ's fourteen fitted functions on 8-bit
 * and 16-bit images, as the calibration table ImageJ's in-memory path converts with; the refusal of a value
 * calibration ImageJ cannot apply from the file alone; 8-bit RGB with a 4th (alpha) sample read as ImageJ's RGB.
 */
class TiffReaderImageJValuesTest {

	/** Coefficients for each function (0–13), chosen to give finite and infinite, positive and negative values. */
	private static final double[][] COEFFICIENTS = { { -10, 0.5 }, { 1, -0.2, 0.003 }, { 1, 0.1, -0.001, 0.00002 },
		{ 2, 0.1, 0.001, -1e-5, 1e-8 }, { 1.5, 0.01 }, { 2, 0.7 }, { 3, 0.5 }, { 10, 2, 100, 250 }, { 20, 3, 1.5, 40 },
		{ 1, 2, 10 }, { 5, 2, 30, 200 }, { 100, 0.02, 5 }, { 10, 200, 120, 30 }, { 100, 0.03, 2 } };

	@TempDir
	Path dir;

	@ParameterizedTest(name = "function {0}")
	@ValueSource(ints = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 })
	void eachFittedFunctionGivesImageJsCalibratedValues(int function) throws IOException {
		for (int bits : new int[] { 8, 16 }) {
			for (boolean zeroClip : new boolean[] { false, true }) {
				String what = "function " + function + ", " + bits + "-bit, zeroclip " + zeroClip;
				ImageProcessor ip = bits == 8 ? new ByteProcessor(16, 16) : new ShortProcessor(64, 64);
				for (int i = 0; i < ip.getPixelCount(); i++) ip.set(i, bits == 8 ? i : i == 1 ? 65535 : i * 1021 % 65536);
				ImagePlus imp = new ImagePlus("cal", ip);
				Calibration cal = imp.getCalibration();
				cal.setFunction(function, COEFFICIENTS[function], "ng/ml", zeroClip);
				imp.setCalibration(cal);
				Path file = dir.resolve("f" + function + "-" + bits + zeroClip + ".tif");
				assertTrue(new FileSaver(imp).saveAsTiff(file.toString()), what);

				ImagePlus ij = new Opener().openImage(file.toString());
				assertNotNull(ij, what);
				assertEquals(function, ij.getCalibration().getFunction(), what + ": ImageJ applies it");
				float[] table = ij.getCalibration().getCTable(); // what the in-memory path converts with
				float[] expected = new float[ip.getPixelCount()];
				for (int i = 0; i < expected.length; i++) expected[i] = table[ij.getProcessor().get(i)];

				try (ChunkedImage blocks = ChunkedImage.open(file)) {
					float[] got = new float[expected.length];
					blocks.plane(0, 0, 0).read(0, 0, ip.getWidth(), ip.getHeight(), got);
					assertArrayEquals(expected, got, what);
					// a block inside the image reads the same values as the whole
					float[] part = new float[3 * 2];
					blocks.plane(0, 0, 0).read(5, 7, 3, 2, part);
					assertEquals(expected[7 * ip.getWidth() + 5], part[0], what);
					assertEquals(expected[8 * ip.getWidth() + 7], part[5], what);
				}
			}
		}
	}

	@Test
	void noValueUnitAndFunctionNoneAreRawValues() throws IOException {
		byte[] raw = TiffBytes.rows(20, 0, 10, 1);
		// no value unit; function none; a value unit alone (as ImageJ saves one without a function)
		for (String d : new String[] { "ImageJ=1.54p\ncf=7\nc0=1\nc1=2\n", "ImageJ=1.54p\ncf=20\nvunit=ng\n",
			"ImageJ=1.54p\ncf=0\nvunit=ng/ml\n" }) {
			Path file = dir.resolve("raw.tif");
			Files.write(file, TiffBytes.grey8(20, 10).description(d).strips(List.of(raw)).build());
			try (TiffReader r = TiffReader.open(file)) {
				assertFalse(r.valueCalibrated(), d);
				float[] got = new float[200];
				r.plane(0, 0).read(0, 0, 20, 10, got);
				for (int i = 0; i < 200; i++) assertEquals(raw[i] & 0xff, got[i], d);
			}
		}
	}

	@Test
	void aValueCalibrationImageJCannotApplyFromTheFileIsRefused() throws IOException {
		// uncalibrated OD, as ImageJ saves it: its values depend on the display LUT
		ImagePlus od = new ImagePlus("od", new ByteProcessor(8, 8));
		od.getCalibration().setFunction(Calibration.UNCALIBRATED_OD, null, "Uncalibrated OD");
		Path odFile = dir.resolve("od.tif");
		assertTrue(new FileSaver(od).saveAsTiff(odFile.toString()));
		UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(odFile));
		assertTrue(e.getMessage().startsWith(odFile + ": its value calibration is ImageJ's uncalibrated OD (cf=21)"),
			e.getMessage());
		assertTrue(e.getMessage().contains("without --format zarr"), e.getMessage());

		byte[] raw = TiffBytes.rows(8, 0, 8, 1);
		String[][] cases = { { "ImageJ=1.54p\ncf=22\nvunit=ng\n", "a custom table (cf=22)" },
			{ "ImageJ=1.54p\ncf=17\nc0=1\nc1=2\nvunit=ng\n", "function cf=17, which ImageJ does not know" },
			{ "ImageJ=1.54p\ncf=7\nc0=1\nc1=2\nvunit=ng\n", "(Rodbard, cf=7) lists 2 coefficients but needs 4" },
			{ "ImageJ=1.54p\ncf=0\nc0=5\nvunit=ng\n", "(straight line, cf=0) lists 1 coefficients but needs 2" } };
		for (String[] c : cases) {
			Path file = dir.resolve("refused.tif");
			Files.write(file, TiffBytes.grey8(8, 8).description(c[0]).strips(List.of(raw)).build());
			e = assertThrows(UserException.class, () -> TiffReader.open(file), c[0]);
			assertTrue(e.getMessage().contains(c[1]), e.getMessage());
		}

		// ImageJ ignores a value calibration on RGB: so does the reader, without a refusal
		Path rgb = dir.resolve("rgb.tif");
		Files.write(rgb, TiffBytes.grey8(8, 8).tag(258, 8, 8, 8).tag(277, 3).tag(262, 2)
			.description("ImageJ=1.54p\ncf=21\nvunit=OD\n").strips(List.of(TiffBytes.rows(8, 0, 8, 3))).build());
		try (TiffReader r = TiffReader.open(rgb)) {
			assertFalse(r.valueCalibrated());
			assertEquals(3, r.samples(0));
		}
	}

	@ParameterizedTest(name = "compression {0}")
	@ValueSource(ints = { 1, TiffBytes.LZW })
	void eightBitRgbWithAnAlphaSampleReadsAsImageJsRgb(int compression) throws IOException {
		int w = 23, h = 17;
		byte[] raw = TiffBytes.rows(w, 0, h, 4);
		Path file = dir.resolve("rgba.tif");
		Files.write(file, TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4).tag(262, 2).tag(338, 2)
			.tag(259, compression).strips(List.of(compression == 1 ? raw : TiffBytes.lzw(raw))).build());
		ImagePlus ij = new Opener().openImage(file.toString());
		assertEquals(ImagePlus.COLOR_RGB, ij.getType());
		ColorProcessor cp = (ColorProcessor) ij.getProcessor();
		try (ChunkedImage blocks = ChunkedImage.open(file)) {
			assertEquals(3, blocks.channels(), "the 4th (alpha) sample is dropped, as ImageJ drops it");
			for (int c = 0; c < 3; c++) {
				float[] got = new float[w * h];
				blocks.plane(0, c, 0).read(0, 0, w, h, got);
				for (int i = 0; i < w * h; i++) {
					assertEquals(cp.get(i) >> (16 - 8 * c) & 0xff, (int) got[i], "channel " + c + ", pixel " + i);
				}
			}
		}
	}
}
