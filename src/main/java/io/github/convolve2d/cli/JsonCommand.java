package io.github.convolve2d.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.convolve2d.batch.BatchPlan;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.FileBytes;
import io.github.convolve2d.kernel.StrictJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;

/**
 * {@code json [FILE|-]}: reads JSON cases (one case object or an array of them) and prints each case's
 * feature map as JSON, in order. A bad case prints {@code {"error": ...}} in its place while the others are
 * still computed. Exit 0 when every case is good, 1 otherwise, 2 when the file cannot be read.
 */
@Command(name = "json", mixinStandardHelpOptions = true,
	description = { "Convolves matrices given as JSON and prints the feature maps as JSON.",
		"In: {\"input\": [[...]], \"kernel\": [[...]]} or an array of such objects; optional keys: mode "
			+ "(valid|same|full), border (constant|replicate|reflect|mirror|wrap), cval, stride (n or [sy,sx]), "
			+ "dilation (n or [dy,dx]), flip, normalize, method, or \"kernels\": [K1, K2, ...] instead of \"kernel\".",
		"A convolution layer: \"input\" as C×H×W with \"weights\" (O × C/groups × kh × kw) instead of a kernel, "
			+ "optional \"bias\" (O values), \"groups\" and \"activation\": \"relu\"; out: {\"outputs\": [O × H' × W']}.",
		"Out: {\"output\": [[...]]} ({\"outputs\": [...]} for \"kernels\"), {\"error\": \"...\"} for a bad case; "
			+ "an array in gives an array out. NaN and infinite results print as null.",
		"Exit codes: 0 all cases good, 1 some case failed, 2 usage error." })
final class JsonCommand implements Callable<Integer> {

	private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

	@Parameters(index = "0", arity = "0..1", paramLabel = "FILE|-", description = "JSON file; '-' or none reads stdin.")
	private String file;

	@Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
	private Integer threads;

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	@Override
	public Integer call() {
		String text;
		try {
			text = read();
		}
		catch (IOException e) {
			throw new CommandLine.ParameterException(spec.commandLine(),
				"cannot read " + (file == null || file.equals("-") ? "stdin" : "'" + file + "'") + ": " + describe(e));
		}
		int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
		if (nThreads < 1) {
			throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
		}
		PrintWriter out = spec.commandLine().getOut();
		try {
			return run(text, nThreads, out);
		}
		catch (OutOfMemoryError e) {
			return error(out, Main.outOfMemory("json"));
		}
	}

	/** Heap a value of the input takes once parsed (its JSON tree node and text), with room for its result. */
	private static final long PARSED_BYTES_PER_VALUE = 128;

	private static int error(PrintWriter out, String message) {
		JsonObject error = new JsonObject();
		error.addProperty("error", message);
		out.println(GSON.toJson(error));
		out.flush();
		return 1;
	}

	private static int run(String text, int nThreads, PrintWriter out) {
		long values = 1;
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == ',') values++;
		}
		long free = Runtime.getRuntime().maxMemory() - (Runtime.getRuntime().totalMemory()
			- Runtime.getRuntime().freeMemory());
		if (values * PARSED_BYTES_PER_VALUE > free) {
			return error(out, String.format(java.util.Locale.ROOT, "the input holds about %,d values, more than this "
				+ "Java heap can parse (about %,d); give java more memory (-Xmx), or use the batch command for images",
				values, free / PARSED_BYTES_PER_VALUE));
		}
		JsonElement in;
		try {
			in = StrictJson.parse(text);
		}
		catch (UserException e) {
			return error(out, "the input is " + e.getMessage());
		}
		boolean allGood = true;
		if (in.isJsonArray()) {
			JsonArray results = new JsonArray();
			for (JsonElement c : in.getAsJsonArray()) {
				JsonObject r = JsonCase.run(c, nThreads);
				allGood &= !r.has("error");
				results.add(r);
			}
			out.println(GSON.toJson(results));
		}
		else {
			JsonObject r = JsonCase.run(in, nThreads);
			allGood = !r.has("error");
			out.println(GSON.toJson(r));
		}
		out.flush();
		return allGood ? 0 : 1;
	}

	/**
	 * The text of the file or of stdin, up to a limit that the heap can parse (a JSON value's tree takes many
	 * times its text), so that endless input ends with a message rather than filling the heap; a leading
	 * byte-order mark is dropped.
	 */
	private String read() throws IOException {
		long most = Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 8);
		String tooLarge = "it holds more than " + (most >> 20) + " MB of JSON, more than this Java heap can parse; "
			+ "give java more memory (-Xmx), or use the batch command for images";
		byte[] bytes;
		if (file == null || file.equals("-")) {
			InputStream stdin = System.in;
			bytes = stdin.readNBytes((int) most + 1);
			if (bytes.length > most) throw new IOException(tooLarge);
		}
		else {
			Path path;
			try {
				path = Paths.get(file);
			}
			catch (InvalidPathException e) {
				throw new IOException("its name " + BatchPlan.NOT_IN_ENCODING);
			}
			if (Files.isDirectory(path)) throw new IOException("it is a folder, not a file");
			if (Files.size(path) > most) throw new IOException(tooLarge);
			bytes = Files.readAllBytes(path);
		}
		return FileBytes.text(bytes);
	}

	private static String describe(IOException e) {
		if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
		if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
		return e.getMessage();
	}
}
