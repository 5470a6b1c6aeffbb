"""Where D came from (provenance), the surface of many samples in blocks, and labels validated at once."""

import numpy as np
import pytest

from lossviz.core.dataset import Dataset, make_dataset
from lossviz.core.distributions import default_distribution, provenance
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
