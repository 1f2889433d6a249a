"""The convolution page's training parts as take-home scripts: the race (a CNN against a fully connected network
with no more parameters, on scikit-learn's digits placed on a canvas, augmentation optional) and the depth part (a
deep narrow CNN against a wide shallow one on the 8×8 digits). Each script draws the page's split and placements,
the page's initial weights and minibatches from the page's seeds (written in as numbers: ``rng.seed_of``), trains
the two networks as the page does (one foreach Adam over both, one backward of the summed losses, the classes along
dim 1 of the loss's input as the page's batched layout has them: bit for bit the page's weights) and prints the
accuracies the page's curves draw. Templates filled with the config, commented in the session's
language; tests/test_takehome.py runs them and compares their numbers with ``race`` and ``depth``.
"""
from __future__ import annotations

from core import rng, takehome
from core.convolution.depth import BATCH as DEPTH_BATCH
from core.convolution.depth import EVAL_EVERY as DEPTH_EVERY
from core.convolution.depth import LR as DEPTH_LR
from core.convolution.depth import AHEAD, DepthConfig, wide_width
from core.convolution.digits import CANVAS, N_TEST, TEST_COLS, TRAIN_COLS
from core.convolution.nets import fc_width
from core.convolution.race import BATCH, EVAL_EVERY, LR, N_EVAL_TRAIN, RaceConfig
from core.params import clamp

RACE_FILE = "cnn_race.py"
DEPTH_FILE = "cnn_depth.py"

LOOP = """\
measure(0)
while step < STEPS:
    for idx in torch.randperm(N_TRAIN, generator=g).split(BATCH)[:STEPS - step]:  # $c_shuffle
        x, y = $batch_xy, y_train[idx]
        loss = loss_fn($net_a(x), y) + loss_fn($net_b(x), y)
        optimizer.zero_grad()
        loss.backward()  # $c_sum
        optimizer.step()
        step += 1
        if step % EVERY == 0 or step == STEPS:
            measure(step)
"""  # both scripts' training loop: two networks on the same minibatches, one backward of the summed losses

