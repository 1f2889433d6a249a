"""Reading a trained sigmoid/ReLU fit (a FitResult): dead units, and the ReLU fit's kinks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from core.fitting.config import NAMES
from core.fitting.result import FitResult


def dead_units(result: FitResult) -> dict[str, int]:
    """Per model: hidden units (all layers) whose activation is 0 on every training point of ``result``.
    Such a ReLU gets no gradient from any example, so training cannot bring it back. Sigmoids: always 0."""
    x = result.curve.x[result.train_idx]  # (N_train, 1)
    out = {}
    for name, w, act in zip(NAMES, result.weights, (torch.sigmoid, torch.relu)):
        a, dead = x, 0
        for l in range(result.config.depth):
            a = act(a @ w[f"{2 * l}.weight"].T + w[f"{2 * l}.bias"])  # (N_train, units)
            dead += int((((a > 0).sum(0) == 0) & torch.isfinite(a).all(0)).sum())  # NaN (diverged) is not dead
        out[name] = dead
    return out


def kinks(result: FitResult) -> pd.DataFrame:
    """The ReLU model's first-layer kinks x = -b_i / w_i that lie in the data's range, with ``bend``: how
    much the fit's slope changes across the kink (|c_i w_i| for one hidden layer), largest first."""
    w = result.weights[1]
    wi, bi = w["0.weight"][:, 0].double(), w["0.bias"].double()
    xk = (-bi / wi).numpy()
    x = result.curve.x[result.train_idx][:, 0].numpy()
    keep = (xk > x.min()) & (xk < x.max())
    seq = torch.nn.Sequential(*[m for l in range(result.config.depth)
                                for m in (torch.nn.Linear(1 if l == 0 else len(bi), len(bi)), torch.nn.ReLU())],
                              torch.nn.Linear(len(bi), 1)).double()
    seq.load_state_dict({k: v.double() for k, v in w.items()})
    h = 1e-4
    with torch.no_grad():
        pts = torch.tensor(xk[keep], dtype=torch.float64)[:, None]  # (K, 1)
        f = [seq(pts + d)[:, 0].numpy() for d in (-2 * h, -h, 0.0, h, 2 * h)]
    bend = np.abs((f[4] - f[3]) / h - (f[1] - f[0]) / h)
    df = pd.DataFrame({"x": xk[keep], "bend": bend})
    return df.sort_values("bend", ascending=False).reset_index(drop=True)
