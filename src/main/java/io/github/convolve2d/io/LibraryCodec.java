package io.github.convolve2d.io;

import io.airlift.compress.Decompressor;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.github.convolve2d.core.UserException;

/**
 * The codecs this package decodes with aircompressor (pure Java, no native library): LZ4 blocks, Snappy and
 * Zstandard frames, inside Blosc buffers ({@link Blosc}) and as Zarr compressors of their own ({@link Compressor}).
 */
enum LibraryCodec {
	LZ4("lz4"), SNAPPY("snappy"), ZSTD("zstd");

	private final String name;

	LibraryCodec(String name) {
		this.name = name;
	}

	/**
	 * Decodes {@code in[from, from + length)} into {@code out} from {@code at}, at most {@code limit} bytes; returns
	 * how many it made.
	 *
	 * @throws Compressor.Damaged when the data do not decode or make more than {@code limit} bytes, with the
	 *         library's words prefixed by {@code what}
	 * @throws UserException when aircompressor is not on the class path, saying which jar to add
	 */
	int decode(byte[] in, int from, int length, byte[] out, int at, int limit, String what) throws Compressor.Damaged {
		Decompressor d = decompressor();
		try {
			return d.decompress(in, from, length, out, at, limit);
		}
		catch (MalformedInputException | IndexOutOfBoundsException | IllegalArgumentException e) {
			String why = e.getMessage();
			throw new Compressor.Damaged(what + " does not decode as " + name
				+ (why == null || why.isEmpty() ? "" : " (" + why + ")"));
		}
	}

	/** aircompressor's LZ4 block compressor, for {@link Blosc#encode}. */
	static io.airlift.compress.lz4.Lz4Compressor lz4Compressor() {
		try {
			return new io.airlift.compress.lz4.Lz4Compressor();
		}
		catch (LinkageError e) {
			throw missing("writing blosc chunks");
		}
	}

	private static UserException missing(String what) {
		return new UserException(what + " needs the aircompressor library (aircompressor-2.0.3.jar, which Fiji ships "
			+ "and the command-line jar holds), and it is not on the class path: copy it into the jars/ folder of ImageJ");
	}

	private Decompressor decompressor() {
		try {
			switch (this) {
				case LZ4: return new Lz4Decompressor();
				case SNAPPY: return new SnappyDecompressor();
				default: return new ZstdDecompressor();
			}
		}
		catch (LinkageError e) {
			throw missing("reading " + name + " chunks");
		}
	}

	@Override
	public String toString() {
		return name;
	}
}
