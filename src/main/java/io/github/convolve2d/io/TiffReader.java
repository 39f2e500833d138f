package io.github.convolve2d.io;

import io.github.convolve2d.core.ParallelLoop;
import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads TIFF and BigTIFF files rectangle by rectangle, so an image larger than memory is never loaded whole:
 * striped or tiled, uncompressed, Deflate (zlib), LZW or PackBits, horizontal predictor, 8/16/32-bit integer or
 * 32/64-bit float samples, either byte order, one or more samples per pixel (chunky or planar), one plane per
 * page. An uncompressed strip or tile is read row by row, only the columns asked for (ImageJ and tifffile write a
 * large uncompressed image as one strip); a compressed one is decoded whole into a small cache shared by the
 * neighbouring reads. A plane is {@link #plane(int, int) page × sample}. The spatial calibration is read as ImageJ
 * reads it ({@link TiffCalibration}); a damaged or absent one is none, never an error. ImageJ's value calibration
 * of an 8-bit grey or 16-bit image is applied as ImageJ applies it ({@link ValueCalibration}). Samples read as
 * ImageJ reads them: 8-bit RGB with a 4th (alpha) sample and 8-bit CMYK as 3 channels (red, green, blue), an 8-bit
 * colour image ImageJ saved as one as the red, green and blue of its palette, 8-bit samples unsigned whatever their
 * format, 32-bit integers signed.
 * <p>
 * Damage is refused, never read as a wrong image: a header that lies (directories or tag values outside the file,
 * a chain of pages that loops back, absurd counts, strips or tiles beyond the file's end, compressed ones too large
 * to decode) when the file is opened; compressed data that end early, run past their strip or tile or do not
 * decode when they are read. Each message names the file, page and strip or tile ({@link UserException}). A named
 * pipe or device is refused without being opened.
 * <p>
 * Why not a library: the JDK's TIFF reader has no BigTIFF, and TwelveMonkeys' imageio-tiff reads a region of an
 * uncompressed single-strip image by streaming through the whole strip; this reader is small and reads exactly
 * the bytes a block needs. The floating-point predictor (3) and JPEG compression are refused with what to do.
 */
public final class TiffReader implements Closeable {

	/** One page (image file directory): its size, samples and where its strips or tiles lie. */
	private static final class Page {
		int width, height, samples = 1, bits = 1, format = 1, compression = 1, predictor = 1, planar = 1, photometric = 1;
		/**
		 * The samples read as channels: all but the 4th of 8-bit RGBA, which ImageJ drops; red, green and blue of
		 * 8-bit CMYK and of an 8-bit colour (palette) image read as ImageJ reads it (see {@link #samples}).
		 */
		int channels;
		/** 8-bit CMYK (photometric 5, 4 samples), which ImageJ converts to RGB. */
		boolean cmyk;
		/** The ColorMap (tag 320) as stored, and its TIFF type; null when absent. */
		long[] colourMap;
		int colourMapType;
		int segmentWidth, segmentHeight;
		boolean tiled;
		long[] offsets, counts;
		DataType type;
		/** Read on the first page only (ImageJ writes its description there), else none. */
		TiffCalibration calibration = TiffCalibration.NONE;
		/**
		 * ImageDescription of the first page (ImageJ's hyperstack dimensions, OME-XML), its bytes as ISO-8859-1
		 * characters up to its first NUL, else null; null too when longer than {@link OmeTiff#MAX_XML_BYTES}.
		 */
		String description;
		/** The bytes of the first page's ImageDescription as its entry counts them, 0 when absent. */
		long descriptionBytes;
		/** ImageJ's metadata of the first page (tags 50838 and 50839: Info, slice labels, properties), else null. */
		long[] imageJCounts;
		byte[] imageJData;
	}

	private final Path path;
	private final FileChannel file;
	private final ByteOrder order;
	private final List<Page> pages;
	private final ChunkCache<float[]> cache = ChunkCache.ofFloats(ZarrArray.DEFAULT_CACHE_BYTES);
	/**
	 * ImageJ's value calibration as a table over the raw values ({@link ValueCalibration}), null when none applies;
	 * a raw value {@code v} reads as {@code values[v + valueOffset]} (signed samples are indexed as ImageJ stores
	 * them, unsigned).
	 */
	private float[] values;
	private int valueOffset;
	/**
	 * The colours of an 8-bit colour (palette) image that ImageJ opens as one ({@link #palette}): red, green and
	 * blue of each index, 8-bit as ImageJ's LUT holds them; null when its indices are read.
	 */
	private int[][] palette;

	/** Bounds that a header which lies cannot push past: pages, samples per pixel, samples of a compressed segment. */
	private static final int MAX_PAGES = 1_000_000, MAX_SAMPLES = 1024, MAX_SEGMENT_SAMPLES = 1 << 28;

	private TiffReader(Path path, FileChannel file, ByteOrder order, List<Page> pages) {
		this.path = path;
		this.file = file;
		this.order = order;
		this.pages = pages;
	}

	/**
	 * Whether the file starts as a TIFF or BigTIFF does; false for anything but a regular file (a named pipe would
	 * block the read).
	 */
	public static boolean isTiff(Path path) {
		if (!Files.isRegularFile(path)) return false;
		try (FileChannel f = FileChannel.open(path, StandardOpenOption.READ)) {
			ByteBuffer b = ByteBuffer.allocate(4);
			if (f.read(b, 0) < 4) return false;
			int a = b.get(0), c = b.get(1);
			int magic = a == 'I' && c == 'I' ? (b.get(2) & 0xff) | (b.get(3) & 0xff) << 8
				: a == 'M' && c == 'M' ? (b.get(3) & 0xff) | (b.get(2) & 0xff) << 8 : -1;
			return magic == 42 || magic == 43;
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * Opens a TIFF or BigTIFF file and reads its page directories.
	 *
	 * @throws UserException when it is not a TIFF, or stored in a way this reader does not read (saying which)
	 * @throws IOException when it cannot be read
	 */
	public static TiffReader open(Path path) throws IOException {
		return open(path, true);
	}

	/**
	 * The damage in a file's compressed strips and tiles — data that end early, run past their strip or tile, or do
	 * not decode — as the message {@link #plane}'s reads would refuse it with (the first damaged one in the file's
	 * order), or the damage of its structure (a tag of a type it cannot have, values beyond the end of the file); null
	 * when they all decode, or when this reader does not read the file (whoever reads it judges it).
	 * Decompresses every compressed strip and tile, on up to {@code threads} threads: for a reader that takes a
	 * short strip for zeros (ImageJ's), before it reads the file.
	 */
	public static String damage(Path path, int threads) throws IOException {
		TiffReader r;
		try {
			r = openOrNull(path);
		}
		catch (UserException damagedStructure) {
			return damagedStructure.getMessage();
		}
		if (r == null) return null;
		try (r) {
			return r.eachCompressedSegment(threads, (page, p, segment, perPixel) -> r.inflated(page, p, segment, perPixel));
		}
	}

	/**
	 * The pixel bytes of each page of a compressed, striped TIFF as ImageJ holds them once it has decompressed them:
	 * every strip decompressed (on up to {@code threads} threads, checked as {@link #damage} checks it), its
	 * horizontal predictor undone, its rows in place, in the file's byte order: {@code width × height × samples ×
	 * bytes} per page, chunky. ImageJ can then read them as an uncompressed image instead of decompressing the file
	 * again. Null where this reader does not do so what ImageJ does (a tiled or planar page, one not compressed with
	 * LZW, Deflate or PackBits, a predictor other than horizontal differences on 8- and 16-bit integers), or when
	 * {@code fits} refuses the pages' bytes.
	 *
	 * @throws UserException naming the file's first damaged strip, as {@link #damage} does
	 */
	public static byte[][] decompressedPages(Path path, int threads, java.util.function.LongPredicate fits)
		throws IOException
	{
		TiffReader r = openOrNull(path);
		if (r == null) return null;
		try (r) {
			long total = 0;
			for (Page p : r.pages) {
				// differences on 8- and 16-bit integers are undone as ImageJ undoes them, also after PackBits, where
				// ImageJ 1.54p leaves them in and shows differences as pixels (the TIFF specification and libtiff undo
				// them; so does this reader's blockwise path, and the in-memory path then gives the same image)
				boolean differences8or16 = p.predictor == 2 && p.type.bytes() <= 2;
				if (p.tiled || p.planar == 2 && p.samples > 1 || !(p.compression == 5 || p.compression == 8
					|| p.compression == 32946 || p.compression == 32773) || p.predictor != 1 && !differences8or16)
				{
					return null;
				}
				total += (long) p.width * p.height * p.samples * p.type.bytes();
			}
			if (total > Integer.MAX_VALUE - 8L * r.pages.size() || !fits.test(total)) return null;
			byte[][] pages = new byte[r.pages.size()][];
			for (int i = 0; i < pages.length; i++) {
				Page p = r.pages.get(i);
				long bytes = (long) p.width * p.height * p.samples * p.type.bytes();
				if (bytes > Integer.MAX_VALUE - 8) return null;
				pages[i] = new byte[(int) bytes];
			}
			String damage = r.eachCompressedSegment(threads, (page, p, segment, perPixel) -> {
				Segment seg = r.inflated(page, p, segment, perPixel);
				int rows = Math.min(p.segmentHeight, p.height - segment * p.segmentHeight);
				if (p.predictor == 2) undoHorizontalDifferences(seg.raw, rows, p.segmentWidth, perPixel, p.type);
				System.arraycopy(seg.raw, 0, pages[page], segment * p.segmentHeight * seg.rowBytes, rows * seg.rowBytes);
			});
			if (damage != null) throw new UserException(damage);
			return pages;
		}
	}

	/**
	 * The file's structure, null when this reader does not read it (whoever reads it judges it).
	 *
	 * @throws UserException when the structure is damaged (a tag of a type it cannot have, values beyond the end of
	 *         the file), without the file's name, as the damaged strips are told: ImageJ, handed such a compressed
	 *         file unchecked, would read its strips as they come and never return from a Deflate strip that does not
	 *         decode
	 */
	private static TiffReader openOrNull(Path path) throws IOException {
		try {
			return open(path, false);
		}
		catch (DamagedFile e) {
			throw new UserException(e.reason);
		}
		catch (UserException e) {
			return null;
		}
	}

	/** Work on one compressed strip or tile (page, its {@link Page}, segment, samples per pixel). */
	private interface SegmentWork {
		void on(int page, Page p, int segment, int perPixel) throws IOException;
	}

	/**
	 * Runs {@code work} on every compressed strip and tile, on up to {@code threads} threads, each unit of work on
	 * a run of them in the file's order; returns the message of the first damaged one in the file's order, or null.
	 */
	private String eachCompressedSegment(int threads, SegmentWork work) throws IOException {
		List<int[]> segments = new ArrayList<>(); // page, segment, samples per pixel
		for (int page = 0; page < pages.size(); page++) {
			Page p = pages.get(page);
			if (p.compression == 1) continue;
			boolean planar = p.planar == 2 && p.samples > 1;
			int across = (p.width + p.segmentWidth - 1) / p.segmentWidth;
			int down = (p.height + p.segmentHeight - 1) / p.segmentHeight;
			for (int segment = 0; segment < across * down * (planar ? p.samples : 1); segment++) {
				segments.add(new int[] { page, segment, planar ? 1 : p.samples });
			}
		}
		// each unit works on a run of segments in order; the first damage of the earliest unit is the file's first
		int units = Math.max(1, Math.min(segments.size(), threads <= 1 ? 1 : 4 * threads));
		String[] found = new String[units];
		AtomicInteger firstDamaged = new AtomicInteger(Integer.MAX_VALUE);
		try {
			ParallelLoop.forEach(units, threads, u -> {
				int to = (int) ((long) segments.size() * (u + 1) / units);
				for (int i = (int) ((long) segments.size() * u / units); i < to && i < firstDamaged.get(); i++) {
					int[] s = segments.get(i);
					try {
						work.on(s[0], pages.get(s[0]), s[1], s[2]);
					}
					catch (UserException e) {
						found[u] = e.getMessage();
						firstDamaged.accumulateAndGet(i, Math::min);
						return;
					}
					catch (IOException e) {
						throw new UncheckedIOException(e);
					}
				}
			});
		}
		catch (UncheckedIOException e) {
			throw e.getCause();
		}
		for (String damage : found) if (damage != null) return damage;
		return null;
	}

	/**
	 * Opens a TIFF; with {@code values}, also as ImageJ's values require (refusing what ImageJ reads otherwise, its
	 * 8-bit colour palette and value calibration), else its pages' structure alone.
	 */
	static TiffReader open(Path path, boolean values) throws IOException {
		if (Files.exists(path) && !Files.isRegularFile(path)) throw new UserException(notRegular(path));
		FileChannel f = FileChannel.open(path, StandardOpenOption.READ);
		try {
			long size = f.size();
			if (size < 16) throw new UserException(path + " is not a TIFF file");
			ByteBuffer h = read(f, 0, 16, ByteOrder.LITTLE_ENDIAN);
			byte b0 = h.get(0), b1 = h.get(1);
			ByteOrder order = b0 == 'I' && b1 == 'I' ? ByteOrder.LITTLE_ENDIAN
				: b0 == 'M' && b1 == 'M' ? ByteOrder.BIG_ENDIAN : null;
			if (order == null) throw new UserException(path + " is not a TIFF file");
			h.order(order);
			int magic = h.getShort(2) & 0xffff;
			boolean big = magic == 43;
			if (magic != 42 && !big) throw new UserException(path + " is not a TIFF file");
			long ifd = big ? h.getLong(8) : h.getInt(4) & 0xffffffffL;
			List<Page> pages = new ArrayList<>();
			Map<Long, Integer> seen = new HashMap<>(); // directory offset -> page number
			if (ifd == 0) throw new UserException(path + " holds no image (its header points to no page)");
			while (ifd != 0) {
				Integer earlier = seen.put(ifd, pages.size() + 1);
				if (earlier != null) {
					throw damaged(path, "page " + pages.size() + " points back to page " + earlier + " as the next page "
						+ "(a loop in its chain of pages)");
				}
				if (pages.size() >= MAX_PAGES) {
					throw new UserException(path + " has more than " + MAX_PAGES + " pages; read here are at most "
						+ MAX_PAGES);
				}
				long[] next = new long[1];
				pages.add(page(f, size, order, big, ifd, next, path, pages.size() + 1));
				ifd = next[0];
			}
			if (pages.isEmpty()) throw new UserException(path + " holds no image");
			TiffReader reader = new TiffReader(path, f, order, Collections.unmodifiableList(pages));
			if (values) {
				reader.refuseWhatImageJReadsOtherwise();
				reader.palette();
				reader.valueCalibration();
			}
			return reader;
		}
		catch (IOException | RuntimeException e) {
			f.close();
			throw e;
		}
	}

	/** The message of a file whose structure or data are damaged: what is wrong, and what to do. */
	private static DamagedFile damaged(Path path, String what) {
		return new DamagedFile(path, what + "; the file is damaged or cut short \u2014 re-export it");
	}

	/**
	 * A file whose structure is damaged, as against one this reader does not read: {@link #openOrNull} passes it on,
	 * since no other reader should be handed it unchecked.
	 */
	private static final class DamagedFile extends UserException {
		private static final long serialVersionUID = 1L;
		/** The message without the file's name. */
		final String reason;

		DamagedFile(Path path, String reason) {
			super(path + ": " + reason);
			this.reason = reason;
		}
	}

	/** The refusal of a named pipe, socket or device, which would block a read or never end. */
	static String notRegular(Path path) {
		return path + ": not a regular file (a named pipe, socket or device); only regular files are read";
	}

	private static Page page(FileChannel f, long size, ByteOrder order, boolean big, long at, long[] next, Path path,
		int number) throws IOException
	{
		int entrySize = big ? 20 : 12;
		String page = "page " + number;
		if (at < 8 || at > size - (big ? 8 : 2)) {
			throw damaged(path, "the directory of " + page + " lies outside the file (at byte " + at + " of " + size + ")");
		}
		ByteBuffer countBuf = read(f, at, big ? 8 : 2, order);
		long entries = big ? countBuf.getLong(0) : countBuf.getShort(0) & 0xffff;
		if (entries < 1 || entries > 10_000) {
			// a BigTIFF count is unsigned: 2^63 and more read as negative
			throw damaged(path, "the directory of " + page + " claims " + Long.toUnsignedString(entries) + " entries");
		}
		long tableBytes = entries * entrySize + (big ? 8 : 4);
		if (at + (big ? 8 : 2) + tableBytes > size) {
			throw damaged(path, "the directory of " + page + " runs past the end of the file");
		}
		ByteBuffer e = read(f, at + (big ? 8 : 2), (int) tableBytes, order);
		Page p = new Page();
		long[] tileOffsets = null, tileCounts = null, stripOffsets = null, stripCounts = null;
		int rowsPerStrip = Integer.MAX_VALUE;
		double xResolution = Double.NaN, yResolution = Double.NaN;
		int resolutionUnit = 0;
		String description = null;
		for (int i = 0; i < entries; i++) {
			int base = i * entrySize;
			int tag = e.getShort(base) & 0xffff, type = e.getShort(base + 2) & 0xffff;
			long count = big ? e.getLong(base + 4) : e.getInt(base + 4) & 0xffffffffL;
			int valueAt = base + (big ? 12 : 8);
			within(f, size, big, e, valueAt, type, count, path, page, tag);
			switch (tag) {
				case 256: p.width = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 257: p.height = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 258: p.bits = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 259: p.compression = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 273: stripOffsets = values(f, size, order, big, e, valueAt, type, count, path, page, tag); break;
				case 262: p.photometric = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 277: p.samples = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 278: rowsPerStrip = (int) Math.min(Integer.MAX_VALUE, values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]); break;
				case 279: stripCounts = values(f, size, order, big, e, valueAt, type, count, path, page, tag); break;
				case 284: p.planar = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 317: p.predictor = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 322: p.segmentWidth = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 323: p.segmentHeight = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 324: tileOffsets = values(f, size, order, big, e, valueAt, type, count, path, page, tag); break;
				case 325: tileCounts = values(f, size, order, big, e, valueAt, type, count, path, page, tag); break;
				case 339: p.format = (int) values(f, size, order, big, e, valueAt, type, count, path, page, tag)[0]; break;
				case 320:
					p.colourMap = values(f, size, order, big, e, valueAt, type, count, path, page, tag);
					p.colourMapType = type;
					break;
				default:
			}
			if (number == 1) {
				switch (tag) {
					case 270:
						description = text(f, big, e, valueAt, type, count);
						p.descriptionBytes = count;
						break;
					case 282: xResolution = real(f, order, big, e, valueAt, type, count); break;
					case 283: yResolution = real(f, order, big, e, valueAt, type, count); break;
					case 296: // a SHORT held in the entry; anything else is no unit
						resolutionUnit = type == 3 && count >= 1 && count <= (big ? 4 : 2) ? e.getShort(valueAt) & 0xffff : 0;
						break;
					case 50838:
					case 50839:
						imageJMetadata(p, f, size, order, big, e, valueAt, type, count, path, page, tag);
						break;
					default:
				}
			}
		}
		if (number == 1) {
			p.calibration = TiffCalibration.of(xResolution, yResolution, resolutionUnit, description);
			p.description = description;
		}
		int last = (int) entries * entrySize;
		next[0] = big ? e.getLong(last) : e.getInt(last) & 0xffffffffL;
		String where = path + ": page " + number;
		if (p.width < 1 || p.height < 1) throw new UserException(where + " has no image size");
		if (p.samples < 1 || p.samples > MAX_SAMPLES) {
			throw damaged(path, page + " claims " + p.samples + " samples per pixel (read here are 1 to " + MAX_SAMPLES + ")");
		}
		if (tileOffsets != null) {
			p.tiled = true;
			p.offsets = tileOffsets;
			p.counts = tileCounts;
		}
		else {
			p.offsets = stripOffsets;
			p.counts = stripCounts;
			p.segmentWidth = p.width;
			p.segmentHeight = Math.min(rowsPerStrip, p.height);
		}
		if (p.offsets == null || p.counts == null || p.segmentWidth < 1 || p.segmentHeight < 1) {
			throw new UserException(where + " has no strip or tile offsets");
		}
		long across = (p.width + (long) p.segmentWidth - 1) / p.segmentWidth;
		long down = (p.height + (long) p.segmentHeight - 1) / p.segmentHeight;
		long segments = across * down * (p.planar == 2 ? p.samples : 1);
		if (p.offsets.length < segments || p.counts.length < segments) {
			throw new UserException(where + " lists " + p.offsets.length + " strips or tiles but needs " + segments);
		}
		// the compression first: a fax-compressed (CCITT) 1-bit page is refused for it, which ImageJ does not read either
		if (p.compression != 1 && p.compression != 5 && p.compression != 8 && p.compression != 32946
			&& p.compression != 32773)
		{
			String codec = CODECS.get(p.compression);
			throw new UserException(where + " is compressed with " + (codec == null ? "" : codec + " (")
				+ "TIFF compression " + p.compression + (codec == null ? "" : ")") + ", which is not read here "
				+ "(uncompressed, Deflate/zlib, LZW and PackBits are); " + rewrite(path, p.compression));
		}
		p.type = sampleType(p, order, where);
		if (p.predictor != 1 && !(p.predictor == 2 && p.format != 3)) {
			throw new UserException(where + " uses " + (p.predictor == 3 ? "the floating-point predictor (3)"
				: "TIFF predictor " + p.predictor) + " with " + (p.format == 3 ? "float" : "integer")
				+ " samples, which is not read here; " + rewrite(path, p.compression));
		}
		checkSegments(p, path, number, size);
		// ImageJ reads 8-bit pixels of 4 samples as RGB: it drops the 4th (alpha) sample, or converts CMYK (photometric 5)
		boolean fourBytes = p.samples == 4 && p.bits == 8;
		p.cmyk = fourBytes && p.photometric == 5;
		p.channels = fourBytes ? 3 : p.samples;
		return p;
	}

	/** The names of the TIFF compressions that are not read, for the message that refuses them. */
	private static final Map<Integer, String> CODECS = Map.ofEntries(Map.entry(2, "CCITT modified Huffman (fax)"),
		Map.entry(3, "CCITT Group 3 (fax)"), Map.entry(4, "CCITT Group 4 (fax)"), Map.entry(6, "old-style JPEG"),
		Map.entry(7, "JPEG"), Map.entry(33003, "Aperio JPEG 2000"), Map.entry(33005, "Aperio JPEG 2000"),
		Map.entry(34661, "JBIG"), Map.entry(34712, "JPEG 2000"), Map.entry(34887, "LERC"), Map.entry(34892, "lossy JPEG"),
		Map.entry(34925, "LZMA"), Map.entry(50000, "Zstandard"), Map.entry(50001, "WebP"), Map.entry(50002, "JPEG XL"),
		Map.entry(52546, "JPEG XL"));

	/**
	 * What to do with a file whose codec or predictor is not read: a command that rewrites it with Deflate and no
	 * predictor strip by strip (libtiff's tiffcp, as BigTIFF: the image may be larger than memory and 4 GB), or,
	 * for the codecs libtiff does not decode, Bio-Formats' bfconvert; a fax-compressed (1-bit) one, as 8-bit.
	 */
	private static String rewrite(Path path, int compression) {
		String name = path.getFileName().toString(), out = name.replaceFirst("(?i)\\.tiff?$", "") + "-deflate.tif";
		String quoted = "'" + path.toString().replace("'", "'\\''") + "'";
		String target = "'" + path.resolveSibling(out).toString().replace("'", "'\\''") + "'";
		boolean bioFormats = compression == 33003 || compression == 33005 || compression == 34712
			|| compression == 50002 || compression == 52546;
		if (compression >= 2 && compression <= 4 || compression == 34661) {
			// black and white: rewritten with Deflate it would still be 1-bit, which is not read either
			return "save it as 8-bit, uncompressed or with Deflate or LZW (e.g. open it in ImageJ or Fiji, then Image > "
				+ "Type > 8-bit and File > Save As > Tiff...)";
		}
		return bioFormats ? "save it with Deflate instead, e.g. with Bio-Formats' bfconvert: bfconvert -bigtiff "
			+ "-compression zlib " + quoted + " " + target
			: "save it with Deflate instead, e.g. with libtiff's tiffcp (Debian/Ubuntu: libtiff-tools), which does not "
				+ "load it whole: tiffcp -8 -c zip:1 " + quoted + " " + target;
	}

	/**
	 * Every strip or tile the image needs must lie inside the file (a compressed one with all its stored bytes, an
	 * uncompressed one with the rows and columns of the image it holds), and a compressed one must decode to a
	 * bounded size: a header that lies is refused when the file is opened, not met halfway through a run.
	 */
	private static void checkSegments(Page p, Path path, int number, long size) {
		int across = (p.width + p.segmentWidth - 1) / p.segmentWidth, down = (p.height + p.segmentHeight - 1) / p.segmentHeight;
		boolean planar = p.planar == 2 && p.samples > 1;
		int perPixel = planar ? 1 : p.samples;
		long rowBytes = (long) p.segmentWidth * perPixel * p.type.bytes();
		if (p.compression != 1 && (long) p.segmentWidth * p.segmentHeight * perPixel > MAX_SEGMENT_SAMPLES) {
			throw new UserException(path + ": page " + number + " is stored in compressed " + (p.tiled ? "tiles" : "strips")
				+ " of " + p.segmentWidth + "\u00d7" + p.segmentHeight + " pixels, larger than read here (at most "
				+ MAX_SEGMENT_SAMPLES + " samples each); save it with smaller strips or tiles, or uncompressed");
		}
		int segments = across * down * (planar ? p.samples : 1);
		for (int i = 0; i < segments; i++) {
			int inPlane = i % (across * down), sx = inPlane % across, sy = inPlane / across;
			long offset = p.offsets[i], end;
			if (p.compression == 1) {
				int rows = Math.min(p.segmentHeight, p.height - sy * p.segmentHeight);
				int cols = Math.min(p.segmentWidth, p.width - sx * p.segmentWidth);
				end = offset + (rows - 1) * rowBytes + (long) cols * perPixel * p.type.bytes();
			}
			else {
				end = offset + p.counts[i];
			}
			if (offset < 0 || end > size || end < offset) {
				throw damaged(path, segment(p, number, i) + " lies beyond the end of the file (it ends at byte " + end
					+ ", the file has " + size + " bytes)");
			}
			if (p.compression == 1 && p.counts[i] < end - offset) {
				// its rows would run on into whatever follows it (another strip's rows, when RowsPerStrip is damaged)
				int rows = Math.min(p.segmentHeight, p.height - sy * p.segmentHeight);
				throw damaged(path, segment(p, number, i) + " holds " + p.counts[i] + " bytes but its " + rows + " rows need "
					+ (end - offset));
			}
		}
	}

	/** A strip or tile in words: {@code page 3, strip 12} (both counted from 1). */
	private static String segment(Page p, int page, int index) {
		return "page " + page + ", " + (p.tiled ? "tile " : "strip ") + (index + 1);
	}

	private static DataType sampleType(Page p, ByteOrder order, String where) {
		DataType.Kind k = null;
		if (p.format == 3) k = p.bits == 32 ? DataType.Kind.FLOAT32 : p.bits == 64 ? DataType.Kind.FLOAT64 : null;
		else if (p.format == 1 || p.format == 2 || p.format == 4) {
			// as ImageJ reads them: 8-bit samples unsigned whatever their format (it ignores the sign), 32-bit integers
			// signed (ImageJ's GRAY32_INT, for unsigned ones too), 16-bit ones signed only when the format says so
			k = p.bits == 8 ? DataType.Kind.UINT8 : p.bits == 32 ? DataType.Kind.INT32
				: p.bits == 16 ? (p.format == 2 ? DataType.Kind.INT16 : DataType.Kind.UINT16) : null;
		}
		if (k == null && p.bits == 1) {
			throw new UserException(where + " has 1-bit (black and white) samples, which are not read here; save it as "
				+ "8-bit (e.g. open it in ImageJ or Fiji, then File > Save As > Tiff...)");
		}
		if (k == null) {
			String[] kinds = { "", "unsigned integer", "signed integer", "float", "untyped", "complex integer",
				"complex float" };
			String kind = p.format >= 1 && p.format < kinds.length ? kinds[p.format] : "format " + p.format;
			throw new UserException(where + " has " + p.bits + "-bit " + kind + " samples, which are not read here (8, "
				+ "16 and 32-bit integers and 32 and 64-bit floats are); save it with samples of one of those types, "
				+ "e.g. as 32-bit floats (tifffile: imwrite(name, a.astype('float32'))"
				+ (p.format >= 5 ? ", of the magnitude or the real part of complex values)" : ")"));
		}
		return new DataType(k, order);
	}

	/**
	 * Keeps ImageJ's metadata (its byte counts, tag 50838, and bytes, tag 50839) for {@link #imageJMetadata}: up to
	 * 16 MB, and none of a type that holds no whole numbers, since the pixels do not need it (values past the file's
	 * end are refused by {@link #within}: the file is cut short).
	 */
	private static void imageJMetadata(Page p, FileChannel f, long size, ByteOrder order, boolean big, ByteBuffer e,
		int at, int type, long count, Path path, String page, int tag) throws IOException
	{
		if (count > 16 << 20) return;
		try {
			long[] v = values(f, size, order, big, e, at, type, count, path, page, tag);
			if (tag == 50838) {
				p.imageJCounts = v;
			}
			else {
				p.imageJData = new byte[v.length];
				for (int i = 0; i < v.length; i++) p.imageJData[i] = (byte) v[i];
			}
		}
		catch (UserException damaged) {
			// read without it, as ImageJ reads a file whose metadata it cannot decode
		}
	}

	/**
	 * Refuses an entry of a known type whose values lie past the end of the file, whatever its tag: that is a file
	 * cut short (tifffile writes the OME-XML last) or a damaged entry, and a reader that took such a description or
	 * resolution for absent would read the pages of an OME-TIFF as plain slices, uncalibrated, without a word. This is
	 * the rule of the batch's in-memory path, which checks every entry before ImageJ reads the file. An entry of an
	 * unknown type is skipped, as the TIFF specification asks.
	 */
	private static void within(FileChannel f, long fileSize, boolean big, ByteBuffer e, int at, int type, long count,
		Path path, String page, int tag)
	{
		int size = type == 1 || type == 2 || type == 6 || type == 7 ? 1 : type == 3 || type == 8 ? 2
			: type == 4 || type == 9 || type == 11 || type == 13 ? 4
			: type == 5 || type == 10 || type == 12 || type == 16 || type == 17 || type == 18 ? 8 : 0;
		if (size == 0 || count == 0) return;
		// a BigTIFF count is unsigned: 2^63 and more read as negative
		if (count < 0 || count > fileSize) {
			throw damaged(path, page + ": tag " + tag + " claims " + Long.toUnsignedString(count) + " values, more than "
				+ "the file holds");
		}
		long bytes = count * size;
		if (bytes <= (big ? 8 : 4)) return;
		long offset = big ? e.getLong(at) : e.getInt(at) & 0xffffffffL;
		if (offset < 0 || offset > fileSize - bytes) {
			throw damaged(path, page + ": the " + count + " values of tag " + tag + " lie beyond the end of the file "
				+ "(at byte " + Long.toUnsignedString(offset) + " of " + fileSize + ")");
		}
	}

	/** The values of an entry: inline when they fit in its value field, else at the offset it holds. */
	private static long[] values(FileChannel f, long fileSize, ByteOrder order, boolean big, ByteBuffer e, int at,
		int type, long count, Path path, String page, int tag) throws IOException
	{
		int size = type == 3 || type == 8 ? 2 : type == 4 || type == 9 || type == 13 ? 4
			: type == 16 || type == 17 || type == 18 ? 8 : type == 1 || type == 6 || type == 7 ? 1 : 0;
		// a RATIONAL, FLOAT, ASCII or unknown type where whole numbers belong: taken as 0, an offset would read the header
		if (size == 0) {
			throw damaged(path, page + ": tag " + tag + " holds values of TIFF type " + type + " where whole numbers belong");
		}
		if (count == 0) throw damaged(path, page + ": tag " + tag + " holds no value");
		long bytes = count * size;
		// a BigTIFF count is unsigned: 2^63 and more read as negative
		if (count < 0 || count > Integer.MAX_VALUE / 8 || (bytes > (big ? 8 : 4) && bytes > fileSize)) {
			throw damaged(path, page + ": tag " + tag + " claims " + Long.toUnsignedString(count) + " values, more than "
				+ "the file holds");
		}
		ByteBuffer b;
		int base;
		if (bytes <= (big ? 8 : 4)) {
			b = e;
			base = at;
		}
		else {
			long offset = big ? e.getLong(at) : e.getInt(at) & 0xffffffffL;
			if (offset < 0 || offset > fileSize - bytes) {
				throw damaged(path, page + ": the " + count + " values of tag " + tag + " lie beyond the end of the file "
					+ "(at byte " + offset + " of " + fileSize + ")");
			}
			b = read(f, offset, (int) bytes, order);
			base = 0;
		}
		long[] v = new long[(int) count];
		for (int i = 0; i < count; i++) {
			int p = base + i * size;
			switch (size) {
				case 1: v[i] = b.get(p) & 0xff; break;
				case 2: v[i] = b.getShort(p) & 0xffff; break;
				case 4: v[i] = b.getInt(p) & 0xffffffffL; break;
				default:
					v[i] = b.getLong(p);
					// 2^63 and more means no offset, count or size; as a negative one it was told as a byte before 0
					if (v[i] < 0) {
						throw damaged(path, page + ": tag " + tag + " holds the impossible value "
							+ Long.toUnsignedString(v[i]));
					}
			}
		}
		return v;
	}

	/**
	 * The first value of a rational or floating-point entry (a resolution), NaN when it has another type: calibration
	 * of a type it cannot have is no calibration, never an error (values past the file's end are refused by
	 * {@link #within}: the file is cut short).
	 */
	private static double real(FileChannel f, ByteOrder order, boolean big, ByteBuffer e, int at, int type, long count) {
		int size = type == 5 || type == 10 || type == 12 ? 8 : type == 11 ? 4 : 0;
		if (size == 0 || count < 1) return Double.NaN;
		try {
			ByteBuffer b = size <= (big ? 8 : 4) ? e : read(f, big ? e.getLong(at) : e.getInt(at) & 0xffffffffL, size, order);
			int base = b == e ? at : 0;
			switch (type) {
				case 5: return (b.getInt(base) & 0xffffffffL) / (double) (b.getInt(base + 4) & 0xffffffffL);
				case 10: return b.getInt(base) / (double) b.getInt(base + 4);
				case 11: return b.getFloat(base);
				default: return b.getDouble(base);
			}
		}
		catch (IOException | IllegalArgumentException ex) {
			return Double.NaN;
		}
	}

	/**
	 * An ASCII entry (the description) up to its first NUL, each byte a character (ISO-8859-1, so that OME-XML's
	 * UTF-8 bytes can be had back); null when over {@link OmeTiff#MAX_XML_BYTES} or of another type (as {@link #real}).
	 */
	private static String text(FileChannel f, boolean big, ByteBuffer e, int at, int type, long count) {
		if (type != 2 || count < 1 || count > OmeTiff.MAX_XML_BYTES) return null;
		try {
			if (count > f.size()) return null; // a count that lies: nothing allocated for it
			byte[] bytes = new byte[(int) count];
			if (count <= (big ? 8 : 4)) {
				for (int i = 0; i < count; i++) bytes[i] = e.get(at + i);
			}
			else {
				read(f, big ? e.getLong(at) : e.getInt(at) & 0xffffffffL, (int) count, ByteOrder.BIG_ENDIAN).get(bytes);
			}
			int end = 0;
			while (end < bytes.length && bytes[end] != 0) end++;
			return new String(bytes, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
		}
		catch (IOException | IllegalArgumentException ex) {
			return null;
		}
	}

	private static ByteBuffer read(FileChannel f, long at, int n, ByteOrder order) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(n).order(order);
		while (b.hasRemaining()) {
			int r = f.read(b, at + b.position());
			if (r < 0) throw new IOException("the file ends early (at byte " + (at + b.position()) + ")");
		}
		b.flip();
		return b;
	}

	/**
	 * Sets up ImageJ's value calibration where ImageJ applies it: 8-bit grey and 16-bit samples (8-bit RGB and
	 * 32-bit samples keep their raw values, as in ImageJ).
	 */
	private void valueCalibration() {
		Page first = pages.get(0);
		DataType.Kind kind = first.type.kind();
		boolean grey8 = kind == DataType.Kind.UINT8 && first.channels == 1;
		boolean sixteen = kind == DataType.Kind.UINT16 || kind == DataType.Kind.INT16;
		if (!grey8 && !sixteen) return;
		ValueCalibration cal = ValueCalibration.of(first.description, path.toString());
		if (cal == null) return;
		values = cal.table(grey8 ? 8 : 16);
		// ImageJ reads signed 16-bit samples shifted by 32768
		valueOffset = kind == DataType.Kind.INT16 ? 32768 : 0;
	}

	/**
	 * Refuses what ImageJ reads in a way the values read here cannot match: 16-bit CMYK, which ImageJ inverts with a
	 * command. (4 samples of 8 bits in separate planes, which ImageJ reads as if they were interleaved, into pixels
	 * of no colour the file holds, are read here as the RGB of their planes, and by the batch in memory too.)
	 * (Checked only when the file is opened to be read: the damage
	 * check of a file ImageJ is about to read judges its strips alone.)
	 */
	private void refuseWhatImageJReadsOtherwise() {
		for (int i = 0; i < pages.size(); i++) {
			Page p = pages.get(i);
			if (p.photometric == 5 && p.bits == 16) {
				throw new UserException(path + ": page " + (i + 1) + " is 16-bit CMYK, which ImageJ opens as 4 channels"
					+ " and then runs its Invert command on, so block by block would give other values than ImageJ; save "
					+ "it as RGB, or as 4 channels of 16-bit grey (a stack)");
			}
		}
	}

	/**
	 * One colour of 8-bit CMYK as ImageJ converts it: cyan, magenta or yellow {@code c} blended with black {@code k}
	 * ({@code c(1 - k) + k} in 8-bit steps when {@code k > 0}), then inverted.
	 */
	static int cmykToRgb(int c, int k) {
		return 255 - (k > 0 ? (c * (256 - k) >> 8) + k : c);
	}

	/**
	 * Decides, as ImageJ does, whether an 8-bit grey page with a colour map opens as an 8-bit colour image (whose
	 * colours the in-memory path convolves) or as grey indices with a LUT (whose indices it convolves). ImageJ
	 * keeps the high byte of each 16-bit colour of a 768-entry map (and takes a map of all zeros for none); the
	 * image is 8-bit colour only when ImageJ saved it as one ({@code 8bitcolor=true} in its description) and the map
	 * is a colour one, not a pseudo-colour ramp (ImageJ's {@code isColorLut} and {@code isPseudoColorLut}). The
	 * first page's map serves every page, as in ImageJ.
	 */
	private void palette() {
		Page first = pages.get(0);
		long[] map = first.colourMap;
		if (first.bits != 8 || first.samples != 1 || map == null || map.length != 768) return;
		if (first.colourMapType != 3) {
			throw new UserException(path + ": its colour map (tag 320) is stored as TIFF type " + first.colourMapType
				+ " where TIFF and ImageJ read 16-bit values (SHORT), so its colours would not be ImageJ's; save it "
				+ "again with another program, or as RGB");
		}
		int[][] lut = new int[3][256];
		for (int c = 0; c < 3; c++) {
			for (int i = 0; i < 256; i++) lut[c][i] = (int) (map[256 * c + i] >> 8 & 0xff);
		}
		if (!opensAsColour(lut, first.description)) return;
		Map<String, String> fields = TiffCalibration.imageJFields(first.description);
		double min = displayLimit(fields.get("min")), max = displayLimit(fields.get("max"));
		boolean stretched = !(min == 0 && max == 0) && max >= min && (Math.round(min) != 0 || Math.round(max) != 255);
		if (stretched) {
			throw new UserException(path + ": an 8-bit colour image saved by ImageJ with a display range (min=" + min
				+ ", max=" + max + ") that changes its palette's colours, which is not applied block by block; reset its "
				+ "display range (Image \u203a Adjust \u203a Brightness/Contrast \u203a Reset) or convert it to RGB, and save "
				+ "it, or convolve it without --format zarr (ImageJ reads it whole then)");
		}
		palette = lut;
		for (Page p : pages) {
			if (p.bits == 8 && p.samples == 1) p.channels = 3;
		}
	}

	/**
	 * Whether ImageJ opens an 8-bit image with this colour map (red, green and blue, 256 8-bit entries each, as ImageJ
	 * keeps them) and this ImageDescription as an 8-bit colour image, rather than as grey values with a LUT: when
	 * ImageJ saved it as one ({@code 8bitcolor=true}) and the map is a colour one, not all zeros nor a pseudo-colour
	 * ramp. The batch's header uses it too, to count such an image as 3 channels.
	 */
	public static boolean opensAsColour(int[][] lut, String description) {
		int sum = 0;
		for (int[] colour : lut) for (int v : colour) sum += (byte) v; // as ImageJ sums them: signed bytes
		return sum != 0 && "true".equals(TiffCalibration.imageJFields(description).get("8bitcolor")) && colourLut(lut)
			&& !pseudoColourLut(lut);
	}

	/** ImageJ's reading of {@code min=} or {@code max=}: 0 when absent or not a number. */
	private static double displayLimit(String text) {
		if (text == null) return 0;
		try {
			return Double.parseDouble(text.trim());
		}
		catch (NumberFormatException e) {
			return 0;
		}
	}

	/** ImageJ's {@code isColorLut}: some entry's red, green and blue differ. */
	private static boolean colourLut(int[][] lut) {
		for (int i = 0; i < 256; i++) {
			if (lut[0][i] != lut[1][i] || lut[1][i] != lut[2][i]) return true;
		}
		return false;
	}

	/**
	 * ImageJ's {@code isPseudoColorLut}: the steps between neighbouring entries vary little (their spread, as ImageJ
	 * computes it, under 20), or it is ImageJ's "3-3-2 RGB" LUT (a spread of 67).
	 */
	private static boolean pseudoColourLut(int[][] lut) {
		double sum = 0, sum2 = 0;
		int[] previous = { lut[0][0], lut[1][0], lut[2][0] };
		for (int i = 0; i < 256; i++) {
			for (int c = 0; c < 3; c++) {
				int d = lut[c][i] - previous[c];
				sum += d;
				sum2 += d * d;
				previous[c] = lut[c][i];
			}
		}
		double spread = (768 * sum2 - sum * sum) / 768.0;
		spread = spread > 0 ? Math.sqrt(spread / 767.0) : 0;
		return spread < 20 || (int) spread == 67;
	}

	/** Whether the values read are ImageJ's calibrated values ({@code vunit=} in its description), not raw ones. */
	public boolean valueCalibrated() {
		return values != null;
	}

	@Override
	public void close() throws IOException {
		file.close();
	}

	/** Bytes of decoded (compressed) strips and tiles kept for neighbouring reads. */
	public void cacheBytes(long bytes) {
		cache.limit(bytes);
	}

	/**
	 * The heap the decoded strips and tiles that reads of a {@code width × height} rectangle of {@code samples} of the
	 * samples (channels) of one page keep in the cache take at most, wherever the rectangle lies (the largest page's):
	 * what the cache must hold for each of them to be decoded once while such reads go on. A compressed strip or tile
	 * is kept whole, with all the samples of a chunky page; an uncompressed one is read row by row, not kept (0).
	 */
	public long decodedBytes(int width, int height, int samples) {
		long most = 0;
		for (Page p : pages) {
			if (p.compression == 1) continue;
			int across = (p.width + p.segmentWidth - 1) / p.segmentWidth;
			int down = (p.height + p.segmentHeight - 1) / p.segmentHeight;
			boolean planar = p.planar == 2 && p.samples > 1;
			long segment = 4L * p.segmentWidth * p.segmentHeight * (planar ? 1 : p.samples);
			// the samples of a planar page are strips of their own; CMYK reads its black (the 4th) beside each channel
			long read = !planar ? 1 : Math.min(p.samples, samples + (p.cmyk ? 1 : 0));
			most = Math.max(most, spans(width, p.segmentWidth, across) * spans(height, p.segmentHeight, down) * segment
				* read);
		}
		return most;
	}

	/** The most segments of {@code size} pixels (of {@code count}) that {@code n} consecutive pixels touch. */
	static long spans(long n, long size, long count) {
		return n <= 0 ? 0 : Math.min(count, (n - 1 + size - 1) / size + 1);
	}

	/** How many compressed strips and tiles were decoded so far (one read more than once was dropped meanwhile). */
	public long segmentsDecoded() {
		return cache.loads();
	}

	/**
	 * The heap reading from one strip or tile takes at most: a compressed one is decoded whole (its stored and
	 * decompressed bytes and its float samples), an uncompressed one is read a row at a time (counted as nothing).
	 */
	public long segmentReadBytes() {
		long most = 0;
		for (Page p : pages) {
			if (p.compression == 1) continue;
			long samples = (long) p.segmentWidth * p.segmentHeight * (p.planar == 2 ? 1 : p.samples);
			most = Math.max(most, samples * (4 + 2L * p.type.bytes()));
		}
		return most;
	}

	/**
	 * ImageJ's metadata of the first page as the file stores it: the byte counts of its entries (tag 50838) and their
	 * bytes (tag 50839), in the file's byte order ({@link #order}); null when it has none.
	 */
	public long[] imageJMetadataCounts() {
		Page first = pages.get(0);
		return first.imageJCounts != null && first.imageJData != null ? first.imageJCounts.clone() : null;
	}

	/** The bytes of ImageJ's metadata of the first page (see {@link #imageJMetadataCounts}), else null. */
	public byte[] imageJMetadata() {
		Page first = pages.get(0);
		return first.imageJCounts != null && first.imageJData != null ? first.imageJData.clone() : null;
	}

	/** The photometric interpretation of the first page (tag 262: 0 white is zero, 1 black is zero, 3 palette, ...). */
	public int photometric() { return pages.get(0).photometric; }

	/** The colour map (tag 320) of the first page as stored, 16-bit red, then green, then blue entries; else null. */
	public long[] colourMap() {
		long[] map = pages.get(0).colourMap;
		return map == null ? null : map.clone();
	}

	/** The file's byte order. */
	public ByteOrder order() { return order; }

	/**
	 * The first page's ImageDescription (ImageJ's {@code mode=}, {@code channels=}, an OME-XML ...), each byte a
	 * character (ISO-8859-1); null when absent or too long.
	 */
	public String description() { return pages.get(0).description; }
	/** The bytes of the first page's ImageDescription as stored, 0 when absent. */
	long descriptionBytes() { return pages.get(0).descriptionBytes; }
	/** Samples per pixel of a page as stored (an RGBA page: 4; {@link #samples} gives those read). */
	int storedSamples(int page) { return pages.get(page).samples; }

	/** Number of pages. */
	public int pages() { return pages.size(); }
	/** Columns of a page. */
	public int width(int page) { return pages.get(page).width; }
	/** Rows of a page. */
	public int height(int page) { return pages.get(page).height; }
	/**
	 * Samples per pixel of a page that are read as channels, as ImageJ reads them: 3 for RGB; 3 for 8-bit RGB with a
	 * 4th (alpha or other extra) sample, which ImageJ drops; 3 (red, green, blue) for 8-bit CMYK and for an 8-bit
	 * colour (palette) image ImageJ opens as one (see {@link #palette}).
	 */
	public int samples(int page) { return pages.get(page).channels; }
	/** The sample type of a page. */
	public DataType dataType(int page) { return pages.get(page).type; }
	/**
	 * The channels, slices and frames of an ImageJ hyperstack ({@code channels=}, {@code slices=}, {@code frames=} in
	 * ImageJ's description, pages in channel, slice, frame order); null for any other file, or when they do not
	 * multiply to the pages.
	 */
	public int[] imageJDimensions() {
		return TiffCalibration.imageJDimensions(pages.get(0).description, pages.size());
	}

	/** The spatial calibration the file records (ImageJ's reading of its first page), {@link TiffCalibration#NONE} when none. */
	public TiffCalibration calibration() {
		return pages.get(0).calibration;
	}

	/** Whether a page is tiled (else striped). */
	public boolean tiled(int page) {
		return pages.get(page).tiled;
	}

	/** Sample {@code sample} of page {@code page} as a source of float pixels; reads may come from several threads. */
	public PlaneSource plane(int page, int sample) {
		Page p = pages.get(page);
		if (sample < 0 || sample >= p.channels) throw new IndexOutOfBoundsException("sample " + sample);
		int[] colours = palette != null && p.bits == 8 && p.samples == 1 ? palette[sample] : null;
		return new PlaneSource() {
			@Override
			public int width() {
				return p.width;
			}

			@Override
			public int height() {
				return p.height;
			}

			@Override
			public void read(int x, int y, int w, int h, float[] dst) throws IOException {
				if (colours != null) {
					readPlane(page, p, 0, x, y, w, h, dst);
					for (int i = 0, n = w * h; i < n; i++) dst[i] = colours[(int) dst[i]];
					return;
				}
				readPlane(page, p, sample, x, y, w, h, dst);
				if (p.cmyk) {
					float[] black = new float[w * h];
					readPlane(page, p, 3, x, y, w, h, black);
					for (int i = 0, n = w * h; i < n; i++) dst[i] = cmykToRgb((int) dst[i], (int) black[i]);
					return;
				}
				if (values != null) {
					for (int i = 0, n = w * h; i < n; i++) dst[i] = values[(int) dst[i] + valueOffset];
				}
			}
		};
	}

	private void readPlane(int page, Page p, int sample, int x, int y, int w, int h, float[] dst) throws IOException {
		int sw = p.segmentWidth, sh = p.segmentHeight;
		int across = (p.width + sw - 1) / sw, down = (p.height + sh - 1) / sh;
		boolean planar = p.planar == 2 && p.samples > 1;
		int perPixel = planar ? 1 : p.samples, pick = planar ? 0 : sample;
		for (int sy = y / sh; sy <= (y + h - 1) / sh; sy++) {
			int y0 = Math.max(y, sy * sh), y1 = Math.min(y + h, (sy + 1) * sh);
			for (int sx = x / sw; sx <= (x + w - 1) / sw; sx++) {
				int x0 = Math.max(x, sx * sw), x1 = Math.min(x + w, (sx + 1) * sw);
				int segment = (planar ? sample * across * down : 0) + sy * across + sx;
				if (p.compression == 1) {
					readUncompressed(p, segment, perPixel, pick, y0 - sy * sh, y1 - y0, x0 - sx * sw, x1 - x0, dst,
						(y0 - y) * w + (x0 - x), w);
					continue;
				}
				// a compressed segment: decode it whole (all its samples), keep it for the neighbouring reads
				float[] values = cache.get(page + ":" + segment, () -> decode(page, p, segment, perPixel));
				int rowLength = sw * perPixel;
				for (int r = y0; r < y1; r++) {
					int from = (r - sy * sh) * rowLength + (x0 - sx * sw) * perPixel + pick, at = (r - y) * w + (x0 - x);
					for (int c = 0; c < x1 - x0; c++) dst[at + c] = values[from + c * perPixel];
				}
			}
		}
	}

	/** Rows of an uncompressed segment, only the columns asked for: one positional read per row. */
	private void readUncompressed(Page p, int segment, int perPixel, int pick, int row, int rows, int col, int cols,
		float[] dst, int at, int dstWidth) throws IOException
	{
		int bytes = p.type.bytes();
		long rowBytes = (long) p.segmentWidth * perPixel * bytes;
		int n = cols * perPixel;
		ByteBuffer buf = ByteBuffer.allocate(n * bytes);
		float[] samples = perPixel == 1 ? null : new float[n];
		for (int r = 0; r < rows; r++) {
			long pos = p.offsets[segment] + (row + r) * rowBytes + (long) col * perPixel * bytes;
			buf.clear();
			while (buf.hasRemaining()) {
				int got = file.read(buf, pos + buf.position());
				if (got < 0) throw new IOException(path + " ends early, inside strip or tile " + segment);
			}
			buf.flip();
			if (perPixel == 1) {
				p.type.decode(buf, dst, at + r * dstWidth, cols);
			}
			else {
				p.type.decode(buf, samples, 0, n);
				for (int c = 0; c < cols; c++) dst[at + r * dstWidth + c] = samples[c * perPixel + pick];
			}
		}
	}

	/** A segment's decompressed bytes, before any predictor is undone: the first {@code length} of {@code raw}. */
	private static final class Segment {
		final byte[] raw;
		final int length, rowBytes;

		Segment(byte[] raw, int length, int rowBytes) {
			this.raw = raw;
			this.length = length;
			this.rowBytes = rowBytes;
		}
	}

	/**
	 * Reads and decompresses one strip or tile, refusing as damage one that lies past the end of the file, that
	 * does not decompress, or that holds fewer bytes than the image's rows in it need.
	 */
	private Segment inflated(int page, Page p, int segment, int perPixel) throws IOException {
		byte[] stored = new byte[(int) p.counts[segment]]; // within the file (checked when opened)
		ByteBuffer b = ByteBuffer.wrap(stored);
		while (b.hasRemaining()) {
			int got = file.read(b, p.offsets[segment] + b.position());
			if (got < 0) throw damaged(path, segment(p, page + 1, segment) + " ends past the end of the file");
		}
		int bytes = p.type.bytes();
		int rowBytes = p.segmentWidth * perPixel * bytes; // bounded by MAX_SEGMENT_SAMPLES when opened
		int full = rowBytes * p.segmentHeight;
		int across = (p.width + p.segmentWidth - 1) / p.segmentWidth, down = (p.height + p.segmentHeight - 1) / p.segmentHeight;
		int sy = segment % (across * down) / across;
		int least = rowBytes * Math.min(p.segmentHeight, p.height - sy * p.segmentHeight);
		byte[] raw;
		int length; // of raw's bytes, those decoded: Deflate's buffer is the segment's full size, not a copy
		String method = p.compression == 5 ? "LZW" : p.compression == 32773 ? "PackBits" : "Deflate";
		try {
			switch (p.compression) {
				case 8:
				case 32946:
					Zlib.Inflated z = inflate(stored, full);
					raw = z.bytes();
					length = z.length();
					break;
				case 5:
					raw = lzw(stored, full);
					length = raw.length;
					break;
				default:
					raw = packBits(stored, full);
					length = raw.length;
			}
		}
		catch (DamagedData e) {
			throw damaged(path, segment(p, page + 1, segment) + " is damaged (" + method + " data " + e.getMessage() + ")");
		}
		if (length < least) {
			throw damaged(path, segment(p, page + 1, segment) + " is damaged (" + method + " data ends early: "
				+ length + " of " + least + " bytes)");
		}
		return new Segment(raw, length, rowBytes);
	}

	/**
	 * A compressed segment's samples, all of its rows. Its data must decode to the rows of the image it holds (a
	 * strip at the bottom may stop there) and at most to its full size: data that end early, run past the segment
	 * or do not decode are refused as damage, naming the page and the strip or tile, never read as zeros or garbage.
	 */
	private float[] decode(int page, Page p, int segment, int perPixel) throws IOException {
		Segment seg = inflated(page, p, segment, perPixel);
		byte[] raw = seg.raw;
		int bytes = p.type.bytes(), rowBytes = seg.rowBytes, full = rowBytes * p.segmentHeight;
		int rows = seg.length / rowBytes;
		// ImageJ adds up the differences of 32-bit integer pixels as floats, after converting each: so does this
		boolean floatSums = p.type.kind() == DataType.Kind.INT32 && perPixel == 1;
		if (p.predictor == 2 && !floatSums) undoHorizontalDifferences(raw, rows, p.segmentWidth, perPixel, p.type);
		float[] values = new float[full / bytes];
		p.type.decode(ByteBuffer.wrap(raw, 0, rows * rowBytes), values, 0, rows * rowBytes / bytes);
		if (p.predictor == 2 && floatSums) {
			for (int r = 0, w = p.segmentWidth; r < rows; r++) {
				for (int i = r * w + 1; i < (r + 1) * w; i++) values[i] += values[i - 1];
			}
		}
		return values;
	}

	/** Why compressed data cannot be decoded, in words that follow "LZW data" ("ends early", ...). */
	static final class DamagedData extends Exception {
		private static final long serialVersionUID = 1L;

		DamagedData(String reason) {
			super(reason);
		}
	}

	/**
	 * Deflate (zlib) data: at most {@code limit} bytes, in a buffer of that size; more is {@link DamagedData}, as are
	 * data that are not valid or of which nothing inflates. Data that stop before the stream's end, even inside its
	 * checksum, give what inflated: the caller judges the length, as a strip at the bottom of an image may be short.
	 */
	static Zlib.Inflated inflate(byte[] stored, int limit) throws DamagedData {
		Zlib.Inflated z = Zlib.inflate(stored, limit);
		if (z.outcome() == Zlib.Outcome.INVALID) throw new DamagedData("is not valid zlib (" + z.reason() + ")");
		if (z.outcome() == Zlib.Outcome.OVER_LIMIT) throw new DamagedData("runs past the end of the strip or tile");
		// nothing inflates from all of the data: cut, empty, or asking for a dictionary (an empty stream with other
		// bytes after its end is left to the caller, which words it as bytes short)
		if (z.length() == 0 && !z.followed()) throw new DamagedData("ends early: none of it inflates");
		return z; // perhaps cut short: the caller judges the length
	}

	/**
	 * TIFF's LZW: codes of 9 to 12 bits, most significant bit first, code width growing one code early. At most
	 * {@code limit} bytes; a code not yet defined, or more data than that, is {@link DamagedData}.
	 */
	static byte[] lzw(byte[] in, int limit) throws DamagedData {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1 << 20));
		byte[][] table = new byte[4096][];
		for (int i = 0; i < 256; i++) table[i] = new byte[] { (byte) i };
		int next = 258, width = 9;
		long bitPos = 0, totalBits = (long) in.length * 8;
		byte[] previous = null;
		while (bitPos + width <= totalBits) {
			int code = 0;
			for (int i = 0; i < width; i++, bitPos++) {
				code = code << 1 | (in[(int) (bitPos >> 3)] >> (7 - (int) (bitPos & 7)) & 1);
			}
			if (code == 257) break;
			if (code == 256) {
				next = 258;
				width = 9;
				previous = null;
				continue;
			}
			byte[] entry;
			if (code < next && table[code] != null) entry = table[code];
			else if (code == next && previous != null) {
				entry = java.util.Arrays.copyOf(previous, previous.length + 1);
				entry[previous.length] = previous[0];
			}
			else throw new DamagedData("holds code " + code + " where at most " + (next - 1) + " is defined");
			if (out.size() + entry.length > limit) throw new DamagedData("runs past the end of the strip or tile");
			out.write(entry, 0, entry.length);
			if (previous != null && next < 4096) {
				byte[] added = java.util.Arrays.copyOf(previous, previous.length + 1);
				added[previous.length] = entry[0];
				table[next++] = added;
			}
			previous = entry;
			if (next + 1 >= 1 << width && width < 12) width++;
		}
		return out.toByteArray();
	}

	/**
	 * PackBits: at most {@code limit} bytes; a run past that, or another run after it, is {@link DamagedData} (one
	 * byte left over is padding). A literal run cut short by the data's end ends the output there (the caller judges the length).
	 */
	static byte[] packBits(byte[] in, int limit) throws DamagedData {
		byte[] out = new byte[limit];
		int o = 0, i = 0;
		while (i < in.length && o < limit) {
			int n = in[i++];
			if (n >= 0) {
				if (o + n + 1 > limit) throw new DamagedData("runs past the end of the strip or tile");
				int len = Math.min(n + 1, in.length - i);
				System.arraycopy(in, i, out, o, len);
				i += n + 1;
				o += len;
			}
			else if (n != -128 && i < in.length) {
				if (o + 1 - n > limit) throw new DamagedData("runs past the end of the strip or tile");
				java.util.Arrays.fill(out, o, o + 1 - n, in[i++]);
				o += 1 - n;
			}
		}
		if (o == limit && in.length - i >= 2 && in[i] != -128) {
			throw new DamagedData("runs past the end of the strip or tile"); // a whole run more: not a padding byte
		}
		return o == limit ? out : java.util.Arrays.copyOf(out, o);
	}

	/** Predictor 2: each sample was stored as the difference to the same sample of the pixel on its left. */
	private static void undoHorizontalDifferences(byte[] raw, int rows, int width, int perPixel, DataType type) {
		ByteBuffer b = ByteBuffer.wrap(raw).order(type.order());
		int bytes = type.bytes(), rowLength = width * perPixel;
		for (int r = 0; r < rows; r++) {
			for (int i = perPixel; i < rowLength; i++) {
				int at = (r * rowLength + i) * bytes, left = at - perPixel * bytes;
				switch (bytes) {
					case 1: raw[at] += raw[left]; break;
					case 2: b.putShort(at, (short) (b.getShort(at) + b.getShort(left))); break;
					default: b.putInt(at, b.getInt(at) + b.getInt(left));
				}
			}
		}
	}
}
