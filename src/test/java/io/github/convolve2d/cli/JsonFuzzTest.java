package io.github.convolve2d.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.kernel.FuzzMessages;
import io.github.convolve2d.kernel.StrictJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code json} documents as careless users and attackers write them (issue 9): random cases with odd option
 * values, and character-level mutations of them, fixed seeds. Each document gives either results or one clear
 * message ({@link FuzzMessages#assertClear}), through the strict reader and the case runner the command uses;
 * any other exception (a bug) or a hang fails.
 */
class JsonFuzzTest {

	private static final String ALPHABET = "{}[]:,\"\"'0123456789 -.eE/#\ntrufalsn\\x9";
	private static final String[] MODES = { "valid", "same", "full", "vaild", "", "SAME" };
	private static final String[] BORDERS = { "constant", "reflect", "mirror", "wrap", "replicate", "nearest", "zero", "x" };
	private static final String[] METHODS = { "auto", "direct", "separable", "fft", "gpu" };
	private static final String[] NUMBERS = { "1", "1", "2", "3", "0", "-1", "0.5", "1e9", "2147483647", "2147483648",
		"1e39", "-3.5e38", "1e-300", "100000000", "2", "1.5" };

	@Test
	void randomAndMutatedDocumentsGiveResultsOrOneClearMessage() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			Random rnd = new Random(1202);
			int results = 0, messages = 0;
			for (int n = 0; n < 2000; n++) {
				String doc = randomCase(rnd);
				if (n % 2 > 0) doc = FuzzMessages.mutate(doc, rnd, ALPHABET);
				if (check(doc)) results++;
				else messages++;
			}
			assertTrue(results > 300 && messages > 600, results + " results, " + messages + " messages");
		});
	}

	@Test
	void deepLongAndOddDocumentsStayFast() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			String[] docs = { "[".repeat(100_000), "{\"a\":".repeat(50_000), "\"" + "x".repeat(200_000),
				"[" + "1,".repeat(20_000) + "1]", "{\"input\": [[" + "9".repeat(100_000) + "]], \"kernel\": [[1]]}",
				"{\"input\": [[1e" + "9".repeat(1000) + "]], \"kernel\": [[1]]}", "{\"" + "k".repeat(100_000) + "\": 1}",
				"[" + "{}, ".repeat(2_000) + "{}]", "{\"input\": [[1]], \"kernel\": [[1]], \"mode\": \"" + "s".repeat(100_000)
					+ "\"}", "\uFEFF{}", "{\"input\": [[1]], \"kernel\": [[1]]}\u0000" };
			Random rnd = new Random(77);
			for (String doc : docs) check(doc);
			for (int n = 0; n < 15; n++) check(FuzzMessages.mutate(docs[rnd.nextInt(docs.length)], rnd, ALPHABET));
		});
	}

	/** True when the document gave results (every case), false when it gave a clear message (for some case). */
	private static boolean check(String doc) {
		JsonElement in;
		try {
			in = StrictJson.parse(doc);
		}
		catch (UserException e) {
			FuzzMessages.assertClear(e.getMessage(), excerpt(doc));
			return false;
		}
		boolean all = true;
		for (JsonElement c : in.isJsonArray() ? in.getAsJsonArray() : java.util.List.of(in)) {
			JsonObject r = JsonCase.run(c, 1);
			if (r.has("error")) {
				FuzzMessages.assertClear(r.get("error").getAsString(), excerpt(doc));
				assertEquals(1, r.size(), excerpt(doc));
				all = false;
			}
			else {
				assertTrue(r.has("output") || r.has("outputs"), excerpt(doc));
			}
		}
		return all;
	}

	private static String excerpt(String doc) {
		return doc.length() > 300 ? doc.substring(0, 300) + "…" : doc;
	}

	private static String randomCase(Random rnd) {
		StringBuilder sb = new StringBuilder("{\"input\": ").append(matrix(rnd, 3 + rnd.nextInt(5), 3 + rnd.nextInt(5)));
		if (rnd.nextInt(4) == 0) {
			sb.append(", \"kernels\": [").append(matrix(rnd, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3))).append(", ")
				.append(matrix(rnd, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3))).append("]");
		}
		else {
			sb.append(", \"kernel\": ").append(matrix(rnd, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3)));
		}
		if (rnd.nextBoolean()) sb.append(", \"mode\": \"").append(MODES[rnd.nextInt(MODES.length)]).append('"');
		if (rnd.nextInt(3) == 0) sb.append(", \"border\": \"").append(BORDERS[rnd.nextInt(BORDERS.length)]).append('"');
		if (rnd.nextInt(4) == 0) sb.append(", \"cval\": ").append(NUMBERS[rnd.nextInt(NUMBERS.length)]);
		if (rnd.nextInt(3) == 0) sb.append(", \"stride\": ").append(axis(rnd));
		if (rnd.nextInt(3) == 0) sb.append(", \"dilation\": ").append(axis(rnd));
		if (rnd.nextInt(5) == 0) sb.append(", \"flip\": ").append(rnd.nextBoolean());
		if (rnd.nextInt(5) == 0) sb.append(", \"normalize\": ").append(rnd.nextBoolean());
		if (rnd.nextInt(4) == 0) sb.append(", \"method\": \"").append(METHODS[rnd.nextInt(METHODS.length)]).append('"');
		String c = sb.append('}').toString();
		return rnd.nextInt(6) == 0 ? "[" + c + ", " + c + "]" : c;
	}

	private static String axis(Random rnd) {
		String a = NUMBERS[rnd.nextInt(NUMBERS.length)];
		return rnd.nextInt(3) == 0 ? "[" + a + ", " + NUMBERS[rnd.nextInt(NUMBERS.length)] + "]" : a;
	}

	private static String matrix(Random rnd, int rows, int cols) {
		StringBuilder sb = new StringBuilder("[");
		for (int i = 0; i < rows; i++) {
			sb.append(i > 0 ? ", [" : "[");
			for (int j = 0; j < cols; j++) {
				if (j > 0) sb.append(", ");
				sb.append(rnd.nextInt(12) == 0 ? NUMBERS[rnd.nextInt(NUMBERS.length)]
					: String.format(Locale.ROOT, "%.3g", rnd.nextGaussian() * 10));
			}
			sb.append(']');
		}
		return sb.append(']').toString();
	}
}
