"""Generative against discriminative classification (two classes).

The lecture: a generative model fits a Gaussian per class; when the classes share one covariance its posterior
is P(C1|x) = σ(w·x + b), the same form as logistic regression, which finds its own w and b by gradient
descent on the cross-entropy. Which does better depends on the data and on how many examples there are.

One idea per module: ``gaussian`` (the generative model, closed form), ``logistic`` (logistic regression by
gradient descent, batched over training sets), ``examples`` (the settings, the data, random training sets),
``boundary`` (one training set: both models over the plane), ``curve`` (test accuracy against training-set
size, and what the page says about it). ``from core import generative; generative.learning_curve(cfg)``.
"""
from core.generative.boundary import SAME_LINE, Boundary, boundary
from core.generative.curve import BROKEN_FROM, BROKEN_MOST, CurveFacts, CurveResult, curve_facts, learning_curve
from core.generative.examples import DATA, MODELS, SIZES, TEST_N, CurveConfig, draw, held_out, pool, real, synthetic
from core.generative.gaussian import COVARIANCES, Gaussian, fit_gaussian
from core.generative.logistic import LR_STEPS, logistic_gd
from core.generative.takehome import FILE_NAME as SCRIPT_FILE, script

__all__ = [n for n in dir() if not n.startswith("_")]
