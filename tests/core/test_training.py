"""Training runs: convergence to closed forms, minibatches, divergence and early stopping."""

import numpy as np
import pytest

from lossviz.core.dataset import make_dataset
from lossviz.core.losses import get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.training import Trainer, fit


def regression(n=40, dims=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dims))
    y = X @ rng.normal(size=dims) + 0.7 + 0.3 * rng.normal(size=n)
    return Objective(ModelShape("regression", dims, 1), get_loss("l2", "regression"),
                     make_dataset(X, y, "regression", dims))


@pytest.mark.parametrize("dims", [1, 2])
def test_gd_on_l2_converges_to_least_squares(dims):
    objective = regression(dims=dims)
    result = fit(objective, np.zeros((1, dims + 1)), OptimizerConfig("gd", 0.3), steps=2000)
    solution = np.linalg.lstsq(objective.Xa, objective.data.y, rcond=None)[0]
    np.testing.assert_allclose(result.thetas[-1, 0], solution, rtol=1e-10, atol=1e-12)
    assert result.status == "max_steps" and result.steps == 2000
    assert np.all(np.diff(result.losses) <= 1e-15)  # GD with a small step never goes uphill on a quadratic


def test_entry_zero_is_the_start_and_entries_hold_full_dataset_loss():
    objective = regression()
    theta0 = np.array([[0.5, -0.5, 1.0]])
    result = fit(objective, theta0, OptimizerConfig("adam", 0.05, batch_size=7), steps=30, seed=3)
    np.testing.assert_array_equal(result.thetas[0], theta0)
    for theta, loss, grad_norm in zip(result.thetas, result.losses, result.grad_norms):
        value, grad = objective.value_and_grad(theta)
        assert loss == value
        assert grad_norm == pytest.approx(np.linalg.norm(grad), rel=1e-14)


def test_minibatches_cover_every_sample_once_per_epoch_and_reshuffle():
    objective = regression(n=10)
    trainer = Trainer(objective, np.zeros((1, 3)), OptimizerConfig("gd", 0.01, batch_size=4), seed=5)
    epochs = [np.concatenate([trainer.next_batch() for _ in range(3)]) for _ in range(3)]
    for epoch in epochs:
        assert sorted(epoch.tolist()) == list(range(10))
    assert [len(trainer.next_batch()) for _ in range(3)] == [4, 4, 2]  # last batch is partial
    assert not all(np.array_equal(epochs[0], e) for e in epochs[1:])
    again = Trainer(objective, np.zeros((1, 3)), OptimizerConfig("gd", 0.01, batch_size=4), seed=5)
    np.testing.assert_array_equal(epochs[0], np.concatenate([again.next_batch() for _ in range(3)]))


def test_minibatch_runs_depend_on_seed_only():
    objective = regression()
    config = OptimizerConfig("momentum", 0.05, batch_size=5)
    a = fit(objective, np.zeros((1, 3)), config, 50, seed=1)
    b = fit(objective, np.zeros((1, 3)), config, 50, seed=1)
    c = fit(objective, np.zeros((1, 3)), config, 50, seed=2)
    np.testing.assert_array_equal(a.thetas, b.thetas)
    assert not np.array_equal(a.thetas, c.thetas)


def test_divergence_stops_before_the_first_non_finite_entry():
    objective = regression()
    result = fit(objective, np.zeros((1, 3)), OptimizerConfig("gd", 1e6), steps=1000)
    assert result.status == "diverged"
    assert 1 < result.steps < 1000
    assert np.isfinite(result.thetas).all() and np.isfinite(result.losses).all()
    assert np.isfinite(result.grad_norms).all()


def test_converged_stops_once_the_gradient_is_small():
    objective = regression()
    result = fit(objective, np.zeros((1, 3)), OptimizerConfig("gd", 0.3), steps=10_000, tol=1e-6)
    assert result.status == "converged"
    assert result.grad_norms[-1] <= 1e-6 < result.grad_norms[-2]
    assert result.steps < 10_000


def test_zero_steps_gives_only_the_start():
    result = fit(regression(), np.ones((1, 3)), OptimizerConfig(), steps=0)
    assert result.steps == 0 and result.status == "max_steps"


def test_bce_on_separable_data_keeps_going_and_stays_finite():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    objective = Objective(ModelShape("binary", 1), get_loss("bce", "binary"), make_dataset(X, [0, 0, 1, 1], "binary"))
    result = fit(objective, np.zeros((1, 2)), OptimizerConfig("adam", 1.0), steps=3000)
    assert result.status == "max_steps"
    assert result.losses[-1] < 1e-4 and np.isfinite(result.losses).all()
