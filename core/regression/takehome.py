"""The descent part as a take-home script: the page's examples, y = b + w x from the page's start, the chosen loss,
``torch.optim.SGD`` on the full batch for the page's number of updates, then where it ended against the exact
optimum. One template filled with the config (the data's torch seed written in as a number: ``rng.seed_of``),
commented in the session's language; tests/test_takehome.py runs it and compares its numbers with ``fit``.
"""
from __future__ import annotations

from core import rng, takehome
from core.params import clamp
from core.regression.descent import BLOWUP
from core.regression.examples import TRUE_LINE, RegConfig

FILE_NAME = "regression.py"
PURPOSE = "regression.data"  # the page's stream for the examples (core/regression/examples.py)
EVERY = 10  # the loop prints the loss this many times

LOAD = {
    "Seattle temperatures": (
        "from vega_datasets import local_data  # $c_offline\n"
        "temps = local_data.seattle_weather()[\"temp_max\"].to_numpy(dtype=np.float64)  # (1461,)\n"
        "xs, ys = temps[:-1], temps[1:]  # $c_seattle\n"),
    "diabetes": (
        "from sklearn.datasets import load_diabetes  # $c_offline\n"
        "d = load_diabetes(scaled=False)  # $c_diabetes\n"
        "xs, ys = d.data[:, d.feature_names.index(\"$feature\")], d.target  # (442,), (442,)\n"),
}
DRAW = (
    "# $c_draw\n"
    "idx = torch.randperm(len(xs), generator=g)[:N].sort().values.numpy()  # (N,)\n"
    "x, y = xs[idx], ys[idx]  # (N,), (N,)\n")
SYNTHETIC = (
    "x = torch.rand(N, generator=g, dtype=torch.float64).numpy() * 10  # (N,) $c_synthetic\n"
    f"y = {TRUE_LINE[0]} + {TRUE_LINE[1]} * x + $noise * torch.randn(N, generator=g, dtype=torch.float64).numpy()\n")
OUTLIER = (
    "# $c_outlier\n"
    "w_ls, b_ls = lstsq(x, y).tolist()\n"
    "xo = x.max().item()\n"
    "x = torch.cat([x, torch.tensor([xo], dtype=torch.float64)])  # (N + 1,)\n"
    "y = torch.cat([y, torch.tensor([b_ls + w_ls * xo - OUTLIER], dtype=torch.float64)])\n")
LOSS = {"MSE": "(pred - y).square().mean()  # $c_mse", "MAE": "(pred - y).abs().mean()  # $c_mae"}
OPTIMUM = {
    "MSE": "w_opt, b_opt = lstsq(x, y).tolist()  # $c_lstsq",
    "MAE": ("from sklearn.linear_model import QuantileRegressor  # $c_lad\n"
            "m = QuantileRegressor(quantile=0.5, alpha=0.0, solver=\"highs\").fit(x.numpy()[:, None], y.numpy())\n"
            "w_opt, b_opt = float(m.coef_[0]), float(m.intercept_)"),
}

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import numpy as np
import torch

# $c_settings
N, OUTLIER, LR, STEPS = $n, $outlier_sd, $lr, $steps
START_W, START_B = $start_w, $start_b
DATA_SEED = $data_seed

# %% 1 · $s_data
g = torch.Generator().manual_seed(DATA_SEED)
${load}\
# $c_units
mx, sx = x.mean(), max(x.std(), 1e-9)
my, sy = y.mean(), max(y.std(), 1e-9)
x, y = torch.from_numpy(1 + (x - mx) / sx), torch.from_numpy((y - my) / sy)  # (N,), (N,)

def lstsq(x, y):  # $c_lstsq
    A = torch.stack([x, torch.ones_like(x)], -1)  # (N, 2)
    return torch.linalg.lstsq(A, y[:, None], driver="gelsd").solution[:, 0]  # (2,) = (w, b)
${outlier}
# %% 2 · $s_model
# $c_params
w = torch.tensor(START_W, dtype=torch.float64, requires_grad=True)
b = torch.tensor(START_B, dtype=torch.float64, requires_grad=True)
def model(x):
    return b + w * x  # (N,)

# %% 3 · $s_loss
def loss_fn(pred, y):
    return $loss

# %% 4 · $s_optimiser
# $c_sgd
optimizer = torch.optim.SGD([w, b], lr=LR)

# %% 5 · $s_loop
path = [(w.item(), b.item())]  # $c_path
for step in range(1, STEPS + 1):
    optimizer.zero_grad()  # $c_zero
    loss = loss_fn(model(x), y)  # $c_forward
    # $c_blowup
    if not np.isfinite(loss.item()) or loss.item() > $blowup:
        print(f"diverged at step {step}")
        path.pop()
        break
    loss.backward()  # $c_backward
    optimizer.step()  # $c_step
    path.append((w.item(), b.item()))
    if step % $every == 0:  # $c_every
        print(f"step {step} loss {loss.item():.8g}")

# %% 6 · $s_evaluation
w_end, b_end = path[-1]  # $c_result
print(f"updates {len(path) - 1} w {w_end:.8g} b {b_end:.8g} final {loss_fn(b_end + w_end * x, y).item():.8g}")
# $c_optimum
$optimum
print(f"optimum w {w_opt:.8g} b {b_opt:.8g} final {loss_fn(b_opt + w_opt * x, y).item():.8g}")
# $c_stable
m1, m2 = x.mean().item(), x.square().mean().item()
H = 2 * np.array([[m2, m1], [m1, 1.0]])
print(f"stable {2 / np.linalg.eigvalsh(H).max():.8g}")
"""


def script(cfg: RegConfig, lang: str = "en") -> str:
    """The whole script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("regression", lang, cfg.seed)
    out.update(file_name=FILE_NAME, n=cfg.n, outlier_sd=float(cfg.outlier), lr=f"{cfg.lr:g}", steps=cfg.steps,
               start_w=float(cfg.start_w), start_b=float(cfg.start_b), data_seed=rng.seed_of(cfg.seed, PURPOSE),
               feature=cfg.feature, noise=f"{cfg.noise:g}", blowup=f"{BLOWUP:g}", every=max(1, cfg.steps // EVERY))
    fill = lambda s: takehome.fill(s, out)  # noqa: E731 - the fragments carry comments too
    out["load"] = fill(SYNTHETIC) if cfg.data == "synthetic" else fill(LOAD[cfg.data] + DRAW)
    out["outlier"] = fill(OUTLIER) if cfg.outlier > 0 else ""
    out["loss"] = fill(LOSS[cfg.loss])
    out["optimum"] = fill(OPTIMUM[cfg.loss])
    return takehome.fill(TEMPLATE, out)
