"""`import --standardize` records each column's mean and std; `fit --units original` gives the same model in the
table's units — at the minimum, the coefficients least squares gives on the raw table."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.scene import parse_scene_text, read_scene, scene_to_text

from .test_import_cli import run


def house_table(path):
    rng = np.random.default_rng(4)
    X = np.column_stack([rng.uniform(40, 200, 60), rng.integers(1, 6, 60), rng.uniform(0, 30, 60)])
    y = 2.5 * X[:, 0] + 14 * X[:, 1] - 1.1 * X[:, 2] + 30 + rng.normal(0, 5, 60)
    lines = ["area,rooms,age,price"] + [",".join(f"{v:.3f}" for v in (*row, target)) for row, target in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    return X, y


def test_fit_in_original_units_is_least_squares_on_the_raw_table(tmp_path):
    X, y = house_table(tmp_path / "house.csv")
    made = run(["import", "house.csv", "--x", "all", "--y", "price", "--task", "regression", "--standardize",
                "-o", "house.json"], tmp_path)
    assert made.returncode == 0, made.stderr
    scene = read_scene(tmp_path / "house.json")
    Xr = np.array([[float(f"{v:.3f}") for v in row] for row in X])
    np.testing.assert_allclose(scene.standardization.mean, Xr.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scene.standardization.std, Xr.std(axis=0), rtol=1e-12)
    result = run(["fit", "house.json", "--steps", "3000", "--units", "original"], tmp_path)
    assert result.returncode == 0, result.stderr
    end = json.loads(result.stdout)["trajectory"][-1]
    yr = np.array([float(f"{v:.3f}") for v in y])
    expected, *_ = np.linalg.lstsq(np.column_stack([Xr, np.ones(len(Xr))]), yr, rcond=None)
    np.testing.assert_allclose([*end["W"][0], *end["b"]], expected, rtol=1e-8)
    assert scene.input_names == ("area, standardised", "rooms, standardised", "age, standardised")


def test_standardization_reads_back_and_is_checked():
    text = ('{"lossviz": 1, "task": "binary", "dims": 2, "data": {"x": [], "y": []}, '
            '"standardization": {"mean": [1, 2], "std": [0.5, 3]}}')
    scene = parse_scene_text(text)
    assert scene.standardization.mean == (1.0, 2.0) and parse_scene_text(scene_to_text(scene)) == scene
    for bad, fragment in ((text.replace("[0.5, 3]", "[0.5]"), "standardization.std: expected 2 numbers"),
                          (text.replace("[0.5, 3]", "[0, 3]"), r"standardization.std\[0\]: must be > 0")):
        with pytest.raises(LossvizError, match=fragment):
            parse_scene_text(bad)


def test_original_units_are_refused_without_a_standardisation_or_with_features(tmp_path):
    result = run(["fit", "xor", "--units", "original"], tmp_path)
    assert result.returncode == 2 and "not standardised" in result.stderr
    result = run(["fit", "sine-overfit", "--units", "original"], tmp_path)
    assert result.returncode == 2 and "not standardised" in result.stderr


def test_features_have_no_original_units():
    from lossviz.core.units import Standardization, in_original_units

    with pytest.raises(LossvizError, match="not with features"):
        in_original_units(np.zeros((1, 1, 3)), Standardization((0.0,), (1.0,)), degree=2)
