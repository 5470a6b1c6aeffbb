"""The data views a lecturer can choose for more inputs than a plane shows (issue 21, part 4): the partial residuals
of one input (regression) and a slice of two inputs through the others' mean (classification) — exact by their
definitions, checked against least squares and the real model's logits."""

import numpy as np
import pytest

from lossviz.core.dataset import Dataset
from lossviz.core.errors import LossvizError
from lossviz.core.model import ModelShape, logits
from lossviz.core.projection import chosen, data_view, view_choices
from lossviz.core.view import ViewOptions


def regression(n=80, d=4, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5, 2.0][:d]
    y = X @ np.array([1.5, -0.7, 2.0, 0.3][:d]) + 0.8 + rng.normal(0, 0.4, n)
    return Dataset(X, y)


def test_partial_residuals_have_least_squares_slope_w_j_at_the_minimum():
    data = regression()
    A = np.column_stack([data.X, np.ones(data.size)])
    best, *_ = np.linalg.lstsq(A, data.y, rcond=None)
    theta = best[None]
    for j in range(4):
        view = data_view(ModelShape("regression", 4), data, theta, choice=f"feature:{j + 1}")
        assert view is not None and view.kind == "partial residual"
        x, r = view.data.X[:, 0], view.data.y
        slope, _ = np.polyfit(x, r, 1)
        assert slope == pytest.approx(best[j], rel=1e-9)
        np.testing.assert_allclose(view.theta, [[best[j], 0.0]])
        # each segment is the sample's own residual: r − w·x = y − ŷ
        np.testing.assert_allclose(r - best[j] * x, data.y - A @ best, atol=1e-12)


def test_a_slice_draws_the_models_logits_for_points_with_the_others_at_their_mean():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 5))
    data = Dataset(X, rng.integers(0, 3, 60).astype(float))
    theta = rng.normal(size=(3, 6))
    view = data_view(ModelShape("multiclass", 5, 3), data, theta, choice="pair:2,4")
    assert view is not None and view.kind == "feature slice" and not view.moves_with_theta
    np.testing.assert_array_equal(view.data.X, X[:, [1, 3]])
    probe = np.tile(X.mean(axis=0), (7, 1))
    probe[:, [1, 3]] = rng.normal(size=(7, 2))
    np.testing.assert_allclose(logits(view.theta, probe[:, [1, 3]]), logits(theta, probe), rtol=1e-12)


def test_a_choice_applies_only_where_it_can():
    assert chosen("regression", 4, False, "feature:2") == ("feature", (1,))
    assert chosen("regression", 4, True, "feature:2") == ("auto", ())  # φ: W weighs monomials
    assert chosen("regression", 4, False, "feature:5") == ("auto", ())  # no such input
    assert chosen("binary", 4, False, "feature:2") == ("auto", ())  # partial residuals are regression's
    assert chosen("binary", 2, False, "pair:1,2") == ("auto", ())  # d = 2 draws the inputs themselves
    assert chosen("multiclass", 3, False, "pair:1,3") == ("pair", (0, 2))
    names = ["a", "b", "c", "d"]
    assert view_choices("regression", 4, False, names)[2] == ("feature:2", "partial residuals of b")
    assert len(view_choices("binary", 4, False, names)) == 1 + 6 and view_choices("binary", 2, False, names) == []
    assert len(view_choices("multiclass", 50, False, [f"x{i}" for i in range(50)])) == 1 + 45  # the first 10


@pytest.mark.parametrize("bad", ["feature:0", "pair:1,1", "pair:2", "features:1", "x", ""])
def test_a_bad_choice_is_refused_naming_the_key(bad):
    with pytest.raises(LossvizError, match="view.data_view"):
        ViewOptions(data_view=bad)


def test_a_slice_fades_its_points_by_their_distance_in_the_hidden_inputs():
    """Nearness: the RMS z-score of the hidden inputs that spread, in steps of NEARNESS_STEP, the nearest
    NEARNESS_LEVELS − 1."""
    from lossviz.core.projection import NEARNESS_LEVELS, NEARNESS_STEP, nearness

    rng = np.random.default_rng(8)
    X = rng.normal(size=(200, 4)) * [1.0, 5.0, 0.1, 2.0]
    X[:, 3] = 7.0  # a hidden input without spread says nothing of distance
    data = Dataset(X, rng.integers(0, 2, 200).astype(float))
    view = data_view(ModelShape("binary", 4), data, rng.normal(size=(1, 5)), choice="pair:1,3")
    hidden = X[:, [1, 3]]
    distance = np.abs(hidden[:, 0] - hidden[:, 0].mean()) / hidden[:, 0].std()
    expected = NEARNESS_LEVELS - 1 - np.minimum(np.floor(distance / NEARNESS_STEP), NEARNESS_LEVELS - 1)
    np.testing.assert_array_equal(view.nearness, expected)
    assert set(view.nearness.tolist()) == set(range(NEARNESS_LEVELS))  # every step is used by this sample
    np.testing.assert_array_equal(nearness(np.empty((5, 0))), [NEARNESS_LEVELS - 1] * 5)  # d = 2: nothing hidden
    assert nearness(np.empty((0, 2))).shape == (0,)
    assert data_view(ModelShape("regression", 4), regression(), np.ones((1, 5)), choice="feature:1").nearness is None


def test_a_view_of_some_rows_places_those_alone():
    rng = np.random.default_rng(2)
    data = Dataset(rng.normal(size=(50, 4)), rng.integers(0, 3, 50).astype(float))
    theta = rng.normal(size=(3, 5))
    every = data_view(ModelShape("multiclass", 4, 3), data, theta)
    rows = np.array([1, 7, 30])
    some = data_view(ModelShape("multiclass", 4, 3), data, theta, rows=rows)
    np.testing.assert_array_equal(some.data.X[rows], every.data.X[rows])
    assert np.isnan(np.delete(some.data.X, rows, axis=0)).all()
