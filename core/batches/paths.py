"""The three paths: the same gradient descent with the whole training set, a mini-batch, or one example.

The lecture: the N training examples are split into batches of B; each batch gives one update; using
every batch once is one epoch, ceil(N/B) updates. Here a two-parameter model, y = b + w x, learns to
predict tomorrow's maximum temperature in Seattle from today's (both standardised), three times from the
same start: full batch (B = N: one update per epoch, along the exact gradient), mini-batch (B chosen) and
single example (B = 1: N noisy updates per epoch). Each run is ``torch.optim.SGD`` driven by ``train.run``
with a ``train.EpochSampler``; the result holds every path in (w, b), the training loss after every
update, which examples each update used, and the loss surface on a grid, for one contour map.

Everything here is a pure function of the config: no timing. What the page states about the paths is
decided in ``core.batches.facts``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
import torch

from core import data, rng, train
from core.params import choice, clamp, num

METHODS = ("full batch", "mini-batch", "single example")  # raw names; charts translate them
LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
MINI_BATCHES = (2, 4, 8, 16, 32)
GRID = 60  # cells per side of the loss surface


@dataclass(frozen=True)
class PathConfig:
    n: int = num(40, 8, 200, step=4)  # days drawn from the Seattle series: the training set, N examples
    batch: int = choice(8, MINI_BATCHES, widget="select_slider")  # B of the mini-batch path (B >= N is full batch)
    epochs: int = num(5, 1, 10)  # epochs of every path: full batch makes one update each, B = 1 makes N
    lr: float = choice(0.1, LRS, widget="select_slider")  # learning rate eta, the same for the three paths
    start_w: float = num(-1.0, -3.0, 3.0, step=0.5)  # starting slope w (all three paths)
    start_b: float = num(1.5, -3.0, 3.0, step=0.5)  # starting bias b (all three paths)
    seed: int = num(0, 0, 1_000_000, widget="number")  # which days, and the order of the examples each epoch


@dataclass(frozen=True)
class PathView:
    """Settings that only choose what to draw (no recomputation)."""
    epochs_shown: float = num(10.0, 0.0, 10.0, step=0.25)  # replay: each path drawn up to this many epochs
    method: str = choice("single example", METHODS, widget="radio")  # whose batch the data chart highlights
    update: int = num(1, 0, 2000)  # which update of that path the data chart shows (clipped to its count)
    loss_x: str = choice("epoch", ("epoch", "update"), widget="radio")  # loss chart against epochs or updates


@dataclass(frozen=True)
class Moment:
    """A moment of the replay: every path after the same number of epochs, one of them followed."""
    epochs: float  # epochs of training shown
    done: dict[str, int]  # method -> updates made by then
    update: int  # the followed path's latest update (0: the start, no update yet)
    epoch: int  # the epoch that update belongs to (1-based; 0 at the start)
    in_epoch: int  # its batch within that epoch (1-based; 0 at the start)
    size: int  # examples in that batch (the last batch of an epoch may be smaller)


@dataclass
class PathResult:
    config: PathConfig
    x: np.ndarray  # (N,) today's maximum, standardised (the feature)
    y: np.ndarray  # (N,) tomorrow's maximum, standardised (the target)
    days: np.ndarray  # (N,) day index (0 = 1 Jan 2012) of each example's "today"
    batch_sizes: dict[str, int]  # method -> B actually used (full batch: N)
    per_epoch: dict[str, int]  # method -> updates per epoch, ceil(N / B)
    paths: pd.DataFrame  # method, update (0 = start), epoch (1-based; 0 at the start), in_epoch, epochs_done
                         # (update / per_epoch), w, b, loss (training loss on all N after the update),
                         # batch_loss (loss on the update's batch, before it; NaN at the start)
    used: dict[str, np.ndarray]  # method -> (updates, B) example indices of each update, -1 pads a short batch
    grid: pd.DataFrame  # the surface: w, w2, b, b2 (cell edges), loss, level (log10 of loss above the minimum)
    optimum: tuple[float, float, float]  # (w*, b*, loss*) least squares on the N examples
    logs: dict[str, train.TrainLog]  # method -> its run's log (divergence, steps)
    celsius: tuple[float, float]  # (mean, std) of the series: degrees = mean + std * standardised value

    @cached_property
    def _by_method(self) -> dict[str, pd.DataFrame]:
        return {m: g.reset_index(drop=True) for m, g in self.paths.groupby("method", sort=False)}

    def path(self, method: str) -> pd.DataFrame:
        """One method's path (split once per result: results are shared and read-only)."""
        return self._by_method.get(method, self.paths.iloc[0:0])

    def batch_of(self, method: str, update: int) -> np.ndarray:
        """Example indices used by update ``update`` (1-based) of ``method``."""
        row = self.used[method][update - 1]
        return row[row >= 0]

    def updates(self, method: str) -> int:
        return int(self.used[method].shape[0])

    def turning(self, method: str) -> float:
        """Mean angle (degrees) between consecutive steps: 0 for a straight path; NaN under 2 steps."""
        p = self.path(method)[["w", "b"]].to_numpy()
        return float(turning_angles(p[None])[0])

    def updates_by(self, epochs: float) -> dict[str, int]:
        """Updates each path has made after ``epochs`` epochs (a moment of the replay)."""
        return {m: min(self.updates(m), int(np.floor(epochs * self.per_epoch[m] + 1e-9))) for m in METHODS}

    def moment(self, epochs: float, method: str) -> Moment:
        """Every path after ``epochs`` epochs, and where the path of ``method`` is in its epoch."""
        done = self.updates_by(epochs)
        u, per = done[method], self.per_epoch[method]
        k = -(-u // per)  # ceil(u / per): the epoch of update u
        return Moment(epochs, done, u, k, u - (k - 1) * per if u else 0, len(self.batch_of(method, u)) if u else 0)

    def message(self) -> str | None:
        parts = [self.logs[m].message([m]) for m in METHODS if self.logs[m].diverged]
        return " ".join(parts) if parts else None


def turning_angles(paths: np.ndarray) -> np.ndarray:
    """paths (S, U+1, 2) -> (S,) mean angle in degrees between consecutive steps of each path."""
    d = np.diff(paths, axis=1)  # (S, U, 2)
    if d.shape[1] < 2:
        return np.full(paths.shape[0], np.nan)
    a, b = d[:, :-1], d[:, 1:]
    cos = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-300)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))).mean(1)


