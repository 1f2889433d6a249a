"""The optimizer page's claims, each on the settings the page states it for and, where seeds matter
(minibatch noise, random starts, the digits race), on ten or twenty seeds run as one batched computation
(race_seeds) or a few fast races. Every sentence the page words from a run is decided by a ``*_facts`` function
of core.optimizers, called here too; its thresholds are core's named constants. Shared results are
module-scoped fixtures."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core import i18n, params
from core import optimizers as opt

SEEDS = tuple(range(10))
MANY = tuple(range(20))  # the noisy presets: "on most seeds" is a share, counted on twenty
PRESET_RACERS = dict(sgd=0.15, mom_lecture=0.03, adam=0.1)  # the "Noisy small batches" preset's racers


@pytest.fixture(scope="session")
def default():
    return opt.race(opt.RaceConfig())  # the page's default race


@pytest.fixture(scope="session")
def taming():
    return opt.explosions()  # every schedule x every η the controls allow x every run length, one computation


@pytest.fixture(scope="session")
def noisy():
    cfg = opt.RaceConfig(batch=4, lrs=opt.only(**PRESET_RACERS))
    return {k: opt.race_seeds(replace(cfg, schedule=k), MANY) for k in ("constant", "cosine")} | {
        "full": opt.race_seeds(replace(cfg, batch=opt.N_EXAMPLES), (0,))}


# ------------------------------------------------------------------ header and formulas

def test_every_racer_is_a_torch_optimizer_and_the_symbols_quote_rmsprops_alpha():
    """'Every racer is a torch.optim optimizer (PyTorch's own, or the lecture's formula written as one).'
    (the formulas themselves: tests/test_optimizers.py, lecture loops); the symbols line's α is RMSProp's."""
    import torch

    for rc in opt.RACERS:
        assert isinstance(rc.make([torch.zeros(2, requires_grad=True)], 0.1, 0.9), torch.optim.Optimizer)
    for lang in ("en", "zh"):
        assert f"α = {opt.RMSPROP_ALPHA:g}" in i18n.text(lang, "optimizers.symbols")


def test_seed_rows_equal_separate_races():
    cfg = opt.RaceConfig(batch=8, lrs=opt.only(sgd=0.1, rms_lecture=0.05, adagrad_lecture=0.3), steps=40)
    s = opt.race_seeds(cfg, (2, 7))
    for i, sd in enumerate((2, 7)):
        r = opt.race(replace(cfg, seed=sd, starts=0))
        np.testing.assert_array_equal(s.path[:, i], r.path)


# ------------------------------------------------------------------ the long narrow valley (default race)

@pytest.mark.claim
def test_notice_one_eta_cannot_suit_both_directions(default):
    """The default race's notice (target 1e-3): plain gradient descent is not there after 200 steps, momentum and
    the adaptive racers are; 'one η cannot suit both directions': every racer that divides η by σ has η_t/σ larger
    along the flat x than across the steep y (the first VALLEY_UPDATES updates)."""
    target = opt.RaceView().target
    f = opt.race_facts(default, target)
    assert f.slow == ("SGD",) and not f.diverged
    reached = dict(f.reached)
    for name in ("Adam", "RMSProp (lecture)", "Adagrad (lecture)", "Momentum (lecture)"):
        assert name in reached and reached[name] < default.steps_done, name
    assert opt.leaderboard(default, target).optimizer.iloc[-1] == "SGD"
    assert set(f.valley) == {n for n in default.racers if opt.racer(n).sigma is not None} and len(f.valley) == 4
    for name in f.valley:  # with margin: at least twice as large along x at each of those updates
        e = default.eff_lr[default.racers.index(name), :opt.VALLEY_UPDATES]
        assert (e[:, 0] > 2 * e[:, 1]).all(), name


# ------------------------------------------------------------------ Adagrad explodes; which decays tame it

@pytest.mark.claim
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


@pytest.mark.claim
def test_preset_decay_tames_it_only_where_the_sweep_says(taming):
    """'Decay tames it' (η = 0.5, exponential, 300 steps) and the schedules' notice, on every schedule, every η
    the controls allow and every run length up to the longest (1,000 steps):
    - at η = 0.5 exponential decay and warm-up then decay tame it at every run length; step and cosine decay
      only postpone it (it explodes again on runs of 500 steps or more); constant η explodes from 100 steps;
    - at η ≤ 0.15 nothing explodes; at η = 0.3 only the constant η does (runs of 500 steps or more);
    - at η = 1 every schedule explodes on some run length."""
    longest = max(params.specs(opt.RaceConfig)["steps"][0].options)  # the longest run the controls allow
    assert max(taming.steps) == max(opt.STEPS) == longest and set(taming.schedule) == set(opt.SCHEDULES)
    assert set(taming.lr) == {v for v in opt.LRS if v > 0}
    f = opt.taming_facts(taming, 0.5)  # the schedules' notice at the preset's η
    assert f.verdict == "some" and f.boom == {"constant": 100, "step": 500, "cosine": 500}
    assert f.calm == ("exponential", "warm-up then decay") and (f.shortest, f.longest) == (min(opt.STEPS), longest)
    assert opt.tamed(taming, "exponential", 0.5)  # the preset itself
    assert all(opt.tamed(taming, k, lr) for k in opt.SCHEDULES for lr in opt.LRS if 0 < lr <= 0.15)
    assert [k for k in opt.SCHEDULES if not opt.tamed(taming, k, 0.3)] == ["constant"]
    assert opt.shortest_exploding_run(taming, "constant", 0.3) == 500
    assert all(not opt.tamed(taming, k, 1.0) for k in opt.SCHEDULES) and opt.taming_facts(taming, 1.0).verdict == "all"
    assert opt.taming_facts(taming, 0.15).verdict == "none"
    assert not taming[(taming.lr == 0.5) & (taming.schedule == "exponential")].exploded_at.notna().any()


# ------------------------------------------------------------------ small hill

@pytest.mark.claim
def test_preset_momentum_rolls_over_the_hill():
    """'Plain gradient descent stops in the dip in front of the small hill; the lecture's momentum and Nesterov
    carry their speed over it to the deeper minimum.' (the preset: SGD 0.15, Momentum (lecture) 0.03, Nesterov
    0.03, 200 steps, full batch), and the race's notice says so."""
    r = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(sgd=0.15, mom_lecture=0.03, nesterov=0.03),
                                starts=0))
    f = opt.race_facts(r, opt.RaceView().target)
    assert f.stuck == ("SGD",) and f.over == ("Momentum (lecture)", "Nesterov")
    s = opt.SURFACES["small hill"]
    x_end = dict(zip(r.racers, r.path[:, -1, 0]))  # with margin: well inside HILL_TOL of each minimizer
    assert abs(x_end["SGD"] - s.local[0][0]) < opt.HILL_TOL / 10
    assert all(abs(x_end[n] - s.minima[0][0]) < opt.HILL_TOL / 10 for n in f.over)
    r0 = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(mom_lecture=0.15), beta=0.0, starts=0))
    assert abs(r0.path[0, -1, 0] - s.local[0][0]) < opt.HILL_TOL / 10  # λ = 0: momentum is plain gradient descent


