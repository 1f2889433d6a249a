"""The affine warp of a spatial transformer (the warp part of the page, which uses it, is ``core.spatial.lab``).

A 2×3 matrix θ maps each output pixel's coordinates (x_t, y_t) to the place (x_s, y_s) = θ · (x_t, y_t, 1)
where it reads the input (``F.affine_grid``), by bilinear interpolation (``F.grid_sample``). Coordinates are
normalised: -1 at the image's left (top) edge, +1 at its right (bottom) edge; y points down, as in an image,
so the rotation written here, R(φ) = [[cos φ, sin φ], [-sin φ, cos φ]], turns counterclockwise on screen.

``sample_direct`` computes one output pixel by hand (the tests compare it with ``warp``); ``angle_of`` and
``scale_of`` read the rotation and the size change out of a matrix's 2×2 part.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

PADDING = "border"  # what a grid point outside the input reads: the nearest border pixel (blank for a digit)


def rotation(deg: torch.Tensor) -> torch.Tensor:
    """R(φ) (..., 2, 2) for angles (...) in degrees: counterclockwise on screen (y points down)."""
    a = deg * (math.pi / 180)
    c, s = torch.cos(a), torch.sin(a)
    return torch.stack([torch.stack([c, s], -1), torch.stack([-s, c], -1)], -2)


def sampler(deg: torch.Tensor, scale: torch.Tensor, tx: torch.Tensor, ty: torch.Tensor) -> torch.Tensor:
    """θ (..., 2, 3) = [s·R(φ) | t]: the sampling grid turned by φ, ``scale`` times the image's size, moved by
    (tx, ty) (normalised units). The output shows the input turned by -φ and enlarged 1/s times."""
    a = scale[..., None, None] * rotation(deg)
    return torch.cat([a, torch.stack([tx, ty], -1)[..., None]], -1)


def warp(x: torch.Tensor, theta: torch.Tensor, padding: str = PADDING) -> torch.Tensor:
    """Images x (N, 1, H, W) read through the grids of θ (N, 2, 3) -> (N, 1, H, W)."""
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)  # (N, H, W, 2): (x_s, y_s) per output pixel
    return F.grid_sample(x, grid, mode="bilinear", padding_mode=padding, align_corners=False)


def grid_points(theta: torch.Tensor, side: int) -> torch.Tensor:
    """Where each output pixel reads the input (side, side, 2), in the input's pixel units (0 = left edge)."""
    g = F.affine_grid(theta.reshape(1, 2, 3).float(), [1, 1, side, side], align_corners=False)[0]
    return (g + 1) * side / 2  # (side, side, 2): x then y, from the input's top-left corner


def corners(theta: torch.Tensor, side: int) -> torch.Tensor:
    """The outline of the region the output reads (5, 2): its top-left, top-right, bottom-right, bottom-left and
    top-left corners again, in the input's pixel units."""
    pts = torch.tensor([[-1.0, -1.0, 1.0], [1.0, -1.0, 1.0], [1.0, 1.0, 1.0], [-1.0, 1.0, 1.0], [-1.0, -1.0, 1.0]])
    return (pts @ theta.reshape(2, 3).float().T + 1) * side / 2


def sample_direct(img: np.ndarray, theta: np.ndarray, i: int, j: int) -> float:
    """Output pixel (row i, column j) of ``warp`` by hand: its normalised centre, θ applied, back to pixel
    units, clamped to the border pixels' centres, and the four nearest pixels weighted bilinearly."""
    h, w = img.shape
    xt, yt = (2 * j + 1) / w - 1, (2 * i + 1) / h - 1
    xs, ys = theta @ np.array([xt, yt, 1.0])
    u = min(max(((xs + 1) * w - 1) / 2, 0.0), w - 1.0)
    v = min(max(((ys + 1) * h - 1) / 2, 0.0), h - 1.0)
    u0, v0 = int(math.floor(u)), int(math.floor(v))
    u1, v1 = min(u0 + 1, w - 1), min(v0 + 1, h - 1)
    fu, fv = u - u0, v - v0
    top = (1 - fu) * img[v0, u0] + fu * img[v0, u1]
    bottom = (1 - fu) * img[v1, u0] + fu * img[v1, u1]
    return float((1 - fv) * top + fv * bottom)


def angle_of(a: torch.Tensor) -> torch.Tensor:
    """The rotation (degrees, counterclockwise on screen) of 2×2 matrices (..., 2, 2): the angle of the rotation
    nearest to each (its polar decomposition's), so a scale or a little shear does not change it."""
    return torch.atan2(a[..., 0, 1] - a[..., 1, 0], a[..., 0, 0] + a[..., 1, 1]) * (180 / math.pi)


def scale_of(a: torch.Tensor) -> torch.Tensor:
    """The size of the grid of 2×2 matrices (..., 2, 2) relative to the image: sqrt(|det|)."""
    return torch.linalg.det(a).abs().sqrt()
