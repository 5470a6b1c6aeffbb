"""Atomic writes: nothing half-written, modes kept, read-only files refused, stale temporaries removed."""

import os
import stat
import subprocess
import sys

import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.files import atomic_output, remove_stale_temporaries, write_atomic


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_usual_mode(tmp_path):
    private = tmp_path / "private.json"
    private.write_text("old")
    private.chmod(0o600)
    write_atomic(private, "new")
    assert private.read_text() == "new" and stat.S_IMODE(private.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.json"
    write_atomic(fresh, b"bytes")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.json", "private.json"]


def test_a_read_only_file_is_refused_and_left_alone(tmp_path):
    target = tmp_path / "keep.json"
    target.write_text("mine")
    target.chmod(0o444)
    with pytest.raises(LossvizError, match="read-only"):
        write_atomic(target, "theirs")
    assert target.read_text() == "mine" and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path):
    target = tmp_path / "out.png"
    target.write_text("before")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("the writer broke")
    assert target.read_text() == "before" and [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_stale_temporaries_of_ours_are_removed_on_the_next_write(tmp_path):
    gone = tmp_path / f".lossviz-{dead_pid()}-7.tmp.csv"  # left by a killed writer
    alive = tmp_path / f".lossviz-{os.getppid()}-1.tmp.json"  # a writer that still runs
    other = tmp_path / ".other-123-1.tmp"  # not ours
    for path in (gone, alive, other):
        path.write_text("x")
    write_atomic(tmp_path / "out.json", "{}")
    assert not gone.exists() and alive.exists() and other.exists()
    assert remove_stale_temporaries(tmp_path) == 0


def test_the_command_line_removes_temporaries_a_killed_save_left(tmp_path):
    left = tmp_path / f".lossviz-{dead_pid()}-0.tmp.csv"
    left.write_bytes(b"\0" * 4096)
    result = subprocess.run([sys.executable, "-m", "lossviz", "fit", "xor", "--steps", "2", "-o", str(tmp_path / "t.csv")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_a_long_target_name_fits_and_a_symlink_is_kept(tmp_path):
    long_name = tmp_path / ("n" * 250 + ".json")
    write_atomic(long_name, "{}")
    assert long_name.read_text() == "{}"
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_pipe_is_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", f"print(open({str(fifo)!r}).read(), end='')"],
                              stdout=subprocess.PIPE, text=True)
    write_atomic(fifo, "through the pipe")
    assert reader.communicate(timeout=60)[0] == "through the pipe"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_command_line_keeps_the_mode_of_a_file_it_replaces(tmp_path):
    target = tmp_path / "t.json"
    target.write_text("{}")
    target.chmod(0o600)
    result = subprocess.run([sys.executable, "-m", "lossviz", "fit", "xor", "--steps", "1", "-o", str(target)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_text().startswith('{"status"')
