"""Softmax widens the gaps (the notes: "同时使大小差距更大"): the lab's logits, when every one is positive, as
shares of their sum y_i / Σ_j y_j beside softmax at T = 1, and what is true of the comparison.

What holds, exactly: the ratio of two shares is y_i / y_j after dividing by the sum, and e^(y_i − y_j) after
softmax. For y_i > y_j ≥ 1, e^(y_i − y_j) > y_i / y_j (y − ln y grows for y ≥ 1), so when every logit is at
least WIDE_FROM, softmax widens EVERY ratio between two shares; then the largest share grows and the smallest
shrinks (1 / share_max = Σ_j share_j / share_max, and each term shrinks). Below 1 it can fail: softmax sees
only the differences of the logits, the sum their ratios, and small logits have small differences (0.1 and
0.01: 91 % of the sum, but 52 % under softmax). So the page decides, for the logits the sliders show, whether
the largest share grew and the smallest shrank (``gaps``), and states the rule only where it holds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.softmax.formulas import softmax

WIDE_FROM = 1.0  # every logit at least this: softmax widens every gap between two shares (proved above, tested)
TIE = 1e-9  # shares closer than this count as equal (the sliders' logits are multiples of 0.1)
GAPS_PRESET = (3.0, 2.0, 1.0)  # the preset's logits y1, y2, y3: all at least WIDE_FROM
SMALL_EXAMPLE = (1.5, 0.2, 0.1)  # logits the page offers where softmax narrows the gaps (two below WIDE_FROM)
VERDICTS = ("wider", "narrower", "mixed", "equal", "nonpositive")


@dataclass(frozen=True)
class Gaps:
    logits: np.ndarray  # (C,) y
    soft: np.ndarray  # (C,) softmax(y) at T = 1
    share: np.ndarray  # (C,) y / Σ y (zeros when a logit is not positive: no share is drawn then)
    verdict: str  # one of VERDICTS: both ends moved apart, both moved together, one of each, all equal, not positive
    top: int  # 0-based class of the largest logit (the first, on a tie)
    bottom: int  # 0-based class of the smallest logit (the last, on a tie)
    all_wide: bool  # every logit is at least WIDE_FROM: every gap widens, by the rule

    @property
    def positive(self) -> bool:
        return self.verdict != "nonpositive"

    @property
    def max_soft(self) -> float:
        return float(self.soft[self.top])

    @property
    def max_share(self) -> float:
        return float(self.share[self.top])

    @property
    def min_soft(self) -> float:
        return float(self.soft[self.bottom])

    @property
    def min_share(self) -> float:
        return float(self.share[self.bottom])


def verdict(soft: np.ndarray, share: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """The verdict (VERDICTS) of each row of (..., C) arrays: softmax's largest share above the sum's and its
    smallest below ("wider"), the reverse ("narrower"), one of each ("mixed"), every logit equal ("equal"),
    some logit ≤ 0 ("nonpositive"). Vectorised, so a test can judge many logit vectors at once."""
    top_up = soft.max(-1) > share.max(-1) + TIE
    top_down = soft.max(-1) < share.max(-1) - TIE
    bottom_down = soft.min(-1) < share.min(-1) - TIE
    bottom_up = soft.min(-1) > share.min(-1) + TIE
    out = np.full(soft.shape[:-1], "mixed", dtype=object)
    out[top_up & bottom_down] = "wider"
    out[top_down & bottom_up] = "narrower"
    out[logits.max(-1) - logits.min(-1) <= TIE] = "equal"
    out[(logits <= 0).any(-1)] = "nonpositive"
    return out


def shares(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(softmax at T = 1, y / Σ y) of (..., C) logits, in float64; the shares are 0 where a logit is ≤ 0."""
    z = torch.as_tensor(np.asarray(logits, dtype=np.float64))  # (..., C)
    soft = softmax(z).numpy()
    ok = (z > 0).all(-1, keepdim=True)
    share = torch.where(ok, z / z.sum(-1, keepdim=True).where(ok, torch.ones_like(z[..., :1])), 0.0).numpy()
    return soft, share


def gaps(logits) -> Gaps:
    """The comparison for one vector of logits (C,) (a few microseconds: no training)."""
    z = np.asarray(logits, dtype=np.float64).ravel()  # (C,)
    soft, share = shares(z)
    return Gaps(z, soft, share, str(verdict(soft[None], share[None], z[None])[0]), int(np.argmax(z)),
                int(len(z) - 1 - np.argmin(z[::-1])), bool((z >= WIDE_FROM).all()))
