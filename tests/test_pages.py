"""Every page registered in course.py, run in AppTest: defaults, each control changed, each preset and its
link, odd links, and both languages.

A new page is covered the moment its concept is marked built in ``course.SECTIONS``.
"""
from __future__ import annotations

import json
import re

import pytest

from zh_text import chinese_text_problems
from conftest import PAGES, open_page, snapshot
from core import i18n
from pages._controls import DECLARED

ODD_TEXT = "  ☃ <script>alert(1)</script> __import__('os') " + "x" * 300
ODD_LINK_VALUES = ["inf", "1e309", "9" * 5000, "-1e9", "abc", ""]


def _controls(at):
    """(kind, widget) for every control on the page, sidebar included; preset buttons excluded."""
    out = []
    for kind in ("slider", "select_slider", "selectbox", "radio", "toggle", "checkbox", "number_input",
                 "text_input", "text_area", "segmented_control", "pills", "multiselect"):
        try:
            widgets = at.get(kind)
        except Exception:  # noqa: BLE001
            continue
        out += [(kind, w) for w in widgets if w.key and not w.disabled and w.key != "lang"]
    return out


def _new_value(kind, w):
    """A value different from the current one: the low end of a range (the cheap end: sizes, epochs and steps grow
    with the value; the most expensive settings are the benchmark's, ``scripts/bench.py --worst``), the high end
    where it is already low, the next option, a flip."""
    v = w.value
    spec = DECLARED.get(w.key)
    if spec is not None and spec.kind == "choice":  # the next declared option (labels are translated)
        opts = list(spec.options)
        return opts[0] if v != opts[0] else opts[-1] if kind == "select_slider" else opts[(opts.index(v) + 1) % len(opts)]
    if kind == "slider":
        return w.min if v != w.min else w.max
    if kind == "select_slider":
        opts = list(w.options)
        return opts[0] if str(v) != str(opts[0]) else opts[-1]
    if kind in ("selectbox", "radio", "segmented_control", "pills"):
        opts = list(w.options)
        i = opts.index(w.format_func(v)) if w.format_func(v) in opts else 0
        return opts[(i + 1) % len(opts)]
    if kind in ("toggle", "checkbox"):
        return not v
    if kind == "number_input":
        hi = w.max if w.max is not None else (v or 0) + 1000
        return hi if v != hi else (w.min if w.min is not None else v - 1)
    if kind in ("text_input", "text_area"):
        return ODD_TEXT
    if kind == "multiselect":
        return list(w.options[:1]) if v else list(w.options)
    raise AssertionError(kind)


def _set(at, kind, key, value):
    return next(x for x in at.get(kind) if x.key == key).set_value(value).run()


@pytest.fixture(scope="module", params=PAGES)
def page(request):
    return request.param


def test_home_lists_every_concept():
    at = open_page(None)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert i18n.text("en", "course.fitting.title") in text
    import course

    soon = i18n.text("en", "course.soon") in " ".join(c.value for c in at.caption)
    assert soon == any(not c.built for c in course.concepts())  # "coming soon" only while a concept has no page


