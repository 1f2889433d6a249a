"""The autograd part: a small expression of two or three parameters, its computation graph as PyTorch recorded
it (every op's ``grad_fn``, walked through ``next_functions``) drawn as DOT, each leaf's ``.grad`` after
``backward()`` against the derivative written by hand, and what forgetting ``zero_grad()`` does over steps.

Float64 throughout, so autograd and the hand derivative agree to the last digits shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core import params
from core.params import choice, num

EXPRESSIONS = ("line", "sigmoid", "neuron")  # the menu
LEAVES = {"line": ("w", "b"), "sigmoid": ("w", "b"), "neuron": ("w", "b", "c")}
X, Y = 2.0, 1.0  # the one example: input x and target y (constants: no .grad)
FORMULA = {"line": r"L = (w x + b - y)^2", "sigmoid": r"L = (\sigma(w x + b) - y)^2",
           "neuron": r"L = (c\,\mathrm{relu}(w x + b) - y)^2"}
HAND = {  # d L / d leaf, written by hand (LaTeX), with e the error before squaring
    "line": {"w": r"2e\,x", "b": r"2e"},
    "sigmoid": {"w": r"2e\,\sigma(u)(1-\sigma(u))\,x", "b": r"2e\,\sigma(u)(1-\sigma(u))"},
    "neuron": {"w": r"2e\,c\,[u>0]\,x", "b": r"2e\,c\,[u>0]", "c": r"2e\,\mathrm{relu}(u)"},
}
AGREE = 1e-12  # autograd and the hand derivative agree within this (float64)


@dataclass(frozen=True)
class GradConfig:
    expr: str = choice("line", EXPRESSIONS, widget="radio")  # the expression
    w: float = num(0.8, -2.0, 2.0, step=0.1)  # the parameters' values before backward()
    b: float = num(0.1, -2.0, 2.0, step=0.1)
    c: float = num(1.0, -2.0, 2.0, step=0.1)  # the neuron's output weight
    steps: int = num(5, 1, 12, step=1)  # updates made with and without zero_grad()
    lr: float = choice(0.05, (0.01, 0.02, 0.05, 0.1))  # the updates' learning rate


def forward(expr: str, leaves: dict[str, torch.Tensor]) -> list[tuple[str, str, torch.Tensor, tuple[str, ...]]]:
    """The expression one op at a time: (name, formula, tensor, inputs) in order; the last is L."""
    w, b = leaves["w"], leaves["b"]
    z = w * X
    u = z + b
    ops = [("z", "w·x", z, ("w", "x")), ("u", "z + b", u, ("z", "b"))]
    if expr == "line":
        last = u
    elif expr == "sigmoid":
        last = torch.sigmoid(u)
        ops.append(("s", "σ(u)", last, ("u",)))
    else:
        h = torch.relu(u)
        last = leaves["c"] * h
        ops += [("h", "relu(u)", h, ("u",)), ("p", "c·h", last, ("c", "h"))]
    e = last - Y
    loss = e ** 2
    ops += [("e", f"{ops[-1][0]} − y", e, (ops[-1][0], "y")), ("L", "e²", loss, ("e",))]
    return ops


def hand(expr: str, v: dict[str, float]) -> dict[str, float]:
    """The derivatives of L by hand (the formulas of ``HAND``)."""
    u = v["w"] * X + v["b"]
    if expr == "line":
        e = u - Y
        return {"w": 2 * e * X, "b": 2 * e}
    if expr == "sigmoid":
        s = 1 / (1 + np.exp(-u))
        e = s - Y
        return {"w": 2 * e * s * (1 - s) * X, "b": 2 * e * s * (1 - s)}
    h, on = max(u, 0.0), float(u > 0)
    e = v["c"] * h - Y
    return {"w": 2 * e * v["c"] * on * X, "b": 2 * e * v["c"] * on, "c": 2 * e * h}


@dataclass
class GradResult:
    config: GradConfig
    names: tuple[str, ...]  # the leaves
    loss: float
    table: pd.DataFrame  # leaf, value, grad (autograd), hand, formula
    nodes: list[tuple[str, str, float, str, float | None, tuple[str, ...]]]  # name, formula, value, grad_fn
    # name, dL/dnode, inputs: the ops in the order the expression makes them
    edges: list[tuple[str, str]]  # (input, op output) as autograd's next_functions link them
    twice: dict[str, float]  # .grad after backward() twice without zero_grad (retain_graph): 2x
    steps: pd.DataFrame  # step, leaf, mode ("zero_grad", "forgot"), grad, fresh, loss, value


def _leaves(cfg: GradConfig) -> dict[str, torch.Tensor]:
    return {k: torch.tensor(float(getattr(cfg, k)), dtype=torch.float64, requires_grad=True)
            for k in LEAVES[cfg.expr]}


def walk(loss: torch.Tensor, names: dict[int, str]) -> list[tuple[str, str]]:
    """Edges (input, output) of autograd's own graph from ``loss.grad_fn`` down to the leaves' AccumulateGrad
    nodes; ``names`` maps ``id(grad_fn)`` (and ``id(leaf)``) to the page's names."""
    out, seen, todo = [], set(), [loss.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        for nxt, _ in fn.next_functions:
            if nxt is None:
                continue
            src = names[id(nxt.variable)] if hasattr(nxt, "variable") else names[id(nxt)]
            out.append((src, names[id(fn)]))
            if not hasattr(nxt, "variable"):
                todo.append(nxt)
    return sorted(out)


def run(cfg: GradConfig) -> GradResult:
    cfg = params.clamp(cfg)
    names = LEAVES[cfg.expr]
    leaves = _leaves(cfg)
    ops = forward(cfg.expr, leaves)
    for _, _, t, _ in ops:
        t.retain_grad()
    loss = ops[-1][2]
    ids = {id(t.grad_fn): n for n, _, t, _ in ops} | {id(t): k for k, t in leaves.items()}
    edges = walk(loss, ids)
    loss.backward(retain_graph=True)
    vals = {k: float(getattr(cfg, k)) for k in names}
    by_hand = hand(cfg.expr, vals)
    table = pd.DataFrame({"leaf": names, "value": [vals[k] for k in names],
                          "grad": [leaves[k].grad.item() for k in names], "hand": [by_hand[k] for k in names],
                          "formula": [HAND[cfg.expr][k] for k in names]})
    nodes = [(n, f, t.item(), t.grad_fn.name(), None if t.grad is None else t.grad.item(), i) for n, f, t, i in ops]
    loss.backward()  # again, without zero_grad: .grad adds the same gradient once more
    twice = {k: leaves[k].grad.item() for k in names}
    return GradResult(cfg, names, loss.item(), table, nodes, edges, twice, _steps(cfg))


def _steps(cfg: GradConfig) -> pd.DataFrame:
    """``cfg.steps`` updates of SGD from the same start, once with ``zero_grad()`` before every backward and
    once without: the ``.grad`` each update used, the fresh gradient at that point, the loss."""
    rows = []
    for mode in ("zero_grad", "forgot"):
        leaves = _leaves(cfg)
        opt = torch.optim.SGD(list(leaves.values()), lr=cfg.lr)
        for k in range(1, cfg.steps + 1):
            if mode == "zero_grad":
                opt.zero_grad()
            loss = forward(cfg.expr, leaves)[-1][2]
            fresh = torch.autograd.grad(loss, list(leaves.values()), retain_graph=True)
            loss.backward()
            for (name, t), f in zip(leaves.items(), fresh):
                rows.append((k, name, mode, t.grad.item(), f.item(), loss.item(), t.item()))
            opt.step()
    return pd.DataFrame(rows, columns=["step", "leaf", "mode", "grad", "fresh", "loss", "value"])


@dataclass(frozen=True)
class GradFacts:
    agree: bool  # autograd's .grad equals the hand derivative (within AGREE) for every leaf
    max_diff: float
    doubled: bool  # a second backward() without zero_grad() gives exactly twice the gradient
    sums: bool  # without zero_grad(), .grad at step k is the sum of the k fresh gradients (within AGREE)
    grows: bool  # ... and its size at the last step is above the fresh gradient's there (for some leaf)
    graph_ok: bool  # the drawn graph's edges are autograd's


def facts(r: GradResult) -> GradFacts:
    t = r.table
    diff = float(np.abs(t.grad - t.hand).max())
    doubled = all(abs(r.twice[k] - 2 * g) <= AGREE * max(1.0, abs(g)) for k, g in zip(t.leaf, t.grad))
    f = r.steps[r.steps["mode"] == "forgot"].sort_values(["leaf", "step"])
    sums = all(np.allclose(g.grad.to_numpy(), np.cumsum(g.fresh.to_numpy()), rtol=0, atol=AGREE * 100)
               for _, g in f.groupby("leaf"))
    last = f[f.step == f.step.max()]
    grows = bool((last.grad.abs() > last.fresh.abs() + AGREE).any()) and r.config.steps > 1
    want = sorted((i, n[0]) for n in r.nodes for i in n[5] if i not in ("x", "y"))
    return GradFacts(diff <= AGREE, diff, doubled, sums, grows, r.edges == want)


def dot(r: GradResult, colours: dict[str, str], grey: str) -> str:
    """The graph as DOT for ``st.graphviz_chart``: leaves (their value and ``.grad``) and constants at the
    top, one box per op (its value, PyTorch's ``grad_fn`` and dL/d it) below, the loss at the bottom. ``colours``:
    {"leaf", "op", "loss"} -> hex."""
    g = dict(zip(r.table.leaf, r.table.grad))
    lines = ['digraph G {', 'rankdir=TB; bgcolor="transparent"; nodesep=0.15; ranksep=0.22;',
             f'node [fontname="Helvetica", fontsize=15, margin="0.06,0.03", color="{grey}", fontcolor="{grey}"];',
             f'edge [color="{grey}"];']
    for k, v in zip(r.table.leaf, r.table.value):
        lines.append(f'{k} [shape=ellipse, style=bold, color="{colours["leaf"]}", fontcolor="{colours["leaf"]}", '
                     f'label="{k} = {v:g}\\n.grad = {g[k]:.4g}"];')
    for c, v in (("x", X), ("y", Y)):
        lines.append(f'{c} [shape=plaintext, label="{c} = {v:g}"];')
    for name, formula, value, fn, grad, inputs in r.nodes:
        col = colours["loss" if name == "L" else "op"]
        d = "" if grad is None else f"\\n∂L/∂{name} = {grad:.4g}"
        lines.append(f'{name} [shape=box, style="rounded,bold", color="{col}", fontcolor="{col}", '
                     f'label="{name} = {formula} = {value:.4g}\\n{fn}{d}"];')
        chain = {n[0] for n in r.nodes}  # the ops' own chain stays a straight column; leaves join from the side
        lines += [f"{i} -> {name}" + (" [weight=8];" if i in chain else ";") for i in inputs]
    lines.append("}")
    return "\n".join(lines)


def table(r: GradResult, header: str) -> str:
    """Each leaf's value, autograd's ``.grad`` and the hand derivative (formula = value) as a markdown table under
    ``header`` (a markdown table row naming the four columns)."""
    rows = [f"| {k} | {v:g} | {a:.6g} | ${h}$ = {x:.6g} |" for k, v, a, h, x in
            zip(r.table.leaf, r.table.value, r.table.grad, r.table.formula, r.table.hand)]
    return "\n".join([header, "|---|---|---|---|", *rows])
