"""Seeded randomness. Every run owns a ``torch.Generator``; nothing touches the global seed.

Every browser session is a thread of one server process, so ``torch.manual_seed`` would let one
student's run change another's numbers. Same config and seed give the same numbers, always.

A generator is derived from (seed, purpose) by hashing both into numpy's ``SeedSequence``: two different
pairs give independent streams whatever the numbers (a formula such as ``seed * K + salt`` lets seed 1
with one salt be seed 0 with another), and a purpose is a name a reader can grep (``"fitting.init"``),
not a number kept unique by hand.
"""
from __future__ import annotations

import hashlib

import numpy as np
import torch

MASK = 2**63 - 1  # torch seeds are taken as 64-bit; keep them positive


def _words(purpose: str | int) -> list[int]:
    """The purpose's name as 32-bit words (a cryptographic digest: names never collide in practice)."""
    digest = hashlib.blake2b(str(purpose).encode("utf-8"), digest_size=16).digest()
    return [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]


def seed_of(seed: int, purpose: str | int = "") -> int:
    """The 63-bit torch seed of the stream (seed, purpose)."""
    s = int(seed) % 2**64
    entropy = [s & 0xFFFFFFFF, s >> 32, *_words(purpose)]
    state = np.random.SeedSequence(entropy).generate_state(2, dtype=np.uint32)
    return (int(state[0]) | int(state[1]) << 32) & MASK


def generator(seed: int, purpose: str | int = "") -> torch.Generator:
    """A CPU generator for ``purpose`` (data, init, batches...) under the run's ``seed``.

    Draws happen on the CPU and are moved to the device afterwards, so a seed gives the same
    numbers on every device.
    """
    g = torch.Generator(device="cpu")
    g.manual_seed(seed_of(seed, purpose))
    return g
