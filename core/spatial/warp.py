"""The affine warp of a spatial transformer, and the warp part of the page.

A 2×3 matrix θ maps each output pixel's coordinates (x_t, y_t) to the place (x_s, y_s) = θ · (x_t, y_t, 1)
where it reads the input (``F.affine_grid``), by bilinear interpolation (``F.grid_sample``). Coordinates are
normalised: -1 at the image's left (top) edge, +1 at its right (bottom) edge; y points down, as in an image,
so the rotation written here, R(φ) = [[cos φ, sin φ], [-sin φ, cos φ]], turns counterclockwise on screen.

``sample_direct`` computes one output pixel by hand (the tests compare it with ``warp``); ``angle_of`` and
``scale_of`` read the rotation and the size change out of a matrix's 2×2 part.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.params import clamp, num

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
    return float((1 - fv) * ((1 - fu) * img[v0, u0] + fu * img[v0, u1]) + fv * ((1 - fu) * img[v1, u0] + fu * img[v1, u1]))


def angle_of(a: torch.Tensor) -> torch.Tensor:
    """The rotation (degrees, counterclockwise on screen) of 2×2 matrices (..., 2, 2): the angle of the rotation
    nearest to each (its polar decomposition's), so a scale or a little shear does not change it."""
    return torch.atan2(a[..., 0, 1] - a[..., 1, 0], a[..., 0, 0] + a[..., 1, 1]) * (180 / math.pi)


def scale_of(a: torch.Tensor) -> torch.Tensor:
    """The size of the grid of 2×2 matrices (..., 2, 2) relative to the image: sqrt(|det|)."""
    return torch.linalg.det(a).abs().sqrt()


@dataclass(frozen=True)
class WarpConfig:
    digit: int = num(22, 0, 1796, widget="number")  # which of scikit-learn's 1,797 digits is warped
    phi: int = num(30, -180, 180, step=5)  # φ: the sampling grid turned by this many degrees (counterclockwise)
    s: float = num(1.0, 0.5, 2.0, step=0.05)  # the grid's size relative to the image (< 1 zooms in)
    tx: float = num(0.0, -1.0, 1.0, step=0.05)  # t_x: the grid moved right (normalised units: 2 = the width)
    ty: float = num(0.0, -1.0, 1.0, step=0.05)  # t_y: the grid moved down


@dataclass
class WarpResult:
    config: WarpConfig
    theta: np.ndarray  # (2, 3) the matrix
    image: np.ndarray  # (S, S) the input: the digit on the canvas
    grid: np.ndarray  # (S, S, 2) where each output pixel reads the input, in input pixels
    outline: np.ndarray  # (5, 2) the corners of the region read, in input pixels (top-left first and last)
    out: np.ndarray  # (S, S) the warped output
    label: int  # the digit's label

    def numbers(self) -> dict:
        c = self.config
        return {"phi": c.phi, "s": f"{c.s:g}", "zoom": f"{1 / c.s:.2g}", "back": -c.phi,
                "tx": f"{c.tx:g}", "ty": f"{c.ty:g}", "digit": self.label}


def warp_lab(cfg: WarpConfig) -> WarpResult:
    """The warp part: digit ``cfg.digit`` on the canvas, the matrix of the sliders, its grid and the output."""
    from core.spatial.data import canvas_digits

    cfg = clamp(cfg)
    img, label = canvas_digits([cfg.digit])
    f = lambda v: torch.tensor([float(v)])  # noqa: E731
    theta = sampler(f(cfg.phi), f(cfg.s), f(cfg.tx), f(cfg.ty))  # (1, 2, 3)
    out = warp(img, theta)
    side = img.shape[-1]
    return WarpResult(cfg, theta[0].numpy(), img[0, 0].numpy(), grid_points(theta[0], side).numpy(),
                      corners(theta[0], side).numpy(), out[0, 0].numpy(), int(label[0]))


def _num(v: float) -> str:
    s = f"{v:.2f}"
    return "0.00" if s == "-0.00" else s


def matrix_tex(res: WarpResult) -> str:
    """θ written out: its form s·R(φ) | t, then the numbers of this setting."""
    a, b, e, cc, d, f = (_num(v) for v in res.theta.ravel())
    return (r"\theta = \begin{bmatrix} s\cos\varphi & s\sin\varphi & t_x \\ -s\sin\varphi & s\cos\varphi & t_y"
            rf"\end{{bmatrix}} = \begin{{bmatrix}} {a} & {b} & {e} \\ {cc} & {d} & {f} \end{{bmatrix}}")
