package io.github.convolve2d.batch;

import io.github.convolve2d.io.IoMessages;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.io.OmeZarr;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Expands the {@code --input} files and folders into the list of files to convolve.
 * <ul>
 * <li>A file given by name is always taken. A folder contributes its files (and, with {@code recursive}, those
 * of its sub-folders; links to folders are not followed), in name order.</li>
 * <li>In folders, a file is taken when it matches an {@code include} glob — by default one of the image
 * extensions of {@link ImageFormat#EXTENSIONS} — and no {@code exclude} glob. A glob without {@code /} is
 * matched against the file name ({@code *.tif}), one with {@code /} against the path below the folder
 * (e.g. {@code raw/}, any folders, then {@code *.tif}).</li>
 * <li>Hidden files and folders (name starting with a dot), among them the batch's own temporary files, are
 * skipped, as is any file the caller's {@code skip} test rejects (the batch's own outputs).</li>
 * <li>A folder named {@code *.zarr} or holding Zarr metadata ({@code data.zarr/0}) is one input (a Zarr image or
 * array), never a folder of images; one that is no Zarr store (no metadata) is listed with the
 * reason.</li>
 * <li>A sub-folder that cannot be read (permission denied, an I/O error) is listed with its reason, so that the
 * batch reports it as failed instead of finding no files in it.</li>
 * </ul>
 */
public final class InputScanner {

	/**
	 * A file found, with the folder it was found under (null for a file given by name) and its path below it; or
	 * a sub-folder that could not be read, with the reason ({@link #problem}).
	 */
	public static final class Found {
		private final Path file;
		private final Path root;
		private final Path relative;
		private final String problem;

		public Found(Path file, Path root, Path relative) {
			this(file, root, relative, null);
		}

		/** An entry that cannot be convolved, with the reason ({@link #problem}). */
		public Found(Path file, Path root, Path relative, String problem) {
			this.file = file;
			this.root = root;
			this.relative = relative;
			this.problem = problem;
		}

		/** Why this entry (a sub-folder, or a file) could not be read; null for a file to convolve. */
		public String problem() { return problem; }

		public Path file() { return file; }
		public Path root() { return root; }
		/** The path below the input folder ({@code sub/a.png}), or the file name for a file given by name. */
		public Path relative() { return relative; }
	}

	private final boolean recursive;
	private final List<String> includes;
	private final List<String> excludes;
	private final List<PathMatcher[]> includeMatchers = new ArrayList<>();
	private final List<PathMatcher[]> excludeMatchers = new ArrayList<>();

	/**
	 * @throws UserException for a glob that is not valid
	 */
	public InputScanner(boolean recursive, List<String> includes, List<String> excludes) {
		this.recursive = recursive;
		this.includes = List.copyOf(includes);
		this.excludes = List.copyOf(excludes);
		for (String g : this.includes) includeMatchers.add(matcher("--include", g));
		for (String g : this.excludes) excludeMatchers.add(matcher("--exclude", g));
	}

	/**
	 * The matchers of one glob: a {@code **}{@code /} at its start or after a {@code /} matches no folder too, as in
	 * shells with globstar and in .gitignore ({@code raw/**}{@code /*.tif} takes {@code raw/a.tif} and
	 * {@code raw/x/y/a.tif}), which Java's glob alone does not do; so each combination of those segments left out
	 * gives one more matcher.
	 */
	private static PathMatcher[] matcher(String option, String glob) {
		List<Integer> starts = new ArrayList<>();
		for (int i = glob.indexOf("**/"); i >= 0; i = glob.indexOf("**/", i + 3)) {
			if (i == 0 || glob.charAt(i - 1) == '/') starts.add(i);
		}
		if (starts.size() > 8) {
			throw new UserException(option + " '" + glob + "' has more than 8 '**/' segments; use fewer");
		}
		PathMatcher[] matchers = new PathMatcher[1 << starts.size()];
		try {
			for (int mask = 0; mask < matchers.length; mask++) {
				StringBuilder variant = new StringBuilder();
				int from = 0;
				for (int b = 0; b < starts.size(); b++) {
					if ((mask & 1 << b) == 0) continue;
					variant.append(glob, from, starts.get(b));
					from = starts.get(b) + 3;
				}
				variant.append(glob.substring(from));
				matchers[mask] = FileSystems.getDefault().getPathMatcher("glob:" + variant);
			}
		}
		catch (IllegalArgumentException e) { // PatternSyntaxException among them
			String why = e instanceof java.util.regex.PatternSyntaxException
				? ((java.util.regex.PatternSyntaxException) e).getDescription() : e.getMessage();
			throw new UserException(option + " '" + glob + "' is not a valid glob (" + why + "); write * for any "
				+ "characters, ? for one, [abc] for one of a set, {tif,png} for alternatives, and put the glob in quotes "
				+ "so that the shell does not expand it");
		}
		return matchers;
	}

	public boolean recursive() {
		return recursive;
	}

