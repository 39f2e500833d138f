package io.github.convolve2d.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
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
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * One Zarr v2 array on disk: a folder with a {@code .zarray} (shape, chunk shape, dtype, compressor, fill value)
 * and one file per chunk, C order, named by the chunk's indices ({@code "0.3.2"}, or {@code "0/3/2"} with
 * {@code dimension_separator "/"}). A chunk that is missing holds the fill value, as the format says.
 * <p>
 * Reading: the last two axes are the image's rows and columns; {@link #plane} gives one 2-D plane (the others
 * fixed) as a {@link PlaneSource} that reads only the chunks a rectangle touches. Whole chunks are decoded once
 * into a small cache shared by the readers (neighbouring blocks read the same chunks for their halos); a thin
 * strip of full-width rows of an uncompressed chunk is read without the rest of it.
 * <p>
 * Writing: {@link #writeChunk} writes a chunk atomically (a temporary file renamed into place), so a chunk file is
 * whole or absent even after a crash, and {@link #hasChunk} tells a resumed run which chunks are done; the
 * temporary files a killed writer left are removed by {@link #removeStaleTemporaries}.
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
	private final int chunkElements;
	private final ChunkCache cache = new ChunkCache(DEFAULT_CACHE_BYTES);

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
		long n = 1;
		for (int c : chunks) n *= c;
		if (n * type.bytes() > Integer.MAX_VALUE - 8) {
			throw new UserException("Zarr chunks of " + Arrays.toString(chunks) + " are too large (over 2 GB each); "
				+ "rechunk the array");
		}
		chunkElements = (int) n;
	}

	/**
	 * Opens the array in {@code dir}.
	 *
	 * @throws UserException when {@code .zarray} is missing or describes an array this package does not read (Zarr
	 *         v3, Fortran order, filters, blosc, another dtype), saying which
	 * @throws IOException when it cannot be read
	 */
	public static ZarrArray open(Path dir) throws IOException {
		Path meta = dir.resolve(".zarray");
		if (!Files.isRegularFile(meta)) {
			throw new UserException(dir + " is not a Zarr v2 array (no .zarray in it)");
		}
		JsonObject o;
		try {
			o = JsonParser.parseString(new String(Files.readAllBytes(meta), StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (JsonParseException | IllegalStateException e) {
			throw new UserException(meta + " is not valid JSON: " + e.getMessage());
		}
		String where = "the Zarr array " + dir;
		if (!o.has("zarr_format") || o.get("zarr_format").getAsInt() != 2) {
			throw new UserException(where + " is not Zarr format 2 (zarr_format " + o.get("zarr_format") + ")");
		}
		if (o.has("order") && !"C".equals(o.get("order").getAsString())) {
			throw new UserException(where + " stores its chunks in Fortran order; only C order is read");
		}
		if (o.has("filters") && !o.get("filters").isJsonNull() && o.get("filters").getAsJsonArray().size() > 0) {
			throw new UserException(where + " uses filters " + o.get("filters") + ", which are not read");
		}
		int[] shape = ints(o.get("shape"), where + ": shape");
		int[] chunks = ints(o.get("chunks"), where + ": chunks");
		if (shape.length < 2 || chunks.length != shape.length) {
			throw new UserException(where + " has shape " + Arrays.toString(shape) + " and chunks " + Arrays.toString(chunks)
				+ "; an image needs at least 2 axes and one chunk size per axis");
		}
		for (int c : chunks) if (c < 1) throw new UserException(where + " has a chunk size below 1");
		DataType type = DataType.parse(o.get("dtype").getAsString());
		Compressor compressor = Compressor.fromJson(o.get("compressor"), where);
		String separator = o.has("dimension_separator") && !o.get("dimension_separator").isJsonNull()
			? o.get("dimension_separator").getAsString() : ".";
		return new ZarrArray(dir, shape, chunks, type, compressor, fillValue(o.get("fill_value")), separator);
	}

	/**
	 * Creates the array's folder and {@code .zarray}, or reopens it when it already exists with exactly this
	 * shape, chunking, type and compressor (a resumed run).
	 *
	 * @throws UserException when an array with other metadata is in the way
	 */
	public static ZarrArray create(Path dir, int[] shape, int[] chunks, DataType type, Compressor compressor)
		throws IOException
	{
		if (shape.length != chunks.length || shape.length < 2) throw new IllegalArgumentException("shape/chunks");
		if (Files.exists(dir.resolve(".zarray"))) {
			ZarrArray old = open(dir);
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

	public Path dir() { return dir; }
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

	/** The array's own attributes ({@code .zattrs} in its folder; empty when there is none). */
	public java.util.Map<String, Object> attributes() throws IOException {
		Path file = dir.resolve(".zattrs");
		if (!Files.isRegularFile(file)) return java.util.Collections.emptyMap();
		try {
			JsonObject o = JsonParser.parseString(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
				.getAsJsonObject();
			java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
			for (String key : o.keySet()) {
				JsonElement e = o.get(key);
				m.put(key, e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : e.toString());
			}
			return m;
		}
		catch (JsonParseException | IllegalStateException e) {
			throw new UserException(file + " is not valid JSON: " + e.getMessage());
		}
	}

	/** Writes the array's attributes ({@code .zattrs}) atomically, replacing any. */
	public void writeAttributes(java.util.Map<String, Object> attributes) throws IOException {
		writeAtomically(dir.resolve(".zattrs"), Json.pretty(Json.tree(attributes)).getBytes(StandardCharsets.UTF_8));
	}

	/** The chunk file of the chunk with these indices (one per axis). */
	public Path chunkPath(int[] index) {
		StringBuilder key = new StringBuilder();
		for (int d = 0; d < index.length; d++) key.append(d == 0 ? "" : separator).append(index[d]);
		return dir.resolve(key.toString());
	}

	/** Whether this chunk has been written. */
	public boolean hasChunk(int[] index) {
		return Files.isRegularFile(chunkPath(index));
	}

	/** The chunk's values, C order over the chunk shape (the fill value when it is missing). */
	public float[] readChunk(int[] index) throws IOException {
		float[] values = new float[chunkElements];
		byte[] stored;
		try {
			stored = Files.readAllBytes(chunkPath(index));
		}
		catch (NoSuchFileException e) {
			Arrays.fill(values, fill);
			return values;
		}
		byte[] raw = compressor.decode(stored, chunkElements * type.bytes());
		if (raw.length != chunkElements * type.bytes()) {
			throw new IOException("chunk " + chunkPath(index) + " holds " + raw.length + " bytes, expected "
				+ (long) chunkElements * type.bytes());
		}
		type.decode(ByteBuffer.wrap(raw), values, 0, chunkElements);
		return values;
	}

	/** Writes a whole chunk (C order over the chunk shape, padded past the array's edge) atomically. */
	public void writeChunk(int[] index, float[] values) throws IOException {
		if (values.length != chunkElements) {
			throw new IllegalArgumentException("a chunk holds " + chunkElements + " values, got " + values.length);
		}
		ByteBuffer raw = ByteBuffer.allocate(chunkElements * type.bytes());
		type.encode(values, 0, chunkElements, raw);
		Path file = chunkPath(index);
		if (!separator.equals(".")) Files.createDirectories(file.getParent());
		writeAtomically(file, compressor.encode(raw.array()));
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
				if (compressor.id() == Compressor.Id.RAW && y1 - y0 < ch && c0 == 0 && x1 - x0 == cw) {
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
		ByteBuffer buf = ByteBuffer.allocate(rows * cw * type.bytes());
		try (FileChannel f = FileChannel.open(chunkPath(index), StandardOpenOption.READ)) {
			if (f.size() != (long) chunkElements * type.bytes()) {
				throw new IOException("chunk " + chunkPath(index) + " holds " + f.size() + " bytes, expected "
					+ (long) chunkElements * type.bytes());
			}
			long pos = (long) first * type.bytes();
			while (buf.hasRemaining()) {
				int n = f.read(buf, pos + buf.position());
				if (n < 0) throw new IOException("chunk " + chunkPath(index) + " ends early");
			}
		}
		catch (NoSuchFileException e) {
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
		if (separator.equals(".")) return PARTIAL.removeStale(dir);
		int removed = 0;
		try (Stream<Path> folders = Files.walk(dir, shape.length - 1)) {
			for (Path folder : (Iterable<Path>) folders.filter(f -> Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS))
				::iterator)
			{
				removed += PARTIAL.removeStale(folder);
			}
		}
		return removed;
	}

	/** Writes {@code bytes} to a temporary file beside {@code file} and renames it into place. */
	static void writeAtomically(Path file, byte[] bytes) throws IOException {
		Path tmp = file.resolveSibling(PARTIAL.newName());
		try {
			Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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

	private static int[] ints(JsonElement e, String what) {
		if (e == null || !e.isJsonArray()) throw new UserException(what + " is missing");
		JsonArray a = e.getAsJsonArray();
		int[] v = new int[a.size()];
		for (int i = 0; i < v.length; i++) {
			long n = a.get(i).getAsLong();
			if (n < 0 || n > Integer.MAX_VALUE - 8) throw new UserException(what + " " + a + " is out of range");
			v[i] = (int) n;
		}
		return v;
	}

	private static JsonArray array(int[] v) {
		JsonArray a = new JsonArray();
		for (int i : v) a.add(i);
		return a;
	}

	private static float fillValue(JsonElement e) {
		if (e == null || e.isJsonNull()) return 0f;
		JsonPrimitive p = e.getAsJsonPrimitive();
		if (p.isString()) {
			switch (p.getAsString()) {
				case "NaN": return Float.NaN;
				case "Infinity": return Float.POSITIVE_INFINITY;
				case "-Infinity": return Float.NEGATIVE_INFINITY;
				default: throw new UserException("fill_value " + p + " is not understood");
			}
		}
		if (p.isBoolean()) return p.getAsBoolean() ? 1 : 0;
		return p.getAsFloat();
	}
}
