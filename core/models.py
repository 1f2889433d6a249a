"""Small models shared by several pages."""
from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


class BatchedMLP(nn.Module):
    """M independent one-input, one-output MLPs trained as one batched computation.

    Model m has ``depth`` hidden layers of ``widths[m]`` units with activation ``acts[m]``
    (``"sigmoid"`` or ``"relu"``), i.e. for depth 1 the lecture's
    ``y = b + sum_i c_i act(b_i + w_i x)``. Models are padded to the widest one; a mask zeroes the
    padding, so each model behaves exactly as its own ``nn.Sequential`` (tested).
    """

    def __init__(self, widths: list[int], acts: list[str], depth: int, gen: torch.Generator,
                 init_scale: float = 1.0):
        super().__init__()
        M, H = len(widths), max(widths)
        self.widths, self.acts, self.depth = list(widths), list(acts), depth
        mask = torch.zeros(M, H)
        for m, w in enumerate(widths):
            mask[m, :w] = 1.0
        self.register_buffer("mask", mask[:, None, :])  # (M, 1, H)
        self.register_buffer("is_sig", torch.tensor([a == "sigmoid" for a in acts])[:, None, None])  # (M,1,1)
        fan = torch.tensor([float(w) for w in widths])[:, None, None]  # (M,1,1) fan-in of deeper layers

        def uniform(shape, bound):
            return (torch.rand(shape, generator=gen) * 2 - 1) * bound

        # first layer (fan-in 1): each unit's kink (ReLU) or midpoint (sigmoid) at a uniform spot p in [-1, 1],
        # slope of random sign and size in [0.5, 0.5 + init_scale]: b = -w p puts the kink at x = p.
        sign = torch.where(torch.rand((M, 1, H), generator=gen) < 0.5, -1.0, 1.0)
        w0 = sign * (0.5 + torch.rand((M, 1, H), generator=gen) * init_scale)  # (M, 1, H)
        p0 = uniform((M, 1, H), 1.0)  # (M, 1, H) kink positions
        self.W = nn.ParameterList([nn.Parameter(w0)])
        self.B = nn.ParameterList([nn.Parameter(-w0 * p0)])
        for _ in range(depth - 1):
            bound = 1.0 / fan.sqrt()
            self.W.append(nn.Parameter(uniform((M, H, H), 1.0) * bound))  # (M, H, H)
            self.B.append(nn.Parameter(uniform((M, 1, H), 1.0) * bound))  # (M, 1, H)
        self.C = nn.Parameter(uniform((M, H, 1), 1.0) / fan.sqrt())  # (M, H, 1) output weights c_i
        self.b = nn.Parameter(torch.zeros(M, 1, 1))  # (M, 1, 1) output bias b
        with torch.no_grad():
            for p in list(self.W) + list(self.B):
                p.mul_(self.mask if p.shape[1] == 1 else self.mask.transpose(1, 2) * self.mask)
            self.C.mul_(self.mask.transpose(1, 2))

    def _act(self, z: torch.Tensor) -> torch.Tensor:
        return torch.where(self.is_sig, torch.sigmoid(z), torch.relu(z)) * self.mask

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Activations of the last hidden layer. x: (N, 1) or (M, N, 1) -> (M, N, H)."""
        a = x
        for W, B in zip(self.W, self.B):
            a = self._act(torch.matmul(a, W) + B)  # (M, N, H)
        return a

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 1) shared by all models, or (M, N, 1) -> (M, N, 1)."""
        return torch.matmul(self.hidden(x), self.C) + self.b

    def parts(self, x: torch.Tensor) -> torch.Tensor:
        """Each last-layer unit's contribution c_i a_i(x): (M, N, H); their sum plus b is the output."""
        return self.hidden(x) * self.C.transpose(1, 2)

    def export(self, m: int) -> "OrderedDict[str, torch.Tensor]":
        """Model m's unpadded weights in ``nn.Sequential``/``nn.Linear`` layout (out, in)."""
        w = self.widths[m]
        out: OrderedDict[str, torch.Tensor] = OrderedDict()
        for l, (W, B) in enumerate(zip(self.W, self.B)):
            rows = 1 if l == 0 else w
            out[f"{2 * l}.weight"] = W[m, :rows, :w].T.detach().clone()  # (w, in)
            out[f"{2 * l}.bias"] = B[m, 0, :w].detach().clone()  # (w,)
        out[f"{2 * self.depth}.weight"] = self.C[m, :w, :].T.detach().clone()  # (1, w)
        out[f"{2 * self.depth}.bias"] = self.b[m, 0].detach().clone()  # (1,)
        return out

    def as_sequential(self, m: int) -> nn.Sequential:
        """Model m as a plain PyTorch ``nn.Sequential`` with the same weights."""
        w, layers = self.widths[m], []
        act = nn.Sigmoid if self.acts[m] == "sigmoid" else nn.ReLU
        fan_in = 1
        for _ in range(self.depth):
            layers += [nn.Linear(fan_in, w), act()]
            fan_in = w
        layers.append(nn.Linear(w, 1))
        seq = nn.Sequential(*layers)
        seq.load_state_dict(self.export(m))
        return seq


def n_params(width: int, depth: int) -> int:
    """Parameters of a one-input MLP of ``depth`` hidden layers of ``width`` units."""
    return 2 * width + (depth - 1) * (width * width + width) + width + 1




def mlp(n_in: int, hidden: int, n_out: int, gen: torch.Generator) -> nn.Sequential:
    """An n_in-hidden-n_out ReLU network, initialised from ``gen`` in PyTorch's default ranges
    (uniform in +-1/sqrt(fan-in)), so a seed gives the same weights on every machine."""
    net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))
    with torch.no_grad():
        for layer in (net[0], net[2]):
            bound = layer.in_features ** -0.5
            layer.weight.uniform_(-bound, bound, generator=gen)  # (out, in)
            layer.bias.uniform_(-bound, bound, generator=gen)  # (out,)
    return net
