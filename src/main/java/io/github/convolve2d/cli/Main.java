package io.github.convolve2d.cli;

import io.github.convolve2d.core.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code convolve2d} command line: {@code java -jar convolve2d-cli.jar <command> ...}. Each sub-command is
 * its own class; this one only wires them together. Exit codes: 0 success, 1 some work failed, 2 usage error.
 */
@Command(name = "convolve2d", mixinStandardHelpOptions = true, version = Main.VERSION,
	description = "Fast, exact 2D convolution (cross-correlation as in CNNs) of images and JSON matrices.",
	subcommands = { JsonCommand.class, BatchCommand.class, KernelsCommand.class, BenchCommand.class,
		CommandLine.HelpCommand.class })
public final class Main implements Runnable {

	/** What {@code --version} prints, for this command and each sub-command. */
	static final String VERSION = "Convolve 2D 0.1.0";

	/** Exit code of a usage error (unknown command or option, unreadable file). */
	public static final int USAGE = 2;

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		throw new CommandLine.ParameterException(spec.commandLine(),
			"a command is needed: json, batch, kernels, bench, help");
	}

	/** Builds the command line with its sub-commands; used by {@link #main} and by tests. */
	public static CommandLine commandLine() {
		CommandLine cli = new CommandLine(new Main());
		// picocli gives a sub-command's -V/--version (listed in its --help) only the version it declares itself
		for (CommandLine sub : cli.getSubcommands().values()) sub.getCommandSpec().version(VERSION);
		cli.registerConverter(java.nio.file.Path.class, new PathConverter());
		// a usage error prints a short message and where to find help, not the whole option list that buries it
		cli.setParameterExceptionHandler(UsageErrors::handle);
		cli.setExecutionExceptionHandler(Main::failed);
		return cli;
	}

	/**
	 * A command that failed as it ran. A user's mistake ({@link UserException}) that a command did not turn into
	 * its own message, and a JVM out of memory, print one line and exit 1; anything else is a bug and keeps its
	 * stack trace.
	 */
	private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
		Throwable cause = e;
		while (cause.getCause() != null && !(cause instanceof UserException)) cause = cause.getCause();
		if (!(cause instanceof UserException)) throw e;
		cl.getErr().println(cl.getColorScheme().errorText(cl.getCommandSpec().qualifiedName() + ": "
			+ cause.getMessage()));
		cl.getErr().flush();
		return 1;
	}

	/** The one-line message for a JVM that ran out of memory while running {@code command}. */
	static String outOfMemory(String command) {
		long mb = Runtime.getRuntime().maxMemory() >> 20;
		return command + ": not enough memory (the Java heap holds at most " + mb + " MB); give java more, e.g. java -Xmx"
			+ Math.max(2, 2 * ((mb + 1023) >> 10)) + "g -jar convolve2d-cli.jar ..., or make the work smaller";
	}

	public static void main(String[] args) {
		// Image I/O must never need a display: set before any AWT or ImageJ class loads.
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		int code;
		try {
			code = commandLine().execute(args);
		}
		catch (OutOfMemoryError e) {
			System.err.println(outOfMemory("convolve2d " + (args.length > 0 ? args[0] : "")));
			code = 1;
		}
		System.exit(code);
	}

}
