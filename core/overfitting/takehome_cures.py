"""The overfitting page's cures (the overfitting setup and one model per cure; the box part reads the same run) and
augmentation (a small CNN on scikit-learn's digits, four times, each with its own augmentation) as take-home scripts;
the guide and depth are in ``takehome.py``. Trained as the page trains them, as ONE batched computation, so the scripts
print the page's numbers; tests/test_takehome.py compares them with ``cures`` and ``augment``. The cures' script
leaves out the dropout demonstration (three predictions from a generator of its own: they change no weight).
"""
from __future__ import annotations

from core import rng, takehome
from core.overfitting.augment import (AUGMENTS, CHANNELS, LR as AUG_LR, SIDE, STEPS as AUG_STEPS, TEST as AUG_TEST,
                                     AugmentConfig)
from core.overfitting.cures import EVAL_EVERY, LR, MODELS as _MODELS, MOMENTUM, STEPS, WIDTH as CURES_WIDTH, CuresConfig
from core.overfitting.data import N_TEST, N_VAL
from core.params import clamp

CURES_FILE = "overfitting_cures.py"
MODELS_IN_SCRIPT = ("no cure", "more data", "augmentation", "fewer units", "early stopping", "L2", "dropout")
CURES_SHOW = 50  # the cures' loop prints the losses every CURES_SHOW updates (the page measures every EVAL_EVERY)

CURES_TEMPLATE = """\
# $c_title_cures
# $c_run: python $file_name
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes

# $c_settings
N, N_MORE, NOISE, UNITS, PATIENCE, WEIGHT_DECAY, DROPOUT = $n, $n_more, $noise, $units, $patience, $weight_decay, $dropout
WIDTH, STEPS, EVAL_EVERY, LR, MOMENTUM, N_TEST, N_VAL = $width, $steps, $eval_every, $lr, $momentum, $n_test, $n_val
SPLIT_SEED, SEED = $split_seed, $seed  # $c_one_gen

# %% 1 · $s_data
d = load_diabetes(scaled=True)  # $c_offline
X, Y = d.data.astype(np.float32), d.target.astype(np.float32)  # (442, 10), (442,)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(SPLIT_SEED)).numpy()
te, va, tr = perm[:N_TEST], perm[N_TEST:N_TEST + N_VAL], perm[N_TEST + N_VAL:]  # $c_split
mu, sd, ym, ys = X[tr].mean(0), X[tr].std(0) + 1e-6, Y[tr].mean(), Y[tr].std()  # $c_standardise
std = lambda i: (torch.from_numpy(np.ascontiguousarray((X[i] - mu) / sd)), torch.from_numpy(np.ascontiguousarray((Y[i] - ym) / ys)))
(x_pool, y_pool), (x_val, y_val), (x_test, y_test) = std(tr), std(va), std(te)
MODELS = ["no cure", "more data", "augmentation", "fewer units", "early stopping", "L2", "dropout"]
M, ES, ns = len(MODELS), MODELS.index("early stopping"), [N, max(N, N_MORE)] + [N] * 5  # $c_ns
rep = lambda t: t[None].repeat(M, *[1] * t.dim())  # $c_rep
x, y, xv, yv, xt, yt = (rep(t) for t in (x_pool[:max(ns)], y_pool[:max(ns)], x_val, y_val, x_test, y_test))
w = torch.stack([torch.cat([torch.full((n,), 1.0 / n), torch.zeros(max(ns) - n)]) for n in ns])  # $c_weights
sigma = torch.tensor([NOISE if c == "augmentation" else 0.0 for c in MODELS])[:, None, None]  # $c_sigma

# %% 2 · $s_model
widths = [min(UNITS, WIDTH) if c == "fewer units" else WIDTH for c in MODELS]
mask = torch.tensor([[[1.0] * u + [0.0] * (WIDTH - u)] for u in widths])  # (M, 1, WIDTH) $c_mask
keep = 1.0 - torch.tensor([DROPOUT if c == "dropout" else 0.0 for c in MODELS]).reshape(-1, 1, 1)
g = torch.Generator().manual_seed(SEED)
unif = lambda shape, fan: (torch.rand(shape, generator=g) * 2 - 1) / fan ** 0.5  # $c_uniform
W1, B1 = zip(*[(unif((X.shape[1], WIDTH), X.shape[1]) * mask[m], unif((WIDTH,), X.shape[1]) * mask[m, 0]) for m in range(M)])
C, c0 = [unif((WIDTH, 1), widths[m]) * mask[m, 0, :, None] for m in range(M)], [unif((1,), widths[m]) for m in range(M)]
params = [[t.clone().requires_grad_() for t in ((W1[0], B1[0], C[0], c0[0]) if widths[m] == WIDTH else
          (W1[m], B1[m], C[m], c0[m]))] for m in range(M)]  # $c_same_start
stacked = lambda: [torch.stack(t) for t in zip(*params)]  # $c_stacked
def forward(x, train=True):  # (M, n, D) -> (M, n)
    W, B, Cs, c = stacked()
    h = torch.relu(torch.baddbmm(B[:, None, :], x, W)) * mask
    h = h * (torch.rand(h.shape, generator=g) < keep) / keep if train else h  # $c_dropout
    return torch.baddbmm(c[:, :, None], h, Cs)[:, :, 0]

# %% 3 · $s_loss
def loss_fn(x, y, train=True):  # $c_weighted
    return ((forward(x, train) - y).square() * w).sum(1)

# %% 4 · $s_optimiser
decay = [WEIGHT_DECAY if c == "L2" else 0.0 for c in MODELS]  # $c_l2
optimizer = torch.optim.SGD([{"params": params[m], "weight_decay": decay[m]} for m in range(M)], lr=LR, momentum=MOMENTUM)

# %% 5 · $s_loop
best, stop = (np.inf, 0, None), None  # $c_best
for step in range(STEPS + 1):
    if step % EVAL_EVERY == 0:
        with torch.no_grad():  # $c_eval_mode
            tr_l, va_l, te_l = loss_fn(x, y, False), *((forward(a, False) - b).square().mean(1) for a, b in ((xv, yv), (xt, yt)))
            W, B, Cs, c = stacked()
            pen = torch.tensor(decay) / 2 * (Cs.square().sum((1, 2)) + c.square().sum(1) + W.square().sum((1, 2)) + B.square().sum(1))  # $c_penalty
        if step % $show == 0:
            print("\\n".join(f"step {step} model {m} train {tr_l[m]:.8g} validation {va_l[m]:.8g} penalty {pen[m]:.8g}"
                            for m in range(M) if m != ES or stop is None))
        if stop is None and va_l[ES] < best[0]:  # $c_es
            best = (float(va_l[ES]), step, [p.detach().clone() for p in params[ES]])
        stop = step if stop is None and step - best[1] >= PATIENCE else stop
    if step == STEPS:
        break
    optimizer.zero_grad(set_to_none=True)
    loss_fn(x + sigma * torch.randn(x.shape, generator=g), y).sum().backward()  # $c_noise; $c_sum
    optimizer.step()

# %% 6 · $s_evaluation
W, B, Cs, c = best[2]  # $c_restore
one = lambda a, b: float((F.linear(torch.relu(F.linear(a, W[:, :WIDTH].T.contiguous(), B[:WIDTH])),
                                   Cs[:WIDTH].T.contiguous(), c)[:, 0] - b).square().mean())
va_l[ES], te_l[ES], tr_l[ES] = one(x_val, y_val), one(x_test, y_test), one(x_pool[:N], y_pool[:N])  # $c_final
print("\\n".join(f"final model {m} validation {va_l[m]:.8g} test {te_l[m]:.8g} train {tr_l[m]:.8g} ({MODELS[m]})" for m in range(M)))
print(f"early stopping best_step {best[1]} stop {STEPS if stop is None else stop} best_val {best[0]:.8g}")
"""


