package io.github.convolve2d.io;

import io.github.convolve2d.core.PlaneSource;
import io.github.convolve2d.core.UserException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image read plane by plane and region by region, whatever holds it: an OME-Zarr image or Zarr array folder
 * ({@link OmeZarr}), or a TIFF or BigTIFF file ({@link TiffReader}). Planes are addressed as NGFF does, by time
 * point, channel and slice ({@code t, c, z}): a Zarr image's axes named {@code t} and {@code c} are those, any
 * other leading axis is the slice; a TIFF's pages are its slices and the samples of a pixel (RGB) its channels,
 * except in an ImageJ hyperstack, whose pages are its channels, slices and frames as its description counts them,
 * and in an OME-TIFF, whose OME-XML says which page holds each channel, slice and frame, and gives the calibration
 * ({@link OmeTiff}; where it cannot be used, the file is read as a TIFF and {@link #note} says why).
 * Opening it reads metadata only, so a remote worker can open the same path and read just its block.
 */
public final class ChunkedImage implements Closeable {

	private final OmeZarr zarr;
	private final TiffReader tiff;
	private final int frames, channels, slices;
	/** Zarr: position of the t and c axes among the leading ones (-1 when absent). */
	private final int tAxis, cAxis;
	/** TIFF: the OME-XML that gives its layout and calibration, null when none is used. */
	private final OmeTiff ome;
	/** TIFF: its calibration (the OME-XML's or the TIFF's own); null for Zarr. */
	private final TiffCalibration calibration;
	/** Why an OME-TIFF's OME-XML was not used, else null. */
	private final String note;

	private ChunkedImage(OmeZarr zarr, TiffReader tiff, int frames, int channels, int slices, int tAxis, int cAxis,
		OmeTiff ome, String note)
	{
		this.zarr = zarr;
		this.tiff = tiff;
		this.ome = ome;
		this.note = note;
		this.calibration = tiff == null ? null : ome != null ? ome.calibration() : tiff.calibration();
		this.frames = frames;
		this.channels = channels;
		this.slices = slices;
		this.tAxis = tAxis;
		this.cAxis = cAxis;
	}

	/**
	 * Whether {@code path} is a Zarr folder ({@code .zarr} with Zarr metadata) or a TIFF file; never for a named pipe
	 * or device (it is not opened).
	 */
	public static boolean canOpen(Path path) {
		return Files.isDirectory(path) ? OmeZarr.isZarr(path) : TiffReader.isTiff(path);
	}

	/**
	 * Opens a Zarr folder or a TIFF file.
	 *
	 * @throws UserException when it is neither (a named pipe or device is refused without being opened), or holds
	 *         what this package does not read (an OME-TIFF of several images), or is damaged
	 */
	public static ChunkedImage open(Path path) throws IOException {
		if (Files.isDirectory(path)) {
			OmeZarr z = OmeZarr.open(path);
			List<String> axes = z.axes();
			String[] types = z.types();
			int[] shape = z.array().shape();
			int t = -1, c = -1, other = -1, frames = 1, channels = 1, slices = 1;
			String axisNote = null;
			for (int d = 0; d < axes.size() - 2; d++) {
				// NGFF names axes freely ('time', 'ch'); their type says which is which, the name where none is given
				boolean time = types[d] != null ? types[d].equals("time") : axes.get(d).equals("t");
				boolean channel = types[d] != null ? types[d].equals("channel") : axes.get(d).equals("c");
				if (time && t < 0) {
					t = d;
					frames = shape[d];
				}
				else if (channel && c < 0) {
					c = d;
					channels = shape[d];
				}
				else if (!time && !channel && other < 0) {
					other = d;
					slices = shape[d];
					if (types[d] == null ? !axes.get(d).equals("z") : !types[d].equals("space")) {
						// not a z axis by its type or name (NGFF 0.3's names alone, 0.4's type left out, or another
						// type): read as one, and said so, as ome-zarr-py keeps such an axis apart from space
						axisNote = "its axis '" + axes.get(d) + "' (" + (types[d] == null ? "no NGFF type"
							: "type '" + types[d] + "'") + ") was read as z: each of its planes is convolved alone, and "
							+ "the output names the axis z";
					}
				}
				else {
					throw new UserException(path + " has axes " + axes + "; read here are one time axis (t), one channel "
						+ "axis (c) and one more (z) before y, x, each at most once; split it into images of those axes (one per "
						+ "index of each axis more, such as an angle or a view), or give the axes their NGFF types (time, "
						+ "channel, space)");
				}
			}
			String note = z.note() == null ? axisNote : axisNote == null ? z.note() : z.note() + "; " + axisNote;
			return new ChunkedImage(z, null, frames, channels, slices, t, c, null, note);
		}
		if (Files.exists(path) && !Files.isRegularFile(path)) throw new UserException(TiffReader.notRegular(path));
		if (!TiffReader.isTiff(path)) {
			throw new UserException(path + " is neither a Zarr folder nor a TIFF file");
		}
		TiffReader r = TiffReader.open(path);
		OmeTiff ome;
		try {
			ome = OmeTiff.of(r, path);
		}
		catch (UserException e) {
			r.close();
			throw e;
		}
		for (int p = 1; p < r.pages(); p++) {
			if (r.width(p) != r.width(0) || r.height(p) != r.height(0)) {
				int w = r.width(p), h = r.height(p);
				r.close();
				throw new UserException(path + ": page " + (p + 1) + " is " + w + "×" + h + " but page 1 is "
					+ r.width(0) + "×" + r.height(0) + " (a pyramid or thumbnail?); only pages of one size are read: save "
					+ "the pages of one size as a stack of their own");
			}
			if (r.samples(p) != r.samples(0)) {
				int n = r.samples(p);
				r.close();
				throw new UserException(path + ": page " + (p + 1) + " has " + n + " sample(s) per pixel but page 1 has "
					+ r.samples(0) + " (an RGB page beside grey ones?); only pages of one kind are read: save the pages "
					+ "of one kind as a stack of their own");
			}
		}
		if (ome != null && ome.used()) {
			// the samples of an RGB page are its channels; its OME channel is one
			int channels = r.samples(0) == 1 ? ome.channels() : r.samples(0);
			return new ChunkedImage(null, r, ome.frames(), channels, ome.slices(), -1, -1, ome, null);
		}
		String note = ome == null ? null : ome.note();
		int[] hyper = r.samples(0) == 1 ? r.imageJDimensions() : null;
		if (hyper != null) return new ChunkedImage(null, r, hyper[2], hyper[0], hyper[1], -1, -1, null, note);
		return new ChunkedImage(null, r, 1, r.samples(0), r.pages(), -1, -1, null, note);
	}

	public int width() { return zarr != null ? zarr.width() : tiff.width(0); }
	public int height() { return zarr != null ? zarr.height() : tiff.height(0); }
	/** Time points. */
	public int frames() { return frames; }
	/** The type of the stored samples (as read: a TIFF's first page). */
	public DataType dataType() { return zarr != null ? zarr.array().dataType() : tiff.dataType(0); }
	/** Whether the channels are the samples of each pixel (a TIFF's RGB), not planes of their own. */
	public boolean channelsAreSamples() { return tiff != null && tiff.samples(0) != 1; }
	/** Channels (RGB samples count as 3). */
	public int channels() { return channels; }
	/** Slices. */
	public int slices() { return slices; }

	/**
	 * Physical pixel size along {@code t, c, z, y, x} (1 where not given): a Zarr image's scale, a TIFF's
	 * {@linkplain TiffCalibration calibration} (an OME-TIFF's from its OME-XML).
	 */
	public double[] scale() {
		return tiff != null ? calibration.scaleTczyx() : tczyx(zarr.scale(), 1.0);
	}

	/** Physical position of pixel 0 along {@code t, c, z, y, x} (0 where not given). */
	public double[] translation() {
		return tiff != null ? calibration.translationTczyx(height()) : tczyx(zarr.translation(), 0.0);
	}

	/** Units along {@code t, c, z, y, x} as NGFF names them, null where none is given. */
	public String[] units() {
		if (tiff != null) return calibration.unitsTczyx();
		String[] u = new String[5];
		String[] z = zarr.units();
		int n = z.length;
		// as NGFF names them: an input's 'um' or 'ms' would be written on, which NGFF's readers do not know
		if (tAxis >= 0) u[0] = TiffCalibration.ngffUnit(z[tAxis], true);
		for (int d = 0; d < n - 2; d++) if (d != tAxis && d != cAxis) u[2] = TiffCalibration.ngffUnit(z[d], false);
		u[3] = TiffCalibration.ngffUnit(z[n - 2], false);
		u[4] = TiffCalibration.ngffUnit(z[n - 1], false);
		return u;
	}

	private double[] tczyx(double[] v, double none) {
		double[] out = { none, none, none, none, none };
		if (v == null) return out;
		int n = v.length;
		if (tAxis >= 0) out[0] = v[tAxis];
		if (cAxis >= 0) out[1] = v[cAxis];
		for (int d = 0; d < n - 2; d++) if (d != tAxis && d != cAxis) out[2] = v[d];
		out[3] = v[n - 2];
		out[4] = v[n - 1];
		return out;
	}

	/** The OME-XML this TIFF's planes were laid out by ({@link OmeTiff#used}), or null (a Zarr image, a plain TIFF). */
	public OmeTiff ome() {
		return ome != null && ome.used() ? ome : null;
	}

	/**
	 * Why an OME-TIFF's OME-XML was not used (a clause: "its OME-XML was not used (...)"), or a bioformats2raw
	 * container's for a Zarr image's calibration, and an axis read as z that is none by its NGFF type or name; null
	 * when there is nothing to say.
	 */
	public String note() {
		return note;
	}

	/** Bytes of decoded chunks or tiles kept for neighbouring reads. */
	public void cacheBytes(long bytes) {
		if (zarr != null) zarr.array().cacheBytes(bytes);
		else tiff.cacheBytes(bytes);
	}

	/** The heap reading from one chunk (a Zarr chunk, a TIFF strip or tile) takes at most: it is decoded whole. */
	public long chunkReadBytes() {
		return zarr != null ? zarr.array().chunkReadBytes() : tiff.segmentReadBytes();
	}

	/**
	 * The heap the decoded chunks (Zarr chunks, compressed TIFF strips and tiles) that reads of a {@code width ×
	 * height} rectangle of one plane, or of every channel's plane of a time point and slice when {@code allChannels},
	 * keep in the cache take at most, wherever the rectangle lies: what the cache ({@link #cacheBytes}) must hold for
	 * each chunk to be decoded once while such reads go on. Strips as wide as the image are read by every block of
	 * a row of blocks: for them it is the rows of the whole row of blocks.
	 */
	public long decodedBytes(int width, int height, boolean allChannels) {
		if (tiff != null) {
			// an ImageJ hyperstack's (or a stack's) channels are pages, each with strips of its own; else samples
			if (tiff.samples(0) == 1) return tiff.decodedBytes(width, height, 1) * (allChannels ? channels : 1);
			return tiff.decodedBytes(width, height, allChannels ? channels : 1);
		}
		ZarrArray a = zarr.array();
		int[] shape = a.shape(), chunks = a.chunks();
		int n = shape.length;
		long across = TiffReader.spans(width, chunks[n - 1], (shape[n - 1] + chunks[n - 1] - 1L) / chunks[n - 1]);
		long down = TiffReader.spans(height, chunks[n - 2], (shape[n - 2] + chunks[n - 2] - 1L) / chunks[n - 2]);
		// a chunk holds chunks[cAxis] channels: the channels of a time point and slice lie in this many chunks
		long channelChunks = allChannels && cAxis >= 0 ? (channels + chunks[cAxis] - 1L) / chunks[cAxis] : 1;
		return across * down * channelChunks * 4L * a.chunkElements();
	}

	/**
	 * How many chunks (Zarr chunks, compressed TIFF strips and tiles) were decoded so far: more than the input has
	 * when some were dropped from the cache before their last read.
	 */
	public long chunksDecoded() {
		return zarr != null ? zarr.array().chunksDecoded() : tiff.segmentsDecoded();
	}

	/** The plane of time point {@code t}, channel {@code c}, slice {@code z}. */
	public PlaneSource plane(int t, int c, int z) {
		if (t < 0 || t >= frames || c < 0 || c >= channels || z < 0 || z >= slices) {
			throw new IndexOutOfBoundsException("plane t" + t + " c" + c + " z" + z);
		}
		if (tiff != null) {
			if (ome != null) return tiff.samples(0) == 1 ? tiff.plane(ome.page(c, z, t), 0) : tiff.plane(ome.page(0, z, t), c);
			// an ImageJ hyperstack's pages go channel, slice, frame; samples (RGB) are the channels otherwise
			return tiff.samples(0) == 1 ? tiff.plane(c + channels * (z + slices * t), 0) : tiff.plane(z, c);
		}
		int[] leading = new int[zarr.axes().size() - 2];
		for (int d = 0; d < leading.length; d++) leading[d] = d == tAxis ? t : d == cAxis ? c : z;
		return zarr.array().plane(leading);
	}

	@Override
	public void close() throws IOException {
		if (tiff != null) tiff.close();
	}
}
