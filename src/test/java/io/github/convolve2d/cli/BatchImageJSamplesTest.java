package io.github.convolve2d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.ImageConverter;
import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.TiffBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * {@code batch} gives the same values block by block ({@code --format zarr}, the pure-Java TIFF reader) as in memory
 * ({@code --format tiff}, ImageJ's reader) for the TIFFs ImageJ reads in its own way: 8-bit CMYK (converted to
 * RGB), an 8-bit colour image ImageJ saved (its palette's colours) and a palette image from another program (its
 * indices), signed 8-bit (read unsigned, raw and calibrated) and unsigned 32-bit (read signed, predictor summed as floats).
 */
class BatchImageJSamplesTest {

	@TempDir
	Path tmp;

	private static final int W = 45, H = 38;

	private static void batch(Path in, Path out, String format) {
		CliRun run = CliRun.run("batch", "-i", in, "-o", out, "--format", format, "--block", 16, "--preset",
			"sobel-x", "--mode", "same", "--border", "reflect", "--progress", "none");
		assertEquals(0, run.code, run.toString());
	}

	@Test
	void blockByBlockGivesTheValuesOfTheInMemoryPath() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Random random = new Random(11);

		byte[] cmyk = new byte[W * H * 4];
		random.nextBytes(cmyk);
		for (int i = 0; i < W * H; i += 4) cmyk[4 * i + 3] = 0;
		Files.write(in.resolve("cmyk.tif"), TiffBytes.grey8(W, H).tag(258, 8, 8, 8, 8).tag(277, 4).tag(262, 5)
			.tag(259, TiffBytes.LZW).strips(List.of(TiffBytes.lzw(cmyk))).build());

		ColorProcessor rgb = new ColorProcessor(W, H);
		int[] colours = new int[50];
		for (int i = 0; i < colours.length; i++) colours[i] = random.nextInt(1 << 24);
		for (int i = 0; i < W * H; i++) rgb.set(i, colours[(i * 7 + i / W) % colours.length]);
		ImagePlus colour = new ImagePlus("colour", rgb);
		new ImageConverter(colour).convertRGBtoIndexedColor(256);
		assertEquals(ImagePlus.COLOR_256, colour.getType());
		assertTrue(new FileSaver(colour).saveAsTiff(in.resolve("colour.tif").toString()));

		long[] map = new long[768];
		for (int i = 0; i < 768; i++) map[i] = random.nextInt(1 << 16);
		byte[] indices = new byte[W * H];
		random.nextBytes(indices);
		Files.write(in.resolve("palette.tif"), TiffBytes.grey8(W, H).tag(262, 3).tag(320, map)
			.strips(List.of(indices)).build());

		byte[] signed = new byte[W * H];
		random.nextBytes(signed);
		Files.write(in.resolve("signed8.tif"), TiffBytes.grey8(W, H).tag(339, 2)
			.description("ImageJ=1.54p\ncf=0\nc0=-128\nc1=0.5\nvunit=units\n").strips(List.of(signed)).build());
		Files.write(in.resolve("signed8raw.tif"), TiffBytes.grey8(W, H).tag(339, 2).strips(List.of(signed)).build());