@lru_cache(maxsize=1)
def _series() -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """(today, tomorrow) standardised with the whole series' mean and std: (1460,), (1460,); (mean, std)."""
    _, t = data.seattle_temperatures()
    z = (t - t.mean()) / t.std()
    return z[:-1], z[1:], (float(t.mean()), float(t.std()))


def sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` seeded days of the series: (x, y, days), each (n,), in day order."""
    xs, ys, _ = _series()
    n = int(np.clip(n, 2, len(xs)))
    days = torch.randperm(len(xs), generator=rng.generator(seed, "batches.days"))[:n].sort().values.numpy()
    return xs[days], ys[days], days


def mse(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error of y = b + w x, broadcast over any leading shape of w and b: w, b (...) -> (...)."""
    return (b[..., None] + w[..., None] * x - y).square().mean(-1)


def surface(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float], n: int = GRID) -> pd.DataFrame:
    """The loss on an n x n grid of cells over box = (wmin, wmax, bmin, bmax), in one vectorised pass."""
    ew, eb = np.linspace(box[0], box[1], n + 1), np.linspace(box[2], box[3], n + 1)
    cw, cb = (ew[:-1] + ew[1:]) / 2, (eb[:-1] + eb[1:]) / 2
    W, B = np.meshgrid(cw, cb, indexing="xy")  # (n, n)
    v = mse(torch.from_numpy(W), torch.from_numpy(B), torch.from_numpy(x), torch.from_numpy(y)).numpy()  # (n, n)
    level = np.log10(np.maximum(v - v.min(), 0.0) + 1e-3)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="xy")
    return pd.DataFrame({"w": ew[i].ravel(), "w2": ew[i + 1].ravel(), "b": eb[j].ravel(), "b2": eb[j + 1].ravel(),
                         "loss": v.ravel(), "level": level.ravel()})


def _one_path(method: str, B: int, cfg: PathConfig, xt: torch.Tensor, yt: torch.Tensor):
    """SGD on (w, b) with batches of B for cfg.epochs epochs: (rows, used (U, B), log)."""
    N = len(xt)
    theta = torch.tensor([cfg.start_w, cfg.start_b], dtype=torch.float64, requires_grad=True)  # (2,) = (w, b)
    opt = torch.optim.SGD([theta], lr=cfg.lr)
    sampler = train.EpochSampler(N, B, rng.generator(cfg.seed, "batches.shuffle"))  # shuffles drawn from the seed
    U = sampler.per_epoch * cfg.epochs
    used = np.full((U, sampler.batch), -1, dtype=np.int64)  # (U, B)
    where = torch.empty(U + 1, 2, dtype=torch.float64)  # (U+1, 2) (w, b) at the start and after each update
    batch_loss = torch.full((U + 1,), float("nan"), dtype=torch.float64)  # (U+1,) loss of each update's batch
    where[0] = theta.detach()

    def step(i: int) -> torch.Tensor:
        idx = sampler(i)  # (<= B,)
        used[i, :len(idx)] = idx.numpy()
        loss = mse(theta[0], theta[1], xt[idx], yt[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        where[i + 1] = theta.detach()
        batch_loss[i + 1] = loss.detach()
        return loss.detach()

    log = train.run(step, U, blowup=1e6)
    keep = log.steps  # updates whose loss stayed finite
    where, batch_loss = where[:keep + 1], batch_loss[:keep + 1]
    with torch.no_grad():
        full = mse(where[:, 0], where[:, 1], xt, yt).numpy()  # (keep+1,) training loss on all N, one pass
    u = np.arange(keep + 1)
    epoch = np.where(u == 0, 0, (u - 1) // sampler.per_epoch + 1)
    in_epoch = np.where(u == 0, 0, (u - 1) % sampler.per_epoch + 1)
    rows = pd.DataFrame({"method": method, "update": u, "epoch": epoch, "in_epoch": in_epoch,
                         "epochs_done": u / sampler.per_epoch, "w": where[:, 0].numpy(), "b": where[:, 1].numpy(),
                         "loss": full, "batch_loss": batch_loss.numpy()})
    return rows, used[:keep], log


def paths(cfg: PathConfig = PathConfig()) -> PathResult:
    """Full batch, mini-batch and single-example gradient descent from one start, same epochs, same lr."""
    cfg = clamp(cfg)
    x, y, days = sample(cfg.n, cfg.seed)
    N = len(x)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)  # (N,), (N,) float64
    sizes = {"full batch": N, "mini-batch": min(cfg.batch, N), "single example": 1}
    frames, used, logs = [], {}, {}
    for m in METHODS:
        f, used[m], logs[m] = _one_path(m, sizes[m], cfg, xt, yt)
        frames.append(f)
    df = pd.concat(frames, ignore_index=True)
    df = df[np.isfinite(df[["w", "b", "loss"]].to_numpy()).all(1)].reset_index(drop=True)
    A = np.stack([x, np.ones_like(x)], 1)  # (N, 2)
    ws, bs = np.linalg.lstsq(A, y, rcond=None)[0]
    best = float(np.mean((bs + ws * x - y) ** 2))
    box = _box(df, (ws, bs), (cfg.start_w, cfg.start_b))
    return PathResult(cfg, x, y, days, sizes, {m: -(-N // sizes[m]) for m in METHODS}, df, used,
                      surface(x, y, box), (float(ws), float(bs), best), logs, _series()[2])


def _box(df: pd.DataFrame, opt: tuple[float, float], start: tuple[float, float]) -> tuple[float, float, float, float]:
    """A square-ish window around the start, the optimum and the paths (far excursions of a diverging run
    are left outside: at most 1.5 times the start-optimum span beyond them)."""
    ws = np.array([opt[0], start[0]])
    bs = np.array([opt[1], start[1]])
    span = max(float(np.ptp(ws)), float(np.ptp(bs)), 1.0)
    lo_w, hi_w = ws.min() - 1.5 * span, ws.max() + 1.5 * span
    lo_b, hi_b = bs.min() - 1.5 * span, bs.max() + 1.5 * span
    pw = df.w.clip(lo_w, hi_w)
    pb = df.b.clip(lo_b, hi_b)
    pad = 0.15 * span
    return (min(ws.min(), pw.min()) - pad, max(ws.max(), pw.max()) + pad,
            min(bs.min(), pb.min()) - pad, max(bs.max(), pb.max()) + pad)

