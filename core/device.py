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


def kind() -> str:
    """What runs where, as a word for the page: "forced", "cpu" or "accelerator"."""
    if os.environ.get("DLC_DEVICE", "").strip():
        return "forced"
    return "cpu" if accelerator() is None else "accelerator"


def name() -> str:
    """The device the word is about: the forced device, or the accelerator's type, or "cpu"."""
    forced = os.environ.get("DLC_DEVICE", "").strip()
    acc = accelerator()
    return forced or (acc.type if acc is not None else "cpu")


def describe() -> str:
    """One line for the sidebar: what runs where."""
    acc = accelerator()
    forced = os.environ.get("DLC_DEVICE", "").strip()
    if forced:
        return f"{forced} (set by DLC_DEVICE)"
    if acc is None:
        return "cpu (no GPU found)"
    return f"{acc.type} for larger models, cpu for tiny ones"


def optimizer_impl(preferred: str = "foreach") -> dict:
    """The ``torch.optim`` keyword for the implementation a computation prefers (``"fused"`` or ``"foreach"``),
    or the plain per-parameter loop when ``DLC_PLAIN_OPTIM=1``. Another machine may run another kernel (and so
    round differently); every claim is checked both ways (CI runs the claim tests again with plain optimizers
    and two intra-op threads): ``torch.optim.Adam(params, lr=lr, **device.optimizer_impl("fused"))``."""
    if os.environ.get("DLC_PLAIN_OPTIM", "").strip() == "1":
        return {"foreach": False}
    return {preferred: True}


def configure_threads(default: int = 1) -> int:
    """Set torch's intra-op threads for a server process (``DLC_THREADS`` overrides); returns the count.

    The app's models are tiny and every browser session is a thread of one process: with torch's
    default of one thread per core, sessions spin against each other. Measured on this project's
    2-core CPU with the other core busy, the fitting page's default run took 5.7-7.3 s with 2
    threads and 0.4-0.6 s with 1.
    """
    try:
        n = max(1, int(os.environ.get("DLC_THREADS", default)))
    except ValueError:
        n = default
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
