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


def test_small_chunks_with_a_pause_between_them_give_the_same_surface():
    objective, rng = problem("multiclass", "ce", 2, n=300)
    spec = SurfaceSpec("W[1,0]", "b[2]", (-3.0, 3.0), (-3.0, 3.0), 33, rng.normal(size=(3, 3)))
    pauses = []
    chunked = loss_surface(objective, spec, workers=1, chunk_elements=33 * 300 * 3 * 4,
                           between_chunks=lambda: pauses.append(1))
    np.testing.assert_array_equal(chunked.loss, loss_surface(objective, spec, workers=1).loss)
    assert len(pauses) == 9  # 33 rows, 4 rows per chunk


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


def grid_values(objective, surface, center, loss=None):
    """loss(θ) (default L(θ|D)) at every grid point of ``surface``, (R, R)."""
    loss = loss or objective.value
    ix, iy = objective.shape.param_index(surface.x_param), objective.shape.param_index(surface.y_param)
    values = np.empty(surface.loss.shape)
    for i, yv in enumerate(surface.y):
        for j, xv in enumerate(surface.x):
            theta = center.copy()
            theta[ix], theta[iy] = xv, yv
            values[i, j] = loss(theta)
    return values


@pytest.mark.parametrize("task,name", [("binary", "bce"), ("multiclass", "ce")])
def test_extreme_ranges_mix_factored_and_stable_chunks(task, name, monkeypatch):
    """|z| up to ~1e3 (e^z would overflow): grid rows near the center take the exp-factor path, far
    ones the stable logits path; one grid row per chunk, so both meet in one surface."""
    from lossviz.core import surface as module

    objective, rng = problem(task, name, 2, n=40, seed=3)
    objective.Xa[:, :2] *= 3.0
    monkeypatch.setattr(module, "CHUNK_ELEMENTS", 1)
    paths = []  # whether each check found the exp factors in range
    normal_exp = module.exp_in_range
    monkeypatch.setattr(module, "exp_in_range", lambda lo, hi: paths.append(normal_exp(lo, hi)) or paths[-1])
    center = rng.normal(size=objective.shape.zeros().shape)
    spec = SurfaceSpec("W[0,0]", "W[0,1]", (-3.0, 3.0), (-300.0, 300.0), 15, center)
    one, two = loss_surface(objective, spec, workers=1), loss_surface(objective, spec, workers=2)
    np.testing.assert_array_equal(one.loss, two.loss)
    assert True in paths and False in paths
    corner = center.copy()
    corner[0, :2] = 3.0, 300.0
    assert np.abs(objective.logits(corner)).max() > 1e3 and np.isfinite(one.loss).all()
    np.testing.assert_allclose(one.loss, grid_values(objective, one, center), rtol=1e-12)


