"""The experiment as a take-home script: K sigmoids against 2K ReLUs on the page's curve, the page's split, initial
weights, minibatch order, optimiser and epochs, dead ReLUs revived after every epoch as the page does, the train and
validation losses printed along the way. The two models train as the page trains them: side by side as ONE batched
computation (padded to the wider model, a mask zeroes the padding, one optimiser over both, one backward of the summed
losses), so the script gives the page's numbers bit for bit. One template filled with the config (every torch seed
written in as a number: ``rng.seed_of``), commented in the session's language; tests/test_takehome.py runs it and
compares its numbers with ``fit``.
"""
from __future__ import annotations

import inspect

from core import data, rng, takehome, train
from core.fitting.budget import plan
from core.fitting.config import INIT_SCALE, MEAN_BIAS, REVIVE, FitConfig
from core.params import clamp

BLOWUP = inspect.signature(train.run).parameters["blowup"].default  # a loss above it counts as divergence

FILE_NAME = "fitting.py"
EVERY = 10  # the loop prints the losses this many times

CURVE = {  # the page's targets (core/data.py), as numpy
    "piecewise linear": "np.interp(x, [-1.0, -0.5, 0.0, 0.4, 1.0], [0.2, 0.2, 1.2, 0.4, 0.4])",
    "smooth and wiggly": "0.6 * np.sin(3.0 * x) + 0.35 * np.cos(7.0 * x) + 0.3 * x",
    "step": "np.where(x < 0.0, -0.5, 0.5) + 0.0 * x",
    "noisy sample": "0.8 * np.sin(2.5 * x)",
}
SYNTHETIC = (
    "x = np.sort(torch.rand(N, generator=g, dtype=torch.float64).numpy() * 2 - 1)  # (N,) $c_uniform\n"
    "y = $curve + NOISE * torch.randn(N, generator=g, dtype=torch.float64).numpy()\n")
SEATTLE = (
    "from vega_datasets import local_data  # $c_offline\n"
    "temp = local_data.seattle_weather()[\"temp_max\"].to_numpy(dtype=np.float64)  # (1461,) $c_seattle\n"
    "idx = torch.randperm(len(temp), generator=g)[:N].sort().values.numpy()  # (N,)\n"
    "x = 2 * idx / (len(temp) - 1) - 1  # $c_day\n"
    "y = (temp[idx] - temp.mean()) / temp.std() + NOISE * torch.randn(N, generator=g, dtype=torch.float64).numpy()\n")
LOSS = {"MSE": "(pred - y).square().mean(dim=(1, 2))  # $c_mse", "MAE": "(pred - y).abs().mean(dim=(1, 2))  # $c_mae"}
DEEPER = (  # depth 2 and 3: the hidden layers after the first
    "for _ in range(DEPTH - 1):  # $c_deeper\n"
    "    W.append((torch.rand((2, H, H), generator=g) * 2 - 1) * (1.0 / fan.sqrt()) * (mask.transpose(1, 2) * mask))\n"
    "    B.append((torch.rand((2, 1, H), generator=g) * 2 - 1) * (1.0 / fan.sqrt()) * mask)\n")
REVIVE_ONE = (  # one hidden layer: only its ReLUs (model 1) can die
    "    for j in ((acts[0][1] > 0).sum(0) == 0).nonzero()[:, 0].tolist():  # $c_revive\n"
    "        w, q = slopes((1,), revive_g), 0.1 + 0.8 * float(torch.rand((), generator=revive_g))\n"
    "        z = (xt[0] @ w).sort().values  # (n,) $c_pre\n"
    "        W[0][1, :, j], B[0][1, 0, j], C[1, j, 0] = w, -z[int(q * (len(z) - 1))], 0.0  # $c_silent\n"
    "        revived.append((epoch, 0, j))\n")
