"""Two ReLUs make one hard sigmoid: the lecture's construction, computed by torch (shown on the fitting page)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch


@dataclass
class ReluPair:
    """Two ReLUs that add up to one hard sigmoid, with their weights written out."""
    x: np.ndarray  # (G,)
    relu1: np.ndarray  # (G,) c1 * max(0, b1 + w1 x)
    relu2: np.ndarray  # (G,) c2 * max(0, b2 + w2 x)
    total: np.ndarray  # (G,) relu1 + relu2
    hard_sigmoid: np.ndarray  # (G,) height * clip((x - x0) / (x1 - x0), 0, 1)
    weights: dict[str, float]  # c1, b1, w1, c2, b2, w2


@lru_cache(maxsize=64)
def relu_pair(x0: float = -0.3, x1: float = 0.4, height: float = 1.0, n: int = 401) -> ReluPair:
    """Hard sigmoid rising from 0 at x0 to ``height`` at x1, built from two ReLUs, computed by torch."""
    if not np.isfinite([x0, x1, height]).all():
        raise ValueError("x0, x1 and height must be finite numbers")
    if x1 - x0 < 1e-3:
        raise ValueError("the ramp must rise to the right: x1 has to be larger than x0")
    x = torch.linspace(-1, 1, n, dtype=torch.float64)
    w = 1.0 / (x1 - x0)
    c1, b1, c2, b2 = height, -x0 * w, -height, -x1 * w
    r1 = c1 * torch.relu(b1 + w * x)
    r2 = c2 * torch.relu(b2 + w * x)
    hard = height * torch.clamp((x - x0) / (x1 - x0), 0.0, 1.0)
    return ReluPair(x.numpy(), r1.numpy(), r2.numpy(), (r1 + r2).numpy(), hard.numpy(),
                    {"c1": c1, "b1": b1, "w1": w, "c2": c2, "b2": b2, "w2": w})
