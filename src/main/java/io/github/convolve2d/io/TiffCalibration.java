package io.github.convolve2d.io;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The spatial calibration a TIFF file records, read as ImageJ reads it, so that an image convolved block by block
 * keeps the calibration it has when ImageJ opens it:
 * <ul>
 * <li>pixel size: the inverse of XResolution and YResolution (pixels per unit) of the first page, a height of 1
 * without YResolution, as ImageJ reads it (and, as ImageJ does, 10<sup>4</sup> times larger for ResolutionUnit cm
 * with ImageJ's {@code unit=um});</li>
 * <li>unit: ImageJ's description ({@code unit=}, {@code yunit=}, {@code zunit=}; none when an ImageJ description
 * names none, the pixel size kept), else ResolutionUnit (2: inch, 3: cm; 1: a size without a unit); without any
 * unit the resolution is ignored, and 72 pixels per inch (the default of programs that record no real
 * calibration) is a pixel size of 1, as ImageJ does;</li>
 * <li>slice spacing ({@code spacing=}) and origin ({@code xorigin=}, {@code yorigin=}, {@code zorigin=}, in
 * pixels) from ImageJ's description.</li>
 * </ul>
 * A value that is absent, unreadable or not a sane number (zero, negative, NaN, infinite, a pixel size outside
 * 10<sup>±12</sup>, an origin beyond 10<sup>12</sup> pixels) counts as not given: pixel size 1, origin 0, no unit.
 * Units are given as NGFF names them (UDUNITS-2: {@code micrometer} for ImageJ's {@code micron}, {@code µm} or
 * {@code um}); a unit NGFF has no name for is dropped (the pixel size stays).
 */
public final class TiffCalibration {

	/** No calibration: pixels of size 1 at origin 0, no unit. */
	public static final TiffCalibration NONE = new TiffCalibration(1, 1, 1, 0, 0, 0, null, null, null, 1, null, false);

	/** Beyond these a pixel size or origin is damage, not calibration. */
	private static final double SMALLEST = 1e-12, LARGEST = 1e12;

	private final double pixelWidth, pixelHeight, pixelDepth, xOrigin, yOrigin, zOrigin, frameInterval;
	private final String xUnit, yUnit, zUnit, tUnit;
	private final boolean invertY;

	private TiffCalibration(double pixelWidth, double pixelHeight, double pixelDepth, double xOrigin, double yOrigin,
		double zOrigin, String xUnit, String yUnit, String zUnit, double frameInterval, String tUnit, boolean invertY)
	{
		this.invertY = invertY;
		this.frameInterval = frameInterval;
		this.tUnit = tUnit;
		this.pixelWidth = pixelWidth;
		this.pixelHeight = pixelHeight;
		this.pixelDepth = pixelDepth;
		this.xOrigin = xOrigin;
		this.yOrigin = yOrigin;
		this.zOrigin = zOrigin;
		this.xUnit = xUnit;
		this.yUnit = yUnit;
		this.zUnit = zUnit;
	}

