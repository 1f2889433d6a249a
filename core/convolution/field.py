"""Receptive fields and shared parameters, the receptive-field part.

A stack of convolution layers (kernel k_l and stride s_l per layer, no padding): the output unit (i, j)
of the last layer sees the input window starting at (i·J, j·J), J = s_1···s_L, of side
    r_L = 1 + Σ_l (k_l − 1) · s_1···s_{l−1}.
``field_from_autograd`` finds it without the formula: the input pixels whose gradient of that unit is not
zero (every weight set to 1, so no two paths cancel). ``sharing`` counts parameters and multiply-adds of
a convolutional layer against a fully connected layer on the same image.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.convolution.filter import out_size
from core.params import choice, clamp, num

KS = (1, 2, 3, 5, 7)
STRIDES = (1, 2, 3)
INPUT = 32  # the input is INPUT × INPUT
SIZES = (8, 16, 28, 32, 64, 128, 224)  # image sizes for the parameter count
CHANNELS = (1, 3, 8, 16, 32, 64)


@dataclass(frozen=True)
class FieldConfig:
    layers: int = num(2, 1, 3)  # convolution layers in the stack
    k1: int = choice(3, KS, widget="select_slider")  # layer 1 kernel size
    s1: int = choice(1, STRIDES, widget="select_slider")  # layer 1 stride
    k2: int = choice(3, KS, widget="select_slider")  # layer 2 kernel size
    s2: int = choice(2, STRIDES, widget="select_slider")  # layer 2 stride
    k3: int = choice(3, KS, widget="select_slider")  # layer 3 kernel size
    s3: int = choice(1, STRIDES, widget="select_slider")  # layer 3 stride
    row: float = num(0.5, 0.0, 1.0, step=0.05)  # the chosen output unit's row, as a share of the output height
    col: float = num(0.5, 0.0, 1.0, step=0.05)  # its column, as a share of the output width
    image: int = choice(28, SIZES, widget="select_slider")  # image side for the parameter count
    channels: int = choice(16, CHANNELS, widget="select_slider")  # output channels (input: 1, grey)


def stack(cfg: FieldConfig) -> list[tuple[int, int]]:
    """(kernel, stride) of each layer."""
    return [(cfg.k1, cfg.s1), (cfg.k2, cfg.s2), (cfg.k3, cfg.s3)][: cfg.layers]


def formula(layers: list[tuple[int, int]]) -> tuple[int, int]:
    """(r, J): receptive-field side and jump (input pixels between neighbouring output units)."""
    r, jump = 1, 1
    for k, s in layers:
        r += (k - 1) * jump
        jump *= s
    return r, jump


def output_side(layers: list[tuple[int, int]], n: int = INPUT) -> int:
    for k, s in layers:
        n = out_size(n, k, s)
    return n


def field_from_autograd(layers: list[tuple[int, int]], i: int, j: int, n: int = INPUT) -> np.ndarray:
    """|∂ out[i, j] / ∂ input| (n, n) for a stack of nn.Conv2d with every weight 1 and no bias."""
    convs = nn.Sequential(*[nn.Conv2d(1, 1, k, stride=s, bias=False) for k, s in layers])
    with torch.no_grad():
        for c in convs:
            c.weight.fill_(1.0)
    x = torch.zeros(1, 1, n, n, dtype=torch.float32, requires_grad=True)  # (1, 1, n, n)
    out = convs(x)  # (1, 1, n', n')
    out[0, 0, i, j].backward()
    return x.grad[0, 0].abs().numpy()


@dataclass
class FieldResult:
    config: FieldConfig
    layers: list[tuple[int, int]]
    out_side: int  # the last layer's output side (0: the stack does not fit in the input)
    unit: tuple[int, int]  # the chosen output unit
    grad: np.ndarray  # (INPUT, INPUT) |gradient| of the unit with respect to the input
    r: int  # receptive field side by the formula
    jump: int  # J
    start: tuple[int, int]  # top-left input pixel of the field by the formula
    measured: tuple[int, int, int, int]  # (row0, col0, row1, col1) of the non-zero gradient, inclusive

    def numbers(self) -> dict[str, int]:
        """What the page writes about the field: the last layer's side, the unit, r and J by the formula, the
        measured window (rows r0–r1, columns c0–c1) and its height h and width w."""
        r0, c0, r1, c1 = self.measured
        return {"side": self.out_side, "i": self.unit[0], "j": self.unit[1], "r": self.r, "jump": self.jump,
                "r0": r0, "c0": c0, "r1": r1, "c1": c1, "h": r1 - r0 + 1, "w": c1 - c0 + 1}


def field_tex(res: FieldResult) -> str:
    """The receptive-field formula with this stack's numbers: r_L = 1 + Σ_l (k_l − 1)·s_1···s_{l−1}."""
    ks = " + ".join(f"({k}-1)" + "".join(rf"\cdot {s}" for _, s in res.layers[:i]) for i, (k, _) in
                    enumerate(res.layers))
    return rf"r_{{{len(res.layers)}}} = 1 + {ks} = {res.r}"


def field_lab(cfg: FieldConfig) -> FieldResult:
    cfg = clamp(cfg)
    layers = stack(cfg)
    side = output_side(layers)
    r, jump = formula(layers)
    if side == 0:
        return FieldResult(cfg, layers, 0, (0, 0), np.zeros((INPUT, INPUT)), r, jump, (0, 0), (0, 0, -1, -1))
    i, j = int(round(cfg.row * (side - 1))), int(round(cfg.col * (side - 1)))
    g = field_from_autograd(layers, i, j)
    rows, cols = np.nonzero(g)
    return FieldResult(cfg, layers, side, (i, j), g, r, jump, (i * jump, j * jump),
                       (int(rows.min()), int(cols.min()), int(rows.max()), int(cols.max())))


@dataclass
class Sharing:
    image: int
    channels: int
    k: int
    conv_params: int  # k²·C + C (1 input channel)
    fc_params: int  # (n²)·(n²·C) + n²·C: every output unit sees every pixel
    conv_macs: int  # multiply-adds, "same" padding: n²·C·k²
    fc_macs: int  # n²·n²·C

    def numbers(self) -> dict:
        """What the page writes: both parameter counts, their ratio (how many times more the fully connected
        layer needs), the kernel size, the channels and the image side."""
        return {"conv": self.conv_params, "fc": self.fc_params, "ratio": self.fc_params / self.conv_params,
                "k": self.k, "c": self.channels, "n": self.image}


def sharing(cfg: FieldConfig) -> Sharing:
    """A convolutional layer (C filters of k1 × k1 on a grey n × n image, same padding) against a fully
    connected layer with the same n·n·C outputs."""
    cfg = clamp(cfg)
    n, c, k = cfg.image, cfg.channels, cfg.k1
    px = n * n
    return Sharing(n, c, k, k * k * c + c, px * px * c + px * c, px * c * k * k, px * px * c)


def sharing_modules(cfg: FieldConfig) -> tuple[nn.Module, nn.Module]:
    """The two layers as PyTorch modules (the tests count their parameters)."""
    cfg = clamp(cfg)
    n, c, k = cfg.image, cfg.channels, cfg.k1
    return nn.Conv2d(1, c, k, padding=k // 2), nn.Linear(n * n, n * n * c, device="meta")
