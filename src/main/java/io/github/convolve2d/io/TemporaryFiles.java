package io.github.convolve2d.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hidden temporary files that name the process writing them, so that a later run can tell the leftovers of a
 * killed writer (SIGKILL, power cut) from the files of a writer still at work. A name is
 * {@code <prefix><pid>-<start>-<host>-<random><suffix>}: the writing JVM's process id, its start instant (epoch
 * milliseconds, base 36; {@code 0} when the platform does not tell), a key of the machine and PID namespace it runs
 * in (8 hex digits: a hash of the host name, {@code /etc/machine-id} and the PID namespace; {@code 00000000} when
 * unknown) and a random part.
 * <p>
 * {@link #removeStale} deletes a file only when all of these hold, and keeps it otherwise:
 * <ul>
 * <li>its name matches this family's pattern exactly (a user's file with a similar name, an older temporary file
 * without a process id, another family's file are never touched), and it is a regular file (not a link or a
 * folder);</li>
 * <li>it was written on this machine, in this PID namespace (the same known host key): process ids of another
 * machine or container say nothing here;</li>
 * <li>its writer is gone: no process has its id — and, on Linux, the file belongs to this user, since {@code /proc}
 * may hide other users' processes ({@code hidepid}) — or the process that has its id now started at another
 * instant (more than {@link #START_TOLERANCE_MILLIS} apart: the id was reused). A process of the same id whose
 * start instant cannot be read is taken to be the writer.</li>
 * </ul>
 * A writer that is alive, this process included, never loses its files.
 */
public final class TemporaryFiles {

	/**
	 * How far apart two readings of one process's start instant may be and still name the same process. Two JVMs
	 * agree to the clock tick, but each derives the instant from the boot time it read when it started, so a step
	 * of the wall clock between their starts (NTP, a resumed VM) shifts one against the other by the step. A live
	 * writer's files must never look stale: an hour absorbs any such step but the largest, and a reused id whose
	 * process started within the hour only keeps a leftover until that process ends.
	 */
	static final long START_TOLERANCE_MILLIS = 3_600_000L;
	/** The host key written when the machine cannot be identified: such files are never judged stale. */
	static final String UNKNOWN_HOST = "00000000";

	private final String prefix, suffix;
	private final boolean folders;
	private final Pattern pattern;

	/** The family of files named {@code <prefix><writer tag><suffix>}, e.g. {@code ".convolve2d-", ".tif"}. */
	public TemporaryFiles(String prefix, String suffix) {
		this(prefix, suffix, false);
	}

	/**
	 * A family named as above whose members are files or, with {@code folders}, folders (an output made whole
	 * before it takes its name); {@link #removeStale} removes only members of that kind.
	 */
	public TemporaryFiles(String prefix, String suffix, boolean folders) {
		if (!prefix.startsWith(".")) throw new IllegalArgumentException("temporary files are hidden: " + prefix);
		this.prefix = prefix;
		this.suffix = suffix;
		this.folders = folders;
		pattern = Pattern.compile(Pattern.quote(prefix) + "([1-9][0-9]{0,18})-([0-9a-z]{1,13})-([0-9a-f]{8})-"
			+ "([0-9a-z]{1,13})" + Pattern.quote(suffix));
	}

	/** A new name of this family for a file written by this process (not created). */
	public String newName() {
		return prefix + Writer.SELF.tag() + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
			+ suffix;
	}

	/**
	 * Creates a new, empty file of this family in {@code folder}, exclusively (never one that exists). Its
	 * permissions follow the process's umask.
	 */
	public Path create(Path folder) throws IOException {
		for (int attempt = 0; ; attempt++) {
			Path tmp = folder.resolve(newName());
			try {
				Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
				return tmp;
			}
			catch (FileAlreadyExistsException e) {
				if (attempt > 100) throw e;
			}
		}
	}

	/** Whether {@code file}'s name is exactly one of this family's. */
	public boolean matches(Path file) {
		Path name = file.getFileName();
		return name != null && pattern.matcher(name.toString()).matches();
	}

	/**
	 * Deletes the files of this family in {@code folder} (not below it) whose writer is gone (see the class
	 * comment) and returns how many it deleted. A folder that does not exist has none; a file that cannot be
	 * inspected or deleted is kept — this is housekeeping, never a reason to fail a run.
	 */
	public int removeStale(Path folder) {
		int removed = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, this::matches)) {
			for (Path file : files) {
				if (isStale(file)) {
					try {
						if (folders) removed += deleteTree(file);
						else if (Files.deleteIfExists(file)) removed++;
					}
					catch (IOException e) {
						// not ours to insist on: kept
					}
				}
			}
		}
		catch (NoSuchFileException | NotDirectoryException e) {
			return removed;
		}
		catch (IOException | RuntimeException e) {
			// a folder that cannot be listed: the run reports its own errors on writing there
		}
		return removed;
	}

	/** Deletes a folder a killed writer left (an output it was making), links inside it not followed; 1. */
	private static int deleteTree(Path folder) throws IOException {
		try (java.util.stream.Stream<Path> all = Files.walk(folder)) {
			for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(p);
			}
		}
		return 1;
	}

	/** Whether {@code file} (a file, or a folder being made) is of this family and its writer is gone. */
	boolean isStale(Path file) {
		Matcher m = pattern.matcher(file.getFileName().toString());
		if (!m.matches() || !(folders ? Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)
			: Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)))
		{
			return false;
		}
		String host = m.group(3);
		if (host.equals(UNKNOWN_HOST) || !host.equals(Writer.SELF.host)) return false;
		long pid, start;
		try {
			pid = Long.parseLong(m.group(1));
			start = Long.parseLong(m.group(2), 36);
		}
		catch (NumberFormatException e) {
			return false;
		}
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		if (process.isEmpty()) return !Writer.hidesOtherUsers() || Writer.ownedBySelf(file);
		Optional<Instant> now = process.get().info().startInstant();
		return start != 0 && now.isPresent() && Math.abs(now.get().toEpochMilli() - start) > START_TOLERANCE_MILLIS;
	}

	/** This process as a writer: its id, start instant and host key. */
	static final class Writer {
		static final Writer SELF = new Writer(ProcessHandle.current().pid(), ProcessHandle.current().info()
			.startInstant().map(Instant::toEpochMilli).orElse(0L), hostKey());

		final long pid, start;
		final String host;

		Writer(long pid, long start, String host) {
			this.pid = pid;
			this.start = start;
			this.host = host;
		}

		/** {@code <pid>-<start>-<host>}, the part of a name that identifies its writer. */
		String tag() {
			return pid + "-" + Long.toString(Math.max(0, start), 36) + "-" + host;
		}

		/**
		 * A hash of what tells this machine and PID namespace from others that may share a folder (an NFS mount,
		 * containers with one volume): the host name, {@code /etc/machine-id} (which outlives reboots, so a power
		 * cut's leftovers are recognised after it) and the PID namespace. {@link #UNKNOWN_HOST} without a host name.
		 */
		private static String hostKey() {
			String name = hostName();
			if (name == null || name.isEmpty()) return UNKNOWN_HOST;
			String id = name + "\n" + read(Paths.get("/etc/machine-id")) + "\n" + link(Paths.get("/proc/self/ns/pid"));
			try {
				byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
				String key = String.format("%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
				return key.equals(UNKNOWN_HOST) ? "00000001" : key;
			}
			catch (NoSuchAlgorithmException e) {
				throw new IllegalStateException("every JVM has SHA-256", e);
			}
		}

		private static String hostName() {
			String linux = read(Paths.get("/proc/sys/kernel/hostname"));
			if (!linux.isEmpty()) return linux;
			String windows = System.getenv("COMPUTERNAME");
			if (windows != null && !windows.isEmpty()) return windows;
			// macOS and the BSDs: the JDK resolves the name it asks for, which waits 5 s for mDNS on a Mac whose
			// name is in no resolver (a JDK behaviour, not reproducible on the Linux development machine)
			return within(() -> InetAddress.getLocalHost().getHostName(), LOOKUP_MILLIS);
		}

		/** How long the host name lookup may take before the key is unknown (its files then never look stale). */
		static final long LOOKUP_MILLIS = 1000;

		/** What {@code lookup} returns within {@code millis}, else null (also when it fails). */
		static String within(java.util.concurrent.Callable<String> lookup, long millis) {
			java.util.concurrent.FutureTask<String> task = new java.util.concurrent.FutureTask<>(lookup);
			Thread t = new Thread(task, "convolve2d-host-name");
			t.setDaemon(true);
			t.start();
			try {
				return task.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return null;
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
				return null;
			}
		}

		private static String read(Path file) {
			try {
				return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
			}
			catch (IOException | RuntimeException e) {
				return "";
			}
		}

		private static String link(Path file) {
			try {
				return Files.readSymbolicLink(file).toString();
			}
			catch (IOException | RuntimeException e) {
				return "";
			}
		}

		/** Linux: {@code /proc} may hide other users' processes, so an absent id proves only one's own dead. */
		static boolean hidesOtherUsers() {
			return Files.isDirectory(Paths.get("/proc/self"));
		}

		/** Whether {@code file} belongs to this process's user ({@code /proc/self}'s owner is its uid). */
		static boolean ownedBySelf(Path file) {
			try {
				Object self = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
				return self.equals(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));
			}
			catch (IOException | RuntimeException e) {
				return false;
			}
		}
	}
}
