"""The vanishing part as a take-home script (the backprop page trains no model: this part is its experiment): a deep
sigmoid stack (Xavier/Glorot) and a ReLU stack (He/Kaiming) at initialisation, one batch of random examples with
random targets, one backward pass, and each layer's gradient size (one example's ‖∂L/∂W_l‖, averaged over the
batch) and mean activation slope, run after run as the page draws them; then the numbers of the page's caption. The
same float64 operations as ``core/backprop/vanishing.py`` in the same order, so the script prints the page's numbers.
One template filled with the config (each run's torch seed written in: ``rng.seed_of``), commented in the session's
language; tests/test_takehome.py runs it and compares its numbers with ``stacks``.
"""
from __future__ import annotations

from core import rng, takehome
from core.backprop.vanishing import BATCH, VanishConfig
from core.params import clamp

FILE_NAME = "backprop_vanishing.py"
KINDS = ("sigmoid", "relu")
PER_LINE = 4  # seeds written per line

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import torch

# $c_settings
DEPTH, WIDTH, BATCH = $depth, $width, $batch
SEEDS = {  # $c_seeds
${seeds}}

# %% 1 · $s_data
def batch(g):  # $c_batch
    x = torch.randn(BATCH, WIDTH, generator=g, dtype=torch.float64)  # (BATCH, WIDTH)
    return x, torch.randn(BATCH, generator=g, dtype=torch.float64)  # (BATCH,)

# %% 2 · $s_model
def weights(kind, g):  # $c_weights
    gain = 1.0 if kind == "sigmoid" else 2.0  # $c_gain
    return [torch.randn(WIDTH, 1 if l == DEPTH else WIDTH, generator=g, dtype=torch.float64)
            * ((gain if l < DEPTH else 1.0) / WIDTH) ** 0.5 for l in range(DEPTH + 1)]  # $c_output
def forward(kind, ws, x):  # $c_forward
    a, ins, zs, slopes = x, [], [], []
    for l, w in enumerate(ws):
        z = (a @ w).requires_grad_(True) if l == 0 else a @ w  # (BATCH, out)
        z.retain_grad()  # $c_retain
        ins.append(a.detach())
        zs.append(z)
        if l < DEPTH:
            a = torch.sigmoid(z) if kind == "sigmoid" else torch.relu(z)
            # $c_slope
            slopes.append((a * (1 - a) if kind == "sigmoid" else (z > 0).double()).detach().mean().item())
        else:
            a = z
    return a[:, 0], ins, zs, slopes

# %% 3 · $s_loss
def loss_fn(pred, y):  # $c_sum
    return ((pred - y) ** 2).sum()

# %% 4 · $s_optimiser
# $c_no_optimiser

# %% 5 · $s_loop
ratios, slope_runs = {kind: [] for kind in SEEDS}, []
for kind, seeds in SEEDS.items():
    for run, seed in enumerate(seeds):
        g = torch.Generator().manual_seed(seed)  # $c_seed
        x, y = batch(g)
        pred, ins, zs, slopes = forward(kind, weights(kind, g), x)
        loss_fn(pred, y).backward()  # $c_backward
        # $c_size
        sizes = [(i.norm(dim=1) * z.grad.norm(dim=1)).mean().item() for i, z in zip(ins, zs)]
        print(kind, "run", run, "sizes", " ".join(f"{s:.8g}" for s in sizes))
        print(kind, "run", run, "slopes", " ".join(f"{s:.8g}" for s in slopes))
        ratios[kind].append(sizes[0] / sizes[-1])  # $c_ratio
        slope_runs += [slopes] if kind == "sigmoid" else []

# %% 6 · $s_evaluation
print(f"sigmoid worst {max(ratios['sigmoid']):.8g}")  # $c_worst
print(f"relu low {min(ratios['relu']):.8g} high {max(ratios['relu']):.8g}")  # $c_relu
print(f"slope mean {sum(map(sum, slope_runs)) / (len(slope_runs) * DEPTH):.8g}")  # $c_mean
print(f"slope product {torch.tensor(slope_runs[0], dtype=torch.float64).prod().item():.8g}")  # $c_product
"""


def script(cfg: VanishConfig, lang: str = "en") -> str:
    """The vanishing part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("backprop", lang, cfg.seed)
    seeds = ""
    for kind in KINDS:  # one line of PER_LINE seeds after another, under the list's first
        s = [str(rng.seed_of(cfg.seed + k, f"backprop.vanish:{kind}")) for k in range(cfg.seeds)]
        head = f'    "{kind}": ['
        rows = [", ".join(s[i:i + PER_LINE]) for i in range(0, len(s), PER_LINE)]
        seeds += head + (",\n" + " " * len(head)).join(rows) + "],\n"
    out.update(file_name=FILE_NAME, depth=cfg.depth, width=cfg.width, batch=BATCH, seeds=seeds)
    return takehome.fill(TEMPLATE, out)
