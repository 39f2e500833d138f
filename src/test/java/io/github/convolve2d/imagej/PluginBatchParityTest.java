package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ImageConverter;
import ij.process.ImageProcessor;
import ij.process.LUT;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.batch.BatchListener;
import io.github.convolve2d.batch.BatchPlan;
import io.github.convolve2d.batch.BatchRunner;
import io.github.convolve2d.batch.BatchSummary;
import io.github.convolve2d.batch.InputScanner;
import io.github.convolve2d.batch.MemoryBudget;
import io.github.convolve2d.batch.Outcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plugin path (a macro's {@code run("Convolve 2D...")} on an open image) and the batch path (BatchRunner on
 * the image saved as a TIFF, its output TIFF read back) give the same feature maps for every kind of image: the
 * same pixels, dimensions and channel order, slice labels, calibration and per-channel display ranges.
 */
class PluginBatchParityTest {

	@TempDir
	Path tmp;

	@BeforeEach
	void reset() {
		HeadlessImageJ.reset();
	}

	static Stream<Arguments> images() {
		return Stream.of(
			Arguments.of("8-bit", (Supplier<ImagePlus>) () -> HeadlessImageJ.open("microaneurysms.png"),
				"preset=[Sobel X, Sobel Y] border=reflect"),
			Arguments.of("16-bit signed, calibrated", (Supplier<ImagePlus>) PluginBatchParityTest::signed16,
				"preset=[Laplacian 4-neighbour] mode=valid stride=2,3"),
			Arguments.of("32-bit", (Supplier<ImagePlus>) () -> random("32-bit", 37, 29, 1, 1, 1),
				"kernel=[1 2 0 -1; 0 3 1 2; -2 0 1 1] mode=full border=wrap dilation=2"),
			Arguments.of("RGB", (Supplier<ImagePlus>) PluginBatchParityTest::rgb, "preset=[Sobel X]"),
			Arguments.of("RGB, a bank", (Supplier<ImagePlus>) PluginBatchParityTest::rgb,
				"preset=[Sobel X, Sobel Y] border=constant cval=5"),
			Arguments.of("8-bit colour (palette)", (Supplier<ImagePlus>) PluginBatchParityTest::palette,
				"preset=[Sobel X, Sobel Y]"),
			Arguments.of("stack", (Supplier<ImagePlus>) () -> HeadlessImageJ.open("multipage.tif"),
				"preset=[Sobel X, Sobel Y] mode=same stack"),
			Arguments.of("hyperstack, labelled", (Supplier<ImagePlus>) PluginBatchParityTest::hyperstack,
				"preset=[Sobel X, Sobel Y, Box mean 3x3] stack"),
			Arguments.of("8-bit, inverting LUT, a bank", (Supplier<ImagePlus>) PluginBatchParityTest::inverted,
				"preset=[Sobel X, Sobel Y] mode=full"),
			Arguments.of("16-bit, a display range", (Supplier<ImagePlus>) PluginBatchParityTest::displayRange,
				"preset=[Sobel X] mode=valid stride=2"),
			Arguments.of("composite in colours, one kernel", (Supplier<ImagePlus>) PluginBatchParityTest::coloured,
				"preset=[Sobel Y] stack"),
			Arguments.of("composite in colours, a bank", (Supplier<ImagePlus>) PluginBatchParityTest::coloured,
				"preset=[Sobel X, Sobel Y] stack"));
	}

	@ParameterizedTest(name = "{0}: {2}")
	@MethodSource("images")
	void pluginAndBatchGiveTheSameFeatureMaps(String what, Supplier<ImagePlus> image, String options) {
		ImagePlus source = image.get();
		Path input = save(source, "input.tif");
		ImagePlus reopened = IJ.openImage(input.toString());
		assertEquals(source.getType(), reopened.getType(), what + ": type kept by the TIFF");
		ImagePlus plugin = HeadlessImageJ.convolve(reopened, options.endsWith(" stack") ? options : options + " stack");
		assertNotNull(plugin, what + ": the plugin made no result");
		assertSame(what, plugin, batch(input, options));
	}

	@Test
	void aVirtualStackGivesWhatTheBatchGives() {
		Path input = save(hyperstack(), "virtual.tif");
		String options = "preset=[Sobel X, Laplacian 4-neighbour] border=mirror stack";
		ImagePlus virtual = IJ.openVirtual(input.toString());
		assertTrue(virtual.getStack().isVirtual());
		assertSame("virtual stack", HeadlessImageJ.convolve(virtual, options), batch(input, options));
	}

