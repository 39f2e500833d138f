package io.github.convolve2d.core;

/**
 * The sizes and offsets SEMANTICS.md derives from an image size, a kernel size and the options: the kernel's
 * dilated extent, the anchor {@code (ay, ax)} and the output size. Output pixel {@code (r, c)} reads input
 * pixel {@code (r*sy + i*dy - ay, c*sx + j*dx - ax)} for kernel tap {@code (i, j)}. Shared by every path and
 * front end so that they agree on where each output lies.
 * <p>
 * A geometry may describe a {@link Region} of the whole result ({@link #region}): its output pixel {@code (0, 0)}
 * is the region's first pixel, which only moves the anchor and shrinks the output, so every path computes a
 * region exactly as it computes the whole result.
 */
public final class ConvolutionGeometry {

	private final int imageWidth, imageHeight;
	private final int kernelWidth, kernelHeight;
	private final int extentX, extentY;
	private final int anchorX, anchorY;
	private final int outputWidth, outputHeight;
	private final int originX, originY;
	private final int strideX, strideY;

	private ConvolutionGeometry(ConvolutionGeometry whole, Region r) {
		imageWidth = whole.imageWidth;
		imageHeight = whole.imageHeight;
		kernelWidth = whole.kernelWidth;
		kernelHeight = whole.kernelHeight;
		extentX = whole.extentX;
		extentY = whole.extentY;
		strideX = whole.strideX;
		strideY = whole.strideY;
		// (r.x - 1) * sx < stride-1 output width <= image + extent: no overflow for a region inside the output
		anchorX = whole.anchorX - r.x() * strideX;
		anchorY = whole.anchorY - r.y() * strideY;
		originX = whole.originX + r.x() * strideX;
		originY = whole.originY + r.y() * strideY;
		outputWidth = r.width();
		outputHeight = r.height();
	}

