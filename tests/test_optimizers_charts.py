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
from core.charts import optimizers as charts

ROOT = Path(__file__).resolve().parent.parent


def _spec(ch) -> dict:
    d = ch.to_dict(validate=True)  # valid Vega-Lite
    s = json.dumps(d, allow_nan=True)
    assert "NaN" not in s and "Infinity" not in s
    return d


@pytest.fixture(scope="module")
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


def test_racer_colour_and_dash_unique_and_distinct_colours_up_to_seven():
    all_styles = charts.racer_styles(list(opt.NAMES))
    assert len(set(all_styles.values())) == len(opt.NAMES) == 10  # (colour, dash) unique with all ten on
    assert all(c in COLOURS and d in charts.DASHES for c, d in all_styles.values())
    rng = np.random.default_rng(0)
    for _ in range(50):  # any seven or fewer racers drawn: seven different colours
        pick = list(rng.choice(opt.NAMES, size=rng.integers(1, 8), replace=False))
        cols = [c for c, _ in charts.racer_styles(pick).values()]
        assert len(set(cols)) == len(cols)
    on = [r.name for r in opt.RACERS if r.lr > 0]
    assert len(on) <= MAX_SERIES
    assert "yellow" not in [c for c, _ in charts.racer_styles(on).values()]  # default: no yellow on light themes


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
