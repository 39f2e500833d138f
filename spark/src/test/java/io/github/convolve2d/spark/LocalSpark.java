package io.github.convolve2d.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark context of the job tests: {@code local[2,2]} (two cores, a failed task attempt retried once), no web
 * UI, bound to the loopback address so that no test depends on the machine's host name.
 */
final class LocalSpark {

	private LocalSpark() {
	}

	static JavaSparkContext start(String appName) {
		JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName(appName)
			.set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
			.set("spark.driver.bindAddress", "127.0.0.1"));
		sc.setLogLevel("ERROR");
		return sc;
	}
}
