"""The attention layer written out: scores, weights (softmax or ReLU), heads, positional encodings, masks
and what a mask saves.

The lecture: relevance alpha_ij = q^i . k^j (optionally over sqrt(d_k)); softmax over j gives alpha'_ij
("the softmax can be replaced by any activation; softmax is the common one"), and b^i = sum_j alpha'_ij v^j.
Several heads run side by side and W^O mixes their concatenation. A positional encoding e^i is added to
a^i. A mask restricts who looks at whom: causal, a truncated window (n*w scores instead of n^2), or a
graph's adjacency (a GNN). Tests compare it with ``F.scaled_dot_product_attention`` and
``nn.MultiheadAttention`` on the same weights.
"""
from __future__ import annotations

import math

import pandas as pd
import torch

from core import rng

MASKS = ("none", "causal", "window", "graph")
ACTIVATIONS = ("softmax", "ReLU")  # how a row of scores becomes weights


def weights_of(alpha: torch.Tensor, activation: str = "softmax") -> torch.Tensor:
    """alpha' from the scores alpha (..., n, m), masked scores being -inf.

    softmax: exp(alpha_ij) / sum_j' exp(alpha_ij'), each row sums to 1. ReLU: max(0, alpha_ij) with no
    normalisation at all, so a row sums to whatever its positive scores add up to (0 when none is
    positive); masked scores (-inf) give exactly 0 either way.
    """
    if activation == "ReLU":
        return torch.relu(alpha)
    return torch.softmax(alpha, dim=-1)


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor | None = None,
              scale: bool = True, activation: str = "softmax") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Dot-product attention written out. q: (..., n, d_k), k: (..., m, d_k), v: (..., m, d_v).

    ``allowed``: bool (n, m) (or broadcastable), True where query i may look at key j.
    Returns (output (..., n, d_v), weights alpha' (..., n, m), scores alpha (..., n, m)); masked
    scores are -inf and their weights exactly 0.
    """
    alpha = q @ k.transpose(-2, -1)  # (..., n, m): alpha_ij = q^i . k^j
    if scale:
        alpha = alpha / math.sqrt(q.shape[-1])
    if allowed is not None:
        alpha = alpha.masked_fill(~allowed, float("-inf"))
    w = weights_of(alpha, activation)  # (..., n, m): alpha'_ij
    return w @ v, w, alpha  # (..., n, d_v): b^i = sum_j alpha'_ij v^j


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """(..., n, d) -> (..., heads, n, d / heads)."""
    *lead, n, d = x.shape
    return x.reshape(*lead, n, heads, d // heads).transpose(-3, -2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(..., heads, n, d_h) -> (..., n, heads * d_h): the concatenation of the heads."""
    *lead, h, n, dh = x.shape
    return x.transpose(-3, -2).reshape(*lead, n, h * dh)


def multi_head(a: torch.Tensor, wq: torch.Tensor, wk: torch.Tensor, wv: torch.Tensor, wo: torch.Tensor, heads: int,
               allowed: torch.Tensor | None = None, scale: bool = True,
               activation: str = "softmax") -> dict[str, torch.Tensor]:
    """Multi-head self-attention of the rows of ``a`` (n, d); weights in ``nn.Linear`` layout (out, in).

    Returns Q, K, V (n, d); per head q, k, v (H, n, d_h), scores and weights (H, n, n), outputs (H, n, d_h);
    concat (n, d) and the projected output (n, d).
    """
    Q, K, V = a @ wq.T, a @ wk.T, a @ wv.T  # (n, d) each: row i is q^i, k^i, v^i
    q, k, v = split_heads(Q, heads), split_heads(K, heads), split_heads(V, heads)  # (H, n, d_h)
    out, w, alpha = attention(q, k, v, allowed, scale, activation)  # (H, n, d_h), (H, n, n), (H, n, n)
    concat = merge_heads(out)  # (n, d)
    return dict(Q=Q, K=K, V=V, q=q, k=k, v=v, scores=alpha, weights=w, heads=out, concat=concat, out=concat @ wo.T)


def sinusoidal(n: int, d: int) -> torch.Tensor:
    """The hand-crafted positional encoding: e^pos_2i = sin(pos / 10000^(2i/d)), e^pos_2i+1 = cos(...). (n, d)"""
    pos = torch.arange(n, dtype=torch.float32)[:, None]  # (n, 1)
    i = torch.arange(0, d, 2, dtype=torch.float32)  # (ceil(d/2),)
    ang = pos / torch.pow(10000.0, i / max(d, 1))  # (n, ceil(d/2))
    pe = torch.zeros(n, d)  # (n, d)
    pe[:, 0::2] = torch.sin(ang)
    pe[:, 1::2] = torch.cos(ang[:, : d // 2])
    return pe


# ---------- masks ----------

def causal_mask(n: int) -> torch.Tensor:
    """Position i sees positions j <= i. (n, n) bool."""
    return torch.ones(n, n, dtype=torch.bool).tril()


def window_mask(n: int, w: int) -> torch.Tensor:
    """Truncated self-attention: position i sees the w positions centred on it (|i - j| <= (w - 1) / 2). (n, n)"""
    r = max(0, (int(w) - 1) // 2)
    idx = torch.arange(n)  # (n,)
    return (idx[:, None] - idx[None, :]).abs() <= r


def graph_adjacency(n: int, seed: int) -> torch.Tensor:
    """A small connected graph over n nodes: a path, a few seeded extra edges, and self loops. (n, n) symmetric."""
    adj = torch.eye(n, dtype=torch.bool)  # (n, n)
    for i in range(n - 1):
        adj[i, i + 1] = adj[i + 1, i] = True
    if n > 3:
        g = rng.generator(seed, "attention.layer_weights")
        for _ in range(max(1, n // 3)):
            i, j = torch.randint(0, n, (2,), generator=g).tolist()
            adj[i, j] = adj[j, i] = True
    return adj


def make_mask(kind: str, n: int, w: int = 3, seed: int = 0) -> torch.Tensor | None:
    """The (n, n) bool mask of ``kind`` (one of MASKS); None for no mask."""
    if kind == "causal":
        return causal_mask(n)
    if kind == "window":
        return window_mask(n, w)
    if kind == "graph":
        return graph_adjacency(n, seed)
    return None


def cost(n: int, kind: str, w: int) -> dict[str, int]:
    """Scores a full and a masked attention must compute: n^2 against about n*w for a window."""
    allowed = make_mask(kind, n, w)
    return {"full": n * n, "computed": int(allowed.sum()) if allowed is not None else n * n}


COST_NS = (8, 16, 32, 64, 128, 256, 512, 1024)  # sequence lengths of the cost chart
COST_KINDS = ("full", "window")  # the two lines of the cost chart (names in core results; charts translate)


def cost_table(w: int, ns: tuple[int, ...] = COST_NS) -> pd.DataFrame:
    """Score count of full attention (n^2) against a window of width w (about n*w), as n grows.

    Columns n, attention (one of COST_KINDS), scores."""
    rows = []
    for n in ns:
        r = min(n - 1, max(0, (int(w) - 1) // 2))
        windowed = n * (2 * r + 1) - r * (r + 1)  # exact count of |i - j| <= r pairs
        rows += [(n, "full", n * n), (n, "window", windowed)]
    return pd.DataFrame(rows, columns=["n", "attention", "scores"])
