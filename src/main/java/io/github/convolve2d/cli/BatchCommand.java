package io.github.convolve2d.cli;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.batch.BlockwiseJob;
import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.ZarrFormat;
import io.github.convolve2d.image.AtomicTiffWriter;
import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchListener;
import io.github.convolve2d.batch.BatchPlan;
import io.github.convolve2d.batch.BatchRunner;
import io.github.convolve2d.batch.BatchSummary;
import io.github.convolve2d.image.ConsoleCapture;
import io.github.convolve2d.batch.Decision;
import io.github.convolve2d.batch.InputScanner;
import io.github.convolve2d.io.IoMessages;
import io.github.convolve2d.batch.MemoryBudget;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.ConvolutionLayer;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.image.FeatureMapFilter;
import io.github.convolve2d.kernel.LayerFiles;
import io.github.convolve2d.kernel.KernelFiles;
import io.github.convolve2d.kernel.KernelParser;
import io.github.convolve2d.kernel.Presets;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code batch}: convolves image files and folders with a kernel or a kernel bank and writes one 32-bit TIFF
 * of feature maps per input into an output folder, read and written with ImageJ's own I/O. Inputs are never
 * modified; each output appears whole or not at all; a bad file is reported and the others go on. Exit 0 when
 * all went well (existing outputs made with the same settings skipped count as well), 1 when some file failed or
 * the run was interrupted ({@link Interruption}), 2 for usage errors.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
	description = { "Convolves image files (TIFF incl. 16/32-bit and stacks, PNG, JPEG, GIF, BMP) with a kernel or a "
		+ "kernel bank and writes one 32-bit TIFF of feature maps per input into the output folder.",
		"Sub-folders are mirrored; stacks, channels (RGB -> 3 channels), calibration and slice labels are kept; "
			+ "a bank gives one channel per kernel (input channel c, kernel k -> channel c*K+k), labelled with "
			+ "the kernel's name.",
		"Inputs are never modified; an existing output made with the same settings is skipped (rerun to continue "
			+ "an interrupted run), one made with other settings fails unless --overwrite, and a file Convolve 2D did "
			+ "not write is never replaced; each output is written to a temporary file and renamed into place.",
		"Images larger than memory: OME-Zarr folders (*.zarr: NGFF 0.4 on Zarr v2 or 0.5 on Zarr v3, sharded or not; "
			+ "raw, zlib, gzip, blosc, zstd or lz4 chunks) and TIFF/BigTIFF files with --format zarr are convolved "
			+ "block by block into OME-Zarr images (<name>.ome.zarr, channel c*K+k; NGFF 0.4 on Zarr v2 or 0.5 on Zarr "
			+ "v3, see --zarr-format); each block is written atomically and "
			+ "a rerun resumes an interrupted one, skipping finished blocks.",
		"Exit codes: 0 all done, 1 some files failed (reasons on stderr) or the run was interrupted (Ctrl-C, "
			+ "SIGTERM; the summary is printed), 2 usage error." },
	footer = { "", "Example: batch -i sample-images -o out --preset sobel-x --preset sobel-y --mode same --border reflect" })
public final class BatchCommand implements Callable<Integer> {

	/** The default --block (BlockwiseJob's). */
	static final int BLOCK = 1024;

	@Option(names = { "-i", "--input" }, required = true, arity = "1..*", paramLabel = "FILE|DIR",
		description = "Image files and/or folders to convolve (repeatable).")
	private List<Path> inputs = new ArrayList<>();

	@Option(names = { "-r", "--recursive" }, description = "Also read the sub-folders of input folders.")
	private boolean recursive;

	@Option(names = "--include", paramLabel = "GLOB",
		description = "Only files in input folders that match (repeatable; *.tif matches names, raw/**/*.tif paths "
			+ "below the folder). Default: the image extensions tif, tiff, png, jpg, jpeg, gif, bmp.")
	private List<String> includes = new ArrayList<>();

	@Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out files that match (repeatable).")
	private List<String> excludes = new ArrayList<>();

