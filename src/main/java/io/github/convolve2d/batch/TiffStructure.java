package io.github.convolve2d.batch;

import io.github.convolve2d.io.IoMessages;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a TIFF's structure before ImageJ's {@code TiffDecoder} reads it, so that a corrupt or hostile header
 * gives one clear reason instead of a hang, a memory bomb or a raw exception: the chain of image directories
 * (IFDs) is walked with a bound on its length and a check for loops, every directory and every value that ImageJ
 * reads through an offset must lie inside the file, and the counts that size ImageJ's arrays (strips, ImageJ
 * metadata) are checked against the file's length. The walk reads a few bytes per directory and entry and
 * allocates nothing that grows with a value in the file.
 * <p>
 * What it does not judge: whether ImageJ supports the pixel format (ImageJ says so itself) and whether the pixel
 * data fit the file (see {@link ImageHeader}) — except for the two encodings that ImageJ 1.54 decodes into wrong
 * pixels without failing: JPEG compression (which its decoder takes for none in images under 500 pixels wide) and
 * the floating-point predictor (3; it only logs "unsupported predictor"). Those are refused with what to do.
 */
final class TiffStructure {

	/** At most this many image directories (pages) are accepted; beyond it the file is refused, not read. */
	static final int MAX_DIRECTORIES = 100_000;
	/** ImageJ ignores a directory with more entries than this (and every page after it). */
	static final int MAX_ENTRIES = 1000;