REVIVE_DEEP = (  # every hidden layer: a unit's inputs are x or the layer below's activations
    "    for l, a in enumerate(acts):  # $c_revive\n"
    "        for j in ((a[1] > 0).sum(0) == 0).nonzero()[:, 0].tolist():\n"
    "            w = slopes((1,), revive_g) if l == 0 else (torch.rand(H, generator=revive_g) * 2 - 1) / H ** 0.5\n"
    "            z = ((xt[0] if l == 0 else acts[l - 1][1]) @ w).sort().values  # (n,) $c_pre\n"
    "            q = 0.1 + 0.8 * float(torch.rand((), generator=revive_g))\n"
    "            W[l][1, :, j], B[l][1, 0, j] = w, -z[int(q * (len(z) - 1))]\n"
    "            (W[l + 1][1, j, :] if l + 1 < DEPTH else C[1, j, :]).zero_()  # $c_silent\n"
    "            revived.append((epoch, l, j))\n")
OPTIMIZER = {"Adam": "torch.optim.Adam(params, lr=LR, fused=True)  # $c_adam",
             "SGD": "torch.optim.SGD(params, lr=LR)  # $c_sgd"}

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import numpy as np
import torch

# $c_settings
N, NOISE, N_VAL, K, DEPTH, INIT_SCALE, LR = $n, $noise, $n_val, $k, $depth, $init_scale, $lr
BATCH, PER_EPOCH, EPOCHS = $batch, $per_epoch, $epochs  # $c_epochs
DATA_SEED, SPLIT_SEED, INIT_SEED, BATCH_SEED, REVIVE_SEED = ($data_seed, $split_seed, $init_seed,
                                                            $batch_seed, $revive_seed)

# %% 1 · $s_data
g = torch.Generator().manual_seed(DATA_SEED)
${load}\
x, y = torch.tensor(x, dtype=torch.float32)[:, None], torch.tensor(y, dtype=torch.float32)[:, None]  # (N, 1)
perm = torch.randperm(N, generator=torch.Generator().manual_seed(SPLIT_SEED))  # $c_split
va, tr = (p.sort().values for p in perm.split([N_VAL, N - N_VAL]))
xt, yt, xv, yv = x[tr][None], y[tr][None], x[va][None], y[va][None]  # (1, n, 1)

# %% 2 · $s_model
H = 2 * K  # $c_pad
mask = torch.tensor([[1.0] * K + [0.0] * K, [1.0] * H])[:, None, :]  # (2, 1, H)
fan, is_sig = torch.tensor([[[float(K)]], [[float(H)]]]), torch.tensor([[[True]], [[False]]])  # (2, 1, 1) $c_fan
def slopes(shape, g):  # $c_slopes
    return torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0) * (0.5 + torch.rand(shape, generator=g) * INIT_SCALE)
g = torch.Generator().manual_seed(INIT_SEED)
w0, u, keys = slopes((2, 1, H), g), torch.rand((2, 1, H), generator=g), torch.rand((2, H), generator=g) + (1 - mask[:, 0])
p0 = torch.clamp(-1 + 2 * (torch.argsort(torch.argsort(keys, 1), 1)[:, None].float() + u) / fan, -1.0, 1.0)  # $c_kinks
w0 = torch.where(p0 > 0, -w0.abs(), w0.abs())  # $c_face
W, B = [w0 * mask], [-w0 * p0 * mask]
${deeper}C = (torch.rand((2, H, 1), generator=g) * 2 - 1) / fan.sqrt() * mask.transpose(1, 2)  # (2, H, 1) $c_c
b = torch.zeros(2, 1, 1) + yt.mean(dim=1, keepdim=True)  # (2, 1, 1) $c_mean
params = [p.requires_grad_() for p in (*W, *B, C, b)]
def forward(x):  # (1, n, 1) -> $c_forward
    acts, a = [], x
    for Wl, Bl in zip(W, B):
        z = a @ Wl + Bl  # (2, n, H)
        acts.append(a := torch.where(is_sig, torch.sigmoid(z), torch.relu(z)) * mask)  # $c_acts
    return acts, a @ C + b  # (2, n, 1)

