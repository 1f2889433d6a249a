"""Critical points: the Hessian against hand-derived and finite-difference references, the verdicts,
the lecture's claims (a saddle is escaped along the negative eigenvector; training rarely stops at a
true minimum) on fixed seeds, bad input, and the page's own paths."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

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
    X, y, _ = c.net_data()
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
    X, y, _ = c.net_data()
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


@pytest.mark.claim
def test_network_slice_is_the_network_with_two_weights_replaced():
    """The slice's fast formula equals the full network's loss, and its 2x2 Hessian is the full
    Hessian's submatrix at the two sliced weights (and a finite-difference check). The page's sentence
    "the others stay at their trained values" is checked on 10 seeds: the loss at the trained pair is the
    trained network's loss."""
    X, y, _ = c.net_data()
    for seed in range(10):
        net = c.slice_net(seed)
        f = c.surface_fn("network slice", seed)
        pair = torch.tensor([float(net.theta[net.i]), float(net.theta[net.j])], dtype=torch.float64)
        assert math.isclose(float(f(pair)), net.loss, rel_tol=1e-12)
        assert net.theta.shape[0] == c.n_params(X.shape[1], net.hidden)
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
    # the verdict's shape word ("the surface curves up in every direction" ...), one rule for page and core
    for lam, want in (([1.0, 3.0], "up"), ([-3.0, -1.0], "down"), ([-3.0, 1.0], "mixed"), ([0.0, 1.0], "flat"),
                      ([-1.0, 0.0], "flat")):
        assert c.shape(np.array(lam)) == want
        assert c.SHAPES[want] in c.classify(np.array(lam), 0.5)[1]


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


# ---------- the page's claims, each on many seeds ----------

SEEDS = range(10)  # every claim that depends on a seed is checked on these


@pytest.fixture(scope="session")
def slice_points():
    """Every critical point in view of the network slice, for 10 seeds (10 trained networks)."""
    return {s: c.surface(c.SurfaceConfig(name="network slice", seed=s, grid=8, starts=8)) for s in SEEDS}


def test_claim_valley_of_minima():
    """Preset "A valley of minima": at w1 = w2 = 1, g = 0 and one eigenvalue is 0, the Hessian cannot decide,
    and the loss is flat (zero, its lowest) along the whole curve w1·w2 = 1."""
    p = c.point(c.PointConfig(x=1.0, y=1.0))
    assert np.linalg.norm(p.grad) == 0.0
    np.testing.assert_allclose(p.eigvals, [0.0, 4.0], atol=1e-12)
    assert p.kind == "degenerate" and p.higher_order == "minimum"
    w1 = np.r_[np.linspace(-2, -0.5, 20), np.linspace(0.5, 2, 20)]
    f = c.surface_fn("one-neuron network")
    on = c.evaluate(f, torch.tensor(np.c_[w1, 1 / w1]))
    assert float(on.abs().max()) < 1e-15  # L = 0 all along the valley: every point of it is a minimum


def test_claim_monkey_saddle():
    """Preset "Monkey saddle": at the origin H = 0, no eigenvector points downhill (no λ < 0), and the
    true loss still goes down in three directions (three separate arcs of a small circle)."""
    p = c.point(c.PointConfig(name="monkey saddle"))
    assert np.abs(p.hessian).max() == 0.0 and not (p.eigvals < 0).any()
    assert c.nearest_saddle(c.surface(c.SurfaceConfig(name="monkey saddle")).critical, 0.0, 0.0) is None
    ang = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    ring = torch.tensor(0.01 * np.c_[np.cos(ang), np.sin(ang)])
    down = (c.evaluate(c.surface_fn("monkey saddle"), ring).numpy() < 0)
    arcs = int((down & ~np.roll(down, 1)).sum())  # starts of downhill arcs around the circle
    assert arcs == 3


def test_claim_rosenbrock_valley():
    """Preset "Rosenbrock's valley": a true minimum at (1, 1); one eigenvalue is about 2,500 times the
    other (``PointResult.condition``); gradient descent crawls along the valley."""
    p = c.point(c.PointConfig(name="Rosenbrock", x=1.0, y=1.0, window=0.25))
    assert p.kind == "minimum" and p.loss == 0.0
    assert 2400 < p.condition < 2600 and p.steep, p.condition
    # gradient descent at the largest stable learning rate (1/λmax), started 0.1 along the flat direction:
    # after 500 steps it has covered less than half the way to the minimum
    lam, U = p.eigvals, p.eigvecs
    f = c.surface_fn("Rosenbrock")
    for sgn in (1, -1):
        P = (torch.tensor([1.0, 1.0], dtype=torch.float64) + sgn * 0.1 * torch.tensor(U[:, 0])).requires_grad_(True)
        opt = torch.optim.SGD([P], lr=1 / lam[1])
        for _ in range(500):
            opt.zero_grad()
            f(P).backward()
            opt.step()
        assert float((P.detach() - 1).norm()) > 0.05


