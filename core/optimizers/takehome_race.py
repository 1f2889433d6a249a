"""The surface race as a take-home script (``race_script``; the digits' parts are in ``takehome.py``, whose racers'
optimizers and lecture forms it shares): the racers one after another, each on an (S, 2) tensor whose rows are the
race's start and the random starts; the surface's formula is read from ``core/optimizers/surfaces.py``, the schedule
written as ``make_scheduler`` builds it. Only the chosen racers' lines are written: with all ten racers on, up to
88 lines; the page's defaults stay within 80.
"""
from __future__ import annotations

import inspect

from core import rng, takehome
from core.optimizers.race import RaceConfig, clamp_race
from core.optimizers.racers import ADAMW_DECAY, NAMES, RACERS, RMSPROP_ALPHA, lrs_of, racer
from core.optimizers.schedules import EXP_FINAL, STEP_GAMMA, WARMUP_START, _warmup
from core.optimizers.surfaces import N_EXAMPLES, surface
from core.optimizers.takehome import BLOWUP, LECTURE, MAKE, PRINTS, RACE_FILE

SCHEDULE = {  # the schedule as core/optimizers/schedules.py's make_scheduler builds it
    "constant": "lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)",
    "step": "lr_scheduler.StepLR(optimizer, step_size=max(1, STEPS // 4), gamma=$step_gamma)",
    "exponential": "lr_scheduler.ExponentialLR(optimizer, gamma=$exp_final ** (1.0 / STEPS))",
    "cosine": "lr_scheduler.CosineAnnealingLR(optimizer, T_max=STEPS, eta_min=0.0)",
    "warm-up then decay": "lr_scheduler.SequentialLR(optimizer, [  # $c_warmup_then\n"
                          "        lr_scheduler.LinearLR(optimizer, start_factor=$warm_start, end_factor=1.0, "
                          "total_iters=$warm),\n"
                          "        lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, STEPS - $warm), eta_min=0.0)],"
                          " milestones=[$warm])",
}

NOISE = """\
        if BATCH < N:  # $c_noise
            if t % math.ceil(N / BATCH) == 0:  # $c_epoch
                order = torch.rand(len(x0), N, generator=g).argsort(1)  # (S, N)
            pick = order[:, t % math.ceil(N / BATCH) * BATCH:][:, :BATCH]  # (S, BATCH)
            loss = loss + (p * a[pick].mean(1)).sum()  # $c_offsets
"""

SQRT_T_RACE = """\
        if name == "Adagrad (lecture)":  # $c_sqrt_t
            lr = optimizer.param_groups[0]["lr"]
            optimizer.param_groups[0]["lr"] = lr * math.sqrt(t + 1)
            optimizer.step()
            optimizer.param_groups[0]["lr"] = lr  # $c_restore
        else:
            optimizer.step()
"""

