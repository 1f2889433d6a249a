"""The race as a take-home script: a simple RNN, an LSTM and a GRU (PyTorch's modules) learn to recall the first
symbol of a sequence across a gap of T distractors, trained in one loop as the page does (one Adam over the three,
one backward of their summed losses, the same fresh minibatch for the three at every update), with the held-out
accuracy measured along the way. One template filled with the config (the page's torch seeds written in:
``rng.seed_of``), commented in the session's language; tests/test_takehome.py runs it and compares its numbers
with ``race``.
"""
from __future__ import annotations

from core import rng, takehome
from core.params import clamp
from core.rnn.cells import KINDS
from core.rnn.race import BATCH, DISTRACTORS, EVALS, HIDDEN, KEEP_GATE, LR, SYMBOLS, TEST, RaceConfig

FILE_NAME = "rnn_race.py"

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import math

import torch
from torch import nn
from torch.nn import functional as F

# $c_settings
GAP, UPDATES, GATE_BIAS = $gap, $updates, $gate_bias
SYMBOLS, DISTRACTORS, HIDDEN, BATCH, LR, TEST = $symbols, $distractors, $hidden, $batch, $lr, $test
INIT_SEEDS = $init_seeds
BATCH_SEED, TEST_SEED = $batch_seed, $test_seed

# %% 1 · $s_data
def sequences(n, g):  # $c_sequences
    first = torch.randint(0, SYMBOLS, (n,), generator=g)  # (n,) $c_first
    rest = torch.randint(SYMBOLS, SYMBOLS + DISTRACTORS, (n, GAP), generator=g)  # (n, T) $c_rest
    ids = torch.cat([first[:, None], rest], dim=1)  # (n, T + 1)
    return F.one_hot(ids, SYMBOLS + DISTRACTORS).float(), first  # (n, T + 1, V), (n,)
test_x, test_y = sequences(TEST, torch.Generator().manual_seed(TEST_SEED))  # $c_test
batches = torch.Generator().manual_seed(BATCH_SEED)  # $c_batches

# %% 2 · $s_model
class Net(nn.Module):  # $c_net
    def __init__(self, kind, seed):
        super().__init__()
        self.rnn = getattr(nn, kind)(SYMBOLS + DISTRACTORS, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, SYMBOLS)
        g = torch.Generator().manual_seed(seed)
        with torch.no_grad():  # $c_init
            for p in [*self.rnn.parameters(), *self.head.parameters()]:
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) / math.sqrt(HIDDEN))
            if kind in ("LSTM", "GRU"):  # $c_keep
                self.rnn.bias_ih_l0[HIDDEN:2 * HIDDEN] += GATE_BIAS

    def forward(self, x):  # (B, T + 1, V) -> (B, SYMBOLS)
        out, _ = self.rnn(x)  # (B, T + 1, HIDDEN)
        return self.head(out[:, -1])  # $c_last
nets = {kind: Net(kind, seed) for kind, seed in INIT_SEEDS.items()}

# %% 3 · $s_loss
loss_fn = nn.CrossEntropyLoss()  # $c_ce

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam([p for net in nets.values() for p in net.parameters()], lr=LR)  # $c_adam

# %% 5 · $s_loop
def evaluate(update):  # $c_evaluate
    with torch.no_grad():
        for kind, net in nets.items():
            logits = net(test_x)  # (TEST, SYMBOLS)
            acc = (logits.argmax(1) == test_y).float().mean().item()
            print(f"update {update} {kind} accuracy {acc:.8g} loss {loss_fn(logits, test_y).item():.8g}")
evaluate(0)
for update in range(1, UPDATES + 1):
    x, y = sequences(BATCH, batches)  # $c_fresh
    loss = sum(loss_fn(net(x), y) for net in nets.values())  # $c_sum
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if update % $every == 0 or update == UPDATES:
        evaluate(update)

# %% 6 · $s_evaluation
with torch.no_grad():  # $c_final
    for kind, net in nets.items():
        acc = (net(test_x).argmax(1) == test_y).float().mean().item()
        print(f"final {kind} accuracy {acc:.8g}")
"""


def script(cfg: RaceConfig, lang: str = "en") -> str:
    """The race's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    assert set(KEEP_GATE) == {"LSTM", "GRU"}  # the template names them
    out: dict[str, object] = takehome.words("rnn", lang, cfg.seed)
    out.update(file_name=FILE_NAME, gap=cfg.gap, updates=cfg.updates, gate_bias=float(cfg.gate_bias),
               symbols=SYMBOLS, distractors=DISTRACTORS, hidden=HIDDEN, batch=BATCH, lr=LR, test=TEST,
               init_seeds="{" + ", ".join(f'"{k}": {rng.seed_of(cfg.seed, f"rnn.race_init:{k}")}' for k in KINDS) + "}",
               batch_seed=rng.seed_of(cfg.seed, "rnn.race_batches"), test_seed=rng.seed_of(cfg.seed, "rnn.race_test"),
               every=max(1, cfg.updates // EVALS))
    return takehome.fill(TEMPLATE, out)
