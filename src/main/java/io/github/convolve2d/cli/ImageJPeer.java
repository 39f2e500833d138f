package io.github.convolve2d.cli;

import ij.plugin.filter.Convolver;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Plane;

/**
 * ImageJ's own {@code ij.plugin.filter.Convolver} on a {@code FloatProcessor} ({@code setNormalize(false)}; it
 * replicates edges), as Process › Filters › Convolve… runs it: single-threaded on one plane.
 */
final class ImageJPeer implements BenchPeer {

	@Override
	public String name() {
		return "ImageJ";
	}

	/** The kernel's values as the float array ImageJ's Convolver takes, row by row. */
	static float[] weights(Kernel kernel) {
		float[] weights = new float[kernel.width() * kernel.height()];
		double[] values = kernel.values();
		for (int i = 0; i < weights.length; i++) weights[i] = (float) values[i];
		return weights;
	}

	@Override
	public Run prepare(Plane image, Kernel kernel, int threads) {
		float[] weights = weights(kernel);
		return new Run() {
			private float[] last;

			@Override
			public void run() {
				// Convolver works in place: the copy stands for the new image a filter run produces
				FloatProcessor fp = new FloatProcessor(image.width(), image.height(), image.pixels().clone());
				Convolver cv = new Convolver();
				cv.setNormalize(false);
				cv.convolve(fp, weights, kernel.width(), kernel.height());
				last = (float[]) fp.getPixels();
			}

			@Override
			public float[] result() {
				return last;
			}
		};
	}
}