	/**
	 * The files under the inputs, in order; a file reached twice is listed once.
	 *
	 * @param skip files to leave out (tested on absolute, normalised paths)
	 * @throws UserException when an input does not exist
	 * @throws IOException when a folder cannot be listed
	 */
	public List<Found> scan(List<Path> inputs, Predicate<Path> skip) throws IOException {
		List<Found> found = new ArrayList<>();
		java.util.Set<Path> seen = new java.util.HashSet<>();
		for (Path input : inputs) {
			Path in = input.toAbsolutePath().normalize();
			if (!Files.exists(in)) throw BatchPlan.missingInput(input, in);
			if (Files.isDirectory(in) && !isZarrFolder(in)) {
				for (Found f : scanFolder(in, skip)) {
					if (f.problem() != null || seen.add(f.file().toRealPath())) found.add(f);
				}
			}
			else if (seen.add(in.toRealPath())) {
				found.add(new Found(in, null, in.getFileName(), Files.isDirectory(in) ? OmeZarr.whyNotZarr(in) : null));
			}
		}
		return found;
	}

	private List<Found> scanFolder(Path root, Predicate<Path> skip) throws IOException {
		List<Found> found = new ArrayList<>();
		Files.walkFileTree(root, Collections.emptySet(), recursive ? Integer.MAX_VALUE : 1,
			new SimpleFileVisitor<Path>() {
				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
					if (dir.equals(root)) return FileVisitResult.CONTINUE;
					if (isZarrFolder(dir)) { // an image, not a folder of images, even when it is no Zarr image
						visitFile(dir, attrs);
						return FileVisitResult.SKIP_SUBTREE;
					}
					return !hidden(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
					boolean zarr = attrs.isDirectory() && isZarrFolder(file);
					if (hidden(file) || skip.test(file)) return FileVisitResult.CONTINUE;
					// a link to nothing, or a named pipe, socket or device, with an image's name fails as when named
					// with -i, rather than being left out without a word; a folder (or a link to one) is not a file
					boolean dangling = attrs.isSymbolicLink() && !Files.exists(file);
					if (!(zarr || attrs.isRegularFile() || Files.isRegularFile(file) || dangling || !Files.isDirectory(file))) {
						return FileVisitResult.CONTINUE;
					}
					Path relative = root.relativize(file);
					if (zarr ? selectedZarr(relative) : selected(relative)) {
						found.add(new Found(file, root, relative, zarr ? OmeZarr.whyNotZarr(file) : dangling ? "a link to "
							+ "nothing (its target does not exist, or the link leads back to itself); move the file back "
							+ "or remove the link" : null));
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
					if (file.equals(root)) throw e;
					if (hidden(file)) return FileVisitResult.CONTINUE;
					// an unreadable sub-folder is a failure of its own, not silently no files
					found.add(new Found(file, root, root.relativize(file), "cannot read this "
						+ (Files.isDirectory(file) ? "folder" : "entry") + ": " + (e instanceof java.nio.file.AccessDeniedException
							? "permission denied" : IoMessages.describe(e))
						+ "; the files in it are not convolved"));
					return FileVisitResult.CONTINUE;
				}
			});
		found.sort((a, b) -> a.relative().toString().compareTo(b.relative().toString()));
		return found;
	}

	/**
	 * A folder named {@code *.zarr}, or one holding Zarr metadata (an image or array inside a store, such as
	 * {@code data.zarr/0}): one input, never searched for files, whatever it holds (a Zarr v2 or v3 image or array is
	 * read; a folder without Zarr metadata is a failure of its own, {@link OmeZarr#whyNotZarr}).
	 */
	static boolean isZarrFolder(Path dir) {
		if (!Files.isDirectory(dir)) return false;
		Path name = dir.getFileName();
		if (name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zarr")) return true;
		for (String metadata : ZARR_METADATA) {
			if (Files.exists(dir.resolve(metadata), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true;
		}
		return false;
	}

	/** The files that make a folder a Zarr node: v2's array, group and attributes, v3's one file. */
	private static final String[] ZARR_METADATA = { ".zarray", ".zgroup", ".zattrs", "zarr.json" };

	private static boolean hidden(Path p) {
		return p.getFileName() != null && p.getFileName().toString().startsWith(".");
	}

	/** Whether a file below an input folder is selected by the include and exclude globs. */
	public boolean selected(Path relative) {
		String name = relative.getFileName().toString();
		boolean included = includes.isEmpty()
			? ImageFormat.hasImageExtension(name) || name.toLowerCase(java.util.Locale.ROOT).endsWith(".zarr")
			: matchesAny(includeMatchers,
			includes, relative);
		return included && !matchesAny(excludeMatchers, excludes, relative);
	}

	/**
	 * Whether a Zarr folder below an input folder is selected: as a file by --include when given, else always (one
	 * not named *.zarr, such as data/0 holding .zarray, too); never when --exclude matches it.
	 */
	public boolean selectedZarr(Path relative) {
		return includes.isEmpty() ? !matchesAny(excludeMatchers, excludes, relative) : selected(relative);
	}

	/** Whether a folder's entries (by name) make it a Zarr node: v2's array, group or attributes, v3's one file. */
	public static boolean holdsZarrMetadata(java.util.Collection<String> names) {
		for (String metadata : ZARR_METADATA) if (names.contains(metadata)) return true;
		return false;
	}

	private static boolean matchesAny(List<PathMatcher[]> matchers, List<String> globs, Path relative) {
		for (int i = 0; i < matchers.size(); i++) {
			boolean byName = !globs.get(i).contains("/");
			Path target = byName ? relative.getFileName() : relative;
			for (PathMatcher m : matchers.get(i)) {
				if (m.matches(target)) return true;
			}
		}
		return false;
	}
}
