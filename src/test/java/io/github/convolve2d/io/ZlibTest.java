package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.io.Zlib.Outcome;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Adler32;
import java.util.zip.Deflater;

/**
 * {@link Zlib#inflate}, the one zlib decoder of Zarr chunks and TIFF strips, on crafted streams: whole, short, long,
 * cut (inside the data, inside the checksum, empty), corrupt, followed by other bytes, asking for a preset
 * dictionary. Then how each format words the same findings: Zarr strictly, TIFF tolerating a stream cut short.
 */
class ZlibTest {

	/** 100,000 bytes, compressible but not trivially: Deflate makes several blocks of them. */
	private static final byte[] DATA = data(100_000);

	private static byte[] data(int n) {
		Random r = new Random(7);
		byte[] b = new byte[n];
		for (int i = 0; i < n; i++) b[i] = (byte) (i / 300 + r.nextInt(12));
		return b;
	}

	private static byte[] deflate(byte[] raw, byte[] dictionary) {
		Deflater d = new Deflater(6);
		if (dictionary != null) d.setDictionary(dictionary);
		d.setInput(raw);
		d.finish();
		byte[] out = new byte[raw.length + raw.length / 8 + 64];
		int n = 0;
		while (!d.finished()) n += d.deflate(out, n, out.length - n);
		d.end();
		return Arrays.copyOf(out, n);
	}

	private static byte[] zlib(byte[] raw) {
		return deflate(raw, null);
	}

	/** A stream made by hand: header, one final stored block of {@code raw}, and the Adler-32 of {@code raw}. */
	private static byte[] stored(byte[] raw) {
		byte[] s = new byte[2 + 5 + raw.length + 4];
		s[0] = 0x78;
		s[1] = 0x01; // (0x78 << 8 | 0x01) % 31 == 0, no dictionary
		s[2] = 0x01; // the final block, stored
		s[3] = (byte) raw.length;
		s[4] = (byte) (raw.length >> 8);
		s[5] = (byte) ~raw.length;
		s[6] = (byte) (~raw.length >> 8);
		System.arraycopy(raw, 0, s, 7, raw.length);
		Adler32 a = new Adler32();
		a.update(raw);
		long sum = a.getValue();
		for (int i = 0; i < 4; i++) s[s.length - 4 + i] = (byte) (sum >> (24 - 8 * i));
		return s;
	}

	private static void found(Zlib.Inflated z, Outcome outcome, byte[] expected, String where) {
		assertEquals(outcome, z.outcome(), where + ": " + z);
		assertEquals(expected.length, z.length(), where + ": " + z);
		assertArrayEquals(expected, Arrays.copyOf(z.bytes(), z.length()), where);
	}

	@Test
	void aWholeStreamOfExactlyTheLimitIsCompleteInOneBufferOfTheLimitsSize() {
		byte[] stream = zlib(DATA);
		Zlib.Inflated z = Zlib.inflate(stream, DATA.length);
		found(z, Outcome.COMPLETE, DATA, "deflated");
		assertFalse(z.followed(), z.toString());
		assertEquals(DATA.length, z.bytes().length);
		assertArrayEquals(DATA, z.bytes());
		found(Zlib.inflate(stored(Arrays.copyOf(DATA, 1000)), 1000), Outcome.COMPLETE, Arrays.copyOf(DATA, 1000),
			"stored");
		found(Zlib.inflate(zlib(new byte[0]), 0), Outcome.COMPLETE, new byte[0], "nothing, with a limit of 0");
	}

	@Test
	void aWholeStreamShorterThanTheLimitIsCompleteWithItsLengthInTheSameBuffer() {
		for (int less : new int[] { 1, 4, 4096, DATA.length }) {
			byte[] raw = Arrays.copyOf(DATA, DATA.length - less);
			Zlib.Inflated z = Zlib.inflate(zlib(raw), DATA.length);
			found(z, Outcome.COMPLETE, raw, less + " bytes short");
			assertEquals(DATA.length, z.bytes().length, "one buffer of the limit's size, not a copy");
		}
	}

	@Test
	void aStreamLongerThanTheLimitIsOverItEvenByOneByte() {
		for (int more : new int[] { 1, 4, 50_000 }) {
			byte[] raw = data(DATA.length + more);
			found(Zlib.inflate(zlib(raw), DATA.length), Outcome.OVER_LIMIT, DATA, more + " bytes more");
			found(Zlib.inflate(stored(Arrays.copyOf(raw, 1000 + more)), 1000), Outcome.OVER_LIMIT,
				Arrays.copyOf(DATA, 1000), more + " bytes more, stored");
		}
		found(Zlib.inflate(zlib(new byte[] { 9 }), 0), Outcome.OVER_LIMIT, new byte[0], "one byte over a limit of 0");
	}

