"""The minimum-ratio experiment as a take-home script: M small tanh networks on scikit-learn's diabetes data from the
page's N(0, INIT_STD²) starts, full-batch Adam, then L-BFGS on Σ‖g‖², then each network's full Hessian, its eigenvalue
signs under the page's near-zero rule and the minimum ratio. The networks train as the page trains them: as ONE
batched computation (one flat parameter row per network, one Adam, one L-BFGS over all rows: its line search is
shared), so the script prints the page's numbers. The Hessian comes from ``torch.func.hessian`` (the page writes the
same matrix out by hand, faster; equal to rounding). One template filled with the config (the torch seed written in as
a number: ``rng.seed_of``), commented in the session's language; tests/test_takehome.py runs it and compares its
numbers with ``min_ratio``. The network slice's script (``slice_script``) trains the small network the
map's "network slice" goes through as ``slice_net`` does and prints the numbers of the page's point θ' on it.
"""
from __future__ import annotations

from core import rng, takehome
from core.critical.network import SLICE_HIDDEN, SLICE_STEPS, net_data, n_params
from core.critical.ratio import INIT_STD, LBFGS_HISTORY, LBFGS_ITERS, RatioConfig
from core.critical.verdicts import EIG_TOL, GRAD_TOL
from core.params import clamp

FILE_NAME = "minimum_ratio.py"

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import torch
from sklearn.datasets import load_diabetes

# $c_settings
RUNS, HIDDEN, STEPS, LR, INIT_STD, LBFGS_ITERS, HISTORY = $runs, $hidden, $steps, $lr, $init_std, $iters, $history
EIG_TOL, GRAD_TOL, INIT_SEED = $eig_tol, $grad_tol, $init_seed  # $c_tol

# %% 1 · $s_data
d = load_diabetes(scaled=True)  # $c_offline
X, y = torch.tensor(d.data, dtype=torch.float64), torch.tensor(d.target, dtype=torch.float64)  # (442, 10), (442,)
X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()  # $c_standardise
N, D = X.shape

# %% 2 · $s_model
P = HIDDEN * D + 2 * HIDDEN + 1  # $c_flat
def loss_fn(theta):  # (..., P) -> (...) $c_mse
    W1 = theta[..., :HIDDEN * D].reshape(*theta.shape[:-1], HIDDEN, D)
    b1, w2 = theta[..., HIDDEN * D:HIDDEN * D + HIDDEN], theta[..., HIDDEN * D + HIDDEN:HIDDEN * D + 2 * HIDDEN]
    z = (X @ W1.reshape(-1, D).T).reshape(N, *W1.shape[:-2], HIDDEN)  # (N, ..., H) $c_gemm
    a = torch.tanh(z.movedim(0, -2) + b1[..., None, :])  # (..., N, H)
    return ((a * w2[..., None, :]).sum(-1) + theta[..., -1:] - y).square().mean(-1)
g = torch.Generator().manual_seed(INIT_SEED)
theta = (torch.randn(RUNS, P, generator=g, dtype=torch.float64) * INIT_STD).requires_grad_()  # $c_init

# %% 3 · $s_loss
def grad_of(t, graph=False):  # $c_grad
    return torch.autograd.grad(loss_fn(t).sum(), t, create_graph=graph)[0]  # (RUNS, P)

# %% 4 · $s_optimiser
adam = torch.optim.Adam([theta], lr=LR, foreach=True)  # $c_adam

# %% 5 · $s_loop
for step in range(STEPS):  # $c_phase1
    adam.zero_grad(set_to_none=True)
    loss_fn(theta).sum().backward()  # $c_sum
    adam.step()
alive = torch.isfinite(theta.detach()).all(1)  # $c_alive
g_adam = grad_of(theta.detach().requires_grad_()).norm(dim=1)
t = theta.detach()[alive].clone().requires_grad_()  # $c_phase2
lbfgs = torch.optim.LBFGS([t], lr=1, max_iter=LBFGS_ITERS, history_size=HISTORY, line_search_fn="strong_wolfe",
                          tolerance_grad=0, tolerance_change=0)  # $c_budget
def closure():
    lbfgs.zero_grad(set_to_none=True)
    obj = grad_of(t, graph=True).square().sum()  # $c_gg
    obj.backward()
    return obj.detach()
lbfgs.step(closure)

# %% 6 · $s_evaluation
t = t.detach()
t = torch.where(torch.isfinite(t).all(1, keepdim=True), t, theta.detach()[alive])  # $c_keep
loss, g_norm = loss_fn(t).detach(), grad_of(t.clone().requires_grad_()).norm(dim=1)
H = torch.func.vmap(torch.func.hessian(loss_fn))(t)  # (M, P, P) $c_hessian
lam = torch.linalg.eigvalsh(H)  # $c_eig
big = torch.clamp(lam.abs().max(1).values, min=1.0)  # $c_rule
tol = EIG_TOL * big
for i, run in enumerate(alive.nonzero()[:, 0].tolist()):
    neg, pos = int((lam[i] < -tol[i]).sum()), int((lam[i] > tol[i]).sum())
    print(f"run {run} loss {loss[i]:.8g} g_adam {g_adam[run]:.8g} g {g_norm[i]:.8g} "
          f"reached {bool(g_norm[i] <= GRAD_TOL * big[i])} negative {neg} zero {P - neg - pos} positive {pos} "
          f"ratio {pos / P:.8g} lambda_min {lam[i, 0]:.8g}")  # $c_row