RACE = """\
# $c_title_race
# $c_run: python $file_name
import math
import torch
from torch.optim import lr_scheduler

# $c_settings
STEPS, BATCH, N, BETA, ALPHA, START, STARTS = $steps, $batch, $n, $beta, $alpha, $start, $starts
BOX, MINIMA, NOISE = $box, $minima, $noise  # $c_box
EXAMPLES_SEED, STARTS_SEED, BATCH_SEED = $examples_seed, $starts_seed, $batch_seed

# %% 1 · $s_data
a = torch.randn(N, 2, generator=torch.Generator().manual_seed(EXAMPLES_SEED), dtype=torch.float64)
a = a - a.mean(0)
a = a / a.std(0) * NOISE  # (N, 2) $c_examples

# %% 2 · $s_model
lo, hi = torch.tensor(BOX[0::2], dtype=torch.float64), torch.tensor(BOX[1::2], dtype=torch.float64)
u = torch.rand(STARTS, 2, generator=torch.Generator().manual_seed(STARTS_SEED), dtype=torch.float64)
x0 = torch.cat([torch.tensor([START], dtype=torch.float64), lo + u * (hi - lo)])  # (S, 2) $c_starts

# %% 3 · $s_loss
def f(p):  # (..., 2) -> (...): $c_surface
    x, y = p[..., 0], p[..., 1]
    $formula

# %% 4 · $s_optimiser
${lecture}RACERS = {  # $c_optimizers
$optimizers}

# %% 5 · $s_loop
results = {}
for name, make_optimizer in RACERS.items():  # $c_each_race
    p = x0.clone().requires_grad_(True)  # $c_rows
    optimizer, g, losses = make_optimizer([p]), torch.Generator().manual_seed(BATCH_SEED), [f(x0[0]).item()]
    scheduler = $schedule  # $c_schedule
    for t in range(STEPS):
        loss = f(p).sum()  # $c_sum
${minibatch}        optimizer.zero_grad()
        loss.backward()
${sqrt_t}        scheduler.step()
        losses.append(f(p[0]).item())  # $c_row0
    results[name] = (p.detach(), losses)

# %% 6 · $s_evaluation
for name, (p, losses) in results.items():  # $c_final_race
    bad = [t for t, v in enumerate(losses) if not abs(v) <= $blowup]  # $c_blowup_race
    print(f"{name}: loss", " ".join(f"{v:.8g}" for v in (losses[:bad[0]] if bad else losses)[::$every]))
    near = (p[1:, None] - torch.tensor(MINIMA, dtype=torch.float64)).norm(dim=-1).min(1).values  # $c_near
    share = (near < 0.02 * math.hypot(BOX[1] - BOX[0], BOX[3] - BOX[2])).double().mean().item()
    end = f"diverged at step {bad[0]}" if bad else f"x {p[0, 0]:.8g} y {p[0, 1]:.8g} final {losses[-1]:.8g}"
    print(f"{name}: {end} at_minimum {share:.8g}")
"""


def race_script(cfg: RaceConfig = RaceConfig(), lang: str = "en") -> str:
    """The surface race's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp_race(cfg)
    names = [rc.name for rc, lr in zip(RACERS, lrs_of(cfg.lrs)) if lr > 0]
    lrs = dict(zip(NAMES, lrs_of(cfg.lrs)))
    surf = surface(cfg.surface)
    formula = [ln.strip() for ln in inspect.getsource(surf.f).splitlines() if ln.strip().startswith("return ")][0]
    out: dict[str, object] = takehome.words("optimizers", lang, cfg.seed)
    out.update(file_name=RACE_FILE, steps=cfg.steps, batch=cfg.batch, n=N_EXAMPLES, beta=float(cfg.beta),
               alpha=RMSPROP_ALPHA, start=tuple(surf.start), starts=cfg.starts, box=tuple(surf.box),
               minima=[tuple(m) for m in surf.minima], noise=float(surf.noise), formula=formula,
               every=max(1, cfg.steps // PRINTS), blowup=f"{BLOWUP:g}",
               examples_seed=rng.seed_of(cfg.seed, "optimizers.examples"),
               starts_seed=rng.seed_of(cfg.seed, "optimizers.starts"),
               batch_seed=rng.seed_of(cfg.seed, "optimizers.batches"))
    out["optimizers"] = "".join(takehome.fill(f'    "{n}": lambda p: {MAKE[n]},\n', {"lr": repr(lrs[n]), "decay": ADAMW_DECAY})
                                for n in names)
    out["lecture"] = takehome.fill(LECTURE, out) if any("Lecture" in MAKE[n] for n in names) else ""
    out["schedule"] = takehome.fill(SCHEDULE[cfg.schedule], {**out, "step_gamma": STEP_GAMMA, "exp_final": EXP_FINAL,
                                                              "warm_start": WARMUP_START, "warm": _warmup(cfg.steps)})
    out["minibatch"] = takehome.fill(NOISE, out) if cfg.batch < N_EXAMPLES else ""
    lecture_adagrad = any(racer(n).lr_factor for n in names)  # η/√t
    out["sqrt_t"] = takehome.fill(SQRT_T_RACE, out) if lecture_adagrad else "        optimizer.step()\n"
    return takehome.fill(RACE, out)
