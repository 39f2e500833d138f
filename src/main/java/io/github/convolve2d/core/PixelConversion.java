package io.github.convolve2d.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Integer pixel arrays as the float planes the core convolves, converted in parts on several threads: unsigned
 * 8-bit and 16-bit values, raw or through a lookup table (a value calibration), and packed RGB split into its red,
 * green and blue, into new arrays or into arrays a caller is done with. On the development machine the image
 * engine's float copy of a 16-bit 4096² plane took 17 ms on one thread, 7 of them the JVM zeroing the new array (on
 * the calling thread, whatever the threads); writing into a previous plane's array saves those on every plane of a
 * stack after the first (1024² 16-bit planes through the image engine: 2.7 → 2.2 ms a plane).
 */
public final class PixelConversion {

	/** Values converted as one unit of work: 16 parts for a 1024² plane, so that it too is spread over threads. */
	static final int PART = 1 << 16;
	/** Whether each loop has run in this JVM ({@link Parallel#threadsForLoop}). */
	private static final AtomicBoolean RAN_8 = new AtomicBoolean(), RAN_16 = new AtomicBoolean(),
		RAN_RGB = new AtomicBoolean();

	private PixelConversion() {
	}

	/**
	 * The unsigned 8-bit {@code pixels} as floats: {@code table[p & 0xff]}, or the raw value when {@code table} is
	 * null, on up to {@code threads} threads.
	 *
	 * @param into an array of {@code pixels.length} values to write the floats into (a previous plane's, so that a
	 *        stack's planes do not each allocate and zero a new array), or null for a new one
	 * @throws IllegalArgumentException when {@code table} has fewer than 256 values or {@code into} has not
	 *         {@code pixels.length} values
	 */
	public static float[] unsigned8(byte[] pixels, float[] table, float[] into, int threads) {
		checkTable(table, 256);
		float[] f = target(into, pixels.length);
		Parallel.forEach(parts(pixels.length), Parallel.threadsForLoop(RAN_8, threads), ProgressListener.NONE,
			new Parallel.Unit() { // not a lambda: see Convolution.run
				@Override
				public void run(int part, Scratch scratch) {
					int from = part * PART, to = Math.min(pixels.length, from + PART);
					if (table == null) for (int i = from; i < to; i++) f[i] = pixels[i] & 0xff;
					else for (int i = from; i < to; i++) f[i] = table[pixels[i] & 0xff];
				}
			});
		return f;
	}

	/**
	 * The unsigned 16-bit {@code pixels} as floats: {@code table[p & 0xffff]}, or the raw value when {@code table}
	 * is null, on up to {@code threads} threads.
	 *
	 * @param into as for {@link #unsigned8}
	 * @throws IllegalArgumentException when {@code table} has fewer than 65536 values or {@code into} has not
	 *         {@code pixels.length} values
	 */
	public static float[] unsigned16(short[] pixels, float[] table, float[] into, int threads) {
		checkTable(table, 65536);
		float[] f = target(into, pixels.length);
		Parallel.forEach(parts(pixels.length), Parallel.threadsForLoop(RAN_16, threads), ProgressListener.NONE,
			new Parallel.Unit() { // not a lambda: see Convolution.run
				@Override
				public void run(int part, Scratch scratch) {
					int from = part * PART, to = Math.min(pixels.length, from + PART);
					if (table == null) for (int i = from; i < to; i++) f[i] = pixels[i] & 0xffff;
					else for (int i = from; i < to; i++) f[i] = table[pixels[i] & 0xffff];
				}
			});
		return f;
	}

	/**
	 * Packed RGB {@code pixels} ({@code 0xRRGGBB}, the top byte ignored) as three float planes, red, green and
	 * blue, on up to {@code threads} threads.
	 *
	 * @param into three arrays to write red, green and blue into, as for {@link #unsigned8}, or null
	 */
	public static float[][] rgb(int[] pixels, float[][] into, int threads) {
		if (into != null && into.length != 3) throw new IllegalArgumentException("RGB needs 3 arrays, not " + into.length);
		float[] r = target(into == null ? null : into[0], pixels.length);
		float[] g = target(into == null ? null : into[1], pixels.length);
		float[] b = target(into == null ? null : into[2], pixels.length);
		Parallel.forEach(parts(pixels.length), Parallel.threadsForLoop(RAN_RGB, threads), ProgressListener.NONE,
			new Parallel.Unit() { // not a lambda: see Convolution.run
				@Override
				public void run(int part, Scratch scratch) {
					for (int i = part * PART, to = Math.min(pixels.length, i + PART); i < to; i++) {
						int c = pixels[i];
						r[i] = (c >> 16) & 0xff;
						g[i] = (c >> 8) & 0xff;
						b[i] = c & 0xff;
					}
				}
			});
		return new float[][] { r, g, b };
	}

	private static float[] target(float[] into, int values) {
		if (into == null) return new float[values];
		if (into.length != values) {
			throw new IllegalArgumentException("the array to convert into has " + into.length + " values, not " + values);
		}
		return into;
	}

	private static int parts(int values) {
		return (values + PART - 1) / PART;
	}

	private static void checkTable(float[] table, int size) {
		if (table != null && table.length < size) {
			throw new IllegalArgumentException("a lookup table needs " + size + " values, not " + table.length);
		}
	}
}
