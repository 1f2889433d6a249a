"""The "LSTM or GRU: overfitting" part as a take-home script: an LSTM and a GRU, their cells written out as the
lecture writes them (PyTorch's weight layout and gate order), read scikit-learn's 8×8 digits row by row and train
on a small training set (full batch, one foreach Adam over both, one backward of their summed losses), with the
training and validation accuracy of each printed along the way. The page trains the same cells on stacked weights
(core/rnn/overfit.py, one computation for many seeds); the script's cells are the page's ``lstm_cell`` and
``gru_cell`` on one net's weights. One template filled with the config (the page's torch seeds written in:
``rng.seed_of``), commented in the session's language; tests/test_takehome.py runs it and compares its numbers with
``overfit``.
"""
from __future__ import annotations

from core import rng, takehome
from core.params import clamp
from core.rnn.overfit import CELLS, EVALS, HIDDEN, LR, PIXELS, ROWS, STEPS, VAL, OverfitConfig

FILE_NAME = "rnn_overfit.py"

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import math

import torch
from sklearn.datasets import load_digits
from torch.nn import functional as F

# $c_settings
N, VAL, HIDDEN, STEPS, LR = $n, $val, $hidden, $steps, $lr
SPLIT_SEED, INIT_SEEDS = $split_seed, $init_seeds

# %% 1 · $s_data
X, Y = load_digits(return_X_y=True)  # $c_offline
x, y = torch.from_numpy(X.astype("float32") / 16).reshape(-1, $rows, $pixels), torch.from_numpy(Y)  # $c_rows
perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(SPLIT_SEED))  # $c_split
x_train, y_train, x_val, y_val = x[perm[VAL:VAL + N]], y[perm[VAL:VAL + N]], x[perm[:VAL]], y[perm[:VAL]]

# %% 2 · $s_model
def lstm_cell(x, h, c, w):  # $c_lstm
    zi, zf, z, zo = (x @ w["w_ih"].T + w["b_ih"] + h @ w["w_hh"].T + w["b_hh"]).chunk(4, dim=-1)
    c = torch.tanh(z) * torch.sigmoid(zi) + c * torch.sigmoid(zf)  # $c_memory
    return torch.tanh(c) * torch.sigmoid(zo), c
def gru_cell(x, h, w):  # $c_gru
    ir, iu, i_n = (x @ w["w_ih"].T + w["b_ih"]).chunk(3, dim=-1)
    hr, hu, h_n = (h @ w["w_hh"].T + w["b_hh"]).chunk(3, dim=-1)
    r, u = torch.sigmoid(ir + hr), torch.sigmoid(iu + hu)
    return (1 - u) * torch.tanh(i_n + r * h_n) + u * h  # $c_update
def weights(kind, seed):  # $c_init
    g, k = torch.Generator().manual_seed(seed), 4 if kind == "LSTM" else 3
    shapes = {"w_ih": (k * HIDDEN, $pixels), "w_hh": (k * HIDDEN, HIDDEN), "b_ih": (k * HIDDEN,), "b_hh": (k * HIDDEN,),
              "w_out": (10, HIDDEN), "b_out": (10,)}
    return {n: ((torch.rand(s, generator=g) * 2 - 1) / math.sqrt(HIDDEN)).requires_grad_() for n, s in shapes.items()}
def forward(kind, w, x):  # (B, $rows, $pixels) -> (B, 10)
    h = c = x.new_zeros(len(x), HIDDEN)
    for t in range($rows):  # $c_step
        if kind == "LSTM":
            h, c = lstm_cell(x[:, t], h, c, w)
        else:
            h = gru_cell(x[:, t], h, w)
    return h @ w["w_out"].T + w["b_out"]  # $c_last
nets = {kind: weights(kind, seed) for kind, seed in INIT_SEEDS.items()}

# %% 3 · $s_loss
def loss_fn(kind, w):  # $c_ce
    return F.cross_entropy(forward(kind, w, x_train), y_train)

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam([p for w in nets.values() for p in w.values()], lr=LR, foreach=True)  # $c_adam

# %% 5 · $s_loop
def evaluate(label):  # $c_evaluate
    with torch.no_grad():
        for kind, w in nets.items():
            train, val = [(forward(kind, w, a).argmax(-1) == b).float().mean().item()
                          for a, b in ((x_train, y_train), (x_val, y_val))]
            print(f"{label} {kind} train {train:.8g} validation {val:.8g} gap {train - val:.8g}")
evaluate("update 0")
for update in range(1, STEPS + 1):
    loss = sum(loss_fn(kind, w) for kind, w in nets.items())  # $c_sum
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if update % $every == 0 or update == STEPS:
        evaluate(f"update {update}")

# %% 6 · $s_evaluation
evaluate("final")  # $c_final
"""


def script(cfg: OverfitConfig, lang: str = "en") -> str:
    """The overfitting part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("rnn_overfit", lang, cfg.seed)
    out.update(file_name=FILE_NAME, n=cfg.n, val=VAL, hidden=HIDDEN, steps=STEPS, lr=LR, rows=ROWS, pixels=PIXELS,
               split_seed=rng.seed_of(cfg.seed, "rnn.overfit_split"),
               init_seeds="{" + ", ".join(f'"{k}": {rng.seed_of(cfg.seed, f"rnn.overfit_init:{k}")}' for k in CELLS)
               + "}", every=max(1, STEPS // EVALS))
    return takehome.fill(TEMPLATE, out)
