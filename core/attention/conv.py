"""A 1-D convolution is window attention whose weights are fixed per offset.

The lecture: a CNN is a special case of self-attention: its filter sees a small, hand-chosen window and
mixes it with the same weights at every position; self-attention learns where to look and how much from
the content (more flexible, so it needs more data). With scores that depend only on the offset j - i,
window attention *is* the convolution (away from the edges); a test proves it against ``F.conv1d``.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core import rng
from core.attention.calculator import CalcConfig, CalcResult, calculate
from core.attention.layer import attention, window_mask

@dataclass
class ConvCompare:
    labels: list[str]
    window: int
    conv_mix: torch.Tensor  # (n, n) how much output i takes from input j in the 1-D convolution
    attn_mix: torch.Tensor  # (n, n) the same for window attention (content-dependent weights)
    kernel: torch.Tensor  # (w,) the convolution's weights over offsets -r..r
    conv_out: torch.Tensor  # (n, d) F.conv1d of V with the kernel
    fixed_attn_out: torch.Tensor  # (n, d) window attention whose scores depend only on the offset
    interior_gap: float  # max |conv_out - fixed_attn_out| away from the edges (0 up to rounding)


def offset_kernel(w: int, seed: int) -> torch.Tensor:
    """Seeded score per offset -r..r, softmax-normalised into a convolution kernel that sums to 1. (w,)"""
    logits = torch.randn(w, generator=rng.generator(seed, "attention.conv_logits"))  # (w,)
    return torch.softmax(logits, dim=0)


def attention_with_offset_scores(v: torch.Tensor, logits_by_offset: torch.Tensor) -> torch.Tensor:
    """Window attention whose score alpha_ij = s_{j-i} depends only on the offset, not on content. v: (n, d)."""
    n, w = v.shape[0], logits_by_offset.shape[0]
    r = (w - 1) // 2
    idx = torch.arange(n)
    off = idx[None, :] - idx[:, None]  # (n, n): j - i
    inside = off.abs() <= r
    scores = logits_by_offset[(off + r).clamp(0, w - 1)].masked_fill(~inside, float("-inf"))  # (n, n)
    return torch.softmax(scores, dim=-1) @ v  # (n, d)


def conv_compare(r: CalcResult) -> ConvCompare:
    """A 1-D convolution of width w beside window-restricted attention of the same width, on V of head 1.

    The convolution mixes neighbours with the same weights at every position; attention picks its
    weights from the content. With scores that depend only on the offset, window attention *is* the
    convolution (away from the edges, where attention renormalises over fewer neighbours).
    """
    n, w = r.n, r.config.window
    rad = (w - 1) // 2
    kernel = offset_kernel(w, r.config.seed)  # (w,)
    V = r.parts["V"]  # (n, d)
    # conv1d is a cross-correlation: out_i = sum_t kernel[t] V_{i + t - rad}
    conv_out = F.conv1d(V.T[:, None, :], kernel[None, None, :], padding=rad)[:, 0, :].T  # (n, d)
    idx = torch.arange(n)
    off = idx[None, :] - idx[:, None]  # (n, n)
    conv_mix = torch.where(off.abs() <= rad, kernel[(off + rad).clamp(0, w - 1)], torch.zeros(()))  # (n, n)
    allowed = window_mask(n, w)
    _, wts, _ = attention(r.parts["q"][0], r.parts["k"][0], r.parts["v"][0], allowed, r.config.scale,
                        r.config.activation)  # (n, n)
    fixed = attention_with_offset_scores(V, kernel.log())  # (n, d)
    inner = slice(rad, n - rad) if n > 2 * rad else slice(0, 0)
    gap = float((conv_out[inner] - fixed[inner]).abs().max()) if n > 2 * rad else 0.0
    return ConvCompare(r.labels, w, conv_mix, wts, kernel, conv_out, fixed, gap)


def compare_conv(cfg: CalcConfig = CalcConfig()) -> ConvCompare:
    """``conv_compare`` of the calculator's result for ``cfg`` (a pure function of the config, so it caches)."""
    return conv_compare(calculate(cfg))


