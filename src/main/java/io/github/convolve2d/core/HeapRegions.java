package io.github.convolve2d.core;

import java.lang.management.ManagementFactory;

/**
 * What an array really takes of the Java heap, for memory checks made before allocating. Under G1, Java's default
 * collector, the heap is cut into regions (1 MB below {@code -Xmx4g}, 2 MB to 8g, 4 MB to 16g, ...), and an array of
 * half a region or more gets whole regions of its own: a 1024² float plane (4 MB and a 16-byte header) takes five
 * 1 MB regions, or two 4 MB ones, twice its size. Under other collectors an array takes its size.
 */
public final class HeapRegions {

	/** This JVM's region size: G1's {@code G1HeapRegionSize}, 0 under another collector or when not known. */
	private static final long REGION = lookUp();

	/** An array's header, rounded up: what makes a 4 MB array spill into one more region. */
	private static final long HEADER = 16;

	private HeapRegions() {
	}

	/** The heap an array of {@code bytes} takes in this JVM. */
	public static long arrayBytes(long bytes) {
		return arrayBytes(bytes, REGION);
	}

	/** The heap an array of {@code bytes} takes in a heap of {@code region}-byte regions (0: no regions). */
	public static long arrayBytes(long bytes, long region) {
		long withHeader = bytes + HEADER;
		if (region <= 0 || withHeader < region / 2) return bytes;
		return (withHeader + region - 1) / region * region;
	}

	/** This JVM's region size in bytes, 0 where arrays take their size. */
	public static long region() {
		return REGION;
	}

	private static long lookUp() {
		try {
			com.sun.management.HotSpotDiagnosticMXBean vm =
				ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
			if (vm == null || !Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) return 0;
			return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
		}
		catch (RuntimeException | LinkageError e) { // another JVM (or no jdk.management): count arrays at their size
			return 0;
		}
	}
}
