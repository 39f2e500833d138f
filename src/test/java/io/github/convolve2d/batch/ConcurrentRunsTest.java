package io.github.convolve2d.batch;

import io.github.convolve2d.image.ConsoleCapture;
import io.github.convolve2d.image.AtomicTiffWriter;
import ij.IJ;
import ij.ImagePlus;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two batch runs with different kernels into one output folder at once (issue 9, item 1): every output is one
 * run's whole result, every file a run reports as written holds that run's result, and no temporary file is left.
 */
class ConcurrentRunsTest {

	private static final int FILES = 40;

	@TempDir
	Path tmp;

	@Test
	void twoRunsIntoOneFolderLeaveEveryOutputEqualToOneRunsWholeResult() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Path source = Paths.get("sample-images", "camera.png");
		List<BatchItem> items = new ArrayList<>();
		Path out = tmp.resolve("out");
		for (int i = 0; i < FILES; i++) {
			Path f = in.resolve(String.format("img%04d.png", i));
			Files.copy(source, f);
			items.add(new BatchItem(f, out.resolve(String.format("img%04d.tif", i)), null));
		}
		ConvolutionOptions o = ConvolutionOptions.builder().mode("same").border("reflect").build();
		String[] presets = { "sobel-x", "sobel-y" };
		ImagePlus camera = IJ.openImage(source.toString());
		float[][] expected = new float[2][];
		List<Map<Path, Outcome.Status>> outcomes = new ArrayList<>();
		List<Thread> runs = new ArrayList<>();
		CyclicBarrier start = new CyclicBarrier(2);
		List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
		for (int r = 0; r < 2; r++) {
			List<Kernel> bank = Collections.singletonList(Presets.resolve(presets[r]));
			expected[r] = (float[]) FeatureMaps.compute(camera, bank, o, Planes.ALL, ProgressListener.NONE).getStack()
				.getPixels(1);
			Map<Path, Outcome.Status> seen = new ConcurrentHashMap<>();
			outcomes.add(seen);
			BatchRunner runner = new BatchRunner(bank, o, new AtomicTiffWriter(), 2,
				new MemoryBudget(256L << 20), false, new BatchListener() {
					@Override
					public void started(int total) {
					}

					@Override
					public void finished(Outcome outcome) {
						seen.put(outcome.item().output(), outcome.status());
					}
				});
			Thread t = new Thread(() -> {
				try {
					start.await();
					runner.run(items);
				}
				catch (Throwable e) {
					errors.add(e);
				}
			});
			runs.add(t);
		}
		try (ConsoleCapture capture = ConsoleCapture.install()) {
			for (Thread t : runs) t.start();
			for (Thread t : runs) t.join();
		}
		assertEquals(Collections.emptyList(), errors);
		for (BatchItem item : items) {
			ImagePlus res = IJ.openImage(item.output().toString());
			assertNotNull(res, item.output() + " is a whole TIFF");
			float[] px = (float[]) res.getStack().getPixels(1);
			int holder = Arrays.equals(px, expected[0]) ? 0 : Arrays.equals(px, expected[1]) ? 1 : -1;
			assertTrue(holder >= 0, item.output() + " holds one run's whole result, not a mix");
			for (int r = 0; r < 2; r++) {
				Outcome.Status s = outcomes.get(r).get(item.output());
				assertNotNull(s, "run " + r + " reported " + item.output());
				if (s == Outcome.Status.WRITTEN) {
					assertEquals(r, holder, item.output() + ": run " + r + " reported it written, so it holds its result");
				}
				else {
					assertEquals(Outcome.Status.FAILED, s, "the other run's output is not taken as done");
				}
			}
		}
		try (Stream<Path> files = Files.list(out)) {
			List<String> names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
			assertEquals(FILES, names.size(), "only the outputs, no temporary file: " + names);
		}
	}
}
