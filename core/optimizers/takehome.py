"""The optimizer page's three training parts as take-home scripts, each a template filled with the config, the page's
torch seeds written in as numbers (``rng.seed_of``), comments in the session's language; tests/test_takehome.py runs
them and compares their numbers with core's.

- ``real_script``: the real race. Each chosen racer trains its own copy of one 64-hidden-10 network on scikit-learn's
  digits from the same weights on the same minibatches, the racers one after another (the page interleaves them
  update by update; they share nothing, so the numbers are the same). The lecture's momentum and RMSProp are written
  out as a small ``torch.optim.Optimizer``. The page's per-racer compute time is a measurement, not a number to
  reproduce: the script leaves it out.
- ``warmup_script``: why warm-up, the two runs one after another (the page stacks them into one computation). Each
  layer is ``torch.addmm(b, h, W)`` with W stored (in, out), which rounds as the page's ``baddbmm`` does (``nn.Linear``
  does not: its numbers drift apart after a few updates); Adam is fused, as the page's default.
- ``race_script`` (``takehome_race.py``): the race on a 2-D surface, the racers one after another.
Only the chosen racers' lines (and the lecture's forms where one races) are written: with all ten racers on, the
real race's script is 84 lines and the race's up to 88; the page's defaults stay within 80.
"""
from __future__ import annotations

from dataclasses import replace

from core import data, rng, takehome
from core.optimizers.digits import FIRST_UPDATES, RealConfig
from core.optimizers.racers import ADAMW_DECAY, NAMES, RMSPROP_ALPHA, racer
from core.optimizers.warmup import BATCH as WARMUP_BATCH, PROBE_EVERY, RUNS, WIDTH, WarmupConfig
from core.params import clamp

REAL_FILE, WARMUP_FILE, RACE_FILE = "optimizers_real_race.py", "optimizers_warmup.py", "optimizers_race.py"
BETA = 0.9  # the momentum racers' λ on the digits (real_race passes 0.9)
BLOWUP = 1e12  # train.run's default: a loss above this counts as divergence
PRINTS = 10  # the loop prints each racer's minibatch loss about this many times

MAKE = {  # the racer's optimizer, as core/optimizers/racers.py makes it (PyTorch's defaults left out)
    "SGD": "torch.optim.SGD(p, lr=$lr)",
    "Momentum (lecture)": "Lecture(p, dict(lr=$lr, kind=\"momentum\"))",
    "Momentum (PyTorch)": "torch.optim.SGD(p, lr=$lr, momentum=BETA)",
    "Nesterov": "torch.optim.SGD(p, lr=$lr, momentum=max(BETA, 1e-6), nesterov=True)",
    "Adagrad (lecture)": "torch.optim.Adagrad(p, lr=$lr)",
    "Adagrad (PyTorch)": "torch.optim.Adagrad(p, lr=$lr)",
    "RMSProp (lecture)": "Lecture(p, dict(lr=$lr, kind=\"rmsprop\"))",
    "RMSProp (PyTorch)": "torch.optim.RMSprop(p, lr=$lr, alpha=ALPHA)",
    "Adam": "torch.optim.Adam(p, lr=$lr)",
    "AdamW": "torch.optim.AdamW(p, lr=$lr, weight_decay=$decay)",
}

LECTURE = """\
class Lecture(torch.optim.Optimizer):  # $c_lecture
    @torch.no_grad()
    def step(self):
        for p in self.param_groups[0]["params"]:
            g, st, lr = p.grad, self.state[p], self.param_groups[0]["lr"]
            if self.defaults["kind"] == "momentum":  # $c_momentum
                st["m"] = -lr * g if "m" not in st else BETA * st["m"] - lr * g
                p.add_(st["m"])
            else:  # $c_rmsprop
                st["s"] = g * g if "s" not in st else ALPHA * st["s"] + (1 - ALPHA) * g * g
                p.addcdiv_(g, st["s"].sqrt() + 1e-12, value=-lr)

"""

SQRT_T = """\
        if name == "Adagrad (lecture)":  # $c_sqrt_t
            optimizer.param_groups[0]["lr"] = optimizer.defaults["lr"] * math.sqrt(t + 1)
"""

DIGITS = """\
# %% 1 · $s_data
from sklearn.datasets import load_digits  # $c_offline
x, y = load_digits(return_X_y=True)  # (1797, 64), (1797,)
x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(SPLIT_SEED))  # $c_split
train, val = perm[$n_val:].sort().values, perm[:$n_val].sort().values
x = (x - x[train].mean(0)) / x[train].std(0).clamp_min(1e-6)  # $c_standardise
"""  # the digits, split and standardised as core.data.classification does (both digits scripts)

