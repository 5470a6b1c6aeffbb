"""A scene's objectives: made once per scene, the penalised one sharing the data term's arrays, those arrays made on
first use — and every number the same as an objective made afresh."""

import numpy as np
import pytest

from lossviz.core.dataset import Dataset
from lossviz.core.losses import get_loss
from lossviz.core.objective import Objective
from lossviz.core.presets import load_preset
from lossviz.core.problem import Problem


@pytest.mark.parametrize("preset", ["linear-regression", "binary-2d-blobs", "multiclass-3"])
def test_a_scenes_objectives_are_made_once_and_equal_fresh_ones(preset):
    scene = load_preset(preset).replace(l2=0.1)
    objective, points = scene.objective(), scene.points_objective()
    assert scene.objective() is objective and scene.points_objective() is points
    assert objective.l2 == 0.1 and points.l2 == 0.0
    assert objective.Xa is points.Xa  # every sample trains: one data term, one Xa
    fresh = Objective(scene.shape, get_loss(scene.loss, scene.task), scene.data, l2=0.1)
    theta = np.random.default_rng(0).normal(size=scene.init.shape)
    value, grad = objective.value_and_grad(theta)
    fresh_value, fresh_grad = fresh.value_and_grad(theta)
    assert value == fresh_value and np.array_equal(grad, fresh_grad)
    assert points.value(theta) == Objective(scene.shape, fresh.loss, scene.data).value(theta)


def test_a_split_scene_has_a_training_objective_of_its_own_rows():
    scene = load_preset("sine-overfit")
    assert scene.objective().size == len(scene.design().train) < scene.points_objective().size == scene.data.size


def test_arrays_are_made_on_first_use_and_some_rows_need_none():
    scene = load_preset("multiclass-3")
    objective = Objective(scene.shape, get_loss("ce", "multiclass"), scene.data)
    theta = np.random.default_rng(1).normal(size=scene.init.shape)
    rows = np.array([3, 0, 7])
    before = objective.per_sample(theta, rows)  # from those rows alone
    assert np.array_equal(before, objective.per_sample(theta)[rows])  # now from Xa, made by this call
    assert np.array_equal(before, objective.per_sample(theta, rows))


def test_a_problem_shares_a_scenes_frozen_arrays_and_copies_writable_ones():
    scene = load_preset("binary-2d-blobs")
    objective = scene.objective()
    problem = Problem.of(objective)
    assert problem.X is objective.data.X and problem.objective() is objective
    base = np.array(objective.data.X)  # writable memory under a read-only view, as a Dataset of a user's array holds
    viewed = Objective(objective.shape, objective.loss, Dataset(base[:], objective.data.y))
    copied = Problem.of(viewed)
    assert copied.X is not viewed.data.X and not copied.X.flags.writeable and np.array_equal(copied.X, base)
    assert copied.objective() is not viewed  # its own arrays


def test_the_last_thetas_value_and_gradient_are_kept_and_given_as_copies():
    scene = load_preset("binary-2d-blobs").replace(l2=0.2)
    objective = scene.objective()
    fresh = Objective(scene.shape, objective.loss, scene.data, l2=0.2)
    theta = np.random.default_rng(4).normal(size=scene.init.shape)
    value, grad = objective.value_and_grad(theta)
    grad += 1.0  # the caller's own array: what is kept does not change
    again, grad_again = objective.value_and_grad(theta.copy())
    expected, expected_grad = fresh.value_and_grad(theta)
    assert again == value == expected and np.array_equal(grad_again, expected_grad)
    other = theta + 0.5
    assert objective.value_and_grad(other)[0] == fresh.value_and_grad(other)[0] != value
    unpenalised = objective.with_l2(0.0)  # shares the arrays, not the kept value (another λ)
    assert unpenalised.value_and_grad(theta)[0] == Objective(scene.shape, objective.loss, scene.data).value(theta)


