package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import javax.imageio.ImageIO;

/**
 * Damaged and lying TIFFs ({@link TiffBytes}): compressed strips cut short, over-long or corrupt, strips beyond
 * the file's end, directory chains that loop, absurd counts and sizes, a named pipe. Each is refused with one
 * message naming the file, the page and the strip, never read as a wrong image, an index exception or a hang.
 */
class TiffReaderDamageTest {

	private static final int W = 40, H = 30, ROWS = 10;
	private static final Duration HANG = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	/** The three strips of the test image, each compressed with {@code method} ({@code TiffBytes.LZW}, ...). */
	private static List<byte[]> strips(int method) {
		List<byte[]> s = new ArrayList<>();
		for (int y = 0; y < H; y += ROWS) s.add(compress(method, TiffBytes.rows(W, y, Math.min(H, y + ROWS), 1)));
		return s;
	}

	private static byte[] compress(int method, byte[] raw) {
		return method == TiffBytes.LZW ? TiffBytes.lzw(raw) : method == TiffBytes.DEFLATE ? TiffBytes.deflate(raw)
			: method == TiffBytes.PACKBITS ? TiffBytes.packBits(raw) : raw;
	}

	private static String name(int method) {
		return method == TiffBytes.LZW ? "LZW" : method == TiffBytes.DEFLATE ? "Deflate" : "PackBits";
	}

	private Path write(String name, TiffBytes tiff) throws IOException {
		Path file = dir.resolve(name);
		Files.write(file, tiff.build());
		return file;
	}

	private static TiffBytes image(int method, List<byte[]> strips) {
		return TiffBytes.grey8(W, H).tag(259, method).tag(278, ROWS).strips(strips);
	}

	/** The whole plane read through the reader, with any failure as its exception. */
	private static float[] readAll(Path file) throws IOException {
		try (TiffReader r = TiffReader.open(file)) {
			float[] all = new float[W * H];
			r.plane(0, 0).read(0, 0, W, H, all);
			return all;
		}
	}

