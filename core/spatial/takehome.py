"""The training part as a take-home script: scikit-learn's digits turned, scaled and shifted on a 16×16 canvas (the
page's split and distortions), a plain CNN and a CNN behind a spatial transformer (and, with the switch on, a CNN on
freshly distorted copies) with the page's initial weights, Adam on the page's minibatches, and the test accuracies
at the epochs the page measures them. The racers train as the page trains them (the two CNNs as one grouped computation, the augmented CNN on
its own, one Adam over all, one backward of the summed losses, the same memory layout), so the script prints the page's numbers.
The replay's watched digits are left out (they change no weight). One template filled with the config (every torch
seed written in as a number: ``rng.seed_of``), commented in the session's language; tests/test_takehome.py runs it and
compares its numbers with ``race``.
"""
from __future__ import annotations

from core import rng, takehome
from core.convolution.nets import fc_width
from core.params import clamp
from core.spatial.data import CANVAS, DIGIT, N_TRAIN
from core.spatial.nets import FILTERS, FLAT, HIDDEN, IDENTITY
from core.spatial.race import BATCH, EVAL_CHUNK, LR, MEASURES, RACERS, TrainConfig
from core.spatial.warp import PADDING

FILE_NAME = "spatial_transformer.py"

AUGMENT = ", distort(x8[tr[idx]], *draw(len(idx), aug_g))[None]"  # the augmented CNN's fresh distortions

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

# $c_settings
ROTATION, SCALE_MIN, SCALE_MAX, SHIFT, EPOCHS, RACERS = $rotation, $scale_min, $scale_max, $shift, $epochs, $racers
N_TRAIN, CANVAS, DIGIT, C, FLAT, FC, HIDDEN, BATCH, LR = $n_train, $canvas, $digit, $c, $flat, $fc, $hidden, $batch, $lr
SPLIT_SEED, DISTORT_SEED, BATCH_SEED = $split_seed, $distort_seed, $batch_seed
LOCALISER_SEED, AUGMENT_SEED, INIT_SEEDS = $localiser_seed, $augment_seed, $init_seeds

# %% 1 · $s_data
d = load_digits()  # $c_offline
x8, labels = torch.tensor(d.images, dtype=torch.float32) / 16.0, torch.tensor(d.target)  # (1797, 8, 8), (1797,)
def draw(n, g):  # $c_draw
    u = lambda: torch.rand(n, generator=g)
    return (u() * 2 - 1) * ROTATION, SCALE_MIN + u() * (SCALE_MAX - SCALE_MIN), (u() * 2 - 1) * SHIFT, (u() * 2 - 1) * SHIFT
def distort(img8, angle, scale, tx, ty):  # (n, 8, 8) -> (n, 1, CANVAS, CANVAS) $c_distort
    a = -angle * (torch.pi / 180)
    inv = torch.stack([torch.stack([a.cos(), a.sin()], -1), torch.stack([-a.sin(), a.cos()], -1)], -2) / scale[:, None, None]
    theta = torch.cat([inv, -inv @ (torch.stack([tx, ty], -1)[..., None] * 2)], -1) * (CANVAS / DIGIT)  # (n, 2, 3)
    grid = F.affine_grid(theta, [len(img8), 1, CANVAS, CANVAS], align_corners=False)
    return F.grid_sample(img8[:, None], grid, padding_mode="zeros", align_corners=False)
perm = torch.randperm(len(x8), generator=torch.Generator().manual_seed(SPLIT_SEED))
tr, te, g = perm[:N_TRAIN], perm[N_TRAIN:], torch.Generator().manual_seed(DISTORT_SEED)  # $c_split
x_train, x_test = distort(x8[tr], *draw(N_TRAIN, g)), distort(x8[te], *draw(len(te), g))

# %% 2 · $s_model
def uniform(shape, fan_in, g):  # $c_uniform
    return (torch.rand(shape, generator=g) * 2 - 1) / fan_in ** 0.5
def classifier(g):  # $c_classifier
    p = [uniform((C, 1, 3, 3), 9, g), uniform((C,), 9, g), uniform((2 * C, C, 3, 3), 9 * C, g), uniform((2 * C,), 9 * C, g)]
    torch.rand(2 * C * 10 + 10 + CANVAS ** 2 * FC + FC + FC * 10 + 10, generator=g)  # $c_skip
    return p + [uniform((FLAT, 10), FLAT, g), uniform((10,), FLAT, g)]  # $c_head
