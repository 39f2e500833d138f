package io.github.convolve2d.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A file too large for the memory budget fails alone; the others are written. */
class MemoryBudgetTest {

	@TempDir
	Path tmp;

	@Test
	void aFileLargerThanTheMemoryBudgetFailsAndTheOthersAreWritten() throws Exception {
		Path in = Paths.get("sample-images");
		Path out = tmp.resolve("out");
		List<BatchItem> items = new ArrayList<>();
		items.add(new BatchItem(in.resolve("camera.png"), out.resolve("camera.tif"), null));
		items.add(new BatchItem(in.resolve("microaneurysms.png"), out.resolve("microaneurysms.tif"), null));
		List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
		BatchListener listener = new BatchListener() {
			@Override
			public void started(int total) {
			}

			@Override
			public void finished(Outcome outcome) {
				outcomes.add(outcome);
			}
		};
		// camera (512², read via ImageIO) needs about 4.3 MB; microaneurysms (102²) about 1.2 MB
		BatchSummary s = new BatchRunner(Collections.singletonList(Presets.resolve("sobel-x")),
			ConvolutionOptions.DEFAULTS, new AtomicTiffWriter(), 2, new MemoryBudget(2 << 20), false,
			listener).run(items);
		assertEquals(1, s.written(), "the small file is written");
		assertEquals(1, s.failed());
		assertTrue(s.failures().get(0).message().startsWith("too large for memory"), s.failures().get(0).message());
		assertTrue(s.failures().get(0).item().input().endsWith("camera.png"));
		assertFalse(Files.exists(out.resolve("camera.tif")));
		assertTrue(Files.exists(out.resolve("microaneurysms.tif")));
	}

}
