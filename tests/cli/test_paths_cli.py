"""Paths in and out, the same for every command: a symlink loop, a file name or a path too long for the system, a
pipe that nobody reads, a 5,000-digit column index — one ``lossviz: error:`` line naming the path (shortened when it
is very long), exit 2, nothing written and no temporary left, and never a hang. The first case of each family also
runs as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lossviz.cli import main

TABLE = "x,y\n0,0.5\n1,1.5\n2,2.5\n"
DRAWING = ("render", "animate")
COMMANDS = {  # a command, its arguments for an input and an output
    "fit": lambda i, o: ["fit", i, "-o", o + ".json"],
    "surface": lambda i, o: ["surface", i, "--resolution", "4", "-o", o + ".npz"],
    "sample": lambda i, o: ["sample", i, "-o", o + ".json"],
    "sweep": lambda i, o: ["sweep", i, "--degree", "1", "-o", o + ".csv"],
    "render": lambda i, o: ["render", i, "--size", "160x90", "-o", o + ".png"],
    "animate": lambda i, o: ["animate", i, "--size", "160x90", "--steps", "2", "-o", o + ".gif"],
    "import": lambda i, o: ["import", i, "--x", "x", "--y", "y", "-o", o + ".json"],
}


def prepared(tmp_path: Path, command: str) -> tuple[str, str]:
    """A good input (a scene, or a table for import) and a folder for the output."""
    if command == "import":
        (tmp_path / "t.csv").write_text(TABLE, encoding="utf-8")
        return str(tmp_path / "t.csv"), str(tmp_path / "out")
    return "population-line", str(tmp_path / "out")


def cases(tmp_path: Path, command: str) -> dict[str, tuple[list[str], str]]:
    """Each hostile path, as (argv, a fragment the error must say)."""
    good_input, out = prepared(tmp_path, command)
    make = COMMANDS[command]
    suffix = Path(make("x", "y")[-1]).suffix  # the output's suffix, which the command adds to the name it is given
    for name in ("loop", "loop" + suffix):
        (tmp_path / name).symlink_to(tmp_path / name)
    long_name = str(tmp_path / ("n" * 300))
    long_path = "/".join([str(tmp_path)] + ["d" * 200] * 25)
    os.mkfifo(tmp_path / ("fifo" + suffix))
    found = {
        "input: a symlink loop": (make(str(tmp_path / "loop"), out), "loop"),
        "input: a file name too long": (make(long_name, out), "too long"),
        "input: a path too long": (make(long_path, out), "too long"),
        "output: a symlink loop": (make(good_input, str(tmp_path / "loop")), "loop"),
        "output: a file name too long": (make(good_input, long_name), "too long"),
        "output: a path too long": (make(good_input, long_path), "too long"),
        "output: a pipe that nobody reads": (make(good_input, str(tmp_path / "fifo")), "nobody reads"),
    }
    if command == "import":
        found["a 5,000-digit column index"] = (["import", good_input, "--x", "9" * 5000, "--y", "y", "-o", out + ".json"],
                                               "no column")
    return found


def run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lossviz", *argv], capture_output=True, text=True, timeout=120)


def check(code: int, err: str, fragment: str, name: str = "") -> None:
    assert code == 2, (name, code, err)
    assert err.startswith("lossviz: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert fragment in err, err
    assert len(err) < 400, err  # a path of 5,000 characters is shortened


def files_made(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("out", ".lossviz")))


@pytest.mark.parametrize("command", [pytest.param(c, marks=[pytest.mark.gui] if c in DRAWING else []) for c in COMMANDS])
def test_hostile_paths_in_and_out_are_one_error(command, tmp_path, capsys, monkeypatch):
    import lossviz.core.files

    monkeypatch.setattr(lossviz.core.files, "PIPE_READER_WAIT", 0.05)  # no reader comes: no need to wait for one
    for number, (name, (argv, fragment)) in enumerate(cases(tmp_path, command).items()):
        code = main(argv)
        check(code, capsys.readouterr().err, fragment, name)
        if number == 0:  # the real command, once per command
            result = run(argv)
            check(result.returncode, result.stderr, fragment, name)
        assert files_made(tmp_path) == [], name
