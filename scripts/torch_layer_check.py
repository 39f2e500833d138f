#!/usr/bin/python3
"""Random CNN-layer cases: the CLI's batch --weights against torch.nn.functional.conv2d in float64.

  mvn -B -q package -DskipTests
  /usr/bin/python3 scripts/torch_layer_check.py SEED CASES     # needs python3-torch, python3-tifffile, python3-zarr

Each case writes an image (ImageJ hyperstack or RGB TIFF) and weights (.npy), runs `batch --weights`, and compares
the output with conv2d on the image padded as SEMANTICS.md defines the border, against its bound 1e-5*F + 1e-6*M.
Not part of `mvn test` (it needs PyTorch); README's layer section quotes its results.
"""
import json, os, shutil, subprocess, sys
import numpy as np, tifffile, torch
import torch.nn.functional as F

JAR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "convolve2d-cli.jar")
seed = int(sys.argv[1]); n_cases = int(sys.argv[2])
rng = np.random.default_rng(seed)
root = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"torch_layer_check{seed}")
shutil.rmtree(root, ignore_errors=True); os.makedirs(root)
TORCH = {"constant": "constant", "replicate": "replicate", "mirror": "reflect", "wrap": "circular"}
NUMPY = {"constant": "constant", "replicate": "edge", "reflect": "symmetric", "mirror": "reflect", "wrap": "wrap"}
ALIAS = {"constant": ["constant", "fill"], "replicate": ["replicate", "nearest", "edge", "clamp"],
         "reflect": ["reflect", "symmetric"], "mirror": ["mirror", "reflect101"], "wrap": ["wrap", "periodic", "circular"]}


def pad(x, before, after, border, cval):
    """x: (N,C,H,W) float64 tensor"""
    pt = (before[1], after[1], before[0], after[0])
    h, w = x.shape[2], x.shape[3]
    if border == "constant":
        return F.pad(x, pt, mode="constant", value=cval), "torch"
    if border in TORCH and (border == "replicate" or (border == "mirror" and max(pt[:2]) < w and max(pt[2:]) < h)
                            or (border == "wrap" and max(pt[:2]) <= w and max(pt[2:]) <= h)):
        return F.pad(x, pt, mode=TORCH[border]), "torch"
    a = np.pad(x.numpy(), ((0, 0), (0, 0), (before[0], after[0]), (before[1], after[1])), mode=NUMPY[border])
    return torch.from_numpy(a), "numpy"


def save_npy(path, a, dtype, order):
    a = a.astype(np.dtype(dtype).newbyteorder(order))
    np.save(path, a)


