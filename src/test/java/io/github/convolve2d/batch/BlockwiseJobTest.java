package io.github.convolve2d.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Convolution;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.io.ChannelRanges;
import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.Compressor;
import io.github.convolve2d.io.DataType;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.io.PyramidReference;
import io.github.convolve2d.io.TiffBytes;
import io.github.convolve2d.io.ZarrArray;
import io.github.convolve2d.io.ZarrFormat;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Large inputs convolved block by block into OME-Zarr: the result equals the in-memory convolution of each plane
 * bit for bit (direct path), for a Zarr input (5-D, channels × kernels in the TIFF results' order) and a TIFF stack;
 * an interrupted run, rerun, skips its finished blocks and ends with the same bytes as an uninterrupted run.
 */
class BlockwiseJobTest {

	@TempDir
	Path tmp;

	private static final List<Kernel> BANK = Arrays.asList(Presets.resolve("sobel-x"),
		Kernel.of("random 5x5", 5, 5, random(25, 3)));
	/** An input whose reads keep nothing decoded (uncompressed). */
	private static final BlockwiseJob.Decoded KEPT_NONE = BlockwiseJob.Decoded.NONE;
	private static final ConvolutionOptions OPTIONS = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT)
		.method(Method.DIRECT).threads(2).build();

	private static double[] random(int n, long seed) {
		Random rnd = new Random(seed);
		double[] v = new double[n];
		for (int i = 0; i < n; i++) v[i] = rnd.nextGaussian();
		return v;
	}

	private static float pixel(int c, int z, int y, int x) {
		return (float) (((c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y * 7 + x) % 10) * 0.1);
	}

	/** A 5-D OME-Zarr input, t=1 c=2 z=2, 70×53 pixels in chunks of 16×20 (edge chunks cut short). */
	private Path zarrInput() throws IOException {
		int w = 70, h = 53;
		Path dir = tmp.resolve("in.ome.zarr");
		OmeZarr image = OmeZarr.create(dir, new int[] { 1, 2, 2, h, w }, 20, 16, Compressor.zlib(1),
			new double[] { 1, 1, 3, 0.5, 0.25 }, new double[5], new String[] { null, null, "micrometer", "micrometer", "micrometer" },
			null);
		ZarrArray a = image.array();
		for (int c = 0; c < 2; c++) {
			for (int z = 0; z < 2; z++) {
				for (int cy = 0; cy * 16 < h; cy++) {
					for (int cx = 0; cx * 20 < w; cx++) {
						float[] v = new float[a.chunkElements()];
						for (int r = 0; r < 16; r++) {
							for (int q = 0; q < 20; q++) {
								int y = cy * 16 + r, x = cx * 20 + q;
								if (y < h && x < w) v[r * 20 + q] = pixel(c, z, y, x);
							}
						}
						a.writeChunk(new int[] { 0, c, z, cy, cx }, v);
					}
				}
			}
		}
		image.commit();
		return dir;
	}

	private static Plane plane(int c, int z, int w, int h) {
		float[] p = new float[w * h];
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = pixel(c, z, y, x);
		return Plane.wrap(w, h, p);
	}

	@Test
	void aZarrImageGivesTheInMemoryFeatureMapsInTheTiffChannelOrder() throws IOException {
		Path out = tmp.resolve("out.ome.zarr");
		AtomicLong last = new AtomicLong();
		long already = new BlockwiseJob(BANK, OPTIONS, 24, Compressor.RAW).run(zarrInput(), out, false,
			(done, total) -> {
				assertEquals(2 * 2 * 3 * 3, total); // 4 planes of 3×3 blocks of 24² (70×53 output)
				last.set(done);
			});
		assertEquals(0, already);
		assertEquals(36, last.get());
		assertTrue(OmeZarr.isComplete(out));
		OmeZarr result = OmeZarr.open(out);
		assertArrayEquals(new int[] { 1, 4, 2, 53, 70 }, result.array().shape());
		assertArrayEquals(new int[] { 1, 1, 1, 24, 24 }, result.array().chunks());
		assertArrayEquals(new double[] { 1, 1, 3, 0.5, 0.25 }, result.scale());
		assertEquals("micrometer", result.units()[3]);
		for (int c = 0; c < 2; c++) {
			for (int z = 0; z < 2; z++) {
				List<Plane> maps = Convolution.convolve(plane(c, z, 70, 53), BANK, OPTIONS, ProgressListener.NONE);
				for (int k = 0; k < 2; k++) {
					float[] got = new float[70 * 53];
					result.array().plane(0, c * 2 + k, z).read(0, 0, 70, 53, got);
					assertArrayEquals(maps.get(k).pixels(), got, "channel " + c + ", slice " + z + ", kernel " + k);
				}
			}
		}
		String attrs = new String(Files.readAllBytes(out.resolve(".zattrs")));
		assertTrue(attrs.contains("\"convolve2d\"") && attrs.contains("Sobel X") && attrs.contains("\"reflect\"")
			&& attrs.contains("C2 / random 5x5"), attrs);
	}

	/**
	 * A one-level output's omero windows are the range of its values, gathered as the blocks are written (the
	 * output is not read again to commit it), also when it is computed in parts, as on Spark, and some blocks are
	 * found written already (read back): the values NaN-free, each channel's least and greatest.
	 */
	@Test
	void theWindowsOfAOneLevelOutputAreTheRangesOfItsBlocks() throws IOException {
		Path in = zarrInput(), out = tmp.resolve("parts.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 24, Compressor.RAW);
		BlockwiseJob.Prepared prepared = job.prepare(in, out, false);
		job.compute(in, out, 0, 7, prepared.ranges());
		// blocks 0 to 6 are found written: their values are read back into the ranges
		ChannelRanges all = prepared.ranges();
		assertEquals(7, job.compute(in, out, 0, prepared.blocks(), all));
		prepared.commit(all);

		OmeZarr result = OmeZarr.open(out);
		String attrs = new String(Files.readAllBytes(out.resolve(".zattrs")));
		com.google.gson.JsonArray channels = com.google.gson.JsonParser.parseString(attrs).getAsJsonObject()
			.getAsJsonObject("omero").getAsJsonArray("channels");
		assertEquals(4, channels.size());
		for (int c = 0; c < 4; c++) {
			double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
			for (int z = 0; z < 2; z++) {
				float[] v = new float[70 * 53];
				result.array().plane(0, c, z).read(0, 0, 70, 53, v);
				for (float f : v) {
					lo = Math.min(lo, f);
					hi = Math.max(hi, f);
				}
			}
			com.google.gson.JsonObject window = channels.get(c).getAsJsonObject().getAsJsonObject("window");
			assertEquals(lo, window.get("min").getAsDouble(), "channel " + c);
			assertEquals(hi, window.get("max").getAsDouble(), "channel " + c);
			assertEquals(lo, window.get("start").getAsDouble(), "channel " + c);
			assertEquals(hi, window.get("end").getAsDouble(), "channel " + c);
		}
		// the one-process run gives the same metadata
		Path whole = tmp.resolve("whole.ome.zarr");
		job.run(in, whole, false, (done, total) -> { });
		assertEquals(attrs.replace("parts", "whole"), new String(Files.readAllBytes(whole.resolve(".zattrs"))));
	}

	/**
	 * An output begun from an input reached through a link is resumed from the input itself, and the other way round
	 * (the recorded input names the same file); it was refused as "an interrupted result of another input".
	 */
	@Test
	void anOutputBegunThroughALinkIsResumedThroughTheFile() throws IOException {
		Path in = zarrInput(), link = Files.createSymbolicLink(tmp.resolve("link.ome.zarr"), in);
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 24, Compressor.RAW);
		for (Path[] names : new Path[][] { { link, in }, { in, link } }) {
			Path out = tmp.resolve("out-" + names[0].getFileName());
			job.prepare(names[0], out, false);
			job.compute(names[0], out, 0, 5);
			assertEquals(null, job.resumeMismatch(out, names[1]), "the dry run's check");
			assertEquals(5, job.run(names[1], out, false, (done, total) -> { }), "resumed: the 5 blocks are kept");
			assertTrue(OmeZarr.isComplete(out));
		}
		// another file is still another input
		Path other = tmp.resolve("other.ome.zarr"), out = tmp.resolve("out-third");
		copyTree(in, other);
		job.prepare(in, out, false);
		job.compute(in, out, 0, 5);
		assertTrue(job.resumeMismatch(out, other).contains("an interrupted result of another input"));
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> s = Files.walk(from)) {
			for (Path p : (Iterable<Path>) s::iterator) Files.copy(p, to.resolve(from.relativize(p).toString()));
		}
	}

	/**
	 * The output's translation is the input's plus the offset of output pixel 0 in input pixels times their size,
	 * exactly where those are exact: it went through ImageJ's origin and back (7 at 0.3 came out 7.000000000000001).
	 */
	@Test
	void anInputsTranslationIsCarriedWithoutRounding() throws IOException {
		Path in = tmp.resolve("t.ome.zarr");
		OmeZarr image = OmeZarr.create(in, new int[] { 1, 1, 1, 12, 10 }, 16, 16, Compressor.gzip(1),
			new double[] { 1, 1, 1, 0.3, 0.3 }, new double[] { 0, 0, 0, 7, -2.5 }, new String[5], null);
		image.array().writeChunk(new int[5], new float[image.array().chunkElements()]);
		image.commit();
		Path same = tmp.resolve("same.ome.zarr"), valid = tmp.resolve("valid.ome.zarr");
		new BlockwiseJob(BANK.subList(0, 1), OPTIONS, 8, Compressor.gzip(1)).run(in, same, false, (d, t) -> { });
		assertArrayEquals(new double[] { 0, 0, 0, 7, -2.5 }, OmeZarr.open(same).translation());
		ConvolutionOptions o = OPTIONS.toBuilder().mode(Mode.VALID).stride(2).build();
		new BlockwiseJob(BANK.subList(0, 1), o, 8, Compressor.gzip(1)).run(in, valid, false, (d, t) -> { });
		// a 3×3 kernel in valid mode: output pixel 0 lies over input pixel 1, 0.3 further
		assertArrayEquals(new double[] { 0, 0, 0, 7 + 0.3, -2.5 + 0.3 }, OmeZarr.open(valid).translation());
		assertArrayEquals(new double[] { 1, 1, 1, 0.6, 0.6 }, OmeZarr.open(valid).scale());
	}

	@Test
	void aTiffStackWithStrideGivesTheInMemoryFeatureMaps() throws IOException {
		ImageStack stack = new ImageStack(61, 40);
		for (int z = 0; z < 2; z++) stack.addSlice(new FloatProcessor(61, 40, plane(0, z, 61, 40).pixels().clone()));
		Path tif = tmp.resolve("stack.tif");
		assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(tif.toString()));
		ConvolutionOptions o = OPTIONS.toBuilder().mode(Mode.VALID).stride(2, 3).build();
		Path out = tmp.resolve("stack.ome.zarr");
		new BlockwiseJob(BANK.subList(1, 2), o, 7, Compressor.gzip(1)).run(tif, out, false, (d, t) -> { });
		OmeZarr result = OmeZarr.open(out);
		int ow = (61 - 4 + 2) / 3, oh = (40 - 4 + 1) / 2;
		assertArrayEquals(new int[] { 1, 1, 2, oh, ow }, result.array().shape());
		assertArrayEquals(new double[] { 0, 0, 0, 2, 2 }, result.translation()); // valid: output 0 lies over pixel 2
		for (int z = 0; z < 2; z++) {
			Plane want = Convolution.convolve(plane(0, z, 61, 40), BANK.get(1), o);
			float[] got = new float[ow * oh];
			result.plane(z).read(0, 0, ow, oh, got);
			assertArrayEquals(want.pixels(), got, "slice " + z);
		}
	}

	@Test
	void anImageJHyperstackKeepsItsChannelsAndSlices() throws IOException {
		int w = 23, h = 17;
		ImageStack stack = new ImageStack(w, h);
		for (int n = 0; n < 6; n++) stack.addSlice(new FloatProcessor(w, h, plane(n % 2, n / 2, w, h).pixels().clone()));
		ImagePlus hyper = new ImagePlus("hyper", stack);
		hyper.setDimensions(2, 3, 1); // pages go channel, slice: page n is channel n % 2 of slice n / 2
		Path tif = tmp.resolve("hyper.tif");
		assertTrue(new FileSaver(hyper).saveAsTiffStack(tif.toString()));
		Path out = tmp.resolve("hyper.ome.zarr");
		new BlockwiseJob(BANK, OPTIONS, 8, Compressor.RAW).run(tif, out, false, (d, t) -> { });
		OmeZarr result = OmeZarr.open(out);
		assertArrayEquals(new int[] { 1, 4, 3, h, w }, result.array().shape(), "2 channels × 2 kernels, 3 slices");
		for (int c = 0; c < 2; c++) {
			for (int z = 0; z < 3; z++) {
				List<Plane> maps = Convolution.convolve(plane(c, z, w, h), BANK, OPTIONS, ProgressListener.NONE);
				for (int k = 0; k < 2; k++) {
					float[] got = new float[w * h];
					result.array().plane(0, c * 2 + k, z).read(0, 0, w, h, got);
					assertArrayEquals(maps.get(k).pixels(), got, "channel " + c + ", slice " + z + ", kernel " + k);
				}
			}
		}
	}

	@Test
	void anInterruptedRunResumesToTheBytesOfAnUninterruptedOne() throws IOException {
		Path in = zarrInput();
		Path whole = tmp.resolve("whole.ome.zarr"), resumed = tmp.resolve("resumed.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.zlib(1));
		job.run(in, whole, false, (d, t) -> { });
		RuntimeException killed = assertThrows(RuntimeException.class, () -> job.run(in, resumed, false, (done, total) -> {
			if (done >= 23) throw new IllegalStateException("killed");
		}));
		assertEquals("killed", killed.getMessage());
		assertFalse(OmeZarr.isComplete(resumed), "an interrupted output has no NGFF metadata");
		long[] seen = new long[2];
		long already = job.run(in, resumed, false, (done, total) -> {
			seen[0] = Math.max(seen[0], done);
			seen[1] = total;
		});
		assertTrue(already >= 20 && already < seen[1], "blocks kept from the first run: " + already + " of " + seen[1]);
		assertEquals(seen[1], seen[0]);
		assertEquals(files(whole), files(resumed));
	}

	/**
	 * A chunk the interrupted run left that does not read back (empty: renamed into place before its data reached the
	 * disk, as a crash of the machine can leave it) is computed again by the rerun, which ends with the bytes of an
	 * uninterrupted run; the rerun failed, calling the output's chunk "the input is damaged; re-export it".
	 */
	@Test
	void aFoundChunkThatDoesNotReadBackIsComputedAgain() throws IOException {
		Path in = zarrInput();
		Path whole = tmp.resolve("whole.ome.zarr"), resumed = tmp.resolve("resumed.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.zlib(1));
		job.run(in, whole, false, (d, t) -> { });
		assertThrows(RuntimeException.class, () -> job.run(in, resumed, false, (done, total) -> {
			if (done >= 23) throw new IllegalStateException("killed");
		}));
		Path first = resumed.resolve("0/0.0.0.0.0");
		assertTrue(Files.isRegularFile(first));
		Files.write(first, new byte[0]);
		job.run(in, resumed, false, (d, t) -> { });
		assertTrue(OmeZarr.isComplete(resumed));
		assertEquals(files(whole), files(resumed));
	}

	/**
	 * With a pyramid too, in Zarr v2 and v3: a found chunk of level 0 or of a level that does not read back is computed
	 * again; the rerun failed in the pyramid, calling the output's chunk "the input is damaged; re-export it".
	 */
	@Test
	void aFoundChunkThatDoesNotReadBackIsComputedAgainWithAPyramid() throws IOException {
		Path in = zarrInput();
		for (ZarrFormat format : ZarrFormat.values()) {
			Path whole = tmp.resolve("whole" + format + ".ome.zarr"), resumed = tmp.resolve("resumed" + format + ".ome.zarr");
			BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.gzip(1), true).withZarrFormat(format);
			job.run(in, whole, false, (d, t) -> { });
			long level0 = 4 * 5 * 4; // as in the test below: killed in level 1
			assertThrows(RuntimeException.class, () -> job.run(in, resumed, false, (done, total) -> {
				if (done >= level0 + 5) throw new IllegalStateException("killed");
			}));
			OmeZarr out = OmeZarr.reopen(resumed);
			Path full = out.levels().get(0).chunkPath(new int[] { 0, 1, 0, 1, 1 });
			Path level1 = null;
			for (int x = 0; level1 == null && x < 3; x++) {
				if (out.levels().get(1).hasChunk(new int[] { 0, 0, 0, 0, x })) {
					level1 = out.levels().get(1).chunkPath(new int[] { 0, 0, 0, 0, x });
				}
			}
			assertTrue(Files.isRegularFile(full) && level1 != null, format.toString());
			Files.write(full, new byte[0]);
			Files.write(level1, new byte[0]);
			job.run(in, resumed, false, (d, t) -> { });
			assertTrue(OmeZarr.isComplete(resumed), format.toString());
			assertEquals(files(whole), files(resumed), format.toString());
		}
	}

	/**
	 * A complete output whose image metadata a crash of the machine left empty (Zarr v2's .zattrs, v3's group
	 * zarr.json) is resumed, and committed again, in both formats alike; in Zarr v2 it was skipped as complete,
	 * unreadable for ever after.
	 */
	@Test
	void aCompleteOutputWhoseMetadataACrashLeftEmptyIsCommittedAgain() throws IOException {
		Path in = zarrInput();
		for (ZarrFormat format : ZarrFormat.values()) {
			Path whole = tmp.resolve("whole" + format + ".ome.zarr"), crashed = tmp.resolve("crashed" + format + ".ome.zarr");
			BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.gzip(1)).withZarrFormat(format);
			job.run(in, whole, false, (d, t) -> { });
			job.run(in, crashed, false, (d, t) -> { });
			Path metadata = crashed.resolve(format == ZarrFormat.V2 ? ".zattrs" : "zarr.json");
			Files.write(metadata, new byte[0]);
			assertEquals(BlockwiseJob.Existing.PARTIAL, job.inspect(crashed), format.toString());
			job.run(in, crashed, false, (d, t) -> { });
			assertTrue(OmeZarr.isComplete(crashed), format.toString());
			assertEquals(files(whole), files(crashed), format.toString());
			assertEquals(new String(Files.readAllBytes(whole.resolve(metadata.getFileName()))).replace("whole", "crashed"),
				new String(Files.readAllBytes(metadata)), format.toString());
		}
	}

	/**
	 * A complete Zarr v2 output whose .zgroup a crash of the machine left empty is resumed, which writes the .zgroup
	 * again; it was skipped as complete, and zarr-python could not open it (JSONDecodeError on .zgroup).
	 */
	@Test
	void aCompleteOutputWhoseZgroupACrashLeftEmptyIsWrittenAgain() throws IOException {
		Path in = zarrInput();
		Path whole = tmp.resolve("whole.ome.zarr"), crashed = tmp.resolve("crashed.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.gzip(1)).withZarrFormat(ZarrFormat.V2);
		job.run(in, whole, false, (d, t) -> { });
		job.run(in, crashed, false, (d, t) -> { });
		Files.write(crashed.resolve(".zgroup"), new byte[0]);
		assertEquals(BlockwiseJob.Existing.PARTIAL, job.inspect(crashed));
		job.run(in, crashed, false, (d, t) -> { });
		assertTrue(OmeZarr.isComplete(crashed));
		assertEquals(files(whole), files(crashed));
	}

	@Test
	void aPyramidFollowsTheFullResolutionAndResumesLikeIt() throws IOException {
		Path in = zarrInput();
		Path whole = tmp.resolve("whole.ome.zarr"), resumed = tmp.resolve("resumed.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.zlib(1), true);
		long[] last = new long[2];
		job.run(in, whole, false, (done, total) -> {
			last[0] = done;
			last[1] = total;
		});
		// 70×53 in chunks of 16²: 70×53, 35×27, 18×14, 9×7 (one chunk). Level 0: 4 input planes of 5×4 blocks (each
		// block one chunk per kernel); the pyramid: 8 output planes of 3×2, 2×1 and 1 chunks
		long level0 = 4 * 5 * 4, pyramid = 8 * (3 * 2 + 2 * 1 + 1);
		assertEquals(level0 + pyramid, last[1]);
		assertEquals(last[1], last[0]);
		OmeZarr out = OmeZarr.reopen(whole);
		assertEquals(4, out.levels().size());
		int[][] shapes = { { 53, 70 }, { 27, 35 }, { 14, 18 }, { 7, 9 } };
		for (int channel = 0; channel < 4; channel++) {
			for (int z = 0; z < 2; z++) {
				float[] below = new float[53 * 70];
				out.levels().get(0).plane(0, channel, z).read(0, 0, 70, 53, below);
				for (int l = 1; l < 4; l++) {
					int bh = shapes[l - 1][0], bw = shapes[l - 1][1], lh = shapes[l][0], lw = shapes[l][1];
					assertArrayEquals(new int[] { 1, 4, 2, lh, lw }, out.levels().get(l).shape());
					float[] level = new float[lh * lw];
					out.levels().get(l).plane(0, channel, z).read(0, 0, lw, lh, level);
					assertArrayEquals(PyramidReference.mean(below, bh, bw), level, "level " + l + ", channel " + channel
						+ ", slice " + z);
					below = level;
				}
			}
		}
		String attrs = new String(Files.readAllBytes(whole.resolve(".zattrs")));
		assertTrue(attrs.contains("\"path\": \"3\"") && attrs.contains("local_mean"), attrs);

		// killed in the pyramid, then rerun: the bytes of the uninterrupted run
		RuntimeException killed = assertThrows(RuntimeException.class, () -> job.run(in, resumed, false, (done, total) -> {
			if (done >= level0 + 5) throw new IllegalStateException("killed");
		}));
		assertEquals("killed", killed.getMessage());
		assertFalse(OmeZarr.isComplete(resumed));
		long already = job.run(in, resumed, false, (d, t) -> { });
		assertTrue(already >= level0 + 5 - 2, "chunks kept: " + already);
		assertEquals(files(whole), files(resumed));

		// a result without a pyramid is one made with other settings
		Path flat = tmp.resolve("flat.ome.zarr");
		new BlockwiseJob(BANK, OPTIONS, 16, Compressor.zlib(1)).run(in, flat, false, (d, t) -> { });
		assertEquals(BlockwiseJob.Existing.OTHER_SETTINGS, job.inspect(flat));
		assertEquals(BlockwiseJob.Existing.COMPLETE, job.inspect(whole));
	}

	@Test
	void blocksInFlightFitTheFreeHeapOrTheRunIsRefusedWithABlockThatFits() {
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS.toBuilder().threads(4).build(), 512, Compressor.RAW);
		io.github.convolve2d.core.BlockGrid grid = io.github.convolve2d.core.BlockGrid.of(4000, 3000, BANK, OPTIONS, 512,
			512);
		// a block: its 516² window twice and 2 maps plus a padded copy of 512² floats, about 5.3 MB
		long perBlock = 4L * (2 * 516 * 516 + 3 * 512 * 512);
		ConvolutionOptions four = OPTIONS.toBuilder().threads(4).build();
		assertEquals(4, job.fittingThreads(grid, 1, 0, KEPT_NONE, four, 10 * perBlock, 0).threads());
		assertEquals(2, job.fittingThreads(grid, 1, 0, KEPT_NONE, four, 2 * perBlock + 1, 0).threads());
		io.github.convolve2d.core.UserException e = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> job.fittingThreads(grid, 1, 0, KEPT_NONE, OPTIONS, perBlock / 4, 0));
		assertTrue(e.getMessage().startsWith("a block of 512×512 output pixels needs about 5 MB (1 input window(s) and 2 "
			+ "feature map(s)) but only 1 MB of the Java heap are free; use a smaller --block (e.g. --block 224)"),
			e.getMessage());
		// compressed, a chunk's stored form is made beside it, up to its size and copied once: two blocks more
		BlockwiseJob zlib = new BlockwiseJob(BANK, OPTIONS.toBuilder().threads(4).build(), 512, Compressor.zlib(1));
		long compressedBlock = perBlock + 4L * 2 * 512 * 512;
		assertEquals(2, zlib.fittingThreads(grid, 1, 0, KEPT_NONE, four, 2 * compressedBlock + 1, 0).threads());
		assertEquals(1, zlib.fittingThreads(grid, 1, 0, KEPT_NONE, four, 2 * compressedBlock - 1, 0).threads());
		// a pyramid chunk reads the 2×2 chunks below it into one array, writes its own and reads or writes a chunk's
		// bytes: 8 chunks of 512² floats; fewer threads, or refused with a block that fits
		long perChunk = 4L * 8 * 512 * 512;
		BlockwiseJob pyramid = new BlockwiseJob(BANK, OPTIONS.toBuilder().threads(4).build(), 512, Compressor.RAW, true);
		assertEquals(4, pyramid.levelThreads(grid, 4 * perChunk));
		assertEquals(2, pyramid.levelThreads(grid, 3 * perChunk - 1));
		e = assertThrows(io.github.convolve2d.core.UserException.class, () -> pyramid.levelThreads(grid, perChunk / 2));
		assertTrue(e.getMessage().startsWith("a pyramid chunk of 512×512 pixels needs about 8 MB (the 2×2 chunks below "
			+ "it, its own, and one being read or written) but only 4 MB of the Java heap are free; use a smaller --block "
			+ "(e.g. --block 320), leave out --zarr-pyramid"), e.getMessage());
		// a dilation that makes the window larger than the image: the block reads the image instead
		ConvolutionOptions dilated = OPTIONS.toBuilder().dilation(100_000_000).build();
		io.github.convolve2d.core.BlockGrid wide = io.github.convolve2d.core.BlockGrid.of(300, 200, BANK.subList(0, 1),
			dilated, 64, 64);
		assertEquals(2, new BlockwiseJob(BANK.subList(0, 1), dilated, 64, Compressor.RAW)
			.fittingThreads(wide, 1, 0, KEPT_NONE, dilated, 4L * (2 * 300 * 200 + 2 * 64 * 64) * 2, 0).threads());
		// a 25×25 kernel goes to the FFT path on 2048² blocks: its tiles and spectra count too (up to four times a
		// window's bytes, by the plan's choice; here about 3 MB a block on one thread)
		double[] v = new double[25 * 25];
		for (int i = 0; i < v.length; i++) v[i] = Math.sin(i);
		List<Kernel> large = Arrays.asList(Kernel.of("large", 25, 25, v));
		ConvolutionOptions auto = OPTIONS.toBuilder().method(Method.AUTO).threads(2).build();
		io.github.convolve2d.core.BlockGrid big = io.github.convolve2d.core.BlockGrid.of(4000, 4000, large, auto, 2048,
			2048);
		long windowsAndMaps = 4L * (2 * 2072 * 2072 + 2 * 2048 * 2048);
		long fft = io.github.convolve2d.core.BlockwiseConvolution.blockWorkingBytes(large, auto.toBuilder().threads(1)
			.build(), big);
		assertTrue(fft > 1 << 20, "the FFT path's buffers: " + fft);
		BlockwiseJob fftJob = new BlockwiseJob(large, auto, 2048, Compressor.RAW);
		assertEquals(1, fftJob.fittingThreads(big, 1, 0, KEPT_NONE, auto, 2 * windowsAndMaps + fft, 0).threads());
		assertEquals(2, fftJob.fittingThreads(big, 1, 0, KEPT_NONE, auto, 2 * (windowsAndMaps + fft), 0).threads());
		e = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> fftJob.fittingThreads(big, 1, 0, KEPT_NONE, auto, windowsAndMaps + 1, 0));
		assertTrue(e.getMessage().contains("MB of FFT tiles"), e.getMessage());
		// forced direct, nothing more than windows and maps
		ConvolutionOptions direct = auto.toBuilder().method(Method.DIRECT).build();
		assertEquals(2, new BlockwiseJob(large, direct, 2048, Compressor.RAW).fittingThreads(big, 1, 0, KEPT_NONE, direct,
			2 * windowsAndMaps, 0).threads());
	}

	/**
	 * Under G1 an array of half a heap region or more takes whole regions: a 512² block's 1 MB plane and its header
	 * take two 1 MB regions, so a bank of 23 kernels that was let through on 1024² blocks at -Xmx128m ran out of
	 * memory on its first block. Blocks are counted at what they take, and the block size suggested fits.
	 */
	@Test
	void blocksAreCountedInTheHeapRegionsTheirPlanesTake() {
		long mb = 1 << 20; // HeapRegionsTest: what an array takes in regions
		List<Kernel> bank = new java.util.ArrayList<>();
		for (int k = 0; k < 23; k++) bank.add(Kernel.of("k" + k, 1, 1, k + 1));
		ConvolutionOptions two = OPTIONS.toBuilder().threads(2).build();
		BlockwiseJob job = new BlockwiseJob(bank, two, 512, Compressor.RAW);
		io.github.convolve2d.core.BlockGrid grid = io.github.convolve2d.core.BlockGrid.of(8000, 8000, bank, two, 512,
			512);
		// the window and 23 maps and a padded copy: 26 planes of 1 MB, 52 MB in 1 MB regions
		assertEquals(2, job.fittingThreads(grid, 1, 0, KEPT_NONE, two, 80 * mb, 0).threads(), "without regions two blocks fit");
		assertEquals(1, job.fittingThreads(grid, 1, 0, KEPT_NONE, two, 80 * mb, mb).threads(), "two blocks take 104 MB of regions");
		// 1024² blocks take 26 × 5 MB; from the area alone 42 MB would suggest 512² blocks, which take 52 MB
		BlockwiseJob large = new BlockwiseJob(bank, two, 1024, Compressor.RAW);
		io.github.convolve2d.core.BlockGrid grid1024 = io.github.convolve2d.core.BlockGrid.of(8000, 8000, bank, two,
			1024, 1024);
		io.github.convolve2d.core.UserException e = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> large.fittingThreads(grid1024, 1, 0, KEPT_NONE, two, 42 * mb, mb));
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("--block (\\d+)\\)").matcher(e.getMessage());
		assertTrue(m.find(), e.getMessage());
		int side = Integer.parseInt(m.group(1));
		io.github.convolve2d.core.BlockGrid suggested = io.github.convolve2d.core.BlockGrid.of(8000, 8000, bank, two,
			side, side);
		assertEquals(1, new BlockwiseJob(bank, two, side, Compressor.RAW).fittingThreads(suggested, 1, 0, KEPT_NONE, two,
			42 * mb, mb).threads(), "the block suggested fits: " + e.getMessage());
	}

	/**
	 * A Zarr chunk (or compressed TIFF strip) is decoded whole whatever the block: a 2048² float32 chunk of
	 * zarr-python's or bioformats2raw's takes its stored bytes, its decompressed bytes and its floats, 48 MB, in every
	 * block in flight. Uncounted, 1024² blocks on such an input ran out of memory at -Xmx160m, and the advice (a
	 * smaller --block, fewer --threads) did not help.
	 */
	@Test
	void anInputChunkDecodedWholeCountsInEveryBlockInFlight() throws IOException {
		try (io.github.convolve2d.io.ChunkedImage in = io.github.convolve2d.io.ChunkedImage.open(zarrInput())) {
			assertEquals(20 * 16 * (4 + 2 * 4), in.chunkReadBytes(), "a 20×16 float32 chunk");
		}
		long mb = 1 << 20, read = 2048L * 2048 * 12;
		List<Kernel> one = Arrays.asList(Kernel.of("k", 1, 1, 1));
		ConvolutionOptions two = OPTIONS.toBuilder().threads(2).build();
		BlockwiseJob job = new BlockwiseJob(one, two, 1024, Compressor.RAW);
		io.github.convolve2d.core.BlockGrid grid = io.github.convolve2d.core.BlockGrid.of(8000, 8000, one, two, 1024,
			1024);
		// the window twice, the map and a padded copy: 16 MB a block, and 48 MB while it decodes a chunk
		assertEquals(2, job.fittingThreads(grid, 1, 0, KEPT_NONE, two, 100 * mb, 0).threads());
		assertEquals(1, job.fittingThreads(grid, 1, read, KEPT_NONE, two, 100 * mb, 0).threads());
		String m = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> job.fittingThreads(grid, 1, read, KEPT_NONE, two, 40 * mb, 0)).getMessage();
		assertTrue(m.startsWith("the input is stored in chunks (or compressed strips or tiles) that are decoded whole "
			+ "and take about 48 MB each, but only 40 MB of the Java heap are free beside the blocks; give Java more "
			+ "memory (java -Xmx...) or store the input in smaller chunks"), m);
	}

	/**
	 * A compressed TIFF in strips as wide as the image (libtiff's one row a strip) is read by every block of a row of
	 * blocks. When a row of blocks' strips outgrew the cache (an eighth of the heap, at most 256 MB), each block
	 * decoded them all again (a 40000×1536 image: 54,000 strip reads for its 1,536 strips, 13 s instead of 3 at
	 * -Xmx512m), and two threads reading the same strips at once decoded most of them twice. The cache now holds the
	 * strips of the blocks in flight: each strip is decoded once, and the results are those of the image in memory.
	 */
	@Test
	void stripsAsWideAsTheImageAreDecodedOnceForAllTheBlocksOfTheirRow() throws IOException {
		// a row of 1024² blocks reads 1026 strips of 280 kB decoded: more than the 256 MB cache of any heap
		int w = 70_000, h = 1030;
		List<byte[]> strips = new java.util.ArrayList<>();
		for (int y = 0; y < h; y++) strips.add(TiffBytes.deflate(TiffBytes.rows(w, y, y + 1, 1)));
		Path input = tmp.resolve("strips.tif");
		Files.write(input, TiffBytes.grey8(w, h).tag(259, TiffBytes.DEFLATE).tag(278, 1).strips(strips).build());
		List<Kernel> laplacian = List.of(Presets.resolve("laplacian-4"));
		ConvolutionOptions two = ConvolutionOptions.builder().method(Method.DIRECT).threads(2).build();
		BlockwiseJob job = new BlockwiseJob(laplacian, two, 1024, Compressor.RAW);
		try (ChunkedImage in = ChunkedImage.open(input)) {
			io.github.convolve2d.core.BlockGrid grid = io.github.convolve2d.core.BlockGrid.of(w, h, laplacian, two, 1024,
				1024);
			assertTrue(in.decodedBytes(1026, 1026, false) > BlockwiseJob.cacheBytes(), "a row of blocks' strips: "
				+ in.decodedBytes(1026, 1026, false));
			ConvolutionOptions fitted = job.beforeBlocks(in, grid);
			// each block's maps checked against the image's convolution in memory, on the rows its window reads
			AtomicLong blocks = new AtomicLong();
			io.github.convolve2d.core.BlockwiseConvolution.run(in.plane(0, 0, 0), laplacian, fitted, grid,
				new io.github.convolve2d.core.BlockSink() {
					@Override
					public boolean has(int index) {
						return false;
					}

					@Override
					public void write(int index, io.github.convolve2d.core.Region r, List<Plane> maps) {
						if (index % 20 == 0 || index == grid.blocks() - 1) {
							Plane expected = Convolution.convolve(rows(w, r.x(), r.y(), r.width() + 2, r.height() + 2),
								laplacian, two.toBuilder().threads(1).build(), ProgressListener.NONE).get(0);
							assertArrayEquals(expected.pixels(), maps.get(0).pixels(), "block " + index);
						}
						blocks.incrementAndGet();
					}
				}, ProgressListener.NONE);
			assertEquals(grid.blocks(), blocks.get());
			assertEquals(h, in.chunksDecoded(), "strips decoded, with " + fitted.threads() + " thread(s), for the "
				+ grid.blocks() + " blocks of " + grid.rows() + " rows");
		}
	}

	/** Columns {@code x ≤ c < x + width} of rows {@code y ≤ r < y + height} of {@link TiffBytes}' image. */
	private static Plane rows(int imageWidth, int x, int y, int width, int height) {
		float[] p = new float[width * height];
		for (int r = 0; r < height; r++) {
			for (int c = 0; c < width; c++) p[r * width + c] = TiffBytes.value(x + c, y + r) & 0xff;
		}
		return Plane.wrap(width, height, p);
	}

	/**
	 * The strips a row of blocks shares are kept with the blocks in flight: fewer threads where they do not all fit
	 * beside them (two threads may be in two rows of blocks at once), else refused with a block whose row of strips
	 * fits.
	 */
	@Test
	void theStripsARowOfBlocksSharesFitTheFreeHeapBesideTheBlocks() {
		long mb = 1 << 20, kept = BlockwiseJob.cacheBytes();
		List<Kernel> one = Arrays.asList(Kernel.of("k", 3, 3, new double[9]));
		ConvolutionOptions two = OPTIONS.toBuilder().mode(Mode.VALID).threads(2).build();
		BlockwiseJob job = new BlockwiseJob(one, two, 1024, Compressor.RAW);
		io.github.convolve2d.core.BlockGrid grid = io.github.convolve2d.core.BlockGrid.of(100_000, 4000, one, two, 1024,
			1024);
		// strips of one row as wide as the image, 4 bytes a pixel decoded, as TiffReader counts them: a row of blocks
		// reads 411 MB of them, more than the cache a run keeps anyway (at most 256 MB)
		BlockwiseJob.Decoded strips = (width, height) -> (height + 1L) * 100_000 * 4;
		long band = 1027L * 100_000 * 4, perBlock = 4L * (2 * 1026 * 1026 + 2 * 1024 * 1024);
		assertEquals(band, BlockwiseJob.inFlightBytes(grid, 1, strips), "one row of blocks");
		assertEquals(2 * band, BlockwiseJob.inFlightBytes(grid, 2, strips), "the last block of a row and the first of the next");
		assertEquals(2 * band, BlockwiseJob.inFlightBytes(grid, 99, strips), "99 blocks after one another, 98 a row");
		assertEquals(3 * band, BlockwiseJob.inFlightBytes(grid, 100, strips), "100 reach into 3 rows");
		assertEquals(2, job.fittingThreads(grid, 1, 0, strips, two, 2 * perBlock + 2 * band - kept, 0).threads());
		assertEquals(1, job.fittingThreads(grid, 1, 0, strips, two, 2 * perBlock + 2 * band - kept - 1, 0).threads());
		assertEquals(1, job.fittingThreads(grid, 1, 0, strips, two, perBlock + band - kept, 0).threads());
		long free = perBlock + band - kept - 1;
		String m = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> job.fittingThreads(grid, 1, 0, strips, two, free, 0)).getMessage();
		assertTrue(m.startsWith("a block of 1024×1024 output pixels needs about " + ((perBlock + band) >> 20) + " MB (1 "
			+ "input window(s) and 1 feature map(s), and " + ((band + mb - 1) >> 20) + " MB of decoded input strips, tiles or "
			+ "chunks, kept while every block of its row reads them) but only " + ((free + kept) >> 20) + " MB of the "
			+ "Java heap are free; use a smaller --block (e.g. --block "), m);
		java.util.regex.Matcher side = java.util.regex.Pattern.compile("--block (\\d+)\\)").matcher(m);
		assertTrue(side.find(), m);
		int s = Integer.parseInt(side.group(1));
		io.github.convolve2d.core.BlockGrid suggested = io.github.convolve2d.core.BlockGrid.of(100_000, 4000, one, two, s, s);
		assertEquals(1, new BlockwiseJob(one, two, s, Compressor.RAW).fittingThreads(suggested, 1, 0, strips, two, free, 0)
			.threads(), "the block suggested fits: " + m);
		// uncompressed strips are read row by row: nothing is kept, the blocks alone count
		assertEquals(2, job.fittingThreads(grid, 1, 0, KEPT_NONE, two, 2 * perBlock, 0).threads());
	}

	/**
	 * A tiled input's tiles are read by two or three rows of blocks (a window reaches past its block), so the cache
	 * keeps the full rows of tiles of the rows of blocks in flight where the heap spares them, and each tile is
	 * decoded once; it kept only the tiles of the blocks in flight, and a 12000×6000 image of 1024² Deflate tiles
	 * decoded its 72 tiles 136 times at -Xmx1g. Where the band does not fit half the spare heap, the blocks' tiles.
	 */
	@Test
	void theCacheHoldsTheFullRowsOfTilesWhereTheHeapSparesThem() {
		long mb = 1 << 20;
		List<Kernel> one = Arrays.asList(Kernel.of("k", 5, 5, new double[25]));
		ConvolutionOptions two = OPTIONS.toBuilder().threads(2).build();
		io.github.convolve2d.core.BlockGrid grid = io.github.convolve2d.core.BlockGrid.of(12000, 6000, one, two, 1024,
			1024);
		// 1024² tiles, 4 bytes a pixel decoded, as TiffReader counts them: the tiles a rectangle anywhere may touch
		BlockwiseJob.Decoded tiles = (width, height) -> Math.min(12, (width + 2046) / 1024)
			* Math.min(6, (height + 2046) / 1024) * 4 * mb;
		long blocks = BlockwiseJob.inFlightBytes(grid, 2, tiles), band = BlockwiseJob.bandBytes(grid, 2, tiles);
		assertEquals(2 * 12 * 4 * mb, blocks, "two blocks' windows, 3×4 tiles, in two rows of blocks at most");
		assertEquals(4 * 12 * 4 * mb + blocks, band, "the full rows of two rows of blocks' windows, and the blocks' again");
		assertEquals(band, BlockwiseJob.cacheBytes(grid, 2, tiles, 8 * mb, 2 * (band - blocks)));
		assertEquals(blocks, BlockwiseJob.cacheBytes(grid, 2, tiles, 8 * mb, 2 * (band - blocks) - 2), "no heap for it");
		assertEquals(512 * mb, BlockwiseJob.cacheBytes(grid, 2, tiles, 512 * mb, 0), "the cache a run keeps anyway");
		assertEquals(band, BlockwiseJob.cacheBytes(grid, 2, tiles, 256 * mb, 2 * band));
	}

	@Test
	void overwriteReplacesAndAnotherImageInTheWayIsRefused() throws IOException {
		Path in = zarrInput();
		Path out = tmp.resolve("o.ome.zarr");
		new BlockwiseJob(BANK, OPTIONS, 32, Compressor.RAW).run(in, out, false, (d, t) -> { });
		// different options change nothing already written unless overwriting; another shape is refused
		ConvolutionOptions valid = OPTIONS.toBuilder().mode(Mode.VALID).build();
		assertThrows(io.github.convolve2d.core.UserException.class,
			() -> new BlockwiseJob(BANK.subList(1, 2), valid, 32, Compressor.RAW).run(in, out, false, (d, t) -> { }));
		new BlockwiseJob(BANK.subList(1, 2), valid, 32, Compressor.RAW).run(in, out, true, (d, t) -> { });
		assertArrayEquals(new int[] { 1, 2, 2, 49, 66 }, OmeZarr.open(out).array().shape());
		Path file = Files.write(tmp.resolve("f.ome.zarr"), new byte[1]);
		assertThrows(io.github.convolve2d.core.UserException.class,
			() -> new BlockwiseJob(BANK, OPTIONS, 32, Compressor.RAW).run(in, file, true, (d, t) -> { }));
		assertTrue(DataType.FLOAT32.equals(OmeZarr.open(out).array().dataType()));
	}

	/**
	 * An output changed under a run that writes it — another run's {@code --overwrite} deleting it as this one adds
	 * blocks, its deletion interrupted by the chunks still coming — is never completed as if whole: the run fails
	 * and writes no NGFF metadata, instead of reporting a result whose chunks are gone.
	 */
	@Test
	void anOutputWhoseChunksVanishWhileItIsWrittenIsNeverCommitted() throws IOException {
		Path in = zarrInput();
		Path out = tmp.resolve("o.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.RAW);
		boolean[] deleted = { false };
		io.github.convolve2d.core.UserException e = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> job.run(in, out, false, (done, total) -> {
				if (done >= 40 && !deleted[0]) {
					deleted[0] = true;
					try {
						Files.delete(out.resolve("0").resolve("0.0.0.0.0"));
					}
					catch (IOException x) {
						throw new java.io.UncheckedIOException(x);
					}
				}
			}));
		assertTrue(deleted[0]);
		assertTrue(e.getMessage().contains("changed by something else while this run wrote it"), e.getMessage());
		assertFalse(OmeZarr.isComplete(out), "no NGFF metadata over missing chunks");
	}

	/**
	 * Two runs with other kernels started at once into one output: one makes it, the other is refused or finds it
	 * made (never a store holding blocks of both, as when the check of the output and the writing of its settings
	 * were two steps).
	 */
	@Test
	void twoRunsAtOnceWithOtherKernelsNeverMixTheirResults() throws Exception {
		Path in = zarrInput();
		List<BlockwiseJob> jobs = Arrays.asList(new BlockwiseJob(BANK.subList(0, 1), OPTIONS, 8, Compressor.RAW),
			new BlockwiseJob(BANK.subList(1, 2), OPTIONS, 8, Compressor.RAW));
		List<TreeMap<String, String>> alone = new java.util.ArrayList<>();
		for (int j = 0; j < 2; j++) {
			Path ref = tmp.resolve("alone" + j + ".ome.zarr");
			jobs.get(j).run(in, ref, false, (d, t) -> { });
			alone.add(files(ref));
		}
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 12; round++) {
				Path out = tmp.resolve("race" + round + ".ome.zarr");
				java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
				List<java.util.concurrent.Future<Boolean>> done = new java.util.ArrayList<>();
				for (BlockwiseJob job : jobs) {
					done.add(pool.submit(() -> {
						start.await();
						try {
							job.run(in, out, false, (d, t) -> { });
							return true;
						}
						catch (io.github.convolve2d.core.UserException e) {
							return false;
						}
					}));
				}
				start.countDown();
				int finished = 0;
				for (java.util.concurrent.Future<Boolean> f : done) finished += f.get() ? 1 : 0;
				assertTrue(finished >= 1, "one run makes the output");
				TreeMap<String, String> got = files(out);
				assertTrue(got.equals(alone.get(0)) || got.equals(alone.get(1)),
					"round " + round + ": the output is one run's whole result");
			}
		}
		finally {
			pool.shutdownNow();
		}
		try (Stream<Path> left = Files.list(tmp)) {
			assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith(".convolve2d-")),
				"no output half made is left beside the outputs");
		}
	}

	/** An interrupted output is completed only from the input it was started from. */
	@Test
	void aRunResumesOnlyFromTheInputItWasStartedFrom() throws IOException {
		Path in = zarrInput();
		Path other = Files.createDirectories(tmp.resolve("other")).resolve("in.ome.zarr");
		try (Stream<Path> s = Files.walk(in)) {
			for (Path p : (Iterable<Path>) s::iterator) Files.copy(p, other.resolve(in.relativize(p).toString()));
		}
		Path out = tmp.resolve("o.ome.zarr");
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 16, Compressor.RAW);
		assertThrows(IllegalStateException.class, () -> job.run(in, out, false, (done, total) -> {
			if (done >= 5) throw new IllegalStateException("killed");
		}));
		io.github.convolve2d.core.UserException e = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> job.run(other, out, false, (d, t) -> { }));
		assertTrue(e.getMessage().contains("an interrupted result of another input, " + in.toAbsolutePath()),
			e.getMessage());
		job.run(in, out, false, (d, t) -> { });
		assertTrue(OmeZarr.isComplete(out));
		job.run(other, out, true, (d, t) -> { }); // replacing it is allowed
		assertTrue(OmeZarr.isComplete(out));
	}

	/** A link at the output's path is never replaced, not even when overwriting. */
	@Test
	void aLinkAtTheOutputIsNeverReplaced() throws IOException {
		Path in = zarrInput();
		Path target = tmp.resolve("target.ome.zarr");
		new BlockwiseJob(BANK, OPTIONS, 32, Compressor.RAW).run(in, target, false, (d, t) -> { });
		Path link = Files.createSymbolicLink(tmp.resolve("link.ome.zarr"), target);
		BlockwiseJob job = new BlockwiseJob(BANK, OPTIONS, 32, Compressor.RAW);
		assertEquals(BlockwiseJob.Existing.FOREIGN, job.inspect(link));
		assertThrows(io.github.convolve2d.core.UserException.class, () -> job.run(in, link, true, (d, t) -> { }));
		assertTrue(Files.isSymbolicLink(link) && OmeZarr.isComplete(target));
	}

	/** A bare Zarr array of {@code shape} with no chunk written (all fill value): metadata only, whatever its size. */
	private Path emptyArray(String name, int[] shape, int[] chunks) throws IOException {
		Path dir = tmp.resolve(name);
		ZarrArray.create(dir, shape, chunks, DataType.FLOAT32, Compressor.RAW);
		return dir;
	}

	/**
	 * Runs past what ints and Java arrays hold are refused before any output is made, saying what to change: more
	 * than 2^31 - 1 blocks a plane or planes (which overflowed, or made no blocks at all), chunks over 2 GB.
	 */
	@Test
	void runsPastTheLimitsOfIntsAndArraysAreRefusedBeforeAnyOutput() throws IOException {
		Path out = tmp.resolve("o.ome.zarr");
		Path wide = emptyArray("wide.zarr", new int[] { 46341, 46341 }, new int[] { 1024, 1024 });
		io.github.convolve2d.core.UserException blocks = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> new BlockwiseJob(BANK.subList(0, 1), OPTIONS, 1, Compressor.RAW).run(wide, out, false, (d, t) -> { }));
		assertTrue(blocks.getMessage().contains("2,147,488,281 blocks") && blocks.getMessage().contains("--block"),
			blocks.getMessage());
		assertFalse(Files.exists(out));

		Path big = emptyArray("big.zarr", new int[] { 30000, 30000 }, new int[] { 1024, 1024 });
		for (boolean pyramid : new boolean[] { false, true }) {
			io.github.convolve2d.core.UserException chunk = assertThrows(io.github.convolve2d.core.UserException.class,
				() -> new BlockwiseJob(BANK.subList(0, 1), OPTIONS, 30000, Compressor.RAW, pyramid).run(big, out, false,
					(d, t) -> { }));
			assertTrue(chunk.getMessage().contains("over the 2 GB a chunk may hold") && chunk.getMessage().contains(
				"use a smaller --block (at most 23168)"), chunk.getMessage());
			assertFalse(Files.exists(out));
		}
		// so large that no block size fits both limits: said so, not "larger blocks" here and "smaller" there
		Path huge = emptyArray("huge.zarr", new int[] { 2_000_000_000, 2_000_000_000 }, new int[] { 1024, 1024 });
		for (int block : new int[] { 16, 23168, 50000 }) {
			io.github.convolve2d.core.UserException tooLarge = assertThrows(io.github.convolve2d.core.UserException.class,
				() -> new BlockwiseJob(BANK.subList(0, 1), OPTIONS, block, Compressor.RAW).run(huge, out, false,
					(d, t) -> { }));
			assertTrue(tooLarge.getMessage().contains("is too large to convolve block by block here: even in the largest"
				+ " blocks a chunk may hold (23,168×23,168) it would be 7,452,178,276 blocks") && tooLarge.getMessage()
				.contains("split the image into parts"), tooLarge.getMessage());
			assertFalse(Files.exists(out));
		}
		// a prepared run (the Spark job's first step) is refused alike
		assertThrows(io.github.convolve2d.core.UserException.class,
			() -> new BlockwiseJob(BANK.subList(0, 1), OPTIONS, 30000, Compressor.RAW).prepare(big, out, false));

		// t × c = 2^32 planes of 4×4: an int count of them wrapped to 0, a run that wrote nothing and said done
		Path many = emptyArray("many.zarr", new int[] { 65536, 65536, 1, 4, 4 }, new int[] { 1, 1, 1, 4, 4 });
		io.github.convolve2d.core.UserException planes = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> new BlockwiseJob(BANK.subList(0, 1), OPTIONS, 4, Compressor.RAW).run(many, out, false, (d, t) -> { }));
		assertTrue(planes.getMessage().contains("4,294,967,296 input plane(s)") && planes.getMessage().contains(
			"more than the 2,147,483,647"), planes.getMessage());
		assertFalse(Files.exists(out));
		// within the limits, a huge sparse array is fine to describe: its grid is made without overflow
		assertEquals(1, OmeZarr.open(wide).planes());
	}

	/** A damaged chunk of the input fails the run naming the chunk; finished blocks stay for a rerun. */
	@Test
	void aDamagedInputChunkFailsTheRunNamingIt() throws IOException {
		Path in = zarrInput();
		Path chunk = in.resolve("0").resolve("0.1.1.2.3");
		assertTrue(Files.isRegularFile(chunk));
		byte[] whole = Files.readAllBytes(chunk);
		Files.write(chunk, Arrays.copyOf(whole, whole.length / 2));
		io.github.convolve2d.core.UserException e = assertThrows(io.github.convolve2d.core.UserException.class,
			() -> new BlockwiseJob(BANK, OPTIONS, 32, Compressor.RAW).run(in, tmp.resolve("o.ome.zarr"), false,
				(d, t) -> { }));
		assertTrue(e.getMessage().startsWith("in.ome.zarr/0/0.1.1.2.3: chunk is damaged (zlib data ends early)"),
			e.getMessage());
	}

	/** Every file below a store with its bytes, by relative path. */
	private static TreeMap<String, String> files(Path dir) throws IOException {
		TreeMap<String, String> m = new TreeMap<>();
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
				String rel = dir.relativize(p).toString();
				if (rel.equals(".zattrs") || rel.equals("zarr.json")) continue; // the image's metadata names the store
				m.put(rel, Arrays.toString(Files.readAllBytes(p)));
			}
		}
		return m;
	}
}
