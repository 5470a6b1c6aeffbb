"""Crash recovery under real use: kill -9, two windows at once, broken recovery files, steady editing.

The windows that crash or run beside the test are real ``lossviz`` processes (``lossviz.cli.main``,
the start-up path of the command), with their user data folder in a temporary XDG_DATA_HOME and
their dialogs answered on stdout; the windows made in this process use the same folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene

from .helpers import WAIT_MS, click

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and XDG folders")

CHILD = r'''
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication(sys.argv[:1])
from lossviz.gui.controllers import recovery
from lossviz.gui.dialogs import common as dialogs
recovery.AUTOSAVE_QUIET_MS = 50
restore = os.environ.get("ANSWER_RESTORE") == "yes"
dialogs.ask_restore = lambda parent, when: print("ASKED", when, flush=True) or restore
dialogs.show_text = lambda parent, title, html: print("TEXT", title, "|", html.replace("\n", " "), flush=True)
dialogs.show_error = lambda parent, title, text: print("ERROR", title, text, flush=True)
dialogs.ask_save_changes = lambda parent, name: "discard"

def act():
    window = [w for w in QtWidgets.QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow"][0]
    print("READY", os.getpid(), window.document.scene.data.size, window.document.modified, flush=True)
    if os.environ.get("EDIT") == "yes":
        from lossviz.core import edits
        data = window.document.scene.data
        window.document.edit_data(edits.add_point(data, [2.5, 2.5], 1), "Add point")
        print("EDITED", window.document.scene.data.size, flush=True)
    if os.environ.get("QUIT") == "yes":
        window.close()

QtCore.QTimer.singleShot(100, act)
from lossviz.cli import main
sys.exit(main(sys.argv[1:]))
'''


def recovery_folder(tmp_path):
    """Where a lossviz process with XDG_DATA_HOME=tmp_path/data keeps its recovery files."""
    return tmp_path / "data" / "lossviz" / "lossviz"


def start_lossviz(tmp_path, *args, **env):
    """A real lossviz window in a child process; stdout is read line by line."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
                       XDG_CONFIG_HOME=str(tmp_path / "config"), **env)
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environment)


def read_until(process, prefix, timeout=60.0):
    """The first line of the child's output that starts with ``prefix`` (earlier lines are returned too)."""
    lines = []
    deadline = time.monotonic() + timeout  # a guard against a hang, not a timing
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith(prefix):
            return lines
    raise AssertionError(f"no {prefix!r} from the child; it said {lines}, stderr {process.stderr.read()[-2000:]}")


def wait_for(condition, timeout=60.0):
    """Wait for a child process's doing (this process's event loop does not run meanwhile)."""
    deadline = time.monotonic() + timeout  # a guard against a hang, not a timing
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.02)


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()
    process.stderr.close()


def own_files(tmp_path, pid):
    """The recovery files of the lossviz process ``pid``."""
    folder = recovery_folder(tmp_path)
    return sorted(folder.glob(f"recovery-{pid}-*.json")) if folder.exists() else []


