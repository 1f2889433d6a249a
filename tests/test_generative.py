"""Core of the (not yet built) generative-vs-discriminative page: the closed-form Gaussian models against
scikit-learn, and logistic regression by gradient descent against scikit-learn's unpenalised one."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from core import generative as g


def _wine(features=(0, 6)):
    X, y = load_wine(return_X_y=True)
    keep = y < 2  # two classes
    X = X[keep][:, list(features)]
    return (X - X.mean(0)) / X.std(0), y[keep]


def _cancer(d=6):
    X, y = load_breast_cancer(return_X_y=True)
    X = X[:, :d]
    return (X - X.mean(0)) / X.std(0), y


@pytest.mark.parametrize("data", [_wine, _cancer])
def test_shared_covariance_boundary_equals_sklearn_lda(data):
    X, y = data()
    G = g.fit_gaussian(X, y, "shared", ridge=0.0)
    w, b = G.linear()
    lda = LinearDiscriminantAnalysis(solver="lsqr").fit(X, y)
    assert np.allclose(w, lda.coef_[0], rtol=1e-8, atol=1e-8) and b == pytest.approx(lda.intercept_[0], abs=1e-8)
    p = G.proba(X)
    assert np.allclose(p, lda.predict_proba(X)[:, 1], atol=1e-10)
    assert np.allclose(p, 1 / (1 + np.exp(-(X @ w + b))), atol=1e-12)  # P(C1|x) = σ(w·x + b)


def test_naive_bayes_equals_sklearn_gaussian_nb():
    X, y = _cancer()
    G = g.fit_gaussian(X, y, "diagonal", ridge=0.0)
    nb = GaussianNB(var_smoothing=0.0).fit(X, y)
    assert np.allclose(G.proba(X), nb.predict_proba(X)[:, 1], atol=1e-8)


def test_per_class_covariance_is_not_linear():
    X, y = _wine()
    G = g.fit_gaussian(X, y, "per class")
    with pytest.raises(ValueError):
        G.linear()
    assert ((G.proba(X) > 0.5) == y).mean() > 0.8


@pytest.mark.parametrize("data", [_wine, lambda: _cancer(2)])
def test_logistic_regression_by_gradient_descent_comes_close_to_sklearn(data):
    X, y = data()
    ref = LogisticRegression(C=np.inf, max_iter=20000, tol=1e-10).fit(X, y)
    w, b = g.logistic_gd(X[None], y[None], steps=3000, lr=0.05)
    pr = 1 / (1 + np.exp(-(X @ w[0] + b[0])))
    assert np.abs(pr - ref.predict_proba(X)[:, 1]).max() < 0.02
    assert ((pr > 0.5) == ref.predict(X)).mean() > 0.99


def test_logistic_gd_loss_close_to_sklearn_in_six_dimensions():
    """Six features of breast cancer (nearly separable, ill-conditioned): the fixed number of steps gets the
    cross-entropy within 0.01 of scikit-learn's optimum."""
    X, y = _cancer(6)
    ref = LogisticRegression(C=np.inf, max_iter=20000, tol=1e-10).fit(X, y)
    w, b = g.logistic_gd(X[None], y[None], steps=3000, lr=0.05)

    def ce(p):
        p = np.clip(p, 1e-15, 1 - 1e-15)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert ce(1 / (1 + np.exp(-(X @ w[0] + b[0])))) < ce(ref.predict_proba(X)[:, 1]) + 0.01


def test_logistic_gd_batched_equals_separate():
    X, y = _wine()
    rng = np.random.default_rng(0)
    idx = np.stack([rng.choice(len(X), 40, replace=False) for _ in range(3)])  # (3, 40)
    wb, bb = g.logistic_gd(X[idx], y[idx], steps=200)
    for m in range(3):
        w1, b1 = g.logistic_gd(X[idx[m]][None], y[idx[m]][None], steps=200)
        assert np.allclose(wb[m], w1[0], atol=1e-9) and np.isclose(bb[m], b1[0], atol=1e-9)


def test_shrinkage_and_bad_input():
    X, y = _cancer()
    S = g.fit_gaussian(X, y, "shared", ridge=0.0).covs[0]
    T = g.fit_gaussian(X, y, "shrinkage", shrink=1.0, ridge=0.0).covs[0]
    assert np.allclose(T, np.diag(np.diag(S)))
    with pytest.raises(ValueError):
        g.fit_gaussian(X[y == 1], y[y == 1])
    with pytest.raises(ValueError):
        g.fit_gaussian(X, y, "nonsense")
    G = g.fit_gaussian(X[:3], np.array([0, 1, 1]), "per class")  # fewer points than features: still finite
    assert np.isfinite(G.proba(X)).all()


# ---------------------------------------------------------------- the learning curve (core only)

from core import generative_curve as gc  # noqa: E402


@pytest.fixture(scope="module")
def wine_curve():
    return gc.learning_curve(gc.CurveConfig(data="wine", seed=3))


