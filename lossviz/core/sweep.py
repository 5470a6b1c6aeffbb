"""The capacity sweep: the scene fitted once per degree of φ (and per λ), with its final training and test losses.

Each point is exactly ``lossviz fit`` of the scene with ``"features": {"degree": d}`` and
``"regularization": {"l2": λ}`` (``sweep_scene``): the same optimizer, steps, tolerance and seed, from the
scene's ``init`` where its shape fits the model of that degree, else from zeros. Plotted against the degree,
the final training loss falls as the model grows, while the test loss falls and then rises again (the
classic U-shaped figure of under- and overfitting, ``lossviz sweep``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lossviz.core.errors import Cancelled, LossvizError
from lossviz.core.experiment import fit_columns, fit_scene
from lossviz.core.features import MAX_DEGREE, check_feature_range
from lossviz.core.model import ModelShape
from lossviz.core.scene import Scene, SurfaceConfig


@dataclass(frozen=True)
class SweepPoint:
    """The final losses of one fit of the sweep: at ``degree`` with λ = ``l2``."""

    degree: int
    l2: float
    loss: float  # final objective value (what descent minimised, the penalty included)
    data_loss: float  # final L(θ|D_train) without the penalty
    test_loss: float | None  # final L(θ|D_test), None without a test set


def sweep_scene(scene: Scene, degree: int, l2: float) -> Scene:
    """The scene with φ of ``degree`` and λ = ``l2``: its init kept where its shape fits the new model (else zeros),
    and its surface view where its axes and center fit the new model (else chosen automatically)."""
    changed = scene.replace(degree=degree, l2=float(l2))
    shape = changed.shape
    init = scene.init if scene.init.shape == shape.zeros().shape else shape.zeros()
    surface = scene.surface
    center_fits = surface.center is None or surface.center.shape == init.shape
    if not (center_fits and all(_names_a_parameter(shape, name) for name in changed.surface_axes)):
        surface = SurfaceConfig(resolution=surface.resolution)
    return changed.replace(init=init, surface=surface)


def _names_a_parameter(shape: ModelShape, name: str) -> bool:
    try:
        shape.param_index(name)
    except LossvizError:
        return False
    return True


def sweep_point(scene: Scene, degree: int, l2: float, should_stop: Callable[[], bool] | None = None) -> SweepPoint:
    """Fit ``sweep_scene(scene, degree, l2)`` as ``lossviz fit`` does and read its final losses."""
    check_feature_range(scene.data.X, degree)  # a degree that overflows φ on these inputs: refused, naming the sample
    fitted = sweep_scene(scene, degree, l2)
    result = fit_scene(fitted, should_stop=should_stop)
    columns = fit_columns(fitted, result.thetas[-1:])
    loss = float(result.losses[-1])
    data_loss = float(columns["data_loss"][0]) if "data_loss" in columns else loss
    test_loss = float(columns["test_loss"][0]) if "test_loss" in columns else None
    return SweepPoint(degree, float(l2), loss, data_loss, test_loss)


def sweep(scene: Scene, degrees: Sequence[int], l2s: Sequence[float] | None = None,
          progress: Callable[[int, int], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> list[SweepPoint]:
    """One point per λ in ``l2s`` (default: the scene's λ) and degree in ``degrees``, λ by λ, each λ's degrees in
    the order given. ``progress(done, total)`` is called after each fit; ``should_stop()`` is asked before each fit
    and during it: when it says True, Cancelled is raised."""
    lams = [scene.l2] if l2s is None else [float(lam) for lam in l2s]
    check_degrees(degrees)
    check_l2s(lams)
    total = len(lams) * len(degrees)
    points: list[SweepPoint] = []
    for lam in lams:
        for degree in degrees:
            if should_stop is not None and should_stop():
                raise Cancelled()
            points.append(sweep_point(scene, int(degree), lam, should_stop))
            if progress is not None:
                progress(len(points), total)
    return points


def check_degrees(degrees: Sequence[int]) -> None:
    """Refuse an empty list or a degree outside 1 … MAX_DEGREE."""
    if not len(degrees):
        raise LossvizError("degree: no degrees to sweep")
    for degree in degrees:
        if isinstance(degree, bool) or int(degree) != degree or not 1 <= degree <= MAX_DEGREE:
            raise LossvizError(f"degree: must be 1 … {MAX_DEGREE}, got {degree}")


def check_l2s(l2s: Sequence[float]) -> None:
    """Refuse an empty list or a λ that is negative or not finite."""
    if not len(l2s):
        raise LossvizError("l2: no λ to sweep")
    for lam in l2s:
        if not (math.isfinite(lam) and lam >= 0):
            raise LossvizError(f"l2: λ must be a finite number >= 0, got {lam:g}")


def parse_degrees(text: str) -> list[int]:
    """Degrees written as a range "1:12" (1 to 12), a list "1,3,5" or both ("1:4,8"): in increasing order, each once."""
    degrees: set[int] = set()
    for part in text.split(","):
        bounds = [bound.strip() for bound in part.split(":")]
        if len(bounds) > 2 or not all(bound.isascii() and bound.isdigit() and len(bound) <= 6 for bound in bounds):
            shown = text if len(text) <= 30 else text[:27] + "…"
            raise LossvizError(f"expected degrees like 1:12 or 1,3,5, got {shown!r}")
        low, high = int(bounds[0]), int(bounds[-1])
        for degree in (low, high):
            if not 1 <= degree <= MAX_DEGREE:
                raise LossvizError(f"a degree must be 1 … {MAX_DEGREE}, got {degree}")
        if low > high:
            raise LossvizError(f"the range {part.strip()} runs backwards (write {high}:{low})")
        degrees.update(range(low, high + 1))
    return sorted(degrees)


def parse_l2s(text: str) -> list[float]:
    """λ's written as a list "0,1e-3,0.1": each a finite number >= 0; in increasing order, each once."""
    values: set[float] = set()
    for part in text.split(","):
        try:
            lam = float(part)
        except ValueError:
            raise LossvizError(f"expected numbers >= 0 like 0,1e-3,0.1, got {part.strip()[:30]!r}") from None
        if not (math.isfinite(lam) and lam >= 0):
            raise LossvizError(f"λ must be a finite number >= 0, got {part.strip()[:30]}")
        values.add(lam)
    return sorted(values)


def best_test_points(points: Sequence[SweepPoint]) -> dict[float, SweepPoint]:
    """For each λ, the point with the smallest finite test loss (the first of equals; none without a test set)."""
    best: dict[float, tuple[float, SweepPoint]] = {}  # λ → (its smallest test loss so far, its point)
    for point in points:
        loss = point.test_loss
        if loss is not None and math.isfinite(loss) and loss < best.get(point.l2, (math.inf, point))[0]:
            best[point.l2] = (loss, point)
    return {l2: point for l2, (_, point) in best.items()}
