package io.github.convolve2d.image;

import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.gui.Roi;
import ij.plugin.FileInfoVirtualStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.convolve2d.core.PixelConversion;
import io.github.convolve2d.core.UserException;

import java.awt.Rectangle;
import java.io.File;

/**
 * The planes of an image that the engine convolves, read one at a time as the float planes the core takes:
 * <ul>
 * <li>grey values through the image's value calibration when it has one (as Image › Type › 32-bit gives them,
 * so signed 16-bit data stays signed), raw values otherwise; a 32-bit plane is handed over without copying
 * (the core never writes into its input);</li>
 * <li>RGB and 8-bit colour (palette) images as three colour channels, red, green and blue;</li>
 * <li>a virtual stack is read plane by plane, only when its turn comes.</li>
 * </ul>
 */
final class InputPlanes {

	private final ImagePlus imp;
	/** The image's stack; null for a single image, whose processor is read instead. */
	private final ImageStack stack;
	private final float[] cTable;
	/** The arrays the last conversion wrote, which a read may overwrite when its caller allows it. */
	private float[][] converted;
	/** Whether each plane is read as red, green and blue. */
	final boolean colour;
	/** The channels, slices and frames (1-based) to convolve, in output order. */
	final int[] channels, slices, frames;

	InputPlanes(ImagePlus imp, Planes which) {
		if (imp.getProcessor() == null) {
			throw new UserException("\"" + imp.getTitle() + "\" has been closed; open it again to convolve it");
		}
		this.imp = imp;
		// a single image's getStack() builds a stack and scans its pixels (22 ms for a 4096² 16-bit image, ImageJ 1.54p)
		stack = imp.getStackSize() == 1 ? null : imp.getStack();
		colour = imp.getType() == ImagePlus.COLOR_RGB || imp.getType() == ImagePlus.COLOR_256;
		cTable = imp.getCalibration().calibrated() ? imp.getCalibration().getCTable() : null;
		boolean all = which == Planes.ALL;
		// the plane on display is the current slice, whose pixels getProcessor() holds; ImageJ leaves getSlice()
		// and getFrame() at 1 when a script's setSlice moves a virtual stack that has no window
		int[] shown = imp.convertIndexToPosition(imp.getCurrentSlice());
		channels = all ? oneTo(imp.getNChannels()) : new int[] { shown[0] };
		slices = all ? oneTo(imp.getNSlices()) : new int[] { shown[1] };
		frames = all ? oneTo(imp.getNFrames()) : new int[] { shown[2] };
	}

	/** 3 for colour images (red, green, blue), 1 otherwise. */
	int colours() {
		return colour ? 3 : 1;
	}

	/** The number of input planes convolved. */
	long count() {
		return (long) channels.length * slices.length * frames.length;
	}

	/** The bounding rectangle of an area selection, clipped to the image; null without one. */
	Rectangle area() {
		Roi roi = imp.getRoi();
		if (roi == null || !roi.isArea()) return null;
		Rectangle r = roi.getBounds().intersection(new Rectangle(0, 0, imp.getWidth(), imp.getHeight()));
		return r.isEmpty() ? null : r;
	}

	/**
	 * The float data of plane (c, z, t): one array, or red, green and blue for a colour image, converted on up to
	 * {@code threads} threads. A 32-bit plane is handed over as it is (the core never writes into its input).
	 *
	 * @param reuse whether the caller is done with the arrays of the previous read, which this one may then
	 *        overwrite (a stack's planes then share one float copy instead of each allocating and zeroing its own)
	 */
	float[][] read(int c, int z, int t, int threads, boolean reuse) {
		ImageProcessor ip = stack == null ? imp.getProcessor() : readPlane(imp.getStackIndex(c, z, t));
		if (ip instanceof FloatProcessor) return new float[][] { (float[]) ip.getPixels() };
		float[][] into = reuse ? converted : null;
		if (colour) {
			ColorProcessor rgb = ip instanceof ColorProcessor ? (ColorProcessor) ip : (ColorProcessor) ip.convertToRGB();
			converted = PixelConversion.rgb((int[]) rgb.getPixels(), into, threads);
		}
		else {
			converted = new float[][] { grey(ip, cTable, into == null ? null : into[0], threads) };
		}
		return converted.clone(); // the caller may change its copy of the list, never this one
	}

	/**
	 * Plane {@code n} of the stack. A virtual stack of ImageJ's own (a TIFF's, or a folder's) whose file is gone
	 * logs a read error and hands out a blank plane, which would give feature maps of nothing: refused instead.
	 */
	private ImageProcessor readPlane(int n) {
		if (stack instanceof FileInfoVirtualStack || stack != null && stack.getClass() == VirtualStack.class) {
			VirtualStack virtual = (VirtualStack) stack;
			String folder = virtual.getDirectory(), name = virtual.getFileName(n);
			if (folder != null && name != null && !new File(folder, name).isFile()) {
				throw new UserException("plane " + n + " of \"" + imp.getTitle() + "\" cannot be read: its file "
					+ new File(folder, name) + " is gone (moved, deleted, or on storage no longer mounted); open the"
					+ " image again");
			}
		}
		return stack.getProcessor(n);
	}

	/**
	 * What names plane (c, z, t) in the feature maps' labels: its own slice label ({@link FeatureMaps#planeName}) when
	 * it has one, else {@link FeatureMaps#channelName}.
	 */
	String label(int c, int z, int t) {
		// a single image's label lives in a property (getStackIndex/getSliceLabel may make one up from the title)
		String label = imp.getStackSize() == 1 ? imp.getProp("Slice_Label")
			: stack.getSliceLabel(imp.getStackIndex(c, z, t));
		String own = FeatureMaps.planeName(label);
		return own != null ? own : FeatureMaps.channelName(c, imp.getNChannels());
	}

	/** The floats of an 8-bit, 16-bit (or other non-float, non-RGB) plane, written into {@code into} if not null. */
	private static float[] grey(ImageProcessor ip, float[] cTable, float[] into, int threads) {
		if (ip instanceof ByteProcessor) {
			return PixelConversion.unsigned8((byte[]) ip.getPixels(), cTable != null && cTable.length >= 256 ? cTable
				: null, into, threads);
		}
		if (ip instanceof ShortProcessor) {
			return PixelConversion.unsigned16((short[]) ip.getPixels(), cTable != null && cTable.length >= 65536
				? cTable : null, into, threads);
		}
		int n = ip.getPixelCount();
		float[] f = into != null ? into : new float[n];
		for (int i = 0; i < n; i++) f[i] = ip.getf(i);
		return f;
	}

	private static int[] oneTo(int n) {
		int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i + 1;
		return r;
	}
}
