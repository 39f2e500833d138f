package io.github.convolve2d.core;

/**
 * The sizes and offsets SEMANTICS.md derives from an image size, a kernel size and the options: the kernel's
 * dilated extent, the anchor {@code (ay, ax)} and the output size. Output pixel {@code (r, c)} reads input
 * pixel {@code (r*sy + i*dy - ay, c*sx + j*dx - ax)} for kernel tap {@code (i, j)}. Shared by every path and
 * front end so that they agree on where each output lies.
 */
public final class ConvolutionGeometry {

	private final int imageWidth, imageHeight;
	private final int kernelWidth, kernelHeight;
	private final int extentX, extentY;
	private final int anchorX, anchorY;
	private final int outputWidth, outputHeight;
	private final int originX, originY;

	private ConvolutionGeometry(int imageWidth, int imageHeight, int kernelWidth, int kernelHeight,
		ConvolutionOptions o)
	{
		this.imageWidth = imageWidth;
		this.imageHeight = imageHeight;
		this.kernelWidth = kernelWidth;
		this.kernelHeight = kernelHeight;
		extentX = extent(kernelWidth, o.dilationX());
		extentY = extent(kernelHeight, o.dilationY());
		Mode mode = o.mode();
		if (mode == Mode.VALID && (extentX > imageWidth || extentY > imageHeight)) {
			String spans = o.dilationX() == 1 && o.dilationY() == 1 ? ""
				: " with dilation " + dilationText(o) + " spans " + extentX + "×" + extentY;
			throw new UserException("kernel " + kernelWidth + "×" + kernelHeight + " (width×height)" + spans
				+ " but the image is " + imageWidth + "×" + imageHeight
				+ "; valid mode needs the kernel to fit inside the image: use mode=same or mode=full, "
				+ "a smaller kernel" + (spans.isEmpty() ? "" : " or less dilation"));
		}
		anchorX = mode.anchor(extentX, o.flip());
		anchorY = mode.anchor(extentY, o.flip());
		outputWidth = ceilDiv(mode.stride1Size(imageWidth, extentX), o.strideX());
		outputHeight = ceilDiv(mode.stride1Size(imageHeight, extentY), o.strideY());
		originX = Mode.SAME.anchor(extentX, o.flip()) - anchorX;
		originY = Mode.SAME.anchor(extentY, o.flip()) - anchorY;
	}

	/**
	 * The geometry of convolving an image with a kernel.
	 *
	 * @throws UserException in valid mode when the kernel's extent exceeds the image
	 */
	public static ConvolutionGeometry of(int imageWidth, int imageHeight, int kernelWidth, int kernelHeight,
		ConvolutionOptions options)
	{
		return new ConvolutionGeometry(imageWidth, imageHeight, kernelWidth, kernelHeight, options);
	}

	private static int extent(int size, int dilation) {
		long e = (long) dilation * (size - 1) + 1;
		if (e > Integer.MAX_VALUE / 4) {
			throw new UserException("kernel of " + size + " with dilation " + dilation + " is too large");
		}
		return (int) e;
	}

	private static String dilationText(ConvolutionOptions o) {
		return o.dilationX() == o.dilationY() ? Integer.toString(o.dilationX())
			: o.dilationY() + "," + o.dilationX() + " (y,x)";
	}

	private static int ceilDiv(int n, int d) {
		return (n + d - 1) / d;
	}

	public int imageWidth() { return imageWidth; }
	public int imageHeight() { return imageHeight; }
	public int kernelWidth() { return kernelWidth; }
	public int kernelHeight() { return kernelHeight; }
	/** Columns spanned by the dilated kernel: {@code dx*(kw-1)+1}. */
	public int extentX() { return extentX; }
	/** Rows spanned by the dilated kernel: {@code dy*(kh-1)+1}. */
	public int extentY() { return extentY; }
	/** {@code ax}: how far left of the output column the kernel's first tap reads. */
	public int anchorX() { return anchorX; }
	/** {@code ay}: how far above the output row the kernel's first tap reads. */
	public int anchorY() { return anchorY; }
	public int outputWidth() { return outputWidth; }
	public int outputHeight() { return outputHeight; }

	/**
	 * Input column on which output column 0 is centred (the kernel's {@code same}-mode anchor): 0 in
	 * {@code same} mode, positive in {@code valid}, negative in {@code full}. Output column {@code c} lies at
	 * input column {@code originX + c*sx}; front ends use it to keep spatial calibration.
	 */
	public int originX() { return originX; }

	/** Input row on which output row 0 is centred; see {@link #originX()}. */
	public int originY() { return originY; }
}
