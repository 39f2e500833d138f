package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ColorProcessor;
import ij.process.ImageConverter;
import ij.process.ImageProcessor;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The samples the blockwise path reads ({@link ChunkedImage}, {@link TiffReader}) from TIFFs that ImageJ reads in
 * its own way, value by value against ImageJ's reading of the same file ({@link Opener}) as the in-memory path
 * converts it: 8-bit CMYK as ImageJ's RGB; an 8-bit colour (palette) image as the red, green and blue of its
 * palette when ImageJ opens it as 8-bit colour, as its indices when ImageJ opens it as grey with a LUT; signed 8-bit
 * samples unsigned (value calibration included); unsigned 32-bit integers as ImageJ's signed floats, predictor
 * included; 4 samples of 8 bits in planes as ImageJ reads them interleaved. What ImageJ reads in a way that cannot
 * be matched is refused, naming the file.
 */
class TiffReaderImageJSamplesTest {

	@TempDir
	Path dir;

	/** Plane (0, c, 0) read whole and as a block inside it, against {@code expected}, value by value. */
	private static void assertReadsAs(float[] expected, ChunkedImage blocks, int c, int w, int h, String what)
		throws IOException
	{
		float[] got = new float[w * h];
		blocks.plane(0, c, 0).read(0, 0, w, h, got);
		for (int i = 0; i < w * h; i++) {
			assertEquals(expected[i], got[i], 0f, what + ", channel " + c + ", pixel (" + i % w + ", " + i / w + ")");
		}
		float[] part = new float[4 * 3];
		blocks.plane(0, c, 0).read(3, 2, 4, 3, part);
		for (int i = 0; i < part.length; i++) {
			assertEquals(expected[(2 + i / 4) * w + 3 + i % 4], part[i], 0f, what + ", block, channel " + c);
		}
	}

	/** Red (0), green (1) or blue (2) of an RGB processor, as the in-memory path converts it. */
	private static float[] channel(ImageProcessor rgb, int c) {
		int[] pixels = (int[]) ((ColorProcessor) rgb).getPixels();
		float[] f = new float[pixels.length];
		for (int i = 0; i < f.length; i++) f[i] = pixels[i] >> (16 - 8 * c) & 0xff;
		return f;
	}

	/** The values of a grey processor as the in-memory path converts them (through the calibration when any). */
	private static float[] grey(ImagePlus imp) {
		ImageProcessor ip = imp.getProcessor();
		float[] table = imp.getCalibration().calibrated() ? imp.getCalibration().getCTable() : null;
		float[] f = new float[ip.getPixelCount()];
		for (int i = 0; i < f.length; i++) f[i] = table != null ? table[ip.get(i)] : ip.getf(i);
		return f;
	}

