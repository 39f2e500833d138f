package io.github.convolve2d.imagej;

import static io.github.convolve2d.imagej.HeadlessImageJ.convolve;
import static io.github.convolve2d.imagej.HeadlessImageJ.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;

import java.awt.event.KeyEvent;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plugin driven headlessly through macro options on the sample images: each feature map must equal the
 * core's output on the same plane, the source must stay unchanged.
 */
class PluginImagesTest {

	/** The core's result for one float plane under the given macro options. */
	private static float[] core(float[] pixels, int w, int h, String options, int kernel) {
		ConvolveSettings s = ConvolveSettings.fromMacro(options);
		List<Kernel> kernels = s.kernels().kernels();
		return Convolution.convolve(Plane.wrap(w, h, pixels), kernels.get(kernel), s.options()).pixels();
	}

	private static float[] floats(ImageProcessor ip) {
		return (float[]) ip.convertToFloat().getPixels();
	}

	private static float[] plane(ImagePlus imp, int c, int z, int t) {
		return (float[]) imp.getStack().getPixels(imp.getStackIndex(c, z, t));
	}

	private static void assertUnchanged(ImagePlus imp, Object pixelsBefore) {
		Object now = imp.getProcessor().getPixels();
		if (now instanceof byte[]) assertArrayEquals((byte[]) pixelsBefore, (byte[]) now, "source changed");
		else if (now instanceof short[]) assertArrayEquals((short[]) pixelsBefore, (short[]) now, "source changed");
		else if (now instanceof int[]) assertArrayEquals((int[]) pixelsBefore, (int[]) now, "source changed");
		else assertArrayEquals((float[]) pixelsBefore, (float[]) now, "source changed");
	}

	private static Object copy(Object pixels) {
		if (pixels instanceof byte[]) return ((byte[]) pixels).clone();
		if (pixels instanceof short[]) return ((short[]) pixels).clone();
		if (pixels instanceof int[]) return ((int[]) pixels).clone();
		return ((float[]) pixels).clone();
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = ';', value = { "camera.png; 8", "chessboard_GRAY_U16.tif; 16", "camera.png; 32" })
	void greyImagesEqualTheCore(String file, int bits) {
		ImagePlus imp = open(file);
		if (bits == 32) imp = new ImagePlus("camera.tif", imp.getProcessor().convertToFloat());
		assertEquals(bits, imp.getBitDepth());
		Object before = copy(imp.getProcessor().getPixels());
		String options = "preset=[Laplacian 4-neighbour] border=mirror";
		ImagePlus out = convolve(imp, options);
		assertNotNull(out, "no result");
		assertEquals(32, out.getBitDepth());
		assertEquals(file.replaceFirst("\\..*", "") + "-Laplacian 4-neighbour", out.getTitle());
		assertEquals(imp.getWidth(), out.getWidth());
		assertArrayEquals(core(floats(imp.getProcessor()), imp.getWidth(), imp.getHeight(), options, 0),
			(float[]) out.getProcessor().getPixels());
		assertUnchanged(imp, before);
		float[] px = (float[]) out.getProcessor().getPixels();
		double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
		for (float v : px) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		assertEquals(min, out.getDisplayRangeMin(), 1e-3, "display range reset to the data");
		assertEquals(max, out.getDisplayRangeMax(), 1e-3, "display range reset to the data");
	}

	/** Value-calibrated data (here signed 16-bit) is convolved on its calibrated values, as Type › 32-bit gives them. */
	@Test
	void signed16BitImagesAreConvolvedOnTheirCalibratedValues() {
		ImagePlus imp = open("chessboard_GRAY_U16.tif");
		imp.getCalibration().setSigned16BitCalibration();
		assertTrue(imp.getCalibration().calibrated());
		String options = "preset=[Sobel X] border=reflect";
		ImagePlus out = convolve(imp, options);
		assertNotNull(out, "no result");
		float[] calibrated = (float[]) new ij.process.TypeConverter(imp.getProcessor(), false).convertToFloat(
			imp.getCalibration().getCTable()).getPixels();
		assertTrue(calibrated[0] < 0, "the signed calibration makes dark pixels negative");
		assertArrayEquals(core(calibrated, imp.getWidth(), imp.getHeight(), options, 0),
			(float[]) out.getProcessor().getPixels());
		assertFalse(out.getCalibration().calibrated(), "feature maps carry plain 32-bit values");
	}

