package io.github.convolve2d.cli;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.kernel.Preset;
import io.github.convolve2d.kernel.Presets;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code kernels}: lists the preset kernels (id, label and matrix) that every front end accepts by name. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
	description = { "Lists the preset kernels: id, label and matrix.",
		"A preset is named by its id or label (any case); parameterised ones take their parameter as "
			+ "id:value (gaussian:2.5) or 'Label σ=value' (Gaussian σ=2.5)." })
final class KernelsCommand implements Callable<Integer> {

	@picocli.CommandLine.Spec
	private picocli.CommandLine.Model.CommandSpec spec;

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		for (Preset p : Presets.all()) {
			Kernel k = p.kernel();
			// a parameterised preset by its default (Gaussian σ=1) and the range its parameter takes
			out.printf("%-14s %s%s  (%d×%d)%n", p.id(), p.isParameterised() ? p.nameFor(p.defaultParameter()) : p.label(),
				p.isParameterised() ? " (" + p.parameterName() + " from " + number(Preset.MIN_PARAMETER) + " to "
					+ number(Preset.MAX_PARAMETER) + ", e.g. " + p.id() + ":2)" : "", k.width(), k.height());
			for (String row : k.toText().split("\n")) out.println("    " + row);
		}
		out.flush();
		return 0;
	}

	private static String number(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}
}
