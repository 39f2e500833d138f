package io.github.convolve2d.cli;

import io.github.convolve2d.core.Kernel;
import io.github.convolve2d.core.Plane;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.imgproc.Imgproc;

/**
 * OpenCV's {@code filter2D} (a correlation; default anchor = kernel centre; {@code BORDER_REPLICATE}) on a
 * {@code CV_32F} image, with {@code Core.setNumThreads} set to the thread count Convolve 2D gets. The OpenCV Java
 * bindings ({@code org.openpnp:opencv}, native library inside) are not in the CLI jar: {@code bench} uses this
 * peer only when they are on the class path (see README), and {@link #load()} says why when they are not.
 */
final class OpenCvPeer implements BenchPeer {

	private OpenCvPeer() {
	}

	/**
	 * The peer, or {@code null} with the reason in {@code why[0]} when the bindings or their native library are
	 * missing.
	 */
	static BenchPeer load(String[] why) {
		try {
			Class.forName("org.opencv.core.Core");
		}
		catch (ClassNotFoundException e) {
			why[0] = "OpenCV is not on the class path (run bench with target/bench-lib/* on it, see README)";
			return null;
		}
		try {
			nu.pattern.OpenCV.loadLocally();
			return new OpenCvPeer();
		}
		catch (RuntimeException | LinkageError e) {
			why[0] = "OpenCV's native library did not load: " + e.getMessage();
			return null;
		}
	}

	@Override
	public String name() {
		return "OpenCV " + Core.VERSION;
	}

	@Override
	public Run prepare(Plane image, Kernel kernel, int threads) {
		Core.setNumThreads(threads);
		Mat src = new Mat(image.height(), image.width(), CvType.CV_32F);
		src.put(0, 0, image.pixels());
		Mat k = new Mat(kernel.height(), kernel.width(), CvType.CV_32F);
		double[] values = kernel.values();
		float[] weights = new float[values.length];
		for (int i = 0; i < values.length; i++) weights[i] = (float) values[i];
		k.put(0, 0, weights);
		Point centre = new Point(-1, -1);
		return new Run() {
			/*
			 * One output reused by every run (filter2D writes into a Mat of the right size without reallocating).
			 * A new Mat per run, as Convolve 2D returns a new image, made OpenCV pay the VM rather than its work:
			 * glibc unmaps a freed 64 MB block and maps fresh pages for the next, and on the development VM their
			 * first touch cost about 200 ms per 64 MB (OpenCV's 4096² 3×3 took 213 ms instead of 11). Convolve 2D's
			 * new image comes from a pre-touched JVM heap (README), so both write into memory already touched.
			 */
			private final Mat last = new Mat();

			@Override
			public void run() {
				Imgproc.filter2D(src, last, CvType.CV_32F, k, centre, 0, Core.BORDER_REPLICATE);
			}

			@Override
			public float[] result() {
				float[] out = new float[image.width() * image.height()];
				last.get(0, 0, out);
				return out;
			}

			@Override
			public void close() {
				last.release();
				src.release();
				k.release();
			}
		};
	}
}
