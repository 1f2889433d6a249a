"""M small fully connected networks trained as one batched computation, each with its own width,
depth and dropout rate. With ``per_model=True`` each model's parameters are their own leaf tensors, so each
model can be its own ``torch.optim`` parameter group with its own ``weight_decay``.

``per_model=False`` (the default, fastest) keeps one stacked tensor per layer for all models.

Model m: ``depth[m]`` hidden layers of ``width[m]`` units (padded to the largest; a mask zeroes the
padding, and a layer beyond a model's depth passes its input through unchanged), activation ``act``,
dropout with rate ``p[m]`` after every hidden layer, one output. Initialisation as ``nn.Linear``'s
default: weights and biases uniform in ±1/sqrt(fan-in). Model m equals ``as_sequential(m)`` (tested).
"""
from __future__ import annotations

import torch
from torch import nn


class SeededDropout(nn.Module):
    """``nn.Dropout`` with a seeded mask and one rate per model: in ``train()`` mode each unit is zeroed
    with probability p and the rest are scaled by 1/(1-p); in evaluation mode the input passes unchanged.

    Why not ``nn.Dropout`` itself: it draws from the process-wide generator, and every browser session is
    a thread of one process, so the same link would give different numbers. The test compares the two.
    """

    def __init__(self, p: torch.Tensor, gen: torch.Generator | list[torch.Generator]):
        super().__init__()
        self.register_buffer("p", p.reshape(-1, 1, 1).clone())  # (M, 1, 1) drop rate of each model
        self.gens = gen if isinstance(gen, list) else [gen]  # equal groups of models, one generator each

    def forward(self, h: torch.Tensor) -> torch.Tensor:  # h: (M, n, H)
        if not self.training or not bool((self.p > 0).any()):
            return h
        keep = 1.0 - self.p
        k = h.shape[0] // len(self.gens)
        u = torch.cat([torch.rand((k, *h.shape[1:]), generator=g) for g in self.gens])  # (M, n, H)
        return h * (u < keep) / keep


class BatchedNet(nn.Module):
    def __init__(self, n_in: int, widths: list[int], depths: list[int], act: str, gen: torch.Generator,
                 p: list[float] | None = None, per_model: bool = False):
        super().__init__()
        M, H, L = len(widths), max(widths), max(depths)
        self.widths, self.depths, self.act, self.n_in = list(widths), list(depths), act, n_in
        mask = torch.zeros(M, 1, H)  # (M, 1, H) 1 on a model's own units
        for m, w in enumerate(widths):
            mask[m, 0, :w] = 1.0
        self.register_buffer("mask", mask)
        self.register_buffer("on", torch.tensor([[float(l < d) for l in range(L)] for d in depths])[:, :, None, None])  # (M, L, 1, 1)
        self.drop = SeededDropout(torch.tensor(p or [0.0] * M, dtype=torch.float32), gen)

        def unif(shape, fan):
            return (torch.rand(shape, generator=gen) * 2 - 1) / fan ** 0.5

        Ws, Bs = [], []  # per layer: M tensors (rows, H) and (H,)
        for l in range(L):
            Ws.append([]), Bs.append([])
            for m in range(M):
                fan_in = n_in if l == 0 else widths[m]
                rows = n_in if l == 0 else H
                w = unif((rows, H), fan_in) * mask[m]  # (rows, H)
                if l > 0:
                    w = w * mask[m, 0, :, None]
                Ws[l].append(w)
                Bs[l].append(unif((H,), fan_in) * mask[m, 0])  # (H,)
        Cs = [unif((H, 1), widths[m]) * mask[m, 0, :, None] for m in range(M)]  # (H, 1) each
        c0s = [unif((1,), widths[m]) for m in range(M)]  # (1,) each
        self.M, self.L, self.per_model = M, L, per_model
        if per_model:  # model m, layer l: W[l * M + m]; C[m], c0[m]
            P = lambda ts: nn.ParameterList([nn.Parameter(x) for x in ts])  # noqa: E731
            self.W, self.B = P([w for ws in Ws for w in ws]), P([b for bs in Bs for b in bs])
            self.C, self.c0 = P(Cs), P(c0s)
        else:  # stacked: W[l] (M, rows, H), B[l] (M, H), C (M, H, 1), c0 (M, 1)
            self.W = nn.ParameterList([nn.Parameter(torch.stack(ws)) for ws in Ws])
            self.B = nn.ParameterList([nn.Parameter(torch.stack(bs)) for bs in Bs])
            self.C, self.c0 = nn.Parameter(torch.stack(Cs)), nn.Parameter(torch.stack(c0s))

    def layer(self, l: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Layer l of every model: W (M, rows, H), B (M, H)."""
        if not self.per_model:
            return self.W[l], self.B[l]
        M = self.M
        return torch.stack(list(self.W[l * M:(l + 1) * M])), torch.stack(list(self.B[l * M:(l + 1) * M]))

    def out_layer(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Output weights (M, H, 1) and biases (M, 1)."""
        if not self.per_model:
            return self.C, self.c0
        return torch.stack(list(self.C)), torch.stack(list(self.c0))

    def params_of(self, m: int) -> list[nn.Parameter]:
        """Model m's own parameters (one ``torch.optim`` parameter group; ``per_model`` nets only)."""
        assert self.per_model, "params_of needs BatchedNet(..., per_model=True)"
        return [self.W[l * self.M + m] for l in range(self.L)] + [self.B[l * self.M + m] for l in range(self.L)] + \
            [self.C[m], self.c0[m]]

    def _a(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(z) if self.act == "sigmoid" else torch.relu(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (M, n, D) or (n, D) for every model -> (M, n) predictions."""
        h = x if x.dim() == 3 else x.expand(self.M, *x.shape)  # (M, n, D)
        for l in range(self.L):
            W, B = self.layer(l)  # (M, in, H), (M, H)
            z = self.drop(self._a(torch.baddbmm(B[:, None, :], h, W)) * self.mask)  # (M, n, H)
            h = z if l == 0 else torch.where(self.on[:, l] > 0, z, h)
        C, c0 = self.out_layer()  # (M, H, 1), (M, 1)
        return torch.baddbmm(c0[:, :, None], h, C)[:, :, 0]  # (M, n)

    def l2(self) -> torch.Tensor:
        """(M,) each model's sum of squared parameters ||θ_m||²."""
        total = self.out_layer()[0].square().sum((1, 2)) + self.out_layer()[1].square().sum(1)  # (M,)
        for l in range(self.L):
            W, B = self.layer(l)
            total = total + W.square().sum((1, 2)) + B.square().sum(1)
        return total

    def as_sequential(self, m: int) -> nn.Sequential:
        """Model m as a plain ``nn.Sequential`` of ``nn.Linear`` layers with the same weights (dropout as
        ``nn.Dropout``)."""
        w, d, layers = self.widths[m], self.depths[m], []
        act = nn.Sigmoid if self.act == "sigmoid" else nn.ReLU
        p = float(self.drop.p[m])
        with torch.no_grad():
            for l in range(d):
                W, B = self.layer(l)
                lin = nn.Linear(self.n_in if l == 0 else w, w)
                lin.weight.copy_(W[m, : (self.n_in if l == 0 else w), :w].T)
                lin.bias.copy_(B[m, :w])
                layers += [lin, act(), nn.Dropout(p)]
            C, c0 = self.out_layer()
            out = nn.Linear(w, 1)
            out.weight.copy_(C[m, :w].T)
            out.bias.copy_(c0[m])
        return nn.Sequential(*layers, out)
