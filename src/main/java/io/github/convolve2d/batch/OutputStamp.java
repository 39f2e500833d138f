package io.github.convolve2d.batch;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.TiffDecoder;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.image.FeatureMapFilter;
import io.github.convolve2d.image.Fingerprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;

/**
 * How a batch output records the settings it was made with, and what the batch makes of a file it finds at an
 * output's path. Each output TIFF carries the property {@value #PROPERTY}: a SHA-256 of the kernels (names, sizes,
 * exact values) and of the options that change the result (mode, border, cval under a constant border, stride,
 * dilation, flip, normalize — not the method or the thread count). A file is <em>ours</em> when it is a TIFF
 * holding that property, or the {@value #PROVENANCE} property every Convolve 2D result carries (the kernels, or a
 * CNN layer's weights, bias and activation, come from {@link FeatureMapFilter#fingerprint}); only then may
 * {@code --overwrite} replace it, and only when its stamp is this run's may a run skip it as done.
 */
public final class OutputStamp {

	/** The TIFF (ImageJ) property holding the stamp. */
	public static final String PROPERTY = "Convolve2D.settings";
	/**
	 * The TIFF property recording the version of the input an output was made from: its size and modification time
	 * ({@link #inputVersion}), as make and rsync tell a changed file.
	 */
	public static final String INPUT_PROPERTY = "Convolve2D.input";
	/**
	 * The TIFF property recording the input an output was made from: its absolute path. Another input whose output
	 * has the same name (an {@code x.tif} in another folder) does not take it for its own while that input is there
	 * ({@link Existing#OTHER_SOURCE}).
	 */
	public static final String SOURCE_PROPERTY = "Convolve2D.source";
	/** The human-readable record of kernels and options that every Convolve 2D result carries. */
	static final String PROVENANCE = "Convolve2D";

	/** What lies at an output's path before it is written. */
	public enum Existing {
		/** Nothing. */
		NONE,
		/** Our output, made with this run's settings. */
		SAME_SETTINGS,
		/**
		 * Our output, made with this run's settings from another version of its input (the input's size or
		 * modification time is not the one the output records): stale, made again without {@code --overwrite}.
		 */
		OTHER_INPUT,
		/** Our output, made with other settings (or by a version that did not record them). */
		OTHER_SETTINGS,
		/**
		 * Our output, made from another input, which is still there ({@link #SOURCE_PROPERTY}): that input's result,
		 * never taken for this one's; {@code --overwrite} replaces it.
		 */
		OTHER_SOURCE,
		/**
		 * Our output, but its pixel data end past the end of the file (cut short by a copy, a full disk elsewhere):
		 * never taken as done; {@code --overwrite} replaces it.
		 */
		CUT_SHORT,
		/** A file Convolve 2D did not write (or cannot be read as a TIFF): never replaced. */
		NOT_OURS,
		/** A folder. */
		FOLDER
	}

	private final String value;

	private OutputStamp(String value) {
		this.value = value;
	}

	/** The stamp of outputs made with these kernels and options. */
	public static OutputStamp of(List<Kernel> kernels, ConvolutionOptions o) {
		return of(FeatureMapFilter.bank(kernels, o), o);
	}

	/**
	 * The stamp of outputs made with this filter (a kernel bank or a CNN layer) and options; a filter without a
	 * {@link FeatureMapFilter#fingerprint} gives a stamp that matches no file.
	 */
	public static OutputStamp of(FeatureMapFilter filter, ConvolutionOptions o) {
		Fingerprint f = new Fingerprint().append("convolve2d-settings 1\n");
		if (!filter.fingerprint(f)) return new OutputStamp("unknown:" + UUID.randomUUID());
		f.append("mode ").append(o.mode().label()).append("\nborder ").append(o.border().label());
		if (o.border().label().equals("constant")) f.append("\ncval ").append(Double.doubleToLongBits(o.cval()));
		f.append("\nstride ").append(o.strideY()).append(',').append(o.strideX()).append("\ndilation ")
			.append(o.dilationY()).append(',').append(o.dilationX()).append("\nflip ").append(String.valueOf(o.flip()))
			.append("\nnormalize ").append(String.valueOf(o.normalize()));
		return new OutputStamp("sha256:" + f.hex());
	}

	/** The stamp's text, as stored in the TIFF. */
	public String value() {
		return value;
	}

	/**
	 * Marks an output image of {@code item}'s input with this stamp, the input's version and what names the input
	 * ({@link BatchItem#source}), before it is written.
	 */
	public void mark(ImagePlus output, BatchItem item) {
		output.setProp(PROPERTY, value);
		String version = inputVersion(item.input());
		if (version != null) output.setProp(INPUT_PROPERTY, version);
		output.setProp(SOURCE_PROPERTY, item.source());
	}