def dead_pid() -> int:
    """The process id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def big_scene(tmp_path) -> str:
    """A 2-D binary scene of 30,000 samples in a file: its recovery file is written off the GUI thread."""
    import numpy as np

    from lossviz.core.dataset import Dataset
    from lossviz.core.scene import write_scene
    from lossviz.gui.workers.recovery_writer import BACKGROUND_SAMPLES

    rng = np.random.default_rng(3)
    n = BACKGROUND_SAMPLES + 10_000
    X = rng.normal(size=(n, 2)).round(3)
    path = tmp_path / "big.json"
    write_scene(load_preset("binary-2d-blobs").replace(data=Dataset(X, (X.sum(axis=1) > 0).astype(np.int64))), path)
    return str(path)


@pytest.mark.parametrize("size", ["small", "large"])
def test_unsaved_work_survives_kill_9_and_is_offered_at_the_next_start(tmp_path, size):
    scene = "binary-2d-blobs" if size == "small" else big_scene(tmp_path)
    blobs = load_preset("binary-2d-blobs").data.size if size == "small" else read_scene(scene).data.size
    first = start_lossviz(tmp_path, scene, EDIT="yes")
    read_until(first, "EDITED")
    wait_for(lambda: len(own_files(tmp_path, first.pid)) == 1)
    own, = own_files(tmp_path, first.pid)
    kill(first)  # a crash: no closeEvent, the file and its lock stay
    assert read_scene(own).data.size == blobs + 1
    second = start_lossviz(tmp_path, scene, ANSWER_RESTORE="yes", EDIT="no")
    lines = read_until(second, "READY")
    assert any(line.startswith("ASKED") for line in lines)
    assert lines[-1].split()[2:] == [str(blobs + 1), "True"]  # restored, and unsaved
    wait_for(lambda: len(own_files(tmp_path, second.pid)) == 1 and not own.exists())  # its own file covers it now
    kill(second)


def test_two_windows_each_keep_their_own_recovery_file(make_window, dialog_log, qtbot, tmp_path):
    running = start_lossviz(tmp_path, "binary-2d-blobs", EDIT="yes")
    read_until(running, "EDITED")
    wait_for(lambda: len(own_files(tmp_path, running.pid)) == 1)
    theirs, = own_files(tmp_path, running.pid)
    try:
        # a second window while the first runs: the first one's work is not offered, and stays protected
        second = make_window(load_preset("xor"), recovery_dir=recovery_folder(tmp_path))
        assert not second.offer_recovery()
        assert dialog_log["asked"] == [] and theirs.exists()
        second.recovery.set_autosave_delays(20, 80)
        click(second.views.data_view, 0.0, 1.9)
        ours = second.recovery.recovery_path
        qtbot.waitUntil(lambda: ours.exists() and ours != theirs, timeout=WAIT_MS)
    finally:
        kill(running)
    # the first window is gone: a third window offers its work (and never the second's, which still runs)
    dialog_log["answers"]["restore"] = False
    third = make_window(load_preset("xor"), recovery_dir=recovery_folder(tmp_path))
    assert not third.offer_recovery()
    assert [kind for kind, _ in dialog_log["asked"]] == ["restore"]
    assert not theirs.exists() and ours.exists()  # declined: that file is gone; the running window's stays
    second.close()
    assert not ours.exists()  # a clean close removes its own file


BROKEN = {
    "invalid UTF-8": b'{"lossviz": 1, "task": "binary", "data": {"x": [], "y": []}, "title": "\xff\xfe"}',
    "truncated": b'{"lossviz": 1, "task": "binary", "data": {"x": [[0, 1]',
    "empty": b"",
    "newer format": b'{"lossviz": 2, "task": "binary", "data": {"x": [], "y": []}}',
}


def test_an_unreadable_recovery_file_does_not_stop_the_app_and_is_kept_aside(tmp_path):
    folder = recovery_folder(tmp_path)
    folder.mkdir(parents=True)
    (folder / "recovery.json").write_bytes(BROKEN["invalid UTF-8"])  # the name earlier versions used
    child = start_lossviz(tmp_path, "xor", QUIT="yes")
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    texts = [line for line in out.splitlines() if line.startswith("TEXT")]
    assert len(texts) == 1 and "kept aside" in texts[0] and "recovery.broken-" in texts[0]  # the old name's stem
    assert "READY" in out  # the window opened
    kept = list(folder.glob("recovery.broken-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == BROKEN["invalid UTF-8"]
    assert not (folder / "recovery.json").exists()
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_every_kind_of_broken_recovery_file_is_set_aside_with_one_message(kind, make_window, dialog_log, tmp_path):
    folder = tmp_path / "recovery"
    folder.mkdir()
    left = folder / f"recovery-{dead_pid()}-0a1b2c3d4e5f.json"
    left.write_bytes(BROKEN[kind])
    window = make_window(load_preset("xor"), recovery_dir=folder)
    assert not window.offer_recovery()
    assert len(dialog_log["texts"]) == 1 and dialog_log["asked"] == []
    kept = list(folder.glob("*.broken-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == BROKEN[kind] and not left.exists()
    assert kept[0].name.startswith(left.stem)
    assert window.document.scene == load_preset("xor")


def test_a_large_recovery_file_is_written_in_the_background_and_never_outlives_a_save(make_window, qtbot,
                                                                                     dialog_log, tmp_path):
    window = make_window(read_scene(big_scene(tmp_path)), recovery_dir=tmp_path / "recovery")
    from lossviz.core import edits

    document = window.document
    path, size = window.recovery.recovery_path, document.scene.data.size
    document.edit_data(edits.add_point(document.scene.data, [9.5, 9.5], 1), "Add point")
    window.recovery.write_recovery()  # on the writer thread: returns at once
    window.recovery.writer.wait()
    assert read_scene(path).data.size == size + 1
    document.edit_data(edits.add_point(document.scene.data, [-9.5, 9.5], 0), "Add point")
    window.recovery.write_recovery()
    dialog_log["answers"]["save_path"] = str(tmp_path / "saved.json")
    window.files.save_as()  # saved while the write may still be under way: the recovery file goes, for good
    window.recovery.writer.wait()
    assert not path.exists() and read_scene(tmp_path / "saved.json").data.size == size + 2


def test_steady_editing_does_not_starve_the_autosave(make_window, qtbot, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"), recovery_dir=tmp_path / "recovery")
    window.recovery.set_autosave_delays(300, 600)  # quiet for 300 ms, or 600 ms after the first unsaved edit
    path = window.recovery.recovery_path
    for number in range(40):  # an edit every 100 ms: never quiet for 300 ms
        click(window.views.data_view, -2.5 + 0.1 * number, 2.5)
        qtbot.wait(100)
        if path.exists():
            break
    assert path.exists(), "no recovery file while the user kept editing"
    assert read_scene(path).data.size > load_preset("binary-2d-blobs").data.size


def test_work_left_by_an_earlier_process_of_the_same_id_is_offered(make_window, dialog_log, qtbot, tmp_path):
    """In a container the process id comes back: a lock naming this process, held by none of its windows."""
    from PySide6 import QtCore

    from lossviz.core.scene import scene_to_text

    folder = tmp_path / "recovery"
    folder.mkdir()
    left = folder / f"recovery-{os.getpid()}-00c0ffee0000.json"
    left.write_text(scene_to_text(load_preset("multiclass-3")))
    left.with_suffix(".lock").write_text(f"{os.getpid()}\n{QtCore.QCoreApplication.applicationName()}\n"
                                         f"{QtCore.QSysInfo.machineHostName()}\n")
    dialog_log["answers"]["restore"] = True
    window = make_window(load_preset("xor"), recovery_dir=folder)
    assert window.offer_recovery()
    assert window.document.scene.task == "multiclass" and window.document.modified
    assert not left.exists()


def test_two_unreadable_files_set_aside_at_once_keep_both(make_window, dialog_log, tmp_path):
    folder = tmp_path / "recovery"
    folder.mkdir()
    for number, content in enumerate((b"{", b"")):
        (folder / f"recovery-{dead_pid()}-{number:012x}.json").write_bytes(content)
    (folder / "recovery.json").write_bytes(b"\xff")
    window = make_window(load_preset("xor"), recovery_dir=folder)
    assert not window.offer_recovery()
    kept = sorted(p.read_bytes() for p in folder.glob("*.broken-*.json"))
    assert kept == sorted([b"{", b"", b"\xff"]) and len(dialog_log["texts"]) == 3
