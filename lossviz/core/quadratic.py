"""The L2 loss as a quadratic: its sufficient statistics, from data in one pass or from a distribution's moments."""

from __future__ import annotations

import numpy as np


class QuadraticStatistics:
    """Sufficient statistics of the L2 loss: L(θ) = L* + ½ (θ − θ*)ᵀ S (θ − θ*), θ (d+1,).

    From data: S = XaᵀXa / N, θ* a least-squares solution, L* its loss, all from one O(N) pass, so that
    every later surface costs O(R²) whatever N is. From moments (a population): S = E[xa xaᵀ],
    c = E[xa y], E[y²]."""

    def __init__(self, S: np.ndarray, theta_star: np.ndarray, loss_star: float):
        self.S, self.theta_star, self.loss_star = S, theta_star, loss_star

    @classmethod
    def of(cls, Xa: np.ndarray, y: np.ndarray) -> QuadraticStatistics:
        """The statistics of data with inputs ``Xa`` (N, d+1; the last column ones) and targets ``y`` (N,)."""
        n = len(y)
        theta_star = np.linalg.lstsq(Xa, y, rcond=None)[0]
        residual = Xa @ theta_star - y
        return cls(Xa.T @ Xa / n, theta_star, 0.5 * float(residual @ residual) / n)

    def regularized(self, l2: float) -> QuadraticStatistics:
        """The statistics of L(θ) + (λ/2)‖w‖² (the last entry of θ, b, not penalised): S + λ·diag(1, …, 1, 0)."""
        if not l2:
            return self
        c = self.S @ self.theta_star  # the normal equations hold for a least-squares solution
        ey2 = 2 * self.loss_star + float(self.theta_star @ c)
        return QuadraticStatistics.from_moments(self.S + l2 * np.diag(np.r_[np.ones(len(c) - 1), 0.0]), c, ey2)

    @classmethod
    def from_moments(cls, S: np.ndarray, c: np.ndarray, ey2: float) -> QuadraticStatistics:
        """The statistics of E[½(θᵀxa − y)²] from S = E[xa xaᵀ], c = E[xa y] and E[y²]."""
        theta_star = np.linalg.lstsq(S, c, rcond=None)[0]
        return cls(S, theta_star, max(0.0, 0.5 * (ey2 - float(c @ theta_star))))
