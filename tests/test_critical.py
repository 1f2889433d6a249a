"""Critical points: the Hessian against hand-derived and finite-difference references, the verdicts,
the lecture's claims (a saddle is escaped along the negative eigenvector; training rarely stops at a
true minimum) on fixed seeds, bad input, and the page's own paths."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from conftest import open_page, snapshot
from core import critical as c
from core.charts import critical as charts

PRESET_POINTS = [("one-neuron network", 0.0, 0.0), ("one-neuron network", 1.0, 1.0), ("monkey saddle", 0.0, 0.0),
                 ("Rosenbrock", 1.0, 1.0), ("x² − y²", 0.0, 0.0)]
OTHER_POINTS = [(-1.3, 0.7), (0.45, -1.85), (2.0, 2.0), (-0.2, 0.05)]


# ---------- the Hessian and the gradient against their references ----------

@pytest.mark.parametrize("name", [n for n in c.SURFACES if n != "network slice"])
def test_hessian_equals_the_analytic_one(name):
    """torch.autograd.functional.hessian (point view) and the batched double backward (critical-point
    finder) both equal the Hessian worked out by hand, at every preset point and a few others."""
    pts = [(x, y) for n, x, y in PRESET_POINTS if n == name] + OTHER_POINTS
    g_b, H_b = c.grad_hess(c.surface_fn(name), torch.tensor(pts, dtype=torch.float64))[1:]
    for k, (x, y) in enumerate(pts):
        g_ref, H_ref = c.analytic_grad_hess(name, x, y)
        H = c.hessian_at(c.surface_fn(name), x, y).numpy()
        np.testing.assert_allclose(H, H_ref, rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(H_b[k].numpy(), H_ref, rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(g_b[k].numpy(), g_ref, rtol=1e-12, atol=1e-10)
        p = c.point(c.PointConfig(name=name, x=x, y=y))
        np.testing.assert_allclose(p.hessian, H_ref, rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(p.grad, g_ref, rtol=1e-12, atol=1e-10)


def test_eigenvalues_match_eigvalsh():
    for name, x, y in PRESET_POINTS + [("network slice", 0.3, -0.4)]:
        p = c.point(c.PointConfig(name=name, x=x, y=y))
        np.testing.assert_allclose(p.eigvals, torch.linalg.eigvalsh(torch.tensor(p.hessian)).numpy(), atol=1e-12)
        # eigenvectors: H u = λ u, unit length
        for k in range(2):
            u = p.eigvecs[:, k]
            np.testing.assert_allclose(p.hessian @ u, p.eigvals[k] * u, atol=1e-9)
            assert abs(np.linalg.norm(u) - 1) < 1e-12


def test_net_loss_equals_pytorch_sequential():
    X, y, _ = c.diabetes()
    H = 3
    theta = c.init_params(1, X.shape[1], H, torch.Generator().manual_seed(5))[0]  # (P,)
    W1, b1, w2, b2 = c.unpack(theta, X.shape[1], H)
    seq = nn.Sequential(nn.Linear(X.shape[1], H), nn.Tanh(), nn.Linear(H, 1)).double()
    seq.load_state_dict({"0.weight": W1, "0.bias": b1, "2.weight": w2[None, :], "2.bias": b2.reshape(1)})
    ref = nn.functional.mse_loss(seq(X)[:, 0], y)
    assert torch.allclose(c.net_loss(theta, X, y, H), ref, rtol=1e-12)
    # batched over leading dimensions: (2, 3, P) -> (2, 3), each as its own network
    thetas = c.init_params(6, X.shape[1], H, torch.Generator().manual_seed(1)).reshape(2, 3, -1)
    batched = c.net_loss(thetas, X, y, H)
    one = torch.stack([c.net_loss(t, X, y, H) for t in thetas.reshape(6, -1)]).reshape(2, 3)
    assert torch.allclose(batched, one, rtol=1e-12)


def test_full_network_hessian_matches_finite_differences_and_autograd():
    """The batched (vmapped) full Hessian of the small network equals torch.autograd.functional.hessian
    and a central finite-difference check of the gradient."""
    X, y, _ = c.diabetes()
    H = 2
    theta, _ = c.train_nets(3, H, 50, 0.05, seed=4)  # (3, P)
    Hs = c.net_hessians(theta, H)  # (3, P, P)
    P = theta.shape[1]
    assert Hs.shape == (3, P, P)

    def f(t):
        return c.net_loss(t, X, y, H)

    def grad(t):
        t = t.clone().requires_grad_(True)
        return torch.autograd.grad(f(t), t)[0]

    for m in range(3):
        ref = torch.autograd.functional.hessian(f, theta[m])
        assert torch.allclose(Hs[m], ref, atol=1e-10)
        eps = 1e-5
        fd = torch.stack([(grad(theta[m] + eps * e) - grad(theta[m] - eps * e)) / (2 * eps)
                          for e in torch.eye(P, dtype=torch.float64)])  # (P, P) row i: d g / d θ_i
        assert torch.allclose(Hs[m], fd, atol=1e-6), float((Hs[m] - fd).abs().max())
        assert torch.allclose(Hs[m], Hs[m].T, atol=1e-12)


def test_network_slice_is_the_network_with_two_weights_replaced():
    """The slice's fast formula equals the full network's loss, and its 2x2 Hessian is the full
    Hessian's submatrix at the two sliced weights (and a finite-difference check)."""
    X, y, _ = c.diabetes()
    net = c.slice_net(0)
    f = c.surface_fn("network slice", 0)
    for a, b in [(0.3, -0.7), (-1.2, 1.5), (net.theta[net.i].item(), net.theta[net.j].item())]:
        th = net.theta.clone()
        th[net.i], th[net.j] = a, b
        full = torch.autograd.functional.hessian(lambda t: c.net_loss(t, X, y, net.hidden), th)
        assert math.isclose(float(f(torch.tensor([a, b], dtype=torch.float64))), float(c.net_loss(th, X, y, net.hidden)),
                            rel_tol=1e-12)
        H = c.hessian_at(f, a, b)
        idx = [net.i, net.j]
        assert torch.allclose(H, full[idx][:, idx], atol=1e-10)
        eps = 1e-4
        p0 = torch.tensor([a, b], dtype=torch.float64)
        fd = torch.zeros(2, 2, dtype=torch.float64)
        for i in range(2):
            for j in range(2):
                ei, ej = eps * torch.eye(2, dtype=torch.float64)[i], eps * torch.eye(2, dtype=torch.float64)[j]
                fd[i, j] = (f(p0 + ei + ej) - f(p0 + ei - ej) - f(p0 - ei + ej) + f(p0 - ei - ej)) / (4 * eps * eps)
        assert torch.allclose(H, fd, atol=1e-5)


