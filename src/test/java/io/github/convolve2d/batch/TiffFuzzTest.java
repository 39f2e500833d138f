package io.github.convolve2d.batch;

import io.github.convolve2d.image.ConsoleCapture;
import io.github.convolve2d.image.AtomicTiffWriter;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.kernel.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated small TIFFs through the batch's whole per-file path (header check, memory check, ImageJ's reader, the
 * convolution, the writer), with fixed seeds: truncations, bytes overwritten, IFD entries with wrong offsets and
 * counts, IFD chains that loop, huge dimensions, strip tables that disagree. Each case ends written or failed with
 * one reason that names no Java exception type, and the whole suite never hangs.
 */
class TiffFuzzTest {

	private static final long SEED = 0x7EFF_2026L;
	private static final int CASES_PER_SEED_FILE = 260;
	/**
	 * Java type names (NullPointerException, java.io.EOFException...) and the raw texts of Java's own exceptions
	 * (an index out of bounds, a null pointer's "because ...", a bare "null").
	 */
	private static final Pattern TYPE_NAME = Pattern.compile("\\b[A-Za-z.]*(Exception|Error)\\b|\\bnull\\b"
		+ "|out of bounds for length|because \"|Cannot (invoke|load|store|read)");

	@TempDir
	Path tmp;

	/** The seed files: hand-built and ImageJ-written TIFFs of several kinds, and the sample TIFFs. */
	private List<byte[]> seeds() throws Exception {
		List<byte[]> seeds = new ArrayList<>();
		seeds.add(TinyTiff.bytes(9, 7, true));
		seeds.add(TinyTiff.bytes(6, 11, false));
		seeds.add(Files.readAllBytes(Paths.get("sample-images", "multipage.tif")));
		float[] f = new float[12 * 10];
		for (int i = 0; i < f.length; i++) f[i] = (float) Math.sin(i);
		ImagePlus flt = new ImagePlus("f", new FloatProcessor(12, 10, f));
		flt.setProp("Convolve2D", "a property, as our outputs carry");
		flt.setProperty("Info", "info text");
		seeds.add(imageJ(flt));
		ImageStack st = new ImageStack(8, 8);
		for (int z = 0; z < 3; z++) {
			short[] s = new short[64];
			for (int i = 0; i < 64; i++) s[i] = (short) (i * (z + 1) * 97);
			st.addSlice("slice " + z, new ShortProcessor(8, 8, s, null));
		}
		seeds.add(imageJ(new ImagePlus("s", st)));
		ColorProcessor cp = new ColorProcessor(7, 5);
		for (int i = 0; i < 35; i++) cp.set(i, i * 0x010203);
		seeds.add(imageJ(new ImagePlus("rgb", cp)));
		return seeds;
	}

	private byte[] imageJ(ImagePlus imp) throws Exception {
		Path p = tmp.resolve("seed-" + imp.getTitle() + ".tif");
		assertTrue(new FileSaver(imp).saveAsTiff(p.toString()));
		return Files.readAllBytes(p);
	}

