"""Both training parts of the batches page as take-home scripts: the three paths (full batch, mini-batch, one
example at a time, each trained in turn from the same start, as the page does) and the batch-size lab (the same
network at every batch size, timed on the machine that runs it). Templates filled with the config, the page's
torch seeds written in as numbers (``rng.seed_of``), comments in the session's language; tests/test_takehome.py
runs them and compares their numbers with ``paths`` and ``batch_lab``.

Both shuffle by hand, one ``torch.randperm`` per epoch cut into batches (``train.EpochSampler``): a
``DataLoader(shuffle=True)`` draws a second permutation at the end of every epoch, so its later epochs differ.
"""
from __future__ import annotations

from core import rng, takehome
from core.batches.lab import VAL_FRACTION, LabConfig
from core.batches.paths import METHODS, PathConfig
from core.params import clamp

PATHS_FILE, LAB_FILE = "batches_paths.py", "batches_lab.py"
BLOWUP = 1e6  # the page's runs count a loss above this as divergence (train.run's blowup there)

HEADER = """\
# $c_title
# $c_run: python $file_name
"""

PATHS = HEADER + """\
import numpy as np
import torch

# $c_settings
N, EPOCHS, LR = $n, $epochs, $lr
START_W, START_B = $start_w, $start_b
BATCH_SIZES = {"$m_full": $n, "$m_mini": $batch, "$m_single": 1}
DAYS_SEED, SHUFFLE_SEED = $days_seed, $shuffle_seed

# %% 1 · $s_data
from vega_datasets import local_data  # $c_offline
t = local_data.seattle_weather()["temp_max"].to_numpy(dtype=np.float64)  # (1461,) $c_seattle
z = (t - t.mean()) / t.std()  # $c_standardise
g = torch.Generator().manual_seed(DAYS_SEED)
days = torch.randperm(len(z) - 1, generator=g)[:N].sort().values.numpy()  # (N,)
x, y = torch.from_numpy(z[:-1][days]), torch.from_numpy(z[1:][days])  # (N,), (N,) $c_today

# %% 2 · $s_model
def make_model():  # $c_start
    w = torch.tensor(START_W, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(START_B, dtype=torch.float64, requires_grad=True)
    return w, b

# %% 3 · $s_loss
def loss_fn(w, b, x, y):  # $c_mse
    return (b + w * x - y).square().mean()

# %% 4 · $s_optimiser
def make_optimizer(params):  # $c_sgd
    return torch.optim.SGD(params, lr=LR)

# %% 5 · $s_loop
ends = {}
for name, B in BATCH_SIZES.items():  # $c_each
    w, b = make_model()
    optimizer = make_optimizer([w, b])
    g = torch.Generator().manual_seed(SHUFFLE_SEED)  # $c_same_order
    updates, diverged = 0, False
    for epoch in range(1, EPOCHS + 1):
        order = torch.randperm(N, generator=g)  # $c_shuffle
        for i in range(0, N, B):  # $c_batches
            idx = order[i:i + B]  # (B,)
            optimizer.zero_grad()
            loss = loss_fn(w, b, x[idx], y[idx])  # $c_batch_loss
            if not np.isfinite(loss.item()) or loss.item() > $blowup:  # $c_blowup
                diverged = True
                break
            loss.backward()
            optimizer.step()
            updates += 1
        if diverged:
            print(f"{name}: diverged at update {updates + 1}")
            break
        with torch.no_grad():  # $c_epoch_loss
            print(f"{name}: epoch {epoch} updates {updates} loss {loss_fn(w, b, x, y).item():.8g}")
    with torch.no_grad():
        ends[name] = (updates, w.item(), b.item(), loss_fn(w, b, x, y).item())

# %% 6 · $s_evaluation
A = np.stack([x.numpy(), np.ones(N)], 1)  # (N, 2) $c_lstsq
w_opt, b_opt = np.linalg.lstsq(A, y.numpy(), rcond=None)[0]
best = np.mean((b_opt + w_opt * x.numpy() - y.numpy()) ** 2)
print(f"optimum w {w_opt:.8g} b {b_opt:.8g} final {best:.8g}")
for name, (updates, w_end, b_end, final) in ends.items():  # $c_gap
    print(f"{name}: total {updates} w {w_end:.8g} b {b_end:.8g} final {final:.8g} above {final - best:.8g}")
"""