# ---------- verdicts ----------

@pytest.mark.parametrize("name,x,y,kind,higher", [
    ("one-neuron network", 0.0, 0.0, "saddle", None),  # the lecture's example: a saddle at the origin
    ("one-neuron network", 1.0, 1.0, "degenerate", "minimum"),  # on the valley w1·w2 = 1
    ("one-neuron network", 0.5, 0.5, "not critical", None),
    ("x² − y²", 0.0, 0.0, "saddle", None),
    ("monkey saddle", 0.0, 0.0, "degenerate", "saddle"),
    ("Rosenbrock", 1.0, 1.0, "minimum", None),
    ("Rosenbrock", 0.0, 0.0, "not critical", None),
])
def test_known_points_are_classified(name, x, y, kind, higher):
    p = c.point(c.PointConfig(name=name, x=x, y=y))
    assert p.kind == kind, p.reason
    assert p.higher_order == higher


def test_classify_every_kind():
    assert c.classify(np.array([1.0, 3.0]), 0.0)[0] == "minimum"
    assert c.classify(np.array([-3.0, -1.0]), 0.0)[0] == "maximum"
    assert c.classify(np.array([-3.0, 1.0]), 0.0)[0] == "saddle"
    assert c.classify(np.array([0.0, 1.0]), 0.0)[0] == "degenerate"
    assert c.classify(np.array([1.0, 2.0]), 0.5)[0] == "not critical"
    assert c.probe(lambda p: -(p ** 2).sum(-1), 0.0, 0.0) == "maximum"
    assert c.probe(lambda p: 0.0 * p[..., 0], 0.0, 0.0) == "flat"


def test_all_critical_points_found_and_classified():
    s = c.surface(c.SurfaceConfig(name="x² − y²")).critical
    assert len(s) == 1 and s.kind[0] == "saddle" and abs(s.x[0]) < 1e-9 and abs(s.y[0]) < 1e-9
    r = c.surface(c.SurfaceConfig(name="Rosenbrock")).critical
    assert len(r) == 1 and r.kind[0] == "minimum" and abs(r.x[0] - 1) < 1e-8 and abs(r.y[0] - 1) < 1e-8
    m = c.surface(c.SurfaceConfig(name="monkey saddle")).critical
    assert len(m) == 1 and m.kind[0] == "degenerate" and m.higher_order[0] == "saddle"
    o = c.surface(c.SurfaceConfig(name="one-neuron network")).critical
    sad = o[o.kind == "saddle"]
    assert len(sad) == 1 and abs(sad.x.iloc[0]) < 1e-9 and abs(sad.y.iloc[0]) < 1e-9
    valley = o[o.kind != "saddle"]
    assert len(valley) >= 10  # many points along both branches of the hyperbola w1·w2 = 1
    assert (valley.kind == "degenerate").all() and (valley.higher_order == "minimum").all()
    assert np.allclose(valley.x * valley.y, 1.0, atol=1e-8)
    assert (valley.x > 0).any() and (valley.x < 0).any()


