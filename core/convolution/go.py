"""The two observations behind CNNs on a Go board, the Go part, and why AlphaGo's network drops pooling.

- A pattern is small: how many liberties (empty neighbours) a lone stone has (no stone of its own colour beside
  it) is decided by a 3 × 3 window around it; with one left it is in "atari": a stone played on that last liberty
  captures it at the next move.
- The same pattern appears anywhere: ONE 3 × 3 filter (a plus: the four neighbours), slid over all 361 points by
  ``F.conv2d``, counts every point's empty neighbours (and the same plus on the stones of one colour, its friendly
  ones), so the same two filters find every lone stone's liberties, wherever it stands.
- Pooling: 2 × 2 max pooling of the liberty map (the empty points beside a lone stone, where a stone played takes a
  liberty away) keeps "a liberty somewhere in these four points"; where such a cell holds two or more empty
  points, the pooled map no longer says where to play. In Go one point decides a capture, so AlphaGo's network
  keeps every point (no pooling).

A stone in a chain (a friendly neighbour) is left out: a chain's liberties are not in one 3 × 3 window (that is what
deeper layers are for). The board: stones dropped in small clusters, colours alternating (seeded).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core import rng
from core.convolution.pool import BOARD
from core.params import choice, clamp, num

COLOURS = ("black", "white")  # whose stones the filter looks at (1 and 2 on the board)
PLUS = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])  # (3, 3) the four neighbours
RADIUS = 2  # stones fall within this many points of a cluster's centre
FILL = 0.8  # clusters are added until the stones fill at most this share of their points (so it always ends)


@dataclass(frozen=True)
class GoConfig:
    go_stones: int = num(90, 30, 150, step=10)  # stones on the board
    go_colour: str = choice("black", COLOURS, widget="radio")  # whose lone stones the filter checks
    seed: int = num(0, 0, 1_000_000, widget="number")  # the board


def neighbours(channel: np.ndarray) -> np.ndarray:
    """How many of each point's four neighbours are set in ``channel`` (19, 19): the plus filter slid over every
    point by F.conv2d (zero padding: off the board counts as nothing)."""
    x = torch.tensor(channel, dtype=torch.float32)[None, None]  # (1, 1, 19, 19)
    return F.conv2d(x, PLUS[None, None], padding=1)[0, 0].round().numpy().astype(np.int64)  # (19, 19)


def stones_of(seed: int, n: int) -> np.ndarray:
    """A seeded board (19, 19): 0 empty, 1 black, 2 white; ``n`` stones in clusters, colours alternating."""
    g = rng.generator(seed, "convolution.go_board")
    points: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    n = min(int(n), int(FILL * BOARD * BOARD))
    while len(points) * FILL < n:  # at most 361 points: ends after a few clusters
        r0, c0 = torch.randint(0, BOARD, (2,), generator=g).tolist()
        for r in range(max(0, r0 - RADIUS), min(BOARD, r0 + RADIUS + 1)):
            for c in range(max(0, c0 - RADIUS), min(BOARD, c0 + RADIUS + 1)):
                if (r, c) not in seen:
                    seen.add((r, c))
                    points.append((r, c))
    stones = np.zeros((BOARD, BOARD), dtype=np.int64)
    for k, i in enumerate(torch.randperm(len(points), generator=g)[:n].tolist()):
        stones[points[i]] = 1 + k % 2
    return stones


@dataclass
class GoResult:
    config: GoConfig
    stones: np.ndarray  # (19, 19): 0 empty, 1 black, 2 white
    liberties: np.ndarray  # (19, 19) empty neighbours of every point (the filter's answer everywhere)
    lone: np.ndarray  # (19, 19) bool: a stone of the chosen colour with no friendly neighbour
    atari: np.ndarray  # (19, 19) bool: a lone stone with exactly one liberty
    attack: np.ndarray  # (19, 19) bool: a liberty of a lone stone (a stone played there takes it away)
    pooled: np.ndarray  # (10, 10) empty points of each 2 × 2 cell holding a liberty point, else 0
    n_lone: int
    n_atari: int
    cells: int  # pooled cells holding a liberty point
    unclear: int  # of those, the cells with two or more empty points (the pooled map cannot say which)

    def numbers(self) -> dict[str, int]:
        """What the page writes: stones n, lone stones of the chosen colour, those in atari, their liberty points,
        the pooled cells holding one and how many of those hold two or more empty points."""
        return {"n": int((self.stones > 0).sum()), "lone": self.n_lone, "atari": self.n_atari,
                "points": int(self.attack.sum()), "cells": self.cells, "unclear": self.unclear}


def go_lab(cfg: GoConfig) -> GoResult:
    cfg = clamp(cfg)
    stones = stones_of(cfg.seed, cfg.go_stones)
    own = 1 + COLOURS.index(cfg.go_colour)
    empty, mine = stones == 0, stones == own
    libs, friends = neighbours(empty), neighbours(mine)
    lone = mine & (friends == 0)
    atari = lone & (libs == 1)
    attack = empty & (neighbours(lone) > 0)  # (19, 19) the liberties of the lone stones
    chans = torch.tensor(np.stack([attack, empty]), dtype=torch.float32)[None]  # (1, 2, 19, 19)
    has = F.max_pool2d(chans[:, :1], 2, 2, ceil_mode=True)[0, 0].numpy() > 0  # (10, 10)
    n_empty = F.avg_pool2d(chans[:, 1:], 2, 2, ceil_mode=True, divisor_override=1)[0, 0].numpy()  # (10, 10)
    pooled = np.where(has, n_empty, 0.0).round().astype(np.int64)
    return GoResult(cfg, stones, libs, lone, atari, attack, pooled, int(lone.sum()), int(atari.sum()),
                    int(has.sum()), int((pooled >= 2).sum()))


@dataclass(frozen=True)
class GoFacts:
    found: bool  # the filter finds lone stones (with their liberties) on this board
    atari: bool  # ... and at least one of them in atari
    unclear: bool  # some pooled cell holds a liberty point among two or more empty points


def go_facts(res: GoResult) -> GoFacts:
    """Which of the Go part's sentences hold on this board (the page adds each only where it holds)."""
    return GoFacts(res.n_lone > 0, res.n_atari > 0, res.unclear > 0)
