package io.github.convolve2d.image;

import ij.ImagePlus;
import ij.ImageStack;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionLayer;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.HeapRegions;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.Region;
import io.github.convolve2d.core.UserException;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The image engine for a CNN convolution layer ({@link ConvolutionLayer}): the image's channels are the layer's
 * input channels — red, green and blue for an RGB or palette image, the channels of a (hyper)stack (each
 * channel's red, green and blue for a colour hyperstack) — and each slice and frame is one input, giving
 * {@code O} feature maps labelled with the weights' names ({@code feature 1..O} by default).
 * <pre>
 * ImagePlus maps = LayerMaps.compute(imp, LayerFiles.read(Paths.get("conv1.npy"), null, null), Activation.RELU,
 *     "conv1", ConvolutionOptions.builder().mode("same").build(), Planes.ALL, ProgressListener.NONE);
 * </pre>
 * Planes are read as {@link FeatureMaps} reads them (value calibration, virtual stacks), an area selection gives
 * the region of the feature maps over it, and the result has the engine's one layout with {@code O} channels
 * ({@link FeatureMapImage}): calibrated, a display range per channel. {@link Planes#CURRENT} convolves the
 * displayed slice and frame (with all its channels, which the layer needs).
 */
public final class LayerMaps {

	private LayerMaps() {
	}

	/**
	 * The layer's feature maps of {@code imp}.
	 *
	 * @param name what the weights are called in the title, e.g. the weights file's name
	 * @return a new, not yet shown 32-bit image titled {@code <image title>-<name>}
	 * @throws UserException when the image's channels do not fit the weights, and as {@link FeatureMaps#compute}
	 * @throws CancellationException when the listener cancelled
	 */
	public static ImagePlus compute(ImagePlus imp, LayerWeights weights, Activation activation, String name,
		ConvolutionOptions options, Planes planes, ProgressListener listener)
	{
		Objects.requireNonNull(imp, "imp");
		Objects.requireNonNull(weights, "weights");
		InputPlanes in = new InputPlanes(imp, planes);
		InputPlanes allChannels = planes == Planes.ALL ? in : new InputPlanes(imp, Planes.ALL);
		int[] channels = allChannels.channels;
		weights.checkChannels(channels.length * in.colours());
		ConvolutionGeometry whole = ConvolutionGeometry.of(imp.getWidth(), imp.getHeight(), weights.kernelWidth(),
			weights.kernelHeight(), options);
		Rectangle area = in.area();
		Region region = area == null ? null : whole.outputRegionOver(area.x, area.y, area.width, area.height);
		ConvolutionGeometry g = region == null ? whole : whole.region(region);
		long inputs = (long) in.slices.length * in.frames.length;
		FeatureMaps.checkFitsInMemory(bytes(g.outputWidth(), g.outputHeight(), imp.getWidth(), imp.getHeight(),
			inputs, weights.channels(), weights.outputs()), planes == Planes.ALL && inputs > 1);

		ImageStack maps = new ImageStack(g.outputWidth(), g.outputHeight());
		long part = 0;
		for (int t : in.frames) {
			for (int z : in.slices) {
				if (listener.isCancelled()) throw new CancellationException("cancelled");
				List<Plane> layerInput = new ArrayList<>();
				for (int c : channels) {
					for (float[] data : in.read(c, z, t, options.threads(), false)) {
						layerInput.add(Plane.wrap(imp.getWidth(), imp.getHeight(), data)); // all channels at once: no reuse
					}
				}
				List<Plane> out = ConvolutionLayer.convolve(layerInput, weights, options, activation, region,
					FeatureMaps.partOf(listener, part++, inputs));
				for (int o = 0; o < out.size(); o++) maps.addSlice(weights.name(o), out.get(o).pixels());
			}
		}
		listener.progress(FeatureMaps.PROGRESS_UNITS, FeatureMaps.PROGRESS_UNITS);
		ImagePlus result = FeatureMapImage.of(title(imp, name), maps, imp, weights.outputs(), in, false,
			provenance(weights, activation, options), options, g);
		FeatureMapMarks.carry(imp, result, in, 0, whole, region);
		return result;
	}

	/**
	 * What made a layer's feature maps, in one line ({@code 8×3×3×3 weights ... activation=relu; mode=same ...}):
	 * TIFF results keep it in their "Convolve2D" property, OME-Zarr results in their attributes.
	 */
	public static String provenance(LayerWeights weights, Activation activation, ConvolutionOptions options) {
		return weights + (activation == Activation.NONE ? "" : " activation=" + activation.label()) + "; "
			+ FeatureMapImage.options(options);
	}

	/** The feature maps' title: the source's title without its extension, a dash, the weights' name. */
	public static String title(ImagePlus imp, String name) {
		return FeatureMaps.title(imp, name);
	}

	/**
	 * The memory rule for a layer on a whole {@code width × height} image of {@code planes} planes (each colour
	 * counting as one): the feature maps of every slice and frame plus one input's float copies.
	 */
	public static long bytesNeeded(int width, int height, long planes, boolean colour, LayerWeights weights,
		ConvolutionOptions options)
	{
		ConvolutionGeometry g = ConvolutionGeometry.of(width, height, weights.kernelWidth(), weights.kernelHeight(),
			options);
		long inputs = Math.max(1, planes * (colour ? 3 : 1) / weights.channels());
		return bytes(g.outputWidth(), g.outputHeight(), width, height, inputs, weights.channels(), weights.outputs());
	}

	private static long bytes(int outWidth, int outHeight, int width, int height, long inputs, int channels,
		int outputs)
	{
		// each plane counted at what it takes of the heap (HeapRegions)
		return inputs * outputs * HeapRegions.arrayBytes(4L * outWidth * outHeight)
			+ channels * HeapRegions.arrayBytes(4L * width * height);
	}
}
