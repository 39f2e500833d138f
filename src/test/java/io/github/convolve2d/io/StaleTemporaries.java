package io.github.convolve2d.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Leftovers of killed writers, for tests: temporary file names of {@link TemporaryFiles} that name a process which
 * is gone (one this test started and killed) or a process id reused by another one.
 */
public final class StaleTemporaries {

	private StaleTemporaries() {
	}

	/** A process that ran on this machine and is gone: its id and start instant (epoch ms). */
	public static final class Dead {
		public final long pid, start;

		Dead(long pid, long start) {
			this.pid = pid;
			this.start = start;
		}
	}

	/** Starts a process, reads its id and start instant while it runs, kills it and waits for its end. */
	public static Dead process() throws IOException, InterruptedException {
		Process p = new ProcessBuilder("sleep", "30").start();
		try {
			long start = p.toHandle().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
			if (start == 0) throw new IllegalStateException("no start instant for a running process");
			return new Dead(p.pid(), start);
		}
		finally {
			p.destroyForcibly().waitFor();
		}
	}

	/** The name a writer with this id and start instant, on this machine, gives a file of the family. */
	public static String name(String prefix, String suffix, long pid, long start) {
		return prefix + new TemporaryFiles.Writer(pid, start, TemporaryFiles.Writer.SELF.host).tag() + "-k1ll3d"
			+ suffix;
	}

	/** A name of the family whose writer is gone, created in {@code folder} with some bytes. */
	public static Path plant(Path folder, String prefix, String suffix, Dead writer) throws IOException {
		return Files.write(folder.resolve(name(prefix, suffix, writer.pid, writer.start)), new byte[] { 'I', 'I', 42 });
	}

	/** A name of the family written by this (live) process, created in {@code folder}. */
	public static Path live(Path folder, String prefix, String suffix) throws IOException {
		return Files.write(folder.resolve(new TemporaryFiles(prefix, suffix).newName()), new byte[] { 'I', 'I', 42 });
	}
}