def test_isolines_cross_at_the_level():
    xs = np.linspace(-1, 1, 41)
    X, Y = np.meshgrid(xs, xs)
    seg = c.isolines(xs, xs, X ** 2 + Y ** 2, [0.25])
    r = np.hypot(np.r_[seg.x, seg.x2], np.r_[seg.y, seg.y2])
    assert len(seg) > 20 and np.allclose(r, 0.5, atol=0.01)
    assert c.isolines(xs, xs, np.ones((41, 41)), [0.5]).empty


# ---------- the lecture's claims ----------

def test_a_step_along_the_escape_direction_lowers_the_loss():
    for name in ("one-neuron network", "x² − y²"):
        for jump in (0.05, 0.1, 0.5):
            e = c.escape(c.EscapeConfig(name=name, jump=jump))
            assert e.lam < 0
            assert e.actual_drop < 0
            # close in, the drop is the quadratic prediction ½λ‖u‖²
            assert math.isclose(e.actual_drop, e.predicted_drop, rel_tol=0.1 if jump > 0.1 else 0.01)


def test_plain_descent_crawls_and_the_escape_step_does_not():
    e = c.escape(c.EscapeConfig())  # one-neuron network, start 0.01 from the saddle, seed 0
    plain, jumped = (e.escape_steps[r] for r in c.RUNS)
    assert jumped is not None and plain is not None
    assert plain >= 5 * jumped, e.escape_steps
    h = e.history[e.history.run == c.RUNS[0]].loss.to_numpy()
    assert abs(h[10] - e.saddle_loss) < 0.01  # ten steps in, plain descent has hardly moved off the saddle
    stuck = c.escape(c.EscapeConfig(offset=0.0, steps=100))  # exactly on the saddle: g = 0, it never moves
    h = stuck.history[stuck.history.run == c.RUNS[0]].loss.to_numpy()
    assert np.all(h == stuck.saddle_loss) and stuck.escape_steps[c.RUNS[0]] is None
    assert stuck.escape_steps[c.RUNS[1]] is not None


def test_training_rarely_stops_at_a_true_minimum():
    r = c.min_ratio(c.RatioConfig())  # 16 runs, 10 -> 8 -> 1 tanh networks, seed 0
    t = r.table
    assert len(t) == 16 and r.n_params == 97
    assert (t.min_ratio < 1).mean() >= 0.75, t.min_ratio.tolist()
    # the negative eigenvalues are real curvature, far above rounding, where the gradient is already small
    neg = t[t.min_ratio < 1]
    assert (neg.lambda_min < -1e-4).all()
    assert t.grad_norm.median() < 0.05
    # a tiny network does end in true minima; the wider the network, the rarer they are
    tiny = c.min_ratio(c.RatioConfig(hidden=1)).table
    assert (tiny.negative == 0).mean() >= 0.75 > (t.negative == 0).mean() + 0.5
    # the eigenvalues are torch.linalg.eigvalsh of the autograd Hessian
    X, y, _ = c.diabetes()
    ref = torch.autograd.functional.hessian(lambda th: c.net_loss(th, X, y, 8), r.weights[0])
    np.testing.assert_allclose(r.eigvals[0], torch.linalg.eigvalsh(ref).numpy(), atol=1e-9)


# ---------- bad input ----------

def test_bad_configs_are_clamped_not_raised():
    p = c.point(c.PointConfig(name="nonsense", x=float("nan"), y=1e9, window=float("inf")))
    assert p.config.name == c.PointConfig.name and p.config.x == 0.0 and p.config.y == c.HI and p.config.window == 0.5
    s = c.surface(c.SurfaceConfig(name="nope", grid=10**6, starts=-3))
    assert s.config.grid == 160 and s.config.starts == 2
    e = c.escape(c.EscapeConfig(lr=float("nan"), steps=-5, offset=1e9, jump=-1))
    assert e.config.steps == 1 and e.config.offset == 1.0
    r = c.min_ratio(c.RatioConfig(runs=0, hidden=0, steps=0, lr=float("inf")))
    assert r.config.runs == 1 and r.config.hidden == 1


