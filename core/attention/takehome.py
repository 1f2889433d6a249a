"""The attention page's training parts as take-home scripts (core/takehome.py): ``train_script`` (the tiny
transformers), ``rnn_script`` (the RNN on reverse), ``images_script`` (a CNN and self-attention per training-set size).
Each fills a template from the clamped config (the page's torch seeds written in: ``rng.seed_of``), commented in the
session's language; batched models train batched, as on the page, so the numbers are the page's bit for bit."""
from __future__ import annotations

from core import rng, takehome
from core.attention import images
from core.attention.rnn import RnnConfig
from core.attention.transformer import BATCH, EVAL_EVERY, EVAL_SEQUENCES, TrainConfig
from core.params import clamp

TRAIN_FILE = "tiny_transformer.py"
RNN_FILE = "rnn_reverse.py"
RNN_PRINTS = 10  # the RNN's loop prints its training loss this many times
IMAGES_FILE = "attention_vs_cnn_digits.py"


def _seeds(seed: int, **purposes: str) -> dict[str, int]:
    """{field: the torch seed of the page's stream "attention.<purpose>"}."""
    return {k: rng.seed_of(seed, f"attention.{v}") for k, v in purposes.items()}


TARGETS = {"reverse": "x.flip(1)  # (n, T) $c_reverse", "sort": "x.sort(dim=1).values  # (n, T) $c_sort",
           "shift by 1": "x.roll(1, dims=1)  # (n, T) $c_shift"}  # the task's target, as transformer.task_batch
POSITIONS = {  # the first model's positional encoding (the second adds it times 0)
    "learned": "pos = init(T, D, fan=1)  # (2, T, D) $c_learned\n",
    "sinusoidal": (
        "p, i = torch.arange(T, dtype=torch.float32)[:, None], torch.arange(0, D, 2, dtype=torch.float32)\n"
        "ang = p / torch.pow(10000.0, i / D)  # (T, D/2) $c_sinusoidal\n"
        "pos = torch.stack([torch.sin(ang), torch.cos(ang)], -1).reshape(T, D).expand(2, T, D)  # (2, T, D) $c_fixed\n"),
}

TRAIN_TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import math

import torch
from torch.nn import functional as F

# $c_settings
TASK, LAYERS, HEADS, PE, LR, STEPS = "$task", $layers, $heads, "$pe", $lr, $steps
T, V, D, BATCH, HELD_OUT, EVAL_EVERY = $length, $vocab, $d, $batch, $held_out, $eval_every
INIT_SEED, BATCH_SEED, HELD_SEED = $init_seed, $batch_seed, $held_seed

# %% 1 · $s_data
def task_batch(n, g):  # $c_task
    x = torch.randint(0, V, (n, T), generator=g)  # (n, T)
    return x, $target
xe, ye = (t.repeat(2, 1, 1) for t in task_batch(HELD_OUT, torch.Generator().manual_seed(HELD_SEED)))  # $c_held
batches = torch.Generator().manual_seed(BATCH_SEED)  # $c_batches

# %% 2 · $s_model
g = torch.Generator().manual_seed(INIT_SEED)
def init(*shape, fan):  # $c_init
    return (torch.randn(*shape, generator=g) / math.sqrt(fan)).repeat(2, *[1] * len(shape)).requires_grad_()
emb = init(V, D, fan=1)  # (2, V, D) $c_emb
${positions}wqkv, wo = init(LAYERS, 3 * D, D, fan=D), init(LAYERS, D, D, fan=D)  # $c_attn
w1, w2, out = init(LAYERS, D, D, fan=D), init(LAYERS, D, D, fan=D), init(V, D, fan=D)  # $c_ffn
use_pe = torch.tensor([1.0, 0.0])[:, None, None, None]  # (2, 1, 1, 1) $c_use_pe
def linear(x, w):  # (2, n, in) @ (2, out, in)ᵀ: $c_linear
    return torch.bmm(x, w.transpose(-1, -2))
