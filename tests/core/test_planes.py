"""Planes through θ-space and the curvature of L (issue 21, parts 2 and 3): exact against closed forms, finite
differences and numpy; scikit-learn's PCA as an optional oracle."""

import json

import numpy as np
import pytest

from lossviz.core.curvature import curvature, hessian, unflat
from lossviz.core.dataset import Dataset
from lossviz.core.decomposition import sample_objective
from lossviz.core.errors import LossvizError
from lossviz.core.experiment import fit_scene
from lossviz.core.planes import PLANES, plane_losses, plane_of, plane_ranges
from lossviz.core.presets import load_preset
from lossviz.core.scene import parse_scene_text
from lossviz.core.surface import SAMPLE_BLOCK


def regression_scene(dims=3, n=40, l2=0.0, seed=0, steps=30):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dims)) * [1.0, 2.0, 0.5][:dims] + 0.3
    y = X @ np.arange(1, dims + 1) * 0.5 - 0.2 + 0.1 * rng.normal(size=n)
    return parse_scene_text(json.dumps({"lossviz": 1, "task": "regression", "dims": dims, "steps": steps,
                                        "regularization": {"l2": l2},
                                        "optimizer": {"name": "gd", "lr": 0.05},
                                        "data": {"x": X.tolist(), "y": y.tolist()}}))


SCENES = {"l2 d=3": lambda: regression_scene(), "l2 d=3 λ": lambda: regression_scene(l2=0.2),
          "bce": lambda: load_preset("binary-2d-blobs"), "ce": lambda: load_preset("multiclass-3"),
          "ce λ": lambda: load_preset("multiclass-3").replace(l2=0.1),
          "huber": lambda: load_preset("regression-outliers").replace(loss="huber"),
          "mse": lambda: load_preset("binary-1d").replace(loss="mse")}


@pytest.mark.parametrize("name", SCENES)
def test_the_hessian_equals_finite_differences_of_the_gradient(name):
    scene = SCENES[name]()
    objective = scene.objective()
    theta = np.random.default_rng(1).normal(size=scene.init.shape) * 0.4
    H, p, h = hessian(objective, theta), scene.init.size, 1e-5
    columns = []
    for i in range(p):
        step = unflat(scene.shape, np.eye(p)[i] * h)
        up, down = (scene.shape.flat(objective.value_and_grad(theta + sign * step)[1]) for sign in (1, -1))
        columns.append((up - down) / (2 * h))
    np.testing.assert_allclose(H, np.array(columns).T, atol=1e-8 * max(1.0, np.abs(H).max()))


@pytest.mark.parametrize("l2", [0.0, 0.2])
def test_l2_hessian_plane_eigenvalues_are_those_of_the_data_matrix_and_its_grid_is_the_quadratic(l2):
    scene = regression_scene(l2=l2)
    objective, path = scene.objective(), fit_scene(scene).thetas
    Xa = np.hstack([scene.data.X, np.ones((scene.data.size, 1))])
    expected = Xa.T @ Xa / scene.data.size + l2 * np.diag([1.0, 1.0, 1.0, 0.0])  # λ on W, not on b
    plane = plane_of("hessian", objective, path)
    np.testing.assert_allclose(plane.eigenvalues, np.linalg.eigvalsh(expected), rtol=1e-12)
    (x0, x1), (y0, y1) = plane_ranges(plane, path)
    alphas, betas = np.linspace(x0, x1, 9), np.linspace(y0, y1, 7)
    grid = plane_losses(objective, plane, alphas, betas)
    direct = np.array([[objective.value(plane.at(a, b)) for a in alphas] for b in betas])
    np.testing.assert_allclose(grid, direct, rtol=1e-12)


@pytest.mark.parametrize("name", SCENES)
@pytest.mark.parametrize("kind", PLANES)
def test_every_plane_is_orthonormal_and_its_grid_is_l_at_each_point(name, kind):
    scene = SCENES[name]()
    objective, path = scene.objective(), fit_scene(scene).thetas
    plane = plane_of(kind, objective, path, axes=scene.surface_axes, center=scene.surface_center, seed=7)
    gram = [[float(np.vdot(a, b)) for b in (plane.u, plane.v)] for a in (plane.u, plane.v)]
    np.testing.assert_allclose(gram, np.eye(2), atol=1e-12)
    (x0, x1), (y0, y1) = plane_ranges(plane, path)
    alphas, betas = np.linspace(x0, x1, 5), np.linspace(y0, y1, 4)
    direct = np.array([[objective.value(plane.at(a, b)) for a in alphas] for b in betas])
    np.testing.assert_allclose(plane_losses(objective, plane, alphas, betas), direct, rtol=1e-12)


