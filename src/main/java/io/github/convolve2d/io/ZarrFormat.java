package io.github.convolve2d.io;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The two forms an OME-Zarr image is written in: NGFF 0.4 on Zarr v2 ({@code .zgroup}, {@code .zattrs},
 * {@code .zarray}, chunks {@code 0.1.2}) and NGFF 0.5 on Zarr v3 (one {@code zarr.json} per group and array, the
 * NGFF metadata under {@code attributes.ome}, chunks {@code c/0/1/2}).
 */
public enum ZarrFormat {
	V2(2, "0.4"), V3(3, "0.5");

	private final int zarr;
	private final String ngff;

	ZarrFormat(int zarr, String ngff) {
		this.zarr = zarr;
		this.ngff = ngff;
	}

	/** The Zarr format's number ({@code zarr_format}): 2 or 3. */
	public int zarr() {
		return zarr;
	}

	/** The NGFF version written on it: {@code 0.4} or {@code 0.5}. */
	public String ngff() {
		return ngff;
	}

	/** For messages: {@code OME-Zarr 0.5 (Zarr v3)}. */
	public String label() {
		return "OME-Zarr " + ngff + " (Zarr v" + zarr + ")";
	}

	/**
	 * The format of the Zarr store (group or array) at {@code path}, as {@link OmeZarr#open} reads it: v2 when it has
	 * Zarr v2 metadata ({@code .zarray}, {@code .zattrs} or {@code .zgroup}), else v3 when it has {@code zarr.json},
	 * else v2 (nothing there: the default).
	 */
	public static ZarrFormat of(Path path) {
		for (String v2 : new String[] { ".zarray", ".zattrs", ".zgroup" }) {
			if (Files.exists(path.resolve(v2), LinkOption.NOFOLLOW_LINKS)) return V2;
		}
		return Files.exists(path.resolve("zarr.json"), LinkOption.NOFOLLOW_LINKS) ? V3 : V2;
	}
}
