package io.github.convolve2d.core;

/**
 * How the FFT path tiles an image (overlap-save): FFTs of {@code tileHeight × tileWidth} (powers of two), each
 * giving a block of {@code (tileHeight - extentY + 1) × (tileWidth - extentX + 1)} stride-1 outputs. The tile
 * size is the one of least estimated work ({@code T log T} per tile, tiles counted with the partial ones at the
 * edges) whose buffers fit the memory budget, so memory stays bounded however large the image.
 */
final class FftPlan {

	/** Largest FFT length considered along an axis (JTransforms' 1-D transforms stay single-threaded below 8192). */
	static final int MAX_TILE = 4096;
	private static final int MIN_TILE = 16;

	final int tileHeight, tileWidth;
	final int blockHeight, blockWidth;
	final int tilesY, tilesX;
	private final int threads, kernels, channels;

	private FftPlan(int tileHeight, int tileWidth, int extentY, int extentX, int n1h, int n1w, int threads,
		int kernels, int channels)
	{
		this.tileHeight = tileHeight;
		this.tileWidth = tileWidth;
		this.blockHeight = tileHeight - extentY + 1;
		this.blockWidth = tileWidth - extentX + 1;
		this.tilesY = (n1h + blockHeight - 1) / blockHeight;
		this.tilesX = (n1w + blockWidth - 1) / blockWidth;
		this.threads = threads;
		this.kernels = kernels;
		this.channels = channels;
	}

	/**
	 * The cheapest plan for stride-1 outputs {@code n1h × n1w} and a kernel extent {@code extentY × extentX},
	 * whose {@link #workBytes()} stay within {@code budgetBytes} when any plan does (else the smallest plan);
	 * each of the {@code kernels} outputs sums {@code channels} input channels (1 for a plain convolution).
	 */
	static FftPlan choose(int n1h, int n1w, int extentY, int extentX, int kernels, int channels, int threads,
		long budgetBytes, int maxTile)
	{
		FftPlan best = null, smallest = null;
		for (int th = firstTile(extentY); th <= lastTile(n1h, extentY, maxTile); th *= 2) {
			for (int tw = firstTile(extentX); tw <= lastTile(n1w, extentX, maxTile); tw *= 2) {
				FftPlan p = new FftPlan(th, tw, extentY, extentX, n1h, n1w, threads, kernels, channels);
				if (smallest == null || p.workBytes() < smallest.workBytes()) smallest = p;
				if (p.workBytes() <= budgetBytes && (best == null || p.work() < best.work())) best = p;
			}
		}
		return best != null ? best : smallest;
	}

	private static int firstTile(int extent) {
		int t = MIN_TILE;
		while (t < extent + 1 && t < Integer.MAX_VALUE / 2) t *= 2;
		return t;
	}

	private static int lastTile(int n1, int extent, int maxTile) {
		int t = firstTile(extent);
		while (t < n1 + extent - 1 && t < maxTile) t *= 2;
		return Math.max(t, firstTile(extent));
	}

	/** Number of tiles. */
	int tiles() {
		return tilesY * tilesX;
	}

	/**
	 * Estimated work, in units of one complex multiply-add: tile pairs × (one forward per channel + one inverse
	 * per kernel), plus the products of each kernel with each further channel.
	 */
	double work() {
		double n = (double) tileHeight * tileWidth;
		double perTransform = n * (Math.log(n) / Math.log(2)) * 0.5 + n;
		return Math.ceil(tiles() / 2.0) * ((channels + kernels) * perTransform + (double) kernels * (channels - 1) * n);
	}

	/**
	 * Bytes of heap this plan allocates besides the output planes: per thread a complex tile buffer per channel
	 * and one for the product, a block of columns and a row; per kernel and channel one complex spectrum.
	 */
	long workBytes() {
		long tile = 16L * tileHeight * tileWidth;
		long perThread = (1L + channels) * tile + 16L * 8 * tileHeight + 4L * tileWidth + 2L * tileHeight * tileWidth;
		return threads * perThread + (long) kernels * channels * tile;
	}

	@Override
	public String toString() {
		return tileHeight + "×" + tileWidth + " FFT tiles (" + tilesY + "×" + tilesX + "), " + workBytes() + " bytes";
	}
}
