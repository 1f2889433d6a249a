"""Verdicts: minimum, maximum, saddle, degenerate, or not a critical point.

ONE near-zero rule for the whole topic (the point verdict, the critical-point finder, the eigenvector
colours and the minimum-ratio experiment all call ``near_zero_tol``): an eigenvalue λ counts as ≈ 0 when
``|λ| < EIG_TOL · max(1, max|λ|)``; a gradient counts as zero when ``‖g‖ ≤ GRAD_TOL · max(1, max|λ|)``.
"""
from __future__ import annotations

import numpy as np
import torch

from core.critical.network import DT
from core.critical.surfaces import Surface

EIG_TOL = 1e-4  # |λ| below EIG_TOL·max(1, max|λ|) counts as "near zero" (degenerate)
GRAD_TOL = 1e-6  # ‖g‖ at most GRAD_TOL·max(1, max|λ|) counts as a critical point
SIGNS = ("λ < 0", "λ > 0", "λ ≈ 0")  # an eigenvalue's sign under the near-zero rule (the arrows' legend)
SHAPES = {"up": "curves up in every direction", "down": "curves down in every direction",  # by the signs of λ
          "mixed": "curves up one way and down the other", "flat": "is flat in some direction"}


def near_zero_tol(eigvals) -> np.ndarray:
    """The near-zero threshold of each spectrum: eigvals (..., P) -> (...,)."""
    lam = np.asarray(eigvals, dtype=float)
    return EIG_TOL * np.maximum(1.0, np.abs(lam).max(-1))


def sign_counts(eigvals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(negative, near zero, positive) counts of each spectrum (..., P) under the near-zero rule."""
    lam = np.asarray(eigvals, dtype=float)
    tol = near_zero_tol(lam)[..., None]
    return (lam < -tol).sum(-1), (np.abs(lam) <= tol).sum(-1), (lam > tol).sum(-1)


def sign_of(lam: float, eigvals) -> str:
    """One of SIGNS for eigenvalue ``lam`` of the spectrum ``eigvals``."""
    tol = float(near_zero_tol(eigvals))
    return SIGNS[0] if lam < -tol else SIGNS[1] if lam > tol else SIGNS[2]


def shape(eigvals) -> str:
    """How the surface curves at a point, one of SHAPES: every λ > 0 "up", every λ < 0 "down", both signs
    "mixed", else (some λ ≈ 0 and one sign) "flat"."""
    neg, _, pos = sign_counts(eigvals)
    n = np.asarray(eigvals).shape[-1]
    return "up" if pos == n else "down" if neg == n else "mixed" if neg and pos else "flat"


def is_critical(gnorm, eigvals) -> np.ndarray:
    """Whether the gradient counts as zero: gnorm (...) against the spectrum (..., P)."""
    lam = np.asarray(eigvals, dtype=float)
    return np.asarray(gnorm) <= GRAD_TOL * np.maximum(1.0, np.abs(lam).max(-1))


def classify(eigvals: np.ndarray, gnorm: float) -> tuple[str, str]:
    """(kind, reason) from the Hessian's eigenvalues and the gradient's norm at a point."""
    lam = np.asarray(eigvals, dtype=float)
    tol = float(near_zero_tol(lam))
    ls = ", ".join(f"{v:.3g}" for v in lam)
    if not is_critical(gnorm, lam):
        return "not critical", (f"‖g‖ = {gnorm:.3g} ≠ 0: the loss still falls along −g, so training does not stall here "
                                f"(the surface {SHAPES[shape(lam)]}; λ = {ls}).")
    if (np.abs(lam) <= tol).any():
        return "degenerate", (f"g = 0 but an eigenvalue is ≈ 0 (λ = {ls}): the quadratic term is flat in that direction, "
                              "so the Hessian cannot decide; higher-order terms do.")
    if (lam > 0).all():
        return "minimum", f"g = 0 and every eigenvalue is positive (λ = {ls}): vᵀHv > 0 in every direction."
    if (lam < 0).all():
        return "maximum", f"g = 0 and every eigenvalue is negative (λ = {ls}): vᵀHv < 0 in every direction."
    return "saddle", (f"g = 0 and the eigenvalues have mixed signs (λ = {ls}): up along one eigenvector, down along "
                      "the other.")


HIGHER_ORDER = {  # what the true loss on a small circle says about a degenerate point (appended to its reason)
    "minimum": " On a small circle around it the true loss never goes below: a minimum (a flat valley).",
    "maximum": " On a small circle around it the true loss never goes above: a maximum.",
    "saddle": " On a small circle around it the true loss goes both above and below: a saddle.",
    "flat": " On a small circle around it the loss does not change at all: a flat region.",
}


def probe(f: Surface, x: float, y: float, radius: float = 1e-2, n: int = 72) -> str:
    """Higher-order check for a degenerate point: how the true loss on a small circle compares with
    the centre. Returns "minimum", "maximum", "saddle" or "flat"."""
    ang = torch.linspace(0, 2 * np.pi, n + 1, dtype=DT)[:-1]  # (n,)
    c = torch.tensor([x, y], dtype=DT)
    ring = c + radius * torch.stack([ang.cos(), ang.sin()], 1)  # (n, 2)
    with torch.no_grad():
        d = (f(ring) - f(c)).numpy()  # (n,)
    eps = 1e-12 * max(1.0, float(abs(f(c))))
    up, down = (d > eps).any(), (d < -eps).any()
    return "saddle" if up and down else "minimum" if up else "maximum" if down else "flat"
