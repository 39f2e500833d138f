package io.github.convolve2d.batch;

import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.BlockGrid;
import io.github.convolve2d.core.BlockSink;
import io.github.convolve2d.core.BlockwiseConvolution;
import io.github.convolve2d.core.ConvolutionGeometry;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.HeapRegions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.core.Region;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.image.FeatureMapFilter;
import io.github.convolve2d.image.Fingerprint;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.LayerMaps;
import io.github.convolve2d.io.ChannelRanges;
import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.IoMessages;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.TemporaryFiles;
import io.github.convolve2d.io.ZarrArray;
import io.github.convolve2d.io.ZarrFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One input too large for memory (an OME-Zarr image or a large TIFF) convolved block by block into an OME-Zarr
 * image ({@link BlockwiseConvolution}): with kernels, output {@code t, c·K + k, z, y, x} for input channel {@code c}
 * and kernel {@code k} of {@code K} (the channel order of the TIFF results); with a convolution layer, output
 * {@code t, o, z, y, x} for its output {@code o}, every block read from all input channels. One chunk per block and
 * feature map.
 * <p>
 * With a pyramid, levels {@code 1, 2, ...} follow, each halving {@code y} and {@code x} (2×2 means,
 * {@link OmeZarr#writeLevelChunk}) until one chunk holds a plane, for viewers that show the result zoomed out.
 * <p>
 * The output is NGFF 0.4 on Zarr v2 or NGFF 0.5 on Zarr v3 ({@link #withZarrFormat}; by default the input's own
 * for an OME-Zarr input, v2 for a TIFF).
 * <p>
 * Resumable: each chunk is written atomically, and the image's NGFF metadata ({@code .zattrs}, or the group's
 * {@code zarr.json}) last; a rerun on
 * an incomplete output skips the blocks (and pyramid chunks) whose chunks are all there and computes the rest,
 * giving the same bytes as an uninterrupted run. Memory: the blocks in flight (one per thread) and a chunk cache,
 * never the image.
 */
public final class BlockwiseJob {

	/** Output block (and chunk) side when none is given: 1024² floats, 4 MB a chunk. */
	static final int DEFAULT_BLOCK = 1024;

	/** Reports blocks done across all planes of one input; may stop the run between blocks. */
	interface Progress {
		void blocks(long done, long total);

		default boolean isCancelled() {
			return false;
		}
	}

	/** What is at an output's path already. */
	public enum Existing {
		/** Nothing. */
		NONE,
		/** A complete output made with these settings. */
		COMPLETE,
		/** An incomplete output made with these settings: resumed. */
		PARTIAL,
		/** An output of Convolve 2D made with other settings. */
		OTHER_SETTINGS,
		/**
		 * An output of Convolve 2D (by the settings it records) whose level 0 cannot be read as an array, as a crash of
		 * the machine can leave it: not resumed, started again with --overwrite.
		 */
		DAMAGED,
		/** A file or folder Convolve 2D did not write, or nothing shows it did: never replaced. */
		FOREIGN
	}

	/** The settings a result was made with, recorded in its array's attributes before its first chunk. */
	private String stamp() {
		String what = layer == null ? FeatureMaps.provenance(kernels, options)
			: "layer sha256:" + layerHash + "; " + LayerMaps.provenance(layer, activation, options);
		return what + (pyramid ? "; pyramid" : "");
	}

	/** What is at {@code output} already, judged by the settings it records. */
	public Existing inspect(Path output) throws IOException {
		if (Files.isSymbolicLink(output)) return Existing.FOREIGN; // a run never writes a link: never replaced
		if (!Files.exists(output)) return Existing.NONE;
		if (!hasLevel(output)) return Existing.FOREIGN;
		if (unreadable(output) != null) return showsOurs(output) ? Existing.DAMAGED : Existing.FOREIGN;
		Object settings = ZarrArray.open(output.resolve("0")).attributes().get(STAMP);
		if (settings == null) return Existing.FOREIGN;
		if (!stamp().equals(settings)) return Existing.OTHER_SETTINGS;
		return OmeZarr.isComplete(output) ? Existing.COMPLETE : Existing.PARTIAL;
	}

	/** Whether {@code output} is a Zarr store with array metadata (readable or not) in its level folder {@code 0}. */
	private static boolean hasLevel(Path output) {
		return OmeZarr.isZarr(output) && (Files.isRegularFile(output.resolve("0").resolve(".zarray"))
			|| Files.isRegularFile(output.resolve("0").resolve("zarr.json")));
	}

	/**
	 * Why level 0 of the store {@code output} ({@link #hasLevel}) cannot be read as an array with its attributes,
	 * naming the file ({@code 0/.zarray is empty}); null when it can.
	 */
	private static String unreadable(Path output) throws IOException {
		Path level = output.resolve("0");
		try {
			ZarrArray.open(level).attributes();
			return null;
		}
		catch (UserException e) {
			for (String name : new String[] { ".zarray", "zarr.json", ".zattrs" }) {
				Path file = level.resolve(name);
				if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == 0) {
					return "0/" + name + " is empty";
				}
			}
			return e.getMessage().replace("; the input is damaged", "");
		}
	}

	/**
	 * Whether a store whose level 0 cannot be read ({@link #unreadable}) still shows it is Convolve 2D's: by the
	 * settings in level 0's attributes (Zarr v2 keeps them in a file of their own, beside the {@code .zarray}), or by
	 * the {@link #ATTRIBUTE} of the image's metadata, written when it was complete.
	 */
	private static boolean showsOurs(Path output) throws IOException {
		return ZarrArray.readableAttributes(output.resolve("0")).get(STAMP) != null
			|| ZarrArray.readableAttributes(output).get(ATTRIBUTE) != null;
	}

	/** The attribute of the image's metadata that describes the run: its kernels or layer, options, provenance. */
	private static final String ATTRIBUTE = "convolve2d";

	/**
	 * Why the output at {@code output} is not written (judged {@code existing} by {@link #inspect}): a file or folder
	 * Convolve 2D did not write, or one nothing shows it did, is never replaced; one made with other settings, or
	 * one of ours that cannot be resumed ({@link Existing#DAMAGED}), only with --overwrite. Null for the others.
	 */
	public String refusal(Path output, Existing existing) throws IOException {
		String choose = "choose another --output or --suffix";
		switch (existing) {
			case FOREIGN:
				String why = hasLevel(output) && !Files.isSymbolicLink(output) ? unreadable(output) : null;
				return why == null ? "its output " + output + " is taken by a file or folder Convolve 2D did not write, "
					+ "which is never replaced; " + choose : "its output " + output + " cannot be read (" + why + "), so "
					+ "it is not known to be Convolve 2D's; it is never replaced: move it away or " + choose;
			case DAMAGED:
				String reason = unreadable(output);
				return "its output " + output + " is a result of Convolve 2D that cannot be resumed: " + reason
					+ (reason.endsWith(" is empty") ? ", as a crash of the machine can leave it" : "")
					+ "; --overwrite starts it again, or " + choose;
			case OTHER_SETTINGS:
				return "its output " + output + " exists, made with other settings; --overwrite replaces it, or " + choose;
			default:
				return null;
		}
	}

	/**
	 * The version of a file input (a TIFF's size and modification time, {@link OutputStamp#inputVersion}) an output
	 * was begun from, recorded beside {@link #INPUT}; a Zarr input's (a folder's) is not recorded.
	 */
	static final String INPUT_VERSION = "convolve2d_input_version";

	/**
	 * Whether the output at {@code output} (ours, complete or not) was made from another version of its file input
	 * than {@code input} is now: it is then made again, as a TIFF output is. False where no version is recorded.
	 */
	public boolean inputChanged(Path output, Path input) throws IOException {
		Object recorded = ZarrArray.open(output.resolve("0")).attributes().get(INPUT_VERSION);
		return recorded != null && Files.isRegularFile(input) && !recorded.equals(OutputStamp.inputVersion(input));
	}

	/**
	 * Why this job cannot resume the incomplete output at {@code output} ({@link Existing#PARTIAL}) from
	 * {@code input}: it was begun from an input at another path, or its chunks are of another size or compression
	 * than this job writes (another {@code --block} or {@code --zarr-compression}); null when none of these holds.
	 * Judged without reading {@code input}; an input of other dimensions at the recorded path is
	 * {@link #resumeProblem}'s.
	 */
	String resumeMismatch(Path output, Path input) throws IOException {
		ZarrArray a = ZarrArray.open(output.resolve("0"));
		Object from = a.attributes().get(INPUT);
		if (from != null && !recordsInput(from, input, null)) return otherInput(output, from);
		int[] shape = a.shape(), chunks = a.chunks();
		int n = shape.length, ch = chunks[n - 2], cw = chunks[n - 1];
		if (cw == Math.min(block, shape[n - 1]) && ch == Math.min(block, shape[n - 2])
			&& a.compressor().id() == compressor.id())
		{
			return null;
		}
		String was = a.compressor().id().name().toLowerCase(java.util.Locale.ROOT);
		return "its output " + output + " is a result " + UNFINISHED + ", begun in blocks of " + cw + "×" + ch + " with "
			+ was + " chunks, and this run writes other ones; rerun with --block " + Math.max(cw, ch)
			+ " --zarr-compression " + was + " to resume it, or, " + OVERWRITE_UNFINISHED;
	}

	/** What an output without its NGFF metadata is: a run's that was killed, or one's still writing it. */
	private static final String UNFINISHED = "that a run has not finished (interrupted, or still running)";

	/** How to start an unfinished output again: not while a run still writes it. */
	private static final String OVERWRITE_UNFINISHED = "once no run is writing it, with --overwrite to start it again";

	/**
	 * Why this job does not write or resume the output of {@code input} at {@code output} in the format it would
	 * write: the output there ({@link Existing#COMPLETE} or {@link Existing#PARTIAL}), unless {@code replace}, is in
	 * the other format than an explicit {@link #withZarrFormat} (without one, an existing output is kept in its own),
	 * or a new output would be Zarr v3 and the compressor is zlib, which has no Zarr v3 codec (an existing output's
	 * compression is {@link #resumeMismatch}'s). Null when there is no such problem.
	 */
	public String formatProblem(Path input, Path output, boolean replace) {
		boolean exists = !replace && OmeZarr.isZarr(output);
		if (exists && format != null && ZarrFormat.of(output) != format) {
			ZarrFormat existing = ZarrFormat.of(output);
			boolean complete = OmeZarr.isComplete(output);
			// an unfinished one may be another run's still being written: not called interrupted
			return "its output " + output + (complete ? " exists as " : " is an ") + existing.label()
				+ (complete ? "" : " result " + UNFINISHED) + ", and this run writes " + format.label()
				+ " (--zarr-format " + format.zarr() + "); " + (complete
					? "--overwrite replaces it, or choose another --output or --suffix"
					: "rerun with --zarr-format " + existing.zarr() + " to resume it, or, " + OVERWRITE_UNFINISHED);
		}
		if (!exists && formatFor(input) == ZarrFormat.V3 && !compressor.writableInV3()) {
			return "its output would be " + ZarrFormat.V3.label() + (format == null ? ", the input's format" : "")
				+ ", and --zarr-compression " + compressor.id().name().toLowerCase(java.util.Locale.ROOT) + " has no "
				+ "Zarr v3 codec; use --zarr-compression gzip (the same deflate data, with a gzip header), or "
				+ "--zarr-format 2";
		}
		return null;
	}

	/**
	 * Refuses outputs in {@code format} with chunks stored by {@code compressor} when the format has no codec for it
	 * (zlib in Zarr v3); null, each input's own format, is checked per input ({@link #formatProblem}).
	 *
	 * @throws UserException naming the options to change
	 */
	public static void checkFormat(ZarrFormat format, Compressor compressor) {
		if (format == ZarrFormat.V3 && !compressor.writableInV3()) {
			throw new UserException("--zarr-compression " + compressor.id().name().toLowerCase(java.util.Locale.ROOT)
				+ " has no Zarr v3 codec; use --zarr-compression gzip (the same deflate data, with a gzip header) with "
				+ "--zarr-format 3, or --zarr-format 2");
		}
	}

	/** The format a new output of {@code input} is written in: the job's, else the input's own (v2 for a TIFF). */
	private ZarrFormat formatFor(Path input) {
		if (format != null) return format;
		return OmeZarr.isZarr(input) ? ZarrFormat.of(input) : ZarrFormat.V2;
	}

	/** The attribute of the result's array that records the settings. */
	static final String STAMP = "convolve2d_settings";

	/** The kernels, or null for a layer. */
	private final List<Kernel> kernels;
	/** The layer, its activation and name, or null for kernels. */
	private final LayerWeights layer;
	private final Activation activation;
	private final String layerName;
	/**
	 * SHA-256 of the layer as the image engine applies it (its fingerprint: every value, name, bias and activation),
	 * or null for kernels.
	 */
	private final String layerHash;
	private final ConvolutionOptions options;
	private final int block;
	private final Compressor compressor;
	private final boolean pyramid;
	/** The outputs' format, or null for the input's own ({@link #formatFor}). */
	private final ZarrFormat format;

	/**
	 * @param options the convolution's options; its thread count is the blocks computed at once in {@link #run},
	 *        and the threads inside each block in {@link #compute}
	 * @param block the output block (and chunk) side
	 */
	public BlockwiseJob(List<Kernel> kernels, ConvolutionOptions options, int block, Compressor compressor) {
		this(kernels, options, block, compressor, false);
	}

	/**
	 * As {@link #BlockwiseJob(List, ConvolutionOptions, int, Compressor)}, with a pyramid of 2×2 means after the
	 * full-resolution level when {@code pyramid} is set.
	 */
	public BlockwiseJob(List<Kernel> kernels, ConvolutionOptions options, int block, Compressor compressor,
		boolean pyramid)
	{
		this(List.copyOf(kernels), null, null, null, options, block, compressor, pyramid, null);
	}

	/**
	 * A convolution layer block by block: output {@code o} of the layer is output channel {@code o}, each block
	 * computed from the windows of all the input's channels ({@link BlockwiseConvolution#layerBlock}).
	 *
	 * @param name what the weights are called (the feature maps' labels come from the weights' names)
	 */
	public static BlockwiseJob layer(LayerWeights weights, Activation activation, String name,
		ConvolutionOptions options, int block, Compressor compressor, boolean pyramid)
	{
		return new BlockwiseJob(null, Objects.requireNonNull(weights, "weights"), Objects.requireNonNull(activation,
			"activation"), name, options, block, compressor, pyramid, null);
	}

	/**
	 * This job writing its outputs in {@code format} (NGFF 0.4 on Zarr v2, or NGFF 0.5 on Zarr v3); null (the
	 * default) writes each in its input's own format, v2 for a TIFF, and keeps an existing output in its own.
	 *
	 * @throws UserException for Zarr v3 with a compressor it has no codec for (zlib)
	 */
	public BlockwiseJob withZarrFormat(ZarrFormat format) {
		checkFormat(format, compressor);
		return new BlockwiseJob(kernels, layer, activation, layerName, options, block, compressor, pyramid, format);
	}

	private BlockwiseJob(List<Kernel> kernels, LayerWeights layer, Activation activation, String layerName,
		ConvolutionOptions options, int block, Compressor compressor, boolean pyramid, ZarrFormat format)
	{
		if (block < 1) throw new UserException("--block must be at least 1, got " + block);
		this.kernels = kernels;
		this.layer = layer;
		this.activation = activation;
		this.layerName = layerName;
		if (layer == null) this.layerHash = null;
		else {
			Fingerprint f = new Fingerprint();
			FeatureMapFilter.layer(layer, activation, layerName).fingerprint(f);
			this.layerHash = f.hex();
		}
		this.options = options;
		this.block = block;
		this.compressor = compressor;
		this.pyramid = pyramid;
		this.format = format;
	}

	/**
	 * The block grid over {@code in}'s planes, once the run is known to fit the limits of Java's arrays and ints.
	 *
	 * @throws UserException for more than {@link BlockGrid#MAX_BLOCKS} blocks a plane, more than
	 *         {@link OmeZarr#MAX_PLANES} input or output planes, or chunks over {@link ZarrArray#MAX_CHUNK_BYTES}
	 */
	private BlockGrid grid(ChunkedImage in) {
		// a chunk is one block of one feature map, a float array (and a pyramid reads 2×2 chunks of the level below
		// into one array, as many values as one chunk's bytes): blocks of at most side × side
		long side = (long) Math.sqrt(ZarrArray.MAX_CHUNK_BYTES / 4.0) / 16 * 16;
		Kernel first = layer == null ? kernels.get(0) : layer.kernel(0, 0);
		ConvolutionGeometry g = ConvolutionGeometry.of(in.width(), in.height(), first.width(), first.height(), options);
		long fewest = ((g.outputWidth() + side - 1) / side) * ((g.outputHeight() + side - 1) / side);
		if (fewest > BlockGrid.MAX_BLOCKS) {
			throw new UserException(String.format(java.util.Locale.ROOT, "an output of %,d×%,d pixels is too large to "
				+ "convolve block by block here: even in the largest blocks a chunk may hold (%,d×%,d) it would be %,d "
				+ "blocks, more than the %,d (2^31 - 1) a grid may hold; split the image into parts and convolve each",
				g.outputWidth(), g.outputHeight(), side, side, fewest, BlockGrid.MAX_BLOCKS));
		}
		BlockGrid grid = layer == null ? BlockGrid.of(in.width(), in.height(), kernels, options, block, block)
			: BlockGrid.forLayer(in.width(), in.height(), layer, options, block, block);
		long chunkBytes = 4L * grid.blockWidth() * grid.blockHeight();
		if (chunkBytes > ZarrArray.MAX_CHUNK_BYTES) {
			throw new UserException(String.format(java.util.Locale.ROOT, "a block of %,d×%,d output pixels would be a "
				+ "chunk of %,d bytes (float32), over the 2 GB a chunk may hold (a Java array); use a smaller --block "
				+ "(at most %d)", grid.blockWidth(), grid.blockHeight(), chunkBytes, side));
		}
		long outputChannels = layer == null ? (long) in.channels() * kernels.size() : layer.outputs();
		long outputPlanes = (long) in.frames() * in.slices() * outputChannels;
		long inputPlanes = (long) in.frames() * in.slices() * in.channels();
		if (Math.max(inputPlanes, outputPlanes) > OmeZarr.MAX_PLANES || outputChannels > Integer.MAX_VALUE) {
			throw new UserException(String.format(java.util.Locale.ROOT, "%,d time point(s) × %,d channel(s) × %,d "
				+ "slice(s) give %,d input plane(s) and %,d output plane(s) (%,d feature map(s) per %s), more than the %,d "
				+ "(2^31 - 1) an image may hold here; split the input into several images, or use fewer kernels",
				in.frames(), in.channels(), in.slices(), inputPlanes, outputPlanes, layer == null ? kernels.size()
					: layer.outputs(), layer == null ? "channel" : "time point and slice", OmeZarr.MAX_PLANES));
		}
		return grid;
	}

	/**
	 * The planes the blocks are counted over: each input plane {@code (t, c, z)} with kernels, each {@code (t, z)}
	 * with a layer (all channels at once); fits an int ({@link #grid}).
	 */
	private int workPlanes(ChunkedImage in) {
		return Math.toIntExact((long) in.frames() * in.slices() * (layer == null ? in.channels() : 1));
	}

	/** Where work plane {@code plane}'s feature maps go; their values go into {@code ranges} too, unless null. */
	private Sink sink(ZarrArray array, BlockGrid grid, ChunkedImage in, int plane, ChannelRanges ranges) {
		int c = in.channels(), z = in.slices();
		if (layer != null) return new Sink(array, grid, plane / z, 0, plane % z, layer.outputs(), ranges);
		int k = kernels.size();
		return new Sink(array, grid, plane / (c * z), plane / z % c * k, plane % z, k, ranges);
	}

	/** The input planes work plane {@code plane} reads: one with kernels, every channel of its (t, z) with a layer. */
	private List<PlaneSource> sources(ChunkedImage in, int plane) {
		int c = in.channels(), z = in.slices();
		if (layer == null) return List.of(in.plane(plane / (c * z), plane / z % c, plane % z));
		List<PlaneSource> all = new ArrayList<>();
		for (int ch = 0; ch < c; ch++) all.add(in.plane(plane / z, ch, plane % z));
		return all;
	}

	/** The feature maps of block {@code index}, from its work plane's {@code sources}. */
	private List<Plane> block(List<PlaneSource> sources, BlockGrid grid, int index) throws IOException {
		return layer == null ? BlockwiseConvolution.block(sources.get(0), kernels, options, grid, index)
			: BlockwiseConvolution.layerBlock(sources, layer, activation, options, grid, index);
	}

	/**
	 * What {@link #run} refuses before any block, from the input's metadata alone, for a dry run: an unfinished
	 * result of Convolve 2D, an input that cannot be read, a kernel or layer that does not fit it, a block (or a
	 * pyramid chunk) too large for the free heap, a new (or replacing) {@code output} too large for its disk.
	 *
	 * @param replace whether the run replaces what Convolve 2D wrote at {@code output} (--overwrite)
	 * @throws UserException with the run's reason
	 */
	public void check(Path input, Path output, boolean replace) throws IOException {
		refuseUnfinished(input);
		try (ChunkedImage in = ChunkedImage.open(input)) {
			BlockGrid grid = grid(in);
			beforeBlocks(in, grid);
			Existing existing = inspect(output);
			if (replace || existing == Existing.NONE) {
				checkDiskSpace(output, outputShape(in, grid), levelCount(grid),
					replace && existing != Existing.NONE ? treeBytes(output) : 0);
			}
		}
	}

	/**
	 * Why the unfinished output at {@code output} ({@link Existing#PARTIAL}) is not resumed from {@code input} as it
	 * is now, whose metadata are read: it was begun from another input, or from this one when it had other
	 * dimensions (another image saved under its name since); null when it is resumed.
	 */
	String resumeProblem(Path output, Path input) throws IOException {
		try (ChunkedImage in = ChunkedImage.open(input)) {
			return otherInput(output, input, in);
		}
	}

	/** {@link #resumeProblem} of the input read as {@code in}. */
	private static String otherInput(Path output, Path input, ChunkedImage in) throws IOException {
		Object from = ZarrArray.open(output.resolve("0")).attributes().get(INPUT);
		if (from == null || recordsInput(from, input, dimensions(in))) return null;
		if (!recordsInput(from, input, null)) return otherInput(output, from);
		String was = from.toString();
		return "its output " + output + " was begun from its input when it had other dimensions" + was.substring(
			was.lastIndexOf(" (t, c, z, y, x: ")) + ", and would be completed with blocks of the input as it is now"
			+ dimensions(in) + "; rerun with --overwrite to start it again";
	}

	/**
	 * What a run checks before its first block, so that a block too large leaves nothing in the way of a smaller one:
	 * a layer's channels, a block (and with a pyramid, a pyramid chunk, which needs more than a block of one feature
	 * map) that fits the free heap.
	 *
	 * The input's cache is made to hold the decoded chunks the blocks in flight share ({@link #inFlightBytes}).
	 *
	 * @return the options with as many threads as the heap holds blocks
	 */
	ConvolutionOptions beforeBlocks(ChunkedImage in, BlockGrid grid) {
		if (layer != null) layer.checkChannels(in.channels());
		ConvolutionOptions fitted = fittingThreads(grid, in, options, true);
		if (levelCount(grid) > 1) levelThreads(grid);
		return fitted;
	}

	/** The decoded chunks a rectangle of a work plane touches ({@link ChunkedImage#decodedBytes}). */
	interface Decoded {
		long bytes(int width, int height);

		/** An input whose reads keep nothing decoded (uncompressed). */
		Decoded NONE = (width, height) -> 0;
	}

	/** What reading {@code in}'s work planes keeps decoded: one plane's chunks with kernels, every channel's with a layer. */
	private Decoded decoded(ChunkedImage in) {
		return (width, height) -> in.decodedBytes(width, height, layer != null);
	}

	/**
	 * The decoded input chunks that {@code threads} blocks in flight read, in the grid's order (row by row, the next
	 * block to the thread that is free), at most: the chunks of the windows of that many blocks side by side, in
	 * each row of blocks they may reach into. Blocks side by side read the same chunks (all of them, where strips
	 * are as wide as the image), so a cache smaller than this decodes each chunk again for nearly every block.
	 */
	static long inFlightBytes(BlockGrid grid, int threads, Decoded decoded) {
		return inFlightBytes(grid, threads, decoded, false);
	}

	/**
	 * The decoded input chunks that keep every chunk decoded once, at most, where the heap spares them: those of the
	 * rows of blocks in flight, each as wide as the image ({@link #inFlightBytes} of full rows), and those of the
	 * blocks in flight again. A window reaches past its block into the chunks of the rows of blocks above and
	 * below it, so a tiled input's chunks are read by two or three rows of blocks, and a cache that holds only the
	 * chunks of the blocks in flight drops them before the next row reads them (a 12000² image of 1024² Deflate
	 * tiles at -Xmx256m: 396 tile decodes for 144 tiles).
	 */
	static long bandBytes(BlockGrid grid, int threads, Decoded decoded) {
		return inFlightBytes(grid, threads, decoded, true) + inFlightBytes(grid, threads, decoded, false);
	}

	/**
	 * The input cache for {@code threads} blocks in flight: at least {@code floor} (the cache a run keeps anyway) and
	 * the chunks the blocks in flight share ({@link #inFlightBytes}), and the full rows of chunks ({@link
	 * #bandBytes}) where they take at most half of {@code spare}, the heap the blocks leave free beside those: each
	 * chunk is then decoded once (12000×6000 of 1024² Deflate tiles, 2 threads, -Xmx1g: 72 tile decodes for 72
	 * tiles, 136 before; at -Xmx512m the band does not fit and a tile is decoded 2.5 times).
	 */
	static long cacheBytes(BlockGrid grid, int threads, Decoded decoded, long floor, long spare) {
		long kept = Math.max(floor, inFlightBytes(grid, threads, decoded));
		long band = bandBytes(grid, threads, decoded);
		return band > kept && band - kept <= spare / 2 ? band : kept;
	}

	private static long inFlightBytes(BlockGrid grid, int threads, Decoded decoded, boolean fullRows) {
		int t = (int) Math.max(1, Math.min(threads, (long) grid.blocks()));
		int across = Math.min(t, grid.columns());
		BlockGrid.Window first = grid.window(0), last = grid.window(across - 1);
		long width = fullRows ? grid.imageWidth() : Math.min((long) last.x() + last.width() - first.x(), grid.imageWidth());
		long height = Math.min(first.height(), grid.imageHeight());
		// t consecutive blocks reach into at most this many rows of blocks
		int rows = t == 1 ? 1 : Math.min(grid.rows(), (t - 2) / grid.columns() + 2);
		// full rows: one band as high as those rows' windows; else each row's blocks in flight, wherever they lie
		if (fullRows) return decoded.bytes((int) width, (int) Math.min(height + (rows - 1L) * grid.blockHeight(),
			grid.imageHeight()));
		return rows * decoded.bytes((int) width, (int) height);
	}

	/** The output's shape (t, c, z, y, x) for {@code in}. */
	private int[] outputShape(ChunkedImage in, BlockGrid grid) {
		int outputChannels = layer == null ? in.channels() * kernels.size() : layer.outputs();
		return new int[] { in.frames(), outputChannels, in.slices(), grid.outputHeight(), grid.outputWidth() };
	}

	/** The output's levels: 1, or with a pyramid as many as {@link OmeZarr#levelsFor} gives. */
	private int levelCount(BlockGrid grid) {
		return pyramid ? OmeZarr.levelsFor(grid.outputHeight(), grid.outputWidth(), grid.blockHeight(),
			grid.blockWidth()) : 1;
	}

	/**
	 * Convolves {@code input} into the OME-Zarr image {@code output}, resuming an incomplete one.
	 *
	 * @param replace delete what Convolve 2D wrote at {@code output} first (else an output made with the same
	 *        settings is resumed, and anything else refused)
	 * @return how many blocks were already there (0 for a fresh run)
	 * @throws UserException for an input that cannot be read as it is, or an output in the way
	 * @throws java.util.concurrent.CancellationException when the progress cancelled (finished blocks stay)
	 */
	long run(Path input, Path output, boolean replace, Progress progress) throws IOException {
		refuseUnfinished(input);
		try (ChunkedImage in = ChunkedImage.open(input)) {
			ConvolutionOptions options = beforeBlocks(in, grid(in));
			Prepared prepared = prepare(input, in, output, replace);
			BlockGrid grid = prepared.grid;
			long total = prepared.blocks() + prepared.pyramidChunks();
			long already = 0;
			ChannelRanges ranges = prepared.ranges();
			for (int plane = 0; plane < prepared.planes; plane++) {
				List<PlaneSource> sources = sources(in, plane);
				Sink sink = sink(prepared.out.array(), grid, in, plane, ranges);
				Part part = new Part(progress, (long) plane * grid.blocks(), total);
				if (layer == null) BlockwiseConvolution.run(sources.get(0), kernels, options, grid, sink, part);
				else BlockwiseConvolution.runLayer(sources, layer, activation, options, grid, sink, part);
				already += sink.skipped;
			}
			long done = prepared.blocks();
			in.cacheBytes(0); // the levels read the output only: the input's chunks would hold what they need
			int levelThreads = prepared.levels() > 1 ? levelThreads(grid) : 1;
			for (int l = 1; l < prepared.levels(); l++) {
				already += levelChunks(prepared.out, l, 0, prepared.levelChunks(l), levelThreads,
					new Part(progress, done, total));
				done += prepared.levelChunks(l);
			}
			prepared.commit(ranges);
			return already;
		}
	}

	/**
	 * An output created and waiting for its blocks: block {@code b} of work plane {@code p} (input planes in
	 * {@code t, c, z} order with kernels, {@code t, z} with a layer) is number {@code p · grid.blocks() + b}. Its metadata is written by {@link #commit()} after the last
	 * block, by whoever prepared it.
	 */
	public static final class Prepared {
		final OmeZarr out;
		final BlockGrid grid;
		final int planes;
		private final String stamp;

		Prepared(OmeZarr out, BlockGrid grid, int planes, String stamp) {
			this.out = out;
			this.grid = grid;
			this.planes = planes;
			this.stamp = stamp;
		}

		/** Blocks of all work planes (each block writes one chunk per feature map of the full-resolution level). */
		public long blocks() {
			return (long) grid.blocks() * planes;
		}

		/** Levels of the output: 1, or the pyramid's. */
		public int levels() {
			return out.levels().size();
		}

		/** Chunks of level {@code l ≥ 1} of the pyramid ({@link #computeLevel}). */
		public long levelChunks(int l) {
			return out.levelChunks(l);
		}

		/** Chunks of every level past the first. */
		long pyramidChunks() {
			long n = 0;
			for (int l = 1; l < levels(); l++) n += out.levelChunks(l);
			return n;
		}

		/**
		 * Where {@link #compute} gathers the channels' value ranges for the {@code omero} windows of a one-level
		 * output, empty; null for a pyramid, whose windows {@link #commit} reads from its coarsest level.
		 */
		public ChannelRanges ranges() {
			return levels() == 1 ? new ChannelRanges(out.channels()) : null;
		}

		/** {@link #commit(ChannelRanges)}, the windows read from the output's coarsest level. */
		public void commit() throws IOException {
			commit(null);
		}

		/**
		 * Writes the output's NGFF metadata, the windows from {@code ranges} (every block's, from {@link #compute}),
		 * or, when null, from the output's coarsest level: call once every block is written. The metadata marks the
		 * output whole, so it is written only when the output still holds this run's settings and every chunk of
		 * every level: something else (another run's {@code --overwrite} deleting it meanwhile) may have taken them
		 * away.
		 *
		 * @throws UserException when the output lost chunks or its settings while it was written
		 */
		public void commit(ChannelRanges ranges) throws IOException {
			Path path = out.path();
			Object settings;
			try {
				settings = ZarrArray.open(path.resolve("0")).attributes().get(STAMP);
			}
			catch (IOException | UserException e) {
				settings = null;
			}
			if (!stamp.equals(settings)) {
				throw new UserException("its output " + path + " was changed by something else while this run wrote it "
					+ "(another run with --overwrite?): its settings are gone, so it is not marked complete; move it "
					+ "away and rerun");
			}
			for (int l = 0; l < levels(); l++) {
				for (long n = 0; n < out.levelChunks(l); n++) {
					if (!out.hasLevelChunk(l, n)) {
						throw new UserException("its output " + path + " was changed by something else while this run "
							+ "wrote it (another run with --overwrite?): chunks of it are gone, so it is not marked "
							+ "complete; rerun to complete it");
					}
				}
			}
			out.commit(ranges);
		}
	}

	/**
	 * First step of a run split across machines: creates (or reopens, to resume) the output of {@code input},
	 * with the rules of {@link #run}.
	 *
	 * @throws UserException for an input that cannot be read as it is, or an output in the way
	 */
	public Prepared prepare(Path input, Path output, boolean replace) throws IOException {
		refuseUnfinished(input);
		try (ChunkedImage in = ChunkedImage.open(input)) {
			return prepare(input, in, output, replace);
		}
	}

	/**
	 * Refuses as an input an OME-Zarr result of Convolve 2D that its run has not finished (no {@code .zattrs} yet, or
	 * in Zarr v3 no {@code ome} in its group's {@code zarr.json}), given whole or by one of its level folders: the
	 * chunks not yet written would read as zeros, Zarr's fill value.
	 */
	static void refuseUnfinished(Path input) throws IOException {
		if (!Files.isDirectory(input)) return;
		Path given = input.toAbsolutePath().normalize();
		Path image = arrayAt(given) != null ? given.getParent() : given;
		if (image == null || OmeZarr.isComplete(image)) return;
		ZarrArray level = arrayAt(image.resolve("0"));
		if (level == null) return; // not one of ours: opening the input says what is wrong with it
		if (level.attributes().get(STAMP) != null) {
			String name = image.getFileName() + (image.equals(given) ? "" : "/" + given.getFileName());
			throw new UserException(name + " is the result of a Convolve 2D run that has not finished (" + (ZarrFormat.of(
				image) == ZarrFormat.V3 ? "its zarr.json has no 'ome' attributes yet" : "it has no readable .zattrs yet")
				+ ", and the blocks not written would read as zeros); rerun the command that made it to complete it, "
				+ "then convolve it");
		}
	}

	/** The Zarr array (v2's {@code .zarray} or a v3 array's {@code zarr.json}) in {@code dir}, or null when none opens. */
	private static ZarrArray arrayAt(Path dir) throws IOException {
		if (!Files.isRegularFile(dir.resolve(".zarray")) && !Files.isRegularFile(dir.resolve("zarr.json"))) return null;
		try {
			return ZarrArray.open(dir);
		}
		catch (UserException e) {
			return null; // a group, or an array not read: opening the input says what is wrong with it
		}
	}

	/**
	 * What the output was made from, recorded beside its settings: the input's absolute path and dimensions. A run
	 * resumes an output only from the input it was started from, so that an interrupted result is never completed
	 * with blocks of another image (a complete one is skipped as a TIFF output is, by its settings alone).
	 */
	static final String INPUT = "convolve2d_input";

	/**
	 * The input the output at {@code output} records having been made from ({@link #INPUT}), when that is another
	 * input than {@code input} and still there ({@link OutputStamp#otherSource}): that input's result, which this one
	 * does not take for its own; null otherwise (this input, none recorded, or an input moved since).
	 */
	public String otherSource(Path output, Path input) throws IOException {
		Object from = ZarrArray.open(output.resolve("0")).attributes().get(INPUT);
		if (from == null || recordsInput(from, input, null)) return null;
		String r = from.toString();
		int at = r.lastIndexOf(" (t, c, z, y, x: ");
		if (at < 0) return null;
		String path = r.substring(0, at);
		return OutputStamp.otherSource(path, input, input.toAbsolutePath().normalize().toString()) ? path : null;
	}

	/** Why an output begun from the input {@code from} (its recorded identity) is not resumed from this one. */
	private static String otherInput(Path output, Object from) {
		return "its output " + output + " is an interrupted result of another input, " + from + ", and would be "
			+ "completed with blocks of this one; --overwrite replaces it, or choose another --output or --suffix";
	}

	/**
	 * Whether {@code recorded} (an output's {@link #INPUT}) names {@code input}: by the same path, or by one that
	 * leads to the same file through links (an output begun through a link and resumed through the file, or the other
	 * way round); and, unless null, with the same {@code dimensions}.
	 */
	private static boolean recordsInput(Object recorded, Path input, String dimensions) {
		String r = recorded.toString();
		int at = r.lastIndexOf(" (t, c, z, y, x: ");
		if (at < 0 || dimensions != null && !r.substring(at).equals(dimensions)) return false;
		String path = r.substring(0, at);
		if (path.equals(input.toAbsolutePath().normalize().toString())) return true;
		try {
			return Files.isSameFile(Paths.get(path), input);
		}
		catch (IOException | java.nio.file.InvalidPathException e) {
			return false;
		}
	}

	private static String dimensions(ChunkedImage in) {
		return " (t, c, z, y, x: " + in.frames() + ", " + in.channels() + ", " + in.slices() + ", " + in.height() + ", "
			+ in.width() + ")";
	}

	private static String inputIdentity(Path input, ChunkedImage in) {
		return input.toAbsolutePath().normalize() + dimensions(in);
	}

	private Prepared prepare(Path input, ChunkedImage in, Path output, boolean replace) throws IOException {
		if (layer != null) layer.checkChannels(in.channels());
		BlockGrid grid = grid(in);
		Existing existing = inspect(output);
		if (existing == Existing.FOREIGN || !replace && (existing == Existing.OTHER_SETTINGS
			|| existing == Existing.DAMAGED))
		{
			throw new UserException(refusal(output, existing));
		}
		String problem = formatProblem(input, output, replace);
		if (problem != null) throw new UserException(problem);
		// a new output in the format asked for (or the input's); one resumed in its own
		ZarrFormat writes = replace || existing == Existing.NONE ? formatFor(input) : ZarrFormat.of(output);
		int c = in.channels();
		ConvolutionGeometry g = grid.geometry(0);
		double[] scale = in.scale(), translation = in.translation();
		// the image engine's rule (ConvolutionGeometry#outputOriginX: output pixel 0 lies over input pixel originX),
		// applied to the translation itself: through ImageJ's origin and back, 7 at scale 0.3 came out 7.000000000000001
		translation[3] += g.originY() * scale[3];
		translation[4] += g.originX() * scale[4];
		scale[3] = g.outputPixelHeight(scale[3]);
		scale[4] = g.outputPixelWidth(scale[4]);
		int levels = levelCount(grid);
		int[] shape = outputShape(in, grid);
		if (replace || existing == Existing.NONE) {
			boolean replacing = replace && existing != Existing.NONE;
			// checked before the old result is deleted, counting the space it frees: a refused run keeps it
			checkDiskSpace(output, shape, levels, replacing ? treeBytes(output) : 0);
			if (replacing) discard(output);
			// made whole, settings included, beside the output, then given its name in one step: a run that starts
			// at the same time sees either nothing or this run's settings, never a store it could add other results to
			Path skeleton = output.resolveSibling(SKELETONS.newName());
			try {
				// in this order on every run (Map.of's order changes from one JVM to the next): the same bytes
				Map<String, Object> stamps = new java.util.LinkedHashMap<>();
				stamps.put(STAMP, stamp());
				stamps.put(INPUT, inputIdentity(input, in));
				String version = Files.isRegularFile(input) ? OutputStamp.inputVersion(input) : null;
				if (version != null) stamps.put(INPUT_VERSION, version);
				OmeZarr.create(skeleton, shape, grid.blockWidth(), grid.blockHeight(), compressor, scale, translation,
					in.units(), attributes(c, ImageHeader.rgb(in), channelNames(input, in)), levels, writes).array().writeAttributes(stamps);
				Files.move(skeleton, output, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException e) {
				if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
					if (!(e instanceof java.nio.file.FileSystemException)) throw e;
					// no block is written yet: the output's name, not the temporary one, with nothing to resume
					throw new UserException("cannot create its output: " + IoMessages.describe(
						IoMessages.naming((java.nio.file.FileSystemException) e, output)));
				}
				Existing now = inspect(output); // another run took the name first
				if (now != Existing.COMPLETE && now != Existing.PARTIAL) {
					throw new UserException("its output " + output + " was made meanwhile by another run with other "
						+ "settings (or by something else); it is not replaced: rerun to be told what it holds");
				}
			}
			finally {
				if (Files.exists(skeleton, LinkOption.NOFOLLOW_LINKS)) deleteZarr(skeleton);
			}
		}
		problem = formatProblem(input, output, false); // another run may have taken the name first
		if (problem != null) throw new UserException(problem);
		// before it is reopened at this input's shape, which another one's would not have
		problem = otherInput(output, input, in);
		if (problem != null) throw new UserException(problem);
		OmeZarr out = OmeZarr.create(output, shape, grid.blockWidth(), grid.blockHeight(), compressor, scale,
			translation, in.units(), attributes(c, ImageHeader.rgb(in), channelNames(input, in)), levels, ZarrFormat.of(output));
		Map<String, Object> recorded = out.array().attributes();
		if (!stamp().equals(recorded.get(STAMP))) {
			throw new UserException("its output " + output + " was made meanwhile by another run with other settings; it "
				+ "is not replaced");
		}
		return new Prepared(out, grid, workPlanes(in), stamp());
	}

	/**
	 * Refuses a new output that cannot fit the free space of its disk, before any block is written: uncompressed,
	 * its size is known (4 bytes a value, a third more with a pyramid); compressed, float results rarely shrink
	 * to a quarter, so one that would need four times the free space is refused too.
	 */
	private void checkDiskSpace(Path output, int[] shape, int levels, long freed) throws IOException {
		double bytes = 4.0 * shape[0] * shape[1] * shape[2] * shape[3] * shape[4] * (levels > 1 ? 4.0 / 3 : 1);
		Path named = output.toAbsolutePath().getParent(), folder = named;
		// measured on the nearest folder there (a dry run makes none), named as the output's folder either way
		while (folder != null && !Files.exists(folder)) folder = folder.getParent();
		if (folder == null) return;
		long free = Files.getFileStore(folder).getUsableSpace() + freed;
		boolean raw = compressor.id() == Compressor.Id.RAW;
		if (bytes > (raw ? free : 4.0 * free)) {
			throw new UserException(String.format(java.util.Locale.ROOT, "its output would be %,d×%,d pixels × %d "
				+ "plane(s), %s%s, and the disk of %s has %s free; free some space or choose another --output%s",
				shape[4], shape[3], (long) shape[0] * shape[1] * shape[2], size(bytes), raw ? "" : " before compression",
				named, size(free), ", or make the result smaller (--stride, --mode valid, less --dilation)"));
		}
	}

	/** Bytes for messages: {@code 1.5 GB}, {@code 36.0 TB}. */
	private static String size(double bytes) {
		String[] units = { "bytes", "kB", "MB", "GB", "TB", "PB" };
		int u = 0;
		while (bytes >= 1000 && u < units.length - 1) {
			bytes /= 1000;
			u++;
		}
		return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
	}

	/**
	 * Outputs being made, beside their final name ({@code .convolve2d-<pid>-<start>-<host>-<random>.ome.zarr}): a
	 * killed run's is removed by the next run into that folder ({@link #removeStaleSkeletons}).
	 */
	private static final TemporaryFiles SKELETONS = new TemporaryFiles(".convolve2d-", ".ome.zarr", true);

	/** Removes from {@code folder} the outputs that killed runs left half made (before they took their names). */
	public static int removeStaleSkeletons(Path folder) {
		return SKELETONS.removeStale(folder);
	}

	/**
	 * Second step of a run split across machines, on any of them: computes blocks {@code from} (inclusive) to
	 * {@code to} (exclusive) of a {@linkplain #prepare prepared} output, one after the other (the options' threads
	 * inside each), reading each block's window with its halo from {@code input}; blocks already written are
	 * skipped. Each chunk is written atomically, so a block computed twice (a retried task) gives the same bytes.
	 *
	 * @return how many of the blocks were already there
	 */
	public long compute(Path input, Path output, long from, long to) throws IOException {
		return compute(input, output, from, to, null);
	}

	/**
	 * {@link #compute(Path, Path, long, long)} that also takes the blocks' values into {@code ranges} (unless null;
	 * {@link Prepared#ranges}), those already there read back.
	 */
	public long compute(Path input, Path output, long from, long to, ChannelRanges ranges) throws IOException {
		try (ChunkedImage in = ChunkedImage.open(input)) {
			BlockGrid grid = grid(in);
			// one block at a time here
			// beside other tasks of its JVM, whose caches its free heap does not see: no rows of chunks kept beyond
			// the blocks' own
			fittingThreads(grid, in, options.toBuilder().threads(1).build(), false);
			ZarrArray array = ZarrArray.open(output.resolve("0"));
			long skipped = 0;
			Sink sink = null;
			List<PlaneSource> sources = null;
			int current = -1;
			for (long n = from; n < to; n++) {
				int plane = (int) (n / grid.blocks()), index = (int) (n % grid.blocks());
				if (plane != current) {
					current = plane;
					sources = sources(in, plane);
					sink = sink(array, grid, in, plane, ranges);
				}
				if (sink.has(index)) skipped++;
				else sink.write(index, grid.region(index), block(sources, grid, index));
			}
			return skipped;
		}
	}

	/**
	 * Third step of a run split across machines, with a pyramid, once every chunk of level {@code level - 1} is
	 * written: computes chunks {@code from} (inclusive) to {@code to} (exclusive) of level {@code level} of a
	 * {@linkplain #prepare prepared} output ({@link Prepared#levelChunks}), on the options' threads; chunks already
	 * written are skipped.
	 *
	 * @return how many of the chunks were already there
	 */
	public long computeLevel(Path output, int level, long from, long to) throws IOException {
		return levelChunks(OmeZarr.reopen(output), level, from, to, options.threads(), (d, t) -> { });
	}

	/** Level {@code l}'s chunks {@code from .. to} on up to {@code threads} threads; returns those already there. */
	private static long levelChunks(OmeZarr out, int l, long from, long to, int threads, Progress progress)
		throws IOException
	{
		AtomicLong next = new AtomicLong(from), done = new AtomicLong(), skipped = new AtomicLong();
		Callable<Void> worker = () -> {
			for (long n; (n = next.getAndIncrement()) < to;) {
				if (progress.isCancelled()) throw new CancellationException("cancelled");
				if (out.hasReadableLevelChunk(l, n)) skipped.incrementAndGet();
				else out.writeLevelChunk(l, n);
				synchronized (progress) { // one report at a time, in order
					progress.blocks(done.incrementAndGet(), to - from);
				}
			}
			return null;
		};
		int workers = (int) Math.max(1, Math.min(threads, to - from));
		if (workers == 1) {
			call(worker);
			return skipped.get();
		}
		ExecutorService pool = Executors.newFixedThreadPool(workers - 1, r -> {
			Thread t = new Thread(r, "convolve2d-pyramid");
			t.setDaemon(true);
			return t;
		});
		try {
			List<Future<Void>> helpers = new ArrayList<>();
			for (int w = 1; w < workers; w++) helpers.add(pool.submit(worker));
			call(worker);
			for (Future<Void> f : helpers) {
				try {
					f.get();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new CancellationException("interrupted");
				}
				catch (ExecutionException e) {
					throw io.github.convolve2d.core.ParallelLoop.failure(e);
				}
			}
		}
		finally {
			next.set(Long.MAX_VALUE); // helpers still running stop at their next chunk
			pool.shutdown();
		}
		return skipped.get();
	}

	private static void call(Callable<Void> worker) throws IOException {
		try {
			worker.call();
		}
		catch (IOException | RuntimeException e) {
			throw e;
		}
		catch (Exception e) {
			throw new IOException(e);
		}
	}

	/**
	 * {@code options} with as many threads (blocks in flight, one thread each) as the free heap holds, at most its
	 * own, and {@code in}'s cache made to hold the chunks they share: a block needs its input windows (every
	 * channel's, with a layer), as much again while a window reaching past the image's edge is made up, its feature
	 * maps, and the input chunk it is decoding (a chunk, strip or tile is decoded whole, whatever the block's size;
	 * {@link ChunkedImage#chunkReadBytes}); the blocks in flight together need the decoded chunks their windows share
	 * ({@link #inFlightBytes}) beyond the cache a run keeps anyway ({@link #cacheBytes}). Checked before any work, so
	 * that a block too large for the heap is refused with what to change rather than running out of memory, or
	 * decoding every strip again for every block, half-way. With {@code rowsOfChunks}, the cache keeps the full rows
	 * of chunks too where the spare heap holds them ({@link #cacheBytes(BlockGrid, int, Decoded, long, long)}): not
	 * for a Spark task, which shares its JVM's heap with other tasks.
	 *
	 * @throws UserException when not even one block fits
	 */
	private ConvolutionOptions fittingThreads(BlockGrid grid, ChunkedImage in, ConvolutionOptions options,
		boolean rowsOfChunks)
	{
		long region = HeapRegions.region();
		Decoded decoded = decoded(in);
		int threads = options.threads();
		long all = threads * (blockBytes(grid, in.channels(), region) + readBytes(in.chunkReadBytes(), region))
			+ extraCacheBytes(grid, threads, decoded);
		long free = freeHeap();
		if (free < all) {
			System.gc(); // garbage counts as used until collected; ask once before doing with fewer
			free = freeHeap();
		}
		ConvolutionOptions fitted = fittingThreads(grid, in.channels(), in.chunkReadBytes(), decoded, options, free,
			region);
		int t = fitted.threads();
		long spare = free - t * (blockBytes(grid, in.channels(), region) + readBytes(in.chunkReadBytes(), region))
			- extraCacheBytes(grid, t, decoded);
		in.cacheBytes(cacheBytes(grid, t, decoded, cacheBytes(), rowsOfChunks ? spare : 0));
		return fitted;
	}

	/**
	 * {@link #fittingThreads(BlockGrid, ChunkedImage, ConvolutionOptions, boolean)} for an input whose chunks take
	 * {@code read} bytes to decode and {@code decoded} when kept, with {@code free} bytes of heap beside the cache a
	 * run keeps anyway, made of regions of {@code region} bytes ({@link HeapRegions}).
	 */
	ConvolutionOptions fittingThreads(BlockGrid grid, int inputChannels, long read, Decoded decoded,
		ConvolutionOptions options, long free, long region)
	{
		read = readBytes(read, region);
		long perBlock = blockBytes(grid, inputChannels, region) + read;
		for (int fit = options.threads(); fit >= 1; fit--) {
			if (fit * perBlock + extraCacheBytes(grid, fit, decoded) <= free) {
				return fit == options.threads() ? options : options.toBuilder().threads(fit).build();
			}
		}
		// a side whose block (and the chunks a row of such blocks shares) takes at most 80% of what is free: a block's
		// bytes grow about with its area, and by whole heap regions, so the side found from the area is checked and
		// made smaller until it fits
		long shared = extraCacheBytes(grid, 1, decoded);
		long side = Math.max(16, (long) (grid.blockWidth() * Math.sqrt(0.8 * free / (perBlock + shared))) / 16 * 16);
		while (side > 16 && oneBlockBytes(withBlock(grid, (int) side), inputChannels, read, decoded, region) > 0.8 * free) {
			side -= 16;
		}
		if (oneBlockBytes(withBlock(grid, (int) side), inputChannels, read, decoded, region) > 0.8 * free) {
			if (blockBytes(withBlock(grid, 16), inputChannels, region) + read > 0.8 * free) {
				// no block is small enough: the input's chunks are what does not fit
				throw new UserException("the input is stored in chunks (or compressed strips or tiles) that are decoded "
					+ "whole and take about " + mb(read) + " MB each, but only " + (free >> 20) + " MB of the Java heap are "
					+ "free beside the blocks; give Java more memory (java -Xmx...) or store the input in smaller chunks");
			}
			throw new UserException("the input is stored in compressed strips, tiles or chunks that every block of a row of "
				+ "blocks reads, kept decoded while the row is computed, and even for the smallest blocks they take more "
				+ "than the " + ((free + cacheBytes()) >> 20) + " MB of the Java heap that are free; give Java more memory "
				+ "(java -Xmx...) or store the input in smaller strips or tiles");
		}
		// with strips to keep, counted whole with the heap the run keeps for them anyway
		long kept = shared > 0 ? inFlightBytes(grid, 1, decoded) : 0, heap = shared > 0 ? free + cacheBytes() : free;
		throw new UserException("a block of " + grid.blockWidth() + "×" + grid.blockHeight() + " output pixels needs about "
			+ ((perBlock + kept) >> 20) + " MB (" + windows(inputChannels) + " input window(s) and " + maps()
			+ " feature map(s)" + (workingBytes(grid) > 0 ? ", and " + (workingBytes(grid) >> 20) + " MB of FFT tiles" : "")
			+ (read > 0 ? ", and " + mb(read) + " MB to decode an input chunk" : "")
			+ (kept > 0 ? ", and " + mb(kept) + " MB of decoded input strips, tiles or chunks, kept while every block of its row "
				+ "reads them" : "") + ") "
			+ "but only " + (heap >> 20) + " MB of the Java heap are free; use a smaller --block (e.g. --block " + side
			+ ") or give Java more memory (java -Xmx...)");
	}

	/** The heap one block in flight takes with the decoded chunks its row of blocks shares (beyond the run's cache). */
	private long oneBlockBytes(BlockGrid grid, int inputChannels, long read, Decoded decoded, long region) {
		return blockBytes(grid, inputChannels, region) + read + extraCacheBytes(grid, 1, decoded);
	}

	/**
	 * The decoded chunks {@code threads} blocks in flight share ({@link #inFlightBytes}) beyond the cache a run keeps
	 * anyway, which the free heap is measured without ({@link #freeHeap}).
	 */
	private static long extraCacheBytes(BlockGrid grid, int threads, Decoded decoded) {
		return Math.max(0, inFlightBytes(grid, threads, decoded) - cacheBytes());
	}

	/**
	 * As many of the options' threads as the free heap holds pyramid chunks in flight, each reading the 2×2 chunks
	 * below it and writing its own ({@link #levelChunkBytes}).
	 *
	 * @throws UserException when not even one fits
	 */
	private int levelThreads(BlockGrid grid) {
		long perChunk = levelChunkBytes(grid);
		long free = freeHeap();
		if (free < perChunk * options.threads()) {
			System.gc(); // garbage counts as used until collected; ask once before doing with fewer
			free = freeHeap();
		}
		return levelThreads(grid, free);
	}

	/** {@link #levelThreads(BlockGrid)} with {@code free} bytes of heap. */
	int levelThreads(BlockGrid grid, long free) {
		long perChunk = levelChunkBytes(grid);
		int fit = (int) Math.min(options.threads(), free / perChunk);
		if (fit >= 1) return fit;
		long side = Math.max(16, (long) (grid.blockWidth() * Math.sqrt(0.8 * free / perChunk)) / 16 * 16);
		throw new UserException("a pyramid chunk of " + grid.blockWidth() + "×" + grid.blockHeight() + " pixels needs "
			+ "about " + (perChunk >> 20) + " MB (the 2×2 chunks below it, its own, and one being read or written) but "
			+ "only " + (free >> 20) + " MB of the Java heap are free; use a smaller --block (e.g. --block " + side
			+ "), leave out --zarr-pyramid, or give Java more memory (java -Xmx...)");
	}

	/**
	 * The bytes one pyramid chunk in flight needs: the 2×2 chunks of the level below it, its own values, and a chunk
	 * being read or written three times over (its file's bytes, decoded or encoded, and its values).
	 */
	private static long levelChunkBytes(BlockGrid grid) {
		return 4L * 8 * grid.blockWidth() * grid.blockHeight();
	}

	/**
	 * The bytes one block in flight needs: its input windows (each at most the image, which a block whose window
	 * would be larger reads instead), as much again while a window reaching past the edge is made up, its feature
	 * maps and an edge chunk's padded copy; compressed, also a chunk's stored form, which may grow to the chunk's
	 * size and is copied once more as it is finished.
	 */
	private long blockBytes(BlockGrid grid, int inputChannels, long region) {
		BlockGrid.Window w = grid.window(0);
		long window = Math.min((long) w.width() * w.height(), (long) grid.imageWidth() * grid.imageHeight());
		long block = (long) grid.blockWidth() * grid.blockHeight();
		long encoding = compressor.id() == Compressor.Id.RAW ? 0 : 2;
		return 2 * windows(inputChannels) * HeapRegions.arrayBytes(4 * window, region)
			+ (maps() + 1 + encoding) * HeapRegions.arrayBytes(4 * block, region) + workingBytes(grid);
	}

	/**
	 * The heap decoding an input chunk of {@code read} bytes takes ({@link ChunkedImage#chunkReadBytes}): its three
	 * arrays (stored, decompressed, floats), each of which may end in a heap region of its own.
	 */
	private static long readBytes(long read, long region) {
		return read == 0 ? 0 : read + 3 * Math.max(0, region);
	}

	/** Bytes in MB, rounded up (a chunk of a few hundred kB is not "0 MB"). */
	private static long mb(long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}

	/** {@code grid}'s image, kernels and options in blocks of {@code side × side} output pixels. */
	private BlockGrid withBlock(BlockGrid grid, int side) {
		return layer == null ? BlockGrid.of(grid.imageWidth(), grid.imageHeight(), kernels, options, side, side)
			: BlockGrid.forLayer(grid.imageWidth(), grid.imageHeight(), layer, options, side, side);
	}

	/**
	 * What the core's paths take besides a block's windows and maps, one thread a block: the FFT path's tiles and
	 * spectra where the cost model would take it (up to four times a window's bytes), else nothing.
	 */
	private long workingBytes(BlockGrid grid) {
		ConvolutionOptions one = options.toBuilder().threads(1).build();
		return layer == null ? BlockwiseConvolution.blockWorkingBytes(kernels, one, grid)
			: BlockwiseConvolution.layerBlockWorkingBytes(layer, one, grid);
	}

	private long windows(int inputChannels) {
		return layer == null ? 1 : inputChannels;
	}

	private long maps() {
		return layer == null ? kernels.size() : layer.outputs();
	}

	/** Bytes the heap may still take, less the input chunks' cache ({@link #cacheBytes}), which fills as blocks run. */
	private static long freeHeap() {
		Runtime rt = Runtime.getRuntime();
		return Math.max(0, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) - cacheBytes());
	}

	/**
	 * Decoded input chunks kept for the halos of neighbouring blocks at least: an eighth of the heap, at most 256 MB
	 * (more when the blocks in flight share more, {@link #fittingThreads(BlockGrid, ChunkedImage, ConvolutionOptions, boolean)}).
	 */
	static long cacheBytes() {
		return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
	}

	/**
	 * What names each input channel in the output's channel labels, as the in-memory path names its planes
	 * ({@link FeatureMaps#label}): the label every plane of the channel (of an RGB input: every plane) shares in a
	 * TIFF input ({@link ImageJReader#sliceLabels}, {@link FeatureMaps#planeName}), else
	 * {@link FeatureMaps#channelName} (an RGB input's colours: none, their colour names them).
	 */
	private static String[] channelNames(Path input, ChunkedImage in) throws IOException {
		boolean colours = ImageHeader.rgb(in);
		int channels = in.channels(), perPlane = colours ? 1 : channels;
		String[] labels = Files.isRegularFile(input) ? ImageJReader.sliceLabels(input, in) : null;
		String[] names = new String[channels];
		for (int c = 0; c < channels; c++) {
			String shared = null;
			// ImageJ's stack order: channel, slice, frame; a label missing past the end of the list is none
			for (int p = (colours ? 0 : c); labels != null && p < (long) perPlane * in.slices() * in.frames(); p += perPlane) {
				String name = FeatureMaps.planeName(p < labels.length ? labels[p] : null);
				if (name == null || shared != null && !shared.equals(name)) {
					shared = null;
					break;
				}
				shared = name;
			}
			names[c] = shared != null ? shared : colours ? null : FeatureMaps.channelName(c + 1, channels);
		}
		return names;
	}

	/**
	 * The output's attributes: the {@code convolve2d} record and the {@code omero} channels, labelled as the
	 * in-memory path labels the same input's maps ({@link FeatureMaps#label}): input channel {@code c} by {@code
	 * names[c]} ({@link #channelNames}), and by its colour for an RGB input ({@code colours}).
	 */
	private Map<String, Object> attributes(int inputChannels, boolean colours, String[] names) {
		Map<String, Object> c2d = new LinkedHashMap<>();
		List<Map<String, Object>> channels = new ArrayList<>();
		if (layer == null) {
			List<Map<String, Object>> ks = new ArrayList<>();
			for (Kernel kernel : kernels) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("name", kernel.name());
				double[] v = kernel.values();
				double[][] rows = new double[kernel.height()][kernel.width()];
				for (int i = 0; i < rows.length; i++) System.arraycopy(v, i * kernel.width(), rows[i], 0, kernel.width());
				m.put("values", rows);
				ks.add(m);
			}
			c2d.put("kernels", ks);
			for (int c = 0; c < inputChannels; c++) {
				for (Kernel kernel : kernels) channels.add(channel(FeatureMaps.label(names[c], colours ? c : -1, kernel.name())));
			}
		}
		else {
			Map<String, Object> l = new LinkedHashMap<>();
			l.put("name", layerName);
			l.put("weights", layer.shape());
			l.put("groups", layer.groups());
			l.put("bias", layer.hasBias());
			l.put("activation", activation.label());
			l.put("fingerprint", "sha256:" + layerHash);
			c2d.put("layer", l);
			for (int o = 0; o < layer.outputs(); o++) channels.add(channel(layer.name(o)));
		}
		Map<String, Object> o = new LinkedHashMap<>();
		o.put("mode", options.mode().label());
		o.put("border", options.border().label());
		o.put("cval", options.cval());
		o.put("stride", new int[] { options.strideY(), options.strideX() });
		o.put("dilation", new int[] { options.dilationY(), options.dilationX() });
		o.put("flip", options.flip());
		o.put("normalize", options.normalize());
		c2d.put("options", o);
		if (layer == null) {
			c2d.put("provenance", FeatureMaps.provenance(kernels, options));
			c2d.put("channels", "output channel c*K+k is input channel c convolved with kernel k (K = " + kernels.size() + ")");
		}
		else {
			c2d.put("provenance", LayerMaps.provenance(layer, activation, options));
			c2d.put("channels", "output channel o is the layer's output o, every input channel summed");
		}
		Map<String, Object> attrs = new LinkedHashMap<>();
		attrs.put(ATTRIBUTE, c2d);
		attrs.put("omero", Map.of("channels", channels));
		return attrs;
	}

	private static Map<String, Object> channel(String label) {
		Map<String, Object> ch = new LinkedHashMap<>();
		ch.put("label", label);
		ch.put("active", true);
		return ch;
	}

	/** The bytes of the files in the folder {@code dir} (links not followed): what deleting it frees. */
	private static long treeBytes(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			long bytes = 0;
			for (Path p : (Iterable<Path>) s::iterator) {
				if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) bytes += Files.size(p);
			}
			return bytes;
		}
	}

	/**
	 * Deletes an old result being replaced: first renamed to a hidden name of this run's in one step, so that another
	 * run never finds it half deleted (which it would take for a folder Convolve 2D did not write); a run killed
	 * while deleting leaves the hidden folder, which the next run in the folder removes ({@link #removeStaleSkeletons}).
	 */
	private static void discard(Path output) throws IOException {
		Path aside = output.resolveSibling(SKELETONS.newName());
		try {
			Files.move(output, aside, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (java.nio.file.NoSuchFileException e) {
			return; // another run's --overwrite took it away first
		}
		deleteZarr(aside);
	}

	private static void deleteZarr(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
		}
	}

	/** One part of a run (a plane's blocks, a pyramid level's chunks) reporting as the run: {@code from} done before it. */
	private static final class Part implements ProgressListener, Progress {
		private final Progress run;
		private final long from, total;

		Part(Progress run, long from, long total) {
			this.run = run;
			this.from = from;
			this.total = total;
		}

		@Override
		public void progress(int done, int all) {
			run.blocks(from + done, total);
		}

		@Override
		public void blocks(long done, long all) {
			run.blocks(from + done, total);
		}

		@Override
		public boolean isCancelled() {
			return run.isCancelled();
		}
	}

	/**
	 * Writes each block as one chunk per feature map; a block whose chunks are all there is done. The values of the
	 * blocks, written or found, go into the channels' ranges (unless null).
	 */
	private static final class Sink implements BlockSink {
		private final ZarrArray array;
		private final BlockGrid grid;
		private final int t, firstChannel, z, kernels;
		private final ChannelRanges ranges;
		volatile long skipped;

		Sink(ZarrArray array, BlockGrid grid, int t, int firstChannel, int z, int kernels, ChannelRanges ranges) {
			this.array = array;
			this.grid = grid;
			this.t = t;
			this.firstChannel = firstChannel;
			this.z = z;
			this.kernels = kernels;
			this.ranges = ranges;
		}

		private int[] chunk(int index, int k) {
			return new int[] { t, firstChannel + k, z, index / grid.columns(), index % grid.columns() };
		}

		@Override
		public boolean has(int index) throws IOException {
			for (int k = 0; k < kernels; k++) if (!array.hasChunk(chunk(index, k))) return false;
			// written by an earlier run or task attempt: read back (for the ranges, the part inside the image), since
			// a damaged one (a crash of the machine can leave it empty) is computed and written again
			Region r = grid.region(index);
			for (int k = 0; k < kernels; k++) {
				float[] chunk;
				try {
					chunk = array.readChunk(chunk(index, k));
				}
				catch (UserException e) {
					return false;
				}
				if (ranges == null) continue;
				for (int y = 0; y < r.height(); y++) ranges.add(firstChannel + k, chunk, y * grid.blockWidth(), r.width());
			}
			synchronized (this) {
				skipped++;
			}
			return true;
		}

		@Override
		public void write(int index, Region region, List<Plane> maps) throws IOException {
			int bw = grid.blockWidth(), bh = grid.blockHeight();
			for (int k = 0; k < kernels; k++) {
				Plane p = maps.get(k);
				float[] chunk = p.width() == bw && p.height() == bh ? p.pixels() : new float[bw * bh];
				if (chunk != p.pixels()) {
					// an edge block: Zarr stores whole chunks, the part past the image's edge holds 0 (the fill value)
					for (int y = 0; y < p.height(); y++) System.arraycopy(p.pixels(), y * p.width(), chunk, y * bw, p.width());
				}
				array.writeChunk(chunk(index, k), chunk);
				if (ranges != null) ranges.add(firstChannel + k, p.pixels(), 0, p.width() * p.height());
			}
		}
	}
}
