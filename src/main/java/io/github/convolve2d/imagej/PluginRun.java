package io.github.convolve2d.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;

import java.awt.Rectangle;
import java.util.function.Supplier;

/**
 * What each menu command does around its own settings: find the image to work on, compute while ImageJ's lock on
 * it is held, show the result under a title no open window has, and put the computation's own time and rate in
 * the status bar ({@link StatusLine}).
 */
final class PluginRun {

	private PluginRun() {
	}

	/** The current image, or null after telling the user to open one. */
	static ImagePlus currentImage() {
		ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) UserMessages.error("no image is open; open an image first (File > Open...)");
		return imp;
	}

	/**
	 * Computes a new image from {@code imp} while it is locked and shows it; does nothing when ImageJ says the
	 * image is busy (it tells the user so itself).
	 *
	 * @param planes the source planes the computation reads, for the status line's rate
	 */
	static void computeAndShow(ImagePlus imp, int planes, Supplier<ImagePlus> computation) {
		if (!imp.lock()) return;
		ImagePlus result;
		long start = System.nanoTime();
		try {
			result = computation.get();
		}
		finally {
			imp.unlock();
		}
		long nanos = System.nanoTime() - start;
		result.setTitle(WindowManager.makeUniqueName(result.getTitle()));
		result.show();
		IJ.showProgress(1.0);
		Rectangle area = area(imp);
		IJ.showStatus(StatusLine.of(nanos, planes, area.width, area.height));
	}

	/** The area convolved: the selection's bounds within the image, or the whole image. */
	private static Rectangle area(ImagePlus imp) {
		Roi roi = imp.getRoi();
		Rectangle image = new Rectangle(0, 0, imp.getWidth(), imp.getHeight());
		if (roi == null || !roi.isArea()) return image;
		Rectangle r = roi.getBounds().intersection(image);
		return r.isEmpty() ? image : r;
	}
}
