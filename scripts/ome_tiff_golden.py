#!/usr/bin/python3
"""Writes small OME-TIFF files with tifffile's OME writer (Debian's python3-tifffile 2023.2.3) for OmeTiffTest and
BatchOmeTiffTest.

  /usr/bin/python3 scripts/ome_tiff_golden.py    # -> src/test/resources/io/github/convolve2d/io/ome/

Pixel (t, c, z, y, x) holds value(t, c, z, y, x) of scripts/zarr_golden.py, cast as numpy casts. tifffile writes
one TiffData element for all pages, in DimensionOrder XYZCT for axes CZYX and TCZYX, XYCZT for TZCYX. The striped
files are read by ImageJ in the batch's in-memory path, the tiled one by the project's own reader (ImageJ 1.54p does
not read tiles); the tiled TZCYX file holds the same image as the striped TCZYX one, its pages in another order.
"""
import os
import shutil

import numpy as np
import tifffile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "io", "github", "convolve2d", "io", "ome")


def value(t, c, z, y, x):
    return ((t * 7 + c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y + 2 * x) % 4) / 4.0


def image(shape, dtype):
    """An array of shape (T, C, Z, Y, X) of value()."""
    t, c, z, y, x = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    return value(t, c, z, y, x).astype(dtype)


def write(name, data, axes, **options):
    path = os.path.join(OUT, name + ".ome.tif")
    tifffile.imwrite(path, data, ome=True, metadata=dict(axes=axes, **options.pop("metadata", {})), **options)
    with tifffile.TiffFile(path) as t:
        assert t.is_ome, name
        assert np.array_equal(t.series[0].asarray(), data), name
    return path


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    # 3 channels, 4 slices, 16-bit, striped: 0.3 × 0.4 µm pixels (µm written as µ, in UTF-8), slices 1.5 µm apart
    write("czyx-u16-strips", image((1, 3, 4, 12, 17), "<u2")[0], "CZYX",
          metadata=dict(PhysicalSizeX=0.3, PhysicalSizeXUnit="µm", PhysicalSizeY=0.4, PhysicalSizeYUnit="µm",
                        PhysicalSizeZ=1.5, PhysicalSizeZUnit="µm"))
    # 2 time points 0.5 ms apart, 3 channels, 2 slices, 32-bit float: 25 nm pixels, slices 80 nm apart
    tczyx = image((2, 3, 2, 12, 17), "<f4")
    calibration = dict(PhysicalSizeX=25.0, PhysicalSizeXUnit="nm", PhysicalSizeY=25.0, PhysicalSizeYUnit="nm",
                       PhysicalSizeZ=80.0, PhysicalSizeZUnit="nm", TimeIncrement=0.5, TimeIncrementUnit="ms")
    write("tczyx-f32-strips", tczyx, "TCZYX", metadata=calibration)
    write("tzcyx-f32-tiles", np.ascontiguousarray(tczyx.transpose(0, 2, 1, 3, 4)), "TZCYX", tile=(16, 16),
          metadata=calibration)
    # two images (series) in one file
    with tifffile.TiffWriter(os.path.join(OUT, "two-series.ome.tif"), ome=True) as w:
        w.write(image((1, 1, 2, 12, 17), "u1")[0, 0], metadata=dict(axes="ZYX"))
        w.write(image((1, 1, 3, 9, 8), "u1")[0, 0], metadata=dict(axes="ZYX"))
    size = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files into {OUT} ({size} bytes)")


if __name__ == "__main__":
    main()
