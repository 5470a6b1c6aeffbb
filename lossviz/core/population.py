"""The population loss L(θ|P) = E₍ₓ,ᵧ₎∼P[l(θ|x, y)]: L(θ|D) with the dataset replaced by P itself.

Exact where a closed form exists — L2 on ``line`` and ``sine``, where L(θ|P) = ½ E[(wx + b − y)²] is a
quadratic in θ made of the moments of x ∼ U(a, b) and of E[y | x] (see distributions.regression_moments)
— and otherwise a Monte-Carlo mean over one fixed sample of POPULATION_DRAWS draws from P, drawn with
``numpy.random.default_rng(POPULATION_SEED)``: the same sample for every θ, so the population surface
is a smooth function of θ and does not change when a new dataset D is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lossviz.core.dataset import Dataset
from lossviz.core.distributions import Distribution, check_compatible, regression_moments
from lossviz.core.features import FeatureMap
from lossviz.core.losses import get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.quadratic import QuadraticStatistics
from lossviz.core.training import fit

POPULATION_DRAWS = 100_000
POPULATION_SEED = 20_261_127  # the Monte-Carlo sample of P; fixed, so L(θ|P) is one function of θ
EXACT_PREVIEW_DRAWS = 1000  # the sample an exact population keeps as its ``data`` (for drawing only)


class ExactL2Population(Objective):
    """L(θ|P) for L2 on ``line`` or ``sine``, exactly: L* + ½ (θ − θ*)ᵀ S (θ − θ*) with S = E[xa xaᵀ]."""

    def __init__(self, shape: ModelShape, distribution: Distribution, l2: float = 0.0):
        super().__init__(shape, get_loss("l2", "regression"), population_sample(distribution, EXACT_PREVIEW_DRAWS), l2=l2)
        moments = QuadraticStatistics.from_moments(*regression_moments(distribution))
        self._quadratic_statistics = moments.regularized(l2)

    def data_value(self, theta: np.ndarray) -> float:
        """L(θ|P) without the penalty."""
        return self.value(theta) - self.penalty(theta)

    def value_and_grad(self, theta: np.ndarray, rows: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """L(θ|P) and its gradient S(θ − θ*), exactly (``rows`` must be None: P has no minibatches)."""
        if rows is not None:
            raise ValueError("an exact population has no minibatches")
        stats = self.quadratic_statistics()
        delta = theta[0] - stats.theta_star
        gradient = stats.S @ delta
        return stats.loss_star + 0.5 * float(delta @ gradient), gradient[None, :]


def _check_model(distribution: Distribution, shape: ModelShape, features: FeatureMap | None) -> None:
    """P must give the model's task, classes and raw inputs (φ's inputs where there are features)."""
    check_compatible(distribution, ModelShape(shape.task, features.dims if features else shape.dims, shape.classes))


def through(features: FeatureMap | None, data: Dataset) -> Dataset:
    """``data`` with its inputs put through φ = ``features`` (as they are without a degree)."""
    if features is None:
        return data
    return Dataset(features(data.X), data.y)


def population_sample(distribution: Distribution, draws: int = POPULATION_DRAWS) -> Dataset:
    """The fixed Monte-Carlo sample of P that L(θ|P) is a mean over."""
    return distribution.sample(draws, POPULATION_SEED)


def population_objective(distribution: Distribution, shape: ModelShape, loss: str,
                         features: FeatureMap | None = None, l2: float = 0.0) -> Objective:
    """L(θ|P) (+ (λ/2)‖W‖²) of the scene's model and loss, φ(x) = ``features`` (default x): exact for L2 on line
    and sine without features, else by Monte Carlo over φ of the fixed sample."""
    _check_model(distribution, shape, features)
    if closed_form(distribution, loss) and (features is None or features.degree is None):
        return ExactL2Population(shape, distribution, l2)
    sample = population_sample(distribution)
    sample = through(features, sample)
    return Objective(shape, get_loss(loss, shape.task), sample, l2=l2)


def closed_form(distribution: Distribution, loss: str) -> bool:
    """True when L(θ|P) of ``loss`` under ``distribution`` has a closed form (L2 on line and sine)."""
    return loss == "l2" and distribution.name in ("line", "sine")


def exact(objective: Objective) -> bool:
    """True when ``objective`` is a closed form, not a mean over samples."""
    return isinstance(objective, ExactL2Population)


def population_values(objective: Objective, thetas: np.ndarray) -> np.ndarray:
    """L(θ|P) (+ (λ/2)‖W‖², as the L(θ|P) surface has it) at each of ``thetas`` (M, k, d+1): (M,); exact where
    ``objective`` is, else the mean over its fixed sample (inf or nan, without warnings, where it overflows)."""
    values = np.empty(len(thetas))
    with np.errstate(all="ignore"):
        for i, theta in enumerate(thetas):
            if exact(objective):
                values[i] = objective.value(theta)
            else:
                values[i] = float(np.mean(objective.per_sample(theta))) + objective.penalty(theta)
    return values


def minimum_of(objective: Objective, start: np.ndarray, optimizer: OptimizerConfig, steps: int,
               should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """θ*_D of one dataset: exact for L2 (least squares), else where ``steps`` of ``optimizer`` from ``start``
    end (cross-entropies of separable data have their minimum at infinity)."""
    if objective.loss.name == "l2":
        return objective.quadratic_statistics().theta_star[None, :].copy()
    return fit(objective, start, optimizer, steps, should_stop=should_stop).thetas[-1]


def resample_minima(distribution: Distribution, shape: ModelShape, loss: str, start: np.ndarray,
                    optimizer: OptimizerConfig, steps: int, count: int = 20, n: int | None = None,
                    should_stop: Callable[[], bool] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    features: FeatureMap | None = None, l2: float = 0.0) -> np.ndarray:
    """θ*_D of ``count`` datasets of size ``n`` (default N) drawn from P with seeds seed+1 … seed+count:
    (count, k, d+1), for the model with φ = ``features`` (the scene's, as it is) and λ = ``l2``. The cloud
    shrinks as n grows."""
    _check_model(distribution, shape, features)
    minima = []
    for number in range(count):
        data = distribution.sample(n, seed=distribution.seed + 1 + number)
        data = through(features, data)
        objective = Objective(shape, get_loss(loss, shape.task), data, l2=l2)
        minima.append(minimum_of(objective, start, optimizer, steps, should_stop))
        if progress is not None:
            progress(number + 1, count)
    return np.stack(minima)