@pytest.mark.claim
@pytest.mark.parametrize("seed", SEEDS)
def test_claim_stuck_exactly_on_the_saddle(seed):
    """Preset "Stuck exactly on the saddle" (offset 0, 100 steps): g = 0, so plain descent never moves; one
    step along the negative eigenvector escapes at once (the loss is below the saddle's from step 0)."""
    e = c.escape(c.EscapeConfig(offset=0.0, steps=100, seed=seed))
    assert e.story() == "stuck"
    plain = e.history[e.history.run == c.RUNS[0]].loss.to_numpy()
    jumped = e.history[e.history.run == c.RUNS[1]].loss.to_numpy()
    assert len(plain) == 100 and np.all(plain == e.saddle_loss) and e.escape_steps[c.RUNS[0]] is None
    assert jumped[0] < e.saddle_loss and e.escape_steps[c.RUNS[1]] is not None and e.escape_steps[c.RUNS[1]] <= 10


def _critical_points(slice_points):
    for name in ("one-neuron network", "x² − y²", "monkey saddle", "Rosenbrock"):
        for _, r in c.surface(c.SurfaceConfig(name=name)).critical.iterrows():
            yield name, 0, r
    for seed, s in slice_points.items():
        for _, r in s.critical.iterrows():
            yield "network slice", seed, r


@pytest.mark.claim
def test_claim_arrows_point_down_up_flat(slice_points):
    """Notice: at a critical point, the eigenvector arrows of λ < 0 (ARROW_COLOURS["λ < 0"]) point downhill
    both ways, those of λ > 0 uphill; mixed signs where g = 0 make a saddle. Checked at every critical
    point in view of every surface, the network slice on 10 seeds."""
    n_down = n_up = 0
    for name, seed, r in _critical_points(slice_points):
        p = c.point(c.PointConfig(name=name, x=float(np.clip(r.x, c.LO, c.HI)), y=float(np.clip(r.y, c.LO, c.HI)),
                                  seed=seed, grid=4))
        if p.kind == "not critical":  # the finder's point rounded onto the view's edge
            continue
        f = c.surface_fn(name, seed)
        x0 = torch.tensor([p.config.x, p.config.y], dtype=torch.float64)
        for k in range(2):
            u = torch.tensor(p.eigvecs[:, k])
            t = 1e-3 / max(1.0, abs(p.eigvals[k])) ** 0.5
            d = (c.evaluate(f, torch.stack([x0 + t * u, x0 - t * u])) - c.evaluate(f, x0[None])).numpy()
            sign = c.sign_of(p.eigvals[k], p.eigvals)
            if sign == "λ < 0":
                assert (d < 0).all(), (name, seed, p.config.x, p.config.y)
                n_down += 1
            elif sign == "λ > 0":
                assert (d > 0).all(), (name, seed, p.config.x, p.config.y)
                n_up += 1
        signs = {c.sign_of(v, p.eigvals) for v in p.eigvals}
        assert (p.kind == "saddle") == (signs == {"λ < 0", "λ > 0"})
    assert n_down >= 2 and n_up >= 5


