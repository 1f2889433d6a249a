"""The race's trained networks (seed 0 of the run) on one digit: each network's probabilities, the CNN's
first-layer feature maps, and each network's confidence in the digit as it moves sideways. The draw part
shows a test digit (``pick``) or one drawn with the mouse; the race part shows a test digit's maps.

``maps_of(res, pick)`` and ``look_at(res, pick, move)`` are what a page computes once per setting for everyone
(everything they read is in their arguments); ``look_drawn`` is computed for a drawing each time it is seen."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core.convolution.digits import shift_image
from core.convolution.race import MODELS, RaceResult

MAX_MOVE = 4  # the draw part moves a digit up to this many pixels either way
MOVES = tuple(range(-MAX_MOVE, MAX_MOVE + 1))  # sideways moves along the confidence curve


def digit_of(res: RaceResult, pick: int) -> tuple[torch.Tensor, int]:
    """Test image ``pick`` of seed 0 of the run (S, S) and its label."""
    i = int(pick) % res.data.x_test.shape[1]
    return res.data.x_test[0, i, 0], int(res.data.y_test[0, i])


def predict(res: RaceResult, img: torch.Tensor) -> dict:
    """Both trained networks (seed 0 of the run) on one image (S, S): probabilities of each model (10,),
    and the CNN's first-layer maps (c, S, S)."""
    r = res.racers
    x = img.reshape(1, 1, 1, *img.shape).expand(r.M, 1, 1, *img.shape)  # (M, 1, 1, S, S)
    with torch.no_grad():
        maps, _, logits = r.cnn_maps(x)
        pf = F.softmax(r.fc(x)[0, 0], -1)
    return {"CNN": F.softmax(logits[0, 0], -1).numpy(), "fully connected": pf.numpy(), "maps": maps[0, 0].numpy()}


def shift_curve(res: RaceResult, img: torch.Tensor, label: int) -> pd.DataFrame:
    """Each network's probability of the true ``label`` as the image (S, S) moves by MOVES pixels
    sideways: columns shift, model, p."""
    x = torch.stack([shift_image(img, dx) for dx in MOVES])  # (9, S, S)
    r = res.racers
    xb = x[None, :, None].expand(r.M, -1, 1, -1, -1)  # (M, 9, 1, S, S)
    with torch.no_grad():
        pc = F.softmax(r.cnn(xb)[0], -1)[:, label].numpy()
        pf = F.softmax(r.fc(xb)[0], -1)[:, label].numpy()
    return pd.DataFrame({"shift": list(MOVES) * 2, "model": [MODELS[0]] * len(MOVES) + [MODELS[1]] * len(MOVES),
                         "p": np.concatenate([pc, pf])})


def answers(pred: dict) -> dict:
    """What each network says of ``predict``'s image: the digit (c: the CNN, f: the fully connected network)
    and its probability (pc, pf)."""
    c, f = (int(pred[m].argmax()) for m in MODELS)
    pc, pf = (float(pred[m].max()) for m in MODELS)
    return {"c": c, "pc": pc, "f": f, "pf": pf}


def read_as(res: RaceResult, img: torch.Tensor) -> int:
    """The digit the CNN reads in an image (S, S) (a drawing has no label of its own)."""
    return answers(predict(res, img))["c"]


def maps_of(res: RaceResult, pick: int) -> np.ndarray:
    """The CNN's first-layer feature maps (c, S, S) of test digit ``pick``."""
    return predict(res, digit_of(res, pick)[0])["maps"]


@dataclass
class Look:
    """What the draw part shows of one digit under the trained networks."""
    shown: np.ndarray  # (S, S) the digit moved sideways
    label: int  # its true digit (a test digit), or the digit the CNN reads in it (a drawing)
    pred: dict  # predict() of the moved digit: each network's probabilities, the CNN's maps
    says: dict  # answers(pred)
    curve: pd.DataFrame  # shift_curve() of the digit: each network's confidence in ``label`` at every move


def look(res: RaceResult, img: torch.Tensor, label: int, move: int) -> Look:
    """A digit (S, S) with its label, moved ``move`` pixels sideways, under the networks of ``res``."""
    shown = shift_image(img, move)
    pred = predict(res, shown)
    return Look(shown.numpy(), label, pred, answers(pred), shift_curve(res, img, label))


def look_at(res: RaceResult, pick: int, move: int) -> Look:
    """``look`` at test digit ``pick`` (its true label)."""
    return look(res, *digit_of(res, pick), move)


def look_drawn(res: RaceResult, drawn: torch.Tensor, move: int) -> Look:
    """``look`` at a drawing (S, S): labelled with the digit the CNN reads in it, unmoved."""
    return look(res, drawn, read_as(res, drawn), move)
