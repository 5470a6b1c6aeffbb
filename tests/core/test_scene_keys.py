"""Every key of the scene format, given every wrong kind of value: one LossvizError naming the key — or, where the
value is legal, a scene that fits. Never another exception (a TypeError from an unhashable list was one)."""

from __future__ import annotations

import copy
import json
import re

import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.experiment import check_trainable, fit_scene
from lossviz.core.scene import parse_scene_text

REGRESSION = {
    "lossviz": 1, "task": "regression", "dims": 1, "loss": "l2",
    "init": {"W": [[0.5, 0.1]], "b": [0.0]},
    "optimizer": {"name": "momentum", "lr": 0.1, "momentum": 0.5, "batch_size": 2},
    "steps": 5, "tol": 0.0, "seed": 1,
    "surface": {"x": "W[0,0]", "y": "b[0]", "x_range": [-2, 2], "y_range": [-2, 2], "resolution": 16,
                "center": {"W": [[0.0, 0.0]], "b": [0.0]}},
    "distribution": {"name": "line", "n": 5, "seed": 2,
                     "params": {"slope": 0.8, "intercept": 0.1, "noise": 0.3, "x_range": [-2, 2]}},
    "split": {"test_fraction": 0.2, "seed": 3}, "features": {"degree": 2}, "regularization": {"l2": 0.01},
    "input_names": ["size"], "label_name": "price", "title": "keys", "notes": "every key",
    "runs": [{"label": "a", "optimizer": {"name": "adam", "lr": 0.05, "batch_size": 3}}],
    "view": {"theme": "dark", "speed": 10, "log_surface": True, "log_loss": False, "surface_of": "both",
             "curvature_directions": True, "data_view": "feature:1"},
    "data": {"x": [[0.0], [1.0], [2.0], [-1.0], [0.5]], "y": [0.1, 0.9, 1.8, -0.7, 0.4]},
}
BINARY = {
    "lossviz": 1, "task": "binary", "dims": 2, "loss": "bce", "class_names": ["no", "yes"],
    "distribution": {"name": "blobs", "n": 4, "seed": 0, "params": {"means": [[-1, -1], [1, 1]], "std": 0.5}},
    "data": {"x": [[-1, -1], [1, 1], [-1, 0], [1, 0]], "y": [0, 1, 0, 1]},
    "standardization": {"mean": [0.5, -0.25], "std": [1.5, 2.0]},
}
MULTICLASS = {
    "lossviz": 1, "task": "multiclass", "classes": 3, "loss": "ce",
    "distribution": {"name": "blobs", "n": 6, "seed": 0, "params": {"means": [[-1, 0], [1, 0], [0, 1]], "std": 0.4}},
    "data": {"x": [[-1, 0], [1, 0], [0, 1]], "y": [0, 1, 2]},
}
BAD = {"list": [1, 2], "object": {"a": 1}, "string": "text", "true": True, "null": None, "NaN": "@NaN@",
       "1e400": "@1e400@", "-1": -1, "huge int": 10 ** 30}
LITERALS = {"@NaN@": "NaN", "@1e400@": "1e400"}


def key_paths(value: object, path: tuple = ()) -> list[tuple]:
    """Every key path of a document: ("optimizer", "lr"), ("data", "x", 0, 0), ("runs", 0, "label"), …"""
    paths = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            if path == () and key == "lossviz":
                continue
            paths += key_paths(item, (*path, key))
    elif isinstance(value, list) and value:
        paths += key_paths(value[0], (*path, 0))
    return paths


def dotted(path: tuple) -> str:
    """("runs", 0, "optimizer", "lr") → runs[0].optimizer.lr"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def replaced(document: dict, path: tuple, value: object) -> str:
    """The JSON text of ``document`` with the value at ``path`` replaced (NaN and 1e400 as raw JSON literals)."""
    doc = copy.deepcopy(document)
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    text = json.dumps(doc)
    for placeholder, literal in LITERALS.items():
        text = text.replace(json.dumps(placeholder), literal)
    return text


CASES = [pytest.param(document, path, kind, id=f"{document['task']}:{dotted(path)}={kind}")
         for document in (REGRESSION, BINARY, MULTICLASS) for path in key_paths(document) for kind in BAD]


@pytest.mark.parametrize("document, path, kind", CASES)
def test_every_key_given_every_wrong_kind_of_value(document, path, kind):
    text = replaced(document, path, BAD[kind])
    try:
        scene = parse_scene_text(text)
    except LossvizError as error:
        message = str(error)
        named = [dotted(path[:n]) for n in range(len(path), 0, -1)]
        assert any(re.search(rf"(^|[\s:]){re.escape(name)}(\b|[\[.:])", message) for name in named), message
        assert len(message) < 400 and "\n" not in message
        return
    check_trainable(scene)  # a legal value: the scene is one lossviz can show and fit
    fit_scene(scene, 2)


@pytest.mark.parametrize("document", [REGRESSION, BINARY, MULTICLASS], ids=["regression", "binary", "multiclass"])
def test_the_documents_of_the_table_are_valid(document):
    scene = parse_scene_text(json.dumps(document))
    fit_scene(scene, 2)


def test_the_table_covers_every_key_of_the_format():
    from lossviz.core.scene import KNOWN_KEYS

    covered = {path[0] for document in (REGRESSION, BINARY, MULTICLASS) for path in key_paths(document)}
    assert set(KNOWN_KEYS) - {"lossviz"} <= covered