def paths_script(cfg: PathConfig, lang: str = "en") -> str:
    """The three paths' script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("batches", lang, cfg.seed)
    out.update(file_name=PATHS_FILE, n=cfg.n, epochs=cfg.epochs, lr=f"{cfg.lr:g}", start_w=float(cfg.start_w),
               start_b=float(cfg.start_b), batch=min(cfg.batch, cfg.n), blowup=f"{BLOWUP:g}",
               days_seed=rng.seed_of(cfg.seed, "batches.days"), shuffle_seed=rng.seed_of(cfg.seed, "batches.shuffle"),
               m_full=METHODS[0], m_mini=METHODS[1], m_single=METHODS[2])
    out["c_title"] = out["c_title_paths"]
    return takehome.fill(PATHS, out)

LAB = HEADER + """\
import time

import torch
from torch import nn

# $c_settings
EPOCHS, LR, HIDDEN = $epochs, $lr, $hidden
BATCH_SIZES = $sizes  # $c_sizes
SPLIT_SEED, INIT_SEED, SHUFFLE_SEED = $split_seed, $init_seed, $shuffle_seed
device = "cuda" if torch.cuda.is_available() else "cpu"  # $c_device

# %% 1 · $s_data
from sklearn.datasets import load_digits  # $c_offline
x, y = load_digits(return_X_y=True)  # (1797, 64), (1797,)
x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(SPLIT_SEED))  # $c_split
train, val = perm[$n_val:].sort().values, perm[:$n_val].sort().values
mu, sd = x[train].mean(0), x[train].std(0).clamp_min(1e-6)  # $c_standardise
x = (x - mu) / sd
xt, yt, xv, yv = x[train].to(device), y[train].to(device), x[val].to(device), y[val].to(device)
N = len(xt)

# %% 2 · $s_model
def make_model():  # $c_init
    net = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))
    g = torch.Generator().manual_seed(INIT_SEED)
    with torch.no_grad():
        for layer in (net[0], net[2]):
            bound = layer.in_features ** -0.5
            layer.weight.uniform_(-bound, bound, generator=g)  # (out, in)
            layer.bias.uniform_(-bound, bound, generator=g)  # (out,)
    return net.to(device)

# %% 3 · $s_loss
loss_fn = nn.CrossEntropyLoss()  # $c_ce

# %% 4 · $s_optimiser
def make_optimizer(net):  # $c_sgd
    return torch.optim.SGD(net.parameters(), lr=LR)

# %% 5 · $s_loop
def evaluate(net, x, y):  # $c_evaluate
    with torch.no_grad():
        out = net(x)  # (n, 10)
        return loss_fn(out, y).item(), (out.argmax(1) == y).float().mean().item()

results = {}
for B in BATCH_SIZES:  # $c_each_b
    net, seconds, updates = make_model(), 0.0, 0
    optimizer = make_optimizer(net)
    g = torch.Generator().manual_seed(SHUFFLE_SEED)  # $c_same_order
    for epoch in range(EPOCHS + 1):
        if epoch > 0:
            start = time.perf_counter()  # $c_time
            order = torch.randperm(N, generator=g).to(device)  # $c_shuffle
            for i in range(0, N, B):
                idx = order[i:i + B]  # (B,)
                optimizer.zero_grad()
                loss = loss_fn(net(xt[idx]), yt[idx])
                loss.backward()
                optimizer.step()
                updates += 1
            seconds += time.perf_counter() - start
        (tl, ta), (_, va) = evaluate(net, xt, yt), evaluate(net, xv, yv)
        print(f"B {B} epoch {epoch} loss {tl:.8g} train_acc {ta:.8g} val_acc {va:.8g}")
    results[B] = (updates, seconds, ta, va)

# %% 6 · $s_evaluation
for B, (updates, seconds, ta, va) in results.items():  # $c_summary
    print(f"B {B}: train_acc {ta:.8g} val_acc {va:.8g} after {updates} updates;"
          f" {1e3 * seconds / updates:.3g} ms per update, {seconds / EPOCHS:.3g} s per epoch")
"""


def lab_script(cfg: LabConfig, lang: str = "en") -> str:
    """The batch-size lab's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    from core import data
    from core.batches.lab import lab_batches

    cfg = clamp(cfg)
    n = 1797  # scikit-learn's digits
    tr, va = data.split(n, VAL_FRACTION, cfg.seed)
    out: dict[str, object] = takehome.words("batches", lang, cfg.seed)
    out.update(file_name=LAB_FILE, epochs=cfg.epochs, lr=f"{cfg.lr:g}", hidden=cfg.hidden, n_val=len(va),
               sizes=list(lab_batches(len(tr), cfg.smallest)), split_seed=rng.seed_of(cfg.seed, "data.split_b"),
               init_seed=rng.seed_of(cfg.seed, "batches.lab_init"),
               shuffle_seed=rng.seed_of(cfg.seed, "batches.lab_batches"))
    out["c_title"] = out["c_title_lab"]
    return takehome.fill(LAB, out)
