package io.github.convolve2d.image;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs appear whole or not at all. */
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

	/** ImageJ's wording of a failed write keeps its reason and drops the temporary file's name. */
	@Test
	void aFailedWriteIsReportedByItsReason() {
		assertEquals("No space left on device", AtomicTiffWriter.writerFailure("File saving error (IOException):\n"
			+ "   \"No space left on device\" \n   /out/.convolve2d-1-2-h-3.tif"));
		assertEquals("something else", AtomicTiffWriter.writerFailure("something else\n"));
		assertEquals("ImageJ's TIFF writer failed without a reason", AtomicTiffWriter.writerFailure(" "));
	}
}
