package io.github.convolve2d.batch;

import io.github.convolve2d.io.IoMessages;
import io.github.convolve2d.image.ConsoleCapture;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.Opener;
import ij.io.TiffDecoder;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.ParallelLoop;
import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.OmeTiff;
import io.github.convolve2d.io.TiffCalibration;
import io.github.convolve2d.io.TiffReader;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;

/**
 * Reads an image with ImageJ's own {@link Opener} (TIFF incl. 16/32-bit and multi-page stacks and hyperstacks,
 * PNG, JPEG, GIF, BMP), headless, and turns its silent failures into reasons: the header is checked first
 * ({@link ImageHeader}), and what ImageJ prints while opening (its {@code IJ.error} text) becomes the message. A
 * compressed TIFF is decoded by {@link TiffReader} first, on several threads, damage refused: ImageJ would read a
 * damaged strip as zeros, or never return. ImageJ then reads those decoded bytes as an uncompressed image, or, where
 * that would not give ImageJ's own image, the file itself. An OME-TIFF, whose pages ImageJ reads as slices, is then
 * made the image its OME-XML describes ({@link OmeTiff}), as Fiji's Bio-Formats opens it.
 */
public final class ImageJReader {

	private ImageJReader() {
	}

	/**
	 * Opens the file whose header was read; a compressed TIFF is decoded on up to {@code threads} threads first
	 * ({@link #readDecompressed}; four 16-bit Deflate files of 4096² went from 2.76 s to 1.96 s, uncompressed ones
	 * taking 1.67 s), or checked and then read by ImageJ; an OME-TIFF's pages are then arranged and calibrated as its
	 * OME-XML says ({@link #arrange}).
	 *
	 * @throws UnreadableImageException with the reason when ImageJ cannot read it
	 */
	public static ImagePlus read(Path file, ImageHeader header, int threads) throws UnreadableImageException {
		if (header.ownReader()) return readOwn(file, threads);
		ImagePlus imp = readPages(file, header, threads);
		if (header.format() == ImageFormat.TIFF) keepStackMetadata(imp);
		// ImageJ reads an OME-TIFF's pages as slices: Bio-Formats' image of them, as the blockwise path reads it
		if (header.ome() != null) arrange(imp, header.ome());
		return imp;
	}

	/**
	 * The slice labels and properties of ImageJ's metadata on a stack ImageJ read a directory at a time (as tifffile
	 * writes a compressed ImageJ hyperstack), which ImageJ's Opener leaves out where it sets them on a contiguous
	 * stack: the maps' labels name their channels the same whatever the file's layout, as the Zarr path names them
	 * ({@link #sliceLabels}). Labels and properties ImageJ set are kept.
	 */
	private static void keepStackMetadata(ImagePlus imp) {
		FileInfo fi = imp.getOriginalFileInfo();
		if (fi == null || imp.getStackSize() == 1) return;
		ImageStack stack = imp.getStack();
		String[] labels = fi.sliceLabels;
		for (int i = 0; labels != null && labels.length <= stack.size() && i < labels.length; i++) {
			if (labels[i] != null && stack.getSliceLabel(i + 1) == null) stack.setSliceLabel(labels[i], i + 1);
		}
		if (fi.properties != null && imp.getPropertiesAsArray() == null) imp.setProperties(fi.properties);
	}