worst = (0, None)
results = {"ok": 0, "fail": 0, "refused_ok": 0}
for n in range(n_cases):
    d = f"{root}/c{n}"; os.makedirs(d + "/in")
    kind = rng.choice(["plain", "plain", "depthwise", "grouped", "rgb"])
    if kind == "rgb":
        C = 3; groups = int(rng.choice([1, 3]))
    elif kind == "depthwise":
        C = int(rng.integers(1, 6)); groups = C
    elif kind == "grouped":
        groups = int(rng.integers(2, 4)); C = groups * int(rng.integers(1, 3))
    else:
        C = int(rng.integers(1, 5)); groups = 1
        if rng.random() < 0.2: C = int(rng.integers(8, 17))
    cg = C // groups
    O = groups * int(rng.integers(1, 4))
    kh, kw = (int(v) for v in rng.integers(1, 7, size=2))
    if rng.random() < 0.15: kh = kw = 1
    big = rng.random() < 0.12
    if big: kh, kw = (int(v) for v in rng.integers(9, 26, size=2))
    H, W = int(rng.integers(1, 24)), int(rng.integers(2, 24))  # tifffile squeezes a trailing width of 1
    if rng.random() < 0.3 or big: H, W = (int(v) for v in rng.integers(24, 300, size=2))
    Z = int(rng.choice([1, 1, 1, 2]))
    sy, sx = (int(v) for v in rng.choice([1, 1, 2, 3], size=2))
    dy, dx = (int(v) for v in rng.choice([1, 1, 2, 3], size=2))
    ey, ex = dy * (kh - 1) + 1, dx * (kw - 1) + 1
    mode = str(rng.choice(["valid", "same", "full"]))
    border = str(rng.choice(list(NUMPY)))
    bname = str(rng.choice(ALIAS[border]))
    cval = float(rng.choice([0, 0, 1.5, -3]))
    flip = bool(rng.random() < 0.2)
    normalize = bool(rng.random() < 0.1)
    relu = bool(rng.random() < 0.3)
    method = str(rng.choice(["auto", "auto", "direct", "fft"]))
    wdtype = str(rng.choice(["f4", "f8"])); worder = str(rng.choice(["<", ">"]))
    weights = rng.standard_normal((O, cg, kh, kw))
    if rng.random() < 0.2: weights[rng.random(weights.shape) < 0.3] = 0
    if wdtype == "f4": weights = weights.astype(np.float32).astype(np.float64)
    rank = 4
    if cg == 1 and rng.random() < 0.3: rank = 3
    if cg == 1 and O == 1 and rng.random() < 0.5: rank = 2
    wfile = d + "/w.npy"
    wstore = weights.reshape(weights.shape[:1] + weights.shape[2:]) if rank == 3 else (
        weights.reshape(kh, kw) if rank == 2 else weights)
    if rng.random() < 0.2:  # a non-contiguous view, as tensor slicing gives
        big = np.zeros(tuple(2 * s for s in wstore.shape)); big[tuple(slice(None, None, 2) for _ in wstore.shape)] = wstore
        wstore = big[tuple(slice(None, None, 2) for _ in wstore.shape)]
    save_npy(wfile, wstore, wdtype, worder)
    bias = None
    args = ["java", "-jar", JAR, "batch", "-i", d + "/in", "-o", d + "/out", "--weights", wfile,
            "--mode", mode, "--border", bname, "--stride", f"{sy},{sx}", "--dilation", f"{dy},{dx}", "--method", method]
    if rng.random() < 0.6:
        bias = rng.standard_normal(O)
        if rng.random() < 0.5:
            save_npy(d + "/b.npy", bias, wdtype, worder); bias = bias.astype(np.dtype(wdtype)).astype(np.float64)
            args += ["--bias", d + "/b.npy"]
        else:
            with open(d + "/b.json", "w") as f: json.dump(bias.tolist(), f)
            args += ["--bias", d + "/b.json"]
    if groups != 1 or rng.random() < 0.2: args += ["--groups", str(groups)]
    zarr_out = rng.random() < 0.35
    if zarr_out: args += ["--format", "zarr", "--block", str(int(rng.choice([1, 3, 7, 16, 64, 1024] if H * W < 400 else [16, 37, 64, 1024])))]
    if relu: args.append("--relu")
    if flip: args.append("--flip")
    if normalize: args.append("--normalize")
    if border == "constant": args += ["--cval", repr(cval)]
    # the image
    nan = False
    if kind == "rgb":
        img = rng.integers(0, 256, size=(Z, H, W, 3)).astype(np.uint8)
        if Z == 1:
            tifffile.imwrite(d + "/in/a.tif", img[0], photometric="rgb")
        else:
            tifffile.imwrite(d + "/in/a.tif", img, photometric="rgb")
        x = img.transpose(0, 3, 1, 2).astype(np.float64)
    else:
        dt = str(rng.choice(["float32", "float32", "uint16", "uint8"]))
        if dt == "float32":
            x = (rng.standard_normal((Z, C, H, W)) * 10).astype(np.float32)
            if rng.random() < 0.2:
                nan = True
                for _ in range(int(rng.integers(1, 4))):
                    x[rng.integers(Z), rng.integers(C), rng.integers(H), rng.integers(W)] = rng.choice([np.nan, np.inf, -np.inf])
        else:
            x = rng.integers(0, 200, size=(Z, C, H, W)).astype(dt)
        tifffile.imwrite(d + "/in/a.tif", x, imagej=True, metadata={"axes": "ZCYX"})
        x = x.astype(np.float64)
    # the reference
    wt = weights.copy()
    if normalize:
        for o in range(O):
            s = wt[o].sum()
            if abs(s) > 1e-12 * np.abs(wt[o]).sum(): wt[o] /= s
    if flip: wt = wt[:, :, ::-1, ::-1].copy()
    if mode == "valid": before = after = (0, 0)
    elif mode == "full": before = after = (ey - 1, ex - 1)
    else:
        before = ((ey - 1) // 2, (ex - 1) // 2) if flip else (ey // 2, ex // 2)
        after = (ey - 1 - before[0], ex - 1 - before[1])
    desc = dict(n=n, kind=kind, C=C, O=O, groups=groups, k=(kh, kw), HW=(H, W), Z=Z, stride=(sy, sx), dil=(dy, dx),
                mode=mode, border=bname, cval=cval, flip=flip, norm=normalize, relu=relu, method=method,
                w=f"{worder}{wdtype} rank{rank}", bias=bias is not None, nan=nan, zarr=zarr_out)
    p = subprocess.run(args, capture_output=True, text=True)
    if mode == "valid" and (ey > H or ex > W):
        if p.returncode != 0 and ("larger" in p.stderr or "kernel" in p.stderr):
            results["refused_ok"] += 1
        else:
            results["fail"] += 1; print("VALID-TOO-LARGE not refused?", desc, p.returncode, p.stderr[-500:])
        continue
    if p.returncode != 0:
        results["fail"] += 1; print("FAILED", desc, p.stderr[-800:]); continue
    if zarr_out:
        import zarr
        got = zarr.open(d + "/out/a.ome.zarr", "r")["0"][:]  # t, o, z, y, x
        got = got[0].transpose(1, 0, 2, 3).astype(np.float64)
    else:
        got = tifffile.imread(d + "/out/a.tif").astype(np.float64)
    xt = torch.from_numpy(x)
    xp, how = pad(xt, before, after, border, cval)
    ref = F.conv2d(xp, torch.from_numpy(wt), None if bias is None else torch.from_numpy(bias),
                   stride=(sy, sx), dilation=(dy, dx), groups=groups)
    if relu: ref = F.relu(ref)
    Fb = F.conv2d(xp.abs(), torch.from_numpy(np.abs(wt)), None if bias is None else torch.from_numpy(np.abs(bias)),
                  stride=(sy, sx), dilation=(dy, dx), groups=groups).numpy()
    ref = ref.numpy()
    got = got.reshape(ref.shape) if got.size == ref.size else got
    if got.shape != ref.shape:
        results["fail"] += 1; print("SHAPE", desc, got.shape, ref.shape); continue
    # M: largest |in| of the group's channels (finite) times sum|W[o]|
    xf = np.where(np.isfinite(x), np.abs(x), 0)
    M = np.zeros(O)
    for o in range(O):
        g = o // (O // groups)
        M[o] = xf[:, g * cg:(g + 1) * cg].max() * np.abs(wt[o]).sum()
    bound = 1e-5 * Fb + 1e-6 * M[None, :, None, None] + 1e-30
    fin = np.isfinite(ref) & np.isfinite(got)
    nanmis = (np.isnan(ref) != np.isnan(got)) | (np.isinf(ref) != np.isinf(got)) | (
        np.isinf(ref) & np.isinf(got) & (np.sign(ref) != np.sign(got)))
    if nanmis.any():
        # torch: NaN*0 = NaN; here zero taps are skipped: a NaN under a zero weight only
        zero_tap = (weights == 0).any()
        print("NONFINITE-MISMATCH", "(weights with zeros)" if zero_tap else "", desc, int(nanmis.sum()), "pixels")
        if not zero_tap: results["fail"] += 1; continue
    with np.errstate(invalid='ignore'): ratio = np.max(np.where(fin, np.abs(got - ref) / bound, 0)) if fin.any() else 0
    if ratio > worst[0]: worst = (ratio, desc)
    if ratio > 1:
        results["fail"] += 1
        i = np.unravel_index(np.argmax(np.where(fin, np.abs(got - ref) / bound, 0)), ref.shape)
        print("BOUND", desc, "ratio", ratio, "at", i, got[i], ref[i], "pad by", how)
    else:
        results["ok"] += 1
        shutil.rmtree(d)
print(results, "worst ratio", worst)
