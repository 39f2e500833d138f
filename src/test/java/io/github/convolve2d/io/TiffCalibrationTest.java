package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The large-TIFF reader's calibration: what ImageJ wrote reads back as ImageJ reads it (pixel size, unit, spacing,
 * origin), the resolution tags alone as ImageJ takes them (inch and cm, 72 dpi ignored), and damaged or absurd
 * values (zero, negative, NaN, past the file's end, a pixel of 10²⁰ units) as no calibration, never an error.
 */
class TiffCalibrationTest {

	@TempDir
	Path tmp;

	private static final double TOLERANCE = 1e-12;

	private Path imageJTiff(String name, int slices, String unit, double pw, double ph, double pd, double x0, double y0)
		throws IOException
	{
		ImageStack stack = new ImageStack(9, 7);
		for (int z = 0; z < slices; z++) stack.addSlice(new FloatProcessor(9, 7));
		ImagePlus imp = new ImagePlus(name, stack);
		Calibration cal = imp.getCalibration();
		if (unit != null) {
			cal.setUnit(unit);
			cal.pixelWidth = pw;
			cal.pixelHeight = ph;
			cal.pixelDepth = pd;
			cal.xOrigin = x0;
			cal.yOrigin = y0;
		}
		Path file = tmp.resolve(name + ".tif");
		FileSaver saver = new FileSaver(imp);
		assertTrue(slices > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString()));
		return file;
	}

	private static TiffCalibration read(Path file) throws IOException {
		try (TiffReader r = TiffReader.open(file)) {
			return r.calibration();
		}
	}

	@Test
	void whatImageJWroteReadsBackAsImageJReadsIt() throws IOException {
		Path file = imageJTiff("cal", 3, "micron", 0.25, 0.4, 1.5, 3, -2.5);
		Calibration ij = IJ.openImage(file.toString()).getCalibration();
		TiffCalibration cal = read(file);
		assertEquals(ij.pixelWidth, cal.pixelWidth(), TOLERANCE);
		assertEquals(ij.pixelHeight, cal.pixelHeight(), TOLERANCE);
		assertEquals(ij.pixelDepth, cal.pixelDepth(), TOLERANCE);
		assertEquals(ij.xOrigin, cal.xOrigin(), TOLERANCE);
		assertEquals(ij.yOrigin, cal.yOrigin(), TOLERANCE);
		assertEquals(1.5, cal.pixelDepth(), TOLERANCE);
		assertEquals("micron", ij.getUnit());
		assertArrayEquals(new String[] { "micrometer", "micrometer", "micrometer" },
			new String[] { cal.xUnit(), cal.yUnit(), cal.zUnit() });
		// ImageJ escapes µ in its description (unit=\u00B5m)
		TiffCalibration mu = read(imageJTiff("mu", 1, "µm", 0.5, 0.5, 1, 0, 0));
		assertEquals("micrometer", mu.xUnit());
		assertEquals(0.5, mu.pixelWidth(), TOLERANCE);
		assertEquals("nanometer", read(imageJTiff("nm", 1, "nm", 2, 2, 1, 0, 0)).xUnit());
	}

	/**
	 * A time series' frame interval (ImageJ's finterval, in seconds unless tunit says otherwise) is the time axis'
	 * scale, as ImageJ reads it back; none without one.
	 */
	@Test
	void theFrameIntervalIsReadAsImageJReadsIt() throws IOException {
		for (String unit : new String[] { "sec", "ms", "min" }) {
			ImageStack stack = new ImageStack(9, 7);
			for (int t = 0; t < 3; t++) stack.addSlice(new FloatProcessor(9, 7));
			ImagePlus imp = new ImagePlus("series", stack);
			imp.setDimensions(1, 1, 3);
			imp.getCalibration().frameInterval = 2.5;
			imp.getCalibration().setTimeUnit(unit);
			Path file = tmp.resolve("series-" + unit + ".tif");
			assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
			Calibration ij = IJ.openImage(file.toString()).getCalibration();
			TiffCalibration cal = read(file);
			assertEquals(ij.frameInterval, cal.frameInterval(), TOLERANCE);
			assertEquals(2.5, cal.frameInterval(), TOLERANCE);
			assertEquals(unit, ij.getTimeUnit());
			assertEquals(unit.equals("sec") ? "second" : unit.equals("ms") ? "millisecond" : "minute", cal.tUnit());
			assertEquals(unit, TiffCalibration.imageJUnit(cal.tUnit()), "back to ImageJ's name");
		}
		TiffCalibration none = read(imageJTiff("still", 2, "micron", 1, 1, 1, 0, 0));
		assertEquals(1, none.frameInterval(), TOLERANCE);
		assertEquals(null, none.tUnit());
	}

	@Test
	void anUncalibratedImageHasNone() throws IOException {
		TiffCalibration cal = read(imageJTiff("plain", 2, null, 0, 0, 0, 0, 0));
		assertNone(cal);
		assertTrue(!IJ.openImage(tmp.resolve("plain.tif").toString()).getCalibration().scaled());
	}

	private static void assertNone(TiffCalibration cal) {
		assertArrayEquals(new double[] { 1, 1, 1, 0, 0, 0 }, new double[] { cal.pixelWidth(), cal.pixelHeight(),
			cal.pixelDepth(), cal.xOrigin(), cal.yOrigin(), cal.zOrigin() });
		assertNull(cal.xUnit());
		assertNull(cal.yUnit());
		assertNull(cal.zUnit());
	}

	@Test
	void theResolutionTagsAloneAreReadAsImageJReadsThem() throws IOException {
		// ImageJ wrote these; its description is hidden, so only X/YResolution and ResolutionUnit remain
		Object[][] cases = { { "cm", 0.5, "centimeter", 0.5 }, { "inch", 0.01, "inch", 0.01 },
			{ "inch", 1 / 72.0, null, 1.0 }, { "micron", 0.25, null, 0.25 } }; // 72 dpi: ignored; micron: unit 1 (none)
		for (Object[] c : cases) {
			Path file = imageJTiff("res", 1, (String) c[0], (Double) c[1], (Double) c[1], 1, 0, 0);
			byte[] bytes = Files.readAllBytes(file);
			int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("ImageJ=");
			bytes[at] = 'X';
			Files.write(file, bytes);
			Calibration ij = IJ.openImage(file.toString()).getCalibration();
			TiffCalibration cal = read(file);
			String what = c[0] + " " + c[1];
			assertEquals(c[2], cal.xUnit(), what);
			assertEquals((Double) c[3], cal.pixelWidth(), TOLERANCE, what);
			assertEquals(ij.pixelWidth, cal.pixelWidth(), TOLERANCE, what);
			Files.delete(file);
		}
	}

	/**
	 * A file with XResolution but no YResolution: ImageJ keeps its default pixel height, 1 (pixels are not made
	 * square), so the block-by-block path reads the height the whole-image path's ImageJ reads.
	 */
	@Test
	void aMissingYResolutionLeavesThePixelHeightAtOneAsImageJDoes() throws IOException {
		Path file = tiny("onlyx", entry(282, RATIONAL, 1, rational(2, 1)), entry(296, SHORT, 1, shortValue(3)));
		Calibration ij = IJ.openImage(file.toString()).getCalibration();
		TiffCalibration cal = read(file);
		assertEquals(0.5, ij.pixelWidth, TOLERANCE);
		assertEquals(1.0, ij.pixelHeight, TOLERANCE);
		assertEquals(ij.pixelWidth, cal.pixelWidth(), TOLERANCE);
		assertEquals(ij.pixelHeight, cal.pixelHeight(), TOLERANCE);
		assertEquals("centimeter", cal.xUnit());
		assertEquals("centimeter", cal.yUnit());
	}

	/**
	 * Resolution tags in pixels per centimetre with ImageJ's {@code unit=um} (as some programs write them): ImageJ
	 * reads a pixel size in micrometres, 10⁴ times the tags' centimetres, and so must the block-by-block path.
	 */
	@Test
	void pixelsPerCentimetreWithAMicrometreUnitAreReadAsImageJReadsThem() throws IOException {
		byte[] text = "ImageJ=1.11a\nunit=um\n\0".getBytes(StandardCharsets.ISO_8859_1);
		Path file = tiny("cmum", entry(270, ASCII, text.length, text), entry(282, RATIONAL, 1, rational(20000, 1)),
			entry(283, RATIONAL, 1, rational(40000, 1)), entry(296, SHORT, 1, shortValue(3)));
		Calibration ij = IJ.openImage(file.toString()).getCalibration();
		TiffCalibration cal = read(file);
		assertEquals(0.5, ij.pixelWidth, TOLERANCE);
		assertEquals(0.25, ij.pixelHeight, TOLERANCE);
		assertEquals(ij.pixelWidth, cal.pixelWidth(), TOLERANCE);
		assertEquals(ij.pixelHeight, cal.pixelHeight(), TOLERANCE);
		assertEquals("micrometer", cal.xUnit());
	}

	/**
	 * 72 pixels per inch in the tags of a file whose ImageJ description names a unit: ImageJ takes 72 dpi for no
	 * pixel size (pixels of 1) but keeps the description's unit, and so must the block-by-block path.
	 */
	@Test
	void seventyTwoDotsPerInchAreAPixelSizeOfOneEvenWithAUnit() throws IOException {
		Path file = imageJTiff("dpi", 1, "inch", 1 / 72.0, 1 / 72.0, 1, 0, 0);
		Calibration ij = IJ.openImage(file.toString()).getCalibration();
		TiffCalibration cal = read(file);
		assertEquals(1.0, ij.pixelWidth, TOLERANCE);
		assertEquals("inch", ij.getUnit());
		assertEquals(ij.pixelWidth, cal.pixelWidth(), TOLERANCE);
		assertEquals(ij.pixelHeight, cal.pixelHeight(), TOLERANCE);
		assertEquals("inch", cal.xUnit());
	}

	/**
	 * An ImageJ description that names no unit (as tifffile writes one) beside ResolutionUnit cm: ImageJ takes the
	 * unit from its description only, so it reads the pixel size without a unit, and so must the block-by-block path.
	 */
	@Test
	void anImageJDescriptionWithoutAUnitOutweighsResolutionUnit() throws IOException {
		byte[] text = "ImageJ=1.11a\nimages=1\n\0".getBytes(StandardCharsets.ISO_8859_1);
		Path file = tiny("nounit", entry(270, ASCII, text.length, text), entry(282, RATIONAL, 1, rational(2, 1)),
			entry(283, RATIONAL, 1, rational(2, 1)), entry(296, SHORT, 1, shortValue(3)));
		Calibration ij = IJ.openImage(file.toString()).getCalibration();
		TiffCalibration cal = read(file);
		assertEquals("pixel", ij.getUnit());
		assertEquals(0.5, ij.pixelWidth, TOLERANCE);
		assertEquals(ij.pixelWidth, cal.pixelWidth(), TOLERANCE);
		assertEquals(ij.pixelHeight, cal.pixelHeight(), TOLERANCE);
		assertNull(cal.xUnit());
		assertNull(cal.yUnit());
	}

	/** Tag types. */
	private static final int ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5, SRATIONAL = 10, DOUBLE = 12;

	@Test
	void damagedOrAbsurdValuesAreNoCalibrationAndTheImageStillReads() throws IOException {
		byte[][] zero = { rational(0, 1), rational(1, 0), rational(0, 0) };
		for (byte[] r : zero) {
			assertNone(read(tiny("zero", entry(282, RATIONAL, 1, r), entry(283, RATIONAL, 1, r),
				entry(296, SHORT, 1, shortValue(3)))));
		}
		ByteBuffer negative = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-4).putInt(1);
		assertNone(read(tiny("negative", entry(282, SRATIONAL, 1, negative.array()), entry(296, SHORT, 1, shortValue(3)))));
		for (double v : new double[] { Double.NaN, Double.POSITIVE_INFINITY, 1e-20, 1e20 }) {
			byte[] d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array();
			assertNone(read(tiny("double", entry(282, DOUBLE, 1, d), entry(283, DOUBLE, 1, d), entry(296, SHORT, 1,
				shortValue(3)))));
		}
		// a unit of another type: no calibration
		assertNone(read(tiny("unit", entry(296, LONG, 1, new byte[] { 3, 0, 0, 0 }))));
		// values past the file's end (a resolution, a description of 2³² - 1 bytes): the file is cut short or damaged,
		// refused as the in-memory path refuses it, rather than read without what it lost (an OME-XML cut short read
		// as plain slices)
		Path past = tiny("past", pointer(282, RATIONAL, 1, 1L << 31), pointer(270, ASCII, 0xffffffffL, 64));
		io.github.convolve2d.core.UserException e = org.junit.jupiter.api.Assertions.assertThrows(
			io.github.convolve2d.core.UserException.class, () -> read(past));
		assertTrue(e.getMessage().contains("more than the file holds; the file is damaged or cut short"), e.getMessage());
		// ImageJ's fields with hostile values: only the sane ones are kept
		byte[] text = ("ImageJ=1.54p\nunit=micron\nspacing=-2\nxorigin=NaN\nyorigin=1e300\nzorigin=oops\n\0")
			.getBytes(StandardCharsets.ISO_8859_1);
		Path hostile = tiny("hostile", entry(270, ASCII, text.length, text), entry(282, RATIONAL, 1, rational(4, 1)),
			entry(283, RATIONAL, 1, rational(8, 1)), entry(296, SHORT, 1, shortValue(1)));
		TiffCalibration cal = read(hostile);
		assertEquals(0.25, cal.pixelWidth(), TOLERANCE);
		assertEquals(0.125, cal.pixelHeight(), TOLERANCE);
		assertArrayEquals(new double[] { 1, 0, 0, 0 }, new double[] { cal.pixelDepth(), cal.xOrigin(), cal.yOrigin(),
			cal.zOrigin() });
		assertEquals("micrometer", cal.xUnit());
		try (TiffReader r = TiffReader.open(hostile)) {
			float[] px = new float[12];
			r.plane(0, 0).read(0, 0, 4, 3, px);
			float[] want = new float[12];
			for (int i = 0; i < 12; i++) want[i] = i * 10;
			assertArrayEquals(want, px);
		}
	}

	private static byte[] rational(long numerator, long denominator) {
		return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) numerator).putInt((int) denominator)
			.array();
	}

	private static byte[] shortValue(int v) {
		return new byte[] { (byte) v, (byte) (v >> 8) };
	}

	/** An IFD entry: {tag, type, count, value bytes (or null), offset to write instead of the value's}. */
	private static Object[] entry(int tag, int type, long count, byte[] value) {
		return new Object[] { tag, type, count, value, 0L };
	}

	private static Object[] pointer(int tag, int type, long count, long offset) {
		return new Object[] { tag, type, count, null, offset };
	}

	/**
	 * A little-endian classic TIFF, 4×3 8-bit pixels {@code 0, 10, 20, …} in one strip, with {@code extra} entries
	 * beside its own; values over 4 bytes are stored after the pixels.
	 */
	private Path tiny(String name, Object[]... extra) throws IOException {
		Object[][] base = { entry(256, SHORT, 1, shortValue(4)), entry(257, SHORT, 1, shortValue(3)),
			entry(258, SHORT, 1, shortValue(8)), entry(273, LONG, 1, new byte[] { 8, 0, 0, 0 }),
			entry(277, SHORT, 1, shortValue(1)), entry(278, SHORT, 1, shortValue(3)),
			entry(279, LONG, 1, new byte[] { 12, 0, 0, 0 }) };
		Object[][] all = Arrays.copyOf(base, base.length + extra.length);
		System.arraycopy(extra, 0, all, base.length, extra.length);
		Arrays.sort(all, Comparator.comparingInt(e -> (Integer) e[0]));
		ByteArrayOutputStream data = new ByteArrayOutputStream();
		int dataAt = 8 + 12;
		ByteBuffer ifd = ByteBuffer.allocate(2 + all.length * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
		ifd.putShort((short) all.length);
		long[] offsets = new long[all.length];
		for (int i = 0; i < all.length; i++) {
			byte[] v = (byte[]) all[i][3];
			if (v != null && v.length > 4) {
				offsets[i] = dataAt + data.size();
				data.write(v);
				if (data.size() % 2 == 1) data.write(0);
			}
		}
		for (int i = 0; i < all.length; i++) {
			Object[] e = all[i];
			byte[] v = (byte[]) e[3];
			ifd.putShort((short) (int) (Integer) e[0]).putShort((short) (int) (Integer) e[1]).putInt((int) (long) (Long) e[2]);
			if (v == null) ifd.putInt((int) (long) (Long) e[4]);
			else if (v.length > 4) ifd.putInt((int) offsets[i]);
			else ifd.put(Arrays.copyOf(v, 4));
		}
		ifd.putInt(0);
		ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
		head.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(dataAt + data.size());
		ByteArrayOutputStream file = new ByteArrayOutputStream();
		file.write(head.array());
		for (int i = 0; i < 12; i++) file.write(i * 10);
		file.write(data.toByteArray());
		file.write(ifd.array());
		Path path = tmp.resolve(name + ".tif");
		Files.write(path, file.toByteArray());
		return path;
	}
}
