"""Depth saves parameters, the depth part: three stacked 3×3 convolutions see the same 7×7 window as one 7×7
convolution with 27 instead of 49 weights per channel pair (and 27 instead of 49 multiply-adds per output), and a
deep, narrow CNN trained against a wide, shallow one with no more parameters on scikit-learn's 8×8 digits.

- deep: three 3×3 convolutions of ``width`` channels (padding 1, ReLU after each) → global max pooling → 10;
- wide: one 7×7 convolution (padding 3, ReLU) with the most channels that keep it at no more parameters than the
  deep one → global max pooling → 10. Both see a 7×7 window of the digit per unit of their last layer.

M copies of each (one per seed) train as ONE computation, as the race does: each model's parameters are slices
[m], the convolutions of the M models run as grouped ``F.conv2d`` (groups = M), Adam on the stacked parameters,
each model's own cross-entropy, the same minibatch positions for every model (each seed its own split).
``as_modules(m)`` gives model m as ``nn.Sequential`` with the same weights (the tests compare them and count their
parameters). Every setting runs a fixed number of steps. ``depth_facts`` decides what the page says of a run (which
network is ahead by more than ``AHEAD``, or that they are close); ``depth_checked`` whether a setting is the one the
claim tests check on ten seeds (only there does the page say what those seeds showed).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from core import device, rng, train
from core.convolution.digits import Split, split
from core.convolution.facts import SEEDS_CHECKED
from core.convolution.nets import CLASSES, _uniform
from core.params import choice, clamp, num

DEPTH_MODELS = ("deep", "wide")  # raw names; pages translate them
WIDTHS = (4, 8, 16)
DEPTH_TRAIN = (100, 200, 500, 1000)
DEPTH_STEPS = (100, 200, 300, 400)
BATCH = 64
LR = 0.01
EVAL_EVERY = 25  # steps between measurements of the test accuracy
AHEAD = 0.02  # a network "ahead" when its test accuracy is above the other's by more than this; else "close"
SIDE = 8  # the digits as shipped, 8 × 8 (the window, 7 × 7, covers nearly all of it)
STACK_K, BIG_K, LAYERS = 3, 7, 3  # three 3×3 layers see 1 + 3·(3 − 1) = 7: the window of one 7×7


def stack_params(c_in: int, c_out: int) -> int:
    """Parameters of three 3×3 convolutions c_in → c_out → c_out → c_out (biases included)."""
    return (9 * c_in * c_out + c_out) + 2 * (9 * c_out * c_out + c_out)


def big_params(c_in: int, c_out: int) -> int:
    """Parameters of one 7×7 convolution c_in → c_out."""
    return 49 * c_in * c_out + c_out


def deep_params(c: int) -> int:
    """The deep network on grey digits: the 3×3 stack 1 → c → c → c and a linear layer c → 10."""
    return stack_params(1, c) + c * CLASSES + CLASSES


def wide_params(w: int) -> int:
    """The wide network: one 7×7 convolution 1 → w and a linear layer w → 10."""
    return big_params(1, w) + w * CLASSES + CLASSES


def wide_width(c: int) -> int:
    """The most 7×7 filters whose network has no more parameters than the deep one of width c."""
    return max(1, (deep_params(c) - CLASSES) // (49 + 1 + CLASSES))


@dataclass
class Counts:
    """One c → c layer's worth of a 3×3 stack against one 7×7 convolution, on an n × n map (same padding)."""
    c: int  # channels in and out
    n: int  # the map's side
    stack_weights: int  # 27 per channel pair: 3 · 9 · c²
    big_weights: int  # 49 per channel pair: 49 · c²
    stack_macs: int  # multiply-adds: one per weight per output position, 3 · 9 · c² · n²
    big_macs: int  # 49 · c² · n²

    def numbers(self) -> dict:
        return {"c": self.c, "n": self.n, "sw": self.stack_weights, "bw": self.big_weights, "sm": self.stack_macs,
                "bm": self.big_macs, "share": self.stack_weights / self.big_weights}


def counts(c: int, n: int = SIDE) -> Counts:
    """Weights (no biases) and multiply-adds of three 3×3 convolutions c → c against one 7×7 c → c on n × n."""
    return Counts(c, n, LAYERS * STACK_K ** 2 * c * c, BIG_K ** 2 * c * c, LAYERS * STACK_K ** 2 * c * c * n * n,
                  BIG_K ** 2 * c * c * n * n)


def counts_modules(c: int) -> tuple[nn.Module, nn.Module]:
    """The two as PyTorch modules without biases (the tests count their weights and multiply-adds)."""
    stack = nn.Sequential(*[nn.Conv2d(c, c, STACK_K, padding=1, bias=False) for _ in range(LAYERS)])
    return stack, nn.Conv2d(c, c, BIG_K, padding=3, bias=False)


