package io.github.convolve2d.cli;

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
 * {@code FirstCallProbe ours|imagej SIZE K CALLS [warm]} prints the milliseconds of each of {@code CALLS}
 * consecutive calls on one line ({@code same} mode, replicate border, a random K×K kernel, the image made before
 * timing); with {@code warm}, it goes on calling as {@code bench} warms up and ends the line with the median of 5
 * more calls, so that later calls are compared with warm ones of the same JVM, heap and flags.
 */
public final class FirstCallProbe {

	private FirstCallProbe() {
	}

	public static void main(String[] args) {
		String who = args[0];
		int n = Integer.parseInt(args[1]), k = Integer.parseInt(args[2]), calls = Integer.parseInt(args[3]);
		Random rnd = new Random(42);
		float[] pixels = new float[n * n];
		for (int i = 0; i < pixels.length; i++) pixels[i] = rnd.nextFloat();
		Plane image = Plane.wrap(n, n, pixels);
		Kernel kernel = BenchCommand.randomKernel(rnd, k);
		Runnable call;
		if (who.equals("imagej")) {
			BenchPeer.Run run = new ImageJPeer().prepare(image, kernel, 1);
			call = run::run;
		}
		else {
			ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE).build();
			call = () -> Convolution.convolve(image, kernel, o);
		}
		StringBuilder line = new StringBuilder();
		for (int c = 0; c < calls; c++) {
			long t0 = System.nanoTime();
			call.run();
			line.append(String.format(Locale.ROOT, "%s%.2f", c == 0 ? "" : " ", (System.nanoTime() - t0) / 1e6));
		}
		if (args.length > 4 && args[4].equals("warm")) {
			// bench's warm-up without its System.gc(): a collection shrinks this unpre-touched heap, and the next
			// calls would time the first touches of the pages it takes back
			long t0 = System.nanoTime();
			for (int w = 0; w < BenchTimer.WARM_UP_RUNS || System.nanoTime() - t0 < BenchTimer.WARM_UP_NS; w++) call.run();
			double[] ms = new double[5];
			for (int r = 0; r < ms.length; r++) {
				long s = System.nanoTime();
				call.run();
				ms[r] = (System.nanoTime() - s) / 1e6;
			}
			line.append(String.format(Locale.ROOT, " %.2f", BenchTimer.median(ms)));
		}
		System.out.println(line);
	}
}
