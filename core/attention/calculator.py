"""The calculator: one typed sentence through one multi-head self-attention layer, every step kept.

Each token gets a seeded random embedding x^i (the same token, the same vector), optionally plus the
sinusoidal encoding e^i; W^q, W^k, W^v, W^O are seeded random matrices. The same layer also runs on the
tokens in a seeded shuffled order, to show that without positions the outputs merely shuffle.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch

from core import rng
from core.attention.layer import ACTIVATIONS, MASKS, make_mask, multi_head, sinusoidal
from core.attention.tokens import MAX_CHARS, MAX_TOKENS, tokenize
from core.params import choice, clamp, flag, num, text

D_CHOICES = (4, 8, 12, 16)  # embedding sizes offered (each divisible by every head count)
HEAD_CHOICES = (1, 2, 4)  # head counts offered
WINDOWS = (1, 3, 5, 7, 9, 11)  # window widths offered (odd: the word itself in the middle)
SAME = 1e-5  # the shuffle test: outputs that differ by less than this are the same (they merely shuffle)
DIFFERS = 0.1  # ...and with positions (or a causal or window mask) they differ by more than this (tested)
SCALE_CLAIM = dict(d=16, heads=1)  # "over ten seeds, with d = 16 and one head, ...
SCALE_GAP = 0.15  # ...at least this much higher without the division" (seeds 0-19: 0.198 to 0.42)


@dataclass(frozen=True)
class CalcConfig:
    sentence: str = text("the cat sat on the mat", max_chars=MAX_CHARS)  # tokens: see core.attention.tokens
    d: int = choice(8, D_CHOICES, widget="select_slider")  # embedding size d (= d_model); each head gets d / heads
    heads: int = choice(2, HEAD_CHOICES, widget="radio")  # attention heads side by side
    scale: bool = flag(True)  # divide the scores by sqrt(d_k)
    positional: bool = flag(True)  # add the sinusoidal encoding e^i to a^i
    activation: str = choice("softmax", ACTIVATIONS, widget="radio")  # alpha -> alpha': softmax or ReLU (unnormalised)
    mask: str = choice("none", MASKS, widget="radio")  # who may look at whom
    window: int = choice(3, WINDOWS, widget="select_slider")  # w: positions a query sees under the window mask
    query: int = num(2, 1, MAX_TOKENS)  # the query followed step by step (1-based position)
    seed: int = num(0, 0, 1_000_000, widget="number")  # embeddings, W^q, W^k, W^v, W^O, the shuffle and the graph


@dataclass
class CalcResult:
    config: CalcConfig
    tokens: list[str]
    labels: list[str]  # "1 the", "2 cat", ... unique axis labels
    embed: torch.Tensor  # (n, d) token embeddings x^i (same token, same vector)
    pe: torch.Tensor  # (n, d) sinusoidal encoding e^i
    a: torch.Tensor  # (n, d) attention input a^i = x^i (+ e^i)
    allowed: torch.Tensor  # (n, n) bool: query i may look at key j
    parts: dict[str, torch.Tensor]  # multi_head(...) output
    query: int  # 0-based index of the followed query (clamped to n)
    perm: list[int]  # the shuffle: shuffled position p holds original token perm[p]
    shuffled_out: torch.Tensor  # (n, d) outputs on the shuffled input
    equivariance_error: float  # max |f(P a) - P f(a)|: 0 means the outputs merely shuffle
    weights: dict[str, torch.Tensor]  # W^q, W^k, W^v, W^O (d, d)

    @property
    def n(self) -> int:
        return len(self.tokens)

    @property
    def d_head(self) -> int:
        return self.config.d // self.config.heads

    def row_sums(self, head: int = 0) -> torch.Tensor:
        """Sum of each row of alpha' in ``head``: 1 under softmax, anything >= 0 under ReLU. (n,)"""
        return self.parts["weights"][head].sum(-1)

    @property
    def equivariant(self) -> bool:
        """The outputs on the shuffled tokens are the original outputs shuffled (up to SAME)."""
        return self.equivariance_error < SAME

    @property
    def peak(self) -> float:
        """The largest weight of a row of head 1, averaged over the rows: near 1 when each query picks one key."""
        return float(self.parts["weights"][0].max(-1).values.mean())

    def neighbours(self) -> dict[str, list[str]]:
        """Label -> the labels of the other tokens it may look at (under the graph mask: its neighbours)."""
        return {lab: [self.labels[j] for j in range(self.n) if self.allowed[i, j] and j != i]
                for i, lab in enumerate(self.labels)}


