package io.github.convolve2d.imagej;

import ij.CompositeImage;
import ij.IJ;
import ij.ImageListener;
import ij.ImagePlus;
import ij.Prefs;
import ij.WindowManager;
import io.github.convolve2d.core.ProgressListener;
import io.github.convolve2d.image.FeatureMaps;
import io.github.convolve2d.image.Planes;
import io.github.convolve2d.core.UserException;

import java.util.Collections;
import java.util.concurrent.CancellationException;

/**
 * The dialog's live preview: the first kernel's feature map of the plane on display (all three colours of an
 * RGB image), in a window of its own titled {@value #TITLE}, recomputed as the settings change. The source
 * image is only read, never drawn on. Computed on one background thread that always takes the newest settings,
 * so typing never waits for a stale preview (a computation overtaken by newer settings stops). While it reads the
 * source it holds ImageJ's lock on it, so that closing the source cannot pull its pixels away mid-read; when the
 * source is closed the preview closes too. Offered only for images of at most {@link #MAX_PIXELS} pixels per
 * plane, where even a large kernel previews in well under a second.
 */
final class Preview implements ImageListener {

	/** The preview window's title. */
	static final String TITLE = "Convolve 2D preview";

	/** Largest plane (width × height) with a preview: 4 megapixels. */
	static final long MAX_PIXELS = 4_000_000L;

	private final ImagePlus source;
	private ConvolveSettings pending;
	/** Whether the preview is wanted (the check box is on); a result computed after it was turned off is dropped. */
	private boolean on;
	private boolean closed;
	private Thread worker;
	private ImagePlus window;

	Preview(ImagePlus source) {
		this.source = source;
		ImagePlus.addImageListener(this);
	}

	/** Whether an image is small enough for a preview. */
	static boolean allowed(ImagePlus imp) {
		return (long) imp.getWidth() * imp.getHeight() <= MAX_PIXELS;
	}

	/**
	 * The preview image for some settings: the first kernel only, the displayed plane only (its selection's
	 * bounds if any), laid out and labelled as the run's first feature map.
	 */
	static ImagePlus compute(ImagePlus source, ConvolveSettings settings, int threads) {
		return compute(source, settings, threads, ProgressListener.NONE);
	}

	private static ImagePlus compute(ImagePlus source, ConvolveSettings settings, int threads,
		ProgressListener listener)
	{
		ImagePlus result = FeatureMaps.compute(source, Collections.singletonList(settings.kernels().kernels().get(0)),
			settings.options().toBuilder().threads(threads).build(), Planes.CURRENT, listener);
		result.setTitle(TITLE);
		return result;
	}

	/** Recomputes the preview for these settings (soon, on the preview thread). */
	synchronized void update(ConvolveSettings settings) {
		if (closed) return;
		on = true;
		pending = settings;
		if (worker == null) {
			worker = new Thread(this::work, "Convolve 2D preview");
			worker.setDaemon(true);
			worker.start();
		}
		notifyAll();
	}

	/** The preview window's title while the dialog's settings do not make a kernel (text being typed, say). */
	static final String STALE_TITLE = TITLE + " (not updated: the settings are not valid)";

	/**
	 * The dialog's settings no longer make a kernel: the window keeps the last feature map, titled
	 * {@value #STALE_TITLE} until valid settings update it (closing it would make it flicker while text is typed).
	 */
	void stale() {
		ImagePlus shown;
		synchronized (this) {
			pending = null;
			shown = window;
		}
		if (shown != null && shown.getWindow() != null) shown.setTitle(STALE_TITLE);
	}

	/** Turns the preview off: its window closes, and the source's window becomes current again. */
	void hide() {
		ImagePlus shown;
		synchronized (this) {
			on = false;
			pending = null;
			shown = window;
			window = null;
		}
		if (shown != null) {
			shown.changes = false;
			shown.close();
		}
		if (source.getWindow() != null) WindowManager.setCurrentWindow(source.getWindow());
	}

	/**
	 * Ends the preview for good (the dialog closed): as {@link #hide}, and the preview thread ends; returns once it
	 * has let go of the source, so that the run can lock it.
	 */
	void close() {
		Thread running;
		synchronized (this) {
			closed = true;
			running = worker;
			notifyAll();
		}
		ImagePlus.removeImageListener(this);
		if (running != null && running != Thread.currentThread()) {
			try {
				running.join(10_000); // a preview computation checks often whether it is still wanted
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		hide();
	}

	@Override
	public void imageClosed(ImagePlus imp) {
		if (imp != source) return;
		synchronized (this) {
			on = false;
			pending = null;
		}
		hide();
	}

	@Override
	public void imageOpened(ImagePlus imp) {
	}

	@Override
	public void imageUpdated(ImagePlus imp) {
	}

	/** Cancels a preview computation once newer settings wait or the preview is no longer wanted. */
	private final ProgressListener stale = new ProgressListener() {
		@Override
		public void progress(int done, int total) {
		}

		@Override
		public boolean isCancelled() {
			synchronized (Preview.this) {
				return closed || !on || pending != null;
			}
		}
	};

	private void work() {
		while (true) {
			ConvolveSettings settings;
			synchronized (this) {
				while (pending == null && !closed) {
					try {
						wait();
					}
					catch (InterruptedException e) {
						return;
					}
				}
				if (closed) return;
				settings = pending;
				pending = null;
			}
			if (!source.lockSilently()) {
				IJ.showStatus("Preview: \"" + source.getTitle() + "\" is locked by another command");
				continue;
			}
			try {
				if (PluginRun.closed(source)) continue; // its window has gone, and with it the preview's
				show(compute(source, settings, Prefs.getThreads(), stale));
				IJ.showStatus("");
			}
			catch (CancellationException e) {
				// newer settings are waiting, or the preview is no longer wanted
			}
			catch (UserException e) {
				IJ.showStatus("Preview: " + e.getMessage());
			}
			catch (OutOfMemoryError e) {
				IJ.showStatus("Preview: not enough memory");
			}
			catch (RuntimeException e) {
				UserMessages.bug(e);
			}
			finally {
				source.unlock();
			}
		}
	}

	private void show(ImagePlus result) {
		ImagePlus old;
		synchronized (this) {
			if (closed || !on) return;
			old = window;
		}
		if (old != null && old.getWindow() != null && old.isComposite() == result.isComposite()
			&& old.getNChannels() == result.getNChannels() && old.getWidth() == result.getWidth()
			&& old.getHeight() == result.getHeight())
		{
			old.setStack(result.getStack(), result.getNChannels(), result.getNSlices(), result.getNFrames());
			if (!TITLE.equals(old.getTitle())) old.setTitle(TITLE); // valid again after stale()
			old.setProp("Slice_Label", result.getProp("Slice_Label")); // the window's subtitle names the kernel
			old.setCalibration(result.getCalibration());
			if (old.isComposite()) ((CompositeImage) old).setLuts(((CompositeImage) result).getLuts());
			else old.setDisplayRange(result.getDisplayRangeMin(), result.getDisplayRangeMax());
			old.updateAndDraw();
			return;
		}
		if (old != null) {
			old.changes = false;
			old.close();
		}
		result.show();
		boolean unwanted;
		synchronized (this) {
			unwanted = closed || !on;
			if (!unwanted) window = result;
		}
		if (unwanted) {
			result.changes = false;
			result.close();
		}
	}
}
