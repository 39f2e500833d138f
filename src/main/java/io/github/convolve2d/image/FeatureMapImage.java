package io.github.convolve2d.image;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import ij.process.LUT;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.ValueRange;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * The one layout of the feature maps as an ImageJ image:
 * <ul>
 * <li>the kernel is part of the channel dimension, kernel fastest: input channel {@code c} (each colour of an
 * RGB image counting as one channel) convolved with kernel {@code k} of {@code K} is output channel
 * {@code c·K + k}; slices and frames stay as they are;</li>
 * <li>up to {@link CompositeImage#MAX_CHANNELS} channels make a composite: in colour for an RGB image and one
 * kernel, in the source's display mode for a composite and one kernel; for a bank one map at a time, each with its
 * source channel's (or colour's) LUT, unless the source is a composite shown in grey, which stays grey;</li>
 * <li>each output channel keeps the lookup table of the channel it was computed from (as Image › Type › 32-bit
 * does): a composite's channel colours, a single image's LUT (inverting, Fire, ...), red, green and blue for the
 * colours of an RGB image;</li>
 * <li>each channel's display range is set from its data (all its slices and frames), so every channel opens
 * visible, and the TIFF writer stores one range per channel;</li>
 * <li>spatial calibration as {@link FeatureMapCalibration} gives it; the source's Info and properties are kept,
 * and a {@code Convolve2D} property records the kernels and options.</li>
 * </ul>
 */
final class FeatureMapImage {

	private FeatureMapImage() {
	}

	/**
	 * Assembles the slices made in output order (kernel fastest, then colour, channel, slice, frame).
	 *
	 * @param geometry the computed region's geometry (its origin places the calibration)
	 */
	static ImagePlus of(String title, ImageStack maps, ImagePlus source, InputPlanes in, List<Kernel> kernels,
		ConvolutionOptions options, ConvolutionGeometry geometry)
	{
		boolean colour = in.colour && in.channels.length == 1 && kernels.size() == 1;
		ImagePlus result = of(title, maps, source, in.channels.length * in.colours() * kernels.size(), in, colour,
			provenance(kernels, options), options, geometry);
		setLuts(result, source, in, kernels.size());
		return result;
	}

	private static final Color[] COLOURS = { Color.red, Color.green, Color.blue };

	/**
	 * Gives output channel {@code (c·colours + s)·K + k} the lookup table of the source channel (or colour) it was
	 * computed from, and a composite of one kernel per channel the source's display mode. Display ranges are set
	 * afterwards by {@link #setDisplayRanges} (on a composite, a channel's LUT holds its range).
	 */
	private static void setLuts(ImagePlus result, ImagePlus source, InputPlanes in, int kernels) {
		int colours = in.colours();
		LUT[] luts = new LUT[in.channels.length * colours * kernels];
		for (int c = 0; c < in.channels.length; c++) {
			for (int s = 0; s < colours; s++) {
				LUT lut = in.colour ? LUT.createLutFromColor(COLOURS[s]) : sourceLut(source, in.channels[c]);
				for (int k = 0; k < kernels; k++) luts[(c * colours + s) * kernels + k] = lut;
			}
		}
		if (result.isComposite()) {
			CompositeImage composite = (CompositeImage) result;
			for (int o = 0; o < luts.length; o++) {
				LUT range = composite.getChannelLut(o + 1); // holds the channel's display range
				composite.setChannelLut(new LUT(luts[o], range.min, range.max), o + 1);
			}
			boolean greySource = source.isComposite()
				&& ((CompositeImage) source).getMode() == CompositeImage.GRAYSCALE;
			if (kernels == 1 && source.isComposite()) composite.setMode(((CompositeImage) source).getMode());
			// otherwise (a bank; not an RGB image's one kernel, in composite mode already) each map with its source
			// channel's LUT, one at a time: in composite mode a channel's maps, drawn in one colour, would add up,
			// and ImageJ's grey mode would neither show the LUTs (an inverting or Fire LUT, a channel's or a
			// colour's) nor save them. A composite the user shows in grey stays grey.
			else if (!(in.colour && kernels == 1) && !greySource) composite.setMode(CompositeImage.COLOR);
		}
		else if (luts.length == 1 || !source.isComposite() && !in.colour) {
			ImageProcessor ip = result.getProcessor();
			double min = ip.getMin(), max = ip.getMax();
			ip.setLut(luts[0]);
			ip.setMinAndMax(min, max);
		}
	}

	/** The lookup table of a source channel (1-based). */
	private static LUT sourceLut(ImagePlus source, int channel) {
		return source.isComposite() ? ((CompositeImage) source).getChannelLut(channel) : source.getProcessor().getLut();
	}

