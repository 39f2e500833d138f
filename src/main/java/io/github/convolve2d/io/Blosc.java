package io.github.convolve2d.io;

import io.github.convolve2d.core.UserException;

import java.util.Arrays;

/**
 * Decodes a Blosc 1 buffer: what numcodecs' {@code Blosc} codec (the default compressor of zarr-python 2,
 * ome-zarr-py and bioformats2raw) and Zarr v3's {@code blosc} codec store, as c-blosc 1.x writes it. The format
 * is the published one of c-blosc ({@code README_CHUNK_FORMAT.rst}); what it leaves unsaid (when a block is split
 * into one stream per byte of a value, how bit-shuffled bytes lie) follows c-blosc 1.21's decoder, and the tests
 * check every case against buffers that c-blosc made ({@code scripts/zarr_golden.py}).
 * <p>
 * A buffer is a 16-byte header (format version 2, codec, flags, value size, sizes), one start offset per block, and
 * the blocks: each one stream, or one per byte of a value, each prefixed by its stored size; a stream as long as
 * its decoded size is stored raw. Blocks are then un-shuffled (bytes or bits grouped by their place in a value).
 * The codecs: BloscLZ (decoded here: c-blosc's own small LZ77 format), LZ4, Snappy and Zstandard
 * ({@link LibraryCodec}) and zlib ({@link Zlib}). Unlike c-blosc, every offset and size is checked against the buffer, so a
 * damaged or hostile chunk fails with what is wrong, never reads outside it.
 */
final class Blosc {

	private Blosc() {
	}

	private static final int HEADER = 16;
	private static final int FORMAT_VERSION = 2;
	private static final int BYTE_SHUFFLE = 0x01;
	private static final int MEMCPYED = 0x02;
	private static final int BIT_SHUFFLE = 0x04;
	private static final int RESERVED = 0x08;
	private static final int DONT_SPLIT = 0x10;
	/** c-blosc splits a block into one stream per byte of a value only for values this small ... */
	private static final int MAX_SPLITS = 16;
	/** ... and blocks of at least this many values. */
	private static final int MIN_SPLIT_VALUES = 128;
	private static final String[] CODECS = { "blosclz", "lz4", "snappy", "zlib", "zstd" };

