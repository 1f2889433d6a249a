"""A live classifier on 2-D data: softmax regression and a small network, trained with nn.CrossEntropyLoss
(or, by the loss switch, with mean squared error after softmax).

All models of one run train as ONE batched computation (full batch, Adam, a fixed number of steps):
model m's parameters are slices [m] of stacked tensors, and each model's loss is its own.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import pandas as pd
import torch

from core import device, rng, train
from core.params import choice, clamp, num
from core.softmax.datasets import DATASETS, Points, points
from core.softmax.formulas import LOSSES, softmax
from core.softmax.models import Models, losses, per_model_loss

LRS = (0.003, 0.01, 0.03, 0.1, 0.3)
STEPS = (50, 100, 200, 400, 800)
HIDDEN = (4, 8, 16, 32, 64)
MODELS = ("softmax regression", "network")  # raw names; pages translate them
SPLITS = ("train", "validation")
EVAL_EVERY = 10  # steps between evaluations of loss and accuracy
GRID = 60  # decision regions: GRID × GRID points
LINEAR_SHORT = 0.8  # preset "spirals": softmax regression "stays far from 100 %" (training accuracy under this)
NET_AHEAD = 0.2  # ... and the network "bends around the arms" (its training accuracy at least this much higher)
MSE_DATA = dict(data="wine", fx=1, fy=4)  # preset "MSE on real data": wine from malic acid and magnesium
MSE_WORSE = 1.1  # ... the network trained on MSE ends with at least this times the training-set cross-entropy


@dataclass(frozen=True)
class ClassifyConfig:
    data: str = choice("wine", DATASETS)  # iris, wine (real, scikit-learn) or blobs, moons, spirals (synthetic)
    fx: int = choice(0, tuple(range(13)))  # real data: the feature on the x axis (wraps past the last one)
    fy: int = choice(6, tuple(range(13)))  # real data: the feature on the y axis
    n: int = num(300, 60, 600, step=30)  # synthetic data: points drawn
    noise: float = num(0.2, 0.0, 1.0, step=0.05)  # synthetic data: how much the classes overlap
    loss: str = choice("cross-entropy", LOSSES, widget="radio")  # cross-entropy on logits, or MSE on softmax
    hidden: int = choice(16, HIDDEN, widget="select_slider")  # the network's hidden ReLU units
    lr: float = choice(0.03, LRS, widget="select_slider")  # Adam's learning rate
    steps: int = choice(200, STEPS, widget="select_slider")  # full-batch updates
    seed: int = num(0, 0, 1_000_000, widget="number")  # data split, synthetic data and initial weights


@dataclass
class Run:
    config: ClassifyConfig
    points: Points
    names: tuple[str, ...]  # raw model names
    history: pd.DataFrame  # step, model, split, loss (the true cross-entropy), accuracy, trained_on (its own loss)
    regions: pd.DataFrame  # model, x1, x2, x1e, x2e (cell), cls (predicted class), p (its probability)
    log: train.TrainLog
    done: int  # steps done

    def final(self, model: str, split: str, column: str = "accuracy") -> float:
        h = self.history[(self.history.model == model) & (self.history.split == split)]
        return float(h[column].iloc[-1]) if len(h) else float("nan")

    def first(self, model: str, split: str = "train", column: str = "trained_on") -> float:
        h = self.history[(self.history.model == model) & (self.history.split == split)]
        return float(h[column].iloc[0]) if len(h) else float("nan")


def train_models(cfg: ClassifyConfig, seeds: list[int], hidden: list[int], kinds: list[str], names: tuple[str, ...],
                 progress: Callable[[Run], None] | None = None, same_start: bool = False) -> list[Run]:
    """The models ``hidden`` (0: softmax regression) on each seed's data, all as ONE batched computation:
    model s * P + j is model j on seed s, with exactly the numbers a run of seed s alone gives. ``kinds``: the
    loss of each of the P models, or of each of the S * P (a seed may then appear twice, with other losses)."""
    P, S = len(hidden), len(seeds)
    pts = [points(replace(cfg, seed=s)) for s in seeds]
    C = max(p.classes for p in pts)
    models = Models.concat([Models(hidden, C, rng.generator(s, "softmax.init"), same_start) for s in seeds])
    opt = torch.optim.Adam(models.parameters(), lr=cfg.lr, **device.optimizer_impl())
    per = lambda ts: torch.stack(ts).repeat_interleave(P, 0)  # noqa: E731 - (S, ...) per seed -> (M, ...)
    sets = {"train": (per([p.x[torch.from_numpy(p.train)] for p in pts]),  # (M, N_tr, 2)
                      per([p.y[torch.from_numpy(p.train)] for p in pts])),  # (M, N_tr)
            "validation": (per([p.x[torch.from_numpy(~p.train)] for p in pts]),  # (M, N_va, 2)
                           per([p.y[torch.from_numpy(~p.train)] for p in pts]))}  # (M, N_va)
    all_kinds = list(kinds) * S if len(kinds) == P else list(kinds)  # per model: P kinds for every seed, or M
    rows: list[tuple] = []

    @torch.no_grad()
    def evaluate(step: int) -> None:
        for split, (x, y) in sets.items():
            z = models(x)  # (M, n, C)
            ce = per_model_loss(z, y, "cross-entropy").tolist()
            acc = (z.argmax(-1) == y).float().mean(-1).tolist()
            own = losses(z, y, all_kinds).tolist()
            rows.extend((step, m, split, ce[m], acc[m], own[m]) for m in range(len(ce)))

    def step(i: int) -> torch.Tensor:
        x, y = sets["train"]
        out = train.batched_step(opt, losses(models(x), y, all_kinds))  # (M,)
        if (i + 1) % EVAL_EVERY == 0 or i + 1 == cfg.steps:
            evaluate(i + 1)
        return out

    def results(log: train.TrainLog) -> list[Run]:
        hist = pd.DataFrame(rows, columns=["step", "m", "split", "loss", "accuracy", "trained_on"])
        out = []
        for s, seed in enumerate(seeds):
            h = hist[(hist.m >= s * P) & (hist.m < (s + 1) * P)].copy()
            h.insert(1, "model", [names[m % P] for m in h.m])
            out.append(Run(replace(cfg, seed=seed), pts[s], names, h.drop(columns="m").reset_index(drop=True),
                           _regions(models, pts[s], names, s * P), log, log.steps))
        return out

    evaluate(0)
    log = train.run(step, cfg.steps, progress=None if progress is None else (lambda lg: progress(results(lg)[0])),
                    stop_on="all")
    return results(log)


@torch.no_grad()
def _regions(models: Models, pts: Points, names: tuple[str, ...], first: int) -> pd.DataFrame:
    """Predicted class and its probability on a GRID × GRID grid over the data, models first.. first + P."""
    lo, hi = pts.x.min(0).values - 0.3, pts.x.max(0).values + 0.3
    a = torch.linspace(float(lo[0]), float(hi[0]), GRID)
    b = torch.linspace(float(lo[1]), float(hi[1]), GRID)
    gx, gy = torch.meshgrid(a, b, indexing="xy")
    g = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)  # (G², 2)
    p = softmax(models.subset(first, len(names))(g))  # (P, G², C)
    conf, cls = p.max(-1)  # (P, G²)
    dx, dy = float(a[1] - a[0]), float(b[1] - b[0])
    return pd.concat([pd.DataFrame({"model": name, "x1": g[:, 0].numpy(), "x2": g[:, 1].numpy(),
                                    "x1e": g[:, 0].numpy() + dx, "x2e": g[:, 1].numpy() + dy,
                                    "cls": cls[m].numpy(), "p": conf[m].numpy()})
                      for m, name in enumerate(names)], ignore_index=True)


def classify_seeds(cfg: ClassifyConfig, seeds) -> list[Run]:
    """``classify`` on each of ``seeds`` (cfg.seed ignored), as one batched computation."""
    cfg = clamp(cfg)
    return train_models(cfg, [int(s) for s in seeds], [0, cfg.hidden], [cfg.loss, cfg.loss], MODELS)


def classify(cfg: ClassifyConfig = ClassifyConfig(), progress: Callable[[Run], None] | None = None) -> Run:
    """Softmax regression and a network, trained together on the configured data with the chosen loss."""
    cfg = clamp(cfg)
    return train_models(cfg, [cfg.seed], [0, cfg.hidden], [cfg.loss, cfg.loss], MODELS, progress)[0]


def mse_seeds(cfg: ClassifyConfig, seeds) -> list[tuple[Run, Run]]:
    """(trained on cross-entropy, trained on MSE) per seed of ``seeds``: ``classify`` with each loss (the same
    data and start), all as ONE batched computation (cfg.seed and cfg.loss ignored)."""
    cfg, seeds = clamp(cfg), [int(s) for s in seeds]
    kinds = ["cross-entropy"] * 2 * len(seeds) + ["MSE"] * 2 * len(seeds)  # model by model: seeds, then again
    runs = train_models(cfg, seeds * 2, [0, cfg.hidden], kinds, MODELS)
    runs = [replace(r, config=replace(r.config, loss=k)) for r, k in zip(runs, kinds[::2])]
    return list(zip(runs[:len(seeds)], runs[len(seeds):]))


def mse_facts(ce: Run, mse: Run) -> dict:
    """The preset "MSE on real data": each model's final training-set cross-entropy when trained on MSE, as a
    multiple of the same model's trained on cross-entropy (same data, start and steps), and under "holds"
    whether the preset's sentence holds: the network's at least MSE_WORSE times ("worse")."""
    ratio = {m: mse.final(m, "train", "loss") / ce.final(m, "train", "loss") for m in MODELS}
    return dict(ratio=ratio, holds={"worse": bool(ratio[MODELS[1]] >= MSE_WORSE)})


def classify_facts(run: Run) -> dict:
    """The numbers the page states (each model's final accuracy per split, its final training-set
    cross-entropy) and under "holds" whether the spirals preset's claim holds on this run: softmax
    regression under LINEAR_SHORT training accuracy, the network at least NET_AHEAD above it."""
    acc = {(m, s): run.final(m, s) for m in MODELS for s in SPLITS}
    lin, net = acc[MODELS[0], "train"], acc[MODELS[1], "train"]
    return dict(accuracy=acc, ce_lin=run.final(MODELS[0], "train", "loss"), ce_net=run.final(MODELS[1], "train", "loss"),
                holds={"bends": bool(lin < LINEAR_SHORT and net > lin + NET_AHEAD)})
