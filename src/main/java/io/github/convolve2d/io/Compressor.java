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
 * A Zarr v2 chunk compressor (numcodecs ids): none ({@code "compressor": null}), {@code zlib} and {@code gzip},
 * all with {@code java.util.zip}. Blosc (numcodecs' default) is not read: no well-kept pure-Java Blosc codec is on
 * Maven Central (jblosc needs the native C library), so such a store is refused with how to convert it.
 */
public final class Compressor {

	/** The chunk codecs. */
	public enum Id { RAW, ZLIB, GZIP }

	public static final Compressor RAW = new Compressor(Id.RAW, 0);

	private final Id id;
	private final int level;

	private Compressor(Id id, int level) {
		this.id = id;
		this.level = level;
	}

	/** zlib with this level (1 fastest .. 9 smallest). */
	public static Compressor zlib(int level) {
		return new Compressor(Id.ZLIB, checkLevel(level));
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
			default:
				throw zarray.error("compressor", "is '" + name + "'" + ("blosc".equals(name) ? " (numcodecs' default)" : "")
					+ ", which Convolve 2D does not read (it reads raw, zlib and gzip chunks; no pure-Java " + name
					+ " codec is at hand); " + rewrite);
		}
	}

	JsonElement toJson() {
		if (id == Id.RAW) return JsonNull.INSTANCE;
		JsonObject o = new JsonObject();
		o.addProperty("id", id == Id.ZLIB ? "zlib" : "gzip");
		o.addProperty("level", level);
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
		return new Zlib.Inflated(out, n, Zlib.Outcome.COMPLETE, null, false);
	}

	/** A chunk whose stored bytes are not what its array's metadata says; the message says what is wrong. */
	static final class Damaged extends IOException {
		private static final long serialVersionUID = 1L;

		Damaged(String why) {
			super(why);
		}
	}

	/** The stored form of a chunk's bytes. */
	byte[] encode(byte[] raw) throws IOException {
		if (id == Id.RAW) return raw;
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
		return id == Id.RAW ? "raw" : id.name().toLowerCase(java.util.Locale.ROOT) + " level " + level;
	}
}
