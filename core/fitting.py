"""Fitting curves with sigmoids and ReLUs.

The lecture: a linear model cannot bend; a constant plus a sum of (hard) sigmoids can follow any
piecewise-linear curve, and ``y = b + sum_i c_i sigmoid(b_i + w_i x)`` approximates a smooth one.
Two ReLUs make one hard sigmoid, so 2K ReLUs do the job of K sigmoids. Here a K-sigmoid model and a
2K-ReLU model train side by side, as one batched computation, on the same data and minibatches.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import data, rng, train
from core.params import choice, clamp, num
from core.device import choose_device
from core.export import safetensors_bytes
from core.models import BatchedMLP, n_params

LOSSES = ("MSE", "MAE")
OPTIMIZERS = ("Adam", "SGD")
NAMES = ("sigmoid", "ReLU")


LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0, 1000.0)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
EPOCHS = (10, 25, 50, 100, 150, 200, 300, 500, 1000)


@dataclass(frozen=True)
class FitConfig:
    target: str = choice("smooth and wiggly", data.CURVES)  # the curve to learn (data.CURVES)
    n: int = num(200, 20, 1000, step=10)  # samples drawn from the target
    noise: float = num(0.05, 0.0, 1.0, step=0.05)  # std of the Gaussian noise added to y (model units)
    val_fraction: float = num(0.25, 0.1, 0.8, step=0.05)  # share of the samples held out for validation
    k: int = num(5, 1, 32)  # sigmoid units per layer; the ReLU model gets 2k
    depth: int = choice(1, (1, 2, 3), widget="radio")  # hidden layers
    loss: str = choice("MSE", LOSSES, widget="radio")  # the loss: mean squared or mean absolute error
    optimizer: str = choice("Adam", OPTIMIZERS, widget="radio")  # Adam, or SGD: plain gradient descent on minibatches
    lr: float = choice(0.05, LRS, widget="select_slider")  # learning rate eta
    batch_size: int = choice(32, BATCHES, widget="select_slider")  # B: one update per minibatch, N/B per epoch
    epochs: int = choice(150, EPOCHS, widget="select_slider")  # passes over the training set
    seed: int = num(0, 0, 1_000_000, widget="number")  # data, split, initialisation and minibatch order


@dataclass
class FitResult:
    config: FitConfig
    curve: data.Curve
    train_idx: torch.Tensor  # (N_train,)
    val_idx: torch.Tensor  # (N_val,)
    grid: np.ndarray  # (G,) x where the fits are drawn
    pred: np.ndarray  # (2, G) fit of each model on the grid
    parts: list[np.ndarray]  # per model (G, units): each last-layer unit's contribution c_i a_i(x)
    bias: np.ndarray  # (2,) output bias b of each model
    history: pd.DataFrame  # epoch, model, split, loss (long format, finite values only)
    log: train.TrainLog
    weights: list[dict[str, torch.Tensor]]  # per model, nn.Sequential layout
    updates_per_epoch: int
    epochs_done: int

    @property
    def final(self) -> pd.DataFrame:
        """Last epoch's train and validation loss of each model."""
        if self.history.empty:
            return pd.DataFrame(columns=["model", "split", "loss"])
        last = self.history[self.history.epoch == self.history.epoch.max()]
        return last[["model", "split", "loss"]].reset_index(drop=True)

    def final_loss(self, model: str, split: str) -> float:
        f = self.final
        hit = f[(f.model == model) & (f.split == split)]
        return float(hit.loss.iloc[0]) if len(hit) else float("nan")


