package io.github.convolve2d.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageConverter;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a TIFF header says before the image is read: enough to reserve the memory its run needs. */
class ImageHeaderTest {

	@Test
	void paletteTiffsCountAsThreeColourChannelsLikeRgb(@TempDir Path dir) throws Exception {
		ImagePlus imp = IJ.openImage("sample-images/ihc.png");
		imp.setRoi(0, 0, 40, 30);
		ImagePlus rgb = imp.crop();
		ImagePlus palette = rgb.duplicate();
		new ImageConverter(palette).convertRGBtoIndexedColor(256);
		ImagePlus grey = rgb.duplicate();
		new ImageConverter(grey).convertToGray8();
		for (ImagePlus each : new ImagePlus[] { rgb, palette, grey }) {
			new FileSaver(each).saveAsTiff(dir.resolve(each.getBitDepth() + "-" + each.getType() + ".tif").toString());
		}
		ImageHeader p = ImageHeader.read(dir.resolve("8-" + ImagePlus.COLOR_256 + ".tif"));
		assertTrue(p.rgb(), "a palette image is convolved as red, green and blue");
		assertEquals(1, p.bytesPerPixel(), "held as 8-bit by ImageJ");
		assertTrue(ImageHeader.read(dir.resolve("24-" + ImagePlus.COLOR_RGB + ".tif")).rgb());
		assertFalse(ImageHeader.read(dir.resolve("8-" + ImagePlus.GRAY8 + ".tif")).rgb());
	}
}
