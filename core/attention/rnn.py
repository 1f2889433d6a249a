"""Self-attention against an RNN on the tiny transformer's task (reverse), measured live.

The lecture (对比RNN): an RNN's new state depends on the one before, so its steps cannot run in parallel,
and for the last step to relate to the first the first must be carried in memory the whole way; self-
attention relates every pair of positions in one parallel pass. Here an ``nn.GRU`` (or ``nn.RNN``) reads the
T symbols, then T blanks, writing the reversed sequence while it reads the blanks: output j (needing input
T-1-j) comes 2j+1 sequential steps after the symbol it needs was read. Its accuracy is measured per output,
so against that distance; the tiny transformer on the same task reaches every input in one attention step.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import rng, train
from core.attention.transformer import BATCH, EVAL_SEQUENCES, TrainConfig, TrainResult, task_batch
from core.params import choice, clamp, num

CELLS = ("GRU", "RNN")  # nn.GRU (gated) or nn.RNN (Elman, tanh)
SERIES = ("self-attention", "RNN")  # raw names of the two series in the comparison frames; charts translate
BACK = 5  # "symbols BACK or more steps back": the outputs the RNN has to carry far

# What the tests check on ten seeds at the page's defaults (tests/test_attention.py): the RNN writes the symbol
# it read last right, the ones further back less and less often; self-attention gets every distance right.
LAST_RIGHT = 0.9  # the RNN's accuracy on the symbol read last (1 step back) is at least this...
BACK_MOST = 0.4  # ...on every symbol BACK or more steps back at most this...
FARTHEST_MOST = 0.25  # ...and on the farthest under this (chance: 1/vocab)
ATTENTION_ALL = 0.99  # the tiny transformer with positions: at least this at every distance


@dataclass(frozen=True)
class RnnConfig:
    cell: str = choice("RNN", CELLS, widget="radio")  # nn.RNN (Elman, as in the notes) or nn.GRU
    hidden: int = choice(64, (32, 64), widget="select_slider")  # size of the hidden state h_t
    length: int = num(TrainConfig.length, 4, 10)  # T: symbols per sequence (the tiny transformer's)
    vocab: int = num(TrainConfig.vocab, 4, 16)  # symbols 0..vocab-1 (the tiny transformer's)
    lr: float = choice(0.01, (0.001, 0.003, 0.01, 0.03), widget="select_slider")  # Adam learning rate
    steps: int = choice(100, (50, 100, 150), widget="select_slider")  # updates, BATCH fresh sequences each
    seed: int = num(0, 0, 1_000_000, widget="number")  # initial weights, batches and held-out sequences


@dataclass
class RnnResult:
    config: RnnConfig
    sequential_steps: int  # 2T: steps the RNN must run one after another (each waits for the last)
    distance: np.ndarray  # (T,) output j: sequential steps between reading its symbol and writing it (2j + 1)
    position_accuracy: np.ndarray  # (T,) held-out accuracy of output j
    accuracy: float  # mean per-token held-out accuracy
    history: pd.DataFrame  # step, loss (training loss of every update)
    log: train.TrainLog


class Reader(torch.nn.Module):
    """Embedding (vocab + 1 blank) -> nn.GRU / nn.RNN -> linear readout."""

    def __init__(self, cfg: RnnConfig, gen: torch.Generator):
        super().__init__()
        self.emb = torch.nn.Embedding(cfg.vocab + 1, cfg.hidden)
        self.rnn = (torch.nn.GRU if cfg.cell == "GRU" else torch.nn.RNN)(cfg.hidden, cfg.hidden, batch_first=True)
        self.out = torch.nn.Linear(cfg.hidden, cfg.vocab)
        bound = 1 / math.sqrt(cfg.hidden)
        with torch.no_grad():  # PyTorch's default ranges, drawn from the run's own generator
            for name, p in self.named_parameters():
                if name.startswith("emb"):
                    p.normal_(0.0, 1.0, generator=gen)
                else:
                    p.uniform_(-bound, bound, generator=gen)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T) symbols -> logits (B, T, V) of the T outputs written while reading T blanks."""
        B, T = x.shape
        blanks = torch.full((B, T), self.emb.num_embeddings - 1, dtype=torch.long)  # (B, T)
        h, _ = self.rnn(self.emb(torch.cat([x, blanks], 1)))  # (B, 2T, hidden): 2T steps, one after another
        return self.out(h[:, T:])  # (B, T, V)