	/**
	 * The calibration from the first page's tags.
	 *
	 * @param xResolution XResolution (pixels per unit), NaN when absent
	 * @param yResolution YResolution, NaN when absent (a pixel height of 1 then, as ImageJ reads it)
	 * @param resolutionUnit ResolutionUnit, 0 when absent
	 * @param description ImageDescription, null when absent
	 */
	static TiffCalibration of(double xResolution, double yResolution, int resolutionUnit, String description) {
		Map<String, String> fields = imageJFields(description);
		// ImageJ takes the unit from its own description (none when it names none), else from ResolutionUnit
		boolean imageJ = !fields.isEmpty();
		String unit = imageJ ? fields.get("unit") : resolutionUnit == 2 ? "inch" : resolutionUnit == 3 ? "cm" : null;
		// without YResolution ImageJ keeps its default pixel height, 1
		double pw = 1 / xResolution, ph = Double.isNaN(yResolution) ? 1 : 1 / yResolution;
		if (resolutionUnit == 3 && "um".equals(fields.get("unit"))) {
			// tags in pixels per centimetre, sizes in micrometres: ImageJ converts them so
			pw *= 10000;
			ph *= 10000;
		}
		// ImageJ takes a resolution without any unit for none, and 72 dpi for the default of programs that set none:
		// pixels of 1, in the description's unit if it names one
		boolean defaultDpi = resolutionUnit == 2 && xResolution == 72;
		if (defaultDpi) pw = ph = 1;
		boolean sized = size(pw) && size(ph) && (unit != null || resolutionUnit == 1 || imageJ)
			&& !(defaultDpi && fields.get("unit") == null);
		double spacing = number(fields.get("spacing"));
		boolean spaced = size(spacing);
		String xUnit = sized ? ngffUnit(unit) : null;
		String yUnit = sized && fields.containsKey("yunit") ? ngffUnit(fields.get("yunit")) : xUnit;
		String zUnit = fields.containsKey("zunit") ? ngffUnit(fields.get("zunit")) : sized || spaced ? ngffUnit(unit) : null;
		// ImageJ's frame interval, in its time unit (seconds unless tunit= says otherwise)
		double interval = number(fields.get("finterval"));
		boolean timed = size(interval);
		String tUnit = timed ? ngffUnit(fields.getOrDefault("tunit", "sec"), true) : null;
		return new TiffCalibration(sized ? pw : 1, sized ? ph : 1, spaced ? spacing : 1, origin(fields.get("xorigin")),
			origin(fields.get("yorigin")), origin(fields.get("zorigin")), xUnit, yUnit, zUnit, timed ? interval : 1, tUnit,
			"true".equals(String.valueOf(fields.get("inverty")).trim()));
	}

	/**
	 * The calibration an OME-TIFF's OME-XML gives ({@link OmeTiff}): pixel width, height and depth (PhysicalSizeX,
	 * Y, Z) and the time between frames (TimeIncrement), each in its unit as OME writes it ({@code µm} when not given
	 * for a size, {@code s} for the time). Each is taken alone by the rules of the TIFF's: a size that is absent or
	 * not sane is none (1, no unit); a unit NGFF does not name ({@code pixel}, {@code thou}) is dropped, the size kept.
	 */
	static TiffCalibration ome(double sizeX, String xUnit, double sizeY, String yUnit, double sizeZ, String zUnit,
		double timeIncrement, String tUnit)
	{
		boolean x = size(sizeX), y = size(sizeY), z = size(sizeZ), t = size(timeIncrement);
		return new TiffCalibration(x ? sizeX : 1, y ? sizeY : 1, z ? sizeZ : 1, 0, 0, 0,
			x ? ngffUnit(xUnit == null ? "µm" : xUnit) : null, y ? ngffUnit(yUnit == null ? "µm" : yUnit) : null,
			z ? ngffUnit(zUnit == null ? "µm" : zUnit) : null, t ? timeIncrement : 1,
			t ? ngffUnit(tUnit == null ? "s" : tUnit, true) : null, false);
	}

	/**
	 * Physical pixel size along {@code t, c, z, y, x}, as NGFF's scale: ImageJ's inverted y axis (pixel height above
	 * 0, y pointing up) is a negative y scale.
	 */
	public double[] scaleTczyx() {
		return new double[] { frameInterval, 1, pixelDepth, (invertY ? -1 : 1) * pixelHeight, pixelWidth };
	}

	/**
	 * Physical position of pixel 0 along {@code t, c, z, y, x} in an image of {@code height} rows, as NGFF's
	 * translation: NGFF places pixel 0 at the translation where ImageJ names the pixel at physical 0 (its origin).
	 */
	public double[] translationTczyx(int height) {
		// an inverted y axis: row 0 lies yOrigin rows above physical 0, or height - 1 from the bottom row's 0
		double y = !invertY ? 0.0 - yOrigin * pixelHeight : (yOrigin != 0 ? yOrigin : height - 1) * pixelHeight;
		return new double[] { 0, 0, 0.0 - zOrigin * pixelDepth, y, 0.0 - xOrigin * pixelWidth };
	}

	/** Units along {@code t, c, z, y, x} as NGFF names them, null where none is given. */
	public String[] unitsTczyx() {
		return new String[] { tUnit, null, zUnit, yUnit, xUnit };
	}

