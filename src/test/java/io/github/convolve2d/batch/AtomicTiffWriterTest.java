package io.github.convolve2d.batch;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs appear whole or not at all; a file too large for the memory budget fails alone. */
class AtomicTiffWriterTest {

	@TempDir
	Path tmp;

	private static ImagePlus image() {
		float[] px = new float[64 * 48];
		for (int i = 0; i < px.length; i++) px[i] = i * 0.5f;
		return new ImagePlus("t", new FloatProcessor(64, 48, px));
	}

	private long entries() throws IOException {
		try (Stream<Path> s = Files.list(tmp)) {
			return s.count();
		}
	}

	@Test
	void aFailureBetweenTemporaryWriteAndRenameLeavesNoFileUnderTheFinalName() throws Exception {
		Path target = tmp.resolve("a.tif");
		List<Long> temporarySizes = new ArrayList<>();
		AtomicTiffWriter failing = new AtomicTiffWriter((temporary, t) -> {
			temporarySizes.add(Files.size(temporary)); // the whole TIFF is there, under the hidden name
			throw new IOException("No space left on device (injected)");
		});
		IOException e = assertThrows(IOException.class, () -> failing.write(image(), target, false));
		assertTrue(e.getMessage().contains("injected"));
		assertTrue(temporarySizes.get(0) > 64 * 48 * 4, "the temporary file held the image");
		assertFalse(Files.exists(target), "nothing under the final name");
		assertEquals(0, entries(), "the temporary file is removed");

		byte[] old = { 1, 2, 3 };
		Files.write(target, old);
		assertThrows(IOException.class, () -> failing.write(image(), target, true));
		assertArrayEquals(old, Files.readAllBytes(target), "an existing file is left as it was");
	}

	@Test
	void writesAWholeTiffThatImageJReadsBack() throws Exception {
		Path target = tmp.resolve("b.tif");
		new AtomicTiffWriter().write(image(), target, false);
		ImagePlus back = IJ.openImage(target.toString());
		assertArrayEquals((float[]) image().getProcessor().getPixels(), (float[]) back.getProcessor().getPixels());
		assertEquals(1, entries(), "only the output, no temporary file");
		assertThrows(IOException.class, () -> new AtomicTiffWriter().write(image(), target, false),
			"an output that appeared meanwhile is not replaced without overwrite");
	}

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

	/** ImageJ's wording of a failed write keeps its reason and drops the temporary file's name. */
	@Test
	void aFailedWriteIsReportedByItsReason() {
		assertEquals("No space left on device", AtomicTiffWriter.writerFailure("File saving error (IOException):\n"
			+ "   \"No space left on device\" \n   /out/.convolve2d-1-2-h-3.tif"));
		assertEquals("something else", AtomicTiffWriter.writerFailure("something else\n"));
		assertEquals("ImageJ's TIFF writer failed without a reason", AtomicTiffWriter.writerFailure(" "));
	}
}
