package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.convolve2d.batch.BatchItem;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Paths;

/** Block progress lines: a rate only once blocks have been timed (the first line read "0.0 blocks/s"). */
class ConsoleProgressTest {

	@Test
	void theFirstBlockLineHasNoRateAndTheLastHasOne() throws Exception {
		StringWriter text = new StringWriter();
		ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text, true), ConsoleProgress.Style.LINES);
		BatchItem item = new BatchItem(Paths.get("in.zarr"), Paths.get("out/in.ome.zarr"), null);
		progress.started(1);
		progress.blocks(item, 1, 4);
		Thread.sleep(20);
		progress.blocks(item, 4, 4); // the last block is always shown
		String[] lines = text.toString().split("\\R");
		assertEquals("[1/1] in.zarr: block 1/4", lines[0]);
		assertEquals(true, lines[1].matches("\\[1/1\\] in\\.zarr: block 4/4, \\d+\\.\\d blocks/s"), lines[1]);
	}
}