	@Option(names = { "-o", "--output" }, required = true, paramLabel = "DIR",
		description = "Output folder (created when missing); must not be an input folder unless --suffix is given.")
	private Path output;

	@Option(names = "--suffix", paramLabel = "TEXT", defaultValue = "",
		description = "Appended to each output's name (a.png -> a<TEXT>.tif). Default: none.")
	private String suffix;

	@ArgGroup(exclusive = true, multiplicity = "0..*",
		heading = "Kernels (one or more, in order; several make a bank, one feature map each):%n")
	private List<KernelSource> kernelSources = new ArrayList<>();

	@Option(names = "--weights", paramLabel = "FILE",
		description = { "Instead of kernels, a CNN convolution layer: weights of shape O×C/groups×kh×kw (PyTorch's "
			+ "Conv2d.weight) in a .npy (float32/float64) or .json file. The image's channels are the layer's input "
			+ "(RGB: 3), each output is the sum over its group's channels; O feature maps labelled feature 1..O, or "
			+ "the lines of FILE.names.txt when it exists." })
	private Path weights;

	@Option(names = "--bias", paramLabel = "FILE", description = "With --weights: the bias, O values (.npy or .json); replaces a .json weights file's own.")
	private Path bias;

	@Option(names = "--groups", paramLabel = "G",
		description = "With --weights: channel groups (default: a .json weights file's own, else 1; C for a depthwise "
			+ "layer).")
	private Integer groups;

	@Option(names = "--relu", description = "With --weights: ReLU after the bias, max(0, x).")
	private boolean relu;

	@Option(names = "--mode", paramLabel = "MODE", defaultValue = "valid",
		description = "Output size: valid (default), same, full.")
	private String mode;

	@Option(names = "--border", paramLabel = "BORDER", defaultValue = "constant",
		description = "Pixels outside the image: constant (default, --cval), replicate, reflect, mirror, wrap.")
	private String border;

	@Option(names = "--cval", paramLabel = "VALUE", defaultValue = "0",
		description = "Value outside the image with --border constant (default 0).")
	private double cval;

	@Option(names = "--stride", paramLabel = "N|SY,SX", defaultValue = "1", description = "Stride (default 1).")
	private String stride;

	@Option(names = "--dilation", paramLabel = "N|DY,DX", defaultValue = "1", description = "Dilation (default 1).")
	private String dilation;

	@Option(names = "--flip", description = "True convolution: rotate the kernel by 180°.")
	private boolean flip;

	@Option(names = "--normalize", description = "Divide the kernel by its sum (unless the sum is 0).")
	private boolean normalize;

	@Option(names = "--method", paramLabel = "METHOD", defaultValue = "auto",
		description = "Algorithm: auto (default), or direct, separable or fft to force a path (for tests and "
			+ "benchmarks).")
	private String method;

	@Option(names = "--threads", paramLabel = "N",
		description = "Threads in all: files in parallel, and inside planes of a megapixel or more (default: all "
			+ "cores).")
	private Integer threads;

	@Option(names = "--overwrite", description = "Replace existing outputs that Convolve 2D wrote, whatever their "
		+ "settings (default: skip those made with the same settings, fail on the others). A file Convolve 2D did "
		+ "not write is never replaced.")
	private boolean overwrite;

	@Option(names = "--format", paramLabel = "tiff|zarr", defaultValue = "tiff",
		description = "Output format: tiff (default; one 32-bit TIFF per image, read and computed in memory) or zarr "
			+ "(an OME-Zarr image per input, computed block by block: for images larger than memory). Zarr inputs "
			+ "always give Zarr outputs.")
	private String format;

	@Option(names = "--block", paramLabel = "N", defaultValue = "" + BLOCK,
		description = "Zarr outputs: blocks (and chunks) of N×N output pixels (default " + BLOCK + "). Memory is about "
			+ "threads × (3 + kernels) × 4·N² bytes plus a cache of input chunks (1/8 of the heap, at most 256 MB), "
			+ "whatever the image's size.")
	private int block;

