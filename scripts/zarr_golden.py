#!/usr/bin/python3
"""Cross-checks Convolve 2D's OME-Zarr reader and writer against zarr-python (Debian's python3-zarr).

  /usr/bin/python3 scripts/zarr_golden.py write     # golden stores -> src/test/resources/io/github/convolve2d/io/zarr/
  /usr/bin/python3 scripts/zarr_golden.py verify    # checks the stores ZarrGoldenTest wrote to target/zarr-written/

Needs: apt-get install python3-zarr python3-numpy python3-blosc. `mvn test` reads the golden stores (ZarrGoldenTest) without
Python. Every store holds value(t, c, z, y, x) below, so the Java test computes what it must read; stores cover
2-D and 5-D TCZYX, several chunk shapes (edge chunks cut short), both byte orders, uint8/uint16/int16/float32/
float64, raw/zlib/gzip/blosc/zstd/lz4, "/" as dimension separator and a chunk left unwritten (it reads as the fill value).

It also writes Zarr v3 stores (NGFF 0.5) by the Zarr v3 specification, as zarr-python 3 writes them (Debian has
no zarr-python 3): zstd, gzip, blosc and crc32c codecs, both chunk key encodings, both byte orders, shards with
their index at the end or the start and inner chunks left empty. scripts/zarr_v3_check.mjs reads them with
zarrita (an independent Zarr v3 implementation, from npm) and checks every value.

It also writes blosc-buffers.bin and blosc-buffers.json: buffers c-blosc 1 (through numcodecs) made of
blosc_bytes(seed, ...) below with every codec, shuffle, value size and block size, for BloscGoldenTest.
"""
import gzip
import json
import os
import shutil
import struct
import sys

import blosc
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
    ("u16le-2d-blosc", (70, 90), (40, 64), "<u2", numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE), ".", None),
    ("f32le-2d-blosc", (61, 77), (32, 50), "<f4", numcodecs.Blosc("zstd", 3, numcodecs.Blosc.BITSHUFFLE), "/", None),
    ("u8-2d-blosc", (45, 66), (45, 33), "|u1", numcodecs.Blosc("blosclz", 9, numcodecs.Blosc.NOSHUFFLE), ".", None),
    ("i16le-2d-zstd", (50, 41), (16, 16), "<i2", numcodecs.Zstd(level=3), ".", None),
    ("f32le-2d-lz4", (33, 29), (20, 29), "<f4", numcodecs.LZ4(), ".", None),
]

# OME-Zarr groups, 5-D TCZYX: name, shape, chunks, dtype, compressor
GROUPS = [
    ("tczyx-i16be-zlib.ome.zarr", (2, 3, 2, 19, 23), (1, 2, 1, 8, 16), ">i2", numcodecs.Zlib(level=1)),
    ("tczyx-f32le-raw.ome.zarr", (1, 2, 3, 17, 12), (1, 1, 2, 17, 5), "<f4", None),
    # ome-zarr-py's and zarr-python 2's default compressor
    ("tczyx-u16le-blosc.ome.zarr", (1, 2, 2, 150, 140), (1, 1, 1, 128, 128), "<u2", numcodecs.Blosc()),
]


def multiscale(name):
    """The one-level NGFF multiscale of the 5-D golden images: axes t, c, z, y, x, a scale and a translation."""
    return {
        "name": name,
        "axes": [{"name": "t", "type": "time", "unit": "second"}, {"name": "c", "type": "channel"},
                 {"name": "z", "type": "space", "unit": "micrometer"},
                 {"name": "y", "type": "space", "unit": "micrometer"},
                 {"name": "x", "type": "space", "unit": "micrometer"}],
        "datasets": [{"path": "0", "coordinateTransformations": [
            {"type": "scale", "scale": [1.0, 1.0, 2.0, 0.5, 0.25]},
            {"type": "translation", "translation": [0.0, 0.0, 0.0, 10.0, -4.0]}]}],
    }


