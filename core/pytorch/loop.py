"""The script part's computation: what the downloadable script does, section by section, in the app.

``run(cfg)`` performs the script's statements in the script's order (core/pytorch/template.py), with the
app's seeded generators in place of the script's ``torch.Generator().manual_seed(n)`` and ``torch.manual_seed``
(the same torch seeds: ``rng.seed_of``), so the losses it records are the ones the script prints on the same
machine. It also keeps what the page follows while the script runs: a few test predictions after every epoch,
the untrained model's loss, the reloaded copies' predictions. Plain SGD as the script writes it (no
``foreach``/``fused`` keyword: the script's own default), so the two stay the same arithmetic.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from core import params, rng, train
from core.export import safetensors_bytes
from core.params import choice
from core.pytorch.tasks import SHOWN, TASKS, Task, prepare
from core.pytorch.template import PURPOSES

BEAT = 0.75  # "learned something real": test loss under this share of the constant guess's (regressions)
ACCURATE = 0.8  # digits: "learned something real": test accuracy above this


@dataclass(frozen=True)
class ScriptConfig:
    task: str = choice("seattle", TASKS, widget="radio")  # the data set: two regressions and a classifier
    hidden: int = choice(16, (4, 8, 16, 32, 64))  # neurons of the hidden layer
    lr: float = choice(0.05, (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0))  # SGD's learning rate
    batch: int = choice(32, (8, 16, 32, 64, 128))  # the DataLoader's batch_size
    epochs: int = choice(15, (3, 5, 10, 15, 20, 30, 40, 60), widget="select_slider")  # passes over the training part
    seed: int = 0  # the page's seed: every torch seed written into the script derives from it


def script_device() -> str:
    """The device the notes choose: ``"cuda" if torch.cuda.is_available() else "cpu"`` (``DLC_DEVICE`` wins)."""
    forced = os.environ.get("DLC_DEVICE", "").strip()
    return forced or ("cuda" if torch.cuda.is_available() else "cpu")


def make_model(task: Task, hidden: int, device: str, gen: torch.Generator | None = None) -> nn.Sequential:
    """The script's ``nn.Sequential``; with ``gen``, PyTorch's default initialisation drawn from it, in the
    order ``nn.Linear`` draws it (what the take-home script, its own process, gets by seeding torch and constructing).
    Built on the meta device first: the app's models never draw from the global generator."""
    m = nn.Sequential(nn.Linear(task.d_in, hidden, device="meta"), nn.ReLU(),
                      nn.Linear(hidden, task.d_out, device="meta")).to_empty(device="cpu")
    with torch.no_grad():
        for layer in (m[0], m[2]):
            if gen is None:
                continue
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=gen)
            bound = 1 / math.sqrt(layer.in_features)
            nn.init.uniform_(layer.bias, -bound, bound, generator=gen)
    return m.to(device)


@dataclass
class ScriptResult:
    config: ScriptConfig
    device: str  # where it ran ("cpu", "cuda")
    cuda: bool  # torch.cuda.is_available() on this server
    task: str
    sizes: tuple[int, int, int]  # training, validation, test examples
    d_in: int
    d_out: int
    n_params: int
    batches: int  # minibatches per epoch
    log: train.TrainLog  # one step per epoch: the epoch's mean training loss
    train: list[float]  # per epoch, as the script prints it
    val: list[float]
    untrained: float  # validation loss before the first update
    baseline: float  # test loss of a constant guess (the training mean; for digits: uniform probabilities)
    test: float | None  # None when the run diverged
    accuracy: float | None  # digits only
    targets: np.ndarray  # (SHOWN,) the first test examples' targets in display units
    preds: np.ndarray  # (epochs_done + 1, SHOWN) their predictions before training and after every epoch
    same: dict[str, bool]  # "state_dict", "safetensors" -> reloaded copy predicts identically
    weights: bytes  # the trained weights as .safetensors (b"" when the run diverged)

    @property
    def diverged(self) -> bool:
        return self.log.diverged

    @property
    def epochs_done(self) -> int:
        return len(self.train)

    def history(self) -> pd.DataFrame:
        """epoch, split ("train", "val"), loss: finite values only."""
        e = np.arange(1, self.epochs_done + 1)
        df = pd.concat([pd.DataFrame({"epoch": e, "split": s, "loss": v}) for s, v in
                        (("train", self.train), ("val", self.val[:len(e)]))], ignore_index=True)
        return df[np.isfinite(df.loss)].reset_index(drop=True)


@dataclass
class Live:
    """What ``progress`` gets while the script runs: the log so far and the partial result."""
    log: train.TrainLog
    result: ScriptResult