	@Option(names = "--zarr-compression", paramLabel = "raw|blosc|zlib|gzip", defaultValue = "raw",
		description = "Zarr outputs: chunk compression (default raw, the fastest; blosc, zarr-python's default (LZ4 with "
			+ "byte shuffle), is about as fast and smaller; zlib and gzip save the most space on smooth images and take "
			+ "longest).")
	private String zarrCompression;

	@Option(names = "--zarr-format", paramLabel = "2|3",
		description = "Zarr outputs: 2 writes NGFF 0.4 on Zarr v2, which every OME-Zarr reader reads; 3 writes NGFF "
			+ "0.5 on Zarr v3 (zarr.json files), for zarr-python 3 and other Zarr v3 readers; 0.4 and 0.5 are taken "
			+ "too. Default: an OME-Zarr input's own format (v3 in, v3 out), 2 for TIFF inputs; an existing output is "
			+ "skipped or resumed in its own. Zarr v3 has no zlib: use --zarr-compression gzip.")
	private String zarrVersion;

	@Option(names = "--zarr-pyramid",
		description = "Zarr outputs: add lower-resolution levels (each halving y and x, each pixel the mean of 2×2) "
			+ "until one chunk holds a plane, for viewers that show a large result zoomed out (napari, BigDataViewer).")
	private boolean zarrPyramid;

	/** The layer of --weights once read ({@link #layer()}). */
	private LayerWeights layer;
	/** The kernels, read once: a kernel file may be a pipe ({@code --kernel-file <(...)}) that a second read finds empty. */
	private List<Kernel> kernels;

	@Option(names = "--dry-run", description = "List what would be done; read only the images' headers, write "
		+ "nothing.")
	private boolean dryRun;

