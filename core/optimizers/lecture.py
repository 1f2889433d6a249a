"""The lecture's own forms of momentum and RMSProp, as ``torch.optim.Optimizer`` subclasses.

PyTorch's versions differ from the formulas on the page:
- ``torch.optim.SGD(momentum=λ)`` keeps a buffer b_t = λ b_{t-1} + g_t and moves by -η_t b_t, so under a
  schedule its movement is (η_t / η_{t-1}) λ m_{t-1} - η_t g_t, not the lecture's m_t = λ m_{t-1} - η_t g_t.
- ``torch.optim.RMSprop`` starts σ² at 0 (its first step is about η / sqrt(1 - α) ≈ 3.2 η for α = 0.9);
  the lecture starts σ_0 = |g_0|.
``MomentumLecture`` and ``RMSPropLecture`` follow the lecture exactly (tested against hand-written loops).
Both update element by element, so a batched parameter's rows move as separate runs would.
"""
from __future__ import annotations

import torch


class _Elementwise(torch.optim.Optimizer):
    """An optimizer that updates each parameter on its own: ``update(p, grad, state, group)``."""

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.update(p, p.grad, self.state[p], group)
        return loss

    def update(self, p: torch.Tensor, g: torch.Tensor, st: dict, group: dict) -> None:
        raise NotImplementedError


class MomentumLecture(_Elementwise):
    """m_t = λ m_{t-1} - η_t g_t (m_{-1} = 0), θ_{t+1} = θ_t + m_t. State: ``movement`` (the last m_t)."""

    def __init__(self, params, lr: float, momentum: float = 0.9):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    def update(self, p, g, st, group) -> None:
        m = st.get("movement")
        m = -group["lr"] * g if m is None else group["momentum"] * m - group["lr"] * g
        st["movement"] = m.clone()
        p.add_(m)


class RMSPropLecture(_Elementwise):
    """σ_0² = g_0², σ_t² = α σ_{t-1}² + (1 - α) g_t², θ_{t+1} = θ_t - η_t g_t / (σ_t + eps).
    State: ``square_avg`` (σ_t²), ``step``. ``eps`` only keeps 0/0 away (the lecture has none)."""

    def __init__(self, params, lr: float, alpha: float = 0.9, eps: float = 1e-12):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps))

    def update(self, p, g, st, group) -> None:
        if "square_avg" not in st:
            st["square_avg"], st["step"] = g * g, 0
        else:
            st["square_avg"] = group["alpha"] * st["square_avg"] + (1 - group["alpha"]) * g * g
        st["step"] += 1
        p.addcdiv_(g, st["square_avg"].sqrt() + group["eps"], value=-group["lr"])
