package io.github.convolve2d.io;

import com.google.gson.JsonArray;
import io.github.convolve2d.core.UserException;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The metadata of a Zarr v3 array ({@code zarr.json} with {@code "node_type": "array"}, the format of OME-Zarr's NGFF
 * 0.5), as the Zarr v3 core specification and its codec extensions define it, read into what {@link ZarrArray}
 * needs: shape, chunk (or shard and inner chunk) shape, data type and byte order, chunk keys ({@code c/0/1/2}, or
 * the v2 encoding), fill value and the codec chain.
 * <p>
 * Codecs read: {@code bytes} (either byte order), {@code gzip}, {@code zstd}, {@code blosc}, {@code crc32c}, and
 * {@code sharding_indexed} (inner chunks in shard files, their index at the end or the start, with its own
 * {@code crc32c}) with the same inner codecs; {@code transpose} only when it keeps the order. Refused with what to do:
 * another codec, two compressors in a row, storage transformers, an irregular chunk grid, or an extension that says
 * it must be understood.
 */
final class ZarrV3 {

	private ZarrV3() {
	}

	/** Why what is refused is refused: the conversion that makes it readable. */
	static final String REWRITE = "rewrite the array with a regular chunk grid, the bytes codec and one of gzip, zstd or "
		+ "blosc (zarr-python 3's defaults do), or as Zarr v2 with zlib chunks, e.g. with zarr-python 3: python3 -c "
		+ "\"import zarr, numcodecs; src = zarr.open_array('in.zarr/0', mode='r'); zarr.array(src[:], "
		+ "chunks=src.chunks, compressor=numcodecs.Zlib(level=1), zarr_format=2, store='out.zarr')\"";

	/** What one array's {@code zarr.json} says. */
	static final class Metadata {
		int[] shape;
		/** The chunks the reader decodes: the inner chunks of a sharded array. */
		int[] chunks;
		/** Inner chunks along each axis of one shard; null when the array is not sharded. */
		int[] chunksPerShard;
		boolean indexAtStart;
		boolean indexChecksum;
		DataType type;
		Chain chain;
		/** {@code "c/"} (the default key encoding) or {@code ""} (the v2 one). */
		String keyPrefix;
		String separator;
		float fill;
		List<String> dimensionNames;
	}

	/** A chunk's bytes-to-bytes codecs: at most one compressor, then a checksum or none. */
	static final class Chain {
		final Compressor compressor;
		final boolean checksum;
		final ByteOrder order;

		Chain(Compressor compressor, boolean checksum, ByteOrder order) {
			this.compressor = compressor;
			this.checksum = checksum;
			this.order = order;
		}
	}