	private ConvolutionGeometry(int imageWidth, int imageHeight, int kernelWidth, int kernelHeight,
		ConvolutionOptions o)
	{
		this.imageWidth = imageWidth;
		this.imageHeight = imageHeight;
		this.kernelWidth = kernelWidth;
		this.kernelHeight = kernelHeight;
		strideX = o.strideX();
		strideY = o.strideY();
		extentX = extent(kernelWidth, o.dilationX());
		extentY = extent(kernelHeight, o.dilationY());
		Mode mode = o.mode();
		if (mode == Mode.VALID && (extentX > imageWidth || extentY > imageHeight)) {
			String spans = o.dilationX() == 1 && o.dilationY() == 1 ? ""
				: " with dilation " + dilationText(o) + " spans " + extentX + "×" + extentY;
			throw new UserException("kernel " + kernelWidth + "×" + kernelHeight + " (width×height)" + spans
				+ " but the image is " + imageWidth + "×" + imageHeight
				+ "; valid mode needs the kernel to fit inside the image: use mode=same or mode=full, "
				+ (spans.isEmpty() ? "or a smaller kernel" : "a smaller kernel or less dilation"));
		}
		anchorX = mode.anchor(extentX, o.flip());
		anchorY = mode.anchor(extentY, o.flip());
		outputWidth = (int) ceilDiv(mode.stride1Size(imageWidth, extentX), o.strideX());
		outputHeight = (int) ceilDiv(mode.stride1Size(imageHeight, extentY), o.strideY());
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

	/**
	 * The geometry of the {@code region} of this result: output pixel {@code (0, 0)} becomes the region's first
	 * pixel and the output size the region's size.
	 *
	 * @throws UserException when the region is not inside this geometry's output
	 */
	public ConvolutionGeometry region(Region region) {
		if ((long) region.x() + region.width() > outputWidth || (long) region.y() + region.height() > outputHeight) {
			throw new UserException("the output region " + region + " is not inside the " + outputWidth + "×"
				+ outputHeight + " result; ask for a region within it");
		}
		return new ConvolutionGeometry(this, region);
	}

	/**
	 * The output pixels that lie over input pixels inside the input rectangle {@code w × h} at {@code (x, y)}:
	 * output column {@code c} lies over input column {@code originX + c*sx}. A selection in an image gives the
	 * region of feature maps it covers this way.
	 *
	 * @throws UserException when no output pixel lies over the rectangle (possible in valid mode or with a stride)
	 */
	public Region outputRegionOver(int x, int y, int w, int h) {
		int c0 = (int) Math.max(0, ceilDiv((long) x - originX, strideX));
		int c1 = (int) Math.min(outputWidth - 1L, Math.floorDiv((long) x + w - 1 - originX, strideX));
		int r0 = (int) Math.max(0, ceilDiv((long) y - originY, strideY));
		int r1 = (int) Math.min(outputHeight - 1L, Math.floorDiv((long) y + h - 1 - originY, strideY));
		if (w < 1 || h < 1 || c0 > c1 || r0 > r1) {
			throw new UserException("the area " + w + "×" + h + " at " + x + "," + y + " holds no output pixel with "
				+ "this kernel, mode and stride " + strideY + "," + strideX + "; enlarge it, use mode=same, a "
				+ "smaller stride, or the whole image");
		}
		return Region.of(c0, r0, c1 - c0 + 1, r1 - r0 + 1);
	}

	private static long ceilDiv(long a, long b) {
		return -Math.floorDiv(-a, b);
	}

	private static int extent(int size, int dilation) {
		long e = (long) dilation * (size - 1) + 1;
		if (e > Integer.MAX_VALUE / 4) {
			throw new UserException(String.format(java.util.Locale.ROOT, "a kernel of %d taps with dilation %d would "
				+ "span %,d pixels, more than the %,d the core can place; use less dilation", size, dilation, e,
				Integer.MAX_VALUE / 4));
		}
		return (int) e;
	}

	private static String dilationText(ConvolutionOptions o) {
		return o.dilationX() == o.dilationY() ? Integer.toString(o.dilationX())
			: o.dilationY() + "," + o.dilationX() + " (y,x)";
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
	/** Input columns between neighbouring output columns ({@code sx}). */
	public int strideX() { return strideX; }
	/** Input rows between neighbouring output rows ({@code sy}). */
	public int strideY() { return strideY; }

	/**
	 * Input column on which output column 0 is centred (the kernel's {@code same}-mode anchor): 0 in
	 * {@code same} mode, positive in {@code valid}, negative in {@code full}. Output column {@code c} lies at
	 * input column {@code originX + c*sx}; front ends use it to keep spatial calibration.
	 */
	public int originX() { return originX; }

	/** Input row on which output row 0 is centred; see {@link #originX()}. */
	public int originY() { return originY; }

	/**
	 * The one rule that keeps spatial calibration, for every front end: the feature maps' pixel width given the
	 * input's, {@code sx} times larger.
	 */
	public double outputPixelWidth(double inputPixelWidth) {
		return inputPixelWidth * strideX;
	}

	/** The feature maps' pixel height given the input's, {@code sy} times larger; see {@link #outputPixelWidth}. */
	public double outputPixelHeight(double inputPixelHeight) {
		return inputPixelHeight * strideY;
	}

	/**
	 * The feature maps' origin along x given the input's, both in their own pixels as ImageJ's {@code xOrigin}
	 * (the pixel position of physical 0; NGFF's translation is {@code -origin · pixel width}): output column
	 * {@code c} lies over input column {@link #originX()}{@code  + c·sx}, so physical coordinates stay right.
	 */
	public double outputOriginX(double inputOriginX) {
		return (inputOriginX - originX) / strideX;
	}

	/** The feature maps' origin along y given the input's; see {@link #outputOriginX}. */
	public double outputOriginY(double inputOriginY) {
		return (inputOriginY - originY) / strideY;
	}

	/**
	 * Checks that a bank's feature maps have one size and one position on any image, so that they can share one
	 * output (a stack, a Zarr array, a block grid): any kernels in {@code same} mode, kernels of one size otherwise;
	 * and that each kernel's dilated extent can be placed on any image, so that a dilation too large is one usage
	 * error rather than every image's failure.
	 *
	 * @throws UserException for an empty bank, naming two kernels whose sizes differ, or for a dilation too large
	 */
	public static void checkOneFeatureMapSize(java.util.List<Kernel> kernels, ConvolutionOptions options) {
		if (kernels == null || kernels.isEmpty()) throw new UserException("no kernel given; give at least one kernel");
		for (Kernel k : kernels) {
			extent(k.width(), options.dilationX());
			extent(k.height(), options.dilationY());
		}
		if (options.mode() == Mode.SAME) return;
		Kernel first = kernels.get(0);
		for (Kernel k : kernels) {
			if (k.width() != first.width() || k.height() != first.height()) {
				throw new UserException("kernels '" + first.name() + "' (" + first.width() + "×" + first.height()
					+ ") and '" + k.name() + "' (" + k.width() + "×" + k.height() + ") give feature maps of different"
					+ " sizes in " + options.mode().label() + " mode, which cannot share one output; use mode"
					+ " same, or run kernels of different sizes separately");
			}
		}
	}
}
