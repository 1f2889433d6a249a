"""The networks of the race, many copies as stacked parameters so that they train as ONE computation.

- The classifier of every racer: the convolution page's convolutional layers (their weights made and initialised
  by ``core.convolution.Racers``: 3×3 convolution, 8 filters, ReLU, 2×2 max pooling, 3×3 convolution, 16
  filters, ReLU), then 2×2 max pooling and a linear layer from the flattened 16 × 4 × 4 maps to 10 classes
  (3,818 parameters, as calibrated; with the convolution page's global max pooling instead, both racers stayed
  near 25 % after 20 epochs in a trial on these digits).
- The localisation network of a spatial transformer: 2×2 average pooling of the 16×16 input, 64 → 32 (ReLU)
  → 6 numbers, the 2×3 matrix θ. Its last layer starts with zero weights and the identity as bias, so before
  training every θ is the identity and the warp leaves the input as it is (2,278 parameters).

``Nets(kinds, gens)``: classifier r reads racer r's input (the transformer's classifiers read the warped
digits); ``localiser_gens`` give one localisation network per transformer. ``as_modules`` gives one of each
as ``nn.Sequential`` with the same weights (the tests compare them).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from core.convolution import CLASSES, Racers
from core.spatial.data import CANVAS
from core.spatial.warp import warp

FILTERS = 8  # first-layer filters of the classifier (the second layer has twice as many)
FLAT = 2 * FILTERS * (CANVAS // 4) ** 2  # 256: the flattened maps after two 2×2 poolings
POOLED = (CANVAS // 2) ** 2  # 64: the localisation network's input, the canvas average-pooled 2×2
HIDDEN = 32  # the localisation network's hidden units
IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)  # θ's six numbers, row by row, for "leave the input as it is"


def classifier_params() -> int:
    return (9 * FILTERS + FILTERS) + (9 * FILTERS * 2 * FILTERS + 2 * FILTERS) + FLAT * CLASSES + CLASSES


def localiser_params() -> int:
    return POOLED * HIDDEN + HIDDEN + HIDDEN * 6 + 6


def _uniform(shape, fan_in: int, g: torch.Generator) -> torch.Tensor:
    return (torch.rand(shape, generator=g) * 2 - 1) / fan_in ** 0.5  # as nn.Linear initialises


def _channels_last(x: torch.Tensor) -> torch.Tensor:
    """x (R, B, 1, S, S), the same values laid out in memory so that its (B, R, S, S) view is channels-last: the
    convolutions then keep that layout, where 2×2 max pooling on this CPU ran about 4 times faster than on the
    usual layout (a training step about 25 % faster)."""
    return x.permute(1, 3, 4, 2, 0).contiguous().permute(4, 0, 3, 1, 2)


class Nets:
    """R classifiers (racer r from ``gens[r]``) and L localisation networks (from ``localiser_gens``)."""

    def __init__(self, gens: list[torch.Generator], localiser_gens: list[torch.Generator]):
        self.R, self.L = len(gens), len(localiser_gens)
        self.trunk = Racers(FILTERS, CANVAS, gens)  # its convolutions' weights (w1, b1, w2, b2); its heads unused
        self.head = torch.stack([_uniform((FLAT, CLASSES), FLAT, g) for g in gens]).requires_grad_(True)
        self.head_b = torch.stack([_uniform((CLASSES,), FLAT, g) for g in gens]).requires_grad_(True)
        self.l1 = torch.stack([_uniform((POOLED, HIDDEN), POOLED, g) for g in localiser_gens]).requires_grad_(True)
        self.l1_b = torch.stack([_uniform((HIDDEN,), POOLED, g) for g in localiser_gens]).requires_grad_(True)
        self.l2 = torch.zeros(self.L, HIDDEN, 6, requires_grad=True)  # zero weights: θ does not depend on x yet
        self.l2_b = torch.tensor([IDENTITY] * self.L).requires_grad_(True)  # the identity as bias

    def classifier_parameters(self) -> list[torch.Tensor]:
        t = self.trunk
        return [t.w1, t.b1, t.w2, t.b2, self.head, self.head_b]

    def localiser_parameters(self) -> list[torch.Tensor]:
        return [self.l1, self.l1_b, self.l2, self.l2_b]

    def logits(self, x: torch.Tensor, rows: slice = slice(None)) -> torch.Tensor:
        """x (R, B, 1, S, S), racer r's inputs in row r -> logits (R, B, 10); with ``rows``, the classifiers of
        those rows only (x then holds just their inputs).

        The trunk's convolutions of the R racers run as one grouped ``F.conv2d`` (groups = R), as the convolution
        page's do; its own forward ends in global max pooling, so the layers are applied here. Max pooling comes
        before the ReLU (the two commute exactly): the ReLU then runs on a quarter of the values (the whole
        default run about 14 % faster, the same numbers)."""
        t, (r, b) = self.trunk, x.shape[:2]
        c = FILTERS
        w1, b1, w2, b2 = t.w1[rows], t.b1[rows], t.w2[rows], t.b2[rows]
        z = _channels_last(x).permute(1, 0, 2, 3, 4).reshape(b, r, CANVAS, CANVAS)  # (B, R, S, S) channels-last
        h = F.conv2d(z, w1.reshape(r * c, 1, 3, 3), b1.reshape(-1), padding=1, groups=r)  # (B, R·c, S, S)
        h = F.relu(F.max_pool2d(h, 2))  # (B, R·c, S/2, S/2)
        h = F.conv2d(h, w2.reshape(r * 2 * c, c, 3, 3), b2.reshape(-1), padding=1, groups=r)
        h = F.relu(F.max_pool2d(h, 2))  # (B, R·2c, S/4, S/4)
        p = h.reshape(b, r, FLAT).transpose(0, 1)  # (R, B, 256) flattened as nn.Flatten does (channel, row, column)
        return torch.bmm(p, self.head[rows]) + self.head_b[rows, None, :]

    def theta(self, x: torch.Tensor, only: int | None = None) -> torch.Tensor:
        """x (L, B, 1, S, S) -> θ (L, B, 2, 3) of each localisation network on its row of digits; with ``only``,
        x (1, B, 1, S, S) read by localisation network ``only`` alone."""
        n, b = x.shape[:2]
        sl = slice(None) if only is None else slice(only, only + 1)
        z = F.avg_pool2d(x.reshape(n * b, 1, CANVAS, CANVAS), 2).reshape(n, b, POOLED)  # (L, B, 64)
        h = F.relu(torch.bmm(z, self.l1[sl]) + self.l1_b[sl, None, :])  # (L, B, 32)
        return (torch.bmm(h, self.l2[sl]) + self.l2_b[sl, None, :]).reshape(n, b, 2, 3)

    def warped(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (L, B, 1, S, S) read through each localisation network's own θ -> (warped (L, B, 1, S, S), θ)."""
        th = self.theta(x)
        n, b = x.shape[:2]
        out = warp(x.reshape(n * b, 1, CANVAS, CANVAS), th.reshape(n * b, 2, 3))
        return out.reshape(x.shape), th

    def as_modules(self, r: int, loc: int = 0) -> tuple[nn.Sequential, nn.Sequential]:
        """Classifier r and localisation network ``loc`` as PyTorch modules with the same weights."""
        c, t = FILTERS, self.trunk
        cls = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(FLAT, CLASSES))
        loc_net = nn.Sequential(nn.AvgPool2d(2), nn.Flatten(), nn.Linear(POOLED, HIDDEN), nn.ReLU(),
                                nn.Linear(HIDDEN, 6))
        pairs = [(cls[0].weight, t.w1[r]), (cls[0].bias, t.b1[r]), (cls[3].weight, t.w2[r]), (cls[3].bias, t.b2[r]),
                 (cls[7].weight, self.head[r].T), (cls[7].bias, self.head_b[r]),
                 (loc_net[2].weight, self.l1[loc].T), (loc_net[2].bias, self.l1_b[loc]),
                 (loc_net[4].weight, self.l2[loc].T), (loc_net[4].bias, self.l2_b[loc])]
        with torch.no_grad():
            for dst, src in pairs:
                dst.copy_(src)
        return cls, loc_net
