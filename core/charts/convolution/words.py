"""The convolution page's sentences that depend on a result, worded from what core computed and decided
(``core.convolution``), in the page's catalogue (core/locales/<lang>/convolution.toml), colour words from the
charts' colour constants; ``lang`` last. No decision is taken here."""
from __future__ import annotations

from core import i18n
from core.charts.convolution.grid import DEPTH_COLOURS, GO_COLOURS, SHIFT_COLOURS, SIGN_COLOURS
from core.charts.convolution.race import MODEL_COLOURS
from core.convolution import (AHEAD, DEPTH_MODELS, MIN_GAIN, SAID, DepthFacts, GoFacts, PoolResult, RaceFacts,
                              Resized)


class _Words:
    """The page's text in one language: ``w("race.result", ...)`` is ``convolution.race.result``."""

    def __init__(self, lang: str) -> None:
        self.tr = i18n.translator(lang)

    def __call__(self, key: str, **fields) -> str:
        return self.tr(f"convolution.{key}", **fields)

    def colour(self, name: str) -> str:
        return self.tr(f"common.colour.{name}")

    def who(self) -> dict[str, str]:
        """The two networks' names: ``cn`` the CNN, ``fn`` the fully connected one."""
        return {"cn": self("charts.model.CNN"), "fn": self("charts.model.fully connected")}


def race_notice(f: RaceFacts, lang: str = "en") -> str:
    """Which network recognises the test digits, and what the lecture says about it (``f.note``)."""
    w = _Words(lang)
    said = w("race.result", cnn=f.cnn, fc=f.fc, cc=w.colour(MODEL_COLOURS["CNN"]),
             fcc=w.colour(MODEL_COLOURS["fully connected"]), **w.who())
    return said + (w("race.then") + w(f"race.{f.note}", **SAID) if f.note else "")


def draw_notice(label, says: dict, drawn: bool, lang: str = "en") -> str:
    """What both networks say about the digit (one the student drew, or the test digit ``label``)."""
    w = _Words(lang)
    return w("draw.says", this=w("draw.drawn" if drawn else "draw.this_is", digit=label), **w.who(), **says)


def filter_notice(lang: str = "en") -> str:
    w = _Words(lang)
    return w("filter.notice", blue=w.colour(SIGN_COLOURS["negative"]), orange=w.colour(SIGN_COLOURS["positive"]))


def pool_notice(res: PoolResult, shift: int, lang: str = "en") -> str:
    """How much the map changes when the input moves by ``shift`` pixels, before and after pooling."""
    w, ch = _Words(lang), res.change_at(shift)
    less = w("pool.less" if ch.pop("less") else "pool.more")
    return w("pool.notice", **ch, less=less, rc=w.colour(SHIFT_COLOURS["raw"]), pc=w.colour(SHIFT_COLOURS["pooled"]))


def depth_notice(f: DepthFacts, lang: str = "en") -> str:
    """What this run shows of the deep against the wide network (``f.note``: who is ahead, or close)."""
    w = _Words(lang)
    names = {m: w(f"charts.depth.{m}") for m in DEPTH_MODELS}
    said = w("depth.result", deep=names["deep"], wide=names["wide"], ad=f.deep, aw=f.wide,
             dc=w.colour(DEPTH_COLOURS["deep"]), wc=w.colour(DEPTH_COLOURS["wide"]))
    return said + w("race.then") + w(f"depth.{f.note}", points=round(AHEAD * 100))


def go_notice(f: GoFacts, numbers: dict, lang: str = "en") -> str:
    """The two observations on this board, the stones in atari where there are any, and what pooling loses."""
    w = _Words(lang)
    said = [w("go.found" if f.found else "go.none", **numbers)]
    if f.atari:
        said.append(w("go.atari", ring=w.colour(GO_COLOURS["atari"]), **numbers))
    if f.unclear:
        said.append(w("go.unclear", cross=w.colour(GO_COLOURS["capture"]), **numbers))
    return w("race.then").join(said)


def resize_notice(r: Resized, acc: dict, lang: str = "en") -> str:
    """What the CNN says of the digit before and after rescaling, and both ways on every test digit."""
    w = _Words(lang)
    said = w("resize.says", s=r.size, digit=r.label, **r.says, **w.who())
    said += w("race.then") + w("resize.all", s=r.size, **acc)
    return said + (w("race.then") + w("resize.helps", gain=round(MIN_GAIN * 100)) if acc["helps"] else "")
