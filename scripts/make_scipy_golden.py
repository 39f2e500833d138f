#!/usr/bin/env python3
"""Writes src/test/resources/io/github/convolve2d/core/scipy-golden.json: small cases computed by SciPy.

An independent oracle for SEMANTICS.md (the reference loop in the tests is written from the same page as the
core, so a shared misreading would go unnoticed without it). Inputs and kernels are small integers, so every
result is exact in float32. Regenerate with: python3 scripts/make_scipy_golden.py (needs numpy and scipy).

same mode:       scipy.ndimage.correlate / convolve (flip) with mode constant|nearest|reflect|mirror|wrap
valid/full mode: scipy.signal.correlate2d with boundary fill|symm|wrap (the modes it offers)
dilation:        the kernel spread with zeros, as SEMANTICS.md defines it; stride: every s-th output.
"""
import json
import numpy as np
from scipy import ndimage, signal

rng = np.random.default_rng(20261124)
NDIMAGE = {"constant": "constant", "replicate": "nearest", "reflect": "reflect", "mirror": "mirror", "wrap": "wrap"}
SIGNAL = {"constant": "fill", "reflect": "symm", "wrap": "wrap"}


def spread(k, dy, dx):
    out = np.zeros((dy * (k.shape[0] - 1) + 1, dx * (k.shape[1] - 1) + 1))
    out[::dy, ::dx] = k
    return out


cases = []
for n in range(160):
    h, w = rng.integers(1, 12, size=2)
    kh, kw = rng.integers(1, 6, size=2)
    dy, dx = rng.integers(1, 3, size=2)
    sy, sx = rng.integers(1, 3, size=2)
    img = rng.integers(-9, 10, size=(h, w)).astype(float)
    k = rng.integers(-4, 5, size=(kh, kw)).astype(float)
    sk = spread(k, dy, dx)
    case = {"input": img.tolist(), "kernel": k.tolist(), "dilation": [int(dy), int(dx)], "stride": [int(sy), int(sx)]}
    if n % 2 == 0:
        border = list(NDIMAGE)[n // 2 % 5]
        flip = bool(n // 10 % 2)
        cval = float(rng.integers(-3, 4)) if border == "constant" else 0.0
        f = ndimage.convolve if flip else ndimage.correlate
        out = f(img, sk, mode=NDIMAGE[border], cval=cval)
        case.update(mode="same", border=border, cval=cval, flip=flip)
    else:
        mode = "full" if n % 4 == 1 else "valid"
        if mode == "valid" and (sk.shape[0] > h or sk.shape[1] > w):
            img = rng.integers(-9, 10, size=(sk.shape[0] + 2, sk.shape[1] + 3)).astype(float)
            case["input"] = img.tolist()
        border = list(SIGNAL)[n // 4 % 3]
        cval = float(rng.integers(-3, 4)) if border == "constant" else 0.0
        if border == "wrap" and mode == "full" and (sk.shape[0] > img.shape[0] or sk.shape[1] > img.shape[1]):
            border = "reflect"  # signal.correlate2d's wrap only supports kernels no larger than the image
        if border == "reflect" and mode == "full" and (sk.shape[0] > 2 * img.shape[0] or sk.shape[1] > 2 * img.shape[1]):
            border = "constant"
        out = signal.correlate2d(img, sk, mode=mode, boundary=SIGNAL[border], fillvalue=cval)
        case.update(mode=mode, border=border, cval=cval, flip=False)
    case["expected"] = out[::sy, ::sx].tolist()
    cases.append(case)

with open("src/test/resources/io/github/convolve2d/core/scipy-golden.json", "w") as fh:
    json.dump(cases, fh, separators=(",", ":"))
    fh.write("\n")
print(len(cases), "cases")