def blosc_bytes(seed, count, size):
    """count values of size bytes, little-endian: a slow ramp, one value in 256 off it by up to 15 (an LCG), so that
    every codec finds both matches and literals. BloscTest computes the same bytes."""
    state = (seed * 2654435761 + 1) % 2**32
    out = bytearray()
    for v in range(count):
        state = (state * 1664525 + 1013904223) % 2**32
        noise = (state >> 16) & 15 if state >> 24 == 0 else 0
        value = ((v // 40) * 3 + noise) % 2**(8 * size)
        out += value.to_bytes(size, "little")
    return bytes(out)


def write_blosc_buffers():
    blosc.set_nthreads(1)  # the same bytes on every run
    cases, blob = [], bytearray()
    seed = 0
    for cname in ["blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"]:
        for shuffle in [numcodecs.Blosc.NOSHUFFLE, numcodecs.Blosc.SHUFFLE, numcodecs.Blosc.BITSHUFFLE]:
            for size in [1, 2, 4, 8, 3]:
                # a buffer too small to compress (stored whole), one block, blocks of 64 KiB forced with a short last
                # one, and the blocks c-blosc chooses for 100 kB (64 KiB at level 1, larger above); two each in turn
                configs = [(20, 0), (3000 // size, 0), (140001 // size, 65536), (100000 // size, 0)]
                for count, blocksize in (configs[seed % 4], configs[(seed + 1) % 4]):
                    seed += 1
                    raw = blosc_bytes(seed, count, size)
                    level = 0 if seed % 17 == 0 and count * size <= 3000 else 1 + seed % 9
                    if blocksize:
                        # numcodecs leaves a block size this large to c-blosc; python-blosc forces it (same c-blosc)
                        blosc.set_blocksize(blocksize)
                        enc = blosc.compress(raw, typesize=size, clevel=level, shuffle=shuffle, cname=cname)
                        blosc.set_blocksize(0)
                    else:
                        codec = numcodecs.Blosc(cname=cname, clevel=level, shuffle=shuffle)
                        enc = bytes(codec.encode(np.frombuffer(raw, dtype="u1").view(f"V{size}")))
                    assert bytes(numcodecs.Blosc().decode(enc)) == raw
                    cases.append({"seed": seed, "count": count, "size": size, "cname": cname, "shuffle": shuffle,
                                  "clevel": level, "blocksize": blocksize, "offset": len(blob), "length": len(enc)})
                    blob += enc
    with open(os.path.join(GOLDEN, "blosc-buffers.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(GOLDEN, "blosc-buffers.json"), "w") as f:
        json.dump(cases, f, indent=0)
    print(f"wrote {len(cases)} blosc buffers ({len(blob)} bytes)")


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
        root.attrs["multiscales"] = [dict(multiscale(name), version="0.4")]
    write_blosc_buffers()
    write_v3()
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(GOLDEN) for f in fs)
    print(f"wrote {len(CASES)} arrays and {len(GROUPS)} OME-Zarr groups into {GOLDEN} ({size} bytes)")


def crc32c(data):
    """CRC-32C (Castagnoli), as Zarr v3's crc32c codec appends it (little-endian)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def v3_encode(chunk, codecs):
    """A chunk (numpy, C order) through a v3 codec list: bytes, then the bytes-to-bytes codecs in order."""
    data = b""
    for c in codecs:
        name, conf = c["name"], c.get("configuration", {})
        if name == "bytes":
            data = chunk.astype(chunk.dtype.newbyteorder("<" if conf.get("endian", "little") == "little" else ">")).tobytes()
        elif name == "gzip":
            data = gzip.compress(data, compresslevel=conf["level"], mtime=0)  # as numcodecs' GZip, without a time
        elif name == "zstd":
            data = bytes(numcodecs.Zstd(level=conf["level"]).encode(data))
        elif name == "blosc":
            shuffle = {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}[conf["shuffle"]]
            data = bytes(blosc.compress(data, typesize=conf["typesize"], clevel=conf["clevel"], shuffle=shuffle,
                                        cname=conf["cname"]))
        elif name == "crc32c":
            data = data + struct.pack("<I", crc32c(data))
        else:
            raise ValueError(name)
    return data


def v3_key(index, encoding):
    sep = encoding["configuration"]["separator"]
    key = sep.join(str(i) for i in index)
    return ("c" + sep + key) if encoding["name"] == "default" else key


def v3_array(folder, data, chunks, dtype, codecs, encoding, fill=0, shard=None, dims=None, skip=()):
    """Writes a v3 array: plain chunks, or shards of inner chunks (shard = (inner chunk shape, inner codecs, index
    codecs, index location)). Chunks (or inner chunks) whose grid index is in skip are left out (the fill value)."""
    os.makedirs(folder)
    grid_shape = chunks
    meta = {"zarr_format": 3, "node_type": "array", "shape": list(data.shape), "data_type": dtype,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
            "chunk_key_encoding": encoding, "fill_value": fill, "attributes": {}}
    if shard is None:
        meta["codecs"] = codecs
    else:
        inner, inner_codecs, index_codecs, location = shard
        meta["codecs"] = [{"name": "sharding_indexed", "configuration": {
            "chunk_shape": list(inner), "codecs": inner_codecs, "index_codecs": index_codecs,
            "index_location": location}}]
    if dims:
        meta["dimension_names"] = dims
    with open(os.path.join(folder, "zarr.json"), "w") as f:
        json.dump(meta, f, indent=2)
    nd = data.ndim
    grid = [range((data.shape[d] + grid_shape[d] - 1) // grid_shape[d]) for d in range(nd)]

    def padded(block_index, shape):
        block = np.full(shape, fill, dtype=data.dtype)
        sl = tuple(slice(block_index[d] * shape[d], min((block_index[d] + 1) * shape[d], data.shape[d]))
                   for d in range(nd))
        part = data[sl]
        block[tuple(slice(0, n) for n in part.shape)] = part
        return block

    for index in np.ndindex(*[len(g) for g in grid]):
        path = os.path.join(folder, *v3_key(index, encoding).split("/"))
        if shard is None:
            if index in skip:
                continue
            payload = v3_encode(padded(index, chunks), codecs)
        else:
            inner, inner_codecs, index_codecs, location = shard
            per = [chunks[d] // inner[d] for d in range(nd)]
            n = int(np.prod(per))
            entries, blobs, at = [], [], 16 * n + 4 if location == "start" else 0
            for k, local in enumerate(np.ndindex(*per)):
                g = tuple(index[d] * per[d] + local[d] for d in range(nd))
                outside = any(g[d] * inner[d] >= data.shape[d] for d in range(nd))
                if outside or g in skip:
                    entries.append((2**64 - 1, 2**64 - 1))
                    continue
                blob = v3_encode(padded(g, inner), inner_codecs)
                entries.append((at, len(blob)))
                blobs.append(blob)
                at += len(blob)
            if all(e[0] == 2**64 - 1 for e in entries):
                continue  # an empty shard is not written
            table = b"".join(struct.pack("<QQ", o, l) for o, l in entries)
            table += struct.pack("<I", crc32c(table))
            payload = table + b"".join(blobs) if location == "start" else b"".join(blobs) + table
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(payload)


V3_BYTES_LE = {"name": "bytes", "configuration": {"endian": "little"}}
V3_DEFAULT_KEYS = {"name": "default", "configuration": {"separator": "/"}}


def write_v3():
    # zarr-python 3's defaults: bytes and zstd, keys c/0/1
    v3_array(os.path.join(GOLDEN, "u16-v3-zstd.zarr"), grid((45, 70)).astype("<u2"), (16, 32), "uint16",
             [V3_BYTES_LE, {"name": "zstd", "configuration": {"level": 0, "checksum": False}}], V3_DEFAULT_KEYS,
             dims=["y", "x"])
    # big-endian float32, gzip and crc32c, v2 keys (0.1), a chunk left out (fill value -7.5)
    data = grid((30, 41)).astype(">f4")
    data[10:20, 16:32] = -7.5
    v3_array(os.path.join(GOLDEN, "f32be-v3-gzip-crc.zarr"), data, (10, 16), "float32",
             [{"name": "bytes", "configuration": {"endian": "big"}}, {"name": "gzip", "configuration": {"level": 5}},
              {"name": "crc32c"}], {"name": "v2", "configuration": {"separator": "."}}, fill=-7.5, skip={(1, 1)})
    # int16 shards of 2x3 inner chunks, gzip inside, an inner chunk left out (fill 0); the index at the end, and the
    # same with the index at the start (which zarrita does not read yet)
    data = grid((50, 61)).astype("<i2")
    data[16:32, 0:12] = 0
    for location in ("end", "start"):
        v3_array(os.path.join(GOLDEN, f"i16-v3-sharded-{location}.zarr"), data, (32, 36), "int16", None,
                 V3_DEFAULT_KEYS, shard=((16, 12), [V3_BYTES_LE, {"name": "gzip", "configuration": {"level": 1}}],
                                         [V3_BYTES_LE, {"name": "crc32c"}], location), skip={(1, 0)})
    # an NGFF 0.5 image: 5-D uint16, shards of 1x1x1x64x64 in inner chunks of 32x32, blosc (zstd, bit shuffle) and
    # crc32c inside, index at the end; a whole shard left out
    name = "tczyx-u16-v3-sharded.ome.zarr"
    folder = os.path.join(GOLDEN, name)
    shape = (1, 2, 2, 100, 90)
    data = grid(shape).astype("<u2")
    data[0, 1, 1, 64:, 64:] = 0
    v3_array(os.path.join(folder, "0"), data, (1, 1, 1, 64, 64), "uint16", None, V3_DEFAULT_KEYS,
             shard=((1, 1, 1, 32, 32), [V3_BYTES_LE, {"name": "blosc", "configuration": {
                 "cname": "zstd", "clevel": 5, "shuffle": "bitshuffle", "typesize": 2, "blocksize": 0}},
                 {"name": "crc32c"}], [V3_BYTES_LE, {"name": "crc32c"}], "end"),
             skip={(0, 1, 1, y, x) for y in (2, 3) for x in (2, 3)}, dims=["t", "c", "z", "y", "x"])
    with open(os.path.join(folder, "zarr.json"), "w") as f:
        # NGFF 0.5: the version moves up to "ome", beside "multiscales"
        json.dump({"zarr_format": 3, "node_type": "group", "attributes": {"ome": {
            "version": "0.5", "multiscales": [multiscale(name)]}}}, f, indent=2)


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
