"""What the transformer learned: for each test digit, the turn its warp applies (the correction) against the
turn the digit was given, and the size of its grid against the digit's scale. The transformer was never told
any of these: it learned them from the labels alone.

``probe`` picks the digits: "turned" (the test digits turned by their own angles and nothing else: the
rotation alone) or "test" (the test set as the racers saw it: turned, scaled and shifted at once).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core.params import choice
from core.spatial.data import turned_only
from core.spatial.race import TrainResult
from core.spatial.warp import angle_of, scale_of

PROBES = ("turned", "test")


@dataclass(frozen=True)
class LearnedView:
    probe: str = choice("turned", PROBES, widget="radio")  # the test digits turned only, or as the racers saw them


@dataclass
class Learned:
    probe: str
    frame: pd.DataFrame  # angle (given), correction (applied), scale (given), size (the grid's), digit
    slope: float | None  # least-squares slope of correction on angle (-1: the warp undoes the whole turn)
    corr: float | None  # correlation of correction and angle (None: the digits were not turned)
    size_corr: float | None  # correlation of the grid's size and the digit's scale (None: not scaled)

    def undoes(self) -> bool:
        """The fitted correction turns the digits back (a negative slope): the page says by how much."""
        return self.slope is not None and self.slope < 0

    def numbers(self) -> dict:
        s = self.slope
        return {"slope": f"{s:.2f}" if s is not None else "–", "undone": f"{-s:.0%}" if s is not None else "–",
                "r": f"{self.corr:.2f}" if self.corr is not None else "–",
                "rs": f"{self.size_corr:.2f}" if self.size_corr is not None else "–", "n": len(self.frame),
                "lo": f"{self.frame['size'].quantile(0.1):.2f}", "hi": f"{self.frame['size'].quantile(0.9):.2f}"}


def _corr(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 3 or np.std(a) < 1e-9 or np.std(b) < 1e-9:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def learned(res: TrainResult, probe: str = "turned", m: int = 0) -> Learned:
    """The correction and grid size of seed m's transformer on its test digits (``probe``)."""
    probe = probe if probe in PROBES else PROBES[0]
    data = res.data
    x = turned_only(data, m) if probe == "turned" else data.x_test[m]  # (T, 1, S, S)
    with torch.no_grad():
        a = res.nets.theta(x[None], only=m)[0, :, :, :2]  # (T, 2, 2)
    given = data.test.angle[m].numpy().astype(float)
    scale = np.ones_like(given) if probe == "turned" else data.test.scale[m].numpy().astype(float)
    corr = -angle_of(a).numpy().astype(float)  # the turn the warp applies to the digit: the opposite of θ's
    size = scale_of(a).numpy().astype(float)
    frame = pd.DataFrame({"angle": given, "correction": corr, "scale": scale, "size": size,
                          "digit": data.y_test[m].numpy()})
    r = _corr(given, corr)
    slope = float(np.polyfit(given, corr, 1)[0]) if r is not None else None
    return Learned(probe, frame, slope, r, _corr(scale, size))