	/**
	 * Kernels of up to this many values are recorded with their values; a larger one by its size and a SHA-256 of
	 * its values, since its text (about 20 bytes a value) would be carried by every output.
	 */
	static final int RECORDED_VALUES = 64 * 64;

	/**
	 * The {@code Convolve2D} property of a bank's feature maps: each kernel's name and values (or, past
	 * {@link #RECORDED_VALUES}, its size and a SHA-256 of its values), then the options.
	 */
	static String provenance(List<Kernel> kernels, ConvolutionOptions options) {
		StringBuilder sb = new StringBuilder();
		for (Kernel k : kernels) {
			sb.append(k.name()).append(" [");
			if (k.width() * k.height() <= RECORDED_VALUES) sb.append(k.toLine());
			else {
				Fingerprint f = new Fingerprint();
				for (double v : k.values()) f.append(Double.doubleToLongBits(v)).append(' ');
				sb.append(k.width()).append('×').append(k.height()).append(" values, SHA-256 of their bits ")
					.append(f.hex());
			}
			sb.append("]; ");
		}
		return sb + options(options);
	}

	/**
	 * Assembles {@code channels} output channels per slice and frame of {@code in} (channel fastest), a colour
	 * composite when {@code colour}, recording {@code provenance} in the {@code Convolve2D} property.
	 */
	static ImagePlus of(String title, ImageStack maps, ImagePlus source, int channels, InputPlanes in, boolean colour,
		String provenance, ConvolutionOptions options, ConvolutionGeometry geometry)
	{
		int slices = in.slices.length, frames = in.frames.length;
		ImagePlus result = new ImagePlus(title, maps);
		if (maps.getSize() == 1) {
			// ImageJ keeps a single image's label in a property, which getStack() turns back into the label to save
			result.setProp("Slice_Label", maps.getSliceLabel(1));
		}
		result.setDimensions(channels, slices, frames);
		if (result.getNDimensions() > 3 || frames > 1) result.setOpenAsHyperStack(true);
		if (channels > 1 && channels <= CompositeImage.MAX_CHANNELS) {
			result = new CompositeImage(result, colour ? CompositeImage.COMPOSITE : CompositeImage.GRAYSCALE);
		}
		result.setCalibration(FeatureMapCalibration.of(source.getCalibration(), geometry));
		String info = source.getInfoProperty();
		if (info != null) result.setProperty("Info", info);
		keepProperties(source, result);
		result.setProp("Convolve2D", provenance);
		setDisplayRanges(result, maps, options.threads());
		return result;
	}

	/**
	 * Gives {@code result} the source's properties (ImagePlus.setProp, a TIFF's), as Image › Duplicate... does, but
	 * not those about the source's own making or plane: a single image's slice label and the {@code Convolve2D...}
	 * properties of the run that made it (the result gets its own).
	 */
	private static void keepProperties(ImagePlus source, ImagePlus result) {
		String[] props = source.getPropertiesAsArray();
		for (int i = 0; props != null && i + 1 < props.length; i += 2) {
			if (!props[i].equals("Slice_Label") && !props[i].startsWith("Convolve2D")) result.setProp(props[i], props[i + 1]);
		}
	}

	/**
	 * One display range per channel of a composite (over its slices and frames), else one for all the data, read
	 * from {@code maps}, the stack the result was made of: {@code result.getStack()} would build a new stack for a
	 * single image and scan its pixels once more (30 ms for a 4096² plane, ImageJ 1.54p).
	 */
	private static void setDisplayRanges(ImagePlus result, ImageStack maps, int threads) {
		int channels = result.isComposite() ? result.getNChannels() : 1;
		for (int c = 1; c <= channels; c++) {
			List<float[]> data = new ArrayList<>();
			for (int n = c; n <= maps.getSize(); n += channels) data.add((float[]) maps.getPixels(n));
			ValueRange range = ValueRange.of(data, threads);
			boolean none = Float.isNaN(range.min()); // no finite value
			if (channels > 1) result.setPosition(c, 1, 1);
			result.setDisplayRange(none ? 0 : range.min(), none ? 0 : range.max());
		}
		if (channels > 1) result.setPosition(1, 1, 1);
	}

	/** The options as the {@code Convolve2D} property records them. */
	static String options(ConvolutionOptions o) {
		StringBuilder sb = new StringBuilder();
		sb.append("mode=").append(o.mode().label()).append(" border=").append(o.border().label());
		if (o.border().label().equals("constant")) sb.append(" cval=").append(o.cval());
		sb.append(" stride=").append(o.strideY()).append(',').append(o.strideX()).append(" dilation=")
			.append(o.dilationY()).append(',').append(o.dilationX()).append(" flip=").append(o.flip())
			.append(" normalize=").append(o.normalize());
		return sb.toString();
	}
}
