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
}
