"""What one run of the fitting page gives: both fits, their units, the loss history, the weights."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core import data, train
from core.fitting.budget import Plan
from core.fitting.config import FitConfig


@dataclass
class FitResult:
    config: FitConfig
    curve: data.Curve
    train_idx: torch.Tensor  # (N_train,)
    val_idx: torch.Tensor  # (N_val,)
    grid: np.ndarray  # (G,) x where the fits are drawn
    pred: np.ndarray  # (2, G) fit of each model on the grid
    parts: list[np.ndarray]  # per model (G, units): each last-layer unit's contribution c_i a_i(x)
    bias: np.ndarray  # (2,) output bias b of each model
    history: pd.DataFrame  # epoch, model, split, loss (long format, finite values only)
    log: train.TrainLog
    weights: list[dict[str, torch.Tensor]]  # per model, nn.Sequential layout
    plan: Plan  # the updates and epochs this run makes (core.fitting.budget)
    epochs_done: int
    revived: np.ndarray | None = None  # (2,) dead units re-initialised during training, per model
    frames: np.ndarray | None = None  # (F, 2, G) both fits on the grid at the recorded epochs, for the replay
    frame_epochs: np.ndarray | None = None  # (F,) the epoch of each frame (0 = before training)

    @property
    def updates_per_epoch(self) -> int:
        return self.plan.per_epoch

    @functools.cached_property
    def final(self) -> pd.DataFrame:
        """Last epoch's train and validation loss of each model (computed once: results are shared, read-only)."""
        if self.history.empty:
            return pd.DataFrame(columns=["model", "split", "loss"])
        last = self.history[self.history.epoch == self.history.epoch.max()]
        return last[["model", "split", "loss"]].reset_index(drop=True)

    @functools.cached_property
    def _final_losses(self) -> dict[tuple[str, str], float]:
        return {(m, sp): float(v) for m, sp, v in self.final[["model", "split", "loss"]].itertuples(index=False)}

    def final_loss(self, model: str, split: str) -> float:
        return self._final_losses.get((model, split), float("nan"))


def per_model_loss(pred: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """pred: (M, n, 1), y: (M or 1, n, 1) -> (M,) mean loss of each model."""
    err = pred - y
    return (err.abs() if kind == "MAE" else err.square()).mean(dim=(1, 2))
