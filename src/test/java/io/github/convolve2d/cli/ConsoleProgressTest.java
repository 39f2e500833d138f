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

	/**
	 * A file whose name holds a line break keeps each file's line one line, in progress lines, failures and the dry
	 * run (a log parsed line by line would take its second half for a line of its own): the break shows as ⏎.
	 */
	@Test
	void aLineBreakInAFileNameKeepsItsLineOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
		throws Exception
	{
		java.nio.file.Path in = java.nio.file.Files.createDirectories(tmp.resolve("in"));
		java.nio.file.Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("two\nlines.png"));
		java.nio.file.Files.write(in.resolve("bad\nname.png"), "not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		CliRun dry = CliRun.run("batch", "-i", in, "-o", tmp.resolve("out"), "--preset", "box-3", "--dry-run");
		assertEquals(3, dry.out.split("\\R").length, dry.toString());
		assertEquals(true, dry.out.contains("two⏎lines.png -> ") && dry.out.contains("bad⏎name.png: not an image"),
			dry.toString());
		CliRun run = CliRun.run("batch", "-i", in, "-o", tmp.resolve("out"), "--preset", "box-3", "--progress", "lines");
		assertEquals(1, run.code, run.toString());
		for (String line : run.err.split("\\R")) {
			assertEquals(true, line.startsWith("[") || line.isEmpty(), "each file's line is one line: " + run.err);
		}
		assertEquals(true, run.err.contains("FAILED ") && run.err.contains("bad⏎name.png"), run.toString());
	}
}
