package io.github.convolve2d;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** DESIGN.md's first rule: the core and kernel packages are pure Java and know nothing of ImageJ. */
class ArchitectureTest {

	private static final Pattern IJ_REFERENCE = Pattern.compile("(^|[^\\w.])(import\\s+(static\\s+)?)?ij\\.\\w");

	@Test
	void coreAndKernelDoNotUseImageJ() throws IOException {
		List<String> offenders = new ArrayList<>();
		int scanned = 0;
		for (String pkg : new String[] { "core", "kernel" }) {
			Path dir = Paths.get("src/main/java/io/github/convolve2d", pkg);
			try (Stream<Path> files = Files.walk(dir)) {
				for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
					scanned++;
					List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
					for (int n = 0; n < lines.size(); n++) {
						Matcher m = IJ_REFERENCE.matcher(lines.get(n));
						if (m.find()) offenders.add(f + ":" + (n + 1) + ": " + lines.get(n).trim());
					}
				}
			}
		}
		assertTrue(scanned >= 10, "expected to scan the core and kernel sources, found " + scanned);
		assertTrue(offenders.isEmpty(), "core/kernel must not use ImageJ:\n" + String.join("\n", offenders));
	}

	@Test
	void theScannerRecognisesImageJReferences() {
		assertTrue(IJ_REFERENCE.matcher("import ij.ImagePlus;").find());
		assertTrue(IJ_REFERENCE.matcher("    ij.IJ.log(\"x\");").find());
		assertTrue(!IJ_REFERENCE.matcher("import io.github.convolve2d.kernel.Kernel;").find());
		assertTrue(!IJ_REFERENCE.matcher("int obj.size = 1;").find());
	}
}
