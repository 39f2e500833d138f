package io.github.convolve2d.core;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Picks the path for each kernel ({@link Method#AUTO}) by a cost model, or checks a forced one.
 * <p>
 * The model estimates each path's time from the work it does, with constants measured on the development
 * machine (AMD EPYC, 2 cores, Java 17; 4096² float image, same mode, replicate border, square random kernels
 * 3 to 63 and a 15×15 Gaussian, every path forced, medians of 7 runs after JIT warm-up; e.g. direct 9×9 40 ms,
 * 15×15 109 ms, 31×31 468 ms, FFT 15×15 187 ms, 31×31 206 ms, 63×63 259 ms, separable Gaussian 15×15 28 ms) and expressed per thread:
 * <ul>
 * <li>direct: {@value #DIRECT_NS_PER_TAP} ns per output per non-zero tap (SIMD loop; {@value #STRIDED_FACTOR}×
 * that when the column stride makes the tap rows gathered copies, more when more than
 * {@value DirectConvolution#FLOAT_ONLY_TAPS} taps are summed in double chunks and the narrower column tiles make
 * the loops shorter: a factor of 1 + taps/5000), plus {@value #NS_PER_OUTPUT} ns per output for the
 * band copy and the store;</li>
 * <li>separable: the same tap cost for the row pass (per kept column of each input row it reads) and the
 * column pass (per output), plus {@value #SEPARABLE_NS_PER_OUTPUT} ns per output for the two passes'
 * traffic;</li>
 * <li>FFT: {@value #FFT_NS_PER_UNIT} ns per unit of {@link FftPlan#work()} (a complex multiply-add of the
 * transforms), shared by the kernels of a bank, plus {@value #NS_PER_OUTPUT} ns per output, plus the
 * direct recomputation of outputs near non-finite pixels (counted only when FFT is otherwise the cheapest).</li>
 * </ul>
 * A convolution layer's group ({@link ConvolutionLayer}) goes to one path as a whole: direct costs the sum over
 * its outputs of the direct cost with every channel's taps (and {@value #NS_PER_OUTPUT} ns per output for each
 * channel's band copy); FFT costs the group's plan, whose work counts one forward transform per channel, one
 * inverse per output and a multiply-add per output and channel.
 * <p>
 * All costs divide by the thread count. A kernel whose dilated extent does not fit in the largest FFT tile never
 * goes to the FFT path ({@link #fftFits}). The model only needs to rank the paths: it was checked to pick a path
 * within 1.25× of the fastest forced one on the {@code bench} cases (README, section speed).
 */
final class PathChooser {

	static final double DIRECT_NS_PER_TAP = 0.063;
	static final double STRIDED_FACTOR = 2;
	static final double NS_PER_OUTPUT = 1.5;
	static final double SEPARABLE_NS_PER_OUTPUT = 1.5;
	static final double FFT_NS_PER_UNIT = 2;
	/** Work (ns on one thread, by the direct path's model) that repays one more thread in a call. */
	static final double NS_PER_HELPER = 8000;
	/** One tap of an output recomputed alone, through the border rule ({@link DirectConvolution#pixel}). */
	static final double REPAIR_NS_PER_TAP = 3;

	/**
	 * Whether the FFT library is on the class path: Fiji ships JTransforms, plain ImageJ does not. Without it
	 * the automatic choice never picks the FFT path, so the plugin still works (more slowly for large kernels).
	 * JTransforms alone is not enough: its transforms call JLargeArrays and commons-math3, and without them a
	 * run would end in a NoClassDefFoundError, which ImageJ swallows without a word.
	 */
	static final boolean FFT_LIBRARY_PRESENT = OptionalLibrary.present("org.jtransforms.fft.DoubleFFT_1D")
		&& OptionalLibrary.present("pl.edu.icm.jlargearrays.LargeArray")
		&& OptionalLibrary.present("org.apache.commons.math3.util.FastMath");

	private PathChooser() {
	}

	static UserException noFftLibrary() {
		return new UserException("method=fft needs the JTransforms library, which Fiji ships but plain"
			+ " ImageJ does not; copy JTransforms-3.1.jar, JLargeArrays-1.5.jar and commons-math3-3.6.1.jar into"
			+ " ImageJ's jars folder, or use method=auto or method=direct");
	}

	/**
	 * The path of each kernel.
	 *
	 * @throws UserException when {@code separable} is forced on a kernel that is not separable
	 */
	static Method[] choose(Plane image, List<float[]> weights, List<ConvolutionGeometry> geometries,
		ConvolutionOptions o)
	{
		return choose(() -> ChunkedScan.nonFinite(image.pixels(), o.threads()), weights, geometries, o);
	}

	/**
	 * The path of each kernel on an image with {@code nonFinite} NaN and infinite pixels (asked only when the FFT
	 * path is otherwise the cheapest; 0 for the choice on an image without them, where the FFT path is taken most).
	 */
	static Method[] choose(LongSupplier nonFiniteCount, List<float[]> weights, List<ConvolutionGeometry> geometries,
		ConvolutionOptions o)
	{
		Method[] m = new Method[weights.size()];
		long nonFinite = -1;
		for (int n = 0; n < m.length; n++) {
			ConvolutionGeometry g = geometries.get(n);
			float[] w = weights.get(n);
			switch (o.method()) {
				case DIRECT:
					m[n] = Method.DIRECT;
					break;
				case FFT:
					if (!FFT_LIBRARY_PRESENT) throw noFftLibrary();
					m[n] = fftFits(g) ? Method.FFT : Method.DIRECT;
					break;
				case SEPARABLE:
					if (Separation.of(w, g.kernelHeight(), g.kernelWidth()) == null) {
						throw SeparableConvolution.notSeparable(g);
					}
					m[n] = Method.SEPARABLE;
					break;
				default: {
					int sameSize = 0;
					for (ConvolutionGeometry other : geometries) {
						if (other.kernelWidth() == g.kernelWidth() && other.kernelHeight() == g.kernelHeight()) sameSize++;
					}
					double direct = directCost(w, g, o);
					double best = direct;
					m[n] = Method.DIRECT;
					if (g.kernelWidth() > 1 && g.kernelHeight() > 1
						&& Separation.of(w, g.kernelHeight(), g.kernelWidth()) != null)
					{
						double sep = separableCost(w, g, o);
						if (sep < best) {
							best = sep;
							m[n] = Method.SEPARABLE;
						}
					}
					double fft = FFT_LIBRARY_PRESENT && fftFits(g) ? fftCost(g, o, sameSize) : Double.POSITIVE_INFINITY;
					if (fft < best) {
						if (nonFinite < 0) nonFinite = nonFiniteCount.getAsLong();
						fft += repairCost(w, g, o, nonFinite);
						if (fft < best) m[n] = Method.FFT;
					}
				}
			}
		}
		return m;
	}

	/**
	 * The threads a call's work repays, at most {@code threads}: handing part of a call to a helper thread and
	 * waiting for it costs the caller 3–4 µs on the development machine, so each helper needs about
	 * {@value #NS_PER_HELPER} ns of the call's work (the direct path's model above, on one thread). Measured, one
	 * thread against two on small images (direct path, µs per call): 3×3 at 48² 9.0 against 12.4, at 64² 13.1
	 * against 13.8, at 96² 20.0 against 17.1, at 128² 28.7 against 20.8; 9×9 at 16² 18.5 against 17.7, at 48²
	 * 42.2 against 32.2. Which threads compute a band never changes its pixels.
	 */
	static int threads(List<ConvolutionGeometry> geometries, List<float[]> weights, int threads) {
		double ns = 0;
		for (int n = 0; n < weights.size(); n++) ns += directWork(geometries.get(n), nonZero(weights.get(n)), 1);
		return threadsFor(ns, threads);
	}

	/** As {@link #threads} for {@code ns} of work on one thread. */
	static int threadsFor(double ns, int threads) {
		return (int) Math.max(1, Math.min(threads, 1 + ns / NS_PER_HELPER));
	}

	/** A layer group's direct-path work on one thread ({@code weights}: per output, per channel). */
	static double groupWork(List<List<float[]>> weights, ConvolutionGeometry g) {
		double ns = 0;
		for (List<float[]> perChannel : weights) {
			int[] tc = tapsAndCopies(perChannel);
			ns += directWork(g, tc[0], tc[1]);
		}
		return ns;
	}

	/** One output's non-zero taps over all its channels, and how many of its channels have any. */
	private static int[] tapsAndCopies(List<float[]> perChannel) {
		int taps = 0, copies = 0;
		for (float[] w : perChannel) {
			int n = nonZero(w);
			taps += n;
			if (n > 0) copies++;
		}
		return new int[] { taps, copies };
	}

	/** One output's direct-path work on one thread: {@code taps} non-zero taps over {@code copies} channels. */
	static double directWork(ConvolutionGeometry g, int taps, int copies) {
		return outputs(g) * (taps * DIRECT_NS_PER_TAP + NS_PER_OUTPUT * Math.max(1, copies));
	}

	/**
	 * Whether the FFT path can take this kernel: its dilated extent must fit in the largest FFT tile
	 * ({@value FftPlan#MAX_TILE}), so that the tiles' memory never grows with the dilation. A larger extent (in
	 * practice a dilated kernel, whose few taps the direct path sums at the cost of an undilated one) runs on the
	 * direct path, also when {@code method=fft} is forced: the result is the same within SEMANTICS.md's bound.
	 */
	static boolean fftFits(ConvolutionGeometry g) {
		return g.extentX() < FftPlan.MAX_TILE && g.extentY() < FftPlan.MAX_TILE;
	}

	/**
	 * The path of one group of a layer: {@code weights} holds, per output, the prepared kernel of each of the
	 * group's {@code channels}.
	 */
	static Method chooseLayerGroup(List<Plane> channels, List<List<float[]>> weights, ConvolutionGeometry g,
		ConvolutionOptions o)
	{
		return chooseLayerGroup(channels.size(), () -> {
			long n = 0;
			for (Plane p : channels) n += ChunkedScan.nonFinite(p.pixels(), o.threads());
			return n;
		}, weights, g, o);
	}

	/** {@link #chooseLayerGroup(List, List, ConvolutionGeometry, ConvolutionOptions)} as {@link #choose} counts NaN. */
	static Method chooseLayerGroup(int channels, LongSupplier nonFiniteCount, List<List<float[]>> weights,
		ConvolutionGeometry g, ConvolutionOptions o)
	{
		switch (o.method()) {
			case DIRECT:
				return Method.DIRECT;
			case FFT:
				if (!FFT_LIBRARY_PRESENT) throw noFftLibrary();
				return fftFits(g) ? Method.FFT : Method.DIRECT;
			default:
		}
		double direct = 0;
		int taps = 0;
		for (List<float[]> perChannel : weights) {
			int[] tc = tapsAndCopies(perChannel);
			int outputTaps = tc[0], copies = tc[1];
			taps += outputTaps;
			double chunks = outputTaps > DirectConvolution.FLOAT_ONLY_TAPS ? 1 + outputTaps / 5000.0 : 1;
			direct += outputs(g) * (outputTaps * tapCost(o) * chunks + NS_PER_OUTPUT * Math.max(1, copies)) / o.threads();
		}
		if (!FFT_LIBRARY_PRESENT || !fftFits(g)) return Method.DIRECT;
		FftPlan plan = FftConvolution.plan(g, o, weights.size(), channels, FftPlan.MAX_TILE);
		double fft = (plan.work() * FFT_NS_PER_UNIT + outputs(g) * NS_PER_OUTPUT * weights.size()) / o.threads();
		if (fft >= direct) return Method.DIRECT;
		long nonFinite = nonFiniteCount.getAsLong();
		// each non-finite pixel makes at most one output per tap of each output recomputed, over all channels
		double repaired = Math.min(outputs(g) * weights.size(), (double) nonFinite * taps);
		fft += repaired * ((double) taps / weights.size()) * REPAIR_NS_PER_TAP / o.threads();
		return fft < direct ? Method.FFT : Method.DIRECT;
	}

	static int nonZero(float[] w) {
		int n = 0;
		for (float v : w) if (v != 0) n++;
		return n;
	}

	private static double outputs(ConvolutionGeometry g) {
		return (double) g.outputWidth() * g.outputHeight();
	}

	private static double tapCost(ConvolutionOptions o) {
		return DIRECT_NS_PER_TAP * (o.strideX() > 1 ? STRIDED_FACTOR : 1);
	}

	static double directCost(float[] w, ConvolutionGeometry g, ConvolutionOptions o) {
		int taps = nonZero(w);
		double chunks = taps > DirectConvolution.FLOAT_ONLY_TAPS ? 1 + taps / 5000.0 : 1;
		return outputs(g) * (taps * tapCost(o) * chunks + NS_PER_OUTPUT) / o.threads();
	}

	static double separableCost(float[] w, ConvolutionGeometry g, ConvolutionOptions o) {
		Separation s = Separation.of(w, g.kernelHeight(), g.kernelWidth());
		int h = nonZero(s.row), v = nonZero(s.column);
		// the row pass runs on every input row a band reads: about strideY rows per output row, at most all
		double rowsRead = Math.min((double) g.outputHeight() * o.strideY(), g.outputHeight() + (double) g.extentY() * 8);
		double rowPass = rowsRead * g.outputWidth() * h * tapCost(o);
		double columnPass = outputs(g) * v * DIRECT_NS_PER_TAP;
		return (rowPass + columnPass + outputs(g) * SEPARABLE_NS_PER_OUTPUT) / o.threads();
	}

	static double fftCost(ConvolutionGeometry g, ConvolutionOptions o, int bankSize) {
		FftPlan plan = FftConvolution.plan(g, o, bankSize, FftPlan.MAX_TILE);
		return (plan.work() / bankSize * FFT_NS_PER_UNIT + outputs(g) * NS_PER_OUTPUT) / o.threads();
	}

	/** Recomputing directly the outputs near non-finite pixels: each reaches at most one output per tap. */
	private static double repairCost(float[] w, ConvolutionGeometry g, ConvolutionOptions o, long nonFinite) {
		int taps = nonZero(w);
		double outputs = Math.min(outputs(g), (double) nonFinite * taps);
		return outputs * taps * REPAIR_NS_PER_TAP / o.threads();
	}
}
