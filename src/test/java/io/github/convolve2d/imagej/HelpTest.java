package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

/** The dialog's Help page is bundled and names every macro key, as the README does. */
class HelpTest {

	@Test
	void helpAndReadmeNameEveryKey() throws IOException {
		String help = ConvolveDialog.help();
		assertTrue(help.startsWith("<html>"), "GenericDialog shows <html> text itself, no browser needed");
		String readme = new String(Files.readAllBytes(Paths.get("README.md")), StandardCharsets.UTF_8);
		for (String key : ConvolveSettings.KEYS) {
			assertTrue(help.contains(key), "help.html should name " + key);
			assertTrue(readme.contains("`" + key + "`"), "README should name `" + key + "`");
		}
		assertTrue(help.contains("4 megapixels") && readme.contains("4 megapixels"), "the preview's limit");
		// the layer dialog's page names its keys
		String layer = ConvolveDialog.help("layer-help.html");
		assertTrue(layer.startsWith("<html>"), "layer-help.html");
		for (String key : LayerSettings.KEYS) assertTrue(layer.contains(key), "layer-help.html should name " + key);
	}
}
