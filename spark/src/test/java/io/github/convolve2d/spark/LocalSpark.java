package io.github.convolve2d.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Spark context of a job test class, started before its first test and stopped after its last:
 * {@code @RegisterExtension static final LocalSpark SPARK = new LocalSpark();}. {@code local[2,2]} (two cores, a
 * failed task attempt retried once), no web UI, bound to the loopback address so that no test depends on the
 * machine's host name.
 */
final class LocalSpark implements BeforeAllCallback, AfterAllCallback {

	private JavaSparkContext sc;

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
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (sc != null) sc.stop();
		sc = null;
	}
}
