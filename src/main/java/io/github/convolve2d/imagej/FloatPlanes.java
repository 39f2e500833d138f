package io.github.convolve2d.imagej;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * The float pixel planes the core convolves, taken from ImageJ processors the same way by the plugin and the
 * batch command: grey values through the image's value calibration when it has one (as Image › Type › 32-bit
 * gives them, so signed 16-bit data stays signed), raw values otherwise; RGB as its red, green and blue
 * planes. A float plane is handed over without copying (the core never writes into its input).
 */
public final class FloatPlanes {

	private FloatPlanes() {
	}

	/**
	 * The grey values of a plane.
	 *
	 * @param cTable the image's calibration table ({@code Calibration.getCTable()}), or null for raw values
	 */
	public static float[] grey(ImageProcessor ip, float[] cTable) {
		if (ip instanceof FloatProcessor) return (float[]) ip.getPixels();
		int n = ip.getPixelCount();
		float[] f = new float[n];
		if (ip instanceof ByteProcessor) {
			byte[] p = (byte[]) ip.getPixels();
			if (cTable != null && cTable.length >= 256) for (int i = 0; i < n; i++) f[i] = cTable[p[i] & 0xff];
			else for (int i = 0; i < n; i++) f[i] = p[i] & 0xff;
		}
		else if (ip instanceof ShortProcessor) {
			short[] p = (short[]) ip.getPixels();
			if (cTable != null && cTable.length >= 65536) for (int i = 0; i < n; i++) f[i] = cTable[p[i] & 0xffff];
			else for (int i = 0; i < n; i++) f[i] = p[i] & 0xffff;
		}
		else {
			for (int i = 0; i < n; i++) f[i] = ip.getf(i);
		}
		return f;
	}

	/** The red, green and blue planes of an RGB plane. */
	public static float[][] rgb(ColorProcessor ip) {
		int[] p = (int[]) ip.getPixels();
		float[] r = new float[p.length], g = new float[p.length], b = new float[p.length];
		for (int i = 0; i < p.length; i++) {
			int c = p[i];
			r[i] = (c >> 16) & 0xff;
			g[i] = (c >> 8) & 0xff;
			b[i] = c & 0xff;
		}
		return new float[][] { r, g, b };
	}
}
