"""The warp part of the page: rotation, scale and shift sliders build the 2×3 matrix θ (written out), its sampling
grid is drawn over a digit and the digit is read through it (``core.spatial.warp``)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.params import clamp, num
from core.spatial.data import canvas_digits
from core.spatial.warp import corners, grid_points, sampler, warp


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
