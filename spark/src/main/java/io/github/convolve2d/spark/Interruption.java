package io.github.convolve2d.spark;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a Spark run, ended as batch ends an interrupted run. Left to Spark, its
 * shutdown hook stops the context under the running job, which then ends in "Exception in thread main
 * org.apache.spark.SparkException: Job 0 cancelled because SparkContext was shut down", forty lines of stack trace
 * and exit code 130 or 143. These hooks go into Hadoop's shutdown hook manager, which runs Spark's own hooks in the
 * order of their priorities: the first, before Spark's, cancels the run's jobs (no new task starts; an output in
 * flight is written whole or not at all, as always) and waits until the command has said that it was interrupted;
 * Spark's hooks then stop the context and delete its temporary folders; the last ends the process with the
 * command's exit code, 1 for an interrupted run.
 */
final class Interruption {

	/** How long the first hook waits for the command to say that it was interrupted. */
	static final long WAIT_SECONDS = 30;
	/** Before Spark's hooks (Hadoop's priority {@code FileSystem.SHUTDOWN_HOOK_PRIORITY + 30}); after them and
	 * Hadoop's file systems (10): Hadoop orders hooks by subtracting priorities, so not Integer.MIN_VALUE. */
	private static final int BEFORE_SPARK = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40, LAST = 0;

	/** Spark's logger of the tasks a stage lost, killed ones among them. */
	static final String TASK_LOG = "org.apache.spark.scheduler.TaskSetManager";

	private final CountDownLatch reported = new CountDownLatch(1);
	private volatile JavaSparkContext context;
	private volatile boolean stopped;
	/** Cancels a job that starts after the signal: Spark's cancelAllJobs cancels only the jobs running then. */
	private final SparkListener lateJobs = new SparkListener() {
		@Override
		public void onJobStart(SparkListenerJobStart job) {
			JavaSparkContext sc = context;
			if (stopped && sc != null) sc.sc().cancelJob(job.jobId());
		}
	};
	private volatile int code = 1;

	/** For a run without hooks (tests): {@link #stop} does what a signal does, but nothing ends the process. */
	Interruption() {
	}

