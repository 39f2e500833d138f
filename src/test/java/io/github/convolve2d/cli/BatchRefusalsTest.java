package io.github.convolve2d.cli;

import io.github.convolve2d.batch.TinyTiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a batch refuses, file by file or as a usage error, and that it never answers a user's mistake with a stack
 * trace: images a kernel does not fit, TIFFs that ImageJ would decode into wrong pixels or lose pages of, and
 * options that used to be checked only once the run needed them.
 */
class BatchRefusalsTest {

	private static final Path SAMPLES = Paths.get("sample-images");

	@TempDir
	Path tmp;

	private static void assertNoTrace(CliRun r) {
		assertFalse(r.err.contains("\tat ") || r.err.contains("Exception"), "no stack trace: " + r);
	}

	/** A TinyTiff whose entry {@code index} (0-based, of nine) gets this tag and one SHORT value. */
	private static byte[] withEntry(byte[] tiff, int index, int tag, int value) {
		ByteBuffer b = ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN);
		int at = 10 + 12 * index;
		b.putShort(at, (short) tag).putShort(at + 2, (short) 3).putInt(at + 4, 1).putInt(at + 8, value & 0xffff);
		return tiff;
	}

	/** Two TinyTiff pages in one file: 5×4 then {@code w2}×{@code h2}. */
	private static byte[] twoPages(int w2, int h2) {
		byte[] a = TinyTiff.bytes(5, 4, true), b = TinyTiff.bytes(w2, h2, true);
		int shift = a.length - 8;
		TinyTiff.putInt(a, TinyTiff.NEXT_IFD_AT, a.length);
		TinyTiff.putInt(b, 10 + 12 * 5 + 8, TinyTiff.PIXELS_AT + shift); // page 2's strip offset (tag 273)
		byte[] both = Arrays.copyOf(a, a.length + b.length - 8);
		System.arraycopy(b, 8, both, a.length, b.length - 8);
		return both;
	}

	@Test
	void filesThatCannotBeConvolvedFailAloneAndTheOthersAreWritten() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), in.resolve("good.png"));
		Files.write(in.resolve("tiny.tif"), TinyTiff.bytes(2, 2, true)); // a 3×3 kernel does not fit in valid mode
		Files.write(in.resolve("jpeg.tif"), withEntry(TinyTiff.bytes(8, 8, true), 3, 259, 7));
		Files.write(in.resolve("predictor.tif"), withEntry(TinyTiff.bytes(8, 8, true), 6, 317, 3));
		Files.write(in.resolve("pages.tif"), twoPages(7, 3));
		Files.write(in.resolve("stack.tif"), twoPages(5, 4)); // two pages of one size: a stack, convolved whole
		Path out = tmp.resolve("out");
		// a dry run finds the same failures in the headers, and writes nothing
		CliRun dry = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--dry-run");
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.contains("fail     " + in.resolve("tiny.tif") + ": ") && dry.out.contains("valid mode"),
			dry.toString());
		assertTrue(dry.out.contains("JPEG-compressed TIFF") && dry.out.contains("floating-point predictor")
			&& dry.out.contains("page 2 is 7×3"), dry.toString());
		assertTrue(dry.out.contains("write    " + in.resolve("stack.tif")), dry.toString());
		assertTrue(dry.out.contains("dry run: 2 to write, 0 to skip, 4 failing of 6 files; only image headers were"
			+ " read, nothing was written"), dry.toString());
		assertFalse(Files.exists(out), "nothing written");
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--threads", "1");
		assertEquals(1, r.code, r.toString());
		assertNoTrace(r);
		assertTrue(r.err.contains("FAILED " + in.resolve("tiny.tif")) && r.err.contains("valid mode"), r.toString());
		assertTrue(r.err.contains("JPEG-compressed TIFF"), r.toString());
		assertTrue(r.err.contains("floating-point predictor"), r.toString());
		assertTrue(r.err.contains("its pages differ in size: page 2 is 7×3 but page 1 is 5×4"), r.toString());
		assertTrue(r.out.contains("2 written, 0 skipped (output exists), 4 failed of 6 files"), r.toString());
		assertTrue(Files.exists(out.resolve("good.tif")) && Files.exists(out.resolve("stack.tif")));
		ij.ImagePlus stack = ij.IJ.openImage(out.resolve("stack.tif").toString());
		assertEquals(2, stack.getStackSize(), "both pages convolved");
	}

	@Test
	void optionsAreCheckedBeforeAnythingRunsAndADryRunRefusesWhatTheRunWould() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("microaneurysms.png"), in.resolve("a.png"));
		Path out = tmp.resolve("out");
		Object[][] cases = {
			{ "--include '[' is not a valid glob", "--include", "[" },
			{ "--exclude '{a,b' is not a valid glob", "--exclude", "{a,b" },
			{ "--block must be at least 1, got 0", "--block", "0" },
			{ "--progress 'bogus' is not one of", "--progress", "bogus" },
			{ "--zarr-compression 'lzma' is not one of raw, blosc, zlib, gzip", "--zarr-compression", "lzma" },
			{ "method=separable needs a separable kernel", "--preset", "laplacian-4" } };
		for (Object[] c : cases) {
			for (boolean dry : new boolean[] { false, true }) {
				Object[] args = { "batch", "-i", in, "-o", out, "--method", c[1].equals("--preset") ? "separable" : "auto",
					"--preset", "sobel-x", c[1], c[2], dry ? "--dry-run" : "-q" };
				CliRun r = CliRun.run(dry ? args : Arrays.copyOf(args, args.length - 1));
				assertEquals(2, r.code, c[0] + (dry ? " (dry run)" : "") + ": " + r);
				assertTrue(r.err.contains((String) c[0]), c[0] + ": " + r);
				assertNoTrace(r);
			}
		}
		CliRun r = CliRun.run("batch", "-i", in, "-o", "", "--preset", "sobel-x");
		assertEquals(2, r.code, r.toString());
		assertTrue(r.err.contains("--output is an empty name"), r.toString());
		r = CliRun.run("batch", "-i", "", "-o", out, "--preset", "sobel-x");
		assertEquals(2, r.code, r.toString());
		assertTrue(r.err.contains("--input is an empty name"), r.toString());
		assertFalse(Files.exists(out), "nothing written");

		// a dry run whose plan has failures ends as the run would: 1
		Files.createDirectories(out);
		Files.write(out.resolve("a.tif"), new byte[] { 1, 2, 3 }); // not ours: never replaced
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--dry-run");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.out.contains("fail     ") && r.out.contains("1 failing of 1 files"), r.toString());
	}

	@Test
	void aDoubleStarFolderMatchesNoFolderToo() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in/raw/d1/d2"));
		Files.createDirectories(tmp.resolve("in/other"));
		for (String f : new String[] { "raw/r.png", "raw/d1/d.png", "raw/d1/d2/e.png", "other/o.png", "top.png" }) {
			Files.copy(SAMPLES.resolve("microaneurysms.png"), tmp.resolve("in").resolve(f));
		}
		CliRun r = CliRun.run("batch", "-i", tmp.resolve("in"), "-r", "-o", tmp.resolve("out"), "--preset", "sobel-x",
			"--include", "raw/**/*.png", "--dry-run");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("3 to write"), r.toString());
		for (String f : new String[] { "r.png", "d.png", "e.png" }) assertTrue(r.out.contains(f), f + ": " + r);
		r = CliRun.run("batch", "-i", tmp.resolve("in"), "-r", "-o", tmp.resolve("out"), "--preset", "sobel-x",
			"--include", "**/d1/**/*.png", "--dry-run");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("2 to write") && r.out.contains("d.png") && r.out.contains("e.png"), r.toString());
	}

	/** An output cut short (by a copy, a disk full elsewhere) is not taken as done; --overwrite replaces it. */
	@Test
	void anOutputCutShortIsNeverSkippedAsDone() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("camera.png"), in.resolve("camera.png"));
		Path out = tmp.resolve("out");
		assertEquals(0, CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x").code);
		Path tif = out.resolve("camera.tif");
		byte[] whole = Files.readAllBytes(tif);
		Files.write(tif, Arrays.copyOf(whole, whole.length / 2));
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("exists but is cut short") && r.err.contains("--overwrite replaces it"), r.toString());
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--dry-run");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.out.contains("exists but is cut short"), r.toString());
		r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--overwrite");
		assertEquals(0, r.code, r.toString());
		assertEquals(whole.length, Files.size(tif));
	}

	/**
	 * A dry run lists each failure with the run's own reason, word for word: files it cannot read or a kernel does
	 * not fit, and existing outputs (other settings, cut short, not Convolve 2D's, a folder in the way).
	 */
	@Test
	void aDryRunGivesEachFailureTheRunsOwnReason() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		for (String name : new String[] { "good.png", "other.png", "cut.png", "mine.png", "folder.png" }) {
			Files.copy(SAMPLES.resolve("microaneurysms.png"), in.resolve(name));
		}
		Files.write(in.resolve("text.png"), "not an image\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		Files.write(in.resolve("tiny.tif"), TinyTiff.bytes(2, 2, true));
		assertEquals(0, CliRun.run("batch", "-i", in.resolve("other.png"), "-i", in.resolve("cut.png"), "-o", out,
			"--preset", "laplacian-4").code);
		byte[] cut = Files.readAllBytes(out.resolve("cut.tif"));
		Files.write(out.resolve("cut.tif"), Arrays.copyOf(cut, cut.length / 2));
		Files.write(out.resolve("mine.tif"), new byte[] { 1, 2, 3 });
		Files.createDirectories(out.resolve("folder.tif"));

		CliRun dry = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--dry-run");
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.contains("write    " + in.resolve("good.png") + " -> " + out.resolve("good.tif")),
			dry.toString());
		assertTrue(dry.out.endsWith("dry run: 1 to write, 0 to skip, 6 failing of 7 files; only image headers were "
			+ "read, nothing was written"), dry.toString());
		java.util.Map<String, String> listed = reasons(dry.out, "fail     ");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--progress", "none");
		assertEquals(dry.code, run.code, run.toString());
		java.util.Map<String, String> failed = reasons(run.err, "FAILED ");
		assertEquals(6, failed.size(), run.toString());
		assertEquals(failed, listed, "the dry run's reasons are the run's");
		assertTrue(failed.get(in.resolve("other.png").toString()).contains("made with other settings; --overwrite "
			+ "replaces it"), failed.toString());
		assertTrue(failed.get(in.resolve("folder.png").toString()).startsWith("a folder is in the way"),
			failed.toString());
	}

	/**
	 * The same for OME-Zarr outputs: a dry run lists each with the decision and the reason of the block-by-block run
	 * that follows it — written, skipped (complete, same settings), resumed (an interrupted run's), refused (other
	 * settings, a folder Convolve 2D did not write, an input that is neither TIFF nor OME-Zarr).
	 */
	@Test
	void aZarrDryRunGivesEachFileTheRunsDecisionAndReason() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		for (String name : new String[] { "good", "same", "part", "other", "foreign" }) {
			Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve(name + ".tif"));
		}
		Files.write(in.resolve("text.png"), "not an image\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		assertEquals(0, CliRun.run("batch", "-i", in.resolve("same.tif"), "-i", in.resolve("part.tif"), "-o", out,
			"--preset", "sobel-x", "--format", "zarr").code);
		Files.delete(out.resolve("part.ome.zarr/.zattrs")); // as a run killed before its last write leaves it
		assertEquals(0, CliRun.run("batch", "-i", in.resolve("other.tif"), "-o", out, "--preset", "laplacian-4",
			"--format", "zarr").code);
		Files.write(Files.createDirectories(out.resolve("foreign.ome.zarr")).resolve("notes.txt"), new byte[] { 1 });

		CliRun dry = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--format", "zarr", "--dry-run");
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.contains("write    " + in.resolve("good.tif") + " -> " + out.resolve("good.ome.zarr")),
			dry.toString());
		assertTrue(dry.out.contains("skip     " + in.resolve("same.tif") + " (" + out.resolve("same.ome.zarr")
			+ " exists, made with the same settings)"), dry.toString());
		assertTrue(dry.out.contains("resume   " + in.resolve("part.tif") + " -> " + out.resolve("part.ome.zarr")),
			dry.toString());
		assertTrue(dry.out.endsWith("dry run: 2 to write, 1 to skip, 3 failing of 6 files; only image headers were "
			+ "read, nothing was written"), dry.toString());
		java.util.Map<String, String> listed = reasons(dry.out, "fail     ");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--format", "zarr", "--progress",
			"none");
		assertEquals(dry.code, run.code, run.toString());
		java.util.Map<String, String> failed = reasons(run.err, "FAILED ");
		assertEquals(3, failed.size(), run.toString());
		assertEquals(failed, listed, "the dry run's reasons are the run's");
		assertTrue(failed.get(in.resolve("other.tif").toString()).contains("made with other settings"), failed.toString());
		assertTrue(run.out.contains("2 written, 1 skipped"), run.toString());
		assertTrue(Files.isRegularFile(out.resolve("part.ome.zarr/.zattrs")), "the interrupted output was finished");
	}

	/**
	 * A BigTIFF, which ImageJ does not read, is read in memory by the project's own TIFF reader (it used to be refused,
	 * pointing to --format zarr); one cut after its header is refused with what is wrong, without a stack trace.
	 */
	@Test
	void aBigTiffIsReadInMemoryAndADamagedOneIsRefused() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		Files.copy(java.nio.file.Paths.get(BatchRefusalsTest.class.getResource(
			"/io/github/convolve2d/io/tiff/u16-bigtiff-tiles.tif").toURI()), in.resolve("big.tif"));
		// header only: version 43, 8-byte offsets, first directory at 16, past the end
		ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		big.put((byte) 'I').put((byte) 'I').putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(16);
		Files.write(in.resolve("scan.tif"), big.array());
		CliRun r = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--progress", "none");
		assertEquals(1, r.code, r.toString());
		assertNoTrace(r);
		java.util.Map<String, String> failed = reasons(r.err, "FAILED ");
		assertEquals(java.util.Set.of(in.resolve("scan.tif").toString()), failed.keySet(), r.toString());
		assertTrue(r.out.contains("1 written"), r.toString());
		ij.ImagePlus maps = ij.IJ.openImage(out.resolve("big.tif").toString());
		assertEquals(68, maps.getWidth(), "valid mode: 70 - 2 columns");
		assertEquals(38, maps.getHeight());
	}

	/** The reason of each line {@code <prefix><input>: <reason>} of {@code text}, by input. */
	private static java.util.Map<String, String> reasons(String text, String prefix) {
		java.util.Map<String, String> m = new java.util.TreeMap<>();
		java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(prefix)
			+ "(.*?): (.*)$").matcher(text);
		while (line.find()) m.put(line.group(1), line.group(2));
		return m;
	}

	/**
	 * An OME-Zarr input is a folder being read: no output is written into it, whether it is named with -i or found
	 * in a folder that is (the output folder z/board.ome.zarr/sub with -i z was made inside the image).
	 */
	@Test
	void anOutputFolderInsideAZarrInputIsRefused() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(SAMPLES.resolve("chessboard_GRAY_U16.tif"), in.resolve("board.tif"));
		CliRun made = CliRun.run("batch", "-i", in, "-o", tmp.resolve("z"), "--preset", "identity", "--format", "zarr");
		assertEquals(0, made.code, made.toString());
		Path zarr = tmp.resolve("z/board.ome.zarr");
		for (Path out : new Path[] { zarr, zarr.resolve("sub") }) {
			for (Path input : new Path[] { zarr, tmp.resolve("z") }) {
				CliRun r = CliRun.run("batch", "-i", input, "-o", out, "--preset", "sobel-x", "--suffix", "_s");
				assertEquals(2, r.code, r.toString());
				assertTrue(r.err.contains("an OME-Zarr image: outputs would be written into it"), r.toString());
			}
		}
		// a level given by its folder: the image holding it is not written into either (it was, with a suffix)
		for (Path out : new Path[] { zarr, zarr.resolve("sub") }) {
			CliRun r = CliRun.run("batch", "-i", zarr.resolve("0"), "-o", out, "--preset", "sobel-x", "--suffix", "_s");
			assertEquals(2, r.code, r.toString());
			assertTrue(r.err.contains("is " + (out.equals(zarr) ? "" : "inside ") + "'" + zarr + "', the Zarr store that "
				+ "holds input '" + zarr.resolve("0") + "', an OME-Zarr image: outputs would be written into it"),
				r.toString());
		}
		try (java.util.stream.Stream<Path> s = Files.list(zarr)) {
			assertEquals(List.of(".zattrs", ".zgroup", "0"), s.map(p -> p.getFileName().toString()).sorted()
				.collect(java.util.stream.Collectors.toList()));
		}
	}
}
