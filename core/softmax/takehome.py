"""The classifier part as a take-home script: softmax regression and a one-layer ReLU network on the page's 2-D
data (the same features, standardisation and 70/30 split), the same initial weights, full-batch Adam for the page's
steps on cross-entropy (or MSE after softmax), then each model's cross-entropy and accuracy on both sets. The two
models train as the page trains them: side by side as ONE batched computation (stacked parameters, one Adam over
both, one backward of the summed losses), so the script prints the page's numbers bit for bit. One template filled
with the config (every torch seed written in as a number: ``rng.seed_of``), commented in the session's language;
tests/test_takehome.py runs it and compares its numbers with ``classify``.
"""
from __future__ import annotations

from core import data, rng, takehome
from core.params import clamp
from core.softmax.classify import EVAL_EVERY, ClassifyConfig
from core.softmax.datasets import FEATURES, REAL

FILE_NAME = "softmax_classifier.py"
PRINTS = 10  # the loop prints the losses about this many times (at steps the page evaluates)
SPLIT = 0.3  # the validation share (core/softmax/datasets.py)

LOAD = {
    "real": (
        "from sklearn.datasets import load_$data  # $c_offline\n"
        "d = load_$data()\n"
        "x = torch.from_numpy(d.data.astype(\"float32\")[:, [$fx, $fy]]).double()  # (n, 2) $c_features\n"
        "y = torch.from_numpy(d.target.astype(\"int64\"))  # (n,)\n"),
    "blobs": (
        "g = torch.Generator().manual_seed(DATA_SEED)\n"
        "y = torch.arange(N) % 3  # (N,) $c_classes\n"
        "centres = torch.tensor([[0.0, 1.2], [-1.1, -0.7], [1.1, -0.7]], dtype=torch.float64)  # $c_blobs\n"
        "x = centres[y] + (0.25 + NOISE) * torch.randn(N, 2, generator=g, dtype=torch.float64)  # (N, 2)\n"),
    "moons": (
        "g = torch.Generator().manual_seed(DATA_SEED)\n"
        "y = torch.arange(N) % 2  # (N,) $c_classes\n"
        "t = torch.rand(N, generator=g, dtype=torch.float64) * torch.pi  # $c_moons\n"
        "x = torch.stack([torch.cos(t) + y, torch.sin(t) * (1 - 2 * y) + 0.5 * y - 0.25], dim=1)  # (N, 2)\n"
        "x = x + NOISE * 0.5 * torch.randn(N, 2, generator=g, dtype=torch.float64)\n"),
    "spirals": (
        "g = torch.Generator().manual_seed(DATA_SEED)\n"
        "y = torch.arange(N) % 3  # (N,) $c_classes\n"
        "r = torch.rand(N, generator=g, dtype=torch.float64) * 0.9 + 0.1  # $c_spirals\n"
        "a = y * 2 * torch.pi / 3 + 3.5 * r + NOISE * 0.6 * torch.randn(N, generator=g, dtype=torch.float64)\n"
        "x = torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=1)  # (N, 2)\n"),
}
LOSS = {
    "cross-entropy": "cross_entropy(z, y)  # $c_ce",
    "MSE": ("(softmax(z) - F.one_hot(y, C).float()).square().mean(-1).mean(-1)  # $c_mse"),
}

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import torch
from torch.nn import functional as F

# $c_settings
${settings}N_VAL, HIDDEN, LR, STEPS = $n_val, $hidden, $lr, $steps
SPLIT_SEED, INIT_SEED = $split_seed, $init_seed

# %% 1 · $s_data
${load}\
perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(SPLIT_SEED))  # $c_split
va, tr = (p.sort().values for p in perm.split([N_VAL, len(x) - N_VAL]))
mu, sd = x[tr].mean(0), x[tr].std(0).clamp_min(1e-6)  # $c_standardise
x, C = ((x - mu) / sd).float(), int(y.max()) + 1  # (n, 2), classes
sets = {"train": (x[tr].repeat(2, 1, 1), y[tr].repeat(2, 1)),  # $c_twice
        "validation": (x[va].repeat(2, 1, 1), y[va].repeat(2, 1))}

# %% 2 · $s_model
g = torch.Generator().manual_seed(INIT_SEED)
def uniform(shape, fan_in):  # $c_init
    return (torch.rand(shape, generator=g) * 2 - 1) * (1.0 / fan_in ** 0.5)
