package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * An OME-TIFF is read as its OME-XML describes it, as Fiji's Bio-Formats reads it: channels, slices and frames, the
 * page of each plane and the calibration, from files tifffile's OME writer made ({@code scripts/ome_tiff_golden.py},
 * pixel (t, c, z, y, x) holding {@link ZarrGoldenTest#value}) and from OME-XML written here (one TiffData a plane,
 * as Bio-Formats writes it). An OME-XML that is malformed, hostile or describes what is not read is not used: the
 * file is read as a TIFF, its pages its slices, with a note saying why; a file of several images is refused.
 */
class OmeTiffTest {

	@TempDir
	Path dir;

	private static final String NS = "http://www.openmicroscopy.org/Schemas/OME/2016-06";
	private static final int W = 12, H = 10;

	private static Path golden(String name) throws Exception {
		return Paths.get(OmeTiffTest.class.getResource("ome/" + name + ".ome.tif").toURI());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({
		"czyx-u16-strips, 3, 4, 1, <u2, 0.3, 0.4, 1.5, micrometer, 1, ",
		"tczyx-f32-strips, 3, 2, 2, <f4, 25, 25, 80, nanometer, 0.5, millisecond",
		"tzcyx-f32-tiles, 3, 2, 2, <f4, 25, 25, 80, nanometer, 0.5, millisecond" })
	void filesTifffileWroteAreReadAsTheirOmeXmlSays(String name, int c, int z, int t, String dtype, double sizeX,
		double sizeY, double sizeZ, String unit, double interval, String tUnit) throws Exception
	{
		try (ChunkedImage in = ChunkedImage.open(golden(name))) {
			assertNull(in.note(), name);
			assertArrayEquals(new int[] { c, z, t, 17, 12 }, new int[] { in.channels(), in.slices(), in.frames(),
				in.width(), in.height() }, name);
			DataType type = DataType.parse(dtype);
			float[] px = new float[17 * 12];
			for (int tt = 0; tt < t; tt++) {
				for (int cc = 0; cc < c; cc++) {
					for (int zz = 0; zz < z; zz++) {
						in.plane(tt, cc, zz).read(0, 0, 17, 12, px);
						for (int i = 0; i < px.length; i++) {
							assertEquals(ZarrGoldenTest.cast(ZarrGoldenTest.value(tt, cc, zz, i / 17, i % 17), type), px[i],
								name + ": t" + tt + " c" + cc + " z" + zz + " pixel " + i);
						}
					}
				}
			}
			assertArrayEquals(new double[] { interval, 1, sizeZ, sizeY, sizeX }, in.scale(), 0.0, name);
			assertArrayEquals(new double[5], in.translation(), 0.0, name);
			assertArrayEquals(new String[] { tUnit, null, unit, unit, unit }, in.units(), name);
		}
	}

	@Test
	void anOmeTiffOfSeveralImagesIsRefusedNamingWhatToDo() throws Exception {
		UserException e = assertThrows(UserException.class, () -> ChunkedImage.open(golden("two-series")));
		assertTrue(e.getMessage().contains("an OME-TIFF of 2 images (series)") && e.getMessage().contains("Bio-Formats")
			&& e.getMessage().contains("bfconvert -series 0"), e.getMessage());
		assertThrows(UserException.class, () -> OmeTiff.read(golden("two-series")));
	}

	/** Page {@code p} holds {@code 10 p + (x + y) % 7} at (x, y). */
	private static byte[] page(int p) {
		byte[] b = new byte[W * H];
		for (int i = 0; i < b.length; i++) b[i] = (byte) (10 * p + (i % W + i / W) % 7);
		return b;
	}

	/** A file of {@code pages} 8-bit pages ({@link #page}) whose first page's description is {@code description}. */
	private Path file(String name, int pages, String description) throws IOException {
		TiffBytes t = TiffBytes.grey8(W, H).strips(List.of(page(0)));
		if (description != null) t.description(description);
		for (int p = 1; p < pages; p++) t.thenPage(TiffBytes.grey8(W, H).strips(List.of(page(p))));
		return Files.write(dir.resolve(name), t.build());
	}

	/** OME-XML of one image of {@code c × z × t} planes of W × H, with {@code pixels} attributes and {@code inside}. */
	private static String ome(int c, int z, int t, String order, String pixels, String inside) {
		return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=\"" + NS + "\" UUID=\"urn:uuid:0001\">"
			+ "<Image ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"" + order + "\" Type=\"uint8\" SizeX=\"" + W
			+ "\" SizeY=\"" + H + "\" SizeC=\"" + c + "\" SizeZ=\"" + z + "\" SizeT=\"" + t + "\" " + pixels + ">" + inside
			+ "</Pixels></Image></OME>";
	}

	/** UTF-8 text as the bytes of a TIFF's description ({@link TiffBytes} writes each character as one byte). */
	private static String utf8(String text) {
		return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
	}

	private static void assertPages(ChunkedImage in, int[][][] pageOf, String what) throws IOException {
		float[] px = new float[W * H];
		for (int t = 0; t < in.frames(); t++) {
			for (int z = 0; z < in.slices(); z++) {
				for (int c = 0; c < in.channels(); c++) {
					in.plane(t, c, z).read(0, 0, W, H, px);
					byte[] want = page(pageOf[t][z][c]);
					for (int i = 0; i < px.length; i++) {
						assertEquals(want[i] & 0xff, px[i], 0f, what + ": t" + t + " z" + z + " c" + c + " pixel " + i);
					}
				}
			}
		}
	}

	/**
	 * Bio-Formats' way: one TiffData a plane, each naming its IFD and its file; here the pages are stored in reverse,
	 * DimensionOrder XYCTZ, and the file was renamed since (its UUID, not its old name, says it is this file).
	 */
	@Test
	void oneTiffDataAPlaneMapsEachPlaneToItsPage() throws IOException {
		StringBuilder planes = new StringBuilder();
		for (int t = 0; t < 3; t++) {
			for (int c = 0; c < 2; c++) {
				int ifd = 5 - (c + 2 * t);
				planes.append("<TiffData FirstC=\"").append(c).append("\" FirstZ=\"0\" FirstT=\"").append(t)
					.append("\" IFD=\"").append(ifd).append("\" PlaneCount=\"1\"><UUID FileName=\"before-renaming.ome.tif\">"
						+ "urn:uuid:0001</UUID></TiffData>");
			}
		}
		Path f = file("bf.ome.tif", 6, utf8(ome(2, 1, 3, "XYCTZ", "PhysicalSizeX=\"0.5\" PhysicalSizeXUnit=\"mm\" "
			+ "PhysicalSizeY=\"0.25\" PhysicalSizeYUnit=\"µm\" TimeIncrement=\"2\" TimeIncrementUnit=\"min\"", planes.toString())));
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertNull(in.note());
			assertArrayEquals(new int[] { 2, 1, 3 }, new int[] { in.channels(), in.slices(), in.frames() });
			int[][][] pageOf = new int[3][1][2];
			for (int t = 0; t < 3; t++) for (int c = 0; c < 2; c++) pageOf[t][0][c] = 5 - (c + 2 * t);
			assertPages(in, pageOf, "reversed pages");
			assertArrayEquals(new double[] { 2, 1, 1, 0.25, 0.5 }, in.scale(), 0.0);
			// no PhysicalSizeZ: no z calibration; µm written in UTF-8 is micrometre, mm millimetre, min minute
			assertArrayEquals(new String[] { "minute", null, null, "micrometer", "millimeter" }, in.units());
		}
		OmeTiff ome = OmeTiff.read(f);
		assertTrue(ome.used());
		assertEquals(5, ome.page(0, 0, 0));
		assertEquals(0, ome.page(1, 0, 2));
	}

