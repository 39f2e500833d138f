package io.github.convolve2d.imagej;

import io.github.convolve2d.core.UserException;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.Kernel;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Turns an ImageJ image into core planes, convolves them and assembles the 32-bit feature maps as a new image;
 * the source image is only read.
 * <ul>
 * <li>8-bit and 16-bit planes are convolved on their raw pixel values (as ImageJ's filters do), 32-bit as is.
 * RGB (and 8-bit colour) planes are split into red, green and blue, each convolved: a 3-channel composite,
 * negative responses kept.</li>
 * <li>Stacks and hyperstacks: every channel, slice and frame, or only the displayed plane; a virtual stack
 * is read plane by plane. With several kernels (a bank) each input channel gives one output channel per
 * kernel (channel-major); a single grey plane gives a stack with one slice per kernel. Slices are labelled
 * with their kernel's name.</li>
 * <li>An area selection: the feature maps cover its bounding rectangle, computed from the real pixels around
 * it; the border rule applies only beyond the image's edge. Equal to cropping the whole image's result.</li>
 * <li>Spatial calibration is kept; a stride multiplies the pixel size, and the origin moves so that each
 * output pixel lies over the input pixel on which its kernel is centred (valid/full modes, selections).</li>
 * </ul>
 */
public final class FeatureMaps {

	private static final String[] RGB_NAMES = { "red", "green", "blue" };

	/** Units of progress per input plane reported to the listener. */
	static final int UNITS_PER_PLANE = 1000;

	private FeatureMaps() {
	}

	/**
	 * Convolves {@code imp} as {@code settings} ask, with {@code threads} threads.
	 *
	 * @param progress receives {@code done} of {@code total} units over the whole run and may cancel
	 * @return the feature maps as a new, not yet shown 32-bit image
	 * @throws UserException for settings that do not fit the image (kernel too large for valid
	 *         mode, a bank of different sizes in valid/full mode, a selection holding no output pixel)
	 * @throws CancellationException when the listener cancelled; nothing is returned
	 */
	public static ImagePlus compute(ImagePlus imp, ConvolveSettings settings, int threads,
		ProgressListener progress)
	{
		ConvolutionOptions options = settings.options().toBuilder().threads(threads).build();
		List<Kernel> kernels = settings.kernels().kernels();
		Rectangle area = area(imp);
		Region region = Region.of(imp.getWidth(), imp.getHeight(), area, kernels, options);

		boolean colour = imp.getType() == ImagePlus.COLOR_RGB || imp.getType() == ImagePlus.COLOR_256;
		int colours = colour ? 3 : 1;
		int[] cs = settings.allPlanes() ? range(imp.getNChannels()) : new int[] { imp.getChannel() };
		int[] zs = settings.allPlanes() ? range(imp.getNSlices()) : new int[] { imp.getSlice() };
		int[] ts = settings.allPlanes() ? range(imp.getNFrames()) : new int[] { imp.getFrame() };
		int planes = cs.length * zs.length * ts.length;
		checkMemory((long) planes * colours * kernels.size() * region.width * region.height * 4
			+ 4L * colours * imp.getWidth() * imp.getHeight(), settings.allPlanes() && planes > 1);

		ImageStack in = imp.getStack();
		float[] cTable = imp.getCalibration().calibrated() ? imp.getCalibration().getCTable() : null;
		ImageStack out = new ImageStack(region.width, region.height);
		int plane = 0;
		for (int t : ts) {
			for (int z : zs) {
				for (int c : cs) {
					if (progress.isCancelled()) throw new CancellationException("cancelled");
					ImageProcessor ip = in.getProcessor(imp.getStackIndex(c, z, t));
					List<float[]> channels = floatChannels(ip, colour, cTable);
					for (int ch = 0; ch < colours; ch++) {
						Plane p = Plane.wrap(ip.getWidth(), ip.getHeight(), channels.get(ch));
						ProgressListener part = part(progress, plane, planes, ch, colours);
						List<Plane> maps = region.convolve(p, kernels, options, part);
						for (int k = 0; k < maps.size(); k++) {
							String label = (cs.length > 1 ? "C" + c + " " : "") + (colour ? RGB_NAMES[ch] + " " : "")
								+ kernels.get(k).name();
							out.addSlice(label, new FloatProcessor(region.width, region.height, maps.get(k).pixels()));
						}
					}
					plane++;
				}
			}
		}
		progress.progress(planes * UNITS_PER_PLANE, planes * UNITS_PER_PLANE);

		ImagePlus result = new ImagePlus(title(imp, settings), out);
		int channelsOut = cs.length * colours * kernels.size();
		boolean hyper = channelsOut > 1 && (cs.length > 1 || colour || zs.length > 1 || ts.length > 1);
		if (hyper) {
			result.setDimensions(channelsOut, zs.length, ts.length);
			result.setOpenAsHyperStack(true);
			result = new CompositeImage(result, colour && kernels.size() == 1 ? CompositeImage.COMPOSITE
				: CompositeImage.GRAYSCALE);
		}
		else if (channelsOut == 1) {
			result.setDimensions(1, zs.length, ts.length);
			if (ts.length > 1) result.setOpenAsHyperStack(true);
		}
		else {
			result.setDimensions(1, kernels.size(), 1); // a bank on one grey plane: one slice per kernel
		}
		// output pixel 0 lies over input pixel region.inputX0; the origin stays where it was in space
		result.setCalibration(FeatureMapCalibration.of(imp.getCalibration(), region.inputX0, region.inputY0, options));
		resetDisplayRanges(result, hyper ? channelsOut : 1);
		return result;
	}

	/** The title of the feature maps: the source title without its extension, a dash, the kernel names. */
	static String title(ImagePlus imp, ConvolveSettings settings) {
		String base = imp.getTitle().replaceFirst("\\.[A-Za-z][A-Za-z0-9]{0,4}$", "");
		return base + "-" + settings.kernels().title();
	}

	/**
	 * Refuses a run whose feature maps (plus one plane's float working copy) cannot fit in the free heap, before
	 * any work is done, rather than failing half-way with ImageJ's out-of-memory message.
	 */
	static void checkMemory(long bytes, boolean allPlanes) {
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (bytes > free) {
			throw new UserException("not enough memory: the feature maps need " + (bytes >> 20)
				+ " MB but only " + (free >> 20) + " MB are free; give ImageJ more memory (Edit > Options > Memory &"
				+ " Threads)" + (allPlanes ? ", convolve the current plane only (no 'stack')" : "")
				+ ", use fewer kernels, a stride or a selection");
		}
	}

	private static Rectangle area(ImagePlus imp) {
		Roi roi = imp.getRoi();
		if (roi == null || !roi.isArea()) return null;
		Rectangle r = roi.getBounds().intersection(new Rectangle(0, 0, imp.getWidth(), imp.getHeight()));
		return r.isEmpty() ? null : r;
	}

	private static List<float[]> floatChannels(ImageProcessor ip, boolean colour, float[] cTable) {
		if (colour) {
			ColorProcessor cp = ip instanceof ColorProcessor ? (ColorProcessor) ip : (ColorProcessor) ip.convertToRGB();
			return Arrays.asList(FloatPlanes.rgb(cp));
		}
		return Collections.singletonList(FloatPlanes.grey(ip, cTable));
	}

	/** A listener for one colour channel of one plane, reporting into the whole run's units. */
	private static ProgressListener part(ProgressListener whole, int plane, int planes, int ch, int colours) {
		return new ProgressListener() {
			@Override
			public void progress(int done, int total) {
				double fraction = total == 0 ? 1 : (ch + (double) done / total) / colours;
				whole.progress(plane * UNITS_PER_PLANE + (int) (fraction * UNITS_PER_PLANE), planes * UNITS_PER_PLANE);
			}

			@Override
			public boolean isCancelled() {
				return whole.isCancelled();
			}
		};
	}

	private static void resetDisplayRanges(ImagePlus result, int channels) {
		ImageStack stack = result.getStack();
		for (int c = 1; c <= channels; c++) {
			double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
			for (int n = c; n <= stack.getSize(); n += channels) {
				for (float v : (float[]) stack.getPixels(n)) {
					if (v < min) min = v;
					if (v > max) max = v;
				}
			}
			if (min > max) min = max = 0; // all NaN
			if (result instanceof CompositeImage) result.setPosition(c, 1, 1);
			result.setDisplayRange(min, max);
		}
		if (result instanceof CompositeImage) result.setPosition(1, 1, 1);
	}

	private static int[] range(int n) {
		int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i + 1;
		return r;
	}

	/**
	 * Which output pixels to compute: the whole feature map, or those centred inside a selection's bounding
	 * rectangle. For a selection the core computes that crop of the full result alone (the real pixels around it
	 * are read, the border rule applies only beyond the image edge).
	 */
	static final class Region {
		final Rectangle area;
		final int width, height;
		/** Input pixel over which output pixel (0, 0) lies. */
		final double inputX0, inputY0;
		private final int c0, r0;

		private Region(Rectangle area, int width, int height, int c0, int r0, ConvolutionGeometry g,
			ConvolutionOptions o)
		{
			this.area = area;
			this.width = width;
			this.height = height;
			this.c0 = c0;
			this.r0 = r0;
			inputX0 = g.originX() + (double) c0 * o.strideX();
			inputY0 = g.originY() + (double) r0 * o.strideY();
		}

		static Region of(int imageWidth, int imageHeight, Rectangle area, List<Kernel> kernels,
			ConvolutionOptions o)
		{
			ConvolutionGeometry first = null;
			for (Kernel k : kernels) {
				ConvolutionGeometry g = ConvolutionGeometry.of(imageWidth, imageHeight, k.width(), k.height(), o);
				if (first == null) first = g;
				else if (g.outputWidth() != first.outputWidth() || g.outputHeight() != first.outputHeight()
					|| g.originX() != first.originX() || g.originY() != first.originY())
				{
					throw new UserException("the kernels " + kernels.get(0) + " and " + k + " give feature"
						+ " maps of different sizes or positions in " + o.mode().label() + " mode; use mode=same, or"
						+ " kernels of one size");
				}
			}
			if (area == null) return new Region(null, first.outputWidth(), first.outputHeight(), 0, 0, first, o);
			int sx = o.strideX(), sy = o.strideY();
			int c0 = Math.max(0, ceilDiv(area.x - first.originX(), sx));
			int c1 = Math.min(first.outputWidth() - 1, Math.floorDiv(area.x + area.width - 1 - first.originX(), sx));
			int r0 = Math.max(0, ceilDiv(area.y - first.originY(), sy));
			int r1 = Math.min(first.outputHeight() - 1, Math.floorDiv(area.y + area.height - 1 - first.originY(), sy));
			if (c0 > c1 || r0 > r1) {
				throw new UserException("the selection (" + area.width + "×" + area.height + " at " + area.x
					+ "," + area.y + ") holds no output pixel in " + o.mode().label() + " mode with stride "
					+ sy + "," + sx + "; enlarge the selection, use mode=same, or remove the selection");
			}
			return new Region(area, c1 - c0 + 1, r1 - r0 + 1, c0, r0, first, o);
		}

		List<Plane> convolve(Plane image, List<Kernel> kernels, ConvolutionOptions o, ProgressListener listener) {
			if (area == null) return Convolution.convolve(image, kernels, o, listener);
			// the core computes the crop itself, reading only what the region's taps reach (any dilation)
			return Convolution.convolve(image, kernels, o, io.github.convolve2d.core.Region.of(c0, r0, width, height),
				listener);
		}

		private static int ceilDiv(int a, int b) {
			return -Math.floorDiv(-a, b);
		}
	}
}