	private static float[] expected() {
		float[] e = new float[W * H];
		for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) e[y * W + x] = TiffBytes.value(x, y) & 0xff;
		return e;
	}

	private static String refusal(Path file) {
		UserException e = assertThrows(UserException.class, () -> assertTimeoutPreemptively(HANG, () -> readAll(file)));
		return e.getMessage();
	}

	@ParameterizedTest(name = "compression {0}")
	@ValueSource(ints = { TiffBytes.LZW, TiffBytes.DEFLATE, TiffBytes.PACKBITS })
	void soundStripsAreReadExactlyAndTheJdkAgrees(int method) throws IOException {
		Path file = write("sound.tif", image(method, strips(method)));
		assertArrayEquals(expected(), readAll(file), name(method));
		// the hand-made encoders are sound: the JDK's TIFF reader decodes them to the same pixels
		java.awt.image.Raster jdk = ImageIO.read(file.toFile()).getRaster();
		for (int y = 0; y < H; y++) {
			for (int x = 0; x < W; x++) assertEquals(TiffBytes.value(x, y) & 0xff, jdk.getSample(x, y, 0), name(method));
		}
	}

	@ParameterizedTest(name = "compression {0}")
	@ValueSource(ints = { TiffBytes.LZW, TiffBytes.DEFLATE, TiffBytes.PACKBITS })
	void aStripWhoseDataEndEarlyIsRefusedNamingPageAndStrip(int method) throws IOException {
		List<byte[]> s = strips(method);
		// the second strip holds only its first 4 rows, well compressed: the data end before the strip does
		s.set(1, compress(method, TiffBytes.rows(W, ROWS, ROWS + 4, 1)));
		String m = refusal(write("short.tif", image(method, s)));
		assertTrue(m.startsWith(dir.resolve("short.tif") + ": page 1, strip 2 is damaged (" + name(method)
			+ " data ends early"), m);
		assertTrue(m.endsWith("the file is damaged or cut short \u2014 re-export it"), m);
	}

	@ParameterizedTest(name = "compression {0}")
	@ValueSource(ints = { TiffBytes.LZW, TiffBytes.DEFLATE, TiffBytes.PACKBITS })
	void aStripWhoseDataRunPastItIsRefused(int method) throws IOException {
		List<byte[]> s = strips(method);
		s.set(2, compress(method, TiffBytes.rows(W, 2 * ROWS, 2 * ROWS + ROWS + 3, 1))); // 13 rows in a strip of 10
		String m = refusal(write("long.tif", image(method, s)));
		assertTrue(m.contains("long.tif: page 1, strip 3 is damaged (" + name(method)
			+ " data runs past the end of the strip or tile)"), m);
	}

	@Test
	void damageIsFoundBeforeAnotherReaderReadsTheFile() throws IOException {
		List<byte[]> s = strips(TiffBytes.PACKBITS);
		s.set(2, Arrays.copyOf(s.get(2), s.get(2).length / 3));
		Path damaged = write("damaged.tif", image(TiffBytes.PACKBITS, s));
		String m = TiffReader.damage(damaged, 1);
		assertTrue(m != null && m.contains("damaged.tif: page 1, strip 3 is damaged (PackBits data ends early"), m);
		assertEquals(null, TiffReader.damage(write("sound.tif", image(TiffBytes.LZW, strips(TiffBytes.LZW))), 1));
		// a variant this reader does not read (12-bit) is not its to judge
		assertEquals(null, TiffReader.damage(write("twelve.tif", image(TiffBytes.LZW, strips(TiffBytes.LZW)).tag(258, 12)), 1));
	}

	/**
	 * On any number of threads the check names the file's first damaged strip, however the strips are shared out:
	 * 30 one-row strips, every set of 1 to 3 damaged ones among 40 random draws, 1 to 5 threads.
	 */
	@Test
	void onManyThreadsTheFirstDamagedStripIsNamed() throws IOException {
		Random rnd = new Random(11);
		for (int draw = 0; draw < 40; draw++) {
			int method = new int[] { TiffBytes.LZW, TiffBytes.DEFLATE, TiffBytes.PACKBITS }[draw % 3];
			List<byte[]> s = strips1(method);
			int first = H;
			for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
				int strip = rnd.nextInt(H);
				first = Math.min(first, strip);
				s.set(strip, compress(method, TiffBytes.rows(W, 0, 2, 1))); // two rows in a one-row strip
			}
			Path file = write("many.tif", TiffBytes.grey8(W, H).tag(259, method).tag(278, 1).strips(s));
			for (int threads = 1; threads <= 5; threads++) {
				String m = TiffReader.damage(file, threads);
				assertTrue(m != null && m.contains(": page 1, strip " + (first + 1) + " is damaged"),
					"draw " + draw + ", " + threads + " threads: " + m);
			}
			assertEquals(null, TiffReader.damage(write("whole.tif", TiffBytes.grey8(W, H).tag(259, method).tag(278, 1)
				.strips(strips1(method))), 3));
		}
	}

	/** The test image in one-row strips. */
	private static List<byte[]> strips1(int method) {
		List<byte[]> s = new ArrayList<>();
		for (int y = 0; y < H; y++) s.add(compress(method, TiffBytes.rows(W, y, y + 1, 1)));
		return s;
	}

	@Test
	void corruptCompressedDataAreRefused() throws IOException {
		List<byte[]> s = strips(TiffBytes.LZW);
		byte[] bad = s.get(0).clone();
		// after the clear code and one literal, a 9-bit code far beyond the table (0x1ff)
		bad[1] |= 0x7f;
		bad[2] = (byte) 0xff;
		s.set(0, bad);
		String m = refusal(write("lzw.tif", image(TiffBytes.LZW, s)));
		assertTrue(m.contains("page 1, strip 1 is damaged (LZW data holds code"), m);

		s = strips(TiffBytes.DEFLATE);
		byte[] garbage = new byte[40];
		Arrays.fill(garbage, (byte) 0x5a);
		s.set(2, garbage);
		m = refusal(write("zip.tif", image(TiffBytes.DEFLATE, s)));
		assertTrue(m.contains("page 1, strip 3 is damaged (Deflate data is not valid zlib"), m);
	}

	@Test
	void stripsAndCountsBeyondTheEndOfTheFileAreRefusedWhenOpened() throws IOException {
		Path far = write("far.tif", image(TiffBytes.DEFLATE, strips(TiffBytes.DEFLATE)).stripOffset(2, 1_000_000));
		UserException e = assertThrows(UserException.class, () -> TiffReader.open(far));
		assertTrue(e.getMessage().contains("far.tif: page 1, strip 3 lies beyond the end of the file"), e.getMessage());

		Path count = write("count.tif", image(TiffBytes.LZW, strips(TiffBytes.LZW)).stripCount(1, 0xfffffff0L));
		e = assertThrows(UserException.class, () -> TiffReader.open(count));
		assertTrue(e.getMessage().contains("count.tif: page 1, strip 2 lies beyond the end of the file"), e.getMessage());

		// uncompressed: the rows of the image the strip holds must be in the file, whatever its byte count says
		byte[] raw = TiffBytes.rows(W, 0, H, 1);
		byte[] whole = TiffBytes.grey8(W, H).strips(List.of(raw)).build();
		Path cut = dir.resolve("cut.tif");
		Files.write(cut, Arrays.copyOf(whole, 8 + raw.length / 2)); // the directory is past the cut: none is read
		assertThrows(UserException.class, () -> TiffReader.open(cut));
		Path lying = write("lying.tif", TiffBytes.grey8(W, H).strips(List.of(Arrays.copyOf(raw, raw.length / 2))));
		e = assertThrows(UserException.class, () -> TiffReader.open(lying));
		assertTrue(e.getMessage().contains("page 1, strip 1 lies beyond the end of the file"), e.getMessage());
	}

	@Test
	void aDirectoryChainThatLoopsBackIsRefused() throws IOException {
		TiffBytes t = image(TiffBytes.DEFLATE, strips(TiffBytes.DEFLATE)).pages(3).loopTo(2);
		Path loop = write("loop.tif", t);
		UserException e = assertThrows(UserException.class,
			() -> assertTimeoutPreemptively(HANG, () -> TiffReader.open(loop).close()));
		assertTrue(e.getMessage().contains("loop.tif: page 3 points back to page 2 as the next page (a loop in its "
			+ "chain of pages)"), e.getMessage());
		Path self = write("self.tif", image(TiffBytes.DEFLATE, strips(TiffBytes.DEFLATE)).loopTo(1));
		e = assertThrows(UserException.class, () -> TiffReader.open(self));
		assertTrue(e.getMessage().contains("page 1 points back to page 1"), e.getMessage());
	}

	@Test
	void absurdCountsAndSizesAreRefusedWithoutAllocatingThem() throws IOException {
		// a strip-offset count of a billion values: more than the file holds
		byte[] b = image(TiffBytes.DEFLATE, strips(TiffBytes.DEFLATE)).build();
		Path many = dir.resolve("many.tif");
		Files.write(many, patchCount(b, 273, 1_000_000_000));
		UserException e = assertThrows(UserException.class, () -> TiffReader.open(many));
		assertTrue(e.getMessage().contains("tag 273 claims 1000000000 values, more than the file holds"), e.getMessage());

		// a 2-gigapixel image in three strips: too few strips for its rows
		Path huge = write("huge.tif", image(TiffBytes.DEFLATE, strips(TiffBytes.DEFLATE)).tag(257, 2_000_000_000L));
		e = assertThrows(UserException.class, () -> TiffReader.open(huge));
		assertTrue(e.getMessage().contains("lists 3 strips or tiles but needs"), e.getMessage());

		// one compressed strip of 60000×60000 pixels: a memory bomb, refused before any is decoded
		Path bomb = write("bomb.tif", TiffBytes.grey8(60_000, 60_000).tag(259, TiffBytes.DEFLATE)
			.strips(List.of(TiffBytes.deflate(new byte[1000]))));
		e = assertThrows(UserException.class, () -> TiffReader.open(bomb));
		assertTrue(e.getMessage().contains("larger than read here"), e.getMessage());

		Path samples = write("samples.tif", image(TiffBytes.DEFLATE, strips(TiffBytes.DEFLATE)).tag(277, 60_000));
		e = assertThrows(UserException.class, () -> TiffReader.open(samples));
		assertTrue(e.getMessage().contains("claims 60000 samples per pixel"), e.getMessage());
	}

	/** BigTIFF counts are unsigned 64-bit: a damaged one of 2^63 or more is told as the file holds it, not negative. */
	@Test
	void aBigTiffCountOf2To63OrMoreIsToldUnsigned() throws IOException {
		byte[] b;
		try (java.io.InputStream in = getClass().getResourceAsStream("tiff/u16-bigtiff-tiles.tif")) {
			b = in.readAllBytes();
		}
		java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(b[0] == 'I' ? java.nio.ByteOrder.LITTLE_ENDIAN
			: java.nio.ByteOrder.BIG_ENDIAN);
		int ifd = (int) buf.getLong(8);
		long entries = buf.getLong(ifd);
		buf.putLong(ifd, 0x8000_0000_0000_0005L);
		Path file = dir.resolve("entries.tif");
		Files.write(file, b);
		assertTrue(refusal(file).contains("the directory of page 1 claims 9223372036854775813 entries"), refusal(file));
		buf.putLong(ifd, entries);
		buf.putLong(ifd + 8 + 4, 0x8000_0000_0000_0000L); // the first entry's count
		Files.write(file, b);
		assertTrue(refusal(file).contains("claims 9223372036854775808 values, more than the file holds"), refusal(file));
		buf.putLong(ifd + 8 + 4, 1L); // the count as it was (one value)
		// an 8-byte tile offset of 2^63 or more (tifffile writes them as LONG8): told as stored, not as a negative byte
		for (int i = 0; i < entries; i++) {
			int entry = ifd + 8 + 20 * i;
			if ((buf.getShort(entry) & 0xffff) == 324) {
				long values = buf.getLong(entry + 12);
				buf.putLong((int) values, 0x8000_0000_0000_0005L);
			}
		}
		Files.write(file, b);
		assertTrue(refusal(file).contains("tag 324 holds the impossible value 9223372036854775813"), refusal(file));
	}

	/**
	 * Strip offsets and counts must be whole numbers: an offset stored as a RATIONAL (or any type that is no integer)
	 * was taken as 0, and the header's bytes read as pixels without a word.
	 */
	@Test
	void stripOffsetsOfATypeThatIsNoIntegerAreRefusedNotTakenAsZero() throws IOException {
		for (int type : new int[] { 2, 5, 11, 12, 0, 99 }) {
			byte[] b = TiffBytes.grey8(W, H).strips(List.of(TiffBytes.rows(W, 0, H, 1))).build();
			java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			int ifd = buf.getInt(4), n = buf.getShort(ifd) & 0xffff;
			for (int i = 0; i < n; i++) {
				int at = ifd + 2 + 12 * i;
				if ((buf.getShort(at) & 0xffff) == 273) buf.putShort(at + 2, (short) type);
			}
			Path file = dir.resolve("type" + type + ".tif");
			Files.write(file, b);
			String why = refusal(file);
			assertTrue(why.contains("page 1: tag 273 holds values of TIFF type " + type + " where whole numbers belong"),
				why);
		}
	}

	/**
	 * An uncompressed strip's byte count must hold its rows: with RowsPerStrip damaged from 10 to 20 the reader read
	 * 20 rows from each 10-row strip, the next strip's rows twice, and gave that image without a word (ImageJ, which
	 * reads such a page as one run of bytes, gave the right one).
	 */
	@Test
	void anUncompressedStripHoldingFewerBytesThanItsRowsIsRefused() throws IOException {
		List<byte[]> strips = new ArrayList<>();
		for (int y = 0; y < H; y += 10) strips.add(TiffBytes.rows(W, y, y + 10, 1));
		Path file = write("rows.tif", TiffBytes.grey8(W, H).strips(strips).tag(278, 20));
		String why = refusal(file);
		assertTrue(why.contains("page 1, strip 1 holds " + 10 * W + " bytes but its 20 rows need " + 20 * W), why);
		// the same strips with their own rows per strip are read as they are
		assertArrayEquals(expected(), readAll(write("sound.tif", TiffBytes.grey8(W, H).strips(strips).tag(278, 10))));
	}

	/** Rewrites the count of {@code tag}'s entry in the only directory of a {@link TiffBytes} file. */
	private static byte[] patchCount(byte[] file, int tag, int count) {
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		int ifd = b.getInt(4), n = b.getShort(ifd) & 0xffff;
		for (int i = 0; i < n; i++) {
			int at = ifd + 2 + 12 * i;
			if ((b.getShort(at) & 0xffff) == tag) b.putInt(at + 4, count);
		}
		return b.array();
	}

	@Test
	void randomDamageToCompressedStripsGivesTheImageOrOneClearRefusal() throws IOException {
		Random rnd = new Random(11);
		int refused = 0;
		for (int round = 0; round < 300; round++) {
			int method = new int[] { TiffBytes.LZW, TiffBytes.DEFLATE, TiffBytes.PACKBITS }[round % 3];
			List<byte[]> s = strips(method);
			int which = rnd.nextInt(s.size());
			byte[] strip = s.get(which).clone();
			UnaryOperator<byte[]> damage = rnd.nextBoolean() ? x -> Arrays.copyOf(x, rnd.nextInt(x.length))
				: x -> {
					for (int k = 0; k < 1 + rnd.nextInt(4); k++) x[rnd.nextInt(x.length)] ^= (byte) (1 + rnd.nextInt(255));
					return x;
				};
			s.set(which, damage.apply(strip));
			Path file = write("fuzz" + round + ".tif", image(method, s));
			String what = "round " + round + ", " + name(method) + ", strip " + (which + 1);
			try {
				float[] got = assertTimeoutPreemptively(HANG, () -> readAll(file), what);
				assertEquals(W * H, got.length, what);
			}
			catch (UserException e) {
				refused++;
				assertTrue(e.getMessage().contains("page 1, strip " + (which + 1) + " is damaged ("), what + ": " + e.getMessage());
			}
		}
		assertTrue(refused > 100, "most damage is noticed: " + refused + " of 300");
	}

	@Test
	void aNamedPipeIsRefusedWithoutBeingOpened() throws Exception {
		Path fifo = dir.resolve("pipe.tif");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		assertTimeoutPreemptively(HANG, () -> {
			assertFalse(TiffReader.isTiff(fifo));
			assertFalse(ChunkedImage.canOpen(fifo));
			UserException e = assertThrows(UserException.class, () -> TiffReader.open(fifo));
			assertTrue(e.getMessage().contains("pipe.tif: not a regular file (a named pipe, socket or device)"), e.getMessage());
			e = assertThrows(UserException.class, () -> ChunkedImage.open(fifo));
			assertTrue(e.getMessage().contains("pipe.tif: not a regular file"), e.getMessage());
		});
	}
}