	@Test
	void aStreamCutInsideItsChecksumIsCutWithAllItsBytes() {
		byte[] whole = zlib(DATA);
		for (int cut = 1; cut <= 4; cut++) {
			byte[] stream = Arrays.copyOf(whole, whole.length - cut);
			found(Zlib.inflate(stream, DATA.length), Outcome.CUT, DATA, cut + " of 4 checksum bytes missing");
			found(Zlib.inflate(stream, DATA.length + 10), Outcome.CUT, DATA, cut + " missing, below the limit");
			byte[] small = stored(Arrays.copyOf(DATA, 1000));
			found(Zlib.inflate(Arrays.copyOf(small, small.length - cut), 1000), Outcome.CUT, Arrays.copyOf(DATA, 1000),
				cut + " of 4 checksum bytes missing, stored");
		}
	}

	@Test
	void aStreamCutInsideItsDataIsCutWithTheBytesBeforeTheCut() {
		byte[] small = stored(Arrays.copyOf(DATA, 1000));
		// the stored block's bytes start at 7: 7 + 300 bytes hold its first 300
		found(Zlib.inflate(Arrays.copyOf(small, 7 + 300), 1000), Outcome.CUT, Arrays.copyOf(DATA, 300), "stored, cut");
		byte[] whole = zlib(DATA);
		Zlib.Inflated z = Zlib.inflate(Arrays.copyOf(whole, whole.length / 2), DATA.length);
		assertEquals(Outcome.CUT, z.outcome(), z.toString());
		assertTrue(z.length() > 0 && z.length() < DATA.length, z.toString());
		assertArrayEquals(Arrays.copyOf(DATA, z.length()), Arrays.copyOf(z.bytes(), z.length()));
		found(Zlib.inflate(Arrays.copyOf(whole, 1), DATA.length), Outcome.CUT, new byte[0], "inside the header");
	}

	@Test
	void nothingAtAllIsCutWithNothingInflated() {
		found(Zlib.inflate(new byte[0], DATA.length), Outcome.CUT, new byte[0], "empty");
	}

	@Test
	void corruptDataAreInvalidWithZlibsReason() {
		byte[] bad = zlib(DATA);
		bad[bad.length - 1] ^= 0x55;
		Zlib.Inflated z = Zlib.inflate(bad, DATA.length);
		assertEquals(Outcome.INVALID, z.outcome(), z.toString());
		assertEquals("incorrect data check", z.reason());

		z = Zlib.inflate("not zlib at all, just text".getBytes(StandardCharsets.US_ASCII), 100);
		assertEquals(Outcome.INVALID, z.outcome(), z.toString());
		assertEquals("incorrect header check", z.reason());

		byte[] lengths = stored(Arrays.copyOf(DATA, 1000));
		lengths[5] ^= 1; // the stored block's length and its complement disagree
		z = Zlib.inflate(lengths, 1000);
		assertEquals(Outcome.INVALID, z.outcome(), z.toString());
		assertEquals("invalid stored block lengths", z.reason());

		byte[] type = stored(Arrays.copyOf(DATA, 1000));
		type[2] = 0x07; // block type 3, reserved
		assertEquals("invalid block type", Zlib.inflate(type, 1000).reason());
		assertEquals(null, Zlib.inflate(zlib(DATA), DATA.length).reason(), "a sound stream has no reason");
	}

	@Test
	void bytesAfterTheStreamsEndAreNotInflatedButNoted() {
		byte[] whole = zlib(DATA);
		byte[] garbage = Arrays.copyOf(whole, whole.length + 37);
		Arrays.fill(garbage, whole.length, garbage.length, (byte) 0x5a);
		for (int limit : new int[] { DATA.length, DATA.length + 1 }) {
			Zlib.Inflated z = Zlib.inflate(garbage, limit);
			found(z, Outcome.COMPLETE, DATA, "garbage after the end, limit " + limit);
			assertTrue(z.followed(), z.toString());
		}
		byte[] twice = Arrays.copyOf(whole, 2 * whole.length);
		System.arraycopy(whole, 0, twice, whole.length, whole.length);
		found(Zlib.inflate(twice, 2 * DATA.length), Outcome.COMPLETE, DATA, "a second stream is not read");
		byte[] empty = zlib(new byte[0]);
		assertFalse(Zlib.inflate(empty, 10).followed(), "an empty stream, alone");
		assertTrue(Zlib.inflate(Arrays.copyOf(empty, empty.length + 1), 10).followed(), "an empty stream and a byte");
	}

