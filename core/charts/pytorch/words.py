"""The PyTorch-basics page's sentences that depend on a result, worded from what core computed and decided
(``core.pytorch``: each facts record names its sentences), in the page's catalogue (core/locales/<lang>/pytorch.toml),
colour words from the charts' colour constants; ``lang`` last. No decision is taken here."""
from __future__ import annotations

from core import i18n
from core.charts.pytorch.curves import MODE_COLOURS, SPLIT_COLOURS
from core.charts.pytorch.grids import ORIGIN_COLOURS, shape_text
from core.pytorch import SECTIONS, GradFacts, GradResult, LoaderConfig, LoaderFacts, ScriptFacts, ScriptResult, \
    ShapeConfig, ShapeFacts, ShapeResult, frame_fields


class _Words:
    """The page's text in one language: ``w("running", ...)`` is ``pytorch.running``."""

    def __init__(self, lang: str) -> None:
        self.tr = i18n.translator(lang)

    def __call__(self, key: str, **fields) -> str:
        return self.tr(f"pytorch.{key}", **fields)

    def colour(self, name: str) -> str:
        return self.tr(f"common.colour.{name}")


def section_steps(titles: list[str], section: str) -> str:
    """The script's sections as a row of badges: those done ticked, the running one marked (markdown)."""
    at = SECTIONS.index(section)
    return " ".join(f":primary-badge[▶ {b}]" if i == at else f":gray-badge[{'✓ ' if i < at else ''}{b}]"
                    for i, b in enumerate(titles))


def frame_said(r: ScriptResult, title: str, section: str, epoch: int, lang: str = "en") -> str:
    """The running section's title and what it did, with this frame's numbers (markdown)."""
    w, said = _Words(lang), frame_fields(r, epoch)
    return (f"**▶ {w('running', title=title)}** · "
            + w(f"did.{section}", **{**said, "same": w("yes" if said["same"] else "no")}))


def script_notice(f: ScriptFacts, lang: str = "en") -> str:
    w = _Words(lang)
    return " ".join(w(k, **f.fields(), val=w.colour(SPLIT_COLOURS["val"]), verdict=w(f.verdict)) for k in f.sentences)


def shape_notice(r: ShapeResult, f: ShapeFacts, cfg: ShapeConfig, lang: str = "en") -> str:
    """What the operation did to the shapes, colour words for where each output value came from."""
    w = _Words(lang)
    shape = {k: shape_text(t) for k, t in (("a", r.a), ("b", r.b), ("out", r.out)) if t is not None}
    words = {v: w.colour(v) for v in ORIGIN_COLOURS.values()}
    return " ".join(w(k, **shape, **words, dim=cfg.dim) for k in f.sentences)


def grad_words(r: GradResult, f: GradFacts, lang: str = "en") -> tuple[str, str]:
    """(autograd against the hand-derived gradients, and the gradients after two backward passes; what to notice)."""
    w = _Words(lang)
    twice = ", ".join(f"{k}.grad = {v:.4g}" for k, v in r.twice.items())
    caption = w("agree" if f.agree else "disagree", diff=f"{f.max_diff:.1g}", twice=twice)
    notice = (w("notice_grad", green=w.colour(MODE_COLOURS["zero_grad"]), vermillion=w.colour(MODE_COLOURS["forgot"]))
              + " " + w("sums" if f.sums else "no_sums"))
    return caption, notice


def loader_notice(f: LoaderFacts, cfg: LoaderConfig, lang: str = "en") -> str:
    w = _Words(lang)
    return " ".join(w(k, per=f.per_epoch, n=cfg.n, b=cfg.batch_size, last=f.last, k=f.dropped, grey=w.colour("grey"))
                    for k in f.sentences)


def bug_caption(lang: str = "en") -> str:
    """Which curve is which under the broken and the correct script's charts."""
    w = _Words(lang)
    return w("bug_caption", train=w.colour(SPLIT_COLOURS["train"]), val=w.colour(SPLIT_COLOURS["val"]))
