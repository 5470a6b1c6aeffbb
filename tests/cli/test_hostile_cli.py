"""The command line under hostile paths and broken outputs (issue 13): one row per case, real subprocesses. Every
case either works as a user expects or exits 2 with one ``lossviz: error:`` line, and no device, symlink or existing
file is replaced or truncated."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lossviz.cli.terminal import progress_bar
from lossviz.core.scene import read_scene

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
XOR = ["fit", "xor", "--steps", "2"]


def run(argv, cwd, stdout=subprocess.PIPE, env=None):
    """``lossviz argv`` in ``cwd``: (exit code, stdout text, stderr text)."""
    environment = dict(os.environ, **(env or {}))
    done = subprocess.run([sys.executable, "-m", "lossviz", *argv], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          env=environment, timeout=120)
    out = done.stdout.decode("utf-8", "backslashreplace") if isinstance(done.stdout, bytes) else ""
    return done.returncode, out, done.stderr.decode("utf-8", "backslashreplace")


def one_error_line(err: str, *fragments: str) -> None:
    assert err.startswith("lossviz: error: ") and err.count("\n") == 1 and err.endswith("\n"), repr(err)
    assert "\x1b" not in err and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def device(folder: Path, name: str, major_minor: tuple[int, int]) -> Path:
    path = folder / name
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(*major_minor))
    return path


def is_char_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


needs_root = pytest.mark.skipif(not ROOT, reason="device nodes are made with os.mknod, which needs root")


@needs_root
def test_output_to_a_null_device_writes_to_it_and_keeps_it(tmp_path):
    null = device(tmp_path, "null", (1, 3))
    code, _, err = run([*XOR, "--format", "json", "-o", str(null)], tmp_path)
    assert code == 0 and err == "" and is_char_device(null)


@needs_root
@pytest.mark.parametrize(("argv", "name"), [([*XOR, "--format", "json"], "full"),
                                            (["render", "xor", "--size", "320x180"], "full.png")])
def test_output_to_a_full_device_is_refused_in_one_line_and_keeps_it(tmp_path, argv, name):
    full = device(tmp_path, name, (1, 7))
    code, _, err = run([*argv, "-o", str(full)], tmp_path)
    assert code == 2 and is_char_device(full)
    one_error_line(err, str(full))


def test_a_symlink_to_standard_output_is_kept(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    code, _, err = run([*XOR, "-o", str(link)], tmp_path)
    assert os.path.islink(link) and os.readlink(link) == "/proc/self/fd/1"
    assert code == 2  # its target, a pipe here, is no file: refused, never replaced
    one_error_line(err, "out.json")


@pytest.mark.parametrize("argv", [XOR, ["presets"]])
def test_a_full_standard_output_is_one_error_line(tmp_path, argv):
    with open("/dev/full", "wb") as full:
        code, _, err = run(argv, tmp_path, stdout=full)
    assert code == 2
    one_error_line(err, "standard output")


def test_a_closed_standard_output_is_one_error_line(tmp_path):
    done = subprocess.run(f"{sys.executable} -m lossviz fit xor --steps 2 >&-", shell=True, cwd=tmp_path,
                          capture_output=False, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    one_error_line(done.stderr, "standard output is closed")


def test_an_ascii_terminal_gets_one_error_line_not_a_traceback(tmp_path):
    code, out, err = run(["presets"], tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert code == 2 and out == ""
    one_error_line(err, "PYTHONIOENCODING")


def test_a_closed_pipe_is_a_quiet_exit(tmp_path):
    done = subprocess.run(f"{sys.executable} -m lossviz presets | head -1", shell=True, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.stderr == "" and len(done.stdout.splitlines()) == 1


def test_an_animation_too_large_for_memory_is_refused_before_it_starts(tmp_path, monkeypatch, capsys):
    import lossviz.cli.terminal
    from lossviz.cli import main

    monkeypatch.setattr(lossviz.cli.terminal, "available_memory", lambda: 10 ** 9)  # whatever this machine has
    assert main(["animate", "xor", "--size", "8192x8192", "-o", str(tmp_path / "a.gif")]) == 2
    assert not (tmp_path / "a.gif").exists()
    one_error_line(capsys.readouterr().err, "--size 8192x8192", "GB of memory")


def test_the_memory_estimate_refuses_what_does_not_fit(monkeypatch):

    from lossviz.cli import terminal
    from lossviz.core.errors import LossvizError

    monkeypatch.setattr(terminal, "available_memory", lambda: 2 * 10 ** 9)
    terminal.check_memory((1920, 1080), 1.0, 120)  # 1 GB: fits
    with pytest.raises(LossvizError, match="needs about 4.2 GB"):
        terminal.check_memory((4096, 4096), 1.0, 60)
    with pytest.raises(LossvizError, match="--scale 2"):
        terminal.check_memory((8192, 8192), 2.0, 1)


@pytest.mark.parametrize("name", ["a\nb.json", "x\x1b[2Jy.json"])
def test_control_characters_in_a_name_are_shown_escaped_on_one_line(tmp_path, name):
    code, _, err = run(["fit", name], tmp_path)
    assert code == 2
    one_error_line(err, name.encode("unicode_escape").decode("ascii"))


def test_a_long_legal_file_name_is_written(tmp_path):
    name = "a" * 245 + ".json"
    code, _, err = run([*XOR, "-o", name], tmp_path)
    assert code == 0 and err == "" and (tmp_path / name).stat().st_size > 0


def test_an_output_name_ending_in_a_slash_writes_nothing(tmp_path):
    code, _, err = run([*XOR, "-o", "out.json/"], tmp_path)
    assert code == 2 and not (tmp_path / "out.json").exists()
    one_error_line(err, "out.json/")


def test_underscored_numbers_in_a_table_are_not_numbers(tmp_path):
    (tmp_path / "t.csv").write_text("x,y\n1_000,1\n2,0\n3,1\n4,0\n")
    code, _, err = run(["import", "t.csv", "--x", "x", "--y", "y", "--task", "binary", "-o", "s.json"], tmp_path)
    assert code == 0 and "1 skipped (row 2)" in err
    assert read_scene(tmp_path / "s.json").data.X[:, 0].tolist() == [2.0, 3.0, 4.0]  # the 1_000 row is not data


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_only_after_its_delay(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    quick = progress_bar("steps", after=3600.0)
    quick(10, 100)
    quick(100, 100)
    assert terminal.getvalue() == ""  # a run quicker than the delay draws nothing
    bar = progress_bar("steps")
    bar(50, 100)
    bar(100, 100)
    assert terminal.getvalue().endswith("] 100/100 steps\n") and "50/100 steps" in terminal.getvalue()
    counted = _Terminal()  # what a bar draws: 30 marks, filled as the work goes, a line ended once done
    monkeypatch.setattr(sys, "stderr", counted)
    fits = progress_bar("fits")
    for done in range(1, 4):
        fits(done, 3)
    assert counted.getvalue() == (f"\r[{'#' * 10}{'.' * 20}] 1/3 fits\r[{'#' * 20}{'.' * 10}] 2/3 fits"
                                  f"\r[{'#' * 30}] 3/3 fits\n")


def test_features_that_would_not_fit_in_memory_are_refused_with_the_estimate(monkeypatch, capsys, tmp_path):
    """φ of degree 12 on many samples: the memory it needs is estimated before anything is made, and compared with
    what the machine has (here: as if it had 5 MB; it needs 12.5 MB)."""
    import json

    import lossviz.core.features
    from lossviz.cli import main
    from lossviz.core.presets import preset_text

    monkeypatch.setattr(lossviz.core.features, "available_memory", lambda: 5 * 10**6)
    document = json.loads(preset_text("sine-overfit"))
    document["features"] = {"degree": 12}
    document["data"] = {"x": [[i / 5000] for i in range(10_000)], "y": [0.0] * 10_000}
    document.pop("init", None)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["fit", str(path), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "features.degree: φ of degree 12 on 10,000 samples (12 features) needs about" in err and "GB of memory" in err
