"""The bugs part: the script broken in one place, trained beside the correct script on the same data, the same
initial weights and the same batches. Each bug is one switch; what it does is decided in ``facts``
(core/pytorch/bug_facts.py) and checked on ten seeds in both arithmetic modes.

Two bugs change only how the model is evaluated (``eval``: dropout left on; ``no_grad``: the graph kept): for
those one training serves both sides and only the evaluation differs. ``nn.Dropout`` draws from the global
generator, which the app never uses: ``SeededDropout`` is the same layer drawing from a seeded generator.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from core import device, params, rng, train
from core.params import choice
from core.pytorch.loop import make_model
from core.pytorch.tasks import Task, prepare

BUGS = ("zero_grad", "shape", "softmax", "eval", "no_grad", "lr", "shuffle")
TASK = {"zero_grad": "seattle", "shape": "seattle", "softmax": "digits", "eval": "seattle", "no_grad": "seattle",
        "lr": "seattle", "shuffle": "digits"}  # the data each bug is shown on
LR = {"seattle": 0.05, "digits": 0.1}  # the correct script's SGD learning rate
LR_FACTOR = 100  # the "lr" bug: this many times too large
EPOCHS = {"seattle": 8, "digits": 6}  # epochs of both runs
BATCH, HIDDEN = 32, 32
DROPOUT = 0.5  # the "eval" bug's dropout probability (both runs have the layer)
EVAL_BATCH = 32  # the "no_grad" bug evaluates the validation part in batches of this size
CODE = {  # (the correct line, the broken line): the one place each bug changes
    "zero_grad": ("optimizer.zero_grad()", "# optimizer.zero_grad()  ← forgotten"),
    "shape": ("loss = loss_fn(model(xb).squeeze(1), yb)  # (B,) vs (B,)",
              "loss = loss_fn(model(xb), yb)  # (B, 1) vs (B,) → (B, B)"),
    "softmax": ("loss = loss_fn(model(xb), yb)", "loss = loss_fn(torch.softmax(model(xb), dim=1), yb)"),
    "eval": ("model.eval()  # dropout off\nval_loss = evaluate(val)",
             "# model.eval()  ← forgotten\nval_loss = evaluate(val)"),
    "no_grad": ("with torch.no_grad():\n    total += loss_fn(model(xb), yb)",
                "# with torch.no_grad():  ← forgotten\ntotal += loss_fn(model(xb), yb)"),
    "lr": (f"torch.optim.SGD(model.parameters(), lr={LR['seattle']})",
           f"torch.optim.SGD(model.parameters(), lr={LR['seattle'] * LR_FACTOR:g})"),
    "shuffle": ("DataLoader(sorted_by_label, batch_size=32, shuffle=True)",
                "DataLoader(sorted_by_label, batch_size=32, shuffle=False)"),
}


@dataclass(frozen=True)
class BugConfig:
    bug: str = choice("zero_grad", BUGS, widget="radio")  # the bug switched on in the broken script
    seed: int = 0  # data split, initial weights, batch order, dropout masks


class SeededDropout(nn.Module):
    """``nn.Dropout(p)`` with its masks drawn from ``gen``: in training mode each value is zeroed with probability
    ``p`` and the others scaled by 1 / (1 - p); in eval mode it does nothing."""

    def __init__(self, p: float, gen: torch.Generator) -> None:
        super().__init__()
        self.p, self.gen = p, gen

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand(x.shape, generator=self.gen) >= self.p  # (B, H) drawn on the CPU
        return x * keep.to(x.device) / (1 - self.p)


@dataclass
class Run:
    log: train.TrainLog  # one step per update: the training loss as the loop computed it
    val: list[float]  # per epoch: the validation loss as this script computes it
    accuracy: float | None = None  # digits: validation accuracy at the end
    extra: dict = field(default_factory=dict)


@dataclass
class BugResult:
    config: BugConfig
    task: str
    per_epoch: int  # updates per epoch
    broken: Run
    correct: Run
    baseline: float  # validation loss of a constant guess (regression: the training mean; digits: log 10)
    memory: np.ndarray | None = None  # no_grad: (batches, 2) bytes kept by the graph after each batch (broken, correct)
    repeats: np.ndarray | None = None  # eval: (2, k) validation loss evaluated k times (broken, correct)
    warning: str = ""  # shape: PyTorch's own warning


def _loss(t: Task, out: torch.Tensor, yb: torch.Tensor, bug: str | None) -> torch.Tensor:
    if t.classes:
        return F.cross_entropy(torch.softmax(out, dim=1) if bug == "softmax" else out, yb)
    if bug == "shape":  # what nn.MSELoss does with (B, 1) against (B,): broadcast both to (B, B), after a warning
        return F.mse_loss(*torch.broadcast_tensors(out, yb))
    return F.mse_loss(out.squeeze(1), yb)


def _model(t: Task, seed: int, dropout: float) -> nn.Sequential:
    m = make_model(t, HIDDEN, "cpu", rng.generator(seed, "pytorch.bugs.init"))
    if dropout:
        m.insert(2, SeededDropout(dropout, rng.generator(seed, "pytorch.bugs.dropout")))  # after the ReLU
    return m


def _val(t: Task, model: nn.Module, bug: str | None, idx: torch.Tensor | None = None) -> float:
    """The validation loss as the script computes it: eval mode, no graph (``bug`` only where it changes the loss)."""
    idx = t.val if idx is None else idx
    model.eval()
    with torch.no_grad():
        return _loss(t, model(t.x[idx]), t.y[idx], bug if bug in ("shape", "softmax") else None).item()


def accuracy(t: Task, model: nn.Module) -> float:
    model.eval()
    with torch.no_grad():
        return (model(t.x[t.val]).argmax(1) == t.y[t.val]).float().mean().item()


def train_one(t: Task, seed: int, bug: str | None = None, dropout: float = 0.0, sort: bool = False,
              on_epoch=None) -> tuple[nn.Sequential, Run]:
    """One run of the script broken by ``bug`` (None: the correct script). ``sort``: the training part sorted by
    its targets before the loader; ``on_epoch(model)``: the epoch's validation loss (default ``_val``)."""
    model = _model(t, seed, dropout)
    order = t.train[torch.argsort(t.y[t.train], stable=True)] if sort else t.train
    loader = DataLoader(TensorDataset(t.x[order], t.y[order]), batch_size=BATCH, shuffle=bug != "shuffle",
                        generator=rng.generator(seed, "pytorch.bugs.batches"))
    lr = LR[t.name] * (LR_FACTOR if bug == "lr" else 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr, **device.optimizer_impl())
    epochs, per = EPOCHS[t.name], len(loader)
    batches = (b for _ in range(epochs) for b in loader)
    val: list[float] = []

    def step(i: int) -> torch.Tensor:
        xb, yb = next(batches)
        model.train()
        if bug != "zero_grad":
            opt.zero_grad()
        loss = _loss(t, model(xb), yb, bug)
        loss.backward()
        opt.step()
        if (i + 1) % per == 0:
            val.append(on_epoch(model) if on_epoch else _val(t, model, bug))
        return loss.detach()

    log = train.run(step, epochs * per, check_every=per)
    return model, Run(log, val[:log.steps // per], accuracy(t, model) if t.classes and not log.diverged else None)


def kept(t: Task, model: nn.Module, graph: bool) -> tuple[np.ndarray, int]:
    """Evaluate the validation part in batches, adding the losses up as tensors (``total += loss``), with or
    without a graph: the bytes autograd keeps for a backward pass after each batch (parameters not counted:
    they exist anyway), and the number of tensors it keeps."""
    own = {p.untyped_storage().data_ptr() for p in model.parameters()}
    seen: set[int] = set()
    count = [0, 0]  # tensors, bytes

    def pack(x: torch.Tensor) -> torch.Tensor:
        ptr = x.untyped_storage().data_ptr()
        if ptr not in own and ptr not in seen:
            seen.add(ptr)
            count[0] += 1
            count[1] += x.untyped_storage().nbytes()
        return x

    model.eval()
    total, out = torch.zeros(()), []
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda x: x), torch.set_grad_enabled(graph):
        for k in range(0, len(t.val), EVAL_BATCH):
            idx = t.val[k:k + EVAL_BATCH]
            total = total + _loss(t, model(t.x[idx]), t.y[idx], None)
            out.append(count[1])
    return np.array(out, dtype=np.int64), count[0]


@functools.lru_cache(maxsize=1)
def _warning() -> str:
    """PyTorch's own warning for predictions (N, 1) against targets (N,) in nn.MSELoss (caught once per process:
    ``catch_warnings`` changes process-wide state)."""
    import warnings

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        nn.MSELoss()(torch.zeros(4, 1), torch.zeros(4))
    return str(got[0].message) if got else ""


REPEATS = 5  # the eval bug: the validation loss evaluated this many times at the end, each way


def run(cfg: BugConfig) -> BugResult:
    cfg = params.clamp(cfg)
    bug, seed = cfg.bug, cfg.seed
    t = prepare(TASK[bug], seed, "pytorch.bugs.split")
    base = float(np.log(t.classes)) if t.classes else float(((t.y[t.val] - t.y[t.train].mean()) ** 2).mean())
    if bug not in ("eval", "no_grad"):
        _, correct = train_one(t, seed, None, sort=bug == "shuffle")
        _, broken = train_one(t, seed, bug, sort=bug == "shuffle")
        res = BugResult(cfg, t.name, _per_epoch(t), broken, correct, base)
        if bug == "shape":
            res.warning = _warning()
        return res
    if bug == "no_grad":
        model, correct = train_one(t, seed)
        broken = Run(correct.log, list(correct.val))
        res = BugResult(cfg, t.name, _per_epoch(t), broken, correct, base)
        (kb, nb), (kc, nc) = kept(t, model, True), kept(t, model, False)
        res.memory = np.stack([kb, kc], axis=1)
        broken.extra["tensors"], correct.extra["tensors"] = nb, nc
        return res
    twice: list[float] = []
    gen = rng.generator(seed, "pytorch.bugs.eval_dropout")  # the forgotten eval()'s masks, apart from training's

    def both(model: nn.Module) -> float:
        drop = model[2]
        own, drop.gen = drop.gen, gen
        model.train()
        with torch.no_grad():
            twice.append(_loss(t, model(t.x[t.val]), t.y[t.val], None).item())
        drop.gen = own
        return _val(t, model, None)

    model, correct = train_one(t, seed, None, dropout=DROPOUT, on_epoch=both)
    broken = Run(correct.log, twice[:len(correct.val)])
    res = BugResult(cfg, t.name, _per_epoch(t), broken, correct, base)
    reps = [[], []]
    for _ in range(REPEATS):
        both(model)
        reps[0].append(twice[-1])
        reps[1].append(_val(t, model, None))
    res.repeats = np.array(reps)
    return res


def _per_epoch(t: Task) -> int:
    return -(-len(t.train) // BATCH)
