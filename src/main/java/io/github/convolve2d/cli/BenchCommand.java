package io.github.convolve2d.cli;

import ij.ImagePlus;
import ij.Prefs;
import ij.plugin.filter.GaussianBlur;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.Suggestions;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.Presets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench}: times Convolve 2D, ImageJ's own Convolver and OpenCV's {@code filter2D} on the same random float
 * images in one run ({@code same} mode, replicate border, no normalisation: the settings on which they agree) and
 * checks the project's speed targets, ending with {@code bench: N of M targets met}. Five sections: large images
 * by kernel size, small images after a batch-like warm-up, a kernel bank against its kernels one by one, first
 * calls in fresh JVMs (JIT cold, as a Fiji user's one call is), and a 16-bit image through the image engine against
 * ImageJ's Convolve… (the whole call a Fiji user waits for; no target).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
	description = { "Times Convolve 2D beside ImageJ's Convolver and OpenCV's filter2D (same mode, replicate border).",
		"Medians after a JIT warm-up; a run slower than 2 s is timed once (marked ¹).",
		"OpenCV is timed when its bindings are on the class path (see README)." })
final class BenchCommand implements Callable<Integer> {

	/** Speed-up over ImageJ that the project aims for, by kernel size (random kernels, 4096²). */
	private static final double[][] TARGETS = { { 3, 15 }, { 9, 20 }, { 15, 20 }, { 31, 50 }, { 63, 150 } };
	private static final double GAUSSIAN_TARGET = 100;
	private static final double AUTO_SLACK = 1.25;
	private static final double PASS_FACTOR = 3;
	/** Small images: at most this many times OpenCV's time. */
	private static final double SMALL_VS_OPENCV = 1.5;
	private static final int SMALL_WARM_UP_CALLS = 100;
	/**
	 * A batch of 100 images spends seconds reading and writing them, time in which the JIT compiles; 100
	 * back-to-back calls on a 256² image last 10–40 ms, too short for it after the large section's shapes (ours
	 * is shown after those too, but the targets are read after at least this long).
	 */
	private static final long SMALL_BATCH_NS = 1_000_000_000L;
	private static final int[] SMALL_SIZES = { 256, 512, 1024 };
	private static final int[] SMALL_KERNELS = { 3, 5, 9 };
	/** A bank of {@value #BANK_KERNELS} 3×3 kernels: at most this share of the kernels' one-by-one time. */
	private static final int BANK_KERNELS = 8;
	private static final double BANK_SHARE = 0.6;
	/** First call in a fresh JVM: speed-up over ImageJ's first call by kernel size; later calls vs warm. */
	private static final double[][] FIRST_CALL_TARGETS = { { 3, 5 }, { 9, 10 } };
	private static final double LATER_CALLS_VS_WARM = 1.3;
	private static final int FIRST_CALLS = 6;

	enum Section { LARGE, SMALL, BANK, FIRST, IMAGE }

	@Option(names = "--size", paramLabel = "N",
		description = "Side of the large image, the bank's and the first calls' image (default 4096; --quick: 1024).")
	private Integer size;

	@Option(names = "--kernels", paramLabel = "K,K,...", split = ",",
		description = "Random square kernel sizes of the large-image rows, odd (default 3,9,15,31,63); a 15×15 "
			+ "Gaussian row is always added.")
	private int[] kernels = { 3, 9, 15, 31, 63 };

	@Option(names = "--quick", description = "1024² images, fewer repetitions and JVM starts: a quick look.")
	private boolean quick;

	@Option(names = "--runs", paramLabel = "N", description = "Timed runs per figure (default 5; --quick: 3).")
	private Integer runs;

	@Option(names = "--threads", paramLabel = "N",
		description = "Worker threads for Convolve 2D and OpenCV (default: all cores).")
	private Integer threads;

	@Option(names = "--jvms", paramLabel = "N", description = "Fresh JVMs per first-call figure (default 5; --quick: 3).")
	private Integer jvms;

	@Option(names = "--sections", paramLabel = "S,S,...", split = ",",
		description = "Which sections to run: large, small, bank, first, image (default: all).")
	private List<String> sections;

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	private int met, total;