def cures_script(cfg: CuresConfig, lang: str = "en") -> str:
    """The cures part's script for the page's settings ``cfg`` (a ``CuresConfig``, clamped here), commented in
    ``lang``: model m is ``MODELS[m]`` (the box part reads the same run)."""
    cfg = clamp(cfg)
    assert STEPS % CURES_SHOW == 0 and CURES_SHOW % EVAL_EVERY == 0 and tuple(_MODELS) == MODELS_IN_SCRIPT
    out: dict[str, object] = takehome.words("overfitting", lang, cfg.seed)
    out.update(file_name=CURES_FILE, n=cfg.n, n_more=cfg.n_more, noise=repr(float(cfg.noise)), units=cfg.units,
               patience=cfg.patience, weight_decay=repr(float(cfg.weight_decay)), dropout=repr(float(cfg.dropout)),
               width=CURES_WIDTH, steps=STEPS, eval_every=EVAL_EVERY, lr=repr(float(LR)), momentum=repr(float(MOMENTUM)),
               n_test=N_TEST, n_val=N_VAL, split_seed=rng.seed_of(cfg.seed, "overfitting.split"),
               seed=rng.seed_of(cfg.seed, "overfitting.cures"), show=CURES_SHOW)
    return takehome.fill(CURES_TEMPLATE, out)


AUGMENT_FILE = "overfitting_augment.py"

