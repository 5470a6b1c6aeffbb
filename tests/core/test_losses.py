"""Losses: values against the definitions, gradients against central finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.core.dataset import make_dataset
from lossviz.core.losses import LOSSES, TASK_LOSSES
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective

CASES = [(task, name) for task, names in TASK_LOSSES.items() for name in names]


def random_problem(task, name, seed, n=7, dims=2, classes=3, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dims))
    if task == "regression":
        y = rng.normal(size=n) * 2
    elif task == "binary":
        y = rng.integers(0, 2, n)
    else:
        y = rng.integers(0, classes, n)
    shape = ModelShape(task, dims, classes if task == "multiclass" else 2)
    objective = Objective(shape, LOSSES[name], make_dataset(X, y, task, dims, shape.classes))
    theta = scale * rng.normal(size=shape.zeros().shape)
    return objective, theta


def reference_loss(task, name, X, y, theta):
    """The lecture's definitions, written as directly as possible (float64)."""
    W, b = theta[:, :-1], theta[:, -1]
    z = X @ W.T + b
    if task == "regression":
        r = z[:, 0] - y
        per = {"l2": 0.5 * r**2, "l1": np.abs(r),
               "huber": np.where(np.abs(r) <= 1, 0.5 * r**2, np.abs(r) - 0.5)}[name]
    elif task == "binary":
        p = 1 / (1 + np.exp(-z[:, 0]))
        per = -y * np.log(p) - (1 - y) * np.log(1 - p) if name == "bce" else 0.5 * (p - y) ** 2
    else:
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        per = -np.log(p[np.arange(len(y)), y])
    return per.mean()


@pytest.mark.parametrize("task,name", CASES)
def test_value_matches_definition(task, name):
    objective, theta = random_problem(task, name, 1)
    expected = reference_loss(task, name, objective.data.X, objective.data.y, theta)
    assert objective.value(theta) == pytest.approx(expected, rel=1e-12)
    assert objective.value_and_grad(theta)[0] == pytest.approx(expected, rel=1e-12)
    assert objective.per_sample(theta).mean() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("task,name", CASES)
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.05, 3.0), dims=st.sampled_from([1, 2]))
def test_gradient_matches_central_differences(task, name, seed, scale, dims):
    objective, theta = random_problem(task, name, seed, dims=dims, scale=scale)
    _, grad = objective.value_and_grad(theta)
    h = 1e-6
    numeric = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        plus, minus = theta.copy(), theta.copy()
        plus[index] += h
        minus[index] -= h
        numeric[index] = (objective.value(plus) - objective.value(minus)) / (2 * h)
    if name in ("l1", "huber"):
        # kinks: skip samples that sit within h of one (probability ~0 for random data)
        residual = np.abs(objective.logits(theta)[:, 0] - objective.data.y)
        kinks = residual if name == "l1" else np.abs(residual - 1)
        if kinks.min() < 1e-4:
            return
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("task,name", CASES)
def test_finite_at_huge_logits(task, name):
    objective, _ = random_problem(task, name, 2)
    k = objective.shape.outputs
    for z in (1e4, -1e4):
        logits = np.full((objective.size, k), z)
        if k > 1:
            logits[:, 0] = -z  # a spread of ±1e4 across classes
        value, dz = objective.loss.value_and_grad(logits, objective.target)
        per = objective.loss.per_sample(logits, objective.target)
        assert np.isfinite(value) and np.isfinite(dz).all() and np.isfinite(per).all()
        assert value == pytest.approx(per.mean(), rel=1e-12)


def test_bce_at_huge_logits_is_exact():
    # y = 1, z = -1e4: -log σ(-1e4) = 1e4 (+ e^-1e4); y = 0, z = 1e4 likewise; the right answers cost ~e^-1e4
    objective, _ = random_problem("binary", "bce", 0, n=2)
    target = objective.loss.encode(np.array([1, 0]), 1)
    value, dz = objective.loss.value_and_grad(np.array([[-1e4], [1e4]]), target)
    assert value == 1e4
    np.testing.assert_array_equal(dz, [[-0.5], [0.5]])
    value, dz = objective.loss.value_and_grad(np.array([[1e4], [-1e4]]), target)
    assert value == 0.0 and np.all(dz == 0)


def test_ce_at_huge_logits_is_exact():
    objective, _ = random_problem("multiclass", "ce", 0, n=1)
    target = objective.loss.encode(np.array([2]), 3)
    value, _ = objective.loss.value_and_grad(np.array([[1e4, -1e4, -1e4]]), target)
    assert value == 2e4


