package io.github.convolve2d.image;

import ij.ImagePlus;
import ij.ImageStack;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.HeapRegions;
import io.github.convolve2d.core.Kernel;
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
 * The image engine: turns an ImageJ image into 32-bit feature maps, the same way for the plugin, the SciJava
 * command, the batch command and the folder macro. The source image is only read.
 * <pre>
 * ImagePlus maps = FeatureMaps.compute(imp, List.of(Presets.resolve("sobel-x"), Presets.resolve("sobel-y")),
 *     ConvolutionOptions.builder().mode("same").border("reflect").build(), Planes.ALL, ProgressListener.NONE);
 * </pre>
 * <ul>
 * <li>Planes in: 8-bit and 16-bit through their value calibration when they have one, else raw; 32-bit as is;
 * RGB and 8-bit colour (palette) as red, green and blue; every channel, slice and frame of a (hyper)stack, or
 * only the displayed plane; virtual stacks plane by plane ({@link InputPlanes}).</li>
 * <li>An area selection: only the output pixels over its bounding rectangle, computed by the core as a
 * {@link Region} (the real pixels around it are read; the border rule applies only beyond the image), equal to
 * the crop of the whole result.</li>
 * <li>A selection other than a rectangle, and the overlay, are placed on the result over the pixels they covered
 * ({@link FeatureMapMarks}).</li>
 * <li>Feature maps out in one layout, labelled {@code [slice label or C<c> / ][red|green|blue / ]<kernel name>},
 * calibrated, with a display range per channel ({@link FeatureMapImage}).</li>
 * </ul>
 * The core uses {@code options.threads()} threads.
 */
public final class FeatureMaps {

	/** Progress units of a whole run. */
	static final int PROGRESS_UNITS = 1_000_000;

	private FeatureMaps() {
	}

	/**
	 * Computes the feature maps of {@code imp} (its selection's bounding rectangle when it has an area
	 * selection).
	 *
	 * @param listener receives the progress of the whole run and may cancel it
	 * @return a new, not yet shown 32-bit image titled as {@link #title} gives
	 * @throws UserException for settings that do not fit the image: an empty bank, kernels of different sizes in
	 *         valid/full mode ({@link ConvolutionGeometry#checkOneFeatureMapSize}), a kernel larger than the image in valid mode, a
	 *         selection that holds no output pixel, feature maps that do not fit in the free memory
	 * @throws CancellationException when the listener cancelled; nothing is returned
	 */
	public static ImagePlus compute(ImagePlus imp, List<Kernel> kernels, ConvolutionOptions options, Planes planes,
		ProgressListener listener)
	{
		Objects.requireNonNull(imp, "imp");
		Objects.requireNonNull(options, "options");
		Objects.requireNonNull(listener, "listener");
		ConvolutionGeometry.checkOneFeatureMapSize(kernels, options);
		InputPlanes in = new InputPlanes(imp, planes);
		Kernel first = kernels.get(0);
		ConvolutionGeometry whole = ConvolutionGeometry.of(imp.getWidth(), imp.getHeight(), first.width(),
			first.height(), options);
		Rectangle area = in.area();
		Region region = area == null ? null : whole.outputRegionOver(area.x, area.y, area.width, area.height);
		ConvolutionGeometry g = region == null ? whole : whole.region(region);
		long parts = in.count() * in.colours();
		checkFitsInMemory(bytes(g.outputWidth(), g.outputHeight(), imp.getWidth(), imp.getHeight(), parts,
			in.colours(), kernels.size()), planes == Planes.ALL && in.count() > 1);

		ImageStack maps = new ImageStack(g.outputWidth(), g.outputHeight());
		long part = 0;
		for (int t : in.frames) {
			for (int z : in.slices) {
				for (int c : in.channels) {
					if (listener.isCancelled()) throw new CancellationException("cancelled");
					float[][] data = in.read(c, z, t, options.threads(), true);
					String label = in.label(c, z, t);
					for (int s = 0; s < data.length; s++) {
						Plane plane = Plane.wrap(imp.getWidth(), imp.getHeight(), data[s]);
						List<Plane> out = Convolution.convolve(plane, kernels, options, region,
							partOf(listener, part++, parts));
						for (int k = 0; k < out.size(); k++) {
							maps.addSlice(label(label, in.colour ? s : -1, kernels.get(k).name()), out.get(k).pixels());
						}
					}
				}
			}
		}
		listener.progress(PROGRESS_UNITS, PROGRESS_UNITS);
		ImagePlus result = FeatureMapImage.of(title(imp, kernels), maps, imp, in, kernels, options, g);
		FeatureMapMarks.carry(imp, result, in, in.colours() * kernels.size(), whole, region);
		return result;
	}

	private static final String[] COLOUR_NAMES = { "red", "green", "blue" };

