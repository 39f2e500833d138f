package io.github.convolve2d.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a signal's stop does besides cancelling the jobs (the jobs' side: FileJobTest, BlockJobTest). */
class InterruptionTest {

	@TempDir
	Path tmp;

	/**
	 * SIGTERM to {@code convolve2d-spark batch} in its first seconds, as the classes of Hadoop load (before Spark's):
	 * a line says so and the process ends with batch's 1, nothing written. It ended with 143 (130 for Ctrl-C) and no
	 * line: the hooks were not in place yet, or Hadoop's hook manager, loading while the JVM's shutdown began, added
	 * no JVM hook and ran none. The second run is signalled once Spark's classes load, after the hooks are in place.
	 */
	@Test
	void aSignalInTheFirstSecondsIsSaidAndEndsWithOne() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Paths.get("../sample-images/coins.png"), in.resolve("coins.png"));
		for (String loaded : new String[] { "org.apache.hadoop.util.ShutdownHookManager ",
			"org.apache.spark.SparkConf " })
		{
			Path out = tmp.resolve("out");
			List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
				.toString(), "-Xlog:class+load=info:stdout"));
			for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
				if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized")) command.add(a);
			}
			command.addAll(List.of("-Djava.awt.headless=true", "-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
				"-cp", System.getProperty("java.class.path"), SparkMain.class.getName(), "batch", "--input", in.toString(),
				"--output", out.toString(), "--preset", "sobel-x"));
			Process p = new ProcessBuilder(command).redirectError(tmp.resolve("err.txt").toFile()).start();
			try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = r.readLine()) != null && !line.contains(" " + loaded)) {
					// the JVM's classes as they load
				}
				p.destroy(); // SIGTERM (and closes the pipe: the rest of the class list is not read)
			}
			assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
			String err = Files.readString(tmp.resolve("err.txt"));
			assertEquals(1, p.exitValue(), loaded + ": " + err);
			assertTrue(err.lines().anyMatch(l -> l.startsWith("interrupted after ")), loaded + ": " + err);
			assertFalse(err.contains("Exception"), err);
			assertFalse(Files.exists(out.resolve("coins.tif")), "nothing written");
		}
	}

	/**
	 * Spark's warning for each task the cancel kills ("Lost task ... TaskKilled (Stage cancelled ...)") is not
	 * logged once the run is stopped: the run's one line says it; Spark's errors still are.
	 */
	@Test
	void theTasksTheStopKillsAreNotWarnedOf() {
		Level before = LogManager.getLogger(Interruption.TASK_LOG).getLevel();
		try {
			Configurator.setLevel(Interruption.TASK_LOG, Level.WARN); // as spark/run-local.sh logs
			assertTrue(LogManager.getLogger(Interruption.TASK_LOG).isWarnEnabled());
			new Interruption().stop();
			assertFalse(LogManager.getLogger(Interruption.TASK_LOG).isWarnEnabled());
			assertTrue(LogManager.getLogger(Interruption.TASK_LOG).isErrorEnabled());
		}
		finally {
			Configurator.setLevel(Interruption.TASK_LOG, before);
		}
	}
}
