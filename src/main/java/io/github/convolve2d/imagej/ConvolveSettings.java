package io.github.convolve2d.imagej;

import io.github.convolve2d.core.UserException;
import io.github.convolve2d.core.Border;
import io.github.convolve2d.core.Excerpt;
import io.github.convolve2d.core.ConvolutionOptions;
import io.github.convolve2d.core.Method;
import io.github.convolve2d.core.Mode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of "Convolve 2D..." needs besides the image: the kernels, the convolution options and
 * whether to convolve every plane of a stack. Read from macro options (or the dialog's values, which use the
 * same keys) by {@link #from} and written back by {@link #toMacroOptions}, so that a recorded line replays to
 * the same result.
 * <p>
 * Keys: {@code preset}, {@code sigma} (σ of the presets named without one, as ImageJ's Gaussian Blur takes it),
 * {@code kernel}, {@code name}, {@code mode}, {@code border}, {@code cval}, {@code stride},
 * {@code dilation}, {@code method}, and the flags {@code flip}, {@code normalize}, {@code stack}. A key left
 * out takes the plugin's default: {@code mode=same border=replicate cval=0 stride=1 dilation=1 method=auto},
 * flags off (as ImageJ does, a macro never inherits the last dialog's settings).
 */
public final class ConvolveSettings {

	/**
	 * The option keys, in the order they are recorded; {@code sigma} never is: it is folded into {@code preset}
	 * ({@code preset=gaussian sigma=2} records as {@code preset=gaussian:2}).
	 */
	public static final List<String> KEYS = Arrays.asList("preset", "sigma", "kernel", "name", "mode", "border",
		"cval", "stride", "dilation", "method", "flip", "normalize", "stack");

	/** The plugin's defaults, those of ImageJ's own Convolve...: the image's size, edge pixels replicated. */
	public static final ConvolutionOptions DEFAULT_OPTIONS =
		ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REPLICATE).build();

	private final KernelBank kernels;
	private final ConvolutionOptions options;
	private final boolean allPlanes;

	public ConvolveSettings(KernelBank kernels, ConvolutionOptions options, boolean allPlanes) {
		this.kernels = kernels;
		this.options = options;
		this.allPlanes = allPlanes;
	}

	/**
	 * Reads settings from macro options.
	 *
	 * @throws UserException naming the option that is wrong (unknown key, bad value, bad kernel)
	 */
	public static ConvolveSettings from(MacroOptions o) {
		o.requireKnownKeys(KEYS);
		for (String flag : Arrays.asList("flip", "normalize", "stack")) {
			if (o.asMap().get(flag) != null) {
				throw new UserException("'" + flag + "' is a switch: write just '" + flag
					+ "' to turn it on and leave it out to turn it off");
			}
		}
		String presets = o.asMap().get("preset");
		if (o.has("sigma")) presets = KernelBank.withSigma(presets, o.get("sigma", ""));
		KernelBank bank = KernelBank.of(presets, o.asMap().get("kernel"), o.asMap().get("name"));
		return new ConvolveSettings(bank, readOptions(o), o.flag("stack"));
	}

	/**
	 * The convolution options among macro options ({@code mode border cval stride dilation method flip
	 * normalize}), the plugin's defaults for those left out; shared by the plugin's commands.
	 */
	static ConvolutionOptions readOptions(MacroOptions o) {
		ConvolutionOptions.Builder b = DEFAULT_OPTIONS.toBuilder();
		if (o.has("mode")) b.mode(o.get("mode", ""));
		if (o.has("border")) b.border(o.get("border", ""));
		if (o.has("cval")) b.cval(number("cval", o.get("cval", "")));
		if (o.has("stride")) b.stride(o.get("stride", ""));
		if (o.has("dilation")) b.dilation(o.get("dilation", ""));
		if (o.has("method")) b.method(o.get("method", ""));
		b.flip(o.flag("flip")).normalize(o.flag("normalize"));
		return b.build();
	}

	/** Writes the options as {@link #readOptions} reads them, in the recorded order; {@code method} only when forced. */
	static void writeOptions(ConvolutionOptions options, Map<String, String> m) {
		m.put("mode", options.mode().label());
		m.put("border", options.border().label());
		m.put("cval", format(options.cval()));
		m.put("stride", pair(options.strideY(), options.strideX()));
		m.put("dilation", pair(options.dilationY(), options.dilationX()));
		if (options.method() != Method.AUTO) m.put("method", options.method().label());
		if (options.flip()) m.put("flip", null);
		if (options.normalize()) m.put("normalize", null);
	}

	/** Reads settings from an options string such as {@code "preset=[Sobel X] mode=same stack"}. */
	public static ConvolveSettings fromMacro(String options) {
		return from(MacroOptions.parse(options));
	}

	/**
	 * These settings as macro options, in ASCII so that the line replays under {@code -batch} and
	 * {@code runMacro}: presets by id ({@code preset=gaussian:2}), typed kernels by their values (exactly, so
	 * the replay computes the same pixels) and their names when not the default, every option but
	 * {@code method}, which is written only when it forces a path. E.g. {@code preset=sobel-x mode=same
	 * border=replicate cval=0 stride=1 dilation=1 flip normalize stack}.
	 */
	public MacroOptions toMacroOptions() {
		Map<String, String> m = new LinkedHashMap<>();
		m.put("preset", kernels.presetText());
		if (!kernels.allPresets()) m.put("kernel", kernels.kernelLine());
		if (kernels.nameText() != null) m.put("name", kernels.nameText());
		writeOptions(options, m);
		if (allPlanes) m.put("stack", null);
		return MacroOptions.of(m);
	}

	/** These settings as the dialog remembers them for the next run: as {@link #toMacroOptions}, never a forced method. */
	public MacroOptions remembered() {
		Map<String, String> m = new LinkedHashMap<>(toMacroOptions().asMap());
		m.remove("method");
		return MacroOptions.of(m);
	}

	public KernelBank kernels() {
		return kernels;
	}

	/** The convolution options (thread count not yet set: the plugin passes ImageJ's). */
	public ConvolutionOptions options() {
		return options;
	}

	/** Convolve every channel, slice and frame (true) or only the displayed plane (false). */
	public boolean allPlanes() {
		return allPlanes;
	}

	@Override
	public String toString() {
		return toMacroOptions().toString();
	}

	private static double number(String key, String text) {
		try {
			return Double.parseDouble(text.trim());
		}
		catch (NumberFormatException e) {
			throw new UserException(key + " '" + Excerpt.of(text) + "' is not a number; write e.g. " + key + "=0");
		}
	}

	static String format(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
	}

	private static String pair(int y, int x) {
		return y == x ? Integer.toString(y) : y + "," + x;
	}
}
