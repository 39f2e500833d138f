package io.github.convolve2d.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.PolygonRoi;
import ij.gui.Roi;
import ij.gui.TextRoi;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.kernel.Presets;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The source's overlay on its feature maps: over the pixels each mark covered, on the planes made from its plane. */
class FeatureMapMarksTest {

	private static final List<Kernel> ONE = List.of(Presets.resolve("sobel-x"));
	private static final List<Kernel> TWO = Arrays.asList(Presets.resolve("sobel-x"), Presets.resolve("sobel-y"));

	private static ConvolutionOptions options(String mode, int sx, int sy) {
		return ConvolutionOptions.builder().mode(mode).border("reflect").stride(sy, sx).threads(1).build();
	}

	private static ImagePlus maps(ImagePlus imp, List<Kernel> kernels, ConvolutionOptions o, Planes planes) {
		return FeatureMaps.compute(imp, kernels, o, planes, ProgressListener.NONE);
	}

	/** Position of a mark as "c,z,t" (hyperstack) or "p" (a stack index). */
	private static String position(Roi roi) {
		return roi.hasHyperStackPosition() ? roi.getCPosition() + "," + roi.getZPosition() + "," + roi.getTPosition()
			: Integer.toString(roi.getPosition());
	}

	/**
	 * Every output pixel lies inside a carried area mark exactly when the input pixel it is centred on lay inside the
	 * source's mark (with a stride: but on the mark's edge), in every mode and at strides 1, 2 and 3×2, for a
	 * rectangle, an oval and a polygon; lines and
	 * points land on the output coordinates of their input coordinates; names, colours and stroke widths stay.
	 */
	@Test
	void marksLandOverThePixelsTheyCovered() {
		Roi rect = new Roi(20, 14, 17, 9);
		Roi oval = new OvalRoi(40, 30, 31, 21);
		Roi polygon = new PolygonRoi(new int[] { 5, 60, 30 }, new int[] { 50, 55, 75 }, 3, Roi.POLYGON);
		Line line = new Line(10.5, 12.5, 70.5, 40.5);
		PointRoi point = new PointRoi(33.5, 44.5);
		oval.setName("nucleus");
		oval.setStrokeColor(Color.yellow);
		for (String mode : new String[] { "same", "valid", "full" }) {
			for (int[] stride : new int[][] { { 1, 1 }, { 2, 2 }, { 3, 2 } }) {
				ImagePlus imp = IJ.createImage("one", "8-bit ramp", 90, 80, 1);
				Overlay overlay = new Overlay();
				for (Roi r : new Roi[] { rect, oval, polygon, line, point }) overlay.add((Roi) r.clone());
				imp.setOverlay(overlay);
				ConvolutionOptions o = options(mode, stride[0], stride[1]);
				ImagePlus maps = maps(imp, ONE, o, Planes.ALL);
				String what = mode + " stride " + stride[0] + "," + stride[1];
				Overlay carried = maps.getOverlay();
				assertNotNull(carried, what);
				assertEquals(5, carried.size(), what);
				ConvolutionGeometry g = ConvolutionGeometry.of(90, 80, 3, 3, o);
				for (int m = 0; m < 3; m++) {
					Roi was = new Roi[] { rect, oval, polygon }[m], is = carried.get(m);
					int inside = 0;
					for (int j = 0; j < maps.getHeight(); j++) {
						for (int i = 0; i < maps.getWidth(); i++) {
							int x = g.originX() + i * g.strideX(), y = g.originY() + j * g.strideY();
							boolean in = was.contains(x, y);
							if (in) inside++;
							if (in == is.contains(i, j)) continue;
							// scaled down, a curve becomes ImageJ's polygon of it: it may differ on the mark's edge only
							boolean edge = g.strideX() * g.strideY() > 1 && (was.contains(x - 1, y) != in
								|| was.contains(x + 1, y) != in || was.contains(x, y - 1) != in || was.contains(x, y + 1) != in);
							assertTrue(edge, what + " " + was + " at output " + i + "," + j + ": inside " + in);
						}
					}
					assertTrue(inside >= 10, what + ": " + inside + " pixels inside " + was);
				}
				// a line's ends and a point: input coordinate x lies at output (x - originX - 0.5) / stride + 0.5
				double[] ends = ((Line) carried.get(3)).getFloatPoints().xpoints[0] >= 0
					? new double[] { ((Line) carried.get(3)).x1d, ((Line) carried.get(3)).y1d, ((Line) carried.get(3)).x2d,
						((Line) carried.get(3)).y2d } : null;
				assertNotNull(ends);
				assertEquals(out(10.5, g.originX(), g.strideX()), ends[0], 1e-4, what + " line x1");
				assertEquals(out(12.5, g.originY(), g.strideY()), ends[1], 1e-4, what + " line y1");
				assertEquals(out(70.5, g.originX(), g.strideX()), ends[2], 1e-4, what + " line x2");
				assertEquals(out(40.5, g.originY(), g.strideY()), ends[3], 1e-4, what + " line y2");
				ij.process.FloatPolygon p = carried.get(4).getFloatPolygon();
				assertEquals(out(33.5, g.originX(), g.strideX()), p.xpoints[0], 1e-4, what + " point x");
				assertEquals(out(44.5, g.originY(), g.strideY()), p.ypoints[0], 1e-4, what + " point y");
				assertEquals("nucleus", carried.get(1).getName(), what);
				assertEquals(Color.yellow, carried.get(1).getStrokeColor(), what);
				// the source's overlay is untouched
				assertEquals(rect.getBounds(), imp.getOverlay().get(0).getBounds(), what);
				assertEquals(10.5, ((Line) imp.getOverlay().get(3)).x1d, 0, what);
			}
		}
	}

