package io.github.convolve2d.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageConverter;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a TIFF header says before the image is read: enough to reserve the memory its run needs. */
class ImageHeaderTest {

	@Test
	void paletteTiffsImageJOpensAsColourCountAsThreeChannelsLikeRgb(@TempDir Path dir) throws Exception {
		ImagePlus imp = IJ.openImage("sample-images/ihc.png");
		imp.setRoi(0, 0, 40, 30);
		ImagePlus rgb = imp.crop();
		ImagePlus palette = rgb.duplicate();
		new ImageConverter(palette).convertRGBtoIndexedColor(256);
		ImagePlus grey = rgb.duplicate();
		new ImageConverter(grey).convertToGray8();
		for (ImagePlus each : new ImagePlus[] { rgb, palette, grey }) {
			new FileSaver(each).saveAsTiff(dir.resolve(each.getBitDepth() + "-" + each.getType() + ".tif").toString());
		}
		ImageHeader p = ImageHeader.read(dir.resolve("8-" + ImagePlus.COLOR_256 + ".tif"));
		assertTrue(p.rgb(), "a palette image is convolved as red, green and blue");
		assertEquals(1, p.bytesPerPixel(), "held as 8-bit by ImageJ");
		assertTrue(ImageHeader.read(dir.resolve("24-" + ImagePlus.COLOR_RGB + ".tif")).rgb());
		assertFalse(ImageHeader.read(dir.resolve("8-" + ImagePlus.GRAY8 + ".tif")).rgb());
		// a palette image from another program (no 8bitcolor=true): ImageJ opens it as grey with a LUT, one channel
		long[] map = new long[768];
		for (int i = 0; i < 256; i++) {
			map[i] = (long) (i * 7 % 256) << 8;
			map[256 + i] = (long) (255 - i) << 8;
			map[512 + i] = (long) (i * 13 % 256) << 8;
		}
		Path other = dir.resolve("other-palette.tif");
		java.nio.file.Files.write(other, io.github.convolve2d.io.TiffBytes.grey8(40, 30).tag(262, 3).tag(320, map)
			.strips(java.util.List.of(io.github.convolve2d.io.TiffBytes.rows(40, 0, 30, 1))).build());
		ImagePlus opened = IJ.openImage(other.toString());
		assertEquals(ImagePlus.GRAY8, opened.getType(), "ImageJ opens it as 8-bit grey (with the palette as its LUT)");
		assertFalse(ImageHeader.read(other).rgb(), "so it is one channel, as the in-memory path convolves it");
	}

	/** A LONG height of 2^31 or more, which ImageJ's decoder reads as a negative int, is a huge image, not an empty one. */
	@Test
	void aHeightOf2To31IsNamedAsTheHeaderGivesItNotAsNegativeOrEmpty(@TempDir Path dir) throws Exception {
		byte[] tiff = TinyTiff.bytes(4, 3, true);
		TinyTiff.putInt(tiff, 8 + 2 + 12 + 8, 0x80000000);
		Path file = Files.write(dir.resolve("tall.tif"), tiff);
		UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageHeader.read(file));
		assertEquals("the image has 4×2147483648 pixels per plane, more than ImageJ can hold (2^31)", e.getMessage());
	}

	/**
	 * ImageJ reads a BMP's palette of as many colours as its header claims, byte by byte: 16 million of them in a
	 * 4 kB file took 35 s to fail, 2^31 - 1 failed as "not enough memory" and asked for more.
	 */
	@Test
	void aBmpPaletteLargerThanTheFileIsRefusedFromTheHeader(@TempDir Path dir) throws Exception {
		java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(40, 30,
			java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		Path sound = dir.resolve("sound.bmp");
		assertTrue(javax.imageio.ImageIO.write(grey, "bmp", sound.toFile()));
		assertEquals(30, ImageHeader.read(sound).height());
		byte[] b = Files.readAllBytes(sound);
		for (long colours : new long[] { 0xF9_0000L, 0x7FFF_FFFFL, 0xFFFF_FFFFL }) {
			java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(46, (int) colours);
			Path file = Files.write(dir.resolve("palette.bmp"), b);
			UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageHeader.read(file));
			assertEquals("corrupt BMP: its header claims a palette of " + colours + " colours (" + 4 * colours
				+ " bytes), more than the file's " + b.length + " bytes hold; the file is damaged \u2014 re-export it",
				e.getMessage());
		}
	}

	/**
	 * A TIFF ImageJ's decoder fails on for a sample type or a compression that neither reader reads is refused with
	 * what to save instead; it was ImageJ's words alone ("not a readable TIFF: Unsupported BitsPerSample: 64", "...
	 * compressed in this fashion (34925)").
	 */
	@org.junit.jupiter.params.ParameterizedTest(name = "{0}-bit, format {1}, compression {2}")
	@org.junit.jupiter.params.provider.CsvSource({ "64, 2, 1, 64-bit signed integer samples",
		"16, 3, 1, 16-bit float samples", "16, 1, 34925, LZMA (TIFF compression 34925)" })
	void aTiffImageJCannotDecodeIsRefusedWithWhatToSaveInstead(int bits, int format, int compression, String says,
		@TempDir Path dir) throws Exception
	{
		Path file = dir.resolve("t.tif");
		Files.write(file, io.github.convolve2d.io.TiffBytes.grey8(4, 2).tag(258, bits).tag(339, format)
			.tag(259, compression).strips(java.util.List.of(new byte[4 * 2 * bits / 8])).build());
		String m = assertThrows(UnreadableImageException.class, () -> ImageHeader.read(file)).getMessage();
		assertTrue(m.startsWith("page 1 ") && m.contains(says) && m.contains("save it"), m);
	}
}