RACE = """\
# $c_title_race
# $c_run: python $file_name
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

# $c_settings
PLACEMENT, N_TRAIN, C, STEPS, AUGMENT = "$placement", $n_train, $c, $steps, $augment
N_TEST, CANVAS, TRAIN_COLS, TEST_COLS, H = $n_test, $canvas, $train_cols, $test_cols, $h
BATCH, LR, EVERY, N_EVAL = $batch, $lr, $every, $n_eval
SPLIT_SEED, INIT_SEED, BATCH_SEED = $split_seed, $init_seed, $batch_seed

# %% 1 · $s_data
d = load_digits()  # $c_offline
x8, labels = torch.tensor(d.images, dtype=torch.float32) / 16.0, torch.tensor(d.target)  # (1797, 8, 8), (1797,)
g = torch.Generator().manual_seed(SPLIT_SEED)
perm = torch.randperm(len(x8), generator=g)
te, tr = perm[:N_TEST], perm[N_TEST:N_TEST + N_TRAIN]  # $c_split
def place(img, cols):  # $c_place
    rows = torch.randint(0, CANVAS - 7, (len(img),), generator=g).tolist()
    at = torch.tensor(cols)[torch.randint(0, len(cols), (len(img),), generator=g)].tolist()
    return torch.stack([F.pad(im, (c, CANVAS - 8 - c, r, CANVAS - 8 - r)) for im, r, c in zip(img, rows, at)])
train_cols, test_cols = (TRAIN_COLS, TEST_COLS) if PLACEMENT == "unseen" else (tuple(range(CANVAS - 7)),) * 2  # $c_unseen
x_train, x_test = (x8[tr], x8[te]) if PLACEMENT == "centred" else (place(x8[tr], train_cols), place(x8[te], test_cols))
x_train, x_test, y_train, y_test = x_train[:, None], x_test[:, None], labels[tr], labels[te]  # (n, 1, S, S)
def augment(x, g):  # $c_augment
    ang = (torch.rand(len(x), generator=g) * 2 - 1) * 10.0 * torch.pi / 180
    t = (torch.rand(len(x), 2, generator=g) * 2 - 1) * 1.0 * 2 / x.shape[-1]
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([torch.stack([cos, -sin, t[:, 0]], 1), torch.stack([sin, cos, t[:, 1]], 1)], 1)  # (n, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")

# %% 2 · $s_model
g, S = torch.Generator().manual_seed(INIT_SEED), x_train.shape[-1]
def uniform(shape, fan_in):  # $c_uniform
    return ((torch.rand(shape, generator=g) * 2 - 1) / fan_in ** 0.5).requires_grad_()
cnn = [uniform((C, 1, 3, 3), 9), uniform((C,), 9), uniform((2 * C, C, 3, 3), 9 * C), uniform((2 * C,), 9 * C),
       uniform((2 * C, 10), 2 * C), uniform((10,), 2 * C)]  # $c_cnn
fc = [uniform((S * S, H), S * S), uniform((H,), S * S), uniform((H, 10), H), uniform((10,), H)]  # $c_fc
def cnn_net(x):  # (n, 1, S, S) -> (n, 10)
    w1, b1, w2, b2, wo, bo = cnn
    a = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)  # (n, C, S/2, S/2)
    a = F.relu(F.conv2d(a, w2, b2, padding=1))  # (n, 2C, S/2, S/2)
    return a.amax(dim=(2, 3)) @ wo + bo  # $c_global
def fc_net(x):  # (n, 1, S, S) -> (n, 10)
    w1, b1, w2, b2 = fc
    return F.relu(x.flatten(1) @ w1 + b1) @ w2 + b2

# %% 3 · $s_loss
def loss_fn(z, y):  # (n, 10), (n,) -> $c_ce
    return F.cross_entropy(z.T[None], y[None])  # $c_layout

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam(cnn + fc, lr=LR, foreach=True)  # $c_adam

# %% 5 · $s_loop
@torch.no_grad()
def measure(step):  # $c_measure
    acc = lambda net, x, y: f"{(net(x).argmax(-1) == y).float().mean().item():.8g}"
    print(f"step {step}", *(f"{k}_train {acc(net, x_train[:N_EVAL], y_train[:N_EVAL])} {k}_test {acc(net, x_test, y_test)}"
                            for k, net in (("cnn", cnn_net), ("fc", fc_net))))
g, step = torch.Generator().manual_seed(BATCH_SEED), 0  # $c_batches
${loop}
# %% 6 · $s_evaluation
with torch.no_grad():  # $c_final_race
    for name, net in (("cnn", cnn_net), ("fc", fc_net)):
        hit = net(x_test).argmax(-1) == y_test
        print(f"final {name} accuracy {hit.float().mean().item():.8g} errors", y_test[~hit].bincount(minlength=10).tolist())
"""


def race_script(cfg: RaceConfig, lang: str = "en") -> str:
    """The race's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    side = 8 if cfg.placement == "centred" else CANVAS
    out: dict[str, object] = takehome.words("convolution", lang, cfg.seed)
    out.update(file_name=RACE_FILE, placement=cfg.placement, n_train=cfg.n_train, c=cfg.filters, steps=cfg.steps,
               augment=cfg.augment, n_test=N_TEST, canvas=CANVAS, train_cols=repr(TRAIN_COLS),
               test_cols=repr(TEST_COLS), h=fc_width(side, cfg.filters), batch=BATCH, lr=repr(LR), every=EVAL_EVERY,
               n_eval=min(N_EVAL_TRAIN, cfg.n_train), split_seed=rng.seed_of(cfg.seed, "convolution.placement"),
               init_seed=rng.seed_of(cfg.seed, "convolution.race_init"),
               batch_seed=rng.seed_of(cfg.seed, "convolution.race_batches"))
    out["loop"] = takehome.fill(LOOP, {**out, "batch_xy": "(augment(x_train[idx], g) if AUGMENT else x_train[idx])",
                                       "net_a": "cnn_net", "net_b": "fc_net"})
    return takehome.fill(RACE, out)


DEPTH = """\
# $c_title_depth
# $c_run: python $file_name
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

# $c_settings
C, N_TRAIN, STEPS = $c, $n_train, $steps
W, N_TEST, BATCH, LR, EVERY, AHEAD = $w, $n_test, $batch, $lr, $every, $ahead
SPLIT_SEED, INIT_SEED, BATCH_SEED = $split_seed, $init_seed, $batch_seed

