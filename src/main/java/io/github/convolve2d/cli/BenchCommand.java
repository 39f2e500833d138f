package io.github.convolve2d.cli;

import io.github.convolve2d.core.UserException;
import ij.plugin.filter.Convolver;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.Kernel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code bench}: times ImageJ's own Convolver and Convolve 2D on the same random float image in one JVM
 * ({@code same} mode, replicate border, no normalisation: the settings on which they agree), prints one row per
 * kernel with the path chosen, medians, the speed-up and the largest difference to ImageJ, checks the project's
 * speed targets and ends with {@code bench: N of M targets met}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
	description = { "Times ImageJ's Convolver and Convolve 2D (same mode, replicate border) on one random image.",
		"Each row: median of several runs after a JIT warm-up (15 runs or 1 s); a run slower than 2 s is timed once (marked ¹)." })
final class BenchCommand implements Callable<Integer> {

	/** Speed-up over ImageJ that the project aims for, by kernel size (random kernels). */
	private static final double[][] TARGETS = { { 3, 15 }, { 9, 20 }, { 15, 20 }, { 31, 50 }, { 63, 150 } };
	private static final double GAUSSIAN_TARGET = 100;
	private static final double AUTO_SLACK = 1.25;
	private static final double PASS_FACTOR = 3;
	private static final long SLOW_NS = 2_000_000_000L;
	private static final int WARM_UP_RUNS = 15;
	private static final long WARM_UP_NS = 1_000_000_000L;

	@Option(names = "--size", paramLabel = "N", description = "Image side in pixels (default 4096; --quick: 1024).")
	private Integer size;

	@Option(names = "--kernels", paramLabel = "K,K,...", split = ",",
		description = "Random square kernel sizes (default 3,9,15,31,63); a 15×15 Gaussian row is always added.")
	private int[] kernels = { 3, 9, 15, 31, 63 };

	@Option(names = "--quick", description = "1024² image and fewer repetitions: finishes within a minute.")
	private boolean quick;

	@Option(names = "--runs", paramLabel = "N", description = "Timed runs per figure (default 5; --quick: 3).")
	private Integer runs;

	@Option(names = "--threads", paramLabel = "N", description = "Worker threads for Convolve 2D (default: all cores).")
	private Integer threads;

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	/** A median time and how it was obtained. */
	private static final class Timing {
		final double ms;
		final int runs;

		Timing(double ms, int runs) {
			this.ms = ms;
			this.runs = runs;
		}

		String text() {
			return String.format(Locale.ROOT, "%.1f%s", ms, runs == 1 ? "¹" : "");
		}
	}

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		int n = size != null ? size : quick ? 1024 : 4096;
		int reps = runs != null ? runs : quick ? 3 : 5;
		if (n < 64 || reps < 1) {
			throw new CommandLine.ParameterException(spec.commandLine(), "--size must be at least 64 and --runs at least 1");
		}
		int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
		Random rnd = new Random(42);
		float[] pixels = new float[n * n];
		for (int i = 0; i < pixels.length; i++) pixels[i] = rnd.nextFloat();
		Plane image = Plane.wrap(n, n, pixels);

		List<Kernel> cases = new ArrayList<>();
		for (int k : kernels) cases.add(randomKernel(rnd, k));
		cases.add(gaussian(15, 2.5));

		out.printf(Locale.ROOT, "bench: %d×%d float image, same mode, replicate border, %d thread(s) for Convolve 2D "
			+ "(%d available), ImageJ's Convolver single-threaded; medians of %d run(s) after a warm-up%n", n, n,
			nThreads, Runtime.getRuntime().availableProcessors(), reps);
		// A convolution returns a new image, so the pass it is measured against also writes a new one (clone:
		// allocate, read, write); a copy into an array allocated once is shown too, as the memory floor.
		float[] copy = new float[pixels.length];
		Timing intoExisting = time(() -> {
			System.arraycopy(pixels, 0, copy, 0, pixels.length);
			return null;
		}, reps);
		Timing pass = time(pixels::clone, reps);
		out.printf(Locale.ROOT, "one read+write pass over the image into a new image (clone): %.1f ms "
			+ "(into an existing array: %.1f ms)%n", pass.ms, intoExisting.ms);
		out.printf("%-22s %-9s %10s %10s %9s %9s %9s %9s %10s  %s%n", "kernel", "path", "ImageJ ms", "ours ms",
			"speed-up", "direct", "separable", "fft", "max|diff|", "targets");
		out.flush();

