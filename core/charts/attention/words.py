"""The self-attention page's sentences that depend on a result: worded from what core computed and decided
(``core.attention``), in the page's catalogue (core/locales/<lang>/attention.toml), colour words from the charts'
colour constants; ``lang`` last. No decision is taken here."""
from __future__ import annotations

from dataclasses import dataclass

from core import i18n
from core.attention import (BACK, BATCH, SCALE_CLAIM, SCALE_GAP, SERIES, CalcConfig, CalcResult, Followed,
                            RnnConfig, RnnFacts, RnnResult, TrainConfig, TrainResult, positions_of, repeated_token,
                            shape_learnt)
from core.charts.attention.calculator import FOLLOWED_COLOUR
from core.charts.attention.masks import COST_COLOURS
from core.charts.attention.train import SERIES_COLOURS

DIVIDED = r"/\sqrt{d_k}"  # KaTeX: the scaling in the notice's formulas (never a raw d_k in the text)


class _Words:
    """The page's text in one language: ``w("follow", ...)`` is ``attention.follow``."""

    def __init__(self, lang: str) -> None:
        self.tr = i18n.translator(lang)

    def __call__(self, key: str, **fields) -> str:
        return self.tr(f"attention.{key}", **fields)

    def colour(self, name: str) -> str:
        return self.tr(f"common.colour.{name}")


@dataclass(frozen=True)
class CalcWords:
    """The calculator's three texts under its two charts."""
    caption: str  # which row is followed, what the grey cells are
    rows: str  # what the rows of alpha' sum to, where the followed row looks
    notice: str  # what to notice: the formulas, with or without the scaling


def calc_words(r: CalcResult, cfg: CalcConfig, fl: Followed, lang: str = "en") -> CalcWords:
    w, act = _Words(lang), cfg.activation.lower()
    caption = (w("follow", q=r.labels[fl.row], outline=w.colour(FOLLOWED_COLOUR))
               + (w("masked", grey=w.colour("grey")) if cfg.mask != "none" else "")
               + (w("gap") + w("masks.causal") if cfg.mask == "causal" else "")
               + (w("follow_last", n=r.n) if fl.last else ""))
    rows = w(f"rows.{act}", lo=f"{min(fl.sums):.2f}", hi=f"{max(fl.sums):.2f}", top=fl.top, w=f"{fl.weight:.2f}",
             all=w("sep").join(f"{lab} **{v:.2f}**" for lab, v in zip(r.labels, fl.sums)))
    notice = w("notice.calc", how=w(f"notice.{act}"), act=cfg.activation, div=DIVIDED if cfg.scale else "")
    return CalcWords(caption, rows, notice)


def same_caption(r: CalcResult, cfg: CalcConfig, lang: str = "en") -> str:
    """A word typed twice has one embedding; whether the positions then tell its copies apart."""
    w, rep = _Words(lang), repeated_token(r.tokens)
    same = w("same.word", w=rep, at=w("sep").join(map(str, positions_of(r.tokens, rep)))) if rep else w("same.none")
    return same + w("gap") + w("same.pe" if cfg.positional else "same.no_pe")


def scale_text(cfg: CalcConfig, peak: dict[bool, float], lang: str = "en") -> str:
    """How peaked the rows are with and without the scaling (``peak[scale]``), and the claim checked on seeds
    (said only without a mask, where it was checked)."""
    w = _Words(lang)
    claim = w("gap") + w("scale_seeds", d=SCALE_CLAIM["d"], gap=f"{SCALE_GAP:g}") if cfg.mask == "none" else ""
    return w("scale", on=f"{peak[True]:.2f}", off=f"{peak[False]:.2f}") + claim


def position_differ(r: CalcResult, cfg: CalcConfig, lang: str = "en") -> str:
    """Why the outputs do more than shuffle: the positional encoding, or a mask tied to positions."""
    w = _Words(lang)
    why = w("position.why_pe") if cfg.positional else w("position.why_mask", mask=w(f"opt.mask.{cfg.mask}"))
    return w("position.differ", err=f"{r.equivariance_error:.2f}", why=why)


def masks_notice(width: int, lang: str = "en") -> str:
    w = _Words(lang)
    return w("masks.notice", w=width, **{k: w.colour(c) for k, c in COST_COLOURS.items()})


def mask_caption(r: CalcResult, cfg: CalcConfig, lang: str = "en") -> str | None:
    """What the mask lets each token see: the graph's edges, or the causal rule; None for the other masks."""
    w = _Words(lang)
    if cfg.mask == "graph":
        return w("masks.graph", edges=w("semi").join(f"{k} → {w('sep').join(v) or '∅'}"
                                                      for k, v in r.neighbours().items()))
    return w("masks.causal") if cfg.mask == "causal" else None


def train_intro(tcfg: TrainConfig, lang: str = "en") -> str:
    w = _Words(lang)
    return w("train.intro", T=tcfg.length, v=tcfg.vocab - 1, b=BATCH, pe=w(f"opt.pe.{tcfg.pe}"))


def train_metrics(res: TrainResult, lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) of the four metrics: accuracy and whole sequences right, with and without positions."""
    w = _Words(lang)
    return [(w(f"train.{k}"), f"{v:.1%}") for k, v in [("acc_pe", res.accuracy[0]), ("acc_nope", res.accuracy[1]),
                                                        ("exact_pe", res.exact[0]), ("exact_nope", res.exact[1])]]


def train_words(res: TrainResult, lang: str = "en") -> tuple[str, str]:
    """(an example sequence and both models' answers, what to notice)."""
    w, tcfg = _Words(lang), res.config
    (x, y), seq = res.example, lambda s: " ".join(map(str, s))
    example = w("train.example", x=seq(x), y=seq(y), p0=seq(res.predicted[0]), p1=seq(res.predicted[1]))
    shape = w(f"train.shape.{tcfg.task}.{'yes' if shape_learnt(res) else 'no'}")
    notice = w("train.notice", need=w(f"train.need.{tcfg.task}"), shape=shape, a0=f"{res.accuracy[0]:.1%}",
               a1=f"{res.accuracy[1]:.1%}", e1=f"{res.exact[1]:.1%}")
    return example, notice


def rnn_words(f: RnnFacts, rn: RnnResult, tiny: TrainResult, rcfg: RnnConfig, lang: str = "en") -> tuple[str, str]:
    """(what the RNN and attention got right by distance, what to notice: sequential steps against layers)."""
    w = _Words(lang)
    cell = w(f"opt.cell.{rcfg.cell}")
    measured = w("rnn.measured", cell=cell, last=f"{f.last:.0%}", d=f.distance, far=f"{f.farthest:.0%}",
                 back=f"{f.back:.0%}" if f.back is not None else "–", back_n=BACK, chance=f"{1 / rcfg.vocab:.0%}",
                 att=f"{f.attention:.0%}", layers=tiny.config.layers)
    att_c, rnn_c = (w.colour(SERIES_COLOURS[s]) for s in SERIES)
    return measured, w("rnn.notice", steps=rn.sequential_steps, layers=tiny.config.layers, att=att_c, rnn=rnn_c)
