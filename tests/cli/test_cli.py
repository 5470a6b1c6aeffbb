"""The headless ``lossviz`` command: ``fit``, ``surface`` and ``presets``.

Error cases run the real command in a subprocess (exit code, stderr and "no traceback" are
real) and again in-process through ``lossviz.cli.main`` to check that no output file is
created. Good paths run in-process with capsys, which keeps the file fast.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from lossviz.cli import main
from lossviz.core.distributions import MAX_SAMPLE
from lossviz.core.presets import load_preset, preset_names, preset_path
from lossviz.core.scene import MAX_RESOLUTION, MAX_STEPS, read_scene, scene_to_dict, write_scene

PRESETS = ["binary-1d", "binary-2d-blobs", "linear-regression", "multiclass-3", "optimizer-race", "population-line",
           "regression-outliers", "sine-overfit", "sine-samples", "xor"]
SCENE = "scene.json"  # the scene file each error case writes
OLD = "old.json"  # an existing output file that an error must leave alone
OLD_TEXT = '{"this": "was here before"}\n'
FOLDERS = ("adir", "adir.json", "adir.npz")  # folders given where a file is expected
DROP = object()  # doc(key=DROP) removes the key

BASE = {
    "lossviz": 1,
    "task": "regression",
    "data": {"x": [[0.0], [1.0], [2.0]], "y": [0.5, 1.5, 2.5]},
}
BINARY_DATA = {"x": [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], "y": [0, 1, 1]}
MULTI_DATA = {"x": [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], "y": [0, 1, 2]}


def doc(**changes) -> dict:
    """BASE with top-level keys replaced (or removed with DROP)."""
    out = json.loads(json.dumps(BASE))
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def text(document: dict, **literals) -> str:
    """JSON for ``document`` with string placeholders "@NAME@" replaced by raw JSON text."""
    out = json.dumps(document)
    for name, literal in literals.items():
        assert f'"@{name}@"' in out
        out = out.replace(f'"@{name}@"', literal)
    return out


def run_main(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_subprocess(argv, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lossviz", *map(str, argv)], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def assert_one_error_line(err: str, fragments) -> None:
    assert "Traceback" not in err
    assert err.startswith("lossviz: error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, f"not exactly one line: {err!r}"
    assert len(err) < 400, f"message too long: {err!r}"
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def listing(folder: Path) -> dict:
    """Every path below ``folder`` with its bytes (None for folders)."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


# ---------------------------------------------------------------- the error table
#
# case(id, content, *fragments, argv=...): ``content`` is written to scene.json (str, bytes, or a
# dict dumped as JSON; None writes nothing); ``argv`` defaults to ``fit scene.json``. Every case
# must exit 2 with one "lossviz: error:" line containing each fragment and write nothing. Cases
# whose argv has no -o get "-o old.json" (an existing file) in the subprocess, and "-o new.json"
# / "-o new.npz" in-process.

def case(id, content, *fragments, argv=("fit", SCENE)):
    return pytest.param(content, list(fragments), list(argv), id=id)


def _random_bytes() -> bytes:
    data = random.Random(1234).randbytes(4096)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    return data


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256))
DEEP = 100_000

