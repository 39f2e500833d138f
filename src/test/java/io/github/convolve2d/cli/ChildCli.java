package io.github.convolve2d.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command line in a child JVM, for what an in-process run cannot show: signals, the locale's file name
 * encoding, permissions enforced on root (through {@code setpriv}). Uses this JVM's java and class path.
 */
final class ChildCli {

	final Process process;
	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
	private final Thread outPump, errPump;

	private ChildCli(Process process) {
		this.process = process;
		outPump = pump(process.getInputStream(), out);
		errPump = pump(process.getErrorStream(), err);
	}

	/**
	 * Starts {@code prefix... java -cp ... Main args...} with {@code env} added to this process's environment
	 * (a null value removes the variable).
	 */
	static ChildCli start(List<String> prefix, Map<String, String> env, Object... args) throws IOException {
		List<String> cmd = new ArrayList<>(prefix);
		cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		cmd.addAll(Arrays.asList("-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
			Main.class.getName()));
		for (Object a : args) cmd.add(String.valueOf(a));
		ProcessBuilder pb = new ProcessBuilder(cmd);
		for (Map.Entry<String, String> e : env.entrySet()) {
			if (e.getValue() == null) pb.environment().remove(e.getKey());
			else pb.environment().put(e.getKey(), e.getValue());
		}
		return new ChildCli(pb.start());
	}

	private static Thread pump(InputStream in, ByteArrayOutputStream to) {
		Thread t = new Thread(() -> {
			byte[] buf = new byte[8192];
			try {
				for (int n; (n = in.read(buf)) > 0; ) {
					synchronized (to) {
						to.write(buf, 0, n);
					}
				}
			}
			catch (IOException e) {
				// the process ended
			}
		});
		t.setDaemon(true);
		t.start();
		return t;
	}

	String out() {
		synchronized (out) {
			return new String(out.toByteArray(), StandardCharsets.UTF_8);
		}
	}

	String err() {
		synchronized (err) {
			return new String(err.toByteArray(), StandardCharsets.UTF_8);
		}
	}

	/** Waits for the end (at most {@code seconds}, then kills it); returns the exit code. */
	int waitFor(long seconds) {
		try {
			if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor();
				throw new AssertionError("the command did not end within " + seconds + " s\n" + this);
			}
			outPump.join(5000);
			errPump.join(5000);
			return process.exitValue();
		}
		catch (InterruptedException e) {
			throw new UncheckedIOException(new IOException(e));
		}
	}

	/** Sends a signal ({@code INT}, {@code TERM}) with kill(1). */
	void signal(String name) throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
	}

	@Override
	public String toString() {
		return "stdout: " + out() + "\nstderr: " + err();
	}
}
