"""A scene put to work: its fit (or its race of optimizers), and the surface spec that shows it.

A race is the scene's ``runs`` (core/runs.py), each run starting from the scene's ``init`` on the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.plane import AxisPlane
from lossviz.core.planes import DirectionPlane, plane_of
from lossviz.core.runs import Run
from lossviz.core.scene import Scene
from lossviz.core.surface import Surface, SurfaceSpec, auto_range, landmarks
from lossviz.core.training import FitResult, Trainer, fit


def fit_scene(scene: Scene, steps: int | None = None, should_stop: Callable[[], bool] | None = None,
              progress: Callable[[int, int], None] | None = None) -> FitResult:
    """Run the scene's optimizer from its init for ``steps`` (default: the scene's); ``should_stop`` and
    ``progress`` as in ``fit`` (Cancelled is raised when it says True)."""
    return _fit_from_init(scene, scene.objective(), scene.optimizer, steps, should_stop, progress)


def _fit_from_init(scene: Scene, objective: Objective, optimizer: OptimizerConfig, steps: int | None,
                   should_stop: Callable[[], bool] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> FitResult:
    """``fit`` of ``objective`` from the scene's init with its tolerance and seed; a start where the loss is not
    finite is a LossvizError saying which sample (or the start θ) is to blame."""
    result = fit(objective, scene.init, optimizer, scene.steps if steps is None else steps, tol=scene.tol,
                 seed=scene.seed, should_stop=should_stop, progress=progress)
    if result.steps < 0:
        raise LossvizError(not_finite_at_start(scene, objective))
    return result


def check_trainable(scene: Scene) -> None:
    """Refuse a scene whose descent cannot start: the loss or its gradient at the start θ is not finite (what
    ``lossviz fit`` refuses, with the same message). A scene without training samples passes: there is nothing to
    fit yet."""
    if scene.data.size == 0 or not len(scene.design().train):
        return
    objective = scene.objective()
    with np.errstate(all="ignore"):
        start = Trainer(objective, scene.init, scene.optimizer, scene.seed)  # what fit starts from, checked as fit does
    if not start.finite:
        raise LossvizError(not_finite_at_start(scene, objective))


def not_finite_at_start(scene: Scene, objective: Objective) -> str:
    """Why descent on ``objective`` (the scene's) cannot start: the first data row whose loss or gradient overflows
    at the start θ (values too large for the model), else the start θ itself."""
    Xa = objective.Xa
    with np.errstate(all="ignore"):
        z = objective.logits(scene.init)
        per = objective.loss.per_sample(z, objective.target)
        dz = objective.loss.value_and_grad(z, objective.target)[1]
        bad = (~np.isfinite(per) | ~np.isfinite(dz[:, :, None] * Xa[:, None, :]).all(axis=(1, 2))
               | ~np.isfinite(Xa * Xa).all(axis=1))  # L2's statistics square the inputs
    rows = np.flatnonzero(bad)
    if len(rows) and len(rows) < objective.size:  # some samples, not all: it is their values
        row = int(scene.design().train[rows[0]])
        return (f"data.x[{row}]: the loss or its gradient is not finite at the start θ for this sample "
                f"({len(rows)} such samples); its values are too large for the model")
    return "init: the loss or its gradient is not finite at the start θ; choose a smaller init"


def fit_columns(scene: Scene, thetas: np.ndarray) -> dict[str, np.ndarray]:
    """The losses that ``lossviz fit`` writes beside ``loss`` at each of ``thetas`` (M, k, d+1), where they differ
    from it: "data_loss", L(θ|D_train) without the penalty (λ > 0), and "test_loss", L(θ|D_test) (with a test set)."""
    columns = {}
    if scene.l2 > 0:
        columns["data_loss"] = scene.objective().data_values(thetas)
    test = scene.test_objective()
    if test is not None:
        columns["test_loss"] = test.data_values(thetas)
    return columns


def scene_runs(scene: Scene) -> list[Run]:
    """The scene's race (its ``runs``), or its one optimizer as the only run."""
    return list(scene.runs) or [Run(scene.optimizer.name, scene.optimizer)]


@dataclass(frozen=True)
class Snapshot:
    """What a figure shows of a descent: every run with its entries (real ‖∇L‖, step numbers, stretches)
    and, when one is shown, the surface and the θ at which it holds the parameters off its axes."""

    runs: list[tuple[Run, FitResult]]
    surface: Surface | None = None
    surface_center: np.ndarray | None = None


def scene_plane(scene: Scene, should_stop: Callable[[], bool] | None = None,
                progress: Callable[[int, int], None] | None = None) -> tuple[DirectionPlane, np.ndarray]:
    """The plane of the scene's ``surface.plane`` (and ``seed``) through θ-space, built from its fit — the path of
    the scene's optimizer for its steps, and its end θ_T — and that path; LossvizError where the fit cannot give one
    (a pca or trajectory plane of fewer than 3 distinct points)."""
    path = fit_scene(scene, should_stop=should_stop, progress=progress).thetas
    config = scene.surface
    plane = plane_of(config.plane, scene.objective(), path, axes=scene.surface_axes, center=scene.surface_center,
                     seed=config.seed)
    return plane, path


def fit_runs(scene: Scene, steps: int | None = None) -> list[tuple[Run, FitResult]]:
    """Every run of the scene's race from the same start on the same data."""
    objective = scene.objective()
    results = []
    for run in scene_runs(scene):
        results.append((run, _fit_from_init(scene, objective, run.optimizer, steps)))
    return results


FRAME_REACH = 20.0  # a frame follows a path while it stays within this many scales of the start


def frame_scale(objective: Objective, start: np.ndarray) -> float:
    """The scale of a picture of descent from ``start``: its size, the distance to the exact L2 minimum, or 1."""
    scale = max(1.0, float(np.abs(start).max()))
    if objective.loss.name == "l2" and objective.size:
        theta_star = landmarks(objective, start, None)[-1]
        scale = max(scale, float(np.abs(theta_star - start).max()))
    return scale


def within_reach(objective: Objective, start: np.ndarray, thetas: np.ndarray) -> np.ndarray:
    """(M,) bool: which of ``thetas`` (M, k, d+1) a frame around the start should follow (finite, and within
    FRAME_REACH scales of the start): a diverging descent does not zoom the picture out to 1e80."""
    if not len(thetas):
        return np.zeros(0, dtype=bool)
    distance = np.abs(thetas - start).reshape(len(thetas), -1).max(axis=1)
    return np.isfinite(distance) & (distance <= FRAME_REACH * frame_scale(objective, start))


def sane_path(objective: Objective, start: np.ndarray, path: np.ndarray | None) -> np.ndarray | None:
    """The first steps of ``path`` that stay within reach of the start (all of it for a sensible descent)."""
    if path is None or not len(path):
        return path
    inside = within_reach(objective, start, path)
    return path if inside.all() else path[:int(np.argmin(inside))]


def frame_ranges(objective: Objective, start: np.ndarray, path: np.ndarray | None, x_param: str, y_param: str,
                 x_range: tuple[float, float] | None = None,
                 y_range: tuple[float, float] | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (x, y) value ranges of a surface over ``x_param`` and ``y_param``: a given range is kept; a
    missing one frames the start θ, the ``path`` (θ's, (M, k, d+1)) and, for L2, the exact minimum."""
    if x_range is not None and y_range is not None:
        return x_range, y_range
    points = AxisPlane(objective.shape, x_param, y_param).coordinates(landmarks(objective, start,
                                                                                sane_path(objective, start, path)))
    return x_range or auto_range(points[:, 0]), y_range or auto_range(points[:, 1])


def surface_spec(scene: Scene, objective: Objective, path: np.ndarray | None = None, resolution: int | None = None,
                 center: np.ndarray | None = None) -> SurfaceSpec:
    """The scene's surface grid; automatic ranges frame the start, the ``path`` (thetas) and the minimum."""
    x_param, y_param = scene.surface_axes
    config = scene.surface
    x_range, y_range = frame_ranges(objective, scene.init, path, x_param, y_param, config.x_range, config.y_range)
    if center is None:
        center = scene.surface_center
    return SurfaceSpec(x_param, y_param, x_range, y_range, resolution or config.resolution, center.copy())


@dataclass(frozen=True)
class SceneSurface:
    """``lossviz surface``'s grid: ``surface`` (x, y, loss over two parameters, or over the plane's α, β) and, on a
    plane through θ-space, the ``plane`` and the fit's ``path`` it was built from."""

    surface: Surface
    plane: DirectionPlane | None = None
    path: np.ndarray | None = None


def scene_surface(scene: Scene, objective: Objective, path: Callable[[], np.ndarray], resolution: int | None = None,
                  plane: tuple[str, int] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> SceneSurface:
    """``objective``'s surface as ``lossviz surface`` computes it: on the scene's two parameters (ranges framed from
    the data's fit, ``path()``, where the scene does not fix them), or on ``plane`` = (kind, seed) built from that
    fit (default: the scene's own ``surface.plane``)."""
    from lossviz.core.planes import plane_losses, plane_ranges
    from lossviz.core.surface import loss_surface

    if plane is None and scene.surface.plane != "coords":
        plane = (scene.surface.plane, scene.surface.seed)  # the scene's own plane, as the window draws it
    if plane is not None:
        kind, seed = plane
        thetas = path()
        found = plane_of(kind, scene.objective(), thetas, axes=scene.surface_axes, center=scene.surface_center,
                         seed=seed)
        count = resolution or scene.surface.resolution
        if kind == "coords":  # today's grid: the scene's ranges, or framed as without a plane
            spec = surface_spec(scene, scene.objective(), thetas, resolution)
            ranges, names = (spec.x_range, spec.y_range), scene.surface_axes
        else:
            ranges, names = plane_ranges(found, thetas), ("alpha", "beta")
        alphas, betas = np.linspace(*ranges[0], count), np.linspace(*ranges[1], count)
        loss = plane_losses(objective, found, alphas, betas, workers=None)
        return SceneSurface(Surface(names[0], names[1], alphas, betas, loss), found, thetas)
    fitted = None if scene.surface.x_range is not None and scene.surface.y_range is not None else path()
    # framed from the data (its fit and, for L2, its minimum) whatever is shown: one grid for all three surfaces
    spec = surface_spec(scene, scene.objective(), fitted, resolution)
    with np.errstate(all="ignore"):  # an overflowing loss shows as inf (null in JSON), not as warnings
        return SceneSurface(loss_surface(objective, spec, progress=progress))
