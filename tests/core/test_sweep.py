"""The capacity sweep's API (what the app's worker calls): order, progress, cancelling, starts, lists of degrees and λ."""

import numpy as np
import pytest

from lossviz.core.errors import Cancelled, LossvizError
from lossviz.core.presets import load_preset
from lossviz.core.scene import SurfaceConfig
from lossviz.core.sweep import (
    SweepPoint,
    best_test_points,
    parse_degrees,
    parse_l2s,
    sweep,
    sweep_point,
    sweep_scene,
)
from lossviz.core.training import CHECK_EVERY


def small_scene(steps=50):
    return load_preset("sine-overfit").replace(steps=steps)


def test_points_come_lambda_by_lambda_with_progress_after_each_fit():
    calls = []
    points = sweep(small_scene(), [2, 1, 4], [0.1, 0.0], progress=lambda done, total: calls.append((done, total)))
    assert [(p.l2, p.degree) for p in points] == [(0.1, 2), (0.1, 1), (0.1, 4), (0.0, 2), (0.0, 1), (0.0, 4)]
    assert calls == [(i, 6) for i in range(1, 7)]
    assert all(isinstance(p, SweepPoint) and p.test_loss is not None for p in points)
    assert all(p.data_loss < p.loss for p in points if p.l2 > 0)  # the penalty is in the objective only
    assert all(p.data_loss == p.loss for p in points if p.l2 == 0)


def test_l2s_default_to_the_scene_lambda():
    scene = small_scene().replace(l2=0.05)
    assert [p.l2 for p in sweep(scene, [1, 2])] == [0.05, 0.05]
    assert sweep(scene, [3])[0] == sweep_point(scene, 3, 0.05)


def test_no_test_set_gives_no_test_loss():
    scene = small_scene().replace(split=None)
    assert [p.test_loss for p in sweep(scene, [1, 2])] == [None, None]
    assert best_test_points(sweep(scene, [1, 2])) == {}


def test_should_stop_is_asked_between_fits_and_during_one():
    asked = []

    def stop_at_third():
        asked.append(1)
        return len(asked) >= 3

    with pytest.raises(Cancelled):
        sweep(small_scene(), [1, 2, 3, 4], should_stop=stop_at_third)
    assert len(asked) == 3  # before fits 1, 2 and 3 (50 steps never reach a look inside a fit)

    inside = []

    def stop_inside():
        inside.append(1)
        return len(inside) == 2  # the first look inside the first fit

    done = []
    with pytest.raises(Cancelled):
        sweep(small_scene(steps=CHECK_EVERY * 2), [1, 2], should_stop=stop_inside,
              progress=lambda finished, total: done.append(finished))
    assert done == [] and len(inside) == 2  # stopped inside the first fit, not after it


def test_the_scene_start_is_kept_where_it_fits_else_zeros():
    scene = small_scene().replace(init=np.array([[0.3, -0.2, 0.1, 0.5]]),
                                  surface=SurfaceConfig(x="W[0,2]", y="b[0]", center=np.array([[1.0, 2.0, 3.0, 4.0]])))
    same = sweep_scene(scene, 3, 0.0)
    np.testing.assert_array_equal(same.init, scene.init)
    assert same.surface == scene.surface
    other = sweep_scene(scene, 5, 0.1)
    np.testing.assert_array_equal(other.init, np.zeros((1, 6)))
    assert other.surface == SurfaceConfig(resolution=scene.surface.resolution)  # its center no longer fits
    lower = sweep_scene(scene, 2, 0.0)
    assert lower.surface_axes == ("W[0,0]", "b[0]")  # W[0,2] is no weight of degree 2
    assert (lower.degree, lower.l2, lower.shape.dims) == (2, 0.0, 2)


@pytest.mark.parametrize("degrees, l2s, match", [
    ([], None, "no degrees"), ([0], None, "1 … 12"), ([13], None, "1 … 12"), ([2.5], None, "1 … 12"),
    ([1], [], "no λ"), ([1], [-0.1], ">= 0"), ([1], [float("nan")], ">= 0"), ([1], [float("inf")], ">= 0"),
])
def test_bad_degrees_and_lambdas_are_refused(degrees, l2s, match):
    with pytest.raises(LossvizError, match=match):
        sweep(small_scene(), degrees, l2s)


@pytest.mark.parametrize("text, degrees", [
    ("1:12", list(range(1, 13))), ("1,3,5", [1, 3, 5]), ("5", [5]), ("1:4,8", [1, 2, 3, 4, 8]), ("3, 1,3", [1, 3]),
    (" 2 : 4 ", [2, 3, 4]), ("12:12", [12]),
])
def test_degree_lists(text, degrees):
    assert parse_degrees(text) == degrees


@pytest.mark.parametrize("text, match", [
    ("0", "got 0"), ("1:13", "got 13"), ("4:2", "backwards"), ("", "1:12 or 1,3,5"), ("1:", "1:12 or 1,3,5"),
    ("a", "1:12 or 1,3,5"), ("1:2:3", "1:12 or 1,3,5"), ("-1", "1:12 or 1,3,5"), ("²", "1:12 or 1,3,5"),
    ("1.0", "1:12 or 1,3,5"), ("9" * 5000, "1:12 or 1,3,5"),
])
def test_bad_degree_lists(text, match):
    with pytest.raises(LossvizError, match=match) as error:
        parse_degrees(text)
    assert len(str(error.value)) < 120


@pytest.mark.parametrize("text, values", [
    ("0,1e-3,1e-2,0.1,1", [0.0, 0.001, 0.01, 0.1, 1.0]), ("0.1", [0.1]), ("1, 0 ,1", [0.0, 1.0]),
])
def test_lambda_lists(text, values):
    assert parse_l2s(text) == values


@pytest.mark.parametrize("text", ["-1", "nan", "inf", "x", "", "0,,1", "1e999"])
def test_bad_lambda_lists(text):
    with pytest.raises(LossvizError):
        parse_l2s(text)


def test_best_test_points_take_the_first_of_the_smallest():
    points = [SweepPoint(1, 0.0, 1, 1, 0.5), SweepPoint(2, 0.0, 1, 1, 0.2), SweepPoint(3, 0.0, 1, 1, 0.2),
              SweepPoint(1, 0.1, 1, 1, float("inf")), SweepPoint(2, 0.1, 1, 1, 0.3), SweepPoint(1, 1.0, 1, 1, None)]
    best = best_test_points(points)
    assert {lam: p.degree for lam, p in best.items()} == {0.0: 2, 0.1: 2}


def test_a_degree_that_overflows_phi_on_the_inputs_is_refused_and_the_largest_is_known():
    """The monkey's seed 9: the capacity curve fitted φ of degree 12 to inputs up to 1e20 (monomials of 1e240: the
    standardisation overflowed, the curve was NaN). Such a degree is refused by name, as a scene file's is."""
    from lossviz.core.dataset import Dataset
    from lossviz.core.features import largest_degree
    from lossviz.core.sweep import sweep_point

    scene = load_preset("linear-regression").replace(steps=5)
    X = scene.data.X.copy()
    X[3, 0] = 1e20
    scene = scene.replace(data=Dataset(X, scene.data.y))
    assert largest_degree(X) == 7 and largest_degree(np.zeros((0, 1))) == largest_degree(np.ones((3, 2))) == 12
    assert np.isfinite(sweep_point(scene, 7, 0.0).data_loss)
    with pytest.raises(LossvizError, match=r"^data\.x\[3\]: 1e\+20 overflows φ of degree 8"):
        sweep_point(scene, 8, 0.0)
