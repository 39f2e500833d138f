package io.github.convolve2d.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * One Zarr array on disk: a folder with a {@code .zarray} (shape, chunk shape, dtype, compressor, fill value)
 * and one file per chunk, C order, named by the chunk's indices ({@code "0.3.2"}, or {@code "0/3/2"} with
 * {@code dimension_separator "/"}). A chunk that is missing holds the fill value, as the format says. Zarr v3
 * arrays ({@code zarr.json}, NGFF 0.5; {@link ZarrV3}) are read too: chunk keys {@code c/0/3/2}, a checksum per
 * chunk, and shards (one file of inner chunks and their index, each inner chunk read on its own).
 * <p>
 * Reading: the last two axes are the image's rows and columns; {@link #plane} gives one 2-D plane (the others
 * fixed) as a {@link PlaneSource} that reads only the chunks a rectangle touches. Whole chunks are decoded once
 * into a small cache shared by the readers (neighbouring blocks read the same chunks for their halos); a thin
 * strip of full-width rows of an uncompressed chunk is read without the rest of it.
 * <p>
 * Writing: {@link #writeChunk} writes a chunk atomically (a temporary file forced to the disk, then renamed into
 * place), so a chunk file is whole or absent even after a crash of the machine, and {@link #hasChunk} tells a
 * resumed run which chunks are done; the temporary files a killed writer left are removed by
 * {@link #removeStaleTemporaries}.
 */
public final class ZarrArray {

	/**
	 * The temporary files of {@link #writeChunk} and of the metadata, beside the file they become: they name
	 * their writing process, so that a later run removes those of a killed one ({@link #removeStaleTemporaries}).
	 */
	static final TemporaryFiles PARTIAL = new TemporaryFiles(".convolve2d-", ".partial");

	/** Decoded chunks kept for neighbouring reads, by default (bytes). */
	public static final long DEFAULT_CACHE_BYTES = 64L << 20;

	private final Path dir;
	private final int[] shape;
	private final int[] chunks;
	private final DataType type;
	private final Compressor compressor;
	private final float fill;
	private final String separator;
	/** Before a chunk key's indices: {@code ""} (Zarr v2) or {@code "c/"} (v3's default key encoding). */
	private String keyPrefix = "";
	/** Whether each chunk (inner chunk when sharded) ends with a CRC-32C of the rest (Zarr v3's crc32c codec). */
	private boolean checksum;
	/** Zarr v3 sharding: inner chunks along each axis of a shard file, null when not sharded. */
	private int[] chunksPerShard;
	private boolean indexAtStart;
	private boolean indexChecksum;
	/** Zarr v3's dimension_names (null where unnamed), or null. */
	private List<String> dimensionNames;
	/** Where the metadata is: {@code .zarray} (and {@code .zattrs}) or {@code zarr.json}. */
	private ZarrFormat format = ZarrFormat.V2;
	private final int chunkElements;
	private final ChunkCache<float[]> cache = ChunkCache.ofFloats(DEFAULT_CACHE_BYTES);
	/** Sharded arrays: the shard indexes read last (an index is read once for the inner chunks of its shard). */
	private final ChunkCache<byte[]> shardIndexes = ChunkCache.ofBytes(16L << 20);

	private ZarrArray(Path dir, int[] shape, int[] chunks, DataType type, Compressor compressor, float fill,
		String separator)
	{
		this.dir = dir;
		this.shape = shape;
		this.chunks = chunks;
		this.type = type;
		this.compressor = compressor;
		this.fill = fill;
		this.separator = separator;
		long bytes = chunkBytes(Arrays.stream(chunks).asLongStream().toArray(), type);
		if (bytes > MAX_CHUNK_BYTES) {
			throw new UserException("Zarr chunks of " + Arrays.toString(chunks) + " are too large (over 2 GB each, a Java "
				+ "array); use smaller chunks");
		}
		chunkElements = (int) (bytes / type.bytes());
	}

	/** The most bytes a chunk may hold: it is decoded into one Java array. */
	public static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 8;

	/** The bytes of one chunk, {@link Long#MAX_VALUE} when that overflows. */
	private static long chunkBytes(long[] chunks, DataType type) {
		long n = type.bytes();
		for (long c : chunks) {
			if (c != 0 && n > Long.MAX_VALUE / c) return Long.MAX_VALUE;
			n *= c;
		}
		return n;
	}

	/**
	 * Opens the array in {@code dir}, checking every field of its {@code .zarray}.
	 *
	 * @throws UserException when {@code .zarray} is missing, malformed (naming the file and the field) or describes an
	 *         array this package does not read (Zarr v3, Fortran order, filters, blosc, another dtype), saying how to
	 *         rewrite it
	 * @throws IOException when it cannot be read
	 */
	public static ZarrArray open(Path dir) throws IOException {
		Path meta = dir.resolve(".zarray");
		if (!Files.exists(meta, LinkOption.NOFOLLOW_LINKS)) {
			if (Files.exists(dir.resolve("zarr.json"), LinkOption.NOFOLLOW_LINKS)) return openV3(dir, readJson(dir.resolve("zarr.json")));
			throw new UserException(JsonFields.name(dir) + " is not a Zarr array (no .zarray or zarr.json in it)");
		}
		JsonFields o;
		try {
			o = JsonFields.read(meta);
		}
		catch (NoSuchFileException e) { // a link to nothing
			throw new UserException(JsonFields.name(meta) + ": is a link to nothing; the input is damaged");
		}
		int format = o.requiredInt("zarr_format");
		if (format != 2) throw o.error("zarr_format", "must be 2 in .zarray (Zarr v2; v3 keeps its metadata in zarr.json), found "
			+ format);
		String order = o.optionalString("order", "C");
		if (order.equals("F")) {
			throw o.error("order", "is 'F': the chunks are stored in Fortran order, and only C order is read; "
				+ rewrite(dir));
		}
		if (!order.equals("C")) throw o.error("order", "must be 'C' or 'F', found '" + order + "'");
		JsonArray filters = o.optionalArray("filters");
		if (filters != null && filters.size() > 0) {
			throw o.error("filters", "lists " + JsonFields.shortly(filters) + ": filters are not read; " + rewrite(dir));
		}
		long[] shape = o.requiredWholeNumbers("shape", 0, Integer.MAX_VALUE);
		long[] chunks = o.requiredWholeNumbers("chunks", 1, Integer.MAX_VALUE);
		if (shape.length < 2) {
			throw o.error("shape", "has " + shape.length + " axes, found " + Arrays.toString(shape) + "; an image needs at "
				+ "least 2 (rows and columns)");
		}
		if (chunks.length != shape.length) {
			throw o.error("chunks", "must give one chunk size for each of the " + shape.length + " axes of shape "
				+ Arrays.toString(shape) + ", found " + Arrays.toString(chunks));
		}
		checkNotEmpty(o, shape);
		if (o.raw("dtype") == null) throw o.error("dtype", "is missing; it must be a type such as '<f4' or '|u1'");
		String dtype = o.requiredString("dtype");
		DataType type;
		try {
			type = DataType.parse(dtype);
		}
		catch (UserException e) {
			throw o.error("dtype", "is '" + dtype + "': " + e.getMessage() + "; " + convert(dir));
		}
		long bytes = chunkBytes(chunks, type);
		if (bytes > MAX_CHUNK_BYTES) {
			throw o.error("chunks", "makes chunks of " + Arrays.toString(chunks) + " × " + type.bytes() + " bytes, "
				+ (bytes == Long.MAX_VALUE ? "far " : "") + "over the 2 GB a chunk may hold here (a Java array); rechunk "
				+ "it, e.g. with zarr-python 2: python3 -c \"import zarr, numcodecs; src = zarr.open_array('in.zarr', "
				+ "mode='r'); zarr.array(src[:], chunks=src.chunks[:-2] + (1024, 1024), compressor=numcodecs.Zlib(level=1), "
				+ "store='copy.zarr')\"");
		}
		Compressor compressor = Compressor.fromJson(o, rewrite(dir));
		String separator = o.has("dimension_separator") ? o.optionalString("dimension_separator", ".")
			: nestedWithoutSeparator(dir, shape, chunks) ? "/" : ".";
		if (!separator.equals(".") && !separator.equals("/")) {
			throw o.error("dimension_separator", "must be '.' or '/', found '" + separator + "'");
		}
		return new ZarrArray(dir, ints(shape), ints(chunks), type, compressor, fillValue(o, type), separator);
	}

	/**
	 * Whether an array whose {@code .zarray} names no {@code dimension_separator} holds its chunks nested
	 * ({@code 0/3/2}): NGFF 0.2 and 0.3 require that layout, and ome-zarr-py and bioformats2raw wrote it before
	 * zarr-python had the field, so read by the default {@code "."} every chunk would be missing and the image would
	 * read as its fill value without a word. A folder named by a chunk index of the first axis is such a chunk's
	 * folder: in the {@code "."} layout of an array of two or more axes, no chunk has such a name. The first
	 * {@link #NESTED_PROBES} indices are looked for, not the whole axis (which may be 2³¹ chunks long): an image
	 * with none of them holds no chunk in its first thousand time points (or channels, or slices). The first chunk's
	 * file in the {@code "."} layout settles it at once, as it does for most arrays of that layout.
	 */
	private static boolean nestedWithoutSeparator(Path dir, long[] shape, long[] chunks) {
		String first = String.join(".", java.util.Collections.nCopies(shape.length, "0"));
		if (Files.exists(dir.resolve(first), LinkOption.NOFOLLOW_LINKS)) return false;
		long across = Math.min((shape[0] + chunks[0] - 1) / chunks[0], NESTED_PROBES);
		for (long i = 0; i < across; i++) {
			if (Files.isDirectory(dir.resolve(Long.toString(i)), LinkOption.NOFOLLOW_LINKS)) return true;
		}
		return false;
	}

	/** How many chunk indices of the first axis {@link #nestedWithoutSeparator} looks for. */
	private static final int NESTED_PROBES = 1024;

	/** Refuses a shape with an axis of length 0, naming the file. */
	static void checkNotEmpty(JsonFields o, long[] shape) {
		for (long n : shape) {
			if (n == 0) {
				throw o.error("shape", "has an axis of length 0, found " + Arrays.toString(shape) + ": the array holds no "
					+ "pixels");
			}
		}
	}

	/** A metadata file's fields; a link to nothing is damage. */
	static JsonFields readJson(Path file) throws IOException {
		try {
			return JsonFields.read(file);
		}
		catch (NoSuchFileException e) { // a link to nothing
			throw new UserException(JsonFields.name(file) + ": is a link to nothing; the input is damaged");
		}
	}

	/** Opens a Zarr v3 array whose {@code zarr.json} was read. */
	static ZarrArray openV3(Path dir, JsonFields o) {
		int format = o.requiredInt("zarr_format");
		if (format != 3) throw o.error("zarr_format", "must be 3 in zarr.json, found " + format);
		ZarrV3.Metadata m = ZarrV3.read(o);
		if (chunkBytes(Arrays.stream(m.chunks).asLongStream().toArray(), m.type) > MAX_CHUNK_BYTES) {
			throw o.error("chunk_grid", "makes chunks of " + Arrays.toString(m.chunks) + " × " + m.type.bytes() + " bytes, "
				+ "over the 2 GB a chunk may hold here (a Java array); " + ZarrV3.REWRITE);
		}
		ZarrArray a = new ZarrArray(dir, m.shape, m.chunks, m.type, m.chain.compressor, m.fill, m.separator);
		a.keyPrefix = m.keyPrefix;
		a.checksum = m.chain.checksum;
		a.chunksPerShard = m.chunksPerShard;
		a.indexAtStart = m.indexAtStart;
		a.indexChecksum = m.indexChecksum;
		a.dimensionNames = m.dimensionNames;
		a.format = ZarrFormat.V3;
		return a;
	}

	/** Zarr v3's {@code dimension_names} (null where an axis is unnamed), or null when it has none (or is Zarr v2). */
	public List<String> dimensionNames() {
		return dimensionNames;
	}

	/**
	 * How to rewrite the array in {@code dir} (or the image it belongs to) as one this package reads: zlib chunks,
	 * no filters, C order; a Python one-liner with zarr-python 2 (which {@code pip install "zarr<3"} gives).
	 */
	static String rewrite(Path dir) {
		Path parent = dir.toAbsolutePath().normalize().getParent();
		boolean inGroup = parent != null && (Files.isRegularFile(parent.resolve(".zgroup"))
			|| Files.isRegularFile(parent.resolve(".zattrs")));
		String how = inGroup
			? "python3 -c \"import zarr, numcodecs; zarr.copy_all(zarr.open_group('" + parent.getFileName()
				+ "', mode='r'), zarr.open_group('copy.zarr', mode='w-'), compressor=numcodecs.Zlib(level=1), "
				+ "filters=None, order='C')\" (run beside " + JsonFields.name(parent) + "; it copies the whole image "
				+ "with its metadata)"
			: "python3 -c \"import zarr, numcodecs; src = zarr.open_array('" + dir.toAbsolutePath().normalize()
				.getFileName() + "', mode='r'); zarr.array(src[:], chunks=src.chunks, compressor=numcodecs.Zlib(level=1), "
				+ "filters=None, order='C', store='copy.zarr')\"";
		return "rewrite it with zlib chunks, no filters and C order, e.g. with zarr-python 2: " + how;
	}

	/**
	 * How to convert the array in {@code dir} (or the image whose level it is) to float32, which holds every value of
	 * a bool, float16 or 16-bit integer array exactly, and 64-bit integers rounded as 32-bit ones are read.
	 */
	static String convert(Path dir) {
		Path parent = dir.toAbsolutePath().normalize().getParent();
		boolean inGroup = parent != null && (Files.isRegularFile(parent.resolve(".zgroup"))
			|| Files.isRegularFile(parent.resolve(".zattrs")));
		String how = inGroup
			? "python3 -c \"import zarr; s = zarr.open_group('" + parent.getFileName() + "', mode='r'); d = "
				+ "zarr.open_group('copy.zarr', mode='w-'); d.attrs.put(s.attrs.asdict()); [d.array(k, "
				+ "a[...].astype('f4'), chunks=a.chunks) for k, a in s.arrays()]\" (run beside " + JsonFields.name(parent)
				+ "; it copies each level, read whole, with the image's metadata)"
			: "python3 -c \"import zarr; a = zarr.open_array('" + dir.toAbsolutePath().normalize().getFileName()
				+ "', mode='r'); zarr.array(a[...].astype('f4'), chunks=a.chunks, store='copy.zarr')\"";
		return "convert it to float32 first, e.g. with zarr-python 2: " + how;
	}

	/**
	 * Creates the array's folder and {@code .zarray} (Zarr v2), or reopens it when it already exists with exactly
	 * this shape, chunking, type and compressor (a resumed run).
	 *
	 * @throws UserException when an array with other metadata is in the way
	 */
	public static ZarrArray create(Path dir, int[] shape, int[] chunks, DataType type, Compressor compressor)
		throws IOException
	{
		return create(dir, shape, chunks, type, compressor, ZarrFormat.V2, null);
	}

	/**
	 * Creates the array's folder and its metadata in {@code format}: Zarr v2's {@code .zarray}, or Zarr v3's
	 * {@code zarr.json} (the {@code bytes} codec, little-endian, then the compressor's codec; chunk keys
	 * {@code c/0/1/2}; {@code dimensionNames}, which v3 names every axis by, or none when null). Reopens it instead
	 * when it already exists in that format with exactly this shape, chunking, type and compressor (a resumed run).
	 *
	 * @throws UserException when an array with other metadata, or in the other format, is in the way; or for a
	 *         compressor that {@code format} has no codec for (zlib in Zarr v3)
	 */
	public static ZarrArray create(Path dir, int[] shape, int[] chunks, DataType type, Compressor compressor,
		ZarrFormat format, List<String> dimensionNames) throws IOException
	{
		if (shape.length != chunks.length || shape.length < 2) throw new IllegalArgumentException("shape/chunks");
		if (dimensionNames != null && dimensionNames.size() != shape.length) {
			throw new IllegalArgumentException("one dimension name per axis");
		}
		if (format == ZarrFormat.V3 && !compressor.writableInV3()) {
			throw new UserException(compressor + " chunks have no Zarr v3 codec; use gzip (the same deflate data, with "
				+ "a gzip header) for Zarr v3, or write Zarr v2");
		}
		if (Files.exists(dir.resolve(".zarray")) || Files.exists(dir.resolve("zarr.json"))) {
			ZarrArray old = open(dir);
			if (old.format != format) {
				throw new UserException("a Zarr v" + old.format.zarr() + " array is in the way at " + dir + ", and this "
					+ "writes Zarr v" + format.zarr() + "; remove it or choose another output");
			}
			if (Arrays.equals(old.shape, shape) && Arrays.equals(old.chunks, chunks) && old.type.equals(type)
				&& old.compressor.id() == compressor.id())
			{
				return old;
			}
			throw new UserException("a different Zarr array is in the way at " + dir + " (shape "
				+ Arrays.toString(old.shape) + ", chunks " + Arrays.toString(old.chunks) + ", " + old.type + ", "
				+ old.compressor + "); remove it or choose another output");
		}
		Files.createDirectories(dir);
		if (format == ZarrFormat.V3) {
			writeAtomically(dir.resolve("zarr.json"), Json.pretty(v3Metadata(shape, chunks, type, compressor,
				dimensionNames)).getBytes(StandardCharsets.UTF_8));
			ZarrArray a = new ZarrArray(dir, shape.clone(), chunks.clone(), type, compressor, 0f, "/");
			a.keyPrefix = "c/";
			a.format = ZarrFormat.V3;
			a.dimensionNames = dimensionNames == null ? null : List.copyOf(dimensionNames);
			return a;
		}
		JsonObject o = new JsonObject();
		o.add("chunks", array(chunks));
		o.add("compressor", compressor.toJson());
		o.addProperty("dtype", type.zarr());
		o.addProperty("fill_value", 0);
		o.add("filters", null);
		o.addProperty("order", "C");
		o.add("shape", array(shape));
		o.addProperty("zarr_format", 2);
		o.addProperty("dimension_separator", ".");
		writeAtomically(dir.resolve(".zarray"), Json.pretty(o).getBytes(StandardCharsets.UTF_8));
		return new ZarrArray(dir, shape.clone(), chunks.clone(), type, compressor, 0f, ".");
	}

	/**
	 * A Zarr v3 array's {@code zarr.json}, with the fields in the order of the v3 core specification and empty
	 * {@code attributes}.
	 */
	private static JsonObject v3Metadata(int[] shape, int[] chunks, DataType type, Compressor compressor,
		List<String> dimensionNames)
	{
		JsonObject o = new JsonObject();
		o.addProperty("zarr_format", 3);
		o.addProperty("node_type", "array");
		o.add("shape", array(shape));
		o.addProperty("data_type", type.kind().name().toLowerCase(java.util.Locale.ROOT)); // float32, uint16, ...
		JsonObject grid = new JsonObject(), gridConfig = new JsonObject();
		grid.addProperty("name", "regular");
		gridConfig.add("chunk_shape", array(chunks));
		grid.add("configuration", gridConfig);
		o.add("chunk_grid", grid);
		JsonObject keys = new JsonObject(), keyConfig = new JsonObject();
		keys.addProperty("name", "default");
		keyConfig.addProperty("separator", "/");
		keys.add("configuration", keyConfig);
		o.add("chunk_key_encoding", keys);
		o.addProperty("fill_value", type.kind() == DataType.Kind.FLOAT32 || type.kind() == DataType.Kind.FLOAT64
			? (Number) 0.0 : (Number) 0);
		JsonArray codecs = new JsonArray();
		JsonObject bytes = new JsonObject(), bytesConfig = new JsonObject();
		bytes.addProperty("name", "bytes");
		bytesConfig.addProperty("endian", type.order() == java.nio.ByteOrder.BIG_ENDIAN ? "big" : "little");
		bytes.add("configuration", bytesConfig);
		codecs.add(bytes);
		JsonObject compression = compressor.toV3Json(type.bytes());
		if (compression != null) codecs.add(compression);
		o.add("codecs", codecs);
		o.add("attributes", new JsonObject());
		if (dimensionNames != null) {
			JsonArray names = new JsonArray();
			for (String name : dimensionNames) names.add(name);
			o.add("dimension_names", names);
		}
		return o;
	}

	public Path dir() { return dir; }
	/** Where the array's metadata is: {@code .zarray} (v2) or {@code zarr.json} (v3). */
	public ZarrFormat format() { return format; }
	public int[] shape() { return shape.clone(); }
	public int[] chunks() { return chunks.clone(); }
	public DataType dataType() { return type; }
	public Compressor compressor() { return compressor; }
	/** Values of a chunk (the product of the chunk shape). */
	public int chunkElements() { return chunkElements; }

	/** Bytes of decoded chunks kept for reuse by neighbouring reads (0: none). */
	public void cacheBytes(long bytes) {
		cache.limit(bytes);
	}

	/** How many chunks were decoded so far (one read more than once was dropped from the cache meanwhile). */
	public long chunksDecoded() {
		return cache.loads();
	}

	/**
	 * The heap reading one chunk takes at most, whatever the region asked for: its stored and decompressed bytes and
	 * its float values ({@link #readChunk}).
	 */
	public long chunkReadBytes() {
		return (long) chunkElements * (4 + 2L * type.bytes());
	}

	/**
	 * The array's own attributes ({@code .zattrs} in its folder, or the {@code attributes} of its {@code zarr.json};
	 * empty when there are none): texts as they are, other values as their JSON.
	 *
	 * @throws UserException when they are damaged (not a JSON object), naming the file
	 */
	public java.util.Map<String, Object> attributes() throws IOException {
		return attributes(dir, format);
	}

	/**
	 * The attributes recorded in the folder {@code dir} of a Zarr array or group, read without its other metadata
	 * (which may be damaged): Zarr v2's {@code .zattrs}, else the {@code attributes} of a v3 {@code zarr.json}; empty
	 * when there are none or they cannot be read.
	 */
	public static java.util.Map<String, Object> readableAttributes(Path dir) throws IOException {
		try {
			if (Files.exists(dir.resolve(".zattrs"), LinkOption.NOFOLLOW_LINKS)) return attributes(dir, ZarrFormat.V2);
			if (Files.exists(dir.resolve("zarr.json"), LinkOption.NOFOLLOW_LINKS)) return attributes(dir, ZarrFormat.V3);
		}
		catch (UserException e) {
			// damaged: none recorded
		}
		return java.util.Collections.emptyMap();
	}

	private static java.util.Map<String, Object> attributes(Path dir, ZarrFormat format) throws IOException {
		JsonFields o;
		if (format == ZarrFormat.V3) {
			o = readJson(dir.resolve("zarr.json")).optionalObject("attributes");
			if (o == null) return java.util.Collections.emptyMap();
		}
		else {
			Path file = dir.resolve(".zattrs");
			if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return java.util.Collections.emptyMap();
			o = JsonFields.read(file);
		}
		java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
		for (String key : o.keys()) {
			JsonElement e = o.raw(key);
			m.put(key, e == null ? null : e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString()
				: e.toString());
		}
		return m;
	}

	/**
	 * Writes the array's attributes ({@code .zattrs}, or the {@code attributes} of its {@code zarr.json}, the rest of
	 * which is kept) atomically, replacing any.
	 */
	public void writeAttributes(java.util.Map<String, Object> attributes) throws IOException {
		if (format == ZarrFormat.V3) {
			Path file = dir.resolve("zarr.json");
			JsonObject o = Json.read(file).getAsJsonObject();
			o.add("attributes", Json.tree(attributes));
			writeAtomically(file, Json.pretty(o).getBytes(StandardCharsets.UTF_8));
			return;
		}
		writeAtomically(dir.resolve(".zattrs"), Json.pretty(Json.tree(attributes)).getBytes(StandardCharsets.UTF_8));
	}

	/** The chunk file of the chunk with these indices (one per axis; of a sharded array, the shard's). */
	public Path chunkPath(int[] index) {
		StringBuilder key = new StringBuilder(keyPrefix);
		for (int d = 0; d < index.length; d++) key.append(d == 0 ? "" : separator).append(index[d]);
		return dir.resolve(key.toString());
	}

	/** Whether this chunk has been written. */
	public boolean hasChunk(int[] index) {
		return Files.isRegularFile(chunkPath(index));
	}

	/**
	 * Whether this chunk has been written whole: its file is there and reads back. A resumed run asks this, since a
	 * chunk renamed into place before its data reached the disk (a crash of the machine) can be empty or cut short.
	 */
	public boolean hasReadableChunk(int[] index) throws IOException {
		if (!hasChunk(index)) return false;
		try {
			readChunk(index);
			return true;
		}
		catch (UserException e) {
			return false;
		}
	}

	/**
	 * The chunk's values, C order over the chunk shape (the fill value when it is missing, as Zarr says).
	 *
	 * @throws UserException when its file is damaged (not a plain file, not valid for the compressor, not the chunk's
	 *         size), naming it
	 */
	public float[] readChunk(int[] index) throws IOException {
		float[] values = new float[chunkElements];
		long expected = (long) chunkElements * type.bytes();
		if (chunksPerShard != null) {
			byte[] raw = readInnerChunk(index, (int) expected);
			if (raw == null) Arrays.fill(values, fill);
			else type.decode(ByteBuffer.wrap(raw), values, 0, chunkElements);
			return values;
		}
		Path file = chunkPath(index);
		BasicFileAttributes attrs = chunkAttributes(file);
		if (attrs == null) {
			Arrays.fill(values, fill);
			return values;
		}
		if (attrs.size() > mostStored(expected)) {
			throw damaged(file, "it holds " + attrs.size() + " bytes, " + (compressor.id() == Compressor.Id.RAW
				? "expected " + mostStored(expected) + " (uncompressed)" : "more than " + compressor + " makes of "
				+ expected));
		}
		byte[] raw = decode(file, Files.readAllBytes(file), (int) expected);
		type.decode(ByteBuffer.wrap(raw), values, 0, chunkElements);
		return values;
	}

	/** The most bytes a stored chunk of {@code expected} bytes may take. */
	private long mostStored(long expected) {
		// compressors store incompressible data in a few bytes more than it; far more is not a chunk of this array
		long most = compressor.id() == Compressor.Id.RAW ? expected : expected + expected / 8 + (1 << 16);
		return most + (checksum ? 4 : 0);
	}

	/** A stored chunk's bytes, its checksum checked and removed, then decompressed to exactly {@code expected}. */
	private byte[] decode(Path file, byte[] stored, int expected) {
		try {
			if (checksum) stored = withoutChecksum(stored, "its CRC-32C");
			return compressor.decode(stored, expected);
		}
		catch (Compressor.Damaged e) {
			throw damaged(file, e.getMessage());
		}
		catch (IOException e) {
			throw damaged(file, e.getMessage());
		}
	}

	/** {@code b} without its last 4 bytes, once they are checked as the CRC-32C (little-endian) of the rest. */
	private static byte[] withoutChecksum(byte[] b, String what) throws Compressor.Damaged {
		if (b.length < 4) throw new Compressor.Damaged("it holds " + b.length + " bytes, too few for " + what);
		java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
		crc.update(b, 0, b.length - 4);
		long stored = ByteBuffer.wrap(b, b.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
		if (crc.getValue() != stored) {
			throw new Compressor.Damaged(what + " does not match: " + Long.toHexString(stored) + " stored, "
				+ Long.toHexString(crc.getValue()) + " computed");
		}
		return Arrays.copyOf(b, b.length - 4);
	}

	/**
	 * A sharded array's inner chunk: its shard's index (16 bytes per inner chunk, C order: offset and length,
	 * little-endian; both all ones for an empty one) then its bytes, decoded. Null when its shard file or its entry is
	 * empty (the fill value).
	 */
	private byte[] readInnerChunk(int[] index, int expected) throws IOException {
		int nd = index.length;
		int[] shard = new int[nd];
		int inner = 0, count = 1;
		for (int d = 0; d < nd; d++) {
			shard[d] = index[d] / chunksPerShard[d];
			inner = inner * chunksPerShard[d] + index[d] % chunksPerShard[d];
			count *= chunksPerShard[d];
		}
		Path file = chunkPath(shard);
		BasicFileAttributes attrs = chunkAttributes(file);
		if (attrs == null) return null;
		long indexBytes = 16L * count + (indexChecksum ? 4 : 0);
		try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = f.size();
			if (indexBytes > size) {
				throw damaged(file, "the shard holds " + size + " bytes, fewer than its index of " + indexBytes);
			}
			// the index is read once for all the inner chunks of its shard (the file's size and time name the version)
			String key = file + "@" + size + "@" + attrs.lastModifiedTime().toMillis();
			byte[] idx = shardIndexes.get(key, () -> {
				byte[] b = readFully(f, indexAtStart ? 0 : size - indexBytes, (int) indexBytes, file);
				try {
					return indexChecksum ? withoutChecksum(b, "the shard index's CRC-32C") : b;
				}
				catch (Compressor.Damaged e) {
					throw damaged(file, e.getMessage());
				}
			});
			ByteBuffer entries = ByteBuffer.wrap(idx).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			long offset = entries.getLong(16 * inner), length = entries.getLong(16 * inner + 8);
			if (offset == -1 && length == -1) return null;
			if (offset < 0 || length < 0 || offset > size || length > size - offset) {
				throw damaged(file, "the shard index puts inner chunk " + inner + " at bytes " + Long.toUnsignedString(
					offset) + " to " + Long.toUnsignedString(offset + length) + ", outside the file's " + size);
			}
			if (length > mostStored(expected)) {
				throw damaged(file, "inner chunk " + inner + " takes " + length + " bytes, more than " + compressor
					+ " makes of " + expected);
			}
			return decode(file, readFully(f, offset, (int) length, file), expected);
		}
		catch (Compressor.Damaged e) {
			throw damaged(file, e.getMessage());
		}
		catch (NoSuchFileException e) { // removed meanwhile
			return null;
		}
	}

	private static byte[] readFully(FileChannel f, long at, int n, Path file) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(n);
		while (b.hasRemaining()) {
			if (f.read(b, at + b.position()) < 0) throw damaged(file, "it ends early, at " + f.size() + " bytes");
		}
		return b.array();
	}

	/**
	 * The attributes of a chunk's file, null when there is none (the chunk holds the fill value).
	 *
	 * @throws UserException when it is not a plain file (a folder, a pipe that would block the read forever)
	 */
	private static BasicFileAttributes chunkAttributes(Path file) throws IOException {
		BasicFileAttributes attrs;
		try {
			attrs = Files.readAttributes(file, BasicFileAttributes.class);
		}
		catch (NoSuchFileException e) {
			if (Files.isSymbolicLink(file)) throw damaged(file, "it is a link to nothing");
			return null;
		}
		catch (java.nio.file.AccessDeniedException e) {
			throw e; // not damage: a permission to fix
		}
		catch (java.nio.file.FileSystemException e) { // with dimension_separator "/": a file where a folder belongs
			throw damaged(file, "its path cannot be followed: " + (e.getReason() != null ? e.getReason() : e));
		}
		if (!attrs.isRegularFile()) {
			throw damaged(file, "it is " + (attrs.isDirectory() ? "a folder" : "not a plain file (a pipe or device?)")
				+ " where a chunk file belongs");
		}
		return attrs;
	}

	/** The refusal of a damaged chunk file, naming it. */
	private static UserException damaged(Path file, String why) {
		return new UserException(JsonFields.name(file) + ": chunk is damaged (" + why + ") — the input is damaged; "
			+ "re-export it");
	}

	/** Writes a whole chunk (C order over the chunk shape, padded past the array's edge) atomically. */
	public void writeChunk(int[] index, float[] values) throws IOException {
		if (values.length != chunkElements) {
			throw new IllegalArgumentException("a chunk holds " + chunkElements + " values, got " + values.length);
		}
		ByteBuffer raw = ByteBuffer.allocate(chunkElements * type.bytes());
		type.encode(values, 0, chunkElements, raw);
		Path file = chunkPath(index);
		if (!file.getParent().equals(dir)) Files.createDirectories(file.getParent());
		writeAtomically(file, compressor.encode(raw.array(), type.bytes()));
	}

	/**
	 * Plane {@code leading} (indices of every axis but the last two) as a source of float pixels. Reads may come
	 * from several threads.
	 */
	public PlaneSource plane(int... leading) {
		if (leading.length != shape.length - 2) {
			throw new IllegalArgumentException("need " + (shape.length - 2) + " leading indices");
		}
		int nd = shape.length;
		int[] chunkOf = new int[nd];
		int offset = 0, stride = chunks[nd - 1] * chunks[nd - 2];
		for (int d = nd - 3; d >= 0; d--) {
			if (leading[d] < 0 || leading[d] >= shape[d]) throw new IndexOutOfBoundsException("index " + d);
			chunkOf[d] = leading[d] / chunks[d];
			offset += (leading[d] % chunks[d]) * stride;
			stride *= chunks[d];
		}
		int planeOffset = offset;
		return new PlaneSource() {
			@Override
			public int width() {
				return shape[nd - 1];
			}

			@Override
			public int height() {
				return shape[nd - 2];
			}

			@Override
			public void read(int x, int y, int w, int h, float[] dst) throws IOException {
				readPlane(chunkOf.clone(), planeOffset, x, y, w, h, dst);
			}
		};
	}

	private void readPlane(int[] index, int planeOffset, int x, int y, int w, int h, float[] dst) throws IOException {
		int nd = shape.length, ch = chunks[nd - 2], cw = chunks[nd - 1];
		for (int cy = y / ch; cy <= (y + h - 1) / ch; cy++) {
			int y0 = Math.max(y, cy * ch), y1 = Math.min(y + h, (cy + 1) * ch);
			for (int cx = x / cw; cx <= (x + w - 1) / cw; cx++) {
				int x0 = Math.max(x, cx * cw), x1 = Math.min(x + w, (cx + 1) * cw);
				index[nd - 2] = cy;
				index[nd - 1] = cx;
				int r0 = y0 - cy * ch, c0 = x0 - cx * cw;
				if (compressor.id() == Compressor.Id.RAW && !checksum && chunksPerShard == null && y1 - y0 < ch
					&& c0 == 0 && x1 - x0 == cw)
				{
					// a thin strip of whole chunk rows (a halo above or below a block): read just those bytes
					readRows(index, planeOffset + r0 * cw, y1 - y0, dst, (y0 - y) * w + (x0 - x), w);
					continue;
				}
				float[] chunk = cachedChunk(index);
				for (int r = y0; r < y1; r++) {
					System.arraycopy(chunk, planeOffset + (r - cy * ch) * cw + c0, dst, (r - y) * w + (x0 - x), x1 - x0);
				}
			}
		}
	}

	private void readRows(int[] index, int first, int rows, float[] dst, int at, int dstWidth) throws IOException {
		int cw = chunks[shape.length - 1];
		Path file = chunkPath(index);
		BasicFileAttributes attrs = chunkAttributes(file);
		if (attrs == null) {
			for (int r = 0; r < rows; r++) Arrays.fill(dst, at + r * dstWidth, at + r * dstWidth + cw, fill);
			return;
		}
		long expected = (long) chunkElements * type.bytes();
		if (attrs.size() != expected) {
			throw damaged(file, "it holds " + attrs.size() + " bytes, expected " + expected + " (uncompressed)");
		}
		ByteBuffer buf = ByteBuffer.allocate(rows * cw * type.bytes());
		try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
			long pos = (long) first * type.bytes();
			while (buf.hasRemaining()) {
				int n = f.read(buf, pos + buf.position());
				if (n < 0) throw damaged(file, "it ends early, at " + f.size() + " bytes of " + expected);
			}
		}
		catch (NoSuchFileException e) { // removed meanwhile
			for (int r = 0; r < rows; r++) Arrays.fill(dst, at + r * dstWidth, at + r * dstWidth + cw, fill);
			return;
		}
		buf.flip();
		for (int r = 0; r < rows; r++) type.decode(buf, dst, at + r * dstWidth, cw);
	}

	private float[] cachedChunk(int[] index) throws IOException {
		String key = Arrays.toString(index);
		return cache.get(key, () -> readChunk(index));
	}

	/**
	 * Removes the temporary files that killed writers left in the array's folder (and in its chunk folders, with
	 * {@code dimension_separator "/"}); see {@link TemporaryFiles#removeStale}. Returns how many.
	 */
	public int removeStaleTemporaries() throws IOException {
		if (separator.equals(".") && keyPrefix.isEmpty()) return PARTIAL.removeStale(dir);
		int removed = 0;
		// a chunk's folder is as deep as its key has parts before the last: c/0/1/2 is in c/0/1, three deep
		int depth = (separator.equals("/") ? shape.length - 1 : 0) + (keyPrefix.isEmpty() ? 0 : 1);
		try (Stream<Path> folders = Files.walk(dir, depth)) {
			for (Path folder : (Iterable<Path>) folders.filter(f -> Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS))
				::iterator)
			{
				removed += PARTIAL.removeStale(folder);
			}
		}
		return removed;
	}

	/**
	 * Writes {@code bytes} to a temporary file beside {@code file}, forces them to the disk, and renames it into
	 * place. The rename alone is atomic for other processes, not for a crash of the machine: a file system such as
	 * ext4 may put the new name on disk before the bytes, so a power cut would leave an empty {@code .zarray} (or
	 * chunk) under the final name. Forced first, the file under its name is the old one or the whole new one.
	 */
	static void writeAtomically(Path file, byte[] bytes) throws IOException {
		Path tmp = file.resolveSibling(PARTIAL.newName());
		try {
			try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				ByteBuffer b = ByteBuffer.wrap(bytes);
				while (b.hasRemaining()) f.write(b);
				f.force(false); // the data (and the size that reads it back), not the times
			}
			try {
				Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}

	private static int[] ints(long[] v) {
		int[] i = new int[v.length];
		for (int d = 0; d < v.length; d++) i[d] = Math.toIntExact(v[d]);
		return i;
	}

	private static JsonArray array(int[] v) {
		JsonArray a = new JsonArray();
		for (int i : v) a.add(i);
		return a;
	}

	/**
	 * The value of a missing chunk: {@code fill_value} as a number, checked against an integer {@code dtype} (a whole
	 * number within its range: zarr-python would read another value, cast, or refuse it).
	 */
	static float fillValue(JsonFields o, DataType type) {
		Float bits = floatBits(o.raw("fill_value"), type.kind());
		if (bits != null) return bits;
		float v = fillValue(o);
		double[] range = integerRange(type.kind());
		if (range != null) {
			JsonElement e = o.raw("fill_value");
			double d = e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsDouble() : v;
			if (!(d == Math.rint(d) && d >= range[0] && d <= range[1])) {
				throw o.error("fill_value", "is " + JsonFields.shortly(e) + ", which a " + type.kind()
					.name().toLowerCase(java.util.Locale.ROOT) + " array cannot hold (whole numbers from "
					+ (long) range[0] + " to " + (long) range[1] + "); write the value missing chunks should read as");
			}
		}
		return v;
	}

	/**
	 * A floating-point {@code fill_value} given as its bits in hexadecimal ({@code "0x7fc00000"}, a float32 NaN), as
	 * Zarr v3 allows; null when {@code e} is not one.
	 */
	private static Float floatBits(JsonElement e, DataType.Kind kind) {
		int digits = kind == DataType.Kind.FLOAT32 ? 8 : kind == DataType.Kind.FLOAT64 ? 16 : 0;
		if (digits == 0 || e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) return null;
		String text = e.getAsString();
		if (!text.matches("0x[0-9a-fA-F]{" + digits + "}")) return null;
		long bits = Long.parseUnsignedLong(text.substring(2), 16);
		return digits == 8 ? Float.intBitsToFloat((int) bits) : (float) Double.longBitsToDouble(bits);
	}

	/** The values an integer kind holds, null for a floating-point one. */
	private static double[] integerRange(DataType.Kind kind) {
		switch (kind) {
			case UINT8: return new double[] { 0, 255 };
			case INT8: return new double[] { -128, 127 };
			case UINT16: return new double[] { 0, 65535 };
			case INT16: return new double[] { -32768, 32767 };
			case UINT32: return new double[] { 0, 4294967295.0 };
			case INT32: return new double[] { Integer.MIN_VALUE, Integer.MAX_VALUE };
			default: return null;
		}
	}

	private static float fillValue(JsonFields o) {
		JsonElement e = o.raw("fill_value");
		if (e == null) return 0f;
		if (e.isJsonPrimitive()) {
			JsonPrimitive p = e.getAsJsonPrimitive();
			if (p.isBoolean()) return p.getAsBoolean() ? 1 : 0;
			if (p.isNumber()) {
				try {
					return (float) Double.parseDouble(p.getAsString());
				}
				catch (NumberFormatException x) {
					// refused below
				}
			}
			if (p.isString()) {
				switch (p.getAsString()) {
					case "NaN": return Float.NaN;
					case "Infinity": return Float.POSITIVE_INFINITY;
					case "-Infinity": return Float.NEGATIVE_INFINITY;
					default:
				}
			}
		}
		throw o.error("fill_value", "must be a number, 'NaN', 'Infinity', '-Infinity' or null, found "
			+ JsonFields.shortly(e));
	}
}
