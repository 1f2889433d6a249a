"""Kernels (filters) for the filter part: the presets, 3 × 3 and 5 × 5, and a kernel typed as text, read
without ever evaluating it."""
from __future__ import annotations

import re

import numpy as np

KERNELS = ("edges", "Sobel x", "Sobel y", "blur", "sharpen", "Laplacian", "custom")
MAX_TEXT = 200  # longest kernel text accepted
MAX_WEIGHT = 1e3  # largest |weight| a typed kernel may hold


def _smooth5() -> np.ndarray:
    b = np.array([1.0, 4.0, 6.0, 4.0, 1.0])
    return np.outer(b, b) / 256.0


def preset(name: str, k: int) -> np.ndarray:
    """A preset kernel of size k (3 or 5) as (k, k) floats."""
    if k == 3:
        table = {
            "edges": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
            "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
            "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
            "blur": np.ones((3, 3)) / 9.0,
            "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
            "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
        }
        return np.asarray(table[name], dtype=np.float64)
    smooth, deriv = np.array([1.0, 4.0, 6.0, 4.0, 1.0]), np.array([-1.0, -2.0, 0.0, 2.0, 1.0])
    if name == "edges":
        out = -np.ones((5, 5))
        out[2, 2] = 24.0
        return out
    if name == "Sobel x":
        return np.outer(smooth, deriv) / 16.0
    if name == "Sobel y":
        return np.outer(deriv, smooth) / 16.0
    if name == "blur":
        return np.ones((5, 5)) / 25.0
    if name == "sharpen":
        out = -_smooth5()
        out[2, 2] += 2.0
        return out
    if name == "Laplacian":
        return np.array([[0, 0, 1, 0, 0], [0, 1, 2, 1, 0], [1, 2, -16, 2, 1], [0, 1, 2, 1, 0], [0, 0, 1, 0, 0]],
                        dtype=np.float64)
    raise ValueError(f"unknown kernel {name!r}")


def parse_kernel(s: str, k: int) -> tuple[np.ndarray, bool]:
    """A k×k kernel from text (numbers separated by spaces or commas, rows by ";" or new lines).

    Never raises and never evaluates anything: 9 or 25 numbers fill a 3×3 or 5×5 grid (a 3×3 one is
    centred in a 5×5 when k = 5, a 5×5 one keeps its centre 3×3 when k = 3). Returns (kernel, ok):
    ok is False when the text could not be read (the kernel is then the identity)."""
    nums = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", str(s)[:MAX_TEXT])
    vals = np.array([float(x) for x in nums], dtype=np.float64) if nums else np.zeros(0)
    ok = len(vals) in (9, 25) and bool(np.isfinite(vals).all()) and float(np.abs(vals).max()) <= MAX_WEIGHT
    if not ok:
        out = np.zeros((k, k))
        out[k // 2, k // 2] = 1.0
        return out, False
    g = int(round(len(vals) ** 0.5))
    grid = vals.reshape(g, g)
    if g == k:
        return grid, True
    if g == 3:  # into the middle of a 5×5
        out = np.zeros((5, 5))
        out[1:4, 1:4] = grid
        return out, True
    return grid[1:4, 1:4].copy(), True
