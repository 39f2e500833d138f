package io.github.convolve2d.io;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded chunks (Zarr chunks, TIFF tiles and strips) kept for the neighbouring blocks that read them again for
 * their halos: least recently used dropped first, within a byte limit. Shared by reader threads.
 */
final class ChunkCache {

	/** Decodes a chunk on a miss. */
	interface Loader {
		float[] load() throws IOException;
	}

	private long limit;
	private long bytes;
	private final LinkedHashMap<String, float[]> map = new LinkedHashMap<>(16, 0.75f, true);

	ChunkCache(long limit) {
		this.limit = limit;
	}

	synchronized void limit(long bytes) {
		limit = bytes;
		trim();
	}

	/** The chunk under {@code key}, loaded (outside the lock, so readers of other chunks go on) when missing. */
	float[] get(String key, Loader loader) throws IOException {
		synchronized (this) {
			float[] c = map.get(key);
			if (c != null) return c;
		}
		float[] c = loader.load();
		synchronized (this) {
			float[] old = map.put(key, c);
			if (old != null) bytes -= 4L * old.length;
			bytes += 4L * c.length;
			trim();
		}
		return c;
	}

	private void trim() {
		for (Iterator<Map.Entry<String, float[]>> it = map.entrySet().iterator(); bytes > limit && it.hasNext();) {
			bytes -= 4L * it.next().getValue().length;
			it.remove();
		}
	}
}
