"""The minimum-ratio experiment, the lecture's way: where does training stop?

The lecture trained networks until the gradient was small, then treated ‖g‖ itself as the loss and
minimised it, and at the point reached looked at the Hessian: minimum ratio = (positive eigenvalues) /
(all eigenvalues), 1 at a true local minimum; it plotted that ratio against the training loss, one point per
run. Here M networks run as one batched computation, in two fixed phases:

1. ``steps`` full-batch Adam steps on the training loss, from N(0, INIT_STD²) weights;
2. ``LBFGS_ITERS`` iterations of ``torch.optim.LBFGS`` on Σ_m ‖g_m‖² (the gradient by autograd with
   ``create_graph``; the runs share no weight, so the sum is smallest exactly where every run's own ‖g‖ is).

Then each run's full Hessian (``net_hessians_fast``), its eigenvalue signs under the one near-zero rule of
``core.critical.verdicts``, and the ratio. ‖g‖ gets small, never exactly zero: the result keeps how small
(``grad_norm``) and whether it went below the verdicts' tolerance (``reached``), and the page says it.
What the page states is decided by ``RatioResult.facts`` with the thresholds named below.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core import device, rng, train
from core.critical import verdicts
from core.critical.network import DT, fit_nets, n_params, net_data, net_grads, net_hessians_fast, net_loss, unpack
from core.export import safetensors_bytes
from core.params import choice, clamp, flag, num

RUNS_CHOICES = (4, 8, 16, 24)
HIDDEN_CHOICES = (1, 2, 4, 8, 12)
STEP_CHOICES = (25, 100, 300, 1000)
INIT_STD = 0.5  # initial weights N(0, INIT_STD²): saturated enough that runs stop in different places
LBFGS_ITERS = 40  # L-BFGS iterations on Σ‖g‖² (torch's max_eval: at most 1.25× as many evaluations): a budget of work
LBFGS_HISTORY = 50  # curvature pairs L-BFGS keeps
VERDICTS = ("has a λ < 0: a way down", "no λ < 0, some λ ≈ 0: flat", "all λ > 0: a minimum")
MOST = 0.5  # "most stopping points still have a direction that goes down": more than this share has a λ < 0
RARE = 0.1  # "true local minima are rare": at most this share of the runs has ratio 1
RATIO_STORIES = ("most", "none", "some")  # the notice: most runs have a λ < 0 / no run has one / the counts


@dataclass(frozen=True)
class RatioView:
    """What the page runs and draws (nothing else depends on it)."""
    ratio: bool = flag(False)  # run the minimum-ratio experiment (trains networks, computes their Hessians)


@dataclass(frozen=True)
class RatioConfig:
    runs: int = choice(16, RUNS_CHOICES, widget="select_slider")  # networks trained from different starts, one batch
    hidden: int = choice(8, HIDDEN_CHOICES, widget="select_slider")  # hidden tanh units of each 10 -> H -> 1 network
    steps: int = choice(300, STEP_CHOICES, widget="select_slider")  # full-batch Adam steps on the training loss
    lr: float = choice(0.05, (0.01, 0.02, 0.05, 0.1), widget="select_slider")  # Adam's learning rate
    seed: int = num(0, 0, 1_000_000, widget="number")  # initial weights of all runs


@dataclass
class RatioResult:
    config: RatioConfig
    table: pd.DataFrame  # run, loss, grad_start, grad_norm, reached, positive, negative, near_zero, lambda_min, min_ratio, verdict
    eigvals: np.ndarray  # (runs in table, P) every network's Hessian eigenvalues, ascending
    log: train.TrainLog
    weights: torch.Tensor  # (runs, P) parameters at the end of both phases
    n_params: int

    def facts(self) -> dict:
        """What the page states about this result: the story (one of RATIO_STORIES: "most" where more than MOST
        of the runs have a λ < 0 and at most RARE have ratio 1, "none" where no run has a λ < 0, else "some",
        the counts only), the counts (``missed``: runs whose ‖g‖ stayed above the verdicts' tolerance), and the
        ranges of ratio, loss and ‖g‖ (after Adam: g0_*, after L-BFGS: g_*)."""
        t = self.table
        n, down = len(t), int((t.negative > 0).sum())
        minima = int((t.min_ratio == 1).sum())
        most = down > MOST * n and minima <= RARE * n
        story = RATIO_STORIES[1] if down == 0 else RATIO_STORIES[0] if most else RATIO_STORIES[2]
        return dict(story=story, runs=n, down=down, flat=int(((t.negative == 0) & (t.near_zero > 0)).sum()),
                    minima=minima, reached=int(t.reached.sum()), missed=n - int(t.reached.sum()),
                    ratio_lo=float(t.min_ratio.min()), ratio_hi=float(t.min_ratio.max()),
                    loss_lo=float(t.loss.min()), loss_hi=float(t.loss.max()),
                    g0_lo=float(t.grad_start.min()), g0_hi=float(t.grad_start.max()),
                    g_lo=float(t.grad_norm.min()), g_hi=float(t.grad_norm.max()))


def drive_gradient_to_zero(theta: torch.Tensor, hidden: int, iters: int = LBFGS_ITERS) -> torch.Tensor:
    """The lecture's second phase: ``torch.optim.LBFGS`` (strong-Wolfe line search) on Σ_m ‖g_m‖², the
    gradient g_m of run m's training loss by autograd; theta (M, P) -> (M, P). Runs that turn non-finite
    keep their starting weights."""
    X, y, _ = net_data()
    t = theta.detach().clone().requires_grad_(True)  # (M, P)
    opt = torch.optim.LBFGS([t], lr=1, max_iter=iters, history_size=LBFGS_HISTORY, line_search_fn="strong_wolfe",
                            tolerance_grad=0, tolerance_change=0)  # stops after its iterations, never on a tolerance

    def closure() -> torch.Tensor:
        opt.zero_grad(set_to_none=True)
        (g,) = torch.autograd.grad(net_loss(t, X, y, hidden).sum(), t, create_graph=True)  # (M, P)
        obj = g.square().sum()
        obj.backward()
        return obj.detach()

    if len(t):
        opt.step(closure)
    out = t.detach()
    return torch.where(torch.isfinite(out).all(1, keepdim=True), out, theta)


def min_ratio(cfg: RatioConfig = RatioConfig()) -> RatioResult:
    """Train ``runs`` networks, minimise each one's ‖g‖², then at each point reached: the full Hessian, its
    eigenvalues and the minimum ratio = (positive eigenvalues) / (all eigenvalues)."""
    return min_ratios(cfg, (cfg.seed,))[0]


def min_ratios(cfg: RatioConfig, seeds, max_seconds: float | None = None) -> list[RatioResult]:
    """``min_ratio`` for each seed in ``seeds`` (the config's own seed ignored), the Adam phase of every seed's
    runs as one batched computation (tests check claims on ten seeds this way, with ``max_seconds=math.inf``: on
    a busy machine the wall-time guard ``train.GUARD_SECONDS`` would cut 160 networks' Adam short); L-BFGS then
    runs per seed, on that seed's ``runs`` networks, as the page does."""
    cfg = clamp(cfg)
    X, _, _ = net_data()
    P = n_params(X.shape[1], cfg.hidden)
    theta0 = torch.cat([torch.randn(cfg.runs, P, generator=rng.generator(s, "critical.ratio"), dtype=DT) * INIT_STD
                        for s in seeds])  # (S·M, P)
    theta, log = fit_nets(theta0, cfg.hidden, cfg.steps, cfg.lr, max_seconds, **device.optimizer_impl("foreach"))
    out = []
    for k, s in enumerate(seeds):
        sl = slice(k * cfg.runs, (k + 1) * cfg.runs)
        part = train.TrainLog(log.losses[:, sl], log.planned, log.diverged_at[sl], log.stopped, log.seconds)
        out.append(_at_stop(replace(cfg, seed=int(s)), theta[sl], part))
    return out


def _at_stop(cfg: RatioConfig, theta: torch.Tensor, log: train.TrainLog) -> RatioResult:
    """Phase 2 and the Hessians for one seed's networks theta (M, P) after Adam."""
    P = theta.shape[1]
    alive = torch.from_numpy(np.array([d is None for d in log.diverged_at])) & torch.isfinite(theta).all(1)
    g0 = net_grads(torch.nan_to_num(theta), cfg.hidden)[1].norm(dim=1)  # (M,) ‖g‖ after Adam
    theta = theta.clone()
    theta[alive] = drive_gradient_to_zero(theta[alive], cfg.hidden)
    loss, g = net_grads(torch.nan_to_num(theta), cfg.hidden)  # (M,), (M, P)
    H = net_hessians_fast(torch.nan_to_num(theta), cfg.hidden)  # (M, P, P)
    ok = (alive & torch.isfinite(H).flatten(1).all(1) & torch.isfinite(loss)).numpy()
    lam = np.full((cfg.runs, P), np.nan)
    if ok.any():
        lam[ok] = torch.linalg.eigvalsh(H[torch.from_numpy(ok)]).numpy()  # (M_ok, P) ascending
    gn = g.norm(dim=1).numpy()
    neg, zero, pos = verdicts.sign_counts(np.nan_to_num(lam))
    verdict = np.where(neg > 0, VERDICTS[0], np.where(zero > 0, VERDICTS[1], VERDICTS[2]))
    table = pd.DataFrame({"run": np.arange(cfg.runs), "loss": loss.numpy(), "grad_start": g0.numpy(), "grad_norm": gn,
                          "reached": verdicts.is_critical(gn, np.nan_to_num(lam)), "positive": pos, "negative": neg,
                          "near_zero": zero, "lambda_min": lam[:, 0], "min_ratio": pos / P, "verdict": verdict})
    return RatioResult(cfg, table[ok].reset_index(drop=True), lam[ok], log, theta, P)


def ratio_csv(r: RatioResult) -> bytes:
    """One row per trained network: final loss, ‖g‖ after Adam and after L-BFGS, eigenvalue signs, ratio."""
    return r.table.to_csv(index=False).encode()


def ratio_safetensors(r: RatioResult) -> bytes:
    """Every network's final weights (W1, b1, w2, b2 per run) as a ``.safetensors`` file."""
    X, _, names = net_data()
    W1, b1, w2, b2 = unpack(r.weights, X.shape[1], r.config.hidden)
    return safetensors_bytes({"": {"W1": W1, "b1": b1, "w2": w2, "b2": b2}}, r.config, {"features": ",".join(names)})


RATIO_FILES = (("ratio", ratio_csv, "minimum_ratio.csv", "text/csv"),  # the page's downloads: catalogue key "dl.<key>",
               ("weights", ratio_safetensors, "ratio_networks.safetensors", "application/octet-stream"))  # bytes, file, MIME
