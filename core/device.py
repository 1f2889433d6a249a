"""Which device a computation runs on.

Order of preference: CUDA, then Apple MPS, then the CPU. The environment variable
``DLC_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``) overrides the choice.

Tiny models (a few hundred parameters, the curve fits and 2-D surfaces of this course) stay on
the CPU unless the override says otherwise: each of their steps is a handful of microsecond-sized
kernels, so a GPU's launch latency (~5-10 us per kernel, tens per step) makes them slower, not
faster. ``scripts/bench.py --device`` measures both where a GPU is present.
"""
from __future__ import annotations

import os
from typing import Literal

import torch

Work = Literal["tiny", "large"]


def accelerator() -> torch.device | None:
    """The best accelerator present, or None."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return None


def choose_device(work: Work = "tiny") -> torch.device:
    """Device for a computation of the given size (``tiny`` stays on the CPU)."""
    forced = os.environ.get("DLC_DEVICE", "").strip()
    if forced:
        return torch.device(forced)
    if work == "large":
        return accelerator() or torch.device("cpu")
    return torch.device("cpu")


def describe() -> str:
    """One line for the sidebar: what runs where."""
    acc = accelerator()
    forced = os.environ.get("DLC_DEVICE", "").strip()
    if forced:
        return f"{forced} (set by DLC_DEVICE)"
    if acc is None:
        return "cpu (no GPU found)"
    return f"{acc.type} for larger models, cpu for tiny ones"
