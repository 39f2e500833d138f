package io.github.convolve2d.io;

import io.github.convolve2d.core.UserException;

import java.util.Map;

/**
 * The value (density) calibration ImageJ records in its TIFF description — {@code cf=} (the function's number),
 * {@code c0=} … {@code c4=} (its coefficients), {@code vunit=} (the unit of the calibrated values),
 * {@code zeroclip=} — applied as ImageJ applies it when it opens the file, so that an image convolved block by
 * block sees the values ImageJ's in-memory path sees (Image › Type › 32-bit, the image engine's planes):
 * <ul>
 * <li>only with {@code vunit=} present, on 8-bit grey and 16-bit samples (ImageJ ignores the function on 32-bit
 * and RGB images); each raw value {@code v} becomes the float {@code f(v)} of a table over all raw values, with
 * {@code zeroclip=true} turning negative values into 0 on 8-bit images only;</li>
 * <li>the fourteen fitted functions ImageJ's {@code Calibration} takes from a description: 0 straight line
 * {@code a+bx}, 1–3 polynomials of degree 2–4, 4 exponential {@code a·e^(bx)}, 5 power {@code a·x^b},
 * 6 log {@code a·ln(bx)} ({@code -1000a} at 0), 7 Rodbard {@code d+(a-d)/(1+(x/c)^b)}, 8 gamma variate
 * {@code b(x-a)^c·e^(-(x-a)/d)} (0 for {@code x ≤ a}, NaN for a non-positive b, c or d), 9 {@code a+b·ln(x-c)}
 * (NaN for {@code x ≤ c}), 10 inverse Rodbard {@code c((x-a)/(d-x))^(1/b)} (0 outside {@code a ≤ x < d}),
 * 11 exponential with offset {@code a·e^(-bx)+c}, 12 Gaussian {@code a+(b-a)e^(-(x-c)²/(2d²))}, 13 exponential
 * recovery {@code a(1-e^(-bx))+c};</li>
 * <li>{@code cf=20} (none), and a value unit alone ({@code cf=0} without coefficients, as ImageJ saves a unit
 * without a function) are no calibration.</li>
 * </ul>
 * What ImageJ cannot apply the same way from the file alone is refused, never ignored: uncalibrated OD
 * ({@code cf=21}, whose values depend on the display LUT), a custom table ({@code cf=22}, not stored in the
 * description), an unknown function, and a function without the coefficients it needs.
 */
final class ValueCalibration {

	/** Coefficients each fitted function needs, by its number (0–13). */
	private static final int[] NEEDS = { 2, 3, 4, 5, 2, 2, 2, 4, 4, 3, 4, 3, 4, 3 };
	private static final String[] NAMES = { "straight line", "2nd degree polynomial", "3rd degree polynomial",
		"4th degree polynomial", "exponential", "power", "log", "Rodbard", "gamma variate", "y = a+b*ln(x-c)",
		"Rodbard (NIH Image)", "exponential with offset", "Gaussian", "exponential recovery" };
	private static final int NONE = 20, UNCALIBRATED_OD = 21, CUSTOM = 22;

	private final int function;
	private final double[] coefficients;
	private final boolean zeroClip;

	private ValueCalibration(int function, double[] coefficients, boolean zeroClip) {
		this.function = function;
		this.coefficients = coefficients;
		this.zeroClip = zeroClip;
	}

