"""Seeded randomness. Every run owns a ``torch.Generator``; nothing touches the global seed.

Every browser session is a thread of one server process, so ``torch.manual_seed`` would let one
student's run change another's numbers. Same config and seed give the same numbers, always.
"""
from __future__ import annotations

import torch


def generator(seed: int, salt: int = 0) -> torch.Generator:
    """A CPU generator seeded from ``seed`` and a per-purpose ``salt`` (data, init, batches...).

    Draws happen on the CPU and are moved to the device afterwards, so a seed gives the same
    numbers on every device.
    """
    g = torch.Generator(device="cpu")
    g.manual_seed((int(seed) * 1_000_003 + int(salt)) % (2**63 - 1))
    return g
