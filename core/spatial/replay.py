"""One frame of the race's replay: for the watched test digits, the input with the grid the transformer's
localisation network predicted after ``epoch`` epochs, and the warped digit its CNN then reads."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.spatial.race import TrainResult
from core.spatial.warp import angle_of, corners, grid_points, warp


@dataclass
class Frame:
    epoch: int
    inputs: np.ndarray  # (W, S, S) the watched test digits as the racers see them
    grids: np.ndarray  # (W, S, S, 2) where each output pixel reads its input (input pixels, x then y)
    outlines: np.ndarray  # (W, 5, 2) the corners of the region each output reads (top-left first and last)
    outputs: np.ndarray  # (W, S, S) the warped digits
    labels: np.ndarray  # (W,) their true digits
    reads: np.ndarray  # (W,) what the transformer's CNN reads in them after ``epoch`` epochs
    given: np.ndarray  # (W,) the turn each digit was given (degrees)
    correction: np.ndarray  # (W,) the turn the warp applies to it (degrees)


def frame_at(res: TrainResult, epoch: int) -> Frame:
    """The replay's frame after ``epoch`` epochs (0: before training, the identity everywhere)."""
    e = int(min(max(0, epoch), len(res.thetas) - 1))
    theta = torch.tensor(res.thetas[e], dtype=torch.float32)  # (W, 2, 3)
    x = res.data.x_test[0, res.watched]  # (W, 1, S, S)
    side = x.shape[-1]
    with torch.no_grad():
        out = warp(x, theta)[:, 0]
    grids = np.stack([grid_points(t, side).numpy() for t in theta])
    outlines = np.stack([corners(t, side).numpy() for t in theta])
    labels = res.data.y_test[0, res.watched].numpy()
    return Frame(e, x[:, 0].numpy(), grids, outlines, out.numpy(), labels, res.reads[e],
                 res.data.test.angle[0, res.watched].numpy(), -angle_of(theta[:, :, :2]).numpy())
