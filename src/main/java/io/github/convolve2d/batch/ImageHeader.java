package io.github.convolve2d.batch;

import io.github.convolve2d.io.IoMessages;
import ij.io.FileInfo;
import io.github.convolve2d.core.UserException;
import io.github.convolve2d.io.ChunkedImage;
import io.github.convolve2d.io.OmeTiff;
import io.github.convolve2d.io.TiffCalibration;
import io.github.convolve2d.io.TiffReader;
import ij.io.TiffDecoder;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * What a file's header says about its image — format, width, height, number of planes, bytes per pixel in
 * memory — read without decoding the pixels, so that the batch can tell how much memory a file will need before
 * it reads it, and reject a truncated TIFF whose pixel data lie beyond the end of the file (ImageJ's reader
 * would fill the missing part with zeros without a word).
 * <p>
 * TIFF headers are read with ImageJ's own {@link TiffDecoder} once {@link TiffStructure} found their structure
 * sound (no loops, nothing beyond the file's end), the other formats with the JDK's ImageIO readers.
 */
public final class ImageHeader {

	private final ImageFormat format;
	private final int width, height;
	private final long planes;
	private final int bytesPerPixel;
	private final boolean rgb;
	/**
	 * The channels a CNN layer reads from the image as ImageJ opens it (its hyperstack's channels, each colour of RGB
	 * or colour-palette pixels its own); -1 where the header does not tell (formats read via ImageIO, whose colour
	 * pixels ImageJ may open as grey).
	 */
	private int channels = -1;
	/** A TIFF that ImageJ does not read (BigTIFF, tiled pages), read with this project's own reader. */
	private boolean ownReader;
	/** A TIFF whose pixel data are compressed (LZW, Deflate, PackBits). */
	private boolean compressed;
	/** A TIFF's structure, with the strip lengths ImageJ misreads (null for other formats). */
	private TiffStructure.Walked structure;
	/** An OME-TIFF's OME-XML that gives the layout and calibration of the image ImageJ reads, else null. */
	private OmeTiff ome;
	/** Why an OME-TIFF's OME-XML was not used, else null. */
	private String note;

	private ImageHeader(ImageFormat format, int width, int height, long planes, int bytesPerPixel, boolean rgb) {
		this.format = format;
		this.width = width;
		this.height = height;
		this.planes = planes;
		this.bytesPerPixel = bytesPerPixel;
		this.rgb = rgb;
	}

	/**
	 * Reads a file's header.
	 *
	 * @throws UnreadableImageException when the file is not an image of a known format or its header is bad
	 */
	public static ImageHeader read(Path file) throws UnreadableImageException {
		ImageFormat format = ImageFormat.of(file);
		ImageHeader h = format == ImageFormat.TIFF ? tiff(file) : imageIo(file, format);
		// a TIFF's LONG size of 2^31 or more comes as a negative int from ImageJ's decoder: a huge image, not an empty one
		long width = Integer.toUnsignedLong(h.width), height = Integer.toUnsignedLong(h.height);
		if (width == 0 || height == 0 || h.planes < 1) {
			throw new UnreadableImageException("the header gives an empty image (" + width + "×" + height + ")");
		}
		if (width * height > Integer.MAX_VALUE - 8) {
			throw new UnreadableImageException("the image has " + width + "×" + height
				+ " pixels per plane, more than ImageJ can hold (2^31)");
		}
		return h;
	}

	private static ImageHeader tiff(Path file) throws UnreadableImageException {
		FileInfo[] info;
		long size;
		TiffStructure.Walked structure = TiffStructure.check(file);
		if (structure.notForImageJ()) return ownTiff(file);
		try {
			size = Files.size(file);
			Path dir = file.toAbsolutePath().getParent();
			info = new TiffDecoder(dir + java.io.File.separator, file.getFileName().toString()).getTiffInfo();
		}
		catch (IOException | RuntimeException e) {
			// a TIFF ImageJ's decoder refuses that the project's own reader reads (two samples per pixel, which ImageJ
			// takes for 'interleaved -257-bit images') is read by the latter, as tiled ones are; one neither reads
			// gets the own reader's reason, which says what to do
			try (TiffReader ignored = TiffReader.open(file)) {
				// read below
			}
			catch (UserException own) {
				String m = own.getMessage(), name = file.toString() + ": ";
				throw new UnreadableImageException(m.startsWith(name) ? m.substring(name.length()) : m);
			}
			catch (IOException | RuntimeException other) {
				throw new UnreadableImageException("not a readable TIFF: " + message(e));
			}
			return ownTiff(file);
		}
		if (info == null || info.length == 0) throw new UnreadableImageException("not a readable TIFF: no image in it");
		// before the pages' sizes are compared: an OME-TIFF of several images of other sizes is refused as one
		OmeTiff ome = OmeTiff.mayBeXml(info[0].description) ? ome(file) : null;
		if (!structure.repair(info)) {
			throw new UnreadableImageException("its strip lengths are stored in a way ImageJ misreads (two 2-byte "
				+ "lengths inside their entry) and its pages could not be matched to ImageJ's; save it again with "
				+ "another writer (e.g. tifffile or ImageJ)");
		}
		FileInfo first = info[0];
		for (int i = 1; i < info.length; i++) {
			// ImageJ opens such a file as its first page alone, and the other pages would be lost without a word
			FileInfo fi = info[i];
			if (fi.width != first.width || fi.height != first.height) {
				throw new UnreadableImageException("its pages differ in size: page " + (i + 1) + " is " + fi.width + "×"
					+ fi.height + " but page 1 is " + first.width + "×" + first.height + " (a pyramid or a thumbnail?), "
					+ "and ImageJ would read page 1 alone; save the pages of one size as a stack of their own");
			}
			if (fi.fileType != first.fileType) {
				throw new UnreadableImageException("its pages differ in pixel type: page " + (i + 1) + " is "
					+ pixelType(fi) + " but page 1 is " + pixelType(first) + ", and ImageJ would read page 1 alone; save "
					+ "the pages of one type as a stack of their own");
			}
		}
		long planes = info.length == 1 ? Math.max(1, first.nImages) : info.length;
		for (int i = 0; i < info.length; i++) {
			FileInfo fi = info[i];
			long end = dataEnd(fi, info.length == 1 ? planes : 1);
			if (end > size) {
				throw new UnreadableImageException("truncated or corrupt TIFF: its pixel data should end at byte " + end
					+ " but the file has only " + size + " bytes");
			}
			long held = stripBytes(fi), needed = (long) fi.width * fi.height * fi.getBytesPerPixel();
			if (held >= 0 && held < needed) {
				throw new UnreadableImageException("corrupt TIFF: the strips of page " + (i + 1) + " hold " + held
					+ " bytes but its " + fi.width + "×" + fi.height + " " + pixelType(fi) + " pixels need " + needed
					+ ", and ImageJ would read the bytes after them as pixels; the file is damaged — re-export it");
			}
		}
		// ImageJ's hyperstack channels, from its description where they multiply with slices and frames to the planes;
		// an OME-TIFF's from its OME-XML
		int[] dims = planes <= Integer.MAX_VALUE ? TiffCalibration.imageJDimensions(first.description, (int) planes) : null;
		int hyperstackChannels = ome != null && ome.used() ? ome.channels() : dims == null ? 1 : dims[0];
		boolean rgb = first.getBytesPerPixel() >= 3 && first.fileType != FileInfo.GRAY32_FLOAT
			&& first.fileType != FileInfo.GRAY32_INT && first.fileType != FileInfo.GRAY32_UNSIGNED
			&& first.fileType != FileInfo.GRAY24_UNSIGNED;
		int bytes = rgb ? 4 : first.getBytesPerPixel() == 1 ? 1 : first.getBytesPerPixel() == 2 ? 2 : 4;
		if (rgb && first.fileType == FileInfo.RGB48) {
			rgb = false; // ImageJ opens 48-bit RGB as a 3-channel 16-bit stack
			bytes = 2;
			planes *= 3;
		}
		// an image ImageJ opens as 8-bit colour is convolved on its colours: 3 channels, as RGB (other palette images
		// open as grey with a LUT and are convolved on their values)
		ImageHeader h = new ImageHeader(ImageFormat.TIFF, first.width, first.height, planes, bytes,
			rgb || first.fileType == FileInfo.COLOR8 && opensAsColour(first));
		h.channels = first.fileType == FileInfo.RGB48 ? 3 : hyperstackChannels * (h.rgb ? 3 : 1);
		h.compressed = first.compression > FileInfo.COMPRESSION_NONE;
		h.structure = structure;
		if (ome != null && ome.used()) h.ome = ome;
		else if (ome != null) h.note = ome.note();
		return h;
	}

	/**
	 * The OME-XML of a TIFF ImageJ reads ({@link OmeTiff#read}).
	 *
	 * @throws UnreadableImageException for an OME-TIFF of several images
	 */
	private static OmeTiff ome(Path file) throws UnreadableImageException {
		try {
			return OmeTiff.read(file);
		}
		catch (UserException e) {
			String m = e.getMessage(), name = file.toString() + ": ";
			throw new UnreadableImageException(m.startsWith(name) ? m.substring(name.length()) : m);
		}
		catch (IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
	}

	/**
	 * The header of a TIFF that ImageJ does not read (a BigTIFF, tiled pages), as {@link ChunkedImage} reads it and
	 * {@link ImageJReader} then opens it: 8-bit RGB as ImageJ's RGB, every other image as 32-bit planes of its channels,
	 * slices and frames.
	 */
	private static ImageHeader ownTiff(Path file) throws UnreadableImageException {
		try (ChunkedImage in = ChunkedImage.open(file)) {
			boolean rgb = rgb(in);
			long planes = (long) (rgb ? 1 : in.channels()) * in.slices() * in.frames();
			ImageHeader h = new ImageHeader(ImageFormat.TIFF, in.width(), in.height(), planes, 4, rgb);
			h.channels = in.channels();
			h.ownReader = true;
			h.note = in.note();
			return h;
		}
		catch (UserException e) {
			throw new UnreadableImageException(e.getMessage());
		}
		catch (IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
	}

	/** Whether {@code in}'s channels are the red, green and blue bytes of each pixel, which ImageJ reads as RGB. */
	static boolean rgb(ChunkedImage in) {
		return in.channelsAreSamples() && in.channels() == 3 && in.dataType().bytes() == 1;
	}

	/** A page's pixel type in words: {@code 16-bit}, {@code RGB}, ... */
	private static String pixelType(FileInfo fi) {
		switch (fi.fileType) {
			case FileInfo.RGB:
			case FileInfo.BGR:
			case FileInfo.ARGB:
			case FileInfo.RGB_PLANAR:
				return "RGB";
			case FileInfo.RGB48:
			case FileInfo.RGB48_PLANAR:
				return "48-bit RGB";
			case FileInfo.GRAY32_FLOAT:
				return "32-bit float";
			case FileInfo.COLOR8:
				return "8-bit colour";
			case FileInfo.BITMAP:
				return "1-bit";
			default:
				return fi.getBytesPerPixel() * 8 + "-bit";
		}
	}

	/**
	 * The bytes an uncompressed page's strips hold by their byte counts, or -1 where they say nothing ImageJ relies on:
	 * compressed or planar pages, pixel types whose bytes per pixel are not whole, pages without byte counts.
	 */
	private static long stripBytes(FileInfo fi) {
		switch (fi.fileType) {
			case FileInfo.GRAY8:
			case FileInfo.COLOR8:
			case FileInfo.GRAY16_SIGNED:
			case FileInfo.GRAY16_UNSIGNED:
			case FileInfo.GRAY32_INT:
			case FileInfo.GRAY32_UNSIGNED:
			case FileInfo.GRAY32_FLOAT:
			case FileInfo.RGB:
			case FileInfo.BGR:
			case FileInfo.ARGB:
			case FileInfo.RGB48:
				break;
			default:
				return -1;
		}
		if (fi.compression > FileInfo.COMPRESSION_NONE || fi.stripLengths == null || fi.stripLengths.length == 0) {
			return -1;
		}
		long sum = 0;
		for (int n : fi.stripLengths) sum += n & 0xffffffffL;
		return sum;
	}

	/** Where the last pixel byte lies: strips when the TIFF lists them, else a contiguous block of planes. */
	static long dataEnd(FileInfo fi, long planes) {
		long end = 0;
		if (fi.stripOffsets != null && fi.stripLengths != null && fi.stripOffsets.length == fi.stripLengths.length
			&& fi.stripOffsets.length > 0)
		{
			for (int i = 0; i < fi.stripOffsets.length; i++) {
				end = Math.max(end, (fi.stripOffsets[i] & 0xffffffffL) + (fi.stripLengths[i] & 0xffffffffL));
			}
			if (planes <= 1) return end;
		}
		if (fi.compression > FileInfo.COMPRESSION_NONE) return end; // compressed: only the strips are known
		long plane = (long) fi.width * fi.height * Math.max(1, fi.getBytesPerPixel());
		return Math.max(end, fi.getOffset() + plane * planes + fi.getGap() * (planes - 1));
	}

	private static ImageHeader imageIo(Path file, ImageFormat format) throws UnreadableImageException {
		if (format == ImageFormat.BMP) bmpPalette(file);
		if (format == ImageFormat.GIF) {
			try {
				GifStructure.check(file);
			}
			catch (IOException e) {
				throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
			}
		}
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
			if (readers == null || !readers.hasNext()) {
				throw new UnreadableImageException("not a readable " + format + ": no reader accepts its header");
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, false, true);
				int w = reader.getWidth(0), h = reader.getHeight(0);
				if (format == ImageFormat.JPEG && jpegComponents(reader) == 4) {
					// ImageJ's JPEG decoder fails on these, and the JDK prints its stack trace from a thread of its own
					throw new UnreadableImageException("a CMYK JPEG (4 colour components), which ImageJ cannot open; "
						+ "save it as an RGB JPEG or a TIFF");
				}
				long planes = format == ImageFormat.GIF ? Math.max(1, reader.getNumImages(true)) : 1;
				// Decoded through 32-bit ARGB images; assume 4 bytes per pixel (an upper bound for these formats).
				return new ImageHeader(format, w, h, planes, 4, mayBeColour(reader));
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			throw new UnreadableImageException("not a readable " + format + ": " + message(e));
		}
	}

	/**
	 * A BMP's palette must lie in the file: ImageJ reads as many colours as the header claims, byte by byte, so a
	 * damaged count of 16 million took half a minute to fail and 2^31 - 1 ran out of memory.
	 */
	private static void bmpPalette(Path file) throws UnreadableImageException {
		byte[] head = new byte[54];
		long size;
		try (java.io.InputStream in = Files.newInputStream(file)) {
			if (in.readNBytes(head, 0, head.length) < head.length) return; // ImageJ says what is wrong with a short header
			size = Files.size(file);
		}
		catch (IOException e) {
			throw new UnreadableImageException("cannot read the file: " + IoMessages.describe(e));
		}
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		long infoSize = b.getInt(14) & 0xffffffffL, claimed = b.getInt(46) & 0xffffffffL;
		int bits = b.getShort(28) & 0xffff;
		// as ImageJ's BMP_Reader counts them: 0 means all that the bits per pixel can tell apart, none from 16 bits
		long colours = claimed != 0 ? claimed : bits < 16 ? 1L << bits : 0;
		if (14 + infoSize + 4 * colours > size) {
			throw new UnreadableImageException("corrupt BMP: its header claims a palette of " + colours + " colours ("
				+ 4 * colours + " bytes), more than the file's " + size + " bytes hold; the file is damaged \u2014 "
				+ "re-export it");
		}
	}

	/** The number of colour components a JPEG's frame header declares (0 when it cannot be read). */
	private static int jpegComponents(ImageReader reader) {
		try {
			Node tree = reader.getImageMetadata(0).getAsTree("javax_imageio_jpeg_image_1.0");
			NodeList sof = ((Element) tree).getElementsByTagName("sof");
			return sof.getLength() == 0 ? 0 : ((Element) sof.item(0)).getElementsByTagName("componentSpec").getLength();
		}
		catch (IOException | RuntimeException e) {
			return 0;
		}
	}

	/** Colour unless the raw type is a single grey band; unknown counts as colour (the larger estimate). */
	private static boolean mayBeColour(ImageReader reader) {
		try {
			ImageTypeSpecifier type = reader.getRawImageType(0);
			if (type == null) return true;
			return type.getNumBands() >= 3 || type.getColorModel() instanceof IndexColorModel;
		}
		catch (IOException | RuntimeException e) {
			return true;
		}
	}

	/** A decoder's reason in words: its own text for an I/O error, never a raw exception's text or type name. */
	private static String message(Exception e) {
		String m = e instanceof IOException ? ImageJReader.readable(e.getMessage()).replace('\n', ' ') : "";
		return m.isEmpty() ? "its header is corrupt or uses a variant that cannot be read" : m;
	}

	public ImageFormat format() { return format; }
	public int width() { return width; }
	public int height() { return height; }
	/** Number of 2D planes (stack slices, pages, GIF frames). */
	public long planes() { return planes; }
	/** Bytes per pixel once ImageJ holds the image (RGB: 4). */
	public int bytesPerPixel() { return bytesPerPixel; }
	/** Whether ImageJ opens an 8-bit TIFF with a colour map as 8-bit colour ({@link TiffReader#opensAsColour}). */
	private static boolean opensAsColour(FileInfo fi) {
		if (fi.lutSize != 256 || fi.reds == null || fi.greens == null || fi.blues == null) return false;
		int[][] lut = new int[3][256];
		for (int i = 0; i < 256; i++) {
			lut[0][i] = fi.reds[i] & 0xff;
			lut[1][i] = fi.greens[i] & 0xff;
			lut[2][i] = fi.blues[i] & 0xff;
		}
		return TiffReader.opensAsColour(lut, fi.description);
	}

	/**
	 * The header declares RGB or a palette that ImageJ opens as 8-bit colour, or (formats read via ImageIO) may hold
	 * colour: 3 channels to convolve.
	 */
	public boolean rgb() { return rgb; }
	/** The channels a CNN layer reads, as ImageJ opens the image; -1 when the header does not tell. */
	public int channels() { return channels; }
	/** A TIFF that ImageJ does not read (BigTIFF, tiled pages), which {@link ImageJReader} reads with its own reader. */
	public boolean ownReader() { return ownReader; }
	/** A TIFF with compressed pixel data, whose strips {@link ImageJReader} checks before ImageJ decodes them. */
	public boolean compressed() { return compressed; }
	/** An OME-TIFF's OME-XML giving the image's layout and calibration, which ImageJ alone does not read; else null. */
	OmeTiff ome() { return ome; }
	/** Why an OME-TIFF's OME-XML was not used (a clause for the file's line), else null. */
	public String note() { return note; }
	/** A TIFF whose strip lengths ImageJ misreads, put right by {@link ImageJReader}. */
	boolean stripLengthsMisreadByImageJ() { return structure != null && structure.misreadByImageJ(); }
	/** Puts right the strip lengths ImageJ misread in this TIFF's pages' info ({@link TiffStructure.Walked#repair}). */
	boolean repair(FileInfo[] info) { return structure == null || structure.repair(info); }

	/** Bytes the decoded image takes in ImageJ, plus the decoder's working copy for formats read via ImageIO. */
	public long decodedBytes() {
		long image = (long) width * height * planes * bytesPerPixel;
		return format == ImageFormat.TIFF ? image : 2 * image;
	}
}
