package io.github.convolve2d.imagej;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.console.ConsoleService;
import org.scijava.startup.StartupService;

/**
 * A SciJava {@link Context} for a test class, as a Fiji script has one, without Fiji: every scijava-common service
 * (the command line's {@code --run} needs several), started before the class's first test and disposed after its
 * last; headless ImageJ reset before each test. {@code @RegisterExtension static final SciJavaContext SCIJAVA =
 * new SciJavaContext();}
 */
final class SciJavaContext implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

	private Context context;

	@Override
	public void beforeAll(ExtensionContext extension) {
		context = new Context();
	}

	@Override
	public void afterAll(ExtensionContext extension) {
		if (context != null) context.dispose();
		context = null;
	}

	@Override
	public void beforeEach(ExtensionContext extension) {
		HeadlessImageJ.reset();
	}

	/** Runs a command as a script does, with named inputs; {@code process}: SciJava's pre- and postprocessing. */
	CommandModule run(Class<? extends Command> command, boolean process, Object... inputs) throws Exception {
		return context.getService(CommandService.class).run(command, process, inputs).get();
	}

	/** What {@code ImageJ-linux64 --headless --run command:CLASS 'ARGS'} does: scijava-common's console handling. */
	void runFromCommandLine(Class<? extends Command> command, String args) {
		context.service(ConsoleService.class).processArgs("--run", "command:" + command.getName(), args);
		context.service(StartupService.class).executeOperations();
	}
}
