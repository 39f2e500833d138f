package io.github.convolve2d.io;

import io.github.convolve2d.core.UserException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The image the OME-XML of an OME-TIFF describes (the ImageDescription of its first page), read as Fiji's
 * Bio-Formats reads it: {@code Pixels}' SizeC, SizeZ and SizeT give the image its channels, slices and frames,
 * its {@code TiffData} elements say which page (IFD) holds each plane, in the order {@code DimensionOrder} gives
 * (one element for all pages, as tifffile writes it, or one a plane, as Bio-Formats writes it), and
 * PhysicalSizeX/Y/Z and TimeIncrement, with their units ({@code µm} and {@code s} when not given), its calibration
 * (a {@link TiffCalibration}: OME's unit symbols as NGFF names them, a unit NGFF does not name dropped, the size
 * kept; the TIFF's resolution tags are not used, as Bio-Formats does not use them). Channels of one sample a page,
 * and 8-bit RGB (a channel of 3 or 4 samples a pixel, the RGB image ImageJ opens), are read so.
 * <p>
 * The XML is read by the JDK's SAX parser hardened against hostile files: no DTD (a {@code DOCTYPE} is refused,
 * so no entity is ever expanded), no external entity, schema or XInclude, at most {@value #MAX_XML_BYTES} bytes
 * and {@value #MAX_DEPTH} levels of elements. An OME-XML that is malformed, or describes what is not read here
 * (planes in other files of a multi-file dataset, metadata in a companion file, pages of other sizes than
 * Pixels gives, a plane in no page or two planes in one), is {@linkplain #used not used}: the file is read as a
 * TIFF without it (its pages its slices, as ImageJ reads it without Bio-Formats), with a {@link #note} saying why.
 * A file of several images (series) is refused, naming what to do: its pages would mix the series.
 */
public final class OmeTiff {

	/** The largest OME-XML read (bytes of the ImageDescription); a larger one is not used. */
	public static final int MAX_XML_BYTES = 16 << 20;
	/** The deepest nesting of elements read; OME-XML nests a few levels (OME, Image, Pixels, TiffData, UUID). */
	static final int MAX_DEPTH = 64;
	/** The namespaces of OME's schemas (2008-02 to 2016-06) start so. */
	static final String NAMESPACE = "http://www.openmicroscopy.org/Schemas/OME/";

	private final int channels, slices, frames;
	/** The page of plane {@code c + channels × (z + slices × t)}; null when the OME-XML is not used. */
	private final int[] pages;
	private final TiffCalibration calibration;
	private final String note;
	/** Each channel's Name in the OME-XML, null entries for none; null when there are none or not one per channel. */
	private final String[] channelNames;

	private OmeTiff(int channels, int slices, int frames, int[] pages, TiffCalibration calibration,
		String[] channelNames)
	{
		this.channels = channels;
		this.slices = slices;
		this.frames = frames;
		this.pages = pages;
		this.calibration = calibration;
		this.note = null;
		this.channelNames = channelNames;
	}

	private OmeTiff(String reason) {
		this.channels = this.slices = this.frames = 1;
		this.pages = null;
		this.calibration = TiffCalibration.NONE;
		this.channelNames = null;
		this.note = "its OME-XML was not used (" + reason + "), so its pages were read as slices, as ImageJ reads them "
			+ "without Bio-Formats";
	}

	/**
	 * The OME-XML of the TIFF at {@code path}, null when its first page's description is none, or when the file's
	 * pages are stored in a way read here by ImageJ alone (1-bit samples, say), whose reading of it is kept.
	 *
	 * @throws UserException when it is an OME-TIFF of several images
	 */
	public static OmeTiff read(Path path) throws IOException {
		TiffReader r;
		try {
			r = TiffReader.open(path, false);
		}
		catch (UserException e) {
			return null;
		}
		try (r) {
			return of(r, path);
		}
	}

	/**
	 * Whether an ImageDescription may be OME-XML (it starts with {@code <}), so that a reader that has it at hand
	 * reads the file's OME-XML only then.
	 */
	public static boolean mayBeXml(String description) {
		if (description == null) return false;
		for (int i = 0; i < description.length(); i++) {
			char c = description.charAt(i);
			if (c == '<') return true;
			if (!Character.isWhitespace(c) && c != '\ufeff' && c != '\u00ef' && c != '\u00bb' && c != '\u00bf') {
				return false; // a byte-order mark, as UTF-8 bytes or a character, may come first
			}
		}
		return false;
	}

	/**
	 * The OME-XML of {@code r}'s first page, null when its description is no OME-XML.
	 *
	 * @throws UserException when it describes several images
	 */
	static OmeTiff of(TiffReader r, Path path) {
		String text = r.description();
		if (text == null && r.descriptionBytes() > MAX_XML_BYTES) {
			return new OmeTiff("its ImageDescription, of " + r.descriptionBytes() + " bytes, is larger than the "
				+ MAX_XML_BYTES + " bytes read here");
		}
		if (!mayBeXml(text)) return null;
		Handler h = new Handler(r, path);
		try {
			parser().parse(new InputSource(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))), h);
		}
		catch (NotOme e) {
			return null;
		}
		catch (Stop e) {
			return new OmeTiff(h.problem);
		}
		catch (SAXParseException e) {
			// malformed: a note only where it meant to be OME-XML
			if (!h.ome && !text.contains(NAMESPACE) && !text.contains("<OME")) return null;
			String said = e.getMessage() == null ? "" : e.getMessage();
			return new OmeTiff(said.contains("DOCTYPE") ? "it holds a DOCTYPE declaration, which OME-XML never has and "
				+ "which is not read here" : "it is not well-formed XML: line " + e.getLineNumber() + ", " + said);
		}
		catch (SAXException | IOException e) {
			return new OmeTiff("it could not be read as XML");
		}
		if (h.images > 1) {
			throw new UserException(path + ": an OME-TIFF of " + h.images + " images (series); read here are OME-TIFFs "
				+ "of one image: save each series as a file of its own (in Fiji: File \u203a Import \u203a Bio-Formats with "
				+ "'Open all series', then save each; or bfconvert -series 0 " + path.getFileName() + " series0.ome.tif)");
		}
		if (h.problem != null) return new OmeTiff(h.problem);
		if (h.images == 0) {
			return new OmeTiff(h.companion != null ? "its metadata lie in the companion file " + h.companion
				+ ", which is not read here: open that file in Fiji with Bio-Formats and save the image as one OME-TIFF"
				: "it describes no image");
		}
		if (h.plane == null) return new OmeTiff("it has no Pixels element");
		return h.finish();
	}

	/** The largest OME-XML file of a bioformats2raw container read ({@link #calibrationOf}). */
	static final long MAX_METADATA_BYTES = 64L << 20;

	/**
	 * The calibration the OME-XML file {@code xml} (a bioformats2raw container's {@code OME/METADATA.ome.xml}) gives
	 * its image number {@code series} (from 0): PhysicalSizeX/Y/Z and TimeIncrement as {@link #calibration} reads
	 * them, with the same hardened parser. Null when it gives none; {@code note} then hears why, where the file is
	 * not what it should be (malformed, hostile, too large, without that image).
	 */
	static TiffCalibration calibrationOf(Path xml, int series, java.util.function.Consumer<String> note) {
		String what = "its calibration in " + xml.getParent().getFileName() + "/" + xml.getFileName() + " was not used (";
		try {
			long size = java.nio.file.Files.size(xml);
			if (size > MAX_METADATA_BYTES) {
				note.accept(what + "the file, of " + size + " bytes, is larger than the " + MAX_METADATA_BYTES + " bytes read "
					+ "here), so it is uncalibrated");
				return null;
			}
			SeriesHandler h = new SeriesHandler(series);
			try (java.io.InputStream in = java.nio.file.Files.newInputStream(xml)) {
				parser().parse(new InputSource(in), h);
			}
			catch (Stop found) {
				// the series' Pixels were read: the rest of the file is not needed
			}
			if (h.pixels == null) {
				note.accept(what + (h.tooDeep ? "its elements nest deeper than the " + MAX_DEPTH + " levels read here"
					: h.ome ? "it describes no image " + series : "it is not OME-XML") + "), so it is uncalibrated");
				return null;
			}
			Map<String, String> p = h.pixels;
			return TiffCalibration.ome(Handler.number(p.get("PhysicalSizeX")), p.get("PhysicalSizeXUnit"),
				Handler.number(p.get("PhysicalSizeY")), p.get("PhysicalSizeYUnit"), Handler.number(p.get("PhysicalSizeZ")),
				p.get("PhysicalSizeZUnit"), Handler.number(p.get("TimeIncrement")), p.get("TimeIncrementUnit"));
		}
		catch (SAXParseException e) {
			String said = e.getMessage() == null ? "" : e.getMessage();
			note.accept(what + (said.contains("DOCTYPE") ? "it holds a DOCTYPE declaration, which OME-XML never has and "
				+ "which is not read here" : "it is not well-formed XML: line " + e.getLineNumber() + ", " + said)
				+ "), so it is uncalibrated");
		}
		catch (SAXException | IOException e) {
			note.accept(what + "it could not be read), so it is uncalibrated");
		}
		return null;
	}

	/** Finds the Pixels of image number {@code series} of an OME-XML document, and stops there. */
	private static final class SeriesHandler extends DefaultHandler {
		private final int series;
		private int depth, images = -1;
		boolean ome, tooDeep;
		Map<String, String> pixels;

		SeriesHandler(int series) {
			this.series = series;
		}

		@Override
		public InputSource resolveEntity(String publicId, String systemId) {
			return new InputSource(new StringReader(""));
		}

		@Override
		public void startElement(String uri, String local, String qName, Attributes a) throws SAXException {
			if (++depth > MAX_DEPTH) {
				tooDeep = true;
				throw new Stop();
			}
			if (depth == 1) {
				if (!local.equals("OME") || !uri.startsWith(NAMESPACE)) throw new Stop();
				ome = true;
			}
			if (depth == 2 && local.equals("Image")) images++;
			if (depth == 3 && images == series && local.equals("Pixels")) {
				pixels = Handler.attributes(a);
				throw new Stop();
			}
		}

		@Override
		public void endElement(String uri, String local, String qName) {
			depth--;
		}

		@Override
		public void error(SAXParseException e) throws SAXException {
			throw e;
		}
	}

	/** A SAX parser that reads no DTD, entity, schema or XInclude. */
	private static SAXParser parser() throws SAXException {
		try {
			SAXParserFactory f = SAXParserFactory.newInstance();
			f.setNamespaceAware(true);
			f.setValidating(false);
			f.setXIncludeAware(false);
			f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			f.setFeature("http://xml.org/sax/features/external-general-entities", false);
			f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
			f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
			SAXParser p = f.newSAXParser();
			p.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
			p.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
			return p;
		}
		catch (ParserConfigurationException e) {
			throw new SAXException(e);
		}
	}

	/** The root element is not OME's: the description is some other XML, not OME-XML. */
	private static final class NotOme extends SAXException {
		private static final long serialVersionUID = 1L;
	}

	/** Reading stops: the handler's problem says why the OME-XML is not used. */
	private static final class Stop extends SAXException {
		private static final long serialVersionUID = 1L;
	}

	/** Reads the root, the first Image's Pixels, Channel and TiffData elements, and counts the images. */
	private static final class Handler extends DefaultHandler {
		private final TiffReader tiff;
		private final Path path;
		private int depth;
		/** Whether the root is OME's (in one of its schemas' namespaces). */
		boolean ome;
		private String rootUuid;
		int images;
		String companion;
		/** The first reason the OME-XML cannot be used, or null. */
		String problem;
		/** Per plane (DimensionOrder's order) its page, -1 where none; null before Pixels. */
		int[] plane;
		private int sizeC, sizeZ, sizeT, samples;
		private String order;
		private Map<String, String> pixels;
		private boolean inFirstImage, inFirstPixels, tiffDataSeen;
		/** The Name of each Channel of the first Pixels, in order (null for none). */
		private final List<String> channelNames = new java.util.ArrayList<>();

		/** The TiffData being read: its attributes, and its UUID's file name and text. */
		private Map<String, String> tiffData;
		private String uuidFile;
		private StringBuilder uuidText;

		Handler(TiffReader tiff, Path path) {
			this.tiff = tiff;
			this.path = path;
		}

		@Override
		public InputSource resolveEntity(String publicId, String systemId) {
			return new InputSource(new StringReader("")); // never fetched (no DTD is read anyway)
		}

		@Override
		public void startElement(String uri, String local, String qName, Attributes a) throws SAXException {
			if (++depth > MAX_DEPTH) {
				problem = "its elements nest deeper than the " + MAX_DEPTH + " levels read here";
				throw new Stop();
			}
			if (depth == 1) {
				if (!local.equals("OME")) throw new NotOme();
				if (!uri.startsWith(NAMESPACE)) {
					if (!uri.contains("openmicroscopy.org")) throw new NotOme();
					problem = "its schema (" + uri + ") is not read here; OME's schemas of 2008 to 2016 are";
				}
				ome = true;
				rootUuid = a.getValue("UUID");
				return;
			}
			if (depth == 2 && local.equals("Image") && ++images == 1) inFirstImage = true;
			if (depth == 2 && local.equals("BinaryOnly")) companion = String.valueOf(a.getValue("MetadataFile"));
			if (!inFirstImage || problem != null) return;
			if (depth == 3 && local.equals("Pixels") && pixels == null) {
				inFirstPixels = true;
				pixels(a);
			}
			else if (inFirstPixels && depth == 4 && local.equals("Channel")) {
				channelNames.add(a.getValue("Name"));
				String spp = a.getValue("SamplesPerPixel");
				if (spp != null && count(spp) != samples) {
					problem = "a Channel of " + spp.trim() + " samples per pixel, where the pages have " + samples;
				}
			}
			else if (inFirstPixels && depth == 4 && local.equals("TiffData")) {
				tiffData = attributes(a);
				uuidFile = null;
				uuidText = null;
			}
			else if (tiffData != null && depth == 5 && local.equals("UUID")) {
				uuidFile = a.getValue("FileName");
				uuidText = new StringBuilder();
			}
		}

		@Override
		public void characters(char[] ch, int start, int length) {
			if (uuidText != null && uuidText.length() < 1024) uuidText.append(ch, start, length);
		}

		@Override
		public void endElement(String uri, String local, String qName) {
			if (depth == 4 && tiffData != null) {
				if (problem == null && plane != null) tiffData(tiffData, uuidFile, uuidText == null ? null
					: uuidText.toString().trim());
				tiffData = null;
				uuidText = null;
			}
			if (depth == 2 && inFirstImage) inFirstImage = false;
			if (depth == 3 && inFirstPixels) {
				inFirstPixels = false;
				// no TiffData: the pages hold the planes in DimensionOrder, as one TiffData without attributes says
				if (problem == null && plane != null && !tiffDataSeen) tiffData(Map.of(), null, null);
			}
			depth--;
		}

		@Override
		public void error(SAXParseException e) throws SAXException {
			throw e;
		}

		private void pixels(Attributes a) {
			pixels = attributes(a);
			samples = tiff.storedSamples(0);
			int sizeX = count(pixels.get("SizeX")), sizeY = count(pixels.get("SizeY"));
			int c = count(pixels.get("SizeC")), z = count(pixels.get("SizeZ")), t = count(pixels.get("SizeT"));
			String given = pixels.get("DimensionOrder");
			order = given == null ? "" : given.trim().toUpperCase(Locale.ROOT);
			if (sizeX < 1 || sizeY < 1 || c < 1 || z < 1 || t < 1) {
				problem = "its Pixels element gives no valid SizeX, SizeY, SizeC, SizeZ and SizeT";
				return;
			}
			if (!order.matches("XY(ZCT|ZTC|CZT|CTZ|TZC|TCZ)")) {
				problem = (given == null ? "it gives no DimensionOrder" : "its DimensionOrder " + given + " is none of")
					+ " XYZCT, XYZTC, XYCZT, XYCTZ, XYTZC, XYTCZ";
				return;
			}
			if (sizeX != tiff.width(0) || sizeY != tiff.height(0)) {
				problem = "it gives planes of " + sizeX + "\u00d7" + sizeY + " pixels, but the pages are "
					+ tiff.width(0) + "\u00d7" + tiff.height(0);
				return;
			}
			// a channel of several samples a pixel (RGB) lies in one page: SizeC counts its samples
			if (samples > 1 && !(c == samples && (tiff.dataType(0).bytes() == 1 || (long) z * t == 1))) {
				problem = "it gives " + c + " channels of pages of " + samples + " samples per pixel; read here are one "
					+ "sample a page, or one channel of 8-bit RGB pages";
				return;
			}
			sizeC = samples > 1 ? 1 : c;
			sizeZ = z;
			sizeT = t;
			long planes = (long) sizeC * z * t;
			if (planes > tiff.pages()) {
				problem = "it gives " + planes + " planes (SizeC " + c + " \u00d7 SizeZ " + z + " \u00d7 SizeT " + t
					+ (samples > 1 ? " of " + samples + " samples" : "") + "), but the file has " + tiff.pages() + " pages";
				return;
			}
			plane = new int[(int) planes];
			Arrays.fill(plane, -1);
		}

		/** Places the pages of one TiffData element (its attributes, its UUID's file name and text, if any). */
		private void tiffData(Map<String, String> at, String fileName, String uuid) {
			tiffDataSeen = true;
			boolean here = uuid != null && !uuid.isEmpty() && rootUuid != null ? uuid.equals(rootUuid.trim())
				: fileName == null || fileName.equals(String.valueOf(path.getFileName()));
			if (!here) {
				problem = "it places planes in another file, " + (fileName != null ? fileName : uuid) + ": a multi-file "
					+ "OME-TIFF, whose planes lie in several files, is not read here: open it in Fiji with Bio-Formats and "
					+ "save it as one OME-TIFF";
				return;
			}
			int ifd = at.containsKey("IFD") ? index(at.get("IFD")) : 0;
			int c = index(at.getOrDefault("FirstC", "0")), z = index(at.getOrDefault("FirstZ", "0"));
			int t = index(at.getOrDefault("FirstT", "0"));
			if (ifd < 0 || c < 0 || z < 0 || t < 0 || c >= sizeC || z >= sizeZ || t >= sizeT) {
				problem = "a TiffData element gives an IFD or a first plane outside the image (IFD " + at.get("IFD")
					+ ", FirstC " + at.get("FirstC") + ", FirstZ " + at.get("FirstZ") + ", FirstT " + at.get("FirstT") + ")";
				return;
			}
			int first = linear(c, z, t);
			long n;
			if (at.containsKey("PlaneCount")) n = index(at.get("PlaneCount"));
			// the default: 1 for a TiffData naming its IFD, else every page (as many as the planes from the first)
			else n = at.containsKey("IFD") ? 1 : Math.min(tiff.pages() - (long) ifd, plane.length - (long) first);
			if (n < 0 || first + n > plane.length || ifd + n > tiff.pages()) {
				problem = "a TiffData element places " + n + (n == 1 ? " plane" : " planes") + " from IFD " + ifd + ", beyond the "
					+ plane.length + " planes of the image or the " + tiff.pages() + " pages of the file";
				return;
			}
			for (int i = 0; i < n; i++) {
				if (plane[first + i] >= 0) {
					int[] czt = czt(first + i);
					problem = "it places plane C" + czt[0] + " Z" + czt[1] + " T" + czt[2] + " in two pages (IFD "
						+ plane[first + i] + " and " + (ifd + i) + ")";
					return;
				}
				plane[first + i] = ifd + i;
			}
		}

		/** The position of plane (c, z, t) in DimensionOrder's order (the first named varies fastest). */
		private int linear(int c, int z, int t) {
			int index = 0, stride = 1;
			for (int k = 2; k < 5; k++) {
				char d = order.charAt(k);
				index += stride * (d == 'C' ? c : d == 'Z' ? z : t);
				stride *= d == 'C' ? sizeC : d == 'Z' ? sizeZ : sizeT;
			}
			return index;
		}

		private int[] czt(int linear) {
			int[] czt = new int[3];
			for (int k = 2; k < 5; k++) {
				char d = order.charAt(k);
				int size = d == 'C' ? sizeC : d == 'Z' ? sizeZ : sizeT;
				czt[d == 'C' ? 0 : d == 'Z' ? 1 : 2] = linear % size;
				linear /= size;
			}
			return czt;
		}

		/** The image, or the note of a plane in no page. */
		OmeTiff finish() {
			int[] pages = new int[plane.length];
			for (int t = 0; t < sizeT; t++) {
				for (int z = 0; z < sizeZ; z++) {
					for (int c = 0; c < sizeC; c++) {
						int page = plane[linear(c, z, t)];
						if (page < 0) {
							return new OmeTiff("its TiffData elements place plane C" + c + " Z" + z + " T" + t + " in no page");
						}
						pages[c + sizeC * (z + sizeZ * t)] = page;
					}
				}
			}
			TiffCalibration cal = TiffCalibration.ome(number(pixels.get("PhysicalSizeX")), pixels.get("PhysicalSizeXUnit"),
				number(pixels.get("PhysicalSizeY")), pixels.get("PhysicalSizeYUnit"), number(pixels.get("PhysicalSizeZ")),
				pixels.get("PhysicalSizeZUnit"), number(pixels.get("TimeIncrement")), pixels.get("TimeIncrementUnit"));
			// Bio-Formats names an image's channels by them; one name per channel of one sample (an RGB channel's
			// samples are named by their colours)
			boolean named = samples == 1 && channelNames.size() == sizeC && channelNames.stream().anyMatch(n -> n != null);
			return new OmeTiff(sizeC, sizeZ, sizeT, pages, cal, named ? channelNames.toArray(new String[0]) : null);
		}

		private static Map<String, String> attributes(Attributes a) {
			Map<String, String> m = new java.util.HashMap<>();
			for (int i = 0; i < a.getLength(); i++) m.put(a.getLocalName(i).isEmpty() ? a.getQName(i) : a.getLocalName(i), a.getValue(i));
			return m;
		}

		/** A whole number of at least 1, 0 when absent or unreadable. */
		private static int count(String text) {
			int v = index(text);
			return Math.max(v, 0);
		}

		/** A whole number of at least 0, -1 when absent or unreadable. */
		private static int index(String text) {
			if (text == null) return -1;
			try {
				return Math.max(-1, Integer.parseInt(text.trim()));
			}
			catch (NumberFormatException e) {
				return -1;
			}
		}

		private static double number(String text) {
			return TiffCalibration.number(text);
		}
	}

	/** Whether the OME-XML gives the image's layout and calibration; when not, {@link #note} says why. */
	public boolean used() {
		return pages != null;
	}

	/** Why the OME-XML was not used, as a clause for the file's line ("its OME-XML was not used (...)"), null when used. */
	public String note() {
		return note;
	}

	/** Channels (1 for an RGB channel, whose samples ImageJ holds in one pixel). */
	public int channels() { return channels; }
	/**
	 * The Name the OME-XML gives channel {@code c} (from 0), as Fiji's Bio-Formats shows it, or null for none (or
	 * for the channel of RGB pages, whose samples are named by their colours).
	 */
	public String channelName(int c) {
		return channelNames == null || c < 0 || c >= channelNames.length ? null : channelNames[c];
	}

	/** Slices. */
	public int slices() { return slices; }
	/** Time points. */
	public int frames() { return frames; }

	/** The page (from 0) holding channel {@code c}, slice {@code z}, time point {@code t}. */
	public int page(int c, int z, int t) {
		if (c < 0 || c >= channels || z < 0 || z >= slices || t < 0 || t >= frames) {
			throw new IndexOutOfBoundsException("plane c" + c + " z" + z + " t" + t);
		}
		return pages[c + channels * (z + slices * t)];
	}

	/** The calibration of PhysicalSizeX/Y/Z and TimeIncrement; {@link TiffCalibration#NONE} when not {@link #used}. */
	public TiffCalibration calibration() {
		return calibration;
	}
}
