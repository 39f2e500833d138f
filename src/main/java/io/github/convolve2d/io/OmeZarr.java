package io.github.convolve2d.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OME-Zarr image (NGFF 0.4 on Zarr v2, or NGFF 0.5 on Zarr v3, its metadata in {@code zarr.json} under
 * {@code attributes.ome}; {@link ZarrFormat}): a group whose {@code .zattrs} hold {@code multiscales} (axes, the
 * pyramid's levels and each level's scale), with the full-resolution level as a {@link ZarrArray}. Reads a group
 * (its first, full-resolution level) or a bare Zarr array; writes, in either format, an image with axes
 * {@code t, c, z, y, x} (or {@code y, x}), its scale and translation, and attributes of the caller's (the kernels
 * and options of a result): one level, or a pyramid whose every further level halves the last two axes, each pixel
 * the mean of the 2×2 pixels of the level below ({@link #writeLevelChunk}), for viewers that show a large image
 * zoomed out.
 * <p>
 * The last two axes are the image's rows and columns ({@code y}, {@code x}); every combination of the other axes'
 * indices is one plane, numbered in C order ({@link #plane(int)}).
 */
public final class OmeZarr {

	private final Path path;
	private final ZarrArray array;
	/** Every level written, the full-resolution one first ({@code array}); one for an image that was read. */
	private final List<ZarrArray> levels;
	private final List<String> axes;
	/** NGFF's type of each axis ({@code time}, {@code channel}, {@code space}, ...), null where none is given. */
	private final String[] types;
	private final double[] scale;
	private final double[] translation;
	private final String[] units;
	/** Attributes written beside the NGFF metadata by {@link #commit()}. */
	private Map<String, Object> attributes = Collections.emptyMap();
	/** Why a bioformats2raw container's OME-XML was not used for this image's calibration, else null. */
	private String note;

	private OmeZarr(Path path, List<ZarrArray> levels, List<String> axes, String[] types, double[] scale,
		double[] translation, String[] units)
	{
		this.path = path;
		this.levels = Collections.unmodifiableList(levels);
		this.array = levels.get(0);
		this.axes = Collections.unmodifiableList(axes);
		this.types = types;
		this.scale = scale;
		this.translation = translation;
		this.units = units;
	}

	/**
	 * Whether {@code path} is a Zarr group or array folder (it has {@code .zgroup}, {@code .zattrs} or {@code .zarray},
	 * or Zarr v3's {@code zarr.json}).
	 */
	public static boolean isZarr(Path path) {
		return Files.isDirectory(path) && (Files.isRegularFile(path.resolve(".zarray"))
			|| Files.isRegularFile(path.resolve(".zgroup")) || Files.isRegularFile(path.resolve(".zattrs"))
			|| Files.isRegularFile(path.resolve("zarr.json")));
	}

	/**
	 * Why the folder {@code dir} (named {@code *.zarr}, say) is no Zarr store to open, or null when it holds Zarr
	 * metadata ({@link #isZarr}; whether that metadata is sound is for {@link #open} to say).
	 */
	public static String whyNotZarr(Path dir) {
		if (isZarr(dir)) return null;
		if (!Files.isDirectory(dir)) return "it is not a folder, so not a Zarr store";
		return "it is a folder named like a Zarr store but holds no Zarr metadata (no .zarray, .zgroup, .zattrs or "
			+ "zarr.json in it): not a Zarr image or array, perhaps copied in part; copy it again, or give the image's "
			+ "own folder";
	}

	/**
	 * Opens an OME-Zarr image (its full-resolution level), one level of one given by its folder (read with the
	 * image's axes and that level's scale and translation), or a bare Zarr v2 or v3 array, checking the fields it
	 * reads.
	 *
	 * @throws UserException when it is neither, malformed (naming the file and the field), or stored in a way this
	 *         package does not read
	 */
	public static OmeZarr open(Path path) throws IOException {
		Path image = imageOfLevel(path);
		if (image != null) return open(path, image, imageAttributes(image), path.toAbsolutePath().normalize().getFileName()
			.toString());
		if (Files.exists(path.resolve(".zarray"), LinkOption.NOFOLLOW_LINKS)) return bareArray(path, ZarrArray.open(path));
		if (!Files.exists(path.resolve(".zattrs"), LinkOption.NOFOLLOW_LINKS)
			&& Files.exists(path.resolve("zarr.json"), LinkOption.NOFOLLOW_LINKS))
		{
			JsonFields v3 = ZarrArray.readJson(path.resolve("zarr.json"));
			if (v3.optionalString("node_type", "").equals("array")) return bareArray(path, ZarrArray.openV3(path, v3));
		}
		return open(path, path, imageAttributes(path), null);
	}

	/**
	 * The image whose level the array in {@code path} is: the folder above it, when that holds an OME-Zarr image
	 * whose first multiscale lists {@code path}'s name as a dataset; null otherwise (the array is read alone).
	 */
	private static Path imageOfLevel(Path path) {
		Path level = path.toAbsolutePath().normalize(), image = level.getParent();
		if (image == null || level.getFileName() == null) return null;
		boolean array = Files.isRegularFile(level.resolve(".zarray"))
			|| Files.isRegularFile(level.resolve("zarr.json")) && !Files.isRegularFile(level.resolve(".zattrs"));
		if (!array || !Files.isRegularFile(image.resolve(".zattrs")) && !isComplete(image)) return null;
		try {
			JsonFields ms = imageAttributes(image).requiredObjects("multiscales", true).get(0);
			for (JsonFields d : ms.requiredObjects("datasets", true)) {
				if (level.getFileName().toString().equals(d.optionalString("path", null))) return image;
			}
		}
		catch (IOException | UserException e) {
			// the folder above holds no image that can be read: the array is read alone
		}
		return null;
	}

	/** The attributes holding the image's {@code multiscales}: Zarr v2's {@code .zattrs}, NGFF 0.5's {@code ome}. */
	private static JsonFields imageAttributes(Path path) throws IOException {
		Path attrs = path.resolve(".zattrs");
		JsonFields o;
		if (!Files.exists(attrs, LinkOption.NOFOLLOW_LINKS)) {
			if (!Files.exists(path.resolve("zarr.json"), LinkOption.NOFOLLOW_LINKS)) {
				throw new UserException(JsonFields.name(path) + " is neither an OME-Zarr image (no .zattrs or zarr.json) "
					+ "nor a Zarr array (no .zarray)" + (Files.exists(path.resolve(".zgroup")) ? ": a Zarr group without an "
						+ "image; " + GIVE_AN_IMAGE : ""));
			}
			// Zarr v3: a group whose attributes hold NGFF 0.5's 'ome'
			JsonFields v3 = ZarrArray.readJson(path.resolve("zarr.json"));
			JsonFields attributes = v3.optionalObject("attributes");
			o = attributes == null ? null : attributes.optionalObject("ome");
			if (o == null && attributes != null && attributes.has("multiscales")) o = attributes; // before NGFF 0.5's 'ome'
			if (o == null || !o.has("multiscales")) {
				throw ZarrV3.notAnImage(v3, imagesInside(o != null ? o : attributes, path));
			}
		}
		else {
			o = ZarrArray.readJson(attrs);
			if (!o.has("multiscales")) {
				throw new UserException(o.file() + " holds no OME-Zarr image (no 'multiscales' field); " + imagesInside(o, path));
			}
		}
		return o;
	}

	/** What to give instead of a group that holds no image and is no known container of them. */
	static final String GIVE_AN_IMAGE = "give the image's folder (e.g. data.zarr/0 for a series of a bioformats2raw "
		+ "container, plate.zarr/A/1/0 for a field of view of a plate)";

	/**
	 * Which folders to give instead of the group {@code group}, whose NGFF attributes {@code attrs} (null when none)
	 * hold no image: the series of a bioformats2raw container, the fields of view of a plate or a well, the image
	 * whose labels it holds; {@link #GIVE_AN_IMAGE} for another group. Never fails: it only words a refusal.
	 */
	static String imagesInside(JsonFields attrs, Path group) {
		String name = JsonFields.name(group);
		if (attrs == null) return GIVE_AN_IMAGE;
		if (attrs.raw("plate") != null) {
			String well = firstPath(attrs.raw("plate"), "wells");
			String field = well == null || !safeRelative(well) ? null : firstPath(wellAttributes(group.resolve(well)), "images");
			return "it is a plate (field 'plate'), whose fields of view are images of their own, in row/column/field "
				+ "folders; give them as inputs, e.g. -i " + name + "/" + (well != null ? well : "A/1") + "/"
				+ (field != null ? field : "0");
		}
		if (attrs.raw("well") != null) {
			List<String> fields = new ArrayList<>();
			JsonElement images = attrs.raw("well").isJsonObject() ? attrs.raw("well").getAsJsonObject().get("images") : null;
			if (images != null && images.isJsonArray()) {
				for (JsonElement e : images.getAsJsonArray()) {
					String f = pathOf(e);
					if (f != null) fields.add(f);
				}
			}
			return "it is a well of a plate (field 'well'), whose fields of view are images of their own; give them as "
				+ "inputs" + (fields.isEmpty() ? ", e.g. -i " + name + "/0" : ": " + inputs(name, fields));
		}
		if (attrs.raw("labels") != null) {
			List<String> labels = new ArrayList<>();
			JsonElement l = attrs.raw("labels");
			if (l.isJsonArray()) {
				for (JsonElement e : l.getAsJsonArray()) {
					if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) labels.add(e.getAsString());
				}
			}
			Path image = group.toAbsolutePath().normalize().getParent();
			return "it is the labels group of an image (field 'labels'), holding its label images (masks), not an "
				+ "image; give the image" + (image != null ? ", " + JsonFields.name(image) : "") + ", or one label "
				+ "image, e.g. -i " + name + "/" + (labels.isEmpty() ? "<label>" : labels.get(0));
		}
		// bioformats2raw marks a plate it wrote so too: the plate is what to describe
		if (attrs.has("bioformats2raw.layout")) {
			List<String> series = new ArrayList<>();
			for (int i = 0; Files.isDirectory(group.resolve(Integer.toString(i))); i++) series.add(Integer.toString(i));
			return "it is a bioformats2raw container (field 'bioformats2raw.layout'), whose series are images of their "
				+ "own; give them as inputs" + (series.isEmpty() ? ", " + name + "/0, " + name + "/1, ..." : ": "
					+ inputs(name, series));
		}
		return GIVE_AN_IMAGE;
	}

	/** {@code -i name/a -i name/b ...}, the first four, and how many in all when there are more. */
	private static String inputs(String name, List<String> folders) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < Math.min(4, folders.size()); i++) b.append(i == 0 ? "" : " ").append("-i ").append(name)
			.append('/').append(folders.get(i));
		return b + (folders.size() > 4 ? " ... (" + folders.size() + " in all)" : "");
	}

	/** The {@code path} of the first entry of {@code container}'s list {@code field}, or null. */
	private static String firstPath(JsonElement container, String field) {
		if (container == null || !container.isJsonObject()) return null;
		JsonElement list = container.getAsJsonObject().get(field);
		return list != null && list.isJsonArray() && list.getAsJsonArray().size() > 0
			? pathOf(list.getAsJsonArray().get(0)) : null;
	}

	/** An entry's {@code path} text, or null. */
	private static String pathOf(JsonElement entry) {
		if (entry == null || !entry.isJsonObject()) return null;
		JsonElement p = entry.getAsJsonObject().get("path");
		return p != null && p.isJsonPrimitive() && p.getAsJsonPrimitive().isString() ? p.getAsString() : null;
	}

	/** A well's {@code well} attribute (Zarr v2's {@code .zattrs}, NGFF 0.5's {@code ome}), or null. */
	private static JsonElement wellAttributes(Path well) {
		try {
			for (String file : new String[] { ".zattrs", "zarr.json" }) {
				Path f = well.resolve(file);
				if (!Files.isRegularFile(f)) continue;
				JsonElement e = Json.read(f);
				if (!e.isJsonObject()) return null;
				JsonObject o = e.getAsJsonObject();
				if (file.equals("zarr.json")) {
					o = o.get("attributes") != null && o.get("attributes").isJsonObject() ? o.getAsJsonObject("attributes") : null;
					if (o != null && o.get("ome") != null && o.get("ome").isJsonObject()) o = o.getAsJsonObject("ome");
				}
				return o == null ? null : o.get("well");
			}
		}
		catch (IOException | UserException | IllegalStateException e) {
			// only the example of the message is lost
		}
		return null;
	}

	/**
	 * The image in {@code image} with attributes {@code o}, read at the dataset named {@code levelName} (null: the
	 * first, the full resolution), as {@code path}.
	 */
	private static OmeZarr open(Path path, Path image, JsonFields o, String levelName) throws IOException {
		JsonFields ms = o.requiredObjects("multiscales", true).get(0);
		JsonFields level = ms.requiredObjects("datasets", true).get(0);
		for (JsonFields d : ms.requiredObjects("datasets", true)) {
			if (levelName != null && levelName.equals(d.optionalString("path", null))) level = d;
		}
		String levelPath = level.requiredString("path");
		if (!safeRelative(levelPath)) {
			throw level.error("path", "must name a folder inside the image (e.g. '0'), found '" + levelPath + "'");
		}
		Path levelDir = image.resolve(levelPath);
		if (!Files.isDirectory(levelDir)) {
			throw level.error("path", "is '" + levelPath + "', but " + JsonFields.name(levelDir) + " is not a folder; the "
				+ "image is incomplete or damaged");
		}
		ZarrArray a = ZarrArray.open(levelDir);
		int n = a.shape().length;
		List<String> axes = defaultAxes(n);
		String[] units = new String[n], types = new String[n];
		com.google.gson.JsonArray ax = ms.optionalArray("axes");
		if (ax != null) {
			if (ax.size() != n) {
				throw ms.error("axes", "names " + ax.size() + " axes, but the array " + JsonFields.name(levelDir) + " has "
					+ n + " (shape " + Arrays.toString(a.shape()) + ")");
			}
			axes = new ArrayList<>();
			for (int d = 0; d < n; d++) {
				JsonElement e = ax.get(d);
				String name, type = null;
				if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
					name = e.getAsString(); // NGFF 0.3: names only
				}
				else {
					JsonFields axis = ms.element("axes", d, e);
					name = axis.requiredString("name");
					type = axis.optionalString("type", null);
					units[d] = axis.optionalString("unit", null);
				}
				// NGFF 0.4's type is optional: without one, an axis named t or time is the time axis, c, channel or
				// band the channel axis, as in a bare array (a 'channel' axis was read as slices)
				if (type == null) type = axisType(name);
				types[d] = type;
				// the last two axes are read as the rows and columns: a channel or time axis there would be read as
				// pixels of a plane
				if (d >= n - 2 && ("time".equals(type) || "channel".equals(type))) {
					throw ms.error("axes", "ends with " + JsonFields.shortly(ax.get(n - 2)) + ", " + JsonFields.shortly(
						ax.get(n - 1)) + ": the last two axes must be the image's rows and columns (y, x), as NGFF "
						+ "requires, not '" + name + "' (" + type + "); rewrite the image with its axes in t, c, z, y, x "
						+ "order");
				}
				if (name.isEmpty()) throw ms.error("axes", "has an empty name at position " + d);
				if (axes.contains(name)) {
					throw ms.error("axes", "names axis '" + name + "' twice, found " + JsonFields.shortly(ax) + "; each axis "
						+ "needs a name of its own");
				}
				axes.add(name);
			}
			// nor may y, x come in another order: the kernel's rows would run along x, and the output, written as y, x,
			// would show the image transposed
			String rows = axes.get(n - 2), columns = axes.get(n - 1);
			if (rows.equals("x") || rows.equals("z") || columns.equals("y") || columns.equals("z")) {
				throw ms.error("axes", "ends with " + JsonFields.shortly(ax.get(n - 2)) + ", " + JsonFields.shortly(
					ax.get(n - 1)) + ": the last two axes must be the image's rows and columns in this order (y, x), not "
					+ (rows.equals("x") || rows.equals("z") ? "'" + rows + "' first" : "'" + columns + "' last")
					+ "; rewrite the image with its axes in t, c, z, y, x order");
			}
		}
		double[] scale = ones(n), translation = new double[n];
		for (JsonFields t : transforms(ms, level)) {
			String type = t.requiredString("type");
			if (type.equals("identity")) continue;
			if (!type.equals("scale") && !type.equals("translation")) {
				throw t.error("type", "must be 'scale', 'translation' or 'identity', found '" + type + "'");
			}
			double[] v = t.optionalNumbers(type);
			if (v == null) {
				throw t.error(type, "is missing" + (t.has("path") ? " (values in a file named by 'path' are not read)" : "")
					+ "; it must be a list of " + n + " numbers");
			}
			if (v.length != n) {
				throw t.error(type, "must give one number for each of the " + n + " axes, found " + v.length);
			}
			for (int d = 0; d < n; d++) {
				if (type.equals("scale") && v[d] == 0 && (d >= n - 2 || "space".equals(types[d]))) {
					// a pixel of size 0: the output would carry it on and every physical size would read 0
					throw t.error("scale", "is 0 along axis '" + axes.get(d) + "': a pixel's size cannot be 0; write its "
						+ "size there (1 when it is not known), then convolve the image");
				}
				if (type.equals("scale")) {
					translation[d] *= v[d];
					scale[d] *= v[d];
				}
				else {
					translation[d] += v[d];
				}
			}
		}
		List<String> notes = new ArrayList<>();
		// NGFF 0.1 to 0.3 give no scale: a bioformats2raw container of their time holds it in its OME-XML
		if (transforms(ms, level).isEmpty()) bioformats2rawCalibration(image, axes, types, scale, units, notes::add);
		OmeZarr z = new OmeZarr(path, List.of(a), axes, types, scale, translation, units);
		z.note = notes.isEmpty() ? null : notes.get(0);
		return z;
	}

	/**
	 * The pixel size, slice spacing and frame interval of {@code image}, a series of a bioformats2raw container
	 * (NGFF 0.1 to 0.3, whose metadata hold no scale), from the container's {@code OME/METADATA.ome.xml}: the image
	 * of the series' number there ({@code OME/.zattrs}' {@code series} list, else the folder's name), read as an
	 * OME-TIFF's OME-XML is ({@link OmeTiff}), set on the axes named x, y, z and t (units as NGFF names them). Nothing
	 * when {@code image} is no such series; a note when its OME-XML cannot be used.
	 */
	private static void bioformats2rawCalibration(Path image, List<String> axes, String[] types, double[] scale,
		String[] units, java.util.function.Consumer<String> note)
	{
		Path series = image.toAbsolutePath().normalize(), container = series.getParent();
		if (container == null || series.getFileName() == null) return;
		Path xml = container.resolve("OME").resolve("METADATA.ome.xml");
		int index;
		try {
			if (!Files.isRegularFile(xml) || !Files.isRegularFile(container.resolve(".zattrs"))
				|| !ZarrArray.readJson(container.resolve(".zattrs")).has("bioformats2raw.layout"))
			{
				return;
			}
			index = seriesIndex(container.resolve("OME"), series.getFileName().toString());
		}
		catch (IOException | UserException e) {
			return; // the container's own metadata cannot be read: no calibration, as without a container
		}
		if (index < 0) return;
		TiffCalibration cal = OmeTiff.calibrationOf(xml, index, note);
		if (cal == null) return;
		double[] tczyx = cal.scaleTczyx();
		String[] named = cal.unitsTczyx();
		for (int d = 0; d < axes.size(); d++) {
			String axis = axes.get(d);
			boolean time = types[d] != null ? types[d].equals("time") : axis.equals("t");
			int at = axis.equals("x") ? 4 : axis.equals("y") ? 3 : axis.equals("z") ? 2 : time ? 0 : -1;
			if (at < 0 || named[at] == null) continue; // a size without a unit NGFF names stays 1, as a missing one
			scale[d] = tczyx[at];
			units[d] = named[at];
		}
	}

	/**
	 * The number of the series in folder {@code name} of a bioformats2raw container: its place in the {@code series}
	 * list of {@code OME/.zattrs}, else the folder's name as a number; -1 when neither tells.
	 */
	private static int seriesIndex(Path omeGroup, String name) throws IOException {
		Path attrs = omeGroup.resolve(".zattrs");
		if (Files.isRegularFile(attrs)) {
			JsonArray list = ZarrArray.readJson(attrs).optionalArray("series");
			if (list != null) {
				for (int i = 0; i < list.size(); i++) {
					JsonElement e = list.get(i);
					if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() && e.getAsString().equals(name)) return i;
				}
				return -1;
			}
		}
		return name.matches("\\d{1,9}") ? Integer.parseInt(name) : -1;
	}

	/**
	 * A bare array as an image: its axes named by Zarr v3's dimension_names, or by xarray's {@code _ARRAY_DIMENSIONS}
	 * in a Zarr v2 array's {@code .zattrs}, where they name them all, once each; xarray's {@code time}, {@code channel}
	 * and {@code band} are the time and channel axes.
	 */
	private static OmeZarr bareArray(Path path, ZarrArray a) throws IOException {
		int n = a.shape().length;
		List<String> axes = defaultAxes(n), names = a.dimensionNames();
		String file = "zarr.json", field = "dimension_names";
		if (names == null && a.format() == ZarrFormat.V2) {
			names = xarrayDimensions(path, n);
			file = ".zattrs";
			field = XARRAY_DIMENSIONS;
		}
		String[] types = new String[n];
		if (names != null && !names.contains(null) && !names.contains("") && new java.util.HashSet<>(names).size() == n) {
			// as for an image's axes: a channel or time axis, or y and x swapped, would be convolved as a plane
			String rows = names.get(n - 2), columns = names.get(n - 1);
			String wrong = axisType(columns) != null ? columns : axisType(rows) != null || List.of("x", "z").contains(rows)
				? rows : List.of("y", "z").contains(columns) ? columns : null;
			if (wrong != null) {
				throw new UserException(JsonFields.name(path.resolve(file)) + ": field '" + field + "' ends with '" + rows
					+ "', '" + columns
					+ "': the last two axes must be the image's rows and columns (y, x), not '" + wrong + "' "
					+ (wrong.equals(rows) ? "first" : "last") + "; rewrite the array with its axes in t, c, z, y, x order");
			}
			axes = new ArrayList<>(names);
			for (int d = 0; d < n - 2; d++) types[d] = axisType(names.get(d));
		}
		return new OmeZarr(path, List.of(a), axes, types, ones(n), new double[n], new String[n]);
	}

	/** The attribute in which xarray names a Zarr v2 array's axes. */
	private static final String XARRAY_DIMENSIONS = "_ARRAY_DIMENSIONS";

	/** The names xarray gave the {@code n} axes of the Zarr v2 array in {@code path}, or null where it gave none. */
	private static List<String> xarrayDimensions(Path path, int n) throws IOException {
		Path file = path.resolve(".zattrs");
		if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return null;
		JsonFields attrs = ZarrArray.readJson(file);
		JsonArray names = attrs.optionalArray(XARRAY_DIMENSIONS);
		if (names == null) return null;
		if (names.size() != n) throw attrs.error(XARRAY_DIMENSIONS, "names " + names.size() + " axes, but the array has " + n);
		List<String> list = new ArrayList<>();
		for (JsonElement e : names) {
			if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
				throw attrs.error(XARRAY_DIMENSIONS, "must hold texts, found " + JsonFields.shortly(e));
			}
			list.add(e.getAsString());
		}
		return list;
	}

	/** An unnamed-type axis' NGFF type by its name: {@code time} for t and time, {@code channel} for c, channel, band. */
	private static String axisType(String name) {
		if (name.equals("t") || name.equals("time")) return "time";
		return name.equals("c") || name.equals("channel") || name.equals("band") ? "channel" : null;
	}

	/** Whether a dataset's path names a folder inside its image: relative, no {@code ..}, not empty. */
	private static boolean safeRelative(String p) {
		if (p.isEmpty() || p.startsWith("/") || p.startsWith("\\") || p.contains(":") || p.contains("\0")) return false;
		for (String part : p.split("[/\\\\]")) if (part.equals("..") || part.equals(".")) return false;
		return true;
	}

	/** The level's own transformations, then the multiscale's (NGFF applies the level's first). */
	private static List<JsonFields> transforms(JsonFields ms, JsonFields level) {
		List<JsonFields> list = new ArrayList<>(level.optionalObjects("coordinateTransformations"));
		list.addAll(ms.optionalObjects("coordinateTransformations"));
		return list;
	}

	/**
	 * Starts a new one-level OME-Zarr image, or reopens the one an interrupted run left; see
	 * {@link #create(Path, int[], int, int, Compressor, double[], double[], String[], Map, int)}.
	 */
	public static OmeZarr create(Path path, int[] shape, int chunkWidth, int chunkHeight, Compressor compressor,
		double[] scale, double[] translation, String[] units, Map<String, Object> attributes) throws IOException
	{
		return create(path, shape, chunkWidth, chunkHeight, compressor, scale, translation, units, attributes, 1);
	}

	/**
	 * Starts a new NGFF 0.4 (Zarr v2) image; see
	 * {@link #create(Path, int[], int, int, Compressor, double[], double[], String[], Map, int, ZarrFormat)}.
	 */
	public static OmeZarr create(Path path, int[] shape, int chunkWidth, int chunkHeight, Compressor compressor,
		double[] scale, double[] translation, String[] units, Map<String, Object> attributes, int levels)
		throws IOException
	{
		return create(path, shape, chunkWidth, chunkHeight, compressor, scale, translation, units, attributes, levels,
			ZarrFormat.V2);
	}

	/**
	 * Starts a new OME-Zarr image of {@code levels} levels (arrays {@code 0}, {@code 1}, ...; level {@code l} has
	 * the last two axes of {@code shape} divided by 2^l, rounded up, and the same chunks) in {@code format}, or
	 * reopens the one an interrupted run left (same format, shapes, chunks and compressor; its chunks are kept). The
	 * image's NGFF metadata ({@code .zattrs}, or the group {@code zarr.json}'s {@code ome} attributes) is written by
	 * {@link #commit()}, after the last chunk: an image with it is complete ({@link #isComplete}); before, the group
	 * is a Zarr group without an image ({@code .zgroup}, or a {@code zarr.json} with empty attributes).
	 *
	 * @param shape {@code {t, c, z, y, x}} or {@code {y, x}} of the full-resolution level
	 * @param chunkHeight rows of a chunk (chunks hold one plane)
	 * @param scale physical size per pixel along each axis; {@code translation} the position of pixel 0
	 * @param units per axis (null entries for none)
	 * @param attributes more entries for the image's attributes (e.g. the kernels and options of a result), as Gson
	 *        serialises them; in Zarr v3 {@code omero} goes under {@code ome}, the others beside it
	 * @param levels 1 for the full resolution alone; {@link #levelsFor} for a pyramid down to one chunk
	 * @throws UserException when another image (or one in the other format) is in the way, or for a compressor that
	 *         {@code format} has no codec for (zlib in Zarr v3)
	 */
	public static OmeZarr create(Path path, int[] shape, int chunkWidth, int chunkHeight, Compressor compressor,
		double[] scale, double[] translation, String[] units, Map<String, Object> attributes, int levels,
		ZarrFormat format) throws IOException
	{
		int n = shape.length;
		if (n != 2 && n != 5) throw new IllegalArgumentException("an OME-Zarr image here is 2-D (y, x) or 5-D (t, c, z, y, x)");
		if (levels < 1) throw new IllegalArgumentException("an OME-Zarr image has at least one level, not " + levels);
		List<ZarrArray> arrays = new ArrayList<>();
		List<String> axes = defaultAxes(n);
		int[] levelShape = shape.clone();
		for (int l = 0; l < levels; l++) {
			int[] chunks = new int[n];
			Arrays.fill(chunks, 1);
			chunks[n - 2] = Math.min(chunkHeight, levelShape[n - 2]);
			chunks[n - 1] = Math.min(chunkWidth, levelShape[n - 1]);
			ZarrArray a = ZarrArray.create(path.resolve(Integer.toString(l)), levelShape.clone(), chunks, DataType.FLOAT32,
				compressor, format, format == ZarrFormat.V3 ? axes : null);
			// an image being written is read back only by its pyramid, each chunk once: a cache per level would only
			// hold memory (64 MB each by default)
			a.cacheBytes(0);
			arrays.add(a);
			levelShape[n - 2] = (levelShape[n - 2] + 1) / 2;
			levelShape[n - 1] = (levelShape[n - 1] + 1) / 2;
		}
		JsonObject group = new JsonObject();
		group.addProperty("zarr_format", format.zarr());
		if (format == ZarrFormat.V2) {
			ZarrArray.writeAtomically(path.resolve(".zgroup"), Json.pretty(group).getBytes(StandardCharsets.UTF_8));
		}
		else if (!Files.exists(path.resolve("zarr.json"), LinkOption.NOFOLLOW_LINKS)) {
			// written once: on a resumed or shared output it may hold the metadata of a commit already
			group.addProperty("node_type", "group");
			group.add("attributes", new JsonObject());
			ZarrArray.writeAtomically(path.resolve("zarr.json"), Json.pretty(group).getBytes(StandardCharsets.UTF_8));
		}
		OmeZarr image = new OmeZarr(path, arrays, axes, new String[n], scale.clone(), translation.clone(),
			units == null ? new String[n] : units.clone());
		image.attributes = attributes == null ? Collections.emptyMap() : new LinkedHashMap<>(attributes);
		return image;
	}

	/**
	 * Reopens, to add chunks, an image that {@link #create} started and whose metadata is not written yet (on
	 * another machine than the one that created it): its levels' arrays {@code 0}, {@code 1}, ... as they are.
	 */
	public static OmeZarr reopen(Path path) throws IOException {
		List<ZarrArray> arrays = levelArrays(path);
		if (arrays.isEmpty()) throw new UserException(path + " holds no Zarr array 0 to add chunks to");
		for (ZarrArray a : arrays) a.cacheBytes(0); // as in create: each chunk is read back once, by the level above
		int n = arrays.get(0).shape().length;
		return new OmeZarr(path, arrays, defaultAxes(n), new String[n], ones(n), new double[n], new String[n]);
	}

	/** The arrays {@code 0}, {@code 1}, ... of the image at {@code path}, as far as they go. */
	private static List<ZarrArray> levelArrays(Path path) throws IOException {
		List<ZarrArray> arrays = new ArrayList<>();
		for (int l = 0; Files.isRegularFile(path.resolve(Integer.toString(l)).resolve(".zarray"))
			|| Files.isRegularFile(path.resolve(Integer.toString(l)).resolve("zarr.json")); l++)
		{
			arrays.add(ZarrArray.open(path.resolve(Integer.toString(l))));
		}
		return arrays;
	}

	/**
	 * The levels of a pyramid over a {@code height × width} image in chunks of {@code chunkHeight × chunkWidth}:
	 * halving until the coarsest level fits in one chunk (1 when the image already does).
	 */
	public static int levelsFor(int height, int width, int chunkHeight, int chunkWidth) {
		int levels = 1;
		for (long h = height, w = width; h > chunkHeight || w > chunkWidth; h = (h + 1) / 2, w = (w + 1) / 2) levels++;
		return levels;
	}

	/** The levels written, the full-resolution one first. */
	public List<ZarrArray> levels() {
		return levels;
	}

	/** The chunks of level {@code l}: its planes times its chunks across a plane. */
	public long levelChunks(int l) {
		ZarrArray a = levels.get(l);
		int[] s = a.shape(), c = a.chunks();
		int n = s.length;
		long across = (long) ((s[n - 2] + c[n - 2] - 1) / c[n - 2]) * ((s[n - 1] + c[n - 1] - 1) / c[n - 1]);
		return planes() * across;
	}

	/** The indices of chunk {@code number} of level {@code l}, numbered plane by plane, rows of chunks in order. */
	private int[] levelChunk(int l, long number) {
		ZarrArray a = levels.get(l);
		int[] s = a.shape(), c = a.chunks();
		int n = s.length;
		int columns = (s[n - 1] + c[n - 1] - 1) / c[n - 1], rows = (s[n - 2] + c[n - 2] - 1) / c[n - 2];
		long across = (long) columns * rows;
		int[] index = new int[n];
		int[] lead = leading(Math.toIntExact(number / across));
		System.arraycopy(lead, 0, index, 0, n - 2);
		int within = (int) (number % across);
		index[n - 2] = within / columns;
		index[n - 1] = within % columns;
		return index;
	}

	/** Whether chunk {@code number} of level {@code l} (numbered as by {@link #writeLevelChunk}) is written. */
	public boolean hasLevelChunk(int l, long number) {
		return levels.get(l).hasChunk(levelChunk(l, number));
	}

	/** {@link #hasLevelChunk} that also reads the chunk back ({@link ZarrArray#hasReadableChunk}), for a resumed run. */
	public boolean hasReadableLevelChunk(int l, long number) throws IOException {
		return levels.get(l).hasReadableChunk(levelChunk(l, number));
	}

	/**
	 * Computes chunk {@code number} of level {@code l ≥ 1} from level {@code l - 1}, which must be complete over it,
	 * and writes it atomically: each pixel the mean of the 2×2 pixels below it, or of those there are at an odd
	 * edge (NaN when one of them is NaN). Chunks are numbered plane by plane ({@code t, c, z} order), within a plane
	 * row by row; {@link #levelChunks} are there.
	 */
	public void writeLevelChunk(int l, long number) throws IOException {
		if (l < 1) throw new IllegalArgumentException("level 0 is not made from another level");
		ZarrArray below = levels.get(l - 1), level = levels.get(l);
		int[] index = levelChunk(l, number);
		int n = index.length;
		int[] s = level.shape(), c = level.chunks(), sb = below.shape();
		int ch = c[n - 2], cw = c[n - 1];
		int y0 = index[n - 2] * ch, x0 = index[n - 1] * cw;
		int h = Math.min(ch, s[n - 2] - y0), w = Math.min(cw, s[n - 1] - x0);
		// the rows and columns of the level below that this chunk covers, clipped to it
		int by0 = 2 * y0, bx0 = 2 * x0;
		int bh = Math.min(2 * h, sb[n - 2] - by0), bw = Math.min(2 * w, sb[n - 1] - bx0);
		float[] src = new float[bh * bw];
		below.plane(Arrays.copyOf(index, n - 2)).read(bx0, by0, bw, bh, src);
		float[] chunk = new float[ch * cw]; // past the edge: 0, the fill value
		for (int y = 0; y < h; y++) {
			int r0 = 2 * y, r1 = Math.min(r0 + 1, bh - 1);
			for (int x = 0; x < w; x++) {
				int q0 = 2 * x, q1 = Math.min(q0 + 1, bw - 1);
				double sum = (double) src[r0 * bw + q0];
				int count = 1;
				if (q1 != q0) {
					sum += src[r0 * bw + q1];
					count++;
				}
				if (r1 != r0) {
					sum += src[r1 * bw + q0];
					count++;
					if (q1 != q0) {
						sum += src[r1 * bw + q1];
						count++;
					}
				}
				chunk[y * cw + x] = (float) (sum / count);
			}
		}
		level.writeChunk(index, chunk);
	}

	/**
	 * Removes the temporary files that killed writers left in the image written by {@link #create} at
	 * {@code path}: in its group folder (metadata) and in its levels' array folders (chunks); see
	 * {@link TemporaryFiles#removeStale}. Returns how many.
	 */
	public static int removeStaleTemporaries(Path path) throws IOException {
		int removed = ZarrArray.PARTIAL.removeStale(path);
		for (ZarrArray level : levelArrays(path)) removed += level.removeStaleTemporaries();
		return removed;
	}

	/**
	 * Whether the OME-Zarr image at {@code path} was completed by {@link #commit()}: it has {@code .zattrs} holding
	 * {@code multiscales} and a {@code .zgroup} (Zarr v2), or a group {@code zarr.json} whose attributes hold
	 * {@code ome} (Zarr v3). One whose metadata does not read (a crash of the machine can leave it empty, its data not yet on the disk) is not.
	 */
	public static boolean isComplete(Path path) {
		Path v2 = path.resolve(".zattrs");
		if (Files.isRegularFile(v2)) {
			try {
				// and its .zgroup, without which Zarr readers do not open the image (a crash may leave it empty)
				JsonElement e = Json.read(v2), group = Json.read(path.resolve(".zgroup"));
				return e.isJsonObject() && e.getAsJsonObject().has("multiscales") && group.isJsonObject();
			}
			catch (IOException | UserException e) {
				return false; // damaged: not a commit's, which is written whole
			}
		}
		Path group = path.resolve("zarr.json");
		if (!Files.isRegularFile(group, LinkOption.NOFOLLOW_LINKS)) return false;
		try {
			JsonElement e = Json.read(group);
			if (!e.isJsonObject()) return false;
			JsonElement attributes = e.getAsJsonObject().get("attributes");
			return attributes != null && attributes.isJsonObject() && attributes.getAsJsonObject().has("ome");
		}
		catch (IOException | UserException e) {
			return false; // damaged: not a commit's, which is written whole
		}
	}

	/** The format the image is stored in. */
	public ZarrFormat format() {
		return array.format();
	}

	/**
	 * Writes the image's NGFF metadata and the caller's attributes, atomically, after the last chunk: NGFF 0.4's
	 * {@code .zattrs}, or NGFF 0.5's group {@code zarr.json}, whose attributes hold the NGFF metadata under
	 * {@code ome} (with the caller's {@code omero}, which NGFF defines) and the caller's other attributes beside it.
	 */
	public void commit() throws IOException {
		commit(null);
	}

	/**
	 * {@link #commit()} with the channels' value ranges gathered as the chunks were written, for the {@code omero}
	 * windows; null to read them from the coarsest level here.
	 */
	public void commit(ChannelRanges ranges) throws IOException {
		ZarrFormat format = format();
		int n = axes.size();
		JsonObject ms = new JsonObject();
		if (format == ZarrFormat.V2) ms.addProperty("version", format.ngff()); // NGFF 0.5: once, in 'ome'
		ms.addProperty("name", path.getFileName().toString().replaceFirst("\\.(ome\\.)?zarr$", ""));
		JsonArray axesJson = new JsonArray();
		for (int d = 0; d < n; d++) {
			String name = axes.get(d);
			JsonObject a = new JsonObject();
			a.addProperty("name", name);
			a.addProperty("type", name.equals("t") ? "time" : name.equals("c") ? "channel" : "space");
			if (units[d] != null) a.addProperty("unit", units[d]);
			axesJson.add(a);
		}
		ms.add("axes", axesJson);
		JsonArray datasets = new JsonArray();
		for (int l = 0; l < levels.size(); l++) {
			// level l's pixel spans 2^l pixels of level 0 along y and x; its centre sits (2^l - 1) / 2 of them in
			double[] levelScale = scale.clone(), levelTranslation = translation.clone();
			for (int d = n - 2; d < n; d++) {
				levelScale[d] = scale[d] * (1L << l);
				levelTranslation[d] = translation[d] + scale[d] * ((1L << l) - 1) / 2.0;
			}
			JsonObject level = new JsonObject();
			level.addProperty("path", Integer.toString(l));
			JsonArray transforms = new JsonArray();
			JsonObject s = new JsonObject();
			s.addProperty("type", "scale");
			s.add("scale", Json.tree(levelScale));
			transforms.add(s);
			boolean moved = false;
			for (double t : levelTranslation) moved |= t != 0;
			if (moved) {
				JsonObject t = new JsonObject();
				t.addProperty("type", "translation");
				t.add("translation", Json.tree(levelTranslation));
				transforms.add(t);
			}
			level.add("coordinateTransformations", transforms);
			datasets.add(level);
		}
		ms.add("datasets", datasets);
		if (levels.size() > 1) {
			ms.addProperty("type", "local_mean");
			JsonObject how = new JsonObject();
			how.addProperty("description", "each level halves y and x; each pixel is the mean of the 2x2 pixels of the "
				+ "level below (of those there are at an odd edge)");
			ms.add("metadata", how);
		}
		JsonObject attrs = new JsonObject();
		JsonArray multiscales = new JsonArray();
		multiscales.add(ms);
		if (format == ZarrFormat.V2) {
			attrs.add("multiscales", multiscales);
			for (Map.Entry<String, Object> e : attributes.entrySet()) attrs.add(e.getKey(), Json.tree(e.getValue()));
			completeOmeroChannels(attrs, ranges);
			ZarrArray.writeAtomically(path.resolve(".zattrs"), Json.pretty(attrs).getBytes(StandardCharsets.UTF_8));
			return;
		}
		JsonObject ome = new JsonObject();
		ome.addProperty("version", format.ngff());
		ome.add("multiscales", multiscales);
		attrs.add("ome", ome);
		for (Map.Entry<String, Object> e : attributes.entrySet()) {
			(e.getKey().equals("omero") ? ome : attrs).add(e.getKey(), Json.tree(e.getValue()));
		}
		completeOmeroChannels(ome, ranges);
		JsonObject group = new JsonObject();
		group.addProperty("zarr_format", 3);
		group.addProperty("node_type", "group");
		group.add("attributes", attrs);
		ZarrArray.writeAtomically(path.resolve("zarr.json"), Json.pretty(group).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Gives each channel of the caller's {@code omero} attribute (in {@code attrs}) the fields NGFF 0.4 and 0.5
	 * require of it and the caller
	 * left out: {@code color} (white, {@code FFFFFF}) and {@code window} ({@code start} and {@code min} the least,
	 * {@code end} and {@code max} the greatest finite value of the channel in the coarsest level, the only one
	 * without a pyramid; 0 and 0 when it has none). Without them the metadata fails NGFF's schema, and readers that
	 * check it (ome-zarr-models) refuse the image; viewers (napari-ome-zarr) show the window as the contrast range.
	 */
	private void completeOmeroChannels(JsonObject attrs, ChannelRanges given) throws IOException {
		JsonElement omero = attrs.get("omero");
		if (omero == null || !omero.isJsonObject() || !omero.getAsJsonObject().has("channels")
			|| !omero.getAsJsonObject().get("channels").isJsonArray())
		{
			return;
		}
		JsonArray channels = omero.getAsJsonObject().getAsJsonArray("channels");
		ChannelRanges ranges = given;
		for (int c = 0; c < channels.size(); c++) {
			if (!channels.get(c).isJsonObject()) continue;
			JsonObject ch = channels.get(c).getAsJsonObject();
			if (!ch.has("color")) ch.addProperty("color", "FFFFFF");
			if (!ch.has("window")) {
				if (ranges == null) ranges = channelRanges();
				double[] r = c < ranges.channels() && ranges.range(c) != null ? ranges.range(c) : new double[2];
				JsonObject window = new JsonObject();
				window.addProperty("start", r[0]);
				window.addProperty("end", r[1]);
				window.addProperty("min", r[0]);
				window.addProperty("max", r[1]);
				ch.add("window", window);
			}
		}
	}

	/** The channels of the image: the length of axis {@code c}, 1 without one. */
	public int channels() {
		int channelAxis = axes.indexOf("c");
		return channelAxis < 0 ? 1 : array.shape()[channelAxis];
	}

	/** The finite range of each channel in the coarsest level, read chunk by chunk. */
	private ChannelRanges channelRanges() throws IOException {
		ZarrArray level = levels.get(levels.size() - 1);
		int[] s = level.shape(), c = level.chunks();
		int n = s.length, channelAxis = axes.indexOf("c");
		ChannelRanges ranges = new ChannelRanges(channels());
		int height = s[n - 2], width = s[n - 1];
		float[] tile = new float[c[n - 2] * c[n - 1]];
		int[] leading = new int[n - 2];
		do {
			int channel = channelAxis < 0 ? 0 : leading[channelAxis];
			PlaneSource plane = level.plane(leading.clone());
			for (int y = 0; y < height; y += c[n - 2]) {
				for (int x = 0; x < width; x += c[n - 1]) {
					int h = Math.min(c[n - 2], height - y), w = Math.min(c[n - 1], width - x);
					plane.read(x, y, w, h, tile);
					ranges.add(channel, tile, 0, w * h);
				}
			}
		} while (next(leading, s));
		return ranges;
	}

	/** Steps {@code index} (the leading axes) to the next plane in C order; false past the last. */
	private static boolean next(int[] index, int[] shape) {
		for (int d = index.length - 1; d >= 0; d--) {
			if (++index[d] < shape[d]) return true;
			index[d] = 0;
		}
		return false;
	}

	private static List<String> defaultAxes(int n) {
		List<String> all = Arrays.asList("t", "c", "z", "y", "x");
		if (n <= 5) return new ArrayList<>(all.subList(5 - n, 5));
		List<String> a = new ArrayList<>();
		for (int d = 0; d < n - 2; d++) a.add("dim" + d);
		a.add("y");
		a.add("x");
		return a;
	}

	private static double[] ones(int n) {
		double[] v = new double[n];
		Arrays.fill(v, 1);
		return v;
	}

	public Path path() { return path; }
	/** The full-resolution level. */
	public ZarrArray array() { return array; }
	/** Axis names, outermost first (NGFF's {@code t, c, z, y, x} or a subset). */
	public List<String> axes() { return axes; }
	/**
	 * NGFF's type of each axis ({@code time}, {@code channel}, {@code space}, ...); where none is given, {@code time}
	 * for an axis named t or time, {@code channel} for c, channel or band, null for the others.
	 */
	public String[] types() { return types.clone(); }
	/** Physical size of a pixel step along each axis (1 when not given). */
	public double[] scale() { return scale.clone(); }
	/** Physical position of index 0 along each axis (0 when not given). */
	public double[] translation() { return translation.clone(); }
	/** Unit of each axis, null where none is given. */
	public String[] units() { return units.clone(); }
	/** Why a bioformats2raw container's OME-XML was not used for the calibration, null when it was or there is none. */
	public String note() { return note; }
	public int width() { return array.shape()[axes.size() - 1]; }
	public int height() { return array.shape()[axes.size() - 2]; }

	/**
	 * Number of planes: the product of every axis but the last two.
	 *
	 * @throws UserException when there are more than {@link #MAX_PLANES}
	 */
	public int planes() {
		int[] s = array.shape();
		long n = 1;
		for (int d = 0; d < s.length - 2; d++) {
			n *= s[d];
			if (n > MAX_PLANES) {
				throw new UserException(JsonFields.name(array.dir()) + " has shape " + Arrays.toString(s) + ": more than "
					+ MAX_PLANES + " (2^31 - 1) planes of " + s[s.length - 2] + "×" + s[s.length - 1] + " pixels, more than "
					+ "are read; split it into several images");
			}
		}
		return (int) n;
	}

	/** The most planes an image holds here: planes are numbered by {@code int}. */
	public static final long MAX_PLANES = Integer.MAX_VALUE;

	/** The indices of plane {@code p} along every axis but the last two (C order: the last of them fastest). */
	public int[] leading(int p) {
		int[] s = array.shape();
		int[] idx = new int[s.length - 2];
		for (int d = idx.length - 1; d >= 0; d--) {
			idx[d] = p % s[d];
			p /= s[d];
		}
		return idx;
	}

	/** Plane {@code p} as a source of float pixels. */
	public PlaneSource plane(int p) {
		return array.plane(leading(p));
	}
}
