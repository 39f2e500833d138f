package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Pins SEMANTICS.md with hand-checked cases: seed examples, Dirac responses, border rows, extreme sizes. */
class DefinitionTest {

	private static final Kernel ASYMMETRIC_2X2 = Kernel.of("asym", new double[][] { { 1, 2 }, { 3, 4 } });

	private static float[][] convolve(double[][] image, Kernel k, ConvolutionOptions o) {
		return Convolution.convolve(Plane.ofRows(image), k, o).toRows();
	}

	private static ConvolutionOptions.Builder options() {
		return ConvolutionOptions.builder().threads(2);
	}

	@Test
	void seedExampleOneRobertsCrossValid() {
		float[][] out = convolve(new double[][] { { 1, 2, 3, 0 }, { 4, 5, 6, 1 }, { 7, 8, 9, 2 }, { 0, 1, 2, 3 } },
			Kernel.of("k", new double[][] { { 1, 0 }, { 0, -1 } }), ConvolutionOptions.DEFAULTS);
		assertArrayEquals(new float[][] { { -4, -4, 2 }, { -4, -4, 4 }, { 6, 6, 6 } }, out);
	}

	@Test
	void seedExampleTwoLaplacianOnBlock() {
		double[][] in = new double[5][5];
		for (int y = 1; y <= 3; y++) for (int x = 1; x <= 3; x++) in[y][x] = 1;
		float[][] out = convolve(in, Kernel.of("k", new double[][] { { -1, -1, -1 }, { -1, 8, -1 }, { -1, -1, -1 } }),
			ConvolutionOptions.DEFAULTS);
		assertArrayEquals(new float[][] { { 5, 3, 5 }, { 3, 0, 3 }, { 5, 3, 5 } }, out);
	}

	private static double[][] dirac(int size, int y, int x) {
		double[][] in = new double[size][size];
		in[y][x] = 1;
		return in;
	}

	@Test
	void diracCorrelationGivesKernelRotatedBy180() {
		// same mode, even kernel: anchor (1, 1); tap (i, j) meets the pixel at output (3-i, 3-j), as scipy.ndimage.correlate
		float[][] out = convolve(dirac(5, 2, 2), ASYMMETRIC_2X2, options().mode(Mode.SAME).build());
		assertArrayEquals(new float[] { 4, 3 }, new float[] { out[2][2], out[2][3] });
		assertArrayEquals(new float[] { 2, 1 }, new float[] { out[3][2], out[3][3] });
		assertEquals(10, sum(out), 0);
	}

	@Test
	void diracTrueConvolutionGivesKernelAsIs() {
		// flip: same-mode anchor ((2-1)/2, (2-1)/2) = (0, 0); scipy.ndimage.convolve gives this very array
		float[][] out = convolve(dirac(5, 2, 2), ASYMMETRIC_2X2, options().mode(Mode.SAME).flip(true).build());
		assertArrayEquals(new float[] { 1, 2 }, new float[] { out[1][1], out[1][2] });
		assertArrayEquals(new float[] { 3, 4 }, new float[] { out[2][1], out[2][2] });
		assertEquals(10, sum(out), 0);
	}

	@Test
	void diracFullModeCorrelationPlacesRotatedKernelAtThePixel() {
		float[][] out = convolve(dirac(3, 0, 0), ASYMMETRIC_2X2, options().mode(Mode.FULL).build());
		assertEquals(4, out.length);
		assertArrayEquals(new float[][] { { 4, 3, 0, 0 }, { 2, 1, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } }, out);
	}

	@Test
	void dilationSpreadsTheTaps() {
		float[][] out = convolve(dirac(7, 3, 3), ASYMMETRIC_2X2, options().mode(Mode.SAME).dilation(2).build());
		// spread kernel 3×3 [[1,0,2],[0,0,0],[3,0,4]], anchor (1,1): rotated around the pixel
		assertArrayEquals(new float[] { 4, 0, 3 }, new float[] { out[2][2], out[2][3], out[2][4] });
		assertArrayEquals(new float[] { 2, 0, 1 }, new float[] { out[4][2], out[4][3], out[4][4] });
		assertEquals(10, sum(out), 0);
	}

