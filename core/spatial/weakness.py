"""The weakness: the convolution page's CNN, trained on upright digits placed anywhere on its 12×12 canvas
(its "Digits anywhere" race, ``CONV``), reads one digit turned and scaled about the canvas's centre. Its answer
and its confidence against the angle and against the scale show where it breaks.

The digit is one of that race's test digits, put upright at the centre, or a drawing (``core.convolution.
from_drawing``: centred on the same canvas), which is labelled with what the CNN reads in it upright.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import convolution as cv
from core.params import num
from core.spatial.warp import rotation, warp

CONV = cv.RaceConfig(placement="random")  # the convolution page's race whose CNN is looked at (seed: the page's)
ANGLES = tuple(range(-180, 181, 15))  # the angle curve's points (degrees)
SCALES = tuple(round(0.5 + 0.1 * i, 1) for i in range(11))  # the scale curve's points


@dataclass(frozen=True)
class WeakView:
    pick: int = num(6, 0, cv.N_TEST - 1)  # which test digit of the convolution race
    turn: int = num(0, -180, 180, step=5)  # the digit turned by this many degrees (counterclockwise)
    size: float = num(1.0, 0.5, 1.5, step=0.05)  # and scaled by this factor


def upright(res: cv.RaceResult, pick: int) -> tuple[torch.Tensor, int]:
    """Test digit ``pick`` of the race (seed 0), upright at the centre of its canvas (S, S), and its label."""
    i = int(pick) % res.data.test_idx.shape[1]
    x, y = cv.digits()
    idx = int(res.data.test_idx[0, i])
    off = torch.tensor([(cv.CANVAS - 8) // 2])
    return cv.place(x[idx][None], off, off)[0], int(y[idx])


def turn(img: torch.Tensor, angles, scales) -> torch.Tensor:
    """An image (S, S) turned by each angle (degrees, counterclockwise) and scaled by each scale about its centre
    (blank around it) -> (K, S, S)."""
    a = torch.as_tensor(angles, dtype=torch.float32).reshape(-1)
    s = torch.as_tensor(scales, dtype=torch.float32).reshape(-1)
    a, s = torch.broadcast_tensors(a, s)
    inv = rotation(-a) / s[:, None, None]  # (K, 2, 2): each output pixel reads the digit before the turn
    theta = torch.cat([inv, torch.zeros(len(a), 2, 1)], -1)
    x = img[None, None].expand(len(a), 1, *img.shape)
    return warp(x, theta, padding="zeros")[:, 0]


def probabilities(res: cv.RaceResult, imgs: torch.Tensor) -> np.ndarray:
    """The race's CNN (seed 0) on images (K, S, S) -> probabilities (K, 10)."""
    r = res.racers
    x = imgs[None, :, None].expand(r.M, -1, 1, -1, -1)  # (M, K, 1, S, S)
    with torch.no_grad():
        return F.softmax(r.cnn(x)[0], -1).numpy()


@dataclass
class Weak:
    shown: np.ndarray  # (S, S) the digit turned and scaled
    label: int  # its true digit (a test digit) or what the CNN reads in it upright (a drawing)
    probs: np.ndarray  # (10,) the CNN's probabilities for the shown digit
    angles: pd.DataFrame  # angle, p (of the label), read (the CNN's answer), right: at the current scale
    scales: pd.DataFrame  # scale, p, read, right: at the current angle
    view: WeakView

    def numbers(self) -> dict:
        """What the page writes: the label, the answer now and its probability, where the answer stays right."""
        read = int(self.probs.argmax())
        lo, hi = holds(self.angles, "angle")
        return {"label": self.label, "read": read, "p": f"{self.probs[read]:.0%}",
                "pl": f"{self.probs[self.label]:.0%}", "angle": self.view.turn, "scale": f"{self.view.size:g}",
                "lo": lo, "hi": hi}


def holds(curve: pd.DataFrame, x: str) -> tuple:
    """The run of curve points around the middle of the curve (0°, or scale 1) where the answer is right, as
    (first, last) values; ("–", "–") when it is wrong there."""
    mid = int(np.argmin(np.abs(curve[x].to_numpy() - (0.0 if x == "angle" else 1.0))))
    right = curve["right"].to_numpy()
    if not right[mid]:
        return "–", "–"
    lo = hi = mid
    while lo > 0 and right[lo - 1]:
        lo -= 1
    while hi < len(right) - 1 and right[hi + 1]:
        hi += 1
    return curve[x].iloc[lo].item(), curve[x].iloc[hi].item()


def _curve(res, img, label, angles, scales, x: str) -> pd.DataFrame:
    p = probabilities(res, turn(img, angles, scales))
    read = p.argmax(1)
    return pd.DataFrame({x: angles if x == "angle" else scales, "p": p[:, label], "read": read,
                         "right": read == label})


def weakness(res: cv.RaceResult, img: torch.Tensor, label: int | None, view: WeakView) -> Weak:
    """The digit ``img`` (S, S) under the race's CNN: turned and scaled as ``view`` says, and along both curves.
    ``label`` None (a drawing): the digit the CNN reads in it upright."""
    if label is None:
        label = int(probabilities(res, img[None])[0].argmax())
    shown = turn(img, [view.turn], [view.size])
    ang = _curve(res, img, label, list(ANGLES), [view.size] * len(ANGLES), "angle")
    sca = _curve(res, img, label, [view.turn] * len(SCALES), list(SCALES), "scale")
    return Weak(shown[0].numpy(), label, probabilities(res, shown)[0], ang, sca, view)


def weak_test(res: cv.RaceResult, view: WeakView) -> Weak:
    """``weakness`` of test digit ``view.pick`` (what the page shares between sessions)."""
    img, label = upright(res, view.pick)
    return weakness(res, img, label, view)