	private static double out(double x, int origin, int stride) {
		return (x - origin - 0.5) / stride + 0.5;
	}

	/** Over an area selection, only the marks that reach the computed part come, moved by its corner. */
	@Test
	void overASelectionOnlyTheMarksOnThePartComeMovedByItsCorner() {
		ImagePlus imp = IJ.createImage("one", "32-bit ramp", 90, 80, 1);
		Overlay overlay = new Overlay();
		overlay.add(new Roi(30, 30, 5, 5));
		overlay.add(new Roi(70, 5, 5, 5)); // outside the selection
		overlay.add(new TextRoi(35, 28, "cell 1", new Font("SansSerif", Font.PLAIN, 12)));
		imp.setOverlay(overlay);
		imp.setRoi(new Roi(25, 25, 30, 20));
		ImagePlus maps = maps(imp, ONE, options("same", 1, 1), Planes.ALL);
		Overlay carried = maps.getOverlay();
		assertNotNull(carried);
		assertEquals(2, carried.size());
		assertEquals(new java.awt.Rectangle(5, 5, 5, 5), carried.get(0).getBounds());
		assertTrue(carried.get(1) instanceof TextRoi);
		assertEquals("cell 1", ((TextRoi) carried.get(1)).getText().trim());
		assertNull(maps.getRoi(), "a rectangle selection is the result's whole area");
	}

