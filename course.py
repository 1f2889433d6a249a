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
    built: bool = False  # True once pages/<stem>.py exists and is registered

    @property
    def page(self) -> str | None:
        return f"pages/{self.stem}.py" if self.built else None


SECTIONS: dict[str, list[Concept]] = {
    "foundations": [
        Concept("regression", ":material/show_chart:", built=True),
        Concept("fitting", ":material/ssid_chart:", built=True),
        Concept("batches", ":material/stacks:", built=True),
        Concept("overfitting", ":material/troubleshoot:"),
        Concept("pytorch", ":material/code:"),
    ],
    "optimization": [
        Concept("critical", ":material/landscape:", built=True),
        Concept("optimizers", ":material/sports_score:", built=True),
    ],
    "classification": [
        Concept("softmax", ":material/bar_chart:", built=True),
        Concept("generative", ":material/scatter_plot:", built=True),
    ],
    "architectures": [
        Concept("convolution", ":material/grid_on:"),
        Concept("spatial", ":material/transform:"),
        Concept("attention", ":material/hub:", built=True),
        Concept("rnn", ":material/memory:"),
    ],
}


def concepts() -> list[Concept]:
    return [c for items in SECTIONS.values() for c in items]


def registered() -> list[Concept]:
    """Concepts that have a page, in navigation order."""
    return [c for c in concepts() if c.built]


PAGES = [c.page for c in registered()]
