"""One size in, the resize part: a digit at another size, rescaled to the size the race's networks were trained
on, before and after, with what each network says of each.

A test digit of the race (its 8 × 8 original, as scikit-learn ships it) is drawn at ``size`` × ``size`` (grown
with ``F.interpolate``, shrunk with ``F.adaptive_avg_pool2d``), as a digit written larger or smaller would be.
Before: the CNN reads that image as it is (its global max pooling takes any size; its 3 × 3 filters learned
strokes of the 8 × 8 digits' width); the fully connected network cannot read it at all (its first layer has one
weight per input pixel of the training size). After: the image rescaled back to 8 × 8 (``F.adaptive_avg_pool2d``
when shrinking, ``F.interpolate`` when growing) and placed on the networks' canvas as a drawing is (the centre of
the 12 × 12 canvas, or as it is for 8 × 8 digits): both networks read it.

``resize_accuracy`` measures both ways on all test digits of every seed of a run at once (the tests' claim on ten
seeds); ``resize_checked`` says whether a setting is the one that claim checks.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from core.convolution.digits import CANVAS, digits, place
from core.convolution.probe import answers, predict
from core.convolution.facts import SEEDS_CHECKED
from core.convolution.race import RaceConfig, RaceResult
from core.params import choice, clamp

SIZES = (4, 6, 16, 24, 32)  # sides a digit is drawn at (the networks' digits are 8 × 8)
DIGIT = 8
MIN_GAIN = 0.20  # "rescaled helps": the CNN's test accuracy rescaled above as-is by more than this (every seed)
CHECKED_SIZE = 24  # the size the claim is checked at (the part's default)


@dataclass(frozen=True)
class ResizeView:
    drawn_at: int = choice(CHECKED_SIZE, SIZES, widget="select_slider")  # side the test digit is drawn at


def rescale(img: torch.Tensor, size: int) -> torch.Tensor:
    """Images (..., n, n) at ``size`` × ``size``: shrunk by area averaging (F.adaptive_avg_pool2d), grown by
    bilinear interpolation (F.interpolate)."""
    lead, n = img.shape[:-2], img.shape[-1]
    x = img.reshape(-1, 1, n, n)  # (K, 1, n, n)
    if size < n:
        out = F.adaptive_avg_pool2d(x, size)
    elif size > n:
        out = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    else:
        out = x
    return out.reshape(*lead, size, size)


def to_input(img: torch.Tensor, side: int) -> torch.Tensor:
    """Images (..., n, n) as the networks read them: rescaled to 8 × 8, then on the canvas's centre (side 12)."""
    d = rescale(img, DIGIT)  # (..., 8, 8)
    if side == DIGIT:
        return d
    flat = d.reshape(-1, DIGIT, DIGIT)
    off = torch.full((flat.shape[0],), (CANVAS - DIGIT) // 2)
    return place(flat, off, off).reshape(*d.shape[:-2], CANVAS, CANVAS)


@dataclass
class Resized:
    size: int
    label: int  # the test digit's true label
    drawn: np.ndarray  # (size, size) the digit at the other size (before)
    fed: np.ndarray  # (S, S) rescaled to the networks' input (after)
    before: np.ndarray  # (10,) the CNN's probabilities on the image as it is
    after: dict  # predict() of the rescaled image: each network's probabilities
    says: dict  # answers(after), and b, pb: the digit the CNN says before and its probability


def resized(res: RaceResult, pick: int, size: int) -> Resized:
    """Test digit ``pick`` of seed 0 of the run, drawn at ``size`` × ``size``, before and after rescaling."""
    size = size if size in SIZES else CHECKED_SIZE
    i = int(pick) % res.data.test_idx.shape[1]
    orig = digits()[0][int(res.data.test_idx[0, i])]  # (8, 8)
    drawn = rescale(orig, size)  # (size, size)
    r = res.racers
    x = drawn.reshape(1, 1, 1, size, size).expand(r.M, 1, 1, size, size)  # (M, 1, 1, size, size)
    with torch.no_grad():
        before = F.softmax(r.cnn(x)[0, 0], -1).numpy()
    fed = to_input(drawn, r.side)
    after = predict(res, fed)
    says = {**answers(after), "b": int(before.argmax()), "pb": float(before.max())}
    return Resized(size, int(res.data.y_test[0, i]), drawn.numpy(), fed.numpy(), before, after, says)


def resize_accuracy(res: RaceResult, size: int) -> np.ndarray:
    """(M, 2) the CNN's test accuracy on every seed's test digits drawn at ``size``: as they are, rescaled."""
    x, _ = digits()
    drawn = rescale(x[res.data.test_idx], size)  # (M, T, size, size)
    r = res.racers
    with torch.no_grad():
        as_is = r.cnn(drawn[:, :, None]).argmax(-1)  # (M, T)
        fed = r.cnn(to_input(drawn, r.side)[:, :, None]).argmax(-1)
    y = res.data.y_test
    return torch.stack([(as_is == y).float().mean(1), (fed == y).float().mean(1)], 1).numpy()


def resize_gains(acc: np.ndarray) -> dict:
    """What the page states of seed 0 of ``resize_accuracy``: both accuracies, and whether rescaling helps by more
    than MIN_GAIN."""
    return {"as_is": float(acc[0, 0]), "fed": float(acc[0, 1]), "helps": bool(acc[0, 1] > acc[0, 0] + MIN_GAIN)}


def resize_checked(race: RaceConfig, size: int) -> bool:
    """True for the setting the claim test checks on SEEDS_CHECKED seeds: the race's defaults (any seed) and a digit
    drawn at CHECKED_SIZE. Only there does the page say what those seeds showed."""
    return replace(clamp(race), seed=0) == RaceConfig() and size == CHECKED_SIZE


SAID = {"at": CHECKED_SIZE, "gain": round(MIN_GAIN * 100), "seeds": SEEDS_CHECKED}  # as the checked sentence says
