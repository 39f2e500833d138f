#!/usr/bin/env python3
"""Writes the .npy files NpyReaderTest reads back (src/test/resources/io/github/convolve2d/kernel/).

Weights of shape (2, 3, 2, 2) holding arange(24) / 4 - 3, saved by numpy in float32 and float64, little and big
endian, with headers of version 1, 2 and 3; a bias; and files the reader must refuse with a clear message (Fortran
order, int32). Regenerate with: /usr/bin/python3 scripts/make_npy_fixtures.py
"""
import numpy as np
from numpy.lib import format as npy

DIR = "src/test/resources/io/github/convolve2d/kernel/"
w = (np.arange(24, dtype=np.float64) / 4 - 3).reshape(2, 3, 2, 2)
for dtype in ("<f4", ">f4", "<f8", ">f8"):
    np.save(DIR + "weights-" + dtype.replace("<", "le-").replace(">", "be-") + ".npy", w.astype(dtype))
for version in ((2, 0), (3, 0)):
    with open(DIR + "weights-v%d.npy" % version[0], "wb") as f:
        npy.write_array(f, w.astype("<f4"), version=version)
np.save(DIR + "bias.npy", np.array([0.5, -1.5], dtype="<f4"))
np.save(DIR + "fortran.npy", np.asfortranarray(w))
np.save(DIR + "int32.npy", np.arange(6, dtype="<i4").reshape(2, 3))
print("written to", DIR)