def test_claim_colour_constants_are_what_the_charts_draw():
    from core.charts import COLOURS

    for d in (charts.ARROW_COLOURS, charts.RUN_COLOURS, charts.RATIO_COLOURS):
        assert set(d.values()) <= set(COLOURS)
    assert set(charts.ARROW_COLOURS) == set(c.SIGNS) and set(charts.RUN_COLOURS) == set(c.RUNS)
    assert set(charts.RATIO_COLOURS) == set(c.VERDICTS)
    p = c.point(c.PointConfig())
    spec = charts.local_chart(p, "true loss").to_dict()
    rng_ = [lay["encoding"]["color"]["scale"]["range"] for lay in spec["layer"]
            if lay["mark"]["type"] == "rule" and "color" in lay.get("encoding", {})]
    assert rng_ == [[COLOURS[charts.ARROW_COLOURS[s]] for s in c.SIGNS]]
    for which, want in ((0, "λ < 0"), (1, "λ > 0")):  # the default point is a saddle: each slice in its arrow's colour
        sl = charts.slices_chart(p, which).to_dict()
        assert sl["layer"][0]["mark"]["color"] == COLOURS[charts.ARROW_COLOURS[want]]
        title = sl["title"]["text"] if isinstance(sl["title"], dict) else sl["title"]
        assert f"u{which + 1}" in str(title)
    e = c.escape(c.EscapeConfig(steps=25))
    esc = charts.escape_chart(e).to_dict()
    assert esc["layer"][0]["encoding"]["color"]["scale"]["range"] == [COLOURS[charts.RUN_COLOURS[r]] for r in c.RUNS]


@pytest.mark.parametrize("name,x,y,seed", [("one-neuron network", 0.3, -0.6, 0), ("monkey saddle", 0.4, 0.2, 0),
                                           ("Rosenbrock", -0.5, 0.8, 0)] + [("network slice", 0.3, -0.4, s) for s in SEEDS])
@pytest.mark.claim
def test_claim_quadratic_agrees_close_in(name, x, y, seed):
    """Caption: zoom in and the two maps become the same picture (the gap shrinks like the window³)."""
    gaps = []
    for w in (0.5, 0.05):
        p = c.point(c.PointConfig(name=name, x=x, y=y, window=w, seed=seed, grid=8))
        t = p.local[p.local.surface == "true loss"].loss.to_numpy()
        qd = p.local[p.local.surface == "quadratic approximation"].loss.to_numpy()
        gaps.append(np.abs(t - qd).max())
    assert gaps[1] <= 0.02 * gaps[0] + 1e-12, gaps


def test_claim_degenerate_quadratic_is_flat_and_the_true_loss_parts():
    """Caption: at a degenerate point the approximation is flat along the λ ≈ 0 eigenvector and the true
    loss parts from it."""
    for name, x, y in (("one-neuron network", 1.0, 1.0), ("monkey saddle", 0.0, 0.0), ("one-neuron network", -1.0, -1.0)):
        p = c.point(c.PointConfig(name=name, x=x, y=y))
        assert p.kind == "degenerate"
        k = int(np.argmin(np.abs(p.eigvals)))
        d = p.slices[p.slices.direction.str.startswith(f"u{k + 1}")]
        quad = d[d.curve == "quadratic"].loss.to_numpy()
        true = d[d.curve == "true loss"].loss.to_numpy()
        assert np.ptp(quad) < 1e-12 and np.abs(true - quad).max() > 1e-3


@pytest.fixture(scope="session")
def escapes():
    return {(name, s): c.escape(c.EscapeConfig(name=name, seed=s)) for name in ("one-neuron network", "x² − y²")
            for s in SEEDS}


@pytest.mark.claim
def test_claim_plain_descent_crawls_and_the_escape_step_does_not(escapes):
    """Escape notice: next to a saddle plain descent (RUN_COLOURS: sky blue, dashed) crawls before it slides off; one
    step along the negative eigenvector (blue) gets halfway down far sooner. The page says "crawls" where
    it takes CRAWL_FACTOR (2) times the steps (``EscapeResult.story``); it holds with margin: at least 2.5 times
    that on the one-neuron network, 1.5 times on x² − y² (measured: 8-10x and 3.9-8x the escape run's steps).
    Default settings (offset 0.01, η 0.05, 150 steps, jump 0.5), 10 seeds, both surfaces with a saddle at the
    origin."""
    assert c.EscapeConfig().offset <= c.CRAWL_OFFSET
    for (name, s), e in escapes.items():
        plain, jumped = (e.escape_steps[r] for r in c.RUNS)
        margin = 2.5 if name == "one-neuron network" else 1.5
        assert e.story() == "crawl", (name, s, e.escape_steps)
        assert plain >= margin * c.CRAWL_FACTOR * jumped, (name, s, e.escape_steps)
        h = e.history[e.history.run == c.RUNS[0]].loss.to_numpy()
        assert abs(h[10] - e.saddle_loss) < 0.01, (name, s)  # ten steps in, plain descent has hardly moved