def test_per_sample_batches_over_leading_axes():
    objective, theta = random_problem("multiclass", "ce", 3)
    thetas = np.stack([theta, 2 * theta, -theta])
    z = np.stack([objective.logits(t) for t in thetas])[None]  # (1, 3, N, k)
    batched = objective.loss.per_sample(z, objective.target)
    assert batched.shape == (1, 3, objective.size)
    for i, t in enumerate(thetas):
        np.testing.assert_allclose(batched[0, i], objective.per_sample(t), rtol=1e-14)


def test_binary_mse_gradient_vanishes_where_bce_does_not():
    """Why BCE is preferred: a confidently wrong prediction still gets a gradient."""
    objective_bce, _ = random_problem("binary", "bce", 0, n=1)
    objective_mse, _ = random_problem("binary", "mse", 0, n=1)
    target = objective_bce.loss.encode(np.array([1]), 1)
    z = np.array([[-20.0]])
    assert abs(objective_bce.loss.value_and_grad(z, target)[1][0, 0]) > 0.99
    assert abs(objective_mse.loss.value_and_grad(z, target)[1][0, 0]) < 1e-8


def rowwise_ce(z, target):
    """Cross-entropy as it was written row by row (argmax, the largest term left out of the sum)."""
    top = z.argmax(axis=-1)[..., None]
    m = np.take_along_axis(z, top, axis=-1)
    e = np.exp(z - m)
    others = e.copy()
    np.put_along_axis(others, top, 0.0, axis=-1)
    s = others.sum(axis=-1)
    per = (m[..., 0] - (z * target).sum(axis=-1)) + np.log1p(s)
    return per, (e / (1.0 + s)[..., None] - target) / z.shape[-2]


@pytest.mark.parametrize("classes", [2, 3, 5, 10])
def test_ce_class_by_class_equals_the_rowwise_formula_with_ties(classes):
    """The class-by-class cross-entropy (fast for many samples) gives the row-wise formula's numbers bit for bit,
    also where several logits tie for the largest (the first of them is left out of the sum)."""
    rng = np.random.default_rng(classes)
    y = rng.integers(0, classes, 400)
    z = rng.integers(-2, 3, (400, classes)).astype(float)  # many ties
    z[:200] += rng.normal(size=(200, classes))
    loss = LOSSES["ce"]
    target = loss.encode(y, classes)
    expected_per, expected_dz = rowwise_ce(z, target)
    # numpy sums fewer than 8 terms in order, as the class-by-class sum does; 8 or more pairwise (last bits differ)
    same = np.testing.assert_array_equal if classes < 8 else lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-14)
    same(loss.per_sample(z, target), expected_per)
    value, dz = loss.value_and_grad(z, target)
    same(dz, expected_dz)
    same(value, float(expected_per.sum()) / len(z))
    batched = loss.per_sample(np.stack([z, -z]), target)
    same(batched[1], rowwise_ce(-z, target)[0])


def test_softmax_and_accuracy_follow_the_rowwise_definitions():
    from lossviz.core.model import softmax
    from lossviz.core.objective import first_largest_is

    rng = np.random.default_rng(4)
    z = rng.integers(-2, 3, (500, 4)).astype(float)
    z[:250] += rng.normal(size=(250, 4))
    y = rng.integers(0, 4, 500)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_array_equal(softmax(z), e / e.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(first_largest_is(z, y), z.argmax(axis=1) == y)
    np.testing.assert_array_equal(softmax(z.T, axis=0), (e / e.sum(axis=1, keepdims=True)).T)


def test_the_cross_entropy_target_is_one_hot_booleans_giving_the_numbers_of_floats():
    """CE's target is (N, k) booleans (an eighth of the memory of floats); the loss and its gradient equal, bit for
    bit, those of the same one-hot target in floats."""
    from lossviz.core.losses import get_loss

    loss = get_loss("ce", "multiclass")
    rng = np.random.default_rng(9)
    y = rng.integers(0, 4, 500)
    target = loss.encode(y, 4)
    assert target.dtype == bool and np.array_equal(target.argmax(axis=1), y) and np.all(target.sum(axis=1) == 1)
    z = rng.normal(scale=3.0, size=(500, 4))
    as_floats = np.asfortranarray(target.astype(np.float64))
    value, dz = loss.value_and_grad(z, target)
    float_value, float_dz = loss.value_and_grad(z, as_floats)
    assert value == float_value and np.array_equal(dz, float_dz)
    assert np.array_equal(loss.per_sample(z, target), loss.per_sample(z, as_floats))
