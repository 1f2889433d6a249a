"""The minimum-ratio experiment: where does training stop?

The lecture trains a network, then drives the gradient norm itself to zero, and only at that true
critical point looks at the Hessian: minimum ratio = (positive eigenvalues) / (all eigenvalues), 1 at a
true local minimum. Here M networks run as one batched computation, in three fixed phases:

1. ``steps`` full-batch Adam steps on the training loss;
2. ``NEWTON_STEPS`` damped Newton steps on the loss with |H| (the step ``−(|H| + μI)⁻¹ g`` always points
   downhill, so it is not pulled towards saddles; μ adapts per run);
3. ``REFINE_STEPS`` Levenberg-Marquardt steps on ‖g‖² (``−(H² + μI)⁻¹ H g``): the gradient norm itself
   minimised, which converges to the nearest critical point of any kind.

A run counts only where ‖g‖ reached the verdicts' tolerance (``verdicts.is_critical``); the others stay in
the table with ``reached = False`` and no verdict. Eigenvalue signs use the one near-zero rule of
``core.critical.verdicts``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core import train
from core.critical import verdicts
from core.critical.network import DT, net_data, net_grads, net_hessians_fast, train_nets, unpack
from core.export import safetensors_bytes
from core.params import choice, clamp, flag, num

RUNS_CHOICES = (4, 8, 16, 24)
HIDDEN_CHOICES = (1, 2, 4, 8, 12)
STEP_CHOICES = (25, 100, 300, 1000)
NEWTON_STEPS = 20  # damped Newton steps on the loss after Adam
REFINE_STEPS = 25  # Levenberg-Marquardt steps on ‖g‖² after those
VERDICTS = ("not a critical point", "has a λ < 0: a saddle", "no λ < 0, some λ ≈ 0: flat", "all λ > 0: a minimum")
# the notice's claims, checked over seeds (tests/test_critical.py): wider networks (H > 1) that reach a critical
# point "almost never" have a λ < 0 there, and "many" of their runs do not reach the tolerance
SADDLE_SHARE = 0.1  # "almost never": at most this share of the runs that reached a critical point
MISSED_SHARE = 0.2  # "many": more than this share of the runs


@dataclass(frozen=True)
class RatioView:
    """What the page runs and draws (nothing else depends on it)."""
    ratio: bool = flag(False)  # run the minimum-ratio experiment (trains networks, computes their Hessians)


@dataclass(frozen=True)
class RatioConfig:
    runs: int = choice(16, RUNS_CHOICES, widget="select_slider")  # networks trained from different starts, one batch
    hidden: int = choice(2, HIDDEN_CHOICES, widget="select_slider")  # hidden tanh units of each 10 -> H -> 1 network
    steps: int = choice(300, STEP_CHOICES, widget="select_slider")  # full-batch Adam steps on the training loss
    lr: float = choice(0.05, (0.01, 0.02, 0.05, 0.1), widget="select_slider")  # Adam's learning rate
    seed: int = num(0, 0, 1_000_000, widget="number")  # initial weights of all runs


@dataclass
class RatioResult:
    config: RatioConfig
    table: pd.DataFrame  # run, loss, grad_norm, reached, positive, negative, near_zero, lambda_min, min_ratio, verdict
    eigvals: np.ndarray  # (runs in table, P) every network's Hessian eigenvalues, ascending
    history: pd.DataFrame  # step, run, loss (Adam phase)
    log: train.TrainLog
    weights: torch.Tensor  # (runs, P) parameters at the end of the three phases
    n_params: int

    @property
    def critical(self) -> pd.DataFrame:
        """The runs whose gradient reached the tolerance: the only ones the ratio speaks for."""
        return self.table[self.table.reached].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """The numbers the page states: of the ``runs`` networks, ``critical`` reached a critical point; of
        those ``saddles`` have a λ < 0, ``flat`` no λ < 0 but some λ ≈ 0, ``minima`` a ratio of 1; ``missed``
        did not reach the tolerance (or diverged)."""
        c = self.critical
        return dict(runs=self.config.runs, critical=len(c), saddles=int((c.negative > 0).sum()),
                    flat=int(((c.negative == 0) & (c.near_zero > 0)).sum()), minima=int((c.min_ratio == 1).sum()),
                    missed=self.config.runs - len(c))


def _descend(theta: torch.Tensor, hidden: int, n: int) -> torch.Tensor:
    """Damped Newton on the loss with |H|, per run: a step is kept only where it lowers that run's loss."""
    mu = torch.full((theta.shape[0],), 1e-3, dtype=DT)  # (M,)
    for _ in range(n):
        loss, g = net_grads(theta, hidden)  # (M,), (M, P)
        lam, U = torch.linalg.eigh(net_hessians_fast(theta, hidden))  # (M, P), (M, P, P)
        d = -(U @ ((U.transpose(1, 2) @ g[:, :, None]) / (lam.abs() + mu[:, None])[:, :, None]))[:, :, 0]  # (M, P)
        new, _ = net_grads(theta + d, hidden)
        ok = torch.isfinite(new) & (new < loss)
        theta = torch.where(ok[:, None], theta + d, theta)
        mu = torch.where(ok, mu / 3, mu * 5).clamp(1e-12, 1e6)
    return theta


