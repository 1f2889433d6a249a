"""The course registry: the single list of concepts and their pages.

``app.py`` builds the navigation from it, the home page draws the course map from it, and the tests and
benchmarks parametrize over ``registered()``, so a page is tested the moment its concept gets a page.
Titles and blurbs are in the catalogues (``core/locales/<lang>/course.toml``), keyed by the concept's stem.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    stem: str  # one name everywhere: core/<stem>.py, pages/<stem>.py, tests/test_<stem>.py, the URL path
    icon: str = ":material/science:"
    page: str | None = None  # "pages/<stem>.py" once the page exists: it is then registered and tested

    @property
    def built(self) -> bool:
        return self.page is not None


SECTIONS: dict[str, list[Concept]] = {
    "foundations": [
        Concept("regression", ":material/show_chart:", "pages/regression.py"),
        Concept("fitting", ":material/ssid_chart:", "pages/fitting.py"),
        Concept("batches", ":material/stacks:", "pages/batches.py"),
        Concept("overfitting", ":material/troubleshoot:", "pages/overfitting.py"),
        Concept("pytorch", ":material/code:", "pages/pytorch.py"),
    ],
    "optimization": [
        Concept("backprop", ":material/account_tree:", "pages/backprop.py"),
        Concept("critical", ":material/landscape:", "pages/critical.py"),
        Concept("optimizers", ":material/sports_score:", "pages/optimizers.py"),
    ],
    "classification": [
        Concept("softmax", ":material/bar_chart:", "pages/softmax.py"),
        Concept("generative", ":material/scatter_plot:", "pages/generative.py"),
    ],
    "architectures": [
        Concept("convolution", ":material/grid_on:", "pages/convolution.py"),
        Concept("spatial", ":material/transform:", "pages/spatial.py"),
        Concept("attention", ":material/hub:", "pages/attention.py"),
        Concept("rnn", ":material/memory:", "pages/rnn.py"),
    ],
}


def concepts() -> list[Concept]:
    return [c for items in SECTIONS.values() for c in items]


def registered() -> list[Concept]:
    """Concepts that have a page, in navigation order."""
    return [c for c in concepts() if c.built]


PAGES = [c.page for c in registered()]
