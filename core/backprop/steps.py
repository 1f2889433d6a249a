"""Part ``step``: the replay of one forward and backward pass, one neuron per step, each step with the
chain-rule products that produced its numbers, and the facts the page states about this pass.

Steps: 0 shows the weights only; then one step per neuron forward (z, a); one for the loss; then one per
neuron backward, output first (∂L/∂z, then ∂L/∂w and ∂L/∂b of the weights into that neuron).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.backprop.network import Net, Pass, StepConfig, autograd, by_hand, make_net, slope, sub
from core.params import clamp

AGREE = 1e-10  # hand values and autograd's .grad differ by less than this (float64): "equal"
SATURATED = 0.01  # a sigmoid neuron with σ′(z) below this passes back less than 1% of its gradient: saturated
SATURATED_SHARE = 0.4  # the saturate preset (weights of size 8): on average over 100 seeds more than this share
# of the hidden neurons is saturated, for every network (claimed in tests/test_backprop.py; measured 52-66%)
MINUS = "−"


def fv(v: float) -> str:
    """A value for the table and the graph: 3 significant digits, a real minus sign, 1.2e−5 for tiny ones."""
    if v == 0:
        return "0"
    s = f"{v:.3g}"
    if "e" in s:
        m, e = s.split("e")
        s = f"{m}e{int(e)}"
    return s.replace("-", MINUS)


def fw(v: float) -> str:
    """A weight (rounded to 2 decimals when drawn) or an input."""
    return f"{v:.2f}".replace("-", MINUS)


def par(s: str) -> str:
    """A factor in a product: negative numbers in parentheses."""
    return f"({s})" if s.startswith(MINUS) else s


@dataclass(frozen=True)
class Row:
    quantity: str  # what is computed: "∂L/∂z₃"
    rule: str  # the formula: "σ′(z₃) · (w₃₅ ∂L/∂z₅)"
    numbers: str  # the formula with this pass's numbers
    value: float
    note: str = ""  # why, after the value: "z₃ = −8.42 ≤ 0"


@dataclass(frozen=True)
class Step:
    phase: str  # "start", "forward", "loss" or "backward"
    node: int | None  # the neuron computed at this step
    rows: tuple[Row, ...]


@dataclass
class StepResult:
    config: StepConfig
    net: Net
    hand: Pass  # by hand
    grad_w: dict[tuple[int, int], float]  # autograd's .grad of every weight
    grad_b: dict[int, float]  # autograd's .grad of every bias
    auto_loss: float
    steps: list[Step]

    @property
    def last(self) -> int:
        return len(self.steps) - 1

    def state(self, step: int) -> tuple[set[int], set[int], Step]:
        """(neurons whose z and a are known, neurons whose ∂L/∂z is known, the step) after ``step``."""
        step = min(max(0, int(step)), self.last)
        fwd = {s.node for s in self.steps[: step + 1] if s.phase == "forward"}
        bwd = {s.node for s in self.steps[: step + 1] if s.phase == "backward"}
        return fwd, bwd, self.steps[step]


def _sig(kind: str) -> str:
    return "σ" if kind == "sigmoid" else "ReLU"


def _forward_rows(net: Net, p: Pass, kind: str, j: int) -> tuple[Row, ...]:
    ins = net.incoming(j)
    rule = " + ".join(f"w{sub(f'{i}{j}')}a{sub(i)}" for i in ins) + f" + b{sub(j)}"
    nums = " + ".join(f"{par(fw(net.w[(i, j)]))}·{par(fv(p.a[i]))}" for i in ins) + f" + {par(fw(net.b[j]))}"
    if j == net.output:
        return (Row(f"ŷ = z{sub(j)}", rule, nums, p.z[j]),)
    s = _sig(kind)
    return (Row(f"z{sub(j)}", rule, nums, p.z[j]),
            Row(f"a{sub(j)}", f"{s}(z{sub(j)})", f"{s}({fv(p.z[j])})", p.a[j]))


def _backward_rows(net: Net, p: Pass, kind: str, j: int, y: float) -> tuple[Row, ...]:
    rows = []
    dz = f"∂L/∂z{sub(j)}"
    if j == net.output:
        rows.append(Row(dz, "2(ŷ − y)", f"2·({fv(p.yhat)} − {par(fv(y))})", p.dz[j]))
    else:
        s, outs = _sig(kind), net.outgoing(j)
        d = slope(kind, p.z[j])
        if kind == "sigmoid":
            rows.append(Row(f"σ′(z{sub(j)})", f"a{sub(j)}(1 − a{sub(j)})", f"{fv(p.a[j])}·(1 − {fv(p.a[j])})", d))
        else:
            rows.append(Row(f"ReLU′(z{sub(j)})", "", "", d, f"z{sub(j)} = {fv(p.z[j])} {'>' if p.z[j] > 0 else '≤'} 0"))
        paths = " + ".join(f"w{sub(f'{j}{k}')} ∂L/∂z{sub(k)}" for k in outs)
        nums = " + ".join(f"{par(fw(net.w[(j, k)]))}·{par(fv(p.dz[k]))}" for k in outs)
        rows.append(Row(dz, f"{s}′(z{sub(j)}) · ({paths})", f"{fv(d)} · ({nums})", p.dz[j]))
    for i in net.incoming(j):
        rows.append(Row(f"∂L/∂w{sub(f'{i}{j}')}", f"a{sub(i)} · {dz}", f"{par(fv(p.a[i]))}·{par(fv(p.dz[j]))}",
                        p.dw[(i, j)]))
    rows.append(Row(f"∂L/∂b{sub(j)}", dz, "", p.db[j]))  # ∂z/∂b = 1: the value once, not twice
    return tuple(rows)


def replay(cfg: StepConfig = StepConfig()) -> StepResult:
    """One pass by hand, autograd's gradients on the same weights, and the replay's steps. Pure function."""
    cfg = clamp(cfg)
    net = make_net(cfg)
    x = (cfg.x1, cfg.x2)
    p = by_hand(net, cfg.activation, x, cfg.y)
    gw, gb, loss = autograd(net, cfg.activation, x, cfg.y)
    steps = [Step("start", None, tuple(Row(f"a{sub(i)} = x{sub(i)}", "", "", p.a[i]) for i in (1, 2)))]
    steps += [Step("forward", j, _forward_rows(net, p, cfg.activation, j)) for j in net.neurons]
    steps.append(Step("loss", None, (Row("L", "(ŷ − y)²", f"({fv(p.yhat)} − {par(fv(cfg.y))})²", p.loss),)))
    steps += [Step("backward", j, _backward_rows(net, p, cfg.activation, j, cfg.y)) for j in reversed(net.neurons)]
    return StepResult(cfg, net, p, gw, gb, loss, steps)


@dataclass(frozen=True)
class StepFacts:
    """The numbers behind the step part's sentences."""
    max_diff: float  # largest |hand − autograd| over every weight, bias and the loss
    agree: bool  # max_diff < AGREE
    slopes: dict[int, float]  # hidden neuron -> σ′(z) (ReLU: 1 or 0)
    dead: tuple[int, ...]  # ReLU neurons with z ≤ 0: nothing flows back through them
    saturated: tuple[int, ...]  # sigmoid neurons with σ′(z) < SATURATED
    dz: dict[int, float]  # hidden neuron -> ∂L/∂z (what passes back through it)
    first: float  # ‖∂L/∂w‖ over the first layer's weights (from the inputs)
    last: float  # ‖∂L/∂w‖ over the output neuron's weights


def facts(r: StepResult) -> StepFacts:
    p, net, kind = r.hand, r.net, r.config.activation
    diffs = [abs(p.dw[k] - r.grad_w[k]) for k in p.dw] + [abs(p.db[k] - r.grad_b[k]) for k in p.db]
    diffs.append(abs(p.loss - r.auto_loss))
    hidden = [j for ns in net.layers[1:-1] for j in ns]
    slopes = {j: slope(kind, p.z[j]) for j in hidden}
    dead = tuple(j for j in hidden if kind == "relu" and slopes[j] == 0.0)
    sat = tuple(j for j in hidden if kind == "sigmoid" and slopes[j] < SATURATED)

    def norm(lo: list[int], hi: list[int]) -> float:
        return math.sqrt(sum(p.dw[(i, j)] ** 2 for i in lo for j in hi))

    return StepFacts(max(diffs), max(diffs) < AGREE, slopes, dead, sat, {j: p.dz[j] for j in hidden}, norm(net.layers[0], net.layers[1]),
                     norm(net.layers[-2], net.layers[-1]))