	/**
	 * The label of a feature map, the one naming scheme of the plugin's, the TIFF and the OME-Zarr results: what
	 * names the input plane, the colour of an RGB image's plane and the kernel's name, joined by {@code " / "}:
	 * {@code Sobel X}, {@code red / Sobel X}, {@code C2 / Sobel X}, {@code <slice label> / Sobel X}.
	 *
	 * @param plane the input plane's own label, else {@link #channelName}; null or empty for none
	 * @param colour 0, 1 or 2 for the red, green or blue of an RGB image; -1 for a plane of one value per pixel
	 */
	public static String label(String plane, int colour, String kernel) {
		return join(plane, colour < 0 ? null : COLOUR_NAMES[colour], kernel);
	}

	/**
	 * What names a plane in its feature maps' labels when it has a label of its own (a slice label): its first line,
	 * trimmed, at most 60 characters; null when that is empty.
	 */
	public static String planeName(String sliceLabel) {
		String first = sliceLabel == null ? "" : sliceLabel.split("\\R", 2)[0].trim();
		if (first.length() > 60) first = first.substring(0, 60);
		return first.isEmpty() ? null : first;
	}

	/**
	 * What names channel {@code c} (1-based, as ImageJ counts them) of an image of {@code channels} channels in its
	 * feature maps' labels when its plane has no label of its own: {@code C<c>}, or null for an image of one channel.
	 */
	public static String channelName(int c, int channels) {
		return channels > 1 ? "C" + c : null;
	}

	/** The feature maps' title: the source's title without its extension, a dash, {@link #kernelNames}. */
	public static String title(ImagePlus imp, List<Kernel> kernels) {
		return title(imp, kernelNames(kernels));
	}

	/** The source's title without its extension, a dash, {@code what} (the kernels' or the weights' name). */
	static String title(ImagePlus imp, String what) {
		return imp.getTitle().replaceFirst("\\.[A-Za-z][A-Za-z0-9]{0,4}$", "") + "-" + what;
	}

	/**
	 * What made the feature maps, in one line: each kernel's name and values, then the options
	 * ({@code Sobel X [-1 0 1; ...]; mode=same border=reflect ...}); TIFF results keep it in their "Convolve2D"
	 * property, OME-Zarr results in their attributes.
	 */
	public static String provenance(List<Kernel> kernels, ConvolutionOptions options) {
		return FeatureMapImage.provenance(kernels, options);
	}

	/** The kernels' names joined by {@code +}: {@code Sobel X+Sobel Y}. */
	public static String kernelNames(List<Kernel> kernels) {
		List<String> names = new ArrayList<>();
		for (Kernel k : kernels) names.add(k.name());
		return String.join("+", names);
	}

	/**
	 * The memory rule: the bytes a run on a whole {@code width × height} image of {@code planes} planes needs
	 * while it runs — the 32-bit feature maps plus one input plane's float working copy.
	 */
	public static long bytesNeeded(int width, int height, long planes, boolean colour, List<Kernel> kernels,
		ConvolutionOptions options)
	{
		ConvolutionGeometry.checkOneFeatureMapSize(kernels, options);
		Kernel k = kernels.get(0);
		ConvolutionGeometry g = ConvolutionGeometry.of(width, height, k.width(), k.height(), options);
		int colours = colour ? 3 : 1;
		return bytes(g.outputWidth(), g.outputHeight(), width, height, planes * colours, colours, kernels.size());
	}

	private static long bytes(int outWidth, int outHeight, int width, int height, long parts, int colours,
		int kernels)
	{
		// each plane counted at what it takes of the heap (HeapRegions): a 1024² one twice its size at -Xmx8g
		return parts * kernels * HeapRegions.arrayBytes(4L * outWidth * outHeight)
			+ colours * HeapRegions.arrayBytes(4L * width * height);
	}

	/**
	 * Refuses a run whose feature maps cannot fit in the free heap, before any work is done, rather than failing
	 * half-way with an out-of-memory error.
	 */
	static void checkFitsInMemory(long bytes, boolean allPlanes) {
		if (bytes <= freeHeap()) return;
		System.gc(); // garbage counts as used until collected; ask once before refusing
		long free = freeHeap();
		if (bytes > free) {
			throw new UserException("not enough memory: the feature maps need " + (bytes >> 20) + " MB but only "
				+ (free >> 20) + " MB are free; give ImageJ more memory (Edit > Options > Memory & Threads)"
				+ (allPlanes ? ", convolve the current plane only (no 'stack')" : "")
				+ ", use fewer kernels, a stride or a selection");
		}
	}

	private static long freeHeap() {
		Runtime rt = Runtime.getRuntime();
		return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
	}

	/** A listener for one part (a plane's colour) of {@code parts}, reporting into the whole run's units. */
	static ProgressListener partOf(ProgressListener whole, long part, long parts) {
		return new ProgressListener() {
			@Override
			public void progress(int done, int total) {
				double fraction = total <= 0 ? 1 : (double) done / total;
				whole.progress((int) ((part + fraction) / parts * PROGRESS_UNITS), PROGRESS_UNITS);
			}

			@Override
			public boolean isCancelled() {
				return whole.isCancelled();
			}
		};
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