def run(cfg: ScriptConfig, progress=None, device: str | None = None) -> ScriptResult:
    """The script's computation on ``device`` (default: ``script_device()``), section by section."""
    cfg = params.clamp(cfg)
    dev = device or script_device()
    # 1 data: the split, standardised on its training part; batches in the seeded order of the script
    t = prepare(cfg.task, cfg.seed, PURPOSES["split"])
    x, y = t.x, t.y
    loader = DataLoader(TensorDataset(x[t.train], y[t.train]), batch_size=cfg.batch, shuffle=True,
                        generator=rng.generator(cfg.seed, PURPOSES["batch"]))
    # 2 device and model
    model = make_model(t, cfg.hidden, dev, rng.generator(cfg.seed, PURPOSES["init"]))
    # 3 loss, 4 optimiser
    loss_fn = nn.CrossEntropyLoss() if t.classes else nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    pred = (lambda xb: model(xb)) if t.classes else (lambda xb: model(xb).squeeze(1))

    def evaluate(idx) -> float:
        model.eval()
        with torch.no_grad():
            xb, yb = x[idx].to(dev), y[idx].to(dev)
            return loss_fn(pred(xb), yb).item()

    shown_x = x[t.test[:SHOWN]].to(dev)

    def guesses() -> np.ndarray:
        model.eval()
        with torch.no_grad():
            out = model(shown_x).cpu()
        return t.shown(out.argmax(1) if t.classes else out[:, 0])

    if t.classes:
        baseline = math.log(t.classes)
    else:
        baseline = float(((y[t.test] - y[t.train].mean()) ** 2).mean())
    res = ScriptResult(cfg, dev, torch.cuda.is_available(), cfg.task, (len(t.train), len(t.val), len(t.test)),
                       t.d_in, t.d_out, sum(p.numel() for p in model.parameters()), len(loader),
                       train.TrainLog(np.zeros((0, 1)), cfg.epochs, [None], "running", 0.0), [], [],
                       evaluate(t.val), baseline, None, None, t.shown(y[t.test[:SHOWN]]), guesses()[None],
                       {}, b"")

    # 5 training loop: one train.run step per epoch, its loss the epoch's mean as the script prints it
    def epoch(_: int) -> torch.Tensor:
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(dev), yb.to(dev)
            optimizer.zero_grad()
            loss = loss_fn(pred(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        res.train.append(total / len(t.train))
        res.val.append(evaluate(t.val))
        res.preds = np.concatenate([res.preds, guesses()[None]])
        return torch.tensor(res.train[-1])

    def report(log) -> None:
        res.log = log
        progress(Live(log, res))

    res.log = train.run(epoch, cfg.epochs, progress=report if progress else None, check_every=1)
    n = res.log.steps  # epochs kept (a diverged epoch is dropped from the log)
    res.train, res.val, res.preds = res.train[:n], res.val[:n], res.preds[:n + 1]
    if res.log.diverged or res.log.stopped != "done":
        return res
    # 6 evaluation on the test part
    res.test = evaluate(t.test)
    if t.classes:
        model.eval()
        with torch.no_grad():
            guess = model(x[t.test].to(dev)).argmax(1).cpu()
        res.accuracy = (guess == y[t.test]).float().mean().item()
    # 7 save and load: the state_dict in memory, and the .safetensors file
    from safetensors.torch import load

    state = model.state_dict()
    res.weights = safetensors_bytes({"": {k: v.cpu() for k, v in state.items()}}, cfg)
    for name, weights in (("state_dict", state), ("safetensors", load(res.weights))):
        copy = make_model(t, cfg.hidden, dev)
        copy.load_state_dict(weights)
        copy.eval()
        model.eval()
        with torch.no_grad():
            res.same[name] = torch.equal(copy(x[t.test].to(dev)), model(x[t.test].to(dev)))
    return res


@dataclass(frozen=True)
class ScriptFacts:
    untrained: float
    final_train: float
    final_val: float
    test: float
    baseline: float
    ratio: float  # test loss over the baseline's
    beats: bool  # regressions: ratio under BEAT; digits: accuracy above ACCURATE
    accuracy: float | None
    identical: bool  # both reloaded copies predict exactly what the model predicts
    fell: bool  # the validation loss ended below the untrained model's

    @property
    def sentences(self) -> tuple[str, ...]:
        """The page's sentences about this run (catalogue keys), in order; ``verdict`` fills the second."""
        return ("fell" if self.fell else "not_fell", "test_regression" if self.accuracy is None else "test_digits",
                "same" if self.identical else "differ")

    @property
    def verdict(self) -> str:
        return "beats" if self.beats else "not_yet"

    def fields(self) -> dict[str, str]:
        """The numbers the page's sentences quote, formatted."""
        return {"test": f"{self.test:.4f}", "base": f"{self.baseline:.4f}", "ratio": f"{self.ratio:.0%}",
                "acc": f"{(self.accuracy or 0):.1%}", "untrained": f"{self.untrained:.4f}",
                "final": f"{self.final_val:.4f}"}


def frame_fields(r: ScriptResult, epoch: int) -> dict[str, object]:
    """The numbers a replay frame's sentence quotes after ``epoch`` epochs (0: before training), formatted."""
    n = r.sizes
    return dict(train=n[0], val=n[1], test=n[2], d_in=r.d_in, params=f"{r.n_params:,}", device=r.device,
                lr=f"{r.config.lr:g}", batches=r.batches, epoch=epoch, epochs=r.config.epochs,
                loss=f"{r.untrained:.4f}", tr=f"{r.train[epoch - 1]:.4f}" if epoch else "",
                va=f"{r.val[epoch - 1]:.4f}" if epoch else "", test_loss=f"{r.test or 0:.4f}",
                same=bool(r.same) and all(r.same.values()))


def facts(r: ScriptResult) -> ScriptFacts | None:
    """The sentences of a finished run (None when it diverged: the page says so instead)."""
    if r.test is None:
        return None
    beats = (r.accuracy or 0.0) > ACCURATE if r.accuracy is not None else r.test < BEAT * r.baseline
    return ScriptFacts(r.untrained, r.train[-1], r.val[-1], r.test, r.baseline, r.test / r.baseline, beats,
                       r.accuracy, all(r.same.values()) and len(r.same) == 2, r.val[-1] < r.untrained)
