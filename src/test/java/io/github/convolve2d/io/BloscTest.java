package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link Blosc} against c-blosc 1: 180 buffers that numcodecs' Blosc made ({@code scripts/zarr_golden.py write}) with
 * every codec (blosclz, lz4, lz4hc, snappy, zlib, zstd), shuffle (none, bytes, bits), value size (1, 2, 3, 4, 8),
 * level (0 to 9) and block size (one block, many, a short last one, split and unsplit blocks, too small to compress);
 * then damaged and hostile buffers, which must fail with a message and never read outside the buffer.
 */
class BloscTest {

	/** One buffer of the manifest. */
	static final class Case {
		int seed, count, size, shuffle, clevel, blocksize, offset, length;
		String cname;

		@Override
		public String toString() {
			return "seed " + seed + ": " + count + " values of " + size + " bytes, " + cname + " level " + clevel
				+ ", shuffle " + shuffle + ", blocksize " + blocksize;
		}
	}

	static List<Case> cases() throws IOException {
		try (InputStream in = BloscTest.class.getResourceAsStream("zarr/blosc-buffers.json")) {
			return new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8),
				new TypeToken<List<Case>>() { }.getType());
		}
	}

	static byte[] buffers() throws IOException {
		try (InputStream in = BloscTest.class.getResourceAsStream("zarr/blosc-buffers.bin")) {
			return in.readAllBytes();
		}
	}

	static byte[] stored(byte[] all, Case c) {
		return Arrays.copyOfRange(all, c.offset, c.offset + c.length);
	}

	/** zarr_golden.py's blosc_bytes(seed, count, size). */
	static byte[] raw(int seed, int count, int size) {
		long state = (seed * 2654435761L + 1) & 0xffffffffL;
		byte[] out = new byte[count * size];
		for (int v = 0; v < count; v++) {
			state = (state * 1664525L + 1013904223L) & 0xffffffffL;
			long noise = (state >>> 24) == 0 ? (state >>> 16) & 15 : 0;
			long value = (v / 40) * 3L + noise;
			for (int b = 0; b < size; b++) out[v * size + b] = (byte) (value >>> (8 * b));
		}
		return out;
	}

	@Test
	void decodesEveryBufferCBloscMade() throws IOException {
		byte[] all = buffers();
		List<Case> cases = cases();
		assertEquals(180, cases.size());
		Map<String, Integer> seen = new TreeMap<>();
		Set<String> kinds = new HashSet<>();
		for (Case c : cases) {
			byte[] stored = stored(all, c);
			byte[] got = Blosc.decode(stored, c.count * c.size);
			assertArrayEquals(raw(c.seed, c.count, c.size), got, c.toString());
			// what the buffers cover, read from their headers
			int flags = stored[2] & 0xff;
			seen.merge(c.cname + "/" + c.shuffle, 1, Integer::sum);
			if ((flags & 0x02) != 0) kinds.add("stored whole");
			else {
				kinds.add((flags & 0x10) != 0 ? "unsplit" : "split");
				long blocks = (c.count * (long) c.size + u32(stored, 8) - 1) / u32(stored, 8);
				if (blocks > 1) kinds.add("several blocks");
				if (c.count * (long) c.size % u32(stored, 8) != 0) kinds.add("short last block");
			}
		}
		assertEquals(18, seen.size(), seen.toString());
		assertEquals(Set.of("stored whole", "split", "unsplit", "several blocks", "short last block"), kinds);
	}

	private static long u32(byte[] b, int at) {
		return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
	}

	@Test
	void damagedHeadersAreNamed() throws IOException {
		byte[] all = buffers();
		// a compressed buffer of several blocks
		Case c = cases().stream().filter(k -> k.cname.equals("lz4") && (all[k.offset + 2] & 0x02) == 0
			&& u32(all, k.offset + 8) < k.count * k.size).findFirst().orElseThrow();
		byte[] good = stored(all, c);
		int n = c.count * c.size;
		assertTrue(message(Arrays.copyOf(good, 10), n).contains("ends early"));
		assertTrue(message(Arrays.copyOf(good, good.length - 1), n).contains("ends early"));
		assertTrue(message(good, n + 1).contains("holds " + n + " bytes, the chunk " + (n + 1)));
		byte[] version = good.clone();
		version[0] = 3;
		assertTrue(message(version, n).contains("format version 3"));
		byte[] reserved = good.clone();
		reserved[2] |= 0x08;
		assertTrue(message(reserved, n).contains("reserved flag"));
		byte[] codec = good.clone();
		codec[2] = (byte) ((codec[2] & 0x1f) | 7 << 5);
		assertTrue(message(codec, n).contains("codec number 7"));
		byte[] offset = good.clone();
		offset[16 + 3] = 0x7f;
		assertTrue(message(offset, n).contains("past its end"));
		// trailing bytes after the buffer are not read, as c-blosc reads them
		byte[] longer = Arrays.copyOf(good, good.length + 5);
		assertArrayEquals(raw(c.seed, c.count, c.size), Blosc.decode(longer, n));
	}

	private static String message(byte[] stored, int expected) {
		return assertThrows(Compressor.Damaged.class, () -> Blosc.decode(stored, expected)).getMessage();
	}

	/**
	 * Every buffer cut short, or with random bytes changed, at random: the result is the original bytes (a change in
	 * bytes never read), other bytes of the same size (a change inside a stored stream), or a {@link Compressor.Damaged}
	 * with a message, never another exception or a read outside the buffer.
	 */
	@Test
	void damagedBuffersFailWithAMessageOrDecodeToTheirSize() throws IOException {
		byte[] all = buffers();
		Random rnd = new Random(20261203);
		int damaged = 0, decoded = 0;
		EnumSet<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
		for (Case c : cases()) {
			byte[] good = stored(all, c);
			int n = c.count * c.size;
			for (int t = 0; t < 12; t++) {
				byte[] bad;
				if (t < 3) bad = Arrays.copyOf(good, rnd.nextInt(good.length));
				else {
					bad = good.clone();
					int changes = 1 + rnd.nextInt(4);
					for (int k = 0; k < changes; k++) {
						int at = t < 6 ? rnd.nextInt(Math.min(bad.length, 16 + 64)) : rnd.nextInt(bad.length);
						bad[at] = (byte) rnd.nextInt(256);
					}
				}
				try {
					byte[] got = Blosc.decode(bad, n);
					assertEquals(n, got.length, c.toString());
					decoded++;
					outcomes.add(Outcome.DECODED);
				}
				catch (Compressor.Damaged e) {
					assertTrue(e.getMessage() != null && e.getMessage().startsWith("blosc data")
						|| e.getMessage().startsWith("is not blosc data"), e.getMessage());
					damaged++;
					outcomes.add(Outcome.DAMAGED);
				}
			}
		}
		assertTrue(damaged > 1000 && decoded > 50, damaged + " damaged, " + decoded + " decoded");
	}

	private enum Outcome { DAMAGED, DECODED }

	/** BloscLZ's references must stay inside the block: before its start, past its end. */
	@Test
	void bloscLzReferencesOutsideTheBlockAreRefused() {
		// literal run of 2 ("ab"), then a reference of 3 bytes 5 back: before the start
		byte[] before = { 1, 'a', 'b', (byte) (1 << 5), 4, 0 };
		Compressor.Damaged e = assertThrows(Compressor.Damaged.class,
			() -> Blosc.bloscLz(before, 0, before.length, new byte[16], 0, 16));
		assertTrue(e.getMessage().contains("before the block's start"), e.getMessage());
		// literal run of 2, then a reference of 9 bytes 1 back, into 8 bytes of room
		byte[] past = { 1, 'a', 'b', (byte) (7 << 5), 0, 0, 0 };
		e = assertThrows(Compressor.Damaged.class, () -> Blosc.bloscLz(past, 0, past.length, new byte[8], 0, 8));
		assertTrue(e.getMessage().contains("past the block's end"), e.getMessage());
		// the same reference with room: a run of 'b' (overlapping copy), then one literal
		byte[] out = new byte[12];
		int made = 0;
		try {
			made = Blosc.bloscLz(new byte[] { 1, 'a', 'b', (byte) (7 << 5), 0, 0, 0, 'c' }, 0, 8, out, 0, 12);
		}
		catch (Compressor.Damaged x) {
			throw new AssertionError(x);
		}
		assertEquals("abbbbbbbbbbc", new String(out, 0, made, StandardCharsets.US_ASCII));
	}

	/** The bit transpose of bit unshuffling, against the plain one on random matrices. */
	@Test
	void transposesEightByEightBits() {
		Random rnd = new Random(8);
		for (int n = 0; n < 10000; n++) {
			long x = n == 0 ? -1 : n == 1 ? 0 : rnd.nextLong(), want = 0;
			for (int k = 0; k < 8; k++) for (int i = 0; i < 8; i++) if ((x >>> (8 * k + i) & 1) != 0) want |= 1L << (8 * i + k);
			assertEquals(want, Blosc.transpose8x8(x), Long.toHexString(x));
		}
	}

	/**
	 * What {@link Blosc#encode} writes decodes to the same bytes: values of 1 to 8 bytes, buffers from empty to several
	 * blocks with a short last one, smooth (compressed) and random (stored) data; c-blosc reads them too
	 * ({@code ZarrGoldenTest} writes blosc stores that {@code scripts/zarr_golden.py verify} opens with zarr-python).
	 */
	@Test
	void encodedBuffersDecodeToTheirBytes() throws IOException {
		Random rnd = new Random(44);
		int[] sizes = { 0, 1, 3, 127, 128, 129, 4096, Blosc.ENCODE_BLOCK - 4, Blosc.ENCODE_BLOCK, Blosc.ENCODE_BLOCK + 3,
			3 * Blosc.ENCODE_BLOCK + 1000 };
		int stored = 0, compressed = 0;
		for (int typeSize : new int[] { 1, 2, 3, 4, 8 }) {
			for (int size : sizes) {
				for (boolean smooth : new boolean[] { true, false }) {
					int n = size / typeSize * typeSize;
					byte[] raw = smooth ? raw(rnd.nextInt(100), n / typeSize, typeSize) : new byte[n];
					if (!smooth) rnd.nextBytes(raw);
					byte[] enc = Blosc.encode(raw, typeSize);
					assertArrayEquals(raw, Blosc.decode(enc, n), typeSize + " × " + n + (smooth ? " smooth" : " random"));
					if ((enc[2] & 0x02) != 0) stored++;
					else compressed++;
					if (smooth && n >= 4096) assertTrue(enc.length < n / 2, "smooth data shrink: " + enc.length + " of " + n);
					if (!smooth) assertTrue(enc.length <= n + 16, "random data stored whole: " + enc.length + " of " + n);
				}
			}
		}
		assertTrue(stored > 10 && compressed > 10, stored + " stored, " + compressed + " compressed");
	}
}
