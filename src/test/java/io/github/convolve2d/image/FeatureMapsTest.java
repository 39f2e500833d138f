package io.github.convolve2d.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageConverter;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.Presets;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The image engine's own rules; PluginBatchParityTest checks that every front end gets the same from it. */
class FeatureMapsTest {

	private static final ConvolutionOptions SAME = ConvolutionOptions.builder().mode("same").border("reflect")
		.threads(1).build();
	private static final List<Kernel> SOBEL = Arrays.asList(Presets.resolve("sobel-x"), Presets.resolve("sobel-y"));

	private static ImagePlus ihc() {
		ImagePlus imp = IJ.openImage("sample-images/ihc.png");
		imp.setRoi(100, 100, 40, 30);
		return imp.crop();
	}

	/**
	 * The planes of a stack share one float copy (each overwrites the previous plane's): every feature map still
	 * equals the core's on its own plane, as ImageJ converts it, for 8-bit, calibrated 16-bit and RGB hyperstacks,
	 * on 1 and 2 threads, and the source is unchanged.
	 */
	@Test
	void eachPlaneOfAStackEqualsTheCoreOnThatPlane() {
		for (String type : new String[] { "8-bit", "16-bit", "RGB" }) {
			for (int threads = 1; threads <= 2; threads++) {
				ImagePlus imp = IJ.createImage("hs", type + " random", 33, 21, 2, 3, 2);
				if (type.equals("16-bit")) imp.getCalibration().setSigned16BitCalibration(); // through its table
				Object[] before = new Object[imp.getStackSize()];
				for (int i = 0; i < before.length; i++) before[i] = copyOf(imp.getStack().getPixels(i + 1));
				ConvolutionOptions o = ConvolutionOptions.builder().mode("same").border("reflect").threads(threads).build();
				ImagePlus maps = FeatureMaps.compute(imp, SOBEL, o, Planes.ALL, ProgressListener.NONE);
				int colours = type.equals("RGB") ? 3 : 1;
				assertEquals(2 * colours * 2, maps.getNChannels(), type);
				for (int t = 1; t <= 2; t++) {
					for (int z = 1; z <= 3; z++) {
						for (int c = 1; c <= 2; c++) {
							ij.process.ImageProcessor ip = imp.getStack().getProcessor(imp.getStackIndex(c, z, t));
							ip.setCalibrationTable(imp.getCalibration().getCTable());
							for (int colour = 0; colour < colours; colour++) {
								float[] in = (float[]) ip.toFloat(colour, null).getPixels();
								for (int k = 0; k < 2; k++) {
									int channel = ((c - 1) * colours + colour) * 2 + k + 1;
									assertArrayEquals(Convolution.convolve(Plane.wrap(33, 21, in), SOBEL.get(k), o).pixels(),
										(float[]) maps.getStack().getPixels(maps.getStackIndex(channel, z, t)),
										type + ", " + threads + " thread(s): c" + c + " z" + z + " t" + t + " colour " + colour + " k" + k);
								}
							}
						}
					}
				}
				for (int i = 0; i < before.length; i++) {
					assertTrue(Arrays.deepEquals(new Object[] { before[i] }, new Object[] { imp.getStack().getPixels(i + 1) }),
						type + ": source plane " + (i + 1) + " changed");
				}
			}
		}
	}

	private static Object copyOf(Object pixels) {
		if (pixels instanceof byte[]) return ((byte[]) pixels).clone();
		if (pixels instanceof short[]) return ((short[]) pixels).clone();
		return ((int[]) pixels).clone();
	}

	/** A palette image is convolved on the colours its palette gives, as 3 channels, like RGB. */
	@Test
	void aPaletteImageGivesRedGreenBlueChannelsPerKernel() {
		ImagePlus imp = ihc();
		new ImageConverter(imp).convertRGBtoIndexedColor(256);
		assertEquals(ImagePlus.COLOR_256, imp.getType());
		ColorProcessor colours = (ColorProcessor) imp.getProcessor().convertToRGB();
		ImagePlus maps = FeatureMaps.compute(imp, SOBEL, SAME, Planes.ALL, ProgressListener.NONE);
		assertEquals(6, maps.getNChannels(), "3 colours × 2 kernels, kernel fastest");
		String[] names = { "red", "green", "blue" };
		for (int c = 0; c < 3; c++) {
			Plane plane = Plane.wrap(imp.getWidth(), imp.getHeight(), (float[]) colours.toFloat(c, null).getPixels());
			for (int k = 0; k < 2; k++) {
				int n = c * 2 + k + 1;
				assertEquals(names[c] + " / " + SOBEL.get(k).name(), maps.getStack().getSliceLabel(n));
				assertArrayEquals(Convolution.convolve(plane, SOBEL.get(k), SAME).pixels(),
					(float[]) maps.getStack().getPixels(n), "channel " + n);
			}
		}
	}

	@Test
	void labelsStartWithTheInputSliceLabelAndEachChannelGetsItsOwnDisplayRange() {
		ImagePlus imp = IJ.createImage("s", "8-bit ramp", 16, 12, 2);
		imp.getStack().setSliceLabel("first\nsecond line", 1);
		imp.getStack().getProcessor(2).multiply(0.25);
		ImagePlus maps = FeatureMaps.compute(imp, SOBEL, SAME, Planes.ALL, ProgressListener.NONE);
		assertTrue(maps instanceof CompositeImage, "a bank's channels are a composite");
		assertEquals(Arrays.asList("first / Sobel X", "first / Sobel Y", "Sobel X", "Sobel Y"),
			Arrays.asList(maps.getStack().getSliceLabels()).subList(0, 4));
		CompositeImage composite = (CompositeImage) maps;
		// a horizontal ramp: Sobel X responds, Sobel Y gives 0 inside (reflect border)
		assertTrue(composite.getChannelLut(1).max > 0, "Sobel X channel range from its data");
		assertEquals(0, composite.getChannelLut(2).max, 1e-9, "Sobel Y channel range from its own data");
		assertEquals("s-Sobel X+Sobel Y", maps.getTitle());
	}