TABLE = {  # family: its cases (the first of each also runs as a real subprocess)
    "the file itself": [
        case("missing-file", None, "nothere.json", "no such file", "linear-regression", argv=("fit", "nothere.json")),
        case("missing-file-surface", None, "nothere.json", "no such file", argv=("surface", "nothere.json")),
        case("empty-file", "", SCENE, "empty"),
        case("whitespace-only", " \n\t  \r\n ", SCENE, "empty"),
        case("truncated-json", '{"lossviz": 1, "task": "regr', SCENE, "not valid JSON", "line 1"),
        case("truncated-after-comma", text(doc())[:-1] + ",", SCENE, "not valid JSON"),
        case("trailing-garbage", text(doc()) + " x", SCENE, "not valid JSON"),
        case("random-bytes", _random_bytes(), SCENE, "not a scene file"),
        case("png-header", PNG, SCENE, "not a scene file"),
        case("utf8-with-nul", b'{"lossviz": 1, "task": "regression"\x00}', SCENE, "binary"),
        case("latin1-text", '{"title": "caf\xe9"}'.encode("latin-1"), SCENE, "not UTF-8"),
        case("folder-as-scene", None, "adir", "folder", argv=("fit", "adir")),
        case("folder-as-scene-surface", None, "adir", "folder", argv=("surface", "adir")),
        case("deep-lists", "[" * DEEP + "]" * DEEP, SCENE, "nested too deeply"),
        case("deep-objects", '{"a": ' * DEEP + "1" + "}" * DEEP, SCENE, "nested too deeply"),
        case("deep-inside-valid-doc", text(doc(extra="@X@"), X="[" * DEEP + "]" * DEEP), SCENE, "nested too deeply"),
        case("int-too-many-digits", text(doc(steps="@X@"), X="1" * 5000), SCENE, "not valid JSON"),
    ],
    "top level and version": [
        case("top-level-list", "[1, 2]", SCENE, "top level", "expected an object"),
        case("top-level-string", '"scene"', SCENE, "top level", "expected an object"),
        case("top-level-number", "1", SCENE, "top level", "expected an object"),
        case("top-level-null", "null", SCENE, "top level", "expected an object"),
        case("missing-lossviz", doc(lossviz=DROP), SCENE, '"lossviz"'),
        case("future-version", doc(lossviz=2), SCENE, "lossviz", "version 2", "not supported"),
        case("version-true", doc(lossviz=True), SCENE, "lossviz", "version true"),
        case("version-string", doc(lossviz="1"), SCENE, "lossviz", 'version "1"'),
        case("version-null", doc(lossviz=None), SCENE, "lossviz", "version null"),
    ],
    "task": [
        case("missing-task", doc(task=DROP), SCENE, '"task"', "regression"),
        case("unknown-task", doc(task="classification"), SCENE, "task", '"classification"'),
        case("task-number", doc(task=3), SCENE, "task", "3"),
        case("task-null", doc(task=None), SCENE, "task", "null"),
        case("task-with-newline", doc(task="re\ngression"), SCENE, "task", r"re\ngression"),
    ],
    "data: shape and types": [
        case("missing-data", doc(data=DROP), SCENE, '"data"'),
        case("data-list", doc(data=[[0.0], [1.0]]), SCENE, "data", "expected an object"),
        case("data-missing-x", doc(data={"y": [1.0]}), SCENE, "data", '"x"'),
        case("data-missing-y", doc(data={"x": [[1.0]]}), SCENE, "data", '"y"'),
        case("data-x-number", doc(data={"x": 3, "y": []}), SCENE, "data.x", "expected a list"),
        case("data-x-object", doc(data={"x": {}, "y": []}), SCENE, "data.x", "expected a list"),
        case("data-y-string", doc(data={"x": [], "y": "abc"}), SCENE, "data.y", "expected a list"),
        case("data-unknown-key", doc(data={"x": [[1.0]], "y": [1.0], "z": [2.0]}), SCENE, "data", '"z"'),
        case("ragged-rows", doc(data={"x": [[0.0, 1.0], [1.0, 2.0], [2.0]], "y": [0, 1, 2]}),
             SCENE, "data.x[2]", "1 numbers", "expected 2"),
        case("rows-of-51", doc(data={"x": [[0.0] * 51, [1.0] * 51], "y": [0, 1]}), SCENE, "data.x[0]", "51 numbers",
             "1 to 50"),
        case("dims-disagree", doc(dims=2), SCENE, "data.x[0]", "expected 2"),
        case("dims-51", doc(dims=51), SCENE, "dims", "1 to 50"),
        case("dims-string", doc(dims="1"), SCENE, "dims", "integer"),
        case("row-is-string", doc(data={"x": [[0.0], "1.0", [2.0]], "y": [0, 1, 2]}), SCENE, "data.x[1]", '"1.0"'),
        case("first-row-is-string", doc(data={"x": ["ab", [2.0]], "y": [0, 1]}), SCENE, "data.x[0]", "row"),
        case("row-is-number", doc(data={"x": [[0.0], 5], "y": [0, 1]}), SCENE, "data.x[1]", "row"),
        case("value-is-string", doc(data={"x": [[0.0], ["1"]], "y": [0, 1]}), SCENE, "data.x[1][0]", "number"),
        case("value-is-null", doc(data={"x": [[0.0], [None]], "y": [0, 1]}), SCENE, "data.x[1][0]", "null"),
        case("value-is-bool", doc(data={"x": [[0.0], [True]], "y": [0, 1]}), SCENE, "data.x[1][0]", "true"),
        case("empty-row", doc(data={"x": [[]], "y": [0]}), SCENE, "data.x[0]", "0 numbers"),
        case("x-y-lengths-differ", doc(data={"x": [[0.0], [1.0], [2.0]], "y": [0.0, 1.0]}), SCENE, "data", "3 rows", "2 values"),
    ],
    "data: non-finite numbers": [
        case("nan-in-x", text(doc(data={"x": [[0.0], ["@X@"]], "y": [0, 1]}), X="NaN"), SCENE, "data.x[1][0]", "NaN"),
        case("infinity-in-y", text(doc(data={"x": [[0.0], [1.0]], "y": [0, "@X@"]}), X="Infinity"),
             SCENE, "data.y[1]", "Infinity"),
        case("minus-infinity-in-x", text(doc(data={"x": [["@X@"]], "y": [0]}), X="-Infinity"),
             SCENE, "data.x[0][0]", "-Infinity"),
        case("1e999-in-x", text(doc(data={"x": [[0.0], ["@X@"]], "y": [0, 1]}), X="1e999"), SCENE, "data.x[1][0]", "1e999"),
        case("minus-1e999-in-y", text(doc(data={"x": [[0.0]], "y": ["@X@"]}), X="-1e999"), SCENE, "data.y[0]", "1e999"),
        case("huge-integer-in-x", text(doc(data={"x": [["@X@"]], "y": [0]}), X="1" + "0" * 400), SCENE, "data.x[0][0]", "finite"),
        case("huge-integer-in-y", text(doc(data={"x": [[0.0]], "y": ["@X@"]}), X="9" * 400), SCENE, "data.y[0]", "finite"),
        case("nan-in-unknown-key", text(doc(notes={"a": [1, "@X@"]}), X="NaN"), SCENE, "notes.a[1]", "NaN"),
        case("1e999-in-unknown-key", text(doc(notes="@X@"), X="1e999"), SCENE, "notes", "1e999"),
    ],
    "data: labels": [
        case("binary-label-2", doc(task="binary", data={"x": [[0.0], [1.0], [2.0]], "y": [0, 1, 2]}),
             SCENE, "data.y[2]", "0 or 1"),
        case("binary-label-half", doc(task="binary", data={"x": [[0.0], [1.0]], "y": [0, 0.5]}), SCENE, "data.y[1]", "0.5"),
        case("binary-label-negative", doc(task="binary", data={"x": [[0.0], [1.0]], "y": [-1, 1]}), SCENE, "data.y[0]", "-1"),
        case("binary-label-string", doc(task="binary", data={"x": [[0.0], [1.0]], "y": [0, "1"]}), SCENE, "data.y[1]", '"1"'),
        case("binary-label-bool", doc(task="binary", data={"x": [[0.0], [1.0]], "y": [0, True]}), SCENE, "data.y[1]", "true"),
        case("multiclass-label-too-big", doc(task="multiclass", classes=3, data={**MULTI_DATA, "y": [0, 3, 1]}),
             SCENE, "data.y[1]", "0..2"),
        case("multiclass-label-negative", doc(task="multiclass", data={**MULTI_DATA, "y": [0, -2, 1]}), SCENE, "data.y[1]", "-2"),
        case("multiclass-label-float", doc(task="multiclass", data={**MULTI_DATA, "y": [0, 1.5, 1]}), SCENE, "data.y[1]", "1.5"),
        case("multiclass-label-11", doc(task="multiclass", data={**MULTI_DATA, "y": [0, 11, 1]}),
             SCENE, "data.y[1]", "10 classes"),
        case("multiclass-label-1e30", doc(task="multiclass", data={**MULTI_DATA, "y": [0, 10**30, 1]}), SCENE,
             "data.y[1]", "too large"),
        case("multiclass-label-1e300", doc(task="multiclass", data={**MULTI_DATA, "y": [0, 1e300, 1]}), SCENE,
             "data.y[1]", "too large"),
        case("regression-y-null", doc(data={"x": [[0.0], [1.0]], "y": [0.5, None]}), SCENE, "data.y[1]", "null"),
        case("regression-y-list", doc(data={"x": [[0.0], [1.0]], "y": [0.5, [1.0]]}), SCENE, "data.y[1]", "a list"),
    ],
    "classes": [
        case("classes-for-binary", doc(task="binary", classes=2, data=BINARY_DATA), SCENE, "classes", "multiclass"),
        case("classes-for-regression", doc(classes=2), SCENE, "classes", "multiclass"),
        case("classes-1", doc(task="multiclass", classes=1, data={**MULTI_DATA, "y": [0, 0, 0]}), SCENE, "classes", ">= 2"),
        case("classes-11", doc(task="multiclass", classes=11, data=MULTI_DATA), SCENE, "classes", "<= 10"),
        case("classes-string", doc(task="multiclass", classes="3", data=MULTI_DATA), SCENE, "classes", "integer"),
    ],
    "loss": [
        case("unknown-loss", doc(loss="hinge"), SCENE, "loss", "hinge", "l2"),
        case("ce-for-regression", doc(loss="ce"), SCENE, "loss", "ce", "regression"),
        case("l2-for-binary", doc(task="binary", loss="l2", data=BINARY_DATA), SCENE, "loss", "l2", "binary"),
        case("bce-for-multiclass", doc(task="multiclass", loss="bce", data=MULTI_DATA), SCENE, "loss", "bce", "multiclass"),
        case("loss-number", doc(loss=2), SCENE, "loss", "2"),
    ],
    "optimizer": [
        case("unknown-optimizer", doc(optimizer={"name": "sgd"}), SCENE, "optimizer.name", '"sgd"', "adam"),
        case("optimizer-name-number", doc(optimizer={"name": 1}), SCENE, "optimizer.name"),
        case("optimizer-list", doc(optimizer=["gd", 0.1]), SCENE, "optimizer", "expected an object"),
        case("optimizer-unknown-key", doc(optimizer={"name": "adam", "beta1": 0.8}), SCENE, "optimizer", '"beta1"'),
        case("lr-string", doc(optimizer={"lr": "0.1"}), SCENE, "optimizer.lr", '"0.1"'),
        case("lr-null", doc(optimizer={"lr": None}), SCENE, "optimizer.lr", "null"),
        case("lr-true", doc(optimizer={"lr": True}), SCENE, "optimizer.lr", "true"),
        case("lr-negative", doc(optimizer={"lr": -0.1}), SCENE, "optimizer.lr", "> 0"),
        case("lr-zero", doc(optimizer={"lr": 0}), SCENE, "optimizer.lr", "> 0"),
        case("lr-nan", text(doc(optimizer={"lr": "@X@"}), X="NaN"), SCENE, "optimizer.lr", "NaN"),
        case("lr-infinity", text(doc(optimizer={"lr": "@X@"}), X="Infinity"), SCENE, "optimizer.lr", "Infinity"),
        case("lr-minus-infinity", text(doc(optimizer={"lr": "@X@"}), X="-Infinity"), SCENE, "optimizer.lr", "-Infinity"),
        case("lr-1e999", text(doc(optimizer={"lr": "@X@"}), X="1e999"), SCENE, "optimizer.lr", "1e999"),
        case("lr-huge-integer", text(doc(optimizer={"lr": "@X@"}), X="1" + "0" * 400), SCENE, "optimizer.lr", "finite"),
        case("start-loss-not-finite", doc(init={"W": [[1e300]], "b": [0.0]}), SCENE, "init", "not finite"),
        case("data-too-large-for-the-model", doc(data={"x": [[0], [1e200], [2]], "y": [0, 1, 2]}), SCENE, "data.x[1]"),
        case("key-given-twice", '{"lossviz": 1, "task": "binary", "loss": "bce", "loss": "mse", '
             '"data": {"x": [[0, 1], [1, 0]], "y": [0, 1]}}', SCENE, "loss appears twice"),
        case("momentum-1", doc(optimizer={"name": "momentum", "momentum": 1}), SCENE, "optimizer.momentum", "[0, 1)"),
        case("momentum-1.5", doc(optimizer={"name": "rmsprop", "momentum": 1.5}), SCENE, "optimizer.momentum", "[0, 1)"),
        case("momentum-negative", doc(optimizer={"name": "momentum", "momentum": -0.1}), SCENE, "optimizer.momentum", "[0, 1)"),
        case("momentum-string", doc(optimizer={"name": "momentum", "momentum": "0.9"}), SCENE, "optimizer.momentum", '"0.9"'),
        case("momentum-for-adam", doc(optimizer={"name": "adam", "momentum": 0.5}), SCENE, "optimizer.momentum", "adam"),
        case("momentum-for-adagrad", doc(optimizer={"name": "adagrad", "momentum": 0.5}), SCENE, "optimizer.momentum", "adagrad"),
        case("nesterov-momentum-0", doc(optimizer={"name": "nesterov", "momentum": 0}), SCENE, "optimizer.momentum", "Nesterov"),
        case("batch-size-0", doc(optimizer={"batch_size": 0}), SCENE, "optimizer.batch_size", ">= 1"),
        case("batch-size-negative", doc(optimizer={"batch_size": -4}), SCENE, "optimizer.batch_size", ">= 1"),
        case("batch-size-float", doc(optimizer={"batch_size": 2.5}), SCENE, "optimizer.batch_size", "integer"),
        case("batch-size-string", doc(optimizer={"batch_size": "8"}), SCENE, "optimizer.batch_size", "integer"),
    ],
    "steps, tol, seed": [
        case("steps-string", doc(steps="100"), SCENE, "steps", '"100"'),
        case("steps-negative", doc(steps=-1), SCENE, "steps", ">= 0"),
        case("steps-above-max", doc(steps=MAX_STEPS + 1), SCENE, "steps", f"<= {MAX_STEPS}"),
        case("steps-huge-integer", doc(steps=10**400), SCENE, "steps", f"<= {MAX_STEPS}"),
        case("steps-float", doc(steps=1.5), SCENE, "steps", "integer"),
        case("steps-true", doc(steps=True), SCENE, "steps", "true"),
        case("tol-negative", doc(tol=-1e-3), SCENE, "tol", ">= 0"),
        case("tol-string", doc(tol="0"), SCENE, "tol", "number"),
        case("seed-float", doc(seed=1.5), SCENE, "seed", "1.5"),
        case("seed-negative", doc(seed=-1), SCENE, "seed", ">= 0"),
        case("seed-string", doc(seed="7"), SCENE, "seed", '"7"'),
    ],
    "init": [
        case("init-W-wrong-rows", doc(init={"W": [[1.0], [2.0]], "b": [0.0]}), SCENE, "init.W", "1×1", "2 row"),
        case("init-W-wrong-columns", doc(init={"W": [[1.0, 2.0]], "b": [0.0]}), SCENE, "init.W[0]", "1 numbers", "got 2"),
        case("init-b-wrong-length", doc(init={"W": [[1.0]], "b": [0.0, 1.0]}), SCENE, "init.b", "got 2"),
        case("init-not-object", doc(init=[[1.0], [0.0]]), SCENE, "init", "expected an object"),
        case("init-unknown-key", doc(init={"W": [[1.0]], "bias": [0.0]}), SCENE, "init", '"bias"'),
        case("init-W-number", doc(init={"W": 1.0}), SCENE, "init.W", "matrix"),
        case("init-W-row-number", doc(init={"W": [1.0]}), SCENE, "init.W[0]", "list"),
        case("init-b-number", doc(init={"b": 0.0}), SCENE, "init.b", "list"),
        case("init-W-string-entry", doc(init={"W": [["1"]]}), SCENE, "init.W[0][0]", '"1"'),
        case("init-W-nan", text(doc(init={"W": [["@X@"]]}), X="NaN"), SCENE, "init.W[0][0]", "NaN"),
        case("init-multiclass-rows", doc(task="multiclass", classes=3, data=MULTI_DATA, init={"W": [[0.0, 0.0]] * 2}),
             SCENE, "init.W", "3×2"),
    ],
    "surface": [
        case("surface-x-equals-y", doc(surface={"x": "b[0]", "y": "b[0]"}), SCENE, "surface", "b[0]", "different"),
        case("surface-x-equals-default-y", doc(surface={"x": "b[0]"}), SCENE, "surface", "b[0]", "different"),
        case("surface-unknown-W", doc(surface={"x": "W[5,0]"}), SCENE, "surface.x", "W[5,0]"),
        case("surface-unknown-name", doc(surface={"y": "c[0]"}), SCENE, "surface.y", "c[0]"),
        case("surface-W-column-for-1d", doc(surface={"y": "W[0,1]"}), SCENE, "surface.y", "W[0,1]"),
        case("surface-b-1-for-binary", doc(task="binary", data=BINARY_DATA, surface={"x": "b[1]"}), SCENE, "surface.x", "b[1]"),
        case("surface-x-number", doc(surface={"x": 0}), SCENE, "surface.x", "parameter name"),
        case("surface-range-equal", doc(surface={"x_range": [1.0, 1.0]}), SCENE, "surface.x_range", "below"),
        case("surface-range-reversed", doc(surface={"y_range": [2.0, -2.0]}), SCENE, "surface.y_range", "below"),
        case("surface-range-3-values", doc(surface={"x_range": [0, 1, 2]}), SCENE, "surface.x_range", "[lo, hi]"),
        case("surface-range-string", doc(surface={"x_range": "0:1"}), SCENE, "surface.x_range", "[lo, hi]"),
        case("surface-range-entry-string", doc(surface={"x_range": [0, "1"]}), SCENE, "surface.x_range[1]", '"1"'),
        case("surface-range-too-wide", doc(surface={"x_range": [-1e308, 1e308]}), SCENE, "surface.x_range", "too wide"),
        case("surface-range-nan", text(doc(surface={"x_range": [0, "@X@"]}), X="NaN"), SCENE, "surface.x_range[1]", "NaN"),
        case("surface-resolution-true", doc(surface={"resolution": True}), SCENE, "surface.resolution", "true"),
        case("surface-resolution-1", doc(surface={"resolution": 1}), SCENE, "surface.resolution", ">= 2"),
        case("surface-resolution-too-big", doc(surface={"resolution": MAX_RESOLUTION + 1}), SCENE, "surface.resolution"),
        case("surface-resolution-float", doc(surface={"resolution": 2.5}), SCENE, "surface.resolution", "integer"),
        case("surface-unknown-key", doc(surface={"x": "W[0,0]", "z": "b[0]"}), SCENE, "surface", '"z"'),
        case("surface-list", doc(surface=["W[0,0]", "b[0]"]), SCENE, "surface", "expected an object"),
        case("surface-center-wrong-shape", doc(surface={"center": {"W": [[1.0, 2.0]]}}), SCENE, "surface.center.W[0]"),
        case("surface-center-unknown-key", doc(surface={"center": {"w": [[1.0]]}}), SCENE, "surface.center", '"w"'),
    ],
    "distribution P(X, Y)": [
        case("distribution-unknown-name", doc(distribution={"name": "gauss"}), SCENE, "distribution.name", '"gauss"', "line"),
        case("distribution-name-missing", doc(distribution={"n": 10}), SCENE, "distribution.name", "null"),
        case("distribution-not-object", doc(distribution="line"), SCENE, "distribution", "expected an object"),
        case("distribution-unknown-key", doc(distribution={"name": "line", "size": 10}), SCENE, "distribution", '"size"'),
        case("distribution-param-string", doc(distribution={"name": "line", "params": {"slope": "1"}}), SCENE,
             "distribution.params.slope", '"1"'),
        case("distribution-param-bool", doc(distribution={"name": "sine", "params": {"amplitude": True}}), SCENE,
             "distribution.params.amplitude", "true"),
        case("distribution-param-unknown", doc(distribution={"name": "line", "params": {"slop": 1}}), SCENE,
             "distribution.params", '"slop"'),
        case("distribution-noise-negative", doc(distribution={"name": "line", "params": {"noise": -0.1}}), SCENE,
             "distribution.params.noise", ">= 0"),
        case("distribution-std-zero", doc(task="binary", data=BINARY_DATA, distribution={"name": "blobs", "params": {"std": 0}}),
             SCENE, "distribution.params.std", "> 0"),
        case("distribution-flip-above-half",
             doc(task="binary", data=BINARY_DATA, distribution={"name": "xor", "params": {"flip": 0.7}}),
             SCENE, "distribution.params.flip", "0.7"),
        case("distribution-x-range-reversed", doc(distribution={"name": "line", "params": {"x_range": [3, -3]}}), SCENE,
             "distribution.params.x_range", "below"),
        case("distribution-means-ragged", doc(task="binary", data=BINARY_DATA,
                                              distribution={"name": "blobs", "params": {"means": [[0, 0], [1]]}}),
             SCENE, "distribution.params.means"),
        case("distribution-n-zero", doc(distribution={"name": "line", "n": 0}), SCENE, "distribution.n", ">= 1"),
        case("distribution-n-above-max", doc(distribution={"name": "line", "n": MAX_SAMPLE + 1}), SCENE, "distribution.n",
             f"<= {MAX_SAMPLE}"),
        case("distribution-n-float", doc(distribution={"name": "line", "n": 2.5}), SCENE, "distribution.n", "integer"),
        case("distribution-seed-negative", doc(distribution={"name": "line", "seed": -1}), SCENE, "distribution.seed", ">= 0"),
        case("distribution-wrong-task", doc(distribution={"name": "xor"}), SCENE, "distribution", "xor", "regression"),
        case("distribution-nan-param", text(doc(distribution={"name": "line", "params": {"slope": "@X@"}}), X="NaN"), SCENE,
             "distribution.params.slope", "NaN"),
        case("of-population-without-distribution", doc(), SCENE, "distribution", "population",
             argv=("surface", SCENE, "--of", "population")),
        case("of-sample-out-of-range", doc(), SCENE, "--of sample:3", "3 samples", argv=("surface", SCENE, "--of", "sample:3")),
        case("of-sample-huge", doc(), "--of sample:", "3 samples", argv=("surface", SCENE, "--of", "sample:" + "9" * 30)),
        case("of-sample-negative", doc(), "--of", "'sample:-1'", argv=("surface", SCENE, "--of", "sample:-1")),
        case("of-sample-no-index", doc(), "--of", "'sample:'", argv=("surface", SCENE, "--of", "sample:")),
        case("of-sample-letters", doc(), "--of", "'sample:x'", argv=("surface", SCENE, "--of", "sample:x")),
        case("of-samples-typo", doc(), "--of", "'samples:1'", argv=("surface", SCENE, "--of", "samples:1")),
        case("of-unknown", doc(), "--of", "'model'", argv=("surface", SCENE, "--of", "model")),
        case("of-for-fit", doc(), "--of", argv=("fit", SCENE, "--of", "data")),
        case("sample-without-distribution", doc(), SCENE, "distribution", "lossviz sample",
             argv=("sample", SCENE, "-o", "new.json")),
        case("sample-n-zero", doc(distribution={"name": "line"}), "-n", "0", argv=("sample", SCENE, "-n", "0", "-o", "new.json")),
        case("sample-n-above-max", doc(distribution={"name": "line"}), "-n", str(MAX_SAMPLE),
             argv=("sample", SCENE, "-n", MAX_SAMPLE + 1, "-o", "new.json")),
        case("sample-seed-negative", doc(distribution={"name": "line"}), "--seed",
             argv=("sample", SCENE, "--seed", "-3", "-o", "new.json")),
        case("sample-output-missing", doc(distribution={"name": "line"}), "-o", argv=("sample", SCENE)),
        case("sample-output-npz", doc(distribution={"name": "line"}), "new.npz", ".json", ".csv",
             argv=("sample", SCENE, "-o", "new.npz")),
        case("sample-bad-distribution", doc(distribution={"name": "line", "params": {"noise": -1}}), SCENE,
             "distribution.params.noise", argv=("sample", SCENE, "-o", "new.csv")),
        case("render-population-without-distribution", doc(), SCENE, "distribution", "--layout population",
             argv=("render", SCENE, "--layout", "population", "-o", "fig.png")),
        case("animate-resample-without-distribution", doc(), SCENE, "distribution", "--resample",
             argv=("animate", SCENE, "--resample", "-o", "run.gif")),
        case("animate-resample-with-layout", doc(distribution={"name": "line"}), "--layout", "--resample",
             argv=("animate", SCENE, "--resample", "--layout", "data", "-o", "run.gif")),
        case("render-unknown-layout", doc(), "--layout", "'cloud'", argv=("render", SCENE, "--layout", "cloud", "-o", "fig.png")),
    ],
    "split, features and regularization": [
        case("degree-0", doc(features={"degree": 0}), SCENE, "features.degree", "1 … 12", "got 0"),
        case("degree-13", doc(features={"degree": 13}), SCENE, "features.degree", "1 … 12", "got 13"),
        case("degree-float", doc(features={"degree": 2.5}), SCENE, "features.degree", "integer", "2.5"),
        case("degree-string", doc(features={"degree": "3"}), SCENE, "features.degree", '"3"'),
        case("features-list", doc(features=[3]), SCENE, "features", "expected an object"),
        case("features-unknown-key", doc(features={"degre": 3}), SCENE, "features", '"degre"', "degree"),
        case("l2-negative", doc(regularization={"l2": -0.1}), SCENE, "regularization.l2", "between 0 and", "-0.1"),
        case("l2-nan", text(doc(regularization={"l2": "@X@"}), X="NaN"), SCENE, "regularization.l2", "NaN"),
        case("l2-infinity", text(doc(regularization={"l2": "@X@"}), X="Infinity"), SCENE, "regularization.l2", "Infinity"),
        case("l2-string", doc(regularization={"l2": "0.1"}), SCENE, "regularization.l2", '"0.1"'),
        case("regularization-unknown-key", doc(regularization={"lambda": 0.1}), SCENE, "regularization", '"lambda"', "l2"),
        case("test-fraction-negative", doc(split={"test_fraction": -0.1}), SCENE, "split.test_fraction", "0 and 0.9", "-0.1"),
        case("test-fraction-0.95", doc(split={"test_fraction": 0.95}), SCENE, "split.test_fraction", "0 and 0.9", "0.95"),
        case("test-fraction-string", doc(split={"test_fraction": "0.3"}), SCENE, "split.test_fraction", '"0.3"'),
        case("split-seed-negative", doc(split={"seed": -1}), SCENE, "split.seed", ">= 0"),
        case("split-unknown-key", doc(split={"fraction": 0.3}), SCENE, "split", '"fraction"', "test_fraction"),
        case("init-W-wrong-width-for-features", doc(features={"degree": 3}, init={"W": [[1.0]], "b": [0.0]}), SCENE,
             "init.W[0]", "expected 3 numbers", "x, x², x³", "got 1"),
        case("init-W-degree-1-has-one-column", doc(features={"degree": 1}, init={"W": [[1.0, 2.0]]}), SCENE,
             "init.W[0]", "expected 1 numbers", "got 2"),
        case("center-wrong-width-for-features", doc(features={"degree": 2}, surface={"center": {"W": [[1.0]]}}), SCENE,
             "surface.center.W[0]", "x, x²"),
        case("surface-axis-beyond-the-features", doc(features={"degree": 2}, surface={"x": "W[0,2]"}), SCENE,
             "surface.x", "W[0,2]"),
        case("sweep-bad-scene", doc(features={"degree": 13}), SCENE, "features.degree", argv=("sweep", SCENE)),
        case("sweep-degree-0", doc(), "--degree", "1 … 12", "got 0", argv=("sweep", SCENE, "--degree", "0")),
        case("sweep-degree-13", doc(), "--degree", "1 … 12", "got 13", argv=("sweep", SCENE, "--degree", "1:13")),
        case("sweep-degree-backwards", doc(), "--degree", "5:3", "backwards", argv=("sweep", SCENE, "--degree", "5:3")),
        case("sweep-degree-letters", doc(), "--degree", "1:12 or 1,3,5", "'a'", argv=("sweep", SCENE, "--degree", "a")),
        case("sweep-degree-open-range", doc(), "--degree", "'1:'", argv=("sweep", SCENE, "--degree", "1:")),
        case("sweep-degree-three-parts", doc(), "--degree", "'1:5:2'", argv=("sweep", SCENE, "--degree", "1:5:2")),
        case("sweep-degree-float", doc(), "--degree", "'2.5'", argv=("sweep", SCENE, "--degree", "2.5")),
        case("sweep-degree-negative", doc(), "--degree", "'-1'", argv=("sweep", SCENE, "--degree=-1")),
        case("sweep-degree-empty-item", doc(), "--degree", "'1,,3'", argv=("sweep", SCENE, "--degree", "1,,3")),
        case("sweep-degree-huge", doc(), "--degree", argv=("sweep", SCENE, "--degree", "9" * 5000)),
        case("sweep-l2-negative", doc(), "--l2", ">= 0", "-1", argv=("sweep", SCENE, "--l2", "0,-1")),
        case("sweep-l2-nan", doc(), "--l2", ">= 0", "nan", argv=("sweep", SCENE, "--l2", "nan")),
        case("sweep-l2-infinity", doc(), "--l2", ">= 0", "inf", argv=("sweep", SCENE, "--l2", "0.1,inf")),
        case("sweep-l2-letters", doc(), "--l2", "'x'", argv=("sweep", SCENE, "--l2", "0,x")),
        case("sweep-l2-empty", doc(), "--l2", "''", argv=("sweep", SCENE, "--l2", "")),
        case("sweep-output-unknown-extension", doc(), "out.txt", ".csv", ".png", argv=("sweep", SCENE, "-o", "out.txt")),
        case("sweep-output-missing-folder", doc(), "missing", "does not exist", argv=("sweep", SCENE, "-o", "missing/s.png")),
        case("sweep-output-is-folder", doc(), "adir.json", "folder", argv=("sweep", SCENE, "-o", "adir.json")),
        case("sweep-empty-dataset", doc(data={"x": [], "y": []}), SCENE, "no data points", argv=("sweep", SCENE, "-o", "s.csv")),
        case("sweep-steps-option", doc(), "--steps", argv=("sweep", SCENE, "--steps", "5")),
        case("sweep-bad-size", doc(), "--size", argv=("sweep", SCENE, "--size", "10x10", "-o", "s.png")),
        case("sweep-bad-scene-existing-csv", doc(steps=-1), "steps", argv=("sweep", SCENE, "-o", "old.csv")),
    ],
    "a valid document with no data": [
        case("empty-dataset-fit", doc(data={"x": [], "y": []}), SCENE, "data", "no data points"),
        case("empty-dataset-surface", doc(data={"x": [], "y": []}), SCENE, "data", "no data points", argv=("surface", SCENE)),
        case("empty-dataset-binary", doc(task="binary", data={"x": [], "y": []}), SCENE, "no data points"),
        case("empty-dataset-multiclass", doc(task="multiclass", data={"x": [], "y": []}), SCENE, "no data points"),
    ],
    "command-line arguments": [
        case("steps-arg-negative", doc(), "--steps", "-1", argv=("fit", SCENE, "--steps", "-1")),
        case("steps-arg-abc", doc(), "--steps", "'abc'", argv=("fit", SCENE, "--steps", "abc")),
        case("steps-arg-float", doc(), "--steps", "1.5", argv=("fit", SCENE, "--steps", "1.5")),
        case("steps-arg-above-max", doc(), "--steps", str(MAX_STEPS + 1), argv=("fit", SCENE, "--steps", MAX_STEPS + 1)),
        case("steps-arg-missing-value", doc(), "--steps", argv=("fit", SCENE, "--steps")),
        case("resolution-arg-1", doc(), "--resolution", "1", argv=("surface", SCENE, "--resolution", "1")),
        case("resolution-arg-too-big", doc(), "--resolution", argv=("surface", SCENE, "--resolution", MAX_RESOLUTION + 1)),
        case("resolution-arg-abc", doc(), "--resolution", "'x'", argv=("surface", SCENE, "--resolution", "x")),
        case("unknown-option", doc(), "--bogus", argv=("fit", SCENE, "--bogus")),
        case("steps-for-surface", doc(), "--steps", argv=("surface", SCENE, "--steps", "3")),
        case("format-for-surface", doc(), "--format", argv=("surface", SCENE, "--format", "csv")),
        case("format-xml", doc(), "--format", "xml", argv=("fit", SCENE, "--format", "xml")),
        case("extra-positional", doc(), "extra", argv=("fit", SCENE, "extra")),
        case("presets-extra-argument", None, "extra", argv=("presets", "extra")),
        case("missing-scene-argument", None, "SCENE", argv=("fit",)),
        case("unknown-preset", None, "no-such-preset", "no such file", "binary-1d", argv=("fit", "no-such-preset")),
        case("unknown-preset-surface", None, "no-such-preset", argv=("surface", "no-such-preset")),
        case("format-csv-with-json-file", doc(), "--format csv", OLD, argv=("fit", SCENE, "--format", "csv", "-o", OLD)),
        case("format-json-with-csv-file", doc(), "--format json", "x.csv", argv=("fit",
             SCENE, "--format", "json", "-o", "x.csv")),
        case("output-missing-value", doc(), "-o", argv=("fit", SCENE, "-o")),
    ],
    "where the output goes": [
        case("output-unknown-extension", doc(), "out.txt", ".json", ".csv", argv=("fit", SCENE, "-o", "out.txt")),
        case("output-no-extension", doc(), "out", ".json", argv=("fit", SCENE, "-o", "out")),
        case("surface-output-unknown-extension", doc(), "out.txt", ".npz", argv=("surface", SCENE, "-o", "out.txt")),
        case("output-missing-folder", doc(), "missing", "does not exist", argv=("fit", SCENE, "-o", "missing/out.json")),
        case("surface-output-missing-folder", doc(), "missing", "does not exist",
             argv=("surface", SCENE, "-o", "missing/deeper/s.npz")),
        case("output-is-folder", doc(), "adir", "folder", argv=("fit", SCENE, "-o", "adir")),
        case("output-is-folder-json", doc(), "adir.json", "folder", argv=("fit", SCENE, "-o", "adir.json")),
        case("surface-output-is-folder", doc(), "adir.npz", "folder", argv=("surface", SCENE, "-o", "adir.npz")),
        case("output-empty-name", doc(), "-o", "file name", argv=("fit", SCENE, "-o", "")),
    ],
    "the scene's typed keys": [
        *[case(f"runs-not-a-list-{argv[0]}", doc(runs="fast"), SCENE, "runs: expected a list of 1 to 8 runs", argv=argv)
          for argv in (("fit", SCENE), ("surface", SCENE), ("render", SCENE, "-o", "out.png"),
                       ("animate", SCENE, "-o", "out.gif"))],
        case("runs-bad-optimizer", doc(runs=[{"optimizer": {"name": "sgdx"}}]), "runs[0].optimizer.name", "sgdx"),
        case("runs-bad-lr", doc(runs=[{"optimizer": {"lr": -1}}]), "runs[0].optimizer.lr", "> 0",
             argv=("render", SCENE, "-o", "out.png")),
        case("runs-unknown-key", doc(runs=[{"optimiser": {}}]), "runs[0]", "optimiser"),
        case("runs-too-many", doc(runs=[{}] * 9), "runs", "9 runs"),
        case("runs-label-not-text", doc(runs=[{"label": 3}]), "runs[0].label", "expected text"),
        case("title-not-text", doc(title=5), "title", "expected text", argv=("surface", SCENE)),
        case("notes-not-text", doc(notes=["a"]), "notes", "expected text"),
        case("view-not-an-object", doc(view=[]), "view", "expected an object"),
        case("view-theme", doc(view={"theme": "blue"}), "view.theme", "blue", argv=("render", SCENE, "-o", "out.png")),
        case("view-speed-type", doc(view={"speed": "fast"}), "view.speed", "expected a number"),
        case("view-speed-negative", doc(view={"speed": -1}), "view.speed", "between 0"),
        case("view-log-not-bool", doc(view={"log_loss": 1}), "view.log_loss", "true or false"),
    ],
    "an error leaves an existing output alone": [
        case("bad-scene-existing-csv", doc(steps=-1), "steps", argv=("fit", SCENE, "-o", "old.csv")),
        case("bad-scene-existing-npz", doc(steps=-1), "steps", argv=("surface", SCENE, "-o", "old.npz")),    ],
}
CASES = [pytest.param(*param.values, family, id=param.id) for family, cases in TABLE.items() for param in cases]
FIRST_OF_FAMILY = {cases[0].id for cases in TABLE.values()}


