"""Small models shared by several pages."""
from __future__ import annotations

import copy
import math
from collections import OrderedDict

import torch
from torch import nn


class BatchedMLP(nn.Module):
    """M independent one-input, one-output MLPs trained as one batched computation.

    Model m has ``depth`` hidden layers of ``widths[m]`` units with activation ``acts[m]``
    (``"sigmoid"`` or ``"relu"``), i.e. for depth 1 the lecture's
    ``y = b + sum_i c_i act(b_i + w_i x)``. Models are padded to the widest one; a mask zeroes the
    padding, so each model behaves exactly as its own ``nn.Sequential`` (tested).

    Initialisation, first layer: unit i of a model of width w has its kink (ReLU) or midpoint (sigmoid)
    at a jittered, evenly spaced spot of [-1, 1] (the inputs' range): p_i = -1 + 2 (i + u_i) / w, u_i
    uniform in [0, 1), in shuffled order; slope of size uniform in [0.5, 0.5 + init_scale], its sign
    facing the larger side of [-1, 1]; b_i = -w_i p_i. So the kinks cover the inputs and every ReLU
    starts active on at least half of data spread over [-1, 1] (none starts dead).
    Deeper layers and output weights: PyTorch's ``nn.Linear`` default, uniform in ±1/sqrt(fan-in).
    """

    def __init__(self, widths: list[int], acts: list[str], depth: int, gen: torch.Generator,
                 init_scale: float = 1.0):
        super().__init__()
        M, H = len(widths), max(widths)
        self.widths, self.acts, self.depth, self.init_scale = list(widths), list(acts), depth, init_scale
        mask = torch.zeros(M, H)
        for m, w in enumerate(widths):
            mask[m, :w] = 1.0
        self.register_buffer("mask", mask[:, None, :])  # (M, 1, H)
        self.register_buffer("is_sig", torch.tensor([a == "sigmoid" for a in acts])[:, None, None])  # (M,1,1)
        fan = torch.tensor([float(w) for w in widths])[:, None, None]  # (M,1,1) fan-in of deeper layers

        def uniform(shape, bound):
            return (torch.rand(shape, generator=gen) * 2 - 1) * bound

        w0 = self._slopes((M, 1, H), gen)  # (M, 1, H)
        u = torch.rand((M, 1, H), generator=gen)  # (M, 1, H) jitter inside each unit's stratum
        keys = torch.rand((M, H), generator=gen) + (1 - mask)  # (M, H) padding sorts last
        slot = torch.argsort(torch.argsort(keys, dim=1), dim=1)[:, None, :].float()  # (M, 1, H) 0..w-1 shuffled
        p0 = torch.clamp(-1 + 2 * (slot + u) / fan, -1.0, 1.0)  # (M, 1, H) kink positions, one per stratum
        w0 = torch.where(p0 > 0, -w0.abs(), w0.abs())  # each unit faces the larger side of [-1, 1]
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

    def _slopes(self, shape, gen: torch.Generator) -> torch.Tensor:
        """First-layer slopes: random sign, size uniform in [0.5, 0.5 + init_scale]."""
        sign = torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0)
        return sign * (0.5 + torch.rand(shape, generator=gen) * self.init_scale)

    @staticmethod
    def concat(nets: list["BatchedMLP"]) -> "BatchedMLP":
        """Several BatchedMLPs of the same depth and width H as one: their models side by side (in order)."""
        if len(nets) == 1:
            return nets[0]
        out = copy.deepcopy(nets[0])
        out.widths = [w for n in nets for w in n.widths]
        out.acts = [a for n in nets for a in n.acts]
        with torch.no_grad():
            for name in ("mask", "is_sig"):
                setattr(out, name, torch.cat([getattr(n, name) for n in nets]))
            for l in range(out.depth):
                out.W[l] = nn.Parameter(torch.cat([n.W[l] for n in nets]))
                out.B[l] = nn.Parameter(torch.cat([n.B[l] for n in nets]))
            out.C = nn.Parameter(torch.cat([n.C for n in nets]))
            out.b = nn.Parameter(torch.cat([n.b for n in nets]))
        return out

    def _act(self, z: torch.Tensor) -> torch.Tensor:
        return torch.where(self.is_sig, torch.sigmoid(z), torch.relu(z)) * self.mask

    def activations(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every hidden layer's activations. x: (N, 1) or (M, N, 1) -> depth tensors (M, N, H)."""
        out, a = [], x
        for W, B in zip(self.W, self.B):
            a = self._act(torch.matmul(a, W) + B)  # (M, N, H)
            out.append(a)
        return out

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Activations of the last hidden layer. x: (N, 1) or (M, N, 1) -> (M, N, H)."""
        return self.activations(x)[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 1) shared by all models, or (M, N, 1) -> (M, N, 1)."""
        return torch.matmul(self.hidden(x), self.C) + self.b

    def parts(self, x: torch.Tensor) -> torch.Tensor:
        """Each last-layer unit's contribution c_i a_i(x): (M, N, H); their sum plus b is the output."""
        return self.hidden(x) * self.C.transpose(1, 2)

    def dead(self, acts: list[torch.Tensor]) -> torch.Tensor:
        """(M, depth, H) bool: units whose activation is 0 on every one of the N points that gave ``acts``
        (from ``activations``). A ReLU that is 0 on all training points gets no gradient: it stays dead.
        Only ReLU units count (a sigmoid is never exactly 0), never padding."""
        relu = (self.mask[:, 0] > 0) & ~self.is_sig[:, 0]  # (M, H) real ReLU units
        return torch.stack([((a > 0).sum(dim=1) == 0) & relu for a in acts], 1)

    @torch.no_grad()
    def revive(self, x: torch.Tensor, acts: list[torch.Tensor], dead: torch.Tensor, models: list[int],
               gen: torch.Generator) -> int:
        """Re-initialise the dead units of ``models`` (the remedy of Sokar et al., 2023, "ReDo"): fresh
        incoming weights as at initialisation, a bias that puts the unit's kink at a random training point
        between the 10th and 90th percentile of its pre-activations (so it is active on at least 10% of
        them), and zero outgoing weights, so the network's output does not change. ``x``: (M or 1, N, 1)
        the training inputs that gave ``acts``. Draws from ``gen`` only when one of ``models`` has a dead
        unit. Returns the number of units re-initialised."""
        idx = dead[models].nonzero().tolist()  # [(model position, layer, unit)]
        if not idx:
            return 0
        H = self.mask.shape[-1]
        for i, l, j in idx:
            m = models[i]
            a_prev = (x[m] if x.shape[0] > 1 else x[0]) if l == 0 else acts[l - 1][m]  # (N, fan_in)
            if l == 0:
                w = self._slopes((1,), gen)  # (1,)
            else:
                w = (torch.rand(H, generator=gen) * 2 - 1) / math.sqrt(self.widths[m]) * self.mask[m, 0]  # (H,)
            z = (a_prev @ w.to(a_prev)).sort().values  # (N,) sorted pre-activations without bias
            q = 0.1 + 0.8 * float(torch.rand((), generator=gen))
            self.W[l][m, :, j] = w.to(a_prev)
            self.B[l][m, 0, j] = -z[int(q * (len(z) - 1))]
            if l + 1 < self.depth:
                self.W[l + 1][m, j, :] = 0.0
            else:
                self.C[m, j, 0] = 0.0
        return len(idx)

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