def model(x):  # (2, B, T) -> (2, B, T, V) $c_model
    B = x.shape[1]
    h = (emb[torch.arange(2)[:, None, None], x] + use_pe * pos[:, None]).reshape(2, B * T, D)  # (2, BT, D)
    for l in range(LAYERS):  # $c_block
        qkv = linear(F.layer_norm(h, (D,)), wqkv[:, l]).reshape(2, B, T, 3 * D)
        q, k, v = (t.reshape(2, B, T, HEADS, D // HEADS).transpose(2, 3) for t in qkv.split(D, dim=-1))
        a = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(D // HEADS), dim=-1)  # (2, B, H, T, T) $c_weights
        h = h + linear((a @ v).transpose(2, 3).reshape(2, B * T, D), wo[:, l])  # $c_concat
        h = h + linear(torch.relu(linear(F.layer_norm(h, (D,)), w1[:, l])), w2[:, l])  # $c_relu
    return linear(F.layer_norm(h, (D,)), out).reshape(2, B, T, V)

# %% 3 · $s_loss
def losses(logits, y):  # (2, B, T, V), (2, B, T) -> (2,) $c_ce
    ce = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), reduction="none")
    return ce.reshape(2, -1).mean(1)

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam([emb, wqkv, wo, w1, w2, out] + [pos] * (PE == "learned"), lr=LR)  # $c_adam

# %% 5 · $s_loop
@torch.no_grad()
def evaluate(step):  # $c_evaluate
    logits = model(xe)  # (2, HELD_OUT, T, V)
    loss, hit = losses(logits, ye).tolist(), (logits.argmax(-1) == ye).float()  # hit: (2, HELD_OUT, T)
    acc = hit.mean((1, 2)).tolist()
    print(f"step {step} with_pe loss {loss[0]:.8g} accuracy {acc[0]:.8g} "
          f"without_pe loss {loss[1]:.8g} accuracy {acc[1]:.8g}")
    return logits.argmax(-1), acc, hit.min(-1).values.mean(1).tolist()
last = evaluate(0)
for step in range(1, STEPS + 1):
    x, y = (t.repeat(2, 1, 1) for t in task_batch(BATCH, batches))  # $c_same
    loss = losses(model(x), y)  # (2,)
    if not torch.isfinite(loss).all() or loss.max() > 1e12:  # $c_blowup
        print(f"diverged at step {step}")
        break
    optimizer.zero_grad()
    loss.sum().backward()  # $c_sum
    optimizer.step()
    if step % EVAL_EVERY == 0 or step == STEPS:
        last = evaluate(step)

# %% 6 · $s_evaluation
predicted, acc, exact = last  # $c_final
for m, name in enumerate(("with_pe", "without_pe")):
    print(f"final {name} accuracy {acc[m]:.8g} exact {exact[m]:.8g}")
print("example input", *xe[0, 0].tolist(), "target", *ye[0, 0].tolist())  # $c_example
print("example with_pe", *predicted[0, 0].tolist(), "without_pe", *predicted[1, 0].tolist())
"""


def train_script(cfg: TrainConfig, lang: str = "en") -> str:
    """The tiny transformer's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("attention", lang, cfg.seed)
    out.update(file_name=TRAIN_FILE, task=cfg.task, layers=cfg.layers, heads=cfg.heads, pe=cfg.pe,
               lr=repr(float(cfg.lr)), steps=cfg.steps, length=cfg.length, vocab=cfg.vocab, d=cfg.d, batch=BATCH,
               held_out=EVAL_SEQUENCES, eval_every=EVAL_EVERY, **_seeds(cfg.seed, init_seed="model_init",
               batch_seed="transformer_init", held_seed="transformer_held_out"))  # the batches' stream: "..._init"
    out["target"] = takehome.fill(TARGETS[cfg.task], out)
    out["positions"] = takehome.fill(POSITIONS[cfg.pe], out)
    return takehome.fill(TRAIN_TEMPLATE, out)


RNN_TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import math

import torch
from torch import nn

# $c_settings
CELL, HIDDEN, LR, STEPS = "$cell", $hidden, $lr, $steps
T, V, BATCH, HELD_OUT = $length, $vocab, $batch, $held_out
INIT_SEED, BATCH_SEED, HELD_SEED = $init_seed, $batch_seed, $held_seed

# %% 1 · $s_data
def reverse_batch(n, g):  # $c_task
    x = torch.randint(0, V, (n, T), generator=g)  # (n, T)
    return x, x.flip(1)  # $c_reverse
xe, ye = reverse_batch(HELD_OUT, torch.Generator().manual_seed(HELD_SEED))  # (HELD_OUT, T) $c_held
batches = torch.Generator().manual_seed(BATCH_SEED)  # $c_batches

# %% 2 · $s_model
class Reader(nn.Module):  # $c_reader
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V + 1, HIDDEN)  # $c_blank
        self.rnn = nn.$cell(HIDDEN, HIDDEN, batch_first=True)  # $c_cell
        self.out = nn.Linear(HIDDEN, V)
        g = torch.Generator().manual_seed(INIT_SEED)
        with torch.no_grad():  # $c_init
            for name, p in self.named_parameters():
                b = 1 / math.sqrt(HIDDEN)
                p.normal_(0.0, 1.0, generator=g) if name.startswith("emb") else p.uniform_(-b, b, generator=g)

    def forward(self, x):  # (B, T) -> (B, T, V)
        blanks = torch.full_like(x, V)  # (B, T) $c_blanks
        h, _ = self.rnn(self.emb(torch.cat([x, blanks], 1)))  # (B, 2T, HIDDEN) $c_steps
        return self.out(h[:, T:])  # $c_write
