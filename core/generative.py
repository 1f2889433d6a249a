"""Generative against discriminative classification (two classes), the core of the "generative" page.

The lecture: a generative model fits a Gaussian per class; when the classes share one covariance Σ the
posterior is P(C1|x) = σ(w·x + b) with w = Σ⁻¹(μ1 − μ0) and b = −½μ1ᵀΣ⁻¹μ1 + ½μ0ᵀΣ⁻¹μ0 + ln(N1/N0): the
same form as logistic regression, which finds its own w and b by gradient descent on the cross-entropy.
Variants for contrast: a full covariance per class (a curved boundary), a diagonal one (naive Bayes) and a
shared one shrunk toward its diagonal.

This module holds the models only (closed forms and logistic regression by gradient descent, batched over
many training sets); the page itself is not built yet.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import train

COVARIANCES = ("shared", "per class", "diagonal", "shrinkage")


@dataclass
class Gaussian:
    """A Gaussian per class: means (2, d), covariances (2, d, d), log priors (2,)."""
    means: np.ndarray
    covs: np.ndarray
    log_priors: np.ndarray

    def log_joint(self, X: np.ndarray) -> np.ndarray:
        """(n, 2): ln P(x, C_k) for each class (up to the same constant)."""
        out = []
        for k in range(2):
            d = X - self.means[k]  # (n, d)
            sign, logdet = np.linalg.slogdet(self.covs[k])
            sol = np.linalg.solve(self.covs[k], d.T).T  # (n, d)
            out.append(self.log_priors[k] - 0.5 * logdet - 0.5 * (d * sol).sum(1))
        return np.stack(out, axis=1)

    def proba(self, X: np.ndarray) -> np.ndarray:
        """(n,) P(C1 | x)."""
        lj = self.log_joint(X)
        return 1.0 / (1.0 + np.exp(np.clip(lj[:, 0] - lj[:, 1], -700, 700)))

    def linear(self) -> tuple[np.ndarray, float]:
        """(w, b) with P(C1|x) = σ(w·x + b): exact when both classes share one covariance."""
        if not np.allclose(self.covs[0], self.covs[1]):
            raise ValueError("the boundary is linear only when the classes share one covariance")
        S, (m0, m1) = self.covs[0], self.means
        w = np.linalg.solve(S, m1 - m0)
        b = -0.5 * m1 @ np.linalg.solve(S, m1) + 0.5 * m0 @ np.linalg.solve(S, m0) + self.log_priors[1] - self.log_priors[0]
        return w, float(b)


def fit_gaussian(X: np.ndarray, y: np.ndarray, covariance: str = "shared", shrink: float = 0.2,
                 ridge: float = 1e-6) -> Gaussian:
    """Maximum-likelihood Gaussians per class (X: (n, d), y: (n,) in {0, 1}).

    shared: Σ = Σ_k (N_k / N) Σ_k, one covariance for both classes (LDA); per class: its own Σ_k (QDA);
    diagonal: each Σ_k's diagonal only (Gaussian naive Bayes); shrinkage: the shared Σ pulled toward its
    diagonal by ``shrink``. ``ridge`` (times the mean variance) keeps a covariance from tiny samples invertible.
    """
    if covariance not in COVARIANCES:
        raise ValueError(f"covariance must be one of {COVARIANCES}")
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    n, d = X.shape
    means, covs, counts = [], [], []
    for k in range(2):
        Xk = X[y == k]
        if len(Xk) == 0:
            raise ValueError("each class needs at least one example")
        mk = Xk.mean(0)
        means.append(mk)
        covs.append((Xk - mk).T @ (Xk - mk) / len(Xk))  # (d, d) biased, as maximum likelihood gives
        counts.append(len(Xk))
    counts = np.array(counts, dtype=np.float64)
    covs = np.stack(covs)  # (2, d, d)
    if covariance in ("shared", "shrinkage"):
        S = (counts[:, None, None] / n * covs).sum(0)
        if covariance == "shrinkage":
            S = (1 - shrink) * S + shrink * np.diag(np.diag(S))
        covs = np.stack([S, S])
    elif covariance == "diagonal":
        covs = np.stack([np.diag(np.diag(c)) for c in covs])
    scale = max(float(np.trace(covs.mean(0))) / d, 1e-12)
    covs = covs + ridge * scale * np.eye(d)
    return Gaussian(np.stack(means), covs, np.log(counts / n))


def logistic_gd(X: np.ndarray, y: np.ndarray, steps: int = 500, lr: float = 0.1,
                mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression by gradient descent (Adam, full batch, no penalty) on M training sets at once.

    X: (M, n, d), y: (M, n) in {0, 1} -> w (M, d), b (M,). The loss is the cross-entropy
    (F.binary_cross_entropy_with_logits), each set's own mean over its examples (``mask`` (M, n): 1 for a
    set's examples, 0 for padding, so sets of different sizes train together); the step count is fixed.
    """
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    M, n, d = X.shape
    keep = torch.ones(M, n, dtype=torch.float64) if mask is None else torch.as_tensor(mask, dtype=torch.float64)
    keep = keep / keep.sum(1, keepdim=True)  # (M, n) weights of a mean
    w = torch.zeros(M, d, dtype=torch.float64, requires_grad=True)  # (M, d)
    b = torch.zeros(M, dtype=torch.float64, requires_grad=True)  # (M,)
    opt = torch.optim.Adam([w, b], lr=lr)

    def step(i: int) -> torch.Tensor:
        z = torch.einsum("mnd,md->mn", X, w) + b[:, None]  # (M, n)
        losses = (torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none") * keep).sum(1)  # (M,)
        return train.batched_step(opt, losses)

    train.run(step, int(steps), stop_on="all", blowup=float("inf"))
    return w.detach().numpy(), b.detach().numpy()