@dataclass(frozen=True)
class DepthConfig:
    deep_width: int = choice(8, WIDTHS, widget="select_slider")  # channels of each of the deep network's 3 layers
    deep_train: int = choice(200, DEPTH_TRAIN, widget="select_slider")  # training digits
    deep_steps: int = choice(100, DEPTH_STEPS, widget="select_slider")  # Adam updates on minibatches of 64
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, initial weights, minibatches


class DepthNets:
    """M deep and M wide networks (model m of each initialised from generator gens[m])."""

    def __init__(self, c: int, gens: list[torch.Generator]):
        self.c, self.w, self.M = c, wide_width(c), len(gens)
        parts = []
        for g in gens:
            c, w = self.c, self.w
            parts.append([
                _uniform((c, 1, 3, 3), 9, g), _uniform((c,), 9, g),  # deep conv 1
                _uniform((c, c, 3, 3), 9 * c, g), _uniform((c,), 9 * c, g),  # deep conv 2
                _uniform((c, c, 3, 3), 9 * c, g), _uniform((c,), 9 * c, g),  # deep conv 3
                _uniform((c, CLASSES), c, g), _uniform((CLASSES,), c, g),  # deep linear (in, out)
                _uniform((w, 1, 7, 7), 49, g), _uniform((w,), 49, g),  # wide conv
                _uniform((w, CLASSES), w, g), _uniform((CLASSES,), w, g),  # wide linear (in, out)
            ])
        self.params = [torch.stack([p[i] for p in parts]).requires_grad_(True) for i in range(12)]

    def parameters(self) -> list[torch.Tensor]:
        return self.params

    def _head(self, a: torch.Tensor, wo: torch.Tensor, bo: torch.Tensor, k: int) -> torch.Tensor:
        B = a.shape[0]
        feat = a.amax(dim=(2, 3)).reshape(B, self.M, k)  # (B, M, k) global max pooling
        return torch.einsum("bmk,mko->mbo", feat, wo) + bo[:, None, :]  # (M, B, 10)

    def deep(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (M, B, 10) of the M deep networks on x (M, B, 1, S, S)."""
        M, B, _, S, _ = x.shape
        c = self.c
        w1, b1, w2, b2, w3, b3, wo, bo = self.params[:8]
        a = x.permute(1, 0, 2, 3, 4).reshape(B, M, S, S)  # (B, M·1, S, S)
        a = F.relu(F.conv2d(a, w1.reshape(M * c, 1, 3, 3), b1.reshape(-1), padding=1, groups=M))  # (B, M·c, S, S)
        a = F.relu(F.conv2d(a, w2.reshape(M * c, c, 3, 3), b2.reshape(-1), padding=1, groups=M))
        a = F.relu(F.conv2d(a, w3.reshape(M * c, c, 3, 3), b3.reshape(-1), padding=1, groups=M))
        return self._head(a, wo, bo, c)

    def wide(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (M, B, 10) of the M wide networks on x (M, B, 1, S, S)."""
        M, B, _, S, _ = x.shape
        wc, bc, wo, bo = self.params[8:]
        a = x.permute(1, 0, 2, 3, 4).reshape(B, M, S, S)  # (B, M·1, S, S)
        a = F.relu(F.conv2d(a, wc.reshape(M * self.w, 1, 7, 7), bc.reshape(-1), padding=3, groups=M))  # (B, M·w, S, S)
        return self._head(a, wo, bo, self.w)

    def as_modules(self, m: int) -> tuple[nn.Sequential, nn.Sequential]:
        """Model m as PyTorch modules with the same weights: (deep, wide)."""
        c, w = self.c, self.w
        deep = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, c, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
                             nn.Linear(c, CLASSES))
        wide = nn.Sequential(nn.Conv2d(1, w, 7, padding=3), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
                             nn.Linear(w, CLASSES))
        p = [t[m] for t in self.params]
        with torch.no_grad():
            for mod, (wt, b) in zip((deep[0], deep[2], deep[4], wide[0]), ((p[0], p[1]), (p[2], p[3]), (p[4], p[5]),
                                                                        (p[8], p[9]))):
                mod.weight.copy_(wt), mod.bias.copy_(b)
            deep[8].weight.copy_(p[6].T), deep[8].bias.copy_(p[7])
            wide[4].weight.copy_(p[10].T), wide[4].bias.copy_(p[11])
        return deep, wide


