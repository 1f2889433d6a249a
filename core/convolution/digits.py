"""Handwritten digits: scikit-learn's 8×8 digits as they are, or placed on a larger canvas at random
positions, or at positions the training set never shows (train on the left, test on the right), the
augmentation the race can switch on (small shifts and rotations), and a digit moved by whole pixels.

Everything here is seeded (core.rng) and works on M training sets at once: model m of a batched run gets
its own split and its own placements.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from core import rng

PLACEMENTS = ("centred", "random", "unseen")  # 8×8 as shipped; anywhere on the canvas; unseen positions
CANVAS = 12  # side of the larger canvas (the 8×8 digit can sit at 5 × 5 offsets)
TRAIN_COLS = (0, 1)  # "unseen": column offsets of the training digits (left of the canvas)
TEST_COLS = (3, 4)  # "unseen": column offsets of the test digits (right of the canvas, never trained on)
N_TEST = 400  # test digits per split


@lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1,797 digits: images (N, 8, 8) scaled to [0, 1] and labels (N,)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32) / 16.0  # (N, 8, 8)
    return x, torch.tensor(d.target, dtype=torch.long)


def side(placement: str) -> int:
    return 8 if placement == "centred" else CANVAS


def place(img: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, size: int = CANVAS) -> torch.Tensor:
    """8×8 digits (N, 8, 8) pasted on a blank size×size canvas at offsets (rows, cols) (N,) -> (N, size, size)."""
    n = img.shape[0]
    out = torch.zeros(n, size, size)  # (N, S, S)
    r = rows[:, None, None] + torch.arange(8)[None, :, None]  # (N, 8, 1)
    c = cols[:, None, None] + torch.arange(8)[None, None, :]  # (N, 1, 8)
    out[torch.arange(n)[:, None, None], r, c] = img
    return out


@dataclass
class Split:
    x_train: torch.Tensor  # (M, N, 1, S, S) training images of each of the M runs
    y_train: torch.Tensor  # (M, N)
    x_test: torch.Tensor  # (M, T, 1, S, S) test images (unseen positions where the placement says so)
    y_test: torch.Tensor  # (M, T)
    test_idx: torch.Tensor  # (M, T) which of the 1,797 digits each test image is
    test_cols: torch.Tensor  # (M, T) column offset of each test digit (0 for "centred")
    placement: str


def _offsets(n: int, cols: tuple[int, ...], g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    rows = torch.randint(0, CANVAS - 7, (n,), generator=g)
    c = torch.tensor(cols)[torch.randint(0, len(cols), (n,), generator=g)]
    return rows, c


def split(placement: str, n_train: int, seeds: list[int]) -> Split:
    """One split per seed: N_TEST test digits and ``n_train`` training digits drawn without overlap."""
    x, y = digits()
    xs, ys, xt, yt, ti, tc = [], [], [], [], [], []
    for s in seeds:
        g = rng.generator(s, "convolution.placement")
        perm = torch.randperm(len(x), generator=g)
        te, tr = perm[:N_TEST], perm[N_TEST:N_TEST + n_train]
        if placement == "centred":
            a, b = x[tr], x[te]
            cols = torch.zeros(len(te), dtype=torch.long)
        else:
            train_cols = TRAIN_COLS if placement == "unseen" else tuple(range(CANVAS - 7))
            test_cols = TEST_COLS if placement == "unseen" else tuple(range(CANVAS - 7))
            a = place(x[tr], *_offsets(len(tr), train_cols, g))
            r, cols = _offsets(len(te), test_cols, g)
            b = place(x[te], r, cols)
        xs.append(a[:, None])
        xt.append(b[:, None])
        ys.append(y[tr])
        yt.append(y[te])
        ti.append(te)
        tc.append(cols)
    st = lambda parts: torch.stack(parts)  # noqa: E731
    return Split(st(xs), st(ys), st(xt), st(yt), st(ti), st(tc), placement)


def augment(x: torch.Tensor, g: torch.Generator, shift: float = 1.0, degrees: float = 10.0) -> torch.Tensor:
    """Random small shifts (up to ``shift`` pixels) and rotations (up to ``degrees``) of images (..., 1, S, S),
    by one affine resampling (F.affine_grid + F.grid_sample); each image gets its own draw."""
    shape = x.shape
    flat = x.reshape(-1, 1, shape[-2], shape[-1])  # (K, 1, S, S)
    k, s = flat.shape[0], shape[-1]
    ang = (torch.rand(k, generator=g) * 2 - 1) * degrees * np.pi / 180  # (K,)
    t = (torch.rand(k, 2, generator=g) * 2 - 1) * shift * 2 / s  # (K, 2) in grid units
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([torch.stack([cos, -sin, t[:, 0]], 1), torch.stack([sin, cos, t[:, 1]], 1)], 1)  # (K, 2, 3)
    grid = F.affine_grid(theta, list(flat.shape), align_corners=False)
    return F.grid_sample(flat, grid, align_corners=False, padding_mode="zeros").reshape(shape)


def shift_image(img: torch.Tensor, dx: int, dy: int = 0) -> torch.Tensor:
    """An image (..., S, S) moved by (dx, dy) whole pixels, zeros filling in (what falls off is lost)."""
    out = torch.roll(img, shifts=(dy, dx), dims=(-2, -1))
    if dx > 0:
        out[..., :, :dx] = 0
    elif dx < 0:
        out[..., :, dx:] = 0
    if dy > 0:
        out[..., :dy, :] = 0
    elif dy < 0:
        out[..., dy:, :] = 0
    return out