def _prepare(folder: Path, content) -> None:
    for name in FOLDERS:
        (folder / name).mkdir()
    for name in (OLD, "old.csv", "old.npz"):
        (folder / name).write_text(OLD_TEXT)
    if isinstance(content, dict):
        (folder / SCENE).write_text(json.dumps(content))
    elif isinstance(content, str):
        (folder / SCENE).write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        (folder / SCENE).write_bytes(content)


def _has_output(argv) -> bool:
    return "-o" in argv or "--output" in argv


def test_case_ids_are_unique():
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


def _subprocess_argv(argv) -> list[str]:
    """The case's argv, writing to the existing old.json unless it names its own output."""
    return argv if _has_output(argv) or argv[0] not in ("fit", "surface", "sweep") else [*argv, "-o", OLD]


@pytest.fixture(scope="module")
def error_runs(request, tmp_path_factory):
    """Run the real command for the first selected case of each family up front, several at a time.

    Returns {case id: (folder, listing before the run, CompletedProcess)}.
    """
    wanted = {item.callspec.id for item in request.session.items
              if getattr(item, "originalname", None) == "test_error"} & FIRST_OF_FAMILY
    jobs = {}
    for param in CASES:
        if param.id in wanted:
            content, _, argv, _ = param.values
            folder = tmp_path_factory.mktemp("error")
            _prepare(folder, content)
            jobs[param.id] = (folder, listing(folder), _subprocess_argv([str(a) for a in argv]))
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        procs = dict(zip(jobs, pool.map(lambda job: run_subprocess(job[2], job[0]), jobs.values())))
    return {key: (folder, before, procs[key]) for key, (folder, before, _) in jobs.items()}


