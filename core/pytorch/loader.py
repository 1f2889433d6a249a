"""The data part: which example lands in which batch, epoch after epoch, read from a real ``DataLoader``.

The dataset is the notes' ``Dataset`` subclass at its simplest: example ``i`` is the number ``i``, so a batch
shows the indices it holds. ``shuffle`` draws a new order every epoch from the seeded ``torch.Generator``
passed to the loader; ``drop_last`` leaves out the last, smaller batch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from torch.utils.data import DataLoader, Dataset

from core import params, rng
from core.params import flag, num

PURPOSE = "pytorch.loader"  # the generator's stream under the page's seed


@dataclass(frozen=True)
class LoaderConfig:
    n: int = num(10, 2, 40, step=1)  # examples in the dataset
    batch_size: int = num(4, 1, 40, step=1)  # examples per batch
    shuffle: bool = flag(True)  # a new random order every epoch
    drop_last: bool = flag(False)  # leave out the last batch when it is smaller
    epochs: int = num(3, 1, 6, step=1)  # epochs listed
    seed: int = 0  # the generator's seed (shuffle only)


class Numbers(Dataset):
    """Example ``i`` is the number ``i``: what ``__getitem__`` returns is the index itself."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> int:
        return i


def loader(cfg: LoaderConfig) -> DataLoader:
    """The real loader of the settings, with its seeded generator."""
    return DataLoader(Numbers(cfg.n), batch_size=cfg.batch_size, shuffle=cfg.shuffle, drop_last=cfg.drop_last,
                      generator=rng.generator(cfg.seed, PURPOSE))


def code(cfg: LoaderConfig) -> str:
    """The few lines that make this loader (language-neutral)."""
    return ("class Numbers(Dataset):  # example i is the number i\n"
            f"    def __len__(self): return {cfg.n}\n"
            "    def __getitem__(self, i): return i\n\n"
            f"g = torch.Generator().manual_seed({rng.seed_of(cfg.seed, PURPOSE)})\n"
            f"loader = DataLoader(Numbers(), batch_size={cfg.batch_size}, shuffle={cfg.shuffle}, "
            f"drop_last={cfg.drop_last}, generator=g)\n"
            f"for epoch in range({cfg.epochs}):\n"
            "    for batch in loader:\n"
            "        print(epoch, batch.tolist())")


@dataclass
class LoaderResult:
    config: LoaderConfig
    table: pd.DataFrame  # epoch (1-based), batch (1-based), slot (position in the epoch), index, dropped
    batches: list[list[list[int]]]  # per epoch, per batch, the indices as the loader gave them


def run(cfg: LoaderConfig) -> LoaderResult:
    cfg = params.clamp(cfg)
    dl = loader(cfg)
    rows, out = [], []
    for e in range(1, cfg.epochs + 1):
        got = [b.tolist() for b in dl]
        out.append(got)
        seen = [i for b in got for i in b]
        slot = 0
        for k, b in enumerate(got, 1):
            for i in b:
                rows.append((e, k, slot, i, False))
                slot += 1
        for i in sorted(set(range(cfg.n)) - set(seen)):  # left out by drop_last (after the kept ones)
            rows.append((e, 0, slot, i, True))
            slot += 1
    return LoaderResult(cfg, pd.DataFrame(rows, columns=["epoch", "batch", "slot", "index", "dropped"]), out)


@dataclass(frozen=True)
class LoaderFacts:
    per_epoch: int  # batches per epoch
    expected: int  # ceil(n / B), or floor(n / B) with drop_last
    last: int  # the last kept batch's size
    dropped: int  # examples left out each epoch
    once: bool  # every epoch gives every kept example exactly once (no repeats)
    same_order: bool  # every epoch in the same order
    dropped_change: bool  # with shuffle and drop_last: the left-out examples differ between two epochs

    @property
    def sentences(self) -> tuple[str, ...]:
        """The page's sentences (catalogue keys), in order."""
        return ("batches",) + (("dropped",) if self.dropped else ()) + (("dropped_change",) if self.dropped_change
                                                                         else ()) \
            + ("same_order" if self.same_order else "new_order",)


def facts(r: LoaderResult) -> LoaderFacts:
    c = r.config
    n, b = c.n, c.batch_size
    expected = n // b if c.drop_last else math.ceil(n / b)
    per = {len(e) for e in r.batches}
    flat = [[i for bt in e for i in bt] for e in r.batches]
    once = all(len(f) == len(set(f)) for f in flat)
    left = [frozenset(range(n)) - set(f) for f in flat]
    return LoaderFacts(per.pop() if len(per) == 1 else -1, expected, len(r.batches[0][-1]) if r.batches[0] else 0,
                       n - len(flat[0]), once, all(f == flat[0] for f in flat), len(set(left)) > 1)
