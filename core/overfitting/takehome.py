"""The overfitting page's training parts as take-home scripts, each in the lecture's order and printing the page's
numbers: the guide (the chosen network and its 1-layer twin) and depth (1 to 5 hidden layers) share one template; the
cures and augmentation have their own (``takehome_cures.py``). The models train as the page trains
them: side by side as ONE batched computation (stacked weights, padded to the widest and deepest where sizes differ, a
mask zeroes the padding, a layer beyond a network's depth passes its input on, one optimiser over all, one backward
of the summed losses), so the scripts print the page's numbers. Each template is filled with the config (every torch
seed written in as a number: ``rng.seed_of``) and commented in the session's language; tests/test_takehome.py runs
them and compares their numbers with ``guide`` and ``depth``.
"""
from __future__ import annotations

from core import rng, takehome
from core.overfitting.data import N_TEST, N_VAL
from core.overfitting.depth import DEPTHS, WIDTH, WORSE_BY, DepthConfig, LRS as DEPTH_LRS, STEPS as DEPTH_STEPS
from core.overfitting.guide import MARGIN, GuideConfig, LRS as GUIDE_LRS, STEPS as GUIDE_STEPS
from core.params import clamp

GUIDE_FILE = "overfitting_guide.py"
DEPTH_FILE = "overfitting_depth.py"
SHOW = 100  # the loop prints the losses every SHOW updates (the page measures them every EVAL_EVERY)

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import numpy as np
import torch
from sklearn.datasets import load_diabetes

# $c_settings
N, N_TEST, N_VAL, WIDTHS, DEPTHS, STEPS = $n, $n_test, $n_val, $widths, $depths, $steps
ACT, OPTIMIZER, LR = "$act", "$optimizer", $lr  # $c_choices
SPLIT_SEED, INIT_SEED = $split_seed, $init_seed

# %% 1 · $s_data
d = load_diabetes(scaled=True)  # $c_offline
X, Y = d.data.astype(np.float32), d.target.astype(np.float32)  # (442, 10), (442,)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(SPLIT_SEED)).numpy()
te, va, tr = perm[:N_TEST], perm[N_TEST:N_TEST + N_VAL], perm[N_TEST + N_VAL:]  # $c_split
mu, sd, ym, ys = X[tr].mean(0), X[tr].std(0) + 1e-6, Y[tr].mean(), Y[tr].std()  # $c_standardise
def std(i):
    return torch.from_numpy(np.ascontiguousarray((X[i] - mu) / sd)), torch.from_numpy(np.ascontiguousarray((Y[i] - ym) / ys))
(x_pool, y_pool), (x_val, y_val), (x_test, y_test) = std(tr), std(va), std(te)
x, y = x_pool[:N], y_pool[:N]  # $c_first

# %% 2 · $s_model
M, H, L = len(WIDTHS), max(WIDTHS), max(DEPTHS)  # $c_pad
act = torch.sigmoid if ACT == "sigmoid" else torch.relu
mask = torch.tensor([[[1.0] * w + [0.0] * (H - w)] for w in WIDTHS])  # (M, 1, H) $c_mask
on = torch.tensor([[float(l < d) for l in range(L)] for d in DEPTHS])[:, :, None, None]  # (M, L, 1, 1) $c_on
g = torch.Generator().manual_seed(INIT_SEED)
def unif(shape, fan):  # $c_uniform
    return (torch.rand(shape, generator=g) * 2 - 1) / fan ** 0.5
W, B = [], []
for l in range(L):
    ws, bs = [], []
    for m in range(M):
        fan = X.shape[1] if l == 0 else WIDTHS[m]
        w = unif((X.shape[1] if l == 0 else H, H), fan) * mask[m]
        ws.append(w if l == 0 else w * mask[m, 0, :, None])
        bs.append(unif((H,), fan) * mask[m, 0])
    W.append(torch.stack(ws).requires_grad_()), B.append(torch.stack(bs).requires_grad_())
C = torch.stack([unif((H, 1), WIDTHS[m]) * mask[m, 0, :, None] for m in range(M)]).requires_grad_()  # $c_out
c0 = torch.stack([unif((1,), WIDTHS[m]) for m in range(M)]).requires_grad_()
def forward(x):  # (M, n, D) -> (M, n)
    h = x
    for l in range(L):
        z = act(torch.baddbmm(B[l][:, None, :], h, W[l])) * mask
        h = z if l == 0 else torch.where(on[:, l] > 0, z, h)  # $c_pass
    return torch.baddbmm(c0[:, :, None], h, C)[:, :, 0]
def batch(x):  # $c_batch
    return $batch

