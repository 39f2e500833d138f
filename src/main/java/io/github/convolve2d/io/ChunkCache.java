package io.github.convolve2d.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Decoded chunks (Zarr chunks, TIFF tiles and strips) kept for the neighbouring blocks that read them again for
 * their halos, or other decoded parts of files (a Zarr shard's index): least recently used dropped first, within a
 * byte limit. Shared by reader threads: a chunk that one thread is decoding is waited for by the others that ask
 * for it, never decoded twice at once (blocks side by side read the same strips at about the same time).
 */
final class ChunkCache<T> {

	/** Decodes a chunk on a miss. */
	interface Loader<T> {
		T load() throws IOException;
	}

	private long limit;
	private long bytes;
	private long loads;
	private final java.util.function.ToLongFunction<T> sizeOf;
	private final LinkedHashMap<String, T> map = new LinkedHashMap<>(16, 0.75f, true);
	/** The chunks being decoded now, by the thread that asked first. */
	private final Map<String, CompletableFuture<T>> loading = new HashMap<>();

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

	/** How many chunks were decoded (loaded on a miss) so far. */
	synchronized long loads() {
		return loads;
	}

	/**
	 * The chunk under {@code key}, loaded (outside the lock, so readers of other chunks go on) when missing; a reader
	 * asking for it while another loads it waits for that load, and gets its failure if it fails.
	 */
	T get(String key, Loader<T> loader) throws IOException {
		CompletableFuture<T> pending;
		synchronized (this) {
			T c = map.get(key);
			if (c != null) return c;
			pending = loading.get(key);
			if (pending == null) {
				loading.put(key, new CompletableFuture<>());
				loads++;
			}
		}
		if (pending != null) return await(pending);
		T c;
		try {
			c = loader.load();
		}
		catch (IOException | RuntimeException | Error e) {
			CompletableFuture<T> mine;
			synchronized (this) {
				mine = loading.remove(key);
			}
			mine.completeExceptionally(e);
			throw e;
		}
		CompletableFuture<T> mine;
		synchronized (this) {
			mine = loading.remove(key);
			T old = map.put(key, c);
			if (old != null) bytes -= sizeOf.applyAsLong(old);
			bytes += sizeOf.applyAsLong(c);
			trim();
		}
		mine.complete(c);
		return c;
	}

	/** What another thread's load gives: its chunk, or its failure thrown here. */
	private static <T> T await(CompletableFuture<T> pending) throws IOException {
		try {
			return pending.get();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("interrupted while another thread decoded a chunk");
		}
		catch (ExecutionException e) {
			throw io.github.convolve2d.core.ParallelLoop.failure(e);
		}
	}

	private void trim() {
		for (Iterator<Map.Entry<String, T>> it = map.entrySet().iterator(); bytes > limit && it.hasNext();) {
			bytes -= sizeOf.applyAsLong(it.next().getValue());
			it.remove();
		}
	}
}
