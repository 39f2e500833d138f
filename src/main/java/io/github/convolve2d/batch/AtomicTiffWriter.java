package io.github.convolve2d.batch;

import ij.ImagePlus;
import ij.io.FileSaver;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes an image as TIFF with ImageJ's own writer ({@link FileSaver#saveAsTiff}) so that it is whole or
 * absent: the TIFF goes to a hidden temporary file next to the target ({@code .NAME.convolve2d-tmp}) and is then
 * renamed onto the target in one atomic step. A run interrupted by Ctrl-C, a kill or a full disk leaves no
 * half-written file under the target name; at worst a hidden temporary file, which the next write of that
 * target replaces, folder scans ignore, and the JVM's shutdown hook deletes on Ctrl-C.
 */
public final class AtomicTiffWriter {

	/** Suffix of the temporary files; they also start with a dot. */
	public static final String TEMP_SUFFIX = ".convolve2d-tmp";

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

	/** The temporary file a write of {@code target} goes through. */
	public static Path temporaryFor(Path target) {
		return target.resolveSibling("." + target.getFileName() + TEMP_SUFFIX);
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

	private void deleteInFlight() {
		for (Path p : inFlight) {
			try {
				Files.deleteIfExists(p);
			}
			catch (IOException e) {
				// best effort while the JVM stops; the next run replaces it
			}
		}
	}

	/**
	 * Writes {@code imp} to {@code target} (creating its folder), replacing an existing file only when
	 * {@code replace} is true.
	 *
	 * @throws IOException with the reason when it could not be written; {@code target} is then unchanged
	 */
	public void write(ImagePlus imp, Path target, boolean replace) throws IOException {
		Path parent = target.toAbsolutePath().getParent();
		Files.createDirectories(parent);
		Path tmp = temporaryFor(target.toAbsolutePath());
		inFlight.add(tmp);
		try {
			ConsoleCapture.Result<Boolean> saved;
			try {
				saved = ConsoleCapture.call(() -> new FileSaver(imp).saveAsTiff(tmp.toString()));
			}
			catch (IOException | RuntimeException e) {
				throw e;
			}
			catch (Exception e) {
				throw new IOException(e);
			}
			if (!saved.value()) {
				String said = saved.printed().replace(" ;", ";");
				throw new IOException(said.isEmpty() ? "ImageJ's TIFF writer failed without a reason" : said);
			}
			beforeMove.run(tmp, target);
			if (!replace && Files.exists(target)) {
				throw new IOException("it appeared while this run was writing it; it is left as it is");
			}
			try {
				Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
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
}