	/** The batch convolves whole images; a selection gives the crop of that result, placed by its calibration. */
	@Test
	void aSelectionGivesTheCropOfTheBatchResult() {
		Path input = save(rgb(), "selection.tif");
		String options = "preset=[Sobel X, Sobel Y] mode=valid stride=2";
		ImagePlus whole = batch(input, options);
		ImagePlus imp = IJ.openImage(input.toString());
		imp.setRoi(new OvalRoi(9, 7, 23, 17));
		ImagePlus part = HeadlessImageJ.convolve(imp, options);
		assertEquals(whole.getNChannels(), part.getNChannels());
		Calibration wc = whole.getCalibration(), pc = part.getCalibration();
		assertEquals(wc.pixelWidth, pc.pixelWidth, 1e-6);
		// the crop's place in the whole result, from the two origins (TIFF keeps them as text, to about 1e-9)
		int x0 = (int) Math.round(wc.xOrigin - pc.xOrigin), y0 = (int) Math.round(wc.yOrigin - pc.yOrigin);
		assertEquals(wc.xOrigin - pc.xOrigin, x0, 1e-6);
		assertTrue(x0 > 0 && y0 > 0, "the selection lies inside: " + x0 + "," + y0);
		for (int n = 1; n <= whole.getStackSize(); n++) {
			assertEquals(whole.getStack().getSliceLabel(n), part.getStack().getSliceLabel(n), "label " + n);
			ImageProcessor crop = whole.getStack().getProcessor(n);
			crop.setRoi(x0, y0, part.getWidth(), part.getHeight());
			assertArrayEquals((float[]) crop.crop().getPixels(), (float[]) part.getStack().getPixels(n), "slice " + n);
		}
	}

	private ImagePlus batch(Path input, String options) {
		ConvolveSettings s = ConvolveSettings.fromMacro(options);
		BatchPlan plan;
		try {
			plan = BatchPlan.of(Collections.singletonList(input), new InputScanner(false, Collections.emptyList(),
				Collections.emptyList()), tmp.resolve("out"), null);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		Outcome[] outcome = new Outcome[1];
		BatchSummary summary = new BatchRunner(s.kernels().kernels(), s.options(), new AtomicTiffWriter(), 1,
			MemoryBudget.ofHeap(), true, new BatchListener() {
				@Override
				public void started(int total) {
				}

				@Override
				public void finished(Outcome o) {
					outcome[0] = o;
				}
			}).run(plan.items());
		assertEquals(1, summary.written(), "batch: " + outcome[0].message());
		return IJ.openImage(plan.items().get(0).output().toString());
	}

	private static void assertSame(String what, ImagePlus plugin, ImagePlus batch) {
		assertEquals(plugin.getWidth() + "×" + plugin.getHeight() + " c" + plugin.getNChannels() + " z"
			+ plugin.getNSlices() + " t" + plugin.getNFrames(), batch.getWidth() + "×" + batch.getHeight() + " c"
			+ batch.getNChannels() + " z" + batch.getNSlices() + " t" + batch.getNFrames(), what + ": dimensions");
		assertEquals(plugin.isComposite(), batch.isComposite(), what + ": composite");
		if (plugin.isComposite()) {
			int mode = ((CompositeImage) plugin).getMode();
			assertEquals(mode, ((CompositeImage) batch).getMode(), what + ": display mode");
			// ImageJ saves no LUTs of a composite in grey mode
			for (int c = 1; mode != CompositeImage.GRAYSCALE && c <= plugin.getNChannels(); c++) {
				assertArrayEquals(((CompositeImage) plugin).getChannelLut(c).getBytes(),
					((CompositeImage) batch).getChannelLut(c).getBytes(), what + ": LUT of channel " + c);
			}
		}
		else {
			assertArrayEquals(plugin.getProcessor().getLut().getBytes(), batch.getProcessor().getLut().getBytes(),
				what + ": LUT");
		}
		ImageStack p = plugin.getStack(), b = batch.getStack();
		for (int n = 1; n <= p.getSize(); n++) {
			assertEquals(p.getSliceLabel(n), b.getSliceLabel(n), what + ": label of slice " + n);
			assertArrayEquals((float[]) p.getPixels(n), (float[]) b.getPixels(n), what + ": pixels of slice " + n);
		}
		Calibration pc = plugin.getCalibration(), bc = batch.getCalibration();
		assertEquals(pc.getUnit(), bc.getUnit(), what + ": unit");
		// TIFF stores the resolution as a rational: about 6 significant digits survive
		assertEquals(pc.pixelWidth, bc.pixelWidth, 1e-5 * pc.pixelWidth, what + ": pixel width");
		assertEquals(pc.pixelHeight, bc.pixelHeight, 1e-5 * pc.pixelHeight, what + ": pixel height");
		assertEquals(pc.xOrigin, bc.xOrigin, 1e-6, what + ": x origin");
		assertEquals(pc.yOrigin, bc.yOrigin, 1e-6, what + ": y origin");
		assertEquals(pc.calibrated(), bc.calibrated(), what + ": value calibration");
		int channels = plugin.isComposite() ? plugin.getNChannels() : 1;
		for (int c = 1; c <= channels; c++) {
			double[] pr = range(plugin, c), br = range(batch, c);
			double tolerance = 1e-4 * Math.max(1, Math.abs(pr[1] - pr[0]));
			assertEquals(pr[0], br[0], tolerance, what + ": display minimum of channel " + c);
			assertEquals(pr[1], br[1], tolerance, what + ": display maximum of channel " + c);
			assertEquals(dataRange(plugin, c, channels)[0], pr[0], 1e-6, what + ": channel " + c + " range from data");
			assertEquals(dataRange(plugin, c, channels)[1], pr[1], 1e-6, what + ": channel " + c + " range from data");
		}
	}

	private static double[] range(ImagePlus imp, int c) {
		if (imp instanceof CompositeImage) {
			LUT lut = ((CompositeImage) imp).getChannelLut(c);
			return new double[] { lut.min, lut.max };
		}
		return new double[] { imp.getDisplayRangeMin(), imp.getDisplayRangeMax() };
	}

	private static double[] dataRange(ImagePlus imp, int c, int channels) {
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (int n = c; n <= imp.getStackSize(); n += channels) {
			for (float v : (float[]) imp.getStack().getPixels(n)) {
				if (!Float.isFinite(v)) continue; // as a display range is set
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
		}
		return new double[] { min, max };
	}

	private Path save(ImagePlus imp, String name) {
		Path file = tmp.resolve(name);
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()), "cannot save " + file);
		return file;
	}

