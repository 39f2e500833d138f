package io.github.convolve2d.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * A reproducible throughput measurement of the {@code batch} command (a harness, not a test): generates
 * {@code N} variants of {@code sample-images/camera.png} (512×512 8-bit; rolled and mirrored so no two files are
 * equal), then times, alternating and repeated, (a) ImageJ alone reading each file and writing it as a 32-bit
 * TIFF — in one thread, as a macro loop would, and in {@code T} threads — and (b) {@code batch} with a 3×3
 * kernel on {@code T} threads, all in this JVM after a warm-up run. Prints each run and the medians.
 * <p>
 * {@code java -cp target/convolve2d-cli.jar io.github.convolve2d.cli.BatchThroughput [N [RUNS [FORMAT [T]]]]}
 * with FORMAT {@code png} (default) or {@code tif}; see scripts/batch-throughput.sh.
 */
public final class BatchThroughput {

	private BatchThroughput() {
	}

	public static void main(String[] args) throws Exception {
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
		int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
		String format = args.length > 2 ? args[2] : "png";
		int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
		Path root = Paths.get(System.getProperty("java.io.tmpdir"), "convolve2d-throughput");
		Path in = root.resolve("in-" + format), base = root.resolve("imagej"), out = root.resolve("batch");
		generate(Paths.get("sample-images/camera.png"), in, n, format);
		System.out.printf(Locale.ROOT, "%d images 512x512 8-bit %s, %d threads, %d cores, max heap %d MB, %s%n", n,
			format, threads, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
			System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
		List<Path> files = list(in);
		imageJ(files, base, 1);
		batch(in, out, threads); // warm-up
		double[] ij1 = new double[runs], ijT = new double[runs], b = new double[runs];
		for (int r = 0; r < runs; r++) {
			clear(base);
			ij1[r] = imageJ(files, base, 1);
			clear(base);
			ijT[r] = imageJ(files, base, threads);
			clear(out);
			b[r] = batch(in, out, threads);
			System.out.printf(Locale.ROOT, "run %d: ImageJ read+write 32-bit 1 thread %.2f s, %d threads %.2f s; "
				+ "batch 3x3 %.2f s%n", r + 1, ij1[r], threads, ijT[r], b[r]);
		}
		double m1 = median(ij1), mT = median(ijT), mb = median(b);
		System.out.printf(Locale.ROOT, "median: ImageJ 1 thread %.2f s (%.0f img/s), ImageJ %d threads %.2f s; "
			+ "batch %.2f s (%.0f img/s): %.2fx the 1-thread ImageJ time, %.2fx the %d-thread one%n", m1, n / m1,
			threads, mT, mb, n / mb, mb / m1, mb / mT, threads);
	}

	private static void generate(Path camera, Path in, int n, String format) throws IOException {
		if (Files.isDirectory(in) && list(in).size() == n) return;
		clear(in);
		Files.createDirectories(in);
		ImagePlus src = IJ.openImage(camera.toString());
		if (src == null) throw new IOException("cannot read " + camera + "; run from the project folder");
		for (int i = 0; i < n; i++) {
			ImageProcessor ip = src.getProcessor().duplicate();
			if (i % 2 == 1) ip.flipHorizontal();
			ip.translate(i % 37, i / 37); // a different picture per file
			ImagePlus v = new ImagePlus("v" + i, ip);
			String path = in.resolve(String.format(Locale.ROOT, "img%04d.%s", i, format)).toString();
			boolean ok = format.equals("png") ? new FileSaver(v).saveAsPng(path) : new FileSaver(v).saveAsTiff(path);
			if (!ok) throw new IOException("cannot write " + path);
		}
	}

	/** ImageJ alone: open, convert to 32-bit, save as TIFF. */
	private static double imageJ(List<Path> files, Path out, int threads) throws Exception {
		Files.createDirectories(out);
		long t = System.nanoTime();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Boolean>> done = new ArrayList<>();
			for (Path f : files) {
				done.add(pool.submit(() -> {
					ImagePlus imp = IJ.openImage(f.toString());
					ImagePlus f32 = new ImagePlus(imp.getTitle(), imp.getProcessor().convertToFloat());
					String name = f.getFileName().toString().replaceFirst("\\.[^.]+$", ".tif");
					return new FileSaver(f32).saveAsTiff(out.resolve(name).toString());
				}));
			}
			for (Future<Boolean> d : done) {
				if (!d.get()) throw new IOException("ImageJ failed to write");
			}
		}
		finally {
			pool.shutdown();
		}
		return (System.nanoTime() - t) / 1e9;
	}

	private static double batch(Path in, Path out, int threads) throws IOException {
		StringWriter sink = new StringWriter();
		picocli.CommandLine cl = Main.commandLine();
		cl.setOut(new PrintWriter(sink));
		cl.setErr(new PrintWriter(sink));
		long t = System.nanoTime();
		int code = cl.execute("batch", "-i", in.toString(), "-o", out.toString(), "--preset", "sobel-x", "--mode",
			"same", "--border", "reflect", "--overwrite", "--progress", "none", "--threads", Integer.toString(threads));
		double s = (System.nanoTime() - t) / 1e9;
		if (code != 0) throw new IOException("batch failed: " + sink);
		return s;
	}

	private static List<Path> list(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			List<Path> l = new ArrayList<>();
			s.sorted().forEach(l::add);
			return l;
		}
	}

	private static void clear(Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
		}
	}

	private static double median(double[] v) {
		double[] s = v.clone();
		Arrays.sort(s);
		return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	}
}
