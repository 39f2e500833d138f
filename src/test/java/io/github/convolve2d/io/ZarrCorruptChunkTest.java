package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Damaged chunk files: one that does not decompress, decompresses to too few or too many bytes, holds the wrong
 * number of raw bytes, or is a folder or a pipe where a file belongs, is refused naming the chunk's path
 * ({@code data.zarr/0.1: chunk is damaged (...)}), never read as wrong pixels, a stack trace or a hang. A chunk
 * file that is missing is legal Zarr and reads as the fill value.
 */
class ZarrCorruptChunkTest {

	/** 8 rows × 6 columns of float32 in chunks of 4×6: chunk 0.0 (rows 0-3) and 1.0 (rows 4-7). */
	private static final int W = 6, H = 8, CH = 4;

	@TempDir
	Path tmp;
	private int stores;

	private ZarrArray array(Compressor c) throws IOException {
		ZarrArray a = ZarrArray.create(tmp.resolve("store" + stores++).resolve("data.zarr"), new int[] { H, W }, new int[] { CH, W },
			DataType.FLOAT32, c);
		for (int cy = 0; cy < 2; cy++) {
			float[] v = new float[CH * W];
			for (int i = 0; i < v.length; i++) v[i] = cy * 100 + i;
			a.writeChunk(new int[] { cy, 0 }, v);
		}
		return a;
	}

	private static Path chunk(ZarrArray a) {
		return a.chunkPath(new int[] { 1, 0 });
	}

	/** Reading the whole plane of {@code a} fails naming chunk 1.0 and holding each of {@code parts}. */
	private static void refused(ZarrArray a, String... parts) throws IOException {
		PlaneSource p = OmeZarr.open(a.dir()).plane(0);
		UserException e = assertThrows(UserException.class, () -> p.read(0, 0, W, H, new float[W * H]));
		assertTrue(e.getMessage().startsWith("data.zarr/1.0: chunk is damaged ("), e.getMessage());
		assertTrue(e.getMessage().contains("re-export it"), e.getMessage());
		for (String s : parts) assertTrue(e.getMessage().contains(s), "'" + s + "' missing from: " + e.getMessage());
	}

