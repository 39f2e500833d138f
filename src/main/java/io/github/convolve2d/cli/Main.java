package io.github.convolve2d.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code convolve2d} command line: {@code java -jar convolve2d-cli.jar <command> ...}. Each sub-command is
 * its own class; this one only wires them together. Exit codes: 0 success, 1 some work failed, 2 usage error.
 */
@Command(name = "convolve2d", mixinStandardHelpOptions = true, version = "Convolve 2D 0.1.0",
	description = "Fast, exact 2D convolution (cross-correlation as in CNNs) of images and JSON matrices.",
	subcommands = { JsonCommand.class, BatchCommand.class, KernelsCommand.class, BenchCommand.class,
		CommandLine.HelpCommand.class })
public final class Main implements Runnable {

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
		cli.registerConverter(java.nio.file.Path.class, new PathConverter());
		// a usage error prints a short message and where to find help, not the whole option list that buries it
		cli.setParameterExceptionHandler(UsageErrors::handle);
		return cli;
	}

	public static void main(String[] args) {
		// Image I/O must never need a display: set before any AWT or ImageJ class loads.
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		System.exit(commandLine().execute(args));
	}
}
