package io.github.convolve2d.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/** What a signal's stop does besides cancelling the jobs (the jobs' side: FileJobTest, BlockJobTest). */
class InterruptionTest {

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
