package io.github.convolve2d.batch;

import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.image.FeatureMapFilter;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The settings stamp tells apart every change that changes the outputs (kernels, their names and exact values,
 * each option, a layer's weights, bias, groups and activation) and only those (not the method or thread count).
 */
class OutputStampTest {

	private static final ConvolutionOptions O = ConvolutionOptions.DEFAULTS;

	private static List<Kernel> bank(String... presets) {
		Kernel[] k = new Kernel[presets.length];
		for (int i = 0; i < k.length; i++) k[i] = Presets.resolve(presets[i]);
		return Arrays.asList(k);
	}

	private static FeatureMapFilter layer(double w, double[] bias, int groups, Activation a) {
		double[] values = new double[2 * 1 * 3 * 3];
		Arrays.fill(values, 0.25);
		values[4] = w;
		return FeatureMapFilter.layer(LayerWeights.of(2, 1, 3, 3, values, bias, groups), a, "layer");
	}

	@Test
	void everyChangeThatChangesTheOutputsGivesAnotherStampAndNothingElseDoes() {
		Map<String, OutputStamp> stamps = new LinkedHashMap<>();
		stamps.put("sobel-x", OutputStamp.of(bank("sobel-x"), O));
		stamps.put("sobel-y", OutputStamp.of(bank("sobel-y"), O));
		stamps.put("sobel-x, sobel-y", OutputStamp.of(bank("sobel-x", "sobel-y"), O));
		stamps.put("sobel-y, sobel-x", OutputStamp.of(bank("sobel-y", "sobel-x"), O));
		stamps.put("renamed", OutputStamp.of(Collections.singletonList(Presets.resolve("sobel-x").withName("X")), O));
		stamps.put("one ulp", OutputStamp.of(Collections.singletonList(Kernel.of("k", 2, 1, 1.0,
			Math.nextUp(1.0))), O));
		stamps.put("ones", OutputStamp.of(Collections.singletonList(Kernel.of("k", 2, 1, 1.0, 1.0)), O));
		stamps.put("same", OutputStamp.of(bank("sobel-x"), O.toBuilder().mode("same").build()));
		stamps.put("reflect", OutputStamp.of(bank("sobel-x"), O.toBuilder().border("reflect").build()));
		stamps.put("cval 1", OutputStamp.of(bank("sobel-x"), O.toBuilder().cval(1).build()));
		stamps.put("stride 2", OutputStamp.of(bank("sobel-x"), O.toBuilder().stride(2).build()));
		stamps.put("stride 1,2", OutputStamp.of(bank("sobel-x"), O.toBuilder().stride(1, 2).build()));
		stamps.put("dilation 2", OutputStamp.of(bank("sobel-x"), O.toBuilder().dilation(2).build()));
		stamps.put("flip", OutputStamp.of(bank("sobel-x"), O.toBuilder().flip(true).build()));
		stamps.put("normalize", OutputStamp.of(bank("sobel-x"), O.toBuilder().normalize(true).build()));
		stamps.put("layer", OutputStamp.of(layer(1, null, 1, Activation.NONE), O));
		stamps.put("layer w", OutputStamp.of(layer(2, null, 1, Activation.NONE), O));
		stamps.put("layer bias", OutputStamp.of(layer(1, new double[] { 0, 1 }, 1, Activation.NONE), O));
		stamps.put("layer groups", OutputStamp.of(layer(1, null, 2, Activation.NONE), O));
		stamps.put("layer relu", OutputStamp.of(layer(1, null, 1, Activation.RELU), O));
		List<String> names = List.copyOf(stamps.keySet());
		for (int i = 0; i < names.size(); i++) {
			for (int j = i + 1; j < names.size(); j++) {
				assertNotEquals(stamps.get(names.get(i)).value(), stamps.get(names.get(j)).value(),
					names.get(i) + " vs " + names.get(j));
			}
		}
		assertEquals(stamps.get("sobel-x").value(), OutputStamp.of(bank("sobel-x"), O.toBuilder().method("direct")
			.threads(1).build()).value(), "the method and threads do not change the outputs' settings");
		assertEquals(stamps.get("layer relu").value(), OutputStamp.of(layer(1, null, 1, Activation.RELU), O).value());
		assertEquals(stamps.get("reflect").value(), OutputStamp.of(bank("sobel-x"), O.toBuilder().border("reflect")
			.cval(5).build()).value(), "cval counts only under a constant border");
	}

	/**
	 * Outputs written by earlier versions must still be recognised: the stamps of two settings, as the code that
	 * built the whole fingerprint text before hashing it gave them, are pinned here.
	 */
	@Test
	void stampsStayThoseOfEarlierVersions() {
		assertEquals("sha256:0bbed32866f83f8cfcf475e407b0cea1ff4c6d34920afe7a8090ab1df3cfac5f",
			OutputStamp.of(bank("sobel-x", "gaussian:2.5"), O.toBuilder().mode("same").border("constant").cval(1.5)
				.stride(1, 2).dilation(2).build()).value());
		double[] v = new double[2 * 1 * 3 * 3];
		for (int i = 0; i < v.length; i++) v[i] = i * 0.1 - 0.7;
		assertEquals("sha256:4c27a3ff0a80763ed5e3fec689360d4af3b1c3593435d55b7829dfa14af23850",
			OutputStamp.of(FeatureMapFilter.layer(LayerWeights.of(2, 1, 3, 3, v, new double[] { 0.5, -1 }, 1),
				Activation.RELU, "layer σ"), O.toBuilder().flip(true).normalize(true).build()).value());
	}
}