def per_model_loss(pred: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """pred: (M, n, 1), y: (n, 1) -> (M,) mean loss of each model."""
    err = pred - y
    return (err.abs() if kind == "MAE" else err.square()).mean(dim=(1, 2))


class _BatchedFit:
    """M one-input MLPs trained together on shared minibatches, with per-epoch evaluation."""

    def __init__(self, cfg: FitConfig, curve: data.Curve, tr: torch.Tensor, va: torch.Tensor,
                 widths: list[int], acts: list[str]):
        dev = choose_device("tiny")
        self.cfg, self.widths = cfg, widths
        self.model = BatchedMLP(widths, acts, cfg.depth, rng.generator(cfg.seed, salt=3), init_scale=3.0).to(dev)
        self.xt, self.yt = curve.x[tr].to(dev), curve.y[tr].to(dev)  # (N_train, 1)
        self.xv, self.yv = curve.x[va].to(dev), curve.y[va].to(dev)  # (N_val, 1)
        self.B = max(1, min(cfg.batch_size, len(tr)))
        self.per_epoch = -(-len(tr) // self.B)  # ceil(N / B) updates per epoch
        opt = torch.optim.Adam if cfg.optimizer == "Adam" else torch.optim.SGD
        self.opt = opt(self.model.parameters(), lr=cfg.lr)
        self.gen = rng.generator(cfg.seed, salt=4)
        self.order = torch.empty(0, dtype=torch.long)
        self.rows: list[tuple[int, int, float, float]] = []  # (epoch, model, train loss, val loss)
        self.evaluate(0)

    def evaluate(self, epoch: int) -> None:
        with torch.no_grad():
            lt = per_model_loss(self.model(self.xt), self.yt, self.cfg.loss).cpu().numpy()
            lv = (per_model_loss(self.model(self.xv), self.yv, self.cfg.loss).cpu().numpy() if len(self.xv)
                  else np.full(len(self.widths), np.nan))
        self.rows += [(epoch, m, float(lt[m]), float(lv[m])) for m in range(len(self.widths))]

    def step(self, i: int) -> torch.Tensor:
        j = i % self.per_epoch
        if j == 0:
            self.order = torch.randperm(len(self.xt), generator=self.gen).to(self.xt.device)
        idx = self.order[j * self.B:(j + 1) * self.B]
        losses = per_model_loss(self.model(self.xt[idx]), self.yt[idx], self.cfg.loss)  # (M,)
        self.opt.zero_grad(set_to_none=True)
        losses.sum().backward()  # the models share no parameter: the sum trains each on its own loss
        self.opt.step()
        if j == self.per_epoch - 1:
            self.evaluate(i // self.per_epoch + 1)
        return losses.detach()

    def train(self, progress: Callable[[train.TrainLog], None] | None = None) -> train.TrainLog:
        return train.run(self.step, self.cfg.epochs * self.per_epoch, progress=progress)


def _history(rows, names, last_good_epoch: int | None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["epoch", "m", "train", "validation"])
    if last_good_epoch is not None:
        df = df[df.epoch <= last_good_epoch]
    df["model"] = [names[m] for m in df.m]
    long = df.melt(id_vars=["epoch", "model"], value_vars=["train", "validation"], var_name="split", value_name="loss")
    long = long[np.isfinite(long.loss)]
    return long.reset_index(drop=True)


def fit(cfg: FitConfig = FitConfig(), progress: Callable[["FitResult"], None] | None = None) -> FitResult:
    """Train K sigmoids against 2K ReLUs on the configured target. Pure function of ``cfg``.

    ``progress`` receives partial results (same type) a few times a second while training runs.
    """
    cfg = clamp(cfg)
    curve = data.curve(cfg.target, cfg.n, cfg.noise, cfg.seed)
    tr, va = data.split(len(curve.x), cfg.val_fraction, cfg.seed)
    widths = [cfg.k, 2 * cfg.k]
    run = _BatchedFit(cfg, curve, tr, va, widths, ["sigmoid", "relu"])
    grid = torch.linspace(-1, 1, 240)[:, None]  # (G, 1)

    def snapshot(log: train.TrainLog, final: bool) -> FitResult:
        model = run.model
        last_good = None if not log.diverged else (log.first_divergence - 1) // run.per_epoch
        with torch.no_grad():
            g = grid.to(model.mask.device)
            pred = model(g)[:, :, 0].cpu().numpy()  # (2, G)
            parts_all = model.parts(g).cpu().numpy()  # (2, G, H)
        epochs_done = run.rows[-1][0] if last_good is None else last_good
        return FitResult(cfg, curve, tr, va, grid[:, 0].numpy(), pred,
                         [parts_all[m, :, : widths[m]] for m in range(2)],
                         model.b.detach()[:, 0, 0].cpu().numpy(), _history(run.rows, NAMES, last_good), log,
                         [model.export(m) for m in range(2)] if final else [], run.per_epoch, epochs_done)

    log = run.train(None if progress is None else (lambda lg: progress(snapshot(lg, final=False))))
    return snapshot(log, final=True)


SWEEP_KS = (1, 2, 3, 4, 6, 8, 12, 16, 24)


def sweep(cfg: FitConfig = FitConfig(), ks: tuple[int, ...] = SWEEP_KS, steps: int = 2000) -> pd.DataFrame:
    """Complexity sweep: final train and validation loss against K, for K sigmoids and 2K ReLUs.

    All 2*len(ks) models train as one batched computation on the page's data, depth, loss,
    optimizer, learning rate and seed, full-batch for ``steps`` updates (long enough to overfit).
    Columns: k, model, units, params, split, loss, diverged.
    """
    cfg = clamp(cfg)
    curve = data.curve(cfg.target, cfg.n, cfg.noise, cfg.seed)
    tr, va = data.split(len(curve.x), cfg.val_fraction, cfg.seed)
    widths = [k for k in ks] + [2 * k for k in ks]
    acts = ["sigmoid"] * len(ks) + ["relu"] * len(ks)
    run = _BatchedFit(cfg, curve, tr, va, widths, acts)
    run.B, run.per_epoch = len(tr), 1  # full batch: one update per epoch
    log = train.run(run.step, int(np.clip(steps, 1, 20000)), stop_on="all")
    last = {}
    for epoch, m, lt, lv in run.rows:  # last finite evaluation of each model
        if np.isfinite(lt) and (log.diverged_at[m] is None):
            last[m] = (lt, lv)
    rows = []
    for m, w in enumerate(widths):
        name = NAMES[0] if acts[m] == "sigmoid" else NAMES[1]
        k = ks[m % len(ks)]
        lt, lv = last.get(m, (np.nan, np.nan))
        for split, loss in (("train", lt), ("validation", lv)):
            rows.append((k, name, w, n_params(w, cfg.depth), split, loss, log.diverged_at[m] is not None))
    return pd.DataFrame(rows, columns=["k", "model", "units", "params", "split", "loss", "diverged"])


@dataclass
class ReluPair:
    """Two ReLUs that add up to one hard sigmoid, with their weights written out."""
    x: np.ndarray  # (G,)
    relu1: np.ndarray  # (G,) c1 * max(0, b1 + w1 x)
    relu2: np.ndarray  # (G,) c2 * max(0, b2 + w2 x)
    total: np.ndarray  # (G,) relu1 + relu2
    hard_sigmoid: np.ndarray  # (G,) height * clip((x - x0) / (x1 - x0), 0, 1)
    weights: dict[str, float]  # c1, b1, w1, c2, b2, w2


@lru_cache(maxsize=64)
def relu_pair(x0: float = -0.3, x1: float = 0.4, height: float = 1.0, n: int = 401) -> ReluPair:
    """Hard sigmoid rising from 0 at x0 to ``height`` at x1, built from two ReLUs, computed by torch."""
    if not np.isfinite([x0, x1, height]).all():
        raise ValueError("x0, x1 and height must be finite numbers")
    if x1 - x0 < 1e-3:
        raise ValueError("the ramp must rise to the right: x1 has to be larger than x0")
    x = torch.linspace(-1, 1, n, dtype=torch.float64)
    w = 1.0 / (x1 - x0)
    c1, b1, c2, b2 = height, -x0 * w, -height, -x1 * w
    r1 = c1 * torch.relu(b1 + w * x)
    r2 = c2 * torch.relu(b2 + w * x)
    hard = height * torch.clamp((x - x0) / (x1 - x0), 0.0, 1.0)
    return ReluPair(x.numpy(), r1.numpy(), r2.numpy(), (r1 + r2).numpy(), hard.numpy(),
                    {"c1": c1, "b1": b1, "w1": w, "c2": c2, "b2": b2, "w2": w})


def history_csv(result: FitResult) -> bytes:
    """The loss history, one row per epoch, model and split."""
    return result.history.to_csv(index=False).encode()


def weights_safetensors(result: FitResult) -> bytes:
    """Both trained models' weights (``nn.Sequential`` layout) as a ``.safetensors`` file."""
    return safetensors_bytes(dict(zip(NAMES, result.weights)), result.config)
