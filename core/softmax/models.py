"""M classifiers as one batched computation: softmax regression and small ReLU networks as slices of stacked
parameters, and each model's own loss (cross-entropy on logits, MSE after softmax, or the pitfall:
nn.CrossEntropyLoss given softmax outputs)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from core.softmax.formulas import softmax


class Models:
    """M models as stacked parameters: model m is softmax regression (``hidden[m] == 0``: logits = x W + b)
    or a network with one ReLU layer (logits = ReLU(x W1 + b1) W2 + b2). Initialised as nn.Linear is."""

    def __init__(self, hidden: list[int], classes: int, g: torch.Generator, same_start: bool = False):
        H = max(max(hidden), 1)
        M = len(hidden)

        def uniform(shape, fan_in):
            b = 1.0 / fan_in ** 0.5
            return (torch.rand(shape, generator=g) * 2 - 1) * b

        self.W1, self.b1 = uniform((M, 2, H), 2), uniform((M, 1, H), 2)  # (M, 2, H), (M, 1, H)
        self.W2, self.b2 = uniform((M, H, classes), H), uniform((M, 1, classes), H)  # (M, H, C), (M, 1, C)
        self.Wl, self.bl = uniform((M, 2, classes), 2), uniform((M, 1, classes), 2)  # linear: (M, 2, C)
        mask = (torch.arange(H)[None, :] < torch.tensor(hidden)[:, None]).float()  # (M, H): units a net has
        self.mask = mask[:, None, :]  # (M, 1, H)
        self.W2 *= mask[:, :, None]
        if same_start:  # every model starts from model 0's weights
            for t in self.parameters():
                t.copy_(t[:1].expand_as(t))
        self.linear = torch.tensor([h == 0 for h in hidden])[:, None, None]  # (M, 1, 1): softmax regression
        for t in self.parameters():
            t.requires_grad_(True)

    @staticmethod
    def concat(parts: list["Models"]) -> "Models":
        """One stack of the models of several seeds (each initialised from its own generator)."""
        out = object.__new__(Models)
        for k in ("W1", "b1", "W2", "b2", "Wl", "bl"):
            setattr(out, k, torch.cat([getattr(p, k).detach() for p in parts]).requires_grad_(True))
        out.mask = torch.cat([p.mask for p in parts])
        out.linear = torch.cat([p.linear for p in parts])
        return out

    def subset(self, first: int, n: int) -> "Models":
        """Models first .. first + n alone (views of the same weights, for evaluation)."""
        out = object.__new__(Models)
        for k in ("W1", "b1", "W2", "b2", "Wl", "bl", "mask", "linear"):
            setattr(out, k, getattr(self, k)[first:first + n])
        return out

    def parameters(self) -> list[torch.Tensor]:
        return [self.W1, self.b1, self.W2, self.b2, self.Wl, self.bl]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 2) or (M, N, 2) -> logits (M, N, C)."""
        h = torch.relu(x @ self.W1 + self.b1) * self.mask  # (M, N, H)
        return torch.where(self.linear, x @ self.Wl + self.bl, h @ self.W2 + self.b2)


def per_model_loss(logits: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """logits (M, N, C), y (N,) or (M, N) -> (M,). ``kind``: "cross-entropy" (nn.CrossEntropyLoss on the
    logits), "MSE" (squared error of softmax against one-hot, the mean over classes) or "softmax outputs" (the
    pitfall: nn.CrossEntropyLoss given softmax outputs, so softmax is applied twice)."""
    M, N, C = logits.shape
    y = y.expand(M, N)
    if kind == "MSE":
        return (softmax(logits) - F.one_hot(y, C).float()).square().mean(-1).mean(-1)
    inp = softmax(logits) if kind == "softmax outputs" else logits
    return F.cross_entropy(inp.reshape(M * N, C), y.reshape(-1), reduction="none").view(M, N).mean(-1)


def losses(z: torch.Tensor, y: torch.Tensor, kinds: list[str]) -> torch.Tensor:
    """(M,) model m's loss of kind kinds[m]: one call per distinct kind."""
    out = torch.zeros(z.shape[0])
    for k in set(kinds):
        use = torch.tensor([kk == k for kk in kinds])  # (M,)
        out = torch.where(use, per_model_loss(z, y, k), out)
    return out
