"""L(θ|D) taken apart: one sample's loss l(θ|x_i, y_i) as an objective of its own, which samples a figure
shows, and the three surfaces of a scene — of the data, of P and of one sample — on one grid.

The grid is always framed from the data (the scene's start, its fit and, for L2, the data's minimum), so
that ``lossviz surface --of data|population|sample:I`` of one scene give surfaces over the same θ's.
"""

from __future__ import annotations

import numpy as np

from lossviz.core.dataset import Dataset
from lossviz.core.errors import LossvizError
from lossviz.core.objective import Objective
from lossviz.core.scene import Scene
from lossviz.core.validate import quoted

MAX_ARROWS = 100  # gradients of single samples returned at most (their mean is over every selected sample)


def sample_objective(objective: Objective, index: int) -> Objective:
    """l(θ|x_i, y_i): the objective over the ``index``-th sample (0-based) of ``objective``'s data alone."""
    data = objective.data
    if not 0 <= index < data.size:
        raise IndexError(f"sample {index} of {data.size}")
    one = Dataset(data.X[index:index + 1].copy(), data.y[index:index + 1].copy())
    return Objective(objective.shape, objective.loss, one)


def spread_samples(per_sample: np.ndarray, count: int = 4) -> np.ndarray:
    """The indices of ``count`` samples that differ: those at evenly spaced ranks of the loss l(θ|x_i, y_i)
    (``per_sample``, (N,)) — the smallest, the ⅓- and ⅔-quantiles for 4, the largest — in that order, from the
    smallest loss to the largest (ties in index order). All N, by their loss, when N ≤ count."""
    order = np.argsort(per_sample, kind="stable")
    ranks = np.unique(np.round(np.linspace(0, len(order) - 1, min(count, len(order)))).astype(int))
    return order[ranks]


def needs_distribution(scene: Scene, what: str) -> None:
    """Refuse a scene without a ``"distribution"`` key, saying that ``what`` needs one."""
    if scene.distribution is None:
        raise LossvizError(f'distribution: the scene names no distribution P(X, Y), which {what} needs '
                           '(add a "distribution" key, e.g. {"name": "line"})')


MAX_SAMPLE_DIGITS = 4000  # digits of sample:I that Python turns into an int


def parse_surface_of(text: str) -> tuple[str, int | None]:
    """What a surface is of, as ``--of`` and the API's ``of=`` name it: ("data", None), ("population", None) or
    ("sample", I); LossvizError otherwise."""
    if text in ("data", "population"):
        return text, None
    index = text[len("sample:"):] if text.startswith("sample:") else ""
    if index.isascii() and index.isdigit() and len(index) <= MAX_SAMPLE_DIGITS:
        return "sample", int(index)
    raise LossvizError(f"expected data, population or sample:I (I a sample's index, from 0), got {quoted(text)}")


def surface_objective(scene: Scene, of: str, index: int | None = None) -> Objective:
    """The objective whose surface ``of`` asks for: what descent minimises, L(θ|D_train) + (λ/2)‖W‖² ("data"), L(θ|P)
    ("population", exact or Monte Carlo, see population.py) or l(θ|x_i, y_i) of sample ``index`` of the scene's data,
    a training or a test sample ("sample"); the last two through the scene's φ and without the penalty."""
    from lossviz.core.population import population_objective

    if of == "population":
        needs_distribution(scene, "L(θ|P)")
        assert scene.distribution is not None
        return population_objective(scene.distribution, scene.shape, scene.loss, scene.design().features)
    if of == "sample":
        assert index is not None, "a sample's surface needs its index"
        points = scene.points_objective()
        if not 0 <= index < points.size:
            raise LossvizError(f"sample:{quoted(str(index))[1:-1]}: the scene has {points.size} samples (sample:0 to "
                               f"sample:{points.size - 1})")
        return sample_objective(points, index)
    return scene.objective()


def sample_gradients(objective: Objective, theta: np.ndarray, indices: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """∇l(θ|xᵢ, yᵢ) of the first MAX_ARROWS selected samples, (M, k, d+1), and the mean gradient over all
    of them, (k, d+1) — with every sample selected, exactly ∇L(θ|D)."""
    rows = np.asarray(indices, dtype=np.int64)
    Xa, target = objective.Xa[rows], objective.target[rows]
    _, dz = objective.loss.value_and_grad(Xa @ theta.T, target)  # ∂(mean of l)/∂z: each row is ∂lᵢ/∂zᵢ / M
    mean = dz.T @ Xa
    shown = slice(0, MAX_ARROWS)
    each = len(rows) * dz[shown, :, None] * Xa[shown, None, :]
    return each, mean
