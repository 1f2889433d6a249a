"""One training set, both models: each one's P(C1|x) over the plane, its boundary line (w, b) when it is one,
and its test accuracy; whether the two lines differ (the page's idea: same form, different w and b)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import rng
from core.generative.examples import CurveConfig, draw, held_out, pool
from core.generative.gaussian import fit_gaussian
from core.generative.logistic import LR_STEPS, logistic_gd
from core.params import clamp

SAME_LINE = 1e-3  # two boundary lines closer than this (max |Δw| + |Δb|) are the same line


@dataclass
class Boundary:
    config: CurveConfig
    train: pd.DataFrame  # x1, x2, cls of the training set
    test: pd.DataFrame  # x1, x2, cls of (at most 400) test examples, for drawing
    grid: pd.DataFrame  # model, x1, x2, x1e, x2e, p: P(C1 | x) of each model on a grid
    lines: dict  # model -> (w (2,), b) where the boundary is the line w·x + b = 0, else None
    accuracy: dict  # model -> test accuracy

    @property
    def lines_differ(self) -> bool | None:
        """The idea's "yet the two find different w and b"; None when the generative boundary is no line."""
        gen, lr = self.lines["generative"], self.lines["logistic regression"]
        if gen is None:
            return None
        return bool(np.abs(gen[0] - lr[0]).max() + abs(gen[1] - lr[1]) > SAME_LINE)


def boundary(cfg: CurveConfig = CurveConfig(), n_grid: int = 50) -> Boundary:
    """One training set of ``n_train`` examples: both models fitted, their P(C1|x) on a grid, w and b."""
    cfg = clamp(cfg)
    g = rng.generator(cfg.seed, "generative.resamples")
    X, y, test = pool(cfg, g)
    n = min(cfg.n_train, len(X) - 10)
    s = draw(X, y, n, g)
    if test is None:
        test = held_out(X, y, s)
    gen = fit_gaussian(X[s], y[s], cfg.covariance, shrink=cfg.shrink)
    w, b = logistic_gd(X[s][None], y[s][None], steps=LR_STEPS)
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    a, c = np.linspace(lo[0], hi[0], n_grid), np.linspace(lo[1], hi[1], n_grid)
    gx, gy = np.meshgrid(a, c)
    G = np.stack([gx.ravel(), gy.ravel()], axis=1)  # (n_grid², 2)
    probs = {"generative": gen.proba(G), "logistic regression": 1 / (1 + np.exp(-(G @ w[0] + b[0])))}
    grid = pd.concat([pd.DataFrame({"model": m, "x1": G[:, 0], "x2": G[:, 1], "x1e": G[:, 0] + a[1] - a[0],
                                    "x2e": G[:, 1] + c[1] - c[0], "p": p}) for m, p in probs.items()],
                     ignore_index=True)
    linear = np.allclose(gen.covs[0], gen.covs[1])
    lines = {"generative": gen.linear() if linear else None, "logistic regression": (w[0], float(b[0]))}
    Xt, yt = test
    acc = {"generative": float(((gen.proba(Xt) > 0.5) == yt).mean()),
           "logistic regression": float((((Xt @ w[0] + b[0]) > 0) == yt).mean())}
    k = min(400, len(Xt))
    return Boundary(cfg, pd.DataFrame({"x1": X[s, 0], "x2": X[s, 1], "cls": y[s]}),
                    pd.DataFrame({"x1": Xt[:k, 0], "x2": Xt[:k, 1], "cls": yt[:k]}), grid, lines, acc)
