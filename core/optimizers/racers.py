"""The racers: one record per optimizer, and the declared learning rate of each.

A racer is a ``torch.optim`` optimizer (PyTorch's own, or the lecture's form from ``lecture.py``) with its
default learning rates and what the page can read from its state. Nothing elsewhere branches on a racer's
name: the page, the race and the charts read these records.

Mind the two Adagrads: the lecture's divides by sqrt(mean of g²), ``torch.optim.Adagrad`` by
sqrt(sum of g²) = sqrt(t+1) sqrt(mean), i.e. PyTorch's is the lecture's with the decay η/sqrt(t+1) built in.
"Adagrad (lecture)" is ``torch.optim.Adagrad`` whose learning rate is multiplied by sqrt(t+1) at update t
(the factor a ``LambdaLR`` would apply, ``lr_factor`` below), on top of the schedule.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, make_dataclass
from typing import Callable, Literal

import torch

from core.optimizers.lecture import MomentumLecture, RMSPropLecture
from core.params import choice

RMSPROP_ALPHA = 0.9  # RMSProp's α: weight of the past in σ² = α σ² + (1 - α) g²
ADAMW_DECAY = 0.01  # AdamW's decoupled weight decay
ADAM_BETAS = (0.9, 0.999)  # Adam's and AdamW's (β₁, β₂): PyTorch's defaults, written out for the page's formula
ADAM_EPS = 1e-8  # their ε (PyTorch's default)
LRS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.15, 0.3, 0.5, 1.0, 3.0, 10.0)  # η options; 0 = off

State = dict
Group = dict


def _sum(st: State, g: Group) -> torch.Tensor:  # Adagrad: sqrt(sum of g²) + eps
    return st["sum"].sqrt() + g["eps"]


def _square_avg(st: State, g: Group) -> torch.Tensor:  # RMSProp (both): sqrt(σ²) + eps
    return st["square_avg"].sqrt() + g["eps"]


def _adam_sigma(st: State, g: Group) -> torch.Tensor:  # Adam: sqrt(bias-corrected v) + eps
    return (st["exp_avg_sq"] / (1 - g["betas"][1] ** float(st["step"]))).sqrt() + g["eps"]


def _adam_m(st: State, g: Group) -> torch.Tensor:  # Adam's m-hat: the bias-corrected first moment
    return st["exp_avg"] / (1 - g["betas"][0] ** float(st["step"]))


def _sqrt_t(t: int) -> float:
    return math.sqrt(t + 1)


@dataclass(frozen=True)
class Racer:
    name: str  # raw English name (results, legends are translated from key)
    key: str  # field of RaceLRs, catalogue key optimizers.charts.racer.<key>
    make: Callable[..., torch.optim.Optimizer]  # (params, lr, beta) -> the optimizer
    lr: float  # default η on the surfaces (one of LRS; 0 = off by default)
    net_lr: float  # η for the digits network
    momentum: Literal["none", "carried", "adam"]  # none / carried-over movement / Adam's first moment
    sigma: Callable[[State, Group], torch.Tensor] | None = None  # σ (with eps) from the state; None: σ = 1
    first_moment: Callable[[State, Group], torch.Tensor] | None = None  # Adam's m-hat from the state
    lr_factor: Callable[[int], float] | None = None  # extra factor on η at update t (lecture Adagrad)
    carry_exact: bool = False  # its carried part is exactly λ m_{t-1}, under any schedule (the lecture's; tested)


RACERS: tuple[Racer, ...] = (
    Racer("SGD", "sgd", lambda p, lr, b: torch.optim.SGD(p, lr=lr), 0.15, 0.1, "none"),
    Racer("Momentum (lecture)", "mom_lecture", lambda p, lr, b: MomentumLecture(p, lr=lr, momentum=b),
          0.03, 0.05, "carried", carry_exact=True),
    Racer("Momentum (PyTorch)", "mom_torch", lambda p, lr, b: torch.optim.SGD(p, lr=lr, momentum=b),
          0.0, 0.05, "carried"),
    Racer("Nesterov", "nesterov", lambda p, lr, b: torch.optim.SGD(p, lr=lr, momentum=max(b, 1e-6), nesterov=True),
          0.0, 0.05, "carried"),
    Racer("Adagrad (lecture)", "adagrad_lecture", lambda p, lr, b: torch.optim.Adagrad(p, lr=lr), 0.3, 0.003,
          "none", _sum, lr_factor=_sqrt_t),
    Racer("Adagrad (PyTorch)", "adagrad_torch", lambda p, lr, b: torch.optim.Adagrad(p, lr=lr), 1.0, 0.05,
          "none", _sum),
    Racer("RMSProp (lecture)", "rms_lecture", lambda p, lr, b: RMSPropLecture(p, lr=lr, alpha=RMSPROP_ALPHA),
          0.05, 0.002, "none", _square_avg),
    Racer("RMSProp (PyTorch)", "rms_torch", lambda p, lr, b: torch.optim.RMSprop(p, lr=lr, alpha=RMSPROP_ALPHA),
          0.0, 0.002, "none", _square_avg),
    Racer("Adam", "adam", lambda p, lr, b: torch.optim.Adam(p, lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS), 0.1, 0.003,
          "adam", _adam_sigma, _adam_m),
    Racer("AdamW", "adamw", lambda p, lr, b: torch.optim.AdamW(p, lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS,
                                                            weight_decay=ADAMW_DECAY), 0.0, 0.003,
          "adam", _adam_sigma, _adam_m),
)
NAMES = tuple(r.name for r in RACERS)
BY_NAME = {r.name: r for r in RACERS}

# One declared learning-rate field per racer (field name = racer.key, default = racer.lr, options LRS): the
# page generates one control per field; 0 leaves the racer out.
RaceLRs = make_dataclass("RaceLRs", [(r.key, float, choice(r.lr, LRS, widget="select_slider")) for r in RACERS],
                         frozen=True)
RaceLRs.__doc__ = "Learning rate η of each racer (field = Racer.key, RACERS order); 0 = not racing."


def lrs_of(lrs) -> tuple[float, ...]:
    """A RaceLRs as a tuple in RACERS order."""
    return tuple(float(getattr(lrs, r.key)) for r in RACERS)


def only(**on: float):
    """A RaceLRs with every racer off but the named ones: ``only(sgd=0.1, adam=0.05)`` (keys: Racer.key)."""
    bad = set(on) - {r.key for r in RACERS}
    if bad:
        raise ValueError(f"unknown racer keys {sorted(bad)}")
    return RaceLRs(**{r.key: float(on.get(r.key, 0.0)) for r in RACERS})


def racer(name: str) -> Racer:
    if name not in BY_NAME:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {NAMES}")
    return BY_NAME[name]


def make_optimizer(name: str, params, lr: float, beta: float = 0.9) -> torch.optim.Optimizer:
    """The racer as an optimizer. ``beta``: λ, the momentum of the momentum racers."""
    return racer(name).make(params, lr, beta)


def lr_factor(rc: Racer, t: int) -> float:
    return rc.lr_factor(t) if rc.lr_factor is not None else 1.0


def step_racer(opt: torch.optim.Optimizer, rc: Racer, t: int) -> None:
    """``opt.step()`` with the racer's own factor on η for this one update (then the lr is restored)."""
    k = lr_factor(rc, t)
    if k == 1.0:
        opt.step()
        return
    saved = [g["lr"] for g in opt.param_groups]
    for g in opt.param_groups:
        g["lr"] = g["lr"] * k
    opt.step()
    for g, lr in zip(opt.param_groups, saved):
        g["lr"] = lr


def effective_lr(opt: torch.optim.Optimizer, rc: Racer, p: torch.Tensor, t: int) -> torch.Tensor:
    """η_t / σ per element after update t, read from the optimizer's state: shape of p."""
    g = opt.param_groups[0]
    lr = g["lr"] * lr_factor(rc, t)
    if rc.sigma is None:
        return torch.full_like(p, lr)
    return lr / rc.sigma(opt.state[p], g)


def momentum_step(opt: torch.optim.Optimizer, rc: Racer, p: torch.Tensor, t: int) -> torch.Tensor:
    """-η_t m-hat for racers with Adam's first moment (the β₁ read from the optimizer), zeros otherwise."""
    if rc.first_moment is None:
        return torch.zeros_like(p)
    g = opt.param_groups[0]
    return -g["lr"] * lr_factor(rc, t) * rc.first_moment(opt.state[p], g)
