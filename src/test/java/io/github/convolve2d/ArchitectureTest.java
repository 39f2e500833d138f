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
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * DESIGN.md's rules of the house: layers import downward only, and the core, kernel and io packages are pure Java
 * that knows nothing of ImageJ.
 */
class ArchitectureTest {

	private static final Path SOURCES = Paths.get("src/main/java/io/github/convolve2d");
	private static final Pattern PROJECT_IMPORT =
		Pattern.compile("^import\\s+(static\\s+)?io\\.github\\.convolve2d\\.(\\w+)\\.");

	/** Which of the project's packages each package may import; a package not listed here may import none. */
	private static final Map<String, Set<String>> ALLOWED = Map.of(
		"core", Set.of(),
		"kernel", Set.of("core"),
		"io", Set.of("core"),
		"image", Set.of("core", "kernel", "io"),
		"imagej", Set.of("core", "kernel", "io", "image"),
		"batch", Set.of("core", "kernel", "io", "image"),
		"cli", Set.of("core", "kernel", "io", "image", "batch"));

	@Test
	void layersImportDownwardOnly() throws IOException {
		List<String> offenders = new ArrayList<>();
		int scanned = 0;
		try (Stream<Path> files = Files.walk(SOURCES)) {
			for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
				scanned++;
				String pkg = SOURCES.relativize(f).getName(0).toString();
				Set<String> allowed = ALLOWED.getOrDefault(pkg, Set.of());
				List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
				for (int n = 0; n < lines.size(); n++) {
					Matcher m = PROJECT_IMPORT.matcher(lines.get(n));
					if (m.find() && !m.group(2).equals(pkg) && !allowed.contains(m.group(2))) {
						offenders.add(f + ":" + (n + 1) + ": " + pkg + " imports " + m.group(2));
					}
				}
			}
		}
		assertTrue(scanned >= 40, "expected to scan the main sources, found " + scanned);
		assertTrue(offenders.isEmpty(), "imports against DESIGN.md's layers:\n" + String.join("\n", offenders));
	}

	private static final Pattern IJ_REFERENCE = Pattern.compile("(^|[^\\w.])(import\\s+(static\\s+)?)?ij\\.\\w");

	@Test
	void coreAndKernelDoNotUseImageJ() throws IOException {
		List<String> offenders = new ArrayList<>();
		int scanned = 0;
		for (String pkg : new String[] { "core", "kernel", "io" }) {
			Path dir = SOURCES.resolve(pkg);
			if (!Files.isDirectory(dir)) continue;
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
		assertTrue(!IJ_REFERENCE.matcher("import io.github.convolve2d.core.Kernel;").find());
		assertTrue(!IJ_REFERENCE.matcher("int obj.size = 1;").find());
	}
}
