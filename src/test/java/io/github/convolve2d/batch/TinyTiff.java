package io.github.convolve2d.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Small uncompressed 8-bit grey TIFFs built byte by byte, so that tests can break exactly one field: the header,
 * one IFD of nine entries at byte 8, the next-IFD offset, then the pixels.
 */
public final class TinyTiff {

	/** Byte offset of the next-IFD offset (4 bytes) in {@link #bytes}. */
	public static final int NEXT_IFD_AT = 8 + 2 + 9 * 12;
	/** Byte offset of the pixel data. */
	public static final int PIXELS_AT = NEXT_IFD_AT + 4;

	private TinyTiff() {
	}

	/** A {@code width}×{@code height} 8-bit image whose pixel at (x, y) is {@code (x + 3y) & 255}. */
	public static byte[] bytes(int width, int height, boolean littleEndian) {
		int pixels = width * height;
		ByteBuffer b = ByteBuffer.allocate(PIXELS_AT + pixels)
			.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
		b.put((byte) (littleEndian ? 'I' : 'M')).put((byte) (littleEndian ? 'I' : 'M')).putShort((short) 42).putInt(8);
		b.putShort((short) 9);
		entry(b, 256, 4, 1, width);
		entry(b, 257, 4, 1, height);
		entry(b, 258, 3, 1, 8);
		entry(b, 259, 3, 1, 1);
		entry(b, 262, 3, 1, 1);
		entry(b, 273, 4, 1, PIXELS_AT);
		entry(b, 277, 3, 1, 1);
		entry(b, 278, 4, 1, height);
		entry(b, 279, 4, 1, pixels);
		b.putInt(0);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) b.put((byte) (x + 3 * y));
		}
		return b.array();
	}

	private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
		b.putShort((short) tag).putShort((short) type).putInt(count);
		if (type == 3 && count == 1) b.putShort((short) value).putShort((short) 0);
		else b.putInt(value);
	}

	/** Writes a 4-byte value at {@code at} in the file's byte order. */
	public static void putInt(byte[] tiff, int at, int value) {
		ByteBuffer.wrap(tiff).order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN).putInt(at, value);
	}
}
