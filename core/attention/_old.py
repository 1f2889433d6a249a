"""Self-attention, from one query's weights to a tiny transformer learning a pattern.

The lecture: every input vector a^i gives a query q^i = W^q a^i, a key k^j = W^k a^j and a value
v^j = W^v a^j. Relevance is a dot product alpha_ij = q^i . k^j (optionally divided by sqrt(d_k)),
softmax over j gives alpha'_ij, and the output is b^i = sum_j alpha'_ij v^j. In matrix form
B = softmax(Q K^T / sqrt(d_k)) V, all positions in parallel. Several heads run side by side, their
outputs are concatenated and projected by W^O. Attention has no notion of position: a positional
encoding e^i is added to a^i. A mask restricts who looks at whom: causal, a truncated window
(cost n*w instead of n^2), or a graph's adjacency (a GNN). A window with weights fixed per offset is
a 1-D convolution.

Here everything is hand-written in torch so the page can show the insides; the tests prove it
equals ``F.scaled_dot_product_attention``, ``nn.MultiheadAttention``, ``nn.TransformerEncoderLayer``
and ``F.conv1d`` with the same weights.
"""
from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import rng, train
from core.device import choose_device
from core.export import safetensors_bytes

MAX_TOKENS = 12  # the calculator shows at most this many words
MAX_CHARS = 80  # the sentence box accepts at most this many characters
MASKS = ("none", "causal", "window", "graph")
TASKS = ("reverse", "sort", "shift by 1")
PE_KINDS = ("sinusoidal", "learned")
MODEL_NAMES = ("with positional encoding", "without positional encoding")


# ---------- the core operation ----------

