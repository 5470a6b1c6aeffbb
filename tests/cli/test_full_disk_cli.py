"""Every output of every command onto a full disk and onto /dev/full: exit 2 with one error line, the old file as it
was, no temporary left behind (tests/full_disk.py makes the full disk)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lossviz.cli import main
from tests.full_disk import OLD_TEXT, full_disk, listing

TABLE = "x,y\n0,0.5\n1,1.5\n2,2.5\n3,2.9\n"
HEADLESS = [("fit", "old.json"), ("fit", "old.csv"), ("surface", "old.npz"), ("surface", "old.json"),
            ("surface", "old.csv"), ("sample", "old.json"), ("sample", "old.csv"), ("sweep", "old.csv"),
            ("sweep", "old.json"), ("import", "old.json")]
DRAWING = [("render", "old.png"), ("render", "old.svg"), ("render", "old.pdf"), ("sweep", "old.png"),
           ("sweep", "old.svg"), ("sweep", "old.pdf"), ("animate", "old.gif")]


def argv(command: str, output: str, table: Path) -> list[str]:
    """The command on a small scene (one with a distribution for ``sample``), writing ``output``."""
    if command == "import":
        return ["import", str(table), "--x", "x", "--y", "y", "-o", output]
    scene = "population-line" if command == "sample" else "linear-regression"
    extra = {"sweep": ["--degree", "1:2"], "animate": ["--steps", "3", "--size", "160x90"],
             "render": ["--size", "320x180"], "fit": ["--steps", "3"]}.get(command, [])
    return [command, scene, *extra, "-o", output]


def run_onto_full_disk(command: str, name: str, tmp_path: Path, monkeypatch, capsys) -> None:
    table = tmp_path / "t.csv"
    table.write_text(TABLE, encoding="utf-8")
    for target in ("old", "new"):
        with full_disk(tmp_path / target, monkeypatch, old_files=(name,)) as disk:
            output = disk / (name if target == "old" else "new" + Path(name).suffix)
            before = listing(disk)
            code = main(argv(command, str(output), table))
            err = capsys.readouterr().err
            assert code == 2, (command, name, err)
            assert err.startswith("lossviz: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
            assert "No space left on device" in err, err
            assert listing(disk) == before  # the old file as it was, nothing new, no temporary
            assert (disk / name).read_text(encoding="utf-8") == OLD_TEXT


@pytest.mark.parametrize("command, name", HEADLESS)
def test_a_full_disk_is_one_error_and_leaves_the_old_file(command, name, tmp_path, monkeypatch, capsys):
    run_onto_full_disk(command, name, tmp_path, monkeypatch, capsys)


@pytest.mark.gui
@pytest.mark.parametrize("command, name", DRAWING)
def test_a_full_disk_under_a_figure_is_one_error_and_leaves_the_old_file(command, name, tmp_path, monkeypatch,
                                                                          capsys):
    run_onto_full_disk(command, name, tmp_path, monkeypatch, capsys)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("command, name", HEADLESS + [pytest.param(*case, marks=pytest.mark.gui) for case in DRAWING])
def test_dev_full_is_one_error(command, name, tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text(TABLE, encoding="utf-8")
    suffix = Path(name).suffix
    link = tmp_path / f"full{suffix}"  # the format comes from the name; the bytes go to /dev/full
    link.symlink_to("/dev/full")
    code = main(argv(command, str(link), table))
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("lossviz: error: ") and "No space left on device" in err, (command, name, err)
    assert link.is_symlink() and os.readlink(link) == "/dev/full"
