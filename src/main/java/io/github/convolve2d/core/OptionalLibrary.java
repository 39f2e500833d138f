package io.github.convolve2d.core;

/**
 * Whether a library that Fiji ships but plain ImageJ lacks is on the class path (JTransforms and its two
 * dependencies for the FFT path, Gson for JSON weights). Code that would use a missing one checks first and says
 * which jar to copy: the NoClassDefFoundError it would end in otherwise is swallowed by ImageJ without a word.
 */
public final class OptionalLibrary {

	private OptionalLibrary() {
	}

	/** Whether {@code className} can be loaded (not initialised) by the class loader of this project's classes. */
	public static boolean present(String className) {
		try {
			Class.forName(className, false, OptionalLibrary.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError e) {
			return false;
		}
	}
}