# %% 3 · $s_loss
def loss_fn(pred, y):  # (2, n, 1) -> (2,)
    return $loss

# %% 4 · $s_optimiser
optimizer = $optimizer

# %% 5 · $s_loop
revive_g, batches, revived = torch.Generator().manual_seed(REVIVE_SEED), torch.Generator().manual_seed(BATCH_SEED), []
@torch.no_grad()
def evaluate(epoch):  # $c_evaluate
    acts = forward(xt)[0]  # $c_acts_all
${revive}    lt, lv = loss_fn(forward(xt)[1], yt).tolist(), loss_fn(forward(xv)[1], yv).tolist()
    if epoch % $every == 0 or epoch == EPOCHS:
        print(f"epoch {epoch} sigmoid train {lt[0]:.8g} validation {lv[0]:.8g} ReLU train {lt[1]:.8g} validation {lv[1]:.8g}")
    return lt, lv
lt, lv = evaluate(0)
for update in range(1, EPOCHS * PER_EPOCH + 1):
    i = (update - 1) % PER_EPOCH  # $c_minibatch
    order = torch.randperm(len(tr), generator=batches) if i == 0 else order  # $c_shuffle
    idx = order[i * BATCH:(i + 1) * BATCH]  # $c_last
    loss = loss_fn(forward(xt[:, idx])[1], yt[:, idx])  # (2,)
    if not torch.isfinite(loss).all() or loss.max().item() > $blowup:  # $c_blowup
        print(f"diverged at update {update}")
        break
    optimizer.zero_grad()
    loss.sum().backward()  # $c_sum
    optimizer.step()
    if i == PER_EPOCH - 1:  # $c_epoch_end
        lt, lv = evaluate(update // PER_EPOCH)

# %% 6 · $s_evaluation
print(f"final sigmoid train {lt[0]:.8g} validation {lv[0]:.8g} ReLU train {lt[1]:.8g} validation {lv[1]:.8g}")
print(f"revived {len(revived)} dead ReLUs")  # $c_final
"""

def script(cfg: FitConfig, lang: str = "en") -> str:
    """The experiment's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    assert MEAN_BIAS and REVIVE  # the template does both
    p = plan(cfg)
    noise = max(cfg.noise, 0.25) if cfg.target == "noisy sample" else cfg.noise  # as core/data.py does
    n = min(cfg.n, len(data.seattle_temperatures()[0])) if cfg.target == "Seattle temperatures" else cfg.n
    out: dict[str, object] = takehome.words("fitting", lang, cfg.seed)
    out.update(file_name=FILE_NAME, n=n, noise=repr(float(noise)), n_val=n - p.n_train, k=cfg.k, depth=cfg.depth,
               lr=repr(float(cfg.lr)), batch=p.batch, per_epoch=p.per_epoch, epochs=p.epochs,
               init_scale=float(INIT_SCALE),
               data_seed=rng.seed_of(cfg.seed, "data.split"), split_seed=rng.seed_of(cfg.seed, "data.split_b"),
               init_seed=rng.seed_of(cfg.seed, "fitting.init"), batch_seed=rng.seed_of(cfg.seed, "fitting.batches"),
               revive_seed=rng.seed_of(cfg.seed, "fitting.revive"), every=max(1, p.epochs // EVERY),
               blowup=f"{BLOWUP:g}")
    fill = lambda s: takehome.fill(s, out)  # noqa: E731 - the fragments carry comments too
    seattle = cfg.target == "Seattle temperatures"
    out["load"] = fill(SEATTLE) if seattle else fill(SYNTHETIC.replace("$curve", CURVE[cfg.target]))
    out["deeper"] = fill(DEEPER) if cfg.depth > 1 else ""
    out["revive"] = fill(REVIVE_DEEP if cfg.depth > 1 else REVIVE_ONE)
    out["loss"] = fill(LOSS[cfg.loss])
    out["optimizer"] = fill(OPTIMIZER[cfg.optimizer])
    return takehome.fill(TEMPLATE, out)
