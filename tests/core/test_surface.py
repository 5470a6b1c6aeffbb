"""Loss surfaces: every grid value equals L(θ|D) at that θ; the L2 shortcut is exact."""

import numpy as np
import pytest

from lossviz.core.dataset import make_dataset
from lossviz.core.losses import TASK_LOSSES, get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.surface import SurfaceSpec, auto_range, loss_surface

CASES = [(task, name, dims) for task, names in TASK_LOSSES.items() for name in names for dims in (1, 2)]


def problem(task, name, dims, n=25, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dims))
    y = {"regression": rng.normal(size=n), "binary": rng.integers(0, 2, n),
         "multiclass": rng.integers(0, 3, n)}[task]
    shape = ModelShape(task, dims, 3 if task == "multiclass" else 2)
    return Objective(shape, get_loss(name, task), make_dataset(X, y, task, dims, shape.classes)), rng


@pytest.mark.parametrize("task,name,dims", CASES)
def test_surface_equals_loss_at_every_grid_point(task, name, dims):
    objective, rng = problem(task, name, dims)
    names = objective.shape.param_names()
    x_param, y_param = names[-1], names[0]
    center = rng.normal(size=objective.shape.zeros().shape)
    spec = SurfaceSpec(x_param, y_param, (-2.0, 3.0), (-1.5, 1.0), 9, center)
    surface = loss_surface(objective, spec)
    assert surface.loss.shape == (9, 9)
    ix, iy = objective.shape.param_index(x_param), objective.shape.param_index(y_param)
    for i, yv in enumerate(surface.y):
        for j, xv in enumerate(surface.x):
            theta = center.copy()
            theta[ix], theta[iy] = xv, yv
            assert surface.loss[i, j] == pytest.approx(objective.value(theta), rel=1e-10, abs=1e-13)


def test_multiclass_surface_over_two_classes_and_threads_agree():
    objective, rng = problem("multiclass", "ce", 2, n=300)
    spec = SurfaceSpec("W[1,0]", "b[2]", (-3.0, 3.0), (-3.0, 3.0), 33, rng.normal(size=(3, 3)))
    one = loss_surface(objective, spec, workers=1)
    two = loss_surface(objective, spec, workers=2)
    np.testing.assert_array_equal(one.loss, two.loss)


def test_grid_values_are_linspace():
    objective, _ = problem("binary", "bce", 2)
    spec = SurfaceSpec("W[0,0]", "W[0,1]", (-1.0, 2.0), (0.5, 4.0), 17, np.zeros((1, 3)))
    surface = loss_surface(objective, spec)
    np.testing.assert_array_equal(surface.x, np.linspace(-1.0, 2.0, 17))
    np.testing.assert_array_equal(surface.y, np.linspace(0.5, 4.0, 17))


def test_l2_surface_is_exact_at_a_perfect_fit():
    """The sufficient-statistics form must not lose the minimum to cancellation."""
    X = np.linspace(-1, 1, 11)[:, None] * 1e3
    y = 3.0 * X[:, 0] + 1e4
    objective = Objective(ModelShape("regression", 1, 1), get_loss("l2", "regression"), make_dataset(X, y, "regression"))
    spec = SurfaceSpec("W[0,0]", "b[0]", (2.0, 4.0), (9999.0, 10001.0), 3, np.zeros((1, 2)))
    surface = loss_surface(objective, spec)
    assert surface.loss[1, 1] == pytest.approx(0.0, abs=1e-12)
    assert (surface.loss >= 0).all()
    theta = np.array([[2.0, 10001.0]])
    assert surface.loss[2, 0] == pytest.approx(objective.value(theta), rel=1e-12)


def test_l2_surface_with_a_single_point_is_a_valley():
    objective = Objective(ModelShape("regression", 1, 1), get_loss("l2", "regression"),
                          make_dataset([[1.0]], [2.0], "regression"))
    spec = SurfaceSpec("W[0,0]", "b[0]", (-3.0, 3.0), (-3.0, 3.0), 7, np.zeros((1, 2)))
    surface = loss_surface(objective, spec)
    for i, b in enumerate(surface.y):
        for j, w in enumerate(surface.x):
            assert surface.loss[i, j] == pytest.approx(0.5 * (w + b - 2.0) ** 2, abs=1e-12)


def test_auto_range_frames_points_with_padding():
    lo, hi = auto_range(np.array([0.0, 4.0]))
    assert lo < 0 < 4 < hi and hi - lo == pytest.approx(6.0)
    assert auto_range(np.array([2.0, 2.0])) == (1.0, 3.0)
