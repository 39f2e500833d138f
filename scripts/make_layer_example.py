#!/usr/bin/env python3
"""The README's layer example: a small filter bank made as a PyTorch Conv2d(3, 4, 3) and saved for Convolve 2D.

Writes docs/layer-example/rgb-bank.npy (weights 4×3×3×3, float32), rgb-bank-bias.npy (4 values) and
rgb-bank.names.txt (the outputs' names). The filters are set by hand (no trained network ships here), the way
one exports any trained layer: numpy.save(path, conv.weight.detach().numpy()).

    /usr/bin/python3 scripts/make_layer_example.py      # needs python3-torch

After running the README's batch command on sample-images/ihc.png into out-layer/, the picture of its feature
maps (docs/images/layer-feature-maps.png) is made with: /usr/bin/python3 scripts/make_layer_example.py montage
"""
import numpy as np
import torch

conv = torch.nn.Conv2d(in_channels=3, out_channels=4, kernel_size=3, bias=True)
grey = torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)
sobel_x = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]]) / 8
box = torch.full((3, 3), 1 / 9)
with torch.no_grad():
    conv.weight[0] = grey * sobel_x                 # vertical edges of the brightness
    conv.weight[1] = grey * sobel_x.T               # horizontal edges
    conv.weight[2] = torch.stack([box, box * 0, -box])  # red minus blue, smoothed: brown (DAB) against blue
    conv.weight[3] = torch.stack([-box, box * 0, box])  # blue minus red: haematoxylin against brown
    conv.bias[:] = torch.tensor([0., 0., -20., -5.])   # with ReLU, only clear colour differences remain
np.save("docs/layer-example/rgb-bank.npy", conv.weight.detach().numpy())
np.save("docs/layer-example/rgb-bank-bias.npy", conv.bias.detach().numpy())
with open("docs/layer-example/rgb-bank.names.txt", "w") as f:
    f.write("edges x\nedges y\nbrown\nblue\n")
print("weights", tuple(conv.weight.shape), "written to docs/layer-example/")


def montage(tif="out-layer/ihc.tif", png="docs/images/layer-feature-maps.png", size=180):
    """The README's picture: the input and each feature map (its own display range), side by side, labelled."""
    from PIL import Image, ImageDraw
    im = Image.open(tif)
    tiles = [Image.open("sample-images/ihc.png").convert("RGB").resize((size, size), Image.LANCZOS)]
    names = ["ihc.png (input)"] + open("docs/layer-example/rgb-bank.names.txt").read().splitlines()
    for i in range(im.n_frames):
        im.seek(i)
        a = np.array(im, dtype=np.float32)
        lo, hi = float(a.min()), float(a.max())
        g = ((a - lo) / (hi - lo or 1) * 255).clip(0, 255).astype(np.uint8)
        tiles.append(Image.fromarray(g).resize((size, size), Image.LANCZOS).convert("RGB"))
    out = Image.new("RGB", (len(tiles) * (size + 4) - 4, size + 18), "white")
    draw = ImageDraw.Draw(out)
    for n, t in enumerate(tiles):
        out.paste(t, (n * (size + 4), 18))
        draw.text((n * (size + 4) + 2, 3), names[n], fill="black")
    out.quantize(colors=128).save(png, optimize=True)  # a palette keeps the picture small
    print("montage written to", png)


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "montage":
        montage()