REAL = """\
# $c_title_real
# $c_run: python $file_name
import copy
import math
import torch
from torch import nn

# $c_settings
STEPS, BATCH, HIDDEN, LR_SCALE, BETA, ALPHA = $steps, $batch, $hidden, $lr_scale, $beta, $alpha
SPLIT_SEED, INIT_SEED, BATCH_SEED = $split_seed, $init_seed, $batch_seed

${digits}
# %% 2 · $s_model
start = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))  # $c_init
g = torch.Generator().manual_seed(INIT_SEED)
with torch.no_grad():
    for layer in (start[0], start[2]):
        bound = layer.in_features ** -0.5
        layer.weight.uniform_(-bound, bound, generator=g)  # (out, in)
        layer.bias.uniform_(-bound, bound, generator=g)  # (out,)

# %% 3 · $s_loss
loss_fn = nn.CrossEntropyLoss()  # $c_ce

# %% 4 · $s_optimiser
${lecture}RACERS = {  # $c_optimizers
$optimizers}

# %% 5 · $s_loop
g = torch.Generator().manual_seed(BATCH_SEED)  # $c_batches
orders = [torch.randperm(len(train), generator=g) for _ in range(math.ceil(STEPS / math.ceil(len(train) / BATCH)))]
batches = [train[idx] for order in orders for idx in order.split(BATCH)][:STEPS]  # (BATCH,) $c_last
results = {}
for name, make_optimizer in RACERS.items():  # $c_each
    net = copy.deepcopy(start)  # $c_copy
    optimizer, losses = make_optimizer(list(net.parameters())), []
    for t, idx in enumerate(batches):
        loss = loss_fn(net(x[idx]), y[idx])
        if not math.isfinite(loss.item()) or abs(loss.item()) > $blowup:  # $c_blowup
            break
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
${sqrt_t}        optimizer.step()
    results[name] = (losses, net if len(losses) == STEPS else None)  # $c_survived
    print(f"{name}: losses", " ".join(f"{v:.8g}" for v in losses[$every_1::$every]))  # $c_every

# %% 6 · $s_evaluation
with torch.no_grad():  # $c_accuracy
    for name, (losses, net) in results.items():
        end = f"val_acc {(net(x[val]).argmax(1) == y[val]).float().mean().item():.8g}" if net else "diverged"
        print(f"{name}: updates {len(losses)} mean {sum(losses[:$first]) / len(losses[:$first]):.8g}"
              f" final {losses[-1]:.8g} {end}")
"""