	@Test
	void mutatedTiffsGiveAResultOrOneClearReasonAndNeverHang() throws Exception {
		List<byte[]> seeds = seeds();
		Path in = Files.createDirectories(tmp.resolve("in")), out = tmp.resolve("out");
		BatchRunner runner = new BatchRunner(Collections.singletonList(Presets.resolve("box-3")),
			ConvolutionOptions.builder().mode("same").build(), new AtomicTiffWriter(), 1, new MemoryBudget(64L << 20),
			false, new BatchListener() {
				@Override
				public void started(int total) {
				}

				@Override
				public void finished(Outcome outcome) {
				}
			});
		int[] counts = new int[2];
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			try (ConsoleCapture capture = ConsoleCapture.install()) {
				Random random = new Random(SEED);
				for (int s = 0; s < seeds.size(); s++) {
					for (int c = 0; c < CASES_PER_SEED_FILE; c++) {
						byte[] bytes = seeds.get(s).clone();
						String how = mutate(bytes, random);
						if (how.equals("truncated")) bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
						String name = "s" + s + "c" + c;
						Path file = in.resolve(name + ".tif");
						Files.write(file, bytes);
						Outcome o = runner.runOne(new BatchItem(file, out.resolve(name + ".tif"), null));
						String where = "seed " + s + " case " + c + " (" + how + "): ";
						assertNotNull(o, where + "no outcome");
						if (o.status() == Outcome.Status.WRITTEN) {
							counts[0]++;
						}
						else {
							counts[1]++;
							assertEquals(Outcome.Status.FAILED, o.status(), where + o.message());
							assertNotNull(o.message(), where + "a failure has a reason");
							assertFalse(o.message().isEmpty(), where + "a failure has a reason");
							assertFalse(TYPE_NAME.matcher(o.message()).find(), where + "no Java type name: " + o.message());
							assertFalse(o.message().contains("\n"), where + "one line: " + o.message());
						}
					}
				}
			}
		});
		assertTrue(counts[0] > 100 && counts[1] > 300, "both ends are reached: " + Arrays.toString(counts));
	}

	/** Changes {@code b} in place in one of several ways; returns what was done ({@code truncated}: cut it). */
	private static String mutate(byte[] b, Random r) {
		ByteBuffer buf = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
		int ifd = buf.getInt(4);
		boolean ifdInside = ifd >= 8 && ifd + 2 <= b.length;
		int entries = ifdInside ? buf.getShort(ifd) & 0xffff : 0;
		int kind = r.nextInt(9);
		switch (kind) {
			case 0: {
				int n = 1 + r.nextInt(4);
				StringBuilder sb = new StringBuilder("bytes");
				for (int i = 0; i < n; i++) {
					int at = r.nextInt(b.length);
					b[at] = (byte) r.nextInt(256);
					sb.append(' ').append(at);
				}
				return sb.toString();
			}
			case 1:
				return "truncated";
			default:
		}
		if (!ifdInside || entries == 0 || ifd + 2 + 12 * entries + 4 > b.length) {
			buf.putInt(4, r.nextInt(b.length + 16));
			return "first IFD offset";
		}
		int e = ifd + 2 + 12 * r.nextInt(entries);
		int tag = buf.getShort(e) & 0xffff;
		int next = ifd + 2 + 12 * entries;
		int[] huge = { 0, 1, -1, 0x7fffffff, 0x10000, 0x40000000, b.length, b.length - 1, b.length + 1 };
		switch (kind) {
			case 2:
				buf.putInt(e + 4, huge[r.nextInt(huge.length)]);
				return "tag " + tag + " count";
			case 3:
				buf.putInt(e + 8, huge[r.nextInt(huge.length)]);
				return "tag " + tag + " value/offset";
			case 4: {
				int[] targets = { ifd, 8, next - 4, r.nextInt(b.length), b.length + 100 };
				buf.putInt(next, targets[r.nextInt(targets.length)]);
				return "next IFD offset";
			}
			case 5:
				for (int i = 0; i < entries; i++) {
					int at = ifd + 2 + 12 * i;
					int t = buf.getShort(at) & 0xffff;
					if (t == 256 || t == 257) {
						buf.putShort(at + 2, (short) 4);
						buf.putInt(at + 8, huge[r.nextInt(huge.length)]);
					}
				}
				return "dimensions";
			case 6:
				for (int i = 0; i < entries; i++) {
					int at = ifd + 2 + 12 * i;
					int t = buf.getShort(at) & 0xffff;
					if (t == 273 || t == 279) buf.putInt(at + 4, 1 + r.nextInt(5));
				}
				return "strip counts";
			case 7:
				buf.putShort(e + 2, (short) r.nextInt(20));
				return "tag " + tag + " type";
			default:
				buf.putShort(ifd, (short) huge[r.nextInt(huge.length)]);
				return "entry count";
		}
	}
}
