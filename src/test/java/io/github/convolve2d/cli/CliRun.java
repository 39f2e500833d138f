package io.github.convolve2d.cli;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One run of the command line in this JVM ({@link Main#commandLine()}, as {@code convolve2d ARGS} runs it) with
 * its exit code and what it printed: the one way the tests run a command, here and in the Spark module (which
 * reads this class from the tests jar).
 */
public final class CliRun {

	/** The exit code. */
	public final int code;
	/** Standard output and standard error, without leading and trailing white space. */
	public final String out, err;

	/** A run's outcome, for runners of other command lines (the Spark job's) that print the same way. */
	public CliRun(int code, String out, String err) {
		this.code = code;
		this.out = out.trim();
		this.err = err.trim();
	}

	/** Runs {@code convolve2d ARGS}, each argument as its text (paths and numbers too). */
	public static CliRun run(Object... args) {
		return withStdin(null, args);
	}

	/** Runs {@code convolve2d ARGS} with {@code stdin} (UTF-8) as standard input; null leaves it as it is. */
	public static CliRun withStdin(String stdin, Object... args) {
		CommandLine cli = Main.commandLine();
		StringWriter out = new StringWriter(), err = new StringWriter();
		cli.setOut(new PrintWriter(out));
		cli.setErr(new PrintWriter(err));
		String[] text = new String[args.length];
		for (int i = 0; i < args.length; i++) text[i] = String.valueOf(args[i]);
		InputStream saved = System.in;
		try {
			if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
			int code = cli.execute(text);
			return new CliRun(code, out.toString(), err.toString());
		}
		finally {
			System.setIn(saved);
		}
	}

	@Override
	public String toString() {
		return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
	}
}
