"""What generalises, in numbers (issue 20 item 22): R², the confusion matrix and L(θ|P) at a θ as the L(θ|P)
surface has it."""

import numpy as np
import pytest

from lossviz.core.dataset import Dataset
from lossviz.core.distributions import default_distribution
from lossviz.core.features import FeatureMap, polynomial
from lossviz.core.losses import get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective, confusion_matrix, r_squared
from lossviz.core.population import exact, population_objective, population_values
from lossviz.core.surface import SurfaceSpec, loss_surface


def test_r_squared_is_one_minus_the_residual_over_the_total_sum_of_squares():
    rng = np.random.default_rng(1)
    y = rng.normal(size=50)
    y_hat = y + rng.normal(scale=0.5, size=50)
    expected = 1 - np.sum((y_hat - y) ** 2) / np.sum((y - y.mean()) ** 2)
    assert r_squared(y, y_hat) == pytest.approx(expected, rel=1e-14)
    assert r_squared(y, np.full(50, y.mean())) == pytest.approx(0.0, abs=1e-14)  # the mean predicts nothing
    assert r_squared(y, y) == 1.0
    assert r_squared(y, y_hat - 10) < 0  # worse than the mean
    assert r_squared(np.full(5, 2.0), np.arange(5.0)) is None  # constant y: undefined
    assert r_squared(np.empty(0), np.empty(0)) is None


def test_r_squared_agrees_with_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(2)
    y, y_hat = rng.normal(size=30), rng.normal(size=30)
    assert r_squared(y, y_hat) == pytest.approx(metrics.r2_score(y, y_hat), rel=1e-12)


def test_an_objectives_r_squared_is_of_its_model_outputs():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 1))
    y = 2 * X[:, 0] + 1 + rng.normal(scale=0.3, size=40)
    objective = Objective(ModelShape("regression", 1, 1), get_loss("l2", "regression"), Dataset(X, y))
    theta = np.array([[1.5, 0.5]])
    assert objective.r_squared(theta) == pytest.approx(r_squared(y, 1.5 * X[:, 0] + 0.5), rel=1e-14)


def test_confusion_matrix_counts_true_against_predicted():
    labels = np.array([0, 0, 1, 2, 2, 2, 1])
    predicted = np.array([0, 1, 1, 2, 0, 2, 1])
    expected = np.zeros((3, 3), dtype=int)
    np.add.at(expected, (labels, predicted), 1)
    np.testing.assert_array_equal(confusion_matrix(labels, predicted, 3), expected)
    assert confusion_matrix(np.empty(0), np.empty(0), 2).tolist() == [[0, 0], [0, 0]]


@pytest.mark.parametrize("task, classes", [("binary", 2), ("multiclass", 4)])
def test_the_confusion_matrix_agrees_with_the_accuracy(task, classes):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 2))
    y = rng.integers(0, classes, size=60)
    shape = ModelShape(task, 2, classes)
    objective = Objective(shape, get_loss("bce" if task == "binary" else "ce", task), Dataset(X, y))
    for theta in (rng.normal(size=(shape.outputs, 3)), np.zeros((shape.outputs, 3))):  # zeros: every class ties
        counts = objective.confusion(theta)
        assert counts.shape == (classes, classes) and counts.sum() == 60
        np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(y, minlength=classes))
        assert np.trace(counts) / 60 == pytest.approx(objective.quality(theta)[1], rel=1e-15)


@pytest.mark.parametrize("name, task, loss, degree", [("line", "regression", "l2", None),
                                                      ("sine", "regression", "l1", 3),
                                                      ("blobs", "binary", "bce", None)])
def test_population_values_are_the_population_surface_at_theta(name, task, loss, degree):
    dims = 2 if name == "blobs" else 1
    dist = default_distribution(name, task, dims, 2 if task == "binary" else 1)
    features = None
    if degree is not None:
        raw = polynomial(dist.sample().X, degree)
        features = FeatureMap.from_monomials(dims, degree, raw)
    shape = ModelShape(task, dims if features is None else raw.shape[1], 1)
    objective = population_objective(dist, shape, loss, features, l2=0.1)
    assert exact(objective) == (name == "line")
    theta = np.random.default_rng(5).normal(size=(1, shape.dims + 1))
    spec = SurfaceSpec("W[0,0]", "b[0]", (theta[0, 0] - 1, theta[0, 0] + 1), (theta[0, -1] - 1, theta[0, -1] + 1), 3,
                       theta)
    surface = loss_surface(objective, spec)
    assert population_values(objective, theta[None])[0] == pytest.approx(surface.loss[1, 1], rel=1e-9)