	private static final int STRIP_OFFSETS = 273, STRIP_BYTE_COUNTS = 279, BITS_PER_SAMPLE = 258,
		COMPRESSION = 259, PHOTOMETRIC = 262, SAMPLES_PER_PIXEL = 277, PREDICTOR = 317, COLOR_MAP = 320,
		META_DATA_BYTE_COUNTS = 50838, META_DATA = 50839, NIH_IMAGE_HEADER = 43314, TILE_WIDTH = 322,
		PLANAR_CONFIGURATION = 284, SAMPLE_FORMAT = 339, TYPE_SHORT = 3;
	/** Bytes per value of the TIFF field types 1–12 (index = type); unknown types are not read by ImageJ. */
	private static final int[] TYPE_BYTES = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };

	private final FileChannel channel;
	private final long size;
	private final ByteOrder order;
	/** Per directory, its two strip lengths stored in the entry itself (ImageJ misreads them), else null. */
	private final java.util.List<int[]> inlineStripLengths = new java.util.ArrayList<>();
	/** Whether some directory lays its pixels out in tiles, which ImageJ 1.54p does not read. */
	private boolean tiled;
	/**
	 * Whether some directory holds 64-bit float samples (numpy's default), which ImageJ 1.54p does not read, 5 or
	 * more samples in separate planes, of which it reads the first alone without a word, 4 of 8 bits in separate
	 * planes, which it reads as if interleaved (pixels of no colour the file holds), or 16-bit pixels of several
	 * samples, which it reads right only uncompressed, unsigned, little-endian and on one page (compressed planes it
	 * reads as the first plane again, signed or big-endian ones it fails on, and compressed RGBA as RGB).
	 */
	private boolean notForImageJ;

	private TiffStructure(FileChannel channel, long size, ByteOrder order) {
		this.channel = channel;
		this.size = size;
		this.order = order;
	}

	/**
	 * What the walk found besides damage: the strip lengths that ImageJ 1.54p misreads. Two 2-byte strip lengths fit
	 * the entry's own 4 bytes, where the TIFF specification stores them (libtiff does, for OpenCV's small float
	 * images), but ImageJ's {@code TiffDecoder} reads them from the offset those bytes would spell, so it opens such a
	 * file with lengths from elsewhere or fails.
	 */
	static final class Walked {
		private final int[][] inlineStripLengths;

		private final boolean notForImageJ;

		private Walked(java.util.List<int[]> inline, boolean notForImageJ) {
			this.inlineStripLengths = inline.stream().anyMatch(java.util.Objects::nonNull)
				? inline.toArray(new int[0][]) : null;
			this.notForImageJ = notForImageJ;
		}

		/**
		 * Whether ImageJ 1.54p does not read the file at all: a BigTIFF (not walked here), tiled pages ("ImageJ
		 * cannot open tiled TIFFs. Try using the Bio-Formats plugin"), 64-bit float samples ("Unsupported
		 * BitsPerSample: 64"), or in effect: 5 or more samples in separate planes, of which ImageJ reads the first
		 * alone, 4 of 8 bits in separate planes, which it reads as if interleaved, 16-bit pixels of several
		 * samples, which it reads right in few of their variants, and a page after the first holding a tag numbered
		 * 10001 to 32767, at which it stops reading pages.
		 * {@link io.github.convolve2d.io.TiffReader} reads them all.
		 */
		boolean notForImageJ() {
			return notForImageJ;
		}

		/** Whether ImageJ misreads some directory's strip lengths ({@link #repair} puts them right). */
		boolean misreadByImageJ() {
			return inlineStripLengths != null;
		}

		/**
		 * Puts the strip lengths ImageJ misread right in its pages' info (one per directory, as {@code TiffDecoder}
		 * gives them for such files); false when the pages do not match the directories, and nothing was changed.
		 */
		boolean repair(ij.io.FileInfo[] info) {
			if (inlineStripLengths == null) return true;
			if (info == null || info.length != inlineStripLengths.length) return false;
			for (int i = 0; i < info.length; i++) {
				if (inlineStripLengths[i] != null) info[i].stripLengths = inlineStripLengths[i].clone();
			}
			return true;
		}
	}

	/**
	 * Walks the file's directories.
	 *
	 * @return what ImageJ misreads, to be put right before it reads the file
	 * @throws UnreadableImageException with the reason when the structure is broken
	 */
	static Walked check(Path file) throws UnreadableImageException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = ch.size();
			if (size < 8) throw corrupt("the file has only " + size + " bytes, less than a TIFF header");
			ByteBuffer head = ByteBuffer.allocate(8);
			readFully(ch, head, 0);
			int b0 = head.get(0), b1 = head.get(1);
			ByteOrder order = b0 == 'I' && b1 == 'I' ? ByteOrder.LITTLE_ENDIAN
				: b0 == 'M' && b1 == 'M' ? ByteOrder.BIG_ENDIAN : null;
			if (order == null) throw corrupt("it does not start with a TIFF byte order mark (II or MM)");
			head.order(order);
			if (head.getShort(2) == 43) return new Walked(java.util.List.of(), true); // BigTIFF
			if (head.getShort(2) != 42) throw corrupt("its header lacks the TIFF number 42");
			return new TiffStructure(ch, size, order).walk(head.getInt(4) & 0xffffffffL);
		}
		catch (EOFException e) {
			throw corrupt("it ends in the middle of its header");
		}
		catch (IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
	}

	private Walked walk(long first) throws IOException, UnreadableImageException {
		Set<Long> seen = new HashSet<>();
		long offset = first;
		int count = 0;
		if (offset == 0) throw corrupt("its header points to no image directory");
		while (offset != 0) {
			if (!seen.add(offset)) {
				throw corrupt("its chain of image directories loops back to byte " + offset
					+ " (a self-referencing IFD offset)");
			}
			if (++count > MAX_DIRECTORIES) {
				throw corrupt("it has more than " + MAX_DIRECTORIES + " image directories (pages); the batch reads at "
					+ "most " + MAX_DIRECTORIES);
			}
			offset = directory(offset, count);
		}
		return new Walked(inlineStripLengths, tiled || notForImageJ);
	}

	/** Checks one directory; returns the offset of the next (0 at the end). */
	private long directory(long at, int number) throws IOException, UnreadableImageException {
		String where = "image directory " + number + " (at byte " + at + ")", page = "page " + number;
		if (at < 8 || at + 2 > size) {
			throw corrupt(where + " lies outside the file of " + size + " bytes");
		}
		int entries = read(at, 2).getShort() & 0xffff;
		if (entries < 1 || entries > MAX_ENTRIES) {
			throw corrupt(where + " claims " + entries + " entries (ImageJ reads 1 to " + MAX_ENTRIES + ")");
		}
		long end = at + 2 + 12L * entries + 4;
		if (end > size) throw corrupt(where + " with " + entries + " entries runs past the end of the file");
		ByteBuffer b = read(at + 2, 12 * entries + 4);
		long strips = -1, stripCounts = -1, metaCounts = -1, metaCountsAt = 0, metaBytes = -1, metaAt = 0;
		long photometric = -1, samples = 1, bits = 1, sampleFormat = 1, planar = 1;
		int[] inline = null;
		for (int i = 0; i < entries; i++) {
			int tag = b.getShort() & 0xffff, type = b.getShort() & 0xffff;
			long n = b.getInt() & 0xffffffffL;
			int raw = b.getInt();
			long value = raw & 0xffffffffL;
			if (type == TYPE_SHORT && n == 1) value = (order == ByteOrder.LITTLE_ENDIAN ? raw : raw >>> 16) & 0xffff;
			String entry = where + ", tag " + tag;
			// an unknown type counts as 1 byte per value: ImageJ reads strings through offsets whatever the type
			long bytes = n * (type > 0 && type < TYPE_BYTES.length ? TYPE_BYTES[type] : 1);
			if (bytes > 4) within(entry, value, bytes);
			if (tag == TILE_WIDTH) tiled = true;
			switch (tag) {
				case STRIP_OFFSETS:
					if (n == 0) throw corrupt(where + " lists no strips of pixel data");
					// ImageJ reads several strip offsets as 4-byte values whatever their declared type
					if (n > 1) within(entry, value, 4 * n);
					strips = n;
					break;
				case STRIP_BYTE_COUNTS:
					if (n == 0) throw corrupt(where + " lists no strip lengths");
					if (n == 2 && type == TYPE_SHORT) {
						inline = order == ByteOrder.LITTLE_ENDIAN ? new int[] { raw & 0xffff, raw >>> 16 }
							: new int[] { raw >>> 16, raw & 0xffff };
					}
					else if (n > 1) within(entry, value, (type == TYPE_SHORT ? 2 : 4) * n);
					stripCounts = n;
					break;
				case BITS_PER_SAMPLE:
					if (n == 3) within(entry, value, 2);
					bits = n == 1 ? value : n <= 2 ? (order == ByteOrder.LITTLE_ENDIAN ? raw : raw >>> 16) & 0xffff
						: read(value, 2).getShort() & 0xffff; // the first sample's, as ImageJ reads it
					break;
				case SAMPLE_FORMAT:
					sampleFormat = n == 1 ? value : n <= 2 ? (order == ByteOrder.LITTLE_ENDIAN ? raw : raw >>> 16) & 0xffff
						: read(value, 2).getShort() & 0xffff; // the first sample's, as for the bits
					break;
				case PLANAR_CONFIGURATION:
					planar = value;
					break;
				case PHOTOMETRIC:
					photometric = value;
					break;
				case SAMPLES_PER_PIXEL:
					samples = value;
					break;
				case COMPRESSION:
					if (value == 6 || value == 7) {
						throw new UnreadableImageException("a JPEG-compressed TIFF (" + page + "), which ImageJ does "
							+ "not decode correctly; save it uncompressed or with LZW or Deflate (lossless) compression");
					}
					break;
				case PREDICTOR:
					if (value == 3) {
						throw new UnreadableImageException("a TIFF with the floating-point predictor (" + page + "), "
							+ "which ImageJ does not decode; save it without a predictor (e.g. tifffile: predictor=False)");
					}
					break;
				case COLOR_MAP:
					if (n == 768) within(entry, value, 1536);
					break;
				case NIH_IMAGE_HEADER:
					if (n == 256) within(entry, value, 284);
					break;
				case META_DATA_BYTE_COUNTS:
					within(entry, value, 4 * n);
					metaCounts = n;
					metaCountsAt = value;
					break;
				case META_DATA:
					metaBytes = n;
					metaAt = value;
					break;
				default:
					// ImageJ's TiffDecoder ends its list of pages at a directory after the first holding a tag numbered
					// 10001 to 32767 (the star rating 18246 that Windows Explorer writes, or a damaged tag number): the
					// pages from there on would be lost without a word, so the own reader reads them all
					if (number > 1 && tag > 10000 && tag < 32768) notForImageJ = true;
			}
		}
		if (photometric == 5 && samples == 4 && bits == 16) {
			throw new UnreadableImageException("a 16-bit CMYK TIFF (" + page + "), which ImageJ inverts with its Invert "
				+ "command while opening it, a command a batch run cannot give; save it as RGB, or as 4 channels of "
				+ "16-bit grey");
		}
		if (bits == 64 && sampleFormat == 3 || bits == 16 && samples >= 2
			|| planar == 2 && (samples >= 5 || samples == 4 && bits == 8))
		{
			notForImageJ = true;
		}
		if (strips > 0 && stripCounts > 0 && strips != stripCounts) {
			throw corrupt(where + " lists " + strips + " strip offsets but " + stripCounts + " strip lengths");
		}
		if (metaCounts > 0) imageJMetadata(where, metaCountsAt, metaCounts, metaAt, Math.max(0, metaBytes));
		inlineStripLengths.add(inline);
		return b.getInt() & 0xffffffffL;
	}

	/**
	 * ImageJ's own metadata (slice labels, info, properties, LUTs, ROIs): a table of byte counts that ImageJ
	 * allocates and reads one by one, so each count must be non-negative and all of them fit the metadata block.
	 */
	private void imageJMetadata(String where, long countsAt, long n, long at, long bytes)
		throws IOException, UnreadableImageException
	{
		if (bytes > 0) within(where + ", ImageJ metadata", at, bytes);
		long sum = 0;
		for (long done = 0; done < n; ) {
			int chunk = (int) Math.min(n - done, 1 << 14);
			ByteBuffer counts = read(countsAt + 4 * done, 4 * chunk);
			for (int i = 0; i < chunk; i++) {
				long c = counts.getInt();
				if (c < 0) throw corrupt(where + ": its ImageJ metadata lists a negative length");
				sum += c;
			}
			done += chunk;
		}
		if (sum > bytes) {
			throw corrupt(where + ": its ImageJ metadata lists " + sum + " bytes but holds " + bytes);
		}
	}

	private void within(String what, long offset, long bytes) throws UnreadableImageException {
		if (offset + bytes > size || offset < 0) {
			throw corrupt(what + ": its " + bytes + " bytes of values at byte " + offset + " lie beyond the end of the "
				+ "file (" + size + " bytes)");
		}
	}

	private ByteBuffer read(long at, int bytes) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(bytes).order(order);
		readFully(channel, b, at);
		b.flip();
		return b;
	}

	private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
		long pos = at;
		while (b.hasRemaining()) {
			int n = ch.read(b, pos);
			if (n < 0) throw new EOFException();
			pos += n;
		}
	}

	private static UnreadableImageException corrupt(String reason) {
		return new UnreadableImageException("corrupt TIFF: " + reason);
	}
}
