"""Pooling, the pooling part: max or average pooling of a feature map (``F.max_pool2d``,
``F.avg_pool2d``), a shift test (how much the raw and the pooled features change when the image moves by
1 to 3 pixels), and the AlphaGo case: a 19×19 Go board, where pooling would blur which point a stone is on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core import rng
from core.convolution.digits import shift_image
from core.convolution.filter import ConvConfig, conv2d, image_of, kernel_of
from core.params import choice, clamp, num

MODES = ("max", "average")
SHIFTS = (1, 2, 3)
BOARD = 19  # a Go board is 19 × 19 points


@dataclass(frozen=True)
class PoolConfig:
    mode: str = choice("max", MODES, widget="radio")  # the largest value of each window, or its mean
    pool: int = choice(2, (2, 3, 4), widget="radio")  # pooling window (pool × pool)
    pool_stride: int = choice(2, (1, 2, 3, 4), widget="radio")  # step between pooling windows
    shift: int = num(1, 1, 3)  # pixels the image moves in the shift test


def pool2d(fmap: np.ndarray, mode: str, size: int, stride: int) -> np.ndarray:
    """A feature map (H, W) pooled by windows of size × size every ``stride`` pixels (edges that do not
    fill a window are dropped, as PyTorch does)."""
    x = torch.tensor(fmap, dtype=torch.float64)[None, None]  # (1, 1, H, W)
    if min(fmap.shape) < size:
        return np.zeros((0, 0))
    fn = F.max_pool2d if mode == "max" else F.avg_pool2d
    return fn(x, size, stride)[0, 0].numpy()


def features(img: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The feature map a convolutional layer passes on: ReLU(conv(image, kernel)), the image's edge pixels
    repeated outward so the map keeps the image's size (zero padding would light up a photo's border)."""
    k = kernel.shape[0] // 2
    x = F.pad(torch.tensor(img, dtype=torch.float64)[None, None], (k, k, k, k), mode="replicate")[0, 0]
    return np.maximum(conv2d(x.numpy(), kernel), 0.0)


def change(a: np.ndarray, b: np.ndarray) -> float:
    """Relative change ||b − a|| / ||a|| (0 when both are zero)."""
    na = float(np.linalg.norm(a))
    return float(np.linalg.norm(b - a)) / na if na > 0 else 0.0


@dataclass
class PoolResult:
    conv: ConvConfig
    config: PoolConfig
    fmap: np.ndarray  # (H, W) ReLU(conv) of the image
    pooled: np.ndarray  # (Hp, Wp) its pooling
    fmap_shifted: np.ndarray  # (H, W) the same for the image moved right by config.shift pixels
    pooled_shifted: np.ndarray  # (Hp, Wp)
    shifts: list[tuple[int, float, float]]  # (shift, relative change raw, relative change pooled) for SHIFTS

    def change_at(self, shift: int) -> dict:
        """The shift test at ``shift`` pixels: the relative change of the raw features and of the pooled ones,
        and whether the pooled ones changed less."""
        raw, pooled = next((r, p) for s, r, p in self.shifts if s == shift)
        return {"s": shift, "raw": raw, "pooled": pooled, "less": pooled < raw}


def pool_lab(conv: ConvConfig, cfg: PoolConfig, upload: np.ndarray | None = None) -> PoolResult:
    conv, cfg = clamp(conv), clamp(cfg)
    img = image_of(conv, upload)
    kernel, _ = kernel_of(conv)
    return pool_case(img, kernel, cfg, conv)


def pool_case(img: np.ndarray, kernel: np.ndarray, cfg: PoolConfig, conv: ConvConfig | None = None) -> PoolResult:
    """Feature map, pooled map and the shift test of one image and kernel."""
    fm = features(img, kernel)
    pooled = pool2d(fm, cfg.mode, cfg.pool, cfg.pool_stride)
    rows, shown = [], None
    for s in SHIFTS:
        moved = shift_image(torch.tensor(img), s).numpy()
        fs = features(moved, kernel)
        ps = pool2d(fs, cfg.mode, cfg.pool, cfg.pool_stride)
        rows.append((s, change(fm, fs), change(pooled, ps)))
        if s == cfg.shift:
            shown = (fs, ps)
    return PoolResult(conv or ConvConfig(), cfg, fm, pooled, shown[0], shown[1], rows)


@dataclass
class Board:
    stones: np.ndarray  # (19, 19): 0 empty, 1 black, 2 white
    pooled: np.ndarray  # (10, 10): 0 empty, 1 black only, 2 white only, 3 both colours (2×2 max pooling per colour)
    n_stones: int
    cells: int  # pooled cells holding a stone
    mixed: int  # pooled cells holding stones of both colours (who is where is lost)
    crowded: int  # pooled cells holding two or more stones (how many there are is lost)

    def numbers(self) -> dict[str, int]:
        return {"n": self.n_stones, "cells": self.cells, "mixed": self.mixed, "crowded": self.crowded}


def board(seed: int, n_stones: int = 90) -> Board:
    """A seeded mid-game-like board (stones in clusters) and its 2×2 max pooling, one channel per colour."""
    g = rng.generator(seed, "convolution.board")
    stones = np.zeros((BOARD, BOARD), dtype=np.int64)
    centres = torch.randint(2, BOARD - 2, (6, 2), generator=g).numpy()
    k = 0
    while k < n_stones:
        c = centres[k % len(centres)]
        d = torch.randint(-3, 4, (2,), generator=g).numpy()
        r, q = int(np.clip(c[0] + d[0], 0, BOARD - 1)), int(np.clip(c[1] + d[1], 0, BOARD - 1))
        if stones[r, q] == 0:
            stones[r, q] = 1 + k % 2
            k += 1
    chans = torch.tensor(np.stack([stones == 1, stones == 2]), dtype=torch.float32)[None]  # (1, 2, 19, 19)
    p = F.max_pool2d(chans, 2, 2, ceil_mode=True)[0].numpy()  # (2, 10, 10)
    pooled = (p[0] > 0).astype(np.int64) + 2 * (p[1] > 0).astype(np.int64)
    counts = F.avg_pool2d(torch.tensor((stones > 0)[None, None], dtype=torch.float32), 2, 2, ceil_mode=True,
                          count_include_pad=False)[0, 0].numpy()  # share of a cell's points holding a stone
    npts = np.full((10, 10), 4.0)
    npts[-1, :] = 2.0
    npts[:, -1] = 2.0
    npts[-1, -1] = 1.0
    n_in = np.rint(counts * npts)
    return Board(stones, pooled, int((stones > 0).sum()), int((pooled > 0).sum()), int((pooled == 3).sum()),
                 int((n_in >= 2).sum()))
