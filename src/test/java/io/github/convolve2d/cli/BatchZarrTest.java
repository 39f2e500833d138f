package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.DataType;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.ZarrArray;
import io.github.convolve2d.io.ZarrFormat;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code batch} with Zarr inputs and {@code --format zarr}: block by block, progress per block, resumable runs. */
class BatchZarrTest {

	@TempDir
	Path tmp;

	private static float[] pixels(int w, int h) {
		float[] p = new float[w * h];
		for (int i = 0; i < p.length; i++) p[i] = (i * 37 % 101) * 0.5f;
		return p;
	}

	/** in/a.zarr (a bare 2-D Zarr array, 45×38 in chunks of 10×12) and in/b.tif (a float TIFF, 40×30). */
	private Path inputs() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		zarr(in.resolve("a.zarr"), DataType.parse(">f4"), ZarrFormat.V2, Compressor.zlib(1), pixels(45, 38));
		assertTrue(new FileSaver(new ImagePlus("b", new FloatProcessor(40, 30, pixels(40, 30)))).saveAsTiff(
			in.resolve("b.tif").toString()));
		return in;
	}

	/**
	 * An OME-Zarr output of a TIFF records the TIFF's version (size and modification time), and is made again when the
	 * TIFF changed since, as a TIFF output is (the dry run says so); it was skipped as done, keeping the old image's
	 * result. A Zarr input (a folder) records none and is judged by its settings alone, as before.
	 */
	@Test
	void anOmeZarrOutputOfAChangedTiffIsMadeAgain() throws IOException {
		Path in = inputs(), out = tmp.resolve("out"), tif = in.resolve("b.tif");
		Object[] args = { "batch", "-i", tif, "-o", out, "--format", "zarr", "--block", 16, "--preset", "sobel-x",
			"--progress", "none" };
		assertEquals(0, CliRun.run(args).code);
		CliRun same = CliRun.run(args);
		assertTrue(same.out.contains("0 written, 1 skipped"), same.toString());
		float[] other = pixels(40, 30);
		for (int i = 0; i < other.length; i++) other[i] = other[i] * 2 + 1;
		assertTrue(new FileSaver(new ImagePlus("b", new FloatProcessor(40, 30, other))).saveAsTiff(tif.toString()));
		Files.setLastModifiedTime(tif, java.nio.file.attribute.FileTime.fromMillis(
			Files.getLastModifiedTime(tif).toMillis() + 60_000));
		CliRun dry = CliRun.run(concat(args, "--dry-run"));
		assertTrue(dry.out.startsWith("replace  ") && dry.out.contains("(made from another version of the input: it "
			+ "changed since)"), dry.toString());
		CliRun again = CliRun.run(args);
		assertEquals(0, again.code, again.toString());
		assertTrue(again.out.contains("1 written, 0 skipped"), again.toString());
		CliRun fresh = CliRun.run("batch", "-i", tif, "-o", tmp.resolve("fresh"), "--format", "zarr", "--block", 16,
			"--preset", "sobel-x", "--progress", "none");
		assertEquals(0, fresh.code, fresh.toString());
		float[] got = new float[38 * 28], expected = new float[38 * 28];
		OmeZarr.open(out.resolve("b.ome.zarr")).plane(0).read(0, 0, 38, 28, got);
		OmeZarr.open(tmp.resolve("fresh/b.ome.zarr")).plane(0).read(0, 0, 38, 28, expected);
		assertArrayEquals(expected, got, "the new image's result");
		assertTrue(CliRun.run(args).out.contains("0 written, 1 skipped"), "then done");

		// interrupted (no metadata yet) and its TIFF changed: started again, not resumed with the old image's blocks
		Files.delete(out.resolve("b.ome.zarr/.zattrs"));
		assertTrue(new FileSaver(new ImagePlus("b", new FloatProcessor(40, 30, pixels(40, 30)))).saveAsTiff(tif.toString()));
		Files.setLastModifiedTime(tif, java.nio.file.attribute.FileTime.fromMillis(
			Files.getLastModifiedTime(tif).toMillis() + 120_000));
		dry = CliRun.run(concat(args, "--dry-run"));
		assertTrue(dry.out.startsWith("replace  "), "not resume: " + dry);
		assertEquals(0, CliRun.run(args).code);
		CliRun first = CliRun.run("batch", "-i", tif, "-o", tmp.resolve("first"), "--format", "zarr", "--block", 16,
			"--preset", "sobel-x", "--progress", "none");
		assertEquals(0, first.code, first.toString());
		OmeZarr.open(out.resolve("b.ome.zarr")).plane(0).read(0, 0, 38, 28, got);
		OmeZarr.open(tmp.resolve("first/b.ome.zarr")).plane(0).read(0, 0, 38, 28, expected);
		assertArrayEquals(expected, got, "the first image's result again, every block");
	}

	/**
	 * The dry run of an OME-Zarr output reads the input's metadata as the run does before its first block, so what
	 * the run refuses there is {@code fail} with the run's reason, word for word: a layer whose input channels the
	 * image does not have (it said {@code write}).
	 */
	@Test
	void theDryRunOfABlockwiseOutputFailsWhatTheRunRefusesBeforeItsFirstBlock() throws IOException {
		Path in = inputs();
		Path weights = Files.write(tmp.resolve("rgb-layer.json"), ("{\"weights\": [[[[1]], [[1]], [[1]]]]}")
			.getBytes(StandardCharsets.US_ASCII)); // one output of 3 input channels; a.zarr has one
		Object[] args = { "batch", "-i", in.resolve("a.zarr"), "-o", tmp.resolve("out"), "--weights", weights,
			"--progress", "none" };
		CliRun dry = CliRun.run(concat(args, "--dry-run"));
		CliRun run = CliRun.run(args);
		assertEquals(1, run.code, run.toString());
		String reason = run.err.substring(run.err.indexOf(": ") + 2).trim();
		assertTrue(reason.contains("3 input channels") || reason.contains("channel"), run.toString());
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.startsWith("fail "), dry.toString());
		assertTrue(dry.out.contains(reason), "the run's reason, word for word: " + reason + "\n" + dry);
		assertFalse(Files.exists(tmp.resolve("out/a.ome.zarr")), "the run wrote nothing");
	}

	/**
	 * The dry run of an output too large for its disk (a mistyped --dilation with --mode full: 2 planes of
	 * 100,045×100,038 floats, 80 GB) lists it as {@code fail} with the run's reason; it said {@code write}, and the
	 * run then refused it.
	 */
	@Test
	void theDryRunOfAnOutputTooLargeForTheDiskFailsIt() throws IOException {
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(tmp).getUsableSpace() < 80_000_000_000L,
			"a disk with less than 80 GB free");
		Path in = inputs();
		Object[] args = { "batch", "-i", in.resolve("a.zarr"), "-o", tmp.resolve("out"), "--kernel", "1 1; 1 1",
			"--kernel", "1 -1; 1 -1", "--mode", "full", "--dilation", 100000, "--progress", "none" };
		CliRun dry = CliRun.run(concat(args, "--dry-run"));
		CliRun run = CliRun.run(args);
		assertEquals(1, run.code, run.toString());
		String reason = run.err.substring(run.err.indexOf(": ") + 2).trim();
		assertTrue(reason.startsWith("its output would be 100,045×100,038 pixels × 2 plane(s)"), run.toString());
		assertEquals(1, dry.code, dry.toString());
		// word for word but for the free space, which other writers change between the two runs
		String free = "has [0-9.]+ [kMGTP]?B free";
		assertTrue(dry.out.startsWith("fail ") && dry.out.replaceAll(free, "has … free").contains(reason.replaceAll(free,
			"has … free")), "the run's reason: " + reason + "\n" + dry);
		assertFalse(Files.exists(tmp.resolve("out/a.ome.zarr")), "the run wrote nothing");
	}

	/**
	 * An interrupted output is resumed only in the chunks it was begun with: a rerun with another --block or
	 * --zarr-compression is told which, by the dry run as by the run, and the one with them finishes it.
	 */
	@Test
	void anInterruptedOutputBegunInOtherChunksNamesTheBlockAndCompressionThatResumeIt() throws IOException {
		Path in = inputs().resolve("a.zarr"), out = tmp.resolve("out");
		Object[] args = { "batch", "-i", in, "-o", out, "--preset", "sobel-x", "--progress", "none" };
		CliRun first = CliRun.run(concat(args, "--block", 16, "--zarr-compression", "zlib"));
		assertEquals(0, first.code, first.toString());
		Files.delete(out.resolve("a.ome.zarr/.zattrs")); // as a run killed before its last write leaves it
		String reason = "its output " + out.resolve("a.ome.zarr") + " is a result that a run has not finished "
			+ "(interrupted, or still running), begun in blocks of 16×16 with zlib chunks, and this run writes other "
			+ "ones; rerun with --block 16 --zarr-compression zlib to resume it, or, once no run is writing it, with "
			+ "--overwrite to start it again";
		for (Object[] other : new Object[][] { { "--block", 32, "--zarr-compression", "zlib" }, { "--block", 16 } }) {
			CliRun dry = CliRun.run(concat(concat(args, other), "--dry-run"));
			assertEquals(1, dry.code, dry.toString());
			assertTrue(dry.out.contains("fail     " + in + ": " + reason), dry.toString());
			CliRun run = CliRun.run(concat(args, other));
			assertEquals(1, run.code, run.toString());
			assertTrue(run.err.contains("FAILED " + in + ": " + reason), run.toString());
		}
		CliRun resumed = CliRun.run(concat(args, "--block", 16, "--zarr-compression", "zlib"));
		assertEquals(0, resumed.code, resumed.toString());
		assertTrue(OmeZarr.isComplete(out.resolve("a.ome.zarr")));
	}

	private static Object[] concat(Object[] a, Object... b) {
		Object[] all = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	/**
	 * The output of an interrupted run, given as the input of another (a pipeline's next step), is refused, whole or
	 * by its level folder: the blocks it lacks would read as zeros. The group used to be refused with advice to give
	 * its level folder, which was then convolved, written and reported done. The dry run lists it as {@code fail} with
	 * the run's reason (it listed the level folder as {@code write}, the group with another reason).
	 */
	@Test
	void anUnfinishedOutputIsNeverReadAsAnInput() throws IOException {
		Path in = inputs().resolve("a.zarr"), step1 = tmp.resolve("step1"), step2 = tmp.resolve("step2");
		CliRun first = CliRun.run("batch", "-i", in, "-o", step1, "--preset", "sobel-x", "--block", 16, "--progress",
			"none");
		assertEquals(0, first.code, first.toString());
		Path result = step1.resolve("a.ome.zarr");
		// as a run killed before its last blocks leaves it: no .zattrs, a chunk missing
		Files.delete(result.resolve(".zattrs"));
		Files.delete(result.resolve("0").resolve("0.0.0.1.1"));
		for (Path input : new Path[] { result, result.resolve("0"), step1 }) {
			CliRun dry = CliRun.run("batch", "-i", input, "-o", step2, "--preset", "sobel-y", "--dry-run");
			CliRun next = CliRun.run("batch", "-i", input, "-o", step2, "--preset", "sobel-y", "--progress", "none");
			assertEquals(1, next.code, next.toString());
			assertTrue(next.err.contains("is the result of a Convolve 2D run that has not finished"), next.toString());
			assertTrue(next.err.contains("rerun the command that made it"), next.toString());
			String reason = next.err.substring(next.err.indexOf(": ") + 2).trim();
			assertEquals(1, dry.code, dry.toString());
			assertTrue(dry.out.startsWith("fail ") && dry.out.contains(reason), "the run's reason, word for word: "
				+ reason + "\n" + dry);
			assertFalse(Files.exists(step2.resolve("a.ome.zarr")) || Files.exists(step2.resolve("0.ome.zarr")),
				"nothing written from " + input);
		}
	}

	@Test
	void formatZarrConvolvesEachInputBlockByBlockAndARerunSkipsThem() throws IOException {
		Path in = inputs(), out = tmp.resolve("out");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--block", 16,
			"--preset", "sobel-x", "--mode", "same", "--border", "reflect", "--progress", "lines", "--threads", 2);
		assertEquals(0, run.code, run.toString());
		assertTrue(run.err.contains("block 9/9"), run.toString()); // a.zarr: 3×3 blocks of 16² over 45×38
		assertTrue(run.out.contains("2 written"), run.toString());
		ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT).build();
		for (String name : new String[] { "a", "b" }) {
			OmeZarr result = OmeZarr.open(out.resolve(name + ".ome.zarr"));
			int w = name.equals("a") ? 45 : 40, h = name.equals("a") ? 38 : 30;
			assertArrayEquals(new int[] { 1, 1, 1, h, w }, result.array().shape(), name);
			Plane want = Convolution.convolve(Plane.wrap(w, h, pixels(w, h)), Presets.resolve("sobel-x"), o);
			float[] got = new float[w * h];
			result.plane(0).read(0, 0, w, h, got);
			assertArrayEquals(want.pixels(), got, name);
			// the array's stamps in one order on every run (they were in Map.of's, which changes between JVMs)
			// (a file input's version too: b.tif's; a.zarr is a folder)
			assertEquals(name.equals("a") ? java.util.List.of("convolve2d_settings", "convolve2d_input")
				: java.util.List.of("convolve2d_settings", "convolve2d_input", "convolve2d_input_version"),
				new java.util.ArrayList<>(result.array().attributes().keySet()), name);
		}
		CliRun again = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--block", 16,
			"--preset", "sobel-x", "--mode", "same", "--border", "reflect", "--progress", "none");
		assertEquals(0, again.code, again.toString());
		assertTrue(again.out.contains("0 written, 2 skipped"), again.toString());
		// other settings: refused unless --overwrite; a folder Convolve 2D did not write is never replaced
		CliRun other = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--preset",
			"sobel-y", "--mode", "same", "--progress", "none");
		assertEquals(1, other.code, other.toString());
		assertTrue(other.err.contains("made with other settings"), other.toString());
		Files.createDirectories(out.resolve("b.ome.zarr.keep"));
		CliRun replaced = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--preset",
			"sobel-y", "--mode", "same", "--progress", "none", "--overwrite");
		assertEquals(0, replaced.code, replaced.toString());
		assertTrue(new String(Files.readAllBytes(out.resolve("a.ome.zarr/.zattrs"))).contains("Sobel Y"));
		Files.delete(out.resolve("b.ome.zarr.keep"));
		try (java.util.stream.Stream<Path> w = Files.walk(out.resolve("b.ome.zarr"))) {
			for (Path p : (Iterable<Path>) w.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
		}
		Files.createDirectories(out.resolve("b.ome.zarr"));
		Files.write(out.resolve("b.ome.zarr/notes.txt"), new byte[] { 1 });
		CliRun foreign = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--preset",
			"sobel-y", "--mode", "same", "--progress", "none", "--overwrite");
		assertEquals(1, foreign.code, foreign.toString());
		assertTrue(foreign.err.contains("did not write"), foreign.toString());
		assertTrue(Files.exists(out.resolve("b.ome.zarr/notes.txt")));
	}

	@Test
	void zarrPyramidAddsHalvedLevelsDownToOneChunk() throws IOException {
		Path in = inputs(), out = tmp.resolve("out");
		CliRun run = CliRun.run("batch", "-i", in.resolve("a.zarr"), "-o", out, "--block", 16, "--zarr-pyramid",
			"--preset", "sobel-x", "--mode", "same", "--progress", "lines", "--threads", 2);
		assertEquals(0, run.code, run.toString());
		// 45×38: 3×3 blocks of 16², then 23×19 (2×2 chunks) and 12×10 (one chunk)
		assertTrue(run.err.contains("block 14/14"), run.toString());
		Path a = out.resolve("a.ome.zarr");
		OmeZarr levels = OmeZarr.reopen(a);
		assertEquals(3, levels.levels().size());
		assertArrayEquals(new int[] { 1, 1, 1, 19, 23 }, levels.levels().get(1).shape());
		assertArrayEquals(new int[] { 1, 1, 1, 10, 12 }, levels.levels().get(2).shape());
		String attrs = new String(Files.readAllBytes(a.resolve(".zattrs")));
		assertTrue(attrs.contains("\"path\": \"2\"") && attrs.contains("local_mean"), attrs);
		float[] full = new float[45 * 38], half = new float[23 * 19];
		OmeZarr.open(a).plane(0).read(0, 0, 45, 38, full);
		levels.levels().get(1).plane(0, 0, 0).read(0, 0, 23, 19, half);
		float want = (float) (((double) full[2 * 45 + 4] + full[2 * 45 + 5] + full[3 * 45 + 4] + full[3 * 45 + 5]) / 4);
		assertEquals(want, half[1 * 23 + 2], "a level-1 pixel is the mean of its 2×2");
		// the same run without a pyramid finds a result made with other settings
		CliRun flat = CliRun.run("batch", "-i", in.resolve("a.zarr"), "-o", out, "--block", 16, "--preset", "sobel-x",
			"--mode", "same", "--progress", "none");
		assertEquals(1, flat.code, flat.toString());
		assertTrue(flat.err.contains("made with other settings"), flat.toString());
		// with TIFF outputs only, the Zarr options are named as unused rather than ignored silently
		CliRun tiff = CliRun.run("batch", "-i", in.resolve("b.tif"), "-o", tmp.resolve("t"), "--zarr-pyramid",
			"--preset", "sobel-x", "--progress", "none");
		assertEquals(0, tiff.code, tiff.toString());
		assertTrue(tiff.err.contains("note: --zarr-pyramid applies to OME-Zarr outputs only"), tiff.toString());
		assertFalse(run.err.contains("note:"), run.toString());
		// --format tiff given for a Zarr input: its output is still an OME-Zarr image, said rather than done silently
		CliRun asTiff = CliRun.run("batch", "-i", in.resolve("a.zarr"), "-o", tmp.resolve("z"), "--format", "tiff",
			"--preset", "sobel-x", "--mode", "same", "--progress", "none");
		assertEquals(0, asTiff.code, asTiff.toString());
		assertTrue(asTiff.err.contains("note: --format tiff applies to the other images; an OME-Zarr input always gives"
			+ " an OME-Zarr output"), asTiff.toString());
		assertTrue(Files.isDirectory(tmp.resolve("z").resolve("a.ome.zarr")), asTiff.toString());
	}

	/**
	 * --overwrite deletes the old result only once the new one is let start: a run refused for the free space of the
	 * disk keeps it (it deleted it first, so the refused run left nothing).
	 */
	@Test
	void anOverwriteRefusedForDiskSpaceKeepsTheOldResult() throws IOException {
		Path in = inputs().resolve("a.zarr"), out = tmp.resolve("out");
		Object[] args = { "batch", "-i", in, "-o", out, "--preset", "sobel-x", "--progress", "none" };
		assertEquals(0, CliRun.run(args).code);
		Path old = out.resolve("a.ome.zarr");
		assertTrue(OmeZarr.isComplete(old));
		// the same name, now 1,000,000² pixels (no chunk written: Zarr's fill value), a result of about 4 TB
		try (java.util.stream.Stream<Path> s = Files.walk(in)) {
			for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
		}
		ZarrArray.create(in, new int[] { 1_000_000, 1_000_000 }, new int[] { 1024, 1024 }, DataType.parse("<f4"),
			Compressor.RAW);
		org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(tmp).getUsableSpace() < 3_000_000_000_000L,
			"a disk with less than 3 TB free");
		CliRun refused = CliRun.run(append(args, "--overwrite"));
		assertEquals(1, refused.code, refused.toString());
		assertTrue(refused.err.contains("free; free some space or choose another --output"), refused.toString());
		assertTrue(OmeZarr.isComplete(old) && Files.exists(old.resolve("0/.zarray")), "the old result is kept: "
			+ refused);
	}

	@Test
	void aDryRunJudgesExistingZarrOutputsAsTheRunWould() throws IOException {
		Path in = inputs().resolve("a.zarr"), out = tmp.resolve("out");
		Object[] same = { "batch", "-i", in, "-o", out, "--block", 16, "--preset", "sobel-x", "--progress", "none" };
		assertEquals(0, CliRun.run(same).code);
		CliRun skip = CliRun.run(append(same, "--dry-run"));
		assertTrue(skip.out.contains("skip     ") && skip.out.contains("1 to skip"), skip.toString());
		Object[] other = { "batch", "-i", in, "-o", out, "--block", 16, "--preset", "sobel-y", "--progress", "none",
			"--dry-run" };
		CliRun fail = CliRun.run(other);
		assertTrue(fail.out.contains("exists, made with other settings") && fail.out.contains("1 failing"), fail.toString());
		CliRun replace = CliRun.run(append(other, "--overwrite"));
		assertTrue(replace.out.contains("replace  ") && replace.out.contains("1 to write"), replace.toString());
		Files.delete(out.resolve("a.ome.zarr/.zattrs")); // as a killed run leaves it
		CliRun resume = CliRun.run(append(same, "--dry-run"));
		assertTrue(resume.out.contains("resume   ") && resume.out.contains("1 to write"), resume.toString());
		// an image of the same name elsewhere does not resume it: the dry run fails it with the run's reason
		Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
		Path copy = elsewhere.resolve("a.zarr");
		try (java.util.stream.Stream<Path> files = Files.walk(in)) {
			for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, copy.resolve(in.relativize(f).toString()));
		}
		Object[] fromCopy = { "batch", "-i", copy, "-o", out, "--block", 16, "--preset", "sobel-x", "--progress", "none" };
		CliRun dry = CliRun.run(append(fromCopy, "--dry-run"));
		CliRun run = CliRun.run(fromCopy);
		assertEquals(1, run.code, run.toString());
		String reason = run.err.substring(run.err.indexOf(": ") + 2).trim();
		assertTrue(reason.startsWith("its output " + out.resolve("a.ome.zarr") + " is an interrupted result of another "
			+ "input"), run.toString());
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.contains("fail     " + copy + ": " + reason + "\n") && dry.out.contains("1 failing"),
			dry + "\nthe run: " + run);
	}

	/**
	 * An output whose level 0 array metadata a crash of the machine left empty (Zarr v2's 0/.zarray, v3's
	 * 0/zarr.json), in both formats: while its settings still show it is Convolve 2D's (v2's 0/.zattrs, or the
	 * committed image's convolve2d attribute) a rerun says it cannot be resumed and --overwrite starts it again,
	 * the dry run alike; once nothing shows whose it is, it is refused, --overwrite too, saying what cannot be read,
	 * and kept. Both were refused as "taken by a file or folder Convolve 2D did not write", --overwrite included.
	 */
	@Test
	void anOutputWhoseArrayMetadataACrashLeftEmptyIsStartedAgainOnlyWhenItsSettingsShowItIsOurs() throws IOException {
		Path in = inputs().resolve("a.zarr");
		for (ZarrFormat format : ZarrFormat.values()) {
			Path out = tmp.resolve("out" + format.zarr()), result = out.resolve("a.ome.zarr");
			String meta = format == ZarrFormat.V2 ? ".zarray" : "zarr.json";
			Object[] args = { "batch", "-i", in, "-o", out, "--format", "zarr", "--zarr-format", format.zarr(),
				"--block", 16, "--preset", "sobel-x", "--progress", "none" };
			assertEquals(0, CliRun.run(args).code);
			Map<String, String> whole = storeFiles(result);
			Files.write(result.resolve("0").resolve(meta), new byte[0]);
			CliRun refused = CliRun.run(args), dry = CliRun.run(concat(args, "--dry-run"));
			String why = "its output " + result + " is a result of Convolve 2D that cannot be resumed: 0/" + meta + " is "
				+ "empty, as a crash of the machine can leave it; --overwrite starts it again, or choose another --output "
				+ "or --suffix";
			assertEquals(1, refused.code, refused.toString());
			assertTrue(refused.err.contains(why), format + ": " + refused);
			assertTrue(dry.out.startsWith("fail     " + in + ": " + why + "\n"), format + ": " + dry);
			CliRun dryOverwrite = CliRun.run(concat(args, "--dry-run", "--overwrite"));
			assertTrue(dryOverwrite.out.startsWith("replace  "), format + ": " + dryOverwrite);
			CliRun again = CliRun.run(concat(args, "--overwrite"));
			assertEquals(0, again.code, format + ": " + again);
			assertEquals(whole, storeFiles(result), format.toString());
			// nothing left shows whose it is: the image not committed (a run killed before its end), and in Zarr v2 the
			// level's attributes, which hold the settings, empty too
			Files.write(result.resolve("0").resolve(meta), new byte[0]);
			if (format == ZarrFormat.V2) {
				Files.write(result.resolve("0/.zattrs"), new byte[0]);
				Files.delete(result.resolve(".zattrs"));
			}
			else Files.write(result.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {}}"
				.getBytes(StandardCharsets.UTF_8));
			Map<String, String> unknown = storeFiles(result);
			String never = "its output " + result + " cannot be read (0/" + meta + " is empty), so it is not known to be "
				+ "Convolve 2D's; it is never replaced: move it away or choose another --output or --suffix";
			for (CliRun r : new CliRun[] { CliRun.run(args), CliRun.run(concat(args, "--overwrite")) }) {
				assertEquals(1, r.code, r.toString());
				assertTrue(r.err.contains(never), format + ": " + r);
			}
			dry = CliRun.run(concat(args, "--dry-run", "--overwrite"));
			assertTrue(dry.out.startsWith("fail     " + in + ": " + never + "\n"), format + ": " + dry);
			assertEquals(unknown, storeFiles(result), format.toString());
		}
	}

	/** Every file of a store by its path inside it, with its bytes (as ISO-8859-1 text). */
	private static Map<String, String> storeFiles(Path store) throws IOException {
		Map<String, String> files = new java.util.TreeMap<>();
		try (java.util.stream.Stream<Path> w = Files.walk(store)) {
			for (Path p : (Iterable<Path>) w.filter(Files::isRegularFile)::iterator) {
				files.put(store.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
			}
		}
		return files;
	}

	/**
	 * An unfinished output whose input was replaced since by an image of other dimensions (same path) is refused,
	 * by the dry run as by the run, saying so and that --overwrite starts it again; the dry run listed it as resume
	 * and the run failed with "a different Zarr array is in the way", adding that a rerun would resume it.
	 */
	@Test
	void anUnfinishedOutputOfAnInputWhoseDimensionsChangedIsRefusedSayingSo() throws IOException {
		Path in = inputs().resolve("a.zarr"), out = tmp.resolve("out");
		Object[] args = { "batch", "-i", in, "-o", out, "--block", 16, "--preset", "sobel-x", "--progress", "none" };
		assertEquals(0, CliRun.run(args).code);
		Files.delete(out.resolve("a.ome.zarr/.zattrs")); // as a killed run leaves it
		try (java.util.stream.Stream<Path> files = Files.walk(in)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		// another image, 30×20 (its chunks unwritten: zeros)
		ZarrArray.create(in, new int[] { 20, 30 }, new int[] { 10, 10 }, DataType.FLOAT32, Compressor.RAW, ZarrFormat.V2,
			null);
		String reason = "its output " + out.resolve("a.ome.zarr") + " was begun from its input when it had other "
			+ "dimensions (t, c, z, y, x: 1, 1, 1, 38, 45), and would be completed with blocks of the input as it is now "
			+ "(t, c, z, y, x: 1, 1, 1, 20, 30); rerun with --overwrite to start it again";
		CliRun dry = CliRun.run(append(args, "--dry-run"));
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.contains("fail     " + in + ": " + reason + "\n"), dry.toString());
		CliRun run = CliRun.run(args);
		assertEquals(1, run.code, run.toString());
		assertTrue(run.err.contains("FAILED " + in + ": " + reason) && !run.err.contains("a rerun resumes it"),
			run.toString());
		CliRun again = CliRun.run(append(args, "--overwrite"));
		assertEquals(0, again.code, again.toString());
		assertArrayEquals(new int[] { 1, 1, 1, 18, 28 }, OmeZarr.open(out.resolve("a.ome.zarr")).array().shape());
	}

	private static Object[] append(Object[] args, Object... more) {
		Object[] all = java.util.Arrays.copyOf(args, args.length + more.length);
		System.arraycopy(more, 0, all, args.length, more.length);
		return all;
	}

	@Test
	void aZarrInputGivesAZarrOutputBesideTiffsForTheRest() throws IOException {
		Path in = inputs(), out = tmp.resolve("out");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--preset", "gaussian:1", "--progress", "none");
		assertEquals(0, run.code, run.toString());
		assertTrue(OmeZarr.isComplete(out.resolve("a.ome.zarr")), run.toString());
		assertTrue(Files.isRegularFile(out.resolve("b.tif")), run.toString());
		CliRun dry = CliRun.run("batch", "-i", in, "-o", tmp.resolve("o2"), "--format", "zarr",
			"--preset", "gaussian:1", "--dry-run");
		assertTrue(dry.out.contains("b.ome.zarr"), dry.toString());
	}

	@Test
	void usageMistakesAreShort() throws IOException {
		Path in = inputs();
		CliRun bad = CliRun.run("batch", "-i", in, "-o", tmp.resolve("o"), "--format", "png", "--preset",
			"sobel-x");
		assertEquals(2, bad.code, bad.toString());
		assertTrue(bad.err.contains("--format 'png' is not one of tiff, zarr"), bad.toString());
		CliRun block = CliRun.run("batch", "-i", in, "-o", tmp.resolve("o"), "--format", "zarr", "--block", 0,
			"--preset", "sobel-x");
		assertEquals(2, block.code, block.toString());
		assertTrue(block.err.contains("--block must be at least 1"), block.toString());
		Path png = tmp.resolve("c.png");
		assertTrue(new FileSaver(new ImagePlus("c", new ij.process.ByteProcessor(9, 7))).saveAsPng(png.toString()));
		CliRun notBlockwise = CliRun.run("batch", "-i", png, "-o", tmp.resolve("o"), "--format", "zarr", "--preset",
			"sobel-x", "--progress", "none");
		assertEquals(1, notBlockwise.code, notBlockwise.toString());
		assertTrue(notBlockwise.err.contains("from OME-Zarr or TIFF inputs, and this is neither; convert it in a run "
			+ "without --format zarr"), notBlockwise.toString());
	}

	/**
	 * Every folder named *.zarr is one input, never a folder of images: a Zarr v3 array whose metadata is incomplete, or
	 * one without Zarr metadata, is a failure of its own with what to do (the images inside it are not convolved), and the batch
	 * goes on with the other inputs; so in a scan with --recursive, and for one given by name.
	 */
	@Test
	void aZarrFolderThatIsNoReadableStoreFailsAloneAndIsNeverSearchedForImages() throws IOException {
		Path in = inputs();
		Path v3 = Files.createDirectories(in.resolve("v3.zarr"));
		Files.write(v3.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"array\"}".getBytes(
			java.nio.charset.StandardCharsets.UTF_8));
		Path bare = Files.createDirectories(in.resolve("bare.zarr").resolve("sub"));
		for (Path folder : new Path[] { v3, bare }) {
			assertTrue(new FileSaver(new ImagePlus("x", new FloatProcessor(8, 6, pixels(8, 6)))).saveAsTiff(
				folder.resolve("x.tif").toString()));
		}
		for (boolean recursive : new boolean[] { false, true }) {
			Path out = tmp.resolve("out" + recursive);
			CliRun run = recursive ? CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--recursive",
				"--progress", "none") : CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--progress", "none");
			assertEquals(1, run.code, run.toString());
			assertTrue(run.out.contains("2 written") && run.out.contains("2 failed"), run.toString());
			// a Zarr v3 array whose zarr.json lacks its shape
			assertTrue(run.err.contains("v3.zarr/zarr.json: field 'shape' is missing"), run.toString());
			assertTrue(run.err.contains("bare.zarr") && run.err.contains("holds no Zarr metadata"), run.toString());
			assertFalse(run.err.contains("Exception"), run.toString());
			assertTrue(Files.isDirectory(out.resolve("a.ome.zarr")) && Files.isRegularFile(out.resolve("b.tif")),
				run.toString());
			assertFalse(Files.exists(out.resolve("v3")) || Files.exists(out.resolve("bare")), run.toString());
		}
		CliRun alone = CliRun.run("batch", "-i", v3, "-o", tmp.resolve("o3"), "--preset", "sobel-x", "--progress",
			"none");
		assertEquals(1, alone.code, alone.toString());
		assertTrue(alone.err.contains("v3.zarr/zarr.json: field 'shape' is missing"), alone.toString());
	}

	/**
	 * A Zarr image or array whose folder is not named *.zarr (data.zarr/0, an image inside a store) is one input
	 * too, given by name or met in a scan; never searched as a folder of images, where it held none.
	 */
	@Test
	void aZarrFolderNotNamedZarrIsOneInputByNameAndInAScan() throws IOException {
		Path in = inputs();
		Path store = Files.createDirectories(tmp.resolve("store.zarr"));
		Files.write(store.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Files.move(in.resolve("a.zarr"), store.resolve("0"));
		CliRun byName = CliRun.run("batch", "-i", store.resolve("0"), "-o", tmp.resolve("o1"), "--preset", "sobel-x",
			"--progress", "none");
		assertEquals(0, byName.code, byName.toString());
		assertTrue(byName.out.contains("1 written"), byName.toString());
		assertTrue(Files.isDirectory(tmp.resolve("o1").resolve("0.ome.zarr")), byName.toString());

		Path tree = Files.createDirectories(tmp.resolve("tree").resolve("sub"));
		Files.move(store.resolve("0"), tree.resolve("image"));
		CliRun scan = CliRun.run("batch", "-i", tmp.resolve("tree"), "-o", tmp.resolve("o2"), "--preset", "sobel-x",
			"--recursive", "--progress", "none");
		assertEquals(0, scan.code, scan.toString());
		assertTrue(Files.isDirectory(tmp.resolve("o2").resolve("sub").resolve("image.ome.zarr")), scan.toString());
		CliRun excluded = CliRun.run("batch", "-i", tmp.resolve("tree"), "-o", tmp.resolve("o3"), "--preset", "sobel-x",
			"--recursive", "--exclude", "image", "--progress", "none");
		assertEquals(2, excluded.code, excluded.toString());
		assertTrue(excluded.err.contains("no image files found"), excluded.toString());
	}

	/**
	 * Two Zarr images inside stores given by name, whose folders have one name (series 0 of two bioformats2raw
	 * containers), have one output: the second fails saying to convolve it in another run with another --output;
	 * it was told to exclude it with --exclude, which leaves out only files found in a folder, or to rename it, which
	 * would break its store.
	 */
	@Test
	void twoImagesGivenByNameWithOneOutputNameAreToldWhatWorks() throws IOException {
		float[] p = pixels(45, 38);
		Path[] series = new Path[2];
		for (int s = 0; s < 2; s++) {
			Path store = Files.createDirectories(tmp.resolve("scan" + s + ".zarr"));
			Files.write(store.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.UTF_8));
			series[s] = store.resolve("0");
			zarr(series[s], DataType.FLOAT32, ZarrFormat.V2, Compressor.RAW, p);
		}
		CliRun run = CliRun.run("batch", "-i", series[0], "-i", series[1], "-o", tmp.resolve("out"), "--preset", "sobel-x",
			"--exclude", "0", "--progress", "none");
		assertEquals(1, run.code, run.toString());
		assertTrue(run.err.contains("scan1.zarr/0: its output") && run.err.contains("is also the output of"), run.toString());
		assertTrue(run.err.contains("convolve it in a run of its own with another --output"), run.toString());
		assertFalse(run.err.contains("exclude it with --exclude"), run.toString());
		CliRun alone = CliRun.run("batch", "-i", series[1], "-o", tmp.resolve("out1"), "--preset", "sobel-x", "--progress",
			"none");
		assertEquals(0, alone.code, alone.toString());
	}

	/**
	 * The output's metadata is ASCII, as zarr-python writes it (zarr-python 2 reads .zattrs as ASCII and failed on the
	 * raw σ of a Gaussian's name or an é of the input's); and a note on Zarr-only options is not given when
	 * --format zarr is asked for, even if every input fails.
	 */
	@Test
	void theOutputsMetadataIsAsciiAndZarrNotesAreRight() throws IOException {
		Path in = inputs();
		Files.move(in.resolve("a.zarr"), in.resolve("café.zarr"));
		Path out = tmp.resolve("o-ascii");
		CliRun run = CliRun.run("batch", "-i", in.resolve("café.zarr"), "-o", out, "--preset", "gaussian:1.5",
			"--progress", "none");
		assertEquals(0, run.code, run.toString());
		for (Path meta : new Path[] { out.resolve("café.ome.zarr/.zattrs"), out.resolve("café.ome.zarr/0/.zarray") }) {
			byte[] bytes = Files.readAllBytes(meta);
			for (byte b : bytes) assertTrue(b >= 0, meta + " holds a byte outside ASCII");
		}
		String attrs = new String(Files.readAllBytes(out.resolve("café.ome.zarr/.zattrs")), StandardCharsets.US_ASCII);
		assertTrue(attrs.contains("Gaussian \\u03c3") && attrs.contains("caf\\u00e9"), attrs);
		assertEquals("Gaussian σ=1.5", com.google.gson.JsonParser.parseString(attrs).getAsJsonObject()
			.getAsJsonObject("convolve2d").getAsJsonArray("kernels").get(0).getAsJsonObject().get("name").getAsString(),
			"the same text once read");

		Path empty = Files.createDirectories(tmp.resolve("e.zarr"));
		CliRun note = CliRun.run("batch", "-i", empty, "-o", tmp.resolve("o-note"), "--format", "zarr", "--block", "16",
			"--preset", "sobel-x", "--progress", "none");
		assertEquals(1, note.code, note.toString());
		assertFalse(note.err.contains("every output of this run is a TIFF"), note.toString());
	}

	/** Malformed metadata and damaged chunks fail their input with the file and field, or chunk, named. */
	@Test
	void aMalformedOrDamagedZarrInputFailsAloneNamingWhatIsWrong() throws IOException {
		Path in = inputs();
		Path zarray = in.resolve("a.zarr").resolve(".zarray");
		String good = new String(Files.readAllBytes(zarray), java.nio.charset.StandardCharsets.UTF_8);
		Files.write(zarray, good.replaceFirst("\"shape\": \\[", "\"shape\": [12.5, ").replaceFirst("\"chunks\": \\[",
			"\"chunks\": [1, ").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		CliRun bad = CliRun.run("batch", "-i", in, "-o", tmp.resolve("o1"), "--preset", "sobel-x", "--progress", "none");
		assertEquals(1, bad.code, bad.toString());
		assertTrue(bad.err.contains("a.zarr/.zarray: field 'shape' must be a list of whole numbers, found 12.5"),
			bad.toString());
		assertTrue(bad.out.contains("1 written") && bad.out.contains("1 failed"), bad.toString());
		Files.write(zarray, good.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Path chunk = in.resolve("a.zarr").resolve("1.2");
		byte[] whole = Files.readAllBytes(chunk);
		Files.write(chunk, java.util.Arrays.copyOf(whole, whole.length - 6));
		CliRun damaged = CliRun.run("batch", "-i", in.resolve("a.zarr"), "-o", tmp.resolve("o2"), "--preset", "sobel-x",
			"--progress", "none");
		assertEquals(1, damaged.code, damaged.toString());
		assertTrue(damaged.err.contains("a.zarr/1.2: chunk is damaged (zlib data"), damaged.toString());
		assertTrue(damaged.err.contains("re-export it"), damaged.toString());
		assertFalse(damaged.err.contains("Exception"), damaged.toString());
	}

	/**
	 * The metadata holds what NGFF 0.4's image schema requires (schemas/image.schema of ome/ngff-spec, branch 0.4):
	 * each 'omero' channel has a 'color' of 6 hex digits and a 'window' with start, min, end and max, here the range
	 * of the channel's values in the coarsest level (the only one without a pyramid); without them the schema, and
	 * readers that check it, refused every result. Each level's transformations are one scale, then a translation.
	 */
	@Test
	void theOmeroChannelsHaveTheColourAndWindowNgffRequires() throws IOException {
		Path in = inputs();
		for (boolean pyramid : new boolean[] { false, true }) {
			Path out = tmp.resolve("out" + pyramid);
			CliRun run = pyramid
				? CliRun.run("batch", "-i", in.resolve("a.zarr"), "-o", out, "--block", 16, "--zarr-pyramid", "--preset",
					"sobel-x", "--preset", "sobel-y", "--progress", "none")
				: CliRun.run("batch", "-i", in.resolve("a.zarr"), "-o", out, "--block", 16, "--preset", "sobel-x",
					"--preset", "sobel-y", "--progress", "none");
			assertEquals(0, run.code, run.toString());
			Path a = out.resolve("a.ome.zarr");
			JsonObject attrs = JsonParser.parseString(new String(Files.readAllBytes(a.resolve(".zattrs")),
				StandardCharsets.US_ASCII)).getAsJsonObject();
			JsonObject ms = attrs.getAsJsonArray("multiscales").get(0).getAsJsonObject();
			for (String field : new String[] { "version", "name", "axes", "datasets" }) {
				assertTrue(ms.has(field), field + " in " + ms);
			}
			for (JsonElement level : ms.getAsJsonArray("datasets")) {
				JsonArray transforms = level.getAsJsonObject().getAsJsonArray("coordinateTransformations");
				assertEquals("scale", transforms.get(0).getAsJsonObject().get("type").getAsString(), level.toString());
				if (transforms.size() > 1) {
					assertEquals("translation", transforms.get(1).getAsJsonObject().get("type").getAsString());
				}
			}
			OmeZarr image = OmeZarr.reopen(a);
			ZarrArray coarsest = image.levels().get(image.levels().size() - 1);
			int[] shape = coarsest.shape();
			JsonArray channels = attrs.getAsJsonObject("omero").getAsJsonArray("channels");
			assertEquals(2, channels.size());
			for (int c = 0; c < 2; c++) {
				JsonObject ch = channels.get(c).getAsJsonObject();
				assertTrue(ch.get("color").getAsString().matches("[0-9A-Fa-f]{6}"), ch.toString());
				float[] v = new float[shape[3] * shape[4]];
				coarsest.plane(0, c, 0).read(0, 0, shape[4], shape[3], v);
				double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
				for (float f : v) {
					min = Math.min(min, f);
					max = Math.max(max, f);
				}
				assertTrue(min < max, "pyramid " + pyramid + ": a test whose channel is constant would prove little");
				JsonObject window = ch.getAsJsonObject("window");
				assertEquals(min, window.get("start").getAsDouble(), "pyramid " + pyramid + ", channel " + c);
				assertEquals(min, window.get("min").getAsDouble(), "pyramid " + pyramid + ", channel " + c);
				assertEquals(max, window.get("end").getAsDouble(), "pyramid " + pyramid + ", channel " + c);
				assertEquals(max, window.get("max").getAsDouble(), "pyramid " + pyramid + ", channel " + c);
			}
		}
	}

	/**
	 * An OME-Zarr input's units are written as NGFF 0.4 names them ({@code um} → {@code micrometer}, {@code ms} →
	 * {@code millisecond}); one NGFF does not name is left out, the scale kept, as for a TIFF's: they were copied
	 * as they were, which NGFF's readers do not know.
	 */
	@Test
	void anOmeZarrInputsUnitsAreWrittenAsNgffNamesThem() throws IOException {
		Path img = Files.createDirectories(tmp.resolve("in/u.zarr"));
		ZarrArray a = ZarrArray.create(img.resolve("0"), new int[] { 2, 1, 8, 9 }, new int[] { 1, 1, 8, 9 },
			DataType.FLOAT32, Compressor.zlib(1));
		for (int t = 0; t < 2; t++) a.writeChunk(new int[] { t, 0, 0, 0 }, pixels(9, 8));
		Files.write(img.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.US_ASCII));
		Files.write(img.resolve(".zattrs"), ("{\"multiscales\": [{\"version\": \"0.4\", \"axes\": ["
			+ "{\"name\": \"t\", \"type\": \"time\", \"unit\": \"ms\"}, {\"name\": \"z\", \"type\": \"space\", "
			+ "\"unit\": \"furlong\"}, {\"name\": \"y\", \"type\": \"space\", \"unit\": \"um\"}, {\"name\": \"x\", "
			+ "\"type\": \"space\", \"unit\": \"micrometer\"}], \"datasets\": [{\"path\": \"0\", "
			+ "\"coordinateTransformations\": [{\"type\": \"scale\", \"scale\": [40, 3, 0.5, 0.5]}]}]}]}")
			.getBytes(StandardCharsets.US_ASCII));
		Path out = tmp.resolve("out");
		CliRun run = CliRun.run("batch", "-i", img, "-o", out, "--preset", "sobel-x", "--progress", "none");
		assertEquals(0, run.code, run.toString());
		OmeZarr got = OmeZarr.open(out.resolve("u.ome.zarr"));
		assertArrayEquals(new String[] { "millisecond", null, null, "micrometer", "micrometer" }, got.units());
		assertArrayEquals(new double[] { 40, 1, 3, 0.5, 0.5 }, got.scale());
	}

	/**
	 * Infinity and NaN in a result stay out of its channels' windows, which are finite numbers: JSON has no
	 * infinity, and a window reaching it would show nothing.
	 */
	@Test
	void infiniteAndNanPixelsStayOutOfTheWindow() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		float[] px = pixels(20, 16);
		px[5 * 20 + 5] = Float.POSITIVE_INFINITY;
		px[10 * 20 + 12] = Float.NaN;
		assertTrue(new FileSaver(new ImagePlus("c", new FloatProcessor(20, 16, px))).saveAsTiff(
			in.resolve("c.tif").toString()));
		Path out = tmp.resolve("out");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--preset", "box-3", "--progress",
			"none");
		assertEquals(0, run.code, run.toString());
		String text = new String(Files.readAllBytes(out.resolve("c.ome.zarr/.zattrs")), StandardCharsets.US_ASCII);
		assertFalse(text.contains("Infinity") || text.contains("NaN"), text);
		JsonObject window = JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("omero")
			.getAsJsonArray("channels").get(0).getAsJsonObject().getAsJsonObject("window");
		assertTrue(window.get("min").getAsDouble() < window.get("max").getAsDouble(), window.toString());
	}

	/**
	 * Two inputs whose outputs share a name, convolved in two runs (the series {@code 0} of two bioformats2raw
	 * containers, both {@code 0.ome.zarr}; two {@code x.tif} in two folders): the second run fails naming the first
	 * input, and the first's result is kept, whichever the output format. It was skipped as done (a Zarr input: the
	 * first image's result taken for the second's) or replaced as if its input had changed (a TIFF input).
	 * {@code --overwrite} replaces it; an input moved since its result was made is judged as before, by its settings.
	 */
	@Test
	void aSecondRunNeverTakesOrReplacesAnotherInputsResultOfTheSameName() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Path a = zarr(in.resolve("a.zarr/0"), DataType.FLOAT32, ZarrFormat.V2, Compressor.RAW, pixels(45, 38));
		float[] other = pixels(45, 38);
		for (int i = 0; i < other.length; i++) other[i] = -other[i] + i % 7;
		Path b = zarr(in.resolve("b.zarr/0"), DataType.FLOAT32, ZarrFormat.V2, Compressor.RAW, other);
		Path d1 = Files.createDirectories(in.resolve("d1")), d2 = Files.createDirectories(in.resolve("d2"));
		assertTrue(new FileSaver(new ImagePlus("x", new FloatProcessor(40, 30, pixels(40, 30)))).saveAsTiff(
			d1.resolve("x.tif").toString()));
		assertTrue(new FileSaver(new ImagePlus("x", new FloatProcessor(40, 30, java.util.Arrays.copyOf(other, 1200))))
			.saveAsTiff(
			d2.resolve("x.tif").toString()));
		Object[][] cases = { { a, b, "0.ome.zarr", "zarr" }, { d1.resolve("x.tif"), d2.resolve("x.tif"), "x.ome.zarr",
			"zarr" }, { d1.resolve("x.tif"), d2.resolve("x.tif"), "x.tif", "tiff" } };
		for (Object[] c : cases) {
			Path out = tmp.resolve("out-" + c[2] + "-" + c[3]), result = out.resolve((String) c[2]);
			Object[] args = { "batch", "-o", out, "--preset", "sobel-x", "--format", c[3], "--progress", "none" };
			CliRun first = CliRun.run(concat(args, "-i", c[0]));
			assertEquals(0, first.code, first.toString());
			Map<Path, byte[]> kept = BatchCommandTest.digests(out);
			for (boolean dry : new boolean[] { true, false }) {
				CliRun second = CliRun.run(concat(dry ? concat(args, "--dry-run") : args, "-i", c[1]));
				assertEquals(1, second.code, c[3] + " " + c[1] + (dry ? " dry run" : "") + ": " + second);
				assertTrue((dry ? second.out : second.err).contains(c[1] + ": its output " + result + " was made from "
					+ "another input, " + c[0] + ", which is still there; --overwrite replaces it, or choose another "
					+ "--output or --suffix"), second.toString());
				BatchCommandTest.assertDigestsEqual(kept, BatchCommandTest.digests(out), "the first input's result");
			}
			CliRun replaced = CliRun.run(concat(args, "-i", c[1], "--overwrite"));
			assertEquals(0, replaced.code, replaced.toString());
			assertTrue(replaced.out.contains("1 written"), replaced.toString());
			// the first input's result again; then that input moved away: its result is no other input's any more
			assertEquals(0, CliRun.run(concat(args, "-i", c[0], "--overwrite")).code);
			Path moved = in.resolve("moved-" + c[2] + c[3]);
			Files.move(((Path) c[0]).getParent(), moved);
			CliRun again = CliRun.run(concat(args, "-i", c[1]));
			assertEquals(0, again.code, again.toString());
			assertFalse(again.toString().contains("another input"), again.toString());
			Files.move(moved, ((Path) c[0]).getParent());
		}
	}

	/**
	 * An OME-Zarr image whose third axis from the end is no z by its NGFF type or name (NGFF 0.3's {@code ["q", "y",
	 * "x"]}, 0.4's {@code {"name": "q"}} without a type, a type {@code angle}) is read as z with a note on its line,
	 * in the run and the dry run; it was read as z silently. An axis named z, or typed space, is read without one.
	 */
	@Test
	void anAxisThatIsNoZIsReadAsZWithANote() throws IOException {
		String[][] cases = { { "0.3", "\"q\"", "no NGFF type" }, { "0.4", "{\"name\": \"q\"}", "no NGFF type" },
			{ "0.4", "{\"name\": \"q\", \"type\": \"angle\"}", "type 'angle'" }, { "0.4", "{\"name\": \"z\"}", null },
			{ "0.4", "{\"name\": \"q\", \"type\": \"space\"}", null }, { "0.3", "\"z\"", null } };
		for (int i = 0; i < cases.length; i++) {
			Path image = tmp.resolve("in" + i).resolve("img.ome.zarr");
			ZarrArray a = ZarrArray.create(image.resolve("0"), new int[] { 2, 10, 12 }, new int[] { 1, 10, 12 },
				DataType.FLOAT32, Compressor.RAW);
			for (int p = 0; p < 2; p++) a.writeChunk(new int[] { p, 0, 0 }, pixels(12, 10));
			Files.write(image.resolve(".zgroup"), "{\"zarr_format\": 2}".getBytes(StandardCharsets.US_ASCII));
			String y = cases[i][0].equals("0.3") ? "\"y\", \"x\"" : "{\"name\": \"y\", \"type\": \"space\"}, "
				+ "{\"name\": \"x\", \"type\": \"space\"}";
			Files.write(image.resolve(".zattrs"), ("{\"multiscales\": [{\"version\": \"" + cases[i][0] + "\", \"axes\": ["
				+ cases[i][1] + ", " + y + "], \"datasets\": [{\"path\": \"0\"" + (cases[i][0].equals("0.4")
					? ", \"coordinateTransformations\": [{\"type\": \"scale\", \"scale\": [1, 1, 1]}]" : "") + "}]}]}")
				.getBytes(StandardCharsets.US_ASCII));
			// the run's line names the input after "note:", the dry run's has it at its start
			String note = cases[i][2] == null ? null : "its axis 'q' (" + cases[i][2] + ") was read as z: each of its "
				+ "planes is convolved alone, and the output names the axis z";
			Path out = tmp.resolve("out" + i);
			for (boolean dry : new boolean[] { true, false }) {
				Object[] args = { "batch", "-i", image, "-o", out, "--preset", "sobel-x", "--progress", "lines" };
				CliRun run = CliRun.run(dry ? concat(args, "--dry-run") : args);
				assertEquals(0, run.code, run.toString());
				String text = run.toString();
				if (note == null) assertFalse(text.contains("note:"), text);
				else assertTrue(text.contains(note), cases[i][1] + (dry ? " dry run" : "") + ": " + text);
			}
			assertArrayEquals(new int[] { 1, 1, 2, 8, 10 }, ZarrArray.open(out.resolve("img.ome.zarr/0")).shape());
		}
	}

	/** A bare 2-D Zarr array, 45×38 in chunks of 10×12 (the edge chunks reaching past it), holding {@code px}. */
	static Path zarr(Path path, DataType type, ZarrFormat format, Compressor compressor, float[] px)
		throws IOException
	{
		ZarrArray a = ZarrArray.create(path, new int[] { 38, 45 }, new int[] { 10, 12 }, type, compressor, format, null);
		for (int cy = 0; cy < 4; cy++) {
			for (int cx = 0; cx < 4; cx++) {
				float[] v = new float[120];
				for (int r = 0; r < 10; r++) {
					for (int q = 0; q < 12; q++) {
						int y = cy * 10 + r, x = cx * 12 + q;
						if (y < 38 && x < 45) v[r * 12 + q] = px[y * 45 + x];
					}
				}
				a.writeChunk(new int[] { cy, cx }, v);
			}
		}
		return path;
	}
}
