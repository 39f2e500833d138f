package io.github.convolve2d.image;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.RoiEncoder;
import ij.io.TiffEncoder;
import io.github.convolve2d.io.IoMessages;
import io.github.convolve2d.io.TemporaryFiles;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Writes an image as TIFF with ImageJ's own encoder, as {@link FileSaver#saveAsTiff} writes it, so that it is
 * whole or absent, also when several runs write into one folder at once:
 * <ul>
 * <li>the TIFF goes to a hidden temporary file next to the target,
 * {@code .convolve2d-<pid>-<start>-<host>-<random>.tif} ({@link TemporaryFiles}: it names the writing process),
 * created exclusively (no two writers, in this process or another, ever share one; the name does not grow with the
 * target's, so a target name of up to 255 bytes does not make it too long), forced to the disk, and then takes the
 * target's name in one atomic step;</li>
 * <li>without replacing, that step is a hard link that fails when the target exists — the check and the write
 * are one operation, so a target that another run wrote meanwhile is never replaced (on a file system without
 * hard links it falls back to a check and a rename); replacing, it is an atomic rename, done only when the
 * caller's test accepts the file found there.</li>
 * </ul>
 * A run interrupted by Ctrl-C, a kill or a full disk leaves no half-written file under the target name; at worst a
 * hidden temporary file (after SIGKILL or a power cut), which folder scans ignore; the JVM's shutdown hook deletes
 * those of writes in progress, and the next run's {@link #removeStaleTemporaries} those of a process that is gone.
 */
public final class AtomicTiffWriter {

	/** Temporary files start with this (a dot: hidden, skipped by folder scans) ... */
	public static final String TEMP_PREFIX = ".convolve2d-";
	/** ... and end with this. */
	public static final String TEMP_SUFFIX = ".tif";
	/** Between the two, the writing process and a random part: {@code .convolve2d-<pid>-<start>-<host>-<random>.tif}. */
	private static final TemporaryFiles TEMPORARIES = new TemporaryFiles(TEMP_PREFIX, TEMP_SUFFIX);

	/** Called between writing the temporary file and renaming it (tests inject failures here). */
	interface BeforeMove {
		void run(Path temporary, Path target) throws IOException;
	}

	private final BeforeMove beforeMove;
	private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();
	private final Thread cleaner = new Thread(this::deleteInFlight, "convolve2d-temp-cleaner");
	private boolean hookAdded;

	public AtomicTiffWriter() {
		this((tmp, target) -> {
		});
	}

	AtomicTiffWriter(BeforeMove beforeMove) {
		this.beforeMove = beforeMove;
	}

	/**
	 * Whether a file name is one of this writer's temporary files, of this version or an earlier one (whose names
	 * hold no process id).
	 */
	public static boolean isTemporary(Path file) {
		String name = file.getFileName() == null ? "" : file.getFileName().toString();
		return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
	}

	/**
	 * Creates a new, empty temporary file in {@code folder}, exclusively (never one that exists), named after this
	 * process ({@link TemporaryFiles}). Its permissions follow the process's umask, as ImageJ's own writes do.
	 */
	public static Path createTemporary(Path folder) throws IOException {
		return TEMPORARIES.create(folder);
	}

	/**
	 * Removes the temporary files that killed runs (SIGKILL, power cut) left in {@code folder}, and only those:
	 * see {@link TemporaryFiles#removeStale}. Returns how many.
	 */
	public static int removeStaleTemporaries(Path folder) {
		return TEMPORARIES.removeStale(folder);
	}

	/**
	 * Registers a JVM shutdown hook that deletes the temporary files of writes in progress (Ctrl-C, kill).
	 * Call {@link #removeShutdownHook} when done.
	 */
	public synchronized void addShutdownHook() {
		if (!hookAdded) {
			Runtime.getRuntime().addShutdownHook(cleaner);
			hookAdded = true;
		}
	}

	public synchronized void removeShutdownHook() {
		if (hookAdded) {
			try {
				Runtime.getRuntime().removeShutdownHook(cleaner);
			}
			catch (IllegalStateException e) {
				// shutting down already: the hook runs
			}
			hookAdded = false;
		}
	}

	/** Deletes the temporary files of the writes in progress (a stopping JVM calls it through the hook). */
	public void deleteInFlight() {
		for (Path p : inFlight) {
			try {
				Files.deleteIfExists(p);
			}
			catch (IOException e) {
				// best effort while the JVM stops
			}
		}
	}

	/**
	 * Writes {@code imp} to {@code target} (creating its folder), replacing an existing file only when
	 * {@code replace} is true.
	 *
	 * @throws FileAlreadyExistsException when {@code target} exists and {@code replace} is false
	 * @throws IOException with the reason when it could not be written; {@code target} is then unchanged
	 */
	public void write(ImagePlus imp, Path target, boolean replace) throws IOException {
		write(imp, target, existing -> replace);
	}

	/**
	 * Writes {@code imp} to {@code target} (creating its folder). A file found at {@code target} once the TIFF is
	 * written is replaced only when {@code mayReplace} accepts it.
	 *
	 * @throws FileAlreadyExistsException when {@code target} exists and {@code mayReplace} refused it
	 * @throws IOException with the reason when it could not be written; {@code target} is then unchanged
	 */
	public void write(ImagePlus imp, Path target, Predicate<Path> mayReplace) throws IOException {
		Path parent = target.toAbsolutePath().getParent();
		Files.createDirectories(parent);
		Path tmp;
		try {
			tmp = createTemporary(parent);
		}
		catch (AccessDeniedException e) {
			// the folder may not be written: named, rather than the hidden temporary file it was to hold
			throw new AccessDeniedException(parent.toString());
		}
		inFlight.add(tmp);
		try {
			try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
				DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(file),
					1 << 16)))
			{
				encode(imp, out);
				out.flush();
				// on the disk before the name: ext4 and others may put a rename on disk before the bytes, so a power cut
				// would leave an empty file under the output's name, which the next run skips as done (as for Zarr
				// chunks, ZarrArray.writeAtomically)
				file.force(false);
			}
			catch (FileSystemException e) {
				throw new IOException(e.getReason() != null ? e.getReason() : e.getClass().getSimpleName(), e);
			}
			beforeMove.run(tmp, target);
			if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
				if (!mayReplace.test(target)) throw new FileAlreadyExistsException(target.toString());
				moveReplacing(tmp, target);
			}
			else {
				linkNew(tmp, target, mayReplace);
			}
		}
		finally {
			try {
				Files.deleteIfExists(tmp);
			}
			finally {
				inFlight.remove(tmp);
			}
		}
	}

	/**
	 * Writes {@code imp} to {@code out} as ImageJ's {@link FileSaver#saveAsTiff(String)} writes it (ImageJ 1.54p:
	 * info, slice labels, description, selection, overlay, properties, and a composite's display ranges and LUTs,
	 * through ImageJ's own {@link TiffEncoder}), but lets a failed write throw: FileSaver reports one through
	 * {@code IJ.error}, which with an ImageJ window is a dialog naming the hidden temporary file, before the caller's
	 * own message. Feature maps are never virtual stacks or plots, which FileSaver treats apart.
	 */
	static void encode(ImagePlus imp, DataOutputStream out) throws IOException {
		FileSaver saver = new FileSaver(imp);
		FileInfo fi = imp.getFileInfo();
		fi.info = imp.getInfoProperty();
		if (fi.nImages > 1) fi.sliceLabels = imp.getStack().getSliceLabels();
		else if (imp.hasImageStack() && imp.getStack().getSliceLabel(1) != null) {
			fi.sliceLabels = new String[] { imp.getStack().getSliceLabel(1) };
		}
		fi.description = saver.getDescriptionString();
		fi.roi = RoiEncoder.saveAsByteArray(imp.getRoi());
		fi.overlay = FileSaver.getOverlay(imp);
		fi.properties = imp.getPropertiesAsArray();
		if (fi.nImages > 1 && imp.isComposite()) saver.saveDisplayRangesAndLuts(imp, fi);
		new TiffEncoder(fi).write(out);
	}

	/** Gives {@code tmp} the name {@code target}, which did not exist a moment ago; never replaces silently. */
	private static void linkNew(Path tmp, Path target, Predicate<Path> mayReplace) throws IOException {
		try {
			Files.createLink(target, tmp); // atomic, and fails if target exists
			return;
		}
		catch (FileAlreadyExistsException e) {
			// written meanwhile (another run): the caller's test decides
			if (!mayReplace.test(target)) throw e;
			moveReplacing(tmp, target);
			return;
		}
		catch (AccessDeniedException | NoSuchFileException e) {
			throw e; // a rename would fail the same way
		}
		catch (UnsupportedOperationException | FileSystemException e) {
			// no hard links on this file system (EPERM, EMLINK, ...): check, then rename
		}
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !mayReplace.test(target)) {
			throw new FileAlreadyExistsException(target.toString());
		}
		moveReplacing(tmp, target);
	}

	private static void moveReplacing(Path tmp, Path target) throws IOException {
		try {
			try {
				Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (FileSystemException e) {
			throw IoMessages.naming(e, target); // File name too long: the output's, not the temporary file's
		}
	}
}
