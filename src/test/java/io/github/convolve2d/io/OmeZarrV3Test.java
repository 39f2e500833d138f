package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * OME-Zarr images written as NGFF 0.5 on Zarr v3: every value read back through {@link OmeZarr#open} (the reader
 * of v3 inputs) for each compression written, the metadata as the Zarr v3 core and codec specifications and NGFF
 * 0.5 name it, completeness, resumption, leftovers of killed writers, and the other format in the way.
 */
class OmeZarrV3Test {

	@TempDir
	Path tmp;

	private static final int H = 37, W = 23, CH = 10, CW = 8;
	private static final int[] SHAPE = { 1, 2, 1, H, W };

	private static Compressor compressor(String name) {
		switch (name) {
			case "raw": return Compressor.RAW;
			case "gzip": return Compressor.gzip(1);
			case "blosc": return Compressor.blosc();
			default: throw new IllegalArgumentException(name);
		}
	}

	/** A two-channel image with a pyramid in {@code format}, level 0 filled with {@code values} (c, y, x), committed. */
	private static OmeZarr write(Path path, ZarrFormat format, Compressor compressor, float[] values) throws IOException {
		Map<String, Object> attributes = new LinkedHashMap<>();
		attributes.put("omero", Map.of("channels", List.of(Map.of("label", "one"), Map.of("label", "two"))));
		attributes.put("convolve2d", Map.of("note", "σ")); // written beside 'ome', escaped as ASCII
		OmeZarr image = OmeZarr.create(path, SHAPE, CW, CH, compressor, new double[] { 1, 1, 1, 0.5, 0.25 },
			new double[] { 0, 0, 0, 3, -2 }, new String[] { null, null, null, "micrometer", "micrometer" }, attributes,
			OmeZarr.levelsFor(H, W, CH, CW), format);
		fillLevel0(image, values);
		for (int l = 1; l < image.levels().size(); l++) {
			for (long n = 0; n < image.levelChunks(l); n++) image.writeLevelChunk(l, n);
		}
		image.commit();
		return image;
	}

	private static void fillLevel0(OmeZarr image, float[] values) throws IOException {
		ZarrArray a = image.array();
		for (int c = 0; c < 2; c++) {
			for (int cy = 0; cy * CH < H; cy++) {
				for (int cx = 0; cx * CW < W; cx++) {
					int[] index = { 0, c, 0, cy, cx };
					if (!a.hasChunk(index)) a.writeChunk(index, chunk(values, c, cy, cx));
				}
			}
		}
	}

	private static float[] chunk(float[] values, int c, int cy, int cx) {
		float[] v = new float[CH * CW];
		for (int r = 0; r < CH; r++) {
			for (int q = 0; q < CW; q++) {
				int y = cy * CH + r, x = cx * CW + q;
				if (y < H && x < W) v[r * CW + q] = values[(c * H + y) * W + x];
			}
		}
		return v;
	}

