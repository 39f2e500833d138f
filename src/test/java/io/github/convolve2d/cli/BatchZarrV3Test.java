package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.DataType;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.ZarrArray;
import io.github.convolve2d.io.ZarrFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code batch --zarr-format}: OME-Zarr outputs as NGFF 0.5 on Zarr v3 with the values and metadata of the NGFF 0.4
 * (Zarr v2) ones, the default (the input's own format), and an existing output of the other format, complete or
 * interrupted, told apart from one to skip or resume.
 */
class BatchZarrV3Test {

	@TempDir
	Path tmp;

	private static float[] pixels(int w, int h) {
		float[] p = new float[w * h];
		for (int i = 0; i < p.length; i++) p[i] = (i * 37 % 101) * 0.5f - 7;
		return p;
	}

	/** A bare 2-D Zarr array of {@code format}, 45×38 in chunks of 10×12, holding {@link #pixels}. */
	private static Path zarr(Path path, ZarrFormat format, Compressor compressor) throws IOException {
		return BatchZarrTest.zarr(path, DataType.FLOAT32, format, compressor, pixels(45, 38));
	}

	/** A calibrated float TIFF, 40×30: 0.5 µm pixels, origin (3, 4) pixels. */
	private Path tiff() throws IOException {
		ImagePlus imp = new ImagePlus("b", new FloatProcessor(40, 30, pixels(40, 30)));
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = cal.pixelHeight = 0.5;
		cal.setUnit("micron");
		cal.xOrigin = 3;
		cal.yOrigin = 4;
		Path file = Files.createDirectories(tmp.resolve("in")).resolve("b.tif");
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
		return file;
	}

	private static float[] all(ZarrArray level, int c) throws IOException {
		int[] s = level.shape();
		float[] v = new float[s[3] * s[4]];
		level.plane(0, c, 0).read(0, 0, s[4], s[3], v);
		return v;
	}

	/** Every level and channel of two images equal, value by value, and their calibration. */
	private static void assertSameImage(Path want, Path got, String what) throws IOException {
		OmeZarr a = OmeZarr.open(want), b = OmeZarr.open(got);
		assertArrayEquals(a.scale(), b.scale(), what);
		assertArrayEquals(a.translation(), b.translation(), what);
		assertArrayEquals(a.units(), b.units(), what);
		assertEquals(a.axes(), b.axes(), what);
		List<ZarrArray> la = OmeZarr.reopen(want).levels(), lb = OmeZarr.reopen(got).levels();
		assertEquals(la.size(), lb.size(), what);
		for (int l = 0; l < la.size(); l++) {
			assertArrayEquals(la.get(l).shape(), lb.get(l).shape(), what + " level " + l);
			for (int c = 0; c < la.get(l).shape()[1]; c++) {
				assertArrayEquals(all(la.get(l), c), all(lb.get(l), c), what + " level " + l + " channel " + c);
			}
		}
	}

	private static String text(Path file) throws IOException {
		return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
	}

	/**
	 * --zarr-format 3 writes, for each compression, the values, levels, calibration and omero window of
	 * --zarr-format 2, as NGFF 0.5 on Zarr v3; from a Zarr v2 input and from a TIFF.
	 */
	@Test
	void zarrFormat3WritesTheValuesAndMetadataOfZarrFormat2() throws IOException {
		Path in = tmp.resolve("in");
		zarr(in.resolve("a.zarr"), ZarrFormat.V2, Compressor.zlib(1));
		tiff();
		for (String compression : new String[] { "raw", "gzip", "blosc" }) {
			Path v2 = tmp.resolve("v2-" + compression), v3 = tmp.resolve("v3-" + compression);
			Object[] args = { "batch", "-i", in, "-o", null, "--format", "zarr", "--block", 16, "--zarr-pyramid",
				"--preset", "sobel-x", "--preset", "gaussian:1", "--mode", "same", "--zarr-compression", compression,
				"--progress", "none" };
			args[4] = v2;
			CliRun two = CliRun.run(concat(args, "--zarr-format", 2));
			assertEquals(0, two.code, two.toString());
			args[4] = v3;
			CliRun three = CliRun.run(concat(args, "--zarr-format", 3));
			assertEquals(0, three.code, three.toString());
			assertTrue(three.out.contains("2 written"), three.toString());
			for (String name : new String[] { "a", "b" }) {
				Path a2 = v2.resolve(name + ".ome.zarr"), a3 = v3.resolve(name + ".ome.zarr");
				assertEquals(ZarrFormat.V2, OmeZarr.open(a2).format());
				assertEquals(ZarrFormat.V3, OmeZarr.open(a3).format());
				assertTrue(OmeZarr.isComplete(a3));
				assertFalse(Files.exists(a3.resolve(".zattrs")) || Files.exists(a3.resolve("0/.zarray")), name);
				assertSameImage(a2, a3, compression + " " + name);
				String group = text(a3.resolve("zarr.json")), attrs = text(a2.resolve(".zattrs"));
				assertTrue(group.contains("\"version\": \"0.5\""), group);
				// the same omero channels, window included, and the same convolve2d attribute
				String window = attrs.substring(attrs.indexOf("\"omero\""), attrs.indexOf("]", attrs.indexOf("\"omero\"")));
				assertTrue(group.replace("\n      ", "\n").contains(window.replace("\n  ", "\n")), group + "\n" + window);
				assertTrue(group.contains("\"convolve2d\""), group);
			}
		}
		OmeZarr b = OmeZarr.open(tmp.resolve("v3-gzip/b.ome.zarr"));
		assertEquals("micrometer", b.units()[4]);
		assertEquals(0.5, b.scale()[4]);
		assertEquals(-1.5, b.translation()[4]); // ImageJ's origin of 3 pixels of 0.5 µm, kept in 'same' mode
	}

	/** Without --zarr-format each output is in its input's format: v3 in, v3 out; v2 and TIFF in, v2 out. */
	@Test
	void theDefaultIsTheInputsOwnFormat() throws IOException {
		Path in = tmp.resolve("in");
		zarr(in.resolve("v3.zarr"), ZarrFormat.V3, Compressor.gzip(1));
		zarr(in.resolve("v2.zarr"), ZarrFormat.V2, Compressor.RAW);
		tiff();
		Path out = tmp.resolve("out");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", "zarr", "--block", 16, "--preset", "sobel-x",
			"--progress", "none");
		assertEquals(0, run.code, run.toString());
		assertEquals(ZarrFormat.V3, OmeZarr.open(out.resolve("v3.ome.zarr")).format());
		assertEquals(ZarrFormat.V2, OmeZarr.open(out.resolve("v2.ome.zarr")).format());
		assertEquals(ZarrFormat.V2, OmeZarr.open(out.resolve("b.ome.zarr")).format());
		assertSameImage(out.resolve("v2.ome.zarr"), out.resolve("v3.ome.zarr"), "v3 input");
		// the input's format with zlib chunks, which Zarr v3 has no codec for: that input fails, naming gzip
		CliRun zlib = CliRun.run("batch", "-i", in, "-o", tmp.resolve("z"), "--format", "zarr", "--block", 16,
			"--preset", "sobel-x", "--zarr-compression", "zlib", "--progress", "none");
		assertEquals(1, zlib.code, zlib.toString());
		assertTrue(zlib.err.contains("FAILED " + in.resolve("v3.zarr") + ": its output would be OME-Zarr 0.5 (Zarr v3), "
			+ "the input's format, and --zarr-compression zlib has no Zarr v3 codec; use --zarr-compression gzip (the same "
			+ "deflate data, with a gzip header), or --zarr-format 2"), zlib.toString());
		assertTrue(zlib.out.contains("2 written"), zlib.toString());
		assertFalse(Files.exists(tmp.resolve("z/v3.ome.zarr")), zlib.toString());
	}

	/**
	 * A complete output in the other format than --zarr-format asks for fails (its dry run too) naming both, unless
	 * --overwrite; without --zarr-format it is skipped, as made with the same settings.
	 */
	@Test
	void aCompleteOutputInTheOtherFormatIsToldApart() throws IOException {
		Path in = zarr(tmp.resolve("in/a.zarr"), ZarrFormat.V2, Compressor.RAW), out = tmp.resolve("out");
		Path a = out.resolve("a.ome.zarr");
		Object[] args = { "batch", "-i", in, "-o", out, "--block", 16, "--preset", "sobel-x", "--progress", "none" };
		assertEquals(0, CliRun.run(concat(args, "--zarr-format", 3)).code);
		String reason = "its output " + a + " exists as OME-Zarr 0.5 (Zarr v3), and this run writes OME-Zarr 0.4 (Zarr "
			+ "v2) (--zarr-format 2); --overwrite replaces it, or choose another --output or --suffix";
		CliRun dry = CliRun.run(concat(args, "--zarr-format", 2, "--dry-run"));
		assertTrue(dry.out.contains("fail     " + in + ": " + reason), dry.toString());
		CliRun run = CliRun.run(concat(args, "--zarr-format", 2));
		assertEquals(1, run.code, run.toString());
		assertTrue(run.err.contains("FAILED " + in + ": " + reason), run.toString());
		assertEquals(ZarrFormat.V3, OmeZarr.open(a).format());
		CliRun same = CliRun.run(args);
		assertEquals(0, same.code, same.toString());
		assertTrue(same.out.contains("1 skipped"), same.toString());
		CliRun again = CliRun.run(concat(args, "--zarr-format", "0.5"));
		assertTrue(again.out.contains("1 skipped"), again.toString());
		CliRun replaced = CliRun.run(concat(args, "--zarr-format", 2, "--overwrite"));
		assertEquals(0, replaced.code, replaced.toString());
		assertEquals(ZarrFormat.V2, OmeZarr.open(a).format());
		assertFalse(Files.exists(a.resolve("zarr.json")) || Files.exists(a.resolve("0/zarr.json")), "nothing of v3 left");
	}

	/**
	 * An interrupted Zarr v3 output is resumed by a rerun (with --zarr-format 3 or without), its chunks kept, and
	 * gives the values of an uninterrupted run; a rerun with --zarr-format 2 is told how to resume it.
	 */
	@Test
	void anInterruptedZarrV3OutputIsResumedAndTheOtherFormatIsToldHow() throws IOException {
		Path in = zarr(tmp.resolve("in/a.zarr"), ZarrFormat.V2, Compressor.RAW), out = tmp.resolve("out");
		Path a = out.resolve("a.ome.zarr");
		Object[] args = { "batch", "-i", in, "-o", out, "--block", 16, "--preset", "sobel-x", "--zarr-pyramid",
			"--zarr-compression", "gzip", "--progress", "none" };
		Object[] whole = args.clone();
		whole[4] = tmp.resolve("whole");
		assertEquals(0, CliRun.run(concat(whole, "--zarr-format", 3)).code);
		for (Object[] resume : new Object[][] { { "--zarr-format", 3 }, {} }) {
			assertEquals(0, CliRun.run(concat(args, "--zarr-format", 3, "--overwrite")).code);
			// as a run killed before its last writes leaves it: the group without its metadata, chunks missing
			Files.write(a.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {}}"
				.getBytes(StandardCharsets.UTF_8));
			Files.delete(a.resolve("0/c/0/0/0/2/1"));
			Files.delete(a.resolve("1/c/0/0/0/0/0"));
			byte[] kept = Files.readAllBytes(a.resolve("0/c/0/0/0/0/0"));
			long keptTime = Files.getLastModifiedTime(a.resolve("0/c/0/0/0/0/0")).toMillis();
			assertFalse(OmeZarr.isComplete(a));
			// not called interrupted: it may be the result of a run still writing it
			String reason = "its output " + a + " is an OME-Zarr 0.5 (Zarr v3) result that a run has not finished "
				+ "(interrupted, or still running), and this run writes OME-Zarr 0.4 (Zarr v2) (--zarr-format 2); rerun "
				+ "with --zarr-format 3 to resume it, or, once no run is writing it, with --overwrite to start it again";
			CliRun other = CliRun.run(concat(args, "--zarr-format", 2));
			assertEquals(1, other.code, other.toString());
			assertTrue(other.err.contains("FAILED " + in + ": " + reason), other.toString());
			CliRun dry = CliRun.run(concat(concat(args, resume), "--dry-run"));
			assertTrue(dry.out.contains("resume   "), dry.toString());
			CliRun resumed = CliRun.run(concat(args, resume));
			assertEquals(0, resumed.code, resumed.toString());
			assertTrue(OmeZarr.isComplete(a), Arrays.toString(resume));
			assertArrayEquals(kept, Files.readAllBytes(a.resolve("0/c/0/0/0/0/0")));
			assertEquals(keptTime, Files.getLastModifiedTime(a.resolve("0/c/0/0/0/0/0")).toMillis(), "kept, not rewritten");
			assertSameImage(tmp.resolve("whole/a.ome.zarr"), a, "resumed " + Arrays.toString(resume));
			assertEquals(text(tmp.resolve("whole/a.ome.zarr/zarr.json")).replace(tmp.resolve("whole").toString(), ""),
				text(a.resolve("zarr.json")).replace(out.toString(), ""));
		}
	}

	/**
	 * The Zarr v3 output of an interrupted run, given as the input of another (a pipeline's next step), is refused as
	 * the Zarr v2 one is, whole or by its level folder: the blocks it lacks would read as zeros. The group was refused
	 * as holding no image, with advice to give its level folder, which was then convolved and reported done.
	 */
	@Test
	void anUnfinishedZarrV3OutputIsNeverReadAsAnInput() throws IOException {
		Path in = zarr(tmp.resolve("in/a.zarr"), ZarrFormat.V3, Compressor.RAW);
		Path step1 = tmp.resolve("step1"), step2 = tmp.resolve("step2");
		CliRun first = CliRun.run("batch", "-i", in, "-o", step1, "--preset", "sobel-x", "--block", 16, "--progress",
			"none");
		assertEquals(0, first.code, first.toString());
		Path result = step1.resolve("a.ome.zarr");
		// as a run killed before its last blocks leaves it: the group without its metadata, a chunk missing
		Files.write(result.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {}}"
			.getBytes(StandardCharsets.UTF_8));
		Files.delete(result.resolve("0/c/0/0/0/1/1"));
		for (Path input : new Path[] { result, result.resolve("0"), step1 }) {
			CliRun dry = CliRun.run("batch", "-i", input, "-o", step2, "--preset", "sobel-y", "--dry-run");
			CliRun next = CliRun.run("batch", "-i", input, "-o", step2, "--preset", "sobel-y", "--progress", "none");
			assertEquals(1, next.code, next.toString());
			assertTrue(next.err.contains("is the result of a Convolve 2D run that has not finished (its zarr.json has "
				+ "no 'ome' attributes yet"), next.toString());
			assertTrue(next.err.contains("rerun the command that made it"), next.toString());
			String reason = next.err.substring(next.err.indexOf(": ") + 2).trim();
			assertEquals(1, dry.code, dry.toString());
			assertTrue(dry.out.startsWith("fail ") && dry.out.contains(reason), "the run's reason: " + reason + "\n" + dry);
			assertFalse(Files.exists(step2.resolve("a.ome.zarr")) || Files.exists(step2.resolve("0.ome.zarr")),
				"nothing written from " + input);
		}
	}

	@Test
	void zarrFormatMistakesAreUsageErrors() throws IOException {
		Path in = zarr(tmp.resolve("in/a.zarr"), ZarrFormat.V2, Compressor.RAW);
		CliRun zlib = CliRun.run("batch", "-i", in, "-o", tmp.resolve("o"), "--preset", "sobel-x", "--zarr-format", 3,
			"--zarr-compression", "zlib");
		assertEquals(2, zlib.code, zlib.toString());
		assertTrue(zlib.err.contains("--zarr-compression zlib has no Zarr v3 codec; use --zarr-compression gzip (the "
			+ "same deflate data, with a gzip header) with --zarr-format 3, or --zarr-format 2"), zlib.toString());
		CliRun four = CliRun.run("batch", "-i", in, "-o", tmp.resolve("o"), "--preset", "sobel-x", "--zarr-format", 4);
		assertEquals(2, four.code, four.toString());
		assertTrue(four.err.contains("--zarr-format '4' is not 2 (NGFF 0.4 on Zarr v2) or 3 (NGFF 0.5 on Zarr v3)"),
			four.toString());
		assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
		// with TIFF outputs only, named as unused
		CliRun tiff = CliRun.run("batch", "-i", tiff(), "-o", tmp.resolve("t"), "--zarr-format", 3, "--preset",
			"sobel-x", "--progress", "none");
		assertEquals(0, tiff.code, tiff.toString());
		assertTrue(tiff.err.contains("note: --zarr-format applies to OME-Zarr outputs only"), tiff.toString());
	}

	private static Object[] concat(Object[] a, Object... b) {
		Object[] all = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}
}
