package io.github.convolve2d.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Spark context of a job test class, started before its first test and stopped after its last:
 * {@code @RegisterExtension static final LocalSpark SPARK = new LocalSpark();}. {@code local[2,2]} (two cores, a
 * failed task attempt retried once), no web UI, bound to the loopback address so that no test depends on the
 * machine's host name.
 */
final class LocalSpark implements BeforeAllCallback, AfterAllCallback {

	/** Task attempts started and not ended, per running context (counted by a listener of each). */
	private static final Map<SparkContext, AtomicInteger> RUNNING = new ConcurrentHashMap<>();

	private JavaSparkContext sc;

	/**
	 * Waits until no task attempt of {@code sc} runs: the tasks of an aborted job run on (Spark kills them
	 * asynchronously, and a task without interruption runs to its end), writing into folders a test then deletes
	 * (JUnit's "Failed to delete temp directory ... big.ome.zarr/0"). Spark's status tracker is no help: it updates
	 * its executors' running tasks at most every 100 ms, and showed none while one ran.
	 */
	static void awaitTasks(JavaSparkContext sc) {
		AtomicInteger running = RUNNING.get(sc.sc());
		long end = System.nanoTime() + 60_000_000_000L;
		try {
			// a task start posted before the job ended is counted once the listener bus has delivered it
			sc.sc().listenerBus().waitUntilEmpty(60_000);
			while (running != null && running.get() > 0 && System.nanoTime() < end) Thread.sleep(10);
		}
		catch (TimeoutException e) {
			throw new IllegalStateException("Spark's listener bus did not empty in 60 s", e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/** The running context (between the class's first and last test). */
	JavaSparkContext context() {
		return sc;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]")
			.setAppName(context.getRequiredTestClass().getSimpleName()).set("spark.ui.enabled", "false")
			.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
		sc.setLogLevel("ERROR");
		AtomicInteger running = new AtomicInteger();
		sc.sc().addSparkListener(new SparkListener() {
			@Override
			public void onTaskStart(SparkListenerTaskStart start) {
				running.incrementAndGet();
			}

			@Override
			public void onTaskEnd(SparkListenerTaskEnd end) {
				running.decrementAndGet();
			}
		});
		RUNNING.put(sc.sc(), running);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (sc != null) {
			RUNNING.remove(sc.sc());
			sc.stop();
		}
		sc = null;
	}
}
