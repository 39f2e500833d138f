package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * OME-Zarr against zarr-python: the golden stores under the test resources were written by Debian's python3-zarr
 * ({@code scripts/zarr_golden.py write}) and are read here; the stores this test writes into
 * {@code target/zarr-written} are checked by the same script ({@code verify}). Every store holds
 * {@link #value}, cast to its type as numpy casts.
 */
class ZarrGoldenTest {

	static final Path WRITTEN = Paths.get("target", "zarr-written");

	/** scripts/zarr_golden.py's value(t, c, z, y, x). */
	static double value(int t, int c, int z, int y, int x) {
		return ((t * 7 + c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y + 2 * x) % 4) / 4.0;
	}

	/** As numpy's astype: integers truncate (the values are positive). */
	static float cast(double v, DataType type) {
		switch (type.kind()) {
			case FLOAT32: return (float) v;
			case FLOAT64: return (float) v;
			default: return (float) Math.floor(v);
		}
	}

	private static Path golden(String name) throws URISyntaxException {
		return Paths.get(ZarrGoldenTest.class.getResource("zarr/" + name).toURI());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "u8-2d-raw, 37, 53, 16, 20, |u1, raw", "u16be-2d-zlib, 37, 53, 10, 64, >u2, zlib",
		"i16le-2d-gzip, 40, 31, 7, 9, <i2, gzip", "f32le-2d-zlib, 33, 47, 16, 16, <f4, zlib",
		"f32be-2d-raw, 25, 26, 25, 26, >f4, raw", "f64be-2d-zlib, 19, 41, 8, 12, >f8, zlib",
		"u16le-2d-blosc, 70, 90, 40, 64, <u2, blosc", "f32le-2d-blosc, 61, 77, 32, 50, <f4, blosc",
		"u8-2d-blosc, 45, 66, 45, 33, |u1, blosc", "i16le-2d-zstd, 50, 41, 16, 16, <i2, zstd",
		"f32le-2d-lz4, 33, 29, 20, 29, <f4, lz4" })
	void readsArraysZarrPythonWrote(String name, int h, int w, int ch, int cw, String dtype, String compressor)
		throws Exception
	{
		OmeZarr image = OmeZarr.open(golden(name + ".zarr"));
		ZarrArray a = image.array();
		assertArrayEquals(new int[] { h, w }, a.shape(), name);
		assertArrayEquals(new int[] { ch, cw }, a.chunks(), name);
		assertEquals(dtype, a.dataType().zarr(), name);
		assertEquals(compressor, a.compressor().id().name().toLowerCase(), name);
		assertEquals(Arrays.asList("y", "x"), image.axes());
		assertEquals(1, image.planes());
		checkPlane(image.plane(0), a.dataType(), 0, 0, 0, name, new Random(name.hashCode()));
	}

	/** The whole plane, then random rectangles (inside one chunk, across chunks, at the edges). */
	static void checkPlane(PlaneSource p, DataType type, int t, int c, int z, String what, Random rnd)
		throws IOException
	{
		checkPlane(p, type, t, c, z, what, rnd, (y, x) -> false, 0f);
	}

	/** Where a store holds its fill value instead of {@link #value}: chunks left out by the writer. */
	interface Filled {
		boolean at(int y, int x);
	}

	/** As above, with the fill value where {@code filled} says. */
	static void checkPlane(PlaneSource p, DataType type, int t, int c, int z, String what, Random rnd, Filled filled,
		float fill) throws IOException
	{
		for (int n = 0; n < 30; n++) {
			int x = n == 0 ? 0 : rnd.nextInt(p.width()), y = n == 0 ? 0 : rnd.nextInt(p.height());
			int w = n == 0 ? p.width() : 1 + rnd.nextInt(p.width() - x), h = n == 0 ? p.height() : 1 + rnd.nextInt(p.height() - y);
			float[] got = new float[w * h];
			p.read(x, y, w, h, got);
			for (int r = 0; r < h; r++) {
				for (int q = 0; q < w; q++) {
					float want = filled.at(y + r, x + q) ? fill : cast(value(t, c, z, y + r, x + q), type);
					if (got[r * w + q] != want) {
						throw new AssertionError(what + " plane t" + t + " c" + c + " z" + z + ", read " + w + "×" + h + " at "
							+ x + "," + y + ": pixel (" + (x + q) + "," + (y + r) + ") is " + got[r * w + q] + ", expected " + want);
					}
				}
			}
		}
	}

	@Test
	void aChunkNeverWrittenReadsAsTheFillValue() throws Exception {
		ZarrArray a = ZarrArray.open(golden("f32le-2d-fill.zarr"));
		assertFalse(a.hasChunk(new int[] { 0, 1 }), "zarr-python leaves a chunk of the fill value unwritten");
		assertTrue(a.hasChunk(new int[] { 0, 0 }));
		float[] got = new float[30 * 30];
		a.plane().read(0, 0, 30, 30, got);
		for (int y = 0; y < 30; y++) {
			for (int x = 0; x < 30; x++) {
				float want = y < 10 && x >= 10 && x < 20 ? -7.5f : (float) value(0, 0, 0, y, x);
				assertEquals(want, got[y * 30 + x], "pixel " + x + "," + y);
			}
		}
	}

	/**
	 * Zarr v3 arrays (scripts/zarr_golden.py after the Zarr v3 specification; zarrita reads the same values,
	 * scripts/zarr_v3_check.mjs): zstd with default keys, big-endian gzip with crc32c and v2 keys and a chunk left
	 * out, shards with the index at the end and at the start and an inner chunk left out.
	 */
	@Test
	void readsZarrV3Arrays() throws Exception {
		Object[][] cases = {
			{ "u16-v3-zstd.zarr", new int[] { 45, 70 }, new int[] { 16, 32 }, "<u2", "zstd", (Filled) (y, x) -> false, 0f },
			{ "f32be-v3-gzip-crc.zarr", new int[] { 30, 41 }, new int[] { 10, 16 }, ">f4", "gzip",
				(Filled) (y, x) -> y >= 10 && y < 20 && x >= 16 && x < 32, -7.5f },
			{ "i16-v3-sharded-end.zarr", new int[] { 50, 61 }, new int[] { 16, 12 }, "<i2", "gzip",
				(Filled) (y, x) -> y >= 16 && y < 32 && x < 12, 0f },
			{ "i16-v3-sharded-start.zarr", new int[] { 50, 61 }, new int[] { 16, 12 }, "<i2", "gzip",
				(Filled) (y, x) -> y >= 16 && y < 32 && x < 12, 0f } };
		for (Object[] k : cases) {
			String name = (String) k[0];
			OmeZarr image = OmeZarr.open(golden(name));
			ZarrArray a = image.array();
			assertArrayEquals((int[]) k[1], a.shape(), name);
			assertArrayEquals((int[]) k[2], a.chunks(), name);
			assertEquals(k[3], a.dataType().zarr(), name);
			assertEquals(k[4], a.compressor().id().name().toLowerCase(), name);
			assertEquals(Arrays.asList("y", "x"), image.axes(), name);
			for (long cache : new long[] { ZarrArray.DEFAULT_CACHE_BYTES, 0 }) {
				a.cacheBytes(cache);
				checkPlane(image.plane(0), a.dataType(), 0, 0, 0, name, new Random(name.hashCode()), (Filled) k[5],
					(float) k[6]);
			}
		}
	}

	/** An NGFF 0.5 image (Zarr v3, metadata under 'ome'), sharded, blosc and crc32c inside, a whole shard left out. */
	@Test
	void readsNgff05Images() throws Exception {
		String name = "tczyx-u16-v3-sharded.ome.zarr";
		OmeZarr image = OmeZarr.open(golden(name));
		assertEquals(Arrays.asList("t", "c", "z", "y", "x"), image.axes());
		assertArrayEquals(new int[] { 1, 2, 2, 100, 90 }, image.array().shape());
		assertArrayEquals(new int[] { 1, 1, 1, 32, 32 }, image.array().chunks());
		assertEquals("blosc", image.array().compressor().id().name().toLowerCase());
		assertArrayEquals(new double[] { 1, 1, 2, 0.5, 0.25 }, image.scale());
		assertArrayEquals(new double[] { 0, 0, 0, 10, -4 }, image.translation());
		assertEquals("micrometer", image.units()[4]);
		assertEquals(4, image.planes());
		Random rnd = new Random(5);
		for (int p = 0; p < image.planes(); p++) {
			int[] i = image.leading(p);
			boolean empty = i[1] == 1 && i[2] == 1;
			checkPlane(image.plane(p), image.array().dataType(), i[0], i[1], i[2], name, rnd,
				(y, x) -> empty && y >= 64 && x >= 64, 0f);
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "tczyx-i16be-zlib.ome.zarr, 2, 3, 2, 19, 23", "tczyx-f32le-raw.ome.zarr, 1, 2, 3, 17, 12",
		"tczyx-u16le-blosc.ome.zarr, 1, 2, 2, 150, 140" })
	void readsFiveDimensionalOmeZarrImages(String name, int t, int c, int z, int h, int w) throws Exception {
		OmeZarr image = OmeZarr.open(golden(name));
		assertEquals(Arrays.asList("t", "c", "z", "y", "x"), image.axes());
		assertArrayEquals(new int[] { t, c, z, h, w }, image.array().shape());
		assertArrayEquals(new double[] { 1, 1, 2, 0.5, 0.25 }, image.scale());
		assertArrayEquals(new double[] { 0, 0, 0, 10, -4 }, image.translation());
		assertEquals("micrometer", image.units()[4]);
		assertEquals(t * c * z, image.planes());
		Random rnd = new Random(1);
		for (int p = 0; p < image.planes(); p++) {
			int[] i = image.leading(p);
			checkPlane(image.plane(p), image.array().dataType(), i[0], i[1], i[2], name, rnd);
		}
		assertArrayEquals(new int[] { t - 1, c - 1, z - 1 }, image.leading(image.planes() - 1));
		assertArrayEquals(new int[] { 0, 0, 1 }, image.leading(1)); // C order: z fastest
	}

	@Test
	void writesStoresZarrPythonReads() throws IOException {
		deleteTree(WRITTEN);
		List<Map<String, Object>> manifest = new ArrayList<>();
		Object[][] cases = { { "u8", "|u1", Compressor.RAW }, { "u16be", ">u2", Compressor.zlib(1) },
			{ "u16le", "<u2", Compressor.gzip(6) }, { "i16be", ">i2", Compressor.RAW }, { "i16le", "<i2", Compressor.zlib(9) },
			{ "f32le", "<f4", Compressor.RAW }, { "f32be", ">f4", Compressor.zlib(1) }, { "f64le", "<f8", Compressor.gzip(1) },
			{ "f64be", ">f8", Compressor.RAW }, { "u16le-blosc", "<u2", Compressor.blosc() },
			{ "f32le-blosc", "<f4", Compressor.blosc() }, { "f64be-blosc", ">f8", Compressor.blosc() },
			{ "f32le-blosc-large", "<f4", Compressor.blosc() } };
		int[][] chunkings = { { 16, 16 }, { 7, 40 }, { 29, 3 } };
		for (int n = 0; n < cases.length; n++) {
			DataType type = DataType.parse((String) cases[n][1]);
			// the large one: chunks of 600 kB, three blocks of blosc, the last one short
			boolean large = ((String) cases[n][0]).endsWith("large");
			int[] shape = large ? new int[] { 300, 500 } : new int[] { 29, 37 };
			int[] chunks = large ? shape : chunkings[n % chunkings.length];
			String name = cases[n][0] + "-" + chunks[0] + "x" + chunks[1] + ".zarr";
			ZarrArray a = ZarrArray.create(WRITTEN.resolve(name), shape, chunks, type, (Compressor) cases[n][2]);
			writeAll(a, 0, 0, 0);
			checkPlane(ZarrArray.open(a.dir()).plane(), type, 0, 0, 0, "written " + name, new Random(n));
			manifest.add(entry(name, shape, chunks, type, false, null, null));
		}
		// a 5-D OME-Zarr image with provenance, as the batch writes its results
		Map<String, Object> attrs = new LinkedHashMap<>();
		attrs.put("convolve2d", Map.of("kernels", List.of(Map.of("name", "Sobel X", "values", new double[][] { { -1, 0, 1 } })),
			"options", "mode=same border=reflect"));
		int[] shape = { 2, 3, 1, 21, 18 };
		OmeZarr image = OmeZarr.create(WRITTEN.resolve("tczyx.ome.zarr"), shape, 8, 5, Compressor.zlib(1),
			new double[] { 1, 1, 1, 0.5, 0.5 }, new double[5], new String[] { null, null, null, "micrometer", "micrometer" },
			attrs);
		for (int p = 0; p < image.planes(); p++) {
			int[] i = image.leading(p);
			writeAll(image.array(), i[0], i[1], i[2]);
		}
		assertFalse(OmeZarr.isComplete(image.path()), "no NGFF metadata before the last chunk");
		image.commit();
		assertTrue(OmeZarr.isComplete(image.path()));
		OmeZarr back = OmeZarr.open(image.path());
		assertEquals(image.axes(), back.axes());
		assertArrayEquals(new double[] { 1, 1, 1, 0.5, 0.5 }, back.scale());
		checkPlane(back.plane(4), DataType.FLOAT32, 1, 1, 0, "written 5-D", new Random(9));
		manifest.add(entry("tczyx.ome.zarr", shape, new int[] { 1, 1, 1, 5, 8 }, DataType.FLOAT32, true,
			Arrays.asList("t", "c", "z", "y", "x"), attrs));
		// the same image with a pyramid (21×18 in chunks of 5×8: 21×18, 11×9, 6×5, 3×3 fits one chunk)
		int levels = OmeZarr.levelsFor(21, 18, 5, 8);
		assertEquals(4, levels);
		OmeZarr pyramid = OmeZarr.create(WRITTEN.resolve("pyramid.ome.zarr"), shape, 8, 5, Compressor.RAW,
			new double[] { 1, 1, 1, 0.5, 0.5 }, new double[5], new String[] { null, null, null, "micrometer", "micrometer" },
			attrs, levels);
		for (int p = 0; p < pyramid.planes(); p++) {
			int[] i = pyramid.leading(p);
			writeAll(pyramid.array(), i[0], i[1], i[2]);
		}
		for (int l = 1; l < levels; l++) for (long n = 0; n < pyramid.levelChunks(l); n++) pyramid.writeLevelChunk(l, n);
		pyramid.commit();
		Map<String, Object> pe = entry("pyramid.ome.zarr", shape, new int[] { 1, 1, 1, 5, 8 }, DataType.FLOAT32, true,
			Arrays.asList("t", "c", "z", "y", "x"), attrs);
		pe.put("levels", levels);
		manifest.add(pe);
		try (Stream<Path> files = Files.walk(WRITTEN)) {
			assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".partial")), "temporary files left");
		}
		Files.write(WRITTEN.resolve("manifest.json"), new Gson().toJson(manifest).getBytes(StandardCharsets.UTF_8));
	}

	private static Map<String, Object> entry(String path, int[] shape, int[] chunks, DataType type, boolean group,
		List<String> axes, Map<String, Object> attrs)
	{
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("path", path);
		e.put("shape", shape);
		e.put("chunks", chunks);
		e.put("dtype", type.zarr());
		e.put("group", group);
		if (axes != null) e.put("axes", axes);
		if (attrs != null) e.put("attrs", attrs);
		return e;
	}

	/** Writes value() into every chunk of plane (t, c, z) of a store whose chunks hold one plane. */
	private static void writeAll(ZarrArray a, int t, int c, int z) throws IOException {
		int[] shape = a.shape(), chunks = a.chunks();
		int nd = shape.length, ch = chunks[nd - 2], cw = chunks[nd - 1];
		for (int cy = 0; cy * ch < shape[nd - 2]; cy++) {
			for (int cx = 0; cx * cw < shape[nd - 1]; cx++) {
				float[] v = new float[a.chunkElements()];
				for (int r = 0; r < ch; r++) {
					for (int q = 0; q < cw; q++) {
						int y = cy * ch + r, x = cx * cw + q;
						v[r * cw + q] = y < shape[nd - 2] && x < shape[nd - 1] ? cast(value(t, c, z, y, x), a.dataType()) : 0;
					}
				}
				int[] index = nd == 2 ? new int[] { cy, cx } : new int[] { t, c, z, cy, cx };
				a.writeChunk(index, v);
			}
		}
	}

	/**
	 * The metadata is written as zarr-python writes it: {@code "dtype": "<f4"}, not Gson's HTML-safe {@code
	 * "\u003cf4"} (valid JSON, but not what a user greps for or other tools expect), non-ASCII still escaped.
	 */
	@Test
	void metadataIsWrittenAsZarrPythonWritesIt() throws IOException {
		Path dir = Files.createTempDirectory("zarr");
		try {
			ZarrArray.create(dir.resolve("a"), new int[] { 10, 10 }, new int[] { 5, 5 }, DataType.FLOAT32, Compressor.RAW);
			String text = new String(Files.readAllBytes(dir.resolve("a/.zarray")), java.nio.charset.StandardCharsets.US_ASCII);
			assertTrue(text.contains("\"dtype\": \"<f4\""), text);
		}
		finally {
			deleteTree(dir);
		}
	}

	@Test
	void anArrayIsReopenedForAResumedRunButADifferentOneIsNotOverwritten() throws IOException {
		Path dir = Files.createTempDirectory("zarr");
		try {
			ZarrArray a = ZarrArray.create(dir.resolve("a"), new int[] { 10, 10 }, new int[] { 5, 5 }, DataType.FLOAT32,
				Compressor.RAW);
			a.writeChunk(new int[] { 1, 0 }, new float[25]);
			ZarrArray again = ZarrArray.create(dir.resolve("a"), new int[] { 10, 10 }, new int[] { 5, 5 }, DataType.FLOAT32,
				Compressor.RAW);
			assertTrue(again.hasChunk(new int[] { 1, 0 }));
			UserException e = assertThrows(UserException.class, () -> ZarrArray.create(dir.resolve("a"),
				new int[] { 10, 12 }, new int[] { 5, 5 }, DataType.FLOAT32, Compressor.RAW));
			assertTrue(e.getMessage().contains("different Zarr array"), e.getMessage());
		}
		finally {
			deleteTree(dir);
		}
	}

	@Test
	void unsupportedStoresAreRefusedWithWhatToDo() throws IOException {
		Path dir = Files.createTempDirectory("zarr");
		try {
			Files.write(dir.resolve(".zarray"), ("{\"zarr_format\": 2, \"shape\": [4, 4], \"chunks\": [2, 2], \"dtype\": \"<f4\","
				+ " \"compressor\": {\"id\": \"lzma\"}, \"fill_value\": 0, \"order\": \"C\", \"filters\": null}")
				.getBytes(StandardCharsets.UTF_8));
			UserException e = assertThrows(UserException.class, () -> ZarrArray.open(dir));
			assertTrue(e.getMessage().contains("'lzma'") && e.getMessage().contains("blosc")
				&& e.getMessage().contains("numcodecs.Zlib"), e.getMessage());
			assertTrue(assertThrows(UserException.class, () -> DataType.parse("<i8")).getMessage().contains("uint16"));
			assertTrue(assertThrows(UserException.class, () -> OmeZarr.open(dir.resolve("none"))).getMessage()
				.contains("neither"));
		}
		finally {
			deleteTree(dir);
		}
	}

	@Test
	void byteOrdersAndTypesConvertBothWays() {
		for (DataType.Kind k : DataType.Kind.values()) {
			for (ByteOrder o : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
				DataType t = new DataType(k, o);
				assertEquals(t, DataType.parse(t.zarr()));
				float[] v = { 0, 1, 200.25f, 255, 300, -5, Float.NaN };
				java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * t.bytes());
				t.encode(v, 0, v.length, b);
				b.flip();
				float[] back = new float[v.length];
				t.decode(b, back, 0, v.length);
				float[] want = k == DataType.Kind.UINT8 ? new float[] { 0, 1, 200, 255, 255, 0, 0 }
					: k == DataType.Kind.INT8 ? new float[] { 0, 1, 127, 127, 127, -5, 0 }
					: k == DataType.Kind.UINT16 || k == DataType.Kind.UINT32 ? new float[] { 0, 1, 200, 255, 300, 0, 0 }
					: k == DataType.Kind.INT16 || k == DataType.Kind.INT32 ? new float[] { 0, 1, 200, 255, 300, -5, 0 } : v;
				assertArrayEquals(want, back, t.zarr());
			}
		}
	}

	static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(p);
		}
	}
}