	@Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
		description = "Progress on stderr: auto (a bar on a terminal, lines otherwise), bar, lines, none.")
	private String progress;

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	/** One --preset, --kernel or --kernel-file, kept in command-line order. */
	static final class KernelSource {
		@Option(names = "--preset", required = true, paramLabel = "NAME",
			description = "A preset by id or label: sobel-x, 'Sobel X', gaussian:2.5 (see the kernels command).")
		String preset;

		@Option(names = "--kernel", required = true, paramLabel = "TEXT",
			description = "Kernel values, rows separated by ';' or newlines: '-1 0 1; -2 0 2; -1 0 1'.")
		String text;

		@Option(names = "--kernel-file", required = true, paramLabel = "PATH",
			description = "A kernel text file in ImageJ's format (rows on lines).")
		Path file;
	}

	/**
	 * What {@code batch ARGS} asks for, parsed and checked as {@code batch} does (kernels or layer, options), for
	 * front ends that run the same job elsewhere: the Spark job takes exactly batch's options. Inputs and output
	 * are kept as typed, since there they may be URIs ({@code hdfs://...}).
	 */
	public static final class Settings {
		public final List<String> inputs;
		public final String output;
		public final String suffix;
		/** The kernels, or the CNN layer of {@code --weights}. */
		public final FeatureMapFilter filter;
		public final ConvolutionOptions options;
		/** {@code --threads}, or null when not given. */
		public final Integer threads;
		public final boolean overwrite, dryRun, help;
		/** {@code -V}/{@code --version} without {@code --help}: {@link #usage} is then the version line. */
		public final boolean version;
		/** What {@code --help} prints, or the version line ({@link #version}). */
		public final String usage;
		/** {@code --format zarr}: every input becomes an OME-Zarr image (Zarr inputs always do). */
		public final boolean zarr;
		/**
		 * The kernels (null with {@code --weights}), {@code --block}, {@code --zarr-compression},
		 * {@code --zarr-pyramid} and {@code --zarr-format} (null: each input's own, {@link BatchRunner#zarrFormat}):
		 * Zarr outputs.
		 */
		public final List<Kernel> kernels;
		/** With {@code --weights}: the layer, its activation and name (null with kernels). */
		public final LayerWeights layer;
		public final Activation activation;
		public final String layerName;
		public final int block;
		public final Compressor compressor;
		public final boolean pyramid;
		public final ZarrFormat zarrFormat;
		private final BatchCommand command;

		private Settings(BatchCommand c, CommandLine.ParseResult r, boolean help, FeatureMapFilter filter,
			ConvolutionOptions options)
		{
			command = c;
			this.help = help;
			version = r.isVersionHelpRequested() && !r.isUsageHelpRequested();
			usage = version ? Main.VERSION : c.spec.commandLine().getUsageMessage();
			inputs = help ? List.of() : r.matchedOption("--input").stringValues();
			output = help ? null : r.matchedOption("--output").stringValues().get(0);
			suffix = c.suffix;
			this.filter = filter;
			this.options = options;
			if (!help && c.threads != null) c.threadCount();
			threads = c.threads;
			overwrite = c.overwrite;
			dryRun = c.dryRun;
			zarr = !help && c.zarrFormat();
			kernels = help || c.weights != null ? null : c.kernels();
			layer = help || c.weights == null ? null : c.layer();
			activation = c.activation();
			layerName = help || c.weights == null ? null : c.layerName();
			block = c.block;
			compressor = help ? null : c.compressor();
			pyramid = c.zarrPyramid;
			zarrFormat = help ? null : c.outputFormat();
		}

		/**
		 * The notes batch prints before a run on options it does not use (OME-Zarr options when every output is a
		 * TIFF: {@code zarrOutputs} false; {@code --cval} without a constant border).
		 */
		public List<String> notes(boolean zarrOutputs) {
			return command.notes(zarrOutputs);
		}

		/** Whether the option {@code name} (such as {@code --progress}) was given. */
		public boolean given(String name) {
			return command.spec.commandLine().getParseResult().hasMatchedOption(name);
		}

		/** Batch's usage error for inputs that hold no image file (what was searched for, and how to widen it). */
		public String noImageFiles() {
			return command.noImageFiles();
		}

		/** The folder scanner of {@code --recursive}, {@code --include}, {@code --exclude}. */
		public InputScanner scanner() {
			return new InputScanner(command.recursive, command.includes, command.excludes);
		}
	}

	/**
	 * Parses and checks batch's arguments without running anything.
	 *
	 * @throws CommandLine.ParameterException for a usage error, with the message batch gives
	 */
	public static Settings settings(String... args) {
		BatchCommand c = new BatchCommand();
		CommandLine cl = new CommandLine(c);
		CommandLine.ParseResult r;
		try {
			r = cl.parseArgs(args);
		}
		catch (CommandLine.ParameterException e) {
			throw new CommandLine.ParameterException(cl, UsageErrors.message(e, args), e); // as the command line words it
		}
		boolean help = r.isUsageHelpRequested() || r.isVersionHelpRequested();
		if (help) return new Settings(c, r, true, null, null);
		c.checkArguments();
		ConvolutionOptions options = c.options();
		try {
			return new Settings(c, r, false, c.filter(options), options);
		}
		catch (UserException e) {
			throw c.usage(e.getMessage());
		}
	}

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		PrintWriter err = spec.commandLine().getErr();
		checkArguments();
		ConvolutionOptions options = options();
		FeatureMapFilter filter;
		InputScanner scanner;
		BatchPlan plan;
		try {
			filter = filter(options);
			scanner = new InputScanner(recursive, includes, excludes);
			plan = BatchPlan.of(inputs, scanner, output, suffix, zarrFormat());
		}
		catch (UserException e) {
			throw usage(e.getMessage());
		}
		catch (IOException e) {
			throw usage("cannot list the inputs: " + e.getMessage());
		}
		if (plan.items().isEmpty()) throw usage(noImageFiles());
		if (dryRun) {
			checkWritableWithoutWriting(plan.outputFolder());
			return dryRun(plan, runner(filter, options, new AtomicTiffWriter(), BatchListener.NONE), out);
		}
		checkWritable(plan.outputFolder());

		ConsoleProgress console = new ConsoleProgress(err, style());
		for (String note : notes(zarrOutputs(plan))) console.notice(note);
		BatchSummary summary;
		AtomicTiffWriter writer = new AtomicTiffWriter();
		BatchRunner runner = runner(filter, options, writer, console);
		Interruption interruption = Interruption.install(runner, writer, err);
		try {
			try (ConsoleCapture capture = ConsoleCapture.install()) {
				summary = runner.run(plan.items());
			}
			finally {
				console.close();
			}
			int total = summary.total();
			out.printf(Locale.ROOT, "%s: %d written, %d skipped (output exists), %d failed%s of %d files in %.1f s "
				+ "(%.1f files/s); output folder %s%n", summary.interrupted() ? "interrupted" : "done",
				summary.written(), summary.skipped(), summary.failed(), summary.interrupted() ? ", "
					+ summary.notDone() + " not done" : "", total, summary.seconds(),
				summary.seconds() > 0 ? (total - summary.notDone()) / summary.seconds() : 0.0,
				console.display(plan.outputFolder()));
			out.flush();
			int code = summary.failed() > 0 || summary.interrupted() ? 1 : 0;
			interruption.reported(code);
			return code;
		}
		finally {
			interruption.remove();
		}
	}

	/** The usage error of inputs holding no image file, saying what was searched for. */
	private String noImageFiles() {
		return "no image files found in the inputs" + (includes.isEmpty()
			? " (folders are searched for .tif, .tiff, .png, .jpg, .jpeg, .gif, .bmp and .zarr)"
			: " matching --include " + includes) + (excludes.isEmpty() ? "" : " and not left out by --exclude "
			+ excludes) + (recursive ? "" : "; add --recursive to search sub-folders");
	}

	/** Whether some output of the plan is (or, for a Zarr input that fails, would have been) an OME-Zarr image. */
	private static boolean zarrOutputs(BatchPlan plan) {
		for (BatchItem item : plan.items()) {
			// a Zarr input (a folder) that fails, having no Zarr metadata or metadata not read, would have had a Zarr output too
			if (item.output().getFileName().toString().endsWith(BatchPlan.ZARR)
				|| java.nio.file.Files.isDirectory(item.input()))
			{
				return true;
			}
		}
		return false;
	}

	/**
	 * Notes on options given that this run does not use: the OME-Zarr options when every output is a TIFF,
	 * {@code --format tiff} for OME-Zarr inputs, {@code --cval} with another border than constant. Printed before the
	 * run (the Spark job prints them too).
	 */
	private List<String> notes(boolean zarrOutputs) {
		List<String> notes = new ArrayList<>();
		List<String> given = new ArrayList<>();
		CommandLine.ParseResult r = spec.commandLine().getParseResult();
		for (String name : new String[] { "--block", "--zarr-compression", "--zarr-pyramid", "--zarr-format" }) {
			if (r.hasMatchedOption(name)) given.add(name);
		}
		if (!given.isEmpty() && !zarrFormat() && !zarrOutputs) {
			notes.add("note: " + String.join(", ", given) + (given.size() == 1 ? " applies" : " apply") + " to OME-Zarr "
				+ "outputs only (--format zarr, or .zarr inputs); every output of this run is a TIFF");
		}
		if (r.hasMatchedOption("--format") && !zarrFormat() && zarrOutputs) {
			notes.add("note: --format tiff applies to the other images; an OME-Zarr input always gives an OME-Zarr "
				+ "output (<name><suffix>.ome.zarr), computed block by block");
		}
		Border border = options().border();
		if (r.hasMatchedOption("--cval") && border != Border.CONSTANT) {
			notes.add("note: --cval applies to --border constant only; with --border " + border.label() + " it is not used");
		}
		return notes;
	}

	/**
	 * Lists what a run would do with each file, decided by the run's own code ({@link BatchRunner#judge}), so that a
	 * skip or failure is listed with the run's reason: reading only the images' headers (size, type, planes: whether
	 * it can be read, whether the kernels fit it, whether it fits the memory) and what is at the outputs' paths, and
	 * writing nothing.
	 */
	private int dryRun(BatchPlan plan, BatchRunner judge, PrintWriter out) {
		ConsoleProgress names = new ConsoleProgress(out, ConsoleProgress.Style.NONE);
		Decision.Tally tally = new Decision.Tally();
		for (BatchItem item : plan.items()) {
			Decision d = judge.judge(item);
			tally.add(d);
			out.println(Excerpt.line(d.line(names.display(item.input()), names.display(item.output()))));
		}
		out.println(tally.summary());
		out.flush();
		return tally.failing() > 0 ? 1 : 0; // as the run would end
	}

	/**
	 * The options that {@link #call} reads only as it needs them, checked before anything is listed, read or
	 * written, so that a dry run refuses what the run would refuse.
	 */
	private void checkArguments() {
		for (Path in : inputs) {
			if (in.toString().isEmpty()) {
				throw usage("--input is an empty name (an unset shell variable?); name a file or folder ('.' for the "
					+ "current folder)");
			}
		}
		if (output.toString().isEmpty()) {
			throw usage("--output is an empty name (an unset shell variable?); name a folder ('.' for the current "
				+ "folder)");
		}
		if (block < 1) throw usage("--block must be at least 1, got " + block);
		style();
		compressor();
		zarrFormat();
		outputFormat();
		try {
			new InputScanner(recursive, includes, excludes);
		}
		catch (UserException e) {
			throw usage(e.getMessage());
		}
	}

	/** What {@link #checkWritable} refuses, judged from permissions alone (a dry run creates nothing). */
	private void checkWritableWithoutWriting(Path folder) {
		String why = BatchPlan.whyNotWritable(folder);
		if (why != null) throw usage("cannot write into the output folder '" + output + "': " + why);
	}

	/** The runner of these options, the same for a run and a dry run: TIFF outputs, and OME-Zarr outputs by blocks. */
	private BatchRunner runner(FeatureMapFilter filter, ConvolutionOptions options, AtomicTiffWriter writer,
		BatchListener listener)
	{
		BatchRunner runner = new BatchRunner(filter, options, writer, threadCount(), MemoryBudget.ofHeap(), overwrite,
			listener);
		if (weights == null) runner.blocks(kernels(), block, compressor(), zarrPyramid);
		else runner.layerBlocks(layer(), activation(), layerName(), block, compressor(), zarrPyramid);
		return runner.zarrFormat(outputFormat());
	}

	private void checkWritable(Path folder) {
		try {
			Files.createDirectories(folder);
			Path probe = AtomicTiffWriter.createTemporary(folder);
			Files.delete(probe);
		}
		catch (IOException e) {
			String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
				: e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way" : IoMessages.describe(e);
			throw usage("cannot write into the output folder '" + output + "': " + reason);
		}
	}

	/** The kernels given, or the layer of --weights; exactly one of the two. */
	private boolean zarrFormat() {
		switch (format.toLowerCase(Locale.ROOT)) {
			case "tiff":
			case "tif":
				return false;
			case "zarr":
			case "ome-zarr":
				if (block < 1) throw usage("--block must be at least 1, got " + block);
				return true;
			default:
				throw usage("--format '" + format + "' is not one of tiff, zarr");
		}
	}

	private Compressor compressor() {
		switch (zarrCompression.toLowerCase(Locale.ROOT)) {
			case "raw":
			case "none":
				return Compressor.RAW;
			case "zlib":
				return Compressor.zlib(1);
			case "blosc":
				return Compressor.blosc();
			case "gzip":
				return Compressor.gzip(1);
			default:
				throw usage("--zarr-compression '" + zarrCompression + "' is not one of raw, blosc, zlib, gzip");
		}
	}

	/**
	 * The OME-Zarr outputs' format of {@code --zarr-format}, null when not given (each input's own).
	 *
	 * @throws CommandLine.ParameterException for another value, or Zarr v3 with zlib chunks
	 */
	private ZarrFormat outputFormat() {
		if (zarrVersion == null) return null;
		ZarrFormat f;
		switch (zarrVersion.trim()) {
			case "2":
			case "0.4":
				f = ZarrFormat.V2;
				break;
			case "3":
			case "0.5":
				f = ZarrFormat.V3;
				break;
			default:
				throw usage("--zarr-format '" + zarrVersion + "' is not 2 (NGFF 0.4 on Zarr v2) or 3 (NGFF 0.5 on Zarr "
					+ "v3)");
		}
		try {
			BlockwiseJob.checkFormat(f, compressor());
		}
		catch (UserException e) {
			throw usage(e.getMessage());
		}
		return f;
	}

	private FeatureMapFilter filter(ConvolutionOptions options) {
		if (weights == null) {
			if (bias != null || groups != null || relu) throw usage("--bias, --groups and --relu go with --weights");
			if (kernelSources.isEmpty()) {
				throw usage("no kernel given; give --preset, --kernel or --kernel-file (or --weights for a CNN layer)");
			}
			return FeatureMapFilter.bank(kernels(), options);
		}
		if (!kernelSources.isEmpty()) throw usage("give kernels or --weights, not both");
		if (groups != null && groups < 1) { // else the weights file would be named as the culprit
			throw usage("--groups must be at least 1, got " + groups + " (1: every output reads every channel; C for a "
				+ "depthwise layer)");
		}
		ConvolutionLayer.checkMethod(options);
		return FeatureMapFilter.layer(layer(), activation(), layerName());
	}

	/** The layer of --weights (with --bias and --groups), read once. */
	private LayerWeights layer() {
		if (layer == null) layer = LayerFiles.read(weights, bias, groups);
		return layer;
	}

	private Activation activation() {
		return relu ? Activation.RELU : Activation.NONE;
	}

	/** The layer's name: its weights file's, without the extension. */
	private String layerName() {
		return weights.getFileName().toString().replaceFirst("\\.(npy|json)$", "");
	}

	private List<Kernel> kernels() {
		if (kernels == null) kernels = readKernels();
		return kernels;
	}

	private List<Kernel> readKernels() {
		List<Kernel> kernels = new ArrayList<>();
		int texts = 0;
		for (KernelSource s : kernelSources) if (s.text != null) texts++;
		int n = 0;
		for (KernelSource s : kernelSources) {
			try {
				if (s.preset != null) kernels.add(Presets.resolve(s.preset));
				else if (s.file != null) kernels.add(KernelFiles.read(s.file));
				else kernels.add(KernelParser.parse(s.text, texts > 1 ? "kernel " + ++n : "kernel"));
			}
			catch (UserException e) {
				throw usage((s.text != null ? "--kernel '" + Excerpt.of(s.text) + "': " : "") + e.getMessage());
			}
		}
		return kernels;
	}

	private ConvolutionOptions options() {
		try {
			return ConvolutionOptions.builder().mode(mode).border(border).cval(cval).stride(stride).dilation(dilation)
				.flip(flip).normalize(normalize).method(method).threads(threadCount()).build();
		}
		catch (UserException e) {
			throw usage(e.getMessage());
		}
	}

	private int threadCount() {
		int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
		if (n < 1) throw usage("--threads must be at least 1, got " + n);
		return n;
	}

	private ConsoleProgress.Style style() {
		switch (progress.toLowerCase(Locale.ROOT)) {
			case "auto":
				return System.console() != null ? ConsoleProgress.Style.BAR : ConsoleProgress.Style.LINES;
			case "bar":
				return ConsoleProgress.Style.BAR;
			case "lines":
				return ConsoleProgress.Style.LINES;
			case "none":
				return ConsoleProgress.Style.NONE;
			default:
				throw usage("--progress '" + progress + "' is not one of auto, bar, lines, none");
		}
	}

	private CommandLine.ParameterException usage(String message) {
		return new CommandLine.ParameterException(spec.commandLine(), message);
	}
}
