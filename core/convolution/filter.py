"""Convolution, the filter part: a filter (kernel) slides over an image and each output is the sum of a
window of the image times the kernel, plus the output-size formula
    out = floor((n + 2p − d(k − 1) − 1) / s) + 1
for input size n, kernel size k, stride s, padding p and dilation d.

The feature map comes from ``F.conv2d``; ``conv2d_loop`` is the same sum written as a direct loop (the
tests compare the two) and ``window_terms`` writes one window's multiply-and-add out for the page
(``size_tex`` and ``window_tex`` as formulas).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from core.convolution.digits import digits
from core.convolution.kernels import KERNELS, MAX_TEXT, parse_kernel, preset
from core.params import choice, clamp, num, text

SOURCES = ("photo", "flower", "digit", "upload")  # scikit-learn's sample photos, a digit, an uploaded image
DISPLAY = 64  # longest side of an image as convolved and drawn
WRITE_OUT = 16  # one window's sum is written out for images up to this side (a digit, not a photo)


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


def size_tex(res: FilterResult) -> str:
    """The output-size formula with this run's numbers, for the height and the width."""
    (h, w), k = res.image.shape, res.kernel.shape[0]
    s, p, d = res.config.stride, res.config.padding, res.config.dilation
    lines = [rf"n_{{\text{{out}}}}^{{{a}}} &= \left\lfloor \frac{{{n} + 2\cdot{p} - {d}({k}-1) - 1}}{{{s}}}"
             rf"\right\rfloor + 1 = {out_size(n, k, s, p, d)}" for a, n in (("H", h), ("W", w))]
    return r"\begin{aligned}" + r"\\ ".join(lines) + r"\end{aligned}"


def window_tex(res: FilterResult) -> str | None:
    """One window's multiply-and-add written out row by row, and its sum; None for an image larger than
    WRITE_OUT (a photo: the numbers would mean little) or a kernel that does not fit."""
    if not res.terms or max(res.image.shape) > WRITE_OUT:
        return None
    k = res.kernel.shape[0]
    rows = [" + ".join(f"{x:.2f}\\cdot({wt:.3g})" for x, wt in res.terms[r * k:(r + 1) * k]) for r in range(k)]
    total = sum(x * wt for x, wt in res.terms)
    return r"\begin{aligned}&" + r"\\+\;&".join(rows) + rf"\\=\;&{total:.3f}\end{{aligned}}"
