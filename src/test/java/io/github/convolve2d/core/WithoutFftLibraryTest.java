package io.github.convolve2d.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * Plain ImageJ has no JTransforms: the core, loaded where the FFT library is missing, must still convolve
 * large kernels (the automatic choice avoids the FFT path) and say clearly what a forced {@code method=fft}
 * needs.
 */
class WithoutFftLibraryTest {

	@Test
	void largeKernelsStillWorkAndForcedFftExplainsWhatIsMissing() throws Exception {
		URL classes = Paths.get("target/classes").toUri().toURL();
		try (URLClassLoader isolated = new URLClassLoader(new URL[] { classes }, ClassLoader.getPlatformClassLoader())) {
			Class<?> chooser = isolated.loadClass(PathChooser.class.getName());
			java.lang.reflect.Field present = chooser.getDeclaredField("FFT_LIBRARY_PRESENT");
			present.setAccessible(true); // another class loader: another run-time package
			assertEquals(false, present.get(null));
			assertTrue(PathChooser.FFT_LIBRARY_PRESENT, "the test class path itself has JTransforms");

			Object image = isolated.loadClass(Plane.class.getName()).getMethod("zeros", int.class, int.class)
				.invoke(null, 200, 200);
			Object kernel = isolated.loadClass(Kernel.class.getName())
				.getMethod("of", String.class, int.class, int.class, double[].class)
				.invoke(null, "k", 31, 31, new double[31 * 31]);
			Class<?> options = isolated.loadClass(ConvolutionOptions.class.getName());
			Object builder = options.getMethod("builder").invoke(null);
			builder.getClass().getMethod("mode", String.class).invoke(builder, "same");
			Object auto = builder.getClass().getMethod("build").invoke(builder);
			Class<?> convolution = isolated.loadClass(Convolution.class.getName());
			Method convolve = convolution.getMethod("convolve", image.getClass(), kernel.getClass(), options);
			Method chosen = convolution.getMethod("chosenMethod", image.getClass(), kernel.getClass(), options);
			assertEquals("DIRECT", chosen.invoke(null, image, kernel, auto).toString());
			Object out = convolve.invoke(null, image, kernel, auto);
			assertEquals(200, out.getClass().getMethod("width").invoke(out));

			builder.getClass().getMethod("method", String.class).invoke(builder, "fft");
			Object forced = builder.getClass().getMethod("build").invoke(builder);
			InvocationTargetException e = org.junit.jupiter.api.Assertions.assertThrows(InvocationTargetException.class,
				() -> convolve.invoke(null, image, kernel, forced));
			assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
			assertTrue(e.getCause().getMessage().startsWith("method=fft needs the JTransforms library"),
				e.getCause().getMessage());
		}
	}

	@Test
	void jTransformsWithoutTheLibrariesItCallsIsNotUsed() throws Exception {
		// JTransforms copied into ImageJ's jars without JLargeArrays and commons-math3: the FFT path used to be
		// chosen and end in a NoClassDefFoundError, which ImageJ swallows, so a macro went on without a result
		URL classes = Paths.get("target/classes").toUri().toURL();
		URL jTransforms = org.jtransforms.fft.DoubleFFT_1D.class.getProtectionDomain().getCodeSource().getLocation();
		try (URLClassLoader isolated = new URLClassLoader(new URL[] { classes, jTransforms },
			ClassLoader.getPlatformClassLoader()))
		{
			Class<?> chooser = isolated.loadClass(PathChooser.class.getName());
			java.lang.reflect.Field present = chooser.getDeclaredField("FFT_LIBRARY_PRESENT");
			present.setAccessible(true);
			assertEquals(false, present.get(null), "JTransforms alone counts as no FFT library");

			Object image = isolated.loadClass(Plane.class.getName()).getMethod("zeros", int.class, int.class)
				.invoke(null, 200, 200);
			double[] values = new double[31 * 31];
			values[17] = 1; // not separable and large: the FFT path's kind of kernel
			values[500] = -2;
			Object kernel = isolated.loadClass(Kernel.class.getName())
				.getMethod("of", String.class, int.class, int.class, double[].class)
				.invoke(null, "k", 31, 31, values);
			Class<?> options = isolated.loadClass(ConvolutionOptions.class.getName());
			Object builder = options.getMethod("builder").invoke(null);
			builder.getClass().getMethod("mode", String.class).invoke(builder, "same");
			Object auto = builder.getClass().getMethod("build").invoke(builder);
			Method convolve = isolated.loadClass(Convolution.class.getName())
				.getMethod("convolve", image.getClass(), kernel.getClass(), options);
			Object out = convolve.invoke(null, image, kernel, auto);
			assertEquals(200, out.getClass().getMethod("width").invoke(out));
		}
	}
}