@pytest.mark.parametrize("content, fragments, argv, family", CASES)
def test_error(content, fragments, argv, family, error_runs, request, tmp_path, monkeypatch, capsys):
    """In-process: exit 2, one error line naming what is wrong, nothing written and no old output touched; the first
    case of each family as a real subprocess too (real exit status, stderr and no traceback), the same line."""
    argv = [str(a) for a in argv]
    _prepare(tmp_path, content)
    before = listing(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(capsys, *_subprocess_argv(argv))
    assert (code, out) == (2, "")
    assert_one_error_line(err, fragments)
    assert listing(tmp_path) == before  # old files intact, no new or temporary file
    if request.node.callspec.id in FIRST_OF_FAMILY:
        folder, listed, proc = error_runs[request.node.callspec.id]
        assert (proc.returncode, proc.stdout) == (2, ""), (family, proc.returncode, proc.stderr)
        assert proc.stderr == err.replace(str(tmp_path), str(folder))
        assert listing(folder) == listed
    if not _has_output(argv) and argv[0] in ("fit", "surface"):
        if len(argv) == 2:  # a bad scene: both commands refuse it, whatever the output
            runs = [("fit", "new.json"), ("fit", "new.csv"), ("surface", "new.npz"), ("surface", "new.csv")]
        else:  # options of one command
            runs = [(argv[0], "new.json"), (argv[0], "new.csv")]
        for command, new in runs:
            code, out, err = run_main(capsys, command, *argv[1:], "-o", new)
            assert (code, out) == (2, "")
            assert_one_error_line(err, fragments if len(argv) == 2 else ["lossviz: error: "])
            assert not (tmp_path / new).exists()
    assert listing(tmp_path) == before


# ---------------------------------------------------------------- unwritable output

def test_output_into_read_only_folder_is_refused(tmp_path, monkeypatch, capsys):
    """Simulated with os.access (tests run as root, for whom chmod does not bite)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "old.json").write_text(OLD_TEXT)
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve().is_relative_to(locked.resolve()):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    for argv in (("fit", "linear-regression", "-o", locked / "new.json"),
                 ("fit", "linear-regression", "-o", locked / "old.json"),
                 ("surface", "linear-regression", "-o", locked / "s.npz")):
        code, out, err = run_main(capsys, *argv)
        assert (code, out) == (2, "")
        assert_one_error_line(err, [str(argv[-1]), "permission denied"])
    assert sorted(p.name for p in locked.iterdir()) == ["old.json"]
    assert (locked / "old.json").read_text() == OLD_TEXT


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores folder permissions; covered by the os.access test above")
def test_output_into_read_only_folder_for_real(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc = run_subprocess(["fit", "linear-regression", "-o", locked / "out.json"], tmp_path)
        assert proc.returncode == 2 and proc.stdout == ""
        assert_one_error_line(proc.stderr, ["out.json", "permission denied"])
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_existing_read_only_file_is_refused(tmp_path, monkeypatch, capsys):
    target = tmp_path / "out.csv"
    target.write_text(OLD_TEXT)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if Path(path) == target and mode & os.W_OK
                        else real_access(path, mode, *a, **k))
    code, out, err = run_main(capsys, "fit", "xor", "-o", target)
    assert (code, out) == (2, "")
    assert_one_error_line(err, ["out.csv", "permission denied"])
    assert target.read_text() == OLD_TEXT


# ---------------------------------------------------------------- presets

def test_presets_lists_the_bundled_scenes(capsys):
    code, out, err = run_main(capsys, "presets")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == PRESETS
    assert preset_names() == PRESETS
    for name, line in zip(PRESETS, lines):
        title = json.loads(preset_path(name).read_text(encoding="utf-8"))["title"]
        assert title and line.rstrip().endswith(title)


def test_presets_subprocess_and_broken_pipe(tmp_path):
    proc = run_subprocess(["presets"], tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert len(proc.stdout.splitlines()) == len(PRESETS)
    # stdout closed early (lossviz fit … | head): exit 0, no traceback
    child = subprocess.Popen([sys.executable, "-m", "lossviz", "fit", "linear-regression", "--steps", "20000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert child.stdout.read(100).startswith(b'{"status"')
    child.stdout.close()
    err = child.stderr.read().decode()
    child.stderr.close()
    assert child.wait(timeout=60) == 0
    assert "Traceback" not in err and "Error" not in err


# ---------------------------------------------------------------- fit

def fit_json(capsys, *argv) -> dict:
    code, out, err = run_main(capsys, "fit", *argv)
    assert (code, err) == (0, "")
    assert out.endswith("\n")
    return json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON output"))


def assert_finite_trajectory(result: dict, columns: tuple[str, ...] = ()) -> None:
    """Every entry has exactly the keys of a trajectory (and ``columns``: "data_loss", "test_loss"), all finite floats."""
    for entry in result["trajectory"]:
        assert list(entry) == ["step", "loss", *columns, "W", "b", "grad_norm"]
        values = [entry["loss"], *(entry[c] for c in columns), entry["grad_norm"], *np.ravel(entry["W"]), *entry["b"]]
        assert all(isinstance(v, float) and math.isfinite(v) for v in values), entry


@pytest.mark.parametrize("name", PRESETS)
def test_fit_preset_json(name, capsys):
    scene = load_preset(name)
    result = fit_json(capsys, name)
    assert set(result) == {"status", "trajectory", "curvature"}
    assert result["status"] == ("max_steps" if scene.tol == 0 else "converged")
    from lossviz.core.curvature import curvature

    end = result["trajectory"][-1]
    found = curvature(scene.objective(), np.hstack([np.array(end["W"]), np.array(end["b"])[:, None]]))
    assert result["curvature"]["lambda_max"] == pytest.approx(found.largest, rel=1e-9)
    assert result["curvature"]["lr_bound"] == pytest.approx(2 / found.largest, rel=1e-9)
    assert result["curvature"]["exact"] == (scene.loss == "l2")
    trajectory = result["trajectory"]
    if scene.tol == 0:
        assert len(trajectory) == scene.steps + 1
    assert [entry["step"] for entry in trajectory] == list(range(len(trajectory)))
    start = trajectory[0]
    assert start["W"] == scene.init[:, :-1].tolist()
    assert start["b"] == scene.init[:, -1].tolist()
    assert start["loss"] == pytest.approx(scene.objective().value(scene.init), rel=1e-12)
    k, d = scene.shape.outputs, scene.shape.dims  # W has one column per feature
    assert all(np.shape(entry["W"]) == (k, d) and len(entry["b"]) == k for entry in trajectory)
    assert_finite_trajectory(result, (("data_loss",) if scene.l2 else ()) + (("test_loss",) if scene.split else ()))
    assert trajectory[-1]["loss"] < trajectory[0]["loss"]


def test_fit_steps_option_overrides_the_scene(capsys):
    assert len(fit_json(capsys, "linear-regression", "--steps", "5")["trajectory"]) == 6
    zero = fit_json(capsys, "linear-regression", "--steps", "0")
    assert zero["status"] == "max_steps" and len(zero["trajectory"]) == 1
    init = load_preset("linear-regression").init
    assert zero["trajectory"][0]["W"] == init[:, :-1].tolist() and zero["trajectory"][0]["b"] == init[:, -1].tolist()


def test_fit_scene_file_same_as_preset(tmp_path, capsys):
    assert fit_json(capsys, preset_path("xor"), "--steps", "7") == fit_json(capsys, "xor", "--steps", "7")


def parse_csv(text: str) -> tuple[list[str], list[list[float]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], [[float(v) for v in row] for row in rows[1:]]


def trajectory_rows(result: dict) -> list[list[float]]:
    return [[entry["step"], entry["loss"], *np.ravel(entry["W"]), *entry["b"], entry["grad_norm"]]
            for entry in result["trajectory"]]


@pytest.mark.parametrize("name, params", [
    ("linear-regression", ["W[0,0]", "b[0]"]),
    ("binary-2d-blobs", ["W[0,0]", "W[0,1]", "b[0]"]),
    ("multiclass-3", ["W[0,0]", "W[0,1]", "W[1,0]", "W[1,1]", "W[2,0]", "W[2,1]", "b[0]", "b[1]", "b[2]"]),
])
def test_fit_csv(name, params, capsys):
    code, out, err = run_main(capsys, "fit", name, "--format", "csv", "--steps", "4")
    assert (code, err) == (0, "")
    header, rows = parse_csv(out)
    assert header == ["step", "loss", *params, "grad_norm"]
    assert out.splitlines()[0] == "step,loss," + ",".join(f'"{p}"' if "," in p else p for p in params) + ",grad_norm"
    assert [row[0] for row in rows] == [0, 1, 2, 3, 4]
    assert rows == trajectory_rows(fit_json(capsys, name, "--steps", "4"))
    assert all(math.isfinite(v) for row in rows for v in row)


def test_fit_output_files_hold_the_same_numbers(tmp_path, capsys):
    for file in ("t.json", "t.csv"):
        code, out, err = run_main(capsys, "fit", "multiclass-3", "--steps", "12", "-o", tmp_path / file)
        assert (code, out, err) == (0, "", "")
    result = json.loads((tmp_path / "t.json").read_text())
    header, rows = parse_csv((tmp_path / "t.csv").read_text())
    assert rows == trajectory_rows(result)
    assert len(rows) == 13
    # the file is exactly what stdout would have shown
    assert (tmp_path / "t.json").read_text() == run_main(capsys, "fit", "multiclass-3", "--steps", "12")[1]
    assert (tmp_path / "t.csv").read_text() == run_main(capsys, "fit", "multiclass-3", "--steps", "12",
                                                        "--format", "csv")[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.json"]  # no temporary files left


def test_fit_output_format_from_option_and_extension(tmp_path, capsys):
    assert run_main(capsys, "fit", "xor", "--steps", "2", "--format", "csv", "-o", tmp_path / "t.dat")[0] == 0
    assert (tmp_path / "t.dat").read_text().startswith("step,loss,")
    assert run_main(capsys, "fit", "xor", "--steps", "2", "-o", tmp_path / "T.JSON")[0] == 0
    assert json.loads((tmp_path / "T.JSON").read_text())["status"] == "max_steps"
    assert run_main(capsys, "fit", "xor", "--steps", "2", "--format", "json", "-o", tmp_path / "t.json")[0] == 0


def test_fit_overwrites_an_existing_output(tmp_path, capsys):
    target = tmp_path / "t.json"
    target.write_text("x" * 100_000)
    assert run_main(capsys, "fit", "xor", "--steps", "1", "-o", target) == (0, "", "")
    assert len(json.loads(target.read_text())["trajectory"]) == 2


def test_fit_relative_output_in_subprocess(tmp_path):
    (tmp_path / "out").mkdir()
    proc = run_subprocess(["fit", "binary-1d", "--steps", "3", "-o", "out/t.csv"], tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    header, rows = parse_csv((tmp_path / "out" / "t.csv").read_text())
    assert header == ["step", "loss", "W[0,0]", "b[0]", "grad_norm"] and len(rows) == 4


def write_doc(folder: Path, document: dict, name: str = SCENE) -> Path:
    path = folder / name
    path.write_text(json.dumps(document))
    return path


def preset_doc(name: str) -> dict:
    return json.loads(preset_path(name).read_text(encoding="utf-8"))


def test_fit_divergent_scene(tmp_path, capsys):
    document = preset_doc("linear-regression")
    document["optimizer"]["lr"] = 1e6
    path = write_doc(tmp_path, document)
    result = fit_json(capsys, path)
    assert result["status"] == "diverged"
    assert 1 <= len(result["trajectory"]) < document["steps"] + 1
    assert result["trajectory"][0]["W"] == document["init"]["W"]
    assert_finite_trajectory(result)
    _, rows = parse_csv(run_main(capsys, "fit", path, "--format", "csv")[1])
    assert rows == trajectory_rows(result)
    # the real command: exit 0, strict JSON on stdout, no warnings on stderr
    proc = run_subprocess(["fit", SCENE], tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout, parse_constant=lambda name: pytest.fail(name)) == result


def test_fit_converges_with_tol(tmp_path, capsys):
    document = preset_doc("linear-regression")
    document.update(tol=1e-3, steps=100_000)
    result = fit_json(capsys, write_doc(tmp_path, document))
    assert result["status"] == "converged"
    norms = [entry["grad_norm"] for entry in result["trajectory"]]
    assert norms[-1] <= 1e-3 < min(norms[:-1])


@pytest.mark.parametrize("optimizer", [
    {"name": "momentum", "lr": 0.05, "momentum": 0.5},
    {"name": "nesterov", "lr": 0.05},
    {"name": "adagrad", "lr": 0.5},
    {"name": "rmsprop", "lr": 0.01, "momentum": 0.3},
    {"name": "adam", "lr": 0.05},
    {"name": "gd", "lr": 0.1, "batch_size": 5},
])
def test_fit_every_optimizer(optimizer, tmp_path, capsys):
    document = preset_doc("binary-2d-blobs")
    document["optimizer"] = optimizer
    result = fit_json(capsys, write_doc(tmp_path, document), "--steps", "25")
    assert result["status"] == "max_steps" and len(result["trajectory"]) == 26
    assert_finite_trajectory(result)
    assert result["trajectory"][-1]["loss"] < result["trajectory"][0]["loss"]


def test_fit_minibatches_follow_the_seed(tmp_path, capsys):
    document = preset_doc("linear-regression")
    document["optimizer"]["batch_size"] = 4
    first = fit_json(capsys, write_doc(tmp_path, document, "a.json"), "--steps", "10")
    assert fit_json(capsys, write_doc(tmp_path, document, "b.json"), "--steps", "10") == first
    document["seed"] = 99
    assert fit_json(capsys, write_doc(tmp_path, document, "c.json"), "--steps", "10") != first


def test_fit_accepts_minimal_documents(tmp_path, capsys):
    # defaults: gd, lr 0.1, 100 steps, zero init; dims and classes from the data
    result = fit_json(capsys, write_doc(tmp_path, doc()))
    assert len(result["trajectory"]) == 101 and result["trajectory"][0]["W"] == [[0.0]]
    multi = fit_json(capsys, write_doc(tmp_path, doc(task="multiclass", data=MULTI_DATA), "m.json"), "--steps", "1")
    assert np.shape(multi["trajectory"][0]["W"]) == (3, 2)
    # a UTF-8 byte-order mark is fine
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(doc()).encode())
    assert fit_json(capsys, tmp_path / "bom.json") == result


# ---------------------------------------------------------------- surface

def surface_npz(capsys, folder: Path, *argv) -> dict:
    target = folder / "s.npz"
    code, out, err = run_main(capsys, "surface", *argv, "-o", target)
    assert (code, out, err) == (0, "", "")
    with np.load(target) as data:
        return {key: data[key] for key in data.files}


def expected_loss(scene, x_value, y_value) -> float:
    theta = scene.surface_center.copy()
    x_param, y_param = scene.surface_axes
    theta[scene.shape.param_index(x_param)] = x_value
    theta[scene.shape.param_index(y_param)] = y_value
    return scene.objective().value(theta)


@pytest.mark.parametrize("name", PRESETS)
def test_surface_npz(name, tmp_path, capsys):
    scene = load_preset(name)
    data = surface_npz(capsys, tmp_path, name)
    R = scene.surface.resolution
    assert data["x"].shape == (R,) and data["y"].shape == (R,) and data["loss"].shape == (R, R)
    assert str(data["x_param"]) == scene.surface_axes[0] and str(data["y_param"]) == scene.surface_axes[1]
    for axis, fixed, start in (("x", scene.surface.x_range, 0), ("y", scene.surface.y_range, 1)):
        values = data[axis]
        if fixed is not None:
            np.testing.assert_array_equal(values, np.linspace(*fixed, R))
        else:  # automatic: evenly spaced and framing the start
            np.testing.assert_allclose(np.diff(values), values[1] - values[0], rtol=1e-9)
            start_value = scene.surface_center[scene.shape.param_index(scene.surface_axes[start])]
            assert values[0] < start_value < values[-1]
    assert np.isfinite(data["loss"]).all()
    # loss[i, j] is L at (x[j], y[i]): rows follow y, columns follow x
    for i, j in [(0, 0), (3, 17), (R - 1, 5), (20, R - 1), (R // 2, R // 3)]:
        assert data["loss"][i, j] == pytest.approx(expected_loss(scene, data["x"][j], data["y"][i]),
                                                   rel=1e-9, abs=1e-12)


def test_surface_resolution_and_formats(tmp_path, capsys):
    scene = load_preset("regression-outliers")
    x_param, y_param = scene.surface_axes
    data = surface_npz(capsys, tmp_path, "regression-outliers", "--resolution", "9")
    assert data["loss"].shape == (9, 9)
    assert data["loss"][2, 7] == pytest.approx(expected_loss(scene, data["x"][7], data["y"][2]), rel=1e-9)

    assert run_main(capsys, "surface", "regression-outliers", "--resolution", "9", "-o", tmp_path / "s.json")[0] == 0
    as_json = json.loads((tmp_path / "s.json").read_text())
    assert (as_json["x_param"], as_json["y_param"]) == (x_param, y_param)
    np.testing.assert_array_equal(as_json["x"], data["x"])
    np.testing.assert_array_equal(as_json["y"], data["y"])
    np.testing.assert_array_equal(as_json["loss"], data["loss"])

    code, stdout, err = run_main(capsys, "surface", "regression-outliers", "--resolution", "9")
    assert (code, err) == (0, "") and json.loads(stdout) == as_json  # JSON on stdout by default

    assert run_main(capsys, "surface", "regression-outliers", "--resolution", "9", "-o", tmp_path / "s.csv")[0] == 0
    header, rows = parse_csv((tmp_path / "s.csv").read_text())
    assert header == [x_param, y_param, "loss"]
    if (x_param, y_param) == ("W[0,0]", "b[0]"):
        assert (tmp_path / "s.csv").read_text().startswith('"W[0,0]",b[0],loss\n')  # quoted where needed
    assert rows == [[data["x"][j], data["y"][i], data["loss"][i, j]] for i in range(9) for j in range(9)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.json", "s.npz"]


def test_surface_automatic_ranges(tmp_path, capsys):
    document = doc(task="binary", data=BINARY_DATA, init={"W": [[0.5, -0.5]], "b": [0.2]}, steps=30)
    scene = read_scene(write_doc(tmp_path, document))
    assert scene.surface.x_range is None and scene.surface_axes == ("W[0,0]", "W[0,1]")
    data = surface_npz(capsys, tmp_path, tmp_path / SCENE, "--resolution", "16")
    assert data["loss"].shape == (16, 16) and np.isfinite(data["loss"]).all()
    assert data["x"][0] < 0.5 < data["x"][-1] and data["y"][0] < -0.5 < data["y"][-1]
    assert data["loss"][5, 11] == pytest.approx(expected_loss(scene, data["x"][11], data["y"][5]), rel=1e-9)


def test_surface_of_a_divergent_scene(tmp_path, capsys):
    document = preset_doc("linear-regression")
    document["optimizer"]["lr"] = 1e6
    document["surface"].pop("x_range", None)
    document["surface"].pop("y_range", None)
    write_doc(tmp_path, document)
    data = surface_npz(capsys, tmp_path, tmp_path / SCENE, "--resolution", "8")
    assert np.isfinite(data["x"]).all() and np.isfinite(data["y"]).all()


def test_surface_center(tmp_path, capsys):
    document = preset_doc("binary-2d-blobs")
    document["surface"]["center"] = {"W": [[1.0, 2.0]], "b": [-3.0]}
    scene = read_scene(write_doc(tmp_path, document))
    data = surface_npz(capsys, tmp_path, tmp_path / SCENE, "--resolution", "5")
    assert data["loss"][1, 3] == pytest.approx(expected_loss(scene, data["x"][3], data["y"][1]), rel=1e-9)
    theta = np.array([[data["x"][3], data["y"][1], -3.0]])
    assert data["loss"][1, 3] == pytest.approx(scene.objective().value(theta), rel=1e-9)


# ---------------------------------------------------------------- scene files round trip

@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trip(name, tmp_path):
    scene = read_scene(preset_path(name))
    assert scene == load_preset(name)
    write_scene(scene, tmp_path / "copy.json")
    again = read_scene(tmp_path / "copy.json")
    assert again == scene
    assert scene_to_dict(again) == scene_to_dict(scene)
    original = preset_doc(name)
    written = json.loads((tmp_path / "copy.json").read_text(encoding="utf-8"))
    for key in set(original) - {"lossviz", "task", "data", "dims", "classes", "loss", "init", "optimizer",
                                "steps", "tol", "seed", "surface"}:
        assert written[key] == original[key]  # title, notes, ...
    assert again.title == original["title"]


def test_unknown_top_level_keys_survive_a_round_trip(tmp_path):
    document = doc(my_tool={"version": 3, "tags": ["a", "ü", None, True, 2.5, 10**30]},
                   notes="line 1\nline 2", odd="\ud800 lone surrogate")
    (tmp_path / "in.json").write_text(json.dumps(document), encoding="utf-8")
    scene = read_scene(tmp_path / "in.json")
    assert scene.extra == {key: document[key] for key in ("my_tool", "odd")} and scene.notes == "line 1\nline 2"
    write_scene(scene, tmp_path / "out.json")
    again = read_scene(tmp_path / "out.json")
    assert again == scene and again.extra == scene.extra
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["my_tool"] == document["my_tool"]


def test_empty_dataset_is_a_valid_document(tmp_path):
    scene = read_scene(write_doc(tmp_path, doc(data={"x": [], "y": []})))
    assert scene.data.size == 0
    write_scene(scene, tmp_path / "copy.json")
    assert read_scene(tmp_path / "copy.json") == scene


# ---------------------------------------------------------------- no Qt in the headless commands

def test_headless_commands_do_not_import_qt(tmp_path):
    script = (
        "import sys\n"
        "from lossviz.cli import main\n"
        "codes = [main(['presets']), main(['fit', 'binary-2d-blobs', '--steps', '3']),\n"
        "         main(['surface', 'xor', '--resolution', '4', '-o', 's.npz']),\n"
        "         main(['surface', 'sine-samples', '--of', 'population', '--resolution', '4', '-o', 'p.npz']),\n"
        "         main(['surface', 'sine-samples', '--of', 'sample:2', '--resolution', '4', '-o', 'p.npz']),\n"
        "         main(['sample', 'population-line', '-n', '5', '-o', 'd.json']),\n"
        "         main(['fit', 'missing.json'])]\n"
        "gui = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "             or m.startswith('lossviz.gui'))\n"
        "print('CODES', codes, 'GUI', gui, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-1] == "CODES [0, 0, 0, 0, 0, 0, 2] GUI []"

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "lossviz", "fit", "xor", "--steps", "2"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "lossviz.cli" in imported
    assert not {m for m in imported if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")}


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "too large"])
@pytest.mark.parametrize("command", [["fit"], ["surface"], ["render", "-o", "out.png"]])
def test_a_pipe_a_device_a_folder_or_a_huge_file_is_refused_at_once(tmp_path, kind, command):
    from lossviz.core.files import MAX_INPUT_BYTES

    if kind == "fifo":
        target = tmp_path / "scene.json"
        os.mkfifo(target)
    elif kind == "device":
        target = Path("/dev/zero")
    elif kind == "folder":
        target = tmp_path / "folder.json"
        target.mkdir()
    else:
        target = tmp_path / "huge.json"
        with open(target, "wb") as file:  # sparse: no disk is used
            file.truncate(MAX_INPUT_BYTES + 1)
    argv = [sys.executable, "-m", "lossviz", command[0], str(target), *command[1:]]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, timeout=60)  # a hang fails here
    assert done.returncode == 2
    assert_one_error_line(done.stderr, [str(target), {"fifo": "not a regular file", "device": "not a regular file",
                                                      "folder": "is a folder", "too large": "too large"}[kind]])
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize("fraction, n, held", [(0.5, 3, 1), (0.9, 3, 1), (0.9, 2, 0), (0.6, 1, 0), (0.9, 0, 0)])
def test_a_split_holds_out_fewer_samples_where_it_must_and_the_scene_still_fits(fraction, n, held, tmp_path, capsys):
    """Whatever lossviz writes, lossviz reads: a scene with too few samples for its test fraction is not refused; its
    split holds out fewer, so that 2 (or all, when there are fewer) still train."""
    document = doc(split={"test_fraction": fraction}, data={"x": [[float(i)] for i in range(n)],
                                                            "y": [0.5 * i for i in range(n)]})
    path = write_doc(tmp_path, document)
    scene = read_scene(path)
    train, test = scene.design().train, scene.design().test
    assert (len(train), len(test)) == (n - held, held)
    if n:
        code, out, _ = run_main(capsys, "fit", path, "--steps", "2")
        assert code == 0 and json.loads(out)["status"] == "max_steps"