	@Test
	void strideSamplesTheStrideOneOutput() {
		double[][] in = new double[5][7];
		for (int y = 0; y < 5; y++) for (int x = 0; x < 7; x++) in[y][x] = y * 10 + x;
		Kernel k = Kernel.of("k", new double[][] { { 1, -2 }, { 0.5, 3 } });
		float[][] full = convolve(in, k, options().mode(Mode.SAME).border(Border.REFLECT).build());
		float[][] strided = convolve(in, k, options().mode(Mode.SAME).border(Border.REFLECT).stride(2, 3).build());
		assertEquals(3, strided.length); // ceil(5 / 2)
		assertEquals(3, strided[0].length); // ceil(7 / 3)
		for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) assertEquals(full[2 * r][3 * c], strided[r][c]);
	}

	/** Row a b c d = 1 2 3 4 with a 1×5 "pick the leftmost tap" kernel in same mode reads 2 pixels left of each. */
	@Test
	void everyBorderModeOnAHandCheckedRow() {
		double[][] row = { { 1, 2, 3, 4 } };
		Kernel pickLeft2 = Kernel.of("k", new double[][] { { 1, 0, 0, 0, 0 } });
		Kernel pickRight2 = Kernel.of("k", new double[][] { { 0, 0, 0, 0, 1 } });
		assertBorder(row, pickLeft2, Border.CONSTANT, 9, new float[] { 9, 9, 1, 2 });
		assertBorder(row, pickLeft2, Border.REPLICATE, 0, new float[] { 1, 1, 1, 2 });
		assertBorder(row, pickLeft2, Border.REFLECT, 0, new float[] { 2, 1, 1, 2 });
		assertBorder(row, pickLeft2, Border.MIRROR, 0, new float[] { 3, 2, 1, 2 });
		assertBorder(row, pickLeft2, Border.WRAP, 0, new float[] { 3, 4, 1, 2 });
		assertBorder(row, pickRight2, Border.CONSTANT, -1, new float[] { 3, 4, -1, -1 });
		assertBorder(row, pickRight2, Border.REPLICATE, 0, new float[] { 3, 4, 4, 4 });
		assertBorder(row, pickRight2, Border.REFLECT, 0, new float[] { 3, 4, 4, 3 });
		assertBorder(row, pickRight2, Border.MIRROR, 0, new float[] { 3, 4, 3, 2 });
		assertBorder(row, pickRight2, Border.WRAP, 0, new float[] { 3, 4, 1, 2 });
	}

	private static void assertBorder(double[][] row, Kernel k, Border border, double cval, float[] expected) {
		float[][] out = convolve(row, k, options().mode(Mode.SAME).border(border).cval(cval).build());
		assertArrayEquals(expected, out[0], border.label());
	}

	/** A 1×13 kernel on a 4-pixel row in full mode reaches three image widths past each edge. */
	@Test
	void kernelsReachingSeveralWidthsPastTheEdgeKeepReflecting() {
		double[][] row = { { 1, 2, 3, 4 } };
		double[] taps = new double[13];
		taps[0] = 1; // in full mode the first tap of output c reads x = c - 12
		Kernel first = Kernel.of("k", new double[][] { taps });
		// outputs c = 0..15 read x = c - 12 = -12..3
		float[] wrap = convolve(row, first, options().mode(Mode.FULL).border(Border.WRAP).build())[0];
		float[] reflect = convolve(row, first, options().mode(Mode.FULL).border(Border.REFLECT).build())[0];
		float[] mirror = convolve(row, first, options().mode(Mode.FULL).border(Border.MIRROR).build())[0];
		float[] replicate = convolve(row, first, options().mode(Mode.FULL).border(Border.REPLICATE).build())[0];
		// numpy.pad([1,2,3,4], 12, mode=...)[0:16]
		assertArrayEquals(new float[] { 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4 }, wrap);
		assertArrayEquals(new float[] { 4, 3, 2, 1, 1, 2, 3, 4, 4, 3, 2, 1, 1, 2, 3, 4 }, reflect);
		assertArrayEquals(new float[] { 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4 }, mirror);
		assertArrayEquals(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4 }, replicate);
	}

	@Test
	void onePixelWideImage() {
		double[][] column = { { 1 }, { 2 }, { 3 } };
		Kernel k = Kernel.of("k", new double[][] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } });
		// mirror of a single column repeats it: every row sums 3 copies of the column window
		float[][] mirror = convolve(column, k, options().mode(Mode.SAME).border(Border.MIRROR).build());
		assertArrayEquals(new float[][] { { 15 }, { 18 }, { 21 } }, mirror); // rows 2 1 2 | 1 2 3 | 2 3 2 → ×3
		float[][] constant = convolve(column, k, options().mode(Mode.SAME).build());
		assertArrayEquals(new float[][] { { 3 }, { 6 }, { 5 } }, constant);
		float[][] valid = convolve(column, Kernel.of("k", new double[][] { { 1 }, { -1 } }), ConvolutionOptions.DEFAULTS);
		assertArrayEquals(new float[][] { { -1 }, { -1 } }, valid);
		float[][] onePixel = convolve(new double[][] { { 5 } }, k, options().mode(Mode.FULL).border(Border.WRAP).build());
		assertEquals(3, onePixel.length);
		for (float[] r : onePixel) assertArrayEquals(new float[] { 45, 45, 45 }, r);
	}

	@Test
	void normalizeDividesBySumButLeavesZeroSumKernels() {
		double[][] in = { { 2, 4, 6 } };
		float[][] mean = convolve(in, Kernel.of("k", new double[][] { { 1, 1, 1 } }), options().normalize(true).build());
		assertArrayEquals(new float[][] { { 4 } }, mean);
		float[][] edge = convolve(in, Kernel.of("k", new double[][] { { -1, 0, 1 } }), options().normalize(true).build());
		assertArrayEquals(new float[][] { { 4 } }, edge);
	}

	@Test
	void kernelBankGivesOnePlanePerKernelInOrder() {
		Plane in = Plane.ofRows(new double[][] { { 1, 2, 3 }, { 4, 5, 6 } });
		java.util.List<Plane> out = Convolution.convolve(in,
			java.util.Arrays.asList(Kernel.of("a", new double[][] { { 1 } }), Kernel.of("b", new double[][] { { 1, 1 } })),
			ConvolutionOptions.DEFAULTS, ProgressListener.NONE);
		assertEquals(2, out.size());
		assertArrayEquals(new float[][] { { 1, 2, 3 }, { 4, 5, 6 } }, out.get(0).toRows());
		assertArrayEquals(new float[][] { { 3, 5 }, { 9, 11 } }, out.get(1).toRows());
	}

	@Test
	void inputIsNeverModified() {
		float[] pixels = { 1, 2, 3, 4, 5, 6 };
		float[] copy = pixels.clone();
		Convolution.convolve(Plane.wrap(3, 2, pixels), Kernel.of("k", new double[][] { { 1, 2 }, { 3, 4 } }),
			options().mode(Mode.FULL).border(Border.REFLECT).build());
		assertArrayEquals(copy, pixels);
	}

	@Test
	void nanSpreadsOnlyToOutputsWhoseFootprintHoldsIt() {
		double[][] in = new double[9][9];
		in[4][4] = Double.NaN;
		float[][] out = convolve(in, Kernel.of("k", new double[][] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } }),
			options().mode(Mode.SAME).build());
		for (int y = 0; y < 9; y++) {
			for (int x = 0; x < 9; x++) {
				boolean near = Math.abs(y - 4) <= 1 && Math.abs(x - 4) <= 1;
				assertEquals(near, Float.isNaN(out[y][x]), "pixel " + x + "," + y);
			}
		}
	}

	private static double sum(float[][] a) {
		double s = 0;
		for (float[] r : a) for (float v : r) s += v;
		return s;
	}
}