W1, b1 = uniform((2, 2, HIDDEN), 2), uniform((2, 1, HIDDEN), 2)  # $c_hidden
W2, b2 = uniform((2, HIDDEN, C), HIDDEN), uniform((2, 1, C), HIDDEN)  # $c_out
Wl, bl = uniform((2, 2, C), 2), uniform((2, 1, C), 2)  # $c_linear
mask = torch.tensor([[0.0] * HIDDEN, [1.0] * HIDDEN])[:, None, :]  # (2, 1, HIDDEN) $c_mask
W2, linear = W2 * mask.transpose(1, 2), torch.tensor([[[True]], [[False]]])  # (2, 1, 1) $c_which
params = [p.requires_grad_() for p in (W1, b1, W2, b2, Wl, bl)]
def model(x):  # (2, n, 2) -> $c_logits
    h = torch.relu(x @ W1 + b1) * mask  # (2, n, HIDDEN)
    return torch.where(linear, x @ Wl + bl, h @ W2 + b2)

# %% 3 · $s_loss
def cross_entropy(z, y):  # (2, n, C), (2, n) -> (2,) $c_ce_each
    return F.cross_entropy(z.reshape(-1, C), y.reshape(-1), reduction="none").view(2, -1).mean(-1)
${softmax}\
def loss_fn(z, y):
    return $loss

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam(params, lr=LR, foreach=True)  # $c_adam

# %% 5 · $s_loop
@torch.no_grad()
def evaluate(step):  # $c_evaluate
    for split, (x, y) in sets.items():
        z = model(x)  # (2, n, C)
        ce, acc = cross_entropy(z, y).tolist(), (z.argmax(-1) == y).float().mean(-1).tolist()
        print(f"step {step} {split} regression loss {ce[0]:.8g} accuracy {acc[0]:.8g} "
              f"network loss {ce[1]:.8g} accuracy {acc[1]:.8g}")
evaluate(0)
for step in range(1, STEPS + 1):
    loss = loss_fn(model(sets["train"][0]), sets["train"][1])  # (2,) $c_full
    optimizer.zero_grad()
    loss.sum().backward()  # $c_sum
    optimizer.step()
    if step % $every == 0 and step < STEPS:
        evaluate(step)

# %% 6 · $s_evaluation
evaluate(STEPS)  # $c_final
"""

SOFTMAX = (
    "def softmax(z):  # $c_softmax\n"
    "    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)\n"
    "    return e / e.sum(dim=-1, keepdim=True)\n")


def _every(steps: int) -> int:
    """Steps between printed evaluations: a multiple of the page's EVAL_EVERY, about PRINTS times a run."""
    return EVAL_EVERY * max(1, steps // (PRINTS * EVAL_EVERY))


def script(cfg: ClassifyConfig, lang: str = "en") -> str:
    """The classifier's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    real = cfg.data in REAL
    n = {"iris": 150, "wine": 178}[cfg.data] if real else cfg.n
    va = len(data.split(n, SPLIT, cfg.seed)[1])
    out: dict[str, object] = takehome.words("softmax", lang, cfg.seed)
    out.update(file_name=FILE_NAME, n=n, noise=repr(float(cfg.noise)), n_val=va, hidden=cfg.hidden,
               lr=repr(float(cfg.lr)), steps=cfg.steps, data=cfg.data,
               fx=cfg.fx % FEATURES[cfg.data] if real else 0, fy=cfg.fy % FEATURES[cfg.data] if real else 0,
               data_seed=rng.seed_of(cfg.seed, "softmax.data"), split_seed=rng.seed_of(cfg.seed, "data.split_b"),
               init_seed=rng.seed_of(cfg.seed, "softmax.init"), every=_every(cfg.steps))
    fill = lambda s: takehome.fill(s, out)  # noqa: E731 - the fragments carry comments too
    out["settings"] = "" if real else fill("N, NOISE, DATA_SEED = $n, $noise, $data_seed  # $c_synthetic\n")
    out["load"] = fill(LOAD["real" if real else cfg.data])
    out["softmax"] = fill(SOFTMAX) if cfg.loss == "MSE" else ""
    out["loss"] = fill(LOSS[cfg.loss])
    return takehome.fill(TEMPLATE, out)
