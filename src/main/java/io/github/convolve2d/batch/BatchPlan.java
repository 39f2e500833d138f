package io.github.convolve2d.batch;

import io.github.convolve2d.core.UserException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Which input goes to which output, decided before any image is read, with the rules that keep inputs safe:
 * <ul>
 * <li>an output is {@code OUTPUT/<path below the input folder>/<name without extension><suffix>.tif}: sub-folders
 * are mirrored, a file given by name goes straight into the output folder;</li>
 * <li>the output folder may not be a folder the batch reads (an input folder, the folder of an input file),
 * nor lie inside an input folder read recursively — unless a {@code --suffix} marks the outputs, which are then
 * never read as inputs (files in the output folder whose names end in {@code <suffix>.tif} are skipped);</li>
 * <li>an output never replaces its own input; two inputs that map to one output (a.png and a.tif) are not both
 * written: the second is reported as failed, with the reason.</li>
 * </ul>
 */
public final class BatchPlan {

	/** The name ending of an OME-Zarr output. */
	public static final String ZARR = ".ome.zarr";

	private final Path outputFolder;
	private final List<BatchItem> items;

	private BatchPlan(Path outputFolder, List<BatchItem> items) {
		this.outputFolder = outputFolder;
		this.items = items;
	}

	/**
	 * Why a run could not write into {@code folder}, judged without writing anything (for a dry run): the nearest
	 * existing folder on its path is a file, or may not be written; null when it can be made or written into.
	 */
	public static String whyNotWritable(Path folder) {
		Path existing = folder.toAbsolutePath();
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) return null;
		if (!Files.isDirectory(existing)) return "a file is in the way (" + existing + ")";
		if (!Files.isWritable(existing)) return "permission denied";
		return null;
	}

	/**
	 * Plans a batch.
	 *
	 * @throws UserException for a usage error: an input that does not exist, an output folder that
	 *         is a file or would be read as input, a suffix with a path separator
	 * @throws IOException when an input folder cannot be listed
	 */
	public static BatchPlan of(List<Path> inputs, InputScanner scanner, Path output, String suffix) throws IOException {
		return of(inputs, scanner, output, suffix, false);
	}

	/**
	 * Plans a batch whose outputs are OME-Zarr images ({@code <name><suffix>.ome.zarr}) when {@code zarr}; a Zarr
	 * input always gives a Zarr output.
	 *
	 * @throws UserException as {@link #of(List, InputScanner, Path, String)}
	 * @throws IOException when an input folder cannot be listed
	 */
	public static BatchPlan of(List<Path> inputs, InputScanner scanner, Path output, String suffix, boolean zarr)
		throws IOException
	{
		if (inputs.isEmpty()) throw new UserException("no input given; give files or folders with --input");
		String sfx = suffix == null ? "" : suffix;
		checkSuffix(sfx);
		Path out = output.toAbsolutePath().normalize();
		if (Files.exists(out) && !Files.isDirectory(out)) {
			throw new UserException("--output '" + output + "' is a file; give a folder (it is created "
				+ "when missing)");
		}
		Path outReal = real(out);
		for (Path input : inputs) {
			Path in = input.toAbsolutePath().normalize();
			if (!Files.exists(in)) throw missingInput(input, in);
			boolean zarrImage = InputScanner.isZarrFolder(in);
			if (zarrImage) {
				checkOutsideZarr(outReal, in, output, input);
				// an array or image inside a store (a.ome.zarr/0, data.zarr/A/1): the store holding it is read too
				for (Path store = in.getParent(); store != null && InputScanner.isZarrFolder(store);
					store = store.getParent())
				{
					checkOutsideZarr(outReal, store, output, input);
				}
			}
			boolean folder = Files.isDirectory(in) && !zarrImage;
			Path read = real(folder ? in : in.getParent());
			checkOutputFolder(outReal, read, folder && scanner.recursive(), sfx, output, input);
		}
		List<InputScanner.Found> found = scanner.scan(inputs, file -> !sfx.isEmpty() && startsWithReal(file, outReal)
			&& isOutputName(file.getFileName().toString(), sfx));
		for (InputScanner.Found f : found) {
			// a Zarr image found in an input folder is read as one named: never written into
			if (f.problem() == null && InputScanner.isZarrFolder(f.file())) {
				checkOutsideZarr(outReal, f.file(), output, f.file());
			}
		}
		List<BatchItem> items = assign(found, out, sfx, BatchPlan::real, zarr);
		return new BatchPlan(out, items);
	}

	/**
	 * @throws UserException when the output folder is the Zarr image {@code zarr} (an input, or the store that holds
	 *         one) or lies inside it
	 */
	private static void checkOutsideZarr(Path outReal, Path zarr, Path output, Path input) {
		Path zarrReal = real(zarr.toAbsolutePath().normalize());
		if (outReal.startsWith(zarrReal)) {
			boolean holds = !zarr.equals(input.toAbsolutePath().normalize());
			throw new UserException("the output folder '" + output + "' is " + (outReal.equals(zarrReal) ? ""
				: "inside ") + (holds ? "'" + zarr + "', the Zarr store that holds input '" + input + "'" : "input '"
				+ input + "'") + ", an OME-Zarr image: outputs would be written into it; choose an output folder outside "
				+ "it");
		}
	}

	/**
	 * The usage error for an input that {@link Files#exists} denies: it may be missing, but also a link to nothing
	 * or behind a folder this user may not enter, and "does not exist" would send the user looking for a typo.
	 */
	static UserException missingInput(Path input, Path in) {
		String why = "does not exist";
		if (Files.isSymbolicLink(in)) {
			why = "is a link to nothing (its target does not exist, or the link leads back to itself)";
		}
		else {
			try {
				Files.readAttributes(in, BasicFileAttributes.class);
			}
			catch (AccessDeniedException e) {
				why = "cannot be reached: permission denied (a folder on its path may not be entered)";
			}
			catch (IOException e) {
				// missing indeed
			}
		}
		return new UserException("input '" + input + "' " + why);
	}

	/** @throws UserException when the suffix holds a path separator */
	public static void checkSuffix(String sfx) {
		if (sfx.contains("/") || sfx.contains("\\") || sfx.contains(java.io.File.separator)) {
			throw new UserException("--suffix '" + sfx + "' may not contain a path separator");
		}
	}

	/**
	 * Rejects an output folder that is the folder an input is read from ({@code read}), or lies inside it when it
	 * is read recursively, unless a suffix marks the outputs. Shared with the Spark job.
	 *
	 * @throws UserException naming the input and the way out
	 */
	public static void checkOutputFolder(Path outReal, Path read, boolean readRecursively, String suffix,
		Object output, Object input)
	{
		boolean clash = outReal.equals(read) || (readRecursively && outReal.startsWith(read));
		if (clash && (suffix == null || suffix.isEmpty())) {
			throw new UserException("the output folder '" + output + "' "
				+ (outReal.equals(read) ? "is the folder of input '" + input + "'"
					: "is inside input folder '" + input + "', which is read with --recursive")
				+ ": outputs could replace inputs or be read as inputs by the next run; choose an output folder "
				+ "outside the inputs, or give --suffix (e.g. --suffix _conv) to mark the outputs");
		}
	}

	/**
	 * Gives each found file its output below {@code out} by the rules above (sub-folders mirrored, name without
	 * extension plus suffix plus {@code .tif}), with the reason when two files map to one output or an output
	 * would replace an input. Shared with the Spark job, whose paths are those of a Hadoop file system.
	 *
	 * @param real the real path of a file (links resolved), to compare outputs with inputs
	 */
	public static List<BatchItem> assign(List<InputScanner.Found> found, Path out, String suffix,
		UnaryOperator<Path> real)
	{
		return assign(found, out, suffix, real, false);
	}

	/**
	 * As {@link #assign(List, Path, String, UnaryOperator)}, with OME-Zarr outputs ({@code <name><suffix>.ome.zarr})
	 * when {@code zarr} and for every Zarr input ({@code *.zarr}).
	 */
	public static List<BatchItem> assign(List<InputScanner.Found> found, Path out, String suffix,
		UnaryOperator<Path> real, boolean zarr)
	{
		String sfx = suffix == null ? "" : suffix;
		List<BatchItem> items = new ArrayList<>();
		Map<Path, Path> claimed = new HashMap<>();
		Set<Path> inputsReal = new LinkedHashSet<>();
		for (InputScanner.Found f : found) if (f.problem() == null) inputsReal.add(real.apply(f.file()));
		for (InputScanner.Found f : found) {
			Path relative = f.relative();
			if (f.problem() != null) {
				items.add(new BatchItem(f.file(), out.resolve(relative).normalize(), f.problem()));
				continue;
			}
			String unusable = unusableName(f.file());
			if (unusable != null) {
				items.add(new BatchItem(f.file(), out, unusable));
				continue;
			}
			String name = relative.getFileName().toString();
			String lower = name.toLowerCase(Locale.ROOT);
			boolean zarrInput = lower.endsWith(".zarr") || InputScanner.isZarrFolder(f.file()); // data.zarr/0 too
			// an OME-TIFF's output is no OME-TIFF: named without '.ome' (a.ome.tif -> a.tif, a.ome.zarr)
			int dot = lower.endsWith(ZARR) ? name.length() - ZARR.length() : lower.endsWith(".ome.tif")
				|| lower.endsWith(".ome.tiff") ? lower.lastIndexOf(".ome.") : name.lastIndexOf('.');
			String base = dot > 0 ? name.substring(0, dot) : name;
			Path parent = relative.getParent();
			String extension = zarr || zarrInput ? ZARR : ".tif";
			Path target = (parent == null ? out : out.resolve(parent)).resolve(base + sfx + extension).normalize();
			String problem = null;
			Path first = claimed.putIfAbsent(target, f.file());
			if (first != null) {
				// --exclude leaves out only what a scan finds; a folder inside a Zarr store (a.zarr/0, a series or a
				// level) cannot be renamed without breaking its store
				problem = "its output " + target + " is also the output of " + first + "; " + (f.root() == null
					? "convolve it in a run of its own with another --output (--exclude leaves out only files found in a "
						+ "folder, not those given by name)"
					: "rename one, or exclude it with --exclude");
			}
			else if (inputsReal.contains(real.apply(target))) {
				problem = "its output " + target + " would replace an input; use another --output or a --suffix";
			}
			items.add(new BatchItem(f.file(), target, problem));
		}
		return items;
	}

	/**
	 * Why a path found in a folder cannot be used, or null. Java names files by text and turns it into bytes with
	 * the locale's file name encoding; a name whose bytes do not survive that round trip (a UTF-8 name under
	 * {@code LANG=C}, a Latin-1 name under a UTF-8 locale) can be listed but not opened by ImageJ nor given an
	 * output name, so it fails alone with this reason instead of stopping the whole batch.
	 */
	static String unusableName(Path file) {
		boolean same;
		try {
			same = file.getFileSystem().getPath(file.toString()).equals(file);
		}
		catch (InvalidPathException e) {
			same = false;
		}
		if (same) return null;
		return fileNamesAreUtf8() ? "its name is not valid UTF-8 (perhaps Latin-1), so it cannot be opened by name; "
			+ "rename it (e.g. convmv -f latin1 -t utf8)" : "its name " + NOT_IN_ENCODING;
	}

	/** The reason, after "its name" or "the name", why this locale cannot express a name, and what to do. */
	public static final String NOT_IN_ENCODING = "holds characters that this locale's file name encoding ("
		+ fileNameEncoding() + ", from LANG/LC_ALL) cannot express; run under a UTF-8 locale (e.g. LANG=C.UTF-8) or "
		+ "rename it";

	private static String fileNameEncoding() {
		return System.getProperty("sun.jnu.encoding", java.nio.charset.Charset.defaultCharset().name());
	}

	private static boolean fileNamesAreUtf8() {
		return fileNameEncoding().replace("-", "").equalsIgnoreCase("UTF8");
	}

	/** Whether a file name is that of an output of a batch with this (non-empty) suffix, which scans skip. */
	public static boolean isOutputName(String fileName, String suffix) {
		String name = fileName.toLowerCase(Locale.ROOT);
		return name.endsWith((suffix + ".tif").toLowerCase(Locale.ROOT))
			|| name.endsWith((suffix + ZARR).toLowerCase(Locale.ROOT));
	}

	private static boolean startsWithReal(Path file, Path folderReal) {
		try {
			return file.toRealPath().startsWith(folderReal);
		}
		catch (IOException e) {
			return false;
		}
	}

	/** The real path of a file or folder that may not exist yet: its nearest existing ancestor's, resolved. */
	public static Path real(Path p) {
		Path abs = p.toAbsolutePath().normalize();
		Path existing = abs;
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) return abs;
		try {
			return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
		}
		catch (IOException e) {
			return abs;
		}
	}

	public Path outputFolder() {
		return outputFolder;
	}

	public List<BatchItem> items() {
		return items;
	}
}
