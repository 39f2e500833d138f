package io.github.convolve2d.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.convolve2d.batch.InputScanner;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The plan of Hadoop paths, where it differs from batch's local listing in what a file system can refuse. */
class HadoopPlanTest {

	@TempDir
	java.nio.file.Path tmp;

	/** The local disk, but a folder named {@code locked} refuses its listing as HDFS refuses one without permission. */
	public static final class LockedFolders extends RawLocalFileSystem {
		@Override
		public FileStatus[] listStatus(Path f) throws IOException {
			if (f.getName().equals("locked")) {
				throw new AccessControlException("Permission denied: user=someone, access=READ_EXECUTE, inode=\"" + f
					+ "\"");
			}
			return super.listStatus(f);
		}
	}

	/** The local disk, but a path named {@code unreachable} is on a server that refuses connections. */
	public static final class Unreachable extends RawLocalFileSystem {
		@Override
		public FileStatus getFileStatus(Path f) throws IOException {
			if (f.getName().equals("unreachable")) {
				throw new java.net.ConnectException("Call From vm/127.0.0.1 to localhost:1 failed on connection "
					+ "exception: java.net.ConnectException: Connection refused");
			}
			return super.getFileStatus(f);
		}
	}

	/**
	 * An output folder on a file system that cannot be reached is named as such: it was reported as "cannot list the
	 * inputs: Call From ...".
	 */
	@Test
	void anOutputFolderThatCannotBeReachedIsNamed() throws IOException {
		java.nio.file.Path in = Files.createDirectories(tmp.resolve("in"));
		Files.write(in.resolve("c.tif"), new byte[] { 1 });
		Configuration conf = new Configuration();
		conf.set("fs.file.impl", Unreachable.class.getName());
		conf.setBoolean("fs.file.impl.disable.cache", true);
		String out = tmp.resolve("unreachable").toString();
		io.github.convolve2d.core.UserException e = org.junit.jupiter.api.Assertions.assertThrows(
			io.github.convolve2d.core.UserException.class, () -> HadoopPlan.of(List.of(in.toString()),
				new InputScanner(false, List.of(), List.of()), out, "", conf));
		assertEquals("cannot write into the output folder '" + out + "': Call From vm/127.0.0.1 to localhost:1 failed "
			+ "on connection exception: java.net.ConnectException: Connection refused", e.getMessage());
	}

	/**
	 * A sub-folder that cannot be listed is a failure of its own, with batch's reason, and the other files are
	 * planned (it failed the whole listing: a usage error, nothing converted).
	 */
	@Test
	void anUnreadableSubFolderIsOneFailureAsInBatch() throws IOException {
		java.nio.file.Path in = Files.createDirectories(tmp.resolve("in"));
		Files.createDirectories(in.resolve("locked"));
		Files.write(in.resolve("locked/a.tif"), new byte[] { 1 });
		Files.createDirectories(in.resolve("open"));
		Files.write(in.resolve("open/b.tif"), new byte[] { 1 });
		Files.write(in.resolve("c.tif"), new byte[] { 1 });
		Configuration conf = new Configuration();
		conf.set("fs.file.impl", LockedFolders.class.getName());
		conf.setBoolean("fs.file.impl.disable.cache", true);

		HadoopPlan.Result plan = HadoopPlan.of(List.of(in.toString()), new InputScanner(true, List.of(), List.of()),
			tmp.resolve("out").toString(), "", conf);

		Map<String, FileTask> byInput = new TreeMap<>();
		for (FileTask t : plan.tasks) byInput.put(new Path(t.input).getName(), t);
		assertEquals(List.of("c.tif", "locked", "b.tif"), plan.tasks.stream().map(t -> new Path(t.input).getName())
			.collect(java.util.stream.Collectors.toList()), "in the order of their paths below the input folder");
		assertEquals("cannot read this folder: permission denied; the files in it are not convolved",
			byInput.get("locked").problem);
		assertNull(byInput.get("b.tif").problem);
		assertNull(byInput.get("c.tif").problem);
	}
}