def train_rnn(cfg: RnnConfig = RnnConfig()) -> RnnResult:
    """Train the recurrent reader on reverse for ``cfg.steps`` fixed updates; accuracy per output position."""
    cfg = clamp(cfg)
    T, V = cfg.length, cfg.vocab
    model = Reader(cfg, rng.generator(cfg.seed, "attention.rnn_init"))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gen = rng.generator(cfg.seed, "attention.rnn_batches")
    xe, ye = task_batch("reverse", EVAL_SEQUENCES, T, V, rng.generator(cfg.seed, "attention.rnn_held_out"))  # (256, T) each

    def step(i: int) -> torch.Tensor:
        x, y = task_batch("reverse", BATCH, T, V, gen)  # (B, T) each
        loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        return train.batched_step(opt, loss[None])  # (1,)

    log = train.run(step, cfg.steps)
    with torch.no_grad():
        pos = (model(xe).argmax(-1) == ye).float().mean(0).numpy()  # (T,)
    hist = pd.DataFrame({"step": np.arange(1, log.steps + 1), "loss": log.losses[:, 0]})
    return RnnResult(cfg, 2 * T, 2 * np.arange(T) + 1, pos, float(pos.mean()),
                     hist[np.isfinite(hist.loss)].reset_index(drop=True), log)


def rnn_config_for(t: TrainConfig) -> RnnConfig:
    """The RNN's config on the tiny transformer's task: same length, vocabulary and seed."""
    return clamp(RnnConfig(length=t.length, vocab=t.vocab, seed=t.seed))


def distance_frame(tiny: TrainResult, rnn: RnnResult, model: int = 0) -> pd.DataFrame:
    """Accuracy of each output against the distance to the symbol it fetches, self-attention (the tiny
    transformer with positional encoding, model ``model`` of ``tiny``, trained on reverse) beside the RNN.
    Columns: output (1-based),
    distance (sequential steps the RNN carries the symbol), model (one of SERIES), accuracy, hops (sequential
    steps between reading and writing: 1 for attention per layer, the distance for the RNN)."""
    T = rnn.config.length
    att = tiny.position_accuracy[model] if tiny.config.task == "reverse" else np.full(T, np.nan)  # (T,)
    rows = [(j + 1, int(rnn.distance[j]), SERIES[0], float(att[j]), tiny.config.layers) for j in range(T)]
    rows += [(j + 1, int(rnn.distance[j]), SERIES[1], float(rnn.position_accuracy[j]), int(rnn.distance[j]))
             for j in range(T)]
    df = pd.DataFrame(rows, columns=["output", "distance", "model", "accuracy", "hops"])
    return df[np.isfinite(df.accuracy)].reset_index(drop=True)


def steps_frame(tiny: TrainResult, rnn: RnnResult) -> pd.DataFrame:
    """Steps that must run one after another for one sequence: the RNN's 2T against one parallel attention
    pass per layer. Columns model (one of SERIES), steps."""
    return pd.DataFrame({"model": list(SERIES), "steps": [tiny.config.layers, rnn.sequential_steps]})


@dataclass(frozen=True)
class RnnFacts:
    """The numbers of the page's sentence on the RNN (accuracies at distances, and attention's worst)."""
    last: float  # accuracy on the symbol read last (1 step back)
    back: float | None  # the best accuracy on symbols BACK or more steps back (None if there are none)
    farthest: float  # accuracy on the farthest symbol
    distance: int  # how far back that one is
    attention: float  # the tiny transformer's (with positions) accuracy at its worst distance


def facts(rnn: RnnResult, tiny: TrainResult, model: int = 0) -> RnnFacts:
    acc, dist = rnn.position_accuracy, rnn.distance
    far = acc[dist >= BACK]
    return RnnFacts(float(acc[0]), float(far.max()) if len(far) else None, float(acc[-1]), int(dist[-1]),
                    float(tiny.position_accuracy[model].min()))


def claim_holds(f: RnnFacts, rnn: RnnResult) -> dict[str, bool]:
    """The claim on one seed: accuracy falls with distance for the RNN, not for self-attention."""
    a = rnn.position_accuracy
    return {"last": f.last >= LAST_RIGHT, "falls": bool(a[0] > a[1] > a[2:].max()),
            "back": f.back is None or f.back <= BACK_MOST, "farthest": f.farthest < FARTHEST_MOST,
            "attention": f.attention >= ATTENTION_ALL}