	/**
	 * Without TiffData, or with one without attributes, the pages hold the planes in DimensionOrder's order (XYZTC:
	 * z fastest, then t, then c); the units OME writes when none is given are µm and s.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource({ "no TiffData, ''", "a bare TiffData, <TiffData/>", "an IFD and a count, <TiffData IFD='0' PlaneCount='8'/>" })
	void pagesInDimensionOrderWithoutTiffDataAttributes(String what, String tiffData) throws IOException {
		Path f = file("order.ome.tif", 8, ome(2, 2, 2, "XYZTC", "PhysicalSizeX=\"0.7\" PhysicalSizeY=\"0.7\" "
			+ "PhysicalSizeZ=\"3\" TimeIncrement=\"10\"", tiffData.replace('\'', '"')));
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertNull(in.note(), what);
			int[][][] pageOf = new int[2][2][2];
			for (int t = 0; t < 2; t++) for (int z = 0; z < 2; z++) for (int c = 0; c < 2; c++) pageOf[t][z][c] = z + 2 * (t + 2 * c);
			assertPages(in, pageOf, what);
			assertArrayEquals(new double[] { 10, 1, 3, 0.7, 0.7 }, in.scale(), 0.0, what);
			assertArrayEquals(new String[] { "second", null, "micrometer", "micrometer", "micrometer" }, in.units(), what);
		}
	}

	/**
	 * Units OME names that NGFF does not (pixel, thou) are dropped, the size kept, as a TIFF's are; a size that is
	 * not a sane number is none, as is a time increment of 0.
	 */
	@Test
	void unitsNgffDoesNotNameAreDroppedAndInsaneSizesAreNone() throws IOException {
		Path f = file("units.ome.tif", 2, ome(1, 2, 1, "XYZCT", "PhysicalSizeX=\"2\" PhysicalSizeXUnit=\"pixel\" "
			+ "PhysicalSizeY=\"3\" PhysicalSizeYUnit=\"thou\" PhysicalSizeZ=\"-1\" TimeIncrement=\"0\"", "<TiffData/>"));
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertNull(in.note());
			assertArrayEquals(new double[] { 1, 1, 1, 3, 2 }, in.scale(), 0.0);
			assertArrayEquals(new String[5], in.units());
		}
	}

	/**
	 * What is not read here is not used: the file is read as a TIFF, its pages its slices, uncalibrated, and the note
	 * says why, in words (never a parser's exception).
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
		"malformed | <TiffData/></Pixels></Image> | it is not well-formed XML",
		"a plane in no page | <TiffData IFD='0' PlaneCount='5'/> | place plane C1 Z2 T0 in no page",
		"two planes in one page | <TiffData/><TiffData IFD='0' FirstC='1'/> | in two pages (IFD 3 and 0)",
		"a page beyond the file | <TiffData IFD='6'/> | places 1 plane from IFD 6, beyond the 6 planes of the image or the 6 pages of the file",
		"another file | <TiffData><UUID FileName='other.ome.tif'>urn:uuid:0002</UUID></TiffData> | another file, other.ome.tif",
		"another size | SIZE | planes of 13×10 pixels, but the pages are 12×10",
		"more planes than pages | PLANES | 12 planes (SizeC 2 × SizeZ 3 × SizeT 2), but the file has 6 pages",
		"a DimensionOrder | ORDER | its DimensionOrder XYZ is none of XYZCT",
		"too deep | DEEP | nest deeper than the 64 levels",
		"another schema | SCHEMA | its schema (http://www.openmicroscopy.org/XMLschemas/OME/FC/ome.xsd) is not read here",
		"a companion file | COMPANION | the companion file x.companion.ome, which is not read here",
		"a DOCTYPE | DOCTYPE | it holds a DOCTYPE declaration" })
	void whatIsNotReadFallsBackToTheTiffWithANote(String what, String inside, String said) throws IOException {
		String xml = ome(2, 3, 1, "XYZCT", "", inside.replace('\'', '"'));
		switch (inside) {
			case "SIZE": xml = ome(2, 3, 1, "XYZCT", "", "").replace("SizeX=\"12\"", "SizeX=\"13\""); break;
			case "PLANES": xml = ome(2, 3, 2, "XYZCT", "", ""); break;
			case "ORDER": xml = ome(2, 3, 1, "XYZ", "", ""); break;
			case "DEEP": xml = ome(2, 3, 1, "XYZCT", "", "<a>".repeat(100) + "</a>".repeat(100)); break;
			case "SCHEMA": xml = ome(2, 3, 1, "XYZCT", "", "").replace(NS, "http://www.openmicroscopy.org/XMLschemas/OME/FC/ome.xsd"); break;
			case "COMPANION": xml = "<OME xmlns=\"" + NS + "\"><BinaryOnly MetadataFile=\"x.companion.ome\" UUID=\"u\"/></OME>"; break;
			case "DOCTYPE": xml = "<?xml version=\"1.0\"?><!DOCTYPE OME []>" + ome(2, 3, 1, "XYZCT", "", "").replaceFirst("<\\?xml[^>]*>", ""); break;
			default:
		}
		Path f = file("fallback.ome.tif", 6, xml);
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertNotNull(in.note(), what);
			assertTrue(in.note().startsWith("its OME-XML was not used (") && in.note().contains(said)
				&& in.note().endsWith("its pages were read as slices, as ImageJ reads them without Bio-Formats"),
				what + ": " + in.note());
			assertFalse(in.note().contains("Exception") || in.note().contains("org.xml"), in.note());
			assertArrayEquals(new int[] { 1, 6, 1 }, new int[] { in.channels(), in.slices(), in.frames() }, what);
			int[][][] pageOf = new int[1][6][1];
			for (int z = 0; z < 6; z++) pageOf[0][z][0] = z;
			assertPages(in, pageOf, what);
			assertArrayEquals(new double[] { 1, 1, 1, 1, 1 }, in.scale(), 0.0, what);
		}
		OmeTiff ome = OmeTiff.read(f);
		assertFalse(ome.used(), what);
		assertEquals(ome.note(), OmeTiff.read(f).note(), what);
	}

	/**
	 * Hostile XML reads nothing outside the file and expands nothing: an external entity naming a file beside it (its
	 * text never appears), a billion laughs (refused at its DOCTYPE, before any expansion).
	 */
	@Test
	void hostileXmlReadsNothingOutsideTheFile() throws IOException {
		Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET-42");
		String xxe = "<?xml version=\"1.0\"?><!DOCTYPE OME [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
			+ "<OME xmlns=\"" + NS + "\"><Image ID=\"Image:0\"><Pixels DimensionOrder=\"XYZCT\" SizeX=\"&x;\"/></Image></OME>";
		StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE OME [<!ENTITY l0 \"lol\">");
		for (int i = 1; i < 10; i++) laughs.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
		laughs.append("]><OME xmlns=\"").append(NS).append("\">&l9;</OME>");
		for (String xml : new String[] { xxe, laughs.toString() }) {
			try (ChunkedImage in = ChunkedImage.open(file("hostile.ome.tif", 2, xml))) {
				assertNotNull(in.note());
				assertTrue(in.note().contains("DOCTYPE") && !in.note().contains("SECRET"), in.note());
				assertEquals(2, in.slices());
			}
		}
	}

	/** XML that is not OME-XML (another program's metadata) is no OME-XML: read as before, without a note. */
	@Test
	void otherXmlIsReadAsBeforeWithoutANote() throws IOException {
		for (String xml : new String[] { "<?xml version=\"1.0\"?><MetaData><prop id=\"Exposure\" value=\"1\"/></MetaData>",
			"<OME xmlns=\"http://example.com/not-ome\"/>", "<not xml at all", "ImageJ=1.54p\nimages=3\nslices=3\n" })
		{
			try (ChunkedImage in = ChunkedImage.open(file("other.tif", 3, xml))) {
				assertNull(in.note(), xml);
				assertEquals(3, in.slices(), xml);
			}
			assertNull(OmeTiff.read(dir.resolve("other.tif")), xml);
		}
	}

	/** An ImageDescription larger than the OME-XML read here is not used, with a note. */
	@Test
	void anOmeXmlLargerThanReadIsNotUsed() throws IOException {
		String padding = "<!--" + "x".repeat(OmeTiff.MAX_XML_BYTES) + "-->";
		Path f = file("large.ome.tif", 2, ome(1, 2, 1, "XYZCT", "", "<TiffData/>") + padding);
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertNotNull(in.note());
			assertTrue(in.note().contains("is larger than the " + OmeTiff.MAX_XML_BYTES + " bytes read here"), in.note());
			assertEquals(2, in.slices());
		}
	}

	/** 8-bit RGB pages: one OME channel of 3 samples, the pages its slices; other sample layouts are not used. */
	@Test
	void rgbPagesAreOneChannelOfThreeSamples() throws IOException {
		List<byte[]> pages = new ArrayList<>();
		for (int p = 0; p < 2; p++) pages.add(TiffBytes.rows(W, 0, H, 3));
		String xml = ome(3, 1, 2, "XYCZT", "PhysicalSizeX=\"0.5\" PhysicalSizeY=\"0.5\"",
			"<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"3\"/><TiffData IFD=\"0\" PlaneCount=\"2\"/>");
		TiffBytes t = TiffBytes.grey8(W, H).tag(258, 8, 8, 8).tag(277, 3).tag(262, 2).strips(List.of(pages.get(0)))
			.description(xml).thenPage(TiffBytes.grey8(W, H).tag(258, 8, 8, 8).tag(277, 3).tag(262, 2)
				.strips(List.of(pages.get(1))));
		Path f = Files.write(dir.resolve("rgb.ome.tif"), t.build());
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertNull(in.note());
			assertArrayEquals(new int[] { 3, 1, 2 }, new int[] { in.channels(), in.slices(), in.frames() });
			assertArrayEquals(new double[] { 1, 1, 1, 0.5, 0.5 }, in.scale(), 0.0);
		}
		Files.write(f, t.description(xml.replace("SizeC=\"3\"", "SizeC=\"6\"")).build());
		try (ChunkedImage in = ChunkedImage.open(f)) {
			assertTrue(in.note() != null && in.note().contains("6 channels of pages of 3 samples per pixel"), in.note());
		}
	}
}
