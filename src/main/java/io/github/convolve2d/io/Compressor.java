package io.github.convolve2d.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.convolve2d.core.UserException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * A Zarr chunk compressor (numcodecs ids in Zarr v2, codec names in v3): none ({@code "compressor": null}, or the
 * {@code bytes} codec alone), {@code zlib} (v2 only) and {@code gzip} with {@code java.util.zip}, read and written;
 * {@code blosc} (numcodecs' default, with any of its codecs and shuffles; {@link Blosc}) read, and written with LZ4;
 * {@code zstd} and {@code lz4} (numcodecs' {@code Zstd} and {@code LZ4}; {@link LibraryCodec}) read only.
 */
public final class Compressor {

	/** The chunk codecs. */
	public enum Id { RAW, ZLIB, GZIP, BLOSC, ZSTD, LZ4 }

	public static final Compressor RAW = new Compressor(Id.RAW, 0);

	private final Id id;
	private final int level;
	/** Blosc's codec name as the metadata gives it ({@code lz4}, {@code zstd}, ...); null for the others. */
	private final String codec;

	private Compressor(Id id, int level) {
		this(id, level, null);
	}

	private Compressor(Id id, int level, String codec) {
		this.id = id;
		this.level = level;
		this.codec = codec;
	}

	/** zlib with this level (1 fastest .. 9 smallest). */
	public static Compressor zlib(int level) {
		return new Compressor(Id.ZLIB, checkLevel(level));
	}

	/**
	 * Blosc as zarr-python 2 writes it by default (numcodecs' {@code Blosc()}): LZ4 at level 5, byte shuffle; about
	 * as fast as raw chunks, and smaller.
	 */
	public static Compressor blosc() {
		return new Compressor(Id.BLOSC, 5, "lz4");
	}

	/** gzip with this level. */
	public static Compressor gzip(int level) {
		return new Compressor(Id.GZIP, checkLevel(level));
	}

	private static int checkLevel(int level) {
		if (level < 0 || level > 9) throw new UserException("compression level must be 0 to 9, got " + level);
		return level;
	}

	public Id id() { return id; }

	/**
	 * The compressor of a {@code .zarray}'s {@code "compressor"} field.
	 *
	 * @param rewrite how to rewrite the array with zlib chunks, for a compressor this package does not read
	 * @throws UserException for a malformed field or a compressor this package does not read, naming the file
	 */
	static Compressor fromJson(JsonFields zarray, String rewrite) {
		JsonFields o = zarray.optionalObject("compressor");
		if (o == null) return RAW;
		String name = o.requiredString("id");
		switch (name) {
			case "zlib":
			case "gzip":
				int level = o.optionalInt("level", 1, -1, 9); // -1: zlib's default, 6
				return new Compressor(name.equals("zlib") ? Id.ZLIB : Id.GZIP, level < 0 ? 6 : level);
			case "blosc":
				// each chunk's header says how it was made: the settings are checked, not needed
				String codec = bloscCodec(o, "lz4");
				o.optionalInt("shuffle", 1, -1, 2);
				o.optionalInt("blocksize", 0, 0, Integer.MAX_VALUE);
				return new Compressor(Id.BLOSC, o.optionalInt("clevel", 5, 0, 9), codec);
			case "zstd":
				return new Compressor(Id.ZSTD, o.optionalInt("level", 1, -131072, 22));
			case "lz4":
				o.optionalInt("acceleration", 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
				return new Compressor(Id.LZ4, 0);
			default:
				throw zarray.error("compressor", "is '" + name + "', which Convolve 2D does not read (it reads raw, zlib, "
					+ "gzip, blosc, zstd and lz4 chunks); " + rewrite);
		}
	}

	/**
	 * The compressor of a Zarr v3 codec ({@code gzip}, {@code zstd} or {@code blosc}) from its {@code configuration}.
	 *
	 * @throws UserException for a malformed field, naming the file and field
	 */
	static Compressor fromV3(String name, JsonFields config) {
		switch (name) {
			case "gzip":
				return new Compressor(Id.GZIP, config.optionalInt("level", 6, 0, 9));
			case "zstd":
				config.optionalBoolean("checksum", false);
				return new Compressor(Id.ZSTD, config.optionalInt("level", 0, -131072, 22));
			default: {
				String codec = bloscCodec(config, "zstd");
				String shuffle = config.optionalString("shuffle", "noshuffle");
				if (!java.util.List.of("noshuffle", "shuffle", "bitshuffle").contains(shuffle)) {
					throw config.error("shuffle", "must be 'noshuffle', 'shuffle' or 'bitshuffle', found '" + shuffle + "'");
				}
				config.optionalInt("typesize", 1, 1, 255);
				config.optionalInt("blocksize", 0, 0, Integer.MAX_VALUE);
				return new Compressor(Id.BLOSC, config.optionalInt("clevel", 5, 0, 9), codec);
			}
		}
	}

	/** Blosc's {@code cname} in Zarr v2 or v3 metadata ({@code fallback} when absent), checked. */
	private static String bloscCodec(JsonFields o, String fallback) {
		String codec = o.optionalString("cname", fallback);
		if (!BLOSC_CODECS.contains(codec)) {
			throw o.error("cname", "is '" + codec + "'; blosc's codecs are " + String.join(", ", BLOSC_CODECS));
		}
		return codec;
	}

	/** The codecs of blosc 1 (c-blosc 1.x), as numcodecs names them. */
	private static final java.util.List<String> BLOSC_CODECS =
		java.util.List.of("blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd");

	/** Whether chunks are written in this form too (raw, zlib, gzip, blosc's LZ4), not only read. */
	boolean writable() {
		return id == Id.RAW || id == Id.ZLIB || id == Id.GZIP || id == Id.BLOSC && "lz4".equals(codec);
	}

	JsonElement toJson() {
		if (!writable()) throw new IllegalStateException(this + " chunks are read, not written");
		if (id == Id.RAW) return JsonNull.INSTANCE;
		JsonObject o = new JsonObject();
		if (id == Id.BLOSC) {
			// numcodecs' fields, as zarr-python 2 writes them
			o.addProperty("id", "blosc");
			o.addProperty("cname", codec);
			o.addProperty("clevel", level);
			o.addProperty("shuffle", 1);
			o.addProperty("blocksize", 0);
			return o;
		}
		o.addProperty("id", id == Id.ZLIB ? "zlib" : "gzip");
		o.addProperty("level", level);
		return o;
	}

	/**
	 * Whether chunks are written in this form in Zarr v3 ({@link #toV3Json}): raw, gzip and blosc's LZ4; zlib is no
	 * Zarr v3 codec (gzip holds the same deflate stream, with a header and a checksum).
	 */
	public boolean writableInV3() {
		return writable() && id != Id.ZLIB;
	}

	/**
	 * The Zarr v3 codec that stores chunks of values of {@code typeSize} bytes this way, as the v3 codec
	 * specifications name it ({@code gzip}, {@code blosc}); null for raw chunks (the {@code bytes} codec alone).
	 */
	JsonObject toV3Json(int typeSize) {
		if (!writableInV3()) throw new IllegalStateException(this + " chunks are not written in Zarr v3");
		if (id == Id.RAW) return null;
		JsonObject config = new JsonObject();
		if (id == Id.BLOSC) {
			config.addProperty("cname", codec);
			config.addProperty("clevel", level);
			config.addProperty("shuffle", "shuffle"); // Blosc.encode's byte shuffle
			config.addProperty("typesize", typeSize);
			config.addProperty("blocksize", 0);
		}
		else {
			config.addProperty("level", level);
		}
		JsonObject o = new JsonObject();
		o.addProperty("name", id == Id.BLOSC ? "blosc" : "gzip");
		o.add("configuration", config);
		return o;
	}

	/**
	 * The chunk's bytes from its stored form; {@code expected} is the decoded size.
	 *
	 * @throws Damaged when the stored form is not valid or does not decode to exactly {@code expected} bytes
	 */
	byte[] decode(byte[] stored, int expected) throws IOException {
		if (id == Id.RAW) {
			if (stored.length != expected) {
				throw new Damaged("it holds " + stored.length + " bytes, expected " + expected + " (uncompressed)");
			}
			return stored;
		}
		if (id == Id.BLOSC) return Blosc.decode(stored, expected);
		if (id == Id.ZSTD || id == Id.LZ4) return decodeWithLibrary(stored, expected);
		String codec = id.name().toLowerCase(java.util.Locale.ROOT);
		Zlib.Inflated z = id == Id.ZLIB ? Zlib.inflate(stored, expected) : gunzip(stored, expected);
		switch (z.outcome()) {
			case INVALID:
				// InflaterInputStream's words when zlib gives none
				throw new Damaged(codec + " data is not valid: "
					+ (z.reason() != null ? z.reason() : "Invalid ZLIB data format"));
			case OVER_LIMIT:
				throw new Damaged(codec + " data holds more than the chunk's " + expected + " bytes");
			case CUT:
				throw new Damaged(codec + " data ends early");
			default:
				// a whole stream (a dictionary stream inflates to nothing): it must hold the chunk, all of it
				if (z.length() != expected) {
					throw new Damaged(codec + " data ends early: " + z.length() + " bytes of " + expected);
				}
				return z.bytes();
		}
	}

	/**
	 * numcodecs' Zstd (one or more Zstandard frames) and LZ4 (the decoded size, 4 bytes little-endian, then one LZ4
	 * block): exactly {@code expected} bytes.
	 */
	private byte[] decodeWithLibrary(byte[] stored, int expected) throws Damaged {
		byte[] out = new byte[expected];
		int from = 0;
		if (id == Id.LZ4) {
			if (stored.length < 4) throw new Damaged("lz4 data ends early: " + stored.length + " bytes");
			long size = Blosc.u32(stored, 0);
			if (size != expected) throw new Damaged("lz4 data holds " + size + " bytes, the chunk " + expected);
			from = 4;
		}
		LibraryCodec codec = id == Id.LZ4 ? LibraryCodec.LZ4 : LibraryCodec.ZSTD;
		int made = codec.decode(stored, from, stored.length - from, out, 0, expected, codec + " data");
		if (made != expected) throw new Damaged(codec + " data ends early: " + made + " bytes of " + expected);
		return out;
	}

	/**
	 * gzip through the JDK's stream, which reads its header, members and CRC-32, told as {@link Zlib#inflate}
	 * tells zlib: at most {@code expected} bytes, then one byte more is tried.
	 */
	private static Zlib.Inflated gunzip(byte[] stored, int expected) throws IOException {
		byte[] out = new byte[expected];
		int n = 0;
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
			n = in.readNBytes(out, 0, expected);
			// reading on checks the stream's end and checksum, and finds data past the chunk's size
			if (n == expected && in.read() >= 0) return new Zlib.Inflated(out, n, Zlib.Outcome.OVER_LIMIT, null, false);
		}
		catch (EOFException e) {
			return new Zlib.Inflated(out, n, Zlib.Outcome.CUT, null, false);
		}
		catch (ZipException e) {
			return new Zlib.Inflated(out, n, Zlib.Outcome.INVALID, e.getMessage(), false);
		}
		int garbage = n == expected ? bytesAfter(stored, out) : 0;
		if (garbage > 0) {
			return new Zlib.Inflated(out, n, Zlib.Outcome.INVALID, garbage + " bytes that are no gzip data follow it", false);
		}
		return new Zlib.Inflated(out, n, Zlib.Outcome.COMPLETE, null, false);
	}

	/**
	 * The bytes after the gzip members of {@code stored} that are neither zero padding nor whole members: the JDK's
	 * stream skips them without a word, numcodecs refuses them ("Not a gzipped file"), and a shard index that points
	 * past one chunk into the next gives them. 0 when the one member ends the bytes ({@code out} decoded from it).
	 */
	private static int bytesAfter(byte[] stored, byte[] out) {
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(out);
		int t = stored.length - 8; // a single member ends with its CRC-32 and size: the common case, checked cheaply
		if (t >= 10 && Blosc.u32(stored, t) == crc.getValue() && Blosc.u32(stored, t + 4) == (out.length & 0xffffffffL)) {
			return 0;
		}
		int at = 0;
		while (at < stored.length) {
			int end = memberEnd(stored, at);
			if (end < 0) {
				for (int i = at; i < stored.length; i++) if (stored[i] != 0) return stored.length - at;
				return 0; // zero padding
			}
			at = end;
		}
		return 0;
	}

	/** The end of the whole gzip member at {@code at} (header, deflate data, CRC-32 and size), or -1 when there is none. */
	private static int memberEnd(byte[] b, int at) {
		if (at + 18 > b.length || (b[at] & 0xff) != 0x1f || (b[at + 1] & 0xff) != 0x8b || b[at + 2] != 8) return -1;
		int p = at + 10, flags = b[at + 3] & 0xff;
		if ((flags & 4) != 0) p += 2 + ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
		if ((flags & 8) != 0) while (p < b.length && b[p++] != 0) { }
		if ((flags & 16) != 0) while (p < b.length && b[p++] != 0) { }
		if ((flags & 2) != 0) p += 2;
		if (p >= b.length) return -1;
		java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
		try {
			inflater.setInput(b, p, b.length - p);
			byte[] sink = new byte[8192];
			while (!inflater.finished()) {
				if (inflater.inflate(sink) == 0 && (inflater.needsInput() || inflater.needsDictionary())) return -1;
			}
			int end = b.length - inflater.getRemaining() + 8;
			return end <= b.length ? end : -1;
		}
		catch (java.util.zip.DataFormatException e) {
			return -1;
		}
		finally {
			inflater.end();
		}
	}

	/** A chunk whose stored bytes are not what its array's metadata says; the message says what is wrong. */
	static final class Damaged extends IOException {
		private static final long serialVersionUID = 1L;

		Damaged(String why) {
			super(why);
		}
	}

	/** The stored form of a chunk's bytes, values of {@code typeSize} bytes. */
	byte[] encode(byte[] raw, int typeSize) throws IOException {
		if (!writable()) throw new IllegalStateException(this + " chunks are read, not written");
		if (id == Id.RAW) return raw;
		if (id == Id.BLOSC) return Blosc.encode(raw, typeSize);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 2 + 64);
		if (id == Id.ZLIB) {
			Deflater d = new Deflater(level);
			try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, d)) {
				out.write(raw);
			}
			finally {
				d.end();
			}
		}
		else {
			try (GZIPOutputStream out = new GZIPOutputStream(bytes) {
				{
					def.setLevel(level);
				}
			}) {
				out.write(raw);
			}
		}
		return bytes.toByteArray();
	}

	@Override
	public String toString() {
		if (id == Id.BLOSC) return "blosc " + codec + " level " + level;
		if (id == Id.LZ4) return "lz4";
		return id == Id.RAW ? "raw" : id.name().toLowerCase(java.util.Locale.ROOT) + " level " + level;
	}
}