cls = [torch.stack(p).requires_grad_() for p in zip(*(classifier(torch.Generator().manual_seed(s)) for s in INIT_SEEDS))]  # $c_all
g = torch.Generator().manual_seed(LOCALISER_SEED)  # $c_localiser
l1, l1_b, l2, l2_b = loc = [t.requires_grad_() for t in (uniform((1, CANVAS ** 2 // 4, HIDDEN), CANVAS ** 2 // 4, g),
       uniform((1, HIDDEN), CANVAS ** 2 // 4, g), torch.zeros(1, HIDDEN, 6), torch.tensor([[$identity]]))]  # $c_identity
def warped(x):  # (1, n, 1, S, S) -> $c_warped
    h = F.relu(torch.bmm(F.avg_pool2d(x[0], 2).reshape(1, -1, CANVAS ** 2 // 4), l1) + l1_b[:, None, :])
    theta = (torch.bmm(h, l2) + l2_b[:, None, :]).reshape(-1, 2, 3)  # (n, 2, 3)
    grid = F.affine_grid(theta, list(x[0].shape), align_corners=False)
    return F.grid_sample(x[0], grid, mode="bilinear", padding_mode="$padding", align_corners=False)[None]
def logits(x, a, b):  # (R, n, 1, S, S) -> (R, n, 10): $c_cnn
    (w1, b1, w2, b2, head, head_b), r = (p[a:b] for p in cls), b - a
    z = x.permute(1, 3, 4, 2, 0).contiguous().permute(0, 4, 3, 1, 2).reshape(x.shape[1], r, CANVAS, CANVAS)  # $c_layout
    h = F.relu(F.max_pool2d(F.conv2d(z, w1.reshape(r * C, 1, 3, 3), b1.reshape(-1), padding=1, groups=r), 2))
    h = F.relu(F.max_pool2d(F.conv2d(h, w2.reshape(r * 2 * C, C, 3, 3), b2.reshape(-1), padding=1, groups=r), 2))
    return torch.bmm(h.reshape(len(z), r, FLAT).transpose(0, 1), head) + head_b[:, None, :]
def racers(x, fresh=None):  # $c_racers
    z = logits(torch.cat([x, warped(x)]), 0, 2)  # $c_pair
    return z if len(RACERS) == 2 else torch.cat([z, logits(x if fresh is None else fresh, 2, 3)])

# %% 3 · $s_loss
def loss_fn(z, y):  # (R, n, 10), (n,) -> (R,) $c_ce
    return F.cross_entropy(z.transpose(1, 2), y.repeat(len(z), 1), reduction="none").mean(1)

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam(cls + loc, lr=LR, fused=True)  # $c_adam

# %% 5 · $s_loop
@torch.no_grad()
def accuracy(epoch):  # $c_accuracy
    hits = sum((racers(x_test[None, i:i + $chunk]).argmax(-1) == labels[te][i:i + $chunk]).float().sum(1)
               for i in range(0, len(te), $chunk))
    print(f"epoch {epoch}", " ".join(f"{k} {a:.8g}" for k, a in zip(RACERS, (hits / len(te)).tolist())))
batches, aug_g = torch.Generator().manual_seed(BATCH_SEED), torch.Generator().manual_seed(AUGMENT_SEED)
accuracy(0)
for epoch in range(1, EPOCHS + 1):
    for idx in torch.randperm(N_TRAIN, generator=batches).split(BATCH):  # $c_shuffle
        loss = loss_fn(racers(x_train[None, idx]$fresh), labels[tr][idx])  # (R,) $c_loss_line
        optimizer.zero_grad()
        loss.sum().backward()  # $c_sum
        optimizer.step()
    if epoch % $every == 0 and epoch < EPOCHS:  # $c_when
        accuracy(epoch)

# %% 6 · $s_evaluation
accuracy(EPOCHS)  # $c_final
"""


def script(cfg: TrainConfig, lang: str = "en") -> str:
    """The race's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    racers = cfg.racers()
    out: dict[str, object] = takehome.words("spatial", lang, cfg.seed)
    r = cfg.ranges()
    out.update(file_name=FILE_NAME, rotation=repr(float(r.rotation)), scale_min=repr(float(r.scale_min)),
               scale_max=repr(float(r.scale_max)), shift=repr(float(r.shift)), epochs=cfg.epochs, racers=repr(racers),
               n_train=N_TRAIN, canvas=CANVAS, digit=DIGIT, c=FILTERS, flat=FLAT,
               fc=fc_width(CANVAS, FILTERS), hidden=HIDDEN,
               batch=BATCH, lr=repr(LR), split_seed=rng.seed_of(cfg.seed, "spatial.split"),
               distort_seed=rng.seed_of(cfg.seed, "spatial.distort"),
               batch_seed=rng.seed_of(cfg.seed, "spatial.batches"),
               localiser_seed=rng.seed_of(cfg.seed, "spatial.init.localiser"),
               augment_seed=rng.seed_of(cfg.seed, "spatial.augment"),
               init_seeds="[" + ", ".join(str(rng.seed_of(cfg.seed, f"spatial.init.{k}")) for k in RACERS) + "]",
               identity=", ".join(map(repr, IDENTITY)), padding=PADDING, chunk=EVAL_CHUNK,
               every=max(1, cfg.epochs // MEASURES))
    out["fresh"] = AUGMENT if cfg.augment else ""
    out["c_loss_line"] = out["c_fresh"] if cfg.augment else ""
    return takehome.fill(TEMPLATE, out)
