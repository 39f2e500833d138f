#!/usr/bin/python3
"""Cross-checks Convolve 2D's OME-Zarr reader and writer against zarr-python (Debian's python3-zarr).

  /usr/bin/python3 scripts/zarr_golden.py write     # golden stores -> src/test/resources/io/github/convolve2d/io/zarr/
  /usr/bin/python3 scripts/zarr_golden.py verify    # checks the stores ZarrGoldenTest wrote to target/zarr-written/

Needs: apt-get install python3-zarr python3-numpy. `mvn test` reads the golden stores (ZarrGoldenTest) without
Python. Every store holds value(t, c, z, y, x) below, so the Java test computes what it must read; stores cover
2-D and 5-D TCZYX, several chunk shapes (edge chunks cut short), both byte orders, uint8/uint16/int16/float32/
float64, raw/zlib/gzip, "/" as dimension separator and a chunk left unwritten (it reads as the fill value).
"""
import json
import os
import shutil
import sys

import numcodecs
import numpy as np
import zarr

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "src", "test", "resources", "io", "github", "convolve2d", "io", "zarr")
WRITTEN = os.path.join(HERE, "..", "target", "zarr-written")


def value(t, c, z, y, x):
    """Integer part in [0, 250], fraction in steps of 1/4: exact in every dtype once cast (ints drop the fraction)."""
    return ((t * 7 + c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y + 2 * x) % 4) / 4.0


def grid(shape):
    full = (1,) * (5 - len(shape)) + tuple(shape)
    t, c, z, y, x = np.meshgrid(*[np.arange(n) for n in full], indexing="ij")
    return value(t, c, z, y, x).reshape(shape)


# name, shape, chunks, dtype, compressor, dimension separator, fill value (a chunk of it is left unwritten)
CASES = [
    ("u8-2d-raw", (37, 53), (16, 20), "|u1", None, ".", None),
    ("u16be-2d-zlib", (37, 53), (10, 64), ">u2", numcodecs.Zlib(level=5), ".", None),
    ("i16le-2d-gzip", (40, 31), (7, 9), "<i2", numcodecs.GZip(level=1), "/", None),
    ("f32le-2d-zlib", (33, 47), (16, 16), "<f4", numcodecs.Zlib(level=1), ".", None),
    ("f32be-2d-raw", (25, 26), (25, 26), ">f4", None, ".", None),
    ("f64be-2d-zlib", (19, 41), (8, 12), ">f8", numcodecs.Zlib(level=9), ".", None),
    ("f32le-2d-fill", (30, 30), (10, 10), "<f4", None, ".", -7.5),
]

# OME-Zarr groups, 5-D TCZYX: name, shape, chunks, dtype, compressor
GROUPS = [
    ("tczyx-i16be-zlib.ome.zarr", (2, 3, 2, 19, 23), (1, 2, 1, 8, 16), ">i2", numcodecs.Zlib(level=1)),
    ("tczyx-f32le-raw.ome.zarr", (1, 2, 3, 17, 12), (1, 1, 2, 17, 5), "<f4", None),
]


def write():
    shutil.rmtree(GOLDEN, ignore_errors=True)
    os.makedirs(GOLDEN)
    for name, shape, chunks, dtype, comp, sep, fill in CASES:
        data = grid(shape)
        store = zarr.DirectoryStore(os.path.join(GOLDEN, name + ".zarr"), dimension_separator=sep)
        a = zarr.create(shape=shape, chunks=chunks, dtype=dtype, compressor=comp, store=store,
                        fill_value=0 if fill is None else fill, write_empty_chunks=False)
        if fill is not None:
            data[:10, 10:20] = fill  # one whole chunk of the fill value: zarr does not write it
        a[...] = data.astype(np.dtype(dtype))
    for name, shape, chunks, dtype, comp in GROUPS:
        root = zarr.open_group(zarr.DirectoryStore(os.path.join(GOLDEN, name)), mode="w")
        a = root.create_dataset("0", shape=shape, chunks=chunks, dtype=dtype, compressor=comp)
        a[...] = grid(shape).astype(np.dtype(dtype))
        root.attrs["multiscales"] = [{
            "version": "0.4", "name": name,
            "axes": [{"name": "t", "type": "time", "unit": "second"}, {"name": "c", "type": "channel"},
                     {"name": "z", "type": "space", "unit": "micrometer"},
                     {"name": "y", "type": "space", "unit": "micrometer"},
                     {"name": "x", "type": "space", "unit": "micrometer"}],
            "datasets": [{"path": "0", "coordinateTransformations": [
                {"type": "scale", "scale": [1.0, 1.0, 2.0, 0.5, 0.25]},
                {"type": "translation", "translation": [0.0, 0.0, 0.0, 10.0, -4.0]}]}],
        }]
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(GOLDEN) for f in fs)
    print(f"wrote {len(CASES)} arrays and {len(GROUPS)} OME-Zarr groups into {GOLDEN} ({size} bytes)")


