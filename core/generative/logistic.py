"""The discriminative model: logistic regression, P(C1|x) = σ(w·x + b), with its own w and b found by
gradient descent on the cross-entropy, many training sets trained as one batched computation."""
from __future__ import annotations

import numpy as np
import torch

from core import train

LR_STEPS = 300  # Adam steps of the page's logistic regression (fixed)


def logistic_gd(X: np.ndarray, y: np.ndarray, steps: int = 500, lr: float = 0.1,
                mask: np.ndarray | None = None, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression by gradient descent (Adam, full batch, no penalty) on M training sets at once.

    X: (M, n, d), y: (M, n) in {0, 1} -> w (M, d), b (M,). The loss is the cross-entropy
    (F.binary_cross_entropy_with_logits), each set's own mean over its examples (``mask`` (M, n): 1 for a
    set's examples, 0 for padding, so sets of different sizes train together); the step count is fixed.
    ``progress`` is train.run's callback (partial TrainLogs).
    """
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    M, n, d = X.shape
    keep = torch.ones(M, n, dtype=torch.float64) if mask is None else torch.as_tensor(mask, dtype=torch.float64)
    keep = keep / keep.sum(1, keepdim=True)  # (M, n) weights of a mean
    w = torch.zeros(M, d, dtype=torch.float64, requires_grad=True)  # (M, d)
    b = torch.zeros(M, dtype=torch.float64, requires_grad=True)  # (M,)
    opt = torch.optim.Adam([w, b], lr=lr)

    def step(i: int) -> torch.Tensor:
        z = torch.einsum("mnd,md->mn", X, w) + b[:, None]  # (M, n)
        losses = (torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none") * keep).sum(1)  # (M,)
        return train.batched_step(opt, losses)

    train.run(step, int(steps), stop_on="all", blowup=float("inf"), progress=progress)
    return w.detach().numpy(), b.detach().numpy()