	private static byte[] zlib(byte[] raw) throws IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		try (DeflaterOutputStream out = new DeflaterOutputStream(b)) {
			out.write(raw);
		}
		return b.toByteArray();
	}

	private static byte[] gzip(byte[] raw) throws IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(b)) {
			out.write(raw);
		}
		return b.toByteArray();
	}

	private static final int BYTES = CH * W * 4;

	@Test
	void zlibDataThatEndsEarlyIsRefused() throws IOException {
		ZarrArray a = array(Compressor.zlib(1));
		byte[] whole = Files.readAllBytes(chunk(a));
		Files.write(chunk(a), Arrays.copyOf(whole, whole.length / 2)); // cut short
		refused(a, "zlib data ends early");
		Files.write(chunk(a), zlib(new byte[BYTES - 4])); // a valid stream, one value short
		refused(a, "zlib data ends early: " + (BYTES - 4) + " bytes of " + BYTES);
	}

	@Test
	void zlibDataLongerThanTheChunkIsRefused() throws IOException {
		ZarrArray a = array(Compressor.zlib(1));
		Files.write(chunk(a), zlib(new byte[BYTES + 4]));
		refused(a, "zlib data holds more than the chunk's " + BYTES + " bytes");
	}

	@Test
	void zlibDataThatIsNotValidIsRefused() throws IOException {
		ZarrArray a = array(Compressor.zlib(1));
		byte[] whole = Files.readAllBytes(chunk(a));
		whole[whole.length - 1] ^= 0x55; // the checksum
		Files.write(chunk(a), whole);
		refused(a, "zlib data is not valid");
		Files.write(chunk(a), "not zlib at all, just text".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		refused(a, "zlib data is not valid");
		Files.write(chunk(a), new byte[0]);
		refused(a, "zlib data ends early");
		Files.write(chunk(a), new byte[BYTES * 2 + (1 << 17)]); // far larger than any zlib form of the chunk
		refused(a, "more than zlib level 1 makes of " + BYTES);
	}

	@Test
	void gzipDataThatIsDamagedIsRefused() throws IOException {
		ZarrArray a = array(Compressor.gzip(1));
		Files.write(chunk(a), zlib(new byte[BYTES])); // zlib where gzip belongs
		refused(a, "gzip data is not valid");
		Files.write(chunk(a), gzip(new byte[BYTES / 2]));
		refused(a, "gzip data ends early");
		Files.write(chunk(a), gzip(new byte[BYTES * 2]));
		refused(a, "gzip data holds more than");
		// bytes after the gzip data, as a shard index pointing past one chunk into the next gives: zarr-python refuses
		// them ("Not a gzipped file"), and they were skipped without a word
		byte[] sound = gzip(new byte[BYTES]), followed = Arrays.copyOf(sound, sound.length + 3);
		followed[sound.length] = 'x';
		Files.write(chunk(a), followed);
		refused(a, "gzip data is not valid: 3 bytes that are no gzip data follow it");
		followed[sound.length] = 0x1f; // the start of the next chunk's gzip data: no whole member
		followed[sound.length + 1] = (byte) 0x8b;
		followed[sound.length + 2] = 8;
		Files.write(chunk(a), followed);
		refused(a, "gzip data is not valid: 3 bytes that are no gzip data follow it");
		// zero padding after it, and a second member, are read as zarr-python reads them
		Files.write(chunk(a), Arrays.copyOf(sound, sound.length + 5));
		a.readChunk(new int[] { 1, 0 });
		byte[] half = gzip(new byte[BYTES / 2]), two = Arrays.copyOf(half, 2 * half.length);
		System.arraycopy(half, 0, two, half.length, half.length);
		Files.write(chunk(a), two);
		a.readChunk(new int[] { 1, 0 });
	}

	@Test
	void rawChunksOfTheWrongSizeAreRefusedWhetherReadWholeOrByRows() throws IOException {
		for (int size : new int[] { BYTES - 4, BYTES + 4, 0 }) {
			ZarrArray a = array(Compressor.RAW);
			Files.write(chunk(a), new byte[size]);
			refused(a, "it holds " + size + " bytes, expected " + BYTES);
			// one row of full chunk width: read without the rest of the chunk, and checked as well
			PlaneSource p = OmeZarr.open(a.dir()).plane(0);
			UserException e = assertThrows(UserException.class, () -> p.read(0, 5, W, 1, new float[W]));
			assertTrue(e.getMessage().startsWith("data.zarr/1.0: chunk is damaged (it holds " + size), e.getMessage());
		}
	}

	@Test
	void aFolderOrAPipeWhereAChunkBelongsIsRefusedNotWaitedOn() throws Exception {
		for (Compressor c : new Compressor[] { Compressor.RAW, Compressor.zlib(1) }) {
			ZarrArray a = array(c);
			Files.delete(chunk(a));
			Files.createDirectory(chunk(a));
			refused(a, "it is a folder where a chunk file belongs");
			Files.delete(chunk(a));
			assumeTrue(ZarrMetadataTest.mkfifo(chunk(a)), "mkfifo is not available");
			assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
				refused(a, "not a plain file");
				PlaneSource p = OmeZarr.open(a.dir()).plane(0);
				assertThrows(UserException.class, () -> p.read(0, 5, W, 1, new float[W]));
			});
			Files.delete(chunk(a));
		}
	}

	@Test
	void aFileWhereAChunkFolderBelongsIsRefused() throws IOException {
		Path dir = tmp.resolve("nested").resolve("data.zarr");
		ZarrArray.create(dir, new int[] { H, W }, new int[] { CH, W }, DataType.FLOAT32, Compressor.RAW);
		Path zarray = dir.resolve(".zarray");
		String meta = new String(Files.readAllBytes(zarray), java.nio.charset.StandardCharsets.UTF_8);
		Files.write(zarray, meta.replace("\"dimension_separator\": \".\"", "\"dimension_separator\": \"/\"")
			.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Files.write(dir.resolve("1"), new byte[BYTES]); // chunk 1/0 lies in folder 1: a file is in the way
		PlaneSource p = OmeZarr.open(dir).plane(0);
		UserException e = assertThrows(UserException.class, () -> p.read(0, 0, W, H, new float[W * H]));
		assertTrue(e.getMessage().startsWith("data.zarr/1/0: chunk is damaged (its path cannot be followed"),
			e.getMessage());
	}

	@Test
	void aMissingChunkStillReadsAsTheFillValue() throws IOException {
		for (Compressor c : new Compressor[] { Compressor.RAW, Compressor.zlib(1) }) {
			ZarrArray a = array(c);
			Files.delete(chunk(a));
			float[] got = new float[W * H];
			OmeZarr.open(a.dir()).plane(0).read(0, 0, W, H, got);
			for (int i = 0; i < CH * W; i++) assertTrue(got[i] == i, "chunk 0.0 at " + i);
			assertArrayEquals(new float[CH * W], Arrays.copyOfRange(got, CH * W, W * H), "chunk 1.0: the fill value 0");
			float[] row = new float[W];
			OmeZarr.open(a.dir()).plane(0).read(0, 5, W, 1, row);
			assertArrayEquals(new float[W], row);
		}
	}

	/**
	 * Chunks of the stores zarr-python wrote with blosc (lz4, byte shuffle), zstd and lz4, and of the Zarr v3 stores
	 * (zstd; gzip and crc32c; a shard with its index and crc32c), cut short or with bytes changed: refused naming the
	 * chunk or shard file, or (a change inside a stored run) read as other values, never a stack trace.
	 */
	@Test
	void damagedBloscZstdLz4AndZarrV3ChunksAreRefused() throws Exception {
		String[][] stores = { { "u16le-2d-blosc", "0.0" }, { "i16le-2d-zstd", "0.0" }, { "f32le-2d-lz4", "0.0" },
			{ "u16-v3-zstd", "c/0/0" }, { "f32be-v3-gzip-crc", "0.0" }, { "i16-v3-sharded-end", "c/0/0" },
			{ "i16-v3-sharded-start", "c/1/1" } };
		for (String[] store : stores) {
			String name = store[0];
			Path source = java.nio.file.Paths.get(ZarrCorruptChunkTest.class.getResource("zarr/" + name + ".zarr").toURI());
			Path copy = tmp.resolve(name + ".zarr");
			try (java.util.stream.Stream<Path> files = Files.walk(source)) {
				for (Path f : (Iterable<Path>) files::iterator) {
					Path to = copy.resolve(source.relativize(f).toString());
					if (Files.isDirectory(f)) Files.createDirectories(to);
					else Files.copy(f, to);
				}
			}
			Path chunk = copy.resolve(store[1]);
			byte[] good = Files.readAllBytes(chunk);
			java.util.Random rnd = new java.util.Random(name.hashCode());
			int refused = 0;
			for (int t = 0; t < 40; t++) {
				byte[] bad = t < 10 ? Arrays.copyOf(good, rnd.nextInt(good.length)) : good.clone();
				if (t >= 10) for (int k = 0; k <= t % 4; k++) bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
				Files.write(chunk, bad);
				OmeZarr image = OmeZarr.open(copy);
				PlaneSource p = image.plane(0);
				try {
					p.read(0, 0, p.width(), p.height(), new float[p.width() * p.height()]);
				}
				catch (UserException e) {
					assertTrue(e.getMessage().startsWith(name + ".zarr/" + store[1] + ": chunk is damaged ("), e.getMessage());
					assertTrue(e.getMessage().contains("re-export it"), e.getMessage());
					refused++;
				}
			}
			// with a checksum every change is caught
			int least = name.contains("crc") || name.contains("sharded") ? 40 : 10;
			assertTrue(refused >= least, name + ": " + refused + " of 40 refused");
		}
	}
}
