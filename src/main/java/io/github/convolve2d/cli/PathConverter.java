package io.github.convolve2d.cli;

import io.github.convolve2d.batch.BatchPlan;
import picocli.CommandLine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Turns a command-line argument into a path, with a reason a user can act on when the locale cannot express it
 * (a non-ASCII name under {@code LANG=C}) instead of Java's "Malformed input or input contains unmappable
 * characters" and an exception name.
 */
final class PathConverter implements CommandLine.ITypeConverter<Path> {

	@Override
	public Path convert(String value) {
		try {
			return Paths.get(value);
		}
		catch (InvalidPathException e) {
			throw new CommandLine.TypeConversionException("the name '" + value + "' " + BatchPlan.NOT_IN_ENCODING);
		}
	}
}
