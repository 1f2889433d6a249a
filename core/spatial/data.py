"""Distorted digits: scikit-learn's 8×8 digits (core.convolution.digits) drawn about ``DIGIT`` pixels tall on a
``CANVAS``×``CANVAS`` canvas, each turned, scaled and shifted by its own random amounts within the ranges, by
one affine resampling from the 8×8 original (``F.affine_grid`` + ``F.grid_sample``, blank around it).

Each seed has its own split (``N_TRAIN`` training digits, the other ``N_TEST`` for testing) and its own
distortions, drawn once: every model of a run sees the same distorted sets.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core import rng
from core.convolution import digits
from core.spatial.warp import rotation

CANVAS = 16  # side of the canvas the networks read
DIGIT = 10  # side of the 8×8 digit once drawn on it (about 60 % of the canvas), before any distortion
N_TRAIN = 1000  # training digits of each seed; the other 797 of the 1,797 are its test digits
N_TEST = 1797 - N_TRAIN


@dataclass(frozen=True)
class Ranges:
    rotation: float  # digits turned by up to ± this many degrees
    scale_min: float  # and scaled between scale_min and scale_max
    scale_max: float
    shift: float  # and moved by up to ± this fraction of the canvas, across and down


@dataclass
class Draws:
    """The distortion of each digit: turned by ``angle`` (degrees, counterclockwise), scaled by ``scale``,
    moved by (tx, ty) (fractions of the canvas; y down). Shapes (..., N)."""
    angle: torch.Tensor
    scale: torch.Tensor
    tx: torch.Tensor
    ty: torch.Tensor


def draw(shape: tuple[int, ...], r: Ranges, g: torch.Generator) -> Draws:
    """Uniform draws within the ranges, one per digit (``shape``)."""
    u = lambda: torch.rand(shape, generator=g)  # noqa: E731
    return Draws((u() * 2 - 1) * r.rotation, r.scale_min + u() * (r.scale_max - r.scale_min),
                 (u() * 2 - 1) * r.shift, (u() * 2 - 1) * r.shift)


def distort(img8: torch.Tensor, d: Draws) -> torch.Tensor:
    """8×8 digits (N, 8, 8) drawn on the canvas with distortions ``d`` (N,) -> (N, 1, S, S).

    The digit is turned and scaled by D = scale·R(angle) and moved by t, so the canvas pixel p reads the
    original at D⁻¹(p - t), enlarged CANVAS/DIGIT times (the 8×8 image spans DIGIT canvas pixels)."""
    inv = rotation(-d.angle) / d.scale[..., None, None]  # (N, 2, 2) = D⁻¹
    t = torch.stack([d.tx, d.ty], -1)[..., None] * 2  # (N, 2, 1) in normalised units (2 = the canvas)
    theta = torch.cat([inv, -inv @ t], -1) * (CANVAS / DIGIT)  # (N, 2, 3)
    grid = F.affine_grid(theta, [img8.shape[0], 1, CANVAS, CANVAS], align_corners=False)  # (N, S, S, 2)
    return F.grid_sample(img8[:, None], grid, padding_mode="zeros", align_corners=False)


def canvas_digits(idx: list[int] | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Digits ``idx`` of the 1,797 upright and centred on the canvas (N, 1, S, S), and their labels (N,)."""
    x, y = digits()
    idx = torch.as_tensor(idx, dtype=torch.long)
    n = len(idx)
    same = Draws(torch.zeros(n), torch.ones(n), torch.zeros(n), torch.zeros(n))
    return distort(x[idx], same), y[idx]


@dataclass
class DigitSets:
    """The distorted training and test digits of M seeds (one row each)."""
    x_train: torch.Tensor  # (M, N, 1, S, S)
    y_train: torch.Tensor  # (M, N)
    x_test: torch.Tensor  # (M, T, 1, S, S)
    y_test: torch.Tensor  # (M, T)
    train_idx: torch.Tensor  # (M, N) which of the 1,797 digits each training image is
    test_idx: torch.Tensor  # (M, T)
    test: Draws  # the test digits' distortions (M, T): what the learned part compares the transformer with
    ranges: Ranges


def digit_sets(r: Ranges, seeds: list[int]) -> DigitSets:
    x, y = digits()
    parts = []
    for s in seeds:
        perm = torch.randperm(len(x), generator=rng.generator(s, "spatial.split"))
        tr, te = perm[:N_TRAIN], perm[N_TRAIN:]
        g = rng.generator(s, "spatial.distort")
        dtr, dte = draw((N_TRAIN,), r, g), draw((N_TEST,), r, g)
        parts.append((distort(x[tr], dtr), y[tr], distort(x[te], dte), y[te], tr, te, dte))
    col = lambda i: torch.stack([p[i] for p in parts])  # noqa: E731
    tests = [p[6] for p in parts]
    test = Draws(*(torch.stack([getattr(d, k) for d in tests]) for k in ("angle", "scale", "tx", "ty")))
    return DigitSets(col(0), col(1), col(2), col(3), col(4), col(5), test, r)


def turned_only(sets: DigitSets, m: int = 0) -> torch.Tensor:
    """Seed m's test digits turned by their own angles and nothing else (T, 1, S, S): the rotation alone."""
    x, _ = digits()
    a = sets.test.angle[m]
    n = a.shape[0]
    return distort(x[sets.test_idx[m]], Draws(a, torch.ones(n), torch.zeros(n), torch.zeros(n)))