@pytest.mark.claim
def test_notice_many_starts_momentum_carries_some_over_on_ten_seeds():
    """The many-starts notice on the small hill (100 random starts, seeds 0-9): the start decides (SGD reaches the
    global minimum from some starts, not from others); momentum has the most starts at the global minimum, and
    'reached the global minimum from starts where SGD ended elsewhere' names it, with at least 5 such starts."""
    for sd in SEEDS:
        r = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(sgd=0.15, mom_lecture=0.03), seed=sd))
        f = opt.ends_facts(r)
        assert 0.2 * f.total < f.reached[opt.PLAIN] < 0.8 * f.total, sd
        assert f.best == ("Momentum (lecture)",) and f.over["Momentum (lecture)"] >= 5, sd


# ------------------------------------------------------------------ noisy minibatches

@pytest.mark.claim
def test_preset_noisy_small_batches_on_twenty_seeds(noisy):
    """'Minibatches of 4 examples: ... with a constant η no racer settles as close to the minimum as with the full
    batch' (every seed), and 'with a cosine schedule: on most seeds momentum settles at least twice as close to
    the minimum as with a constant η, while SGD (still crawling) and Adam get less than twice as close.'
    (seeds 0-19; "most": at least MOST_SEEDS of them)."""
    assert noisy["constant"].racers == ["SGD", "Momentum (lecture)", "Adam"]
    f = opt.settle_facts(noisy["constant"], noisy["cosine"], noisy["full"])
    assert f["wanders"].all()
    full = opt.tail_gap(noisy["full"])[:, :1]  # with margin: at least 5 times as far as the full batch
    assert (opt.tail_gap(noisy["constant"]) > 5 * full).all()
    sgd, momentum, adam = f["settles"]
    assert opt.on_most(momentum) and opt.on_most(~sgd) and opt.on_most(~adam)


# ------------------------------------------------------------------ look inside

@pytest.mark.claim
def test_notice_inside_adaptive_rescaling():
    """'Adaptive methods rescale each coordinate by η/σ: it grows where gradients have been small and shrinks
    where they were large.' Lecture RMSProp and Adagrad on the valley: η/σ is larger for the coordinate with
    the smaller gradients, at every update of the first 50."""
    r = opt.race(opt.RaceConfig(lrs=opt.only(adagrad_lecture=0.3, rms_lecture=0.05), steps=50, starts=0))
    for k in range(2):
        small_x = np.abs(r.grad[k, :, 0]) < np.abs(r.grad[k, :, 1])
        assert small_x[:10].all()
        for t in range(1, 11):
            f = opt.inside_facts(opt.inside(r, k, t))
            assert f.adaptive and f.larger == "x" and f.momentum == "", t


# ------------------------------------------------------------------ digits

@pytest.fixture(scope="session")
def digits():
    return [opt.real_race(opt.RealConfig(racers=("SGD", "Momentum (lecture)", "Adam"), seed=sd)) for sd in SEEDS]


@pytest.mark.claim
def test_notice_digits_momentum_and_adam_usually_lower_the_loss_sooner(digits):
    """The real race's notice ranks the racers by mean training loss over the first FIRST_UPDATES updates (page
    settings: 300 updates of 32; seeds 0-9): on most seeds Momentum (lecture) and Adam come before SGD, as the
    lecture expects."""
    ahead = {"Momentum (lecture)": [], "Adam": []}
    for r in digits:
        f = opt.real_facts(r)
        order = [n for n, _ in f.by_loss]
        for name in ahead:
            ahead[name].append(order.index(name) < order.index("SGD"))
        assert f.first == opt.FIRST_UPDATES and r.log.steps == r.config.steps and not r.log.diverged
        assert all(v is not None for v in f.accuracy.values())
    assert all(opt.on_most(np.array(v)) for v in ahead.values()), ahead
