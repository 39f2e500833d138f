package io.github.convolve2d.spark;

import java.io.IOException;
import java.io.Serializable;

/**
 * Called in a task once an output is written: on a local or mounted file system after the batch's writer put it
 * in place, on a remote one (HDFS, S3) after its bytes are in their temporary file beside the target and before
 * the rename. A task attempt that fails there has finished some of its outputs and not others: tests inject
 * failures here; {@link #NONE} otherwise.
 */
@FunctionalInterface
interface TaskHook extends Serializable {

	TaskHook NONE = (output, attempt) -> {
	};

	/**
	 * @param output the output's URI
	 * @param attempt Spark's attempt number of this task (0 for the first)
	 */
	void written(String output, int attempt) throws IOException;
}
