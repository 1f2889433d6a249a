"""The page's sentences other than "What to notice" that depend on a result: why a section shows nothing, the
numbers beside the look inside one optimizer, the text on Adam's bias correction. Worded here, decided in core;
``lang`` last."""
from __future__ import annotations

from core.charts.optimizers.notice import _Words
from core.optimizers import ADAM_BETAS, N_EXAMPLES, Inside, RaceResult


def batch_label(b: int, lang: str = "en") -> str:
    """The batch-size control's option: the whole data set is "full batch"."""
    return _Words(lang)("full_batch", n=N_EXAMPLES) if b == N_EXAMPLES else str(b)


def lr_label(v: float, lang: str = "en") -> str:
    """A learning-rate control's option: 0 is "off"."""
    return _Words(lang)("off") if v == 0 else f"{v:g}"


def _off(r: RaceResult, name: str, w: _Words) -> str | None:
    return None if name in r.racers else w("inside.off", name=w.name(name))


def inside_missing(r: RaceResult, name: str, t: int, lang: str = "en") -> str:
    """Why racer ``name`` has nothing to show at update ``t``: it is not racing, it diverged before, or it has no
    such update."""
    w = _Words(lang)
    if (off := _off(r, name, w)) is not None:
        return off
    d = r.diverged_at(r.racers.index(name))
    return w("inside.diverged", name=w.name(name), step=d) if d else w("inside.none", name=w.name(name), t=t)


def no_ends(r: RaceResult, name: str, lang: str = "en") -> str | None:
    """Why the ends of racer ``name`` cannot be shown (no random starts, or it is not racing), or None."""
    w = _Words(lang)
    return w("ends.no_starts") if not len(r.starts) else _off(r, name, w)


def inside_metrics(ins: Inside, t: int, steps: int, lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) beside the look inside: the update, ηₜ, ηₜ/σ per parameter and the gradient."""
    e, g = ins.eff_lr, ins.grad
    return [(_Words(lang)("inside.t"), f"{t} / {steps}"), ("ηₜ", f"{ins.lr:.3g}"), ("ηₜ/σ · x", f"{e[0]:.3g}"),
            ("ηₜ/σ · y", f"{e[1]:.3g}"), ("g", f"{g[0]:.2g}, {g[1]:.2g}")]


def adam_text(racer: str, n: int, lang: str = "en") -> str:
    """Why Adam corrects its moments, with its β's, beside the chart of ``racer``'s first ``n`` updates."""
    w, (b1, b2) = _Words(lang), ADAM_BETAS
    return w("adam.text", m1=f"{1 - b1:g}", v1=f"{1 - b2:g}", name=w.name(racer), n=n)
