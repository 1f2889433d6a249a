"""A live classifier on 2-D data: softmax regression and a small network, trained with nn.CrossEntropyLoss
(or, by the loss switch, with mean squared error after softmax), and the PyTorch pitfall: passing softmax
outputs to nn.CrossEntropyLoss, which applies softmax itself.

All models of one run train as ONE batched computation (full batch, Adam, a fixed number of steps):
model m's parameters are slices [m] of stacked tensors, and each model's loss is its own.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import rng, train
from core.params import choice, clamp, num
from core.softmax import LOSSES, softmax
from core.softmax_data import DATASETS, FEATURES, REAL, SYNTHETIC, Points, points  # noqa: F401 - page API

LRS = (0.003, 0.01, 0.03, 0.1, 0.3)
STEPS = (50, 100, 200, 400, 800)
HIDDEN = (4, 8, 16, 32, 64)
MODELS = ("softmax regression", "network")  # raw names; pages translate them
PITFALL = ("logits", "softmax outputs")  # what nn.CrossEntropyLoss was given
EVAL_EVERY = 10  # steps between evaluations of loss and accuracy
GRID = 60  # decision regions: GRID × GRID points


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


class Models:
    """M models as stacked parameters: model m is softmax regression (``hidden[m] == 0``: logits = x W + b)
    or a network with one ReLU layer (logits = ReLU(x W1 + b1) W2 + b2). Initialised as nn.Linear is."""

    def __init__(self, hidden: list[int], classes: int, g: torch.Generator, same_start: bool = False):
        H = max(max(hidden), 1)
        M = len(hidden)

        def uniform(shape, fan_in):
            b = 1.0 / fan_in ** 0.5
            return (torch.rand(shape, generator=g) * 2 - 1) * b

        self.W1, self.b1 = uniform((M, 2, H), 2), uniform((M, 1, H), 2)  # (M, 2, H), (M, 1, H)
        self.W2, self.b2 = uniform((M, H, classes), H), uniform((M, 1, classes), H)  # (M, H, C), (M, 1, C)
        self.Wl, self.bl = uniform((M, 2, classes), 2), uniform((M, 1, classes), 2)  # linear: (M, 2, C)
        mask = (torch.arange(H)[None, :] < torch.tensor(hidden)[:, None]).float()  # (M, H): units a net has
        self.mask = mask[:, None, :]  # (M, 1, H)
        self.W2 *= mask[:, :, None]
        if same_start:  # every model starts from model 0's weights
            for t in self.parameters():
                t.copy_(t[:1].expand_as(t))
        self.linear = torch.tensor([h == 0 for h in hidden])[:, None, None]  # (M, 1, 1): softmax regression
        for t in self.parameters():
            t.requires_grad_(True)

    @staticmethod
    def concat(parts: list["Models"]) -> "Models":
        """One stack of the models of several seeds (each initialised from its own generator)."""
        out = object.__new__(Models)
        for k in ("W1", "b1", "W2", "b2", "Wl", "bl"):
            setattr(out, k, torch.cat([getattr(p, k).detach() for p in parts]).requires_grad_(True))
        out.mask = torch.cat([p.mask for p in parts])
        out.linear = torch.cat([p.linear for p in parts])
        return out

    def parameters(self) -> list[torch.Tensor]:
        return [self.W1, self.b1, self.W2, self.b2, self.Wl, self.bl]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 2) or (M, N, 2) -> logits (M, N, C)."""
        h = torch.relu(x @ self.W1 + self.b1) * self.mask  # (M, N, H)
        return torch.where(self.linear, x @ self.Wl + self.bl, h @ self.W2 + self.b2)