def halve(a):
    """The 2x2 means of the last two axes (of the pixels there are at an odd edge), summed in float64 in the order
    Convolve 2D sums them, then rounded to float32."""
    a = a.astype(np.float64)
    h, w = a.shape[-2:]
    total = np.zeros(a.shape[:-2] + ((h + 1) // 2, (w + 1) // 2))
    count = np.zeros(total.shape[-2:])
    for dy in (0, 1):
        for dx in (0, 1):
            part = a[..., dy::2, dx::2]
            ph, pw = part.shape[-2:]
            total[..., :ph, :pw] += part
            count[:ph, :pw] += 1
    return (total / count).astype(np.float32)


def verify_pyramid(g, ms, levels):
    """Each level of a pyramid: the 2x2 means of the level below, its scale doubled and its origin moved to the centre
    of the pixels it covers."""
    datasets = ms["datasets"]
    assert [d["path"] for d in datasets] == [str(l) for l in range(levels)], datasets
    assert ms.get("type") == "local_mean", ms.get("type")
    base = datasets[0]["coordinateTransformations"]
    scale0 = np.array(base[0]["scale"])
    shift0 = np.array(base[1]["translation"]) if len(base) > 1 else np.zeros(len(scale0))
    below = g[datasets[0]["path"]][...]
    for l in range(1, levels):
        level = g[datasets[l]["path"]][...]
        assert np.array_equal(level, halve(below)), (l, np.argwhere(level != halve(below))[:5])
        t = datasets[l]["coordinateTransformations"]
        f = 2 ** l
        want_scale = scale0.copy()
        want_scale[-2:] *= f
        want_shift = shift0.copy()
        want_shift[-2:] += scale0[-2:] * (f - 1) / 2
        assert np.allclose(t[0]["scale"], want_scale), (l, t)
        assert np.allclose(t[1]["translation"], want_shift), (l, t)
        print(f"ok   level {l}: {level.shape}, the 2x2 means of level {l - 1}")
        below = level


def verify():
    """The stores ZarrGoldenTest wrote: every value as value() cast to the store's dtype; the metadata as written."""
    manifest = json.load(open(os.path.join(WRITTEN, "manifest.json")))
    for entry in manifest:
        path = os.path.join(WRITTEN, entry["path"])
        if entry.get("group"):
            g = zarr.open_group(path, mode="r")
            ms = g.attrs["multiscales"][0]
            assert ms["version"] == "0.4", ms
            assert [a["name"] for a in ms["axes"]] == entry["axes"], ms["axes"]
            a = g[ms["datasets"][0]["path"]]
            for key, want in entry.get("attrs", {}).items():
                assert g.attrs[key] == want, (key, g.attrs[key], want)
        else:
            a = zarr.open_array(path, mode="r")
        assert a.shape == tuple(entry["shape"]), (path, a.shape)
        assert a.chunks == tuple(entry["chunks"]), (path, a.chunks)
        assert a.dtype == np.dtype(entry["dtype"]), (path, a.dtype)
        want = grid(a.shape).astype(a.dtype) if "values" not in entry else np.array(entry["values"], a.dtype)
        got = a[...]
        assert np.array_equal(got, want), (path, np.argwhere(got != want)[:5])
        print(f"ok {entry['path']}: {a.shape} chunks {a.chunks} {a.dtype.str} {a.compressor}")
        if entry.get("levels"):
            verify_pyramid(g, ms, entry["levels"])
    print(f"verified {len(manifest)} stores written by Convolve 2D")


if __name__ == "__main__":
    {"write": write, "verify": verify}[sys.argv[1] if len(sys.argv) > 1 else "write"]()