AUGMENT_TEMPLATE = """\
# $c_title_augment
# $c_run: python $file_name
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

# $c_settings
N, TEST, STEPS, LR, CHANNELS, SIDE = $n, $test, $steps, $lr, $channels, $side
AUGMENTS = ["none", "shift", "rotate 180°", "mirror"]  # $c_augments
SPLIT_SEED, INIT_SEEDS, DRAW_SEEDS = $split_seed, $init_seeds, $draw_seeds  # $c_seeds

# %% 1 · $s_data
d = load_digits()  # $c_offline
x, y = torch.from_numpy(d.data.astype("float32") / 16).reshape(-1, 1, SIDE, SIDE), torch.from_numpy(d.target)
perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(SPLIT_SEED))
x_train, y_train, x_test, y_test = x[perm[TEST:TEST + N]], y[perm[TEST:TEST + N]], x[perm[:TEST]], y[perm[:TEST]]  # $c_split_digits
def shift(x, g):  # $c_shift
    t = torch.randint(-1, 2, (x.shape[0], 2), generator=g).to(x.dtype) * (2 / SIDE)  # (B, 2) $c_grid
    theta = torch.zeros(x.shape[0], 2, 3, dtype=x.dtype)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, :, 2] = -t
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="nearest", padding_mode="zeros", align_corners=False)
def rotate(x, g):  # $c_rotate
    return torch.where((torch.rand(x.shape[0], generator=g) < 0.5)[:, None, None, None], torch.rot90(x, 2, dims=(2, 3)), x)
def mirror(x, g):  # $c_mirror
    return torch.where((torch.rand(x.shape[0], generator=g) < 0.5)[:, None, None, None], torch.flip(x, dims=(3,)), x)
AUGMENT = {"none": lambda x, g: x, "shift": shift, "rotate 180°": rotate, "mirror": mirror}

# %% 2 · $s_model
def init(g):  # $c_init
    u = lambda shape, fan: (torch.rand(shape, generator=g) * 2 - 1) / fan ** 0.5
    flat = CHANNELS * (SIDE // 2) ** 2
    return {"conv.weight": u((CHANNELS, 1, 3, 3), 9), "conv.bias": u((CHANNELS,), 9),
            "head.weight": u((10, flat), flat), "head.bias": u((10,), flat)}
nets = [init(torch.Generator().manual_seed(INIT_SEEDS[a])) for a in AUGMENTS]
w = {k: torch.stack([net[k] for net in nets]).requires_grad_() for k in nets[0]}  # (M, ...) $c_stack
M = len(AUGMENTS)
def forward(x):  # (M, B, 1, 8, 8) -> (M, B, 10)
    b = x.shape[1]
    cols = F.unfold(x.reshape(M * b, 1, SIDE, SIDE), 3, padding=1)  # (M·B, 9, 64) $c_unfold
    cols = cols.view(M, b, 9, SIDE * SIDE).transpose(2, 3).reshape(M, b * SIDE * SIDE, 9)
    z = torch.relu(torch.bmm(cols, w["conv.weight"].reshape(M, CHANNELS, 9).mT) + w["conv.bias"][:, None])  # $c_conv
    z = z.view(M * b, SIDE, SIDE, CHANNELS).permute(0, 3, 1, 2)  # (M·B, C, 8, 8)
    z = F.max_pool2d(z, 2).reshape(M, b, -1)  # $c_pool
    return z @ w["head.weight"].mT + w["head.bias"][:, None]

# %% 3 · $s_loss
def loss_fn(xs, ys):  # $c_ce
    return F.cross_entropy(forward(xs).flatten(0, 1), ys.flatten(), reduction="none").view(M, -1).mean(1)

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam(list(w.values()), lr=LR, foreach=True)  # $c_adam

# %% 5 · $s_loop
gens = [torch.Generator().manual_seed(DRAW_SEEDS[a]) for a in AUGMENTS]  # $c_draws
for step in range(STEPS):
    xs = torch.stack([AUGMENT[a](x_train, g) for a, g in zip(AUGMENTS, gens)])  # (M, N, 1, 8, 8) $c_fresh
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(xs, y_train.repeat(M, 1))  # (M,)
    loss.sum().backward()  # $c_sum
    optimizer.step()
print(" ".join(f"{a}: loss {v:.8g}" for a, v in zip(AUGMENTS, loss.tolist())))  # $c_last_loss

# %% 6 · $s_evaluation
with torch.no_grad():
    hit = forward(x_test[None].repeat(M, 1, 1, 1, 1)).argmax(-1) == y_test  # (M, TEST) $c_hit
for m, a in enumerate(AUGMENTS):
    digits = " ".join(f"{float(hit[m][y_test == k].float().mean()):.8g}" for k in range(10))
    print(f"{a}: accuracy {float(hit[m].float().mean()):.8g} digits {digits}")  # $c_digits
"""


def augment_script(cfg: AugmentConfig, lang: str = "en") -> str:
    """The augmentation part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    assert AUGMENTS == ("none", "shift", "rotate 180°", "mirror")  # the template's order
    out: dict[str, object] = takehome.words("overfitting", lang, cfg.seed)

    def seeds(purpose: str) -> str:  # {augmentation: its torch seed}, as Python
        return "{" + ", ".join(f'"{a}": {rng.seed_of(cfg.seed, f"{purpose}:{a}")}' for a in AUGMENTS) + "}"

    out.update(file_name=AUGMENT_FILE, n=cfg.n, test=AUG_TEST, steps=AUG_STEPS, lr=repr(float(AUG_LR)),
               channels=CHANNELS, side=SIDE, split_seed=rng.seed_of(cfg.seed, "overfitting.augment_split"),
               init_seeds=seeds("overfitting.augment_init"), draw_seeds=seeds("overfitting.augment_draw"))
    return takehome.fill(AUGMENT_TEMPLATE, out)
