package io.github.convolve2d.core;

import java.util.Objects;

/**
 * Everything that shapes a convolution besides the image and the kernel: output {@link Mode}, {@link Border}
 * (with its constant value), stride and dilation per axis, flip (true convolution), normalisation, the
 * {@link Method} and the number of threads. Immutable and validated when built; defaults are those of
 * SEMANTICS.md ({@code valid}, {@code constant} 0, stride 1, dilation 1, no flip, no normalisation).
 *
 * <pre>{@code
 * ConvolutionOptions o = ConvolutionOptions.builder().mode(Mode.SAME).border(Border.REFLECT).stride(2).build();
 * }</pre>
 */
public final class ConvolutionOptions {

	/** The options of SEMANTICS.md's defaults, using all cores. */
	public static final ConvolutionOptions DEFAULTS = builder().build();

	private final Mode mode;
	private final Border border;
	private final double cval;
	private final int strideY, strideX;
	private final int dilationY, dilationX;
	private final boolean flip;
	private final boolean normalize;
	private final Method method;
	private final int threads;

	private ConvolutionOptions(Builder b) {
		mode = b.mode;
		border = b.border;
		cval = b.cval;
		strideY = b.strideY;
		strideX = b.strideX;
		dilationY = b.dilationY;
		dilationX = b.dilationX;
		flip = b.flip;
		normalize = b.normalize;
		method = b.method;
		threads = b.threads;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder starting from these options. */
	public Builder toBuilder() {
		Builder b = new Builder();
		b.mode = mode;
		b.border = border;
		b.cval = cval;
		b.strideY = strideY;
		b.strideX = strideX;
		b.dilationY = dilationY;
		b.dilationX = dilationX;
		b.flip = flip;
		b.normalize = normalize;
		b.method = method;
		b.threads = threads;
		return b;
	}

	public Mode mode() { return mode; }
	public Border border() { return border; }
	/** Value of pixels outside the image with {@link Border#CONSTANT}. */
	public double cval() { return cval; }
	public int strideY() { return strideY; }
	public int strideX() { return strideX; }
	public int dilationY() { return dilationY; }
	public int dilationX() { return dilationX; }
	/** True convolution: the kernel is rotated by 180° before it slides. */
	public boolean flip() { return flip; }
	/** The kernel is divided by its sum unless that sum is zero. */
	public boolean normalize() { return normalize; }
	public Method method() { return method; }
	/** Most threads a call uses, at least 1 (a call too small to repay a thread uses fewer). */
	public int threads() { return threads; }

	@Override
	public String toString() {
		return "mode=" + mode.label() + " border=" + border.label() + " cval=" + cval + " stride=" + strideY + ","
			+ strideX + " dilation=" + dilationY + "," + dilationX + " flip=" + flip + " normalize=" + normalize
			+ " method=" + method.label() + " threads=" + threads;
	}

	/** Builds {@link ConvolutionOptions}; each setter checks its value and names it in the error. */
	public static final class Builder {
		private Mode mode = Mode.VALID;
		private Border border = Border.CONSTANT;
		private double cval;
		private int strideY = 1, strideX = 1;
		private int dilationY = 1, dilationX = 1;
		private boolean flip;
		private boolean normalize;
		private Method method = Method.AUTO;
		/** The border was given as {@code zero}, which fixes cval at 0. */
		private boolean zeroBorder;
		private int threads = Runtime.getRuntime().availableProcessors();

		private Builder() {
		}

		public Builder mode(Mode mode) {
			this.mode = Objects.requireNonNull(mode, "mode");
			return this;
		}

		public Builder border(Border border) {
			this.border = Objects.requireNonNull(border, "border");
			this.zeroBorder = false;
			return this;
		}

		/** The constant used outside the image with {@link Border#CONSTANT}; finite, within the float range. */
		public Builder cval(double cval) {
			if (!Double.isFinite(cval) || !Rows.fitsFloat(cval)) {
				throw new UserException("cval must be a finite number within the 32-bit float range (±3.4e38), got "
					+ cval);
			}
			this.cval = cval;
			return this;
		}

		/** The same stride along both axes. */
		public Builder stride(int stride) {
			return stride(stride, stride);
		}

		/** Stride along rows ({@code y}) and columns ({@code x}); each at least 1. */
		public Builder stride(int strideY, int strideX) {
			this.strideY = positive("stride", strideY);
			this.strideX = positive("stride", strideX);
			return this;
		}

		/** The same dilation along both axes. */
		public Builder dilation(int dilation) {
			return dilation(dilation, dilation);
		}

		/** Dilation along rows ({@code y}) and columns ({@code x}); each at least 1 (1 = no dilation). */
		public Builder dilation(int dilationY, int dilationX) {
			this.dilationY = positive("dilation", dilationY);
			this.dilationX = positive("dilation", dilationX);
			return this;
		}

		/** Stride as text: one whole number, or two separated by a comma or {@code x} ({@code "sy,sx"}). */
		public Builder stride(String text) {
			int[] v = axisPair("stride", text);
			return stride(v[0], v[1]);
		}

		/** Dilation as text: one whole number, or two ({@code "dy,dx"}). */
		public Builder dilation(String text) {
			int[] v = axisPair("dilation", text);
			return dilation(v[0], v[1]);
		}

		/** Mode by label ({@code valid}, {@code same}, {@code full}). */
		public Builder mode(String label) {
			return mode(Mode.fromLabel(label));
		}

		/** Border by label or alias ({@code constant}, {@code nearest}, ...). */
		public Builder border(String label) {
			border(Border.fromLabel(label));
			zeroBorder = label.trim().equalsIgnoreCase("zero"); // SEMANTICS.md: zero is constant with cval 0
			return this;
		}

		/** Method by label ({@code auto}, {@code direct}, ...). */
		public Builder method(String label) {
			return method(Method.fromLabel(label));
		}

		public Builder flip(boolean flip) {
			this.flip = flip;
			return this;
		}

		public Builder normalize(boolean normalize) {
			this.normalize = normalize;
			return this;
		}

		public Builder method(Method method) {
			this.method = Objects.requireNonNull(method, "method");
			return this;
		}

		/** Number of worker threads; at least 1. */
		public Builder threads(int threads) {
			this.threads = positive("threads", threads);
			return this;
		}

		/**
		 * The options.
		 *
		 * @throws UserException for {@code border=zero} with a non-zero cval (a contradiction)
		 */
		public ConvolutionOptions build() {
			if (zeroBorder && cval != 0) {
				throw new UserException("border=zero means a constant 0 outside the image, but cval is "
					+ cval + "; use border=constant with cval=" + cval + ", or leave cval out");
			}
			return new ConvolutionOptions(this);
		}

		private static int[] axisPair(String what, String text) {
			String t = text == null ? "" : text.trim();
			String[] parts = t.split("\\s*[,x×]\\s*|\\s+", -1);
			if (parts.length < 1 || parts.length > 2) parts = new String[0];
			int[] v = new int[parts.length];
			try {
				for (int i = 0; i < parts.length; i++) v[i] = Integer.parseInt(parts[i].trim());
			}
			catch (NumberFormatException e) {
				parts = new String[0];
			}
			if (parts.length == 0) {
				throw new UserException(what + " '" + Excerpt.of(t) + "' is not understood; give one whole number (e.g. 2)"
					+ " or two for rows and columns (e.g. 2,1)");
			}
			return parts.length == 1 ? new int[] { v[0], v[0] } : v;
		}

		private static int positive(String what, int value) {
			if (value < 1) {
				throw new UserException(what + " must be a whole number of at least 1, got " + value);
			}
			return value;
		}
	}
}
