package io.github.convolve2d.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;
import ij.plugin.frame.Recorder;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.kernel.Preset;
import io.github.convolve2d.kernel.Presets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line the Recorder writes for a dialog run replays to the same pixels: the settings the dialog hands over
 * ({@link DialogKernel} driven as a user drives the dialog) are recorded through ImageJ's Recorder, the line is checked to be ASCII (ImageJ warns about anything else and
 * {@code -batch} mangles it), written into a macro file and run by ImageJ's macro interpreter as {@code -batch}
 * runs one ({@code IJ.runMacroFile}), and the replayed feature maps must equal the dialog run's pixel for pixel,
 * with the same title. Cases: every preset (parameterised ones at a σ other than their default), every bank the
 * dialog offers, a typed kernel, a kernel opened from a file (its name kept), and forced options.
 */
class RecordedLinesReplayTest {

	private static final String IMAGE = "microaneurysms.png";

	@TempDir
	static Path dir;

	@BeforeEach
	void reset() {
		HeadlessImageJ.reset();
	}

	/** The settings of a dialog run: the kernel part driven as a user drives it, plus other options. */
	private static ConvolveSettings dialogRun(DialogKernel kernel, String otherOptions) {
		Map<String, String> values = new LinkedHashMap<>(kernel.options());
		values.putAll(MacroOptions.parse(otherOptions).asMap());
		return ConvolveSettings.from(MacroOptions.of(values));
	}

	private static DialogKernel fresh() {
		return DialogKernel.from(MacroOptions.parse(""));
	}

	static Stream<Arguments> dialogRuns() throws IOException {
		List<Arguments> runs = new ArrayList<>();
		for (Preset p : Presets.all()) {
			DialogKernel d = fresh();
			d.choose(p.label(), "2.5"); // σ other than the default where a preset takes it
			runs.add(Arguments.of("preset " + p.label(), dialogRun(d, "")));
		}
		for (String bank : DialogKernel.BANKS) {
			DialogKernel d = fresh();
			d.choose(bank, "1");
			runs.add(Arguments.of("bank " + bank, dialogRun(d, "stack")));
		}
		DialogKernel typed = fresh();
		typed.edited("0.1 0.2 0.3\n-1 2.5e-3 1\n0.3333333333333333 0 -7\n");
		runs.add(Arguments.of("typed kernel", dialogRun(typed, "border=constant cval=3")));
		DialogKernel forced = fresh();
		forced.edited("-1 0 1\n-2 0 2\n-1 0 1\n|\n0 1 0\n1 -4 1\n0 0.5 0\n");
		runs.add(Arguments.of("forced options", dialogRun(forced,
			"mode=full border=wrap stride=2,1 dilation=2 method=direct flip normalize")));
		Path file = Files.createTempFile("ridge", ".txt");
		Files.write(file, "0.1\t0.7071067811865476\t0.1\n-0.3333333333333333\t1e-4\t-0.3333333333333333\n"
			.getBytes(StandardCharsets.UTF_8));
		DialogKernel opened = fresh();
		opened.open(file);
		Files.delete(file);
		runs.add(Arguments.of("kernel opened from a file", dialogRun(opened, "")));
		// names ImageJ's recorder writes as they are into the quoted macro line: a double quote ended the string, a
		// backslash started an escape, and a leading single quote was read back as quoting the value
		Path folder = Files.createTempDirectory("kernels");
		for (String name : new String[] { "say \"edge\".txt", "back\\slash.txt", "'q'.txt", "'edge.txt" }) {
			Path named = folder.resolve(name);
			Files.write(named, "1 2\n3 4\n".getBytes(StandardCharsets.UTF_8));
			DialogKernel d = fresh();
			d.open(named);
			Files.delete(named);
			runs.add(Arguments.of("kernel opened from the file " + name, dialogRun(d, "")));
		}
		Files.delete(folder);
		return runs.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dialogRuns")
	void theRecordedLineReplaysUnderBatch(String what, ConvolveSettings dialogRun) throws IOException {
		Recorder.resetCommandOptions();
		Convolve2DPlugin.record(dialogRun);
		String line = Recorder.getCommandOptions();
		Recorder.resetCommandOptions();
		assertNotNull(line, what);
		assertTrue(line.chars().allMatch(c -> c >= ' ' && c < 127), what + ": not printable ASCII: " + line);
		if (what.endsWith("from a file")) assertTrue(line.contains("name=ridge"), what + ": the file's name: " + line);
		assertTrue(dialogRun.options().method() != Method.AUTO || !line.contains("method="),
			what + ": method recorded although not forced: " + line);

		Path macro = dir.resolve("replay.ijm");
		Files.write(macro, ("open('" + HeadlessImageJ.SAMPLES.resolve(IMAGE).toAbsolutePath() + "');\n"
			+ "run(\"" + Convolve2DPlugin.COMMAND + "\", \"" + line + "\");\n").getBytes(StandardCharsets.US_ASCII));
		HeadlessImageJ.registerCommands();
		IJ.runMacroFile(macro.toString(), null);
		ImagePlus replay = Interpreter.getLastBatchModeImage();

		ImagePlus expected = HeadlessImageJ.featureMaps(HeadlessImageJ.open(IMAGE), dialogRun);
		assertNotNull(replay, what + ": the replay made no image; line: " + line);
		assertEquals(expected.getTitle(), replay.getTitle(), what + ": " + line);
		HeadlessImageJ.assertSameSlices(what + " (" + line + ")", expected, replay);
	}
}