	@Test
	void aStreamThatAsksForAPresetDictionaryInflatesNothing() {
		byte[] stream = deflate(DATA, Arrays.copyOf(DATA, 512));
		assertEquals(0x20, stream[1] & 0x20, "FDICT is set");
		found(Zlib.inflate(stream, DATA.length), Outcome.DICTIONARY, new byte[0], "preset dictionary");
	}

	/** Both formats' words for the same findings: Zarr wants the whole stream and the chunk's size exactly. */
	@Test
	void zarrRefusesAnyStreamButAWholeOneOfTheChunksSize() throws IOException {
		Compressor c = Compressor.zlib(1);
		byte[] whole = zlib(DATA);
		assertArrayEquals(DATA, c.decode(whole, DATA.length));
		byte[] garbage = Arrays.copyOf(whole, whole.length + 8);
		assertArrayEquals(DATA, c.decode(garbage, DATA.length), "bytes after the stream's end are not looked at");
		byte[] bad = whole.clone();
		bad[bad.length - 1] ^= 0x55;
		String[][] cases = {
			{ "zlib data ends early", "the checksum cut" },
			{ "zlib data ends early", "the data cut" },
			{ "zlib data ends early", "empty" },
			{ "zlib data ends early: 99996 bytes of 100000", "a whole stream, short" },
			{ "zlib data holds more than the chunk's 100000 bytes", "long" },
			{ "zlib data is not valid: incorrect data check", "corrupt" },
			{ "zlib data ends early: 0 bytes of 100000", "a preset dictionary" },
			{ "zlib data ends early: 0 bytes of 100000", "a whole stream of nothing" } };
		byte[][] streams = { Arrays.copyOf(whole, whole.length - 2), Arrays.copyOf(whole, whole.length / 2), new byte[0],
			zlib(Arrays.copyOf(DATA, DATA.length - 4)), zlib(data(DATA.length + 1)), bad,
			deflate(DATA, Arrays.copyOf(DATA, 512)), zlib(new byte[0]) };
		for (int i = 0; i < streams.length; i++) {
			byte[] s = streams[i];
			Compressor.Damaged e = assertThrows(Compressor.Damaged.class, () -> c.decode(s, DATA.length), cases[i][1]);
			assertEquals(cases[i][0], e.getMessage(), cases[i][1]);
		}
	}

	/** TIFF takes what a cut stream holds (its caller judges the length: a bottom strip may be short). */
	@Test
	void tiffTakesWhatACutOrShortStreamHoldsAndRefusesTheRest() throws TiffReader.DamagedData {
		byte[] whole = zlib(DATA);
		Zlib.Inflated z = TiffReader.inflate(Arrays.copyOf(whole, whole.length - 2), DATA.length);
		assertEquals(DATA.length, z.length(), "a stream cut inside its checksum gives all its bytes");
		assertArrayEquals(DATA, z.bytes());
		z = TiffReader.inflate(zlib(Arrays.copyOf(DATA, 600)), DATA.length);
		assertEquals(600, z.length(), "a short stream gives its bytes");
		assertEquals(DATA.length, z.bytes().length, "in the one buffer of the strip's full size");
		assertEquals(300, TiffReader.inflate(Arrays.copyOf(stored(Arrays.copyOf(DATA, 1000)), 7 + 300), 1000)
			.length(), "a stream cut inside its data gives the bytes before the cut");
		byte[] empty = zlib(new byte[0]);
		assertEquals(0, TiffReader.inflate(Arrays.copyOf(empty, empty.length + 3), DATA.length).length(),
			"a stream of nothing with bytes after it: the caller's length check words it");
		byte[] bad = whole.clone();
		bad[bad.length - 1] ^= 0x55;
		String[][] cases = {
			{ "ends early: none of it inflates", "empty" },
			{ "ends early: none of it inflates", "a preset dictionary" },
			{ "ends early: none of it inflates", "a whole stream of nothing" },
			{ "runs past the end of the strip or tile", "long" },
			{ "is not valid zlib (incorrect data check)", "corrupt" } };
		byte[][] streams = { new byte[0], deflate(DATA, Arrays.copyOf(DATA, 512)), empty, zlib(data(DATA.length + 1)),
			bad };
		for (int i = 0; i < streams.length; i++) {
			byte[] s = streams[i];
			TiffReader.DamagedData e = assertThrows(TiffReader.DamagedData.class, () -> TiffReader.inflate(s, DATA.length),
				cases[i][1]);
			assertEquals(cases[i][0], e.getMessage(), cases[i][1]);
		}
	}
}
