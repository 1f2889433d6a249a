"""Optimizer race charts: valid Vega-Lite, finite, every word from the catalogues (both languages), racers'
colours and dashes unique, legends list only the racers drawn, each dataset sent once, replay up to a step."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from core import i18n
from core import optimizers as opt
from core.charts import COLOURS, MAX_SERIES
from zh_text import chinese_text_problems, zh_text_problems
from core.charts import optimizers as charts
from core.charts.optimizers.notice import _Words

ROOT = Path(__file__).resolve().parent.parent


def _spec(ch) -> dict:
    d = ch.to_dict(validate=True)  # valid Vega-Lite
    s = json.dumps(d, allow_nan=True)
    assert "NaN" not in s and "Infinity" not in s
    return d


@pytest.fixture(scope="session")
def races():
    return [opt.race(opt.RaceConfig(lrs=lrs, steps=60)) for lrs in
            (opt.RaceLRs(), opt.only(sgd=10.0, adam=0.1, adagrad_lecture=3.0), opt.only(**{r.key: 0.05 for r in
                                                                                          opt.RACERS}))]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_builders_valid_and_finite(races, lang):
    for r in (races if lang == "en" else races[:1]):
        grid = opt.surface_grid(r.config.surface)
        hist = opt.history(r)
        _spec(charts.race_map(r, grid, hist, lang=lang))
        _spec(charts.race_map(r, grid, hist, 10, lang))
        _spec(charts.loss_chart(hist, r.racers, lang))
        _spec(charts.schedule_chart(opt.schedule_frame(60), "cosine", lang))
        for k in sorted({0, len(r.racers) - 1}):
            ins = opt.inside(r, k, 3)
            if ins is not None:
                _spec(charts.inside_chart(r, k, ins, lang))
            _spec(charts.eff_lr_chart(opt.inside_frame(r, k), r.racers[k], 3, lang))
            _spec(charts.ends_chart(r, grid, k, lang))
        _spec(charts.share_chart(opt.leaderboard(r, 1e-3), lang))
    real = opt.real_race(opt.RealConfig(racers=("SGD", "Adam"), steps=20))
    _spec(charts.real_chart(real, "step", lang))
    _spec(charts.real_chart(real, "seconds", lang))


def test_each_racer_has_one_fixed_colour_and_dash_in_every_chart():
    """A racer's colour changed between presets (Adagrad (lecture) pink in the default race, vermillion in "Adagrad
    explodes"): each racer has one (colour, dash), unique, whichever others are drawn; the colour is the method's
    family (racers of one colour share their name's first word: Adagrad (lecture) and (PyTorch) differ by dash),
    and Adam and Adagrad (PyTorch) are not two blues."""
    all_styles = charts.racer_styles(list(opt.NAMES))
    assert all_styles == {n: charts.RACER_STYLES[n] for n in opt.NAMES}
    assert len(set(all_styles.values())) == len(opt.NAMES) == 10  # (colour, dash) unique with all ten on
    assert all(c in COLOURS and d in charts.DASHES for c, d in all_styles.values())
    rng = np.random.default_rng(0)
    for _ in range(50):  # any racers drawn: each keeps its own style
        pick = list(rng.choice(opt.NAMES, size=rng.integers(1, 8), replace=False))
        assert all(charts.racer_styles(pick)[n] == all_styles[n] for n in pick)
    on = [r.name for r in opt.RACERS if r.lr > 0]
    assert len(on) <= MAX_SERIES
    assert "yellow" not in [c for c, _ in charts.racer_styles(on).values()]  # default: no yellow on light themes
    family = {n.split()[0].rstrip("W") if n != "Nesterov" else "Momentum" for n in opt.NAMES}
    for c in set(charts.RACER_COLOURS.values()):  # one colour, one family
        assert len({n.split()[0].rstrip("W") if n != "Nesterov" else "Momentum"
                    for n, k in charts.RACER_COLOURS.items() if k == c}) == 1, c
    assert len(set(charts.RACER_COLOURS.values())) == len(family)
    assert {charts.RACER_COLOURS["Adam"], charts.RACER_COLOURS["Adagrad (PyTorch)"]} != {"blue", "sky blue"}
    assert charts.RACER_COLOURS["Adam"] != charts.RACER_COLOURS["Adagrad (PyTorch)"]


def test_legends_list_only_the_racers_drawn(races):
    r = races[1]  # three racers
    hist = opt.history(r)
    d = _spec(charts.loss_chart(hist, r.racers))
    enc = d["layer"][0]["encoding"] if "layer" in d else d["encoding"]
    assert enc["color"]["scale"]["domain"] == ["SGD", "Adagrad (lecture)", "Adam"]
    assert len(enc["color"]["scale"]["range"]) == 3 == len(set(enc["color"]["scale"]["range"]))


def test_race_map_sends_each_dataset_once_and_replays_up_to_a_step(races):
    r = races[0]
    grid, hist = opt.surface_grid(r.config.surface), opt.history(r)
    d = _spec(charts.race_map(r, grid, hist, 30))
    sizes = sorted(len(v) for v in d["datasets"].values())
    assert sizes.count(len(grid)) == 1  # the surface grid once
    paths = [v for v in d["datasets"].values() if v and "who" in v[0] and "step" in v[0] and len(v) > 100]
    assert len(paths) == 1  # the paths of every racer up to step 30 once, shared by the line and point layers
    assert max(row["step"] for row in paths[0]) == 30 and len(paths[0]) == 31 * len(r.racers)
    heads = [v for v in d["datasets"].values() if v and "who" in v[0] and len(v) == len(r.racers)]
    assert heads and all(row["step"] == 30 for row in heads[0])
    full = _spec(charts.race_map(r, grid, hist))
    assert {k for k in full["datasets"]} & {k for k in d["datasets"]}  # the grid: the same data, unchanged

    def bare(spec):  # the spec without its data: a replay's frames must not differ here (no step in the title)
        s = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
        return re.sub(r'"data-[0-9a-f]+"', '"data"', s)
    assert bare(d) == bare(full) == bare(_spec(charts.race_map(r, grid, hist, 0)))


def test_every_catalogue_key_in_both_languages_and_used_words_exist():
    def keys(lang):
        with open(ROOT / "core" / "locales" / lang / "optimizers.charts.toml", "rb") as f:
            out = {}

            def walk(prefix, node):
                for k, v in node.items():
                    walk(f"{prefix}.{k}", v) if isinstance(v, dict) else out.__setitem__(f"{prefix}.{k}", v)
            walk("optimizers.charts", tomllib.load(f))
            return out
    en, zh = keys("en"), keys("zh")
    assert set(en) == set(zh)
    for k in en:  # the same format fields in both languages
        assert set(re.findall(r"{(\w+)", en[k])) == set(re.findall(r"{(\w+)", zh[k])), k
    src = "".join(p.read_text() for p in (ROOT / "core" / "charts" / "optimizers").glob("*.py"))
    for used in re.findall(r'"(optimizers\.charts\.[\w.]+)"', src):
        assert used in en, used
    for rc in opt.RACERS:
        assert f"optimizers.charts.racer.{rc.key}" in en
    for s in opt.SURFACES.values():
        assert f"optimizers.charts.surface.{s.key}" in en and f"optimizers.charts.surface.{s.key}_what" in en
    assert i18n.text("zh", "optimizers.charts.racer.mom_lecture") != i18n.text("en", "optimizers.charts.racer.mom_lecture")


def test_named_colour_constants_are_palette_names():
    for table in (charts.ARROW_COLOURS, charts.PARAM_COLOURS, charts.ENDS_COLOURS):
        assert all(c in COLOURS for c in table.values())
    assert charts.MINIMUM_COLOUR in COLOURS
    assert len(set(charts.SCHEDULE_COLOURS.values())) == len(opt.SCHEDULES)


def _said(text: str) -> None:
    assert "optimizers." not in text and "{" not in text  # every key found, every field filled


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_board_table_shows_only_what_happened(races, lang):
    for r in races:
        table, width = charts.board_table(opt.leaderboard(r, 1e-3), r.log.diverged, len(r.starts) > 0, lang)
        assert list(table.columns) == list(width) and len(table) == len(r.racers)
        assert (i18n.text(lang, "optimizers.board.diverged") in width) == r.log.diverged
        assert set(table[i18n.text(lang, "optimizers.board.optimizer")]) == {charts.racer_label(n, lang)
                                                                              for n in r.racers}
    r = races[0]
    table, width = charts.board_table(opt.leaderboard(r, 1e-3), False, False, lang)
    assert i18n.text(lang, "optimizers.board.share") not in width


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_notices_word_every_fact_in_both_languages(races, lang):
    head = i18n.text(lang, "optimizers.notice_head")
    for r in races:
        f = opt.race_facts(r, 1e-3)
        text = charts.race_notice(f, r, 1e-3, lang)
        _said(text)
        assert text.startswith(head) and all(charts.racer_label(n, lang) in text for n in f.diverged + f.slow)
        e = opt.ends_facts(r)
        _said(charts.ends_notice(e, lang))
        for k in range(len(r.racers)):
            ins = opt.inside(r, k, 3)
            if ins is not None:
                _said(charts.inside_notice(opt.inside_facts(ins), ins, 0.9, lang))
    hill = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(sgd=0.15, mom_lecture=0.03), starts=0))
    f = opt.race_facts(hill, 1e-3)
    assert f.stuck and f.over
    text = charts.race_notice(f, hill, 1e-3, lang)
    _said(text)
    assert f"{opt.SURFACES['small hill'].local[0][0]:.2f}" in text
    sweep = opt.explosions()
    verdicts = set()
    for lr in (0.15, 0.5, 1.0):
        t = opt.taming_facts(sweep, lr)
        verdicts.add(t.verdict)
        _said(charts.taming_notice(t, lr, lang))
    assert verdicts == {"none", "some", "all"}
    real = opt.real_race(opt.RealConfig(racers=("SGD", "Adam"), steps=20))
    _said(charts.real_notice(opt.real_facts(real), 20, lang))


# ---------------------------------------------------------------- issue 23: legend, colours, Adam, wording

def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two hex colours."""
    def lum(h):
        c = [int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_sgd_and_the_presets_racers_read_on_both_themes():
    """The dark-blue SGD line was dim on the dark theme: SGD and every preset's racers have colours of at least 3:1
    contrast against both themes' backgrounds, and different (colour, dash) within a preset; Adam's chart too."""
    presets = [[r.name for r in opt.RACERS if p.get(opt.LR_KEYS[r.key], r.lr) > 0] for p in opt.PRESETS.values()]
    assert all(presets)
    for names in [["SGD"], *presets]:
        styles = charts.racer_styles(names)
        assert len(set(styles.values())) == len(names)
        for c, _ in styles.values():
            for bg in charts.BACKGROUNDS.values():
                assert _contrast(COLOURS[c], bg) >= 3.0, (names, c, bg)
    for c in charts.ADAM_COLOURS.values():
        assert all(_contrast(COLOURS[c], bg) >= 3.0 for bg in charts.BACKGROUNDS.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_racer_legend_is_html_that_wraps_and_the_charts_draw_none(races, lang):
    """The race map's Vega legend had fixed columns and lost its last one past a narrow chart's edge (150% zoom):
    the legend is HTML (wraps at any width) with every racer drawn, in its colour and dash; the charts draw none."""
    for r in races:
        html = charts.racer_legend(r.racers, lang)
        styles = charts.racer_styles(r.racers)
        for n in r.racers:
            assert html.count(f"</span>{charts.racer_label(n, lang)}</span>") == 1
            c, d = styles[n]
            assert f"{d} {COLOURS[c]}" in html
        assert "flex-wrap:wrap" in html and "white-space:nowrap" in html
        hist = opt.history(r)
        for spec in (_spec(charts.race_map(r, opt.surface_grid(r.config.surface), hist, lang=lang)),
                     _spec(charts.loss_chart(hist, r.racers, lang))):
            assert '"legend": null' in json.dumps(spec) and '"columns"' not in json.dumps(spec)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_adam_chart_and_notice(lang):
    r = opt.race(opt.RaceConfig(steps=40, starts=0, lrs=opt.only(sgd=0.1, adam=0.1)))
    k = opt.adam_racer(r)
    steps = opt.first_steps(r, k)
    d = _spec(charts.adam_chart(steps, "Adam", lang))
    rows = next(v for v in d["datasets"].values() if v and "length" in v[0])
    assert len(rows) == 2 * opt.ADAM_FIRST
    text = charts.adam_notice(opt.adam_facts(r, steps), lang)
    _said(text)
    assert f"{(1 - opt.ADAM_BETAS[0]) / np.sqrt(1 - opt.ADAM_BETAS[1]):.1f}" in text  # 3.2 at update 1
    assert i18n.text(lang, f"common.colour.{charts.ADAM_COLOURS['raw']}") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_race_notice_for_one_racer_says_no_dangling_then_and_its_eta(lang):
    """「随后是 –」 with nothing after it, and 「调低它们的 η」 for one optimizer."""
    one = opt.race(opt.RaceConfig(surface="Rosenbrock", steps=200, starts=0, lrs=opt.only(sgd=0.15)))
    assert [n for n, _ in opt.race_facts(one, 1e-3).reached] == ["SGD"]  # the only racer, and it reached the target
    text = charts.race_notice(opt.race_facts(one, 1e-3), one, 1e-3, lang)
    _said(text)
    assert "–" not in text and "随后" not in text and "; then" not in text
    assert text.count(charts.racer_label("SGD", lang)) == 1
    for lrs, key in ((opt.only(sgd=10.0, adam=0.1), "diverged_one"), (opt.only(sgd=10.0, mom_lecture=10.0), "diverged")):
        r = opt.race(opt.RaceConfig(steps=50, starts=0, lrs=lrs))
        f = opt.race_facts(r, 1e-3)
        text = charts.race_notice(f, r, 1e-3, lang)
        want = i18n.text(lang, f"optimizers.notice.{key}", names=_Words(lang).names(f.diverged))
        assert want in text, (want, text)
    assert "它的" in i18n.text("zh", "optimizers.notice.diverged_one", names="x")
    assert "its η" in i18n.text("en", "optimizers.notice.diverged_one", names="x")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ends_notice_and_legend_on_a_one_minimum_surface_say_not_converged(lang):
    for name, unconverged in (("long narrow valley", True), ("small hill", False)):
        r = opt.race(opt.RaceConfig(surface=name, steps=25, starts=20, lrs=opt.only(sgd=0.01, adam=0.05)))
        text = charts.ends_notice(opt.ends_facts(r), lang)
        _said(text)
        how = "unconverged" if unconverged else "elsewhere"
        assert text.split("\n")[1][2:] == i18n.text(lang, f"optimizers.ends.best.{how}",
                                                    **_ends_fields(opt.ends_facts(r), lang))
        d = json.dumps(_spec(charts.ends_chart(r, opt.surface_grid(name), r.racers.index("Adam"), lang)),
                       ensure_ascii=False)
        assert (i18n.text(lang, "optimizers.charts.unconverged") in d) == unconverged
        assert (i18n.text(lang, "optimizers.charts.elsewhere") in d) == (not unconverged)
    assert "别处" not in i18n.text("zh", "optimizers.ends.best.unconverged")


def _ends_fields(f, lang):
    w = _Words(lang)
    return dict(names=w.names(f.best), n=f.top, total=f.total, green=w.colour(charts.ENDS_COLOURS["reached"]),
                pink=w.colour(charts.ENDS_COLOURS["elsewhere"]))


def test_replay_label_takes_the_players_step_count_without_a_second_colon():
    """The player writes "<label>: n / N" while playing: a label with 「：」 read 「回放：步数: 74」."""
    assert "：" not in i18n.text("zh", "optimizers.replay") and ":" not in i18n.text("zh", "optimizers.replay")

# ---------------------------------------------------------------- 中文 as a teacher projects it (issue 23)
# Run over the rendered pages of issue 23 (optimizers, convolution, critical) in AppTest, parts included (the page
# tests run the same check over every page's default view: tests/zh_text.py).

ISSUE23_VIEWS = [("pages/optimizers.py", {}), ("pages/critical.py", {"cp_ratio": "true"})]  # convolution's parts:
# tests/test_convolution.py::test_each_part_in_chinese


@pytest.mark.parametrize("page,query", ISSUE23_VIEWS, ids=["optimizers", "critical"])
def test_chinese_pages_have_no_raw_subscripts_placeholders_mixed_colons_or_stray_spaces(page, query):
    """As the page shows it in 中文: no η_t left raw, no {h} unfilled (chart data included), no 「：」 and ": " in
    one string, no space beside 中文 punctuation or between two 中文 words (「全连接网络 说是」)."""
    from conftest import open_page

    at = open_page(page, query={"lang": "zh", **query})
    assert not at.exception, at.exception[0].value
    assert not chinese_text_problems(at)
