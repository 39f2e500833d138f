package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.UserException;

import org.junit.jupiter.api.Test;

/** What the dialog's preview shows, computed without a display: the run's first feature map, source untouched. */
class PreviewTest {

	@Test
	void theFirstKernelsMapOfTheDisplayedPlane() {
		ImagePlus imp = HeadlessImageJ.open("multipage.tif");
		assertTrue(imp.getStackSize() > 1);
		imp.setSlice(2);
		Object before = imp.getStack().getProcessor(2).duplicate().getPixels();
		ConvolveSettings settings = ConvolveSettings.fromMacro("preset=laplacian-4,sobel-x border=reflect stack");
		ImagePlus preview = Preview.compute(imp, settings, 1);
		assertEquals(Preview.TITLE, preview.getTitle());
		assertEquals(1, preview.getStackSize(), "one plane, one kernel");
		ImagePlus run = HeadlessImageJ.featureMaps(imp, settings);
		int plane2Laplacian = 1 + 2 * (2 - 1); // channel-major: plane 2's first kernel
		assertEquals("Laplacian 4-neighbour", run.getStack().getSliceLabel(plane2Laplacian).replaceFirst(".*?(Lap)", "$1"));
		assertArrayEquals((float[]) run.getStack().getPixels(plane2Laplacian), (float[]) preview.getProcessor().getPixels());
		assertArrayEquals((byte[]) before, (byte[]) imp.getStack().getProcessor(2).getPixels(), "the source is untouched");
	}

	@Test
	void aSelectionPreviewsItsBounds() {
		ImagePlus imp = HeadlessImageJ.open("camera.png");
		imp.setRoi(new Roi(10, 20, 30, 40));
		ImagePlus preview = Preview.compute(imp, ConvolveSettings.fromMacro("preset=sobel-y"), 1);
		assertEquals(30, preview.getWidth());
		assertEquals(40, preview.getHeight());
	}

	@Test
	void aClosedSourceIsAMessageNotAnInternalError() {
		ImagePlus imp = HeadlessImageJ.open("camera.png");
		imp.flush(); // closing the source's window while the dialog is open
		assertTrue(PluginRun.closed(imp));
		UserException e = assertThrows(UserException.class,
			() -> Preview.compute(imp, ConvolveSettings.fromMacro("preset=sobel-y"), 1));
		assertTrue(e.getMessage().contains("has been closed"), e.getMessage());
	}

	@Test
	void offAboveFourMegapixels() {
		assertTrue(Preview.allowed(new ImagePlus("2000×2000", new FloatProcessor(2000, 2000))));
		assertFalse(Preview.allowed(new ImagePlus("2001×2000", new FloatProcessor(2001, 2000))));
	}
}
