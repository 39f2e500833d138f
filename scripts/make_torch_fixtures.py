#!/usr/bin/env python3
"""Writes the files a PyTorch user may give instead of a .npy (src/test/resources/io/github/convolve2d/kernel/):
what LayerFilesTest checks the reader names and explains how to export.

  torch-state.pt     torch.save(conv.state_dict(), ...), the zip format of PyTorch 1.6 and later
  torch-legacy.pth   torch.save(conv.weight, ..., _use_new_zipfile_serialization=False), a plain pickle
  state.npz          numpy.savez of the state_dict's arrays (weight, bias)

Regenerate with Debian's python3-torch: /usr/bin/python3 scripts/make_torch_fixtures.py
"""
import numpy as np
import torch

DIR = "src/test/resources/io/github/convolve2d/kernel/"
torch.manual_seed(0)
conv = torch.nn.Conv2d(2, 2, 1)
torch.save(conv.state_dict(), DIR + "torch-state.pt")
torch.save(conv.weight.detach(), DIR + "torch-legacy.pth", _use_new_zipfile_serialization=False)
np.savez(DIR + "state.npz", **{k: v.detach().numpy() for k, v in conv.state_dict().items()})
print("written to", DIR, "by torch", torch.__version__)