	@Test
	void rgbGivesThreeChannelsWithNegativeResponsesKept() {
		ImagePlus imp = open("ihc.png");
		Object before = copy(imp.getProcessor().getPixels());
		String options = "preset=[Sobel X]";
		ImagePlus out = convolve(imp, options);
		assertTrue(out instanceof CompositeImage, "a composite");
		assertEquals(3, out.getNChannels());
		assertEquals(32, out.getBitDepth());
		ColorProcessor cp = (ColorProcessor) imp.getProcessor();
		boolean negative = false;
		for (int ch = 0; ch < 3; ch++) {
			float[] expected = core((float[]) cp.toFloat(ch, null).getPixels(), imp.getWidth(), imp.getHeight(),
				options, 0);
			float[] got = plane(out, ch + 1, 1, 1);
			assertArrayEquals(expected, got, "channel " + ch);
			for (float v : got) negative |= v < 0;
		}
		assertTrue(negative, "negative responses are kept");
		assertUnchanged(imp, before);
	}

	@Test
	void stackAllPlanesOrTheCurrentOne() {
		ImagePlus imp = open("multipage.tif");
		assertEquals(2, imp.getStackSize());
		String options = "kernel=[1 2 1; 0 0 0; -1 -2 -1] border=replicate";
		ImagePlus all = convolve(imp, options + " stack");
		assertEquals(2, all.getStackSize());
		for (int z = 1; z <= 2; z++) {
			assertArrayEquals(core(floats(imp.getStack().getProcessor(z)), imp.getWidth(), imp.getHeight(), options, 0),
				(float[]) all.getStack().getPixels(z), "slice " + z);
		}
		imp.setSlice(2);
		ImagePlus one = convolve(imp, options);
		assertEquals(1, one.getStackSize());
		assertArrayEquals((float[]) all.getStack().getPixels(2), (float[]) one.getProcessor().getPixels());

		ImagePlus virtual = IJ.openVirtual(HeadlessImageJ.SAMPLES.resolve("multipage.tif").toString());
		assertTrue(virtual.getStack().isVirtual());
		ImagePlus fromVirtual = convolve(virtual, options + " stack");
		for (int z = 1; z <= 2; z++) {
			assertArrayEquals((float[]) all.getStack().getPixels(z), (float[]) fromVirtual.getStack().getPixels(z));
		}
	}

	@Test
	void hyperstackWithAKernelBank() {
		ImagePlus imp = IJ.createImage("hs", "32-bit random", 24, 20, 2, 3, 2);
		assertTrue(imp.isHyperStack());
		String options = "preset=[Sobel X, Sobel Y] mode=valid";
		imp.setPosition(2, 3, 2);
		ImagePlus out = convolve(imp, options + " stack");
		assertEquals(4, out.getNChannels(), "2 channels × 2 kernels");
		assertEquals("3 3 2", out.getC() + " " + out.getZ() + " " + out.getT(),
			"opens at the source's slice and frame, on its channel's first map (as Image > Duplicate... does)");
		assertEquals(3, out.getNSlices());
		assertEquals(2, out.getNFrames());
		assertEquals(22, out.getWidth());
		for (int t = 1; t <= 2; t++) {
			for (int z = 1; z <= 3; z++) {
				for (int c = 1; c <= 2; c++) {
					for (int k = 0; k < 2; k++) {
						float[] expected = core(plane(imp, c, z, t).clone(), 24, 20, options, k);
						int cOut = (c - 1) * 2 + k + 1;
						assertArrayEquals(expected, plane(out, cOut, z, t), "c" + c + " z" + z + " t" + t + " k" + k);
						assertEquals("C" + c + " / Sobel " + (k == 0 ? "X" : "Y"),
							out.getStack().getSliceLabel(out.getStackIndex(cOut, z, t)));
					}
				}
			}
		}
		imp.setPosition(2, 3, 1);
		ImagePlus current = convolve(imp, options);
		assertEquals(2, current.getStackSize(), "one plane, two kernels");
		assertArrayEquals(plane(out, 4, 3, 1), (float[]) current.getStack().getPixels(2));
	}

