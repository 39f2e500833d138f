package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Malformed Zarr v2 metadata, as a hand-edited or foreign store holds it: every case is refused as a
 * {@link UserException} whose message names the file ({@code data.zarr/0/.zarray}) and the field, never a
 * ClassCastException, a null pointer or a hang; features zarr-python writes but this package does not read (bz2,
 * filters, Fortran order) come with a Python one-liner that rewrites the array.
 */
class ZarrMetadataTest {

	private static final String VALID = "{\"zarr_format\": 2, \"shape\": [4, 6], \"chunks\": [2, 3], \"dtype\": \"<f4\", "
		+ "\"compressor\": null, \"fill_value\": 0, \"order\": \"C\", \"filters\": null}";

	@TempDir
	Path tmp;

	/** data.zarr/0 with a .zarray of VALID whose {@code field} is {@code json} (removed when null). */
	private Path array(String field, String json) throws IOException {
		return arrayWith(changed(VALID, field, json));
	}

	/** {@code valid} with its {@code field} set to {@code json} (single quotes for double ones), or removed when null. */
	private static String changed(String valid, String field, String json) {
		JsonObject o = JsonParser.parseString(valid.replace('\'', '"')).getAsJsonObject();
		if (json == null) o.remove(field);
		else o.add(field, JsonParser.parseString(json.replace('\'', '"')));
		return o.toString();
	}

