"""Convolution, the core of the "convolution" page's filter lab: a filter (kernel) slides over an image and
each output is the sum of a window of the image times the kernel, plus the output-size formula
    out = floor((n + 2p − d(k − 1) − 1) / s) + 1
for input size n, kernel size k, stride s, padding p and dilation d.

The feature map comes from ``F.conv2d``; ``conv2d_loop`` is the same sum written as a direct loop (the
tests compare the two) and ``window_terms`` writes one window's multiply-and-add out for the page.
The page's labs are chosen by ``ConvView.lab``; the other labs live in core/convolution_*.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from core.params import choice, clamp, num, text

LABS = ("race", "filter", "pool", "field", "draw")  # the page's labs, the first the default
SOURCES = ("photo", "flower", "digit", "upload")  # scikit-learn's sample photos, a digit, an uploaded image
KERNELS = ("edges", "Sobel x", "Sobel y", "blur", "sharpen", "Laplacian", "custom")
DISPLAY = 64  # longest side of an image as convolved and drawn
MAX_TEXT = 200  # longest kernel text accepted


@dataclass(frozen=True)
class ConvView:
    lab: str = choice("race", LABS, widget="radio")  # which lab the page draws (only that one is computed)


@dataclass(frozen=True)
class ConvConfig:
    source: str = choice("photo", SOURCES)  # the image the filter slides over
    digit: int = num(0, 0, 1796)  # which of scikit-learn's 1,797 digits (source "digit")
    kernel: str = choice("Sobel x", KERNELS)  # a preset kernel, or "custom" (the text below)
    size: int = choice(3, (3, 5), widget="radio")  # kernel size k (k × k)
    custom: str = text("0 -1 0; -1 5 -1; 0 -1 0", max_chars=MAX_TEXT)  # custom kernel: rows split by ";"
    stride: int = num(1, 1, 4)  # step s between windows
    padding: int = num(0, 0, 4)  # zeros p added around the image
    dilation: int = num(1, 1, 3)  # spacing d between the kernel's taps


def out_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Output length along one axis: floor((n + 2p − d(k − 1) − 1) / s) + 1 (0 when the kernel does not fit)."""
    return max(0, (n + 2 * p - d * (k - 1) - 1) // s + 1)


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
    ok = len(vals) in (9, 25) and bool(np.isfinite(vals).all()) and float(np.abs(vals).max()) <= 1e3
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


def kernel_of(cfg: ConvConfig) -> tuple[np.ndarray, bool]:
    if cfg.kernel == "custom":
        return parse_kernel(cfg.custom, cfg.size)
    return preset(cfg.kernel, cfg.size), True


@lru_cache(maxsize=4)
def sample_photo(name: str) -> np.ndarray:
    """scikit-learn's sample photo ("photo": china.jpg, "flower": flower.jpg) in grey, longest side DISPLAY."""
    from sklearn.datasets import load_sample_image

    rgb = load_sample_image("china.jpg" if name == "photo" else "flower.jpg")
    return downsample(rgb.astype(np.float64).mean(axis=2) / 255.0)


def downsample(img: np.ndarray, longest: int = DISPLAY) -> np.ndarray:
    """A grey image (H, W) shrunk by area averaging so its longest side is at most ``longest``."""
    h, w = img.shape
    if max(h, w) <= longest:
        return img.astype(np.float64)
    sc = longest / max(h, w)
    size = (max(1, round(h * sc)), max(1, round(w * sc)))
    t = torch.tensor(img, dtype=torch.float32)[None, None]  # (1, 1, H, W)
    return F.adaptive_avg_pool2d(t, size)[0, 0].double().numpy()


def digit_image(i: int) -> np.ndarray:
    """Digit i of scikit-learn's digits as (8, 8) in [0, 1]."""
    from core.convolution_digits import digits

    x, _ = digits()
    return x[int(i) % len(x)].double().numpy()


def image_of(cfg: ConvConfig, upload: np.ndarray | None = None) -> np.ndarray:
    """The input image (H, W) in [0, 1] (an upload, already decoded, for source "upload")."""
    if cfg.source == "digit":
        return digit_image(cfg.digit)
    if cfg.source == "upload":
        return upload if upload is not None else sample_photo("photo")
    return sample_photo(cfg.source)


def conv2d(img: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """The feature map of one kernel over one image, by F.conv2d (cross-correlation, as every CNN does)."""
    x = torch.tensor(img, dtype=torch.float64)[None, None]  # (1, 1, H, W)
    w = torch.tensor(kernel, dtype=torch.float64)[None, None]  # (1, 1, k, k)
    return F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()


def conv2d_loop(img: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0,
                dilation: int = 1) -> np.ndarray:
    """The same sum as a direct loop: out[i, j] = Σ_a Σ_b x[i·s + a·d, j·s + b·d] · w[a, b] (x zero-padded)."""
    x = np.pad(img, padding)
    k = kernel.shape[0]
    ho, wo = out_size(img.shape[0], k, stride, padding, dilation), out_size(img.shape[1], k, stride, padding, dilation)
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            s = 0.0
            for a in range(k):
                for b in range(k):
                    s += x[i * stride + a * dilation, j * stride + b * dilation] * kernel[a, b]
            out[i, j] = s
    return out


@dataclass
class FilterResult:
    config: ConvConfig
    image: np.ndarray  # (H, W) the input
    kernel: np.ndarray  # (k, k) the kernel used
    kernel_ok: bool  # False when the custom text could not be read (the identity kernel is used)
    out: np.ndarray  # (Ho, Wo) the feature map (empty when the kernel does not fit)
    window: tuple[int, int]  # the output unit whose window is written out
    terms: list[tuple[float, float]]  # (input value, weight) of that window, row by row


def window_terms(img: np.ndarray, kernel: np.ndarray, i: int, j: int, stride: int, padding: int,
                 dilation: int) -> list[tuple[float, float]]:
    """(x, w) pairs of output (i, j)'s window, in the order the sum takes them."""
    x = np.pad(img, padding)
    k = kernel.shape[0]
    return [(float(x[i * stride + a * dilation, j * stride + b * dilation]), float(kernel[a, b]))
            for a in range(k) for b in range(k)]


def filter_lab(cfg: ConvConfig, upload: np.ndarray | None = None) -> FilterResult:
    """The feature map of the chosen kernel over the chosen image, and one window written out."""
    cfg = clamp(cfg)
    img = image_of(cfg, upload)
    kernel, ok = kernel_of(cfg)
    k = kernel.shape[0]
    ho = out_size(img.shape[0], k, cfg.stride, cfg.padding, cfg.dilation)
    wo = out_size(img.shape[1], k, cfg.stride, cfg.padding, cfg.dilation)
    if ho == 0 or wo == 0:
        return FilterResult(cfg, img, kernel, ok, np.zeros((0, 0)), (0, 0), [])
    out = conv2d(img, kernel, cfg.stride, cfg.padding, cfg.dilation)
    i, j = ho // 2, wo // 2
    return FilterResult(cfg, img, kernel, ok, out, (i, j),
                        window_terms(img, kernel, i, j, cfg.stride, cfg.padding, cfg.dilation))
