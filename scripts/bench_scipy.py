#!/usr/bin/python3
"""scipy.ndimage beside the `bench` command's [small] section: the same sizes and kernel sizes, timed the same way.

  /usr/bin/python3 scripts/bench_scipy.py

Needs: apt-get install python3-scipy python3-numpy. For each of 256², 512², 1024² and 3×3, 5×5, 9×9: a random
float32 image and kernel, scipy.ndimage.correlate with mode='nearest' (replicate border, same size: what bench
times for Convolve 2D, OpenCV and ImageJ; correlate rather than convolve costs the same), 100 untimed calls (a
batch's warm-up), then the median of 21 timed calls, in ms. scipy.ndimage runs on one thread.
"""
import time

import numpy as np
import scipy
from scipy import ndimage

print(f"scipy {scipy.__version__}, numpy {np.__version__}; scipy.ndimage.correlate, mode='nearest', float32; "
      "median of 21 calls after 100")
rng = np.random.default_rng(7)
for n in (256, 512, 1024):
    image = rng.random((n, n), dtype=np.float32)
    for k in (3, 5, 9):
        kernel = rng.standard_normal((k, k)).astype(np.float32)
        for _ in range(100):
            ndimage.correlate(image, kernel, mode="nearest")
        ms = []
        for _ in range(21):
            t = time.perf_counter()
            ndimage.correlate(image, kernel, mode="nearest")
            ms.append((time.perf_counter() - t) * 1000)
        print(f"{n}², {k}×{k}  scipy.ndimage {sorted(ms)[10]:.3f} ms", flush=True)
