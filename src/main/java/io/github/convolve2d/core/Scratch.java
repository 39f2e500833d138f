package io.github.convolve2d.core;

/**
 * Work arrays owned by one worker thread for the length of one convolution, handed out by slot and grown on
 * demand, so that the paths do not allocate a buffer per band or tile (and the heap holds one set per thread).
 * Contents are not cleared between uses.
 */
final class Scratch {

	private float[][] floats = new float[4][];
	private double[][] doubles = new double[4][];
	private float[][][] rowSets = new float[2][][];
	private double[][][] doubleRowSets = new double[1][][];
	private float[] zeros = new float[0];

	/** A float array of at least {@code size} values for slot {@code slot}. */
	float[] floats(int slot, int size) {
		if (slot >= floats.length) floats = java.util.Arrays.copyOf(floats, slot + 1);
		float[] a = floats[slot];
		if (a == null || a.length < size) floats[slot] = a = new float[size];
		return a;
	}

	/**
	 * {@code count} float arrays of at least {@code length} values each for slot {@code slot} (one set of rows,
	 * e.g. the shifted copies of a band's image rows).
	 */
	float[][] rows(int slot, int count, int length) {
		if (slot >= rowSets.length) rowSets = java.util.Arrays.copyOf(rowSets, slot + 1);
		float[][] set = rowSets[slot];
		if (set == null || set.length < count) {
			float[][] grown = new float[count][];
			if (set != null) System.arraycopy(set, 0, grown, 0, set.length);
			rowSets[slot] = set = grown;
		}
		for (int i = 0; i < count; i++) {
			if (set[i] == null || set[i].length < length) set[i] = new float[length];
		}
		return set;
	}

	/** {@code count} double arrays of at least {@code length} values each for slot {@code slot}. */
	double[][] doubleRows(int slot, int count, int length) {
		if (slot >= doubleRowSets.length) doubleRowSets = java.util.Arrays.copyOf(doubleRowSets, slot + 1);
		double[][] set = doubleRowSets[slot];
		if (set == null || set.length < count) {
			double[][] grown = new double[count][];
			if (set != null) System.arraycopy(set, 0, grown, 0, set.length);
			doubleRowSets[slot] = set = grown;
		}
		for (int i = 0; i < count; i++) {
			if (set[i] == null || set[i].length < length) set[i] = new double[length];
		}
		return set;
	}

	/** An array of at least {@code size} zeros, which nobody writes. */
	float[] zeros(int size) {
		if (zeros.length < size) zeros = new float[size];
		return zeros;
	}

	/** A double array of at least {@code size} values for slot {@code slot}. */
	double[] doubles(int slot, int size) {
		if (slot >= doubles.length) doubles = java.util.Arrays.copyOf(doubles, slot + 1);
		double[] a = doubles[slot];
		if (a == null || a.length < size) doubles[slot] = a = new double[size];
		return a;
	}
}
