package io.github.convolve2d.batch;

import io.github.convolve2d.core.UserException;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;

import ij.process.ColorProcessor;

import ij.process.ImageProcessor;

import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.imagej.FeatureMapCalibration;
import io.github.convolve2d.imagej.FloatPlanes;
import io.github.convolve2d.core.Kernel;

import java.util.List;

/**
 * Convolves every plane of an ImageJ image with a kernel bank and assembles the 32-bit result, keeping what
 * the image means:
 * <ul>
 * <li>planes: each slice, channel and frame is convolved on its own (RGB counts as 3 channels: red, green,
 * blue); the values are the calibrated ones (e.g. signed 16-bit), as ImageJ's "32-bit" conversion gives;</li>
 * <li>order: the kernel becomes part of the channel dimension, kernel fastest — output channel
 * {@code c * K + k} is input channel {@code c} convolved with kernel {@code k} (K kernels); slices and frames
 * stay as they are, so a Z-stack × bank is a hyperstack with channels × kernels as channels;</li>
 * <li>labels: each output slice is labelled with the kernel's name, after the input slice's label and the RGB
 * channel name when there are any ({@code "frame 3 / red / Sobel X"});</li>
 * <li>calibration: pixel size multiplied by the stride, origin moved by the geometry's
 * {@link ConvolutionGeometry#originX() originX/Y} (valid and full mode shift the grid), value calibration
 * dropped (the values are already calibrated); the info property is kept.</li>
 * </ul>
 * All kernels of a bank must give feature maps of one size (same size kernels, or {@code same} mode).
 */
public final class ImageConvolver {

	private static final String[] RGB_NAMES = { "red", "green", "blue" };

	private final List<Kernel> kernels;
	private final ConvolutionOptions options;

	public ImageConvolver(List<Kernel> kernels, ConvolutionOptions options) {
		if (kernels.isEmpty()) throw new UserException("no kernel given");
		this.kernels = List.copyOf(kernels);
		this.options = options;
	}

	/** The kernels, in output order. */
	public List<Kernel> kernels() {
		return kernels;
	}

	/**
	 * Checks that the bank's feature maps have one size for any image, so they fit in one stack.
	 *
	 * @throws UserException naming the kernels whose sizes differ
	 */
	public static void checkBankFitsOneStack(List<Kernel> kernels, ConvolutionOptions options) {
		if (options.mode() == Mode.SAME) return;
		Kernel first = kernels.get(0);
		for (Kernel k : kernels) {
			if (k.width() != first.width() || k.height() != first.height()) {
				throw new UserException("kernels '" + first.name() + "' (" + first.width() + "×"
					+ first.height() + ") and '" + k.name() + "' (" + k.width() + "×" + k.height() + ") give feature maps "
					+ "of different sizes in " + options.mode().label() + " mode, which cannot share one output stack; "
					+ "use --mode same, or run kernels of different sizes separately");
			}
		}
	}

	/** Bytes of the 32-bit result for an input of this size, planes and colour. */
	public long outputBytes(int width, int height, long planes, boolean rgb) {
		ConvolutionGeometry g = geometry(width, height);
		return 4L * g.outputWidth() * g.outputHeight() * planes * (rgb ? 3 : 1) * kernels.size();
	}

	private ConvolutionGeometry geometry(int width, int height) {
		Kernel k = kernels.get(0);
		return ConvolutionGeometry.of(width, height, k.width(), k.height(), options);
	}

	/**
	 * Convolves all planes of {@code imp} (which is not modified) with this bank.
	 *
	 * @param threads the core's worker threads for each plane
	 * @throws UserException when the core rejects the image (e.g. kernel larger than it in valid mode)
	 */
	public ImagePlus convolve(ImagePlus imp, int threads, ProgressListener listener) {
		ConvolutionGeometry g = geometry(imp.getWidth(), imp.getHeight());
		ConvolutionOptions o = options.toBuilder().threads(threads).build();
		ImageStack in = imp.getStack();
		boolean rgb = imp.getType() == ImagePlus.COLOR_RGB;
		float[] cTable = imp.getCalibration().calibrated() ? imp.getCalibration().getCTable() : null;
		ImageStack out = new ImageStack(g.outputWidth(), g.outputHeight());
		for (int n = 1; n <= in.getSize(); n++) {
			ImageProcessor ip = in.getProcessor(n);
			String label = shortLabel(in, n, imp);
			float[][] channels = rgb ? FloatPlanes.rgb((ColorProcessor) ip) : new float[][] { FloatPlanes.grey(ip, cTable) };
			for (int s = 0; s < channels.length; s++) {
				Plane plane = Plane.wrap(imp.getWidth(), imp.getHeight(), channels[s]);
				List<Plane> maps = Convolution.convolve(plane, kernels, o, listener);
				channels[s] = null;
				for (int k = 0; k < maps.size(); k++) {
					Plane m = maps.get(k);
					// the pixel array itself: no processor, no min/max pass per slice
					out.addSlice(join(label, rgb ? RGB_NAMES[s] : null, kernels.get(k).name()), m.pixels());
				}
			}
		}
		ImagePlus result = new ImagePlus(imp.getTitle(), out);
		if (out.getSize() == 1) {
			// ImageJ keeps a single image's label in a property, which getStack() turns back into the label to save
			result.setProp("Slice_Label", out.getSliceLabel(1));
		}
		int c = imp.getNChannels() * (rgb ? 3 : 1) * kernels.size();
		result.setDimensions(c, imp.getNSlices(), imp.getNFrames());
		result.setCalibration(FeatureMapCalibration.of(imp.getCalibration(), g.originX(), g.originY(), options));
		String info = imp.getInfoProperty();
		if (info != null) result.setProperty("Info", info);
		result.setProp("Convolve2D", provenance());
		if (imp.isHyperStack() || imp.getNDimensions() > 3 || result.getNDimensions() > 3) {
			result.setOpenAsHyperStack(true);
		}
		if (c > 1 && c <= CompositeImage.MAX_CHANNELS) {
			result = new CompositeImage(result, CompositeImage.GRAYSCALE);
		}
		result.getStack();
		return result;
	}

	private String provenance() {
		StringBuilder sb = new StringBuilder();
		for (Kernel k : kernels) sb.append(k.name()).append(" [").append(k.toLine()).append("]; ");
		ConvolutionOptions o = options;
		sb.append("mode=").append(o.mode().label()).append(" border=").append(o.border().label());
		if (o.border().label().equals("constant")) sb.append(" cval=").append(o.cval());
		sb.append(" stride=").append(o.strideY()).append(',').append(o.strideX()).append(" dilation=")
			.append(o.dilationY()).append(',').append(o.dilationX()).append(" flip=").append(o.flip())
			.append(" normalize=").append(o.normalize());
		return sb.toString();
	}

	private static String shortLabel(ImageStack stack, int n, ImagePlus imp) {
		// a single image's label lives in a property (getStack() may otherwise make one up from its title)
		String label = imp.getStackSize() == 1 ? imp.getProp("Slice_Label") : stack.getSliceLabel(n);
		if (label == null) return null;
		String first = label.split("\\R", 2)[0].trim();
		if (first.length() > 60) first = first.substring(0, 60);
		return first.isEmpty() ? null : first;
	}

	private static String join(String... parts) {
		StringBuilder sb = new StringBuilder();
		for (String p : parts) {
			if (p == null || p.isEmpty()) continue;
			if (sb.length() > 0) sb.append(" / ");
			sb.append(p);
		}
		return sb.toString();
	}
}