	/**
	 * {@code {channels, slices, frames}} from ImageJ's description ({@code channels=}, {@code slices=},
	 * {@code frames=}; 1 each when absent), or null when it is no ImageJ description, names none of them, or they do
	 * not multiply to {@code pages}.
	 */
	public static int[] imageJDimensions(String description, int pages) {
		Map<String, String> fields = imageJFields(description);
		if (!fields.containsKey("channels") && !fields.containsKey("slices") && !fields.containsKey("frames")) return null;
		int c = count(fields.get("channels")), z = count(fields.get("slices")), t = count(fields.get("frames"));
		if (c < 1 || z < 1 || t < 1 || (long) c * z * t != pages) return null;
		return new int[] { c, z, t };
	}

	/** A positive count, 1 when absent, 0 when unreadable. */
	private static int count(String text) {
		if (text == null) return 1;
		try {
			return Math.max(0, Integer.parseInt(text.trim()));
		}
		catch (NumberFormatException e) {
			return 0;
		}
	}

	private static boolean size(double v) {
		return v >= SMALLEST && v <= LARGEST; // false for NaN
	}

	private static double origin(String text) {
		double v = number(text);
		return Math.abs(v) <= LARGEST ? v : 0;
	}

	/** A number of an ImageJ description field, NaN when it is missing or not a number. */
	static double number(String text) {
		if (text == null) return Double.NaN;
		try {
			return Double.parseDouble(text.trim());
		}
		catch (NumberFormatException e) {
			return Double.NaN;
		}
	}

	/**
	 * The {@code key=value} lines of an ImageJ description (one that starts with {@code ImageJ=}), with ImageJ's
	 * {@code \}{@code uXXXX} escapes undone; empty for any other description.
	 */
	static Map<String, String> imageJFields(String description) {
		Map<String, String> fields = new HashMap<>();
		if (description == null || !description.startsWith("ImageJ=")) return fields;
		for (String line : description.split("\n")) {
			int eq = line.indexOf('=');
			if (eq > 0) fields.putIfAbsent(line.substring(0, eq).trim(), unescape(line.substring(eq + 1)));
		}
		return fields;
	}

