"""The optimizer page's claims, each on the settings the page states it for and, where seeds matter
(minibatch noise, random starts, the digits race), on ten seeds run as one batched computation (race_seeds)
or a few fast races. Shared results are module-scoped fixtures."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core import optimizers as opt

SEEDS = tuple(range(10))
PRESET_RACERS = dict(sgd=0.15, mom_lecture=0.03, adam=0.1)  # the "Noisy small batches" preset's racers


@pytest.fixture(scope="module")
def default():
    return opt.race(opt.RaceConfig())  # the page's default race


@pytest.fixture(scope="module")
def taming():
    return opt.explosions()  # every schedule x every η the controls allow x every run length, one computation


@pytest.fixture(scope="module")
def noisy():
    cfg = opt.RaceConfig(batch=4, lrs=opt.only(**PRESET_RACERS))
    return {k: opt.race_seeds(replace(cfg, schedule=k), SEEDS) for k in ("constant", "cosine")} | {
        "full": opt.race_seeds(replace(cfg, batch=opt.N_EXAMPLES), (0,))}


def tail_gap(res, n=50):
    return (res.loss[:, :, -n:] - res.fmin).mean(-1)  # (K, seeds)


# ------------------------------------------------------------------ header and formulas

def test_every_racer_is_a_torch_optimizer_and_the_lecture_ones_follow_the_formulas():
    """'Every optimizer below is a torch.optim optimizer: PyTorch's own, or the lecture's formula written as one.'
    (the formulas themselves: tests/test_optimizers.py, lecture loops)."""
    import torch

    for rc in opt.RACERS:
        assert isinstance(rc.make([torch.zeros(2, requires_grad=True)], 0.1, 0.9), torch.optim.Optimizer)
    assert opt.RMSPROP_ALPHA == 0.9  # the α the symbols line quotes


def test_seed_rows_equal_separate_races():
    cfg = opt.RaceConfig(batch=8, lrs=opt.only(sgd=0.1, rms_lecture=0.05, adagrad_lecture=0.3), steps=40)
    s = opt.race_seeds(cfg, (2, 7))
    for i, sd in enumerate((2, 7)):
        r = opt.race(replace(cfg, seed=sd, starts=0))
        np.testing.assert_array_equal(s.path[:, i], r.path)


# ------------------------------------------------------------------ the long narrow valley (default race)

def test_notice_one_eta_cannot_suit_both_directions(default):
    """'Plain gradient descent crawls along the flat x; momentum builds up speed along the valley, and Adagrad,
    RMSProp and Adam divide η by each parameter's σ: large steps along the flat direction, small ones across.'"""
    reach = dict(zip(default.racers, opt.steps_to_target(default, 1e-3)))
    assert reach["SGD"] is None
    for name in ("Adam", "RMSProp (lecture)", "Adagrad (lecture)", "Momentum (lecture)"):
        assert reach[name] is not None and reach[name] < 200, name
    board = opt.leaderboard(default, 1e-3)
    assert board.optimizer.iloc[-1] == "SGD"
    for name in ("Adagrad (lecture)", "Adagrad (PyTorch)", "RMSProp (lecture)", "Adam"):
        k = default.racers.index(name)
        e = default.eff_lr[k, :20]  # first 20 updates, before either coordinate has converged
        assert (e[:, 0] > e[:, 1]).all(), name  # η/σ larger along the flat x than across the steep y


# ------------------------------------------------------------------ Adagrad explodes; which decays tame it

def test_preset_adagrad_explodes(taming):
    """'The lecture's Adagrad on the long valley: once the gradients across the valley are tiny for a while,
    σ shrinks, η/σ grows and the step shoots out.' (η = 0.5, 300 steps, constant); PyTorch's does not."""
    r = opt.race(opt.RaceConfig(lrs=opt.only(adagrad_lecture=0.5, adagrad_torch=0.5), steps=300, starts=0))
    at = opt.exploded_at(r.loss[0])
    assert at is not None and opt.exploded_at(r.loss[1]) is None
    assert r.loss[0, at] > opt.EXPLOSION * np.nanmin(r.loss[0, :at])
    assert r.eff_lr[0, at - 2, 1] > 2 * r.eff_lr[0, 10, 1]  # η/σ across the valley grew before the jump
    assert abs(r.path[0, at, 1] - r.path[0, at - 1, 1]) > abs(r.path[0, at, 0] - r.path[0, at - 1, 0])  # y jumps
    row = taming[(taming.schedule == "constant") & (taming.lr == 0.5) & (taming.steps == 300)]
    assert row.exploded_at.iloc[0] == at  # the batched sweep agrees with the race


@pytest.mark.parametrize("schedule,lr,steps", [("constant", 0.3, 500), ("step", 0.5, 500), ("cosine", 0.5, 1000),
                                               ("exponential", 1.0, 300), ("warm-up then decay", 1.0, 200),
                                               ("exponential", 0.5, 1000)])
def test_taming_sweep_equals_the_race(taming, schedule, lr, steps):
    r = opt.race(opt.RaceConfig(lrs=opt.only(adagrad_lecture=lr), schedule=schedule, steps=steps, starts=0))
    row = taming[(taming.schedule == schedule) & (taming.lr == lr) & (taming.steps == steps)]
    got = row.exploded_at.iloc[0]
    want = opt.exploded_at(r.loss[0])
    assert (want is None and np.isnan(got)) or got == want


def test_preset_decay_tames_it_only_where_the_sweep_says(taming):
    """'Decay tames it' (η = 0.5, exponential, 300 steps) and the schedules' notice, on every schedule, every η
    the controls allow and every run length up to the longest (1,000 steps):
    - at η = 0.5 exponential decay and warm-up then decay tame it at every run length; step and cosine decay
      only postpone it (it explodes again on runs of 500 steps or more); constant η explodes from 100 steps;
    - at η ≤ 0.15 nothing explodes; at η = 0.3 only the constant η does (runs of 500 steps or more);
    - at η = 1 every schedule explodes on some run length."""
    assert max(taming.steps) == max(opt.STEPS) == 1000 and set(taming.schedule) == set(opt.SCHEDULES)
    assert set(taming.lr) == {v for v in opt.LRS if v > 0}
    short = {k: opt.shortest_exploding_run(taming, k, 0.5) for k in opt.SCHEDULES}
    assert short == {"constant": 100, "step": 500, "exponential": None, "cosine": 500, "warm-up then decay": None}
    assert opt.tamed(taming, "exponential", 0.5)  # the preset itself
    assert all(opt.tamed(taming, k, lr) for k in opt.SCHEDULES for lr in opt.LRS if 0 < lr <= 0.15)
    assert [k for k in opt.SCHEDULES if not opt.tamed(taming, k, 0.3)] == ["constant"]
    assert opt.shortest_exploding_run(taming, "constant", 0.3) == 500
    assert all(not opt.tamed(taming, k, 1.0) for k in opt.SCHEDULES)
    assert not taming[(taming.lr == 0.5) & (taming.schedule == "exponential")].exploded_at.notna().any()


# ------------------------------------------------------------------ small hill

def test_preset_momentum_rolls_over_the_hill():
    """'Plain gradient descent stops in the first dip; momentum carries its speed over the small hill to the
    deeper minimum.' (the preset: SGD 0.15, Momentum (lecture) 0.03, Nesterov 0.03, 200 steps, full batch)."""
    r = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(sgd=0.15, mom_lecture=0.03, nesterov=0.03),
                                starts=0))
    s = opt.SURFACES["small hill"]
    x_end = dict(zip(r.racers, r.path[:, -1, 0]))
    assert abs(x_end["SGD"] - s.local[0][0]) < 0.05  # in the local minimum in front of the hill
    for name in ("Momentum (lecture)", "Nesterov"):
        assert abs(x_end[name] - s.minima[0][0]) < 0.05, name
    r0 = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(mom_lecture=0.15), beta=0.0, starts=0))
    assert abs(r0.path[0, -1, 0] - s.local[0][0]) < 0.05  # λ = 0: momentum is plain gradient descent


