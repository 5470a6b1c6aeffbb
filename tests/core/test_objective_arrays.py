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