	private static String unescape(String s) {
		StringBuilder sb = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
				try {
					sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
					i += 5;
					continue;
				}
				catch (NumberFormatException e) {
					// not an escape: kept as written
				}
			}
			sb.append(c);
		}
		return sb.toString().trim();
	}

	private static final Map<String, String> NGFF_UNITS = new HashMap<>();

	static {
		String[][] names = { { "micrometer", "micron", "microns", "µm", "\u03bcm", "um" },
			{ "nanometer", "nm" }, { "millimeter", "mm" }, { "centimeter", "cm" }, { "meter", "m", "metre" },
			{ "kilometer", "km" }, { "picometer", "pm" }, { "angstrom", "Å", "\u212b" }, { "inch", "in", "inches" },
			{ "foot", "ft", "feet" } };
		for (String[] n : names) {
			for (String alias : n) NGFF_UNITS.put(alias.toLowerCase(Locale.ROOT), n[0]);
		}
	}

	/**
	 * ImageJ's usual name of a length or time unit that NGFF names ({@code µm} for {@code micrometer}: the symbol ImageJ
	 * writes for {@code um}; {@code sec} for {@code second}); the name itself for a unit ImageJ has no symbol for
	 * ({@code inch}, {@code hour}), null for null.
	 */
	public static String imageJUnit(String ngff) {
		if (ngff == null) return null;
		switch (ngff) {
			case "micrometer": return "\u00b5m";
			case "nanometer": return "nm";
			case "millimeter": return "mm";
			case "centimeter": return "cm";
			case "meter": return "m";
			case "kilometer": return "km";
			case "picometer": return "pm";
			case "angstrom": return "\u00c5";
			case "second": return "sec"; // ImageJ's time units
			case "millisecond": return "ms";
			case "microsecond": return "\u00b5s";
			case "nanosecond": return "ns";
			case "minute": return "min";
			default: return ngff;
		}
	}

	/** NGFF 0.4's names of the units of space and of time axes (UDUNITS-2), which its readers look for. */
	private static final Set<String> NGFF_SPACE = Set.of("angstrom", "attometer", "centimeter", "decimeter", "exameter",
		"femtometer", "foot", "gigameter", "hectometer", "inch", "kilometer", "megameter", "meter", "micrometer", "mile",
		"millimeter", "nanometer", "parsec", "petameter", "picometer", "terameter", "yard", "yoctometer", "yottameter",
		"zeptometer", "zettameter");
	private static final Set<String> NGFF_TIME = Set.of("attosecond", "centisecond", "day", "decisecond", "exasecond",
		"femtosecond", "gigasecond", "hectosecond", "hour", "kilosecond", "megasecond", "microsecond", "millisecond",
		"minute", "nanosecond", "petasecond", "picosecond", "second", "terasecond", "yoctosecond", "yottasecond",
		"zeptosecond", "zettasecond");
	private static final Map<String, String> TIME_UNITS = new HashMap<>();

	static {
		String[][] names = { { "second", "s", "sec", "seconds" }, { "millisecond", "ms", "msec", "milliseconds" },
			{ "microsecond", "us", "µs", "\u03bcs", "microseconds" }, { "nanosecond", "ns", "nanoseconds" },
			{ "minute", "min", "minutes" }, { "hour", "h", "hr", "hours" }, { "day", "d", "days" } };
		for (String[] n : names) {
			for (String alias : n) TIME_UNITS.put(alias.toLowerCase(Locale.ROOT), n[0]);
		}
	}

	/**
	 * An OME-Zarr input's unit as NGFF 0.4 names it, for a time axis or a space one: the name itself when NGFF names
	 * it, the name of a usual symbol ({@code um} → {@code micrometer}, {@code ms} → {@code millisecond}), else null
	 * (left out of the result, as for a TIFF's unit NGFF does not name).
	 */
	static String ngffUnit(String unit, boolean time) {
		if (unit == null) return null;
		if ((time ? NGFF_TIME : NGFF_SPACE).contains(unit)) return unit;
		String key = unit.trim().toLowerCase(Locale.ROOT);
		if ((time ? NGFF_TIME : NGFF_SPACE).contains(key)) return key;
		return time ? TIME_UNITS.get(key) : NGFF_UNITS.get(key);
	}

	/** ImageJ's name of a length unit as NGFF names it, null for none ({@code pixel}) or one NGFF does not name. */
	private static String ngffUnit(String unit) {
		return ngffUnit(unit, false);
	}

	/** Physical width of a pixel (1 when not given). */
	public double pixelWidth() { return pixelWidth; }
	/** Physical height of a pixel (1 when not given). */
	public double pixelHeight() { return pixelHeight; }
	/** Physical distance between slices (1 when not given). */
	public double pixelDepth() { return pixelDepth; }
	/** Column of physical x = 0, in pixels (ImageJ's {@code xOrigin}; 0 when not given). */
	public double xOrigin() { return xOrigin; }
	/** Row of physical y = 0, in pixels (0 when not given; with {@link #invertY}, 0 is the bottom row). */
	public double yOrigin() { return yOrigin; }
	/**
	 * Whether y points up, ImageJ's {@code invertY} ({@code inverty=true}): physical y is {@code (yOrigin - row)}
	 * pixel heights, or from the bottom row, {@code (height - 1 - row)}, when {@link #yOrigin} is 0.
	 */
	public boolean invertY() { return invertY; }
	/** Slice of physical z = 0, in slices (0 when not given). */
	public double zOrigin() { return zOrigin; }
	/** Time between frames, ImageJ's {@code finterval} (1 when not given). */
	public double frameInterval() { return frameInterval; }
	/** The time unit as NGFF names it ({@code second} for ImageJ's default {@code sec}), null when none. */
	public String tUnit() { return tUnit; }
	/** The x unit as NGFF names it, null when none. */
	public String xUnit() { return xUnit; }
	/** The y unit as NGFF names it, null when none. */
	public String yUnit() { return yUnit; }
	/** The z unit as NGFF names it, null when none. */
	public String zUnit() { return zUnit; }
}