model = Reader()

# %% 3 · $s_loss
loss_fn = nn.CrossEntropyLoss()  # $c_ce

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam(model.parameters(), lr=LR)

# %% 5 · $s_loop
for step in range(1, STEPS + 1):
    x, y = reverse_batch(BATCH, batches)  # $c_fresh
    loss = loss_fn(model(x).reshape(-1, V), y.reshape(-1))
    if not math.isfinite(loss.item()) or loss.item() > 1e12:  # $c_blowup
        print(f"diverged at step {step}")
        break
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % $every == 0 or step == STEPS:
        print(f"step {step} loss {loss.item():.8g}")  # $c_loss

# %% 6 · $s_evaluation
with torch.no_grad():
    right = (model(xe).argmax(-1) == ye).float().mean(0)  # (T,) $c_position
for j in range(T):  # $c_distance
    print(f"output {j + 1} distance {2 * j + 1} accuracy {right[j].item():.8g}")
print(f"mean accuracy {right.mean().item():.8g} sequential steps {2 * T}")  # $c_mean
"""


def rnn_script(cfg: RnnConfig, lang: str = "en") -> str:
    """The RNN's script on reverse for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    out: dict[str, object] = takehome.words("attention_rnn", lang, cfg.seed)
    out.update(file_name=RNN_FILE, cell=cfg.cell, hidden=cfg.hidden, lr=repr(float(cfg.lr)), steps=cfg.steps,
               length=cfg.length, vocab=cfg.vocab, batch=BATCH, held_out=EVAL_SEQUENCES,
               every=max(1, cfg.steps // RNN_PRINTS),
               **_seeds(cfg.seed, init_seed="rnn_init", batch_seed="rnn_batches", held_seed="rnn_held_out"))
    return takehome.fill(RNN_TEMPLATE, out)


IMAGES_TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import math
import torch
from sklearn.datasets import load_digits
from torch.nn import functional as F

# $c_settings
SIZES, STEPS, LR, BATCH, EVAL_EVERY, N_TEST, C1, C2, D, HEADS = $sizes, $steps, $lr, $batch, $eval_every, $n_test, \
    $c1, $c2, $d, $heads
TEST_SEED, TRAIN_SEED, CNN_SEED, ATTN_SEED = $test_seed, $train_seed, $cnn_seed, $attn_seed
BATCH_SEEDS = $batch_seeds  # $c_batch_seeds

# %% 1 · $s_data
d = load_digits()  # $c_offline
X, Y = torch.tensor(d.images, dtype=torch.float32) / 16.0, torch.tensor(d.target, dtype=torch.long)  # (N, 8, 8), (N,)
order = torch.randperm(1797, generator=torch.Generator().manual_seed(TEST_SEED))  # $c_test
test, pool = order[:N_TEST], order[N_TEST:]
pool = pool[torch.randperm(len(pool), generator=torch.Generator().manual_seed(TRAIN_SEED))]  # $c_pool
M, n = len(SIZES), torch.tensor([float(v) for v in SIZES])  # $c_sizes

# %% 2 · $s_model
def uniform(g, *shape, fan):  # $c_uniform
    return (torch.rand(*shape, generator=g) * 2 - 1) / math.sqrt(fan)
def stacked(**w):  # $c_stacked
    return {k: torch.stack([v] * M).requires_grad_() for k, v in w.items()}
g = torch.Generator().manual_seed(CNN_SEED)  # $c_cnn
cnn = stacked(w1=uniform(g, C1, 1, 3, 3, fan=9), b1=uniform(g, C1, fan=9), w2=uniform(g, C2, C1, 3, 3, fan=9 * C1),
              b2=uniform(g, C2, fan=9 * C1), w3=uniform(g, 10, 4 * C2, fan=4 * C2), b3=uniform(g, 10, fan=4 * C2))
g = torch.Generator().manual_seed(ATTN_SEED)  # $c_attn
att = stacked(we=uniform(g, D, 16, fan=16), be=uniform(g, D, fan=16), pos=torch.randn(4, D, generator=g) * 0.1,
              wqkv=uniform(g, 3 * D, D, fan=D), bqkv=torch.zeros(3 * D), wo=uniform(g, D, D, fan=D), bo=torch.zeros(D),
              w1=uniform(g, 2 * D, D, fan=D), b1=uniform(g, 2 * D, fan=D), w2=uniform(g, D, 2 * D, fan=2 * D),
              b2=uniform(g, D, fan=2 * D), ln_w=torch.ones(3, D), ln_b=torch.zeros(3, D), wout=uniform(g, 10, D, fan=D),
              bout=uniform(g, 10, fan=D))
def conv(h, w, b):  # 3×3 convolution, ReLU, 2×2 max-pooling; $c_groups
    return F.max_pool2d(F.relu(F.conv2d(h, w.flatten(0, 1), b.reshape(-1), padding=1, groups=M)), 2)
def cnn_logits(x):  # (M, B, 8, 8) -> (M, B, 10)
    h = conv(conv(x.transpose(0, 1), cnn["w1"], cnn["b1"]), cnn["w2"], cnn["b2"])  # (B, M C2, 2, 2)
    return torch.baddbmm(cnn["b3"][:, None], h.reshape(-1, M, 4 * C2).transpose(0, 1), cnn["w3"].transpose(1, 2))
lin = lambda x, w, b: torch.baddbmm(att[b][:, None], x, att[w].transpose(1, 2))  # $c_lin
norm = lambda h, i: F.layer_norm(h, (D,)) * att["ln_w"][:, i, None] + att["ln_b"][:, i, None]  # $c_norm
def attn_logits(x):  # (M, B, 8, 8) -> (M, B, 10)
    t = x.reshape(M, -1, 2, 4, 2, 4).transpose(3, 4).reshape(M, -1, 16)  # (M, 4B, 16) $c_patches
    h = (lin(t, "we", "be").reshape(M, -1, 4, D) + att["pos"][:, None]).reshape(M, -1, D)  # $c_tokens
    qkv = lin(norm(h, 0), "wqkv", "bqkv").reshape(M, -1, 4, 3 * D)
    q, k, v = (u.reshape(M, -1, 4, HEADS, D // HEADS).transpose(2, 3) for u in qkv.split(D, dim=-1))
    a = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(D // HEADS), dim=-1)  # (M, B, H, 4, 4) $c_weights
    h = h + lin((a @ v).transpose(2, 3).reshape(M, -1, D), "wo", "bo")
    h = h + lin(torch.relu(lin(norm(h, 1), "w1", "b1")), "w2", "b2")  # $c_mlp
    return lin(norm(h, 2).reshape(M, -1, 4, D).mean(2), "wout", "bout")  # $c_mean

# %% 3 · $s_loss
def losses(logits, y):  # (M, B, 10), (M, B) -> (M,) $c_ce
    return F.cross_entropy(logits.reshape(-1, 10), y.reshape(-1), reduction="none").reshape(M, -1).mean(1)

# %% 4 · $s_optimiser
optimizer = torch.optim.Adam([*cnn.values(), *att.values()], lr=LR, fused=True)  # $c_adam
decay = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: 1 - i / STEPS)  # $c_decay

# %% 5 · $s_loop
gens, xt, yt = [torch.Generator().manual_seed(s) for s in BATCH_SEEDS], X[test].expand(M, -1, -1, -1), Y[test]
models = {"CNN": cnn_logits, "attention": attn_logits}
for step in range(1, STEPS + 1):
    idx = pool[(torch.stack([torch.rand(BATCH, generator=g) for g in gens]) * n[:, None]).long()]  # (M, B) $c_draw
    loss = torch.cat([losses(f(X[idx]), Y[idx]) for f in models.values()])  # (2M,)
    optimizer.zero_grad()
    loss.sum().backward()  # $c_sum
    optimizer.step()
    decay.step()
    for kind, f in models.items() if step % EVAL_EVERY == 0 or step == STEPS else ():  # $c_evaluate
        with torch.no_grad():
            acc = (f(xt).argmax(-1) == yt).float().mean(-1).tolist()  # (M,)
        print(f"step {step} {kind}", *(f"n {v} test {a:.8g}" for v, a in zip(SIZES, acc)))

# %% 6 · $s_evaluation
own, inside = pool[:max(SIZES)].expand(M, -1), (torch.arange(max(SIZES))[None] < n[:, None]).float()  # $c_own
with torch.no_grad():
    for kind, f in models.items():
        hit = (f(X[own]).argmax(-1) == Y[own]).float()  # (M, largest)
        print(f"final {kind}", *(f"n {v} train {a:.8g}" for v, a in zip(SIZES, ((hit * inside).sum(1) / n).tolist())))
"""


def images_script(cfg: images.ImagesConfig, lang: str = "en") -> str:
    """The images part's script for the page's settings ``cfg`` (clamped here), commented in ``lang``."""
    cfg = clamp(cfg)
    sizes = images.sizes_of(cfg)
    out: dict[str, object] = takehome.words("attention_images", lang, cfg.seed)
    out.update(file_name=IMAGES_FILE, sizes=list(sizes), steps=cfg.steps, lr=images.LR, batch=images.BATCH,
               eval_every=images.EVAL_EVERY, n_test=images.N_TEST, c1=images.C1, c2=images.C2, d=images.D,
               heads=images.HEADS, batch_seeds=[rng.seed_of(cfg.seed, f"attention.images_batches.{v}") for v in sizes],
               **_seeds(0, test_seed="images_test"),  # one test set for every seed
               **_seeds(cfg.seed, train_seed="images_train", cnn_seed="images_cnn_init", attn_seed="images_attn_init"))
    return takehome.fill(IMAGES_TEMPLATE, out)
