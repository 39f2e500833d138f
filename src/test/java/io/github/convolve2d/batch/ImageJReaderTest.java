package io.github.convolve2d.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
