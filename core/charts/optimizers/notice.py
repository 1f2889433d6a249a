"""The page's "What to notice" sentences, worded from the facts core decided (``core.optimizers.*_facts``).

No decision is taken here: each function only puts a facts record into words of the page's catalogue
(core/locales/<lang>/optimizers.toml), colour words from the charts' colour constants; ``lang`` last.
"""
from __future__ import annotations

from core import i18n
from core.charts.optimizers.adam import ADAM_COLOURS
from core.charts.optimizers.style import ARROW_COLOURS, ENDS_COLOURS, PARAM_COLOURS, racer_label, schedule_label
from core.optimizers import (AdamFacts, EndsFacts, Inside, InsideFacts, RaceFacts, RaceResult, RealFacts, TamingFacts,
                             surface)


class _Words:
    """The page's text in one language: ``w("notice.first", ...)`` is ``optimizers.notice.first``."""

    def __init__(self, lang: str) -> None:
        self.lang, self.tr = lang, i18n.translator(lang)

    def __call__(self, key: str, **fields) -> str:
        return self.tr(f"optimizers.{key}", **fields)

    def colour(self, name: str) -> str:
        return self.tr(f"common.colour.{name}")

    def name(self, racer: str) -> str:
        return racer_label(racer, self.lang)

    def names(self, racers) -> str:
        return self("sep").join(f"**{self.name(n)}**" for n in racers)

    def bullets(self, lines: list[str]) -> str:
        return self("notice_head") + "\n" + "\n".join(f"- {s}" for s in lines)


def race_notice(f: RaceFacts, r: RaceResult, target: float, lang: str = "en") -> str:
    """Who reached the target first, who did not, who diverged or jumped, and the surface's own sentence."""
    w, tg, last, s = _Words(lang), f"{target:g}", r.steps_done, surface(r.config.surface)
    others = [n for n, _ in f.reached[1:]]
    lines = [w("notice.first" if others else "notice.first_alone", name=w.name(f.reached[0][0]),
               steps=f.reached[0][1], target=tg, others=w.names(others)) if f.reached else
             w("notice.nobody", steps=last, target=tg)]
    if f.slow:
        lines.append(w("notice.not_reached", names=w.names(f.slow), steps=last))
    if f.diverged:  # "lower its η" for one racer, "their η" for several
        key = "notice.diverged" if len(f.diverged) > 1 else "notice.diverged_one"
        lines.append(w(key, names=w.names(f.diverged)))
    if f.jumps:
        lines.append(w("notice.jump", parts=w("sep").join(w("notice.jump_at", name=w.name(n), step=j)
                                                          for n, j in f.jumps)))
    if f.valley:
        lines.append(w("notice.valley", names=w.names(f.valley)))
    if f.over:
        lines.append(w("notice.hill", stuck=w.names(f.stuck), over=w.names(f.over), lx=f"{s.local[0][0]:.2f}",
                       gx=f"{s.minima[0][0]:.2f}"))
    return w.bullets(lines)


def taming_notice(f: TamingFacts, lr: float, lang: str = "en") -> str:
    """At the lecture Adagrad's η: the schedules under which it explodes (from which run length), the others."""
    w = _Words(lang)
    return w(f"sched.notice.{f.verdict}", lr=f"{lr:g}", calm=w("sep").join(schedule_label(k, lang) for k in f.calm),
             boom=w("sep").join(w("sched.from", schedule=schedule_label(k, lang), steps=v) for k, v in f.boom.items()),
             longest=f.longest, shortest=f.shortest)


def inside_notice(f: InsideFacts, ins: Inside, beta: float, lang: str = "en") -> str:
    """What the arrows of one update are, and η_t/σ of x against y."""
    w = _Words(lang)
    arrow = {a: w.colour(c) for a, c in ARROW_COLOURS.items()}
    x, y = w.colour(PARAM_COLOURS["x"]), w.colour(PARAM_COLOURS["y"])
    lines = [w("inside.arrows", grad=arrow["gradient"], update=arrow["update"])]
    if f.momentum:
        lines.append(w(f"inside.{f.momentum}", green=arrow["carried"], beta=f"{beta:g}"))
    lines.append(w("inside.sigma", ex=f"{ins.eff_lr[0]:.3g}", ey=f"{ins.eff_lr[1]:.3g}", big=f.larger, x=x, y=y)
                 if f.adaptive else w("inside.no_sigma", x=x, y=y))
    return w.bullets(lines)


def ends_notice(f: EndsFacts, lang: str = "en") -> str:
    """Who ended at the global minimum from the most random starts; who got there where SGD did not."""
    w = _Words(lang)
    how = "unconverged" if f.unconverged else "elsewhere"  # one basin: "not there yet", never "elsewhere"
    lines = [w(f"ends.best.{how}", names=w.names(f.best), n=f.top, total=f.total,
               green=w.colour(ENDS_COLOURS["reached"]), pink=w.colour(ENDS_COLOURS["elsewhere"]))]
    if f.over:
        parts = w("sep").join(w("ends.part", name=w.name(n), n=v) for n, v in f.over.items())
        lines.append(w(f"ends.over.{how}", parts=parts))
    return w.bullets(lines)


def adam_notice(f: AdamFacts, lang: str = "en") -> str:
    """Adam's first steps: exactly η₁ per coordinate at t = 1, and how much longer they would be uncorrected."""
    w = _Words(lang)
    lines = [w("adam.notice.exact", name=w.name(f.racer), lr=f"{f.lr1:g}")] if f.first_exact else []
    lines.append(w("adam.notice.ratio", r1=f"{f.ratio1:.1f}", peak=f"{f.peak:.1f}", pt=f.peak_t, n=f.shown,
                   raw=w.colour(ADAM_COLOURS["raw"]), fixed=w.colour(ADAM_COLOURS["corrected"])))
    return w.bullets(lines)


def real_notice(f: RealFacts, steps: int, lang: str = "en") -> str:
    """The digits race: early mean loss, own compute time and validation accuracy of each racer, in order."""
    w = _Words(lang)
    acc = w("sep").join(w("real.acc", name=w.name(n), v=w("real.dead") if v is None else f"{v:.1%}")
                        for n, v in f.accuracy.items())
    return w.bullets([w("real.order", first=f.first, order=" < ".join(f"{w.name(n)} ({v:.2f})" for n, v in f.by_loss)),
                      w("real.time", steps=steps, order=" < ".join(f"{w.name(n)} ({v:.2f} s)" for n, v in f.by_time)),
                      w("real.accs", accs=acc)])