@dataclass
class DepthResult:
    config: DepthConfig
    history: pd.DataFrame  # step, model ("deep"/"wide"), accuracy (test): seed 0 of the run
    accuracy: np.ndarray  # (M, 2) final test accuracy of each seed's deep and wide network
    params: dict[str, int]  # parameter count of each model
    nets: DepthNets  # the trained weights (read-only)
    data: Split
    log: train.TrainLog
    seconds: float

    def numbers(self) -> dict:
        """What the page writes: each network's parameters (pd, pw), the deep width c and the wide one w,
        training digits n, steps s, test digits t, and seed 0's test accuracies (ad, aw)."""
        c = self.config
        return {"pd": self.params["deep"], "pw": self.params["wide"], "c": c.deep_width, "w": self.nets.w,
                "n": c.deep_train, "s": c.deep_steps, "t": int(self.data.x_test.shape[1]),
                "ad": float(self.accuracy[0, 0]), "aw": float(self.accuracy[0, 1])}


def _accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (logits.argmax(-1) == y).float().mean(-1)  # (M,)


def depth(cfg: DepthConfig, seeds: list[int] | None = None, progress=None) -> DepthResult:
    """Train the deep and the wide network for ``cfg`` (on ``cfg.seed``, or on every seed of ``seeds`` at once).
    ``progress(partial DepthResult)`` is called while training."""
    cfg = clamp(cfg)
    seeds = [cfg.seed] if seeds is None else [int(s) for s in seeds]
    data = split("centred", cfg.deep_train, seeds)
    nets = DepthNets(cfg.deep_width, [rng.generator(x, "convolution.depth_init") for x in seeds])
    xtr, ytr, xte, yte = data.x_train, data.y_train, data.x_test, data.y_test
    opt = torch.optim.Adam(nets.parameters(), lr=LR, **device.optimizer_impl())
    sampler = train.EpochSampler(cfg.deep_train, BATCH, rng.generator(seeds[0], "convolution.depth_batches"))
    rows: list[tuple] = []

    def measure(step: int) -> None:
        with torch.no_grad():
            for name, fn in zip(DEPTH_MODELS, (nets.deep, nets.wide)):
                rows.append((step, name, float(_accuracy(fn(xte), yte)[0])))

    def step(i: int) -> torch.Tensor:
        idx = sampler(i)
        xb, yb = xtr[:, idx], ytr[:, idx]  # (M, B, 1, 8, 8), (M, B)
        losses = [F.cross_entropy(fn(xb).transpose(1, 2), yb, reduction="none").mean(1)
                  for fn in (nets.deep, nets.wide)]  # 2 × (M,)
        out = train.batched_step(opt, torch.cat(losses))
        if (i + 1) % EVAL_EVERY == 0 or i + 1 == cfg.deep_steps:
            measure(i + 1)
        return out

    def report(log: train.TrainLog) -> None:
        if progress is not None:
            progress(_result(cfg, rows, nets, data, log, np.zeros((len(seeds), 2))))

    measure(0)
    log = train.run(step, cfg.deep_steps, progress=report if progress is not None else None, stop_on="all")
    with torch.no_grad():
        acc = torch.stack([_accuracy(fn(xte), yte) for fn in (nets.deep, nets.wide)], 1).numpy()  # (M, 2)
    return _result(cfg, rows, nets, data, log, acc)


@dataclass(frozen=True)
class DepthFacts:
    deep: float  # the deep network's final test accuracy
    wide: float  # the wide one's
    note: str  # "wide" or "deep" (ahead by more than AHEAD), or "close": the sentence the page adds


def depth_checked(cfg: DepthConfig) -> bool:
    """True for the setting the claim tests check on SEEDS_CHECKED seeds (the defaults, any seed): only there does
    the page say what those seeds showed."""
    return replace(clamp(cfg), seed=0) == DepthConfig()


def depth_said(cfg: DepthConfig) -> dict:
    """The numbers the checked sentence writes: the default setting, AHEAD in points, the seeds checked."""
    return {"c": cfg.deep_width, "n": cfg.deep_train, "s": cfg.deep_steps, "points": round(AHEAD * 100),
            "seeds": SEEDS_CHECKED}


def depth_facts(res: DepthResult, m: int = 0) -> DepthFacts:
    """What seed m of a run shows (the page shows seed 0; the tests read every seed)."""
    d, w = float(res.accuracy[m, 0]), float(res.accuracy[m, 1])
    return DepthFacts(d, w, "wide" if w > d + AHEAD else "deep" if d > w + AHEAD else "close")


def _result(cfg, rows, nets, data, log, acc) -> DepthResult:
    hist = pd.DataFrame(rows, columns=["step", "model", "accuracy"])
    params = {"deep": deep_params(nets.c), "wide": wide_params(nets.w)}
    return DepthResult(cfg, hist, acc, params, nets, data, log, log.seconds)