def test_bce_tiny_losses_near_a_separable_fit_keep_full_relative_precision():
    X = np.array([[-2.0, 0.3], [-1.5, -0.2], [-1.0, 0.1], [1.0, -0.4], [1.5, 0.2], [2.5, 0.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    objective = Objective(ModelShape("binary", 2), get_loss("bce", "binary"), make_dataset(X, y, "binary"))
    center = np.array([[0.0, 0.0, 0.0]])
    spec = SurfaceSpec("W[0,0]", "b[0]", (20.0, 40.0), (-1.0, 1.0), 11, center)
    surface = loss_surface(objective, spec)
    assert 1e-18 < surface.loss.min() < 1e-12 and surface.loss.max() < 1e-6
    np.testing.assert_allclose(surface.loss, grid_values(objective, surface, center), rtol=1e-12)


def test_ce_tiny_losses_near_a_separable_fit_keep_full_relative_precision():
    """The surface uses −log softmax(z)_y = log1p(Σ_{k≠y} e^{z_k − z_y}), accurate even for losses far
    below the rounding error of log Σ_k e^{z_k} − z_y."""
    means = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = np.array([0, 1, 2, 0, 1, 2, 0])
    X = means[y] + 0.1 * np.random.default_rng(4).normal(size=(len(y), 2))
    objective = Objective(ModelShape("multiclass", 2, 3), get_loss("ce", "multiclass"),
                          make_dataset(X, y, "multiclass", 2, 3))
    center = 6.0 * np.hstack([means, np.zeros((3, 1))])

    def accurate(theta):
        z = objective.logits(theta)
        d = z - z[np.arange(len(y)), y][:, None]
        d[np.arange(len(y)), y] = -np.inf
        return float(np.log1p(np.exp(d).sum(axis=1)).mean())

    for x_param, y_param in (("W[1,0]", "b[2]"), ("W[0,0]", "W[0,1]")):
        ix = objective.shape.param_index(x_param)
        spec = SurfaceSpec(x_param, y_param, (center[ix] - 1.0, center[ix] + 1.0), (-1.0, 1.0), 9, center)
        surface = loss_surface(objective, spec)
        assert 0 < surface.loss.min() < 1e-12
        np.testing.assert_allclose(surface.loss, grid_values(objective, surface, center, accurate), rtol=1e-12)
        # L(θ|D) itself (log Σ e^z − z_y) is only accurate to ~1e-16 absolute here
        np.testing.assert_allclose(surface.loss, grid_values(objective, surface, center), rtol=0, atol=1e-15)


@pytest.mark.parametrize("classes,x_param,y_param", [(2, "W[0,0]", "b[1]"), (3, "W[1,0]", "b[2]"),
                                                     (3, "b[0]", "W[0,1]"), (5, "W[4,1]", "W[2,0]")])
def test_ce_stable_path_is_one_softplus_a_sample_and_exact(classes, x_param, y_param, monkeypatch):
    """Where e^z would overflow (blobs of std 1e6), CE on the grid is softplus(P[c] + Q[r]) + C[c] a sample:
    the same values as −log softmax(z)_y at every grid point, tiny losses included, at BCE's cost."""
    from lossviz.core import surface as module

    monkeypatch.setattr(module, "exp_in_range", lambda lo, hi: False)  # every chunk on the stable path
    rng = np.random.default_rng(classes)
    y = np.arange(40) % classes
    angles = 2 * np.pi * np.arange(classes) / classes
    means = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = means[y] + 0.1 * rng.normal(size=(40, 2))
    objective = Objective(ModelShape("multiclass", 2, classes), get_loss("ce", "multiclass"),
                          make_dataset(X, y, "multiclass", 2, classes))
    smallest = []
    for center in (6.0 * np.hstack([means, np.zeros((classes, 1))]), rng.normal(size=(classes, 3))):
        ix = objective.shape.param_index(x_param)
        iy = objective.shape.param_index(y_param)
        spec = SurfaceSpec(x_param, y_param, (center[ix] - 1.0, center[ix] + 1.0),
                           (center[iy] - 1.0, center[iy] + 1.0), 9, center)
        surface = loss_surface(objective, spec)
        np.testing.assert_allclose(surface.loss, grid_values(objective, surface, center), rtol=1e-11)
        smallest.append(surface.loss.min())
    assert min(smallest) < 1e-12  # a confident fit: tiny losses, kept to full relative precision
    objective.Xa[:, :2] *= 1e6  # logits ~1e7: the losses are their margins, computed without overflow
    surface = loss_surface(objective, spec)
    assert np.isfinite(surface.loss).all() and surface.loss.max() > 1e5
    np.testing.assert_allclose(surface.loss, grid_values(objective, surface, center), rtol=1e-12)


def test_frame_points_holds_every_point_with_room_and_nothing_else():
    from lossviz.core.surface import frame_points

    points = np.array([[0.80, 0.50], [0.75, 0.61], [0.88, 0.44]])
    (x0, x1), (y0, y1) = frame_points(points)
    assert x0 < 0.75 and x1 > 0.88 and y0 < 0.44 and y1 > 0.61  # every point, with room around it
    assert x1 - x0 < 0.25 and y1 - y0 < 0.35  # and no more than 1.6 times their span (a far start θ is not in it)
    (x0, x1), (y0, y1) = frame_points(np.array([[1.0, 2.0], [1.0, 2.0]]))
    assert x0 < 1.0 < x1 and y0 < 2.0 < y1  # one place: a small frame around it, never an empty range
    (x0, x1), (y0, y1) = frame_points(np.array([[0.0, 0.0], [10.0, 0.0]]))
    assert y1 - y0 >= 0.2 * 10.0  # the narrow axis is at least a fifth of the wide span
    assert frame_points(np.array([[np.nan, 1.0]])) is None
    assert frame_points(np.array([[-1e308, 0.0], [1e308, 1.0]])) is None  # no finite range holds them


@pytest.mark.parametrize("name", ["l1", "huber"])
def test_l1_and_huber_surfaces_over_many_samples_equal_the_loss_at_every_point(name):
    """Over more samples than one block (a Monte-Carlo L(θ|P) has 100,000) and residuals on both sides of Huber's
    δ = 1, each grid value is L(θ) at its point; on several threads the same numbers."""
    from lossviz.core.surface import SAMPLE_BLOCK

    rng = np.random.default_rng(5)
    n = SAMPLE_BLOCK + 1000
    X = rng.normal(size=(n, 2))
    y = X @ [1.5, -0.5] + 0.3 + rng.standard_t(2, size=n)  # heavy tails: |r| far beyond 1 and near 0
    shape = ModelShape("regression", 2, 2)
    objective = Objective(shape, get_loss(name, "regression"), make_dataset(X, y, "regression", 2, 2))
    center = np.array([[1.5, -0.5, 0.3]])
    spec = SurfaceSpec("W[0,1]", "b[0]", (-2.0, 1.0), (-1.0, 1.5), 7, center)
    surface = loss_surface(objective, spec, workers=1)
    np.testing.assert_allclose(surface.loss, grid_values(objective, surface, center), rtol=1e-12)
    np.testing.assert_array_equal(surface.loss, loss_surface(objective, spec, workers=2).loss)
