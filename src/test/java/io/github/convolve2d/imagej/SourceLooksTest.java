package io.github.convolve2d.imagej;

import static io.github.convolve2d.imagej.HeadlessImageJ.convolve;
import static io.github.convolve2d.imagej.HeadlessImageJ.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.plugin.LutLoader;
import ij.process.ByteProcessor;
import ij.process.ImageConverter;
import ij.process.LUT;

import java.awt.Color;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature maps look like the source as Image › Type › 32-bit would leave it: lookup tables (a single image's,
 * each channel's of a composite, red/green/blue for an RGB image's colours), a composite's display mode, and the
 * value unit of a value calibration.
 */
class SourceLooksTest {

	@BeforeEach
	void reset() {
		HeadlessImageJ.reset();
	}

	@Test
	void anInvertingLutIsKeptAsImageJs32BitConversionKeepsIt() {
		ImagePlus imp = open("camera.png");
		imp.getProcessor().invertLut();
		assertTrue(imp.isInvertedLut());
		ImagePlus out = convolve(imp, "preset=gaussian:1");
		assertNotNull(out);
		ImagePlus imageJ = imp.duplicate();
		new ImageConverter(imageJ).convertToGray32();
		assertTrue(imageJ.isInvertedLut(), "ImageJ's 32-bit conversion keeps it");
		assertTrue(out.isInvertedLut(), "the feature map's LUT inverts too");
	}

	@Test
	void aColourLutIsKept() {
		ImagePlus imp = open("camera.png");
		IndexColorModel fire = LutLoader.getLut("fire");
		imp.getProcessor().setColorModel(fire);
		ImagePlus out = convolve(imp, "preset=sobel-x");
		assertNotNull(out);
		assertSameColours(new LUT(fire, 0, 0), out.getProcessor().getLut(), "fire");
	}

	@Test
	void theValueUnitOfAValueCalibrationIsKept() {
		ImagePlus imp = open("camera.png");
		Calibration cal = imp.getCalibration();
		cal.setFunction(Calibration.STRAIGHT_LINE, new double[] { 0.5, 0.01 }, "OD");
		imp.setCalibration(cal);
		ImagePlus out = convolve(imp, "preset=box-3");
		assertNotNull(out);
		assertEquals("OD", out.getCalibration().getValueUnit());
		assertFalse(out.getCalibration().calibrated(), "the values were read through the function: no function left");
		double sum = 0;
		for (int dy = -1; dy <= 1; dy++) {
			for (int dx = -1; dx <= 1; dx++) sum += 0.5 + 0.01 * imp.getProcessor().get(100 + dx, 100 + dy);
		}
		assertEquals(sum / 9, out.getProcessor().getf(100, 100), 1e-5, "convolved on the calibrated values");
	}

	/**
	 * A bank of a single image shows each map with the image's LUT, as one kernel's map shows it, and a TIFF saved
	 * by ImageJ keeps those LUTs. The bank opened as a grey composite: ImageJ shows that mode without the channels'
	 * LUTs (an inverting one showed upright, Fire as grey) and does not save them (reopened red, green, ...).
	 */
	@Test
	void aBankOfASingleImageShowsAndSavesItsLut(@TempDir Path dir) {
		ImagePlus imp = open("camera.png");
		imp.getProcessor().invertLut();
		ImagePlus one = convolve(imp, "preset=sobel-x");
		ImagePlus bank = convolve(imp, "preset=sobel-x,sobel-y");
		assertTrue(bank instanceof CompositeImage);
		one.updateImage();
		bank.updateImage();
		int w = imp.getWidth(), h = imp.getHeight();
		assertArrayEquals(one.getBufferedImage().getRGB(0, 0, w, h, null, 0, w),
			bank.getBufferedImage().getRGB(0, 0, w, h, null, 0, w), "shown as one kernel's map: inverted");
		String path = dir.resolve("bank.tif").toString();
		assertTrue(new FileSaver(bank).saveAsTiff(path));
		ImagePlus saved = IJ.openImage(path);
		assertTrue(saved instanceof CompositeImage);
		for (int c = 1; c <= 2; c++) {
			assertSameColours(imp.getProcessor().getLut(), ((CompositeImage) saved).getChannelLut(c), "saved, map " + c);
		}
		assertEquals(((CompositeImage) bank).getMode(), ((CompositeImage) saved).getMode());
	}

	@Test
	void aCompositeKeepsItsChannelColoursAndMode() {
		ImagePlus imp = twoChannels();
		CompositeImage source = new CompositeImage(imp, CompositeImage.COLOR);
		source.setChannelLut(LUT.createLutFromColor(Color.magenta), 1);
		source.setChannelLut(LUT.createLutFromColor(Color.cyan), 2);
		ImagePlus out = convolve(source, "preset=sobel-x stack");
		assertTrue(out instanceof CompositeImage);
		assertEquals(CompositeImage.COLOR, ((CompositeImage) out).getMode(), "the source's display mode");
		assertSameColours(source.getChannelLut(1), ((CompositeImage) out).getChannelLut(1), "channel 1");
		assertSameColours(source.getChannelLut(2), ((CompositeImage) out).getChannelLut(2), "channel 2");
	}

