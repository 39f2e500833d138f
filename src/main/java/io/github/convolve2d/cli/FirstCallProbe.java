package io.github.convolve2d.cli;

import ij.ImagePlus;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;

import java.util.Locale;
import java.util.Random;

/**
 * What {@code bench} runs in a fresh JVM to time the calls a user makes once in Fiji, JIT cold:
 * {@code FirstCallProbe WHO SIZE K CALLS} prints the milliseconds of each of {@code CALLS} consecutive calls on one
 * line ({@code same} mode, replicate border, a random K×K kernel, the image made before timing). {@code WHO} is
 * {@code ours} or {@code imagej} on a float plane, or {@code ours-image} or {@code imagej-image} on a 16-bit image
 * through the image engine and ImageJ's Convolve… ({@link ImageEngineRuns}).
 */
public final class FirstCallProbe {

	private FirstCallProbe() {
	}

	public static void main(String[] args) {
		String who = args[0];
		int n = Integer.parseInt(args[1]), k = Integer.parseInt(args[2]), calls = Integer.parseInt(args[3]);
		Random rnd = new Random(42);
		Runnable call;
		if (who.endsWith("-image")) {
			ImagePlus imp = ImageEngineRuns.image16(rnd, n);
			Kernel kernel = BenchCommand.randomKernel(rnd, k);
			call = who.equals("ours-image") ? ImageEngineRuns.ours(imp, kernel, Runtime.getRuntime().availableProcessors())
				: ImageEngineRuns.imageJ(imp, kernel);
		}
		else {
			float[] pixels = new float[n * n];
			for (int i = 0; i < pixels.length; i++) pixels[i] = rnd.nextFloat();
			Plane image = Plane.wrap(n, n, pixels);
			Kernel kernel = BenchCommand.randomKernel(rnd, k);
			if (who.equals("imagej")) {
				BenchPeer.Run run = new ImageJPeer().prepare(image, kernel, 1);
				call = run::run;
			}
			else {
				ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE).build();
				call = () -> Convolution.convolve(image, kernel, o);
			}
		}
		StringBuilder line = new StringBuilder();
		for (int c = 0; c < calls; c++) {
			long t0 = System.nanoTime();
			call.run();
			line.append(String.format(Locale.ROOT, "%s%.2f", c == 0 ? "" : " ", (System.nanoTime() - t0) / 1e6));
		}
		System.out.println(line);
	}
}
