"""Page registry and app shell. ``streamlit run app.py``.

``CONCEPTS`` is the single list of the course: every concept with a page file is registered in the
navigation (and so tested by tests/test_pages.py and tests/test_browser.py); the others are shown
on the home page as coming soon.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    title: str
    blurb: str
    page: str | None = None  # "pages/<stem>.py" once the page exists
    icon: str = ":material/science:"


CONCEPTS: dict[str, list[Concept]] = {
    "Foundations": [
        Concept("Regression and loss", "A model y = b + wx, a loss (MAE or MSE), and gradient descent to minimise it."),
        Concept("Fitting curves with sigmoids and ReLUs", "K sigmoids against 2K ReLUs, trained live: the units add up "
                "to the fit, and too many of them overfit.", "pages/fitting.py", ":material/ssid_chart:"),
        Concept("Batches and epochs", "N/B updates per epoch: noisy small batches against smooth large ones."),
        Concept("Overfitting and its cures", "More data, augmentation, fewer parameters, early stopping, dropout."),
        Concept("PyTorch basics", "Tensors, autograd, Dataset and DataLoader, nn.Sequential, a training loop."),
    ],
    "Optimization": [
        Concept("Critical points: minimum or saddle?", "The Hessian's eigenvalues decide, and a saddle can be escaped.",
                "pages/critical.py", ":material/landscape:"),
        Concept("Optimizer race", "Momentum, Adagrad, RMSProp, Adam and learning-rate schedules on the same surface.",
                "pages/optimizers.py", ":material/sports_score:"),
    ],
    "Classification": [
        Concept("Softmax and cross-entropy", "Why cross-entropy escapes a flat start where MSE stalls."),
        Concept("Generative vs discriminative", "A shared-covariance Gaussian model against logistic regression."),
    ],
    "Architectures": [
        Concept("Convolution and pooling", "Filters that look at small patches, shared across positions."),
        Concept("Spatial transformer", "Learn to shift, rotate and scale the input before the CNN sees it."),
        Concept("Self-attention", "From one query's weights to a tiny transformer learning a pattern.",
                "pages/attention.py", ":material/hub:"),
        Concept("RNN and LSTM gates", "Memory, input, forget and output gates, opened and closed live."),
    ],
}


def registered() -> list[Concept]:
    """Concepts that have a page, in navigation order."""
    return [c for items in CONCEPTS.values() for c in items if c.page]


def main() -> None:
    import streamlit as st

    from core.device import configure_threads
    from pages import _kit as kit

    configure_threads()
    st.set_page_config(page_title="Deep learning, run it yourself", page_icon=":material/neurology:", layout="wide")
    nav: dict[str, list] = {"": [st.Page("pages/home.py", title="Course map", icon=":material/map:", default=True)]}
    for section, items in CONCEPTS.items():
        pages = [st.Page(c.page, title=c.title, icon=c.icon) for c in items if c.page]
        if pages:
            nav[section] = pages
    page = st.navigation(nav)
    kit.sidebar()
    page.run()


if __name__ == "__main__":
    main()