def embed_words(tokens: list[str], d: int, seed: int) -> torch.Tensor:
    """A seeded random embedding per distinct token: the same token always gets the same vector. (n, d)"""
    rows = [torch.randn(d, generator=rng.generator(seed, f"attention.token:{t}"))
            for t in tokens]  # n vectors (d,)
    return torch.stack(rows)  # (n, d)


def computed(cfg: CalcConfig) -> CalcConfig:
    """The settings a result depends on: the followed query only picks the row drawn, and the window width
    matters only under the window mask, so every other value shares one result."""
    return replace(cfg, query=1, window=cfg.window if cfg.mask == "window" else CalcConfig().window)


@dataclass(frozen=True)
class Followed:
    """What the page says about the followed query and the rows of head 1's weights."""
    row: int  # 0-based row followed: the query asked for, or the last token when the sentence is shorter
    last: bool  # the query asked for is past the end of the sentence
    sums: list[float]  # (n,) the sum of each row of alpha'
    top: str  # the key the followed row gives its largest weight
    weight: float  # that weight


def follow(r: CalcResult, query: int) -> Followed:
    """Query ``query`` (1-based position) of result ``r`` followed step by step."""
    i = min(int(query), r.n) - 1
    w = r.parts["weights"][0, i]  # (n,)
    return Followed(i, i + 1 < query, r.row_sums(0).tolist(), r.labels[int(w.argmax())], float(w.max()))


def calculate(cfg: CalcConfig = CalcConfig()) -> CalcResult:
    """Embeddings, Q, K, V, scores, weights and outputs of multi-head self-attention on the sentence.

    Pure function of ``cfg`` (clamped first). Raises tokens.NoWordError (a ValueError, a sentence for the
    page) on a sentence with no token.
    """
    cfg = clamp(cfg)
    tokens = tokenize(cfg.sentence)
    n, d, H = len(tokens), cfg.d, cfg.heads
    x = embed_words(tokens, d, cfg.seed)  # (n, d)
    pe = sinusoidal(n, d)  # (n, d)
    a = x + pe if cfg.positional else x  # (n, d)
    g = rng.generator(cfg.seed, "attention.calculator_weights")
    wq, wk, wv, wo = (torch.randn(d, d, generator=g) / math.sqrt(d) for _ in range(4))  # (d, d) each
    allowed = make_mask(cfg.mask, n, cfg.window, cfg.seed)  # (n, n) or None
    allowed_full = allowed if allowed is not None else torch.ones(n, n, dtype=torch.bool)  # (n, n)
    parts = multi_head(a, wq, wk, wv, wo, H, allowed, cfg.scale, cfg.activation)

    # shuffle the tokens: same encoding of positions, same weights; a graph's adjacency moves with its nodes
    perm = torch.randperm(n, generator=rng.generator(cfg.seed, "attention.shuffle"))  # (n,)
    if n > 1 and bool((perm == torch.arange(n)).all()):
        perm = torch.roll(torch.arange(n), 1)
    xs = x[perm]  # (n, d): shuffled position p holds token perm[p]
    a_s = xs + pe if cfg.positional else xs  # (n, d)
    allowed_s = allowed[perm][:, perm] if (allowed is not None and cfg.mask == "graph") else allowed
    shuffled = multi_head(a_s, wq, wk, wv, wo, H, allowed_s, cfg.scale, cfg.activation)["out"]  # (n, d)
    err = float((shuffled - parts["out"][perm]).abs().max())
    labels = [f"{i + 1} {t}" for i, t in enumerate(tokens)]
    return CalcResult(cfg, tokens, labels, x, pe, a, allowed_full, parts, min(cfg.query, n) - 1, perm.tolist(),
                      shuffled, err, dict(Wq=wq, Wk=wk, Wv=wv, Wo=wo))