	/**
	 * Installs the hooks for this process's one run; {@link #reported} sets the exit code they end it with. Called
	 * first thing: loading Hadoop's hook manager takes a second or two, and a signal before its hooks are in place
	 * (or while its class loads, when Hadoop cannot add its own JVM hook and runs none) is said by a plain JVM hook,
	 * which ends the process with 1 ({@link #BEFORE_THE_RUN}): nothing had been read or written. It ended with 130 or
	 * 143 and no line, or killed the run part-way later when the JVM's shutdown had begun unseen.
	 */
	static Interruption install(PrintWriter err) {
		long start = System.nanoTime();
		AtomicInteger phase = new AtomicInteger(EARLY);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			if (!phase.compareAndSet(EARLY, SIGNALLED_EARLY)) return; // Hadoop's hooks below end the run
			err.printf(Locale.ROOT, BEFORE_THE_RUN + "%n", (System.nanoTime() - start) / 1e9);
			err.flush();
			Runtime.getRuntime().halt(1);
		}, "convolve2d-signal-before-the-run"));
		Interruption i = new Interruption();
		try {
			ShutdownHookManager hooks = ShutdownHookManager.get();
			hooks.addShutdownHook(() -> i.onShutdown(err), BEFORE_SPARK, WAIT_SECONDS + 5, TimeUnit.SECONDS);
			// exit() would wait for the hooks that call it; halt ends the process with the command's code
			hooks.addShutdownHook(() -> Runtime.getRuntime().halt(i.code), LAST);
		}
		catch (IllegalStateException e) {
			awaitHalt(); // Hadoop's hooks already run: the signal came, and the first hook ends the process
		}
		// the JVM's shutdown began before (Hadoop's own JVM hook may be missing): the first hook ends the process
		if (shuttingDown() || !phase.compareAndSet(EARLY, INSTALLED)) awaitHalt();
		return i;
	}

	/** What a signal before {@link #install} put Hadoop's hooks in place says (with the seconds since). */
	static final String BEFORE_THE_RUN = "interrupted after %.1f s (Ctrl-C or SIGTERM), before the run started: "
		+ "nothing was read or written; rerun the same command to run it";

	/** Phases of {@link #install}: a signal before Hadoop's hooks are in place is the first hook's to say. */
	private static final int EARLY = 0, INSTALLED = 1, SIGNALLED_EARLY = 2;

	/** Whether the JVM's shutdown has begun (it refuses new hooks then). */
	private static boolean shuttingDown() {
		Thread probe = new Thread(() -> {
		});
		try {
			Runtime.getRuntime().addShutdownHook(probe);
			Runtime.getRuntime().removeShutdownHook(probe);
			return false;
		}
		catch (IllegalStateException e) {
			return true;
		}
	}

	/** Waits for the hook that halts the process (the run must not start during the JVM's shutdown). */
	private static void awaitHalt() {
		for (;;) {
			try {
				Thread.sleep(Long.MAX_VALUE);
			}
			catch (InterruptedException e) {
				// the halt comes
			}
		}
	}

	/** The context whose jobs a signal cancels, those running then and those started after it. */
	void watch(JavaSparkContext sc) {
		sc.sc().addSparkListener(lateJobs);
		context = sc;
	}

	/** The run is done with the context ({@link #watch}): a context shared by several runs (tests) forgets this one. */
	void unwatch() {
		JavaSparkContext sc = context;
		if (sc != null) sc.sc().removeSparkListener(lateJobs);
	}

	/**
	 * Cancels the run's jobs, as a signal does; once (a later call, e.g. from another of the stopped run's tasks in a
	 * test, would post another cancel of all jobs, which a context shared by runs could deliver to the next run's job).
	 */
	synchronized void stop() {
		if (stopped) return;
		stopped = true;
		quietKilledTasks();
		JavaSparkContext sc = context;
		if (sc != null) sc.cancelAllJobs();
	}

	/**
	 * Silences Spark's warning for each task the cancel kills ({@code WARN TaskSetManager: Lost task 0.0 in stage 0.0
	 * ...: TaskKilled (Stage cancelled ...)}), which repeats the run's one line; its errors still show.
	 */
	private static void quietKilledTasks() {
		try {
			org.apache.logging.log4j.core.config.Configurator.setLevel(TASK_LOG, org.apache.logging.log4j.Level.ERROR);
		}
		catch (LinkageError e) {
			// a Spark that logs through another back end than Log4j 2's: its warnings stay
		}
	}

	/** Whether the run was stopped: a job that failed then failed because it was cancelled. */
	boolean stopped() {
		return stopped;
	}

	/**
	 * Waits (at most {@link #WAIT_SECONDS}) until Spark's status tracker counts no running task: cancelled tasks
	 * finish the file in hand, so that usually no output is in flight when the run says it was interrupted and the
	 * hooks stop the context. Best effort: the tracker hears of tasks through Spark's listener bus, late, so a task
	 * that had just started may still be writing (its output is whole or absent all the same; a temporary file
	 * left by one the context's stop kills is removed by the next run).
	 */
	void awaitTasks() {
		JavaSparkContext sc = context;
		if (sc == null || sc.sc().isStopped()) return; // stopped: its tasks are gone
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		while (System.nanoTime() < end) {
			int running = 0;
			for (org.apache.spark.SparkExecutorInfo e : sc.sc().statusTracker().getExecutorInfos()) {
				running += e.numRunningTasks();
			}
			if (running == 0) return;
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** The command has printed its last line; {@code exitCode} is what the process ends with. */
	void reported(int exitCode) {
		code = exitCode;
		reported.countDown();
	}

	private void onShutdown(PrintWriter err) {
		if (reported.getCount() == 0) return; // the command ended and calls exit
		stop();
		boolean done;
		try {
			done = reported.await(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			done = false;
		}
		if (!done) {
			code = 1;
			err.println("interrupted: the run's tasks did not stop within " + WAIT_SECONDS + " s; stopped without a "
				+ "summary (no output was half-written: rerun the same command to do the rest)");
			err.flush();
		}
	}
}
