"""The convolution page's sentences that depend on a result, worded from what core computed and decided
(``core.convolution``), in the page's catalogue (core/locales/<lang>/convolution.toml), colour words from the
charts' colour constants; ``lang`` last. No decision is taken here."""
from __future__ import annotations

from core import i18n
from core.charts.convolution.grid import SHIFT_COLOURS, SIGN_COLOURS
from core.charts.convolution.race import MODEL_COLOURS
from core.convolution import SAID, PoolResult, RaceFacts


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