	@Override
	public Integer call() throws IOException, InterruptedException {
		PrintWriter out = spec.commandLine().getOut();
		int n = size != null ? size : quick ? 1024 : 4096;
		int reps = runs != null ? runs : quick ? 3 : 5;
		int starts = jvms != null ? jvms : quick ? 3 : 5;
		int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
		check(n >= 64 && n <= 16384, "--size must be between 64 and 16384, got " + n);
		check(reps >= 1 && reps <= 1000, "--runs must be between 1 and 1000, got " + reps);
		check(starts >= 1 && starts <= 100, "--jvms must be between 1 and 100, got " + starts);
		check(nThreads >= 1 && nThreads <= 1024, "--threads must be between 1 and 1024, got " + nThreads);
		for (int k : kernels) {
			check(k >= 1 && k % 2 == 1 && k <= n, "--kernels takes odd sizes from 1 to the image size (" + n
				+ "), as ImageJ's Convolver needs odd kernels; got " + k);
		}
		EnumSet<Section> todo = sections(sections);

		String[] why = new String[1];
		BenchPeer openCv = OpenCvPeer.load(why);
		out.printf(Locale.ROOT, "bench: %d thread(s) for Convolve 2D and OpenCV (%d available), ImageJ's Convolver "
			+ "single-threaded as ImageJ runs it on one plane; %s%n", nThreads,
			Runtime.getRuntime().availableProcessors(), openCv != null ? openCv.name() : "no OpenCV: " + why[0]);
		out.println(heapLine());
		out.flush();
		Random rnd = new Random(42);
		Plane image = randomImage(rnd, n);
		if (todo.contains(Section.LARGE)) large(out, image, rnd, reps, nThreads, openCv);
		if (todo.contains(Section.SMALL)) small(out, reps, nThreads, openCv);
		if (todo.contains(Section.BANK)) bank(out, image, rnd, reps, nThreads, openCv);
		if (todo.contains(Section.FIRST)) firstCalls(out, n, starts);
		if (todo.contains(Section.IMAGE)) imageEngine(out, n, reps, starts, nThreads);
		if (n != 4096 && (todo.contains(Section.LARGE) || todo.contains(Section.FIRST))) {
			out.printf(Locale.ROOT, "(the large-image and first-call targets are set for 4096² images; at %d² they are "
				+ "only indicative)%n", n);
		}
		out.printf("bench: %d of %d targets met%n", met, total);
		out.flush();
		return 0;
	}