	private static float[] random(long seed) {
		Random r = new Random(seed);
		float[] v = new float[2 * H * W];
		for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 100);
		v[5] = Float.NaN; // NaN survives, and stays out of the window
		return v;
	}

	private static float[] read(ZarrArray level, int c) throws IOException {
		int[] s = level.shape();
		float[] v = new float[s[3] * s[4]];
		level.plane(0, c, 0).read(0, 0, s[4], s[3], v);
		return v;
	}

	private static JsonObject json(Path file) throws IOException {
		return JsonParser.parseString(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII)).getAsJsonObject();
	}

	/**
	 * Each compression written in Zarr v3 reads back, through the reader of v3 inputs, as the same values as the
	 * Zarr v2 image of the same chunks, level by level; and the metadata reads back as the v2 image's.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "raw", "gzip", "blosc" })
	void aZarrV3ImageReadsBackAsTheZarrV2ImageOfTheSameValues(String name) throws IOException {
		float[] values = random(name.hashCode());
		OmeZarr v2 = write(tmp.resolve("v2.ome.zarr"), ZarrFormat.V2, compressor(name), values);
		OmeZarr v3 = write(tmp.resolve("v3.ome.zarr"), ZarrFormat.V3, compressor(name), values);
		assertEquals(ZarrFormat.V3, v3.format(), name);
		assertTrue(Files.isRegularFile(tmp.resolve("v3.ome.zarr/0/c/0/1/0/3/2")), "chunk keys c/t/c/z/y/x: " + name);
		assertFalse(Files.exists(tmp.resolve("v3.ome.zarr/.zattrs")), name);
		OmeZarr read = OmeZarr.open(tmp.resolve("v3.ome.zarr")), readV2 = OmeZarr.open(tmp.resolve("v2.ome.zarr"));
		assertEquals(ZarrFormat.V3, read.format(), name);
		assertEquals(readV2.axes(), read.axes(), name);
		assertArrayEquals(readV2.scale(), read.scale(), name);
		assertArrayEquals(readV2.translation(), read.translation(), name);
		assertArrayEquals(readV2.units(), read.units(), name);
		assertArrayEquals(readV2.types(), read.types(), name);
		assertEquals(read.axes(), read.array().dimensionNames(), name);
		assertEquals(name.equals("raw") ? Compressor.Id.RAW : name.equals("gzip") ? Compressor.Id.GZIP
			: Compressor.Id.BLOSC, read.array().compressor().id(), name);
		for (int c = 0; c < 2; c++) {
			float[] want = new float[H * W];
			System.arraycopy(values, c * H * W, want, 0, H * W);
			assertArrayEquals(want, read(read.array(), c), name + " level 0, channel " + c);
			for (int l = 1; l < v3.levels().size(); l++) {
				ZarrArray level = ZarrArray.open(tmp.resolve("v3.ome.zarr/" + l));
				assertEquals(ZarrFormat.V3, level.format());
				assertArrayEquals(read(v2.levels().get(l), c), read(level, c), name + " level " + l + ", channel " + c);
			}
		}
	}

	/** The group's and the arrays' zarr.json as Zarr v3 and NGFF 0.5 name their fields. */
	@Test
	void theMetadataIsNgff05OnZarrV3() throws IOException {
		write(tmp.resolve("img.ome.zarr"), ZarrFormat.V3, Compressor.blosc(), random(1));
		JsonObject group = json(tmp.resolve("img.ome.zarr/zarr.json"));
		assertEquals(3, group.get("zarr_format").getAsInt());
		assertEquals("group", group.get("node_type").getAsString());
		JsonObject attributes = group.getAsJsonObject("attributes");
		JsonObject ome = attributes.getAsJsonObject("ome");
		assertEquals("0.5", ome.get("version").getAsString());
		assertEquals("σ", attributes.getAsJsonObject("convolve2d").get("note").getAsString()); // beside 'ome'
		assertFalse(attributes.has("omero"), "omero is NGFF's: in 'ome'");
		JsonObject ms = ome.getAsJsonArray("multiscales").get(0).getAsJsonObject();
		assertFalse(ms.has("version"), "NGFF 0.5 gives the version once, in 'ome': " + ms);
		assertEquals("img", ms.get("name").getAsString());
		assertEquals("local_mean", ms.get("type").getAsString());
		JsonArray axes = ms.getAsJsonArray("axes");
		assertEquals("{\"name\":\"t\",\"type\":\"time\"}", axes.get(0).toString());
		assertEquals("{\"name\":\"c\",\"type\":\"channel\"}", axes.get(1).toString());
		assertEquals("{\"name\":\"y\",\"type\":\"space\",\"unit\":\"micrometer\"}", axes.get(3).toString());
		JsonArray datasets = ms.getAsJsonArray("datasets");
		assertEquals(3, datasets.size()); // 37×23, 19×12, 10×6 in chunks of 10×8
		assertEquals("[{\"type\":\"scale\",\"scale\":[1.0,1.0,1.0,1.0,0.5]},{\"type\":\"translation\",\"translation\":"
			+ "[0.0,0.0,0.0,3.25,-1.875]}]", datasets.get(1).getAsJsonObject().get("coordinateTransformations")
				.toString());
		JsonObject channel = ome.getAsJsonObject("omero").getAsJsonArray("channels").get(1).getAsJsonObject();
		assertEquals("FFFFFF", channel.get("color").getAsString());
		assertTrue(channel.getAsJsonObject("window").has("min"), channel.toString());

		JsonObject array = json(tmp.resolve("img.ome.zarr/0/zarr.json"));
		assertEquals(3, array.get("zarr_format").getAsInt());
		assertEquals("array", array.get("node_type").getAsString());
		assertEquals("[1,2,1,37,23]", array.get("shape").toString());
		assertEquals("float32", array.get("data_type").getAsString());
		assertEquals("{\"name\":\"regular\",\"configuration\":{\"chunk_shape\":[1,1,1,10,8]}}",
			array.get("chunk_grid").toString());
		assertEquals("{\"name\":\"default\",\"configuration\":{\"separator\":\"/\"}}",
			array.get("chunk_key_encoding").toString());
		assertEquals(0.0, array.get("fill_value").getAsDouble());
		assertEquals("[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}},{\"name\":\"blosc\","
			+ "\"configuration\":{\"cname\":\"lz4\",\"clevel\":5,\"shuffle\":\"shuffle\",\"typesize\":4,\"blocksize\":0}}]",
			array.get("codecs").toString());
		assertEquals("[\"t\",\"c\",\"z\",\"y\",\"x\"]", array.get("dimension_names").toString());
		assertTrue(array.getAsJsonObject("attributes").entrySet().isEmpty(), array.toString());
		// the gzip codec's name and level
		ZarrArray.create(tmp.resolve("g.zarr"), new int[] { 4, 4 }, new int[] { 2, 2 }, DataType.FLOAT32,
			Compressor.gzip(1), ZarrFormat.V3, null);
		JsonObject g = json(tmp.resolve("g.zarr/zarr.json"));
		assertEquals("[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}},{\"name\":\"gzip\","
			+ "\"configuration\":{\"level\":1}}]", g.get("codecs").toString());
		assertFalse(g.has("dimension_names"), g.toString());
	}

	/**
	 * A bare Zarr v3 array whose dimension_names end in other axes than y, x (an RGB image stored y, x, c; a
	 * transposed one) is refused as an NGFF image with such axes is: it was read as z, y, x, its planes running along x
	 * and c, and convolved without a word. Names the reader does not know (xarray's dim_0, dim_1) keep the default.
	 */
	@Test
	void aBareArrayWhoseDimensionNamesEndInOtherAxesThanYXIsRefused() throws IOException {
		String[][] refused = { { "y", "x", "c" }, { "c", "x", "y" }, { "z", "x", "t" }, { "y", "z", "x" } };
		for (String[] names : refused) {
			Path dir = tmp.resolve(String.join("", names) + ".zarr");
			ZarrArray.create(dir, new int[] { 6, 5, 3 }, new int[] { 6, 5, 3 }, DataType.FLOAT32, Compressor.RAW,
				ZarrFormat.V3, List.of(names));
			UserException e = assertThrows(UserException.class, () -> OmeZarr.open(dir), String.join(",", names));
			assertTrue(e.getMessage().contains("zarr.json: field 'dimension_names'") && e.getMessage().contains(
				"the last two axes must be the image's rows and columns (y, x)"), e.getMessage());
			if (names[2].equals("c")) assertTrue(e.getMessage().contains("not 'c' last"), e.getMessage());
		}
		for (String[] names : new String[][] { { "t", "y", "x" }, { "dim_0", "dim_1", "dim_2" } }) {
			Path dir = tmp.resolve(String.join("", names) + ".zarr");
			ZarrArray.create(dir, new int[] { 6, 5, 3 }, new int[] { 6, 5, 3 }, DataType.FLOAT32, Compressor.RAW,
				ZarrFormat.V3, List.of(names));
			assertEquals(3, OmeZarr.open(dir).array().shape()[2], String.join(",", names));
		}
	}

	/** An array's own attributes live in its zarr.json, whose other fields are kept. */
	@Test
	void anArraysAttributesAreWrittenIntoItsZarrJson() throws IOException {
		ZarrArray a = ZarrArray.create(tmp.resolve("a.zarr"), new int[] { 4, 4 }, new int[] { 2, 2 }, DataType.FLOAT32,
			Compressor.RAW, ZarrFormat.V3, List.of("y", "x"));
		a.writeAttributes(Map.of("convolve2d_settings", "Sobel X"));
		assertFalse(Files.exists(tmp.resolve("a.zarr/.zattrs")));
		ZarrArray again = ZarrArray.open(tmp.resolve("a.zarr"));
		assertEquals(Map.of("convolve2d_settings", "Sobel X"), again.attributes());
		assertEquals(List.of("y", "x"), again.dimensionNames());
		assertArrayEquals(new int[] { 2, 2 }, again.chunks());
	}

	/**
	 * Complete once committed, and not before: the group is then a Zarr v3 group without an image (which the reader
	 * refuses as one); an image created again (a resumed run) keeps its chunks, and one committed stays committed.
	 */
	@Test
	void anImageIsCompleteOnlyOnceCommittedAndAResumedOneKeepsItsChunks() throws IOException {
		Path path = tmp.resolve("img.ome.zarr");
		float[] values = random(7);
		OmeZarr image = OmeZarr.create(path, SHAPE, CW, CH, Compressor.gzip(1), new double[] { 1, 1, 1, 1, 1 },
			new double[5], null, Map.of(), 1, ZarrFormat.V3);
		image.array().writeChunk(new int[] { 0, 1, 0, 2, 1 }, chunk(values, 1, 2, 1));
		assertFalse(OmeZarr.isComplete(path));
		assertTrue(OmeZarr.isZarr(path));
		assertEquals(ZarrFormat.V3, ZarrFormat.of(path));
		UserException e = assertThrows(UserException.class, () -> OmeZarr.open(path));
		assertTrue(e.getMessage().contains("holds no OME-Zarr image"), e.getMessage());
		byte[] chunk = Files.readAllBytes(path.resolve("0/c/0/1/0/2/1"));

		OmeZarr resumed = OmeZarr.create(path, SHAPE, CW, CH, Compressor.gzip(1), new double[] { 1, 1, 1, 1, 1 },
			new double[5], null, Map.of(), 1, ZarrFormat.V3);
		assertTrue(resumed.array().hasChunk(new int[] { 0, 1, 0, 2, 1 }));
		assertArrayEquals(chunk, Files.readAllBytes(path.resolve("0/c/0/1/0/2/1")));
		fillLevel0(resumed, values);
		resumed.commit();
		assertTrue(OmeZarr.isComplete(path));
		assertArrayEquals(java.util.Arrays.copyOfRange(values, H * W, 2 * H * W), read(OmeZarr.open(path).array(), 1));
		// created again on a committed image (a run joining one that finished): still complete
		OmeZarr.create(path, SHAPE, CW, CH, Compressor.gzip(1), new double[] { 1, 1, 1, 1, 1 }, new double[5], null,
			Map.of(), 1, ZarrFormat.V3);
		assertTrue(OmeZarr.isComplete(path));
	}

	/** An image or array of the other format, or other chunks, in the way is refused, naming what is there. */
	@Test
	void theOtherFormatInTheWayIsRefused() throws IOException {
		Path v2 = tmp.resolve("v2.ome.zarr"), v3 = tmp.resolve("v3.ome.zarr");
		OmeZarr.create(v2, SHAPE, CW, CH, Compressor.RAW, new double[] { 1, 1, 1, 1, 1 }, new double[5], null, Map.of(),
			1, ZarrFormat.V2);
		OmeZarr.create(v3, SHAPE, CW, CH, Compressor.RAW, new double[] { 1, 1, 1, 1, 1 }, new double[5], null, Map.of(),
			1, ZarrFormat.V3);
		UserException e = assertThrows(UserException.class, () -> OmeZarr.create(v2, SHAPE, CW, CH, Compressor.RAW,
			new double[] { 1, 1, 1, 1, 1 }, new double[5], null, Map.of(), 1, ZarrFormat.V3));
		assertEquals("a Zarr v2 array is in the way at " + v2.resolve("0") + ", and this writes Zarr v3; remove it or "
			+ "choose another output", e.getMessage());
		e = assertThrows(UserException.class, () -> OmeZarr.create(v3, SHAPE, CW, CH, Compressor.RAW,
			new double[] { 1, 1, 1, 1, 1 }, new double[5], null, Map.of(), 1, ZarrFormat.V2));
		assertTrue(e.getMessage().startsWith("a Zarr v3 array is in the way at " + v3.resolve("0")), e.getMessage());
		e = assertThrows(UserException.class, () -> OmeZarr.create(v3, SHAPE, CW, CH, Compressor.gzip(1),
			new double[] { 1, 1, 1, 1, 1 }, new double[5], null, Map.of(), 1, ZarrFormat.V3));
		assertTrue(e.getMessage().startsWith("a different Zarr array is in the way at " + v3.resolve("0")),
			e.getMessage());
		assertEquals(ZarrFormat.V2, ZarrFormat.of(v2));
		assertEquals(ZarrFormat.V3, ZarrFormat.of(v3));
	}

	/** zlib is no Zarr v3 codec: refused, naming gzip, before anything is written. */
	@Test
	void zlibIsRefusedInZarrV3NamingGzip() {
		Path path = tmp.resolve("z.ome.zarr");
		UserException e = assertThrows(UserException.class, () -> OmeZarr.create(path, SHAPE, CW, CH,
			Compressor.zlib(1), new double[] { 1, 1, 1, 1, 1 }, new double[5], null, Map.of(), 1, ZarrFormat.V3));
		assertEquals("zlib level 1 chunks have no Zarr v3 codec; use gzip (the same deflate data, with a gzip header) "
			+ "for Zarr v3, or write Zarr v2", e.getMessage());
		assertFalse(Files.exists(path));
	}

	/**
	 * The temporary files a killed writer left in a Zarr v3 image are removed: beside the group's zarr.json and in
	 * the chunk folders, one level deeper than Zarr v2's with "/" (c/0/1/0/2 holds chunk c/0/1/0/2/1).
	 */
	@Test
	void aKilledWritersTemporaryFilesAreRemovedFromTheChunkFolders() throws Exception {
		Path path = tmp.resolve("img.ome.zarr");
		OmeZarr image = OmeZarr.create(path, SHAPE, CW, CH, Compressor.RAW, new double[] { 1, 1, 1, 1, 1 },
			new double[5], null, Map.of(), 2, ZarrFormat.V3);
		image.array().writeChunk(new int[] { 0, 1, 0, 2, 1 }, new float[CH * CW]);
		StaleTemporaries.Dead dead = StaleTemporaries.process();
		Path inChunks = StaleTemporaries.plant(path.resolve("0/c/0/1/0/2"), ".convolve2d-", ".partial", dead);
		Path inGroup = StaleTemporaries.plant(path, ".convolve2d-", ".partial", dead);
		Path live = StaleTemporaries.live(path.resolve("0/c/0/1/0/2"), ".convolve2d-", ".partial");
		assertEquals(2, OmeZarr.removeStaleTemporaries(path));
		assertFalse(Files.exists(inChunks));
		assertFalse(Files.exists(inGroup));
		assertTrue(Files.exists(live), "a live writer's file is kept");
		assertTrue(image.array().hasChunk(new int[] { 0, 1, 0, 2, 1 }));
	}
}
