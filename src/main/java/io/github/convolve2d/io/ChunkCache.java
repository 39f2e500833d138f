package io.github.convolve2d.io;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded chunks (Zarr chunks, TIFF tiles and strips) kept for the neighbouring blocks that read them again for
 * their halos, or other decoded parts of files (a Zarr shard's index): least recently used dropped first, within a
 * byte limit. Shared by reader threads.
 */
final class ChunkCache<T> {

	/** Decodes a chunk on a miss. */
	interface Loader<T> {
		T load() throws IOException;
	}

	private long limit;
	private long bytes;
	private final java.util.function.ToLongFunction<T> sizeOf;
	private final LinkedHashMap<String, T> map = new LinkedHashMap<>(16, 0.75f, true);

	/** A cache of float chunks. */
	static ChunkCache<float[]> ofFloats(long limit) {
		return new ChunkCache<>(limit, c -> 4L * c.length);
	}

	/** A cache of byte arrays. */
	static ChunkCache<byte[]> ofBytes(long limit) {
		return new ChunkCache<>(limit, c -> c.length);
	}

	private ChunkCache(long limit, java.util.function.ToLongFunction<T> sizeOf) {
		this.limit = limit;
		this.sizeOf = sizeOf;
	}

	synchronized void limit(long bytes) {
		limit = bytes;
		trim();
	}

	/** The chunk under {@code key}, loaded (outside the lock, so readers of other chunks go on) when missing. */
	T get(String key, Loader<T> loader) throws IOException {
		synchronized (this) {
			T c = map.get(key);
			if (c != null) return c;
		}
		T c = loader.load();
		synchronized (this) {
			T old = map.put(key, c);
			if (old != null) bytes -= sizeOf.applyAsLong(old);
			bytes += sizeOf.applyAsLong(c);
			trim();
		}
		return c;
	}

	private void trim() {
		for (Iterator<Map.Entry<String, T>> it = map.entrySet().iterator(); bytes > limit && it.hasNext();) {
			bytes -= sizeOf.applyAsLong(it.next().getValue());
			it.remove();
		}
	}
}
