"""Regression and loss: the lecture's three steps on y = b + w x.

1. A model with unknown parameters, y = b + w x. 2. A loss L(w, b): MSE or MAE over the data; drawn over a
grid of (w, b) it is the error surface. 3. Gradient descent from a start, w ← w − η ∂L/∂w, b ← b − η ∂L/∂b.

One idea per module: ``examples`` (the settings, the data in model units, the largest stable η), ``surface``
(the loss over a grid, its contours, the exact optima), ``descent`` (the page's run and what it says about
it), ``compare`` (MSE against MAE with an outlier), ``features`` (y = b + Σ w_j x_j, features added one at a
time). ``from core import regression; regression.fit(regression.RegConfig(lr=0.3))``.
"""
from core.regression.compare import UNMOVED, Compare, CompareFacts, compare, compare_facts, exact_fits, slope_shift
from core.regression.descent import (BLOWUP, CRAWL_ABOVE, CRAWL_LEFT, JITTER_NEAR, REACHED, ROUNDING, ZIGZAG,
                                     DescentFacts, RegResult, descend, descent_facts, exact_optimum, fit,
                                     oscillation)
from core.regression.examples import (DATASETS, FEATURES, LRS, STEPS, TRUE_LINE, Data, RegConfig, examples_config,
                                      make_data, raw_pairs, stable_lr)
from core.regression.features import K_MAX, SOURCES, FeatureConfig, Features, FeatureView, design, features
from core.regression.surface import LOSSES
from core.regression.takehome import FILE_NAME as SCRIPT_FILE, script

__all__ = [n for n in dir() if not n.startswith("_")]
