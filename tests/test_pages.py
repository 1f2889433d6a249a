"""Every page registered in app.py, run in AppTest: defaults, each control changed, each preset.

A new page is covered the moment it is registered in ``app.CONCEPTS``.
"""
from __future__ import annotations

import pytest

from conftest import PAGES, open_page, snapshot

ODD_TEXT = "  ☃ <script>alert(1)</script> __import__('os') " + "x" * 300


def _controls(at):
    """(kind, widget) for every control on the page, sidebar included; preset buttons excluded."""
    out = []
    for kind in ("slider", "select_slider", "selectbox", "radio", "toggle", "checkbox", "number_input",
                 "text_input", "text_area", "segmented_control", "pills", "multiselect"):
        try:
            widgets = at.get(kind)
        except Exception:  # noqa: BLE001
            continue
        out += [(kind, w) for w in widgets if w.key and not w.disabled]
    return out


def _new_value(kind, w):
    """A value different from the current one: the far end of a range, the next option, a flip."""
    v = w.value
    if kind == "slider":
        return w.max if v != w.max else w.min
    if kind == "select_slider":
        opts = list(w.options)
        return opts[-1] if str(v) != str(opts[-1]) else opts[0]
    if kind in ("selectbox", "radio", "segmented_control", "pills"):
        opts = list(w.options)
        i = opts.index(str(v)) if str(v) in opts else 0
        return w.options[(i + 1) % len(opts)] if kind != "radio" else w.options[(i + 1) % len(opts)]
    if kind in ("toggle", "checkbox"):
        return not v
    if kind == "number_input":
        hi = w.max_value if w.max_value is not None else (v or 0) + 1000
        return hi if v != hi else (w.min_value if w.min_value is not None else v - 1)
    if kind in ("text_input", "text_area"):
        return ODD_TEXT
    if kind == "multiselect":
        return list(w.options[:1]) if v else list(w.options)
    raise AssertionError(kind)


def _set(at, kind, key, value):
    w = at.get(kind)
    w = next(x for x in w if x.key == key)
    if kind in ("selectbox", "radio", "select_slider", "segmented_control", "pills") and isinstance(value, str):
        opts = [str(o) for o in w.options]
        if value in opts and hasattr(w, "set_value"):
            try:
                return w.set_value(value).run()
            except Exception:  # noqa: BLE001 - typed options: fall back to the index
                pass
    return w.set_value(value).run()




@pytest.fixture(scope="module", params=PAGES)
def page(request):
    return request.param


def test_registry_lists_pages():
    assert "pages/fitting.py" in PAGES


def test_home_lists_every_concept():
    at = open_page(None)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Fitting curves with sigmoids and ReLUs" in text
    assert "coming soon" in " ".join(c.value for c in at.caption)


def test_default_run(page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 1, "a page must show at least one chart"
    for ch in at.get("vega_lite_chart"):
        assert "NaN" not in ch.proto.spec and "Infinity" not in ch.proto.spec


def test_each_control_changes_what_is_shown(page):
    at = open_page(page)
    base = snapshot(at)
    controls = _controls(at)
    assert controls, "a page without controls is a poster"
    unchanged = []
    for kind, w in controls:
        key, old = w.key, w.value
        at = _set(at, kind, key, _new_value(kind, w))
        assert not at.exception, f"{key}: {at.exception}"
        if snapshot(at) == base:
            unchanged.append(key)
        at = _set(at, kind, key, old)
        assert not at.exception, f"{key} reset: {at.exception}"
    assert not unchanged, f"these controls change nothing on the page: {unchanged}"


def test_each_preset_and_its_link(page):
    """Each preset changes the page; its URL, opened in a fresh session, shows exactly the same page."""
    at = open_page(page)
    base = snapshot(at)
    buttons = [b.key for b in at.button if b.key and b.key.startswith("preset:")]
    assert buttons, "every page offers 'Try this' presets"
    for key in buttons:
        at = open_page(page)
        next(b for b in at.button if b.key == key).click().run()
        assert not at.exception, f"{key}: {at.exception}"
        assert len(at.get("vega_lite_chart")) >= 1
        shown = snapshot(at)
        assert shown != base, f"{key} shows the same thing as the defaults"
        link = dict(at.query_params)
        fresh = open_page(page, query=link)
        assert not fresh.exception
        assert snapshot(fresh) == shown, f"{key}: the link {link} shows something else"
