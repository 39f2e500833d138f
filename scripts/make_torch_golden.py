#!/usr/bin/env python3
"""Writes src/test/resources/io/github/convolve2d/core/torch-golden.json: convolution layers computed by PyTorch.

A peer no one here wrote for ConvolutionLayer (SEMANTICS.md, "Convolution layers"): random cases of
torch.nn.functional.conv2d with C input channels, O outputs, groups (depthwise included), kernel sizes, stride,
dilation, padding, bias and ReLU. Inputs are small integers and weights and biases multiples of 1/8, so every
result is exact in float64 (and short in JSON). Regenerate with Debian's python3-torch:

    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 scripts/make_torch_golden.py

Padding: the input is padded with torch.nn.functional.pad (mode constant/reflect/replicate/circular, i.e.
Convolve 2D's constant/mirror/replicate/wrap borders), then conv2d runs with padding=0. Three kinds of padding:
  valid  none                                    -> mode=valid
  same   (e-1)//2 before, the rest after (torch's padding='same', any stride here)
                                                 -> mode=same with flip and the kernels rotated by 180°
  pad    p on both sides, p = e-1-k*stride       -> mode=full and the output region starting at output k
  uneven top, left, bottom, right from 0 to e-1, any stride (60 cases after the 300 above, from their own
         random numbers, so that those stay as they were)
                                                 -> mode=full with stride 1, the region starting at (e-1-top,
                                                    e-1-left), every stride-th row and column of it
where e is the kernel's dilated extent along that axis.
"""
import json

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20261202)
PAD_MODES = {"constant": "constant", "mirror": "reflect", "replicate": "replicate", "wrap": "circular"}


def ints(*shape, lo=-9, hi=9):
    return rng.integers(lo, hi + 1, size=shape).astype(np.float64)


def eighths(*shape):
    v = rng.integers(-16, 17, size=shape).astype(np.float64) / 8
    v[rng.random(shape) < 0.1] = 0
    return v


def plain(a):
    """Nested lists, whole numbers written without a fraction."""
    if isinstance(a, np.ndarray):
        return [plain(x) for x in a]
    return int(a) if float(a).is_integer() else float(a)


cases = []
while len(cases) < 300:
    n = len(cases)
    groups = int(rng.choice([1, 1, 1, 2, 3]))
    cg = int(rng.integers(1, 4))
    if n % 7 == 0:
        groups, cg = int(rng.integers(2, 5)), 1  # depthwise: groups = C
    o = groups * int(rng.integers(1, 4))
    c = groups * cg
    kh, kw = (int(v) for v in rng.integers(1, 6, size=2))
    if n % 5 == 0:
        kh = kw = int(rng.choice([1, 3, 5]))
    h, w = (int(v) for v in rng.integers(3, 10, size=2))
    sy, sx = (int(v) for v in rng.choice([1, 1, 1, 2, 3], size=2))
    dy, dx = (int(v) for v in rng.choice([1, 1, 1, 2, 3], size=2))
    ey, ex = dy * (kh - 1) + 1, dx * (kw - 1) + 1
    kind = str(rng.choice(["valid", "same", "pad"]))
    border = str(rng.choice(list(PAD_MODES))) if kind != "valid" else "constant"
    if kind == "valid":
        if ey > h or ex > w:
            continue
        before, after = (0, 0), (0, 0)
    elif kind == "same":
        before = ((ey - 1) // 2, (ex - 1) // 2)
        after = (ey - 1 - before[0], ex - 1 - before[1])
    else:
        k = (int(rng.integers(0, (ey - 1) // sy + 1)), int(rng.integers(0, (ex - 1) // sx + 1)))
        before = after = (ey - 1 - k[0] * sy, ex - 1 - k[1] * sx)
    if border in ("mirror", "wrap") and max(before[0], after[0]) >= h or max(before[1], after[1]) >= w \
            and border in ("mirror", "wrap"):
        border = "constant"  # torch reflects or wraps only once
    x = ints(1, c, h, w)
    weight = eighths(o, cg, kh, kw)
    bias = eighths(o) if rng.random() < 0.7 else None
    relu = bool(rng.random() < 0.3)
    t = F.pad(torch.from_numpy(x), (before[1], after[1], before[0], after[0]), mode=PAD_MODES[border])
    if t.shape[2] < ey or t.shape[3] < ex:
        continue
    y = F.conv2d(t, torch.from_numpy(weight), None if bias is None else torch.from_numpy(bias),
                 stride=(sy, sx), dilation=(dy, dx), groups=groups)
    if relu:
        y = F.relu(y)
    case = {"input": plain(x[0]), "weights": plain(weight), "groups": groups, "stride": [sy, sx],
            "dilation": [dy, dx], "padding": kind, "border": border, "relu": relu, "output": plain(y.numpy()[0])}
    if bias is not None:
        case["bias"] = plain(bias)
    if kind == "pad":
        case["pad"] = [before[0], before[1]]
    cases.append(case)

rng = np.random.default_rng(20261203)
while len(cases) < 360:
    groups = int(rng.choice([1, 1, 2, 3]))
    cg = int(rng.integers(1, 3))
    if rng.random() < 0.2:
        groups, cg = int(rng.integers(2, 4)), 1
    o = groups * int(rng.integers(1, 3))
    c = groups * cg
    kh, kw = (int(v) for v in rng.integers(1, 6, size=2))
    h, w = (int(v) for v in rng.integers(2, 10, size=2))
    sy, sx = (int(v) for v in rng.choice([1, 2, 3], size=2))
    dy, dx = (int(v) for v in rng.choice([1, 1, 2], size=2))
    ey, ex = dy * (kh - 1) + 1, dx * (kw - 1) + 1
    before = (int(rng.integers(0, ey)), int(rng.integers(0, ex)))
    after = (int(rng.integers(0, ey)), int(rng.integers(0, ex)))
    border = str(rng.choice(list(PAD_MODES)))
    if border == "mirror" and max(before[0], after[0]) >= h or border == "mirror" and max(before[1], after[1]) >= w \
            or border == "wrap" and (max(before[0], after[0]) > h or max(before[1], after[1]) > w):
        border = "constant"  # torch reflects or wraps only once
    if h + before[0] + after[0] < ey or w + before[1] + after[1] < ex:
        continue
    x = ints(1, c, h, w)
    weight = eighths(o, cg, kh, kw)
    bias = eighths(o) if rng.random() < 0.7 else None
    relu = bool(rng.random() < 0.3)
    t = F.pad(torch.from_numpy(x), (before[1], after[1], before[0], after[0]), mode=PAD_MODES[border])
    y = F.conv2d(t, torch.from_numpy(weight), None if bias is None else torch.from_numpy(bias),
                 stride=(sy, sx), dilation=(dy, dx), groups=groups)
    if relu:
        y = F.relu(y)
    case = {"input": plain(x[0]), "weights": plain(weight), "groups": groups, "stride": [sy, sx],
            "dilation": [dy, dx], "padding": "uneven", "border": border, "relu": relu, "output": plain(y.numpy()[0]),
            "pad": [before[0], before[1], after[0], after[1]]}
    if bias is not None:
        case["bias"] = plain(bias)
    cases.append(case)

path = "src/test/resources/io/github/convolve2d/core/torch-golden.json"
with open(path, "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]\n")
print(len(cases), "cases written to", path, "by torch", torch.__version__)
