package io.github.convolve2d.image;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.plugin.RoiScaler;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.Region;

import java.awt.Rectangle;

/**
 * Carries what the user drew on the source onto its feature maps, each mark over the output pixels it covered
 * (scaled down by a stride, moved by the mode's origin and by a selection's region), as Image › Duplicate... carries
 * them:
 * <ul>
 * <li>a selection other than a rectangle (an oval, a polygon, a freehand area): the maps cover its bounding
 * rectangle, the selection shows which part of it was selected;</li>
 * <li>the overlay, unless it is hidden or is a calibration bar (which describes the source's values, not the
 * maps'): the marks that fall on the maps, each on the planes made from the plane it was on. A mark on one channel
 * goes to every output channel computed from that channel (one per kernel and colour), or to all channels of a CNN
 * layer's maps, which sum every channel; a mark on a slice or frame that was not convolved is left behind.</li>
 * </ul>
 * Positions are read as ImageJ's canvas reads them when it draws the source's overlay.
 */
final class FeatureMapMarks {

	private final ImagePlus source, result;
	private final InputPlanes in;
	/** Output channels made from one input channel (kernels × colours); 0 for a layer, whose maps use them all. */
	private final int perChannel;
	private final int strideX, strideY;
	/** Where input pixel centres land: output x = (x + 0.5) / strideX + dx - 0.5, likewise y. */
	private final double dx, dy;

	private FeatureMapMarks(ImagePlus source, ImagePlus result, InputPlanes in, int perChannel,
		ConvolutionGeometry whole, Region region)
	{
		this.source = source;
		this.result = result;
		this.in = in;
		this.perChannel = perChannel;
		strideX = whole.strideX();
		strideY = whole.strideY();
		int rx = region == null ? 0 : region.x(), ry = region == null ? 0 : region.y();
		// input x lies at output (x - originX - 0.5) / stride + 0.5 - region x (pixel centres to pixel centres)
		dx = 0.5 - (whole.originX() + 0.5) / strideX - rx;
		dy = 0.5 - (whole.originY() + 0.5) / strideY - ry;
	}

	/**
	 * Places the source's selection and overlay on {@code result}.
	 *
	 * @param perChannel output channels made from each input channel (kernels × colours); 0 when every output
	 *        channel is made from all of them (a CNN layer)
	 * @param whole the geometry of the whole image's feature maps
	 * @param region the part of them computed (over an area selection), or null for all
	 */
	static void carry(ImagePlus source, ImagePlus result, InputPlanes in, int perChannel, ConvolutionGeometry whole,
		Region region)
	{
		FeatureMapMarks marks = new FeatureMapMarks(source, result, in, perChannel, whole, region);
		if (region != null) marks.carrySelection(source.getRoi());
		Overlay overlay = source.getOverlay();
		if (overlay != null && !source.getHideOverlay() && !overlay.isCalibrationBar()) marks.carryOverlay(overlay);
	}

	private void carrySelection(Roi roi) {
		if (roi == null || !roi.isArea() || roi.getType() == Roi.RECTANGLE && roi.getCornerDiameter() == 0) return;
		Roi placed = placed(roi);
		if (placed != null) result.setRoi(placed);
	}

	private void carryOverlay(Overlay overlay) {
		Overlay carried = overlay.create();
		Rectangle maps = new Rectangle(0, 0, result.getWidth(), result.getHeight());
		for (Roi roi : overlay.toArray()) {
			int[] at = sourcePosition(roi);
			if (at == null) continue;
			// a layer's maps are made from every channel: a mark on any channel goes on all of them
			int c = perChannel == 0 ? 0 : outputIndex(at[0], in.channels, source.getNChannels());
			int z = outputIndex(at[1], in.slices, source.getNSlices()), t = outputIndex(at[2], in.frames,
				source.getNFrames());
			if (c < 0 || z < 0 || t < 0) continue; // on a plane that was not convolved
			Roi placed = placed(roi);
			if (placed == null) continue;
			Rectangle bounds = placed.getBounds();
			bounds.width = Math.max(1, bounds.width);
			bounds.height = Math.max(1, bounds.height);
			if (!maps.intersects(bounds)) continue;
			if (c == 0) {
				carried.add(at(placed, 0, z, t));
			}
			else {
				for (int k = 0; k < perChannel; k++) {
					carried.add(at(k == 0 ? placed : (Roi) placed.clone(), (c - 1) * perChannel + k + 1, z, t));
				}
			}
		}
		if (carried.size() > 0) result.setOverlay(carried);
	}

	/**
	 * A copy of {@code roi} over the output pixels it covered; null for a mark ImageJ cannot scale down (an image
	 * mark smaller than the stride makes its scaler throw), which is left behind rather than fail the run.
	 */
	private Roi placed(Roi roi) {
		Roi placed;
		try {
			placed = strideX == 1 && strideY == 1 ? (Roi) roi.clone()
				: RoiScaler.scale(roi, 1.0 / strideX, 1.0 / strideY, false);
		}
		catch (RuntimeException e) {
			return null;
		}
		placed.translate(dx, dy); // as Overlay.translate moves every kind of mark
		return placed;
	}

	/**
	 * The source channel, slice and frame (1-based, 0 for all) on which the canvas draws {@code roi}; null for a
	 * point selection whose points each keep their own plane, which cannot follow a new layout, and for a mark on an
	 * image number the stack does not have.
	 */
	private int[] sourcePosition(Roi roi) {
		if (source.getStackSize() == 1) return new int[3];
		int p = roi.getPosition();
		if (p == PointRoi.POINTWISE_POSITION) return null;
		int c = roi.getCPosition(), z = roi.getZPosition(), t = roi.getTPosition();
		if (source.isHyperStack() || source.getNChannels() > 1) {
			if (p > 0) { // a position set without a hyperstack position: the canvas reads it as a slice, or a frame
				if (z == 0 && source.getNSlices() > 1) z = p;
				else if (t == 0) t = p;
			}
			return new int[] { c, z, t };
		}
		if (p == 0 && c == 1) p = z == 1 ? t : t == 1 ? z : 0;
		if (p > source.getStackSize()) return null; // on no plane: the canvas never draws it
		if (p <= 0) return new int[3];
		int[] czt = source.convertIndexToPosition(p);
		return new int[] { 0, source.getNSlices() > 1 ? czt[1] : 0, source.getNFrames() > 1 ? czt[2] : 0 };
	}

	/**
	 * Where source position {@code position} (1-based, 0 for all) of a dimension of {@code size} lands among the
	 * {@code convolved} ones: 0 for all of them, -1 when it was not convolved.
	 */
	private static int outputIndex(int position, int[] convolved, int size) {
		if (position == 0 || size == 1) return 0;
		for (int i = 0; i < convolved.length; i++) {
			if (convolved[i] == position) return convolved.length == 1 ? 0 : i + 1;
		}
		return -1;
	}

	/** {@code roi} placed on output channel {@code c}, slice {@code z} and frame {@code t} (0 for all). */
	private Roi at(Roi roi, int c, int z, int t) {
		if (result.getStackSize() == 1) roi.setPosition(0);
		else if (result.getNChannels() > 1 || result.getNDimensions() > 3) roi.setPosition(c, z, t);
		else roi.setPosition(result.getNSlices() > 1 ? z : t); // a plain stack: its index
		return roi;
	}
}
