"""A CNN trained live against a fully connected network with no more parameters, on scikit-learn's digits.

Both networks (and, for the claim tests, both networks for many seeds) train as ONE computation: Adam on
stacked parameters, each model's cross-entropy its own, one backward per step (``train.batched_step``),
the same minibatch positions for every model (each seed has its own split and placements). Every setting
runs a fixed number of steps.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import device, rng, train
from core.convolution.digits import PLACEMENTS, Split, augment, side, split
from core.convolution.nets import Racers, cnn_params, fc_params
from core.params import choice, clamp, flag, num

MODELS = ("CNN", "fully connected")  # raw names; pages translate them
N_TRAIN = (100, 200, 500, 1000)
FILTERS = (4, 8, 16)
STEPS = (100, 200, 300, 400)
BATCH = 64
LR = 0.01
EVAL_EVERY = 25  # steps between measurements of the accuracies
N_EVAL_TRAIN = 100  # training images measured for the training accuracy


@dataclass(frozen=True)
class RaceConfig:
    placement: str = choice("unseen", PLACEMENTS, widget="radio")  # where digits sit (unseen: test spots untrained)
    n_train: int = choice(500, N_TRAIN, widget="select_slider")  # training images
    filters: int = choice(8, FILTERS, widget="select_slider")  # the CNN's first-layer filters (the second: twice that)
    steps: int = choice(200, STEPS, widget="select_slider")  # Adam updates on minibatches of 64
    augment: bool = flag(False)  # train on randomly shifted (±1 px) and rotated (±10°) copies
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, placements, initial weights, minibatches


@dataclass
class RaceResult:
    config: RaceConfig
    history: pd.DataFrame  # step, model, split ("train"/"test"), accuracy: seed 0 of the run
    accuracy: np.ndarray  # (M, 2) final test accuracy of each seed's CNN and fully connected network
    params: dict[str, int]  # parameter count of each model
    confusion: dict[str, np.ndarray]  # model -> (10, 10) counts, rows: true digit, columns: predicted (seed 0)
    racers: Racers  # the trained weights (read-only)
    data: Split  # the split of each seed (read-only)
    log: train.TrainLog
    seconds: float

    def numbers(self) -> dict[str, int]:
        """What the page writes about the run: each network's parameters (pc, pf), the filters of the CNN's two
        layers (c, c2), the fully connected network's hidden units h, training images n and steps s, and how
        many test and training digits the curves measure."""
        c = self.config
        return {"pc": self.params["CNN"], "pf": self.params["fully connected"], "h": self.racers.h, "c": c.filters,
                "c2": 2 * c.filters, "n": c.n_train, "s": c.steps, "tests": int(self.data.x_test.shape[1]),
                "trains": min(N_EVAL_TRAIN, c.n_train)}


def _accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (logits.argmax(-1) == y).float().mean(-1)  # (M,)


def race(cfg: RaceConfig, seeds: list[int] | None = None, progress=None) -> RaceResult:
    """Train the CNN and the fully connected network for ``cfg`` (on ``cfg.seed``, or on every seed of
    ``seeds`` at once). ``progress(partial RaceResult)`` is called while training."""
    cfg = clamp(cfg)
    seeds = [cfg.seed] if seeds is None else [int(s) for s in seeds]
    data = split(cfg.placement, cfg.n_train, seeds)
    s = side(cfg.placement)
    dev = device.choose_device("large" if len(seeds) * cfg.n_train >= 4000 else "tiny")
    racers = Racers(cfg.filters, s, [rng.generator(x, "convolution.race_init") for x in seeds])
    if dev.type != "cpu":
        for p in racers.parameters():
            p.data = p.data.to(dev)
    xtr, ytr = data.x_train.to(dev), data.y_train.to(dev)
    xte, yte = data.x_test.to(dev), data.y_test.to(dev)
    n_eval = min(N_EVAL_TRAIN, cfg.n_train)
    opt = torch.optim.Adam(racers.parameters(), lr=LR, **device.optimizer_impl())
    g = rng.generator(seeds[0], "convolution.race_batches")
    sampler = train.EpochSampler(cfg.n_train, BATCH, g, device=dev)
    rows: list[tuple] = []

    def measure(step: int) -> None:
        with torch.no_grad():
            for name, fn in zip(MODELS, (racers.cnn, racers.fc)):
                te = _accuracy(fn(xte), yte)
                trn = _accuracy(fn(xtr[:, :n_eval]), ytr[:, :n_eval])
                rows.append((step, name, "train", float(trn[0])))
                rows.append((step, name, "test", float(te[0])))

    def step(i: int) -> torch.Tensor:
        idx = sampler(i)
        xb, yb = xtr[:, idx], ytr[:, idx]  # (M, B, 1, S, S), (M, B)
        if cfg.augment:
            xb = augment(xb.cpu(), g).to(dev)
        losses = [F.cross_entropy(fn(xb).transpose(1, 2), yb, reduction="none").mean(1)
                  for fn in (racers.cnn, racers.fc)]  # 2 × (M,)
        out = train.batched_step(opt, torch.cat(losses))
        if (i + 1) % EVAL_EVERY == 0 or i + 1 == cfg.steps:
            measure(i + 1)
        return out

    def report(log: train.TrainLog) -> None:
        if progress is not None:
            progress(_result(cfg, rows, racers, data, log, np.zeros((len(seeds), 2)), {}, s))

    measure(0)
    log = train.run(step, cfg.steps, progress=report if progress is not None else None, stop_on="all")
    with torch.no_grad():
        preds = [fn(xte).argmax(-1).cpu() for fn in (racers.cnn, racers.fc)]  # 2 × (M, T)
    acc = np.stack([(p == data.y_test).float().mean(1).numpy() for p in preds], axis=1)  # (M, 2)
    conf = {}
    for name, p in zip(MODELS, preds):
        cm = np.zeros((10, 10), dtype=np.int64)
        np.add.at(cm, (data.y_test[0].numpy(), p[0].numpy()), 1)
        conf[name] = cm
    if dev.type != "cpu":
        for p in racers.parameters():
            p.data = p.data.cpu()
    return _result(cfg, rows, racers, data, log, acc, conf, s)


def _result(cfg, rows, racers, data, log, acc, conf, s) -> RaceResult:
    hist = pd.DataFrame(rows, columns=["step", "model", "split", "accuracy"])
    params = {"CNN": cnn_params(cfg.filters), "fully connected": fc_params(s, racers.h)}
    return RaceResult(cfg, hist, acc, params, conf, racers, data, log, log.seconds)
