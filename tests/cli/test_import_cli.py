"""``lossviz import``: a table to a scene (the dialog's scene for the same choices: tests/gui/test_import_gui.py), one
error line and no file for bad input, class names through the scene file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lossviz.cli import main
from lossviz.core.scene import read_scene, scene_to_text

ROOT = Path(__file__).resolve().parents[2]
SPECIES = ("setosa", "versicolor", "virginica")
IRIS_COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width", "species")


def iris_like_csv(path: Path) -> Path:
    """150 rows like Fisher's iris: 4 measurements (one decimal) and the species, 50 of each, in 3 groups."""
    rng = np.random.default_rng(3)
    means = {"setosa": (5.0, 3.4, 1.5, 0.2), "versicolor": (5.9, 2.8, 4.3, 1.3), "virginica": (6.6, 3.0, 5.6, 2.0)}
    lines = [",".join(IRIS_COLUMNS)]
    for name in SPECIES:
        for row in rng.normal(means[name], 0.3, size=(50, 4)):
            lines.append(",".join(f"{value:.1f}" for value in np.abs(row)) + f",{name}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(argv, cwd) -> subprocess.CompletedProcess:
    """``lossviz`` of this checkout in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lossviz", *map(str, argv)], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=env)


def test_skipped_rows_are_counted_on_stderr_in_one_line(tmp_path):
    (tmp_path / "t.csv").write_text("a;b;kind\n1;2;x\n;3;y\n4;oops;x\n5;6;y\n7;8;\n", encoding="utf-8")
    result = run(["import", "t.csv", "--x", "a,b", "--y", "kind", "-o", "s.json"], tmp_path)
    assert result.returncode == 0
    assert result.stderr == "2 rows imported, 3 skipped (rows 3, 4, 6)\n"
    scene = read_scene(tmp_path / "s.json")
    assert scene.data.X.tolist() == [[1.0, 2.0], [5.0, 6.0]] and scene.class_names == ("x", "y")


BAD_INPUTS = [
    ("x,y\nfoo,0\nbar,1\n", ["--x", "x", "--y", "y"], ["t.csv: no usable rows", "row 2", "'x'"]),
    ("x,y\n" + "".join(f"{i},c{i}\n" for i in range(11)), ["--x", "x", "--y", "y"], ["column 'y'", "11 classes", "row 12"]),
    ("x,y\n1,a\n2,b\n", ["--x", "z", "--y", "y"], ["no column 'z'", "'x', 'y'"]),
    ("1,2\n3,4\n", ["--x", "0", "--y", "2"], ["no column 2", "columns 0 … 1"]),
    ("1,2\n3,4\n", ["--x", "a", "--y", "1"], ["no column 'a'", "no header row"]),
    ("a,b,c,d\n1,2,3,x\n", ["--x", ",".join(["a"] * 51), "--y", "d"], ["--x", "1 to 50 feature columns"]),
    ("a,b,c\n1,2,3\n4,5,6\n", ["--x", "a,a", "--y", "c"], ["'a' is chosen twice"]),
    ("a,b,c\nx,y,1\nz,w,2\n", ["--x", "all", "--y", "c"], ["--x all", "no column but the label"]),
    ("a,b\n1,0.5\n2,1.5\n", ["--x", "a", "--y", "b", "--task", "binary"], ["column 'b'", "row 2", "not a class"]),
    ("a,b\n1,x\n2,y\n3,z\n", ["--x", "a", "--y", "b", "--task", "binary"], ["column 'b'", "3 classes", "row 4"]),
    ("a,b\n1,x\n", ["--x", "a", "--y", "b", "--task", "cubic"], ["--task", "invalid choice"]),
    ("a,b\n1,x\n", ["--x", "a"], ["--y"]),
    ("", ["--x", "0", "--y", "1"], ["the file is empty"]),
]


@pytest.mark.parametrize(("text", "argv", "fragments"), BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(text, argv, fragments, tmp_path):
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    (tmp_path / "kept.json").write_text("before", encoding="utf-8")
    for output in ("new.json", "kept.json"):
        result = run(["import", "t.csv", *argv, "-o", output], tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("lossviz: error: "), result.stderr
        assert all(fragment in lines[0] for fragment in fragments), lines[0]
    assert not (tmp_path / "new.json").exists() and (tmp_path / "kept.json").read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "t.csv"]


def test_paths_that_are_no_table_or_cannot_be_written(tmp_path, capsys):
    iris_like_csv(tmp_path / "iris.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    cases = [([tmp_path / "missing.csv"], "cannot read"), ([tmp_path], "is a folder"),
             ([tmp_path / "pipe.csv"], "not a regular file"),
             ([tmp_path / "iris.csv", "-o", tmp_path / "no" / "s.json"], "does not exist")]
    for extra, fragment in cases:
        output = ["-o", tmp_path / "s.json"] if len(extra) == 1 else []
        assert main(["import", *map(str, extra), "--x", "0", "--y", "4", *map(str, output)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and fragment in err, err
    assert not (tmp_path / "s.json").exists()


def test_class_names_round_trip_through_the_scene_file_and_are_checked(tmp_path, capsys):
    iris_like_csv(tmp_path / "iris.csv")
    assert main(["import", str(tmp_path / "iris.csv"), "--x", "0,1", "--y", "species", "-o", str(tmp_path / "a.json")]) == 0
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert '"class_names": ["setosa", "versicolor", "virginica"]' in text
    scene = read_scene(tmp_path / "a.json")
    assert scene.class_names == SPECIES and scene_to_text(scene) == text
    assert scene.class_name(2) == "virginica" and scene.class_name(7) == "7"
    for bad, fragment in ((["a", "b"], "class_names: expected 3 names, one per class, got 2"),
                          (["a", "", "c"], "class_names[1]: expected a non-empty name"),
                          (["a", 2, "c"], "class_names[1]: expected a non-empty name, got 2"),
                          ("abc", "class_names: expected a list of 3 names")):
        doc = json.loads(text)
        doc["class_names"] = bad
        (tmp_path / "b.json").write_text(json.dumps(doc), encoding="utf-8")
        assert main(["fit", str(tmp_path / "b.json"), "--steps", "1"]) == 2
        assert fragment in capsys.readouterr().err


def test_column_names_round_trip_and_are_checked(tmp_path, capsys):
    """The header's names of the chosen columns become the scene's input_names and label_name (the data view's
    axes); a table without a header keeps the lecture's symbols."""
    iris_like_csv(tmp_path / "iris.csv")
    assert main(["import", str(tmp_path / "iris.csv"), "--x", "2,3", "--y", "species", "--standardize",
                 "-o", str(tmp_path / "a.json")]) == 0
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    scene = read_scene(tmp_path / "a.json")
    assert scene.input_names == ("petal_length, standardised", "petal_width, standardised")
    assert scene.label_name == "species" and scene_to_text(scene) == text
    (tmp_path / "bare.csv").write_text("1.5,2,a\n2.5,1,b\n3,0.5,a\n", encoding="utf-8")
    assert main(["import", str(tmp_path / "bare.csv"), "--x", "0,1", "--y", "2", "-o", str(tmp_path / "c.json")]) == 0
    bare = read_scene(tmp_path / "c.json")
    assert bare.input_names is None and bare.label_name is None
    for key, bad, fragment in (("input_names", ["a"], "input_names: expected 2 names, one per input, got 1"),
                               ("input_names", ["a", " "], "input_names[1]: expected a non-empty name"),
                               ("label_name", 3, "label_name: expected a non-empty name, got 3"),
                               ("label_name", "", "label_name: expected a non-empty name")):
        doc = json.loads(text)
        doc[key] = bad
        (tmp_path / "b.json").write_text(json.dumps(doc), encoding="utf-8")
        assert main(["fit", str(tmp_path / "b.json"), "--steps", "1"]) == 2
        assert fragment in capsys.readouterr().err


def test_a_table_whose_scene_lossviz_could_not_read_back_is_refused_before_writing(tmp_path, capsys, monkeypatch):
    """Whatever lossviz writes, it reads: a scene larger than the reader's limit is refused with its size."""
    import lossviz.core.files

    table = tmp_path / "t.csv"
    table.write_text("x,y\n" + "".join(f"{i % 10},{'ab'[i % 2]}\n" for i in range(2000)), encoding="utf-8")
    assert main(["import", str(table), "--x", "x", "--y", "y", "-o", str(tmp_path / "whole.json")]) == 0
    scene_size = (tmp_path / "whole.json").stat().st_size
    (tmp_path / "whole.json").unlink()
    assert table.stat().st_size < scene_size
    monkeypatch.setattr(lossviz.core.files, "MAX_INPUT_BYTES", scene_size - 1)  # the table fits, its scene not
    code = main(["import", str(table), "--x", "x", "--y", "y", "-o", str(tmp_path / "t.json")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("lossviz: error: ") and "lossviz reads back" in err and " MB" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]  # nothing written, no temporary
