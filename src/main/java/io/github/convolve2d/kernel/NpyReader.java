package io.github.convolve2d.kernel;

import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.UserException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy's {@code .npy} format (versions 1, 2 and 3 of the header), as {@code numpy.save} and
 * {@code torch}'s {@code tensor.numpy()} write it: float32 or float64, little or big endian ({@code '<f4'},
 * {@code '>f4'}, {@code '<f8'}, {@code '>f8'}), C order. Anything else (Fortran order, integers, pickled
 * objects, PyTorch's {@code .pt} files, {@code .npz} archives) is a {@link UserException} saying what the file
 * holds and how to save it instead.
 */
public final class NpyReader {

	private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };
	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
	private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
	/**
	 * How PyTorch's legacy {@code torch.save} (before 1.6, or {@code _use_new_zipfile_serialization=False}) starts: a
	 * protocol-2 pickle of its magic number 0x1950a86a20f9469cfc6c. Other pickles start with 0x80 too.
	 */
	private static final byte[] TORCH_LEGACY = { (byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
		(byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19 };

	private NpyReader() {
	}

	/** An array read from a file: its shape (C order, outermost first) and its values as doubles. */
	public static final class Array {
		private final int[] shape;
		private final double[] values;

		Array(int[] shape, double[] values) {
			this.shape = shape;
			this.values = values;
		}

		/** The shape, a copy; empty for a scalar. */
		public int[] shape() {
			return shape.clone();
		}

		/** The values in C order, a copy. */
		public double[] values() {
			return values.clone();
		}

		/** The shape as NumPy prints it, e.g. {@code (8, 3, 3, 3)}. */
		public String shapeText() {
			StringBuilder sb = new StringBuilder("(");
			for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
			return sb.append(shape.length == 1 ? ",)" : ")").toString();
		}
	}

	/**
	 * Parses the bytes of a {@code .npy} file.
	 *
	 * @param what the file as the user knows it, for error messages
	 * @param fileName the file's name, for the line of Python a message gives to export a PyTorch file or an
	 *        {@code .npz} archive as {@code .npy}
	 * @throws UserException when the bytes are not a supported {@code .npy} array
	 */
	public static Array parse(byte[] bytes, String what, String fileName) {
		ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < MAGIC.length; i++) {
			if (bytes.length <= i || bytes[i] != MAGIC[i]) throw notNpy(bytes, what, fileName);
		}
		if (bytes.length < 10) throw truncated(what);
		int major = bytes[6] & 0xff;
		long headerLength;
		int start;
		if (major == 1) {
			headerLength = b.getShort(8) & 0xffff;
			start = 10;
		}
		else if (major == 2 || major == 3) {
			if (bytes.length < 12) throw truncated(what);
			headerLength = b.getInt(8) & 0xffffffffL;
			start = 12;
		}
		else {
			throw new UserException(what + " is a .npy file of version " + major + "; versions 1 to 3 are supported");
		}
		if (start + headerLength > bytes.length) throw truncated(what);
		String header = new String(bytes, start, (int) headerLength,
			major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
		Matcher descr = DESCR.matcher(header), fortran = FORTRAN.matcher(header), shapeText = SHAPE.matcher(header);
		if (!descr.find() || !fortran.find() || !shapeText.find()) {
			throw new UserException(what + ": the .npy header is not understood: " + Excerpt.of(header.trim(), 120));
		}
		if (fortran.group(1).equals("True")) {
			throw new UserException(what + " holds an array in Fortran order; save it in C order: "
				+ "numpy.save(path, numpy.ascontiguousarray(array))");
		}
		String type = descr.group(1);
		int size;
		ByteOrder order;
		switch (type) {
			case "<f4": size = 4; order = ByteOrder.LITTLE_ENDIAN; break;
			case ">f4": size = 4; order = ByteOrder.BIG_ENDIAN; break;
			case "<f8": size = 8; order = ByteOrder.LITTLE_ENDIAN; break;
			case ">f8": size = 8; order = ByteOrder.BIG_ENDIAN; break;
			default:
				throw new UserException(what + " holds values of type '" + Excerpt.of(type) + "'; Convolve 2D reads arrays of "
					+ "float32 or float64: save array.astype(numpy.float32)");
		}
		int[] shape = shape(shapeText.group(1), what);
		long count = 1;
		for (int d : shape) {
			// a corrupt header must not overflow the count: any count beyond the file's bytes is refused below
			if (d < 0) throw new UserException(what + ": the .npy shape has a negative size " + d);
			count = Math.min(count * d, 1L << 40);
		}
		long dataStart = start + headerLength;
		if (count > Integer.MAX_VALUE - 8 || dataStart + count * size > bytes.length) {
			throw new UserException(what + " is cut short: shape " + new Array(shape, new double[0]).shapeText() + " of "
				+ type + " needs " + count * size + " bytes of data, the file has " + (bytes.length - dataStart));
		}
		ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) (count * size)).slice().order(order);
		double[] values = new double[(int) count];
		for (int i = 0; i < values.length; i++) values[i] = size == 4 ? data.getFloat(4 * i) : data.getDouble(8 * i);
		return new Array(shape, values);
	}

	/**
	 * The message for a file that is not a {@code .npy}: PyTorch's own files ({@code torch.save}: a zip holding
	 * {@code data.pkl} since PyTorch 1.6, a pickle before) and NumPy's {@code .npz} archives (a zip of {@code .npy}
	 * files) are what CNN users have at hand, so those are named, with the line that exports the arrays.
	 */
	private static UserException notNpy(byte[] bytes, String what, String fileName) {
		List<String> arrays = new ArrayList<>();
		boolean pickle = bytes.length > 2 && (bytes[0] & 0xff) == 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
		boolean torch = startsWith(bytes, TORCH_LEGACY);
		if (bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
			for (String name : zipEntryNames(bytes)) {
				if (name.endsWith("data.pkl")) torch = true;
				else if (name.endsWith(".npy")) arrays.add(name.substring(0, name.length() - 4));
			}
		}
		if (torch) {
			return new UserException(what + " is a PyTorch file (torch.save), which Convolve 2D cannot read; export "
				+ "the layer's arrays as .npy in Python: numpy.save('conv1.npy', model.conv1.weight.detach().numpy()) and "
				+ "numpy.save('conv1-bias.npy', model.conv1.bias.detach().numpy()), or from a saved state_dict "
				+ "numpy.save('conv1.npy', torch.load('" + fileName + "')['conv1.weight'].numpy())");
		}
		if (pickle) {
			return new UserException(what + " is a Python pickle (as pickle.dump or numpy's array.dump write), which "
				+ "Convolve 2D does not read (unpickling can run any code); save the array with "
				+ "numpy.save('weights.npy', array)");
		}
		if (!arrays.isEmpty()) {
			StringBuilder names = new StringBuilder();
			for (int i = 0; i < Math.min(arrays.size(), 8); i++) {
				names.append(i > 0 ? ", '" : "'").append(Excerpt.of(arrays.get(i))).append('\'');
			}
			if (arrays.size() > 8) names.append(" and ").append(arrays.size() - 8).append(" more");
			String first = arrays.get(0);
			return new UserException(what + " is a NumPy .npz archive (numpy.savez) of the arrays " + names
				+ "; give each array as a .npy file: numpy.save('" + first + ".npy', numpy.load('" + fileName + "')['"
				+ first + "'])");
		}
		return new UserException(what + " is not a NumPy .npy file (it does not start with \\x93NUMPY); save the "
			+ "array with numpy.save('weights.npy', array)");
	}

	/**
	 * The names in a zip archive's central directory (none when it cannot be found). Read from the directory at the
	 * end, not entry by entry: PyTorch stores its entries with data descriptors, which {@code ZipInputStream}
	 * refuses for stored entries.
	 */
	private static List<String> zipEntryNames(byte[] bytes) {
		ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		List<String> names = new ArrayList<>();
		int end = bytes.length - 22; // the end-of-directory record, followed by a comment of at most 65535 bytes
		while (end >= 0 && b.getInt(end) != 0x06054b50) {
			if (--end < bytes.length - 22 - 0xffff) return names;
		}
		if (end < 0) return names;
		int count = b.getShort(end + 10) & 0xffff;
		long at = b.getInt(end + 16) & 0xffffffffL;
		for (int n = 0; n < count && at + 46 <= bytes.length && b.getInt((int) at) == 0x02014b50; n++) {
			int nameLength = b.getShort((int) at + 28) & 0xffff;
			int skip = (b.getShort((int) at + 30) & 0xffff) + (b.getShort((int) at + 32) & 0xffff);
			if (at + 46 + nameLength > bytes.length) break;
			names.add(new String(bytes, (int) at + 46, nameLength, StandardCharsets.UTF_8));
			at += 46 + nameLength + skip;
		}
		return names;
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		if (bytes.length < prefix.length) return false;
		for (int i = 0; i < prefix.length; i++) if (bytes[i] != prefix[i]) return false;
		return true;
	}

	private static int[] shape(String text, String what) {
		List<Integer> dims = new ArrayList<>();
		for (String part : text.split(",")) {
			String t = part.trim();
			if (t.isEmpty()) continue;
			try {
				dims.add(Integer.parseInt(t.replaceAll("L$", "")));
			}
			catch (NumberFormatException e) {
				throw new UserException(what + ": the .npy shape (" + Excerpt.of(text) + ") is not understood");
			}
		}
		int[] shape = new int[dims.size()];
		for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i);
		return shape;
	}

	private static UserException truncated(String what) {
		return new UserException(what + " is cut short: its .npy header is incomplete");
	}
}