	/**
	 * The value calibration of an ImageJ description, null when it has none ({@code vunit=} absent, {@code cf=20},
	 * or a straight line without coefficients).
	 *
	 * @param where the file, for the message
	 * @throws UserException for a calibration ImageJ cannot apply the same way (see the class comment)
	 */
	static ValueCalibration of(String description, String where) {
		Map<String, String> fields = TiffCalibration.imageJFields(description);
		if (!fields.containsKey("vunit")) return null;
		double cf = TiffCalibration.number(fields.get("cf"));
		int function = Double.isNaN(cf) ? 0 : (int) cf; // ImageJ: absent is 0 (straight line)
		if (function == NONE) return null;
		double[] c = new double[5];
		int count = 0;
		while (count < 5 && !Double.isNaN(TiffCalibration.number(fields.get("c" + count)))) {
			c[count] = TiffCalibration.number(fields.get("c" + count));
			count++;
		}
		// ImageJ saves a value unit without a function (a calibration it cannot apply) as cf=0 and no coefficients
		if (function == 0 && count == 0) return null;
		String refusal = "; convert it in ImageJ (Image \u203a Type \u203a 32-bit) and save it, or convolve it without "
			+ "--format zarr (ImageJ reads it whole then)";
		if (function == UNCALIBRATED_OD) {
			throw new UserException(where + ": its value calibration is ImageJ's uncalibrated OD (cf=21), whose values "
				+ "depend on the display LUT, so it is not applied block by block" + refusal);
		}
		if (function < 0 || function >= NEEDS.length) {
			throw new UserException(where + ": its value calibration uses " + (function == CUSTOM ? "a custom table "
				+ "(cf=22), which the file does not hold" : "function cf=" + fields.get("cf").trim() + ", which ImageJ "
				+ "does not know") + ", so its values cannot be read as ImageJ would calibrate them" + refusal);
		}
		if (count < NEEDS[function]) {
			throw new UserException(where + ": its value calibration (" + NAMES[function] + ", cf=" + function + ") lists "
				+ count + " coefficients but needs " + NEEDS[function] + " (c0 to c" + (NEEDS[function] - 1) + ")"
				+ refusal);
		}
		return new ValueCalibration(function, java.util.Arrays.copyOf(c, NEEDS[function]),
			"true".equals(fields.get("zeroclip")));
	}

	/**
	 * The calibrated value of every raw value of an 8-bit ({@code bits} 8: 256 entries) or 16-bit (65536) image,
	 * as ImageJ's calibration table holds it.
	 */
	float[] table(int bits) {
		float[] t = new float[1 << bits];
		for (int v = 0; v < t.length; v++) {
			double y = value(v);
			t[v] = bits == 8 && zeroClip && y < 0 ? 0f : (float) y;
		}
		return t;
	}

	/** The function at raw value {@code x}. */
	double value(double x) {
		double[] p = coefficients;
		switch (function) {
			case 0: return p[0] + x * p[1];
			case 1: return p[0] + x * (p[1] + x * p[2]);
			case 2: return p[0] + x * (p[1] + x * (p[2] + x * p[3]));
			case 3: return p[0] + x * (p[1] + x * (p[2] + x * (p[3] + x * p[4])));
			case 4: return p[0] * Math.exp(p[1] * x);
			case 5: return p[0] * Math.pow(x, p[1]);
			case 6: return x == 0 ? -1000 * p[0] : p[0] * Math.log(p[1] * x);
			case 7: return p[3] + (p[0] - p[3]) / (1.0 + Math.pow(x / p[2], p[1]));
			case 8: {
				if (x <= p[0]) return 0;
				if (p[1] <= 0 || p[2] <= 0 || p[3] <= 0) return Double.NaN;
				return p[1] * Math.pow(x - p[0], p[2]) * Math.exp(-(x - p[0]) / p[3]);
			}
			case 9: return x - p[2] <= 0 ? Double.NaN : p[0] + p[1] * Math.log(x - p[2]);
			case 10: {
				// outside a ≤ x < d the ratio is negative or infinite: 0
				if (p[3] - x < 2 * Double.MIN_VALUE || x < p[0]) return 0;
				return Math.pow((x - p[0]) / (p[3] - x), 1.0 / p[1]) * p[2];
			}
			case 11: return p[0] * Math.exp(-p[1] * x) + p[2];
			case 12: return p[0] + (p[1] - p[0]) * Math.exp(-(x - p[2]) * (x - p[2]) / (2.0 * p[3] * p[3]));
			default: return p[0] * (1 - Math.exp(-p[1] * x)) + p[2];
		}
	}
}