	/**
	 * The JVM's heap flags and, on Linux, the kernel's transparent huge page mode, with a warning when the heap is
	 * not pre-touched: on a VM whose page faults are slow (the development machine: 64 MB of fresh heap cost
	 * 170–235 ms on first touch, in 4 KB pages), every figure would otherwise include the first touches of whatever
	 * heap pages the collector hands out next.
	 */
	static String heapLine() {
		List<String> flags = new ArrayList<>();
		for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			if (a.startsWith("-Xms") || a.startsWith("-Xmx") || a.contains("PreTouch") || a.startsWith("-XX:+Use")) {
				flags.add(a);
			}
		}
		boolean preTouched = flags.contains("-XX:+AlwaysPreTouch");
		String thp = transparentHugePages();
		return "JVM " + System.getProperty("java.version") + ", heap flags: " + (flags.isEmpty() ? "none" : String.join(" ",
			flags)) + (thp == null ? "" : "; transparent huge pages: " + thp) + (preTouched ? ""
				: "  (heap not pre-touched: figures include first touches of heap pages; see README for the flags bench "
					+ "is meant to run with)");
	}

	/**
	 * The kernel's transparent huge page mode as Linux shows it ({@code always}, {@code madvise}: only where the JVM
	 * asks, with {@code -XX:+UseTransparentHugePages}; {@code never}), or null where there is none to read.
	 */
	private static String transparentHugePages() {
		try {
			String all = new String(Files.readAllBytes(Paths.get("/sys/kernel/mm/transparent_hugepage/enabled")),
				StandardCharsets.US_ASCII);
			Matcher m = Pattern.compile("\\[(\\w+)\\]").matcher(all);
			return m.find() ? m.group(1) : null;
		}
		catch (IOException | RuntimeException e) {
			return null;
		}
	}

	private void check(boolean ok, String message) {
		if (!ok) throw new CommandLine.ParameterException(spec.commandLine(), message);
	}

	private EnumSet<Section> sections(List<String> names) {
		if (names == null) return EnumSet.allOf(Section.class);
		EnumSet<Section> s = EnumSet.noneOf(Section.class);
		for (String name : names) {
			try {
				s.add(Section.valueOf(name.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException e) {
				check(false, "--sections: unknown section '" + Excerpt.of(name) + "'"
					+ Suggestions.didYouMean(name, List.of("large", "small", "bank", "first", "image"))
					+ "; choose from large, small, bank, first, image");
			}
		}
		return s;
	}

	private void target(List<String> checks, boolean ok, String what) {
		checks.add((ok ? "ok " : "MISSED ") + what);
		total++;
		if (ok) met++;
	}

	/** Large image, one row per kernel size: every peer, every forced path, the difference to ImageJ. */
	private void large(PrintWriter out, Plane image, Random rnd, int reps, int nThreads, BenchPeer openCv) {
		int n = image.width();
		List<Kernel> cases = new ArrayList<>();
		for (int k : kernels) cases.add(randomKernel(rnd, k));
		cases.add(gaussian(15, 2.5));
		out.printf(Locale.ROOT, "%n[large] %d×%d float image; medians of %d run(s) after a warm-up (15 runs or 1 s)%n",
			n, n, reps);
		// A convolution returns a new image, so the pass it is measured against also writes a new one (clone:
		// allocate, read, write); a copy into an array allocated once is shown too, as the memory floor.
		float[] pixels = image.pixels();
		float[] copy = new float[pixels.length];
		BenchTimer.Timing intoExisting = BenchTimer.time(() -> System.arraycopy(pixels, 0, copy, 0, pixels.length), reps);
		BenchTimer.Timing pass = BenchTimer.time(pixels::clone, reps);
		out.printf(Locale.ROOT, "one read+write pass over the image into a new image (clone): %.1f ms "
			+ "(into an existing array: %.1f ms)%n", pass.ms, intoExisting.ms);
		out.printf("%-22s %-9s %10s %10s %10s %8s %8s %9s %9s %9s %9s  %s%n", "kernel", "path", "ImageJ ms",
			"OpenCV ms", "ours ms", "×ImageJ", "×OpenCV", "direct", "separable", "fft", "max|diff|", "targets");
		out.flush();
		ImageJPeer imageJ = new ImageJPeer();
		for (Kernel k : cases) {
			ConvolutionOptions base = options(nThreads);
			Method chosen = Convolution.chosenMethod(image, k, base);
			BenchPeer.Run ij = imageJ.prepare(image, k, 1);
			BenchTimer.Timing ijTime = BenchTimer.time(ij::run, reps);
			BenchTimer.Timing cvTime = null;
			if (openCv != null) {
				BenchPeer.Run cv = openCv.prepare(image, k, nThreads);
				cvTime = BenchTimer.time(cv::run, reps);
				cv.close();
			}
			Plane[] ours = new Plane[1];
			BenchTimer.Timing auto = BenchTimer.time(() -> ours[0] = Convolution.convolve(image, k, base), reps);
			Method[] methods = { Method.DIRECT, Method.SEPARABLE, Method.FFT };
			double[] forced = new double[3];
			String[] forcedText = new String[3];
			for (int m = 0; m < 3; m++) {
				ConvolutionOptions o = base.toBuilder().method(methods[m]).build();
				if (methods[m] == chosen) {
					forced[m] = auto.ms;
					forcedText[m] = auto.text();
				}
				else if (methods[m] == Method.SEPARABLE && !runs(image, k, o)) {
					forced[m] = Double.NaN;
					forcedText[m] = "-";
				}
				else {
					BenchTimer.Timing t = BenchTimer.time(() -> Convolution.convolve(image, k, o), reps);
					forced[m] = t.ms;
					forcedText[m] = t.text();
				}
			}
			double diff = maxDiff(ours[0].pixels(), ij.result());
			double speedup = ijTime.ms / auto.ms;
			double fastest = Double.POSITIVE_INFINITY;
			for (double f : forced) if (!Double.isNaN(f)) fastest = Math.min(fastest, f);
			List<String> checks = new ArrayList<>();
			double target = target(k);
			if (!Double.isNaN(target)) target(checks, speedup >= target, "≥" + (int) target + "×ImageJ");
			target(checks, auto.ms <= AUTO_SLACK * fastest, "auto≤1.25×fastest");
			if (k.width() == 3 && k.height() == 3 && !k.name().startsWith("Gaussian")) {
				target(checks, auto.ms <= PASS_FACTOR * pass.ms, "≤3×pass");
			}
			out.printf(Locale.ROOT, "%-22s %-9s %10s %10s %10s %7.1f× %8s %9s %9s %9s %9.2e  %s%n", k.name(),
				chosen.label(), ijTime.text(), cvTime == null ? "-" : cvTime.text(), auto.text(), speedup,
				cvTime == null ? "-" : String.format(Locale.ROOT, "%.2f×", cvTime.ms / auto.ms), forcedText[0],
				forcedText[1], forcedText[2], diff, String.join(", ", checks));
			out.flush();
		}
		out.println("¹ timed once (a run takes more than 2 s); other figures are medians. ×ImageJ, ×OpenCV: their "
			+ "time over ours (above 1: ours is faster). direct/separable/fft: the path forced; '-': not separable.");
		imageJBlur(out, image, reps, nThreads);
	}

	/**
	 * What a Fiji user blurs with: ImageJ's own Gaussian Blur (its separable filter on {@code Prefs.getThreads()}
	 * threads, the kernel accuracy it takes for 32-bit images) against our {@code gaussian:2.5} preset, on a copy of
	 * the image as a filter run makes (information, not a target).
	 */
	private static void imageJBlur(PrintWriter out, Plane image, int reps, int nThreads) {
		int n = image.width();
		double sigma = 2.5;
		Kernel preset = Presets.resolve("gaussian:" + sigma);
		BenchTimer.Timing ij = BenchTimer.time(new Runnable() {
			@Override
			public void run() {
				FloatProcessor fp = new FloatProcessor(n, n, image.pixels().clone());
				new GaussianBlur().blurGaussian(fp, sigma, sigma, 0.0002);
			}
		}, reps);
		ConvolutionOptions o = options(nThreads);
		BenchTimer.Timing ours = BenchTimer.time(() -> Convolution.convolve(image, preset, o), reps);
		out.printf(Locale.ROOT, "ImageJ's Gaussian Blur (σ=%.1f, accuracy 0.0002 as for 32-bit images, %d threads): %s ms; "
			+ "ours, preset gaussian:%.1f (%d×%d, %s): %s ms (%.1f×)%n", sigma, Prefs.getThreads(), ij.text(), sigma,
			preset.width(), preset.height(), Convolution.chosenMethod(image, preset, o).label(), ours.text(),
			ij.ms / ours.ms);
		out.flush();
	}

	/** Small images after a batch's worth of calls: ours against OpenCV (and ImageJ for scale). */
	private void small(PrintWriter out, int reps, int nThreads, BenchPeer openCv) {
		int smallReps = Math.max(21, reps);
		out.printf(Locale.ROOT, "%n[small] images as microscopes take them; medians of %d runs after a batch's warm-up: "
			+ "%d calls, lasting at least %d s as a batch does (ours also right after %d back-to-back calls). Ours and "
			+ "OpenCV write into an existing output plane (Convolution.convolveInto, filter2D's dst); 'new plane': "
			+ "Convolution.convolve, which allocates (zeroes) the output%n", smallReps, SMALL_WARM_UP_CALLS,
			SMALL_BATCH_NS / 1_000_000_000L, SMALL_WARM_UP_CALLS);
		out.printf("%-14s %10s %10s %10s %10s %11s %12s  %s%n", "image, kernel", "ImageJ ms", "OpenCV ms", "ours ms",
			"ours/OpenCV", "ours 100 ms", "new plane ms", "targets");
		Random rnd = new Random(7);
		ImageJPeer imageJ = new ImageJPeer();
		for (int n : SMALL_SIZES) {
			Plane image = randomImage(rnd, n);
			Plane output = Plane.zeros(n, n);
			for (int k : SMALL_KERNELS) {
				Kernel kernel = randomKernel(rnd, k);
				ConvolutionOptions o = options(nThreads);
				Runnable into = () -> Convolution.convolveInto(image, kernel, o, output);
				BenchTimer.Timing oursBackToBack = BenchTimer.timeAfter(SMALL_WARM_UP_CALLS, 0, into, smallReps);
				BenchTimer.Timing ours = BenchTimer.timeAfter(SMALL_WARM_UP_CALLS, SMALL_BATCH_NS, into, smallReps);
				BenchTimer.Timing newPlane = BenchTimer.timeAfter(SMALL_WARM_UP_CALLS, SMALL_BATCH_NS,
					() -> Convolution.convolve(image, kernel, o), smallReps);
				BenchTimer.Timing ij = BenchTimer.timeAfter(SMALL_WARM_UP_CALLS / 10, 0,
					imageJ.prepare(image, kernel, 1)::run, Math.max(5, reps));
				String cvText = "-", ratio = "-";
				List<String> checks = new ArrayList<>();
				if (openCv != null) {
					BenchPeer.Run cv = openCv.prepare(image, kernel, nThreads);
					BenchTimer.Timing cvTime = BenchTimer.timeAfter(SMALL_WARM_UP_CALLS, SMALL_BATCH_NS, cv::run, smallReps);
					cv.close();
					cvText = cvTime.text();
					ratio = String.format(Locale.ROOT, "%.2f", ours.ms / cvTime.ms);
					target(checks, ours.ms <= SMALL_VS_OPENCV * cvTime.ms, "≤1.5×OpenCV");
				}
				out.printf(Locale.ROOT, "%-14s %10s %10s %10s %10s %11s %12s  %s%n", n + "², " + k + "×" + k, ij.text(),
					cvText, ours.text(), ratio, oursBackToBack.text(), newPlane.text(), String.join(", ", checks));
				out.flush();
			}
		}
		out.println("(scipy.ndimage at the same sizes, timed the same way: /usr/bin/python3 scripts/bench_scipy.py)");
	}

	/** A bank of 3×3 kernels in one call against the same kernels one call each. */
	private void bank(PrintWriter out, Plane image, Random rnd, int reps, int nThreads, BenchPeer openCv) {
		int n = image.width();
		List<Kernel> bank = new ArrayList<>();
		for (int b = 0; b < BANK_KERNELS; b++) bank.add(randomKernel(rnd, 3));
		ConvolutionOptions o = options(nThreads);
		// the two alternate, so that drifts of a noisy machine (other work, the heap's state) hit both alike
		BenchTimer.Timing[] t = BenchTimer.alternate(reps, () -> Convolution.convolve(image, bank, o, ProgressListener.NONE),
			() -> {
				for (Kernel k : bank) Convolution.convolve(image, k, o);
			});
		BenchTimer.Timing together = t[0], oneByOne = t[1];
		String cv = "";
		if (openCv != null) {
			List<BenchPeer.Run> cvRuns = new ArrayList<>();
			for (Kernel k : bank) cvRuns.add(openCv.prepare(image, k, nThreads));
			cvRuns.forEach(BenchPeer.Run::run); // each makes its output once, untimed: later runs reuse it
			BenchTimer.Timing cvTime = BenchTimer.time(() -> cvRuns.forEach(BenchPeer.Run::run), reps);
			cvRuns.forEach(BenchPeer.Run::close);
			cv = String.format(Locale.ROOT, "; OpenCV, one filter2D per kernel: %s ms", cvTime.text());
		}
		List<String> checks = new ArrayList<>();
		target(checks, together.ms <= BANK_SHARE * oneByOne.ms, "bank≤0.6×one by one");
		out.printf(Locale.ROOT, "%n[bank] %d random 3×3 kernels on %d×%d: as one bank %s ms, one by one %s ms (%.2f×)%s"
			+ "  %s%n", BANK_KERNELS, n, n, together.text(), oneByOne.text(), together.ms / oneByOne.ms, cv,
			String.join(", ", checks));
		out.flush();
	}

	/** The heap flags of a first-call JVM, and whether the targets are read on it. */
	private static final class HeapSetup {
		final String name;
		final List<String> flags;
		final boolean targets;

		HeapSetup(String name, boolean targets, String... flags) {
			this.name = name;
			this.flags = Arrays.asList(flags);
			this.targets = targets;
		}
	}

	/**
	 * Calls in fresh JVMs: the first (JIT cold) and the next ones, ours against ImageJ's. The targets are read on
	 * JVMs with the default heap, as a freshly started Fiji has; the same calls follow in JVMs whose heap uses
	 * transparent huge pages (Linux: one page fault per 2 MB instead of per 4 KB) and in JVMs whose heap is touched at
	 * start-up, to tell the JIT's share from the first touches of fresh heap pages.
	 */
	private void firstCalls(PrintWriter out, int n, int starts) throws IOException, InterruptedException {
		// the pre-touched heap: 16 images' worth (1 GB at 4096²), at least 256 MB
		long touchedMb = Math.max(256, 16L * n * n * 4 >> 20);
		String xmx = "-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m";
		List<HeapSetup> setups = new ArrayList<>();
		setups.add(new HeapSetup("default", true, xmx));
		boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
		if (linux) setups.add(new HeapSetup("thp", false, xmx, "-XX:+UseTransparentHugePages"));
		setups.add(new HeapSetup("touched", false, "-Xms" + touchedMb + "m", "-Xmx" + touchedMb + "m",
			"-XX:+AlwaysPreTouch"));
		out.printf(Locale.ROOT, "%n[first] fresh JVMs (%d starts each), %d×%d image made before timing; median over "
			+ "the starts of each call's ms. Heap 'default': only -Xmx, as a fresh Fiji (the targets);%s 'touched': "
			+ "-Xms%dm -Xmx%dm -XX:+AlwaysPreTouch, no first touch of heap pages in any call%n", starts, n, n,
			linux ? " 'thp': -XX:+UseTransparentHugePages as well (the heap in 2 MB pages, where the kernel allows);"
				: "", touchedMb, touchedMb);
		out.printf("%-8s %-8s %14s %14s %9s %22s %10s  %s%n", "kernel", "heap", "ImageJ 1st ms", "ours 1st ms",
			"×ImageJ", "ours calls 2..6 ms", "warm ms", "targets");
		out.flush();
		for (double[] t : FIRST_CALL_TARGETS) {
			int k = (int) t[0];
			if (k > n) continue;
			// the warm figure: the same call in this JVM, long warmed up. Not in the child: without a pre-touched
			// heap its warm-up kept growing the heap into untouched pages (the 3×3 "warm" median was 296 ms). Timed
			// before and after the child JVMs, the lower median counts: a busy host once doubled one of them
			// (109.6 ms for 9×9, 44–66 ms in the children's later calls), which made the target easier
			Random rnd = new Random(42);
			Plane image = randomImage(rnd, n);
			Kernel kernel = randomKernel(rnd, k);
			ConvolutionOptions o = options(Runtime.getRuntime().availableProcessors());
			double warmBefore = BenchTimer.time(() -> Convolution.convolve(image, kernel, o), 9).ms;
			List<double[]> perSetup = new ArrayList<>(); // per heap set-up: ImageJ's first call, then our calls
			for (HeapSetup setup : setups) {
				double[][] ours = new double[starts][];
				double[] imageJ = new double[starts];
				for (int s = 0; s < starts; s++) {
					ours[s] = probe(setup.flags, "ours", n, k, FIRST_CALLS);
					imageJ[s] = probe(setup.flags, "imagej", n, k, 1)[0];
				}
				double[] row = new double[1 + FIRST_CALLS];
				row[0] = BenchTimer.median(imageJ);
				for (int c = 0; c < FIRST_CALLS; c++) {
					double[] calls = new double[starts];
					for (int s = 0; s < starts; s++) calls[s] = ours[s][c];
					row[1 + c] = BenchTimer.median(calls);
				}
				perSetup.add(row);
			}
			double warm = Math.min(warmBefore, BenchTimer.time(() -> Convolution.convolve(image, kernel, o), 9).ms);
			for (int i = 0; i < setups.size(); i++) {
				HeapSetup setup = setups.get(i);
				double ijFirst = perSetup.get(i)[0], first = perSetup.get(i)[1];
				double laterWorst = 0;
				StringBuilder later = new StringBuilder();
				for (int c = 1; c < FIRST_CALLS; c++) {
					double ms = perSetup.get(i)[1 + c];
					laterWorst = Math.max(laterWorst, ms);
					later.append(String.format(Locale.ROOT, c == 1 ? "%.0f" : " %.0f", ms));
				}
				boolean fast = ijFirst / first >= t[1], settled = laterWorst <= LATER_CALLS_VS_WARM * warm;
				List<String> checks = new ArrayList<>();
				if (setup.targets) {
					target(checks, fast, "≥" + (int) t[1] + "×ImageJ");
					target(checks, settled, "later≤1.3×warm");
				}
				else {
					checks.add(String.format(Locale.ROOT, "(≥%d×ImageJ: %s, later≤1.3×warm: %s)", (int) t[1],
						fast ? "yes" : "no", settled ? "yes" : "no"));
				}
				out.printf(Locale.ROOT, "%-8s %-8s %14.1f %14.1f %8.1f× %22s %10.1f  %s%n", k + "×" + k,
					setup.name, ijFirst, first, ijFirst / first, later, warm, String.join(", ", checks));
				out.flush();
			}
		}
	}

	/**
	 * A 16-bit image convolved as a Fiji user gets it ({@link ImageEngineRuns}): our image engine against ImageJ's
	 * Convolve…, the first call in fresh JVMs with the default heap and warm in this JVM, timed alternately. The
	 * whole call counts (the float copy, the feature map's assembly and display range), not the convolution
	 * alone: for information, not a target.
	 */
	private void imageEngine(PrintWriter out, int n, int reps, int starts, int nThreads)
		throws IOException, InterruptedException
	{
		int k = 3;
		List<String> heap = Collections.singletonList("-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m");
		out.printf(Locale.ROOT, "%n[image] a 16-bit %d×%d image and a random %d×%d kernel as a Fiji user convolves it: ours "
			+ "through the image engine (FeatureMaps.compute: the float copy, the convolution, the 32-bit feature map "
			+ "and its display range), ImageJ's Convolver.convolve on a copy of the 16-bit processor (its float copy, "
			+ "the convolution, the conversion back), as Process › Filters › Convolve... runs it. First call: median of "
			+ "%d fresh JVMs (default heap); warm: median of %d runs, alternately%n", n, n, k, k, starts, reps);
		out.printf("%-8s %14s %10s%n", "", "first call ms", "warm ms");
		out.flush();
		double[] ours = new double[starts], imageJ = new double[starts];
		for (int s = 0; s < starts; s++) {
			ours[s] = probe(heap, "ours-image", n, k, 1)[0];
			imageJ[s] = probe(heap, "imagej-image", n, k, 1)[0];
		}
		Random rnd = new Random(42);
		ImagePlus imp = ImageEngineRuns.image16(rnd, n);
		Kernel kernel = randomKernel(rnd, k);
		BenchTimer.Timing[] warm = BenchTimer.alternate(reps, ImageEngineRuns.ours(imp, kernel, nThreads),
			ImageEngineRuns.imageJ(imp, kernel));
		double oursFirst = BenchTimer.median(ours), imageJFirst = BenchTimer.median(imageJ);
		out.printf(Locale.ROOT, "%-8s %14.1f %10s%n", "ImageJ", imageJFirst, warm[1].text());
		out.printf(Locale.ROOT, "%-8s %14.1f %10s%n", "ours", oursFirst, warm[0].text());
		out.printf(Locale.ROOT, "%-8s %13.1f× %9.1f×%n", "×ImageJ", imageJFirst / oursFirst, warm[1].ms / warm[0].ms);
		out.flush();
	}

	/**
	 * Runs {@link FirstCallProbe} in a fresh JVM with this JVM's class path and the {@code heap} flags, and no
	 * other flag.
	 */
	private static double[] probe(List<String> heap, String who, int n, int k, int calls)
		throws IOException, InterruptedException
	{
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		List<String> cmd = new ArrayList<>();
		cmd.add(java);
		cmd.addAll(heap);
		cmd.addAll(Arrays.asList("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
			FirstCallProbe.class.getName(), who, Integer.toString(n), Integer.toString(k), Integer.toString(calls)));
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		String line;
		StringBuilder all = new StringBuilder();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			for (String l; (l = r.readLine()) != null;) all.append(l).append('\n');
		}
		int exit = p.waitFor();
		line = all.toString().trim();
		if (exit != 0 || line.isEmpty()) {
			throw new IllegalStateException("the first-call probe failed (exit " + exit + "): " + line);
		}
		String[] parts = line.substring(line.lastIndexOf('\n') + 1).split(" ");
		double[] ms = new double[parts.length];
		for (int i = 0; i < parts.length; i++) ms[i] = Double.parseDouble(parts[i]);
		return ms;
	}

	private static ConvolutionOptions options(int threads) {
		return ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE).threads(threads).build();
	}

	private static double maxDiff(float[] a, float[] b) {
		double diff = 0;
		for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
		return diff;
	}

	private static boolean runs(Plane image, Kernel k, ConvolutionOptions o) {
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

	static Plane randomImage(Random rnd, int n) {
		float[] pixels = new float[n * n];
		for (int i = 0; i < pixels.length; i++) pixels[i] = rnd.nextFloat();
		return Plane.wrap(n, n, pixels);
	}

	static Kernel randomKernel(Random rnd, int size) {
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
}