def test_claim_escape_step_drops_by_half_lambda_u2():
    """Escape notice: one step of length ‖u‖ along the eigenvector of λ < 0 lowers the loss by about
    ½λ‖u‖² (within 10% for every step length up to 0.5; ``EscapeResult.predicted_drop``)."""
    for name in ("one-neuron network", "x² − y²"):
        for jump in [j for j in c.JUMPS if j <= 0.5]:
            e = c.escape(c.EscapeConfig(name=name, jump=jump, steps=25))
            assert e.lam < 0 and e.actual_drop < 0
            assert math.isclose(e.actual_drop, e.predicted_drop, rel_tol=0.1 if jump > 0.1 else 0.01)


def test_claim_not_critical_means_the_loss_falls_along_minus_g():
    """Verdict text "not critical": the loss still falls along −g."""
    for name, x, y in (("one-neuron network", 0.5, 0.5), ("Rosenbrock", 0.0, 0.0), ("monkey saddle", 1.0, -0.5)):
        p = c.point(c.PointConfig(name=name, x=x, y=y))
        assert p.kind == "not critical"
        f = c.surface_fn(name)
        step = torch.tensor([x, y], dtype=torch.float64) - 1e-4 * torch.tensor(p.grad)
        assert float(f(step)) < p.loss


# ---------- the minimum ratio, the lecture's way (issues 12 and 24) ----------

@pytest.fixture(scope="session")
def small_ratio():
    """A cheap run of the page's computation: 4 networks of 2 hidden units, 100 Adam steps, two seeds at once."""
    return c.min_ratios(c.RatioConfig(runs=4, hidden=2, steps=100), (3, 5), max_seconds=math.inf)


def test_ratio_table_is_the_hessian_at_the_weights_reached(small_ratio):
    """Signs, ratio, ‖g‖ and the verdict are those of the autograd Hessian and gradient at the final weights;
    the facts count every run once; batching seeds changes nothing beyond rounding."""
    X, y, _ = c.net_data()
    for r in small_ratio:
        t = r.table
        neg, zero, pos = c.sign_counts(r.eigvals)
        assert (t.negative == neg).all() and (t.near_zero == zero).all() and (t.positive == pos).all()
        np.testing.assert_allclose(t.min_ratio, pos / r.n_params)
        assert (t.reached == c.is_critical(t.grad_norm.to_numpy(), r.eigvals)).all()
        assert (t.verdict == np.where(neg > 0, c.VERDICTS[0], np.where(zero > 0, c.VERDICTS[1], c.VERDICTS[2]))).all()
        for m in range(len(t)):
            ref = torch.autograd.functional.hessian(lambda th: c.net_loss(th, X, y, 2), r.weights[m])
            np.testing.assert_allclose(r.eigvals[m], torch.linalg.eigvalsh(ref).numpy(), atol=1e-9)
        _, g = c.net_grads(r.weights, 2)
        np.testing.assert_allclose(t.grad_norm, g.norm(dim=1).numpy(), rtol=1e-12)
        f = r.facts()
        assert f["down"] + f["flat"] + (t.negative + t.near_zero == 0).sum() == f["runs"] == r.config.runs
        assert f["reached"] + f["missed"] == f["runs"] and f["story"] in c.RATIO_STORIES
        one = c.min_ratio(r.config)  # the page's call, one seed
        np.testing.assert_allclose(one.weights.numpy(), r.weights.numpy(), atol=1e-6)
        assert (one.table.negative == t.negative).all()


def test_lbfgs_minimises_the_sum_of_squared_gradient_norms(small_ratio):
    """Phase 2 is the lecture's: ‖g‖² itself minimised (torch.optim.LBFGS on Σ‖g_m‖²), so that sum only falls."""
    for r in small_ratio:
        t = r.table
        assert (t.grad_norm ** 2).sum() < (t.grad_start ** 2).sum()


def test_fast_network_hessians_equal_torch_func_hessian():
    for h in (1, 3):
        theta, _ = c.train_nets(2, h, 20, 0.05, seed=h)
        assert torch.allclose(c.net_hessians_fast(theta, h), c.net_hessians(theta, h), atol=1e-12)


RATIO_SEEDS = range(10)


@pytest.fixture(scope="session")
def ratio_seeds():
    """The page's default (16 runs of 8 hidden units, 300 Adam steps, then L-BFGS) on ten seeds, the Adam
    phase of all 160 networks one batched computation."""
    return c.min_ratios(c.RatioConfig(), RATIO_SEEDS, max_seconds=math.inf)  # never cut by the wall-time guard