def test_a_problem_does_not_keep_the_objective_it_was_made_of_alive():
    """Problem.of keeps each objective's Problem while the objective lives; the Problem must not hold the objective
    in turn (every frame of a drag makes an objective: each was kept for ever, 24 MB a frame at 1,000,000 samples)."""
    import gc
    import weakref

    scene = load_preset("binary-2d-blobs")
    objective = Objective(scene.shape, get_loss("bce", "binary"), scene.data)  # not the scene's: it keeps those
    problem = Problem.of(objective)
    assert problem.objective() is objective  # its Xa is not made again while the objective lives
    gone = weakref.ref(objective)
    value = objective.value(np.ones((1, 3)))
    del objective
    gc.collect()
    assert gone() is None
    assert problem.objective().value(np.ones((1, 3))) == value  # made anew from the problem's own arrays


@pytest.mark.parametrize(("task", "loss", "classes"), [
    ("regression", "l2", 1), ("regression", "huber", 1), ("binary", "bce", 2), ("multiclass", "ce", 3)])
def test_a_pass_over_many_samples_in_pieces_is_the_mean_and_its_gradient(task, loss, classes):
    """More samples than one piece of PASS_LOGITS logits: L is the mean of the per-sample losses and ∇L the
    one-piece formula's, to rounding; the accuracy is exact, the RMSE to rounding."""
    from lossviz.core.model import ModelShape
    from lossviz.core.objective import PASS_LOGITS

    rng = np.random.default_rng(4)
    n = 3 * PASS_LOGITS + 5
    X = rng.normal(size=(n, 2))
    y = rng.normal(size=n) if task == "regression" else rng.integers(0, classes, n)
    shape = ModelShape(task, 2, max(classes, 2))
    objective = Objective(shape, get_loss(loss, task), Dataset(X, y), l2=0.2)
    theta = rng.normal(size=shape.zeros().shape)
    value, grad = objective.value_and_grad(theta)
    z = objective.Xa @ theta.T
    whole_value, dz = objective.loss.value_and_grad(z, objective.target)
    np.testing.assert_allclose(value, whole_value + objective.penalty(theta), rtol=1e-13)
    np.testing.assert_allclose(value - objective.penalty(theta), objective.per_sample(theta).mean(), rtol=1e-13)
    assert objective.data_value(theta) + objective.penalty(theta) == value  # the same pieces, the same sum
    expected = dz.T @ objective.Xa
    expected[:, :-1] += 0.2 * theta[:, :-1]
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-15)
    outputs = objective.outputs(theta)
    name, quality = objective.quality(theta)  # also in pieces
    if task == "regression":
        assert name == "RMSE" and quality == pytest.approx(np.sqrt(np.mean((outputs[:, 0] - y) ** 2)), rel=1e-13)
    else:
        predicted = outputs.argmax(axis=1) if task == "multiclass" else outputs[:, 0] >= 0.5
        assert name == "accuracy" and quality == np.mean(predicted == y)


def test_a_pass_over_a_million_logits_holds_no_array_of_them():
    """L, ∇L and the accuracy over 1,000,000 samples of 3 classes need no (N, k) array: its pieces' temporaries stay small (the
    peak of traced memory, which numpy reports), so a pass faults in no new pages."""
    import tracemalloc

    from lossviz.core.model import ModelShape

    rng = np.random.default_rng(5)
    n = 1_000_000
    data = Dataset(rng.normal(size=(n, 2)), rng.integers(0, 3, n))
    objective = Objective(ModelShape("multiclass", 2, 3), get_loss("ce", "multiclass"), data)
    objective.Xa, objective.target  # noqa: B018 — made before the count: the data's own arrays
    tracemalloc.start()
    try:
        theta = rng.normal(size=(3, 3))
        objective.value_and_grad(theta)
        objective.quality(theta)  # the status bar's accuracy, also in pieces
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    all_logits = n * 3 * 8  # bytes of one (N, k) float64 array: 24 MB
    assert peak < all_logits / 8, f"{peak / 1e6:.1f} MB at once"