def test_learning_curve_shape_and_determinism(wine_curve):
    r = wine_curve
    sizes = sorted(r.curve["size"].unique())
    assert sizes == [s for s in gc.SIZES if s < 130 - 10]  # wine classes 0 and 1: 130 examples
    assert ((r.curve["lo"] <= r.curve["mean"]) & (r.curve["mean"] <= r.curve["hi"])).all()
    assert r.raw.shape == (len(gc.SIZES), 20, 2)
    again = gc.learning_curve(gc.CurveConfig(data="wine", seed=3))
    assert np.array_equal(np.nan_to_num(r.raw), np.nan_to_num(again.raw))


def test_every_training_set_has_both_classes():
    X, y = gc._real("wine")
    g = gc.rng.generator(0, salt=21)
    for _ in range(200):
        idx = gc._draw(X, y, 4, g)
        assert len(idx) == 4 and set(y[idx].tolist()) == {0, 1}


def test_learning_curve_odd_config_is_clamped():
    r = gc.learning_curve(gc.CurveConfig(data="mixture", mismatch=7.0, covariance="nonsense", resamples=3))
    assert r.config.mismatch == 1.0 and r.config.covariance == "shared" and r.config.resamples == 20
    assert np.isfinite(r.curve["mean"]).all()


def test_padded_sets_train_as_if_alone():
    """Sets of different sizes trained together (padding masked out) give each set's own answer."""
    X, y = _wine()
    rng = np.random.default_rng(1)
    small, big = rng.choice(len(X), 8, replace=False), rng.choice(len(X), 30, replace=False)
    pad = np.stack([np.pad(small, (0, 22)), big])  # (2, 30)
    mask = np.arange(30)[None, :] < np.array([[8], [30]])
    w, b = g.logistic_gd(X[pad], y[pad], steps=150, mask=mask)
    for m, s in enumerate((small, big)):
        w1, b1 = g.logistic_gd(X[s][None], y[s][None], steps=150)
        assert np.allclose(w[m], w1[0], atol=1e-9) and np.isclose(b[m], b1[0], atol=1e-9)


# ---------------------------------------------------------------- the page's sentences, on 10 seeds

SEEDS = list(range(10))


@pytest.fixture(scope="module")
def mixture_curves():
    return [gc.learning_curve(gc.CurveConfig(data="mixture", seed=s)) for s in SEEDS]


def test_preset_broken_on_10_seeds(mixture_curves):
    """Mixture (preset settings): from 64 examples up logistic regression's mean test accuracy is higher."""
    for r in mixture_curves:
        c = r.curve.pivot(index="size", columns="model", values="mean")
        for n in (64, 128, 256):
            assert c.loc[n, "logistic regression"] > c.loc[n, "generative"], (r.config.seed, n)


@pytest.mark.parametrize("data", gc.DATA)
def test_same_form_different_w_and_b_on_10_seeds(data):
    """The idea: with a shared covariance both models give σ(w·x + b), yet they find different w and b."""
    for s in SEEDS:
        b = gc.boundary(gc.CurveConfig(data=data, seed=s))
        (wg, bg), (wl, bl) = b.lines["generative"], b.lines["logistic regression"]
        assert np.abs(wg - wl).max() + abs(bg - bl) > 1e-3


def test_preset_data_is_what_it_says():
    """Two Gaussians share one covariance (the generative model's assumption); mismatch 0 gives them back."""
    g1 = gc.rng.generator(0, salt=21)
    X, y = gc._synthetic(gc.CurveConfig(), 20000, g1)
    c0, c1 = np.cov(X[y == 0].T), np.cov(X[y == 1].T)
    assert np.abs(c0 - c1).max() < 0.05 and abs(c0[0, 1]) > 0.4  # shared, and the features correlate
    Xm, ym = gc._synthetic(gc.CurveConfig(data="mixture", mismatch=0.0), 20000, gc.rng.generator(0, salt=21))
    assert np.abs(np.cov(Xm[ym == 1].T) - c1).max() < 0.05
    Xb, yb = gc._synthetic(gc.CurveConfig(data="mixture"), 20000, gc.rng.generator(0, salt=21))
    assert np.abs(np.cov(Xb[yb == 1].T) - c1).max() > 1.0  # class 1 is no longer that Gaussian


def test_shrinkage_amount_reaches_the_model_and_the_page():
    """The shrinkage control is drawn only under shrinkage, moves the generative boundary there, and the
    learning curve downloads as CSV."""
    from conftest import open_page, snapshot

    a = gc.boundary(gc.CurveConfig(covariance="shrinkage", shrink=0.0, seed=3))
    b = gc.boundary(gc.CurveConfig(covariance="shrinkage", shrink=1.0, seed=3))
    assert a.lines["generative"] is not None and b.lines["generative"] is not None
    assert not np.allclose(a.lines["generative"][0], b.lines["generative"][0])
    at = open_page("pages/generative.py")
    assert not any(w.key == "gd_shrink" for w in at.slider)
    assert any("CSV" in b_.label for b_ in at.get("download_button"))
    at = open_page("pages/generative.py", query={"gd_covariance": "shrinkage"})
    base = snapshot(at)
    at.slider(key="gd_shrink").set_value(0.9).run()
    assert not at.exception and snapshot(at) != base
