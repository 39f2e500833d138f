package io.github.convolve2d.cli;

import ij.ImagePlus;
import ij.plugin.filter.Convolver;
import ij.process.ShortProcessor;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;

import java.util.Collections;
import java.util.Random;

/**
 * What {@code bench [image]} times: a 16-bit image, as microscopes save them, convolved the way a Fiji user gets
 * it. Ours goes through the image engine as the plugin and the batch command run it ({@link FeatureMaps#compute}:
 * the float copy, the convolution, the 32-bit feature map with its calibration and display range); ImageJ's goes
 * through {@code Convolver.convolve} on a copy of the 16-bit processor, as Process › Filters › Convolve… runs it
 * (the float copy, the convolution, the conversion back to 16 bits; the copy stands for the undo snapshot).
 */
final class ImageEngineRuns {

	private ImageEngineRuns() {
	}

	/** An {@code n × n} 16-bit image of random values below 4096 (a 12-bit camera's). */
	static ImagePlus image16(Random rnd, int n) {
		short[] pixels = new short[n * n];
		for (int i = 0; i < pixels.length; i++) pixels[i] = (short) rnd.nextInt(4096);
		return new ImagePlus("16-bit", new ShortProcessor(n, n, pixels, null));
	}

	/** The feature map of {@code imp} through the image engine: same mode, replicate border, {@code threads}. */
	static Runnable ours(ImagePlus imp, Kernel kernel, int threads) {
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE).threads(threads)
			.build();
		return new Runnable() {
			@Override
			public void run() {
				FeatureMaps.compute(imp, Collections.singletonList(kernel), o, Planes.ALL, ProgressListener.NONE);
			}
		};
	}

	/** ImageJ's Convolve… on a copy of {@code imp}'s 16-bit processor (it replicates edges; not normalised). */
	static Runnable imageJ(ImagePlus imp, Kernel kernel) {
		float[] weights = ImageJPeer.weights(kernel);
		return new Runnable() {
			@Override
			public void run() {
				Convolver cv = new Convolver();
				cv.setNormalize(false);
				cv.convolve(imp.getProcessor().duplicate(), weights, kernel.width(), kernel.height());
			}
		};
	}
}
