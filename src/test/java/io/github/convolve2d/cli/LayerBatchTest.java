package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import io.github.convolve2d.core.Activation;
import io.github.convolve2d.core.ConvolutionLayer;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.Mode;
import io.github.convolve2d.core.Plane;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.io.OmeZarr;
import io.github.convolve2d.kernel.LayerFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@code batch --weights}: a CNN layer on an RGB image (3 channels) and on a hyperstack's channels, written as
 * {@code O} labelled feature maps equal to {@link ConvolutionLayer} on ImageJ's reading of the input, and the
 * mistakes a user can make.
 */
class LayerBatchTest {

	@TempDir
	Path tmp;

	private static Path fixture(String name) throws Exception {
		return Paths.get(LayerBatchTest.class.getResource("/io/github/convolve2d/kernel/" + name).toURI());
	}

	@Test
	void rgbImageIsThreeChannelsAndGivesNamedFeatureMaps() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		Random r = new Random(7);
		int w = 21, h = 17;
		ColorProcessor cp = new ColorProcessor(w, h);
		for (int i = 0; i < w * h; i++) cp.set(i, r.nextInt(1 << 24));
		new FileSaver(new ImagePlus("rgb", cp)).saveAsPng(in.resolve("rgb.png").toString());
		// weights 2×3×2×2 (numpy's arange / 4 - 3), bias [0.5, -1.5], names from the sidecar
		Path weights = Files.copy(fixture("weights-be-f8.npy"), tmp.resolve("w.npy"));
		Path bias = Files.copy(fixture("bias.npy"), tmp.resolve("b.npy"));
		Files.write(tmp.resolve("w.names.txt"), "alpha\nbeta\n".getBytes(StandardCharsets.UTF_8));
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--weights", weights, "--bias",
			bias, "--relu", "--mode", "same", "--border", "mirror", "--progress", "none");
		assertEquals(0, run.code, run.toString());
		ImagePlus maps = IJ.openImage(out.resolve("rgb.tif").toString());
		assertEquals(2, maps.getNChannels());
		assertEquals(1, maps.getNSlices());
		assertEquals("alpha", maps.getStack().getSliceLabel(1));
		assertEquals("beta", maps.getStack().getSliceLabel(2));
		int[] p = (int[]) cp.getPixels();
		float[][] rgb = new float[3][w * h];
		for (int i = 0; i < w * h; i++) {
			rgb[0][i] = (p[i] >> 16) & 0xff;
			rgb[1][i] = (p[i] >> 8) & 0xff;
			rgb[2][i] = p[i] & 0xff;
		}
		List<Plane> channels = Arrays.asList(Plane.wrap(w, h, rgb[0]), Plane.wrap(w, h, rgb[1]), Plane.wrap(w, h, rgb[2]));
		List<Plane> expected = ConvolutionLayer.convolve(channels, LayerFiles.read(weights, bias, null),
			ConvolutionOptions.builder().mode(Mode.SAME).border("mirror").build(), Activation.RELU, null,
			ProgressListener.NONE);
		int positive = 0;
		for (int o = 0; o < 2; o++) {
			float[] got = (float[]) maps.getStack().getPixels(o + 1);
			for (int i = 0; i < w * h; i++) {
				assertEquals(expected.get(o).pixels()[i], got[i], 1e-3, "output " + o + " pixel " + i);
				if (got[i] > 0) positive++;
			}
		}
		assertTrue(positive > 0 && positive < 2 * w * h, "ReLU leaves some but not all outputs positive: " + positive);
	}

	@Test
	void hyperstackChannelsFeedADepthwiseLayerSliceBySlice() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		int w = 12, h = 9;
		ImageStack stack = new ImageStack(w, h);
		for (int n = 0; n < 6; n++) {
			ShortProcessor sp = new ShortProcessor(w, h);
			for (int i = 0; i < w * h; i++) sp.set(i, 100 * n + i);
			stack.addSlice("plane " + n, sp);
		}
		ImagePlus hyper = new ImagePlus("hyper", stack);
		hyper.setDimensions(2, 3, 1);
		new FileSaver(hyper).saveAsTiffStack(in.resolve("hyper.tif").toString());
		// depthwise: output 1 doubles channel 1, output 2 is channel 2 shifted by one column (valid mode)
		Path weights = tmp.resolve("depthwise.json");
		Files.write(weights, "{\"weights\": [[[0, 2]], [[1, 0]]], \"groups\": 2}".getBytes(StandardCharsets.UTF_8));
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--weights", weights,
			"--progress", "none");
		assertEquals(0, run.code, run.toString());
		ImagePlus maps = IJ.openImage(out.resolve("hyper.tif").toString());
		assertEquals(2, maps.getNChannels());
		assertEquals(3, maps.getNSlices());
		assertEquals(w - 1, maps.getWidth());
		assertEquals("feature 1", maps.getStack().getSliceLabel(1));
		for (int z = 0; z < 3; z++) {
			float[] f1 = (float[]) maps.getStack().getPixels(maps.getStackIndex(1, z + 1, 1));
			float[] f2 = (float[]) maps.getStack().getPixels(maps.getStackIndex(2, z + 1, 1));
			// channel c of slice z is plane n = 2z + c - 1, pixel (x, y) = 100n + y*w + x
			assertEquals(2 * (100 * (2 * z) + 1), f1[0], 1e-3, "slice " + z);
			assertEquals(100 * (2 * z + 1) + w, f2[w - 1], 1e-3, "slice " + z);
		}

		// the same layer block by block into OME-Zarr (blocks of 4², a pyramid): the TIFF result's maps exactly
		Path zarr = tmp.resolve("zarr");
		CliRun blocks = CliRun.run("batch", "-i", in, "-o", zarr, "--weights", weights, "--format", "zarr",
			"--block", 4, "--zarr-pyramid", "--progress", "none");
		assertEquals(0, blocks.code, blocks.toString());
		OmeZarr result = OmeZarr.open(zarr.resolve("hyper.ome.zarr"));
		assertArrayEquals(new int[] { 1, 2, 3, h, w - 1 }, result.array().shape());
		for (int z = 0; z < 3; z++) {
			for (int c = 1; c <= 2; c++) {
				float[] got = new float[(w - 1) * h];
				result.array().plane(0, c - 1, z).read(0, 0, w - 1, h, got);
				assertArrayEquals((float[]) maps.getStack().getPixels(maps.getStackIndex(c, z + 1, 1)), got,
					"output " + c + ", slice " + z);
			}
		}
		String attrs = new String(Files.readAllBytes(zarr.resolve("hyper.ome.zarr/.zattrs")), StandardCharsets.UTF_8);
		assertTrue(attrs.contains("\"layer\"") && attrs.contains("feature 2") && attrs.contains("sha256:"), attrs);
		CliRun again = CliRun.run("batch", "-i", in, "-o", zarr, "--weights", weights, "--format", "zarr",
			"--block", 4, "--zarr-pyramid", "--progress", "none");
		assertTrue(again.out.contains("0 written, 1 skipped"), again.toString());
		// other weights of the same shape are other settings
		Path other = tmp.resolve("depthwise2.json");
		Files.write(other, "{\"weights\": [[[0, 3]], [[1, 0]]], \"groups\": 2}".getBytes(StandardCharsets.UTF_8));
		Files.move(other, weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		CliRun changed = CliRun.run("batch", "-i", in, "-o", zarr, "--weights", weights, "--format", "zarr",
			"--block", 4, "--zarr-pyramid", "--progress", "none");
		assertEquals(1, changed.code, changed.toString());
		assertTrue(changed.err.contains("made with other settings"), changed.toString());
	}

	@Test
	void mistakesAreReported() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		Files.copy(Paths.get("sample-images/camera.png"), in.resolve("camera.png"));
		Path weights = fixture("weights-le-f4.npy");
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--weights", weights,
			"--progress", "lines");
		assertEquals(1, run.code, run.toString());
		assertTrue(run.err.contains("expect 3 input channels but the image has 1"), run.toString());
		run = CliRun.run("batch", "-i", in, "-o", out, "--weights", weights, "--preset", "sobel-x");
		assertEquals(2, run.code, run.toString());
		assertTrue(run.err.contains("not both"), run.toString());
		run = CliRun.run("batch", "-i", in, "-o", out, "--preset", "sobel-x", "--relu");
		assertEquals(2, run.code, run.toString());
		assertTrue(run.err.contains("go with --weights"), run.toString());
		run = CliRun.run("batch", "-i", in, "-o", out, "--weights", fixture("fortran.npy"));
		assertEquals(2, run.code, run.toString());
		assertTrue(run.err.contains("Fortran order"), run.toString());
		run = CliRun.run("batch", "-i", in, "-o", out);
		assertEquals(2, run.code, run.toString());
		assertTrue(run.err.contains("no kernel given"), run.toString());
		// known before any image, as for a kernel the forced method cannot run: one usage error, no output folder
		Path none = tmp.resolve("out-separable");
		run = CliRun.run("batch", "-i", in, "-o", none, "--weights", weights, "--method", "separable");
		assertEquals(2, run.code, run.toString());
		assertTrue(run.err.contains("method=separable is not offered for a convolution layer"), run.toString());
		assertTrue(!run.err.contains("FAILED") && !Files.exists(none), run.toString());
		// --groups 0 was reported as the weights file's fault ("weights file '...': groups must be ...")
		run = CliRun.run("batch", "-i", in, "-o", none, "--weights", weights, "--groups", "0");
		assertEquals(2, run.code, run.toString());
		assertTrue(run.err.startsWith("--groups must be at least 1, got 0"), run.toString());
	}

	/**
	 * The dry run fails a TIFF whose channels do not fit the layer, from its header, as the run then does (it used to
	 * list it as 'write'): a 2-channel hyperstack and weights for 3 channels; an RGB TIFF fits them.
	 */
	@Test
	void theDryRunJudgesALayersChannelsFromATiffHeader() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		ImageStack stack = new ImageStack(12, 9);
		for (int n = 0; n < 4; n++) stack.addSlice(new ShortProcessor(12, 9));
		ImagePlus hyper = new ImagePlus("hyper", stack);
		hyper.setDimensions(2, 2, 1);
		new FileSaver(hyper).saveAsTiffStack(in.resolve("hyper.tif").toString());
		new FileSaver(new ImagePlus("rgb", new ColorProcessor(12, 9))).saveAsTiff(in.resolve("rgb.tif").toString());
		Path weights = fixture("weights-le-f4.npy"); // 3 input channels
		CliRun dry = CliRun.run("batch", "-i", in, "-o", out, "--weights", weights, "--dry-run");
		assertEquals(1, dry.code, dry.toString());
		assertTrue(dry.out.contains("hyper.tif: the weights (shape 2×3×2×2) expect 3 input channels but the image has 2"),
			dry.toString());
		assertTrue(dry.out.lines().anyMatch(l -> l.startsWith("write") && l.contains("rgb.tif")), dry.toString());
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--weights", weights, "--progress", "none");
		assertEquals(1, run.code, run.toString());
		assertTrue(run.err.contains("expect 3 input channels but the image has 2"), run.toString());
		assertTrue(run.out.contains("1 written"), run.toString());
	}
}