	/**
	 * Peer check: in same mode at stride 1 the maps of a rectangle selection are Image › Duplicate...'s crop, and
	 * the carried overlay is the one Duplicate gives it, mark for mark, over 40 random overlays and selections.
	 */
	@Test
	void sameModeCarriesTheOverlayAsDuplicateDoes() {
		Random rnd = new Random(7);
		int carried = 0, left = 0;
		for (int run = 0; run < 40; run++) {
			ImagePlus imp = IJ.createImage("one", "8-bit random", 60 + rnd.nextInt(40), 50 + rnd.nextInt(40), 1);
			Overlay overlay = new Overlay();
			for (int m = 0; m < 12; m++) {
				int x = rnd.nextInt(imp.getWidth()) - 5, y = rnd.nextInt(imp.getHeight()) - 5;
				int w = 1 + rnd.nextInt(20), h = 1 + rnd.nextInt(20);
				overlay.add(rnd.nextBoolean() ? new Roi(x, y, w, h) : new OvalRoi(x, y, w, h));
			}
			imp.setOverlay(overlay);
			int x = rnd.nextInt(imp.getWidth() - 10), y = rnd.nextInt(imp.getHeight() - 10);
			imp.setRoi(new Roi(x, y, 5 + rnd.nextInt(imp.getWidth() - x - 5), 5 + rnd.nextInt(imp.getHeight() - y - 5)));
			ImagePlus duplicate = new ij.plugin.Duplicator().run(imp);
			ImagePlus maps = maps(imp, ONE, options("same", 1, 1), Planes.ALL);
			assertEquals(duplicate.getWidth(), maps.getWidth(), "run " + run);
			assertEquals(duplicate.getHeight(), maps.getHeight(), "run " + run);
			List<String> want = new ArrayList<>(), got = new ArrayList<>();
			if (duplicate.getOverlay() != null) for (Roi r : duplicate.getOverlay().toArray()) want.add(r.toString());
			if (maps.getOverlay() != null) for (Roi r : maps.getOverlay().toArray()) got.add(r.toString());
			assertEquals(want, got, "run " + run);
			carried += got.size();
			left += 12 - got.size();
		}
		assertTrue(carried > 40 && left > 40, carried + " marks carried, " + left + " left behind");
	}

	/**
	 * A mark ImageJ cannot scale down (a 1×1 image mark at stride 3 makes RoiScaler throw) is left behind; the run
	 * and the other marks are not harmed.
	 */
	@Test
	void aMarkImageJCannotScaleIsLeftBehind() {
		ImagePlus imp = IJ.createImage("one", "8-bit ramp", 60, 40, 1);
		Overlay overlay = new Overlay(new ij.gui.ImageRoi(5, 5, new ij.process.ByteProcessor(1, 1)));
		overlay.add(new Roi(30, 12, 9, 9));
		imp.setOverlay(overlay);
		ImagePlus maps = maps(imp, ONE, options("same", 3, 3), Planes.ALL);
		assertEquals(20, maps.getWidth());
		assertEquals(1, maps.getOverlay().size());
		java.awt.geom.Rectangle2D r = maps.getOverlay().get(0).getFloatBounds(); // (x + 0.5) / 3 - 0.5
		assertEquals(10 + 1 / 3.0, r.getX(), 1e-4);
		assertEquals(4 + 1 / 3.0, r.getY(), 1e-4);
		assertEquals(3, r.getWidth(), 1e-4);
		assertEquals(2, imp.getOverlay().size(), "the source's overlay is untouched");
	}

