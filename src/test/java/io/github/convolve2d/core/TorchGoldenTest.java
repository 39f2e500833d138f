package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.convolve2d.kernel.JsonMatrix;
import io.github.convolve2d.kernel.LayerFiles;
import org.junit.jupiter.api.Test;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ConvolutionLayer} against PyTorch: 360 cases of {@code torch.nn.functional.conv2d} (channels, outputs,
 * groups with depthwise ones, kernel sizes, stride, dilation, padding in four border modes, bias, ReLU) written by
 * {@code scripts/make_torch_golden.py}, on the direct and the FFT path. Torch's padding maps to a mode as the
 * script's header says: none to {@code valid}; torch's {@code padding='same'} to {@code same} with flip and
 * rotated kernels (torch puts the extra row of an even kernel after, our unflipped {@code same} before); a
 * symmetric padding {@code p} to the region of the {@code full} result that starts at output
 * {@code (e-1-p)/stride}; an uneven padding ({@code F.pad}'s top, left, bottom, right, any stride) to every
 * stride-th row and column of the stride-1 {@code full} result from {@code (e-1-top, e-1-left)} (SEMANTICS.md's
 * {@code kernel_size=5, padding=1, stride=2}). Integer inputs and weights in eighths make every expected value exact.
 */
class TorchGoldenTest {

	@Test
	void agreesWithTorchOnEveryGoldenCase() throws Exception {
		JsonArray cases;
		try (Reader r = new InputStreamReader(getClass().getResourceAsStream("torch-golden.json"), StandardCharsets.UTF_8)) {
			cases = JsonParser.parseReader(r).getAsJsonArray();
		}
		assertEquals(360, cases.size());
		Map<String, Integer> seen = new HashMap<>();
		for (int n = 0; n < cases.size(); n++) {
			JsonObject c = cases.get(n).getAsJsonObject();
			List<Plane> channels = new ArrayList<>();
			for (JsonElement ch : c.getAsJsonArray("input")) channels.add(Plane.ofRows(JsonMatrix.read(ch, "input")));
			int groups = c.get("groups").getAsInt();
			LayerWeights weights = LayerFiles.fromJson(c.get("weights"), c.get("bias"), groups);
			String padding = c.get("padding").getAsString();
			JsonArray stride = c.getAsJsonArray("stride"), dilation = c.getAsJsonArray("dilation");
			int sy = stride.get(0).getAsInt(), sx = stride.get(1).getAsInt();
			int dy = dilation.get(0).getAsInt(), dx = dilation.get(1).getAsInt();
			ConvolutionOptions.Builder b = ConvolutionOptions.builder().stride(sy, sx).dilation(dy, dx)
				.border(c.get("border").getAsString()).threads(2);
			Region region = null;
			int every = 1, everyX = 1; // the stride taken by sampling the stride-1 result (uneven padding)
			JsonArray expected = c.getAsJsonArray("output");
			if (padding.equals("valid")) b.mode(Mode.VALID);
			else if (padding.equals("same")) {
				b.mode(Mode.SAME).flip(true);
				weights = rotated(weights);
			}
			else if (padding.equals("uneven")) {
				int ey = dy * (weights.kernelHeight() - 1) + 1, ex = dx * (weights.kernelWidth() - 1) + 1;
				JsonArray pad = c.getAsJsonArray("pad");
				int h = expected.get(0).getAsJsonArray().size(), w = expected.get(0).getAsJsonArray().get(0).getAsJsonArray().size();
				b.mode(Mode.FULL).stride(1, 1);
				region = Region.of(ex - 1 - pad.get(1).getAsInt(), ey - 1 - pad.get(0).getAsInt(), (w - 1) * sx + 1,
					(h - 1) * sy + 1);
				every = sy;
				everyX = sx;
			}
			else {
				b.mode(Mode.FULL);
				int ey = dy * (weights.kernelHeight() - 1) + 1, ex = dx * (weights.kernelWidth() - 1) + 1;
				JsonArray pad = c.getAsJsonArray("pad");
				int h = expected.get(0).getAsJsonArray().size(), w = expected.get(0).getAsJsonArray().get(0).getAsJsonArray().size();
				region = Region.of((ex - 1 - pad.get(1).getAsInt()) / sx, (ey - 1 - pad.get(0).getAsInt()) / sy, w, h);
			}
			Activation act = c.get("relu").getAsBoolean() ? Activation.RELU : Activation.NONE;
			for (Method m : new Method[] { Method.DIRECT, Method.FFT }) {
				ConvolutionOptions o = b.method(m).build();
				String what = "case " + n + " " + weights + " C=" + channels.size() + " padding=" + padding + " " + o
					+ (region == null ? "" : " region " + region) + " " + act;
				List<Plane> got = ConvolutionLayer.convolve(channels, weights, o, act, region, ProgressListener.NONE);
				assertEquals(expected.size(), got.size(), what + ": outputs");
				for (int out = 0; out < got.size(); out++) {
					double[][] e = JsonMatrix.read(expected.get(out), "output");
					Plane p = got.get(out);
					assertEquals((e.length - 1) * every + 1, p.height(), what + ": height");
					assertEquals((e[0].length - 1) * everyX + 1, p.width(), what + ": width");
					double tolerance = 1e-5 * (9 * absSum(weights, out) + Math.abs(weights.bias(out))) + 1e-6;
					for (int y = 0; y < e.length; y++) {
						for (int x = 0; x < e[0].length; x++) {
							assertEquals(e[y][x], p.get(x * everyX, y * every), tolerance, what + ": output " + out + " pixel " + x + "," + y);
						}
					}
				}
			}
			seen.merge(padding, 1, Integer::sum);
			seen.merge("border " + c.get("border").getAsString(), 1, Integer::sum);
			if (groups > 1) seen.merge(weights.channelsPerGroup() == 1 ? "depthwise" : "grouped", 1, Integer::sum);
			if (act == Activation.RELU) seen.merge("relu", 1, Integer::sum);
			if (sy > 1 || sx > 1) seen.merge("stride", 1, Integer::sum);
			if (padding.equals("uneven") && (sy > 1 || sx > 1)) seen.merge("uneven with stride", 1, Integer::sum);
			if (dy > 1 || dx > 1) seen.merge("dilation", 1, Integer::sum);
		}
		for (String kind : new String[] { "valid", "same", "pad", "border mirror", "border wrap", "border replicate",
			"depthwise", "grouped", "relu", "stride", "dilation", "uneven", "uneven with stride" })
		{
			assertTrue(seen.getOrDefault(kind, 0) >= 10, kind + " appears only " + seen.get(kind) + " times: " + seen);
		}
	}

	private static double absSum(LayerWeights w, int o) {
		double s = 0;
		for (int c = 0; c < w.channelsPerGroup(); c++) s += w.kernel(o, c).absSum();
		return s;
	}

	/** The same weights with every kernel rotated by 180°. */
	private static LayerWeights rotated(LayerWeights w) {
		int size = w.kernelHeight() * w.kernelWidth();
		double[] v = new double[w.outputs() * w.channelsPerGroup() * size];
		double[] bias = w.hasBias() ? new double[w.outputs()] : null;
		for (int o = 0; o < w.outputs(); o++) {
			if (bias != null) bias[o] = w.bias(o);
			for (int c = 0; c < w.channelsPerGroup(); c++) {
				double[] k = w.kernel(o, c).flipped().values();
				System.arraycopy(k, 0, v, (o * w.channelsPerGroup() + c) * size, size);
			}
		}
		return LayerWeights.of(w.outputs(), w.channelsPerGroup(), w.kernelHeight(), w.kernelWidth(), v, bias, w.groups());
	}
}
