"""The fitting page's settings: the training config (each range declared once), the views that only choose
what to draw, and the presets' settings (read by the page and by the tests of their claims)."""
from __future__ import annotations

from dataclasses import dataclass

from core import data
from core.params import choice, flag, num

LOSSES = ("MSE", "MAE")
OPTIMIZERS = ("Adam", "SGD")
NAMES = ("sigmoid", "ReLU")
SPLITS = ("train", "validation")
INIT_SCALE = 3.0  # first-layer slopes |w_i| drawn from [0.5, 0.5 + INIT_SCALE]
MEAN_BIAS = True  # the output bias starts at the mean of the training targets
REVIVE = True  # re-initialise units that are dead on the whole training set, after every epoch

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
    epochs: int = choice(150, EPOCHS, widget="select_slider")  # passes asked for (core.fitting.budget may cut them)
    seed: int = num(0, 0, 1_000_000, widget="number")  # data, split, initialisation and minibatch order


PARTS = ("pair", "matrix")  # the part under the experiment: two ReLUs make a hard sigmoid; the matrix form


@dataclass(frozen=True)
class FitView:
    """What the page draws (no training depends on it)."""
    parts: bool = flag(True)  # draw each unit's c_i·a_i(x) under the fits
    sweep: bool = flag(False)  # run the complexity sweep (18 models)
    part: str = choice("pair", PARTS, widget="segmented")  # the part under the experiment (only it is drawn)


@dataclass(frozen=True)
class MatrixView:
    """The matrix form y = b + cᵀσ(b + Wx) of the current fit (no training: the experiment's weights)."""
    model: str = choice("sigmoid", NAMES, widget="radio")  # whose trained weights
    x: float = num(0.3, -1.0, 1.0, step=0.05)  # the input pushed through them (the model's units: -1 to 1)


@dataclass(frozen=True)
class PairView:
    """The two-ReLU hard sigmoid."""
    x0: float = num(-0.3, -1.0, 0.9, step=0.05)  # where the ramp starts
    x1: float = num(0.4, -0.9, 1.0, step=0.05)  # where it reaches its full height
    height: float = num(1.0, -2.0, 2.0, step=0.1)  # the value it rises to


# "Try this": each preset's settings by field name (FitConfig's, then FitView's); the rest are defaults.
PRESETS: dict[str, dict] = {
    "few": {"k": 1},
    "corners": {"target": "piecewise linear", "k": 4, "lr": 0.03, "batch_size": 512, "epochs": 1000},
    "real": {"target": "Seattle temperatures", "n": 400, "k": 16, "lr": 0.03, "batch_size": 512, "epochs": 1000},
    "blowup": {"optimizer": "SGD", "lr": 100.0},
    "overfit": {"target": "smooth and wiggly", "n": 100, "noise": 0.25, "val_fraction": 0.75, "k": 24,
                "epochs": 1000, "sweep": True},
}


def preset(name: str, **kw) -> FitConfig:
    """The FitConfig of preset ``name`` (its view fields left out), with ``kw`` on top."""
    fields = FitConfig.__dataclass_fields__
    return FitConfig(**{**{k: v for k, v in PRESETS[name].items() if k in fields}, **kw})
