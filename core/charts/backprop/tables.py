"""Tables of the backpropagation page's replay (part ``step``): the step's chain-rule products, and every
parameter's gradient by hand beside autograd's ``.grad``. Headers from core/locales/<lang>/backprop.charts.toml."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.backprop.network import sub
from core.backprop.steps import StepResult, fv

T = "backprop.charts.table."


def step_lines(r: StepResult, step: int, lang: str = "en") -> str:
    """What replay step ``step`` does (markdown): the phase, then each product computed, one line each:
    quantity = rule = the numbers = value."""
    tr = i18n.translator(lang)
    st = r.steps[min(max(0, int(step)), r.last)]
    lines = [f"**{tr('backprop.charts.phase.' + st.phase, node=st.node if st.node is not None else '')}**"]
    for x in st.rows:
        parts = [f"**{x.quantity}**"] + [s for s in (x.rule, x.numbers) if s] + [f"**{fv(x.value)}**"]
        lines.append(" = ".join(parts) + (f" ({x.note})" if x.note else ""))
    return "  \n".join(lines)


def grads_table(r: StepResult, step: int, lang: str = "en") -> pd.DataFrame:
    """Every weight and bias: ∂L/∂ by hand (once the replay has computed it) beside autograd's .grad."""
    tr = i18n.translator(lang)
    _, bwd, _ = r.state(step)
    p, net = r.hand, r.net
    rows = [(f"w{sub(f'{i}{j}')}", fv(p.dw[(i, j)]) if j in bwd else "", fv(r.grad_w[(i, j)])) for (i, j) in net.w]
    rows += [(f"b{sub(j)}", fv(p.db[j]) if j in bwd else "", fv(r.grad_b[j])) for j in net.b]
    return pd.DataFrame(rows, columns=[tr(T + "param"), tr(T + "hand"), tr(T + "auto")])
