package io.github.convolve2d.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * TIFF files built byte by byte with chosen tags and strips, so that a test can make exactly the damage it means:
 * strips stored as given (compressed or not, short or long), offsets and counts that lie, directory chains that
 * loop. Layout: header, the strips in order, the description, then each page's value arrays and directory; every
 * page holds the same strips. Little-endian classic TIFF.
 */
public final class TiffBytes {

	public static final int LZW = 5, DEFLATE = 8, PACKBITS = 32773;

	private final int width, height;
	private final Map<Integer, long[]> tags = new TreeMap<>();
	private final List<byte[]> strips = new ArrayList<>();
	private String description;
	private int pages = 1;
	/** Page (from 1) the last page's next-directory offset points back to; 0: the chain ends. */
	private int loopTo;
	/** Overrides of a strip's offset or byte count (index → value), applied after layout. */
	private final Map<Integer, Long> offsetOverride = new TreeMap<>(), countOverride = new TreeMap<>();
	/** Pages after this one's copies, each with its own tags and strips ({@link #thenPage}). */
	private final List<TiffBytes> following = new ArrayList<>();
	/** Strip byte counts as SHORT where they fit, as libtiff writes them ({@link #shortStripCounts}). */
	private boolean shortCounts;

	private TiffBytes(int width, int height) {
		this.width = width;
		this.height = height;
		tag(256, width).tag(257, height).tag(258, 8).tag(259, 1).tag(262, 1).tag(277, 1).tag(278, height);
	}

	/** A {@code width}×{@code height} 8-bit grey image, one sample per pixel, uncompressed, one strip until set. */
	public static TiffBytes grey8(int width, int height) {
		return new TiffBytes(width, height);
	}

	/** Sets a tag (SHORT when every value fits 16 bits, else LONG; strip offsets and counts always LONG). */
	public TiffBytes tag(int tag, long... values) {
		tags.put(tag, values.clone());
		return this;
	}

	public TiffBytes description(String text) {
		description = text;
		return this;
	}

	/** The stored bytes of each strip, in order (their offsets and counts are filled in). */
	public TiffBytes strips(List<byte[]> stored) {
		strips.clear();
		strips.addAll(stored);
		return this;
	}

	public TiffBytes pages(int n) {
		pages = n;
		return this;
	}

	/**
	 * ImageJ's metadata (tags 50838, its byte counts, and 50839, its bytes), as ImageJ's TiffEncoder writes it: a
	 * header (the magic {@code IJIJ}, then a type and a count for each kind of entry: {@code kinds}, pairs such as
	 * {@code 0x6c61626c, 2} for two slice labels) and the entries in order.
	 */
	public TiffBytes imageJMetadata(int[] kinds, byte[]... entries) {
		ByteBuffer head = ByteBuffer.allocate(4 + 4 * kinds.length).order(ByteOrder.LITTLE_ENDIAN).putInt(0x494a494a);
		for (int k : kinds) head.putInt(k);
		ByteArrayOutputStream meta = new ByteArrayOutputStream();
		meta.writeBytes(head.array());
		long[] counts = new long[1 + entries.length];
		counts[0] = head.capacity();
		for (int i = 0; i < entries.length; i++) {
			meta.writeBytes(entries[i]);
			counts[i + 1] = entries[i].length;
		}
		byte[] data = meta.toByteArray();
		long[] bytes = new long[data.length];
		for (int i = 0; i < bytes.length; i++) bytes[i] = data[i] & 0xff;
		return tag(50838, counts).tag(50839, bytes);
	}

	/**
	 * A 12×10 OME-TIFF of 4 pages whose OME-XML cannot be used: 2 channels of 2 slices, but its TiffData places only
	 * 3 planes (plane C1 Z1 T0 in no page), so a reader falls back to the pages as slices.
	 */
	public static byte[] omeTiffWithAPlaneInNoPage() {
		String xml = "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image "
			+ "ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"uint8\" SizeX=\"12\" SizeY=\"10\" "
			+ "SizeC=\"2\" SizeZ=\"2\" SizeT=\"1\"><TiffData IFD=\"0\" PlaneCount=\"3\"/></Pixels></Image></OME>";
		return omeTiff(xml, 4);
	}

	/** A 12×10 8-bit TIFF of {@code pages} pages described by the OME-XML {@code xml}. */
	public static byte[] omeTiff(String xml, int pages) {
		TiffBytes t = grey8(12, 10).strips(List.of(rows(12, 0, 10, 1))).description(xml);
		for (int p = 1; p < pages; p++) t.thenPage(grey8(12, 10).strips(List.of(rows(12, 0, 10, 1))));
		return t.build();
	}