def real_script(cfg: RealConfig = RealConfig(), lang: str = "en") -> str:
    """The real race's script for the page's settings ``cfg`` (clamped, racers in the page's order), in ``lang``."""
    cfg = clamp(cfg)
    cfg = replace(cfg, racers=tuple(n for n in NAMES if n in set(cfg.racers)))
    n_val = len(data.split(1797, 0.25, cfg.seed)[1])  # scikit-learn's 1797 digits, a quarter held out
    out: dict[str, object] = takehome.words("optimizers", lang, cfg.seed)
    out.update(file_name=REAL_FILE, steps=cfg.steps, batch=cfg.batch, hidden=cfg.hidden, lr_scale=float(cfg.lr_scale),
               beta=BETA, alpha=RMSPROP_ALPHA, n_val=n_val, blowup=f"{BLOWUP:g}", first=min(FIRST_UPDATES, cfg.steps),
               every=max(1, cfg.steps // PRINTS), every_1=max(1, cfg.steps // PRINTS) - 1, split_seed=rng.seed_of(cfg.seed, "data.split_b"),
               init_seed=rng.seed_of(cfg.seed, "optimizers.digits_init"),
               batch_seed=rng.seed_of(cfg.seed, "optimizers.digits_batches"))
    out["optimizers"] = "".join(  # the page's η: Racer.net_lr times the scale, the same product
        takehome.fill(f'    "{n}": lambda p: {MAKE[n]},\n', {"lr": f"{racer(n).net_lr!r} * LR_SCALE", "decay": ADAMW_DECAY})
        for n in cfg.racers)
    lecture = any("Lecture" in MAKE[n] for n in cfg.racers)  # the lecture's forms are written out only when racing
    out["lecture"] = takehome.fill(LECTURE, out) if lecture else ""
    out["sqrt_t"] = takehome.fill(SQRT_T, out) if any(racer(n).lr_factor for n in cfg.racers) else ""  # η/√t
    out["digits"] = takehome.fill(DIGITS, out)
    return takehome.fill(REAL, out)


WARMUP = """\
# $c_title_warmup
# $c_run: python $file_name
import math
import torch

# $c_settings
LR, AFTER, DEPTH, STEPS, WIDTH, BATCH, EVERY = $lr, "$after", $depth, $steps, $width, $batch, $every
WARM = {"$run0": 0, "$run1": $warm}  # $c_warm
SPLIT_SEED, INIT_SEED, BATCH_SEED = $split_seed, $init_seed, $batch_seed

${digits}
# %% 2 · $s_model
g, sizes, start = torch.Generator().manual_seed(INIT_SEED), [64] + [WIDTH] * DEPTH + [10], []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):  # $c_init_wu
    w = (torch.rand(fan_out, fan_in, generator=g) * 2 - 1) * fan_in ** -0.5  # (out, in)
    b = (torch.rand(fan_out, generator=g) * 2 - 1) * fan_in ** -0.5  # (out,)
    start.append((w.T.contiguous(), b[None]))  # (in, out), (1, out): $c_layout

def forward(layers, h, pre):  # $c_forward
    for i, (w, b) in enumerate(layers):
        h = torch.addmm(b, h, w)  # $c_addmm
        if i < len(layers) - 1:
            pre.append(h)
            h = torch.relu(h)
    return h

# %% 3 · $s_loss
loss_fn = torch.nn.CrossEntropyLoss(reduction="none")  # $c_ce

# %% 4 · $s_optimiser
def factor(t, warm):  # $c_factor
    if t < warm:
        return (t + 1) / warm
    return 1.0 if AFTER == "constant" else 0.5 * (1 + math.cos(math.pi * (t - warm) / max(1, STEPS - warm)))

# %% 5 · $s_loop
def probe(name, t, layers):  # $c_probe
    with torch.no_grad():
        pre = []
        acc = (forward(layers, x[val], pre).argmax(1) == y[val]).float().mean().item()
        dead = (torch.stack(pre) <= 0).all(1).float().mean().item()  # $c_dead
        print(f"{name}: update {t} dead {dead:.8g} val_acc {acc:.8g}")
        return dead, acc

g = torch.Generator().manual_seed(BATCH_SEED)  # $c_batches_wu
orders = [torch.randperm(len(train), generator=g) for _ in range(math.ceil(STEPS / math.ceil(len(train) / BATCH)))]
batches = [train[idx] for order in orders for idx in order.split(BATCH)][:STEPS]  # (BATCH,) $c_last
results = {}
for name, warm in WARM.items():  # $c_each_wu
    layers = [(w.clone().requires_grad_(), b.clone().requires_grad_()) for w, b in start]
    optimizer = torch.optim.Adam([p for wb in layers for p in wb], lr=LR, fused=True)  # $c_adam
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: factor(t, warm))  # $c_scheduler
    losses, probes = [], {0: probe(name, 0, layers)}
    for t, idx in enumerate(batches):
        loss = loss_fn(forward(layers, x[idx], []), y[idx]).mean()  # $c_mean
        if not math.isfinite(loss.item()) or abs(loss.item()) > $blowup:  # $c_blowup
            print(f"{name}: diverged at update {t + 1}")
            break
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()  # $c_step
        if (t + 1) % EVERY == 0 or t + 1 in (WARM["$run1"], STEPS):
            probes[t + 1] = probe(name, t + 1, layers)
    results[name] = (losses, probes)

# %% 6 · $s_evaluation
for name, (losses, probes) in results.items():  # $c_final
    print(f"{name}: loss", " ".join(f"{v:.8g}" for v in losses[EVERY - 1::EVERY]))
    if STEPS in probes:
        (dead_warm, _), (dead_end, acc_end) = probes[WARM["$run1"]], probes[STEPS]
        print(f"{name}: warm_dead {dead_warm:.8g} end_dead {dead_end:.8g} end_acc {acc_end:.8g}")
"""


def warmup_script(cfg: WarmupConfig = WarmupConfig(), lang: str = "en") -> str:
    """The warm-up part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("optimizers", lang, cfg.seed)
    out.update(file_name=WARMUP_FILE, lr=cfg.lr, after=cfg.after, depth=cfg.depth, steps=cfg.steps, width=WIDTH,
               batch=WARMUP_BATCH, every=PROBE_EVERY, run0=RUNS[0], run1=RUNS[1], warm=min(cfg.warm, cfg.steps),
               n_val=len(data.split(1797, 0.25, cfg.seed)[1]), blowup=f"{BLOWUP:g}",
               split_seed=rng.seed_of(cfg.seed, "data.split_b"),
               init_seed=rng.seed_of(cfg.seed, "optimizers.warmup.init"),
               batch_seed=rng.seed_of(cfg.seed, "optimizers.warmup.batches"))
    out["digits"] = takehome.fill(DIGITS, out)
    return takehome.fill(WARMUP, out)