# %% 3 · $s_loss
def mse(x, y):  # $c_mse
    return (forward(batch(x)) - y).square().mean(1)

# %% 4 · $s_optimiser
optimizer = getattr(torch.optim, OPTIMIZER)([*W, *B, C, c0], lr=LR)  # $c_opt

# %% 5 · $s_loop
for step in range(STEPS + 1):
    if step % $show == 0:  # $c_show
        with torch.no_grad():
            tr_l, va_l = mse(x, y).tolist(), mse(x_val, y_val).tolist()
        print("\\n".join(f"step {step} model {m} train {tr_l[m]:.8g} validation {va_l[m]:.8g}" for m in range(M)))
    if step == STEPS:
        break
    optimizer.zero_grad(set_to_none=True)
    mse(x, y).sum().backward()  # $c_sum
    optimizer.step()

# %% 6 · $s_evaluation
${evaluation}"""

GUIDE_EVALUATION = """\
A, Av = (torch.cat([a, torch.ones(len(a), 1)], 1).double() for a in (x, x_val))  # $c_lstsq
w = torch.linalg.lstsq(A, y[:, None].double(), driver="gelsd").solution
lin_tr, lin_va = float(((A @ w)[:, 0] - y).square().mean()), float(((Av @ w)[:, 0] - y_val).square().mean())
test = float((forward(batch(x_test))[0] - y_test).square().mean().detach())  # $c_test
print(f"least squares train {lin_tr:.8g} validation {lin_va:.8g}; network test {test:.8g}")
MARGIN = $margin  # $c_margin
high = not np.isfinite(tr_l[0]) or tr_l[0] > lin_tr + MARGIN  # $c_high
over = va_l[0] > lin_va + MARGIN and va_l[0] > tr_l[0] + MARGIN  # $c_over
verdict = ("optimisation" if DEPTHS[0] > 1 and tr_l[1] + MARGIN < tr_l[0] else "model bias") if high else "overfitting" if over else "good"
print(f"verdict: {verdict}")  # $c_verdict
"""

DEPTH_EVALUATION = """\
WORSE_BY = $worse_by  # $c_worse_by
worse = [(DEPTHS[j], DEPTHS[i]) for j in range(M) for i in range(j) if tr_l[j] > tr_l[i] + WORSE_BY]
print(f"deeper trains worse than shallower (layers): {worse}")  # $c_worse
"""


def _script(file_name: str, title: str, widths, depths, act: str, optimizer: str, lr: float, steps: int, n: int,
            seed: int, purpose: str, batch: str, evaluation: str, lang: str, **more) -> str:
    assert steps % SHOW == 0 and act in ("sigmoid", "ReLU")  # the loop prints the last step; two activations
    out: dict[str, object] = takehome.words("overfitting", lang, seed)
    out.update(file_name=file_name, c_title=out[f"c_title_{title}"], n=n, n_test=N_TEST, n_val=N_VAL,
               widths=list(widths), depths=list(depths), act=act.lower(), lr=repr(float(lr)),
               steps=steps, split_seed=rng.seed_of(seed, "overfitting.split"), init_seed=rng.seed_of(seed, purpose),
               optimizer=optimizer, show=SHOW, **more)
    out["batch"] = takehome.fill(batch, out)
    out["evaluation"] = takehome.fill(evaluation, out)
    return takehome.fill(TEMPLATE, out)


def guide_script(cfg: GuideConfig, lang: str = "en") -> str:
    """The guide part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``: the network
    (model 0) and its 1-layer twin (model 1), then the guide's verdict."""
    cfg = clamp(cfg)
    return _script(GUIDE_FILE, "guide", [cfg.width] * 2, [cfg.layers, 1], cfg.act, cfg.optimizer,
                   GUIDE_LRS[cfg.optimizer], GUIDE_STEPS, cfg.n, cfg.seed, "overfitting.guide",
                   "x.expand(M, *x.shape)  # (n, D) -> (M, n, D) $c_expand", GUIDE_EVALUATION, lang,
                   margin=MARGIN)


def depth_script(cfg: DepthConfig, lang: str = "en") -> str:
    """The depth part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``: model j has
    DEPTHS[j] hidden layers."""
    cfg = clamp(cfg)
    P = len(DEPTHS)
    return _script(DEPTH_FILE, "depth", [WIDTH] * P, DEPTHS, cfg.act, cfg.optimizer,
                   DEPTH_LRS[cfg.optimizer], DEPTH_STEPS, cfg.n, cfg.seed, "overfitting.depth",
                   "x[None].repeat(M, 1, 1)  # (n, D) -> (M, n, D) $c_copies", DEPTH_EVALUATION, lang,
                   worse_by=WORSE_BY)
