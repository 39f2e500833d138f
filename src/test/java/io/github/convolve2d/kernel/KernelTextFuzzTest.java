package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel text as careless users and attackers write it (issue 9): random texts over the grammar's characters and
 * mutations of valid kernels, fixed seeds. Each gives a kernel (rectangular, every value within the float range)
 * or one clear message ({@link FuzzMessages#assertClear}); anything else (another exception, a hang) fails.
 */
class KernelTextFuzzTest {

	private static final String ALPHABET = "0123456789 0123456789 ..,,;;//--++eE\n\t\r[]x\\nNaI∞−٣ ,";
	private static final String[] VALID = { "1 2 1; 2 4 2; 1 2 1", "-1 0 1\n-2 0 2\n-1 0 1", "1/9 1/9 1/9",
		"0.25, 0.5, 0.25", "1e-3 -2.5E+2; .5 +1", "0 1 0\\n1 -4 1\\n0 1 0", "3.4e38 -3.4e38", "1,2,1;2,4,2" };

	@Test
	void randomAndMutatedKernelTextsGiveAKernelOrOneClearMessage() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			Random rnd = new Random(20261202);
			int kernels = 0, messages = 0;
			for (int n = 0; n < 4000; n++) {
				String text = n % 2 == 0 ? random(rnd) : FuzzMessages.mutate(VALID[rnd.nextInt(VALID.length)], rnd, ALPHABET);
				if (check(text)) kernels++;
				else messages++;
			}
			// both outcomes must be common, or the generator tests nothing
			assertTrue(kernels > 400 && messages > 400, kernels + " kernels, " + messages + " messages");
		});
	}

	@Test
	void longAndPathologicalTextsStayFast() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			Random rnd = new Random(9);
			String[] big = { "9".repeat(200_000) + "x", "1 " + "1".repeat(200_000) + ".", "1" + " ".repeat(200_000) + ",1",
				"1/" + "0".repeat(100_000), "1e" + "9".repeat(100_000), ";".repeat(100_000), ",".repeat(100_000) + "1",
				"1 ".repeat(50_000) + "x", "0,5 ".repeat(10_000), "[".repeat(100_000), "\\n".repeat(50_000) + "1" };
			for (String text : big) check(text);
			for (int n = 0; n < 50; n++) check(FuzzMessages.mutate(big[rnd.nextInt(big.length)], rnd, ALPHABET));
		});
	}

	/** True for a kernel, false for a clear message. */
	private static boolean check(String text) {
		Kernel k;
		try {
			k = KernelParser.parse(text);
		}
		catch (UserException e) {
			FuzzMessages.assertClear(e.getMessage(), "'" + text + "'");
			return false;
		}
		for (double[] row : k.toRows()) {
			assertTrue(row.length == k.width(), text);
			for (double v : row) assertTrue(Math.abs(v) <= Float.MAX_VALUE, text + " gave " + v);
		}
		return true;
	}

	private static String random(Random rnd) {
		int length = rnd.nextInt(40);
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < length; i++) {
			// mostly digits and spaces, so that many texts are kernels
			sb.append(rnd.nextInt(3) > 0 ? " 0123456789 ".charAt(rnd.nextInt(12)) : ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
		}
		return sb.toString();
	}
}