def test_notice_many_starts_momentum_carries_some_over_on_ten_seeds():
    """'Where a surface has local minima, the start decides much of the outcome; momentum carries some starts
    over small hills that stop plain gradient descent.' (small hill, 100 random starts, seeds 0-9)."""
    for sd in SEEDS:
        r = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(sgd=0.15, mom_lecture=0.03), seed=sd))
        share = r.reached.mean(1)
        assert 0.2 < share[0] < 0.8, sd  # the start decides: some reach the global minimum, some do not
        assert (r.reached[1] & ~r.reached[0]).sum() >= 5, sd  # momentum got over where SGD stopped
        assert share[1] > share[0], sd


# ------------------------------------------------------------------ noisy minibatches

def test_preset_noisy_small_batches_on_ten_seeds(noisy):
    """'Minibatches of 4 examples: every gradient is noisy, the paths wander, and with a constant η no racer
    settles as close as with the full batch. A cosine schedule lets momentum settle at least twice as close;
    SGD (still crawling) gains little on most seeds, and Adam ends farther from the minimum with it than with a
    constant η.' (seeds 0-9)"""
    const, cos, full = tail_gap(noisy["constant"]), tail_gap(noisy["cosine"]), tail_gap(noisy["full"])[:, 0]
    names = noisy["constant"].racers
    assert names == ["SGD", "Momentum (lecture)", "Adam"]
    assert (const > full[:, None]).all()  # never settles as close as the full batch
    assert (cos[1] < 0.5 * const[1]).all()  # momentum: cosine at least twice as close on every seed
    assert (cos[0] > 0.5 * const[0]).sum() >= 8  # SGD: less than a halving on most seeds
    assert (cos[2] > const[2]).all()  # Adam: farther with the cosine schedule on every seed


