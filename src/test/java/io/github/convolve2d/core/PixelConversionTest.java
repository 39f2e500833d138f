package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * {@link PixelConversion} against plain loops: unsigned 8- and 16-bit values raw and through a lookup table, and
 * packed RGB, into new arrays or given ones, on lengths around its parts, on 1 to 3 threads (each conversion's
 * first run in a JVM goes on one thread, so every case runs twice).
 */
class PixelConversionTest {

	private static final int PART = PixelConversion.PART;

	@Test
	void unsignedValuesRawAndThroughATableMatchAPlainLoop() {
		Random rnd = new Random(20261202);
		for (int t = 0; t < 12; t++) {
			int n = t % 4 == 0 ? rnd.nextInt(40) : PART * rnd.nextInt(3) + rnd.nextInt(3) - 1 + (t % 4 == 1 ? 0 : 17);
			n = Math.max(0, n);
			int threads = 1 + t % 3;
			byte[] b = new byte[n];
			short[] s = new short[n];
			rnd.nextBytes(b);
			for (int i = 0; i < n; i++) s[i] = (short) rnd.nextInt(65536);
			if (n > 0) {
				b[n - 1] = (byte) 255; // the top values, which a signed read would make negative
				s[n - 1] = (short) 65535;
			}
			float[] table8 = randomTable(rnd, 256), table16 = randomTable(rnd, 65536);
			float[] raw8 = new float[n], cal8 = new float[n], raw16 = new float[n], cal16 = new float[n];
			for (int i = 0; i < n; i++) {
				raw8[i] = b[i] & 0xff;
				cal8[i] = table8[b[i] & 0xff];
				raw16[i] = s[i] & 0xffff;
				cal16[i] = table16[s[i] & 0xffff];
			}
			String what = "case " + t + ": " + n + " values, " + threads + " thread(s)";
			for (int run = 0; run < 2; run++) {
				assertArrayEquals(raw8, PixelConversion.unsigned8(b, null, null, threads), what);
				assertArrayEquals(cal8, PixelConversion.unsigned8(b, table8, null, threads), what);
				assertArrayEquals(raw16, PixelConversion.unsigned16(s, null, null, threads), what);
				assertArrayEquals(cal16, PixelConversion.unsigned16(s, table16, null, threads), what);
			}
			// into an array that held another plane: every value overwritten, the array itself returned
			float[] into = garbage(rnd, n);
			assertSame(into, PixelConversion.unsigned16(s, table16, into, threads), what);
			assertArrayEquals(cal16, into, what + ", into an array");
			into = garbage(rnd, n);
			assertSame(into, PixelConversion.unsigned8(b, null, into, threads), what);
			assertArrayEquals(raw8, into, what + ", into an array");
		}
	}

	@Test
	void rgbSplitsIntoRedGreenAndBlue() {
		Random rnd = new Random(5);
		for (int n : new int[] { 0, 1, PART - 1, PART + 1, 2 * PART + 3 }) {
			int[] p = new int[n];
			for (int i = 0; i < n; i++) p[i] = rnd.nextInt();
			float[] r = new float[n], g = new float[n], b = new float[n];
			for (int i = 0; i < n; i++) {
				r[i] = (p[i] >> 16) & 0xff;
				g[i] = (p[i] >> 8) & 0xff;
				b[i] = p[i] & 0xff;
			}
			for (int threads = 1; threads <= 3; threads++) {
				float[][] into = threads == 2 ? new float[][] { garbage(rnd, n), garbage(rnd, n), garbage(rnd, n) } : null;
				float[][] c = PixelConversion.rgb(p, into, threads);
				assertEquals(3, c.length);
				if (into != null) for (int k = 0; k < 3; k++) assertSame(into[k], c[k]);
				assertArrayEquals(r, c[0], n + " values, red");
				assertArrayEquals(g, c[1], n + " values, green");
				assertArrayEquals(b, c[2], n + " values, blue");
			}
		}
	}

	@Test
	void aTableTooShortOrAnArrayOfAnotherSizeIsRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> PixelConversion.unsigned16(new short[4], new float[256], null, 2));
		assertEquals("a lookup table needs 65536 values, not 256", e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> PixelConversion.unsigned8(new byte[4], new float[255], null, 2));
		e = assertThrows(IllegalArgumentException.class,
			() -> PixelConversion.unsigned8(new byte[4], null, new float[5], 2));
		assertEquals("the array to convert into has 5 values, not 4", e.getMessage());
		assertThrows(IllegalArgumentException.class,
			() -> PixelConversion.rgb(new int[4], new float[][] { new float[4], new float[4] }, 2));
	}

	private static float[] garbage(Random rnd, int n) {
		float[] f = new float[n];
		for (int i = 0; i < n; i++) f[i] = rnd.nextFloat() - 7;
		return f;
	}

	private static float[] randomTable(Random rnd, int size) {
		float[] t = new float[size];
		for (int i = 0; i < size; i++) t[i] = rnd.nextFloat() * 1000 - 500;
		return t;
	}
}
