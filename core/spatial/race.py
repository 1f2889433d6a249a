"""The race: a plain CNN and a CNN behind a spatial transformer trained side by side on the same distorted
digits, and (behind a switch) a plain CNN trained on freshly distorted copies of its training digits.

All racers of all seeds train as ONE computation: Adam on stacked parameters, each racer's cross-entropy its
own, one backward per step (``train.batched_step``); seed m's racers see seed m's minibatches. Every setting
runs a fixed number of steps (``epochs`` × ceil(1000 / ``BATCH``)). The test accuracies are measured before
training and about ``MEASURES`` times during it (every epoch up to 5 epochs, then every epochs // 3, and after the
last), and after every epoch the transformer's matrices for ``WATCHED`` test digits are recorded (seed 0), for the
replay.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import device, rng, train
from core.convolution import digits
from core.params import choice, clamp, flag, num
from core.spatial.data import N_TRAIN, DigitSets, Ranges, digit_sets, distort, draw
from core.spatial.nets import Nets

RACERS = ("CNN", "ST", "augmented")  # plain CNN, CNN behind a spatial transformer, CNN on fresh distortions
EPOCHS = (2, 4, 6, 8, 12, 16)  # 16 with the augmented racer: the most expensive setting (about 7 CPU s)
BATCH = 16  # the issue calibrated 64 and Adam 3·10⁻³ over 20 epochs; 16 and 2·10⁻³ learn more per CPU second
LR = 2e-3  # (trials at 6 epochs: 32 and 3·10⁻³ left one seed in ten with its turn barely learned)
WATCHED = 4  # test digits whose warp the replay shows
EVAL_CHUNK = 400  # test digits measured at once (bounds the memory of a many-seed run)
MEASURES = 3  # the test accuracy is measured about this many times after epoch 0 (and after the last): a measurement
# of the 797 test digits costs about a sixth of an epoch (at the default 6 epochs: every 2, 0.2 CPU s saved)


@dataclass(frozen=True)
class TrainConfig:
    rotation: int = num(60, 0, 90, step=5)  # digits turned by up to ± this many degrees
    scale_min: float = num(0.7, 0.5, 1.0, step=0.05)  # and scaled by a factor between scale_min ...
    scale_max: float = num(1.2, 1.0, 1.5, step=0.05)  # ... and scale_max
    shift: int = num(15, 0, 25, step=5)  # and moved by up to ± this % of the canvas, across and down
    epochs: int = choice(6, EPOCHS, widget="select_slider")  # passes over the 1,000 training digits
    augment: bool = flag(False)  # a third racer: the plain CNN on freshly distorted training digits
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, distortions, initial weights, minibatches

    def ranges(self) -> Ranges:
        return Ranges(float(self.rotation), float(self.scale_min), float(self.scale_max), self.shift / 100)

    def racers(self) -> tuple[str, ...]:
        return RACERS if self.augment else RACERS[:2]


@dataclass
class TrainResult:
    config: TrainConfig
    history: pd.DataFrame  # epoch, model, accuracy (test): seed 0 of the run, at the measured epochs
    accuracy: np.ndarray  # (M, K) final test accuracy of each seed's racers (K: config.racers())
    watched: np.ndarray  # (WATCHED,) which test digits of seed 0 the replay shows
    thetas: np.ndarray  # (epochs + 1, WATCHED, 2, 3) the transformer's θ for them, before training and per epoch
    reads: np.ndarray  # (epochs + 1, WATCHED) the digit the transformer's CNN reads in each
    nets: Nets  # the trained networks (read-only); racer k of seed m is row k·M + m (k: its place in RACERS)
    data: DigitSets  # read-only
    log: train.TrainLog
    seconds: float

    def final(self) -> dict[str, float]:
        """Each racer's final test accuracy (seed 0)."""
        return {k: float(self.accuracy[0, i]) for i, k in enumerate(self.config.racers())}


def watched_digits(sets: DigitSets, n: int = WATCHED) -> np.ndarray:
    """Test digits of seed 0 turned about -0.9, -0.3, 0.3 and 0.9 of the range (distinct digits)."""
    a = sets.test.angle[0].numpy()
    r = float(sets.ranges.rotation)
    picks: list[int] = []
    for target in np.linspace(-0.9, 0.9, n) * r:
        order = np.argsort(np.abs(a - target), kind="stable")
        picks.append(int(next(i for i in order if i not in picks)))
    return np.array(picks)


def _accuracy(nets: Nets, x: torch.Tensor, y: torch.Tensor, racers: tuple[str, ...], m: int) -> torch.Tensor:
    """Test accuracy (K·M,) of every racer, measured in chunks of EVAL_CHUNK digits."""
    hits = torch.zeros(len(racers) * m)
    with torch.no_grad():
        for i in range(0, x.shape[1], EVAL_CHUNK):
            xb, yb = x[:, i:i + EVAL_CHUNK], y[:, i:i + EVAL_CHUNK]
            hits += (_logits(nets, xb, racers)[0].argmax(-1) == yb.repeat(len(racers), 1)).float().sum(1)
    return hits / x.shape[1]