	/**
	 * The {@code expected} bytes {@code stored} holds.
	 *
	 * @throws Compressor.Damaged when it is not a Blosc 1 buffer of exactly that many bytes, saying what is wrong
	 * @throws UserException when its codec's library (aircompressor) is not on the class path, saying which jar
	 */
	static byte[] decode(byte[] stored, int expected) throws Compressor.Damaged {
		if (stored.length < HEADER) {
			throw new Compressor.Damaged("blosc data ends early: " + stored.length + " bytes, less than its "
				+ HEADER + "-byte header");
		}
		int version = stored[0] & 0xff;
		int flags = stored[2] & 0xff;
		int typeSize = stored[3] & 0xff;
		long size = u32(stored, 4);
		long blockSize = u32(stored, 8);
		long storedSize = u32(stored, 12);
		if (version != FORMAT_VERSION) {
			throw new Compressor.Damaged("is not blosc data of c-blosc 1 (its header gives format version " + version
				+ ", c-blosc 1 writes " + FORMAT_VERSION + ")");
		}
		if ((flags & RESERVED) != 0) throw invalid("its header sets a reserved flag (0x08)");
		if (typeSize == 0) throw invalid("its header gives values of 0 bytes");
		if (size != expected) {
			throw new Compressor.Damaged("blosc data holds " + size + " bytes, the chunk " + expected);
		}
		if (storedSize > stored.length) {
			throw new Compressor.Damaged("blosc data ends early: " + stored.length + " bytes of the " + storedSize
				+ " its header gives");
		}
		if (storedSize < HEADER) throw invalid("its header gives " + storedSize + " bytes in all, less than itself");
		byte[] out = new byte[expected];
		if (expected == 0) return out;
		if (blockSize == 0 || blockSize > expected) {
			throw invalid("its header gives blocks of " + blockSize + " bytes for " + expected + " bytes");
		}
		int n = (int) storedSize;
		if ((flags & MEMCPYED) != 0) {
			// stored whole, without blocks
			if (storedSize != HEADER + (long) expected) {
				throw invalid("it is stored uncompressed in " + storedSize + " bytes, not " + (HEADER + (long) expected));
			}
			System.arraycopy(stored, HEADER, out, 0, expected);
			return out;
		}
		int codec = flags >>> 5;
		if (codec >= CODECS.length) throw invalid("its header names codec number " + codec + ", which c-blosc 1 lacks");
		int block = (int) blockSize;
		int blocks = (expected + block - 1) / block;
		if (HEADER + 4L * blocks > n) {
			throw new Compressor.Damaged("blosc data ends early: " + n + " bytes cannot hold the offsets of its "
				+ blocks + " blocks");
		}
		Streams streams = new Streams(CODECS[codec]);
		boolean split = (flags & DONT_SPLIT) == 0;
		byte[] shuffled = new byte[block];
		for (int b = 0; b < blocks; b++) {
			int start = b * block;
			int length = Math.min(block, expected - start);
			boolean last = length < block;
			boolean shuffle = (flags & BYTE_SHUFFLE) != 0 && typeSize > 1;
			boolean bitShuffle = !shuffle && (flags & BIT_SHUFFLE) != 0 && length >= typeSize;
			byte[] target = shuffle || bitShuffle ? shuffled : out;
			int at = shuffle || bitShuffle ? 0 : start;
			// one stream per byte of a value where c-blosc 1 splits (never the short last block)
			int parts = split && !last && typeSize <= MAX_SPLITS && length / typeSize >= MIN_SPLIT_VALUES ? typeSize : 1;
			if (length % parts != 0) {
				throw invalid("block " + b + " of " + length + " bytes cannot be split into " + parts + " streams");
			}
			int partLength = length / parts;
			long offset = u32(stored, HEADER + 4 * b);
			for (int p = 0; p < parts; p++) {
				if (offset > n - 4L) throw invalid("block " + b + " starts at byte " + offset + ", past its end");
				long streamLength = u32(stored, (int) offset);
				offset += 4;
				if (streamLength > n - offset) {
					throw new Compressor.Damaged("blosc data ends early: block " + b + " needs " + streamLength
						+ " bytes from byte " + offset + " of " + n);
				}
				if (streamLength == partLength) {
					System.arraycopy(stored, (int) offset, target, at, partLength);
				}
				else {
					streams.decode(stored, (int) offset, (int) streamLength, target, at, partLength, b);
				}
				offset += streamLength;
				at += partLength;
			}
			if (shuffle) unshuffleBytes(shuffled, out, start, length, typeSize);
			else if (bitShuffle) unshuffleBits(shuffled, out, start, length, typeSize);
		}
		return out;
	}

	/** One codec's streams. */
	private static final class Streams {
		private final String codec;
		private final LibraryCodec library;

		Streams(String codec) {
			this.codec = codec;
			this.library = codec.equals("lz4") ? LibraryCodec.LZ4 : codec.equals("snappy") ? LibraryCodec.SNAPPY
				: codec.equals("zstd") ? LibraryCodec.ZSTD : null;
		}

