package io.github.convolve2d.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import io.github.convolve2d.io.TiffBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ImageJ's read of a compressed TIFF after our check of its strips: a sound file gives ImageJ's image, a damaged
 * one is refused with the damage before ImageJ sees it. It must come before: ImageJ 1.54p's own reader takes a cut
 * LZW strip's missing rows for zeros, and never returns from a cut Deflate strip (ImageReader.zipUncompress loops
 * once the data run out; seen here when the check ran beside ImageJ's read instead).
 */
class ImageJReaderTest {

	private static final int W = 1024, H = 1024, ROWS = 64;

	@TempDir
	Path dir;

	private static List<byte[]> strips(int method) {
		List<byte[]> s = new ArrayList<>();
		for (int y = 0; y < H; y += ROWS) {
			byte[] raw = TiffBytes.rows(W, y, y + ROWS, 1);
			s.add(method == TiffBytes.LZW ? TiffBytes.lzw(raw) : TiffBytes.deflate(raw));
		}
		return s;
	}

	private Path write(String name, List<byte[]> strips, int method) throws IOException {
		Path file = dir.resolve(name);
		Files.write(file, TiffBytes.grey8(W, H).tag(259, method).tag(278, ROWS).strips(strips).build());
		return file;
	}

	@ParameterizedTest(name = "compression {0}, {1} thread(s)")
	@CsvSource({ "8, 1", "8, 2", "5, 1", "5, 2" }) // Deflate, LZW
	void aSoundFileIsImageJsImageAndADamagedOneIsRefusedWithItsDamage(int method, int threads) throws Exception {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			String what = (method == TiffBytes.LZW ? "LZW" : "Deflate") + ", " + threads + " thread(s)";
			Path sound = write("sound.tif", strips(method), method);
			ImagePlus imp = ImageJReader.read(sound, ImageHeader.read(sound), threads);
			byte[] want = new byte[W * H];
			for (int y = 0; y < H; y++) System.arraycopy(TiffBytes.rows(W, y, y + 1, 1), 0, want, y * W, W);
			assertArrayEquals(want, (byte[]) imp.getProcessor().getPixels(), what);

			// strip 9 cut to half its bytes: ImageJ alone reads the rest of it as zeros
			List<byte[]> cut = strips(method);
			cut.set(8, Arrays.copyOf(cut.get(8), cut.get(8).length / 2));
			Path damaged = write("cut.tif", cut, method);
			ImageHeader header = ImageHeader.read(damaged);
			UnreadableImageException e = assertThrows(UnreadableImageException.class,
				() -> ImageJReader.read(damaged, header, threads), what);
			assertTrue(e.getMessage().contains("strip 9 is damaged"), what + ": " + e.getMessage());
		});
	}

	/**
	 * Two strip lengths of 2 bytes each fit their entry's own 4 bytes, where libtiff stores them (OpenCV's small float
	 * TIFFs); ImageJ 1.54p reads them from the offset those bytes spell, and fails or reads other lengths. The batch
	 * reads such a file as the same pixels stored with 4-byte lengths. Three such lengths lie elsewhere in the file,
	 * where ImageJ reads them itself.
	 */
	@ParameterizedTest(name = "compression {0}, {1} strips, {2} page(s)")
	@CsvSource({ "1, 2, 1", "1, 2, 3", "1, 3, 2", "8, 2, 1", "8, 2, 2", "5, 2, 2", "32773, 2, 1" })
	void twoShortStripLengthsInTheirEntryGiveThePixelsOfLongLengths(int method, int strips, int pages) throws Exception {
		String what = "compression " + method + ", " + strips + " strips, " + pages + " page(s)";
		int w = 64, h = 40, rows = (h + strips - 1) / strips;
		Path[] files = new Path[2];
		for (int f = 0; f < 2; f++) {
			TiffBytes tiff = null;
			for (int page = 0; page < pages; page++) {
				List<byte[]> stored = new ArrayList<>();
				for (int y = 0; y < h; y += rows) {
					// each page its own rows of the test pattern
					byte[] raw = TiffBytes.rows(w, page * h + y, page * h + Math.min(h, y + rows), 1);
					stored.add(method == 1 ? raw : method == TiffBytes.LZW ? TiffBytes.lzw(raw)
						: method == TiffBytes.DEFLATE ? TiffBytes.deflate(raw) : TiffBytes.packBits(raw));
				}
				TiffBytes p = TiffBytes.grey8(w, h).tag(259, method).tag(278, rows).strips(stored);
				if (tiff == null) tiff = f == 0 ? p.shortStripCounts() : p;
				else tiff.thenPage(p);
			}
			files[f] = dir.resolve((f == 0 ? "short" : "long") + ".tif");
			Files.write(files[f], tiff.build());
		}
		ImagePlus shortCounts = ImageJReader.read(files[0], ImageHeader.read(files[0]), 2);
		ImagePlus longCounts = ImageJReader.read(files[1], ImageHeader.read(files[1]), 2);
		assertTrue(shortCounts.getStackSize() == pages && longCounts.getStackSize() == pages, what);
		for (int page = 1; page <= pages; page++) {
			byte[] want = new byte[w * h];
			for (int y = 0; y < h; y++) {
				System.arraycopy(TiffBytes.rows(w, (page - 1) * h + y, (page - 1) * h + y + 1, 1), 0, want, y * w, w);
			}
			assertArrayEquals(want, (byte[]) longCounts.getStack().getPixels(page), what + ", page " + page);
			assertArrayEquals(want, (byte[]) shortCounts.getStack().getPixels(page), what + ", page " + page);
		}
	}

	private static Path golden(String name) throws Exception {
		return java.nio.file.Paths.get(ImageJReaderTest.class.getResource("/io/github/convolve2d/io/tiff/" + name + ".tif")
			.toURI());
	}

	/**
	 * TIFFs ImageJ 1.54p does not read, tiled or BigTIFF ({@code scripts/tiff_golden.py}: an ImageJ hyperstack of 2
	 * channels × 3 slices with its calibration, the same pages and description striped, tiled and as a BigTIFF), are
	 * read by the project's own reader into what ImageJ makes of the striped file: the same dimensions, calibration
	 * and values (as 32-bit planes). They used to be refused ("ImageJ cannot open tiled TIFFs. Try using the
	 * Bio-Formats plugin", and BigTIFF outright).
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource({ "u16-hyperstack-tiles", "u16-hyperstack-bigtiff" })
	void tiffsImageJDoesNotReadGiveImageJsImageOfTheSamePagesStriped(String name) throws Exception {
		Path striped = golden("u16-hyperstack-strips"), file = golden(name);
		ImageHeader expectedHeader = ImageHeader.read(striped), header = ImageHeader.read(file);
		assertTrue(!expectedHeader.ownReader() && header.ownReader(), name);
		ImagePlus expected = ImageJReader.read(striped, expectedHeader, 1), got = ImageJReader.read(file, header, 2);
		org.junit.jupiter.api.Assertions.assertArrayEquals(expected.getDimensions(), got.getDimensions(), name);
		org.junit.jupiter.api.Assertions.assertEquals(2, header.channels(), name);
		org.junit.jupiter.api.Assertions.assertEquals(expected.getStackSize(), header.planes(), name);
		ij.measure.Calibration e = expected.getCalibration(), g = got.getCalibration();
		org.junit.jupiter.api.Assertions.assertEquals(e.pixelWidth, 0.5, 1e-12, "the striped file's calibration");
		org.junit.jupiter.api.Assertions.assertEquals(e.xOrigin, 4.0, 1e-12, "the striped file's calibration");
		for (double[] pair : new double[][] { { e.pixelWidth, g.pixelWidth }, { e.pixelHeight, g.pixelHeight },
			{ e.pixelDepth, g.pixelDepth }, { e.xOrigin, g.xOrigin }, { e.yOrigin, g.yOrigin }, { e.zOrigin, g.zOrigin } })
		{
			org.junit.jupiter.api.Assertions.assertEquals(pair[0], pair[1], 1e-9, name + ": " + e + " / " + g);
		}
		org.junit.jupiter.api.Assertions.assertEquals(e.getUnit(), g.getUnit(), name);
		for (int n = 1; n <= expected.getStackSize(); n++) {
			assertArrayEquals((float[]) expected.getStack().getProcessor(n).convertToFloat().getPixels(),
				(float[]) got.getStack().getProcessor(n).getPixels(), name + ", plane " + n);
		}
	}

	/**
	 * A striped TIFF of 64-bit floats (numpy's default type, as tifffile writes it), which ImageJ 1.54p does not read
	 * ("Unsupported BitsPerSample: 64"), is read by the project's own reader into 32-bit planes, as a tiled one is;
	 * it failed with ImageJ's words and nothing to do, while the same pixels tiled were convolved.
	 */
	@ParameterizedTest(name = "{0} page(s)")
	@CsvSource({ "1", "3" })
	void aStripedTiffOf64BitFloatsIsReadAs32BitPlanes(int pages) throws Exception {
		int w = 7, h = 5;
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(w * h * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < w * h; i++) b.putDouble(i * 1.25 - 17);
		Path file = Files.write(dir.resolve("f64.tif"), TiffBytes.grey8(w, h).tag(258, 64).tag(339, 3)
			.strips(List.of(b.array())).pages(pages).build());
		ImageHeader header = ImageHeader.read(file);
		assertTrue(header.ownReader(), "read by the project's own reader");
		ImagePlus imp = ImageJReader.read(file, header, 1);
		assertEquals(32, imp.getBitDepth());
		assertEquals(pages, imp.getStackSize());
		float[] want = new float[w * h];
		for (int i = 0; i < w * h; i++) want[i] = (float) (i * 1.25 - 17);
		for (int n = 1; n <= pages; n++) assertArrayEquals(want, (float[]) imp.getStack().getPixels(n), "page " + n);
	}

	/**
	 * A striped TIFF of two samples per pixel (interleaved or in planes), which ImageJ 1.54p's decoder refuses as
	 * 'interleaved -257-bit images' (it reads the two bit counts stored in their entry from elsewhere), is read by the
	 * project's own reader as two channels, as a tiled one is; it failed with those words.
	 */
	@ParameterizedTest(name = "planar configuration {0}")
	@CsvSource({ "1", "2" })
	void aStripedTiffOfTwoSamplesPerPixelIsReadAsTwoChannels(int planar) throws Exception {
		int w = 5, h = 3;
		byte[] stored = new byte[w * h * 2];
		float[][] want = new float[2][w * h];
		for (int s = 0; s < 2; s++) {
			for (int i = 0; i < w * h; i++) {
				want[s][i] = (i * 7 + s * 100) % 256;
				stored[planar == 1 ? 2 * i + s : s * w * h + i] = (byte) want[s][i];
			}
		}
		TiffBytes tiff = TiffBytes.grey8(w, h).tag(277, 2).tag(258, 8, 8).tag(284, planar);
		tiff = planar == 1 ? tiff.strips(List.of(stored))
			: tiff.strips(List.of(Arrays.copyOf(stored, w * h), Arrays.copyOfRange(stored, w * h, 2 * w * h)));
		Path file = Files.write(dir.resolve("two.tif"), tiff.build());
		ImageHeader header = ImageHeader.read(file);
		assertTrue(header.ownReader(), "read by the project's own reader");
		assertEquals(2, header.channels());
		ImagePlus imp = ImageJReader.read(file, header, 1);
		assertEquals(2, imp.getNChannels());
		for (int c = 0; c < 2; c++) assertArrayEquals(want[c], (float[]) imp.getStack().getPixels(c + 1), "sample " + c);
	}

	/**
	 * A striped TIFF of 5 samples per pixel in separate planes, of which ImageJ 1.54p reads the first alone without a
	 * word, is read by the project's own reader as 5 channels; the batch wrote the first sample's feature maps alone.
	 */
	@Test
	void fiveSamplesInSeparatePlanesAreReadAsFiveChannels() throws Exception {
		int w = 5, h = 3, n = 5;
		List<byte[]> planes = new ArrayList<>();
		for (int s = 0; s < n; s++) planes.add(TiffBytes.rows(w, s * h, (s + 1) * h, 1));
		Path file = Files.write(dir.resolve("five.tif"), TiffBytes.grey8(w, h).tag(277, n).tag(258, 8, 8, 8, 8, 8)
			.tag(284, 2).strips(planes).build());
		ImageHeader header = ImageHeader.read(file);
		assertEquals(n, header.channels());
		ImagePlus imp = ImageJReader.read(file, header, 1);
		assertEquals(n, imp.getNChannels());
		for (int s = 0; s < n; s++) {
			float[] want = new float[w * h];
			for (int i = 0; i < w * h; i++) want[i] = planes.get(s)[i] & 0xff;
			assertArrayEquals(want, (float[]) imp.getStack().getPixels(s + 1), "sample " + s);
		}
	}

	/**
	 * 4 samples of 8 bits in separate planes (RGB and alpha), which ImageJ 1.54p reads as if interleaved (pixels of no
	 * colour the file holds, which the batch convolved), are read in memory as the RGB image ImageJ makes of the same
	 * samples interleaved.
	 */
	@Test
	void fourEightBitSamplesInSeparatePlanesGiveTheRgbOfTheSameSamplesInterleaved() throws Exception {
		int w = 6, h = 4;
		List<byte[]> planes = new ArrayList<>();
		for (int s = 0; s < 4; s++) planes.add(TiffBytes.rows(w, 5 * s, 5 * s + h, 1));
		byte[] interleaved = new byte[4 * w * h];
		for (int i = 0; i < 4 * w * h; i++) interleaved[i] = planes.get(i % 4)[i / 4];
		Path planar = Files.write(dir.resolve("planar.tif"), TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4)
			.tag(262, 2).tag(284, 2).strips(planes).build());
		Path chunky = Files.write(dir.resolve("chunky.tif"), TiffBytes.grey8(w, h).tag(258, 8, 8, 8, 8).tag(277, 4)
			.tag(262, 2).strips(List.of(interleaved)).build());
		ImagePlus want = ImageJReader.read(chunky, ImageHeader.read(chunky), 1);
		ImagePlus got = ImageJReader.read(planar, ImageHeader.read(planar), 1);
		assertEquals(ImagePlus.COLOR_RGB, want.getType());
		assertEquals(ImagePlus.COLOR_RGB, got.getType());
		assertArrayEquals((int[]) want.getProcessor().getPixels(), (int[]) got.getProcessor().getPixels());
	}

	/**
	 * Compressed 16-bit samples in separate planes (RGB as tifffile writes it with planarconfig='separate' and zlib),
	 * of which ImageJ 1.54p reads the first plane into every channel, are read in memory as their own channels; the
	 * batch wrote the red plane's feature maps as green and blue too, without a word.
	 */
	@ParameterizedTest(name = "{0} samples")
	@CsvSource({ "3", "4" })
	void compressedSixteenBitSamplesInSeparatePlanesGiveEachPlane(int samples) throws Exception {
		int w = 6, h = 4;
		List<byte[]> planes = new ArrayList<>();
		float[][] want = new float[samples][w * h];
		for (int s = 0; s < samples; s++) {
			java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * w * h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			for (int i = 0; i < w * h; i++) {
				want[s][i] = (i * 977 + s * 20011) % 65536;
				b.putShort((short) want[s][i]);
			}
			planes.add(TiffBytes.deflate(b.array()));
		}
		long[] bits = new long[samples];
		Arrays.fill(bits, 16);
		Path file = Files.write(dir.resolve("planar16.tif"), TiffBytes.grey8(w, h).tag(258, bits).tag(277, samples)
			.tag(262, 2).tag(284, 2).tag(259, TiffBytes.DEFLATE).strips(planes).build());
		ImagePlus imp = ImageJReader.read(file, ImageHeader.read(file), 1);
		assertEquals(samples, imp.getNChannels());
		for (int c = 0; c < samples; c++) {
			assertArrayEquals(want[c], (float[]) imp.getStack().getProcessor(c + 1).convertToFloat().getPixels(),
				"channel " + c);
		}
	}

	/**
	 * Interleaved 16-bit RGB (and RGBA) compressed with the horizontal predictor, which ImageJ 1.54p refuses as it
	 * reads it ("ImageJ cannot open 48-bit compressed TIFFs with predictors"), is read in memory by the project's own
	 * reader as its channels; it failed with ImageJ's words.
	 */
	@ParameterizedTest(name = "{0} samples")
	@CsvSource({ "3", "4" })
	void sixteenBitRgbCompressedWithThePredictorGivesItsChannels(int samples) throws Exception {
		int w = 6, h = 4;
		float[][] want = new float[samples][w * h];
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * samples * w * h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < w * h; i++) {
			for (int s = 0; s < samples; s++) {
				want[s][i] = (i * 977 + s * 20011) % 65536;
				// the predictor stores each sample less the same sample of the pixel to its left
				b.putShort((short) (want[s][i] - (i % w == 0 ? 0 : want[s][i - 1])));
			}
		}
		long[] bits = new long[samples];
		Arrays.fill(bits, 16);
		Path file = Files.write(dir.resolve("rgb48.tif"), TiffBytes.grey8(w, h).tag(258, bits).tag(277, samples)
			.tag(262, 2).tag(259, TiffBytes.DEFLATE).tag(317, 2).strips(List.of(TiffBytes.deflate(b.array()))).build());
		ImagePlus imp = ImageJReader.read(file, ImageHeader.read(file), 1);
		assertEquals(samples, imp.getNChannels());
		for (int c = 0; c < samples; c++) {
			assertArrayEquals(want[c], (float[]) imp.getStack().getProcessor(c + 1).convertToFloat().getPixels(),
				"channel " + c);
		}
	}

	/**
	 * What ImageJ printed when it failed is shown without its stack frames, also those naming a module or a class
	 * loader ({@code at java.base/java.lang.Thread.run(...)}), which were shown to the user ('ImageJ could not read
	 * this TIFF: -257; at java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(...); ...'), and once.
	 */
	@Test
	void printedStackFramesOfEveryKindAreLeftOut() {
		String frames = "; at ij.io.ImageReader.readPixels(ImageReader.java:812); at app//ij.io.FileOpener.open("
			+ "FileOpener.java:88); at java.base/java.util.concurrent.ThreadPoolExecutor.runWorker("
			+ "ThreadPoolExecutor.java:1136); at java.base@17.0.9/java.lang.Thread.run(Thread.java:840); ... 3 more";
		String raw = "java.lang.ArrayIndexOutOfBoundsException: -257" + frames;
		assertEquals("", ImageJReader.readable(raw + "; " + raw), raw);
		assertEquals("Error reading PNG image data", ImageJReader.readable("javax.imageio.IIOException: Error reading PNG "
			+ "image data" + frames));
	}

	/**
	 * 16-bit pixels of several samples are read in memory by the project's own reader, each sample a channel and each
	 * page a slice, in the variants ImageJ 1.54p misreads: signed samples (it failed: 'ImageJ could not read this
	 * TIFF: -257'), compressed RGBA (it dropped the 4th channel), two pages of RGB (it made them 6 slices of one
	 * channel).
	 */
	@ParameterizedTest(name = "{0} samples, format {1}, compression {2}, {3} page(s)")
	@CsvSource({ "3, 2, 1, 1", "4, 1, 8, 1", "3, 1, 1, 2" })
	void sixteenBitPixelsOfSeveralSamplesGiveAChannelEach(int samples, int format, int compression, int pages)
		throws Exception
	{
		int w = 5, h = 3;
		float[][] want = new float[samples][w * h];
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * samples * w * h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < w * h; i++) {
			for (int s = 0; s < samples; s++) {
				short v = (short) (i * 977 + s * 20011);
				want[s][i] = format == 2 ? v : v & 0xffff;
				b.putShort(v);
			}
		}
		long[] bits = new long[samples], formats = new long[samples];
		Arrays.fill(bits, 16);
		Arrays.fill(formats, format);
		byte[] stored = compression == 1 ? b.array() : TiffBytes.deflate(b.array());
		Path file = Files.write(dir.resolve("rgb48.tif"), TiffBytes.grey8(w, h).tag(258, bits).tag(277, samples)
			.tag(262, 2).tag(339, formats).tag(259, compression).strips(List.of(stored)).pages(pages).build());
		ImagePlus imp = ImageJReader.read(file, ImageHeader.read(file), 1);
		assertArrayEquals(new int[] { w, h, samples, pages, 1 }, imp.getDimensions());
		for (int z = 0; z < pages; z++) {
			for (int c = 0; c < samples; c++) {
				assertArrayEquals(want[c], (float[]) imp.getStack().getProcessor(imp.getStackIndex(c + 1, z + 1, 1))
					.convertToFloat().getPixels(), "channel " + c + ", page " + z);
			}
		}
	}

	/**
	 * ImageJ's metadata in a TIFF ImageJ does not read (here 64-bit floats; tifffile writes it in tiled ImageJ files
	 * and BigTIFFs too) gives the image its Info, slice labels and properties, as ImageJ gives them from a striped
	 * file; they were lost (the feature maps' labels without the slices', no Info, no properties).
	 */
	@Test
	void imageJsInfoLabelsAndPropertiesAreKeptByTheOwnReader() throws Exception {
		int w = 3, h = 2;
		// IJIJ, 1 info, 2 labels, 1 property (key and value)
		Path file = Files.write(dir.resolve("meta.tif"), TiffBytes.grey8(w, h).tag(258, 64).tag(339, 3)
			.imageJMetadata(new int[] { 0x696e666f, 1, 0x6c61626c, 2, 0x70726f70, 2 }, TiffBytes.utf16("Objective: 40x\nStage: 12.5",
				"first z", "second z", "MyKey", "MyValue"))
			.strips(List.of(TiffBytes.ramp(w * h, 64))).pages(2).build());
		ImageHeader header = ImageHeader.read(file);
		assertTrue(header.ownReader());
		ImagePlus imp = ImageJReader.read(file, header, 1);
		assertEquals("Objective: 40x\nStage: 12.5", imp.getProperty("Info"));
		assertEquals("first z", imp.getStack().getSliceLabel(1));
		assertEquals("second z", imp.getStack().getSliceLabel(2));
		assertEquals("MyValue", imp.getProp("MyKey"));
	}

	/**
	 * A composite's display as ImageJ saves it (its mode in the description, each channel's LUT and display range in
	 * ImageJ's metadata) in a TIFF ImageJ does not read (64-bit floats here; tifffile writes it in tiled ImageJ files
	 * and BigTIFFs too) gives the image ImageJ gives from the same metadata in a file it reads (32-bit floats): a
	 * composite in that mode, with those LUTs and ranges, which the feature maps then keep. It was a plain stack,
	 * its maps grey in colour mode where the striped file's were magenta and cyan in composite mode.
	 */
	@Test
	void aCompositesModeLutsAndRangesAreKeptByTheOwnReader() throws Exception {
		int w = 3, h = 2;
		java.nio.ByteBuffer ranges = java.nio.ByteBuffer.allocate(4 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		ranges.putDouble(1).putDouble(4).putDouble(-2).putDouble(7);
		int[][] colours = { { 255, 0, 255 }, { 0, 255, 255 } }; // magenta, cyan
		byte[][] luts = new byte[2][768];
		for (int l = 0; l < 2; l++) {
			for (int c = 0; c < 3; c++) for (int i = 0; i < 256; i++) luts[l][256 * c + i] = (byte) (i * colours[l][c] / 255);
		}
		String description = "ImageJ=1.54p\nimages=2\nchannels=2\nmode=composite\n";
		ImagePlus[] read = new ImagePlus[2];
		for (int bits : new int[] { 32, 64 }) {
			// IJIJ, 1 range list, 2 LUTs
			Path file = Files.write(dir.resolve("composite" + bits + ".tif"), TiffBytes.grey8(w, h).tag(258, bits)
				.tag(339, 3).description(description)
				.imageJMetadata(new int[] { 0x72616e67, 1, 0x6c757473, 2 }, ranges.array(), luts[0], luts[1])
				.strips(List.of(TiffBytes.ramp(w * h, bits))).pages(2).build());
			ImageHeader header = ImageHeader.read(file);
			assertEquals(bits == 64, header.ownReader(), "bits " + bits);
			read[bits / 32 - 1] = ImageJReader.read(file, header, 1);
		}
		ImagePlus striped = read[0], own = read[1];
		assertTrue(striped.isComposite(), "ImageJ's reading, the reference");
		assertTrue(own.isComposite(), "the own reader's");
		assertEquals(((ij.CompositeImage) striped).getMode(), ((ij.CompositeImage) own).getMode());
		for (int c = 1; c <= 2; c++) {
			ij.process.LUT want = ((ij.CompositeImage) striped).getChannelLut(c), got = ((ij.CompositeImage) own).getChannelLut(c);
			assertArrayEquals(want.getBytes(), got.getBytes(), "LUT of channel " + c);
			assertEquals(want.min, got.min, "display range of channel " + c);
			assertEquals(want.max, got.max, "display range of channel " + c);
		}
	}

	/**
	 * The LUT of a grey image, from its colour map (a palette image ImageJ opens as grey: a pseudo-colour ramp) or its
	 * photometric interpretation (white is zero: an inverting LUT), in a TIFF ImageJ does not read (64-bit floats
	 * here; tiled or BigTIFF alike) is the LUT ImageJ gives the same tags in a file it reads (32-bit floats), which
	 * the feature maps keep; it was lost (grey).
	 */
	@ParameterizedTest(name = "photometric {0}")
	@CsvSource({ "3", "0" })
	void aGreyImagesLutIsKeptByTheOwnReader(int photometric) throws Exception {
		int w = 3, h = 2;
		long[] map = new long[768];
		for (int i = 0; i < 256; i++) {
			map[i] = Math.min(255, 3 * i) * 257; // red rises first, then green, blue falls: a pseudo-colour ramp
			map[256 + i] = Math.max(0, 2 * i - 255) * 257;
			map[512 + i] = (255 - i) * 257;
		}
		ImagePlus[] read = new ImagePlus[2];
		for (int bits : new int[] { 32, 64 }) {
			TiffBytes tiff = TiffBytes.grey8(w, h).tag(258, bits).tag(339, 3).tag(262, photometric);
			if (photometric == 3) tiff.tag(320, map);
			Path file = Files.write(dir.resolve("lut" + bits + ".tif"), tiff.strips(List.of(TiffBytes.ramp(w * h, bits))).build());
			ImageHeader header = ImageHeader.read(file);
			assertEquals(bits == 64, header.ownReader(), "bits " + bits);
			read[bits / 32 - 1] = ImageJReader.read(file, header, 1);
		}
		ij.process.LUT want = read[0].getProcessor().getLut(), got = read[1].getProcessor().getLut();
		assertTrue(photometric == 0 ? (want.getRed(0) & 0xff) == 255 && want.getRed(255) == 0 : (want.getRed(255) & 0xff) == 255 && want.getBlue(255) == 0,
			"ImageJ's reading, the reference");
		assertArrayEquals(want.getBytes(), got.getBytes());
	}

	/**
	 * An inverted y axis (ImageJ's {@code inverty=true}, from the bottom row or from a y origin) in a TIFF ImageJ does
	 * not read gives the y coordinates ImageJ gives the same pages striped: a positive pixel height and invertY. The
	 * golden hyperstack's description is changed in place, same length, in both files.
	 */
	@ParameterizedTest(name = "{1}")
	@CsvSource({ "'yorigin=-2.5', 'inverty=true'", "'xorigin=4.0\nyorigin=-2.5', 'yorigin=4.0\ninverty=true'" })
	void anInvertedYAxisIsReadAsImageJReadsIt(String from, String to) throws Exception {
		from = from.replace("\\n", "\n");
		to = to.replace("\\n", "\n");
		Path[] files = new Path[2];
		String[] names = { "u16-hyperstack-strips", "u16-hyperstack-tiles" };
		for (int i = 0; i < 2; i++) {
			String bytes = new String(Files.readAllBytes(golden(names[i])), java.nio.charset.StandardCharsets.ISO_8859_1);
			assertTrue(bytes.contains(from) && from.length() == to.length(), from);
			files[i] = Files.write(dir.resolve(names[i] + ".tif"), bytes.replace(from, to).getBytes(
				java.nio.charset.StandardCharsets.ISO_8859_1));
		}
		ImageHeader header = ImageHeader.read(files[1]);
		assertTrue(header.ownReader());
		ij.measure.Calibration e = ImageJReader.read(files[0], ImageHeader.read(files[0]), 1).getCalibration();
		ij.measure.Calibration g = ImageJReader.read(files[1], header, 1).getCalibration();
		assertTrue(e.getInvertY() && g.getInvertY(), e + " / " + g);
		assertEquals(e.pixelHeight, g.pixelHeight, 1e-9, to);
		for (int y = 0; y < 24; y += 7) assertEquals(e.getY(y, 24), g.getY(y, 24), 1e-9, to + ", row " + y);
	}

	/**
	 * Tiled classic TIFFs the JDK writes (8 and 16-bit grey, 8-bit RGB; LZW) give the image of the same pixels written
	 * striped: RGB as ImageJ's RGB.
	 */
	@org.junit.jupiter.api.Test
	void tiledTiffsGiveTheImageOfTheSamePixelsStriped() throws Exception {
		for (int type : new int[] { java.awt.image.BufferedImage.TYPE_BYTE_GRAY, java.awt.image.BufferedImage.TYPE_USHORT_GRAY,
			java.awt.image.BufferedImage.TYPE_3BYTE_BGR })
		{
			int w = 61, h = 45;
			java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, type);
			java.awt.image.WritableRaster r = img.getRaster();
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					for (int b = 0; b < r.getNumBands(); b++) r.setSample(x, y, b, (x * 13 + y * 11 + b * 5) % 251);
				}
			}
			Path[] files = new Path[2];
			for (int tiled = 0; tiled < 2; tiled++) {
				files[tiled] = dir.resolve(type + (tiled == 1 ? "-tiled" : "-striped") + ".tif");
				javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("tiff").next();
				javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
				param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
				param.setCompressionType("LZW");
				if (tiled == 1) {
					param.setTilingMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
					param.setTiling(16, 16, 0, 0);
				}
				try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(
					files[tiled].toFile()))
				{
					writer.setOutput(out);
					writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
				}
				writer.dispose();
			}
			ImageHeader stripedHeader = ImageHeader.read(files[0]), tiledHeader = ImageHeader.read(files[1]);
			assertTrue(!stripedHeader.ownReader() && tiledHeader.ownReader(), "type " + type);
			ImagePlus striped = ImageJReader.read(files[0], stripedHeader, 1), tiled = ImageJReader.read(files[1],
				tiledHeader, 2);
			org.junit.jupiter.api.Assertions.assertEquals(striped.getBitDepth() == 24, tiled.getBitDepth() == 24, "RGB");
			org.junit.jupiter.api.Assertions.assertEquals(stripedHeader.rgb(), tiledHeader.rgb(), "type " + type);
			Object e = striped.getProcessor().getBitDepth() == 24 ? striped.getProcessor().getPixels()
				: striped.getProcessor().convertToFloat().getPixels();
			if (e instanceof int[]) assertArrayEquals((int[]) e, (int[]) tiled.getProcessor().getPixels(), "type " + type);
			else assertArrayEquals((float[]) e, (float[]) tiled.getProcessor().getPixels(), "type " + type);
		}
	}

	/**
	 * Decoded pages go beside ImageJ's copy only within a quarter of the memory left, and garbage (the previous
	 * file's image) is collected before a no: uncollected, it sent the second of three equal 4000² Deflate files to
	 * ImageJ's own reader, which ran out of memory at -Xmx262m where the first had been read.
	 */
	@org.junit.jupiter.api.Test
	void decodedPagesAreRefusedOnlyAfterGarbageIsCollected() {
		long mb = 1 << 20;
		long[] left = { 100 * mb }; // 64 MB of pages need 256 MB left; 300 MB are, once the last image is collected
		java.util.concurrent.atomic.AtomicInteger collections = new java.util.concurrent.atomic.AtomicInteger();
		Runnable collect = () -> {
			collections.incrementAndGet();
			left[0] = 300 * mb;
		};
		assertTrue(ImageJReader.fitsBesideImageJ(64 * mb, () -> left[0], collect));
		org.junit.jupiter.api.Assertions.assertEquals(1, collections.get());
		assertTrue(ImageJReader.fitsBesideImageJ(64 * mb, () -> left[0], collect), "no collection needed now");
		org.junit.jupiter.api.Assertions.assertEquals(1, collections.get());
		org.junit.jupiter.api.Assertions.assertFalse(ImageJReader.fitsBesideImageJ(80 * mb, () -> left[0], collect));
	}

	/**
	 * ImageJ reads an uncompressed stack's pages in one pass: a page stored before the page ahead of it ends the read
	 * there ("Unexpected image offset"), and the result silently held the first page of three.
	 */
	@Test
	void pagesStoredOutOfOrderAreRefusedRatherThanCutToThoseImageJRead(@TempDir Path dir) throws Exception {
		byte[] b = Files.readAllBytes(golden("u8-pages"));
		java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		List<Integer> offsetAt = new ArrayList<>(); // where each page's one strip offset is stored
		for (long ifd = buf.getInt(4); ifd != 0; ) {
			int n = buf.getShort((int) ifd) & 0xffff;
			for (int i = 0; i < n; i++) {
				int entry = (int) ifd + 2 + 12 * i;
				if ((buf.getShort(entry) & 0xffff) == 273) offsetAt.add(entry + 8);
			}
			ifd = buf.getInt((int) ifd + 2 + 12 * n) & 0xffffffffL;
		}
		assertEquals(3, offsetAt.size());
		// pages 2 and 3 swap their pixels' places: a sound file whose pages lie in the other order
		int second = buf.getInt(offsetAt.get(1));
		buf.putInt(offsetAt.get(1), buf.getInt(offsetAt.get(2)));
		buf.putInt(offsetAt.get(2), second);
		Path file = Files.write(dir.resolve("swapped.tif"), b);
		ImageHeader header = ImageHeader.read(file);
		assertEquals(3, header.planes());
		UnreadableImageException e = assertThrows(UnreadableImageException.class,
			() -> ImageJReader.read(file, header, 1));
		assertTrue(e.getMessage().startsWith("ImageJ read only 1 of its 3 pages") && e.getMessage().contains("--format zarr"),
			e.getMessage());
	}
}