		ByteBuffer u32 = ByteBuffer.allocate(4 * W * H).order(ByteOrder.LITTLE_ENDIAN);
		int[] values = new int[W * H];
		for (int i = 0; i < W * H; i++) values[i] = random.nextInt(); // half of them 2³¹ or more, unsigned
		for (int i = 0; i < W * H; i++) u32.putInt(i % W > 0 ? values[i] - values[i - 1] : values[i]);
		Files.write(in.resolve("u32.tif"), TiffBytes.grey8(W, H).tag(258, 32).tag(339, 1)
			.tag(259, TiffBytes.DEFLATE).tag(317, 2).strips(List.of(TiffBytes.deflate(u32.array()))).build());

		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		batch(in, whole, "tiff");
		batch(in, blocks, "zarr");
		String[][] cases = { { "cmyk", "3" }, { "colour", "3" }, { "palette", "1" }, { "signed8", "1" }, { "signed8raw", "1" },
			{ "u32", "1" } };
		for (String[] c : cases) {
			String name = c[0];
			ImagePlus want = IJ.openImage(whole.resolve(name + ".tif").toString());
			assertNotNull(want, name);
			ImageStack stack = want.getStack();
			try (ChunkedImage got = ChunkedImage.open(blocks.resolve(name + ".ome.zarr"))) {
				assertEquals(Integer.parseInt(c[1]), got.channels(), name + ": channels");
				assertEquals(stack.getSize(), got.channels(), name + ": the TIFF result's planes");
				for (int ch = 0; ch < got.channels(); ch++) {
					float[] expected = (float[]) stack.getProcessor(ch + 1).getPixels();
					float[] values2 = new float[W * H];
					got.plane(0, ch, 0).read(0, 0, W, H, values2);
					for (int i = 0; i < W * H; i++) { // the same floats: one engine, the same input values
						assertEquals(expected[i], values2[i], 0f, name + ", channel " + ch + ", pixel (" + i % W
							+ ", " + i / W + ")");
					}
				}
			}
		}
	}

	/**
	 * The Zarr output's channels are labelled as the in-memory result's slices are, one naming scheme for both paths
	 * and the plugin: {@code C1 / Sobel X} for an unlabelled multi-channel image (1-based, as ImageJ counts channels),
	 * {@code red / Sobel X} for an RGB image's colours, the kernel's name alone for a grey image.
	 */
	@Test
	void blockByBlockLabelsTheChannelsAsTheInMemoryPathDoes() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Random random = new Random(5);
		ColorProcessor rgb = new ColorProcessor(W, H);
		for (int i = 0; i < W * H; i++) rgb.set(i, random.nextInt(1 << 24));
		assertTrue(new FileSaver(new ImagePlus("rgb", rgb)).saveAsTiff(in.resolve("rgb.tif").toString()));
		ImageStack planes = new ImageStack(W, H);
		for (int c = 0; c < 3; c++) {
			ij.process.ShortProcessor p = new ij.process.ShortProcessor(W, H);
			for (int i = 0; i < W * H; i++) p.set(i, random.nextInt(4000));
			planes.addSlice(null, p);
		}
		ImagePlus three = new ImagePlus("three", planes);
		three.setDimensions(3, 1, 1);
		assertTrue(new FileSaver(new ij.CompositeImage(three, ij.CompositeImage.COMPOSITE)).saveAsTiff(
			in.resolve("three.tif").toString()));
		ij.process.ByteProcessor grey = new ij.process.ByteProcessor(W, H);
		for (int i = 0; i < W * H; i++) grey.set(i, random.nextInt(256));
		assertTrue(new FileSaver(new ImagePlus("grey", grey)).saveAsTiff(in.resolve("grey.tif").toString()));

		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		for (String format : new String[] { "tiff", "zarr" }) {
			CliRun run = CliRun.run("batch", "-i", in, "-o", format.equals("tiff") ? whole : blocks, "--format", format,
				"--preset", "sobel-x", "--preset", "sobel-y", "--progress", "none");
			assertEquals(0, run.code, run.toString());
		}
		for (String name : new String[] { "rgb", "three", "grey" }) {
			ImagePlus want = IJ.openImage(whole.resolve(name + ".tif").toString());
			List<String> expected = new java.util.ArrayList<>();
			for (int n = 1; n <= want.getStackSize(); n++) expected.add(want.getStack().getSliceLabel(n));
			com.google.gson.JsonArray channels = com.google.gson.JsonParser.parseString(new String(Files.readAllBytes(
				blocks.resolve(name + ".ome.zarr/.zattrs")), java.nio.charset.StandardCharsets.US_ASCII))
				.getAsJsonObject().getAsJsonObject("omero").getAsJsonArray("channels");
			List<String> got = new java.util.ArrayList<>();
			for (com.google.gson.JsonElement c : channels) got.add(c.getAsJsonObject().get("label").getAsString());
			assertEquals(expected, got, name);
		}
	}

	/**
	 * A channel whose planes share their own label (a composite's channel names, 16-bit RGB's Red, Green and Blue as
	 * ImageJ names them) labels its Zarr channels with it, as every one of its maps is labelled in the TIFF result
	 * ({@code DAPI / Sobel X}); one whose planes differ falls back to {@code C<c>} (or to the kernel's name alone).
	 */
	@Test
	void blockByBlockLabelsAChannelWithTheLabelItsPlanesShare() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Random random = new Random(7);
		String[][] labels = { { "DAPI", "DAPI\nexposure 20 ms" }, { "GFP", "z 2" } }; // channel 1's slices, channel 2's
		ImageStack planes = new ImageStack(W, H);
		for (int z = 0; z < 2; z++) {
			for (int c = 0; c < 2; c++) {
				ij.process.ShortProcessor p = new ij.process.ShortProcessor(W, H);
				for (int i = 0; i < W * H; i++) p.set(i, random.nextInt(4000));
				planes.addSlice(labels[c][z], p);
			}
		}
		ImagePlus named = new ImagePlus("named", planes);
		named.setDimensions(2, 2, 1);
		assertTrue(new FileSaver(new ij.CompositeImage(named, ij.CompositeImage.COMPOSITE)).saveAsTiff(
			in.resolve("named.tif").toString()));
		ByteBuffer rgb16 = ByteBuffer.allocate(W * H * 3 * 2).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < W * H * 3; i++) rgb16.putShort((short) random.nextInt(1 << 16));
		Files.write(in.resolve("rgb16.tif"), TiffBytes.grey8(W, H).tag(258, 16, 16, 16).tag(277, 3).tag(262, 2)
			.strips(List.of(rgb16.array())).build());

		// a single image's label, which ImageJ saves as its Slice_Label property
		ColorProcessor rgb = new ColorProcessor(W, H);
		for (int i = 0; i < W * H; i++) rgb.set(i, random.nextInt(1 << 24));
		ImagePlus field = new ImagePlus("field", rgb);
		field.setProp("Slice_Label", "field 3\nwell B2");
		assertTrue(new FileSaver(field).saveAsTiff(in.resolve("field.tif").toString()));

		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		sobelXBothWays(in, whole, blocks);
		ImagePlus tiff = IJ.openImage(whole.resolve("field.tif").toString());
		assertEquals("field 3 / red / Sobel X", tiff.getStack().getSliceLabel(1), "the in-memory result, the reference");
		assertEquals(List.of("field 3 / red / Sobel X", "field 3 / green / Sobel X", "field 3 / blue / Sobel X"),
			omeroLabels(blocks.resolve("field.ome.zarr")));
		tiff = IJ.openImage(whole.resolve("named.tif").toString());
		assertEquals("DAPI / Sobel X", tiff.getStack().getSliceLabel(1), "the in-memory result, the reference");
		assertEquals("DAPI / Sobel X", tiff.getStack().getSliceLabel(3));
		assertEquals("GFP / Sobel X", tiff.getStack().getSliceLabel(2));
		assertEquals("z 2 / Sobel X", tiff.getStack().getSliceLabel(4));
		assertEquals(List.of("DAPI / Sobel X", "C2 / Sobel X"), omeroLabels(blocks.resolve("named.ome.zarr")));
		tiff = IJ.openImage(whole.resolve("rgb16.tif").toString());
		assertEquals("Red / Sobel X", tiff.getStack().getSliceLabel(1), "the in-memory result, the reference");
		assertEquals(List.of("Red / Sobel X", "Green / Sobel X", "Blue / Sobel X"),
			omeroLabels(blocks.resolve("rgb16.ome.zarr")));
	}

	/**
	 * A compressed ImageJ hyperstack of one page per directory (as tifffile writes it) whose channels are named by its
	 * slice labels: ImageJ's reader leaves the labels (and properties) of such a stack out, which it sets from a
	 * contiguous one; the in-memory path sets them, so its maps are labelled {@code DAPI / Sobel X} as the Zarr output's
	 * channels are. They were {@code C1 / Sobel X}.
	 */
	@Test
	void aCompressedHyperstacksLabelsNameItsMapsBothWays() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.write(in.resolve("named.tif"), TiffBytes.grey8(W, H).tag(259, TiffBytes.DEFLATE)
			.description("ImageJ=1.54p\nimages=2\nchannels=2\nmode=composite\n")
			// IJIJ, 2 labels, 1 property
			.imageJMetadata(new int[] { 0x6c61626c, 2, 0x70726f70, 2 }, TiffBytes.utf16("DAPI", "GFP", "Stain", "hoechst"))
			.strips(List.of(TiffBytes.deflate(TiffBytes.rows(W, 0, H, 1)))).pages(2).build());
		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		sobelXBothWays(in, whole, blocks);
		ImagePlus tiff = IJ.openImage(whole.resolve("named.tif").toString());
		List<String> labels = new java.util.ArrayList<>();
		for (int n = 1; n <= tiff.getStackSize(); n++) labels.add(tiff.getStack().getSliceLabel(n));
		assertEquals(List.of("DAPI / Sobel X", "GFP / Sobel X"), labels);
		assertEquals("hoechst", tiff.getProp("Stain"), "the property, kept");
		assertEquals(labels, omeroLabels(blocks.resolve("named.ome.zarr")));
	}

	/** The images of folder {@code in} convolved by Sobel X into TIFFs in {@code whole} and OME-Zarr in {@code blocks}. */
	private static void sobelXBothWays(Path in, Path whole, Path blocks) {
		for (String format : new String[] { "tiff", "zarr" }) {
			CliRun run = CliRun.run("batch", "-i", in, "-o", format.equals("tiff") ? whole : blocks, "--format", format,
				"--preset", "sobel-x", "--progress", "none");
			assertEquals(0, run.code, run.toString());
		}
	}

	private static List<String> omeroLabels(Path zarr) throws IOException {
		com.google.gson.JsonArray channels = com.google.gson.JsonParser.parseString(new String(Files.readAllBytes(
			zarr.resolve(".zattrs")), java.nio.charset.StandardCharsets.US_ASCII)).getAsJsonObject()
			.getAsJsonObject("omero").getAsJsonArray("channels");
		List<String> labels = new java.util.ArrayList<>();
		for (com.google.gson.JsonElement c : channels) labels.add(c.getAsJsonObject().get("label").getAsString());
		return labels;
	}

	/**
	 * Hyperstacks and stacks, grey and RGB, with a bank, in every mode and with a stride: block by block gives the
	 * in-memory result's floats bit for bit, each TIFF plane (channel c·K + k, slice, frame) at its place in the Zarr
	 * image, with the same display ranges (windows).
	 */
	@org.junit.jupiter.params.ParameterizedTest(name = "{0}")
	@org.junit.jupiter.params.provider.ValueSource(strings = { "--mode valid --stride 2,3", "--mode same --border wrap",
		"--mode full --border reflect --dilation 2" })
	void blockByBlockGivesTheInMemoryStacksBitForBit(String options) throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Random random = new Random(13);
		ImageStack planes = new ImageStack(W, H);
		for (int n = 0; n < 2 * 2 * 2; n++) {
			ij.process.ShortProcessor p = new ij.process.ShortProcessor(W, H);
			for (int i = 0; i < W * H; i++) p.set(i, random.nextInt(4000));
			planes.addSlice(null, p);
		}
		ImagePlus hyper = new ImagePlus("hyper", planes);
		hyper.setDimensions(2, 2, 2);
		hyper.setOpenAsHyperStack(true);
		assertTrue(new FileSaver(new ij.CompositeImage(hyper, ij.CompositeImage.COMPOSITE)).saveAsTiff(
			in.resolve("hyper.tif").toString()));
		ImageStack colours = new ImageStack(W, H);
		for (int z = 0; z < 3; z++) {
			ColorProcessor p = new ColorProcessor(W, H);
			for (int i = 0; i < W * H; i++) p.set(i, random.nextInt(1 << 24));
			colours.addSlice(null, p);
		}
		assertTrue(new FileSaver(new ImagePlus("rgb", colours)).saveAsTiffStack(in.resolve("rgb.tif").toString()));

		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		for (String format : new String[] { "tiff", "zarr" }) {
			List<Object> args = new java.util.ArrayList<>(List.of("batch", "-i", in, "-o", format.equals("tiff") ? whole
				: blocks, "--format", format, "--block", 16, "--preset", "sobel-x", "--kernel", "1 2 0; -1 0 3; 2 1 -2",
				"--progress", "none"));
			args.addAll(List.of((Object[]) options.split(" ")));
			CliRun run = CliRun.run(args.toArray());
			assertEquals(0, run.code, run.toString());
		}
		for (String name : new String[] { "hyper", "rgb" }) {
			ImagePlus want = IJ.openImage(whole.resolve(name + ".tif").toString());
			try (ChunkedImage got = ChunkedImage.open(blocks.resolve(name + ".ome.zarr"))) {
				String what = name + ", " + options;
				assertEquals(want.getNChannels() + " " + want.getNSlices() + " " + want.getNFrames(), got.channels() + " "
					+ got.slices() + " " + got.frames(), what + ": channels, slices, frames");
				int w = want.getWidth(), h = want.getHeight();
				assertEquals(w + "×" + h, got.width() + "×" + got.height(), what);
				for (int n = 1; n <= want.getStackSize(); n++) {
					int[] czt = want.convertIndexToPosition(n);
					float[] values = new float[w * h];
					got.plane(czt[2] - 1, czt[0] - 1, czt[1] - 1).read(0, 0, w, h, values);
					assertArrayEquals((float[]) want.getStack().getPixels(n), values, what + ", plane " + n);
				}
				List<double[]> windows = omeroWindows(blocks.resolve(name + ".ome.zarr"));
				for (int c = 1; c <= want.getNChannels(); c++) {
					ij.process.LUT lut = ((ij.CompositeImage) want).getChannelLut(c);
					assertArrayEquals(new double[] { lut.min, lut.max }, windows.get(c - 1), what + ", range of channel " + c);
				}
			}
		}
	}

	/**
	 * A 32-bit image holding infinities (a ratio image divided by zero somewhere) and NaN: each channel's display range
	 * in the TIFF result is its least and greatest finite value, the Zarr output's window. It reached the infinities,
	 * and ImageJ showed the channel all black (its scale 255 / (max − min) is 0).
	 */
	@Test
	void aChannelHoldingInfinitiesOpensWithItsFiniteRangeBothWays() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		ij.process.FloatProcessor ratio = new ij.process.FloatProcessor(W, H);
		Random random = new Random(17);
		for (int i = 0; i < W * H; i++) ratio.setf(i, random.nextFloat() * 4);
		ratio.setf(5 * W + 7, Float.POSITIVE_INFINITY);
		ratio.setf(20 * W + 30, Float.NaN);
		assertTrue(new FileSaver(new ImagePlus("ratio", ratio)).saveAsTiff(in.resolve("ratio.tif").toString()));
		Path whole = tmp.resolve("whole"), blocks = tmp.resolve("blocks");
		for (String format : new String[] { "tiff", "zarr" }) {
			CliRun run = CliRun.run("batch", "-i", in, "-o", format.equals("tiff") ? whole : blocks, "--format", format,
				"--preset", "sobel-x", "--preset", "box-3", "--mode", "same", "--progress", "none");
			assertEquals(0, run.code, run.toString());
		}
		ImagePlus want = IJ.openImage(whole.resolve("ratio.tif").toString());
		List<double[]> windows = omeroWindows(blocks.resolve("ratio.ome.zarr"));
		for (int c = 1; c <= 2; c++) {
			ij.process.LUT lut = ((ij.CompositeImage) want).getChannelLut(c);
			assertTrue(Double.isFinite(lut.min) && Double.isFinite(lut.max), "channel " + c + ": " + lut.min + ".." + lut.max);
			assertArrayEquals(windows.get(c - 1), new double[] { lut.min, lut.max }, "channel " + c);
		}
	}

	private static List<double[]> omeroWindows(Path zarr) throws IOException {
		com.google.gson.JsonArray channels = com.google.gson.JsonParser.parseString(new String(Files.readAllBytes(
			zarr.resolve(".zattrs")), java.nio.charset.StandardCharsets.US_ASCII)).getAsJsonObject()
			.getAsJsonObject("omero").getAsJsonArray("channels");
		List<double[]> windows = new java.util.ArrayList<>();
		for (com.google.gson.JsonElement c : channels) {
			com.google.gson.JsonObject window = c.getAsJsonObject().getAsJsonObject("window");
			windows.add(new double[] { window.get("min").getAsDouble(), window.get("max").getAsDouble() });
		}
		return windows;
	}

	/**
	 * 16-bit CMYK, which ImageJ inverts with its Invert command while opening it (a headless ImageJ throws there): it
	 * fails alone with its reason both ways, never with "corrupt" or a stack trace, and the other file is written.
	 */
	@Test
	void sixteenBitCmykFailsAloneBothWays() throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in16"));
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(W * H * 4 * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < W * H * 4; i++) b.putShort((short) (i * 977 % 65536));
		Files.write(in.resolve("cmyk16.tif"), TiffBytes.grey8(W, H).tag(258, 16, 16, 16, 16).tag(277, 4).tag(262, 5)
			.strips(List.of(b.array())).build());
		Files.write(in.resolve("grey.tif"), TiffBytes.grey8(W, H).strips(List.of(TiffBytes.rows(W, 0, H, 1))).build());
		for (String format : new String[] { "tiff", "zarr" }) {
			CliRun run = CliRun.run("batch", "-i", in, "-o", tmp.resolve("out-" + format), "--format", format,
				"--preset", "sobel-x", "--progress", "none");
			assertEquals(1, run.code, run.toString());
			assertTrue(run.err.contains("FAILED " + in.resolve("cmyk16.tif") + ": ") && run.err.contains("16-bit CMYK"),
				run.toString());
			assertFalse(run.err.contains("Exception") || run.err.contains("corrupt"), run.toString());
			assertTrue(run.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), run.toString());
		}
	}
}
