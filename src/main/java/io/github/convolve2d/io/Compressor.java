package io.github.convolve2d.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.convolve2d.core.UserException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

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
	 * The compressor of a {@code .zarray}'s {@code "compressor"} value.
	 *
	 * @throws UserException for one this package does not read
	 */
	static Compressor fromJson(JsonElement json, String where) {
		if (json == null || json.isJsonNull()) return RAW;
		JsonObject o = json.getAsJsonObject();
		String name = o.has("id") ? o.get("id").getAsString() : "?";
		int level = o.has("level") && !o.get("level").isJsonNull() ? o.get("level").getAsInt() : 1;
		switch (name) {
			case "zlib":
				return new Compressor(Id.ZLIB, Math.max(0, Math.min(9, level)));
			case "gzip":
				return new Compressor(Id.GZIP, Math.max(0, Math.min(9, level)));
			default:
				throw new UserException(where + " is compressed with '" + name + "', which Convolve 2D does not read "
					+ "(it reads raw, zlib and gzip chunks); convert it, e.g. in Python: zarr.copy_store or "
					+ "zarr.array(src[:], chunks=src.chunks, compressor=numcodecs.Zlib(1), store=...)");
		}
	}

	JsonElement toJson() {
		if (id == Id.RAW) return JsonNull.INSTANCE;
		JsonObject o = new JsonObject();
		o.addProperty("id", id == Id.ZLIB ? "zlib" : "gzip");
		o.addProperty("level", level);
		return o;
	}

	/** The chunk's bytes from its stored form; {@code expected} is the decoded size. */
	byte[] decode(byte[] stored, int expected) throws IOException {
		if (id == Id.RAW) return stored;
		byte[] out = new byte[expected];
		try (InputStream in = id == Id.ZLIB ? new InflaterInputStream(new ByteArrayInputStream(stored))
			: new GZIPInputStream(new ByteArrayInputStream(stored)))
		{
			int n = in.readNBytes(out, 0, expected);
			if (n != expected) throw new IOException("a chunk decodes to " + n + " bytes, expected " + expected);
		}
		return out;
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