def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor | None = None,
              scale: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention written out. q: (..., n, d_k), k: (..., m, d_k), v: (..., m, d_v).

    ``allowed``: bool (n, m) (or broadcastable), True where query i may look at key j.
    Returns (output (..., n, d_v), weights alpha' (..., n, m), scores alpha (..., n, m)); masked
    scores are -inf and their weights exactly 0.
    """
    alpha = q @ k.transpose(-2, -1)  # (..., n, m): alpha_ij = q^i . k^j
    if scale:
        alpha = alpha / math.sqrt(q.shape[-1])
    if allowed is not None:
        alpha = alpha.masked_fill(~allowed, float("-inf"))
    w = torch.softmax(alpha, dim=-1)  # (..., n, m): alpha'_ij, each row sums to 1
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
               allowed: torch.Tensor | None = None, scale: bool = True) -> dict[str, torch.Tensor]:
    """Multi-head self-attention of the rows of ``a`` (n, d); weights in ``nn.Linear`` layout (out, in).

    Returns Q, K, V (n, d); per head q, k, v (H, n, d_h), scores and weights (H, n, n), outputs (H, n, d_h);
    concat (n, d) and the projected output (n, d).
    """
    Q, K, V = a @ wq.T, a @ wk.T, a @ wv.T  # (n, d) each: row i is q^i, k^i, v^i
    q, k, v = split_heads(Q, heads), split_heads(K, heads), split_heads(V, heads)  # (H, n, d_h)
    out, w, alpha = attention(q, k, v, allowed, scale)  # (H, n, d_h), (H, n, n), (H, n, n)
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
    idx = torch.arange(n)
    return (idx[:, None] - idx[None, :]).abs() <= r


def graph_adjacency(n: int, seed: int) -> torch.Tensor:
    """A small connected graph over n nodes: a path, a few seeded extra edges, and self loops. (n, n) symmetric."""
    adj = torch.eye(n, dtype=torch.bool)
    for i in range(n - 1):
        adj[i, i + 1] = adj[i + 1, i] = True
    if n > 3:
        g = rng.generator(seed, salt=55)
        for _ in range(max(1, n // 3)):
            i, j = torch.randint(0, n, (2,), generator=g).tolist()
            adj[i, j] = adj[j, i] = True
    return adj


def make_mask(kind: str, n: int, w: int = 3, seed: int = 0) -> torch.Tensor | None:
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


def cost_table(w: int, ns: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512, 1024)) -> pd.DataFrame:
    """Score count of full attention (n^2) against a window of width w (about n*w), as n grows."""
    rows = []
    for n in ns:
        r = min(n - 1, max(0, (int(w) - 1) // 2))
        windowed = n * (2 * r + 1) - r * (r + 1)  # exact count of |i - j| <= r pairs
        rows += [(n, "full: n²", n * n), (n, f"window w = {w}: ≈ n·w", windowed)]
    return pd.DataFrame(rows, columns=["n", "attention", "scores"])


# ---------- the calculator ----------

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def tokenize(sentence: str, max_tokens: int = MAX_TOKENS) -> list[str]:
    """Words of ``sentence`` (letters and digits), lower-cased, at most ``max_tokens``.

    Raises ValueError with a sentence for the page when no word is left.
    """
    if not isinstance(sentence, str):
        raise ValueError("the sentence must be text")
    words = _WORD.findall(sentence[: MAX_CHARS * 4].lower())
    words = [w[:12] for w in words][:max_tokens]
    if not words:
        raise ValueError("type a sentence with at least one word (letters or digits)")
    return words


@dataclass(frozen=True)
class CalcConfig:
    sentence: str = "the cat sat on the mat"  # tokens: lower-cased words, at most MAX_TOKENS
    d: int = 8  # embedding size d (= d_model); each head gets d / heads
    heads: int = 2  # attention heads side by side
    scale: bool = True  # divide the scores by sqrt(d_k)
    positional: bool = True  # add the sinusoidal encoding e^i to a^i
    mask: str = "none"  # one of MASKS
    window: int = 3  # w: positions a query sees under the window mask (odd)
    query: int = 2  # the query followed step by step (1-based position)
    seed: int = 0  # embeddings, W^q, W^k, W^v, W^O, the shuffle and the graph


@dataclass
class CalcResult:
    config: CalcConfig
    tokens: list[str]
    labels: list[str]  # "1 the", "2 cat", ... unique axis labels
    embed: torch.Tensor  # (n, d) word embeddings x^i (same word, same vector)
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


D_CHOICES = (4, 8, 12, 16)
HEAD_CHOICES = (1, 2, 4)


def clamp_calc(cfg: CalcConfig) -> CalcConfig:
    d = int(cfg.d) if int(cfg.d) in D_CHOICES else CalcConfig.d
    h = int(cfg.heads) if int(cfg.heads) in HEAD_CHOICES else 1
    while d % h:
        h //= 2
    w = int(np.clip(cfg.window, 1, 2 * MAX_TOKENS + 1))
    return replace(cfg, sentence=str(cfg.sentence)[: MAX_CHARS * 4], d=d, heads=max(1, h), scale=bool(cfg.scale),
                   positional=bool(cfg.positional), mask=cfg.mask if cfg.mask in MASKS else "none",
                   window=w if w % 2 else w + 1, query=int(np.clip(cfg.query, 1, MAX_TOKENS)),
                   seed=int(cfg.seed) % (2**31))


def embed_words(tokens: list[str], d: int, seed: int) -> torch.Tensor:
    """A seeded random embedding per distinct word: the same word always gets the same vector. (n, d)"""
    rows = [torch.randn(d, generator=rng.generator(seed, salt=1000 + zlib.crc32(t.encode()) % 1_000_000))
            for t in tokens]
    return torch.stack(rows)  # (n, d)


def calculate(cfg: CalcConfig = CalcConfig()) -> CalcResult:
    """Embeddings, Q, K, V, scores, weights and outputs of multi-head self-attention on the sentence.

    Pure function of ``cfg``. Raises ValueError (a sentence for the page) on a sentence with no word.
    """
    cfg = clamp_calc(cfg)
    tokens = tokenize(cfg.sentence)
    n, d, H = len(tokens), cfg.d, cfg.heads
    x = embed_words(tokens, d, cfg.seed)  # (n, d)
    pe = sinusoidal(n, d)  # (n, d)
    a = x + pe if cfg.positional else x  # (n, d)
    g = rng.generator(cfg.seed, salt=7)
    wq, wk, wv, wo = (torch.randn(d, d, generator=g) / math.sqrt(d) for _ in range(4))  # (d, d) each
    allowed = make_mask(cfg.mask, n, cfg.window, cfg.seed)
    allowed_full = allowed if allowed is not None else torch.ones(n, n, dtype=torch.bool)
    parts = multi_head(a, wq, wk, wv, wo, H, allowed, cfg.scale)

    # shuffle the words: same encoding of positions, same weights; a graph's adjacency moves with its nodes
    perm = torch.randperm(n, generator=rng.generator(cfg.seed, salt=9))  # (n,)
    if n > 1 and bool((perm == torch.arange(n)).all()):
        perm = torch.roll(torch.arange(n), 1)
    xs = x[perm]  # (n, d): shuffled position p holds word perm[p]
    a_s = xs + pe if cfg.positional else xs
    allowed_s = allowed[perm][:, perm] if (allowed is not None and cfg.mask == "graph") else allowed
    shuffled = multi_head(a_s, wq, wk, wv, wo, H, allowed_s, cfg.scale)["out"]  # (n, d)
    err = float((shuffled - parts["out"][perm]).abs().max())
    labels = [f"{i + 1} {t}" for i, t in enumerate(tokens)]
    return CalcResult(cfg, tokens, labels, x, pe, a, allowed_full, parts, min(cfg.query, n) - 1, perm.tolist(),
                      shuffled, err, dict(Wq=wq, Wk=wk, Wv=wv, Wo=wo))


# ---------- a convolution is window attention with weights fixed per offset ----------

@dataclass
class ConvCompare:
    labels: list[str]
    window: int
    conv_mix: torch.Tensor  # (n, n) how much output i takes from input j in the 1-D convolution
    attn_mix: torch.Tensor  # (n, n) the same for window attention (content-dependent weights)
    kernel: torch.Tensor  # (w,) the convolution's weights over offsets -r..r
    conv_out: torch.Tensor  # (n, d) F.conv1d of V with the kernel
    fixed_attn_out: torch.Tensor  # (n, d) window attention whose scores depend only on the offset
    interior_gap: float  # max |conv_out - fixed_attn_out| away from the edges (0 up to rounding)


def offset_kernel(w: int, seed: int) -> torch.Tensor:
    """Seeded score per offset -r..r, softmax-normalised into a convolution kernel that sums to 1. (w,)"""
    logits = torch.randn(w, generator=rng.generator(seed, salt=31))  # (w,)
    return torch.softmax(logits, dim=0)


def attention_with_offset_scores(v: torch.Tensor, logits_by_offset: torch.Tensor) -> torch.Tensor:
    """Window attention whose score alpha_ij = s_{j-i} depends only on the offset, not on content. v: (n, d)."""
    n, w = v.shape[0], logits_by_offset.shape[0]
    r = (w - 1) // 2
    idx = torch.arange(n)
    off = idx[None, :] - idx[:, None]  # (n, n): j - i
    inside = off.abs() <= r
    scores = logits_by_offset[(off + r).clamp(0, w - 1)].masked_fill(~inside, float("-inf"))  # (n, n)
    return torch.softmax(scores, dim=-1) @ v  # (n, d)


def conv_compare(r: CalcResult) -> ConvCompare:
    """A 1-D convolution of width w beside window-restricted attention of the same width, on V of head 1.

    The convolution mixes neighbours with the same weights at every position; attention picks its
    weights from the content. With scores that depend only on the offset, window attention *is* the
    convolution (away from the edges, where attention renormalises over fewer neighbours).
    """
    n, w = r.n, r.config.window
    rad = (w - 1) // 2
    kernel = offset_kernel(w, r.config.seed)  # (w,)
    V = r.parts["V"]  # (n, d)
    # conv1d is a cross-correlation: out_i = sum_t kernel[t] V_{i + t - rad}
    conv_out = F.conv1d(V.T[:, None, :], kernel[None, None, :], padding=rad)[:, 0, :].T  # (n, d)
    idx = torch.arange(n)
    off = idx[None, :] - idx[:, None]  # (n, n)
    conv_mix = torch.where(off.abs() <= rad, kernel[(off + rad).clamp(0, w - 1)], torch.zeros(()))  # (n, n)
    allowed = window_mask(n, w)
    _, wts, _ = attention(r.parts["q"][0], r.parts["k"][0], r.parts["v"][0], allowed, r.config.scale)  # (n, n)
    fixed = attention_with_offset_scores(V, kernel.log())  # (n, d)
    inner = slice(rad, n - rad) if n > 2 * rad else slice(0, 0)
    gap = float((conv_out[inner] - fixed[inner]).abs().max()) if n > 2 * rad else 0.0
    return ConvCompare(r.labels, w, conv_mix, wts, kernel, conv_out, fixed, gap)


def compare_conv(cfg: CalcConfig = CalcConfig()) -> ConvCompare:
    """``conv_compare`` of the calculator's result for ``cfg`` (a pure function of the config, so it caches)."""
    return conv_compare(calculate(cfg))


# ---------- a tiny transformer learning a pattern live ----------

@dataclass(frozen=True)
class TrainConfig:
    task: str = "reverse"  # one of TASKS: what the output sequence must be
    length: int = 8  # T: tokens per sequence
    vocab: int = 10  # symbols 0..vocab-1
    d: int = 32  # model width
    heads: int = 2  # attention heads per layer
    layers: int = 1  # transformer blocks
    pe: str = "learned"  # "sinusoidal" or "learned" positional encoding (the other model gets none)
    lr: float = 0.005  # Adam learning rate
    steps: int = 150  # updates, one fresh batch each
    batch: int = 48  # sequences per update (small enough that no op spreads over threads)
    seed: int = 0  # data, initial weights and batches
    max_seconds: float = 15.0  # wall-time cap of one run


def clamp_train(cfg: TrainConfig) -> TrainConfig:
    h = int(cfg.heads) if int(cfg.heads) in (1, 2, 4) else 2
    return replace(cfg, task=cfg.task if cfg.task in TASKS else "reverse", length=int(np.clip(cfg.length, 2, 16)),
                   vocab=int(np.clip(cfg.vocab, 2, 32)), d=int(np.clip(cfg.d, 8, 128)) // h * h, heads=h,
                   layers=int(np.clip(cfg.layers, 1, 3)), pe=cfg.pe if cfg.pe in PE_KINDS else "learned",
                   lr=float(np.clip(cfg.lr, 1e-6, 1e4)), steps=int(np.clip(cfg.steps, 1, 20000)),
                   batch=int(np.clip(cfg.batch, 1, 4096)), seed=int(cfg.seed) % (2**31))


def task_batch(task: str, B: int, T: int, V: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Random sequences and their targets. x, y: (B, T) long."""
    x = torch.randint(0, V, (B, T), generator=gen)  # (B, T)
    if task == "reverse":
        y = x.flip(1)
    elif task == "sort":
        y = x.sort(dim=1).values
    else:  # shift by 1: output i copies input i - 1 (wrapping round)
        y = x.roll(1, dims=1)
    return x, y


class BatchedTransformer(torch.nn.Module):
    """M tiny pre-norm transformer encoders trained as one batched computation.

    Model m adds the positional encoding times ``use_pe[m]``: model 0 with, model 1 without, same
    initial weights otherwise. Each block: h += W^O concat(heads(LN h)); h += W2 relu(W1 LN h).
    Weights are in ``nn.Linear`` layout (out, in) so a block loads into ``nn.TransformerEncoderLayer``.
    """

    def __init__(self, cfg: TrainConfig, use_pe: list[bool], gen: torch.Generator):
        super().__init__()
        M, d, L, V, T, ff = len(use_pe), cfg.d, cfg.layers, cfg.vocab, cfg.length, cfg.d
        self.cfg, self.M = cfg, M

        def init(*shape, fan):
            one = torch.randn(*shape, generator=gen) / math.sqrt(fan)
            return torch.nn.Parameter(one.expand(M, *shape).clone())  # (M, *shape): same start for every model

        self.emb = init(V, d, fan=1)  # (M, V, d) token embeddings
        self.pos = init(T, d, fan=1) if cfg.pe == "learned" else None  # (M, T, d) learned positions
        self.register_buffer("sin", sinusoidal(T, d))  # (T, d)
        self.register_buffer("use_pe", torch.tensor(use_pe, dtype=torch.float32)[:, None, None, None])  # (M,1,1,1)
        self.wqkv = init(L, 3 * d, d, fan=d)  # (M, L, 3d, d)
        self.wo = init(L, d, d, fan=d)  # (M, L, d, d)
        self.w1 = init(L, ff, d, fan=d)  # (M, L, ff, d)
        self.w2 = init(L, d, ff, fan=ff)  # (M, L, d, ff)
        self.out = init(V, d, fan=d)  # (M, V, d) readout

    def positions(self) -> torch.Tensor:
        return self.pos if self.pos is not None else self.sin.expand(self.M, -1, -1)  # (M, T, d)

    def forward(self, x: torch.Tensor, keep: bool = False):
        """x: (B, T) tokens -> logits (M, B, T, V); with ``keep`` also the weights [(M, B, H, T, T)] per layer."""
        d, H = self.cfg.d, self.cfg.heads
        h = self.emb[:, x] + self.use_pe * self.positions()[:, None]  # (M, B, T, d)
        maps = []
        for l in range(self.cfg.layers):
            a = F.layer_norm(h, (d,))
            qkv = a @ self.wqkv[:, l, None].transpose(-1, -2)  # (M, B, T, 3d)
            q, k, v = (split_heads(t, H) for t in qkv.split(d, dim=-1))  # (M, B, H, T, d_h)
            o, w, _ = attention(q, k, v)  # (M, B, H, T, d_h), (M, B, H, T, T)
            h = h + merge_heads(o) @ self.wo[:, l, None].transpose(-1, -2)  # (M, B, T, d)
            f = torch.relu(F.layer_norm(h, (d,)) @ self.w1[:, l, None].transpose(-1, -2))  # (M, B, T, ff)
            h = h + f @ self.w2[:, l, None].transpose(-1, -2)  # (M, B, T, d)
            if keep:
                maps.append(w.detach())
        logits = F.layer_norm(h, (d,)) @ self.out[:, None].transpose(-1, -2)  # (M, B, T, V)
        return (logits, maps) if keep else logits

    def block_state(self, m: int, l: int) -> dict[str, torch.Tensor]:
        """Block l of model m as an ``nn.TransformerEncoderLayer(norm_first=True, bias=False)`` state dict."""
        d = self.cfg.d
        return {"self_attn.in_proj_weight": self.wqkv[m, l].detach().clone(),
                "self_attn.out_proj.weight": self.wo[m, l].detach().clone(),
                "linear1.weight": self.w1[m, l].detach().clone(), "linear2.weight": self.w2[m, l].detach().clone(),
                "norm1.weight": torch.ones(d), "norm2.weight": torch.ones(d)}

    def export(self, m: int) -> dict[str, torch.Tensor]:
        out = {"embedding": self.emb[m].detach().clone(), "readout": self.out[m].detach().clone()}
        if self.use_pe[m].item():
            out["positions"] = self.positions()[m].detach().clone()
        for l in range(self.cfg.layers):
            out.update({f"block{l}.{k}": v for k, v in self.block_state(m, l).items()})
        return out


@dataclass
class TrainResult:
    config: TrainConfig
    history: pd.DataFrame  # step, model, loss, accuracy (per-token, held-out batch), finite values only
    example: tuple[list[int], list[int]]  # the shown input sequence and its target
    maps: np.ndarray  # (M, L, H, T, T) attention weights of each model on the shown example
    predicted: np.ndarray  # (M, T) each model's output on the shown example
    accuracy: np.ndarray  # (M,) final per-token accuracy on the held-out batch
    exact: np.ndarray  # (M,) share of held-out sequences entirely right
    log: train.TrainLog
    weights: list[dict[str, torch.Tensor]]  # per model (empty in live snapshots)

    def final_accuracy(self, m: int) -> float:
        return float(self.accuracy[m])


def train_tiny(cfg: TrainConfig = TrainConfig(), progress: Callable[[TrainResult], None] | None = None,
               eval_every: int = 10) -> TrainResult:
    """Train a tiny transformer with and without positional encoding, as one batched computation.

    Pure function of ``cfg``. ``progress`` receives partial results while training runs.
    """
    cfg = clamp_train(cfg)
    dev = choose_device("tiny")
    model = BatchedTransformer(cfg, [True, False], rng.generator(cfg.seed, salt=21)).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gen = rng.generator(cfg.seed, salt=22)
    xe, ye = task_batch(cfg.task, 256, cfg.length, cfg.vocab, rng.generator(cfg.seed, salt=23))  # (256, T)
    xe, ye = xe.to(dev), ye.to(dev)
    rows: list[tuple[int, int, float, float]] = []  # (step, model, loss, accuracy)
    M, V = model.M, cfg.vocab

    def evaluate(step: int):
        with torch.no_grad():
            logits, maps = model(xe, keep=True)  # (M, 256, T, V)
            loss = F.cross_entropy(logits.reshape(-1, V), ye.repeat(M, 1).reshape(-1), reduction="none")
            loss = loss.reshape(M, -1).mean(1)  # (M,)
            pred = logits.argmax(-1)  # (M, 256, T)
            acc = (pred == ye).float().mean((1, 2))  # (M,)
            exact = (pred == ye).all(-1).float().mean(1)  # (M,)
        for m in range(M):
            rows.append((step, m, float(loss[m]), float(acc[m])))
        return maps, pred, acc, exact

    state = {"eval": evaluate(0)}

    def step(i: int) -> torch.Tensor:
        x, y = task_batch(cfg.task, cfg.batch, cfg.length, V, gen)
        x, y = x.to(dev), y.to(dev)
        logits = model(x)  # (M, B, T, V)
        losses = F.cross_entropy(logits.reshape(-1, V), y.repeat(M, 1).reshape(-1), reduction="none")
        losses = losses.reshape(M, -1).mean(1)  # (M,)
        opt.zero_grad(set_to_none=True)
        losses.sum().backward()  # no shared parameter: each model follows its own loss
        opt.step()
        if (i + 1) % eval_every == 0 or i + 1 == cfg.steps:
            if torch.isfinite(losses).all():
                state["eval"] = evaluate(i + 1)
        return losses.detach()

    def snapshot(log: train.TrainLog, final: bool) -> TrainResult:
        maps, pred, acc, exact = state["eval"]
        mp = torch.stack([m[:, 0] for m in maps], dim=1).cpu().numpy()  # (M, L, H, T, T) on example 0
        hist = pd.DataFrame(rows, columns=["step", "m", "loss", "accuracy"])
        hist = hist[np.isfinite(hist.loss) & np.isfinite(hist.accuracy)]
        hist["model"] = [MODEL_NAMES[m] for m in hist.m]
        return TrainResult(cfg, hist.drop(columns="m").reset_index(drop=True),
                           (xe[0].tolist(), ye[0].tolist()), mp, pred[:, 0].cpu().numpy(),
                           acc.cpu().numpy(), exact.cpu().numpy(), log,
                           [model.export(m) for m in range(M)] if final else [])

    log = train.run(step, cfg.steps, progress=None if progress is None else (lambda lg: progress(snapshot(lg, False))),
                    max_seconds=cfg.max_seconds, check_every=eval_every)
    return snapshot(log, True)


def history_csv(r: TrainResult) -> bytes:
    return r.history.to_csv(index=False).encode()


def weights_safetensors(r: TrainResult) -> bytes:
    """Both trained models (block weights in ``nn.TransformerEncoderLayer`` layout) as ``.safetensors``."""
    return safetensors_bytes(dict(zip(("with_pe", "without_pe"), r.weights)), r.config)
