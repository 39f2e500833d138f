package io.github.convolve2d.batch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks a GIF's blocks before ImageJ reads it, so that a file cut short inside a frame is refused: ImageJ's GIF
 * reader keeps the frames before the cut and drops the rest without a word (a 3-frame GIF cut in its third frame
 * becomes a 2-slice stack). A file that ends after a whole block without the trailer byte lost nothing and passes;
 * blocks this walk does not know are left to ImageJ. Reads the file once, allocating nothing that grows with it.
 */
final class GifStructure {

	private static final int EXTENSION = 0x21, IMAGE = 0x2C, TRAILER = 0x3B;

	private final InputStream in;
	private long at;

	private GifStructure(InputStream in) {
		this.in = in;
	}

	/**
	 * @throws UnreadableImageException when the file ends inside a block
	 * @throws IOException when it cannot be read
	 */
	static void check(Path file) throws UnreadableImageException, IOException {
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
			new GifStructure(in).walk();
		}
	}

	private void walk() throws UnreadableImageException, IOException {
		int frames = 0;
		if (!skip(10)) return; // signature and screen size: ImageJ says what is wrong with a header this short
		int packed = read();
		if (packed < 0 || !skip(2) || !skip(colourTable(packed))) throw cut(frames);
		while (true) {
			int block = read();
			if (block < 0 || block == TRAILER) return;
			if (block == EXTENSION) {
				if (read() < 0 || !subBlocks()) throw cut(frames);
			}
			else if (block == IMAGE) {
				if (!skip(8)) throw cut(frames);
				int p = read();
				if (p < 0 || !skip(colourTable(p)) || read() < 0 || !subBlocks()) throw cut(frames);
				frames++;
			}
			else {
				return;
			}
		}
	}

	private static long colourTable(int packed) {
		return (packed & 0x80) == 0 ? 0 : 3L << ((packed & 7) + 1);
	}

	private UnreadableImageException cut(int whole) {
		return new UnreadableImageException("truncated GIF: the file ends at byte " + at + " inside "
			+ (whole == 0 ? "its header or first frame" : "frame " + (whole + 1) + ", and ImageJ would read the " + whole
			+ " frame" + (whole == 1 ? "" : "s") + " before it alone") + "; the file is cut short — re-export it");
	}

	/** Skips data sub-blocks up to their terminator; false when the file ends first. */
	private boolean subBlocks() throws IOException {
		while (true) {
			int n = read();
			if (n < 0) return false;
			if (n == 0) return true;
			if (!skip(n)) return false;
		}
	}

	private int read() throws IOException {
		int b = in.read();
		if (b >= 0) at++;
		return b;
	}

	private boolean skip(long n) throws IOException {
		while (n > 0) {
			long s = in.skip(n);
			if (s <= 0) {
				if (read() < 0) return false;
				s = 1;
			}
			else {
				at += s;
			}
			n -= s;
		}
		return true;
	}
}
