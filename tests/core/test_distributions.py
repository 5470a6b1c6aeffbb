"""Where D came from (provenance), the surface of many samples in blocks, and labels validated at once."""

import warnings

import numpy as np
import pytest

from lossviz.core.dataset import Dataset, make_dataset
from lossviz.core.distributions import Distribution, default_distribution, parse_distribution, provenance
from lossviz.core.errors import LossvizError
from lossviz.core.losses import get_loss
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.surface import SAMPLE_BLOCK, SurfaceSpec, loss_surface


def test_provenance_says_what_d_is():
    dist = default_distribution("line", "regression", 1, 1, n=12, seed=4)
    drawn = dist.sample()
    assert provenance(None, drawn) == ""
    assert provenance(dist, drawn) == "D: N = 12 draws from P (seed 4)."
    rounded = Dataset(np.round(drawn.X, 3), np.round(drawn.y, 3))  # as the bundled scenes keep them
    assert provenance(dist, rounded) == "D: N = 12 draws from P (seed 4)."
    more = Dataset(np.vstack([drawn.X, [[0.0], [1.0]]]), np.concatenate([drawn.y, [0.0, 1.0]]))
    assert provenance(dist, more) == "D: 12 draws from P (seed 4) + 2 points by hand."
    y = drawn.y.copy()
    y[3] += 1.0
    moved = Dataset(drawn.X, y)
    assert provenance(dist, moved).startswith("D is partly hand-made: 11 of its 12 samples")


def test_provenance_stays_true_when_n_or_p_change_after_the_draw():
    """N changed without a new sample, P's parameters changed, P chosen for other data: never "0 of its N samples
    are draws" (nothing was made by hand)."""
    from dataclasses import replace

    dist = default_distribution("line", "regression", 1, 1, n=10, seed=10)
    drawn = dist.sample()
    assert provenance(replace(dist, n=200), drawn) == "D: 10 draws from P (seed 10); N is now 200 — press New sample."
    other_slope = parse_distribution({**dist.to_dict(), "params": {**dist.params, "slope": 0.3}})
    assert provenance(other_slope, drawn).startswith("D was not drawn from this P — press New sample")
    blobs = default_distribution("blobs", "binary", 2, 2, n=10)
    assert provenance(blobs, make_blobs_like_data()).startswith("D was not drawn from this P")


def make_blobs_like_data() -> Dataset:
    rng = np.random.default_rng(0)
    return Dataset(rng.normal(size=(10, 2)), (np.arange(10) % 2).astype(float))


def test_a_surface_of_many_samples_is_the_mean_of_its_blocks():
    dist = default_distribution("blobs", "multiclass", 2, 3, n=2 * SAMPLE_BLOCK + 123, seed=1)
    shape = ModelShape("multiclass", 2, 3)
    objective = Objective(shape, get_loss("ce", "multiclass"), dist.sample())
    theta = np.arange(9.0).reshape(3, 3) / 10
    spec = SurfaceSpec("W[0,0]", "b[2]", (-2.0, 2.0), (-1.0, 1.0), 9, theta)
    surface = loss_surface(objective, spec, workers=1)
    for row, col in [(0, 0), (4, 7), (8, 8)]:
        point = theta.copy()
        point[0, 0], point[2, 2] = spec.x[col], spec.y[row]
        assert surface.loss[row, col] == pytest.approx(objective.value(point), rel=1e-12)


@pytest.mark.parametrize("task, labels, message", [
    ("binary", np.array([0, 1, 2]), "data.y[2]: label 2 is not 0 or 1"),
    ("multiclass", np.array([0.0, 1.5, 1.0]), "data.y[1]: label 1.5 is not an integer 0..2"),
    ("regression", np.array([0.0, np.nan, 1.0]), "data.y[1]"),
])
def test_bad_labels_in_an_array_are_named_one_by_one(task, labels, message):
    with pytest.raises(LossvizError, match=message.replace("[", r"\[").replace("]", r"\]")):
        make_dataset(np.zeros((3, 1)), labels, task, 1, 3)


def test_good_labels_in_an_array_are_taken_at_once():
    data = make_dataset(np.zeros((4, 1)), np.array([0, 2, 1, 2]), "multiclass", 1, 3)
    assert data.y.dtype == np.int64 and data.y.tolist() == [0, 2, 1, 2]


# Found by the monkey (seed 8): a multiclass scene of 2 classes offered blobs in its distribution box, whose 2 means
# were then refused ("blobs gives binary data; this scene is multiclass") when the scene was saved and read back.
def test_blobs_give_a_multiclass_scene_of_two_classes():
    from lossviz.core.population import population_objective
    from lossviz.core.presets import load_preset
    from lossviz.core.scene import parse_scene_text, scene_to_text

    blobs = default_distribution("blobs", "multiclass", 2, 2, n=40)
    assert len(blobs.params["means"]) == 2
    data = blobs.sample()
    scene = parse_scene_text(scene_to_text(load_preset("multiclass-3").replace(
        classes=2, data=data, distribution=blobs, init=np.zeros((2, 3)))), "two classes")
    assert scene.task == "multiclass" and scene.classes == 2 and scene.distribution.to_dict() == blobs.to_dict()
    assert set(scene.data.y.tolist()) == {0, 1}
    objective = population_objective(blobs, scene.shape, scene.loss)
    assert objective.value(scene.init) == pytest.approx(np.log(2))  # θ = 0: two classes equally likely


@pytest.mark.parametrize("std", [0.0, 1e-200, 1e-3, 0.8])
def test_blob_posterior_is_the_softmax_of_distances_and_its_limit_at_std_zero(std):
    """P(y = c | x) ∝ e^{−‖x − μ_c‖²/(2σ²)}; as σ → 0 (σ² below the smallest float included) all of it on the
    nearest means, split evenly between ties, with no warning (the monkey's seed 19: std typed as 0)."""
    means = [[-1.0, 0.0], [1.0, 0.0], [0.0, 2.0]]
    dist = Distribution("blobs", {"means": means, "std": std}, 30, 0)
    X = np.array([[-0.9, 0.1], [0.0, 0.0], [0.2, 1.9], [0.0, 0.75]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probabilities = dist.class_probabilities(X)
    distances = ((X[:, None, :] - np.asarray(means)[None]) ** 2).sum(axis=2)
    if std >= 1e-3:
        expected = np.exp(-(distances - distances.min(axis=1, keepdims=True)) / (2 * std ** 2))
        expected /= expected.sum(axis=1, keepdims=True)
    else:
        expected = np.array([[1, 0, 0], [0.5, 0.5, 0], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3]])  # the last: three ties
    np.testing.assert_allclose(probabilities, expected, rtol=1e-12, atol=1e-300)
