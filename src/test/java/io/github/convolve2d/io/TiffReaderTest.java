package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The large-TIFF reader against files other programs wrote: tifffile ({@code scripts/tiff_golden.py}: strips,
 * tiles, BigTIFF, zlib, predictor, both byte orders, RGB, planar, pages, integer and float samples), the JDK's TIFF
 * writer (LZW, PackBits, Deflate, tiles) and ImageJ (an uncompressed float stack, one strip per page), each read
 * whole and in random rectangles. Pixel (page p, sample s, y, x) holds {@link ZarrGoldenTest#value}(0, s, p, y, x).
 */
class TiffReaderTest {

	@TempDir
	Path dir;

	// unsigned 32-bit samples read as ImageJ reads them, signed (>i4): TiffReaderImageJSamplesTest
	@ParameterizedTest(name = "{0}")
	@CsvSource({ "f32le-strips, 1, 1, 37, 53, <f4, false", "f32be-tiles-zlib, 1, 1, 37, 53, >f4, true",
		"u16-bigtiff-tiles, 1, 1, 40, 70, <u2, true", "i16be-zlib-predictor, 1, 1, 33, 29, >i2, false",
		"u8-rgb-zlib, 1, 3, 21, 30, |u1, false", "f64-planar-bigtiff, 1, 2, 18, 25, <f8, true",
		"u8-pages, 3, 1, 12, 17, |u1, false", "i32-strips, 1, 1, 9, 11, <i4, false", "u32be-tiles, 1, 1, 20, 20, >i4, true" })
	void readsFilesTifffileWrote(String name, int pages, int samples, int h, int w, String dtype, boolean tiled)
		throws Exception
	{
		Path file = Paths.get(TiffReaderTest.class.getResource("tiff/" + name + ".tif").toURI());
		assertTrue(TiffReader.isTiff(file));
		try (TiffReader tiff = TiffReader.open(file)) {
			assertEquals(pages, tiff.pages(), name);
			Random rnd = new Random(name.hashCode());
			for (int p = 0; p < pages; p++) {
				assertEquals(w, tiff.width(p), name);
				assertEquals(h, tiff.height(p), name);
				assertEquals(samples, tiff.samples(p), name);
				assertEquals(dtype, tiff.dataType(p).zarr(), name);
				assertEquals(tiled, tiff.tiled(p), name);
				for (int s = 0; s < samples; s++) {
					ZarrGoldenTest.checkPlane(tiff.plane(p, s), tiff.dataType(p), 0, s, p, name, rnd);
				}
			}
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "LZW, 0", "LZW, 16", "PackBits, 0", "PackBits, 32", "Deflate, 16", "Deflate, 0" })
	void readsFilesTheJdkWrote(String compression, int tile) throws IOException {
		for (int type : new int[] { BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY }) {
			int w = 61, h = 45;
			BufferedImage img = new BufferedImage(w, h, type);
			WritableRaster r = img.getRaster();
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) r.setSample(x, y, 0, Math.floor(ZarrGoldenTest.value(0, 0, 0, y, x)));
			}
			Path file = dir.resolve(compression + type + ".tif");
			ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionType(compression);
			if (tile > 0) {
				param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
				param.setTiling(tile, tile, 0, 0);
			}
			try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
				writer.setOutput(out);
				writer.write(null, new IIOImage(img, null, null), param);
			}
			writer.dispose();
			try (TiffReader tiff = TiffReader.open(file)) {
				assertEquals(tile > 0, tiff.tiled(0));
				ZarrGoldenTest.checkPlane(tiff.plane(0, 0), DataType.parse("<u2"), 0, 0, 0, compression + " " + type,
					new Random(3));
			}
		}
	}

	@Test
	void readsAnImageJFloatStack() throws IOException {
		ImageStack stack = new ImageStack(40, 30);
		for (int z = 0; z < 3; z++) {
			FloatProcessor fp = new FloatProcessor(40, 30);
			for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) fp.setf(x, y, (float) ZarrGoldenTest.value(0, 0, z, y, x));
			stack.addSlice(fp);
		}
		Path file = dir.resolve("stack.tif");
		assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(file.toString()));
		try (TiffReader tiff = TiffReader.open(file)) {
			assertEquals(3, tiff.pages());
			for (int z = 0; z < 3; z++) {
				ZarrGoldenTest.checkPlane(tiff.plane(z, 0), DataType.FLOAT32, 0, 0, z, "ImageJ stack", new Random(z));
			}
		}
	}

	@Test
	void whatItDoesNotReadIsRefusedWithWhatToDo() throws IOException {
		BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
		Path file = dir.resolve("jpeg.tif");
		ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
		ImageWriteParam param = writer.getDefaultWriteParam();
		param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
		param.setCompressionType("JPEG");
		try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
			writer.setOutput(out);
			writer.write(null, new IIOImage(img, null, null), param);
		}
		UserException e = assertThrows(UserException.class, () -> TiffReader.open(file));
		assertTrue(e.getMessage().contains("JPEG (TIFF compression 7)") && e.getMessage().contains("Deflate"), e.getMessage());
		Path text = dir.resolve("notes.tif");
		Files.write(text, "hello".getBytes());
		assertFalse(TiffReader.isTiff(text));
		assertThrows(UserException.class, () -> TiffReader.open(text));
	}

	/**
	 * A codec that is not read is refused naming it and with a command that rewrites the file without loading it whole
	 * (a whole-slide image is larger than memory); it said "uses TIFF compression 50000, which is not read here ...;
	 * save it uncompressed or with Deflate or LZW", a number the user had to look up and no way to do it. libtiff's
	 * tiffcp (4.5) rewrites zstd, LZMA, WebP, JPEG and LERC files strip by strip, and the floating-point predictor.
	 */
	@ParameterizedTest(name = "compression {0}, predictor {1}")
	@CsvSource({ "50000, 1, Zstandard (TIFF compression 50000)", "34925, 1, LZMA (TIFF compression 34925)",
		"50001, 1, WebP (TIFF compression 50001)", "7, 1, JPEG (TIFF compression 7)",
		"8, 3, the floating-point predictor (3)" })
	void aCodecNotReadIsNamedWithACommandThatRewritesTheFile(int compression, int predictor, String says)
		throws IOException
	{
		Path file = dir.resolve("big scan.tif");
		Files.write(file, TiffBytes.grey8(4, 2).tag(258, 32).tag(339, 3).tag(259, compression).tag(317, predictor)
			.strips(java.util.List.of(new byte[32])).build());
		String m = assertThrows(UserException.class, () -> TiffReader.open(file)).getMessage();
		assertTrue(m.startsWith(file + ": page 1 ") && m.contains(says), m);
		assertTrue(m.contains("tiffcp -8 -c zip:1 '" + file + "' '" + dir.resolve("big scan-deflate.tif") + "'"), m);
	}

	/** libtiff does not decode JPEG 2000 (tiffcp: "Compression scheme 34712 tile decoding is not implemented"). */
	@Test
	void jpeg2000IsRewrittenWithBioFormats() throws IOException {
		Path file = dir.resolve("slide.tiff");
		Files.write(file, TiffBytes.grey8(4, 2).tag(259, 34712).strips(java.util.List.of(new byte[8])).build());
		String m = assertThrows(UserException.class, () -> TiffReader.open(file)).getMessage();
		assertTrue(m.contains("JPEG 2000 (TIFF compression 34712)") && m.contains("bfconvert -bigtiff -compression zlib '"
			+ file + "' '" + dir.resolve("slide-deflate.tif") + "'"), m);
	}

	/**
	 * Sample types read by neither reader (64-bit integers, 16-bit floats, complex values, 1-bit) are refused naming
	 * the page and what to save instead; the message said only what is read ("(page 1) has 64-bit samples of format
	 * 2; read here are ..."). A fax-compressed 1-bit page is refused for its compression, which ImageJ does not read.
	 */
	@ParameterizedTest(name = "{0}-bit, format {1}, compression {2}")
	@CsvSource({ "64, 2, 1, 64-bit signed integer samples", "16, 3, 1, 16-bit float samples",
		"64, 6, 1, magnitude or the real part", "1, 1, 1, save it as 8-bit", "1, 1, 4, CCITT Group 4 (fax) (TIFF compression 4)" })
	void sampleTypesNotReadAreRefusedWithWhatToSaveInstead(int bits, int format, int compression, String says)
		throws IOException
	{
		Path file = dir.resolve("t.tif");
		Files.write(file, TiffBytes.grey8(4, 2).tag(258, bits).tag(339, format).tag(259, compression)
			.strips(java.util.List.of(new byte[4 * 2 * Math.max(1, bits / 8)])).build());
		String m = assertThrows(UserException.class, () -> TiffReader.open(file)).getMessage();
		assertTrue(m.startsWith(file + ": page 1 ") && m.contains(says) && m.contains("save it"), m);
	}

	/**
	 * Pages that differ are refused naming how they differ and what to do: an RGB page beside a grey one of the same
	 * size was told as 'page 2 is 4×2 but page 1 is 4×2 (a pyramid or thumbnail?)'.
	 */
	@Test
	void pagesOfAnotherSizeOrKindAreRefusedSayingHowTheyDiffer() throws IOException {
		Path kinds = dir.resolve("kinds.tif"), sizes = dir.resolve("sizes.tif");
		TiffBytes grey = TiffBytes.grey8(4, 2).strips(java.util.List.of(new byte[8]));
		Files.write(kinds, TiffBytes.grey8(4, 2).tag(277, 3).tag(262, 2).tag(258, 8, 8, 8)
			.strips(java.util.List.of(new byte[24])).thenPage(grey).build());
		Files.write(sizes, TiffBytes.grey8(8, 2).strips(java.util.List.of(new byte[16])).thenPage(grey).build());
		String k = assertThrows(UserException.class, () -> ChunkedImage.open(kinds)).getMessage();
		assertTrue(k.contains("page 2 has 1 sample(s) per pixel but page 1 has 3") && k.contains("save the pages"), k);
		String z = assertThrows(UserException.class, () -> ChunkedImage.open(sizes)).getMessage();
		assertTrue(z.contains("page 2 is 4×2 but page 1 is 8×2") && z.contains("save the pages"), z);
	}

	@Test
	void aRegionOfAnUncompressedStripIsReadAndAStripCutShortIsRefusedWhenOpened() throws IOException {
		// a 1-strip image whose pixels past row 3 are cut off: refused when opened, not met halfway through a run
		FloatProcessor fp = new FloatProcessor(50, 40);
		for (int i = 0; i < 50 * 40; i++) fp.setf(i, i);
		Path file = dir.resolve("cut.tif");
		assertTrue(new FileSaver(new ImagePlus("cut", fp)).saveAsTiff(file.toString()));
		long dataStart;
		try (TiffReader tiff = TiffReader.open(file)) {
			float[] all = new float[50 * 40];
			tiff.plane(0, 0).read(0, 0, 50, 40, all);
			dataStart = Files.size(file) - 4L * 50 * 40; // ImageJ writes the pixels last
			assertEquals(1999f, all[1999]);
		}
		byte[] bytes = Files.readAllBytes(file);
		try (TiffReader tiff = TiffReader.open(file)) {
			PlaneSource p = tiff.plane(0, 0);
			float[] part = new float[7 * 3];
			p.read(10, 0, 7, 3, part);
			assertEquals(10f, part[0]);
			assertEquals(2 * 50 + 16f, part[20]);
		}
		Files.write(file, java.util.Arrays.copyOf(bytes, (int) dataStart + 4 * 50 * 3));
		UserException e = assertThrows(UserException.class, () -> TiffReader.open(file));
		assertTrue(e.getMessage().contains("cut.tif: page 1, strip 1 lies beyond the end of the file"), e.getMessage());
	}
}