@pytest.mark.claim
def test_claim_most_stopping_points_still_have_a_way_down(ratio_seeds):
    """The default's notice (story "most"): more than MOST of the runs stop where the Hessian has a λ < 0, and
    at most RARE reach ratio 1. Ten seeds x 16 runs; measured: 14-16 of 16 with a λ < 0 (held to 12, MOST +
    0.25), no run with ratio 1 (held to 0); ratios 0.74-0.89 (held below 0.95); ‖g‖ after L-BFGS 2e-3 to 2e-2,
    no run below the verdicts' tolerance (the page says so: "missed")."""
    for r in ratio_seeds:
        f = r.facts()
        assert r.log.stopped == "done" and r.log.steps == r.config.steps
        assert f["story"] == "most" and f["down"] >= (c.MOST + 0.25) * f["runs"] and f["minima"] == 0, f
        assert f["ratio_hi"] < 0.95 and f["missed"] == f["runs"], f


def test_chart_words_come_from_both_catalogues():
    """Every critical.charts key exists in English and 中文; every builder takes lang last; the Chinese
    charts draw Chinese words and validate."""
    import inspect

    from core import i18n

    en = {k for k in i18n.catalogue("en") if k.startswith("critical.charts.")}
    zh = {k for k in i18n.catalogue("zh") if k.startswith("critical.charts.")}
    assert en and en == zh
    for name in ("contour_chart", "local_chart", "slices_chart", "escape_chart", "ratio_chart", "spectrum_chart"):
        params = list(inspect.signature(getattr(charts, name)).parameters.values())
        assert params[-1].name == "lang" and params[-1].default == "en"
    for k in c.SURFACES:
        assert f"critical.charts.surface.{k}" in en
    for kinds in (c.SIGNS, c.RUNS, c.VERDICTS):
        prefix = {c.SIGNS: "sign", c.RUNS: "run", c.VERDICTS: "verdict"}[kinds]
        assert all(f"critical.charts.{prefix}.{v}" in en for v in kinds)
    s, p, e = c.surface(c.SurfaceConfig(grid=12, starts=6)), c.point(c.PointConfig(grid=6)), c.escape(c.EscapeConfig(steps=25))
    spec = charts.contour_chart(s, p, e, "zh").to_dict()
    assert "单神经元网络" in str(spec) and "鞍点" in str(spec)
    assert "损失" in str(charts.escape_chart(e, "zh").to_dict())


def test_claim_which_surfaces_have_a_saddle_to_escape():
    """Page warning: Rosenbrock and the monkey saddle have no critical point in view with λ < 0; the
    one-neuron network and x² − y² have one (at the origin)."""
    for name, has in (("Rosenbrock", False), ("monkey saddle", False), ("one-neuron network", True), ("x² − y²", True)):
        sad = c.nearest_saddle(c.surface(c.SurfaceConfig(name=name)).critical, 0.5, 0.5)
        assert (sad is not None) == has and (not has or max(abs(sad[0]), abs(sad[1])) < 1e-9)


def test_first_screen_charts_keep_their_plots_and_name_their_shapes_in_text():
    """Issue 23: at 1280×720 λ2 and the map's x axis fell below the first screen, and legends squeezed the slices
    to about 40 px and pushed the minimum-ratio chart's title above its top (Vega's fit counts a legend twice;
    tests/test_browser.py measures the drawn charts). The map, the slices, the ratio and the spectrum draw no legend:
    the captions name every shape and colour (the shapes' glyphs from KIND_GLYPHS, one per kind)."""
    import json

    from core import i18n

    s, p = c.surface(c.SurfaceConfig(grid=12, starts=6)), c.point(c.PointConfig(grid=6))
    specs = [charts.contour_chart(s, p, None), charts.slices_chart(p, 0), charts.slices_chart(p, 1)]
    for sp in specs:
        d = json.dumps(sp.to_dict())
        assert '"legend": {' not in d.replace('"legend": {"labelFontSize"', "") and '"legend": null' in d
    assert charts.MAP_HEIGHT <= 380  # title, a square plot in its slot and the x axis: on the first screen
    assert set(charts.KIND_GLYPHS) == set(charts.KINDS) and len(set(charts.KIND_GLYPHS.values())) == len(charts.KINDS)
    for lang in ("en", "zh"):
        assert "{kinds}" in i18n.catalogue(lang)["critical.map.caption"]
