package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.convolve2d.kernel.JsonMatrix;
import org.junit.jupiter.api.Test;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * The core against an independent oracle: 160 small integer cases computed by SciPy
 * ({@code scipy.ndimage.correlate/convolve} for same mode, {@code scipy.signal.correlate2d} for valid/full),
 * written by {@code scripts/make_scipy_golden.py}. Integer data makes every expected value exact.
 */
class ScipyGoldenTest {

	@Test
	void agreesWithScipyOnEveryGoldenCase() throws Exception {
		JsonArray cases;
		try (Reader r = new InputStreamReader(getClass().getResourceAsStream("scipy-golden.json"), StandardCharsets.UTF_8)) {
			cases = JsonParser.parseReader(r).getAsJsonArray();
		}
		assertEquals(160, cases.size());
		int flipped = 0;
		for (JsonElement e : cases) {
			JsonObject c = e.getAsJsonObject();
			JsonArray stride = c.getAsJsonArray("stride"), dilation = c.getAsJsonArray("dilation");
			ConvolutionOptions o = ConvolutionOptions.builder().mode(c.get("mode").getAsString())
				.border(c.get("border").getAsString()).cval(c.get("cval").getAsDouble())
				.stride(stride.get(0).getAsInt(), stride.get(1).getAsInt())
				.dilation(dilation.get(0).getAsInt(), dilation.get(1).getAsInt()).flip(c.get("flip").getAsBoolean())
				.threads(2).build();
			if (o.flip()) flipped++;
			Plane in = Plane.ofRows(JsonMatrix.read(c.get("input"), "input"));
			Kernel k = Kernel.of("k", JsonMatrix.read(c.get("kernel"), "kernel"));
			double[][] expected = JsonMatrix.read(c.get("expected"), "expected");
			float[][] out = Convolution.convolve(in, k, o).toRows();
			String what = "case " + c.get("input") + " * " + c.get("kernel") + " " + o;
			assertEquals(expected.length, out.length, what + ": height");
			for (int y = 0; y < out.length; y++) {
				assertEquals(expected[y].length, out[y].length, what + ": width");
				for (int x = 0; x < out[y].length; x++) {
					assertEquals(expected[y][x], out[y][x], 1e-3, what + ": pixel " + x + "," + y);
				}
			}
		}
		assertTrue(flipped > 10, "true convolution must be among the golden cases");
	}
}
