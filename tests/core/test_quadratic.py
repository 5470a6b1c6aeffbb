"""The L2 loss's sufficient statistics from data: θ* and L* as a least-squares solve of the data gives them, whether
the normal equations are solved (well conditioned) or Xa itself (collinear or badly scaled inputs)."""

import numpy as np
import pytest

from lossviz.core.model import augment
from lossviz.core.quadratic import QuadraticStatistics


def data(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inputs Xa and targets y: well conditioned, badly scaled (x ≈ 1000 ± 0.001) or with a repeated column."""
    X = rng.normal(size=(800, 4))
    if kind == "scaled":
        X = 1000 + 1e-3 * X
    elif kind == "collinear":
        X[:, 3] = X[:, 0]
    return augment(X), X @ rng.normal(size=4) + rng.normal(size=800)


@pytest.mark.parametrize("kind", ["well", "scaled", "collinear"])
def test_statistics_match_a_least_squares_solve(kind):
    rng = np.random.default_rng(3)
    Xa, y = data(kind, rng)
    stats = QuadraticStatistics.of(Xa, y)
    reference = np.linalg.lstsq(Xa, y, rcond=None)[0]
    loss_star = 0.5 * np.mean((Xa @ reference - y) ** 2)
    assert stats.loss_star == pytest.approx(loss_star, rel=1e-12)
    if kind != "collinear":  # the minimiser is unique
        np.testing.assert_allclose(stats.theta_star, reference, rtol=1e-9, atol=1e-12)
    for _ in range(5):  # the quadratic is the loss anywhere
        theta = reference + rng.normal(size=5) * 0.1
        direct = 0.5 * np.mean((Xa @ theta - y) ** 2)
        quadratic = stats.loss_star + 0.5 * (theta - stats.theta_star) @ stats.S @ (theta - stats.theta_star)
        assert quadratic == pytest.approx(direct, rel=1e-9)
