#!/usr/bin/python3
"""Writes small TIFF and BigTIFF files with tifffile (Debian's python3-tifffile) for TiffReaderTest.

  /usr/bin/python3 scripts/tiff_golden.py    # -> src/test/resources/io/github/convolve2d/io/tiff/

Striped and tiled, uncompressed and zlib, horizontal predictor, both byte orders, uint8 RGB (chunky), two-sample
planar float64, multi-page, 8/16/32-bit integer and 32/64-bit float samples. Pixel (page p, sample s, y, x) holds
value(0, s, p, y, x) of scripts/zarr_golden.py, cast as numpy casts. LZW and PackBits need imagecodecs, which
Debian's tifffile lacks: the test writes those with the JDK's TIFF writer instead.
"""
import os
import shutil

import numpy as np
import tifffile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "io", "github", "convolve2d", "io", "tiff")


def value(t, c, z, y, x):
    return ((t * 7 + c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y + 2 * x) % 4) / 4.0


def data(pages, samples, h, w, dtype):
    z, c, y, x = np.meshgrid(np.arange(pages), np.arange(samples), np.arange(h), np.arange(w), indexing="ij")
    return value(0, c, z, y, x).astype(dtype)  # (pages, samples, h, w)


# name, pages, samples, h, w, dtype, imwrite options
CASES = [
    ("f32le-strips", 1, 1, 37, 53, "<f4", dict(rowsperstrip=5)),
    ("f32be-tiles-zlib", 1, 1, 37, 53, ">f4", dict(tile=(16, 16), compression="zlib")),
    ("u16-bigtiff-tiles", 1, 1, 40, 70, "<u2", dict(tile=(16, 32), bigtiff=True)),
    ("i16be-zlib-predictor", 1, 1, 33, 29, ">i2", dict(rowsperstrip=8, compression="zlib", predictor=2)),
    ("u8-rgb-zlib", 1, 3, 21, 30, "u1", dict(photometric="rgb", planarconfig="contig", compression="zlib", rowsperstrip=4)),
    ("f64-planar-bigtiff", 1, 2, 18, 25, "<f8", dict(photometric="minisblack", planarconfig="separate", bigtiff=True,
                                                     compression="zlib", tile=(16, 16))),
    ("u8-pages", 3, 1, 12, 17, "u1", dict(photometric="minisblack")),
    ("i32-strips", 1, 1, 9, 11, "<i4", dict(rowsperstrip=2)),
    ("u32be-tiles", 1, 1, 20, 20, ">u4", dict(tile=(16, 16))),
]


# An ImageJ hyperstack (2 channels × 3 slices, 0.5 µm pixels, 1.5 µm slices, an origin), striped as ImageJ reads it,
# and the same pages and description tiled and as a BigTIFF, which ImageJ 1.54p does not read (ImageJReaderTest
# compares the batch's reading of those with ImageJ's of the first).
HYPERSTACK = [
    ("u16-hyperstack-strips", dict()),
    ("u16-hyperstack-tiles", dict(tile=(16, 16))),
    ("u16-hyperstack-bigtiff", dict(bigtiff=True)),
]


def hyperstacks():
    z, c, y, x = np.meshgrid(np.arange(3), np.arange(2), np.arange(24), np.arange(40), indexing="ij")
    pages = (value(0, c, z, y, x) * 100).astype("<u2").reshape(6, 24, 40)  # channel fastest, then slice
    first = os.path.join(OUT, HYPERSTACK[0][0] + ".tif")
    tifffile.imwrite(first, pages.reshape(3, 2, 24, 40), imagej=True, resolution=(2.0, 2.0),
                     metadata={"axes": "ZCYX", "unit": "um", "spacing": 1.5, "xorigin": 4.0, "yorigin": -2.5})
    with tifffile.TiffFile(first) as t:
        description = t.pages[0].description
        resolution = t.pages[0].tags["XResolution"].value
    for name, options in HYPERSTACK[1:]:
        path = os.path.join(OUT, name + ".tif")
        with tifffile.TiffWriter(path, bigtiff=options.pop("bigtiff", False)) as w:
            for n in range(6):
                w.write(pages[n], description=description if n == 0 else None, photometric="minisblack",
                        resolution=(resolution, resolution), resolutionunit=1, metadata=None, contiguous=False, **options)
        with tifffile.TiffFile(path) as t:
            assert np.array_equal(np.stack([page.asarray() for page in t.pages]), pages), name


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    hyperstacks()
    for name, pages, samples, h, w, dtype, options in CASES:
        d = data(pages, samples, h, w, dtype)
        path = os.path.join(OUT, name + ".tif")
        byteorder = ">" if dtype.startswith(">") else "<"
        if samples == 3:
            tifffile.imwrite(path, np.moveaxis(d[0], 0, -1), byteorder=byteorder, **options)
        elif samples > 1:
            tifffile.imwrite(path, d[0], byteorder=byteorder, **options)
        elif pages > 1:
            tifffile.imwrite(path, d[:, 0], byteorder=byteorder, **options)  # one page per plane
        else:
            tifffile.imwrite(path, d[0, 0], byteorder=byteorder, **options)
        back = tifffile.imread(path)
        assert np.array_equal(back.reshape(-1), (np.moveaxis(d[0], 0, -1) if samples == 3 else d).reshape(-1)), name
    size = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(CASES) + len(HYPERSTACK)} files into {OUT} ({size} bytes)")


if __name__ == "__main__":
    main()