	/** Reads an array's {@code zarr.json}, checking every field it reads. */
	static Metadata read(JsonFields o) {
		String node = o.requiredString("node_type");
		if (!node.equals("array")) {
			throw o.error("node_type", "is '" + node + "': a Zarr group, not an array; give the image's folder, or the "
				+ "array's");
		}
		Metadata m = new Metadata();
		long[] shape = o.requiredWholeNumbers("shape", 0, Integer.MAX_VALUE);
		if (shape.length < 2) {
			throw o.error("shape", "has " + shape.length + " axes, found " + Arrays.toString(shape) + "; an image needs "
				+ "at least 2 (rows and columns)");
		}
		ZarrArray.checkNotEmpty(o, shape);
		m.shape = ints(shape);
		JsonFields grid = o.requiredObject("chunk_grid");
		String gridName = grid.requiredString("name");
		if (!gridName.equals("regular")) {
			throw grid.error("name", "is '" + gridName + "', and only the 'regular' chunk grid is read; " + REWRITE);
		}
		long[] chunks = grid.requiredObject("configuration").requiredWholeNumbers("chunk_shape", 1, Integer.MAX_VALUE);
		if (chunks.length != shape.length) {
			throw grid.error("configuration.chunk_shape", "must give one chunk size for each of the " + shape.length
				+ " axes of shape " + Arrays.toString(shape) + ", found " + Arrays.toString(chunks));
		}
		String dtype = o.requiredString("data_type");
		DataType.Kind kind = kind(dtype);
		if (kind == null) {
			throw o.error("data_type", "is '" + dtype + "'; read are uint8, int8, uint16, int16, uint32, int32, "
				+ "float32 and float64; convert it to float32 first (which holds every value of a bool, float16 or 16-bit "
				+ "integer array exactly)");
		}
		JsonFields keys = o.optionalObject("chunk_key_encoding");
		String encoding = keys == null ? "default" : keys.requiredString("name");
		JsonFields keyConfig = keys == null ? null : keys.optionalObject("configuration");
		if (!encoding.equals("default") && !encoding.equals("v2")) {
			throw keys.error("name", "must be 'default' or 'v2', found '" + encoding + "'");
		}
		m.separator = keyConfig == null ? (encoding.equals("v2") ? "." : "/")
			: keyConfig.optionalString("separator", encoding.equals("v2") ? "." : "/");
		if (!m.separator.equals(".") && !m.separator.equals("/")) {
			throw keyConfig.error("separator", "must be '.' or '/', found '" + m.separator + "'");
		}
		m.keyPrefix = encoding.equals("default") ? "c" + m.separator : "";
		JsonArray transformers = o.optionalArray("storage_transformers");
		if (transformers != null && transformers.size() > 0) {
			throw o.error("storage_transformers", "lists " + JsonFields.shortly(transformers) + ": storage transformers "
				+ "are not read; " + REWRITE);
		}
		for (String key : o.keys()) {
			if (KNOWN.contains(key)) continue;
			// an extension may be skipped only when it says so
			com.google.gson.JsonElement e = o.raw(key);
			boolean optional = e != null && e.isJsonObject() && e.getAsJsonObject().has("must_understand")
				&& e.getAsJsonObject().get("must_understand").isJsonPrimitive()
				&& !e.getAsJsonObject().get("must_understand").getAsBoolean();
			if (!optional) {
				throw o.error(key, "is an extension this reader does not know, and it does not say it may be skipped "
					+ "(\"must_understand\": false); " + REWRITE);
			}
		}
		JsonArray names = o.optionalArray("dimension_names");
		if (names != null) {
			if (names.size() != shape.length) {
				throw o.error("dimension_names", "names " + names.size() + " axes, but shape has " + shape.length);
			}
			List<String> list = new java.util.ArrayList<>();
			for (int d = 0; d < names.size(); d++) {
				com.google.gson.JsonElement e = names.get(d);
				if (e.isJsonNull()) list.add(null);
				else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) list.add(e.getAsString());
				else throw o.error("dimension_names", "must hold texts or nulls, found " + JsonFields.shortly(e));
			}
			m.dimensionNames = list;
		}
		List<JsonFields> codecs = o.requiredObjects("codecs", true);
		JsonFields last = toBytes(o, codecs);
		if (last != null && last.requiredString("name").equals("sharding_indexed")) {
			if (last != codecs.get(codecs.size() - 1)) {
				throw o.error("codecs", "lists codecs after sharding_indexed, over whole shards, which are not read; "
					+ REWRITE);
			}
			JsonFields config = last.requiredObject("configuration");
			long[] inner = config.requiredWholeNumbers("chunk_shape", 1, Integer.MAX_VALUE);
			if (inner.length != shape.length) {
				throw config.error("chunk_shape", "must give one inner chunk size for each of the " + shape.length
					+ " axes, found " + Arrays.toString(inner));
			}
			m.chunksPerShard = new int[inner.length];
			for (int d = 0; d < inner.length; d++) {
				if (chunks[d] % inner[d] != 0) {
					throw config.error("chunk_shape", "is " + Arrays.toString(inner) + ", which does not divide the shard "
						+ "shape " + Arrays.toString(chunks) + " (the chunk grid's), as sharding requires");
				}
				m.chunksPerShard[d] = (int) (chunks[d] / inner[d]);
			}
			m.chunks = ints(inner);
			long count = 1;
			for (int n : m.chunksPerShard) count *= n;
			if (count > MAX_INNER_CHUNKS) {
				throw config.error("chunk_shape", "makes shards of " + count + " inner chunks, whose index (16 bytes each) "
					+ "would be read for every inner chunk; at most " + MAX_INNER_CHUNKS + " are read; " + REWRITE);
			}
			String location = config.optionalString("index_location", "end");
			if (!location.equals("end") && !location.equals("start")) {
				throw config.error("index_location", "must be 'end' or 'start', found '" + location + "'");
			}
			m.indexAtStart = location.equals("start");
			Chain index = chain(config, config.requiredObjects("index_codecs", true), kind);
			if (index.compressor.id() != Compressor.Id.RAW || index.order != ByteOrder.LITTLE_ENDIAN) {
				throw config.error("index_codecs", "must be the bytes codec (little-endian) and crc32c or nothing, found "
					+ JsonFields.shortly(config.optionalArray("index_codecs")) + "; " + REWRITE);
			}
			m.indexChecksum = index.checksum;
			List<JsonFields> innerCodecs = config.requiredObjects("codecs", true);
			JsonFields innerLast = toBytes(config, innerCodecs);
			if (innerLast != null && innerLast.requiredString("name").equals("sharding_indexed")) {
				throw config.error("codecs", "shards again inside a shard, which is not read; " + REWRITE);
			}
			m.chain = chain(config, innerCodecs, kind);
		}
		else {
			m.chunks = ints(chunks);
			m.chain = chain(o, codecs, kind);
		}
		m.type = new DataType(kind, m.chain.order);
		m.fill = ZarrArray.fillValue(o, m.type);
		return m;
	}

	/** The most inner chunks a shard may hold: an index of 16 MB, read whole for each inner chunk. */
	static final long MAX_INNER_CHUNKS = 1 << 20;

	private static final java.util.Set<String> KNOWN = java.util.Set.of("zarr_format", "node_type", "shape",
		"data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs", "attributes", "dimension_names",
		"storage_transformers");

	/** The v3 data type names, as the kinds this package reads. */
	private static DataType.Kind kind(String name) {
		switch (name) {
			case "uint8": return DataType.Kind.UINT8;
			case "int8": return DataType.Kind.INT8;
			case "uint16": return DataType.Kind.UINT16;
			case "int16": return DataType.Kind.INT16;
			case "uint32": return DataType.Kind.UINT32;
			case "int32": return DataType.Kind.INT32;
			case "float32": return DataType.Kind.FLOAT32;
			case "float64": return DataType.Kind.FLOAT64;
			default: return null;
		}
	}

	/**
	 * The codec that turns the array into bytes ({@code bytes} or {@code sharding_indexed}) after checking the
	 * array-to-array codecs before it (a {@code transpose} that keeps the order is allowed).
	 */
	private static JsonFields toBytes(JsonFields owner, List<JsonFields> codecs) {
		for (JsonFields c : codecs) {
			String name = c.requiredString("name");
			if (name.equals("bytes") || name.equals("sharding_indexed")) return c;
			if (name.equals("transpose")) {
				long[] order = c.requiredObject("configuration").requiredWholeNumbers("order", 0, Integer.MAX_VALUE);
				for (int d = 0; d < order.length; d++) {
					if (order[d] != d) {
						throw c.error("configuration.order", "is " + Arrays.toString(order) + ": the chunks are stored "
							+ "transposed, and only C order is read; " + REWRITE);
					}
				}
				continue;
			}
			if (!BYTES_TO_BYTES.contains(name)) {
				throw c.error("name", "is '" + name + "', a codec this reader does not know (it reads bytes, gzip, zstd, "
					+ "blosc, crc32c, sharding_indexed); " + REWRITE);
			}
			throw owner.error("codecs", "lists '" + name + "' before the bytes codec, where only array codecs may be");
		}
		return null; // 1-byte types may leave the bytes codec out
	}

	private static final java.util.Set<String> BYTES_TO_BYTES = java.util.Set.of("gzip", "zstd", "blosc", "crc32c");

	/** A chain of codecs (after any array codecs): the byte order, at most one compressor, then maybe crc32c. */
	private static Chain chain(JsonFields owner, List<JsonFields> codecs, DataType.Kind kind) {
		ByteOrder order = ByteOrder.LITTLE_ENDIAN;
		Compressor compressor = Compressor.RAW;
		boolean checksum = false, bytes = false;
		for (JsonFields c : codecs) {
			String name = c.requiredString("name");
			JsonFields config = c.optionalObject("configuration");
			if (checksum) throw owner.error("codecs", "lists '" + name + "' after crc32c, which must come last");
			switch (name) {
				case "transpose":
					continue; // checked by toBytes
				case "bytes": {
					String endian = config == null ? null : config.optionalString("endian", null);
					if (endian == null && kind.bytes > 1) {
						throw c.error("configuration.endian", "is missing; a " + kind.name().toLowerCase(java.util.Locale
							.ROOT) + " array needs 'little' or 'big'");
					}
					if (endian != null && !endian.equals("little") && !endian.equals("big")) {
						throw c.error("configuration.endian", "must be 'little' or 'big', found '" + endian + "'");
					}
					order = "big".equals(endian) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
					bytes = true;
					continue;
				}
				case "crc32c":
					checksum = true;
					continue;
				case "gzip":
				case "zstd":
				case "blosc":
					if (compressor != Compressor.RAW) {
						throw owner.error("codecs", "compresses twice (" + compressor + ", then " + name + "), which is not "
							+ "read; " + REWRITE);
					}
					if (config == null) throw c.error("configuration", "is missing");
					compressor = Compressor.fromV3(name, config);
					continue;
				case "sharding_indexed":
					continue; // the caller's
				default:
					throw c.error("name", "is '" + name + "', a codec this reader does not know (it reads bytes, gzip, "
						+ "zstd, blosc, crc32c, sharding_indexed); " + REWRITE);
			}
		}
		if (!bytes && kind.bytes > 1) throw owner.error("codecs", "has no bytes codec, which a " + kind.bytes
			+ "-byte type needs");
		return new Chain(compressor, checksum, order);
	}

	private static int[] ints(long[] v) {
		int[] i = new int[v.length];
		for (int d = 0; d < v.length; d++) i[d] = Math.toIntExact(v[d]);
		return i;
	}

	/** Refuses a Zarr v3 node that is not what the caller reads. */
	static UserException notAnImage(JsonFields o, String whatToGive) {
		return new UserException(o.file() + " holds no OME-Zarr image (no 'ome' attributes with 'multiscales'); "
			+ whatToGive);
	}
}