# %% 1 · $s_data
d = load_digits()  # $c_offline
x8, labels = torch.tensor(d.images, dtype=torch.float32) / 16.0, torch.tensor(d.target)  # (1797, 8, 8), (1797,)
perm = torch.randperm(len(x8), generator=torch.Generator().manual_seed(SPLIT_SEED))
te, tr = perm[:N_TEST], perm[N_TEST:N_TEST + N_TRAIN]  # $c_split
x_train, x_test, y_train, y_test = x8[tr, None], x8[te, None], labels[tr], labels[te]  # (n, 1, 8, 8): $c_shipped

# %% 2 · $s_model
g = torch.Generator().manual_seed(INIT_SEED)
def uniform(shape, fan_in):  # $c_uniform
    return ((torch.rand(shape, generator=g) * 2 - 1) / fan_in ** 0.5).requires_grad_()
deep = [uniform((C, 1, 3, 3), 9), uniform((C,), 9), uniform((C, C, 3, 3), 9 * C), uniform((C,), 9 * C),
        uniform((C, C, 3, 3), 9 * C), uniform((C,), 9 * C), uniform((C, 10), C), uniform((10,), C)]  # $c_deep
wide = [uniform((W, 1, 7, 7), 49), uniform((W,), 49), uniform((W, 10), W), uniform((10,), W)]  # $c_wide
def deep_net(x):  # (n, 1, 8, 8) -> (n, 10)
    w1, b1, w2, b2, w3, b3, wo, bo = deep
    a = F.relu(F.conv2d(x, w1, b1, padding=1))  # (n, C, 8, 8)
    a = F.relu(F.conv2d(a, w2, b2, padding=1))  # $c_window5
    a = F.relu(F.conv2d(a, w3, b3, padding=1))  # $c_window7
    return a.amax(dim=(2, 3)) @ wo + bo  # $c_global
def wide_net(x):  # (n, 1, 8, 8) -> (n, 10)
    wc, bc, wo, bo = wide
    a = F.relu(F.conv2d(x, wc, bc, padding=3))  # $c_big
    return a.amax(dim=(2, 3)) @ wo + bo
def count(params):
    return sum(p.numel() for p in params)
print("parameters deep", count(deep), "wide", count(wide))

# %% 3 · $s_loss
def loss_fn(z, y):  # (n, 10), (n,) -> $c_ce
    return F.cross_entropy(z.T[None], y[None])  # $c_layout

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam(deep + wide, lr=LR, foreach=True)  # $c_adam

# %% 5 · $s_loop
@torch.no_grad()
def accuracy(net):  # $c_test
    return (net(x_test).argmax(-1) == y_test).float().mean().item()
def measure(step):
    print(f"step {step} deep {accuracy(deep_net):.8g} wide {accuracy(wide_net):.8g}")
g, step = torch.Generator().manual_seed(BATCH_SEED), 0
${loop}
# %% 6 · $s_evaluation
d, w = accuracy(deep_net), accuracy(wide_net)  # $c_final_depth
verdict = "wide ahead" if w > d + AHEAD else "deep ahead" if d > w + AHEAD else "close"
print(f"final deep accuracy {d:.8g} wide accuracy {w:.8g}:", verdict)
"""


def depth_script(cfg: DepthConfig, lang: str = "en") -> str:
    """The depth part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("convolution", lang, cfg.seed)
    out.update(file_name=DEPTH_FILE, c=cfg.deep_width, n_train=cfg.deep_train, steps=cfg.deep_steps,
               w=wide_width(cfg.deep_width), n_test=N_TEST, batch=DEPTH_BATCH, lr=repr(DEPTH_LR), every=DEPTH_EVERY,
               split_seed=rng.seed_of(cfg.seed, "convolution.placement"),
               init_seed=rng.seed_of(cfg.seed, "convolution.depth_init"),
               batch_seed=rng.seed_of(cfg.seed, "convolution.depth_batches"), ahead=repr(AHEAD))
    out["loop"] = takehome.fill(LOOP, {**out, "batch_xy": "x_train[idx]", "net_a": "deep_net", "net_b": "wide_net"})
    return takehome.fill(DEPTH, out)