def _refine(theta: torch.Tensor, hidden: int, n: int) -> torch.Tensor:
    """Levenberg-Marquardt on ‖g‖², per run: a step is kept only where it lowers that run's ‖g‖."""
    mu = torch.full((theta.shape[0],), 1e-4, dtype=DT)  # (M,)
    eye = torch.eye(theta.shape[1], dtype=DT)  # (P, P)
    for _ in range(n):
        _, g = net_grads(theta, hidden)  # (M, P)
        H = net_hessians_fast(theta, hidden)  # (M, P, P)
        A = H @ H  # the Gauss-Newton matrix of ‖g‖² (the Jacobian of g is H)
        scale = A.diagonal(dim1=1, dim2=2).mean(1).clamp_min(1e-300)  # (M,)
        d = -torch.linalg.solve(A + (mu * scale)[:, None, None] * eye, H @ g[:, :, None])[:, :, 0]  # (M, P)
        _, g2 = net_grads(theta + d, hidden)
        ok = torch.isfinite(g2).all(1) & (g2.norm(dim=1) < g.norm(dim=1))
        theta = torch.where(ok[:, None], theta + d, theta)
        mu = torch.where(ok, mu / 5, mu * 5).clamp(1e-14, 1e8)
    return theta


def min_ratio(cfg: RatioConfig = RatioConfig()) -> RatioResult:
    """Train ``runs`` networks, drive each one's gradient to zero, then at each critical point reached:
    the full Hessian, its eigenvalues and the minimum ratio = (positive eigenvalues) / (all eigenvalues)."""
    cfg = clamp(cfg)
    theta, log = train_nets(cfg.runs, cfg.hidden, cfg.steps, cfg.lr, cfg.seed)  # (M, P)
    P = theta.shape[1]
    alive = np.array([d is None for d in log.diverged_at]) & torch.isfinite(theta).all(1).numpy()
    t = theta[torch.from_numpy(alive)]
    if len(t):
        t = _refine(_descend(t, cfg.hidden, NEWTON_STEPS), cfg.hidden, REFINE_STEPS)
        theta = theta.clone()
        theta[torch.from_numpy(alive)] = t
    loss, g = net_grads(theta, cfg.hidden)  # (M,), (M, P)
    H = net_hessians_fast(torch.nan_to_num(theta), cfg.hidden)  # (M, P, P)
    ok = alive & torch.isfinite(H).flatten(1).all(1).numpy() & np.isfinite(loss.numpy())
    lam = np.full((cfg.runs, P), np.nan)
    if ok.any():
        lam[ok] = torch.linalg.eigvalsh(H[torch.from_numpy(ok)]).numpy()  # (M_ok, P) ascending
    gn = g.norm(dim=1).numpy()
    neg, zero, pos = verdicts.sign_counts(np.nan_to_num(lam))
    reached = ok & verdicts.is_critical(gn, np.nan_to_num(lam))
    verdict = np.where(~reached, VERDICTS[0], np.where(neg > 0, VERDICTS[1], np.where(zero > 0, VERDICTS[2], VERDICTS[3])))
    table = pd.DataFrame({"run": np.arange(cfg.runs), "loss": loss.numpy(), "grad_norm": gn, "reached": reached,
                          "positive": pos, "negative": neg, "near_zero": zero, "lambda_min": lam[:, 0],
                          "min_ratio": pos / P, "verdict": verdict})
    table = table[ok].reset_index(drop=True)
    L = log.losses  # (steps_done, M)
    hist = pd.DataFrame({"step": np.tile(np.arange(len(L)), cfg.runs), "run": np.repeat(np.arange(cfg.runs), len(L)),
                         "loss": L.T.ravel()})
    hist = hist[np.isfinite(hist.loss)].reset_index(drop=True)
    return RatioResult(cfg, table, lam[ok], hist, log, theta, P)


def ratio_csv(r: RatioResult) -> bytes:
    """One row per trained network: final loss, gradient norm, whether it reached a critical point,
    eigenvalue signs, minimum ratio."""
    return r.table.to_csv(index=False).encode()


def ratio_safetensors(r: RatioResult) -> bytes:
    """Every network's final weights (W1, b1, w2, b2 per run) as a ``.safetensors`` file."""
    X, _, names = net_data()
    W1, b1, w2, b2 = unpack(r.weights, X.shape[1], r.config.hidden)
    return safetensors_bytes({"": {"W1": W1, "b1": b1, "w2": w2, "b2": b2}}, r.config, {"features": ",".join(names)})
