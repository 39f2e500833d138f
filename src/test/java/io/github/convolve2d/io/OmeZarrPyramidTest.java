package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * OME-Zarr pyramids: the levels' shapes, each level's pixels against a plain 2×2 mean of the level below (odd
 * edges, NaN, several planes, chunks cut short), the NGFF metadata of every level, and reading and reopening.
 */
class OmeZarrPyramidTest {

	@TempDir
	Path tmp;

	@Test
	void levelsHalveUntilOneChunkHoldsAPlane() {
		assertEquals(1, OmeZarr.levelsFor(1024, 1024, 1024, 1024));
		assertEquals(2, OmeZarr.levelsFor(1025, 10, 1024, 1024));
		assertEquals(4, OmeZarr.levelsFor(8190, 8190, 1024, 1024)); // 8190, 4095, 2048, 1024
		assertEquals(6, OmeZarr.levelsFor(30000, 30000, 1024, 1024)); // ..., 1875, 938
		assertEquals(4, OmeZarr.levelsFor(37, 23, 8, 6)); // 37×23, 19×12, 10×6, 5×3
	}

	@Test
	void eachLevelIsTheMeanOfTheOneBelowAndTheMetadataNamesThemAll() throws IOException {
		int h = 37, w = 23, planes = 2;
		Path dir = tmp.resolve("p.ome.zarr");
		double[] scale = { 1, 1, 2, 0.5, 0.25 }, translation = { 0, 0, 0, 10, -4 };
		OmeZarr image = OmeZarr.create(dir, new int[] { 1, planes, 1, h, w }, 6, 8, Compressor.zlib(1), scale,
			translation, new String[] { null, null, "micrometer", "micrometer", "micrometer" }, null, 4);
		assertEquals(4, image.levels().size());
		int[][] shapes = { { h, w }, { 19, 12 }, { 10, 6 }, { 5, 3 } };
		for (int l = 0; l < 4; l++) {
			assertArrayEquals(new int[] { 1, planes, 1, shapes[l][0], shapes[l][1] }, image.levels().get(l).shape());
		}
		// level 0: random values, a NaN, written chunk by chunk
		Random rnd = new Random(9);
		float[][] level0 = new float[planes][h * w];
		for (float[] p : level0) for (int i = 0; i < p.length; i++) p[i] = rnd.nextFloat() * 100 - 50;
		level0[1][5 * w + 7] = Float.NaN;
		ZarrArray a = image.array();
		for (int p = 0; p < planes; p++) {
			for (int cy = 0; cy * 8 < h; cy++) {
				for (int cx = 0; cx * 6 < w; cx++) {
					float[] v = new float[a.chunkElements()];
					for (int r = 0; r < 8 && cy * 8 + r < h; r++) {
						for (int q = 0; q < 6 && cx * 6 + q < w; q++) v[r * 6 + q] = level0[p][(cy * 8 + r) * w + cx * 6 + q];
					}
					a.writeChunk(new int[] { 0, p, 0, cy, cx }, v);
				}
			}
		}
		assertThrows(IllegalArgumentException.class, () -> image.writeLevelChunk(0, 0));
		float[][] below = level0;
		int bh = h, bw = w;
		for (int l = 1; l < 4; l++) {
			int lh = shapes[l][0], lw = shapes[l][1];
			long chunks = image.levelChunks(l);
			assertEquals(planes * (long) ((lh + 7) / 8) * ((lw + 5) / 6), chunks, "level " + l);
			for (long n = chunks - 1; n >= 0; n--) { // any order
				assertTrue(!image.hasLevelChunk(l, n));
				image.writeLevelChunk(l, n);
				assertTrue(image.hasLevelChunk(l, n));
			}
			float[][] level = new float[planes][lh * lw];
			for (int p = 0; p < planes; p++) {
				float[] want = PyramidReference.mean(below[p], bh, bw);
				image.levels().get(l).plane(0, p, 0).read(0, 0, lw, lh, level[p]);
				assertArrayEquals(want, level[p], "level " + l + ", plane " + p);
			}
			below = level;
			bh = lh;
			bw = lw;
		}
		assertTrue(Float.isNaN(below[1][0]), "a NaN reaches the coarsest level");
		assertTrue(!Float.isNaN(below[0][0]));

		image.commit();
		JsonObject ms = JsonParser.parseString(new String(Files.readAllBytes(dir.resolve(".zattrs")),
			StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonArray("multiscales").get(0).getAsJsonObject();
		assertEquals("local_mean", ms.get("type").getAsString());
		JsonArray datasets = ms.getAsJsonArray("datasets");
		assertEquals(4, datasets.size());
		for (int l = 0; l < 4; l++) {
			JsonObject d = datasets.get(l).getAsJsonObject();
			assertEquals(Integer.toString(l), d.get("path").getAsString());
			JsonArray t = d.getAsJsonArray("coordinateTransformations");
			JsonArray s = t.get(0).getAsJsonObject().getAsJsonArray("scale");
			JsonArray o = t.get(1).getAsJsonObject().getAsJsonArray("translation");
			double f = 1 << l;
			assertEquals(0.5 * f, s.get(3).getAsDouble(), "level " + l);
			assertEquals(0.25 * f, s.get(4).getAsDouble());
			assertEquals(2, s.get(2).getAsDouble(), "z keeps its scale");
			// a level-l pixel's centre is the centre of the 2^l × 2^l level-0 pixels it covers
			assertEquals(10 + 0.5 * (f - 1) / 2, o.get(3).getAsDouble(), 1e-12, "level " + l);
			assertEquals(-4 + 0.25 * (f - 1) / 2, o.get(4).getAsDouble(), 1e-12);
		}
		OmeZarr read = OmeZarr.open(dir);
		assertArrayEquals(new int[] { 1, planes, 1, h, w }, read.array().shape(), "reading gives the full resolution");
		assertArrayEquals(scale, read.scale());
		assertEquals(4, OmeZarr.reopen(dir).levels().size());
	}

	/**
	 * The levels of an image being written keep no chunk cache (each chunk is read back once, by the level above;
	 * caches of 64 MB per level ran a 30,000² pyramid out of a 256 MB heap): a chunk read, rewritten and read again
	 * gives its new values.
	 */
	@Test
	void anImageBeingWrittenIsReadWithoutACache() throws IOException {
		OmeZarr image = OmeZarr.create(tmp.resolve("c.ome.zarr"), new int[] { 4, 4 }, 4, 4, Compressor.RAW,
			new double[] { 1, 1 }, new double[2], null, null, 2);
		for (ZarrArray level : image.levels()) {
			float[] v = new float[level.chunkElements()];
			float[] got = new float[1];
			java.util.Arrays.fill(v, 1);
			level.writeChunk(new int[] { 0, 0 }, v);
			level.plane().read(0, 0, 1, 1, got);
			assertEquals(1, got[0]);
			java.util.Arrays.fill(v, 2);
			level.writeChunk(new int[] { 0, 0 }, v);
			level.plane().read(0, 0, 1, 1, got);
			assertEquals(2, got[0], "read again, not from a cache");
		}
	}
}