@pytest.mark.parametrize("preset", ["binary-2d-blobs", "multiclass-3"])
@pytest.mark.parametrize("scale", [1.0, 400.0])  # 400: e^z leaves the float range, those rows are taken directly
def test_a_plane_over_blocks_of_samples_is_l_at_each_point(preset, scale):
    """More samples than one block (the grid is summed block by block, in the separable form of BCE and CE); rows
    shared by threads give the same numbers bit for bit."""
    scene = load_preset(preset)
    rows = np.random.default_rng(2).integers(0, scene.data.size, 2 * SAMPLE_BLOCK + 17)
    scene = scene.replace(data=Dataset(scene.data.X[rows] * scale, scene.data.y[rows]), steps=10)
    objective, path = scene.objective(), fit_scene(scene).thetas
    plane = plane_of("random", objective, path, seed=3)
    alphas, betas = np.linspace(-2, 2, 5), np.linspace(-3, 1, 4)
    direct = np.array([[objective.value(plane.at(a, b)) for a in alphas] for b in betas])
    one_thread = plane_losses(objective, plane, alphas, betas)
    np.testing.assert_allclose(one_thread, direct, rtol=1e-12)
    for workers in (2, 3, 7):  # 7: more threads than rows
        assert np.array_equal(plane_losses(objective, plane, alphas, betas, workers=workers), one_thread)


@pytest.mark.parametrize("kind", ["trajectory", "pca", "hessian", "random"])
def test_softmax_planes_are_orthogonal_to_the_directions_softmax_ignores(kind):
    scene = load_preset("multiclass-3").replace(init=np.random.default_rng(3).normal(size=(3, 3)))
    plane = plane_of(kind, scene.objective(), fit_scene(scene).thetas, seed=2)
    for direction in (plane.u, plane.v):
        np.testing.assert_allclose(direction.mean(axis=0), 0.0, atol=1e-12)  # across the classes, every column


def test_the_trajectory_plane_holds_the_start_the_end_and_the_farthest_point():
    scene = load_preset("binary-2d-blobs").replace(optimizer=load_preset("optimizer-race").runs[1].optimizer)
    path = fit_scene(scene).thetas
    plane = plane_of("trajectory", scene.objective(), path)
    off = plane.off_plane(path)
    assert off[0] < 1e-12 and off[-1] < 1e-12
    assert plane.coordinates(path[:1])[0, 0] > 0 and abs(plane.coordinates(path[:1])[0, 1]) < 1e-12  # θ₀ along u


def test_pca_explained_is_the_variance_ratio_of_the_path_rows():
    scene = load_preset("binary-2d-blobs")
    path = fit_scene(scene).thetas
    plane = plane_of("pca", scene.objective(), path)
    rows = np.array([scene.shape.flat(theta - path[-1]) for theta in path])
    variances = np.sort(np.linalg.eigvalsh(np.cov(rows.T)))[::-1]
    np.testing.assert_allclose(plane.explained, variances[:2] / variances.sum(), rtol=1e-9)
    assert plane.coordinates(path[:1])[0, 0] <= 0 and plane.coordinates(path[:1])[0, 1] <= 0
    sklearn = pytest.importorskip("sklearn.decomposition")
    np.testing.assert_allclose(plane.explained, sklearn.PCA(2).fit(rows).explained_variance_ratio_, rtol=1e-10)


@pytest.mark.parametrize("kind", PLANES)
def test_the_samples_surfaces_average_to_the_data_surface_on_every_plane(kind):
    scene = load_preset("multiclass-3")
    objective, path = scene.objective(), fit_scene(scene).thetas
    plane = plane_of(kind, objective, path, axes=scene.surface_axes, center=scene.surface_center, seed=1)
    alphas, betas = np.linspace(-1, 1, 4), np.linspace(-0.5, 0.5, 3)
    points = scene.points_objective()
    mean = np.mean([plane_losses(sample_objective(points, i), plane, alphas, betas) for i in range(points.size)],
                   axis=0)
    np.testing.assert_allclose(mean, plane_losses(objective, plane, alphas, betas), rtol=1e-12)


def test_a_path_of_fewer_than_three_points_has_no_pca_or_trajectory_plane():
    scene = load_preset("xor").replace(steps=1)
    for kind in ("pca", "trajectory"):
        with pytest.raises(LossvizError, match=f"--plane {kind}: the trajectory has 2 distinct point"):
            plane_of(kind, scene.objective(), fit_scene(scene).thetas)


def test_gradient_descent_is_stable_below_two_over_lambda_max_and_diverges_above():
    scene = regression_scene(steps=400)
    found = curvature(scene.objective(), scene.init)
    assert found.exact and found.learning_rate_bound == pytest.approx(2 / np.linalg.eigvalsh(
        hessian(scene.objective(), scene.init)).max(), rel=1e-12)
    below = fit_scene(scene.replace(optimizer=scene.optimizer.__class__("gd", lr=0.95 * found.learning_rate_bound)))
    above = fit_scene(scene.replace(optimizer=scene.optimizer.__class__("gd", lr=1.05 * found.learning_rate_bound)))
    assert below.thetas[-1].max() < 10 and (above.status == "diverged" or np.abs(above.thetas[-1]).max() > 1e3)
