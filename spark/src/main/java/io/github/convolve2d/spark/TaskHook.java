package io.github.convolve2d.spark;

import java.io.IOException;
import java.io.Serializable;

/**
 * Called in a task after an output's bytes are in their temporary file on the target file system and before it
 * is renamed into place: the point where a failed task attempt matters most. Tests inject failures here;
 * {@link #NONE} otherwise.
 */
@FunctionalInterface
interface TaskHook extends Serializable {

	TaskHook NONE = (output, attempt) -> {
	};

	/**
	 * @param output the output's URI
	 * @param attempt Spark's attempt number of this task (0 for the first)
	 */
	void beforeRename(String output, int attempt) throws IOException;
}
