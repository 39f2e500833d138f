package io.github.convolve2d.core;

/**
 * Work arrays owned by one worker thread for the length of one convolution, handed out by slot and grown on
 * demand, so that the paths do not allocate a buffer per band or tile (and the heap holds one set per thread).
 * Contents are not cleared between uses.
 */
final class Scratch {

	private float[][] floats = new float[4][];
	private double[][] doubles = new double[4][];

	/** A float array of at least {@code size} values for slot {@code slot}. */
	float[] floats(int slot, int size) {
		if (slot >= floats.length) floats = java.util.Arrays.copyOf(floats, slot + 1);
		float[] a = floats[slot];
		if (a == null || a.length < size) floats[slot] = a = new float[size];
		return a;
	}

	/** A double array of at least {@code size} values for slot {@code slot}. */
	double[] doubles(int slot, int size) {
		if (slot >= doubles.length) doubles = java.util.Arrays.copyOf(doubles, slot + 1);
		double[] a = doubles[slot];
		if (a == null || a.length < size) doubles[slot] = a = new double[size];
		return a;
	}
}
