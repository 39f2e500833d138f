package io.github.convolve2d.cli;

import io.github.convolve2d.batch.TinyTiff;
import io.github.convolve2d.io.TiffBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static io.github.convolve2d.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Inputs that used to hang the batch or stop it silently (issue 9, items 4 and 5): each fails alone, with a reason. */
class HostileInputsTest {

	/** A guard against a hang, far above the second these runs take. */
	private static final Duration HANG = Duration.ofSeconds(60);

	@TempDir
	Path tmp;

	@Test
	void aTiffWhoseImageDirectoryPointsToItselfFailsWithAReasonAndTheOthersAreWritten() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		byte[] loop = TinyTiff.bytes(8, 8, true);
		TinyTiff.putInt(loop, TinyTiff.NEXT_IFD_AT, 8); // the next IFD is this one
		Files.write(in.resolve("loop.tif"), loop);
		byte[] twoStep = TinyTiff.bytes(8, 8, false);
		Files.write(in.resolve("good.tif"), twoStep.clone());
		Path out = tmp.resolve("out");
		CliRun r = assertTimeoutPreemptively(HANG,
			() -> run("batch", "-i", in, "-o", out, "--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("loop.tif: corrupt TIFF: its chain of image directories loops back to byte 8"),
			r.toString());
		assertTrue(r.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), r.toString());
	}

	@Test
	void aNamedPipeGivenAsInputIsRefusedWithoutBeingOpened() throws Exception {
		Path fifo = tmp.resolve("pipe.tif");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		CliRun r = assertTimeoutPreemptively(HANG,
			() -> run("batch", "-i", fifo, "-o", tmp.resolve("out"), "--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("pipe.tif: not a regular file (a named pipe, socket or device)"), r.toString());
	}

	/**
	 * In a folder, a link to nothing and a named pipe with an image's name are failures of their own, as when named
	 * with -i: they were left out without a word, so a run missing them (a link into storage no longer mounted)
	 * reported every file done and exited 0.
	 */
	@Test
	void aLinkToNothingOrANamedPipeInAFolderIsAFailureNotLeftOutSilently() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("a.png"));
		Path gone = Files.createSymbolicLink(in.resolve("gone.png"), tmp.resolve("unmounted/gone.png"));
		Files.createSymbolicLink(in.resolve("folder.png"), Files.createDirectories(tmp.resolve("some folder")));
		Path fifo = in.resolve("pipe.tif");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		for (boolean dryRun : new boolean[] { true, false }) {
			CliRun r = assertTimeoutPreemptively(HANG, () -> run("batch", "-i", in, "-o", tmp.resolve("out"), "--preset",
				"box-3", "--progress", "lines", "--threads", 1, dryRun ? "--dry-run" : "--mode=valid"));
			assertEquals(1, r.code, r.toString());
			String all = r.out + r.err;
			assertTrue(all.contains(gone + ": a link to nothing (its target does not exist, or the link leads back to "
				+ "itself)"), r.toString());
			assertTrue(all.contains(fifo + ": not a regular file (a named pipe, socket or device)"), r.toString());
			assertTrue(all.contains("2 failing of 3 files") || all.contains("1 written, 0 skipped (output exists), 2 "
				+ "failed of 3 files"), "a link to a folder is not followed, as before: " + r);
		}
	}

	/**
	 * A kernel file that can be read once, as a shell's process substitution gives it ({@code --kernel-file <(...)},
	 * a pipe): it was read again for each use, and the second read found it empty ("the kernel is empty") or waited
	 * on the pipe for ever.
	 */
	@Test
	void aKernelFileThatCanBeReadOnceOnlyIsReadOnce() throws Exception {
		Path fifo = tmp.resolve("kernel.txt");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		Path in = Files.write(tmp.resolve("a.tif"), TinyTiff.bytes(8, 8, true));
		Thread writer = new Thread(() -> write(fifo, "1 2 1"));
		writer.setDaemon(true);
		writer.start();
		try {
			CliRun r = assertTimeoutPreemptively(HANG, () -> run("batch", "-i", in, "-o", tmp.resolve("out"),
				"--kernel-file", fifo, "--progress", "lines"));
			assertEquals(0, r.code, r.toString());
			assertTrue(Files.isRegularFile(tmp.resolve("out").resolve("a.tif")), r.toString());
		}
		finally {
			// a second read left waiting on the pipe gets its end
			Thread release = new Thread(() -> write(fifo, ""));
			release.setDaemon(true);
			release.start();
		}
	}

	private static void write(Path file, String text) {
		try {
			Files.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	@Test
	void aNamedPipeGivenAsInputForBlockwiseOmeZarrIsRefusedWithoutBeingOpened() throws Exception {
		Path fifo = tmp.resolve("pipe.tif");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
		assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is available");
		CliRun r = assertTimeoutPreemptively(HANG, () -> run("batch", "-i", fifo, "-o", tmp.resolve("out"), "--format",
			"zarr", "--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("pipe.tif: not a regular file (a named pipe, socket or device)"), r.toString());
	}

	@org.junit.jupiter.params.ParameterizedTest(name = "--format {0}")
	@org.junit.jupiter.params.provider.ValueSource(strings = { "tiff", "zarr" })
	void aDamagedCompressedTiffFailsAloneNamedOnceInMemoryAndBlockwise(String format) throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		int w = 24, h = 20;
		java.util.List<byte[]> strips = new java.util.ArrayList<>();
		strips.add(TiffBytes.lzw(TiffBytes.rows(w, 0, 10, 1)));
		strips.add(TiffBytes.lzw(TiffBytes.rows(w, 10, 13, 1))); // strip 2 holds 3 of its 10 rows
		Files.write(in.resolve("damaged.tif"), TiffBytes.grey8(w, h).tag(259, TiffBytes.LZW).tag(278, 10)
			.strips(strips).build());
		Files.write(in.resolve("good.tif"), TinyTiff.bytes(w, h, true));
		Path out = tmp.resolve("out");
		// ImageJ's reader (--format tiff) would take the missing rows for zeros without a word
		CliRun r = assertTimeoutPreemptively(HANG, () -> run("batch", "-i", in, "-o", out, "--format", format,
			"--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("damaged.tif: page 1, strip 2 is damaged (LZW data ends early"), r.toString());
		assertEquals(1, r.err.split(Pattern.quote("damaged.tif"), -1).length - 1, "the file is named once: " + r);
		assertTrue(r.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), r.toString());
	}

	/**
	 * An output sub-folder that may not be written fails its files naming that folder: the reason named the hidden
	 * temporary file the run had tried to create there ({@code .convolve2d-<pid>-...tif}), which means nothing to a user.
	 */
	@Test
	void aLockedOutputSubFolderIsNamedNotTheTemporaryFile() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in/sub"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("a.png"));
		Path locked = Files.createDirectories(tmp.resolve("out/sub"));
		assumeTrue(locked.toFile().setWritable(false, false));
		try {
			List<String> prefix = Collections.emptyList();
			if (Files.isWritable(locked)) {
				// root writes everywhere: run the command without the capabilities that let it
				assumeTrue(new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "setpriv is available");
				prefix = Arrays.asList("setpriv", "--bounding-set", "-dac_override,-dac_read_search");
			}
			ChildCli c = ChildCli.start(prefix, Collections.emptyMap(), "batch", "-i", tmp.resolve("in"), "-r", "-o",
				tmp.resolve("out"), "--preset", "box-3", "--progress", "lines");
			assertEquals(1, c.waitFor(120), c.toString());
			assertTrue(c.err().contains("FAILED " + in.resolve("a.png") + ": cannot write " + locked.resolve("a.tif")
				+ ": permission denied: " + locked + "\n"), c.toString());
			assertFalse(c.err().contains(".convolve2d-"), c.toString());
		}
		finally {
			locked.toFile().setWritable(true, false);
		}
	}

	@Test
	void anInputBehindALockedFolderOrALinkToNothingIsNotSaidToBeMissing() throws Exception {
		Path link = Files.createSymbolicLink(tmp.resolve("link.png"), tmp.resolve("gone.png"));
		CliRun r = run("batch", "-i", link, "-o", tmp.resolve("out"), "--preset", "box-3");
		assertEquals(2, r.code, r.toString());
		assertTrue(r.err.contains("input '" + link + "' is a link to nothing (its target does not exist, or the link "
			+ "leads back to itself)"), r.toString());
		Path locked = Files.createDirectories(tmp.resolve("locked"));
		Path in = Files.copy(Paths.get("sample-images/microaneurysms.png"), locked.resolve("a.png"));
		assumeTrue(locked.toFile().setExecutable(false, false));
		try {
			List<String> prefix = Collections.emptyList();
			if (Files.exists(in)) {
				// root enters every folder: run the command without the capabilities that let it
				assumeTrue(new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "setpriv is available");
				prefix = Arrays.asList("setpriv", "--bounding-set", "-dac_override,-dac_read_search");
			}
			ChildCli c = ChildCli.start(prefix, Collections.emptyMap(), "batch", "-i", in, "-o", tmp.resolve("out"),
				"--preset", "box-3");
			assertEquals(2, c.waitFor(120), c.toString());
			assertTrue(c.err().contains("input '" + in + "' cannot be reached: permission denied (a folder on its path "
				+ "may not be entered)"), c.toString());
		}
		finally {
			locked.toFile().setExecutable(true, false);
		}
	}

	/**
	 * JPEGs the JDK's decoder fails on, whose stack trace it prints from a thread of its own: cmyk.jpg (16×12, 4
	 * components, written by Pillow: {@code Image.convert('CMYK').save(..., quality=50)}), refused from its header;
	 * corrupt.jpg (a 30×20 grey JPEG with bytes overwritten, so that the decoder gives up on its Huffman table). Each
	 * fails with its reason, nothing else reaches the console, and the other file is written.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
		"cmyk.jpg|cmyk.jpg: a CMYK JPEG (4 colour components), which ImageJ cannot open; save it as an RGB JPEG or a TIFF",
		"corrupt.jpg|corrupt.jpg: ImageJ could not read this JPEG: its image data are corrupt (the JPEG decoder gave up); "
			+ "re-export it" })
	void aJpegTheDecoderFailsOnFailsWithItsReasonAndNoStackTraceOnTheConsole(String name, String reason)
		throws Exception
	{
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Paths.get(getClass().getResource(name).toURI()), in.resolve(name));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("good.png"));
		ChildCli c = ChildCli.start(Collections.emptyList(), Collections.emptyMap(), "batch", "-i", in, "-o",
			tmp.resolve("out"), "--preset", "box-3", "--progress", "lines");
		assertEquals(1, c.waitFor(120), c.toString());
		assertTrue(c.err().contains(reason), c.toString());
		// nor ImageJ's note on CMYK, which it adds to every JPEG it fails on
		assertTrue(!c.err().contains("Exception") && !c.err().contains("\tat ") && (name.startsWith("cmyk")
			|| !c.err().contains("CMYK")), c.toString());
		assertTrue(c.out().contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), c.toString());
	}

	@Test
	void aGifCutShortInsideAFrameFailsInsteadOfLosingItsLastFrames() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		byte[] gif = threeFrameGif();
		Files.write(in.resolve("whole.gif"), gif);
		Files.write(in.resolve("cut.gif"), Arrays.copyOf(gif, gif.length - 200));
		// the trailer byte alone missing loses nothing
		Files.write(in.resolve("notrailer.gif"), Arrays.copyOf(gif, gif.length - 1));
		CliRun r = run("batch", "-i", in, "-o", tmp.resolve("out"), "--preset", "box-3", "--progress", "lines");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("cut.gif: truncated GIF: the file ends at byte " + (gif.length - 200) + " inside frame "
			+ "3, and ImageJ would read the 2 frames before it alone; the file is cut short — re-export it"), r.toString());
		assertTrue(r.out.contains("2 written, 0 skipped (output exists), 1 failed of 3 files"), r.toString());
	}

	/** A GIF of three 40×30 frames of noise, written by the JDK's GIF writer. */
	private static byte[] threeFrameGif() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
		try (ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
			writer.setOutput(ios);
			writer.prepareWriteSequence(null);
			Random random = new Random(1);
			for (int f = 0; f < 3; f++) {
				BufferedImage frame = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
				for (int i = 0; i < 40 * 30; i++) frame.getRaster().setSample(i % 40, i / 40, 0, random.nextInt(256));
				writer.writeToSequence(new IIOImage(frame, null, null), null);
			}
			writer.endWriteSequence();
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	/**
	 * An uncompressed page whose strip byte count is half what its pixels need: ImageJ reads width × height bytes from
	 * the strip's offset whatever the count says, so the bytes after it (here the image directory) became pixels.
	 */
	@Test
	void anUncompressedPageWhoseStripsHoldTooFewBytesFailsInsteadOfReadingWhatFollows() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		byte[] half = new byte[60];
		for (int i = 0; i < half.length; i++) half[i] = (byte) (i + 1);
		Files.write(in.resolve("lying.tif"), TiffBytes.grey8(10, 12).strips(List.of(half)).build());
		Files.write(in.resolve("good.tif"), TiffBytes.grey8(10, 12).strips(List.of(new byte[120])).build());
		CliRun r = run("batch", "-i", in, "-o", tmp.resolve("out"), "--preset", "box-3", "--progress", "lines");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("lying.tif: corrupt TIFF: the strips of page 1 hold 60 bytes but its 10×12 8-bit "
			+ "pixels need 120, and ImageJ would read the bytes after them as pixels; the file is damaged — re-export it"),
			r.toString());
		assertTrue(r.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), r.toString());
	}

	/**
	 * ImageJ's TiffDecoder stops at the first page after page 1 that holds a tag numbered 10001 to 32767 (such as
	 * 18246, the star rating Windows Explorer writes into a TIFF): a 4-page stack whose page 3 holds one was written
	 * as 2 slices without a word, and an OME-TIFF of 2 channels × 2 slices ended in "unexpected error:
	 * java.lang.IllegalArgumentException: Stack argument out of range: 4". Every page is read, as --format zarr does.
	 */
	@Test
	void aPageWithATagImageJStopsAtKeepsEveryPage() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		TiffBytes stack = TiffBytes.grey8(10, 12).strips(List.of(TiffBytes.rows(10, 0, 12, 1)));
		for (int p = 2; p <= 4; p++) {
			TiffBytes page = TiffBytes.grey8(10, 12).strips(List.of(TiffBytes.rows(10, p, 12 + p, 1)));
			stack.thenPage(p == 3 ? page.tag(18246, 3) : page);
		}
		Files.write(in.resolve("rated.tif"), stack.build());
		String xml = "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image "
			+ "ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"uint8\" SizeX=\"12\" SizeY=\"10\" "
			+ "SizeC=\"2\" SizeZ=\"2\" SizeT=\"1\"><TiffData IFD=\"0\" PlaneCount=\"4\"/></Pixels></Image></OME>";
		TiffBytes ome = TiffBytes.grey8(12, 10).strips(List.of(TiffBytes.rows(12, 0, 10, 1))).description(xml);
		for (int p = 2; p <= 4; p++) {
			TiffBytes page = TiffBytes.grey8(12, 10).strips(List.of(TiffBytes.rows(12, 0, 10, 1)));
			ome.thenPage(p == 3 ? page.tag(18246, 3) : page);
		}
		Files.write(in.resolve("hyper.ome.tif"), ome.build());
		Path out = tmp.resolve("out");
		CliRun r = assertTimeoutPreemptively(HANG,
			() -> run("batch", "-i", in, "-o", out, "--preset", "identity", "--mode", "same", "--progress", "lines"));
		assertEquals(0, r.code, r.toString());
		assertFalse(r.err.contains("Exception"), r.toString());
		ij.ImagePlus pages = ij.IJ.openImage(out.resolve("rated.tif").toString());
		assertEquals(4, pages.getStackSize(), "every page is a slice: " + r);
		for (int p = 1; p <= 4; p++) {
			assertEquals(TiffBytes.value(0, p == 1 ? 0 : p) & 0xff, pages.getStack().getProcessor(p).getf(0, 0), 0,
				"page " + p);
		}
		ij.ImagePlus hyper = ij.IJ.openImage(out.resolve("hyper.tif").toString());
		assertEquals(2, hyper.getNChannels(), r.toString());
		assertEquals(2, hyper.getNSlices(), r.toString());
	}

	/**
	 * A Deflate TIFF whose image height is stored with a type no TIFF has (a flipped bit) and whose second strip is
	 * cut short: the own reader refused the structure, so the strips went unchecked to ImageJ, which read the height
	 * anyway and never returned from the short strip (a run that hung until killed, losing the whole summary). The
	 * file now fails alone with the damage of its structure, and the other file is written.
	 */
	@Test
	void aCompressedTiffWithADamagedTagFailsInsteadOfHangingImageJ() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		int w = 24, h = 20;
		List<byte[]> strips = new java.util.ArrayList<>();
		strips.add(TiffBytes.deflate(TiffBytes.rows(w, 0, 10, 1)));
		byte[] second = TiffBytes.deflate(TiffBytes.rows(w, 10, 20, 1));
		strips.add(Arrays.copyOf(second, second.length / 2));
		byte[] file = TiffBytes.grey8(w, h).tag(259, TiffBytes.DEFLATE).tag(278, 10).strips(strips).build();
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		int ifd = b.getInt(4), entries = b.getShort(ifd) & 0xffff;
		for (int i = 0; i < entries; i++) {
			int at = ifd + 2 + 12 * i;
			if ((b.getShort(at) & 0xffff) == 257) b.putShort(at + 2, (short) 1028);
		}
		Files.write(in.resolve("flipped.tif"), file);
		Files.write(in.resolve("good.tif"), TinyTiff.bytes(w, h, true));
		Path out = tmp.resolve("out");
		CliRun r = assertTimeoutPreemptively(HANG,
			() -> run("batch", "-i", in, "-o", out, "--preset", "box-3", "--progress", "lines"));
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("FAILED " + in.resolve("flipped.tif") + ": page 1: tag 257 holds values of TIFF type "
			+ "1028 where whole numbers belong; the file is damaged or cut short — re-export it"), r.toString());
		assertTrue(r.out.contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), r.toString());
		assertFalse(Files.exists(out.resolve("flipped.tif")), r.toString());
	}

	@Test
	void anUnreadableSubFolderUnderRecursiveIsAFailureWithItsReason() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in/locked"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), tmp.resolve("in/top.png"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("hidden-from-us.png"));
		Path out = tmp.resolve("out");
		assumeTrue(in.toFile().setReadable(false, false) && in.toFile().setExecutable(false, false));
		try {
			List<String> prefix = Collections.emptyList();
			if (Files.isReadable(in)) {
				// root reads everything: run the command without the capabilities that let it
				assumeTrue(new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "setpriv is available");
				prefix = Arrays.asList("setpriv", "--bounding-set", "-dac_override,-dac_read_search");
			}
			ChildCli c = ChildCli.start(prefix, Collections.emptyMap(), "batch", "-i", tmp.resolve("in"), "-r", "-o",
				out, "--preset", "box-3", "--progress", "lines");
			assertEquals(1, c.waitFor(120), c.toString());
			assertTrue(c.err().contains("FAILED " + in + ": cannot read this folder: permission denied; the files in "
				+ "it are not convolved"), c.toString());
			assertTrue(c.out().contains("1 written, 0 skipped (output exists), 1 failed of 2 files"), c.toString());
		}
		finally {
			in.toFile().setReadable(true, false);
			in.toFile().setExecutable(true, false);
		}
	}

	@Test
	void nonAsciiAndLatin1NamesFailAloneWithAReasonUnderLangCAndLatin1UnderUtf8() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve("plain.png"));
		// names as raw bytes, made by the shell: this JVM's own locale may not express them
		Process sh = new ProcessBuilder("sh", "-c", "cp plain.png \"$(printf 'caf\\303\\251.png')\" && "
			+ "cp plain.png \"$(printf 'latin\\351.png')\"").directory(in.toFile()).inheritIO().start();
		assertEquals(0, sh.waitFor());
		String c = "its name holds characters that this locale's file name encoding (ANSI_X3.4-1968, from LANG/LC_ALL) "
			+ "cannot express; run under a UTF-8 locale (e.g. LANG=C.UTF-8) or rename it";
		Map<String, String> env = new HashMap<>();
		env.put("LANG", "C");
		env.put("LC_ALL", "C");
		ChildCli child = ChildCli.start(Collections.emptyList(), env, "batch", "-i", in, "-o", tmp.resolve("out"),
			"--preset", "box-3", "--progress", "lines");
		assertEquals(1, child.waitFor(120), child.toString());
		assertEquals(2, child.err().split(Pattern.quote(c), -1).length - 1, "each name has its reason: " + child);
		assertTrue(child.out().contains("1 written, 0 skipped (output exists), 2 failed of 3 files"), child.toString());

		env.put("LANG", "C.UTF-8");
		env.put("LC_ALL", "C.UTF-8");
		child = ChildCli.start(Collections.emptyList(), env, "batch", "-i", in, "-o", tmp.resolve("out8"),
			"--preset", "box-3", "--progress", "lines");
		assertEquals(1, child.waitFor(120), child.toString());
		assertTrue(child.err().contains(".png: its name is not valid UTF-8 (perhaps Latin-1), so it cannot be "
			+ "opened by name; rename it"), child.toString());
		assertTrue(child.out().contains("2 written, 0 skipped (output exists), 1 failed of 3 files"), child.toString());
		assertTrue(child.err().contains("written " + tmp.resolve("out8") + "/caf\u00e9.tif"), child.toString());

		env.put("LANG", "C");
		env.put("LC_ALL", "C");
		child = ChildCli.start(Collections.emptyList(), env, "batch", "-i", "caf\u00e9.png", "-o", tmp.resolve("o"),
			"--preset", "box-3");
		assertEquals(2, child.waitFor(120), child.toString());
		assertTrue(child.err().contains("(FILE|DIR): the name 'caf") && child.err().contains("' " + c.substring(9)),
			"an argument the locale cannot express is a usage error with the reason: " + child);
	}

	@Test
	void aJsonFileNameTheLocaleCannotExpressIsAUsageErrorWithTheReasonNotAStackTrace() throws Exception {
		Map<String, String> env = new HashMap<>();
		env.put("LANG", "C");
		env.put("LC_ALL", "C");
		ChildCli child = ChildCli.start(Collections.emptyList(), env, "json", tmp.resolve("caf\u00e9.json"));
		assertEquals(2, child.waitFor(120), child.toString());
		assertTrue(child.err().contains("cannot read '" + tmp + "/caf") && child.err().contains("': its name holds "
			+ "characters that this locale's file name encoding (ANSI_X3.4-1968, from LANG/LC_ALL) cannot express"),
			child.toString());
		assertTrue(!child.err().contains("Exception") && !child.err().contains("\tat "), child.toString());
	}

	@Test
	void namesOf241To255BytesAreWrittenTheTemporaryNameStaysShort() throws Exception {
		Path in = Files.createDirectories(tmp.resolve("in"));
		for (int bytes : new int[] { 241, 250, 255 }) {
			String name = "n".repeat(bytes - 4 - 3) + bytes + ".png";
			assertEquals(bytes, name.length());
			Files.copy(Paths.get("sample-images/microaneurysms.png"), in.resolve(name));
		}
		Path out = tmp.resolve("out");
		CliRun r = run("batch", "-i", in, "-o", out, "--preset", "box-3");
		assertEquals(0, r.code, r.toString());
		assertTrue(r.out.contains("3 written"), r.toString());
		assertTrue(Files.exists(out.resolve("n".repeat(248) + "255.tif")), r.toString());
		r = run("batch", "-i", in, "-o", out, "--suffix", "_c", "--preset", "box-3", "--progress", "lines");
		assertEquals(1, r.code, r.toString());
		Path tooLong = out.resolve("n".repeat(248) + "255_c.tif");
		assertTrue(r.err.contains("255.png: cannot write " + tooLong + ": File name too long: " + tooLong),
			"an output name beyond 255 bytes fails alone with the system's reason, naming it: " + r);
		assertFalse(r.err.contains(".convolve2d-"), "not the temporary file's name: " + r);
		assertTrue(r.out.contains("2 written"), r.toString());
		// the same as an OME-Zarr output: its name, and no resume promised where no block was written
		Path tif = Files.copy(Paths.get("sample-images/chessboard_GRAY_U16.tif"),
			Files.createDirectories(tmp.resolve("tif")).resolve("t".repeat(251) + ".tif"));
		r = run("batch", "-i", tif, "-o", out, "--format", "zarr", "--preset", "box-3", "--progress", "lines");
		assertEquals(1, r.code, r.toString());
		assertTrue(r.err.contains("File name too long: " + out.resolve("t".repeat(251) + ".ome.zarr")), r.toString());
		assertFalse(r.err.contains(".convolve2d-") || r.err.contains("rerun to resume"), r.toString());
	}

	/**
	 * A TIFF damaged half-way, convolved block by block: the run fails it naming the strip, and says that the blocks
	 * written before stay in an incomplete output (which it did not say: the folder looked like a result); once the
	 * input is sound again, a rerun resumes that output.
	 */
	@Test
	void aDamagedStripHalfWayLeavesAnIncompleteOutputThatTheFailureNames() throws IOException {
		int w = 40, h = 30, rows = 10;
		java.util.List<byte[]> good = new java.util.ArrayList<>(), bad = new java.util.ArrayList<>();
		for (int y = 0; y < h; y += rows) good.add(TiffBytes.deflate(TiffBytes.rows(w, y, y + rows, 1)));
		bad.addAll(good);
		byte[] garbage = new byte[40];
		Arrays.fill(garbage, (byte) 0x5a);
		bad.set(2, garbage);
		Path in = tmp.resolve("half.tif"), out = tmp.resolve("out");
		Files.write(in, TiffBytes.grey8(w, h).tag(259, TiffBytes.DEFLATE).tag(278, rows).strips(bad).build());
		Object[] args = { "batch", "-i", in, "-o", out, "--format", "zarr", "--block", 16, "--preset", "box-3",
			"--threads", 1, "--progress", "none" };
		CliRun r = run(args);
		assertEquals(1, r.code, r.toString());
		Path result = out.resolve("half.ome.zarr");
		assertTrue(r.err.contains("strip 3 is damaged") && r.err.contains("the blocks written before are kept in "
			+ result.toAbsolutePath() + ", which is incomplete (no NGFF metadata): a rerun resumes it, or delete it"),
			r.toString());
		assertTrue(Files.isDirectory(result) && !Files.exists(result.resolve(".zattrs")), "incomplete, as said");

		Files.write(in, TiffBytes.grey8(w, h).tag(259, TiffBytes.DEFLATE).tag(278, rows).strips(good).build());
		CliRun again = run(args);
		assertEquals(0, again.code, again.toString());
		assertTrue(Files.exists(result.resolve(".zattrs")), again.toString());
	}
}