"""


def script(cfg: RatioConfig, lang: str = "en") -> str:
    """The minimum-ratio experiment's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    X, _, _ = net_data()
    assert n_params(X.shape[1], cfg.hidden) == cfg.hidden * X.shape[1] + 2 * cfg.hidden + 1  # the template's P
    out: dict[str, object] = takehome.words("critical", lang, cfg.seed)
    out.update(file_name=FILE_NAME, runs=cfg.runs, hidden=cfg.hidden, steps=cfg.steps, lr=repr(float(cfg.lr)),
               init_std=repr(float(INIT_STD)), iters=LBFGS_ITERS, history=LBFGS_HISTORY, eig_tol=f"{EIG_TOL:g}",
               grad_tol=f"{GRAD_TOL:g}", init_seed=rng.seed_of(cfg.seed, "critical.ratio"))
    return takehome.fill(TEMPLATE, out)


SLICE_FILE = "network_slice.py"
SLICE_LR = 0.05  # Adam's learning rate in ``slice_net`` (the test compares the script's numbers with it)

SLICE_TEMPLATE = """\
# $c_title_slice
# $c_run: python $file_name
import torch
from sklearn.datasets import load_diabetes

# $c_settings
HIDDEN, STEPS, LR, INIT_SEED = $hidden, $steps, $lr, $init_seed
X0, Y0 = $x, $y  # $c_point

# %% 1 · $s_data
d = load_diabetes(scaled=True)  # $c_offline
X, y = torch.tensor(d.data, dtype=torch.float64), torch.tensor(d.target, dtype=torch.float64)  # (442, 10), (442,)
X, y = (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()  # $c_standardise
N, D = X.shape

# %% 2 · $s_model
def loss_fn(theta):  # (..., P) -> (...) $c_mse
    W1 = theta[..., :HIDDEN * D].reshape(*theta.shape[:-1], HIDDEN, D)
    b1, w2 = theta[..., HIDDEN * D:HIDDEN * D + HIDDEN], theta[..., HIDDEN * D + HIDDEN:HIDDEN * D + 2 * HIDDEN]
    z = (X @ W1.reshape(-1, D).T).reshape(N, *W1.shape[:-2], HIDDEN)  # (N, ..., H)
    a = torch.tanh(z.movedim(0, -2) + b1[..., None, :])  # (..., N, H)
    return ((a * w2[..., None, :]).sum(-1) + theta[..., -1:] - y).square().mean(-1)
g = torch.Generator().manual_seed(INIT_SEED)
def u(shape, fan):  # $c_uniform
    return (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1) / fan ** 0.5
theta = torch.cat([u((1, HIDDEN * D), D), u((1, HIDDEN), D), u((1, HIDDEN), HIDDEN), u((1, 1), HIDDEN)], 1).requires_grad_()

# %% 3 · $s_loss
# $c_loss_above

# %% 4 · $s_optimiser
adam = torch.optim.Adam([theta], lr=LR)  # $c_full_batch

# %% 5 · $s_loop
for step in range(STEPS):
    adam.zero_grad(set_to_none=True)
    loss_fn(theta).sum().backward()
    adam.step()

# %% 6 · $s_evaluation
t = theta.detach()[0]
W1, b1 = t[:HIDDEN * D].reshape(HIDDEN, D), t[HIDDEN * D:HIDDEN * D + HIDDEN]
w2, b2 = t[HIDDEN * D + HIDDEN:HIDDEN * D + 2 * HIDDEN], t[-1]
k, col = int(w2.abs().argmax()), list(d.feature_names).index("bmi")  # $c_unit
print(f"trained loss {float(loss_fn(t)):.8g} unit {k + 1} bmi_weight {float(W1[k, col]):.8g} output_weight {float(w2[k]):.8g}")
h = torch.tanh(X @ W1.T + b1)  # (N, H)
rest = h @ w2 - h[:, k] * w2[k] + b2  # $c_rest
zk = X @ W1[k] + b1[k] - X[:, col] * W1[k, col]  # $c_zk
def f(p):  # $c_slice
    return (rest + p[..., 1:2] * torch.tanh(p[..., 0:1] * X[:, col] + zk) - y).square().mean(-1)
p = torch.tensor([X0, Y0], dtype=torch.float64, requires_grad=True)
v = f(p)
grad, v = torch.autograd.grad(v, p)[0], v.detach()
lam = torch.linalg.eigvalsh(torch.autograd.functional.hessian(f, torch.tensor([X0, Y0], dtype=torch.float64)))  # $c_eig2
print(f"at ({X0}, {Y0}): loss {float(v):.8g} grad {float(grad.norm()):.8g} lambda1 {float(lam[0]):.8g} lambda2 {float(lam[1]):.8g}")
"""


def slice_script(cfg, lang: str = "en") -> str:
    """The network slice's script for the page's point ``cfg`` (a ``PointConfig`` on "network slice", clamped here),
    commented in ``lang``: the network trained as ``slice_net`` trains it, then the loss, ‖g‖ and the two
    eigenvalues of the slice's Hessian at the page's point θ'."""
    cfg = clamp(cfg)
    assert cfg.name == "network slice"
    out: dict[str, object] = takehome.words("critical", lang, cfg.seed)
    out.update(file_name=SLICE_FILE, hidden=SLICE_HIDDEN, steps=SLICE_STEPS, lr=repr(SLICE_LR),
               init_seed=rng.seed_of(cfg.seed, "critical.slice"), x=repr(float(cfg.x)), y=repr(float(cfg.y)))
    return takehome.fill(SLICE_TEMPLATE, out)
