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

	/**
	 * A file too large because of many kernels (or a layer's many output channels) is told to use more memory or
	 * --format zarr; only feature maps grown by mode full, a dilation or a stride are blamed on those. 400 kernels on
	 * camera.png were told "check --mode full, --dilation and --stride" in mode valid without either.
	 */
	@Test
	void aFileTooLargeForItsManyKernelsIsNotBlamedOnItsGeometry() {
		List<io.github.convolve2d.core.Kernel> bank = new ArrayList<>();
		for (int k = 0; k < 400; k++) bank.add(io.github.convolve2d.core.Kernel.of("k" + k, 1, 1, k + 1));
		String many = onlyFailure(bank, ConvolutionOptions.DEFAULTS, "camera.png");
		assertTrue(many.startsWith("too large for memory") && many.contains("run java with more memory"), many);
		assertFalse(many.contains("--mode full"), many);
		// a 3×3 kernel dilated by 2000 in mode full: 4102² maps from a 102² image
		String grown = onlyFailure(Collections.singletonList(Presets.resolve("sobel-x")),
			ConvolutionOptions.builder().mode("full").dilation(2000).build(), "microaneurysms.png");
		assertTrue(grown.endsWith("its feature maps would be far larger than the image: check --mode full, --dilation "
			+ "and --stride"), grown);
	}

	/** The reason the one file {@code sample} fails for, in a batch with a 2 MB budget. */
	private String onlyFailure(List<io.github.convolve2d.core.Kernel> kernels, ConvolutionOptions options,
		String sample)
	{
		List<BatchItem> items = Collections.singletonList(new BatchItem(Paths.get("sample-images", sample),
			tmp.resolve("out").resolve("x.tif"), null));
		BatchSummary s = new BatchRunner(kernels, options, new AtomicTiffWriter(), 1, new MemoryBudget(2 << 20), false,
			new BatchListener() {
				@Override
				public void started(int total) {
				}

				@Override
				public void finished(Outcome outcome) {
				}
			}).run(items);
		assertEquals(1, s.failed());
		return s.failures().get(0).message();
	}

}