		int met = 0, total = 0;
		for (Kernel k : cases) {
			ConvolutionOptions base = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE)
				.threads(nThreads).build();
			Method chosen = Convolution.chosenMethod(image, k, base);
			float[][] ijResult = new float[1][];
			Timing ij = time(() -> {
				FloatProcessor fp = new FloatProcessor(n, n, pixels.clone());
				Convolver cv = new Convolver();
				cv.setNormalize(false);
				float[] kernel = new float[k.width() * k.height()];
				double[] values = k.values();
				for (int i = 0; i < kernel.length; i++) kernel[i] = (float) values[i];
				cv.convolve(fp, kernel, k.width(), k.height());
				return (float[]) fp.getPixels();
			}, reps, r -> ijResult[0] = r);
			Plane[] ours = new Plane[1];
			Timing auto = time(() -> Convolution.convolve(image, k, base), reps, p -> ours[0] = p);
			double[] forced = new double[3];
			Method[] methods = { Method.DIRECT, Method.SEPARABLE, Method.FFT };
			String[] forcedText = new String[3];
			for (int m = 0; m < 3; m++) {
				ConvolutionOptions o = base.toBuilder().method(methods[m]).build();
				if (methods[m] == chosen) {
					forced[m] = auto.ms;
					forcedText[m] = auto.text();
					continue;
				}
				if (methods[m] == Method.SEPARABLE && !separable(image, k, o)) {
					forced[m] = Double.NaN;
					forcedText[m] = "-";
					continue;
				}
				Timing t = time(() -> Convolution.convolve(image, k, o), reps);
				forced[m] = t.ms;
				forcedText[m] = t.text();
			}
			double diff = 0;
			float[] a = ours[0].pixels();
			for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - ijResult[0][i]));
			double speedup = ij.ms / auto.ms;
			double fastest = Double.POSITIVE_INFINITY;
			for (double f : forced) if (!Double.isNaN(f)) fastest = Math.min(fastest, f);

			List<String> checks = new ArrayList<>();
			double target = target(k);
			if (!Double.isNaN(target)) {
				boolean ok = speedup >= target;
				checks.add((ok ? "ok" : "MISSED") + " ≥" + (int) target + "×");
				total++;
				if (ok) met++;
			}
			boolean autoOk = auto.ms <= AUTO_SLACK * fastest;
			checks.add((autoOk ? "ok" : "MISSED") + " auto≤1.25×fastest");
			total++;
			if (autoOk) met++;
			if (k.width() == 3 && k.height() == 3 && !k.name().startsWith("Gaussian")) {
				boolean ok = auto.ms <= PASS_FACTOR * pass.ms;
				checks.add((ok ? "ok" : "MISSED") + " ≤3×pass");
				total++;
				if (ok) met++;
			}
			out.printf(Locale.ROOT, "%-22s %-9s %10s %10s %8.1f× %9s %9s %9s %10.2e  %s%n", k.name(),
				chosen.label(), ij.text(), auto.text(), speedup, forcedText[0], forcedText[1], forcedText[2], diff,
				String.join(", ", checks));
			out.flush();
		}
		out.println("¹ timed once (a run takes more than 2 s); other figures are medians. "
			+ "direct/separable/fft: the path forced; '-': kernel not separable.");
		if (n != 4096) {
			out.printf(Locale.ROOT, "(the targets are set for 4096² images; at %d² they are only indicative)%n", n);
		}
		out.printf("bench: %d of %d targets met%n", met, total);
		out.flush();
		return 0;
	}

	private static boolean separable(Plane image, Kernel k, ConvolutionOptions o) {
		try {
			Convolution.chosenMethod(image, k, o);
			return true;
		}
		catch (UserException e) {
			return false;
		}
	}

	private static double target(Kernel k) {
		if (k.name().startsWith("Gaussian")) return GAUSSIAN_TARGET;
		for (double[] t : TARGETS) if (t[0] == k.width() && k.width() == k.height()) return t[1];
		return Double.NaN;
	}

	private static Kernel randomKernel(Random rnd, int size) {
		double[] v = new double[size * size];
		for (int i = 0; i < v.length; i++) v[i] = (float) (2 * rnd.nextDouble() - 1);
		return Kernel.of(size + "×" + size + " random", size, size, v);
	}

	private static Kernel gaussian(int size, double sigma) {
		double[] g = new double[size];
		double sum = 0;
		for (int i = 0; i < size; i++) sum += g[i] = Math.exp(-0.5 * Math.pow((i - size / 2) / sigma, 2));
		double[] v = new double[size * size];
		for (int i = 0; i < size; i++) for (int j = 0; j < size; j++) v[i * size + j] = (float) (g[i] * g[j] / (sum * sum));
		return Kernel.of("Gaussian " + size + "×" + size + " σ=" + sigma, size, size, v);
	}

	private static <T> Timing time(Supplier<T> run, int reps) {
		return time(run, reps, r -> {
		});
	}

	/**
	 * Warm-up runs until the JIT has settled (at least {@value #WARM_UP_RUNS} runs or {@value #WARM_UP_NS} ns),
	 * then {@code reps} timed runs and their median; a first run over 2 s is timed once and reported as such.
	 */
	private static <T> Timing time(Supplier<T> run, int reps, java.util.function.Consumer<T> last) {
		System.gc(); // start each series from a collected heap, not from the previous series' garbage
		long t0 = System.nanoTime();
		T result = run.get();
		long first = System.nanoTime() - t0;
		if (first > SLOW_NS) {
			last.accept(result);
			return new Timing(first / 1e6, 1);
		}
		for (int w = 1; w < WARM_UP_RUNS || System.nanoTime() - t0 < WARM_UP_NS; w++) {
			result = run.get();
			if (System.nanoTime() - t0 > 3 * WARM_UP_NS) break;
		}
		double[] ms = new double[reps];
		for (int r = 0; r < reps; r++) {
			long s = System.nanoTime();
			result = run.get();
			ms[r] = (System.nanoTime() - s) / 1e6;
		}
		last.accept(result);
		Arrays.sort(ms);
		return new Timing(reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2, reps);
	}
}