	private Path arrayWith(String zarray) throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("data.zarr").resolve("0"));
		Files.write(dir.resolve(".zarray"), zarray.getBytes(StandardCharsets.UTF_8));
		return dir;
	}

	/** Opens {@code dir}, which must be refused with a message holding each of {@code parts}. */
	private static String refused(Path dir, String... parts) {
		UserException e = assertThrows(UserException.class, () -> OmeZarr.open(dir));
		for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
		return e.getMessage();
	}

	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
		"zarr_format | | field 'zarr_format' is missing",
		"zarr_format | '2' | field 'zarr_format' must be a whole number, found '2'",
		"zarr_format | 1 | field 'zarr_format' must be 2",
		"shape | | field 'shape' is missing",
		"shape | [4, 12.5] | field 'shape' must be a list of whole numbers, found 12.5",
		"shape | [4, '6'] | field 'shape' must be a list of whole numbers, found '6'",
		"shape | [4, null] | field 'shape' must be a list of whole numbers, found null",
		"shape | 24 | field 'shape' must be a list of whole numbers, found 24",
		"shape | [-4, 6] | field 'shape' must be a list of whole numbers from 0",
		"shape | [4, 3000000000] | field 'shape' must be a list of whole numbers from 0 to 2147483647",
		"shape | [24] | field 'shape' has 1 axes",
		"shape | [0, 6] | field 'shape' has an axis of length 0",
		"chunks | | field 'chunks' is missing",
		"chunks | [2, 0] | field 'chunks' must be a list of whole numbers from 1",
		"chunks | [2, 1.5] | field 'chunks' must be a list of whole numbers, found 1.5",
		"chunks | [2] | field 'chunks' must give one chunk size for each of the 2 axes",
		"chunks | {'y': 2} | field 'chunks' must be a list of whole numbers, found {",
		"chunks | [65536, 65536] | field 'chunks' makes chunks of [65536, 65536] × 4 bytes, over the 2 GB",
		"dtype | | field 'dtype' is missing",
		"dtype | '<i8' | field 'dtype' is '<i8'",
		"dtype | 'float32' | field 'dtype' is 'float32'",
		"dtype | [['r', '<f4'], ['g', '<f4']] | field 'dtype' must be a text",
		"dtype | 4 | field 'dtype' must be a text, found 4",
		"compressor | 'zlib' | field 'compressor' must be an object",
		"compressor | {} | field 'compressor.id' is missing",
		"compressor | {'id': 5} | field 'compressor.id' must be a text",
		"compressor | {'id': 'zlib', 'level': 12} | field 'compressor.level' must be -1 to 9",
		"compressor | {'id': 'zlib', 'level': 'high'} | field 'compressor.level' must be a whole number",
		"compressor | {'id': 'bz2', 'level': 1} | field 'compressor' is 'bz2'",
		"compressor | {'id': 'blosc', 'cname': 'brotli'} | field 'compressor.cname' is 'brotli'; blosc's codecs are",
		"compressor | {'id': 'blosc', 'clevel': 10} | field 'compressor.clevel' must be 0 to 9",
		"compressor | {'id': 'blosc', 'shuffle': 3} | field 'compressor.shuffle' must be -1 to 2",
		"compressor | {'id': 'zstd', 'level': 'x'} | field 'compressor.level' must be a whole number",
		"filters | 'delta' | field 'filters' must be a list",
		"order | 'X' | field 'order' must be 'C' or 'F', found 'X'",
		"order | 1 | field 'order' must be a text, found 1",
		"fill_value | 'abc' | field 'fill_value' must be a number, 'NaN', 'Infinity', '-Infinity' or null, found 'abc'",
		"fill_value | [0] | field 'fill_value' must be a number",
		"dimension_separator | '-' | field 'dimension_separator' must be '.' or '/', found '-'",
		"dimension_separator | 0 | field 'dimension_separator' must be a text" })
	void aMalformedZarrayIsRefusedNamingFileAndField(String field, String json, String expected) throws IOException {
		Path dir = array(field, json == null ? null : json.replace('\'', '"'));
		refused(dir, "data.zarr/0/.zarray: ", expected);
	}

	@Test
	void unsupportedButCommonFeaturesComeWithAPythonRewrite() throws IOException {
		// an array on its own: rewritten with zarr.array
		String bz2 = refused(array("compressor", "{\"id\": \"bz2\", \"level\": 5}"),
			"data.zarr/0/.zarray: field 'compressor' is 'bz2'", "zarr.array(src[:]", "numcodecs.Zlib(level=1)",
			"order='C'", "filters=None");
		assertTrue(bz2.contains("python3 -c"), bz2);
		refused(array("filters", "[{\"id\": \"delta\", \"dtype\": \"<f4\"}]"), "data.zarr/0/.zarray: field 'filters'",
			"delta", "filters=None");
		refused(array("order", "\"F\""), "data.zarr/0/.zarray: field 'order' is 'F'", "Fortran", "order='C'");
		// an array of an image (its folder holds .zgroup): the whole image is copied with zarr.copy_all
		Files.write(tmp.resolve("data.zarr").resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
		refused(array("compressor", "{\"id\": \"lzma\"}"), "field 'compressor' is 'lzma'", "zarr.copy_all(",
			"zarr.open_group('data.zarr'");
	}

	/**
	 * A data type not read (a bool mask, float16, 64-bit integers, as zarr-python and napari write them) is refused
	 * with how to convert it to float32, which was left out: the message only listed the types read.
	 */
	@Test
	void anUnreadDataTypeComesWithAConversionToFloat32() throws IOException {
		String bare = refused(array("dtype", "'|b1'"), "data.zarr/0/.zarray: field 'dtype' is '|b1'",
			"convert it to float32 first", "zarr.array(a[...].astype('f4'), chunks=a.chunks, store='copy.zarr')");
		assertTrue(bare.contains("zarr.open_array('0', mode='r')"), bare);
		Files.write(tmp.resolve("data.zarr").resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
		refused(array("dtype", "'<i8'"), "field 'dtype' is '<i8'", "zarr.open_group('data.zarr', mode='r')",
			"d.attrs.put(s.attrs.asdict())", "a[...].astype('f4')", "with the image's metadata");
		refused(v3Array("data_type", "'float16'"), "field 'data_type' is 'float16'", "convert it to float32 first");
	}

	private static final String VALID_V3 = "{'zarr_format': 3, 'node_type': 'array', 'shape': [4, 6], 'data_type': "
		+ "'uint16', 'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': [2, 3]}}, 'chunk_key_encoding': "
		+ "{'name': 'default', 'configuration': {'separator': '/'}}, 'fill_value': 0, 'codecs': [{'name': 'bytes', "
		+ "'configuration': {'endian': 'little'}}, {'name': 'zstd', 'configuration': {'level': 0, 'checksum': false}}]}";

	/** v3.zarr with a zarr.json of VALID_V3 whose {@code field} is {@code json} (removed when null). */
	private Path v3Array(String field, String json) throws IOException {
		Path dir = Files.createDirectories(tmp.resolve("v3.zarr"));
		Files.write(dir.resolve("zarr.json"), changed(VALID_V3, field, json).getBytes(StandardCharsets.UTF_8));
		return dir;
	}

	private static final String SHARDED = "[{'name': 'sharding_indexed', 'configuration': {'chunk_shape': %s, "
		+ "'codecs': %s, 'index_codecs': %s, 'index_location': 'end'}}]";
	private static final String INNER = "[{'name': 'bytes', 'configuration': {'endian': 'little'}}]";
	private static final String INDEX = "[{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'crc32c'}]";

	/** Malformed or unread Zarr v3 array metadata: refused naming zarr.json and the field, with what to do. */
	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
		"zarr_format | 2 | field 'zarr_format' must be 3 in zarr.json",
		"node_type | 'group' | holds no OME-Zarr image",
		"data_type | 'complex64' | field 'data_type' is 'complex64'",
		"data_type | | field 'data_type' is missing",
		"shape | [24] | field 'shape' has 1 axes",
		"chunk_grid | {'name': 'rectilinear', 'configuration': {}} | field 'chunk_grid.name' is 'rectilinear'",
		"chunk_grid | {'name': 'regular', 'configuration': {'chunk_shape': [2]}} | must give one chunk size for each",
		"chunk_key_encoding | {'name': 'nested'} | field 'chunk_key_encoding.name' must be 'default' or 'v2'",
		"chunk_key_encoding | {'name': 'default', 'configuration': {'separator': '-'}} | must be '.' or '/', found '-'",
		"codecs | [] | field 'codecs' is an empty list",
		"codecs | [{'name': 'zstd', 'configuration': {'level': 1}}] | lists 'zstd' before the bytes codec",
		"codecs | [{'name': 'bytes'}] | field 'codecs[0].configuration.endian' is missing",
		"codecs | [{'name': 'bytes', 'configuration': {'endian': 'middle'}}] | must be 'little' or 'big'",
		"codecs | [{'name': 'transpose', 'configuration': {'order': [1, 0]}}, {'name': 'bytes', 'configuration': {'endian': 'little'}}] | stored transposed",
		"codecs | [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'bz2'}] | field 'codecs[1].name' is 'bz2'",
		"codecs | [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'gzip', 'configuration': {'level': 1}}, {'name': 'zstd', 'configuration': {'level': 1}}] | compresses twice",
		"codecs | [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'crc32c'}, {'name': 'gzip', 'configuration': {'level': 1}}] | after crc32c",
		"codecs | [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'gzip', 'configuration': {'level': 12}}] | field 'codecs[1].configuration.level' must be 0 to 9",
		"codecs | [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'blosc', 'configuration': {'cname': 'lz4', 'shuffle': 'byteshuffle'}}] | must be 'noshuffle', 'shuffle' or 'bitshuffle'",
		"storage_transformers | [{'name': 'chunk-manifest'}] | storage transformers are not read",
		"my_extension | {'name': 'x'} | field 'my_extension' is an extension this reader does not know",
		"fill_value | -1 | field 'fill_value' is -1, which a uint16 array cannot hold",
	})
	void malformedOrUnreadZarrV3IsRefusedNamingFileAndField(String field, String json, String expected) throws IOException {
		refused(v3Array(field, json), "v3.zarr/zarr.json", expected);
	}

	@Test
	void malformedShardingIsRefusedNamingTheField() throws IOException {
		refused(v3Array("codecs", String.format(SHARDED, "[2, 2]", INNER, INDEX)), "v3.zarr/zarr.json",
			"does not divide the shard shape [2, 3]");
		refused(v3Array("codecs", String.format(SHARDED, "[1]", INNER, INDEX)), "one inner chunk size for each");
		Path huge = v3Array("codecs", String.format(SHARDED, "[1, 1]", INNER, INDEX));
		String json = new String(Files.readAllBytes(huge.resolve("zarr.json")), StandardCharsets.UTF_8)
			.replace("\"chunk_shape\":[2,3]", "\"chunk_shape\":[4096,4096]");
		Files.write(huge.resolve("zarr.json"), json.getBytes(StandardCharsets.UTF_8));
		refused(huge, "makes shards of 16777216 inner chunks");
		refused(v3Array("codecs", String.format(SHARDED, "[1, 3]", INNER, "[{'name': 'bytes', 'configuration': {'endian': "
			+ "'big'}}]")), "field 'codecs[0].configuration.index_codecs' must be the bytes codec (little-endian)");
		refused(v3Array("codecs", String.format(SHARDED, "[1, 3]", String.format(SHARDED, "[1, 1]", INNER, INDEX), INDEX)),
			"shards again inside a shard");
		refused(v3Array("codecs", String.format(SHARDED, "[1, 3]", INNER, INDEX).replace("'end'}}]", "'end'}}, {'name': 'crc32c'}]")),
			"codecs after sharding_indexed");
	}

	@Test
	void aZarrV3GroupWithoutAnImageIsRefused() throws IOException {
		Path v3 = Files.createDirectories(tmp.resolve("plate.zarr"));
		Files.write(v3.resolve("zarr.json"), ("{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {\"ome\": "
			+ "{\"version\": \"0.5\", \"plate\": {}}}}").getBytes(StandardCharsets.UTF_8));
		refused(v3, "plate.zarr/zarr.json holds no OME-Zarr image", "it is a plate", "e.g. -i plate.zarr/A/1/0");
		refused(array("zarr_format", "3"), "data.zarr/0/.zarray: field 'zarr_format' must be 2 in .zarray");
		// an extension that may be skipped is skipped
		assertEquals(24, OmeZarr.open(v3Array("my_extension", "{'name': 'x', 'must_understand': false}")).array()
			.shape()[0] * 6);
	}

	@Test
	void aFileThatIsNoJsonObjectIsRefusedNamingIt() throws IOException {
		refused(arrayWith("{\"zarr_format\": 2, \"shape\": [4"), "data.zarr/0/.zarray: is not valid JSON");
		refused(arrayWith(""), "data.zarr/0/.zarray: is not valid JSON");
		// text after the object (a file appended to or merged by hand): said in words, not with Gson's advice to a
		// programmer ("Use JsonReader.setLenient(true) to accept malformed JSON")
		String trailing = refused(arrayWith("{\"zarr_format\": 2}}"), "data.zarr/0/.zarray: is not valid JSON (more "
			+ "text after the end of the JSON value at line 1 column 20");
		assertFalse(trailing.contains("JsonReader"), trailing);
		refused(arrayWith("[2, 4, 6]"), "data.zarr/0/.zarray: must hold a JSON object", "[2,4,6]");
		refused(arrayWith("\"zarr\""), "data.zarr/0/.zarray: must hold a JSON object");
		Path dir = arrayWith("");
		Files.write(dir.resolve(".zarray"), new byte[] { '{', (byte) 0xff, (byte) 0xfe, '}' });
		refused(dir, "data.zarr/0/.zarray: is not UTF-8");
		Files.delete(dir.resolve(".zarray"));
		Files.createDirectory(dir.resolve(".zarray"));
		refused(dir, "data.zarr/0/.zarray: is a folder");
	}

	@Test
	void metadataNestedTooDeeplyIsRefusedNamingItNotAStackOverflow() {
		// Gson parses 100,000 levels, but writing such a value into a message recursed past the thread's stack
		int n = 100_000;
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			refused(arrayWith(VALID.replace("\"zarr_format\": 2", "\"zarr_format\": " + "[".repeat(n) + "2"
				+ "]".repeat(n))), "data.zarr/0/.zarray: nests arrays or objects more than 1000 levels deep");
			Path image = Files.createDirectories(tmp.resolve("img.zarr"));
			Files.write(image.resolve(".zattrs"), ("{\"x\": " + "{\"a\": ".repeat(n) + "1" + "}".repeat(n) + "}")
				.getBytes(StandardCharsets.UTF_8));
			refused(image, "img.zarr/.zattrs: nests arrays or objects more than 1000 levels deep");
		});
	}

	@Test
	void aPipeInPlaceOfMetadataIsRefusedRatherThanWaitedOn() throws Exception {
		Path dir = Files.createDirectories(tmp.resolve("data.zarr").resolve("0"));
		assumeTrue(mkfifo(dir.resolve(".zarray")), "mkfifo is not available");
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(dir, "data.zarr/0/.zarray: is not a plain file"));
		Path image = Files.createDirectories(tmp.resolve("img.zarr"));
		assumeTrue(mkfifo(image.resolve(".zattrs")));
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(image, "img.zarr/.zattrs: is not a plain file"));
	}

	static boolean mkfifo(Path p) throws InterruptedException {
		try {
			return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
		}
		catch (IOException e) {
			return false;
		}
	}

	@Test
	void chunksLargerThanTheShapeAreAllowedAsZarrAllows() throws IOException {
		Path dir = array("chunks", "[100, 100]");
		ZarrArray a = ZarrArray.open(dir);
		assertArrayEquals(new int[] { 100, 100 }, a.chunks());
		float[] chunk = new float[100 * 100];
		for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) chunk[y * 100 + x] = y * 10 + x;
		a.writeChunk(new int[] { 0, 0 }, chunk);
		float[] got = new float[24];
		OmeZarr.open(dir).plane(0).read(0, 0, 6, 4, got);
		for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) assertEquals(y * 10 + x, got[y * 6 + x], "y " + y + " x " + x);
	}

	/** An integer array's fill_value must be a whole number it holds (zarr-python would cast it or refuse it). */
	@ParameterizedTest
	@CsvSource(delimiter = ';', quoteCharacter = '"', value = { "<u2 ; -1 ; -1, which a uint16 array cannot hold (whole numbers from 0 to 65535)",
		"|u1 ; 300 ; 300, which a uint8 array cannot hold", "<i2 ; 1.5 ; 1.5, which a int16 array cannot hold",
		"<i4 ; 2147483648 ; 2147483648, which a int32 array cannot hold", "<i2 ; 'NaN' ; 'NaN', which a int16 array",
		"<i4 ; 'Infinity' ; 'Infinity', which a int32 array" })
	void anIntegerArraysFillValueMustBeOneOfItsValues(String dtype, String fill, String expected) throws IOException {
		JsonObject o = JsonParser.parseString(VALID).getAsJsonObject();
		o.addProperty("dtype", dtype);
		o.add("fill_value", JsonParser.parseString(fill.replace('\'', '"')));
		refused(arrayWith(o.toString()), "data.zarr/0/.zarray: field 'fill_value' is " + expected);
		o.add("fill_value", JsonParser.parseString("7"));
		float[] got = new float[24];
		OmeZarr.open(arrayWith(o.toString())).plane(0).read(0, 0, 6, 4, got);
		assertEquals(7f, got[23], dtype + ": a missing chunk reads as a fill value it holds");
	}

	@Test
	void theFillValuesZarrWritesAreRead() throws IOException {
		for (String[] c : new String[][] { { "\"NaN\"", "NaN" }, { "\"-Infinity\"", "-Infinity" }, { "2.5", "2.5" },
			{ "true", "1.0" }, { "null", "0.0" } })
		{
			float[] got = new float[24];
			OmeZarr.open(array("fill_value", c[0])).plane(0).read(0, 0, 6, 4, got);
			assertEquals(Float.parseFloat(c[1]), got[23], c[0]);
		}
	}

	/** Zarr v3 allows a float's fill_value as its bits in hexadecimal; it was refused as not a number. */
	@Test
	void aV3FloatFillValueGivenAsItsBitsIsRead() throws IOException {
		for (String[] c : new String[][] { { "float32", "0x7fc00000", "NaN" }, { "float32", "0xC0200000", "-2.5" },
			{ "float64", "0x400c000000000000", "3.5" } })
		{
			Path dir = Files.createDirectories(tmp.resolve("v3.zarr"));
			Files.write(dir.resolve("zarr.json"), changed(changed(VALID_V3, "data_type", "'" + c[0] + "'"), "fill_value",
				"'" + c[1] + "'").getBytes(StandardCharsets.UTF_8));
			float[] got = new float[24];
			OmeZarr.open(dir).plane(0).read(0, 0, 6, 4, got);
			assertEquals(Float.parseFloat(c[2]), got[23], c[1]);
		}
		refused(v3Array("fill_value", "'0x0001'"), "field 'fill_value' must be a number, 'NaN'");
	}

	/**
	 * NGFF 0.2 and 0.3 store chunks nested ({@code 0/1}), and ome-zarr-py and bioformats2raw wrote them so before
	 * zarr-python had {@code dimension_separator}: a {@code .zarray} without the field whose chunks are in folders is
	 * read nested. They were looked for as {@code 0.1}, found missing, and the image read as its fill value (a
	 * result of zeros, without a word).
	 */
	@Test
	void nestedChunksOfAZarrayWithoutADimensionSeparatorAreRead() throws IOException {
		Path dir = array("dimension_separator", "'/'");
		ZarrArray written = ZarrArray.open(dir);
		float[] chunk = new float[6];
		for (int cy = 0; cy < 2; cy++) {
			for (int cx = 0; cx < 2; cx++) {
				for (int i = 0; i < 6; i++) chunk[i] = 100 * cy + 10 * cx + i + 1;
				written.writeChunk(new int[] { cy, cx }, chunk);
			}
		}
		assertTrue(Files.isRegularFile(dir.resolve("1").resolve("1")), "chunk 1.1 is stored nested");
		Files.write(dir.resolve(".zarray"), changed(VALID, "dimension_separator", null).getBytes(StandardCharsets.UTF_8));
		float[] got = new float[24];
		OmeZarr.open(dir).plane(0).read(0, 0, 6, 4, got);
		// pixel (3, 5): chunk (1, 1), its row 1 and column 2
		assertEquals(100 + 10 + 5 + 1, got[23], 0);
		assertEquals(1, got[0], 0);
		// the flat layout without the field is read as before
		Path flat = Files.createDirectories(tmp.resolve("flat.zarr"));
		Files.write(flat.resolve(".zarray"), changed(VALID, "dimension_separator", null).getBytes(StandardCharsets.UTF_8));
		ZarrArray.open(flat).writeChunk(new int[] { 1, 1 }, chunk);
		assertTrue(Files.isRegularFile(flat.resolve("1.1")));
		OmeZarr.open(flat).plane(0).read(0, 0, 6, 4, got);
		assertEquals(chunk[5], got[23], 0);
		assertEquals(0, got[0], 0);
	}

	/** img.zarr: .zgroup, .zattrs with {@code multiscales} (its first entry's {@code key} set to {@code json}), array 0. */
	private Path image(String key, String json) throws IOException {
		JsonObject ms = JsonParser.parseString("{\"version\": \"0.4\", \"axes\": [{\"name\": \"y\", \"type\": \"space\"}, "
			+ "{\"name\": \"x\", \"type\": \"space\", \"unit\": \"micrometer\"}], \"datasets\": [{\"path\": \"0\", "
			+ "\"coordinateTransformations\": [{\"type\": \"scale\", \"scale\": [0.5, 0.25]}]}]}").getAsJsonObject();
		if (key != null) {
			if (json == null) ms.remove(key);
			else ms.add(key, JsonParser.parseString(json));
		}
		return imageWith("{\"multiscales\": [" + ms + "]}");
	}

	private Path imageWith(String zattrs) throws IOException {
		Path img = Files.createDirectories(tmp.resolve("img.zarr"));
		Files.write(img.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
		Files.write(img.resolve(".zattrs"), zattrs.getBytes(StandardCharsets.UTF_8));
		Path a = Files.createDirectories(img.resolve("0"));
		Files.write(a.resolve(".zarray"), VALID.getBytes(StandardCharsets.UTF_8));
		return img;
	}

	@Test
	void aValidImageIsRead() throws IOException {
		OmeZarr z = OmeZarr.open(image(null, null));
		assertEquals(java.util.List.of("y", "x"), z.axes());
		assertArrayEquals(new double[] { 0.5, 0.25 }, z.scale());
		assertEquals("micrometer", z.units()[1]);
	}

	/**
	 * A bare Zarr v2 array saved by xarray names its axes in .zattrs' _ARRAY_DIMENSIONS: a channel axis (c, channel,
	 * band) or time axis (t, time) is read as such, and one among the last two is refused, as Zarr v3's
	 * dimension_names are; they were ignored, a c, y, x array read as slices and a y, x, c one convolved as planes
	 * along x and c.
	 */
	@Test
	void aBareV2ArrayIsReadWithXarraysDimensionNames() throws IOException {
		String[][] read = { { "c", "y", "x" }, { "band", "y", "x" }, { "time", "channel", "y", "x" }, { "z", "y", "x" },
			{ "dim_0", "y", "x" } };
		int[][] expected = { { 1, 2, 1 }, { 1, 2, 1 }, { 2, 3, 1 }, { 1, 1, 2 }, { 1, 1, 2 } }; // frames, channels, slices
		for (int i = 0; i < read.length; i++) {
			String[] names = read[i];
			Path dir = xarrayArray(names, names.length == 4 ? new int[] { 2, 3, 5, 4 } : new int[] { 2, 5, 4 });
			try (ChunkedImage c = ChunkedImage.open(dir)) {
				String what = String.join(",", names);
				assertArrayEquals(expected[i], new int[] { c.frames(), c.channels(), c.slices() }, what);
				assertEquals(4, c.width(), what);
			}
		}
		for (String[] names : new String[][] { { "y", "x", "c" }, { "y", "x", "band" }, { "x", "y" } }) {
			Path dir = xarrayArray(names, names.length == 2 ? new int[] { 5, 4 } : new int[] { 5, 4, 3 });
			UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(dir).close());
			assertTrue(e.getMessage().contains(".zattrs: field '_ARRAY_DIMENSIONS' ends with") && e.getMessage().contains(
				"the last two axes must be the image's rows and columns (y, x)"), e.getMessage());
		}
		Path wrongCount = xarrayArray(new String[] { "y", "x" }, new int[] { 2, 5, 4 });
		UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(wrongCount).close());
		assertTrue(e.getMessage().contains("field '_ARRAY_DIMENSIONS' names 2 axes, but the array has 3"), e.getMessage());
	}

	/** A Zarr v2 array of {@code shape} with .zattrs as xarray writes them, naming its axes {@code names}. */
	private Path xarrayArray(String[] names, int[] shape) throws IOException {
		Path dir = tmp.resolve(String.join("", names) + shape.length + ".zarr");
		ZarrArray.create(dir, shape, shape, DataType.FLOAT32, Compressor.RAW, ZarrFormat.V2, null);
		Files.write(dir.resolve(".zattrs"), ("{\n    \"_ARRAY_DIMENSIONS\": [\"" + String.join("\", \"", names)
			+ "\"]\n}").getBytes(StandardCharsets.UTF_8));
		return dir;
	}

	/**
	 * A level of an image given by its folder (img.zarr/0, as dask and napari examples name the array) is read with
	 * the image's axes and that level's scale and translation; it was read as a bare array, its channel axis as
	 * slices and its pixel size lost.
	 */
	@Test
	void aLevelGivenByItsFolderIsReadWithItsImagesAxesAndCalibration() throws IOException {
		Path img = imageWith(("{'multiscales': [{'version': '0.4', 'axes': [{'name': 'c', 'type': 'channel'}, {'name': "
			+ "'y', 'type': 'space', 'unit': 'micrometer'}, {'name': 'x', 'type': 'space', 'unit': 'micrometer'}], "
			+ "'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 0.5, 0.25]}]}, "
			+ "{'path': '1', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 1, 0.5]}, {'type': "
			+ "'translation', 'translation': [0, 0.25, 0.125]}]}]}]}").replace('\'', '"'));
		Files.write(img.resolve("0/.zarray"), changed(changed(VALID, "shape", "[2, 4, 6]"), "chunks", "[1, 2, 3]")
			.getBytes(StandardCharsets.UTF_8));
		Files.createDirectories(img.resolve("1"));
		Files.write(img.resolve("1/.zarray"), changed(changed(VALID, "shape", "[2, 2, 3]"), "chunks", "[1, 2, 3]")
			.getBytes(StandardCharsets.UTF_8));
		double[][] scales = { { 1, 0.5, 0.25 }, { 1, 1, 0.5 } }, translations = { { 0, 0, 0 }, { 0, 0.25, 0.125 } };
		for (int l = 0; l < 2; l++) {
			OmeZarr z = OmeZarr.open(img.resolve(Integer.toString(l)));
			assertEquals(java.util.List.of("c", "y", "x"), z.axes(), "level " + l);
			assertArrayEquals(scales[l], z.scale(), "level " + l);
			assertArrayEquals(translations[l], z.translation(), "level " + l);
			assertEquals("micrometer", z.units()[2], "level " + l);
			assertEquals(4 - 2 * l, z.array().shape()[1], "level " + l);
			try (ChunkedImage c = ChunkedImage.open(img.resolve(Integer.toString(l)))) {
				assertEquals(2, c.channels(), "level " + l);
				assertEquals(1, c.slices(), "level " + l);
			}
		}
	}

	/** NGFF names axes freely: a time axis named 'time' and a channel axis named 'ch' are read as such by their type. */
	@Test
	void timeAndChannelAxesAreKnownByTheirTypeWhateverTheirName() throws IOException {
		String axes = "{'name': 'time', 'type': 'time'}, {'name': 'ch', 'type': 'channel'}, {'name': 'y', 'type': "
			+ "'space'}, {'name': 'x', 'type': 'space'}";
		Path img = imageWith(("{'multiscales': [{'version': '0.4', 'axes': [" + axes + "], 'datasets': [{'path': "
			+ "'0'}]}]}").replace('\'', '"'));
		Files.write(img.resolve("0/.zarray"), changed(changed(VALID, "shape", "[2, 3, 4, 6]"), "chunks", "[1, 1, 2, 3]")
			.getBytes(StandardCharsets.UTF_8));
		try (ChunkedImage c = ChunkedImage.open(img)) {
			assertEquals(2, c.frames(), "time points");
			assertEquals(3, c.channels(), "channels");
			assertEquals(1, c.slices(), "slices");
		}
		Files.write(img.resolve(".zattrs"), ("{'multiscales': [{'version': '0.4', 'axes': [" + axes.replace("'time'",
			"'channel'") + "], 'datasets': [{'path': '0'}]}]}").replace('\'', '"').getBytes(StandardCharsets.UTF_8));
		UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(img).close());
		assertTrue(e.getMessage().contains("one channel axis (c)"), e.getMessage());
		assertTrue(e.getMessage().contains("; split it into images of those axes"), e.getMessage());
		// NGFF 0.4's type is optional: without it, 'time' and 'channel' (and 'band') are known by their names, as in a
		// bare array's names; a 'channel' axis was read as slices, its channels written as z
		Files.write(img.resolve(".zattrs"), ("{'multiscales': [{'version': '0.4', 'axes': [{'name': 'time'}, {'name': "
			+ "'channel'}, {'name': 'y'}, {'name': 'x'}], 'datasets': [{'path': '0'}]}]}").replace('\'', '"')
			.getBytes(StandardCharsets.UTF_8));
		try (ChunkedImage c = ChunkedImage.open(img)) {
			assertEquals(2, c.frames(), "time points");
			assertEquals(3, c.channels(), "channels");
			assertEquals(1, c.slices(), "slices");
		}
	}

	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
		"datasets | | field 'multiscales[0].datasets' is missing",
		"datasets | [] | field 'multiscales[0].datasets' is an empty list",
		"datasets | {'path': '0'} | field 'multiscales[0].datasets' must be a list of objects",
		"datasets | ['0'] | field 'multiscales[0].datasets[0]' must be an object",
		"datasets | [{}] | field 'multiscales[0].datasets[0].path' is missing",
		"datasets | [{'path': 0}] | field 'multiscales[0].datasets[0].path' must be a text, found 0",
		"datasets | [{'path': '../0'}] | field 'multiscales[0].datasets[0].path' must name a folder inside the image",
		"datasets | [{'path': '/etc'}] | field 'multiscales[0].datasets[0].path' must name a folder inside the image",
		"datasets | [{'path': 's9'}] | field 'multiscales[0].datasets[0].path' is 's9', but img.zarr/s9 is not a folder",
		"axes | 'yx' | field 'multiscales[0].axes' must be a list",
		"axes | [{'name': 'y'}] | field 'multiscales[0].axes' names 1 axes, but the array img.zarr/0",
		"axes | [{'name': 'y'}, {'name': 'y'}] | field 'multiscales[0].axes' names axis 'y' twice",
		"axes | ['x', 'x'] | field 'multiscales[0].axes' names axis 'x' twice",
		"axes | [{'type': 'space'}, {'name': 'x'}] | field 'multiscales[0].axes[0].name' is missing",
		"axes | [{'name': 1}, {'name': 'x'}] | field 'multiscales[0].axes[0].name' must be a text",
		"axes | [1, 2] | field 'multiscales[0].axes[0]' must be an object",
		"axes | [{'name': 'y', 'unit': 5}, {'name': 'x'}] | field 'multiscales[0].axes[0].unit' must be a text",
		"axes | [{'name': 'y', 'type': 5}, {'name': 'x'}] | field 'multiscales[0].axes[0].type' must be a text",
		"axes | [{'name': 'x', 'type': 'space'}, {'name': 'ch', 'type': 'channel'}] | field 'multiscales[0].axes' ends with {",
		"axes | ['y', 'c'] | the last two axes must be the image's rows and columns (y, x)",
		"axes | [{'name': 'x', 'type': 'space'}, {'name': 'y', 'type': 'space'}] | the last two axes must be the image's rows and columns in this order (y, x), not 'x' first",
		"axes | ['z', 'x'] | must be the image's rows and columns in this order (y, x), not 'z' first",
		"axes | ['x', 'y'] | must be the image's rows and columns in this order (y, x), not 'x' first",
		"axes | [{'name': 't', 'type': 'time'}, {'name': 'x'}] | not 't' (time)",
		"coordinateTransformations | {'type': 'scale'} | field 'multiscales[0].coordinateTransformations' must be a list",
		"coordinateTransformations | [{'scale': [1, 1]}] | field 'multiscales[0].coordinateTransformations[0].type' is missing",
		"coordinateTransformations | [{'type': 'affine'}] | field 'multiscales[0].coordinateTransformations[0].type' must be 'scale', 'translation' or 'identity'",
		"coordinateTransformations | [{'type': 'scale', 'scale': [1]}] | field 'multiscales[0].coordinateTransformations[0].scale' must give one number for each of the 2 axes, found 1",
		"coordinateTransformations | [{'type': 'scale', 'scale': [1, 'a']}] | field 'multiscales[0].coordinateTransformations[0].scale' must be a list of numbers, found 'a'",
		"coordinateTransformations | [{'type': 'translation'}] | field 'multiscales[0].coordinateTransformations[0].translation' is missing",
		"coordinateTransformations | [{'type': 'scale', 'path': 'scale.bin'}] | values in a file named by 'path' are not read",
		// was written on into the output as a pixel of size 0
		"coordinateTransformations | [{'type': 'scale', 'scale': [0.5, 0]}] | field 'multiscales[0].coordinateTransformations[0].scale' is 0 along axis 'x': a pixel's size cannot be 0; write its size there (1 when it is not known)" })
	void aMalformedMultiscalesIsRefusedNamingFileAndField(String key, String json, String expected) throws IOException {
		Path img = image(key, json == null ? null : json.replace('\'', '"'));
		refused(img, "img.zarr/.zattrs: ", expected);
	}

	@Test
	void aMalformedZattrsIsRefusedNamingIt() throws IOException {
		refused(imageWith("[]"), "img.zarr/.zattrs: must hold a JSON object");
		refused(imageWith("{\"multiscales\": {}}"), "img.zarr/.zattrs: field 'multiscales' must be a list of objects");
		refused(imageWith("{\"multiscales\": []}"), "img.zarr/.zattrs: field 'multiscales' is an empty list");
		refused(imageWith("{\"multiscales\": [5]}"), "img.zarr/.zattrs: field 'multiscales[0]' must be an object");
		refused(imageWith("{\"multiscales\": null}"), "img.zarr/.zattrs holds no OME-Zarr image");
		refused(imageWith("{\"plate\": {}}"), "img.zarr/.zattrs holds no OME-Zarr image", "it is a plate");
		refused(imageWith("{\"multiscales\": [{\"datasets\": [{\"path\": \"0\"}]}"), "img.zarr/.zattrs: is not valid JSON");
	}

	/**
	 * The groups that real tools write around images, given as an input: a bioformats2raw container, an HCS plate,
	 * a well, an image's labels group. Each is refused naming the images in it to give instead (the series, the
	 * fields of view, the image or a label image); the advice was "e.g. data.zarr/0 for a plate", a folder that a
	 * plate does not have.
	 */
	@Test
	void aContainerOfImagesNamesTheImagesInIt() throws IOException {
		Path b2r = Files.createDirectories(tmp.resolve("scan.zarr"));
		Files.write(b2r.resolve(".zattrs"), "{\"bioformats2raw.layout\": 3}".getBytes(StandardCharsets.UTF_8));
		Files.write(b2r.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
		for (String series : new String[] { "0", "1", "OME" }) Files.createDirectories(b2r.resolve(series));
		refused(b2r, "scan.zarr/.zattrs holds no OME-Zarr image", "bioformats2raw container",
			"give them as inputs: -i scan.zarr/0 -i scan.zarr/1");

		Path plate = Files.createDirectories(tmp.resolve("plate.zarr"));
		// bioformats2raw marks the plates it writes as its containers too
		Files.write(plate.resolve(".zattrs"), ("{\"bioformats2raw.layout\": 3, \"plate\": {\"wells\": [{\"path\": "
			+ "\"B/3\", \"rowIndex\": 1, \"columnIndex\": 2}]}}").getBytes(StandardCharsets.UTF_8));
		Path well = Files.createDirectories(plate.resolve("B").resolve("3"));
		Files.write(well.resolve(".zattrs"), "{\"well\": {\"images\": [{\"path\": \"f0\"}, {\"path\": \"f1\"}]}}"
			.getBytes(StandardCharsets.UTF_8));
		refused(plate, "plate.zarr/.zattrs holds no OME-Zarr image", "it is a plate", "e.g. -i plate.zarr/B/3/f0");
		refused(well, "plate.zarr/B/3/.zattrs holds no OME-Zarr image", "a well of a plate",
			"-i plate.zarr/B/3/f0 -i plate.zarr/B/3/f1");

		Path labels = Files.createDirectories(tmp.resolve("img.ome.zarr").resolve("labels"));
		Files.write(labels.resolve(".zattrs"), "{\"labels\": [\"nuclei\"]}".getBytes(StandardCharsets.UTF_8));
		refused(labels, "img.ome.zarr/labels/.zattrs holds no OME-Zarr image", "labels group of an image",
			"give the image, img.ome.zarr, or one label image, e.g. -i img.ome.zarr/labels/nuclei");

		// NGFF 0.5 keeps them under 'ome'
		Path v3 = Files.createDirectories(tmp.resolve("scan3.zarr"));
		Files.write(v3.resolve("zarr.json"), ("{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {\"ome\": "
			+ "{\"version\": \"0.5\", \"bioformats2raw.layout\": 3}}}").getBytes(StandardCharsets.UTF_8));
		Files.createDirectories(v3.resolve("0"));
		refused(v3, "scan3.zarr/zarr.json holds no OME-Zarr image", "bioformats2raw container", "-i scan3.zarr/0");
	}

	/**
	 * A series of an old bioformats2raw container (NGFF 0.1, no axes nor scale in its metadata) takes its pixel size,
	 * slice spacing and frame interval from the container's OME/METADATA.ome.xml, the image of its number in the
	 * {@code series} list of OME/.zattrs (here listed in reverse), units as NGFF names them; it was uncalibrated. An
	 * OME-XML that cannot be used leaves it uncalibrated, with a note; an image with a scale of its own keeps it.
	 */
	@Test
	void anOldBioformats2rawSeriesTakesItsCalibrationFromTheOmeXml() throws IOException {
		Path b2r = Files.createDirectories(tmp.resolve("old.zarr"));
		Files.write(b2r.resolve(".zattrs"), "{\"bioformats2raw.layout\": 3}".getBytes(StandardCharsets.UTF_8));
		Files.write(b2r.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
		Path ome = Files.createDirectories(b2r.resolve("OME"));
		Files.write(ome.resolve(".zattrs"), "{\"series\": [\"1\", \"0\"]}".getBytes(StandardCharsets.UTF_8));
		String ns = "http://www.openmicroscopy.org/Schemas/OME/2016-06";
		String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=\"" + ns + "\"><Image ID=\"Image:0\"><Pixels "
			+ "ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"float\" SizeX=\"6\" SizeY=\"4\" SizeZ=\"1\" SizeC=\"1\" "
			+ "SizeT=\"1\" PhysicalSizeX=\"9\" PhysicalSizeXUnit=\"nm\"/></Image><Image ID=\"Image:1\"><Pixels "
			+ "ID=\"Pixels:1\" DimensionOrder=\"XYZCT\" Type=\"float\" SizeX=\"6\" SizeY=\"4\" SizeZ=\"2\" SizeC=\"1\" "
			+ "SizeT=\"3\" PhysicalSizeX=\"0.65\" PhysicalSizeXUnit=\"µm\" PhysicalSizeY=\"0.5\" PhysicalSizeYUnit=\"µm\" "
			+ "PhysicalSizeZ=\"2\" TimeIncrement=\"250\" TimeIncrementUnit=\"ms\"/></Image></OME>";
		Files.write(ome.resolve("METADATA.ome.xml"), xml.getBytes(StandardCharsets.UTF_8));
		Path series = Files.createDirectories(b2r.resolve("0"));
		Files.write(series.resolve(".zattrs"), "{\"multiscales\": [{\"version\": \"0.1\", \"datasets\": [{\"path\": \"0\"}]}]}"
			.getBytes(StandardCharsets.UTF_8));
		Files.createDirectories(series.resolve("0"));
		Files.write(series.resolve("0").resolve(".zarray"), changed(changed(VALID, "shape", "[3, 1, 2, 4, 6]"), "chunks",
			"[1, 1, 1, 4, 6]").getBytes(StandardCharsets.UTF_8));
		try (ChunkedImage in = ChunkedImage.open(series)) {
			assertNull(in.note());
			assertArrayEquals(new double[] { 250, 1, 2, 0.5, 0.65 }, in.scale(), 0.0);
			assertArrayEquals(new String[] { "millisecond", null, "micrometer", "micrometer", "micrometer" }, in.units());
		}
		Files.write(ome.resolve("METADATA.ome.xml"), xml.replace("<Image ID=\"Image:1\">", "<Image ID=\"Image:1\"")
			.getBytes(StandardCharsets.UTF_8));
		try (ChunkedImage in = ChunkedImage.open(series)) {
			assertTrue(in.note() != null && in.note().startsWith("its calibration in OME/METADATA.ome.xml was not used (it "
				+ "is not well-formed XML") && in.note().endsWith("so it is uncalibrated"), in.note());
			assertArrayEquals(new double[] { 1, 1, 1, 1, 1 }, in.scale(), 0.0);
		}
		Files.write(series.resolve(".zattrs"), ("{\"multiscales\": [{\"version\": \"0.4\", \"axes\": [\"t\", \"c\", "
			+ "\"z\", \"y\", \"x\"], \"datasets\": [{\"path\": \"0\", \"coordinateTransformations\": [{\"type\": "
			+ "\"scale\", \"scale\": [1, 1, 1, 3, 3]}]}]}]}").getBytes(StandardCharsets.UTF_8));
		try (ChunkedImage in = ChunkedImage.open(series)) {
			assertNull(in.note());
			assertArrayEquals(new double[] { 1, 1, 1, 3, 3 }, in.scale(), 0.0);
		}
	}

	@Test
	void aGroupWithoutAnImageSaysSo() throws IOException {
		Path g = Files.createDirectories(tmp.resolve("plate.zarr"));
		Files.write(g.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
		refused(g, "plate.zarr is neither an OME-Zarr image", "a Zarr group without an image", "data.zarr/0");
	}

	/**
	 * 600 random changes to the metadata files of a sharded NGFF 0.5 image (zarr.json) and of an NGFF 0.4 image in
	 * blosc (.zattrs, .zarray): a value replaced by a number, a negative
	 * or huge one, a text, null, a list or an object; a field removed): each opens and reads, or is refused as a
	 * {@link UserException} with a message, never another exception, a hang or an attempt at a huge allocation.
	 */
	@ParameterizedTest
	@CsvSource({ "tczyx-u16-v3-sharded.ome.zarr, zarr.json, zarr.json", "tczyx-u16le-blosc.ome.zarr, .zattrs, .zarray" })
	void randomlyChangedMetadataIsReadOrRefusedWithAMessage(String name, String group, String array) throws Exception {
		Path source = java.nio.file.Paths.get(ZarrMetadataTest.class.getResource("zarr/" + name).toURI());
		Path image = tmp.resolve("fuzz.ome.zarr");
		try (java.util.stream.Stream<Path> files = Files.walk(source)) {
			for (Path f : (Iterable<Path>) files::iterator) {
				Path to = image.resolve(source.relativize(f).toString());
				if (Files.isDirectory(f)) Files.createDirectories(to);
				else Files.copy(f, to);
			}
		}
		Path[] metadata = { image.resolve(group), image.resolve("0").resolve(array) };
		String[] original = new String[2];
		for (int i = 0; i < 2; i++) original[i] = new String(Files.readAllBytes(metadata[i]), StandardCharsets.UTF_8);
		java.util.Random rnd = new java.util.Random(20261203);
		com.google.gson.JsonElement[] replacements = { new com.google.gson.JsonPrimitive(0),
			new com.google.gson.JsonPrimitive(-1), new com.google.gson.JsonPrimitive(3),
			new com.google.gson.JsonPrimitive(1e12), new com.google.gson.JsonPrimitive(2147483647),
			new com.google.gson.JsonPrimitive("x"), new com.google.gson.JsonPrimitive("bytes"),
			new com.google.gson.JsonPrimitive("big"), new com.google.gson.JsonPrimitive(true),
			com.google.gson.JsonNull.INSTANCE, JsonParser.parseString("[]"), JsonParser.parseString("[1, 1, 1, 1, 1]"),
			JsonParser.parseString("{}"), JsonParser.parseString("[{\"name\": \"crc32c\"}]") };
		int read = 0, refused = 0;
		for (int n = 0; n < 600; n++) {
			int which = n % 2;
			com.google.gson.JsonObject root = JsonParser.parseString(original[which]).getAsJsonObject();
			java.util.List<Object[]> slots = new java.util.ArrayList<>();
			collect(root, slots);
			Object[] slot = slots.get(rnd.nextInt(slots.size()));
			boolean remove = rnd.nextInt(5) == 0 && slot[0] instanceof com.google.gson.JsonObject;
			com.google.gson.JsonElement value = replacements[rnd.nextInt(replacements.length)];
			if (slot[0] instanceof com.google.gson.JsonObject) {
				if (remove) ((com.google.gson.JsonObject) slot[0]).remove((String) slot[1]);
				else ((com.google.gson.JsonObject) slot[0]).add((String) slot[1], value.deepCopy());
			}
			else {
				((com.google.gson.JsonArray) slot[0]).set((Integer) slot[1], value.deepCopy());
			}
			Files.write(metadata[which], root.toString().getBytes(StandardCharsets.UTF_8));
			Files.write(metadata[1 - which], original[1 - which].getBytes(StandardCharsets.UTF_8));
			String what = metadata[which].getFileName() + " of " + (which == 0 ? "the group" : "the array") + ": " + root;
			try {
				assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
					OmeZarr zarr = OmeZarr.open(image);
					io.github.convolve2d.core.PlaneSource p = zarr.plane(zarr.planes() - 1);
					int w = Math.min(p.width(), 200), h = Math.min(p.height(), 200);
					p.read(0, 0, w, h, new float[w * h]);
				}, what);
				read++;
			}
			catch (UserException e) {
				assertTrue(e.getMessage() != null && e.getMessage().contains("zarr") && !e.getMessage().contains("Exception"),
					what + " -> " + e.getMessage());
				refused++;
			}
			catch (Throwable e) {
				throw new AssertionError(what + " -> " + e, e);
			}
		}
		assertTrue(read > 50 && refused > 200, read + " read, " + refused + " refused");
	}

	/** Every value slot of a JSON tree: {object, key} or {array, index}. */
	private static void collect(com.google.gson.JsonElement e, java.util.List<Object[]> slots) {
		if (e.isJsonObject()) {
			for (String key : e.getAsJsonObject().keySet()) {
				slots.add(new Object[] { e, key });
				collect(e.getAsJsonObject().get(key), slots);
			}
		}
		else if (e.isJsonArray()) {
			for (int i = 0; i < e.getAsJsonArray().size(); i++) {
				slots.add(new Object[] { e, i });
				collect(e.getAsJsonArray().get(i), slots);
			}
		}
	}
}