	/** The values 0, 1, 2, ... of {@code n} pixels as IEEE floats of {@code bits} bits (32 or 64), little-endian. */
	public static byte[] ramp(int n, int bits) {
		ByteBuffer px = ByteBuffer.allocate(n * bits / 8).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < n; i++) {
			if (bits == 32) px.putFloat(i);
			else px.putDouble(i);
		}
		return px.array();
	}

	/** Texts as ImageJ's metadata holds them (info, labels, properties): UTF-16, little-endian here. */
	public static byte[][] utf16(String... texts) {
		byte[][] out = new byte[texts.length][];
		for (int i = 0; i < texts.length; i++) out[i] = texts[i].getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
		return out;
	}

	/** The last page's next-directory offset points to page {@code page} (from 1): a loop. */
	public TiffBytes loopTo(int page) {
		loopTo = page;
		return this;
	}

	/** Strip {@code index} (from 0) claims to lie at {@code offset}. */
	public TiffBytes stripOffset(int index, long offset) {
		offsetOverride.put(index, offset);
		return this;
	}

	/** Strip {@code index} (from 0) claims {@code count} bytes. */
	public TiffBytes stripCount(int index, long count) {
		countOverride.put(index, count);
		return this;
	}

	/**
	 * Writes the strip byte counts as SHORT where they all fit 16 bits, as libtiff does (OpenCV's float TIFFs): two of
	 * them then fill the entry's own 4 bytes, in every page of this file.
	 */
	public TiffBytes shortStripCounts() {
		shortCounts = true;
		return this;
	}

	/** Adds {@code next} as a page of its own after this one's (its own tags and strips; its description is not written). */
	public TiffBytes thenPage(TiffBytes next) {
		following.add(next);
		return this;
	}

	public byte[] build() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { 'I', 'I', 42, 0, 0, 0, 0, 0 });
		// the strips of this page (shared by its copies) and of each following page, then the description
		Map<Integer, long[]> all = withStrips(this, out);
		offsetOverride.forEach((i, v) -> all.get(273)[i] = v);
		countOverride.forEach((i, v) -> all.get(279)[i] = v);
		List<Map<Integer, long[]>> others = new ArrayList<>();
		for (TiffBytes page : following) others.add(withStrips(page, out));
		long descriptionAt = 0;
		if (description != null) {
			descriptionAt = out.size();
			out.writeBytes((description + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
		}
		if (out.size() % 2 == 1) out.write(0);
		List<Integer> ifds = new ArrayList<>();
		List<Integer> nextAt = new ArrayList<>();
		for (int page = 0; page < pages + others.size(); page++) {
			Map<Integer, long[]> tags = page < pages ? all : others.get(page - pages);
			String text = page < pages ? description : null;
			// the value arrays that do not fit their entries, then the directory
			Map<Integer, Long> arrayAt = new TreeMap<>();
			for (Map.Entry<Integer, long[]> t : tags.entrySet()) {
				long[] v = t.getValue();
				int size = valueBytes(t.getKey(), v, shortCounts);
				if (v.length * size > 4) {
					arrayAt.put(t.getKey(), (long) out.size());
					ByteBuffer b = ByteBuffer.allocate(v.length * size).order(ByteOrder.LITTLE_ENDIAN);
					for (long x : v) {
						if (size == 1) b.put((byte) x);
						else if (size == 2) b.putShort((short) x);
						else b.putInt((int) x);
					}
					out.writeBytes(b.array());
				}
			}
			int entries = tags.size() + (text != null ? 1 : 0);
			ifds.add(out.size());
			ByteBuffer d = ByteBuffer.allocate(2 + 12 * entries + 4).order(ByteOrder.LITTLE_ENDIAN);
			d.putShort((short) entries);
			Map<Integer, long[]> sorted = new TreeMap<>(tags);
			if (text != null) sorted.put(270, null);
			for (Map.Entry<Integer, long[]> t : sorted.entrySet()) {
				d.putShort((short) (int) t.getKey());
				if (t.getValue() == null) {
					d.putShort((short) 2).putInt(text.length() + 1).putInt((int) descriptionAt);
					continue;
				}
				long[] v = t.getValue();
				int size = valueBytes(t.getKey(), v, shortCounts);
				boolean shorts = size == 2;
				d.putShort((short) (size == 1 ? 1 : shorts ? 3 : 4)).putInt(v.length);
				if (arrayAt.containsKey(t.getKey())) d.putInt((int) (long) arrayAt.get(t.getKey()));
				else if (size == 1) for (int i = 0; i < 4; i++) d.put((byte) (i < v.length ? v[i] : 0));
				else if (shorts) d.putShort((short) v[0]).putShort((short) (v.length > 1 ? v[1] : 0));
				else d.putInt((int) v[0]);
			}
			nextAt.add(out.size() + d.position());
			d.putInt(0);
			out.writeBytes(d.array());
		}
		byte[] file = out.toByteArray();
		ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
		b.putInt(4, ifds.get(0));
		for (int p = 0; p + 1 < ifds.size(); p++) b.putInt(nextAt.get(p), ifds.get(p + 1));
		if (loopTo > 0) b.putInt(nextAt.get(ifds.size() - 1), ifds.get(loopTo - 1));
		return file;
	}

	/** Writes {@code page}'s strips; returns its tags with their offsets and counts. */
	private static Map<Integer, long[]> withStrips(TiffBytes page, ByteArrayOutputStream out) {
		long[] offsets = new long[page.strips.size()], counts = new long[page.strips.size()];
		for (int i = 0; i < page.strips.size(); i++) {
			offsets[i] = out.size();
			counts[i] = page.strips.get(i).length;
			out.writeBytes(page.strips.get(i));
		}
		Map<Integer, long[]> all = new TreeMap<>(page.tags);
		all.put(273, offsets);
		all.put(279, counts);
		return all;
	}

	/** Bytes per value: 1 (BYTE) for ImageJ's metadata (tag 50839), as ImageJ writes and reads it; else {@link #fitsShort}'s. */
	private static int valueBytes(int tag, long[] v, boolean shortCounts) {
		return tag == 50839 ? 1 : fitsShort(tag, v, shortCounts) ? 2 : 4;
	}

	/**
	 * SHORT when every value fits 16 bits, except strip offsets and ImageJ's metadata byte counts (LONG, as ImageJ
	 * reads them) and strip counts (LONG unless {@code shortCounts}).
	 */
	private static boolean fitsShort(int tag, long[] v, boolean shortCounts) {
		if (tag == 273 || tag == 50838 || tag == 279 && !shortCounts) return false;
		for (long x : v) if (x < 0 || x > 0xffff) return false;
		return true;
	}

	/** The pixel at (x, y) of the test images: {@code (7x + 3y) & 255}. */
	public static byte value(int x, int y) {
		return (byte) (7 * x + 3 * y);
	}

	/** Rows {@code y0 ≤ y < y1} of the test image, {@code samples} per pixel: sample s is {@link #value} + 50s. */
	public static byte[] rows(int width, int y0, int y1, int samples) {
		byte[] r = new byte[width * (y1 - y0) * samples];
		int i = 0;
		for (int y = y0; y < y1; y++) {
			for (int x = 0; x < width; x++) {
				for (int s = 0; s < samples; s++) r[i++] = (byte) (value(x, y) + 50 * s);
			}
		}
		return r;
	}

	public static byte[] deflate(byte[] raw) {
		Deflater d = new Deflater();
		d.setInput(raw);
		d.finish();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buf = new byte[4096];
		while (!d.finished()) out.write(buf, 0, d.deflate(buf));
		d.end();
		return out.toByteArray();
	}

	/** PackBits: alternate literal runs of up to 5 bytes and repeat runs where bytes repeat. */
	public static byte[] packBits(byte[] raw) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int i = 0;
		while (i < raw.length) {
			int run = 1;
			while (i + run < raw.length && run < 128 && raw[i + run] == raw[i]) run++;
			if (run >= 2) {
				out.write(1 - run);
				out.write(raw[i]);
				i += run;
				continue;
			}
			int n = Math.min(5, raw.length - i);
			out.write(n - 1);
			out.write(raw, i, n);
			i += n;
		}
		return out.toByteArray();
	}

	/** TIFF LZW (9–12-bit codes, most significant bit first, early change), with a clear code first and at 4094. */
	public static byte[] lzw(byte[] raw) {
		BitWriter w = new BitWriter();
		Map<String, Integer> table = new java.util.HashMap<>();
		int next = 258, width = 9;
		w.put(256, width);
		String current = "";
		for (byte b : raw) {
			String s = current + (char) (b & 0xff);
			if (s.length() == 1 || table.containsKey(s)) {
				current = s;
				continue;
			}
			w.put(code(table, current), width);
			table.put(s, next++);
			// the decoder adds each entry one code later, and widens when its next code + 1 needs another bit
			if (next >= 1 << width && width < 12) width++;
			if (next >= 4094) {
				w.put(256, width);
				table.clear();
				next = 258;
				width = 9;
			}
			current = String.valueOf((char) (b & 0xff));
		}
		if (!current.isEmpty()) w.put(code(table, current), width);
		if (next + 1 >= 1 << width && width < 12) width++; // the decoder adds the entry of the last code first
		w.put(257, width);
		return w.bytes();
	}

	private static int code(Map<String, Integer> table, String s) {
		return s.length() == 1 ? s.charAt(0) : table.get(s);
	}

	private static final class BitWriter {
		private final ByteArrayOutputStream out = new ByteArrayOutputStream();
		private int acc, bits;

		void put(int code, int width) {
			for (int i = width - 1; i >= 0; i--) {
				acc = acc << 1 | (code >> i & 1);
				if (++bits == 8) {
					out.write(acc);
					acc = 0;
					bits = 0;
				}
			}
		}

		byte[] bytes() {
			if (bits > 0) out.write(acc << (8 - bits));
			acc = 0;
			bits = 0;
			return out.toByteArray();
		}
	}
}