	@Test
	void kernelBankOnOneImageGivesOneLabelledSlicePerKernel() {
		ImagePlus imp = open("camera.png");
		String options = "preset=[Sobel X, Sobel Y, Laplacian 4-neighbour]";
		ImagePlus out = convolve(imp, options);
		ImageStack st = out.getStack();
		assertEquals(3, st.getSize());
		assertEquals(Arrays.asList("Sobel X", "Sobel Y", "Laplacian 4-neighbour"),
			Arrays.asList(st.getSliceLabel(1), st.getSliceLabel(2), st.getSliceLabel(3)));
		for (int k = 0; k < 3; k++) {
			assertArrayEquals(core(floats(imp.getProcessor()), 512, 512, options, k), (float[]) st.getPixels(k + 1));
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = ';', value = { "mode=same border=constant cval=7", "mode=same border=replicate",
		"mode=same border=reflect stride=2", "mode=same border=mirror dilation=2", "mode=same border=wrap flip",
		"mode=valid stride=2,3", "mode=full border=wrap", "mode=full border=mirror stride=3 flip",
		"mode=same border=reflect dilation=100000000,3" }) // a huge dilation: no window of the dilated extent
	void selectionGivesTheCropOfTheWholeResult(String rest) {
		ImagePlus imp = open("coins.png");
		String options = "kernel=[1 2 0 -1; 0 3 1 2; -2 0 1 1] " + rest; // even-sized, asymmetric
		ImagePlus whole = convolve(imp, options);
		Calibration wc = whole.getCalibration();
		for (Roi roi : new Roi[] { new Roi(0, 0, 37, 21), new OvalRoi(350, 280, 34, 23), new Roi(100, 50, 3, 2) }) {
			imp.setRoi(roi);
			ImagePlus part = convolve(imp, options);
			imp.deleteRoi();
			Calibration pc = part.getCalibration();
			// the crop's position in the whole result, from the calibrations' origins
			int x0 = (int) Math.round(wc.xOrigin - pc.xOrigin);
			int y0 = (int) Math.round(wc.yOrigin - pc.yOrigin);
			assertTrue(x0 >= 0 && y0 >= 0, rest + " " + roi);
			ImageProcessor crop = whole.getProcessor().duplicate();
			crop.setRoi(x0, y0, part.getWidth(), part.getHeight());
			assertArrayEquals((float[]) crop.crop().getPixels(), (float[]) part.getProcessor().getPixels(),
				rest + " " + roi.getBounds());
		}
	}

	@Test
	void anOvalSelectionIsCarriedOverThePixelsItCovered() {
		ImagePlus imp = open("camera.png");
		OvalRoi oval = new OvalRoi(100, 80, 61, 41);
		for (String options : new String[] { "preset=sobel-x", "preset=sobel-x mode=valid stride=2",
			"preset=sobel-x mode=full stride=3,2" })
		{
			imp.setRoi(oval);
			ImagePlus part = convolve(imp, options);
			imp.deleteRoi();
			Roi carried = part.getRoi();
			assertNotNull(carried, options + ": the oval is carried");
			ConvolveSettings s = ConvolveSettings.fromMacro(options);
			io.github.convolve2d.core.ConvolutionGeometry g = io.github.convolve2d.core.ConvolutionGeometry.of(512, 512,
				3, 3, s.options());
			io.github.convolve2d.core.Region r = g.outputRegionOver(100, 80, 61, 41);
			int inside = 0, differ = 0;
			for (int j = 0; j < part.getHeight(); j++) {
				for (int i = 0; i < part.getWidth(); i++) {
					// the input pixel the output pixel is centred on
					int x = g.originX() + (r.x() + i) * g.strideX(), y = g.originY() + (r.y() + j) * g.strideY();
					boolean was = oval.contains(x, y), is = carried.contains(i, j);
					if (was) inside++;
					if (was != is) differ++;
				}
			}
			assertTrue(inside > 100 / (g.strideX() * g.strideY()), options + ": " + inside + " pixels inside");
			assertEquals(0, differ, options + ": the same pixels, " + inside + " of them");
		}
		imp.setRoi(new Roi(10, 10, 30, 20));
		assertEquals(null, convolve(imp, "preset=sobel-x").getRoi(), "a rectangle is the result's whole area");
	}

	@Test
	void calibrationFollowsStrideAndMode() {
		ImagePlus imp = open("cell.png");
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = cal.pixelHeight = 0.107;
		cal.setUnit("µm");
		Calibration same = convolve(imp, "preset=sobel-x stride=2,3").getCalibration();
		assertEquals(0.107 * 3, same.pixelWidth, 1e-12);
		assertEquals(0.107 * 2, same.pixelHeight, 1e-12);
		assertEquals("µm", same.getUnit());
		assertEquals(0, same.xOrigin, 0);
		// valid: output pixel 0 lies over input pixel 1 (3×3 kernel), so x(0) is one input pixel in
		Calibration valid = convolve(imp, "preset=sobel-x mode=valid").getCalibration();
		assertEquals(0.107, valid.getX(0), 1e-12);
		Calibration full = convolve(imp, "preset=imagej-edge mode=full").getCalibration();
		assertEquals(-2 * 0.107, full.getY(0), 1e-12);
		imp.setRoi(10, 20, 30, 30);
		Calibration roi = convolve(imp, "preset=sobel-x").getCalibration();
		assertEquals(10 * 0.107, roi.getX(0), 1e-12);
		assertEquals(20 * 0.107, roi.getY(0), 1e-12);
	}

	/**
	 * The image's properties (ImagePlus.setProp, the macro's Property.set, a TIFF's saved properties) are kept, as
	 * Image > Duplicate... keeps them; they were dropped. Not kept: those that describe the source's own making or
	 * plane (an earlier Convolve 2D run's, a single image's slice label), which the result has its own of.
	 */
	@Test
	void theImagesPropertiesAreKeptButNotThoseOfItsOwnMaking() {
		ImagePlus imp = open("cell.png");
		imp.setProp("Objective", "63x/1.4 oil");
		imp.setProperty("Info", "acquired 2026-12-01");
		imp.setProp("Slice_Label", "cell");
		imp.setProp("Convolve2D", "Sobel Y [..]; mode=same");
		imp.setProp("Convolve2D.settings", "sha256:0123");
		imp.setProp("Convolve2D.input", "10 bytes, modified 2026-12-01T00:00:00Z");
		ImagePlus bank = convolve(imp, "preset=[sobel-x, sobel-y]");
		assertEquals("63x/1.4 oil", bank.getProp("Objective"));
		assertEquals("acquired 2026-12-01", bank.getInfoProperty());
		assertEquals(null, bank.getProp("Slice_Label"), "two maps: no single image's label");
		assertTrue(bank.getProp("Convolve2D").startsWith("Sobel X ["), bank.getProp("Convolve2D"));
		assertEquals(null, bank.getProp("Convolve2D.settings"));
		assertEquals(null, bank.getProp("Convolve2D.input"));
		ImagePlus one = convolve(imp, "preset=sobel-x");
		assertEquals("63x/1.4 oil", one.getProp("Objective"));
		assertEquals("cell / Sobel X", one.getProp("Slice_Label"));
	}

	@Test
	void escapeCancelsWithoutAResult() {
		ImagePlus imp = open("camera.png");
		ImageJProgress imagej = new ImageJProgress();
		boolean[] finished = { false };
		ProgressListener probe = new ProgressListener() {
			@Override
			public void progress(int done, int total) {
				finished[0] |= done == total;
			}

			@Override
			public boolean isCancelled() {
				return imagej.isCancelled();
			}
		};
		IJ.setKeyDown(KeyEvent.VK_ESCAPE); // as if Escape were pressed during the run
		try {
			assertThrows(CancellationException.class,
				() -> FeatureMaps.compute(imp, ConvolveSettings.fromMacro("preset=sobel-x").kernels().kernels(),
					ConvolveSettings.DEFAULT_OPTIONS, Planes.ALL, probe));
			assertFalse(finished[0], "never reported as finished");
		}
		finally {
			IJ.resetEscape();
		}
	}
}