	/**
	 * Whether {@code recorded}, what names the input an output records, names another input than {@code input}
	 * (named {@code source}, {@link BatchItem#source}) that is still there: neither the same name nor a path leading
	 * to the same file. An input moved or renamed since (nothing at the recorded path) is not another one.
	 */
	static boolean otherSource(String recorded, Path input, String source) {
		if (recorded == null || recorded.equals(source)) return false;
		try {
			Path was = Paths.get(recorded);
			return Files.exists(was) && !Files.isSameFile(was, input);
		}
		catch (IOException | java.nio.file.InvalidPathException e) {
			return false;
		}
	}

	/** The failure of an item whose output at {@code output} was made from {@code source}, another input still there. */
	static String otherSourceMessage(Path output, String source) {
		return "its output " + output + " was made from another input, " + source + ", which is still there; "
			+ "--overwrite replaces it, or choose another --output or --suffix";
	}

	/**
	 * The version of {@code input} an output records: its size and modification time, such as {@code 1048576 bytes,
	 * modified 2026-12-03T14:02:11.250Z}; null when they cannot be read.
	 */
	static String inputVersion(Path input) {
		try {
			return Files.size(input) + " bytes, modified " + java.time.Instant.ofEpochMilli(
				Files.getLastModifiedTime(input).toMillis());
		}
		catch (IOException e) {
			return null;
		}
	}

	/**
	 * What lies at {@code file}, the output of {@code item}'s input: as {@link #inspect(Path)}, {@link
	 * Existing#OTHER_SOURCE} for an output with this run's settings made from another input still there, and {@link
	 * Existing#OTHER_INPUT} for one that records another version of the input (one that records none, from an
	 * earlier version of Convolve 2D, is taken as made from this one).
	 */
	public Existing inspect(Path file, BatchItem item) {
		String[] recorded = new String[2];
		Existing e = inspect(file, recorded);
		if (e == Existing.SAME_SETTINGS && otherSource(recorded[1], item.input(), item.source())) return Existing.OTHER_SOURCE;
		if (e != Existing.SAME_SETTINGS || recorded[0] == null) return e;
		String now = inputVersion(item.input());
		return now == null || now.equals(recorded[0]) ? e : Existing.OTHER_INPUT;
	}

	/** The input an output of ours at {@code file} records having been made from ({@link #SOURCE_PROPERTY}), or null. */
	public String source(Path file) {
		String[] recorded = new String[2];
		inspect(file, recorded);
		return recorded[1];
	}

	/**
	 * What lies at {@code file}: nothing, a folder, our output (with this run's settings or others), or a file
	 * that is not ours. Reads at most the TIFF's header, after {@link TiffStructure} checked it.
	 */
	public Existing inspect(Path file) {
		return inspect(file, new String[2]);
	}

	/**
	 * {@link #inspect(Path)}, putting the input version the file records (or null) into {@code input[0]}, and the
	 * input's path it records (or null) into {@code input[1]}.
	 */
	private Existing inspect(Path file, String[] input) {
		if (Files.isSymbolicLink(file)) return Existing.NOT_OURS; // the batch never writes links
		if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return Existing.NONE;
		if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) return Existing.FOLDER;
		String stamp = null;
		boolean provenance = false, cutShort = false;
		try {
			if (ImageFormat.of(file) != ImageFormat.TIFF) return Existing.NOT_OURS;
			TiffStructure.check(file);
			Path dir = file.toAbsolutePath().getParent();
			FileInfo[] info = new TiffDecoder(dir + java.io.File.separator, file.getFileName().toString())
				.getTiffInfo();
			String[] props = info == null || info.length == 0 ? null : info[0].properties;
			for (int i = 0; props != null && i + 1 < props.length; i += 2) {
				if (PROPERTY.equals(props[i])) stamp = props[i + 1];
				if (PROVENANCE.equals(props[i])) provenance = true;
				if (INPUT_PROPERTY.equals(props[i])) input[0] = props[i + 1];
				if (SOURCE_PROPERTY.equals(props[i])) input[1] = props[i + 1];
			}
			long size = Files.size(file);
			for (int i = 0; info != null && i < info.length; i++) {
				cutShort |= ImageHeader.dataEnd(info[i], info.length == 1 ? Math.max(1, info[i].nImages) : 1) > size;
			}
		}
		catch (UnreadableImageException | IOException | RuntimeException e) {
			return Existing.NOT_OURS;
		}
		if (cutShort && (stamp != null || provenance)) return Existing.CUT_SHORT;
		if (stamp != null) return stamp.equals(value) ? Existing.SAME_SETTINGS : Existing.OTHER_SETTINGS;
		return provenance ? Existing.OTHER_SETTINGS : Existing.NOT_OURS;
	}
}
