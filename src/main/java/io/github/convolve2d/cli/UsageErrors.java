package io.github.convolve2d.cli;

import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.Suggestions;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.Presets;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one wording of a command-line mistake: a short message (every echoed value as an {@link Excerpt}), the
 * closest command or option when the name looks like a typo ({@link Suggestions}: {@code btach} → {@code batch},
 * {@code --thread} → {@code --threads}), a hint to quote a kernel typed as several arguments
 * ({@code --kernel -1 0 1}), and where to find help. Exit code 2.
 */
final class UsageErrors {

	/** Options whose value is text that holds spaces, so that an unquoted value falls apart into arguments. */
	private static final List<String> TEXT_OPTIONS = List.of("--kernel", "--preset", "--kernel-file");
	/** Most characters of a quoted value (a file path, say) kept in a message. */
	private static final int QUOTED_MAX = 300;
	/** A quoted value in picocli's messages and ours: {@code 'text'}. */
	private static final Pattern QUOTED = Pattern.compile("'([^']{" + (QUOTED_MAX + 1) + ",})'");

	private UsageErrors() {
	}

	/** Prints the message for {@code e} (raised while parsing {@code args}) and returns the exit code. */
	static int handle(CommandLine.ParameterException e, String[] args) {
		CommandLine failed = e.getCommandLine();
		PrintWriter err = failed.getErr();
		err.println(failed.getColorScheme().errorText(message(e, args)));
		err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for the options.");
		err.flush();
		return failed.getCommandSpec().exitCodeOnInvalidInput();
	}

	/** The message for a usage error, one or two lines. */
	static String message(CommandLine.ParameterException e, String[] args) {
		CommandSpec spec = e.getCommandLine().getCommandSpec();
		if (e instanceof CommandLine.UnmatchedArgumentException) {
			List<String> unmatched = ((CommandLine.UnmatchedArgumentException) e).getUnmatched();
			if (!unmatched.isEmpty()) return unmatched(spec, unmatched, args);
		}
		return shorten(inWords(e.getMessage()));
	}

	/** picocli's text for a value of the wrong type: {@code Invalid value for option '--cval': 'a' is not a double}. */
	private static final Pattern NOT_A_TYPE = Pattern.compile(
		"Invalid value for option '([^']+)'(?: \\([^)]*\\))?: '(.*)' is not an? (int|long|double|float|boolean)",
		Pattern.DOTALL);

	/** A type conversion error in words instead of Java's type names ({@code int}, {@code double}). */
	private static String inWords(String message) {
		Matcher m = message == null ? null : NOT_A_TYPE.matcher(message);
		if (m == null || !m.matches()) return message;
		String option = m.group(1), value = m.group(2);
		switch (m.group(3)) {
			case "boolean":
				return option + " takes no value (or true or false), got '" + value + "'";
			case "double":
			case "float":
				return option + " must be a number such as 2, -0.5 or 1e-3, got '" + value + "'"
					+ (value.matches("[+-]?\\d*,\\d+") ? "; write a decimal point, not a comma" : "");
			default:
				return option + " must be a whole number (at most 2147483647), got '" + value + "'";
		}
	}

	private static String unmatched(CommandSpec spec, List<String> unmatched, String[] args) {
		String first = unmatched.get(0);
		int at = indexOf(args, unmatched);
		String before = at > 0 ? args[at - 1] : null;
		String option = at > 1 ? args[at - 2] : null;
		if (first.startsWith("-") && !isNumber(first)) {
			List<String> names = new ArrayList<>(spec.optionsMap().keySet());
			String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
			String torch = Suggestions.pyTorch(name, o -> "--" + o);
			return "unknown option '" + Excerpt.of(name) + "'"
				+ (torch.isEmpty() ? Suggestions.didYouMean(name, longNamesFirst(names)) : torch);
		}
		// --kernel -1 0 1: the value was cut at the first space
		if (option != null && TEXT_OPTIONS.contains(option) && !before.startsWith("--")) {
			List<String> all = new ArrayList<>();
			all.add(before);
			all.addAll(unmatched);
			String joined = String.join(" ", all);
			if (partOfValue(option, unmatched, joined)) {
				return "'" + Excerpt.of(first) + "' follows " + option + " '" + Excerpt.of(before) + "' but is not an "
					+ "option; a value with spaces must be quoted as one argument: " + option + " \"" + Excerpt.of(joined)
					+ "\"";
			}
		}
		if (!spec.subcommands().isEmpty()) {
			List<String> commands = new ArrayList<>(spec.subcommands().keySet());
			String hint = Suggestions.didYouMean(first, commands);
			return "unknown command '" + Excerpt.of(first) + "'" + (hint.isEmpty() ? "; the commands are "
				+ String.join(", ", commands) : hint);
		}
		String hint = isNumber(first) || first.contains(";") ? "; a value with spaces (a kernel such as \"-1 0 1\") "
			+ "must be quoted as one argument" : exists(first) ? "; inputs are given with -i (-i a.tif b.tif)" : "";
		return "unexpected argument '" + Excerpt.of(first) + "'" + (unmatched.size() > 1 ? " (and "
			+ (unmatched.size() - 1) + " more)" : "") + hint;
	}

	/**
	 * Whether the arguments after a text option's value read as the rest of that value, so that quoting is the fix:
	 * numbers after {@code --kernel}, a preset's name with spaces, a kernel file's path with spaces; not a stray
	 * input path after them.
	 */
	private static boolean partOfValue(String option, List<String> rest, String joined) {
		switch (option) {
			case "--kernel":
				for (String r : rest) if (!r.matches("[-+0-9.,;/eE]+")) return false; // the characters of kernel text
				return true;
			case "--preset":
				try {
					Presets.resolve(joined);
					return true;
				}
				catch (UserException e) {
					return false;
				}
			default:
				return exists(joined);
		}
	}

	private static boolean exists(String path) {
		try {
			return Files.exists(Paths.get(path));
		}
		catch (InvalidPathException e) {
			return false;
		}
	}

	/** {@code --threads} before {@code -t}: a typo of a long name is the likelier one. */
	private static List<String> longNamesFirst(List<String> names) {
		List<String> sorted = new ArrayList<>();
		for (String n : names) if (n.startsWith("--")) sorted.add(n);
		for (String n : names) if (!n.startsWith("--")) sorted.add(n);
		return sorted;
	}

	private static boolean isNumber(String s) {
		return s.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?(/\\d+)?[,;]?");
	}

	/** Where the unmatched arguments start in {@code args} (the last place they all follow), or -1. */
	private static int indexOf(String[] args, List<String> unmatched) {
		for (int i = args.length - unmatched.size(); i >= 0; i--) {
			boolean all = true;
			for (int k = 0; k < unmatched.size() && all; k++) all = args[i + k].equals(unmatched.get(k));
			if (all) return i;
		}
		return -1;
	}

	/** A picocli message with every long quoted value cut to an {@link Excerpt}. */
	static String shorten(String message) {
		if (message == null) return "invalid arguments";
		Matcher m = QUOTED.matcher(message);
		StringBuilder sb = new StringBuilder();
		while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement("'" + Excerpt.of(m.group(1), QUOTED_MAX) + "'"));
		m.appendTail(sb);
		String s = sb.toString();
		return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
	}
}
