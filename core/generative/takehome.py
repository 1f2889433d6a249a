"""The boundary part as a take-home script: the page's data and its one training set, the generative model fitted
in closed form (a Gaussian per class) and logistic regression trained by gradient descent (Adam, full batch, the
page's fixed steps), then each one's w, b and test accuracy. The page trains logistic regression on many training
sets as one batched computation (the learning curve); its boundary part trains one, as this script does. One
template filled with the config (the page's torch seed written in: ``rng.seed_of``), commented in the session's
language; tests/test_takehome.py runs it and compares its numbers with ``boundary``.
"""
from __future__ import annotations

from core import rng, takehome
from core.generative.examples import SIZES, TEST_N, CurveConfig
from core.generative.logistic import LR_STEPS
from core.params import clamp

FILE_NAME = "generative.py"
PURPOSE = "generative.resamples"  # the page's stream for the data and the training set (core/generative/boundary.py)

SYNTHETIC = """\
def synthetic(n):  # $c_synthetic
    L = torch.tensor([[1.0, 0.0], [0.6, 0.8]], dtype=torch.float64)  # $c_cov
    y = torch.arange(n) % 2  # (n,) $c_half
    z = torch.randn(n, 2, generator=g, dtype=torch.float64) @ L.T  # (n, 2)
    mu = torch.tensor([[-1.0, 0.0], [1.0, 0.0]], dtype=torch.float64)[y]  # (n, 2)
${mixture}\
    return (mu + z).numpy(), y.numpy()
X, y = synthetic($pool)  # $c_pool
Xt, yt = synthetic($test_n)  # $c_test
"""
MIXTURE = """\
    far = (torch.rand(n, generator=g) < 0.5) & (y == 1)  # $c_far
    mu = mu + far[:, None] * torch.tensor([4.0, 3.0], dtype=torch.float64) * MISMATCH
"""
REAL = {
    "wine": ("from sklearn.datasets import load_wine  # $c_offline\n"
             "X, y = load_wine(return_X_y=True)\n"
             "X, y = X[y < 2][:, [0, 6]], y[y < 2]  # $c_wine\n"),
    "breast cancer": ("from sklearn.datasets import load_breast_cancer  # $c_offline\n"
                      "X, y = load_breast_cancer(return_X_y=True)\n"
                      "X = X[:, [0, 1]]  # $c_cancer\n"),
}
STANDARDISE = "X = (X - X.mean(0)) / X.std(0)  # $c_standardise\n"
HELD_OUT = "Xt, yt = np.delete(X, s, 0), np.delete(y, s)  # $c_held_out\n"
COVS = {
    "shared": "S = (counts[:, None, None] / n * covs).sum(0)  # $c_shared\ncovs = np.stack([S, S])\n",
    "shrinkage": ("S = (counts[:, None, None] / n * covs).sum(0)  # $c_shared\n"
                  "S = (1 - SHRINK) * S + SHRINK * np.diag(np.diag(S))  # $c_shrink\ncovs = np.stack([S, S])\n"),
    "diagonal": "covs = np.stack([np.diag(np.diag(c)) for c in covs])  # $c_diagonal\n",
    "per class": "",
}
LINE = """\
S, (m0, m1) = covs[0], means  # $c_line
w_gen = np.linalg.solve(S, m1 - m0)
b_gen = -0.5 * m1 @ np.linalg.solve(S, m1) + 0.5 * m0 @ np.linalg.solve(S, m0) + log_priors[1] - log_priors[0]
print(f"generative w {w_gen[0]:.8g} {w_gen[1]:.8g} b {b_gen:.8g}")
"""

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import numpy as np
import torch

# $c_settings
N_TRAIN, MISMATCH, SHRINK, STEPS, LR = $n_train, $mismatch, $shrink, $steps, 0.1
g = torch.Generator().manual_seed($data_seed)

# %% 1 · $s_data
${data}\
while True:  # $c_draw
    s = torch.randperm(len(X), generator=g)[:$n].numpy()
    if len(set(y[s].tolist())) == 2:
        break
${held_out}\
Xs, ys = X[s], y[s]  # (n, 2), (n,)
n = len(Xs)

# %% 2 · $s_model
# $c_generative
means = np.stack([Xs[ys == k].mean(0) for k in (0, 1)])  # (2, 2)
covs = np.stack([(Xs[ys == k] - means[k]).T @ (Xs[ys == k] - means[k]) / (ys == k).sum() for k in (0, 1)])
counts = np.array([(ys == k).sum() for k in (0, 1)], dtype=np.float64)
${covs}\
covs = covs + 1e-6 * max(np.trace(covs.mean(0)) / 2, 1e-12) * np.eye(2)  # $c_ridge
log_priors = np.log(counts / n)
def p_generative(X):  # $c_bayes
    lj = [log_priors[k] - 0.5 * np.linalg.slogdet(covs[k])[1]
          - 0.5 * ((X - means[k]) * np.linalg.solve(covs[k], (X - means[k]).T).T).sum(1) for k in (0, 1)]
    return 1.0 / (1.0 + np.exp(np.clip(lj[0] - lj[1], -700, 700)))
w = torch.zeros(2, dtype=torch.float64, requires_grad=True)  # $c_logistic
b = torch.zeros((), dtype=torch.float64, requires_grad=True)
xs, ts = torch.from_numpy(Xs), torch.from_numpy(ys).double()

# %% 3 · $s_loss
loss_fn = torch.nn.BCEWithLogitsLoss()  # $c_bce

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam([w, b], lr=LR)  # $c_adam

# %% 5 · $s_loop
for step in range(1, STEPS + 1):
    optimizer.zero_grad()
    loss = loss_fn(xs @ w + b, ts)  # $c_logits
    loss.backward()
    optimizer.step()
    if step % 100 == 0:
        print(f"step {step} loss {loss.item():.8g}")

# %% 6 · $s_evaluation
${line}\
w_lr, b_lr = w.detach().numpy(), b.item()
print(f"logistic w {w_lr[0]:.8g} {w_lr[1]:.8g} b {b_lr:.8g}")
acc_gen = ((p_generative(Xt) > 0.5) == yt).mean()  # $c_accuracy
acc_lr = (((Xt @ w_lr + b_lr) > 0) == yt).mean()
print(f"accuracy generative {acc_gen:.8g} logistic {acc_lr:.8g}")
"""


def script(cfg: CurveConfig, lang: str = "en") -> str:
    """The boundary part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("generative", lang, cfg.seed)
    real = cfg.data in REAL
    n = min(cfg.n_train, (len(_real_y(cfg.data)) if real else max(SIZES) * 4) - 10)
    out.update(file_name=FILE_NAME, n_train=cfg.n_train, n=n, mismatch=float(cfg.mismatch), shrink=float(cfg.shrink),
               steps=LR_STEPS, data_seed=rng.seed_of(cfg.seed, PURPOSE), pool=max(SIZES) * 4, test_n=TEST_N,
               mixture="")
    fill = lambda s: takehome.fill(s, out)  # noqa: E731 - the fragments carry comments too
    if cfg.data == "mixture":
        out["mixture"] = fill(MIXTURE)
    out["data"] = fill(REAL[cfg.data] + STANDARDISE) if real else fill(SYNTHETIC)
    out["held_out"] = fill(HELD_OUT) if real else ""
    out["covs"] = fill(COVS[cfg.covariance])
    out["line"] = fill(LINE) if cfg.covariance in ("shared", "shrinkage") else ""
    return takehome.fill(TEMPLATE, out)


def _real_y(name: str):
    from core.generative.examples import real

    return real(name)[1]
