"""MSE against cross-entropy on the error surface: plain gradient descent on two logits from one start, once
on each loss. Far from the target, mean squared error after softmax is flat (its gradient has a factor
y'(1 − y')), so gradient descent stalls where cross-entropy still has a slope."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import train
from core.params import choice, clamp, num
from core.softmax.formulas import cross_entropy, mse_softmax

BAD_LRS = (0.1, 0.3, 1.0, 3.0)
SURFACE_STEPS = (25, 50, 100, 200)
EXTENT = 10.0  # the surfaces are drawn over y1, y2 in [−EXTENT, EXTENT]
MSE_KEPT = 0.99  # the notice "MSE stalled": MSE kept more than this share of its loss ...
CE_LEFT = 0.1  # ... while cross-entropy kept less than this share of its own
MSE_PLATEAU = 1.0  # preset "plateau": two classes, all probability on the wrong one: ((0 − 1)² + (1 − 0)²) / 2


@dataclass(frozen=True)
class SurfaceConfig:
    y1: float = num(-6.0, -EXTENT, EXTENT, step=0.5)  # start: logit of class 1 (the true class)
    y2: float = num(6.0, -EXTENT, EXTENT, step=0.5)  # start: logit of class 2
    lr: float = choice(1.0, BAD_LRS, widget="select_slider")  # learning rate of plain gradient descent
    steps: int = choice(50, SURFACE_STEPS, widget="select_slider")  # updates (the same for both losses)


@dataclass
class SurfaceResult:
    config: SurfaceConfig
    grid: pd.DataFrame  # DataFrame y1, y2, cross-entropy, MSE: both error surfaces (class 1 is the true class)
    path: np.ndarray  # (steps + 1, 2, 2): [step, loss (0 CE, 1 MSE), (y1, y2)]
    loss: np.ndarray  # (steps + 1, 2) each loss along its own path
    grad_norm: np.ndarray  # (steps + 1, 2) |∇| at each point of each path

    def moved(self) -> np.ndarray:
        """(2,) how far each path went from the start."""
        return np.linalg.norm(self.path[-1] - self.path[0], axis=-1)

    def facts(self) -> dict:
        """The numbers the page prints (each loss at the start and the end, each gradient's size at the
        start) and whether MSE "stalled": it kept over MSE_KEPT of its loss while cross-entropy kept under
        CE_LEFT of its own."""
        (ce0, m0), (ce1, m1) = self.loss[0], self.loss[-1]
        g0, gm0 = self.grad_norm[0]
        return dict(steps=self.config.steps, ce0=float(ce0), ce1=float(ce1), m0=float(m0), m1=float(m1),
                    g0=float(g0), gm0=float(gm0), stalled=bool(m1 > MSE_KEPT * m0 and ce1 < CE_LEFT * ce0))


def _both_losses(y: torch.Tensor) -> torch.Tensor:
    """y: (2, 2) logits of the CE model and the MSE model -> (2,) their losses, class 1 true."""
    k = torch.zeros(2, dtype=torch.long)
    return torch.stack([F.cross_entropy(y[:1], k[:1]), mse_softmax(y[1:], k[1:])[0]])


def surface_grid(n: int = 41) -> pd.DataFrame:
    a = torch.linspace(-EXTENT, EXTENT, n, dtype=torch.float64)
    y1, y2 = torch.meshgrid(a, a, indexing="xy")  # (n, n)
    z = torch.stack([y1.reshape(-1), y2.reshape(-1)], dim=-1)  # (n², 2)
    k = torch.zeros(len(z), dtype=torch.long)
    return pd.DataFrame({"y1": z[:, 0].numpy(), "y2": z[:, 1].numpy(),
                         "cross-entropy": cross_entropy(z, k).numpy(), "MSE": mse_softmax(z, k).numpy()})


def surface(cfg: SurfaceConfig = SurfaceConfig()) -> SurfaceResult:
    """Plain gradient descent (torch.optim.SGD) on the two logits from the same start, once on each loss."""
    cfg = clamp(cfg)
    y = torch.tensor([[cfg.y1, cfg.y2]] * 2, dtype=torch.float64, requires_grad=True)  # (2 losses, 2 logits)
    opt = torch.optim.SGD([y], lr=cfg.lr)
    path, norms, losses = [y.detach().clone()], [], []

    def step(i: int) -> torch.Tensor:
        ls = _both_losses(y)
        opt.zero_grad(set_to_none=True)
        ls.sum().backward()
        norms.append(y.grad.norm(dim=-1).detach().clone())
        losses.append(ls.detach())
        opt.step()
        path.append(y.detach().clone())
        return ls.detach()

    train.run(step, cfg.steps, blowup=math.inf)
    with torch.enable_grad():
        yl = y.detach().clone().requires_grad_(True)
        last = _both_losses(yl)
        last.sum().backward()
    losses.append(last.detach())
    norms.append(yl.grad.norm(dim=-1))
    return SurfaceResult(cfg, surface_grid(), torch.stack(path).numpy(), torch.stack(losses).numpy(),
                         torch.stack(norms).numpy())
