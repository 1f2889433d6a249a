"""The two racers, M copies of each as stacked parameters so that many seeds train as ONE computation:

- a CNN: 3×3 convolution (c filters, padding 1) → ReLU → 2×2 max pooling → 3×3 convolution (2c filters)
  → ReLU → global max pooling → linear layer to 10 classes;
- a fully connected network: flatten → h ReLU units → 10 classes, with h the largest width whose
  parameter count does not exceed the CNN's.

Model m's parameters are slices [m]; the convolutions of the M models run as one grouped ``F.conv2d``
(groups = M). ``as_modules(m)`` gives model m as ``nn.Sequential`` modules with the same weights (the tests
compare them). Initialised as ``nn.Conv2d`` / ``nn.Linear`` are: uniform in ±1/sqrt(fan_in).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

CLASSES = 10


def cnn_params(c: int) -> int:
    """Parameters of the CNN with c first-layer filters (1 input channel, 10 classes)."""
    return (9 * c + c) + (9 * c * 2 * c + 2 * c) + (2 * c * CLASSES + CLASSES)


def fc_params(side: int, h: int) -> int:
    """Parameters of the fully connected network on side×side images with h hidden units."""
    return side * side * h + h + h * CLASSES + CLASSES


def fc_width(side: int, c: int) -> int:
    """The widest hidden layer whose network has no more parameters than the CNN with c filters."""
    return max(1, (cnn_params(c) - CLASSES) // (side * side + 1 + CLASSES))


def _uniform(shape, fan_in: int, g: torch.Generator) -> torch.Tensor:
    return (torch.rand(shape, generator=g) * 2 - 1) / fan_in ** 0.5


class Racers:
    """M CNNs and M fully connected networks (model m of each initialised from generator gens[m])."""

    def __init__(self, c: int, side: int, gens: list[torch.Generator]):
        self.c, self.side, self.M = c, side, len(gens)
        self.h = fc_width(side, c)
        parts = []
        for g in gens:
            c2, h, d = 2 * c, self.h, side * side
            parts.append([
                _uniform((c, 1, 3, 3), 9, g), _uniform((c,), 9, g),  # conv1
                _uniform((c2, c, 3, 3), 9 * c, g), _uniform((c2,), 9 * c, g),  # conv2
                _uniform((c2, CLASSES), c2, g), _uniform((CLASSES,), c2, g),  # linear (in, out)
                _uniform((d, h), d, g), _uniform((h,), d, g),  # fc hidden (in, out)
                _uniform((h, CLASSES), h, g), _uniform((CLASSES,), h, g),  # fc output
            ])
        stacked = [torch.stack([p[i] for p in parts]).requires_grad_(True) for i in range(10)]
        (self.w1, self.b1, self.w2, self.b2, self.wo, self.bo, self.f1, self.fb1, self.f2, self.fb2) = stacked

    def parameters(self) -> list[torch.Tensor]:
        return [self.w1, self.b1, self.w2, self.b2, self.wo, self.bo, self.f1, self.fb1, self.f2, self.fb2]

    def cnn_maps(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x (M, B, 1, S, S) -> first-layer maps after ReLU (M, B, c, S, S), second-layer maps
        (M, B, 2c, S/2, S/2) and logits (M, B, 10)."""
        M, B, _, S, _ = x.shape
        c = self.c
        z = x.permute(1, 0, 2, 3, 4).reshape(B, M, S, S)  # (B, M·1, S, S)
        a1 = F.relu(F.conv2d(z, self.w1.reshape(M * c, 1, 3, 3), self.b1.reshape(-1), padding=1, groups=M))
        p1 = F.max_pool2d(a1, 2)  # (B, M·c, S/2, S/2)
        a2 = F.relu(F.conv2d(p1, self.w2.reshape(M * 2 * c, c, 3, 3), self.b2.reshape(-1), padding=1, groups=M))
        feat = a2.amax(dim=(2, 3)).reshape(B, M, 2 * c)  # (B, M, 2c) global max pooling
        logits = torch.einsum("bmk,mko->mbo", feat, self.wo) + self.bo[:, None, :]  # (M, B, 10)
        s2 = a2.shape[-1]
        return (a1.reshape(B, M, c, S, S).transpose(0, 1), a2.reshape(B, M, 2 * c, s2, s2).transpose(0, 1), logits)

    def cnn(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (M, B, 10) of the M CNNs on x (M, B, 1, S, S)."""
        return self.cnn_maps(x)[2]

    def fc(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (M, B, 10) of the M fully connected networks on x (M, B, 1, S, S)."""
        flat = x.flatten(2)  # (M, B, S·S)
        hid = F.relu(torch.bmm(flat, self.f1) + self.fb1[:, None, :])  # (M, B, h)
        return torch.bmm(hid, self.f2) + self.fb2[:, None, :]  # (M, B, 10)

    def as_modules(self, m: int) -> tuple[nn.Sequential, nn.Sequential]:
        """Model m as PyTorch modules with the same weights: (CNN, fully connected network)."""
        c = self.c
        cnn = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
                            nn.Linear(2 * c, CLASSES))
        fc = nn.Sequential(nn.Flatten(), nn.Linear(self.side ** 2, self.h), nn.ReLU(), nn.Linear(self.h, CLASSES))
        with torch.no_grad():
            cnn[0].weight.copy_(self.w1[m]), cnn[0].bias.copy_(self.b1[m])
            cnn[3].weight.copy_(self.w2[m]), cnn[3].bias.copy_(self.b2[m])
            cnn[7].weight.copy_(self.wo[m].T), cnn[7].bias.copy_(self.bo[m])
            fc[1].weight.copy_(self.f1[m].T), fc[1].bias.copy_(self.fb1[m])
            fc[3].weight.copy_(self.f2[m].T), fc[3].bias.copy_(self.fb2[m])
        return cnn, fc
