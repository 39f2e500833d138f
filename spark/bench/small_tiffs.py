#!/usr/bin/env python3
"""Writes N small 8-bit greyscale TIFFs (uncompressed, one strip) into a folder, for the Spark-vs-batch overhead
measurement in README: python3 spark/bench/small_tiffs.py /tmp/small-2000 2000 256"""
import os
import random
import struct
import sys


def tiff(width, height, pixels):
    entries = [  # tag, type (3 short, 4 long), count, value
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
        (273, 4, 1, 0), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, width * height)]
    ifd_size = 2 + 12 * len(entries) + 4
    data_offset = 8 + ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_offset
        packed = struct.pack("<H", value) + b"\x00\x00" if typ == 3 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, typ, count) + packed
    out += struct.pack("<I", 0)
    return bytes(out) + pixels


def main():
    folder, n, side = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 256
    os.makedirs(folder, exist_ok=True)
    rnd = random.Random(42)
    for i in range(n):
        pixels = rnd.randbytes(side * side)  # noise: the convolution's cost does not depend on the values
        with open(os.path.join(folder, "img%05d.tif" % i), "wb") as f:
            f.write(tiff(side, side, pixels))


if __name__ == "__main__":
    main()
