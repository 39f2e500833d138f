package io.github.convolve2d.cli;

import java.util.Arrays;
import java.util.Locale;

/**
 * How {@code bench} times an operation: warm-up runs until the JIT has settled, then timed runs and their median.
 * A first run over {@value #SLOW_NS} ns is timed once and reported as such (marked ¹).
 */
final class BenchTimer {

	static final long SLOW_NS = 2_000_000_000L;
	/** The usual warm-up: at least this many runs or {@link #WARM_UP_NS}, whichever is longer (at most 3 s). */
	static final int WARM_UP_RUNS = 15;
	static final long WARM_UP_NS = 1_000_000_000L;

	private BenchTimer() {
	}

	/** A median time and how many runs it is the median of. */
	static final class Timing {
		final double ms;
		final int runs;

		Timing(double ms, int runs) {
			this.ms = ms;
			this.runs = runs;
		}

		String text() {
			return String.format(Locale.ROOT, ms < 10 ? "%.3f%s" : "%.1f%s", ms, runs == 1 ? "¹" : "");
		}
	}

	/** The usual warm-up (see {@link #WARM_UP_RUNS}), then {@code reps} timed runs. */
	static Timing time(Runnable run, int reps) {
		System.gc(); // start each series from a collected heap, not from the previous series' garbage
		long t0 = System.nanoTime();
		run.run();
		long first = System.nanoTime() - t0;
		if (first > SLOW_NS) return new Timing(first / 1e6, 1);
		warmUp(run, t0, 1);
		return timed(run, reps);
	}

	/** The rest of the usual warm-up begun at {@code t0} with {@code done} runs: 15 runs or 1 s, at most 3 s. */
	private static void warmUp(Runnable run, long t0, int done) {
		for (int w = done; w < WARM_UP_RUNS || System.nanoTime() - t0 < WARM_UP_NS; w++) {
			run.run();
			if (System.nanoTime() - t0 > 3 * WARM_UP_NS) break;
		}
	}

	/**
	 * At least {@code warmUps} untimed runs (a batch's worth of calls) that together last at least {@code minNs},
	 * then {@code reps} timed runs.
	 */
	static Timing timeAfter(int warmUps, long minNs, Runnable run, int reps) {
		long t0 = System.nanoTime();
		for (int w = 0; w < warmUps || System.nanoTime() - t0 < minNs; w++) run.run();
		return timed(run, reps);
	}

	/**
	 * Two operations timed alternately, after the usual warm-up of each: {@code reps} runs of each, A B A B ...,
	 * so that a machine's drifts touch both alike; their medians in that order.
	 */
	static Timing[] alternate(int reps, Runnable a, Runnable b) {
		warmUp(a, System.nanoTime(), 0);
		warmUp(b, System.nanoTime(), 0);
		double[] ta = new double[reps], tb = new double[reps];
		for (int r = 0; r < reps; r++) {
			long s = System.nanoTime();
			a.run();
			ta[r] = (System.nanoTime() - s) / 1e6;
			s = System.nanoTime();
			b.run();
			tb[r] = (System.nanoTime() - s) / 1e6;
		}
		return new Timing[] { new Timing(median(ta), reps), new Timing(median(tb), reps) };
	}

	private static Timing timed(Runnable run, int reps) {
		double[] ms = new double[reps];
		for (int r = 0; r < reps; r++) {
			long s = System.nanoTime();
			run.run();
			ms[r] = (System.nanoTime() - s) / 1e6;
		}
		return new Timing(median(ms), reps);
	}

	static double median(double[] values) {
		double[] v = values.clone();
		Arrays.sort(v);
		int n = v.length;
		return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
}