def _logits(nets: Nets, x: torch.Tensor, racers: tuple[str, ...], aug: torch.Tensor | None = None):
    """x (M, B, 1, S, S) -> logits (K·M, B, 10) of every racer (racer k of seed m in row k·M + m), and θ."""
    warped, th = nets.warped(x)
    m = x.shape[0]
    # the plain CNN and the transformer's CNN (both always race) as ONE grouped computation, rows 0 .. 2M - 1: a
    # step then costs about as much as one racer's (the race at its defaults: 2.1 -> 1.4 s); the augmented CNN's M
    # networks in a computation of their own, rows 2M .. 3M - 1, so that it never changes the other two's numbers
    out = [nets.logits(torch.cat([x, warped]), slice(0, 2 * m))]
    if "augmented" in racers:
        out.append(nets.logits(x if aug is None else aug, _rows("augmented", m)))
    return torch.cat(out), th


def _rows(racer: str, m: int) -> slice:
    """Racer ``racer``'s M networks: rows k·M .. k·M + M - 1, k its place in RACERS."""
    k = RACERS.index(racer)
    return slice(k * m, (k + 1) * m)


def race(cfg: TrainConfig, seeds: list[int] | None = None, progress=None) -> TrainResult:
    """Train the racers of ``cfg`` (on ``cfg.seed``, or on every seed of ``seeds`` at once).
    ``progress(partial TrainResult)`` is called while training."""
    cfg = clamp(cfg)
    seeds = [cfg.seed] if seeds is None else [int(s) for s in seeds]
    m, racers = len(seeds), cfg.racers()
    sets = digit_sets(cfg.ranges(), seeds)
    # Every racer's networks exist, raced or not, and the augmented racer's forward pass is its own (the two others,
    # which always race, share one): adding the augmented CNN changed the transformer's accuracy (74 % -> 75 %,
    # teacher role-play), as a grouped convolution over more groups and Adam over longer stacked tensors round a few
    # values differently. Now a racer's numbers never depend on which others race (tests/test_spatial.py).
    nets = Nets([rng.generator(s, f"spatial.init.{k}") for k in RACERS for s in seeds],
                [rng.generator(s, "spatial.init.localiser") for s in seeds])
    opt = torch.optim.Adam(nets.classifier_parameters() + nets.localiser_parameters(), lr=LR,
                           **device.optimizer_impl("fused"))  # fused: 0.2 ms a step here, foreach 0.5 ms
    samplers = [train.EpochSampler(N_TRAIN, BATCH, rng.generator(s, "spatial.batches")) for s in seeds]
    aug_gens = [rng.generator(s, "spatial.augment") for s in seeds]
    x8 = digits()[0]
    rows = torch.arange(m)[:, None]
    watched = watched_digits(sets)
    thetas, reads, hist, last = [], [], [], []
    every = max(1, cfg.epochs // MEASURES)  # epochs between accuracy measurements (the replay records every epoch)

    def measure(epoch: int) -> None:
        if epoch % every == 0 or epoch == cfg.epochs:
            acc = _accuracy(nets, sets.x_test, sets.y_test, racers, m)
            last[:] = [acc]
            hist.extend((epoch, k, float(acc[i * m])) for i, k in enumerate(racers))
        with torch.no_grad():
            xw = sets.x_test[:1, watched]  # (1, WATCHED, 1, S, S)
            warped, th = nets.warped(xw.expand(m, -1, -1, -1, -1))
            reads.append(nets.logits(warped, _rows("ST", m))[0].argmax(-1).numpy())
            thetas.append(th[0].numpy())

    def step(i: int) -> torch.Tensor:
        idx = torch.stack([s(i) for s in samplers])  # (M, B) each seed its own minibatch
        xb, yb = sets.x_train[rows, idx], sets.y_train[rows, idx]  # (M, B, 1, S, S), (M, B)
        aug = None
        if "augmented" in racers:  # fresh distortions of the same training digits, from the same ranges
            src = x8[sets.train_idx[rows, idx]]  # (M, B, 8, 8)
            aug = torch.stack([distort(src[j], draw((idx.shape[1],), sets.ranges, aug_gens[j])) for j in range(m)])
        logits, _ = _logits(nets, xb, racers, aug)
        losses = F.cross_entropy(logits.transpose(1, 2), yb.repeat(len(racers), 1), reduction="none").mean(1)
        out = train.batched_step(opt, losses)  # (K·M,)
        if samplers[0].ends_epoch(i):
            measure(samplers[0].epoch_of(i))
        return out

    def partial(log: train.TrainLog) -> TrainResult:
        acc = np.zeros((m, len(racers)))
        return TrainResult(cfg, _history(hist), acc, watched, np.array(thetas), np.array(reads), nets, sets, log,
                           log.seconds)

    measure(0)
    per = samplers[0].per_epoch
    log = train.run(step, cfg.epochs * per, progress=(lambda lg: progress(partial(lg))) if progress else None,
                    stop_on="all")
    acc = last[0].reshape(len(racers), m).T.numpy()  # (M, K) as measured after the last epoch
    return TrainResult(cfg, _history(hist), acc, watched, np.array(thetas), np.array(reads), nets, sets, log,
                       log.seconds)


def _history(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["epoch", "model", "accuracy"])
