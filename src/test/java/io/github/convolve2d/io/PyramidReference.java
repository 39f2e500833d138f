package io.github.convolve2d.io;

/** The plain 2×2 mean that a pyramid level's pixels are checked against (tests of io and batch). */
public final class PyramidReference {

	private PyramidReference() {
	}

	/**
	 * The next level of an {@code h × w} plane: each pixel the mean of the 2×2 pixels below it that exist, summed in
	 * double row by row, then rounded to float.
	 */
	public static float[] mean(float[] v, int h, int w) {
		int oh = (h + 1) / 2, ow = (w + 1) / 2;
		float[] m = new float[oh * ow];
		for (int y = 0; y < oh; y++) {
			for (int x = 0; x < ow; x++) {
				double sum = 0;
				int n = 0;
				for (int r = 2 * y; r < Math.min(h, 2 * y + 2); r++) {
					for (int q = 2 * x; q < Math.min(w, 2 * x + 2); q++) {
						sum += v[r * w + q];
						n++;
					}
				}
				m[y * ow + x] = (float) (sum / n);
			}
		}
		return m;
	}
}
