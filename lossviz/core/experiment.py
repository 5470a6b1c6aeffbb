"""A scene put to work: its fit, and the surface spec that shows it."""

from __future__ import annotations

from lossviz.core.errors import LossvizError
from lossviz.core.objective import Objective
from lossviz.core.scene import Scene
from lossviz.core.surface import SurfaceSpec, auto_range, landmarks
from lossviz.core.training import FitResult, fit


def fit_scene(scene: Scene, steps: int | None = None) -> FitResult:
    """Run the scene's optimizer from its init for ``steps`` (default: the scene's)."""
    objective = scene.objective()
    result = fit(objective, scene.init, scene.optimizer, scene.steps if steps is None else steps,
                 tol=scene.tol, seed=scene.seed)
    if result.steps < 0:
        raise LossvizError("init: the loss or its gradient is not finite at the start θ; choose a smaller init")
    return result


def surface_spec(scene: Scene, objective: Objective, path=None, resolution: int | None = None) -> SurfaceSpec:
    """The scene's surface grid; automatic ranges frame the start, the ``path`` (thetas) and the minimum."""
    x_param, y_param = scene.surface_axes
    shape = scene.shape
    x_index, y_index = shape.param_index(x_param), shape.param_index(y_param)
    config = scene.surface
    points = None
    if config.x_range is None or config.y_range is None:
        points = landmarks(objective, scene.init, path)
    x_range = config.x_range or auto_range(points[:, x_index[0], x_index[1]])
    y_range = config.y_range or auto_range(points[:, y_index[0], y_index[1]])
    return SurfaceSpec(x_param, y_param, x_range, y_range, resolution or config.resolution,
                       scene.surface_center.copy())