	/**
	 * {@link #read} of a file ImageJ reads (by its own decoders, or from the pages decoded here), an OME-TIFF's pages
	 * as its slices.
	 */
	private static ImagePlus readPages(Path file, ImageHeader header, int threads) throws UnreadableImageException {
		Path absolute = file.toAbsolutePath();
		String dir = absolute.getParent().toString() + File.separator;
		String name = absolute.getFileName().toString();
		if (header.format() == ImageFormat.TIFF && header.compressed()) {
			// decompressed once, on the threads, and handed to ImageJ as an uncompressed image where that gives
			// ImageJ's own image; else checked, then read by ImageJ
			byte[][] pages = decodedPages(file, threads);
			ImagePlus imp = pages == null ? null : fromPages(dir, name, pages);
			if (imp != null) return imp;
			boolean checked = pages != null;
			pages = null; // not held while ImageJ reads the file
			// ImageJ takes compressed strips that end early or do not decode for zeros, without a word, and never
			// returns from a Deflate strip cut short: the check must come first, not beside ImageJ's read (decoded
			// pages were checked already)
			String damage = null;
			try {
				if (!checked) damage = TiffReader.damage(file, threads);
			}
			catch (java.io.IOException e) {
				throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
			}
			if (damage != null) throw new UnreadableImageException(damage);
		}
		if (header.stripLengthsMisreadByImageJ()) {
			ImagePlus imp = repaired(dir, name, header);
			if (imp != null) return imp;
		}
		ConsoleCapture.Result<ImagePlus> opened;
		try {
			opened = ConsoleCapture.call(() -> new Opener().openImage(dir, name));
		}
		catch (OutOfMemoryError e) {
			throw new UnreadableImageException("not enough memory to read it; give Java more memory (java -Xmx...)");
		}
		catch (Exception e) {
			// ImageJ's decoders fail on corrupt data with raw exceptions (a NullPointerException's text, an index):
			// their text means nothing to a user, so only an I/O error's own words are kept
			String said = e instanceof java.io.IOException ? readable(e.getMessage()) : "";
			throw new UnreadableImageException("ImageJ could not decode this " + header.format() + ": "
				+ (said.isEmpty() ? CORRUPT : said));
		}
		ImagePlus imp = opened.value();
		if (imp == null || imp.getWidth() == 0 || imp.getStackSize() == 0) {
			String said = readable(opened.printed());
			// ImageJ adds a note on CMYK to every JPEG it fails on, but a CMYK JPEG was refused from its header
			if (header.format() == ImageFormat.JPEG && said.startsWith("Error loading image")) {
				said = "its image data are corrupt (the JPEG decoder gave up); re-export it";
			}
			throw new UnreadableImageException("ImageJ could not read this " + header.format()
				+ (said.isEmpty() ? " (it gave no reason; " + CORRUPT + ")" : ": " + said));
		}
		if (header.format() == ImageFormat.TIFF && imp.getStackSize() < header.planes()) {
			// ImageJ reads an uncompressed stack's pages in one pass and stops without a word at a page stored before
			// the end of the one ahead of it ("Unexpected image offset"): the pages after it would be lost
			String said = readable(opened.printed());
			throw new UnreadableImageException("ImageJ read only " + imp.getStackSize() + " of its " + header.planes()
				+ " pages" + (said.isEmpty() ? "" : " (it said: " + said + ")") + ", and the others would be lost; its "
				+ "pages are stored out of order or it is damaged: convolve it with --format zarr, which reads each page "
				+ "where it lies, or save it again with another program");
		}
		return imp;
	}