def per_model_loss(logits: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """logits (M, N, C), y (N,) or (M, N) -> (M,). ``kind``: "cross-entropy" (nn.CrossEntropyLoss on the
    logits), "MSE" (squared error of softmax against one-hot, summed over classes) or "softmax outputs" (the
    pitfall: nn.CrossEntropyLoss given softmax outputs, so softmax is applied twice)."""
    M, N, C = logits.shape
    y = y.expand(M, N)
    if kind == "MSE":
        return (softmax(logits) - F.one_hot(y, C).float()).square().sum(-1).mean(-1)
    inp = softmax(logits) if kind == "softmax outputs" else logits
    return F.cross_entropy(inp.reshape(M * N, C), y.reshape(-1), reduction="none").view(M, N).mean(-1)


def _losses(z: torch.Tensor, y: torch.Tensor, kinds: list[str]) -> torch.Tensor:
    """(M,) model m's loss of kind kinds[m]: one call per distinct kind."""
    out = torch.zeros(z.shape[0])
    for k in set(kinds):
        use = torch.tensor([kk == k for kk in kinds])  # (M,)
        out = torch.where(use, per_model_loss(z, y, k), out)
    return out


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


def _train(cfg: ClassifyConfig, seeds: list[int], hidden: list[int], kinds: list[str], names: tuple[str, ...],
           progress: Callable[[Run], None] | None = None, same_start: bool = False) -> list[Run]:
    """The models ``hidden`` (0: softmax regression) on each seed's data, all as ONE batched computation:
    model s * P + j is model j on seed s, with exactly the numbers a run of seed s alone gives."""
    P, S = len(hidden), len(seeds)
    pts = [points(replace(cfg, seed=s)) for s in seeds]
    C = max(p.classes for p in pts)
    models = Models.concat([Models(hidden, C, rng.generator(s, salt=12), same_start) for s in seeds])
    opt = torch.optim.Adam(models.parameters(), lr=cfg.lr, foreach=True)
    per = lambda ts: torch.stack(ts).repeat_interleave(P, 0)  # noqa: E731 - (S, ...) per seed -> (M, ...)
    sets = {"train": (per([p.x[torch.from_numpy(p.train)] for p in pts]),  # (M, N_tr, 2)
                      per([p.y[torch.from_numpy(p.train)] for p in pts])),  # (M, N_tr)
            "validation": (per([p.x[torch.from_numpy(~p.train)] for p in pts]),  # (M, N_va, 2)
                           per([p.y[torch.from_numpy(~p.train)] for p in pts]))}  # (M, N_va)
    all_kinds = list(kinds) * S
    rows: list[tuple] = []

    @torch.no_grad()
    def evaluate(step: int) -> None:
        for split, (x, y) in sets.items():
            z = models(x)  # (M, n, C)
            ce = per_model_loss(z, y, "cross-entropy").tolist()
            acc = (z.argmax(-1) == y).float().mean(-1).tolist()
            own = _losses(z, y, all_kinds).tolist()
            rows.extend((step, m, split, ce[m], acc[m], own[m]) for m in range(len(ce)))

    def step(i: int) -> torch.Tensor:
        x, y = sets["train"]
        out = train.batched_step(opt, _losses(models(x), y, all_kinds))  # (M,)
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
    p = softmax(models(g)[first:first + len(names)])  # (P, G², C)
    conf, cls = p.max(-1)  # (P, G²)
    dx, dy = float(a[1] - a[0]), float(b[1] - b[0])
    return pd.concat([pd.DataFrame({"model": name, "x1": g[:, 0].numpy(), "x2": g[:, 1].numpy(),
                                    "x1e": g[:, 0].numpy() + dx, "x2e": g[:, 1].numpy() + dy,
                                    "cls": cls[m].numpy(), "p": conf[m].numpy()})
                      for m, name in enumerate(names)], ignore_index=True)


def classify_seeds(cfg: ClassifyConfig, seeds) -> list[Run]:
    """``classify`` on each of ``seeds`` (cfg.seed ignored), as one batched computation."""
    cfg = clamp(cfg)
    return _train(cfg, [int(s) for s in seeds], [0, cfg.hidden], [cfg.loss, cfg.loss], MODELS)


def classify(cfg: ClassifyConfig = ClassifyConfig(), progress: Callable[[Run], None] | None = None) -> Run:
    """Softmax regression and a network, trained together on the configured data with the chosen loss."""
    cfg = clamp(cfg)
    return _train(cfg, [cfg.seed], [0, cfg.hidden], [cfg.loss, cfg.loss], MODELS, progress)[0]


def pitfall_seeds(cfg: ClassifyConfig, seeds) -> list[Run]:
    """``pitfall`` on each of ``seeds``, as one batched computation."""
    cfg = replace(clamp(cfg), loss="cross-entropy")
    return _train(cfg, [int(s) for s in seeds], [cfg.hidden] * 2, ["cross-entropy", "softmax outputs"], PITFALL,
                  None, True)


def pitfall(cfg: ClassifyConfig = ClassifyConfig(), progress: Callable[[Run], None] | None = None) -> Run:
    """The same network, same start, trained by nn.CrossEntropyLoss given logits (right) or softmax outputs
    (wrong). The config's loss is ignored (the key of the cache has it fixed)."""
    cfg = replace(clamp(cfg), loss="cross-entropy")
    return _train(cfg, [cfg.seed], [cfg.hidden] * 2, ["cross-entropy", "softmax outputs"], PITFALL, progress, True)[0]


def wrong_floor(classes: int) -> float:
    """The lowest loss nn.CrossEntropyLoss can report when given probabilities (inputs in [0, 1]):
    −ln(e / (e + C − 1)) = ln(1 + (C − 1)/e), reached only by a one-hot input."""
    return float(np.log1p((classes - 1) / np.e))