	@ParameterizedTest(name = "compression {0}")
	@ValueSource(ints = { 1, TiffBytes.LZW, TiffBytes.DEFLATE, TiffBytes.PACKBITS })
	void eightBitCmykReadsAsImageJsRgb(int compression) throws IOException {
		int w = 29, h = 13;
		byte[] raw = new byte[w * h * 4];
		new Random(compression).nextBytes(raw);
		for (int i = 0; i < w * h; i += 3) raw[4 * i + 3] = 0; // no black: ImageJ only inverts
		for (int i = 1; i < w * h; i += 7) raw[4 * i + 3] = (byte) 255;
		byte[] stored = compression == 1 ? raw : compression == TiffBytes.LZW ? TiffBytes.lzw(raw)
			: compression == TiffBytes.DEFLATE ? TiffBytes.deflate(raw) : TiffBytes.packBits(raw);
		Path file = dir.resolve("cmyk.tif");
		Files.write(file, TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4).tag(262, 5).tag(259, compression)
			.strips(List.of(stored)).build());
		ImagePlus ij = new Opener().openImage(file.toString());
		assertNotNull(ij);
		assertEquals(ImagePlus.COLOR_RGB, ij.getType(), "ImageJ converts CMYK to RGB");
		try (ChunkedImage blocks = ChunkedImage.open(file)) {
			assertEquals(3, blocks.channels(), "red, green and blue, as ImageJ reads it");
			for (int c = 0; c < 3; c++) assertReadsAs(channel(ij.getProcessor(), c), blocks, c, w, h, "CMYK");
		}
	}

	/**
	 * 4 samples of 8 bits in separate planes (RGB and alpha, or CMYK) give the red, green and blue ImageJ reads from
	 * the same samples interleaved; they were refused, and the batch in memory wrote ImageJ's reading of the planes as
	 * if interleaved, pixels of no colour the file holds.
	 */
	@Test
	void planarFourSampleImagesReadAsImageJReadsTheSameSamplesInterleaved() throws IOException {
		int w = 8, h = 6;
		List<byte[]> planes = new ArrayList<>();
		for (int s = 0; s < 4; s++) planes.add(TiffBytes.rows(w, 7 * s, 7 * s + h, 1));
		byte[] interleaved = new byte[4 * w * h];
		for (int i = 0; i < w * h; i++) {
			for (int s = 0; s < 4; s++) interleaved[4 * i + s] = planes.get(s)[i];
		}
		for (int photometric : new int[] { 5, 2 }) {
			Path file = dir.resolve("planar" + photometric + ".tif"), same = dir.resolve("chunky" + photometric + ".tif");
			Files.write(file, TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4).tag(262, photometric).tag(284, 2)
				.strips(planes).build());
			Files.write(same, TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4).tag(262, photometric)
				.strips(List.of(interleaved)).build());
			ImagePlus ij = new Opener().openImage(same.toString());
			assertEquals(ImagePlus.COLOR_RGB, ij.getType());
			try (ChunkedImage blocks = ChunkedImage.open(file)) {
				assertEquals(3, blocks.channels(), "red, green and blue");
				for (int c = 0; c < 3; c++) {
					assertReadsAs(channel(ij.getProcessor(), c), blocks, c, w, h, "photometric " + photometric);
				}
			}
			assertNull(TiffReader.damage(file, 1));
		}
		// a damaged one is still found damaged before ImageJ reads it
		List<byte[]> compressed = new ArrayList<>();
		for (byte[] plane : planes) compressed.add(TiffBytes.deflate(plane));
		compressed.set(3, java.util.Arrays.copyOf(compressed.get(3), compressed.get(3).length / 2));
		Path cut = dir.resolve("planar-cut.tif");
		Files.write(cut, TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4).tag(262, 5).tag(284, 2)
			.tag(259, TiffBytes.DEFLATE).strips(compressed).build());
		String damage = TiffReader.damage(cut, 1);
		assertNotNull(damage);
		assertTrue(damage.contains("strip 4"), damage);
	}

	/**
	 * 16-bit pixels of 4 samples: ImageJ opens them as 4 channels, and a CMYK one (photometric 5) then inverted by
	 * its Invert command; read block by block they give the same 4 channels, or, for CMYK, a refusal.
	 */
	@Test
	void sixteenBitFourSamplesReadAsImageJOrCmykIsRefused() throws IOException {
		int w = 8, h = 6;
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(w * h * 4 * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < w * h * 4; i++) b.putShort((short) (i * 977 % 65536));
		for (int photometric : new int[] { 2, 5 }) {
			Path file = dir.resolve("four16-" + photometric + ".tif");
			Files.write(file, TiffBytes.grey8(w, h).tag(258, 16, 16, 16, 16).tag(277, 4).tag(262, photometric)
				.strips(List.of(b.array())).build());
			if (photometric == 5) { // ImageJ runs its Invert command on it, which a headless ImageJ cannot
				UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(file));
				assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("16-bit CMYK"),
					e.getMessage());
				assertNull(TiffReader.damage(file, 1), "whoever reads it whole still has its strips checked");
				continue;
			}
			ImagePlus ij = new ij.io.Opener().openImage(file.toString());
			assertEquals(4, ij.getNChannels(), "ImageJ opens 4 channels");
			try (ChunkedImage blocks = ChunkedImage.open(file)) {
				assertEquals(4, blocks.channels());
				for (int c = 0; c < 4; c++) {
					ij.setPosition(c + 1, 1, 1);
					float[] expected = (float[]) ij.getProcessor().convertToFloat().getPixels();
					assertReadsAs(expected, blocks, c, w, h, "16-bit RGBA");
				}
			}
		}
	}

	/** A 37×23 image of many colours, as Image › Type › 8-bit Color makes it, saved by ImageJ. */
	private Path imageJColour(String name, double min, double max) {
		int w = 37, h = 23;
		ColorProcessor rgb = new ColorProcessor(w, h);
		Random random = new Random(5);
		int[] colours = new int[60];
		for (int i = 0; i < colours.length; i++) colours[i] = random.nextInt(1 << 24);
		for (int i = 0; i < w * h; i++) rgb.set(i, colours[(i * 7 + i / w) % colours.length]);
		ImagePlus imp = new ImagePlus(name, rgb);
		new ImageConverter(imp).convertRGBtoIndexedColor(256);
		assertEquals(ImagePlus.COLOR_256, imp.getType());
		if (min != 0 || max != 255) imp.getProcessor().setMinAndMax(min, max);
		Path file = dir.resolve(name + ".tif");
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
		return file;
	}

	@Test
	void anImageJColourImageReadsAsTheColoursOfItsPalette() throws IOException {
		Path file = imageJColour("colour", 0, 255);
		ImagePlus ij = new Opener().openImage(file.toString());
		assertEquals(ImagePlus.COLOR_256, ij.getType(), "ImageJ opens it as 8-bit colour");
		ImageProcessor rgb = ij.getProcessor().convertToRGB(); // what the in-memory path convolves
		try (ChunkedImage blocks = ChunkedImage.open(file)) {
			assertEquals(3, blocks.channels());
			for (int c = 0; c < 3; c++) assertReadsAs(channel(rgb, c), blocks, c, 37, 23, "ImageJ's 8-bit colour");
		}
	}

	/**
	 * A 16×16 palette image of indices 0–255 whose colour map's low bytes differ from its high ones: random colours,
	 * or a smooth ramp of colours (a pseudo-colour LUT to ImageJ).
	 */
	private Path palette(String name, String description, boolean ramp) throws IOException {
		long[] map = new long[768];
		Random random = new Random(9);
		for (int i = 0; i < 768; i++) {
			int j = i % 256, high = !ramp ? random.nextInt(256) : i < 256 ? j : i < 512 ? 255 - j : j / 2;
			map[i] = high << 8 | (ramp ? 0x80 : random.nextInt(256));
		}
		byte[] indices = new byte[256];
		for (int i = 0; i < 256; i++) indices[i] = (byte) (i * 47);
		Path file = dir.resolve(name + ".tif");
		TiffBytes tiff = TiffBytes.grey8(16, 16).tag(262, 3).tag(320, map).strips(List.of(indices));
		if (description != null) tiff.description(description);
		Files.write(file, tiff.build());
		return file;
	}

	@Test
	void aPaletteImageReadsAsImageJOpensIt() throws IOException {
		// saved by ImageJ as 8-bit colour: its palette's colours, the high byte of each 16-bit entry
		Path colour = palette("colour", "ImageJ=1.54p\n8bitcolor=true\n", false);
		ImagePlus ij = new Opener().openImage(colour.toString());
		assertEquals(ImagePlus.COLOR_256, ij.getType());
		ImageProcessor rgb = ij.getProcessor().convertToRGB();
		try (ChunkedImage blocks = ChunkedImage.open(colour)) {
			assertEquals(3, blocks.channels());
			for (int c = 0; c < 3; c++) assertReadsAs(channel(rgb, c), blocks, c, 16, 16, "8bitcolor palette");
		}

		// from another program, or a pseudo-colour ramp: ImageJ opens grey indices with a LUT, which it convolves
		String[][] cases = { { "other", null }, { "ramp", "ImageJ=1.54p\n8bitcolor=true\n" } };
		for (String[] c : cases) {
			Path file = palette(c[0], c[1], c[0].equals("ramp"));
			ImagePlus grey = new Opener().openImage(file.toString());
			assertEquals(ImagePlus.GRAY8, grey.getType(), c[0]);
			assertTrue(grey.getProcessor().isColorLut(), c[0] + ": ImageJ keeps the palette as its LUT");
			try (ChunkedImage blocks = ChunkedImage.open(file)) {
				assertEquals(1, blocks.channels(), c[0]);
				assertReadsAs(grey(grey), blocks, 0, 16, 16, c[0] + " palette");
			}
		}
	}

	@Test
	void anImageJColourImageWithADisplayRangeIsRefused() throws IOException {
		Path file = imageJColour("ranged", 20, 180);
		UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(file));
		assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
		assertTrue(e.getMessage().contains("display range (min=20.0, max=180.0)"), e.getMessage());
		assertTrue(e.getMessage().contains("without --format zarr"), e.getMessage());
	}

	@Test
	void signedEightBitSamplesReadUnsignedAsImageJReadsThem() throws IOException {
		byte[] raw = new byte[256];
		for (int i = 0; i < 256; i++) raw[i] = (byte) (i * 13);
		String[] descriptions = { null, "ImageJ=1.54p\ncf=0\nc0=-128\nc1=0.5\nvunit=units\n" };
		for (String d : descriptions) {
			Path file = dir.resolve("signed8.tif");
			TiffBytes tiff = TiffBytes.grey8(16, 16).tag(339, 2).strips(List.of(raw));
			if (d != null) tiff.description(d);
			Files.write(file, tiff.build());
			ImagePlus ij = new Opener().openImage(file.toString());
			assertEquals(ImagePlus.GRAY8, ij.getType());
			assertEquals(d != null, ij.getCalibration().calibrated(), "ImageJ applies the calibration: " + d);
			try (ChunkedImage blocks = ChunkedImage.open(file)) {
				assertReadsAs(grey(ij), blocks, 0, 16, 16, "signed 8-bit, " + d);
			}
		}
	}

	/** Pixel values of the 32-bit tests, as unsigned 32-bit integers: both sides of 2³¹ and the extremes. */
	private static long[] unsigned32(int n) {
		long[] v = new long[n];
		long[] edges = { 0, 1, 0x7fffffffL, 0x80000000L, 0x80000001L, 0xffffffffL, 3_000_000_000L, 16_777_217 };
		Random random = new Random(3);
		for (int i = 0; i < n; i++) v[i] = i < edges.length ? edges[i] : random.nextInt() & 0xffffffffL;
		return v;
	}

	@ParameterizedTest(name = "predictor {0}")
	@ValueSource(ints = { 1, 2 })
	void unsignedThirtyTwoBitIntegersReadAsImageJsFloats(int predictor) throws IOException {
		int w = 16, h = 8;
		long[] v = unsigned32(w * h);
		ByteBuffer b = ByteBuffer.allocate(4 * w * h).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < w * h; i++) b.putInt((int) (predictor == 2 && i % w > 0 ? v[i] - v[i - 1] : v[i]));
		byte[] stored = predictor == 2 ? TiffBytes.deflate(b.array()) : b.array();
		Path file = dir.resolve("u32.tif");
		Files.write(file, TiffBytes.grey8(w, h).tag(258, 32).tag(339, 1).tag(259, predictor == 2 ? TiffBytes.DEFLATE : 1)
			.tag(317, predictor).strips(List.of(stored)).build());
		ImagePlus ij = new Opener().openImage(file.toString());
		assertEquals(ImagePlus.GRAY32, ij.getType());
		float[] expected = (float[]) ij.getProcessor().getPixels();
		try (ChunkedImage blocks = ChunkedImage.open(file)) {
			assertReadsAs(expected, blocks, 0, w, h, "unsigned 32-bit, predictor " + predictor);
		}
		if (predictor == 2) {
			// ImageJ adds the differences up as floats, which rounds: not the integers' own values
			float[] exact = new float[w * h];
			for (int i = 0; i < w * h; i++) exact[i] = (int) v[i];
			assertNotEquals(java.util.Arrays.toString(exact), java.util.Arrays.toString(expected));
		}
		else {
			assertEquals(-2147483648f, expected[3], "ImageJ reads 2^31 as a signed integer");
			float[] exact = new float[w * h];
			for (int i = 0; i < w * h; i++) exact[i] = (int) v[i];
			assertArrayEquals(exact, expected);
		}
	}
}