	/**
	 * A bank of an RGB image shows each map in its colour, one map at a time, and a TIFF saved by ImageJ keeps those
	 * colours. It opened as a grey composite: ImageJ neither shows nor saves the channels' LUTs in that mode.
	 */
	@Test
	void aBankOfAnRgbImageShowsAndSavesEachMapInItsColour(@TempDir Path dir) {
		ImagePlus out = convolve(open("ihc.png"), "preset=sobel-x,sobel-y");
		assertTrue(out instanceof CompositeImage);
		assertEquals(6, out.getNChannels());
		assertEquals(CompositeImage.COLOR, ((CompositeImage) out).getMode(), "one map at a time, in its colour");
		Color[] expected = { Color.red, Color.red, Color.green, Color.green, Color.blue, Color.blue };
		ImagePlus saved = saveAndOpen(out, dir);
		for (int c = 1; c <= 6; c++) {
			String label = out.getStack().getSliceLabel(c);
			LUT colour = LUT.createLutFromColor(expected[c - 1]);
			assertSameColours(colour, ((CompositeImage) out).getChannelLut(c), "channel " + c + " (" + label + ")");
			assertSameColours(colour, ((CompositeImage) saved).getChannelLut(c), "saved, channel " + c);
		}
		assertEquals(CompositeImage.COLOR, ((CompositeImage) saved).getMode(), "saved");
		out.setPosition(3, 1, 1); // green / Sobel X
		out.updateImage();
		int rgb = out.getBufferedImage().getRGB(out.getWidth() / 2, out.getHeight() / 2);
		assertEquals(0, rgb & 0xff0000 | rgb & 0xff, "a green map is shown in green: " + Integer.toHexString(rgb));
	}

	/**
	 * A bank of a composite shows each map in its channel's colour, one at a time (in composite mode the maps of
	 * one channel, drawn in one colour, would add up), and a TIFF saved by ImageJ keeps the colours.
	 */
	@Test
	void aCompositeBankGivesEachMapItsChannelsColour(@TempDir Path dir) {
		CompositeImage source = new CompositeImage(twoChannels(), CompositeImage.COMPOSITE);
		source.setChannelLut(LUT.createLutFromColor(Color.yellow), 1);
		ImagePlus out = convolve(source, "preset=sobel-x,sobel-y stack");
		assertEquals(4, out.getNChannels());
		assertEquals(CompositeImage.COLOR, ((CompositeImage) out).getMode(), "one map at a time, in its colour");
		assertSameColours(source.getChannelLut(1), ((CompositeImage) out).getChannelLut(2), "channel 1, kernel 2");
		assertSameColours(source.getChannelLut(2), ((CompositeImage) out).getChannelLut(3), "channel 2, kernel 1");
		ImagePlus saved = saveAndOpen(out, dir);
		for (int c = 1; c <= 4; c++) {
			assertSameColours(((CompositeImage) out).getChannelLut(c), ((CompositeImage) saved).getChannelLut(c),
				"saved, map " + c);
		}
		// and the pixels do not depend on the colours
		ImagePlus plain = convolve(twoChannels(), "preset=sobel-x,sobel-y stack");
		for (int n = 1; n <= 4; n++) {
			assertArrayEquals((float[]) plain.getStack().getPixels(n), (float[]) out.getStack().getPixels(n));
		}
	}

	/** A composite the user shows in grey keeps that mode for a bank too, as for one kernel. */
	@Test
	void aGreyCompositeBankStaysGrey() {
		CompositeImage source = new CompositeImage(twoChannels(), CompositeImage.GRAYSCALE);
		ImagePlus out = convolve(source, "preset=sobel-x,sobel-y stack");
		assertEquals(CompositeImage.GRAYSCALE, ((CompositeImage) out).getMode());
	}

	private static ImagePlus saveAndOpen(ImagePlus imp, Path dir) {
		String path = dir.resolve("maps.tif").toString();
		assertTrue(new FileSaver(imp).saveAsTiff(path));
		ImagePlus saved = IJ.openImage(path);
		assertTrue(saved instanceof CompositeImage, "reopened as a composite");
		return saved;
	}

	private static ImagePlus twoChannels() {
		ImageStack stack = new ImageStack(40, 30);
		for (int c = 0; c < 2; c++) {
			ByteProcessor bp = new ByteProcessor(40, 30);
			for (int i = 0; i < 40 * 30; i++) bp.set(i, (i * (c + 3)) % 251);
			stack.addSlice("C" + (c + 1), bp);
		}
		ImagePlus imp = new ImagePlus("two channels", stack);
		imp.setDimensions(2, 1, 1);
		return imp;
	}

	private static void assertSameColours(LUT expected, LUT actual, String what) {
		assertEquals(expected.getMapSize(), actual.getMapSize(), what + ": LUT size");
		for (int i = 0; i < expected.getMapSize(); i++) {
			assertEquals(expected.getRGB(i), actual.getRGB(i), what + ": LUT entry " + i);
		}
	}
}
