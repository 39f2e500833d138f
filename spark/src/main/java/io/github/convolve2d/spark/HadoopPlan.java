package io.github.convolve2d.spark;

import io.github.convolve2d.batch.BatchItem;
import io.github.convolve2d.batch.BatchPlan;
import io.github.convolve2d.batch.InputScanner;
import io.github.convolve2d.core.UserException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.security.AccessControlException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The batch's plan ({@link BatchPlan}: which input goes to which output, and the rules that keep inputs safe)
 * for inputs and an output given as Hadoop paths or URIs ({@code /data/in}, {@code file:/data/in},
 * {@code hdfs://namenode/data/in}, {@code s3a://bucket/in}). A path without a scheme is on Hadoop's default file
 * system ({@code fs.defaultFS}: the local disk unless the cluster says otherwise).
 * <p>
 * Folders are listed through Hadoop's {@link FileSystem} with the batch's rules ({@link InputScanner#selected}
 * globs, hidden names skipped, name order); outputs are named and checked by {@link BatchPlan#assign} on the
 * paths' path parts. Hence all inputs must be on one file system; the output may be on another.
 */
final class HadoopPlan {

	private HadoopPlan() {
	}

	/** The planned files, and the output folder as a qualified URI. */
	static final class Result {
		final List<FileTask> tasks;
		final Path outputFolder;

		Result(List<FileTask> tasks, Path outputFolder) {
			this.tasks = tasks;
			this.outputFolder = outputFolder;
		}

		/** The plan of batch's items on the local file system ({@link BatchPlan}), as {@code file:} URIs. */
		static Result of(List<BatchItem> items, Path outputFolder) {
			URI local = URI.create("file:///");
			List<FileTask> tasks = new ArrayList<>();
			for (BatchItem i : items) {
				tasks.add(new FileTask(uri(local, i.input().toAbsolutePath().normalize()),
					uri(local, i.output().toAbsolutePath().normalize()), i.problem()));
			}
			return new Result(tasks, outputFolder);
		}
	}

	/**
	 * Whether the inputs and the output are all on the local file system (plain paths there unless
	 * {@code fs.defaultFS} says otherwise, or {@code file:} URIs): then batch's own plan applies, listing and rules.
	 */
	static boolean local(List<String> inputs, String output, Configuration conf) throws IOException {
		for (String p : inputs) if (!"file".equals(qualify(p, conf).toUri().getScheme())) return false;
		return "file".equals(qualify(output, conf).toUri().getScheme());
	}

	/**
	 * @throws UserException for a usage error (missing input, output that is a file or inside the inputs, inputs
	 *         on several file systems)
	 * @throws IOException when a folder cannot be listed
	 */
	static Result of(List<String> inputs, InputScanner scanner, String output, String suffix, Configuration conf)
		throws IOException
	{
		if (inputs.isEmpty()) throw new UserException("no input given; give files or folders with --input");
		String sfx = suffix == null ? "" : suffix;
		BatchPlan.checkSuffix(sfx);
		Path out = qualify(output, conf);
		FileSystem outFs = out.getFileSystem(conf);
		FileStatus outStatus;
		try {
			outStatus = FileJob.status(outFs, out);
		}
		catch (IOException e) {
			// not the inputs' listing: the output's file system is unreachable or refuses (as the run's probe says it)
			throw new UserException("cannot write into the output folder '" + output + "': " + e.getMessage());
		}
		if (outStatus != null && !outStatus.isDirectory()) {
			throw new UserException("--output '" + output + "' is a file; give a folder (it is created when missing)");
		}
		// on the local disk, as batch: links resolved, so that an output folder reached through a link to an input
		// folder is that folder
		UnaryOperator<java.nio.file.Path> real = FileJob.raw(outFs) instanceof RawLocalFileSystem ? BatchPlan::real
			: p -> p;
		URI inFs = null;
		List<InputScanner.Found> found = new ArrayList<>();
		Set<java.nio.file.Path> seen = new HashSet<>();
		for (String input : inputs) {
			Path in = qualify(input, conf);
			FileSystem fs = in.getFileSystem(conf);
			URI fsUri = fs.getUri();
			if (inFs == null) inFs = fsUri;
			else if (!inFs.equals(fsUri)) {
				throw new UserException("inputs on two file systems (" + inFs + " and " + fsUri + "): run one job per "
					+ "file system");
			}
			FileStatus status = FileJob.status(fs, in);
			if (status == null) throw new UserException("input '" + input + "' does not exist");
			boolean folder = status.isDirectory();
			Path read = folder ? in : in.getParent();
			if (fsUri.equals(outFs.getUri())) {
				BatchPlan.checkOutputFolder(real.apply(nio(out)), real.apply(nio(read)), folder && scanner.recursive(), sfx,
					output, input);
			}
			if (folder) {
				List<InputScanner.Found> below = new ArrayList<>();
				list(fs, in, in, scanner, sfx, out, below);
				below.sort(Comparator.comparing(f -> f.relative().toString()));
				for (InputScanner.Found f : below) if (seen.add(f.file())) found.add(f);
			}
			else if (seen.add(nio(in))) {
				found.add(new InputScanner.Found(nio(in), null, Paths.get(in.getName())));
			}
		}
		URI inputFs = inFs;
		boolean sameFs = inputFs.equals(outFs.getUri());
		List<BatchItem> items = BatchPlan.assign(found, nio(out), sfx,
			// Hadoop paths are already absolute and normal; an output on another file system replaces no input
			sameFs ? real : p -> p);
		List<FileTask> tasks = new ArrayList<>();
		for (BatchItem item : items) {
			String problem = item.problem();
			if (!sameFs && problem != null && problem.contains("would replace an input")) problem = null;
			tasks.add(new FileTask(uri(inputFs, item.input()), uri(outFs.getUri(), item.output()), problem));
		}
		return new Result(tasks, out);
	}

	/**
	 * A path or URI made absolute on its file system.
	 *
	 * @throws UserException when Hadoop cannot take it as a path (a relative name with a ':' in its first part reads
	 *         as a URI), or its file system's host is unknown
	 */
	static Path qualify(String pathOrUri, Configuration conf) throws IOException {
		Path p;
		try {
			p = new Path(pathOrUri);
		}
		catch (IllegalArgumentException e) {
			String scheme = pathOrUri.substring(0, Math.max(0, pathOrUri.indexOf(':')));
			if (hasFileSystem(scheme, conf)) {
				throw new UserException("'" + pathOrUri + "' is a " + scheme + ": URI with a relative path, which Hadoop "
					+ "does not read: give an absolute one (" + scheme + ":/data/out) or the path without " + scheme + ":");
			}
			throw new UserException("'" + pathOrUri + "' is neither a path nor a URI that Hadoop reads ("
				+ (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + "); a relative path with ':' "
				+ "in its first name reads as a URI: give it as ./" + pathOrUri + " or as an absolute path");
		}
		try {
			return p.getFileSystem(conf).makeQualified(p);
		}
		catch (IllegalArgumentException e) {
			// Hadoop's clients report an unknown host so (java.net.UnknownHostException as the cause)
			Throwable why = e.getCause() != null ? e.getCause() : e;
			throw new UserException("cannot reach the file system of '" + pathOrUri + "': "
				+ (why instanceof java.net.UnknownHostException ? "unknown host " + why.getMessage()
					: why.getMessage() != null ? why.getMessage() : why.toString())
				+ "; check the host name and port in the URI");
		}
	}

	/** Whether Hadoop has a file system for {@code scheme} ({@code file}, {@code hdfs}, {@code s3a}, ...). */
	private static boolean hasFileSystem(String scheme, Configuration conf) {
		if (!scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) return false;
		try {
			FileSystem.getFileSystemClass(scheme, conf);
			return true;
		}
		catch (IOException e) {
			return false; // no file system for this scheme: a name with ':'
		}
	}

	/** The path part of a qualified Hadoop path, as a path the batch's rules work on. */
	static java.nio.file.Path nio(Path p) {
		return Paths.get(p.toUri().getPath());
	}

	static String uri(URI fs, java.nio.file.Path path) {
		return new Path(fs.getScheme(), fs.getAuthority(), path.toString()).toString();
	}

	/**
	 * Why a Zarr image or array met in a folder is not convolved by a job of files (it is listed as a failure of its
	 * own rather than searched for images or left out silently).
	 */
	static final String ZARR_NEEDS_BLOCKS = "an OME-Zarr image or Zarr array: on Spark these are convolved block by"
		+ " block, in a run with --format zarr (inputs and output on a local or shared mounted file system); give it"
		+ " to such a run";

	/**
	 * Whether any input is a Zarr image (named {@code *.zarr}, or a folder that {@link #isZarrFolder} knows as one),
	 * which the block job takes.
	 *
	 * @throws UserException for an input Hadoop cannot take as a path
	 * @throws IOException when the file system cannot say what an input is
	 */
	static boolean anyZarr(List<String> inputs, Configuration conf) throws IOException {
		for (String input : inputs) {
			if (input.replaceFirst("/+$", "").endsWith(".zarr")) return true;
			Path p = qualify(input, conf);
			FileSystem fs = p.getFileSystem(conf);
			FileStatus st = FileJob.status(fs, p); // a missing input: the plan says so
			if (st != null && st.isDirectory() && isZarrFolder(fs, p)) return true;
		}
		return false;
	}

	/**
	 * Whether a folder is a Zarr node as batch knows one ({@code InputScanner.isZarrFolder}): named {@code *.zarr},
	 * or holding one of the metadata files {@link InputScanner#holdsZarrMetadata} names. Each of these is asked of
	 * the file system by its name (a collection that answers {@code contains} only): a listing of an array's folder
	 * would list its every chunk.
	 */
	static boolean isZarrFolder(FileSystem fs, Path dir) throws IOException {
		if (dir.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".zarr")) return true;
		try {
			return InputScanner.holdsZarrMetadata(new java.util.AbstractCollection<String>() {
				@Override
				public boolean contains(Object name) {
					try {
						return fs.exists(new Path(dir, (String) name));
					}
					catch (IOException e) {
						throw new java.io.UncheckedIOException(e);
					}
				}

				@Override
				public java.util.Iterator<String> iterator() {
					throw new UnsupportedOperationException("the file system is asked for each name");
				}

				@Override
				public int size() {
					throw new UnsupportedOperationException("the file system is asked for each name");
				}
			});
		}
		catch (java.io.UncheckedIOException e) {
			throw e.getCause();
		}
	}

	/**
	 * Whether a folder met in a listing is a link, which batch does not follow (one to a folder above would loop):
	 * Hadoop's local file system reports the status of the link's target, so links there are asked of java.nio.
	 */
	private static boolean isLink(FileSystem fs, FileStatus st) {
		if (st.isSymlink()) return true;
		FileSystem raw = FileJob.raw(fs);
		return raw instanceof RawLocalFileSystem
			&& Files.isSymbolicLink(((RawLocalFileSystem) raw).pathToFile(st.getPath()).toPath());
	}

	private static void list(FileSystem fs, Path root, Path dir, InputScanner scanner, String sfx, Path out,
		List<InputScanner.Found> found) throws IOException
	{
		list(fs, root, listStatus(fs, dir), scanner, sfx, out, found);
	}

	/**
	 * A folder's entries; an IOException, which the caller reports, when Hadoop cannot take a name in it as a path
	 * (its {@code Path} reads {@code t1:2.png} as a URI: viewfs and S3 listings fail on it with an
	 * IllegalArgumentException).
	 */
	private static FileStatus[] listStatus(FileSystem fs, Path dir) throws IOException {
		try {
			return fs.listStatus(dir);
		}
		catch (IllegalArgumentException e) {
			Throwable why = e.getCause() != null ? e.getCause() : e;
			throw new IOException(dir + " holds a name that Hadoop cannot take as a path (" + why.getMessage() + "): "
				+ "rename it without ':', or give the folder through a mounted path (file:)", e);
		}
	}

	private static void list(FileSystem fs, Path root, FileStatus[] entries, InputScanner scanner, String sfx, Path out,
		List<InputScanner.Found> found) throws IOException
	{
		java.nio.file.Path rootNio = nio(root);
		for (FileStatus st : entries) {
			String name = st.getPath().getName();
			if (name.startsWith(".")) continue;
			if (st.isDirectory()) {
				if (isLink(fs, st)) continue;
				boolean zarr = name.toLowerCase(java.util.Locale.ROOT).endsWith(".zarr");
				FileStatus[] below = null;
				if (!zarr && scanner.recursive()) {
					try {
						below = listStatus(fs, st.getPath());
					}
					catch (IOException e) {
						// as batch: an unreadable sub-folder is a failure of its own, not the end of the listing
						java.nio.file.Path relative = rootNio.relativize(nio(st.getPath()));
						found.add(new InputScanner.Found(nio(st.getPath()), rootNio, relative, "cannot read this folder: "
							+ (e instanceof AccessControlException ? "permission denied" : e.getMessage())
							+ "; the files in it are not convolved"));
						continue;
					}
					Set<String> names = new HashSet<>();
					for (FileStatus b : below) names.add(b.getPath().getName());
					zarr = InputScanner.holdsZarrMetadata(names);
				}
				else if (!zarr) {
					try {
						zarr = isZarrFolder(fs, st.getPath()); // as batch, whose folder walk stops at it
					}
					catch (IOException e) {
						// as batch, which cannot see inside it either: a folder, left out when not recursive
					}
				}
				if (zarr) {
					java.nio.file.Path relative = rootNio.relativize(nio(st.getPath()));
					if (scanner.selectedZarr(relative)) {
						found.add(new InputScanner.Found(nio(st.getPath()), rootNio, relative, ZARR_NEEDS_BLOCKS));
					}
				}
				else if (below != null) list(fs, root, below, scanner, sfx, out, found);
				continue;
			}
			if (!st.isFile()) continue;
			java.nio.file.Path file = nio(st.getPath());
			// the batch's own outputs, when a suffix marks them and they lie in the output folder
			if (!sfx.isEmpty() && file.startsWith(nio(out)) && BatchPlan.isOutputName(name, sfx)) continue;
			java.nio.file.Path relative = rootNio.relativize(file);
			if (scanner.selected(relative)) found.add(new InputScanner.Found(file, rootNio, relative));
		}
	}
}