def test_default_run(page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 1, "a page must show at least one chart"
    for ch in at.get("vega_lite_chart"):
        assert "NaN" not in ch.proto.spec and "Infinity" not in ch.proto.spec


def _sections(at) -> list[tuple[str, list]]:
    """(URL key, options) of the page's part picker: the declared view field ``part`` (every multi-part page
    has exactly one), of which only the chosen part is computed and drawn."""
    return [("part", list(DECLARED["part"].options))] if _has_part(at) else []


def _has_part(at) -> bool:
    for kind in ("segmented_control", "radio", "selectbox"):
        if any(w.key == "part" for w in at.get(kind)):
            return True
    return False


def _views(page):
    """(link, AppTest) for the page's default view, then for every other option of each section picker."""
    at = open_page(page)
    shown = at.session_state["part"] if "part" in at.session_state else None
    yield {}, at
    for key, options in _sections(at):
        for opt in options:
            if opt != shown:  # the default part is the view already seen
                yield {key: opt}, open_page(page, query={key: opt})


def test_each_control_changes_what_is_shown(page):
    """Each control in turn moved to its low end or next option (the one before it put back in the same
    run): what is shown must differ from what was shown before every time. Every section of the page is
    visited (a section picker's other options), and each control is checked in the first view showing it."""
    done, unchanged, seen = set(), [], set()
    for link, at in _views(page):
        assert not at.exception, f"{link}: {at.exception}"
        assert len(at.get("vega_lite_chart")) >= 1, f"{link}: no chart"
        base = snapshot(at)
        assert base not in seen, f"{link} shows the same as another section"
        seen.add(base)
        controls = [(k, w) for k, w in _controls(at) if w.key not in done]
        assert controls or link, "a page without controls is a poster"
        prev = None
        for kind, w in controls:
            if prev is not None:
                pk, pkind, pold = prev
                for x in at.get(pkind):
                    if x.key == pk:
                        x.set_value(pold)
            present = [x for x in at.get(kind) if x.key == w.key and not x.disabled]
            if not present:
                prev = None
                continue
            old = present[0].value
            present[0].set_value(_new_value(kind, present[0]))
            at.run()
            assert not at.exception, f"{link} {w.key}: {at.exception}"
            if snapshot(at) == base:
                unchanged.append(w.key)
            done.add(w.key)
            prev = (w.key, kind, old)
    assert not unchanged, f"these controls change nothing on the page: {unchanged}"


def test_each_preset_and_its_link(page):
    """Each preset changes the page and lights up; its URL, opened in a fresh session, shows the same page."""
    at = open_page(page)
    base = snapshot(at)
    buttons = [b.key for b in at.button if b.key and b.key.startswith("preset:") and b.key != "preset:reset"]
    assert buttons, "every page offers 'Try this' presets"
    for key in buttons:
        at = open_page(page)
        next(b for b in at.button if b.key == key).click().run()
        assert not at.exception, f"{key}: {at.exception}"
        assert len(at.get("vega_lite_chart")) >= 1
        assert next(b for b in at.button if b.key == key).proto.type == "primary", f"{key} is not shown as active"
        shown = snapshot(at)
        assert shown != base, f"{key} shows the same thing as the defaults"
        link = dict(at.query_params)
        fresh = open_page(page, query=link)
        assert not fresh.exception
        assert snapshot(fresh) == shown, f"{key}: the link {link} shows something else"
        next(b for b in fresh.button if b.key == "preset:reset").click().run()
        assert snapshot(fresh) == base, f"{key}: reset does not bring the defaults back"


def test_seed_box_greyed_out_where_nothing_is_random():
    """The softmax lab and its surfaces draw nothing at random: the seed box is greyed out with a note; the
    classifier below it (a section) and the fitting page use the seed."""
    for page, query, used in (("pages/softmax.py", {}, False), ("pages/softmax.py", {"part": "classify"}, True),
                              ("pages/fitting.py", {}, True), (None, {}, False)):
        at = open_page(page, query=query)
        box = next(w for w in at.number_input if w.key == "seed")
        assert box.disabled is (not used), (page, query)
        assert (box.help == i18n.text("en", "common.seed_help")) is used


def test_odd_links_open_cleanly(page):
    """seed=inf, 1e309, thousands of digits, words...: for every control of the page, never an exception.
    Every section: its controls get odd values too (the section itself kept, the rest of its keys odd)."""
    for i, (link, at) in enumerate(_views(page)):
        keys = [w.key for _, w in _controls(at) if w.key not in link] + ["seed", "lang"]
        for odd in ODD_LINK_VALUES if i == 0 else ODD_LINK_VALUES[:2]:
            at = open_page(page, query={**{k: odd for k in keys}, **link})
            assert not at.exception, f"{link} {odd[:20]!r}: {at.exception}"
            assert len(at.get("vega_lite_chart")) >= 1 or len(at.warning) + len(at.error) >= 1, \
                f"{link} {odd[:20]!r}: neither a chart nor a message"


# ---------------------------------------------------------------- English and 中文

_ALLOWED = re.compile(r"\b(ReLU|ReLUs|Sigmoid|sigmoid|Adam|AdamW|SGD|MSE|MAE|CSV|PyTorch|torch|nn\.\w+|safetensors|"
                      r"Nesterov|Adagrad|RMSProp|Rosenbrock|Beale|Seattle|GPU|CPU|cuda|cpu|softmax|Softmax|"
                      r"Transformer|Hessian|Newton|L-BFGS|epoch|epochs|K|N|B|x|y|b|w|c|η|"
                      r"CNN|CNNs|RNN|RNNs|LSTM|LSTMs|GRU|GRUs|SimpleRNN|Keras|Elman|Jordan|Sobel|Laplacian|AlphaGo|"
                      r"PNG|JPEG|L2|dropout|Dropout|eval|Taipei|arrive|leave|diabetes|digits|MNIST)\b")
_ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")  # three or more English words in a row


def _visible_strings(at) -> list[str]:
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        out += [e.value for e in at.get(kind)]
    for m in at.get("metric"):
        out.append(m.label)
    for b in at.button:
        out += [b.label, b.help or ""]
    for _, w in _controls(at):
        out += [w.label, w.help or ""] + [str(o) for o in getattr(w, "options", [])]
    for ch in at.get("vega_lite_chart"):
        spec = json.loads(ch.proto.spec)
        out += _chart_words(spec)
    return [s for s in out if s]


def _chart_words(node) -> list[str]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("title",) and isinstance(v, str):
                out.append(v)
            elif k == "title" and isinstance(v, dict) and isinstance(v.get("text"), str):
                out.append(v["text"])
            elif k not in ("datasets", "data", "field", "test", "expr", "scheme"):
                out += _chart_words(v)
    elif isinstance(node, list):
        for v in node:
            out += _chart_words(v)
    return out


def _english_left(strings: list[str]) -> list[str]:
    bad = []
    for s in strings:
        plain = re.sub(r"`[^`]*`|\$[^$]*\$|\\\(.*?\\\)|https?://\S+|\*\*|__", " ", s)
        plain = _ALLOWED.sub(" ", plain)
        if _ENGLISH.search(plain):
            bad.append(s[:120])
    return bad


def test_every_key_in_both_languages():
    en, zh = set(i18n.catalogue("en")), set(i18n.catalogue("zh"))
    assert not en - zh, f"missing in 中文: {sorted(en - zh)[:20]}"
    assert not zh - en, f"missing in English: {sorted(zh - en)[:20]}"


def test_no_english_left_in_chinese(page):
    at = open_page(page, query={"lang": "zh"})
    assert not at.exception
    left = _english_left(_visible_strings(at))
    assert not left, f"English text on the 中文 page: {left[:8]}"
    flagged = chinese_text_problems(at, subscripts=False)  # {h} unfilled, mixed colons, stray spaces
    assert not flagged, flagged


def test_home_in_chinese():
    at = open_page(None, query={"lang": "zh"})
    assert not _english_left(_visible_strings(at))
    assert i18n.text("zh", "course.fitting.title") in " ".join(m.value for m in at.markdown)


def test_links_are_the_same_in_both_languages(page):
    """A preset's link holds the same option values in English and in 中文 (only lang differs)."""
    links = {}
    for lang in ("en", "zh"):
        at = open_page(page, query={"lang": lang})
        key = next(b.key for b in at.button if b.key and b.key.startswith("preset:") and b.key != "preset:reset")
        next(b for b in at.button if b.key == key).click().run()
        links[lang] = {k: v for k, v in dict(at.query_params).items() if k != "lang"}
    assert links["en"] == links["zh"]


def test_two_sessions_two_languages_at_once(page):
    """A language is per session, never process-wide: with a 中文 session open on the same server (AppTests
    share this process, as browser sessions share the server's), an English session stays English."""
    topic = page.split("/")[-1][:-3]
    en = open_page(page, query={"lang": "en"})
    zh = open_page(page, query={"lang": "zh"})
    en.run()
    assert en.title[0].value == i18n.text("en", f"{topic}.title")
    assert zh.title[0].value == i18n.text("zh", f"{topic}.title")
    zh.run()
    en.run()
    assert en.title[0].value == i18n.text("en", f"{topic}.title")


def _colour_words(lang: str) -> dict[str, str]:
    """The word for each palette colour in ``lang`` -> its hex (as the charts draw it)."""
    from core.charts import COLOURS, GREY

    hexes = {**COLOURS, "grey": GREY}
    return {i18n.text(lang, f"common.colour.{k}"): v.lower() for k, v in hexes.items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_colours_named_in_text_are_drawn(page, lang):
    """A sentence that names a colour ("dashed grey", "the vermillion arrow") names one the page's charts draw."""
    at = open_page(page, query={"lang": lang})
    text = " ".join(e.value for kind in ("markdown", "caption", "info", "warning", "success")
                    for e in at.get(kind))
    drawn = " ".join(ch.proto.spec for ch in at.get("vega_lite_chart")).lower()
    words = _colour_words(lang)
    named = {w for w in words if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text)}
    missing = [w for w in named if words[w] not in drawn]
    assert not missing, f"text names {missing} but no chart on the page draws that colour"


def test_a_run_the_guard_cut_is_neither_shown_nor_kept(monkeypatch):
    """The wall-time guard is never the answer: a cut run is not drawn and not stored; the page says the server is
    too busy, keeps the controls, and the same link run again (guard back to normal) shows the full result."""
    from core import train

    busy = i18n.text("en", "common.busy")
    monkeypatch.setattr(train, "GUARD_SECONDS", 0.0)
    at = open_page("pages/fitting.py", query={"seed": "424242", "k": "7"})
    assert not at.exception, at.exception
    assert any(busy in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 0
    assert next(w for w in at.slider if w.key == "k").value == 7
    monkeypatch.setattr(train, "GUARD_SECONDS", 60.0)
    next(b for b in at.button if b.key == "_dlc_run_again").click().run()
    assert not at.exception, at.exception
    assert not any(busy in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) >= 2


def test_a_link_always_carries_its_language():
    """A link copied from a browser in one language opens in that language elsewhere: ``lang`` is always in it."""
    for query, want in (({}, "en"), ({"lang": "zh"}, "zh"), ({"lang": "en"}, "en")):
        at = open_page("pages/fitting.py", query=query)
        got = at.query_params.get("lang")
        assert (got[0] if isinstance(got, list) else got) == want, (query, got)


def test_a_preset_clears_what_an_earlier_one_left_in_the_link():
    """"Soft gate" sets the stepper's sharpness; "memory race" then shows a part that does not draw that slider, so
    the slider never syncs its own key: the preset itself must take it out of the link, or a language switch (which
    reads the link) brings it back and the race preset is no longer the active one (found in Chromium, issue 23)."""
    at = open_page("pages/rnn.py")
    at.button(key="preset:soft").click().run()
    assert at.query_params.get("sharp") == ["1.0"] or at.query_params.get("sharp") == "1.0", dict(at.query_params)
    at.button(key="preset:race").click().run()
    assert "sharp" not in at.query_params, dict(at.query_params)
    assert at.button(key="preset:race").proto.type == "primary"
