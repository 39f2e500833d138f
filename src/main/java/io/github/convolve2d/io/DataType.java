package io.github.convolve2d.io;

import io.github.convolve2d.core.UserException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A sample type this package reads and writes (Zarr v2 {@code dtype}, TIFF samples): 8, 16 and 32 bit integers,
 * signed or not, 32 and 64 bit float, in either byte order ({@code "<f4"}, {@code ">u2"}, {@code "|u1"}). Values convert to float as ImageJ's
 * "32-bit" conversion does (exact for all but float64, which is rounded); float written to an integer type is
 * rounded and clamped to its range, NaN becoming 0.
 */
public final class DataType {

	/** The sample kinds, with their Zarr type letters and sizes. */
	public enum Kind {
		UINT8("u1", 1), INT8("i1", 1), UINT16("u2", 2), INT16("i2", 2), UINT32("u4", 4), INT32("i4", 4),
		FLOAT32("f4", 4), FLOAT64("f8", 8);

		final String code;
		final int bytes;

		Kind(String code, int bytes) {
			this.code = code;
			this.bytes = bytes;
		}
	}

	/** Little-endian float32, what the outputs are written as. */
	public static final DataType FLOAT32 = new DataType(Kind.FLOAT32, ByteOrder.LITTLE_ENDIAN);

	private final Kind kind;
	private final ByteOrder order;

	public DataType(Kind kind, ByteOrder order) {
		this.kind = kind;
		this.order = order;
	}

	/**
	 * Parses a Zarr v2 dtype string.
	 *
	 * @throws UserException for a type this package does not read, naming the ones it does
	 */
	public static DataType parse(String dtype) {
		if (dtype != null && dtype.length() == 3) {
			char o = dtype.charAt(0);
			String code = dtype.substring(1);
			for (Kind k : Kind.values()) {
				if (k.code.equals(code) && (o == '<' || o == '>' || (o == '|' && k.bytes == 1))) {
					return new DataType(k, o == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
				}
			}
		}
		throw new UserException("Zarr data type " + dtype + " is not supported; supported: uint8 (|u1), int8 (|i1), "
			+ "uint16 (<u2, >u2), int16 (<i2, >i2), uint32, int32, float32 (<f4, >f4), float64 (<f8, >f8)");
	}

	public Kind kind() { return kind; }
	public ByteOrder order() { return order; }
	/** Bytes per value. */
	public int bytes() { return kind.bytes; }

	/** The Zarr v2 dtype string, e.g. {@code "<f4"}. */
	public String zarr() {
		return (kind.bytes == 1 ? "|" : order == ByteOrder.BIG_ENDIAN ? ">" : "<") + kind.code;
	}

	/** Converts {@code n} values from {@code src} (positioned at the first) into {@code dst} from {@code off}. */
	void decode(ByteBuffer src, float[] dst, int off, int n) {
		ByteBuffer b = src.order(order);
		switch (kind) {
			case UINT8:
				for (int i = 0; i < n; i++) dst[off + i] = b.get() & 0xff;
				break;
			case UINT16:
				for (int i = 0; i < n; i++) dst[off + i] = b.getShort() & 0xffff;
				break;
			case INT8:
				for (int i = 0; i < n; i++) dst[off + i] = b.get();
				break;
			case INT16:
				for (int i = 0; i < n; i++) dst[off + i] = b.getShort();
				break;
			case UINT32:
				for (int i = 0; i < n; i++) dst[off + i] = b.getInt() & 0xffffffffL;
				break;
			case INT32:
				for (int i = 0; i < n; i++) dst[off + i] = b.getInt();
				break;
			case FLOAT32:
				b.asFloatBuffer().get(dst, off, n);
				b.position(b.position() + 4 * n);
				break;
			default:
				for (int i = 0; i < n; i++) dst[off + i] = (float) b.getDouble();
		}
	}

	/** Writes {@code n} values of {@code src} from {@code off} into {@code dst} (at its position). */
	void encode(float[] src, int off, int n, ByteBuffer dst) {
		ByteBuffer b = dst.order(order);
		switch (kind) {
			case UINT8:
				for (int i = 0; i < n; i++) b.put((byte) clamp(src[off + i], 0, 255));
				break;
			case UINT16:
				for (int i = 0; i < n; i++) b.putShort((short) clamp(src[off + i], 0, 65535));
				break;
			case INT8:
				for (int i = 0; i < n; i++) b.put((byte) clamp(src[off + i], -128, 127));
				break;
			case INT16:
				for (int i = 0; i < n; i++) b.putShort((short) clamp(src[off + i], -32768, 32767));
				break;
			case UINT32:
				for (int i = 0; i < n; i++) b.putInt((int) clamp(src[off + i], 0, 0xffffffffL));
				break;
			case INT32:
				for (int i = 0; i < n; i++) b.putInt((int) clamp(src[off + i], Integer.MIN_VALUE, Integer.MAX_VALUE));
				break;
			case FLOAT32:
				b.asFloatBuffer().put(src, off, n);
				b.position(b.position() + 4 * n);
				break;
			default:
				for (int i = 0; i < n; i++) b.putDouble(src[off + i]);
		}
	}

	private static long clamp(float v, long lo, long hi) {
		if (Float.isNaN(v)) return 0;
		return (long) Math.max(lo, Math.min(hi, Math.rint(v)));
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof DataType && ((DataType) o).kind == kind && (kind.bytes == 1 || ((DataType) o).order == order);
	}

	@Override
	public int hashCode() {
		return kind.hashCode();
	}

	@Override
	public String toString() {
		return zarr();
	}
}
