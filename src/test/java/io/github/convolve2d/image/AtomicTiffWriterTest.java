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

	/**
	 * A write that fails (a full disk) throws with its reason, and ImageJ's own error is not raised: FileSaver's, with
	 * an ImageJ window a dialog naming the hidden temporary file, came before the caller's message.
	 */
	@Test
	void aFailedWriteThrowsItsReasonWithoutImageJsError() {
		IJ.getErrorMessage(); // clears it
		java.io.OutputStream full = new java.io.OutputStream() {
			private int written;

			@Override
			public void write(int b) throws IOException {
				if (++written > 1000) throw new IOException("No space left on device");
			}
		};
		IOException e = assertThrows(IOException.class, () -> AtomicTiffWriter.encode(image(),
			new java.io.DataOutputStream(full)));
		assertEquals("No space left on device", e.getMessage());
		assertEquals(null, IJ.getErrorMessage(), "ImageJ reported no error of its own");
	}

	/** What the encoder writes is what ImageJ's FileSaver writes, byte for byte, for a labelled composite. */
	@Test
	void writesWhatImageJsFileSaverWrites() throws Exception {
		ImagePlus imp = IJ.createImage("maps", "32-bit ramp", 20, 10, 2, 3, 1);
		for (int n = 1; n <= imp.getStackSize(); n++) imp.getStack().setSliceLabel("map " + n, n);
		imp = new ij.CompositeImage(imp, ij.CompositeImage.COLOR);
		((ij.CompositeImage) imp).setChannelLut(ij.process.LUT.createLutFromColor(java.awt.Color.cyan), 2);
		imp.setProp("Convolve2D", "Sobel X [-1 0 1]");
		imp.setRoi(new ij.gui.OvalRoi(2, 3, 5, 4));
		imp.getCalibration().pixelWidth = 0.5;
		Path target = tmp.resolve("ours.tif"), theirs = tmp.resolve("imagej.tif");
		new AtomicTiffWriter().write(imp, target, false);
		assertTrue(new ij.io.FileSaver(imp).saveAsTiff(theirs.toString()));
		assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(target));
		ImagePlus single = image();
		single.setProp("Slice_Label", "Sobel X");
		new AtomicTiffWriter().write(single, tmp.resolve("one.tif"), false);
		assertTrue(new ij.io.FileSaver(single).saveAsTiff(tmp.resolve("one-imagej.tif").toString()));
		assertArrayEquals(Files.readAllBytes(tmp.resolve("one-imagej.tif")), Files.readAllBytes(tmp.resolve("one.tif")));
	}
}