	/**
	 * An image whose y axis points up (ImageJ's "inverty", y origin 0: physical y 0 on the bottom row): each output
	 * row has the physical y of the input row it lies over, in valid and full mode and with a stride, and a
	 * selection's maps keep it too.
	 */
	@Test
	void anInvertedYAxisKeepsEachRowsPhysicalY() {
		for (String mode : new String[] { "valid", "full", "same" }) {
			ImagePlus imp = IJ.createImage("up", "32-bit ramp", 40, 30, 1);
			ij.measure.Calibration cal = imp.getCalibration();
			cal.setUnit("um");
			cal.pixelWidth = cal.pixelHeight = 0.5;
			cal.setInvertY(true);
			if (mode.equals("same")) imp.setRoi(5, 7, 20, 12);
			ConvolutionOptions options = ConvolutionOptions.builder().mode(mode).stride(2, 3).threads(1).build();
			ImagePlus maps = FeatureMaps.compute(imp, SOBEL, options, Planes.ALL, ProgressListener.NONE);
			ConvolutionGeometry g = ConvolutionGeometry.of(40, 30, 3, 3, options);
			int originY = mode.equals("same") ? 8 : g.originY(); // the selection's first output row lies over row 8
			ij.measure.Calibration out = maps.getCalibration();
			assertTrue(out.getInvertY(), mode);
			for (int r = 0; r < maps.getHeight(); r++) {
				assertEquals(cal.getY(originY + 2 * r, 30), out.getY(r, maps.getHeight()), 1e-9, mode + ", row " + r);
			}
		}
	}

	@Test
	void banksMustFitOneStackOutsideSameMode() {
		List<Kernel> mixed = Arrays.asList(Presets.resolve("box-3"), Presets.resolve("box-5"));
		ConvolutionGeometry.checkOneFeatureMapSize(mixed, SAME);
		String m = assertThrows(UserException.class, () -> ConvolutionGeometry.checkOneFeatureMapSize(mixed,
			ConvolutionOptions.builder().mode("valid").build())).getMessage();
		assertTrue(m.contains("different sizes in valid mode"), m);
		assertThrows(UserException.class, () -> FeatureMaps.compute(ihc(), Collections.emptyList(), SAME,
			Planes.ALL, ProgressListener.NONE));
	}

	@Test
	void runsThatCannotFitInMemoryAreRefusedBeforeAnyWork() {
		String m = assertThrows(UserException.class, () -> FeatureMaps.checkFitsInMemory(Long.MAX_VALUE / 2, true))
			.getMessage();
		assertTrue(m.startsWith("not enough memory: the feature maps need "), m);
		assertTrue(m.contains("Edit > Options > Memory & Threads") && m.contains("current plane only"), m);
		FeatureMaps.checkFitsInMemory(1 << 20, false); // a megabyte fits
		// one rule: 2 kernels × 3 colours × 100×50 floats, plus one plane's 3 float colour planes
		assertEquals(4L * 100 * 50 * 3 * 2 + 4L * 3 * 100 * 50,
			FeatureMaps.bytesNeeded(100, 50, 1, true, SOBEL, SAME));
	}

	/**
	 * A plane of half a heap region or more takes whole regions (G1): a stack of 1024² planes takes twice its size at
	 * Fiji's -Xmx8g, so a run let through at the planes' size ran out of memory half-way instead of being refused.
	 */
	@Test
	void theMemoryRuleCountsPlanesInTheHeapRegionsTheyTake() {
		long plane = io.github.convolve2d.core.HeapRegions.arrayBytes(4L << 20);
		assertEquals(32 * 2 * plane + plane, FeatureMaps.bytesNeeded(1024, 1024, 32, false, SOBEL, SAME));
		assertEquals(32 * 8 * plane + plane, LayerMaps.bytesNeeded(1024, 1024, 32, false,
			io.github.convolve2d.core.LayerWeights.of(8, 1, 3, 3, new double[8 * 9], null, 1), SAME));
	}

	/** Small kernels are recorded with their values; a large one by size and hash, not 20 bytes a value. */
	@Test
	void provenanceRecordsValuesOfSmallKernelsAndAHashOfLargeOnes() {
		double[] small = new double[64 * 64], large = new double[65 * 65], other = new double[65 * 65];
		Arrays.fill(small, 0.5);
		Arrays.fill(large, 0.5);
		Arrays.fill(other, 0.5);
		other[100] = Math.nextUp(0.5);
		String s = FeatureMaps.provenance(List.of(Kernel.of("s", 64, 64, small)), SAME);
		assertTrue(s.startsWith("s [0.5 0.5 "), s.substring(0, 40));
		String l = FeatureMaps.provenance(List.of(Kernel.of("l", 65, 65, large)), SAME);
		assertTrue(l.startsWith("l [65×65 values, SHA-256 of their bits "), l);
		assertTrue(l.length() < 300, l);
		String o = FeatureMaps.provenance(List.of(Kernel.of("l", 65, 65, other)), SAME);
		assertTrue(!o.equals(l), "one value one ulp apart gives another hash");
	}
}