	private static ImagePlus random(String type, int w, int h, int c, int z, int t) {
		ImagePlus imp = IJ.createImage("random", type + " black", w, h, c, z, t);
		Random random = new Random(8);
		ImageStack stack = imp.getStack();
		for (int n = 1; n <= stack.getSize(); n++) {
			ImageProcessor ip = stack.getProcessor(n);
			for (int i = 0; i < ip.getPixelCount(); i++) ip.setf(i, (float) (random.nextGaussian() * 100 + 300));
		}
		return imp;
	}

	private static ImagePlus signed16() {
		ImagePlus imp = HeadlessImageJ.open("chessboard_GRAY_U16.tif");
		imp.getCalibration().setSigned16BitCalibration();
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = 0.25;
		cal.pixelHeight = 0.5;
		cal.setUnit("µm");
		cal.xOrigin = 3;
		return imp;
	}

	private static ImagePlus rgb() {
		ImagePlus imp = HeadlessImageJ.open("ihc.png");
		imp.setRoi(200, 150, 48, 40);
		ImagePlus crop = imp.crop();
		crop.setTitle("ihc");
		return crop;
	}

	/** An 8-bit colour image (a palette of 256 colours), as Image › Type › 8-bit Color makes it. */
	private static ImagePlus palette() {
		ImagePlus imp = rgb();
		new ImageConverter(imp).convertRGBtoIndexedColor(256);
		assertEquals(ImagePlus.COLOR_256, imp.getType(), "a palette image");
		return imp;
	}

	/** An 8-bit image with an inverting LUT and a spatial calibration. */
	private static ImagePlus inverted() {
		ImagePlus imp = HeadlessImageJ.open("microaneurysms.png");
		imp.getProcessor().invertLut();
		imp.getCalibration().pixelWidth = 0.4;
		imp.getCalibration().setUnit("µm");
		return imp;
	}

	/** A 16-bit image shown through a narrow display range. */
	private static ImagePlus displayRange() {
		ImagePlus imp = random("16-bit", 31, 27, 1, 1, 1);
		imp.setDisplayRange(250, 350);
		return imp;
	}

	/** A composite of 3 channels in magenta, cyan and yellow, in composite mode, with 2 slices. */
	private static ImagePlus coloured() {
		CompositeImage imp = new CompositeImage(random("16-bit", 26, 21, 3, 2, 1), CompositeImage.COMPOSITE);
		java.awt.Color[] colours = { java.awt.Color.magenta, java.awt.Color.cyan, java.awt.Color.yellow };
		for (int c = 0; c < 3; c++) imp.setChannelLut(LUT.createLutFromColor(colours[c]), c + 1);
		return imp;
	}

	/** 2 channels × 3 slices × 2 frames of 16-bit data, each plane labelled, with a spatial calibration. */
	private static ImagePlus hyperstack() {
		ImagePlus imp = random("16-bit", 24, 20, 2, 3, 2);
		for (int n = 1; n <= imp.getStackSize(); n++) imp.getStack().setSliceLabel("plane " + n + "\nmore", n);
		imp.getCalibration().pixelWidth = imp.getCalibration().pixelHeight = 0.5;
		imp.getCalibration().setUnit("mm");
		return imp;
	}
}
