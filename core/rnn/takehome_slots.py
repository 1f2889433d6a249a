"""The slot taggers as a take-home script: feed-forward, Elman, Jordan and bidirectional taggers (PyTorch's modules)
tag every word of the page's small corpus, reading one-hot words or learning word vectors (``nn.Embedding``),
trained in one loop as the page does (one Adam over the four, one backward of their summed losses, full batch).
It prints each tagger's accuracy on the city's tag in each word order. One template filled with the config (the
page's torch seeds written in: ``rng.seed_of``), commented in the session's language; tests/test_takehome.py runs
it and compares its numbers with ``tag``.
"""
from __future__ import annotations

from core import rng, takehome
from core.params import clamp
from core.rnn.slots import CITIES, DAYS, EMBED, HIDDEN, LR, MODELS, ORDERS, TAGS, VERBS, WORDS, SlotConfig

FILE_NAME = "rnn_slots.py"

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import itertools
import math

import torch
from torch import nn
from torch.nn import functional as F

# $c_settings
STEPS, INPUTS, EMBED, HIDDEN, LR = $steps, "$inputs", $embed, $hidden, $lr
INIT_SEEDS = $init_seeds

# %% 1 · $s_data
WORDS, TAGS, ORDERS = $words, $tags, $orders
def sentence(order, verb, city, day):  # $c_sentence
    tag = "destination" if verb == "arrive" else "departure"
    if order == "verb first":
        return ["I", verb, city, "on", day], ["other", "other", tag, "other", "time"]
    return [city, "on", day, "I", verb], [tag, "other", "time", "other", "other"]
data = [(o, *sentence(o, v, c, d)) for o, v, c, d in itertools.product(ORDERS, $verbs, $cities, $days)]
x = torch.tensor([[WORDS.index(w) for w in words] for _, words, _ in data])  # (N, L) $c_ids
y = torch.tensor([[TAGS.index(t) for t in tags] for _, _, tags in data])  # (N, L)
city, rows = torch.tensor([2 if o == "verb first" else 0 for o, _, _ in data]), torch.arange(len(data))  # (N,) $c_city

# %% 2 · $s_model
class Jordan(nn.Module):  # $c_jordan
    def __init__(self, d_in, n_out):
        super().__init__()
        self.inp, self.back, self.out = nn.Linear(d_in, HIDDEN), nn.Linear(n_out, HIDDEN, bias=False), nn.Linear(HIDDEN, n_out)
    def forward(self, x):  # (N, L, d) -> (N, L, tags)
        y, logits = x.new_zeros(x.shape[0], self.out.out_features), []
        for t in range(x.shape[1]):
            logits.append(self.out(torch.tanh(self.inp(x[:, t]) + self.back(y))))
            y = torch.softmax(logits[-1], dim=-1)
        return torch.stack(logits, dim=1)
class Tagger(nn.Module):
    def __init__(self, kind, seed):
        super().__init__()
        self.kind, d, k = kind, len(WORDS), len(TAGS)
        if INPUTS == "embedding":  # $c_emb
            self.emb, d = nn.Embedding(len(WORDS), EMBED), EMBED
        if kind == "feed-forward":  # $c_ff
            self.body = nn.Sequential(nn.Linear(d, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, k))
        elif kind == "Jordan":
            self.body = Jordan(d, k)
        else:  # $c_rnn
            self.rnn = nn.RNN(d, HIDDEN, batch_first=True, bidirectional=kind == "bidirectional")
            self.head = nn.Linear(HIDDEN * (2 if kind == "bidirectional" else 1), k)
        g = torch.Generator().manual_seed(seed)
        with torch.no_grad():  # $c_init
            for p in self.parameters():
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) / math.sqrt(HIDDEN))
    def forward(self, ids):  # (N, L) -> (N, L, tags)
        x = self.emb(ids) if INPUTS == "embedding" else F.one_hot(ids, len(WORDS)).float()  # $c_input
        return self.body(x) if self.kind in ("feed-forward", "Jordan") else self.head(self.rnn(x)[0])
taggers = {kind: Tagger(kind, seed) for kind, seed in INIT_SEEDS.items()}

# %% 3 · $s_loss
loss_fn = nn.CrossEntropyLoss()  # $c_ce

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam([p for m in taggers.values() for p in m.parameters()], lr=LR)  # $c_adam

# %% 5 · $s_loop
for step in range(1, STEPS + 1):
    losses = {kind: loss_fn(m(x).flatten(0, 1), y.flatten()) for kind, m in taggers.items()}
    optimizer.zero_grad()
    sum(losses.values()).backward()  # $c_sum
    optimizer.step()
print(" ".join(f"{kind} loss {v.item():.8g}" for kind, v in losses.items()))  # $c_last

# %% 6 · $s_evaluation
with torch.no_grad():  # $c_final
    for kind, m in taggers.items():
        hit = (m(x).argmax(-1)[rows, city] == y[rows, city]).float()
        for order in ORDERS:
            at = torch.tensor([o == order for o, _, _ in data])
            print(f"{kind} {order}: accuracy {hit[at].mean().item():.8g}")
"""


def script(cfg: SlotConfig, lang: str = "en") -> str:
    """The slot taggers' script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("rnn_slots", lang, cfg.seed)
    out.update(file_name=FILE_NAME, steps=cfg.steps, inputs=cfg.inputs, embed=EMBED, hidden=HIDDEN, lr=LR,
               init_seeds="{" + ", ".join(f'"{k}": {rng.seed_of(cfg.seed, f"rnn.slots_init:{k}")}' for k in MODELS)
               + "}", words=repr(WORDS), tags=repr(TAGS), orders=repr(ORDERS), verbs=repr(VERBS),
               cities=repr(CITIES), days=repr(DAYS))
    return takehome.fill(TEMPLATE, out)