		/** Decodes one stream, which must fill {@code length} bytes exactly. */
		void decode(byte[] in, int from, int inLength, byte[] out, int at, int length, int block)
			throws Compressor.Damaged
		{
			int made;
			String what = "blosc data is not valid: block " + block + "'s stream";
			if (library != null) {
				made = library.decode(in, from, inLength, out, at, length, what);
			}
			else if (codec.equals("zlib")) {
				Zlib.Inflated z = Zlib.inflate(Arrays.copyOfRange(in, from, from + inLength), length);
				if (z.outcome() != Zlib.Outcome.COMPLETE) {
					throw new Compressor.Damaged(what + " does not decode as zlib (" + (z.reason() != null ? z.reason()
						: z.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')) + ")");
				}
				System.arraycopy(z.bytes(), 0, out, at, z.length());
				made = z.length();
			}
			else {
				made = bloscLz(in, from, inLength, out, at, length);
			}
			if (made != length) {
				throw new Compressor.Damaged(what + " holds " + made + " bytes of " + codec + ", not " + length);
			}
		}
	}

	/** The block size of {@link #encode}: c-blosc 1's choice for LZ4 at level 5 on large buffers. */
	static final int ENCODE_BLOCK = 256 << 10;

	/**
	 * Encodes {@code raw}, values of {@code typeSize} bytes, as c-blosc 1 does with LZ4 at level 5 and byte shuffle
	 * (numcodecs' {@code Blosc()} default): blocks of 256 KiB, each shuffled and compressed as one LZ4 block (stored
	 * shuffled but uncompressed where LZ4 gains nothing); a buffer that would not shrink is stored whole.
	 */
	static byte[] encode(byte[] raw, int typeSize) {
		if (typeSize < 1 || typeSize > 255) throw new IllegalArgumentException("value size " + typeSize);
		int n = raw.length;
		int block = Math.max(typeSize, Math.min(ENCODE_BLOCK / typeSize * typeSize, n));
		int blocks = n == 0 ? 0 : (n + block - 1) / block;
		io.airlift.compress.lz4.Lz4Compressor lz4 = LibraryCodec.lz4Compressor();
		int flags = BYTE_SHUFFLE | DONT_SPLIT | 1 << 5; // LZ4, one stream per block, as c-blosc 1 stores LZ4
		// a buffer never takes more than its header and data: past that, it is stored whole
		byte[] out = new byte[HEADER + Math.max(n, 4 * blocks)];
		int at = HEADER + 4 * blocks;
		byte[] shuffled = new byte[block];
		byte[] packed = new byte[lz4.maxCompressedLength(block)];
		boolean whole = n < 128; // c-blosc stores buffers under 128 bytes as they are
		for (int b = 0; b < blocks && !whole; b++) {
			int start = b * block, length = Math.min(block, n - start);
			shuffleBytes(raw, start, length, typeSize, shuffled);
			int made = lz4.compress(shuffled, 0, length, packed, 0, packed.length);
			boolean stored = made <= 0 || made >= length;
			int size = stored ? length : made;
			if (at + 4 + size > HEADER + (long) n) {
				whole = true; // larger than the data: stored whole, as c-blosc does
				break;
			}
			putU32(out, HEADER + 4 * b, at);
			putU32(out, at, size);
			System.arraycopy(stored ? shuffled : packed, 0, out, at + 4, size);
			at += 4 + size;
		}
		if (whole) {
			out = new byte[HEADER + n];
			System.arraycopy(raw, 0, out, HEADER, n);
			at = HEADER + n;
			flags = MEMCPYED | DONT_SPLIT | 1 << 5;
		}
		out[0] = FORMAT_VERSION;
		out[1] = 1; // LZ4's format version in c-blosc 1
		out[2] = (byte) flags;
		out[3] = (byte) typeSize;
		putU32(out, 4, n);
		putU32(out, 8, whole ? n : block);
		putU32(out, 12, at);
		return at == out.length ? out : Arrays.copyOf(out, at);
	}

	/** The byte shuffle of {@link #unshuffleBytes}, forwards. */
	private static void shuffleBytes(byte[] src, int at, int length, int typeSize, byte[] dst) {
		int values = length / typeSize;
		for (int j = 0; j < typeSize; j++) {
			int to = j * values;
			for (int i = 0, from = at + j; i < values; i++, from += typeSize) dst[to + i] = src[from];
		}
		int whole = values * typeSize;
		System.arraycopy(src, at + whole, dst, whole, length - whole);
	}

	private static void putU32(byte[] b, int at, long v) {
		b[at] = (byte) v;
		b[at + 1] = (byte) (v >>> 8);
		b[at + 2] = (byte) (v >>> 16);
		b[at + 3] = (byte) (v >>> 24);
	}

	/**
	 * Decodes one BloscLZ stream into {@code out[at, at + limit)}, as c-blosc 1.21's {@code blosclz_decompress}: runs
	 * of literals and back-references of 3 bytes or more, up to 8,191 bytes back or, with a second offset, up to
	 * 73,725. Returns the bytes made, or throws for a reference or run outside the output or the input.
	 */
	static int bloscLz(byte[] in, int from, int length, byte[] out, int at, int limit) throws Compressor.Damaged {
		if (length == 0) return 0;
		int ip = from;
		int end = from + length;
		int op = at;
		int opEnd = at + limit;
		int ctrl = in[ip++] & 31;
		while (true) {
			if (ctrl >= 32) {
				int len = (ctrl >>> 5) - 1;
				int distance = (ctrl & 31) << 8;
				int code;
				if (len == 6) {
					do {
						if (ip + 1 >= end) throw bloscLzCut();
						code = in[ip++] & 0xff;
						len += code;
					} while (code == 255);
				}
				else if (ip + 1 >= end) {
					throw bloscLzCut();
				}
				code = in[ip++] & 0xff;
				len += 3;
				distance += code;
				if (code == 255 && (ctrl & 31) == 31) {
					// a far reference: two more bytes of distance
					if (ip + 1 >= end) throw bloscLzCut();
					distance = ((in[ip] & 0xff) << 8 | (in[ip + 1] & 0xff)) + 8191;
					ip += 2;
				}
				distance += 1;
				if (len > opEnd - op) throw bloscLzInvalid("a reference runs past the block's end");
				if (distance > op - at) throw bloscLzInvalid("a reference points before the block's start");
				// the format never ends on a reference: c-blosc stops before copying it
				if (ip >= end) break;
				ctrl = in[ip++] & 0xff;
				int ref = op - distance;
				if (distance >= len) {
					System.arraycopy(out, ref, out, op, len);
					op += len;
				}
				else {
					for (int i = 0; i < len; i++) out[op++] = out[ref++];
				}
			}
			else {
				int run = ctrl + 1;
				if (run > opEnd - op) throw bloscLzInvalid("literals run past the block's end");
				if (run > end - ip) throw bloscLzCut();
				System.arraycopy(in, ip, out, op, run);
				op += run;
				ip += run;
				if (ip >= end) break;
				ctrl = in[ip++] & 0xff;
			}
		}
		return op - at;
	}

	private static Compressor.Damaged bloscLzCut() {
		return new Compressor.Damaged("blosc data is not valid: a blosclz stream ends inside a reference");
	}

	private static Compressor.Damaged bloscLzInvalid(String why) {
		return new Compressor.Damaged("blosc data is not valid: in a blosclz stream, " + why);
	}

	/**
	 * Byte shuffle undone: the block holds byte 0 of every value, then byte 1 of every value, and so on; bytes past
	 * the last whole value are stored as they are.
	 */
	private static void unshuffleBytes(byte[] src, byte[] dst, int at, int length, int typeSize) {
		int values = length / typeSize;
		for (int j = 0; j < typeSize; j++) {
			int from = j * values;
			for (int i = 0, to = at + j; i < values; i++, to += typeSize) dst[to] = src[from + i];
		}
		int whole = values * typeSize;
		System.arraycopy(src, whole, dst, at + whole, length - whole);
	}

	/**
	 * Bit shuffle undone (bitshuffle's transpose, as c-blosc 1 applies it): the block holds one row of bits per bit of
	 * a value, bit k of byte j in row {@code 8j + k}, value i's bit at bit {@code i % 8} of the row's byte {@code i / 8}.
	 * Only a whole number of 8 values is shuffled; the bytes after them, or a block of fewer, are stored as they are.
	 */
	private static void unshuffleBits(byte[] src, byte[] dst, int at, int length, int typeSize) {
		int values = length / typeSize;
		if (values % 8 != 0) {
			System.arraycopy(src, 0, dst, at, length);
			return;
		}
		int rowBytes = values / 8;
		for (int j = 0; j < typeSize; j++) {
			int rows = 8 * j * rowBytes;
			for (int g = 0; g < rowBytes; g++) {
				// the 8 bits of byte j of values 8g .. 8g+7, one row each: an 8×8 bit matrix, transposed
				long x = 0;
				for (int k = 0; k < 8; k++) x |= (src[rows + k * rowBytes + g] & 0xffL) << (8 * k);
				x = transpose8x8(x);
				int to = at + 8 * g * typeSize + j;
				for (int i = 0; i < 8; i++, to += typeSize) dst[to] = (byte) (x >>> (8 * i));
			}
		}
		int whole = values * typeSize;
		System.arraycopy(src, whole, dst, at + whole, length - whole);
	}

	/** The 8×8 bit matrix {@code x} (byte k is row k, bit i column i) transposed: bit i of byte k goes to bit k of byte i. */
	static long transpose8x8(long x) {
		long t = (x ^ (x >>> 7)) & 0x00AA00AA00AA00AAL;
		x = x ^ t ^ (t << 7);
		t = (x ^ (x >>> 14)) & 0x0000CCCC0000CCCCL;
		x = x ^ t ^ (t << 14);
		t = (x ^ (x >>> 28)) & 0x00000000F0F0F0F0L;
		return x ^ t ^ (t << 28);
	}

	private static Compressor.Damaged invalid(String why) {
		return new Compressor.Damaged("blosc data is not valid: " + why);
	}

	/** The unsigned little-endian 32-bit integer at {@code at}. */
	static long u32(byte[] b, int at) {
		return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
	}
}