	/**
	 * Every kind of mark ImageJ has, anywhere (in, across and off the image), on random planes of a hyperstack, with
	 * random modes, strides and selections, 150 draws: the run never fails for a mark, every carried mark touches
	 * the maps, and the source's overlay is untouched.
	 */
	@Test
	void noMarkFailsARun() {
		Random rnd = new Random(5);
		for (int draw = 0; draw < 150; draw++) {
			ImagePlus imp = IJ.createImage("hs", "8-bit ramp", 30 + rnd.nextInt(50), 30 + rnd.nextInt(50), 2,
				1 + rnd.nextInt(2), 1);
			int w = imp.getWidth(), h = imp.getHeight();
			Overlay overlay = new Overlay();
			for (int m = 0; m < 12; m++) {
				double x = rnd.nextInt(w + 20) - 10, y = rnd.nextInt(h + 20) - 10;
				int a = 1 + rnd.nextInt(15), b = 1 + rnd.nextInt(15);
				Roi r;
				switch (rnd.nextInt(12)) {
					case 0: r = new Roi(x, y, a, b); break;
					case 1: r = new OvalRoi(x, y, a, b); break;
					case 2: r = new PolygonRoi(new float[] { (float) x, (float) x + a, (float) x }, new float[] { (float) y,
						(float) y, (float) y + b }, 3, rnd.nextBoolean() ? Roi.POLYGON : Roi.FREEROI); break;
					case 3: r = new PolygonRoi(new float[] { (float) x, (float) x + a }, new float[] { (float) y, (float) y + b },
						2, Roi.POLYLINE); break;
					case 4: r = new Line(x, y, x + a, y + b); break;
					case 5: r = new ij.gui.Arrow(x, y, x + a, y + b); break;
					case 6: r = new PointRoi(new float[] { (float) x, (float) x + a }, new float[] { (float) y, (float) y }, 2);
						break;
					case 7: r = new TextRoi(x, y, "t" + m); break;
					case 8: r = new ij.gui.ImageRoi((int) x, (int) y, new ij.process.ByteProcessor(a, b)); break;
					case 9: r = new ij.gui.EllipseRoi(x, y, x + a, y + b, 0.5); break;
					case 10: r = new ij.gui.RotatedRectRoi(x, y, x + a, y + b, 3); break;
					default: r = new ij.gui.ShapeRoi(new OvalRoi(x, y, a, b)).or(new ij.gui.ShapeRoi(new Roi(x, y, 2, 2)));
				}
				if (rnd.nextBoolean()) r.setPosition(rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(2));
				else r.setPosition(rnd.nextInt(imp.getStackSize() + 1));
				overlay.add(r);
			}
			imp.setOverlay(overlay);
			String before = Arrays.toString(overlay.toArray());
			if (rnd.nextBoolean()) imp.setRoi(new OvalRoi(rnd.nextInt(w / 2), rnd.nextInt(h / 2), 5 + rnd.nextInt(w / 2),
				5 + rnd.nextInt(h / 2)));
			String mode = new String[] { "same", "valid", "full" }[rnd.nextInt(3)];
			ImagePlus maps = maps(imp, rnd.nextBoolean() ? ONE : TWO, options(mode, 1 + rnd.nextInt(4), 1 + rnd.nextInt(4)),
				rnd.nextBoolean() ? Planes.ALL : Planes.CURRENT);
			if (maps.getOverlay() != null) {
				java.awt.Rectangle area = new java.awt.Rectangle(0, 0, maps.getWidth(), maps.getHeight());
				for (Roi r : maps.getOverlay().toArray()) {
					java.awt.Rectangle b = r.getBounds();
					b.width = Math.max(1, b.width);
					b.height = Math.max(1, b.height);
					assertTrue(area.intersects(b), "draw " + draw + ": " + r + " is off the maps " + area);
				}
			}
			assertEquals(before, Arrays.toString(imp.getOverlay().toArray()), "draw " + draw + ": the source's overlay");
		}
	}

	/** A hidden overlay, and a calibration bar (which describes the source's values), stay behind. */
	@Test
	void aHiddenOverlayOrACalibrationBarStaysBehind() {
		ImagePlus imp = IJ.createImage("one", "8-bit ramp", 40, 30, 1);
		Overlay overlay = new Overlay(new Roi(5, 5, 10, 10));
		imp.setOverlay(overlay);
		imp.setHideOverlay(true);
		assertNull(maps(imp, ONE, options("same", 1, 1), Planes.ALL).getOverlay(), "hidden");
		imp.setHideOverlay(false);
		assertNotNull(maps(imp, ONE, options("same", 1, 1), Planes.ALL).getOverlay(), "shown");
		overlay.setIsCalibrationBar(true);
		assertNull(maps(imp, ONE, options("same", 1, 1), Planes.ALL).getOverlay(), "calibration bar");
		imp.setOverlay(new Overlay(new Roi(45, 5, 10, 10))); // off the image
		assertNull(maps(imp, ONE, options("same", 1, 1), Planes.ALL).getOverlay(), "no mark on the maps");
	}