	/**
	 * A TIFF that ImageJ does not read (a BigTIFF, tiled pages; {@link ImageHeader#ownReader}), read by
	 * {@link ChunkedImage} on up to {@code threads} threads into the image ImageJ would make of the same pixels in a
	 * classic striped TIFF: 8-bit RGB as an RGB image; any other as 32-bit planes holding the values ImageJ shows
	 * (16-bit signed and 32-bit integers as their values), its channels, slices and frames a hyperstack (several
	 * channels a composite with ImageJ's LUTs and display ranges, {@link #composite}; one channel with the LUT of its
	 * palette or of white-is-zero, {@link #colourModel}); the pixel size, units and origin of its calibration
	 * (resolution tags or ImageJ's description).
	 *
	 * @throws UnreadableImageException naming a damaged strip or tile, or what the reader does not read
	 */
	static ImagePlus readOwn(Path file, int threads) throws UnreadableImageException {
		try (ChunkedImage in = ChunkedImage.open(file)) {
			int w = in.width(), h = in.height(), channels = in.channels(), slices = in.slices(), frames = in.frames();
			boolean rgb = ImageHeader.rgb(in);
			int c = rgb ? 1 : channels, planes = c * slices * frames;
			Object[] pixels = new Object[planes];
			try {
				ParallelLoop.forEach(planes, threads, p -> {
					// ImageJ's order: channel, slice, frame
					int ch = p % c, z = p / c % slices, t = p / c / slices;
					try {
						if (!rgb) {
							float[] px = new float[w * h];
							in.plane(t, ch, z).read(0, 0, w, h, px);
							pixels[p] = px;
							return;
						}
						float[] r = new float[w * h], g = new float[w * h], b = new float[w * h];
						in.plane(t, 0, z).read(0, 0, w, h, r);
						in.plane(t, 1, z).read(0, 0, w, h, g);
						in.plane(t, 2, z).read(0, 0, w, h, b);
						int[] argb = new int[w * h];
						for (int i = 0; i < argb.length; i++) {
							argb[i] = 0xff000000 | (int) r[i] << 16 | (int) g[i] << 8 | (int) b[i];
						}
						pixels[p] = argb;
					}
					catch (IOException e) {
						throw new java.io.UncheckedIOException(e);
					}
				});
			}
			catch (java.io.UncheckedIOException e) {
				throw e.getCause();
			}
			String description;
			java.awt.image.ColorModel cm;
			try (TiffReader r = TiffReader.open(file)) {
				description = r.description();
				cm = rgb || c > 1 ? null : colourModel(r.photometric(), r.colourMap());
			}
			ImageStack stack = cm == null ? new ImageStack(w, h) : new ImageStack(w, h, cm);
			String[] labels = sampleLabels(in);
			for (int p = 0; p < planes; p++) stack.addSlice(labels == null ? null : labels[p], pixels[p]);
			ImagePlus imp = new ImagePlus(file.getFileName().toString(), stack);
			imp.setDimensions(c, slices, frames);
			if (c > 1 || slices > 1 && frames > 1) imp.setOpenAsHyperStack(true);
			calibrate(imp, in.scale(), in.translation(), in.units());
			FileInfo fi = keepImageJMetadata(file, imp);
			if (c > 1) imp = composite(imp, fi, description, in.channelsAreSamples());
			return imp;
		}
		catch (UserException e) {
			throw new UnreadableImageException(e.getMessage());
		}
		catch (IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
		catch (OutOfMemoryError e) {
			throw new UnreadableImageException("not enough memory to read it; give Java more memory (java -Xmx...)");
		}
	}

	/**
	 * Sets {@code imp}'s spatial calibration and frame interval to those of NGFF's scale, translation and units along
	 * {@code t, c, z, y, x} ({@link ChunkedImage#scale}), in ImageJ's units; anything they do not give is none (a
	 * value calibration is kept).
	 */
	private static void calibrate(ImagePlus imp, double[] scale, double[] translation, String[] units) {
		Calibration cal = imp.getCalibration();
		// NGFF's pixel 0 at the translation back to ImageJ's origin, the pixel at physical 0
		cal.pixelWidth = scale[4];
		cal.pixelHeight = Math.abs(scale[3]);
		cal.pixelDepth = scale[2];
		cal.xOrigin = -translation[4] / scale[4];
		cal.yOrigin = -translation[3] / scale[3];
		cal.setInvertY(scale[3] < 0); // NGFF's negative scale is ImageJ's inverted y axis
		cal.zOrigin = -translation[2] / scale[2];
		// what ImageJ read from the file's own tags is replaced, not merged: what these do not give is none
		cal.setUnit(units[4] == null ? null : TiffCalibration.imageJUnit(units[4]));
		cal.setYUnit(units[3] == null ? null : TiffCalibration.imageJUnit(units[3]));
		cal.setZUnit(units[2] == null ? null : TiffCalibration.imageJUnit(units[2]));
		if (units[0] != null) { // a frame interval
			cal.frameInterval = scale[0];
			cal.setTimeUnit(TiffCalibration.imageJUnit(units[0]));
		}
		else {
			cal.frameInterval = 0;
			cal.setTimeUnit("sec");
		}
	}

	/**
	 * ImageJ's image of an OME-TIFF's pages (one slice each, in the file's order) made the image its OME-XML
	 * describes, as {@link #readOwn} makes it from {@link ChunkedImage}: its slices in ImageJ's order (channel, slice,
	 * frame) from the pages that hold them, a hyperstack of its channels, slices and frames, and its calibration.
	 */
	static void arrange(ImagePlus imp, OmeTiff ome) {
		int c = ome.channels(), z = ome.slices(), t = ome.frames();
		// a single plane: ImageJ's own image of it (a 16-bit RGB page's 3 channels), its calibration set
		if ((long) c * z * t > 1) {
			ImageStack pages = imp.getStack();
			ImageStack stack = new ImageStack(imp.getWidth(), imp.getHeight());
			for (int tt = 0; tt < t; tt++) {
				for (int zz = 0; zz < z; zz++) {
					for (int cc = 0; cc < c; cc++) {
						int page = ome.page(cc, zz, tt) + 1;
						stack.addSlice(planeLabel(pages.getSliceLabel(page), ome, cc), pages.getPixels(page));
					}
				}
			}
			imp.setStack(stack, c, z, t);
			if (c > 1 || z > 1 && t > 1) imp.setOpenAsHyperStack(true);
		}
		TiffCalibration cal = ome.calibration();
		calibrate(imp, cal.scaleTczyx(), cal.translationTczyx(imp.getHeight()), cal.unitsTczyx());
	}

	/**
	 * The label of an OME-TIFF's plane of channel {@code c} (from 0): ImageJ's own label of its page where there is
	 * one, else the Name the OME-XML gives its channel, as Fiji's Bio-Formats names the channels, when the image has
	 * several (its feature maps are then {@code DAPI / Sobel X}, not {@code C1 / Sobel X}).
	 */
	private static String planeLabel(String imageJ, OmeTiff ome, int c) {
		return imageJ != null || ome.channels() < 2 ? imageJ : ome.channelName(c);
	}

	/**
	 * The Info, slice labels and properties of ImageJ's metadata in a TIFF read by {@link #readOwn} (tifffile writes it
	 * in tiled ImageJ files and BigTIFFs too), set as ImageJ's {@link FileOpener} sets them from a striped file. ImageJ's
	 * own {@link TiffDecoder} decodes them, from a TIFF of one pixel holding the same metadata; metadata it cannot
	 * decode is left out, as ImageJ leaves it out.
	 */
	private static FileInfo keepImageJMetadata(Path file, ImagePlus imp) throws IOException {
		FileInfo fi = imageJInfo(file);
		if (fi == null) return null;
		if (fi.info != null) imp.setProperty("Info", fi.info);
		if (fi.properties != null) imp.setProperties(fi.properties);
		String[] labels = fi.sliceLabels;
		ImageStack stack = imp.getStack();
		if (labels == null || labels.length > stack.size()) return fi;
		// a single image's label lives in a property, as ImageJ's FileOpener keeps it
		if (stack.size() == 1 && labels[0] != null) imp.setProp("Slice_Label", labels[0]);
		else for (int i = 0; i < labels.length; i++) if (labels[i] != null) stack.setSliceLabel(labels[i], i + 1);
		return fi;
	}

	/**
	 * The slice labels of the image the in-memory path makes of a TIFF {@code in} (by ImageJ or by {@link #readOwn}),
	 * in ImageJ's stack order (channel, slice, frame; one plane per slice and frame of 8-bit RGB), null entries for
	 * none: those of ImageJ's metadata (a single image's: its Slice_Label property), or the names ImageJ gives the
	 * samples of a 16-bit RGB page. Null when there are none. The Zarr path labels its channels with them, as the TIFF result's maps are labelled.
	 */
	static String[] sliceLabels(Path file, ChunkedImage in) throws IOException {
		FileInfo fi = imageJInfo(file);
		String[] labels = fi == null ? null : fi.sliceLabels;
		long planes = (long) (ImageHeader.rgb(in) ? 1 : in.channels()) * in.slices() * in.frames();
		// ImageJ leaves out labels for more planes than the file has
		if (labels != null && labels.length > planes) labels = null;
		OmeTiff ome = in.ome();
		if (ome != null && ome.channels() > 1) {
			// as arrange labels the planes: an OME-TIFF's channel names where ImageJ's metadata give no label
			String[] named = new String[(int) planes];
			for (int p = 0; p < named.length; p++) {
				named[p] = planeLabel(labels != null && p < labels.length ? labels[p] : null, ome, p % ome.channels());
			}
			return named;
		}
		if (labels != null) return labels;
		// ImageJ saves a single image's label as its Slice_Label property
		String[] properties = fi == null ? null : fi.properties;
		for (int i = 0; planes == 1 && properties != null && i + 1 < properties.length; i += 2) {
			if ("Slice_Label".equals(properties[i])) return new String[] { properties[i + 1] };
		}
		return sampleLabels(in);
	}

	/** The labels ImageJ gives the channels of a page of 16-bit (or wider) RGB samples, as of a 48-bit RGB page; else null. */
	private static String[] sampleLabels(ChunkedImage in) {
		int c = in.channels();
		return in.channelsAreSamples() && !ImageHeader.rgb(in) && in.slices() * in.frames() == 1 && (c == 3 || c == 4)
			? java.util.Arrays.copyOf(new String[] { "Red", "Green", "Blue", "Gray" }, c) : null;
	}

	/** ImageJ's metadata of a TIFF as ImageJ's own decoder reads it (Info, labels, properties, LUTs); null for none. */
	private static FileInfo imageJInfo(Path file) throws IOException {
		long[] counts;
		byte[] data;
		java.nio.ByteOrder order;
		try (TiffReader r = TiffReader.open(file)) {
			counts = r.imageJMetadataCounts();
			data = r.imageJMetadata();
			order = r.order();
		}
		if (counts == null || counts.length < 2) return null;
		FileInfo fi;
		try {
			FileInfo[] info = new TiffDecoder(new java.io.ByteArrayInputStream(onePixelTiff(counts, data, order)),
				file.getFileName().toString()).getTiffInfo();
			fi = info == null || info.length == 0 ? null : info[0];
		}
		catch (IOException | RuntimeException e) {
			return null;
		}
		return fi;
	}

	/**
	 * The LUT ImageJ's {@link FileOpener} gives a grey image with these tags: a colour map of 256 entries (the high
	 * byte of each 16-bit entry, as ImageJ keeps it), else grey inverted where white is zero (photometric 0); null
	 * for ImageJ's plain grey.
	 */
	private static java.awt.image.ColorModel colourModel(int photometric, long[] map) {
		// a map of all zeros counts as none, as for the palette (TiffReader#opensAsColour)
		if (map != null && map.length == 768 && java.util.Arrays.stream(map).anyMatch(v -> v >> 8 != 0)) {
			byte[][] rgb = new byte[3][256];
			for (int i = 0; i < 768; i++) rgb[i / 256][i % 256] = (byte) (map[i] >> 8);
			return new java.awt.image.IndexColorModel(8, 256, rgb[0], rgb[1], rgb[2]);
		}
		return photometric == 0 ? ij.LookUpTable.createGrayscaleColorModel(true) : null;
	}

	/**
	 * A multi-channel image as ImageJ's Opener makes it from a striped file: a composite in the mode of ImageJ's
	 * description ({@code mode=composite}, {@code color}, {@code gray}; else colour, or composite for a page of 16-bit
	 * RGB samples, as ImageJ opens 48-bit RGB), each channel with the LUT and display range ImageJ's metadata
	 * ({@code fi}, null for none) records. The feature maps take their LUTs and display mode from it.
	 */
	private static ImagePlus composite(ImagePlus imp, FileInfo fi, String description, boolean samples) {
		// ImageJ's test, text found anywhere in the description
		String d = description == null ? "" : description;
		ij.CompositeImage composite = new ij.CompositeImage(imp, d.contains("mode=composite") ? ij.CompositeImage.COMPOSITE
			: d.contains("mode=color") ? ij.CompositeImage.COLOR : d.contains("mode=gray") ? ij.CompositeImage.GRAYSCALE
			: samples ? ij.CompositeImage.COMPOSITE : ij.CompositeImage.COLOR);
		int channels = composite.getNChannels();
		// as ImageJ's CompositeImage takes them: ranges only when there is one pair per channel
		double[] ranges = fi == null || fi.displayRanges == null || fi.displayRanges.length != 2 * channels ? null
			: fi.displayRanges;
		for (int c = 1; c <= channels; c++) {
			ij.process.LUT lut = composite.getChannelLut(c);
			byte[] bytes = fi == null || fi.channelLuts == null || c > fi.channelLuts.length ? null : fi.channelLuts[c - 1];
			if (bytes != null && bytes.length == 768) {
				byte[] r = java.util.Arrays.copyOfRange(bytes, 0, 256), g = java.util.Arrays.copyOfRange(bytes, 256, 512),
					b = java.util.Arrays.copyOfRange(bytes, 512, 768);
				lut = new ij.process.LUT(r, g, b);
			}
			composite.setChannelLut(new ij.process.LUT(lut.getColorModel(), ranges == null ? composite.getChannelLut(c).min
				: ranges[2 * c - 2], ranges == null ? composite.getChannelLut(c).max : ranges[2 * c - 1]), c);
		}
		return composite;
	}

	/** A classic TIFF of one 8-bit pixel whose ImageJ metadata are {@code counts} and {@code data}, in {@code order}. */
	private static byte[] onePixelTiff(long[] counts, byte[] data, java.nio.ByteOrder order) {
		int entries = 9, ifd = 8, pixel = ifd + 2 + 12 * entries + 4, countsAt = pixel + 4, dataAt = countsAt + 4 * counts.length;
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(dataAt + data.length).order(order);
		b.put(order == java.nio.ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M').put(b.get(0)).putShort((short) 42)
			.putInt(ifd).putShort((short) entries);
		int[][] tags = { { 256, 3, 1, 1 }, { 257, 3, 1, 1 }, { 258, 3, 1, 8 }, { 259, 3, 1, 1 }, { 262, 3, 1, 1 },
			{ 273, 4, 1, pixel }, { 279, 4, 1, 1 }, { 50838, 4, counts.length, countsAt }, { 50839, 1, data.length, dataAt } };
		for (int[] t : tags) {
			b.putShort((short) t[0]).putShort((short) t[1]).putInt(t[2]);
			if (t[1] == 3) b.putShort((short) t[3]).putShort((short) 0);
			else b.putInt(t[3]);
		}
		b.putInt(0).putInt(0); // no next directory; the pixel
		for (long c : counts) b.putInt((int) c);
		b.put(data);
		return b.array();
	}

	/**
	 * A compressed TIFF read as ImageJ reads it, from the bytes {@link TiffReader#decompressedPages} made (so decoded
	 * once, and in parallel, rather than checked and then decoded again by ImageJ on one thread): ImageJ's own
	 * {@link TiffDecoder} reads the file's tags, and each page is then read by ImageJ as an uncompressed page
	 * ({@link FileInfo#inputStream}), through the methods {@link Opener} uses. Null where ImageJ would read the file
	 * otherwise than as one uncompressed page per directory (its pages differ from this reader's, ImageJ would
	 * flip it, 16-bit RGB, which ImageJ reads only in part), or when it holds more than a quarter of the memory left:
	 * the caller reads it the usual way.
	 */
	static ImagePlus readDecompressed(Path file, String dir, String name, int threads)
		throws UnreadableImageException
	{
		byte[][] pages = decodedPages(file, threads);
		return pages == null ? null : fromPages(dir, name, pages);
	}

	/**
	 * The file's pages decoded ({@link TiffReader#decompressedPages}, at most a quarter of the memory left), null when
	 * that reader does not decode them as ImageJ would.
	 *
	 * @throws UnreadableImageException naming the first damaged strip
	 */
	private static byte[][] decodedPages(Path file, int threads) throws UnreadableImageException {
		try {
			return TiffReader.decompressedPages(file, threads,
				bytes -> fitsBesideImageJ(bytes, ImageJReader::memoryLeft, System::gc));
		}
		catch (UserException e) {
			throw new UnreadableImageException(e.getMessage());
		}
		catch (java.io.IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
		catch (OutOfMemoryError e) {
			return null;
		}
	}

	/**
	 * Whether decoded pages of {@code bytes} may be held beside ImageJ's copy while it reads them: at most a quarter of
	 * the memory left, asking for a collection once before saying no. Garbage (the previous file's image) counts as
	 * used until collected, and a no sends the file to ImageJ's own reader, which needs far more: the second of two
	 * equal files then failed as "not enough memory to read it" where the first was read.
	 */
	static boolean fitsBesideImageJ(long bytes, java.util.function.LongSupplier memoryLeft, Runnable collect) {
		if (bytes <= memoryLeft.getAsLong() / 4) return true;
		collect.run();
		return bytes <= memoryLeft.getAsLong() / 4;
	}

	private static long memoryLeft() {
		Runtime rt = Runtime.getRuntime();
		return rt.maxMemory() - rt.totalMemory() + rt.freeMemory();
	}

	/** ImageJ's image of decoded pages, or null where ImageJ would read the file otherwise ({@link #readDecompressed}). */
	private static ImagePlus fromPages(String dir, String name, byte[][] pages) {
		FileInfo[] info = tiffInfo(dir, name);
		// 16-bit RGB: ImageJ 1.54p opens some compressed ones only (not with several strips or pages); it judges them
		if (info == null || info.length != pages.length || info[0].fileType == FileInfo.RGB48) return null;
		// one byte between pages: pages that follow each other would be read as ImageJ's own contiguous stack, which
		// ImageJ reads otherwise than the pages of another writer
		List<java.io.InputStream> streams = new ArrayList<>();
		long at = 0;
		for (int i = 0; i < info.length; i++) {
			FileInfo fi = info[i];
			int bpp = fi.getBytesPerPixel();
			// one sample a pixel, or samples ImageJ reads as one colour pixel (RGB, 4 samples)
			boolean pixels = fi.samplesPerPixel <= 1 || bpp == 3 || bpp == 4;
			long size = (long) fi.width * fi.height * bpp;
			if (fi.compression < FileInfo.LZW || fi.nImages > 1 || !pixels || size != pages[i].length || reversed(fi)) {
				return null;
			}
			fi.compression = FileInfo.COMPRESSION_NONE;
			// one run of bytes: ImageJ reads an uncompressed page of several strips strip by strip, from the file
			fi.stripOffsets = null;
			fi.stripLengths = null;
			fi.offset = 0;
			fi.longOffset = at;
			if (i > 0) streams.add(new java.io.ByteArrayInputStream(new byte[1]));
			streams.add(new java.io.ByteArrayInputStream(pages[i]));
			at += pages[i].length + 1;
		}
		info[0].inputStream = new java.io.SequenceInputStream(java.util.Collections.enumeration(streams));
		try {
			return opened(info);
		}
		finally {
			// the image keeps its FileInfo: not the decoded pages with it
			info[0].inputStream = null;
			streams.clear();
		}
	}

	/**
	 * A TIFF whose strip lengths ImageJ misreads ({@link ImageHeader#stripLengthsMisreadByImageJ}), read by ImageJ
	 * from its pages' info put right; null where ImageJ would read those pages otherwise (its own stack, 16-bit RGB,
	 * strips stored bottom first).
	 */
	private static ImagePlus repaired(String dir, String name, ImageHeader header) {
		FileInfo[] info = tiffInfo(dir, name);
		if (info == null || !header.repair(info) || info[0].fileType == FileInfo.RGB48) return null;
		for (FileInfo fi : info) {
			if (fi.nImages > 1 || reversed(fi)) return null;
		}
		return opened(info);
	}

	/** ImageJ's info on a TIFF's pages, null when it cannot read them. */
	private static FileInfo[] tiffInfo(String dir, String name) {
		try {
			return ConsoleCapture.call(() -> new TiffDecoder(dir, name).getTiffInfo()).value();
		}
		catch (Exception e) {
			return null;
		}
	}

	/**
	 * The image of one page, or of one page per info as a stack, as {@link Opener} reads a TIFF's pages; null when
	 * ImageJ fails, or would show something else (an FFT window's power spectrum).
	 */
	private static ImagePlus opened(FileInfo[] info) {
		ConsoleCapture.Result<ImagePlus> opened;
		try {
			opened = ConsoleCapture.call(() -> info.length > 1 ? new Opener().openTiffStack(info)
				: new FileOpener(info[0]).openImage());
		}
		catch (OutOfMemoryError | Exception e) {
			return null; // read the usual way, which says what is wrong
		}
		ImagePlus imp = opened.value();
		if (imp == null || imp.getWidth() == 0 || imp.getStackSize() != info.length
			|| imp.getBitDepth() == 32 && imp.getTitle().startsWith("FFT of"))
		{
			return null;
		}
		return imp;
	}

	/** Whether ImageJ flips this page (its strips stored bottom first). */
	private static boolean reversed(FileInfo fi) {
		int[] offsets = fi.stripOffsets;
		return offsets != null && offsets.length > 1
			&& (offsets[offsets.length - 1] & 0xffffffffL) < (offsets[0] & 0xffffffffL);
	}

	private static final String CORRUPT = "the file is corrupt or uses a variant ImageJ does not read";
	/** A Java type name such as {@code java.lang.NullPointerException} or {@code IIOException}. */
	private static final java.util.regex.Pattern EXCEPTION_NAME =
		java.util.regex.Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

	/** A decoder's text without Java type names and stack frames; empty when nothing readable is left. */
	static String readable(String text) {
		if (text == null) return "";
		// a frame may name its module or class loader (at java.base/java.lang.Thread.run(...), at app//ij.IJ...)
		String s = text.replaceAll("\\s*at [\\w$.@/<>-]+\\([^)]*\\);?", "").replaceAll("\\s*\\.\\.\\. \\d+ more;?", "");
		s = EXCEPTION_NAME.matcher(s).replaceAll("").trim();
		// what is left of each line, once (the same exception printed twice for two pages)
		s = java.util.Arrays.stream(s.split(";")).map(String::trim).filter(part -> !part.isEmpty()).distinct()
			.collect(java.util.stream.Collectors.joining("; "));
		// what is left of a raw exception (a null pointer's or an index's text) says nothing to a user
		if (s.isEmpty() || s.contains("because \"") || s.matches("(?i).*-?\\d+ out of bounds.*")
			|| s.matches("-?\\d+")) return "";
		return s;
	}
}
