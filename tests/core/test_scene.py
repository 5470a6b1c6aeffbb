"""Scene files: defaults, round trips, presets."""

import json

import numpy as np
import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.presets import load_preset, preset_names
from lossviz.core.scene import parse_scene_text, read_scene, scene_to_dict, write_scene


def parse(doc):
    return parse_scene_text(json.dumps(doc))


def test_defaults():
    scene = parse({"lossviz": 1, "task": "binary", "data": {"x": [[0, 1], [1, 0]], "y": [0, 1]}})
    assert (scene.dims, scene.loss, scene.steps, scene.tol, scene.seed) == (2, "bce", 100, 0.0, 0)
    assert (scene.optimizer.name, scene.optimizer.lr, scene.optimizer.batch_size) == ("gd", 0.1, None)
    np.testing.assert_array_equal(scene.init, np.zeros((1, 3)))
    assert scene.surface_axes == ("W[0,0]", "W[0,1]")
    assert scene.surface.resolution == 128


@pytest.mark.parametrize("task,dims,axes", [("regression", 1, ("W[0,0]", "b[0]")), ("binary", 2, ("W[0,0]", "W[0,1]")),
                                            ("multiclass", 2, ("W[0,0]", "W[0,1]"))])
def test_empty_dataset_is_a_valid_document(task, dims, axes):
    scene = parse({"lossviz": 1, "task": task, "data": {"x": [], "y": []}})
    assert scene.dims == dims and scene.data.size == 0 and scene.surface_axes == axes
    assert scene.classes == {"regression": 1, "binary": 2, "multiclass": 3}[task]
    with pytest.raises(LossvizError, match="no data"):
        scene.objective()


def test_multiclass_classes_default_and_explicit():
    doc = {"lossviz": 1, "task": "multiclass", "data": {"x": [[0, 0], [1, 1]], "y": [0, 3]}}
    assert parse(doc).classes == 4
    assert parse({**doc, "classes": 6}).init.shape == (6, 3)
    with pytest.raises(LossvizError, match=r"data.y\[1\]"):
        parse({**doc, "classes": 3})


@pytest.mark.parametrize("name", preset_names())
def test_presets_round_trip_through_files(name, tmp_path):
    scene = load_preset(name)
    write_scene(scene, tmp_path / "s.json")
    again = read_scene(tmp_path / "s.json")
    assert again == scene
    assert again.title and (again.title, again.notes, again.runs, again.view) == (scene.title, scene.notes, scene.runs,
                                                                                scene.view)
    assert scene_to_dict(again) == scene_to_dict(scene)


def test_unknown_keys_survive_and_nothing_is_half_written(tmp_path):
    doc = {"lossviz": 1, "task": "regression", "data": {"x": [[1.0]], "y": [2.0]},
           "view": {"theme": "light", "zoom": [1, 2]}, "surface": {"center": {"W": [[1.0]], "b": [0.5]}}}
    scene = parse(doc)
    path = tmp_path / "s.json"
    write_scene(scene, path)
    assert json.loads(path.read_text())["view"] == doc["view"]
    assert read_scene(path).surface.center.tolist() == [[1.0, 0.5]]
    with pytest.raises(LossvizError, match="cannot write"):
        write_scene(scene, tmp_path / "missing" / "s.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_bundled_scenes_cover_the_lecture():
    names = set(preset_names())
    assert {"linear-regression", "regression-outliers", "binary-1d", "binary-2d-blobs", "multiclass-3", "xor"} <= names
    tasks = {load_preset(n).task for n in names}
    assert tasks == {"regression", "binary", "multiclass"}


def test_any_task_takes_1_to_50_inputs():
    import pytest

    from lossviz.core.errors import LossvizError
    from lossviz.core.scene import parse_scene_text

    regression = parse_scene_text('{"lossviz": 1, "task": "regression", "data": {"x": [[0, 1], [1, 2]], "y": [0, 1]}}')
    assert regression.dims == 2 and regression.init.shape == (1, 3)
    wide = parse_scene_text('{"lossviz": 1, "task": "binary", "dims": 50, "data": {"x": [], "y": []}}')
    assert wide.init.shape == (1, 51)
    with pytest.raises(LossvizError, match="dims: must be 1 to 50, got 51"):
        parse_scene_text('{"lossviz": 1, "task": "binary", "dims": 51, "data": {"x": [], "y": []}}')


def test_several_feature_columns_make_regression_data(tmp_path):
    from lossviz.core.table import ImportChoice, read_table, table_scene

    (tmp_path / "d.csv").write_text("x1,x2,y\n0,1,2\n1,2,3\n")
    scene, _ = table_scene(read_table(tmp_path / "d.csv"), ImportChoice(("x1", "x2"), "y", "regression"))
    assert scene.dims == 2 and scene.input_names == ("x1", "x2")