def test_huge_learning_rate_stays_in_view_and_finite():
    e = c.escape(c.EscapeConfig(lr=1e4, steps=50))
    assert np.isfinite(e.history.loss).all()
    assert (e.paths[["x", "y"]].abs() <= c.HI + c.PAD + 1e-12).all().all()


def test_divergent_ratio_training_is_reported_not_raised():
    r = c.min_ratio(c.RatioConfig(runs=4, hidden=2, steps=40, lr=1e3))
    assert np.isfinite(r.table.loss).all()
    assert r.log.message() is None or "diverged" in r.log.message()


def test_errors_are_clear():
    with pytest.raises(ValueError, match="unknown surface"):
        c.surface_fn("banana")
    with pytest.raises(ValueError, match="no negative eigenvalue"):
        c.escape(c.EscapeConfig(name="Rosenbrock", sx=1.0, sy=1.0))
    assert c.nearest_saddle(c.surface(c.SurfaceConfig(name="Rosenbrock")).critical, 0, 0) is None


# ---------- charts and exports ----------

def test_chart_specs_are_valid_vega_lite_without_nan():
    s = c.surface(c.SurfaceConfig())
    p = c.point(c.PointConfig(x=0.5, y=-0.25))
    e = c.escape(c.EscapeConfig())
    r = c.min_ratio(c.RatioConfig(runs=4, hidden=2, steps=25))
    for ch in [charts.contour_chart(s, p, e), charts.contour_chart(s, p, None), charts.local_chart(p, "true loss"),
               charts.local_chart(p, "quadratic approximation"), charts.slices_chart(p), charts.escape_chart(e),
               charts.ratio_chart(r), charts.spectrum_chart(r)]:
        spec = ch.to_dict()  # validates against the Vega-Lite schema
        assert "NaN" not in str(spec) and "inf" not in str(spec).lower().replace("info", "")


def test_exports():
    from safetensors.torch import load

    e = c.escape(c.EscapeConfig(steps=25))
    assert c.escape_csv(e).decode().startswith("step,run,x,y,loss")
    r = c.min_ratio(c.RatioConfig(runs=4, hidden=2, steps=25))
    w = load(c.ratio_safetensors(r))
    assert w["W1"].shape == (4, 2, 10) and w["w2"].shape == (4, 2)
    assert c.ratio_csv(r).decode().count("\n") == 5


# ---------- the page ----------

PAGE = "pages/critical.py"


def test_page_link_reproduces_the_demo():
    at = open_page(PAGE, query={"cp_surface": "Rosenbrock", "cp_x": "1.0", "cp_y": "1.0"})
    assert not at.exception
    assert any("a local **minimum**" in m.value for m in at.markdown)
    assert any("No critical point in view has a negative eigenvalue" in w.value for w in at.warning)


def test_page_network_slice():
    at = open_page(PAGE, query={"cp_surface": "network slice", "cp_x": "-2.0", "cp_y": "2.0"})
    assert not at.exception
    assert any("trained for" in cap.value for cap in at.caption)
    assert len(at.get("vega_lite_chart")) >= 4


def test_page_minimum_ratio_controls():
    at = open_page(PAGE, query={"cp_ratio": "true", "cp_runs": "4", "cp_rsteps": "25", "cp_hidden": "2"})
    assert not at.exception
    assert any("runs stopped where the Hessian" in m.value for m in at.markdown)
    base = snapshot(at)
    for key, value in (("cp_runs", 8), ("cp_hidden", 1), ("cp_rsteps", 100)):
        at.select_slider(key=key).set_value(value).run()
        assert not at.exception, at.exception
        assert snapshot(at) != base, key
        base = snapshot(at)


def test_page_odd_url_values_show_no_traceback():
    for q in [{"cp_surface": "banana", "cp_x": "abc", "cp_win": "7"},
              {"cp_x": "99", "cp_y": "-99", "cp_off": "nan", "cp_steps": "1e9"},
              {"cp_ratio": "true", "cp_runs": "1000", "cp_hidden": "-1", "cp_rsteps": "x"}]:
        at = open_page(PAGE, query=q)
        assert not at.exception, (q, at.exception)
        assert len(at.get("vega_lite_chart")) >= 5


def test_page_same_link_same_numbers():
    def metrics(at):
        return [(m.label, m.value) for m in at.metric]

    a = metrics(open_page(PAGE, query={"seed": "7", "cp_off": "0.1"}))
    b = metrics(open_page(PAGE, query={"seed": "7", "cp_off": "0.1"}))
    other = metrics(open_page(PAGE, query={"seed": "8", "cp_off": "0.1"}))
    assert a == b and a != other  # the seed draws the direction of the offset start