	/**
	 * A hyperstack's marks go to the planes made from their plane: a mark on channel 2 to output channels 3 and 4
	 * of a bank of two kernels; one on all channels stays on all; a legacy position is read as the canvas reads it
	 * (a slice and a frame); with only the displayed plane convolved, marks on other planes stay behind and the rest go on the
	 * single plane.
	 */
	@Test
	void aHyperstacksMarksGoToThePlanesMadeFromTheirPlane() {
		ImagePlus imp = IJ.createImage("hs", "8-bit ramp", 40, 30, 2, 3, 2);
		Overlay overlay = new Overlay();
		Roi onC2 = new Roi(1, 1, 4, 4);
		onC2.setPosition(2, 3, 1);
		Roi allC = new Roi(2, 2, 4, 4);
		allC.setPosition(0, 2, 0);
		Roi legacy = new Roi(3, 3, 4, 4);
		legacy.setPosition(2); // no hyperstack position: the canvas draws it on slice 2 of frame 2 only
		Roi everywhere = new Roi(4, 4, 4, 4);
		for (Roi r : new Roi[] { onC2, allC, legacy, everywhere }) overlay.add(r);
		imp.setOverlay(overlay);

		ImagePlus maps = maps(imp, TWO, options("same", 1, 1), Planes.ALL);
		assertEquals(4, maps.getNChannels());
		List<String> got = new ArrayList<>();
		for (Roi r : maps.getOverlay().toArray()) got.add(r.getXBase() + "@" + position(r));
		assertEquals(Arrays.asList("1.0@3,3,1", "1.0@4,3,1", "2.0@0,2,0", "3.0@0,2,2", "4.0@0,0,0"), got);

		imp.setPosition(1, 2, 1); // only the displayed plane: channel 1, slice 2, frame 1
		maps = maps(imp, TWO, options("same", 1, 1), Planes.CURRENT);
		got.clear();
		for (Roi r : maps.getOverlay().toArray()) got.add(r.getXBase() + "@" + position(r));
		assertEquals(Arrays.asList("2.0@0,0,0", "4.0@0,0,0"), got); // the legacy mark was on frame 2
	}

	/** A plain stack's marks keep their image number when there is one map per plane, else move to the slice. */
	@Test
	void aStacksMarksKeepTheirSlice() {
		ImagePlus imp = IJ.createImage("stack", "16-bit ramp", 40, 30, 4);
		Roi on3 = new Roi(1, 1, 4, 4);
		on3.setPosition(3);
		imp.setOverlay(new Overlay(on3));
		Roi one = maps(imp, ONE, options("same", 1, 1), Planes.ALL).getOverlay().get(0);
		assertEquals("3", position(one));
		Roi two = maps(imp, TWO, options("same", 1, 1), Planes.ALL).getOverlay().get(0);
		assertEquals("0,3,0", position(two)); // both kernels' channels of slice 3
		imp.setSlice(2);
		assertNull(maps(imp, ONE, options("same", 1, 1), Planes.CURRENT).getOverlay(), "slice 3 was not convolved");
	}

	/** A CNN layer sums every channel into each map: a mark on any channel goes on all of them. */
	@Test
	void aLayersMapsTakeEveryChannelsMarks() {
		ImagePlus imp = IJ.createImage("hs", "32-bit ramp", 40, 30, 2, 1, 1);
		Roi onC2 = new OvalRoi(5, 6, 10, 8);
		onC2.setPosition(2, 1, 1);
		imp.setOverlay(new Overlay(onC2));
		imp.setRoi(new PolygonRoi(new int[] { 2, 30, 15 }, new int[] { 2, 5, 25 }, 3, Roi.POLYGON));
		Random rnd = new Random(3);
		double[] w = new double[3 * 2 * 3 * 3];
		for (int i = 0; i < w.length; i++) w[i] = rnd.nextDouble() - 0.5;
		ImagePlus maps = LayerMaps.compute(imp, LayerWeights.of(3, 2, 3, 3, w, null, 1), Activation.NONE, "conv",
			options("valid", 1, 1), Planes.ALL, ProgressListener.NONE);
		assertEquals(3, maps.getNChannels());
		Roi carried = maps.getOverlay().get(0);
		assertEquals("0,0,0", position(carried));
		// valid 3×3 over the polygon's bounds (2,2)-(30,25): output x = input x - 1 - 1 (the region starts at 1)
		assertEquals(5 - 2, carried.getXBase(), 1e-9);
		assertNotNull(maps.getRoi(), "the polygon selection is carried onto a layer's maps too");
	}
}