# ------------------------------------------------------------------ look inside

def test_notice_inside_adaptive_rescaling():
    """'Adaptive methods rescale each coordinate by η/σ: it grows where gradients have been small and shrinks
    where they were large.' Lecture RMSProp and Adagrad on the valley: η/σ is larger for the coordinate with
    the smaller gradients, at every update of the first 50."""
    r = opt.race(opt.RaceConfig(lrs=opt.only(adagrad_lecture=0.3, rms_lecture=0.05), steps=50, starts=0))
    for k in range(2):
        small_x = np.abs(r.grad[k, :, 0]) < np.abs(r.grad[k, :, 1])
        assert small_x[:10].all()
        assert (r.eff_lr[k, :10, 0] > r.eff_lr[k, :10, 1]).all()


# ------------------------------------------------------------------ digits

@pytest.fixture(scope="module")
def digits():
    return [opt.real_race(opt.RealConfig(racers=("SGD", "Momentum (lecture)", "Adam"), seed=sd)) for sd in SEEDS]


def test_notice_digits_momentum_and_adam_usually_lower_the_loss_sooner(digits):
    """'The adaptive methods and momentum usually get the loss down in fewer steps' (page settings: 300 updates
    of 32; seeds 0-9): on at least 8 of 10 seeds, Momentum (lecture) and Adam reach a lower mean training loss
    over the first 100 updates than SGD."""
    wins = {"Momentum (lecture)": 0, "Adam": 0}
    for r in digits:
        h = r.history[r.history.step <= 100].groupby("optimizer").loss.mean()
        for name in wins:
            wins[name] += bool(h[name] < h["SGD"])
        assert r.log.steps == 300 and not r.log.diverged
    assert all(v >= 8 for v in wins.values()), wins
