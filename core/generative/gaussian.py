"""The generative model: a Gaussian per class, fitted in closed form (maximum likelihood).

When the classes share one covariance Σ the posterior is P(C1|x) = σ(w·x + b) with w = Σ⁻¹(μ1 − μ0) and
b = −½μ1ᵀΣ⁻¹μ1 + ½μ0ᵀΣ⁻¹μ0 + ln(N1/N0). Variants for contrast: a full covariance per class (a curved
boundary), a diagonal one (naive Bayes) and a shared one shrunk toward its diagonal.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
