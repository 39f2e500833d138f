package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.plugin.filter.Convolver;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.Presets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ImageJ's own Process › Filters › Convolve… (ij.plugin.filter.Convolver) against the plugin where they must
 * agree (SEMANTICS.md): mode=same, border=replicate, odd kernels, normalize on or off, a 32-bit image.
 */
class ImageJConvolverCrossCheckTest {

	@ParameterizedTest(name = "{0} normalize={1}")
	@CsvSource({ "sobel-x, false", "laplacian-8, false", "emboss, true", "emboss, false", "gaussian:2, true",
		"box-5, false", "imagej-edge, true", "custom, true", "custom, false" })
	void sameAsImageJsConvolve(String preset, boolean normalize) {
		Kernel k = preset.equals("custom") ? Kernel.of("Custom", 5, 3, 1, 2, 0, -1, 3, 0, 4, 1, 2, -2, 1, 1, 0, 5, 2)
			: Presets.resolve(preset);
		ImagePlus imp = HeadlessImageJ.open("coins.png");
		FloatProcessor source = imp.getProcessor().convertToFloatProcessor();
		imp = new ImagePlus("coins", source);

		FloatProcessor theirs = (FloatProcessor) source.duplicate();
		Convolver convolver = new Convolver();
		convolver.setNormalize(normalize);
		double[] v = k.values();
		float[] kernel = new float[v.length];
		for (int i = 0; i < v.length; i++) kernel[i] = (float) v[i];
		assertTrue(convolver.convolve(theirs, kernel, k.width(), k.height()), "Convolver ran");

		String options = "kernel=[" + k.toLine() + "] mode=same border=replicate" + (normalize ? " normalize" : "");
		float[] ours = (float[]) HeadlessImageJ.convolve(imp, options).getProcessor().getPixels();
		float[] expected = (float[]) theirs.getPixels();

		// float rounding: both sum in float/double differently; bound by 1e-5 of the largest possible response
		double scale = normalize && Math.abs(k.sum()) > 1e-12 ? Math.abs(k.sum()) : 1;
		double bound = 1e-5 * 255 * k.absSum() / scale + 1e-6;
		double worst = 0;
		for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
		assertTrue(worst <= bound, preset + " normalize=" + normalize + ": largest difference " + worst
			+ " exceeds " + bound);
	}
}
