"""Real start-ups that must never abort: ``lossviz SCENE`` in a process of its own, offscreen and on X11 under Xvfb,
on scene files at the edges of what lossviz accepts, and with every kind of broken recovery file waiting.

The window must open (painted, with the scene or, where the scene cannot be shown, the default one and the reason
in a dialog), close on request, and the process end with exit status 0: no traceback, no abort ("QThread:
Destroyed while thread … is still running" was an exit of 134 within 0.4 s).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lossviz.core.presets import preset_text

from .test_x11_window import xvfb_display

# ``lossviz ARGS`` as the command starts it, with the dialogs answered (printed) and a timer that closes the window
# once it is painted on its platform.
DRIVER = r'''
import sys
from PySide6 import QtCore, QtWidgets
from lossviz.gui.app import prepare_application
from lossviz.gui.dialogs import common as dialogs

app = prepare_application()
dialogs.show_error = lambda parent, title, text: print("ERROR", title, "|", " ".join(text.split()), flush=True)
dialogs.show_text = lambda parent, title, html: print("TEXT", title, "|", " ".join(html.split()), flush=True)
dialogs.ask_restore = lambda parent, when: print("ASKED", flush=True) or True
dialogs.ask_save_changes = lambda parent, name: "discard"

def close_when_painted():
    windows = [w for w in QtWidgets.QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
    handle = windows[0].windowHandle() if windows else None
    if handle is None or not handle.isExposed() or not windows[0].live.idle():
        QtCore.QTimer.singleShot(20, close_when_painted)
        return
    print("SHOWN", QtWidgets.QApplication.platformName(), "|", handle.title(), flush=True)
    QtCore.QTimer.singleShot(50, windows[0].close)

QtCore.QTimer.singleShot(0, close_when_painted)
from lossviz.cli import main
sys.exit(main(sys.argv[1:]))
'''


def scene(name: str = "sine-overfit", **changes: object) -> dict:
    """A bundled scene's document with top-level keys changed."""
    return {**json.loads(preset_text(name)), **changes}


def hostile_scenes() -> dict[str, dict]:
    """Scene files that ``lossviz fit`` accepts, at the edges of every number the window shows."""
    overfit = scene()
    few = scene(data={"x": [[0.0], [1.0]], "y": [0.0, 1.0]}, split={"test_fraction": 0.6, "seed": 3})
    one = scene(data={"x": [[0.5]], "y": [1.0]}, split={"test_fraction": 0.6, "seed": 0})
    population = scene("population-line")
    population["distribution"]["params"]["x_range"] = [-1e150, 1e150]
    population["distribution"]["params"]["slope"] = 0.0
    return {
        "split-seed-2**31": scene(split={"test_fraction": 0.3, "seed": 2**31}),
        "split-seed-2**63-1": scene(split={"test_fraction": 0.3, "seed": 2**63 - 1}),
        "batch-size-2**31": scene(optimizer={**overfit["optimizer"], "batch_size": 2**31}),
        "learning-rate-1e-300": scene(optimizer={"name": "gd", "lr": 1e-300}),
        "learning-rate-1e150": scene(optimizer={"name": "gd", "lr": 1e150}),
        "lambda-1e150": scene(regularization={"l2": 1e150}),
        "data-at-1e150": scene("linear-regression", data={"x": [[1e150], [-1e150], [0.0]], "y": [1e150, 0.0, -1e150]}),
        "split-of-two-points": few,
        "split-of-one-point": one,
        "seed-2**63-1": scene(seed=2**63 - 1),
        "population-x-range-1e150": population,
        "init-far-away": scene("linear-regression", init={"W": [[1e140]], "b": [-1e140]}),
    }


def broken_recovery_files() -> dict[str, str | bytes]:
    """Recovery files of every kind that cannot be restored."""
    good = json.loads(preset_text("xor"))
    return {
        "empty": "",
        "not-json": '{"lossviz": 1, "task": ',
        "binary": bytes(range(256)) * 4,
        "newer-version": json.dumps({**good, "lossviz": 2}),
        "distribution-name-a-list": json.dumps({**good, "distribution": {"name": ["line"]}}),
        "distribution-name-an-object": json.dumps({**good, "distribution": {"name": {}}}),
        "runs-not-a-list": json.dumps({**good, "runs": "fast"}),
        "view-theme-unknown": json.dumps({**good, "view": {"theme": "blue"}}),
        "start-that-overflows": json.dumps({**json.loads(preset_text("linear-regression")),
                                            "init": {"W": [[1e150]], "b": [1e150]},
                                            "data": {"x": [[1e150]], "y": [-1e150]}}),
        "a-list": "[1, 2, 3]",
    }


def start(argv: list[str], tmp_path: Path, platform: str, display: str | None = None) -> subprocess.CompletedProcess:
    """``lossviz ARGV`` with its own settings and data folders, closed once painted."""
    environment = {key: value for key, value in os.environ.items() if key not in ("WAYLAND_DISPLAY", "XAUTHORITY")}
    environment.update(QT_QPA_PLATFORM=platform, XDG_DATA_HOME=str(tmp_path / "data"),
                       XDG_CONFIG_HOME=str(tmp_path / "config"), **({"DISPLAY": display} if display else {}))
    return subprocess.run([sys.executable, "-c", DRIVER, *argv], capture_output=True, text=True, env=environment,
                          timeout=300)  # a guard against a hang, not a timing


def assert_opened_and_closed(result: subprocess.CompletedProcess, platform: str) -> list[str]:
    """The window was painted and closed, and the process ended well; returns its printed lines."""
    lines = result.stdout.splitlines()
    assert result.returncode == 0, (result.returncode, result.stdout[-2000:], result.stderr[-4000:])
    assert "Destroyed while thread" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-4000:]
    assert any(line.startswith(f"SHOWN {platform} |") for line in lines), (result.stdout, result.stderr[-3000:])
    return lines


def platforms() -> list[str]:
    """offscreen always; xcb where Xvfb is there."""
    return ["offscreen", *(["xcb"] if sys.platform.startswith("linux") and shutil.which("Xvfb") else [])]


@pytest.mark.parametrize("platform", platforms())
def test_the_window_opens_on_every_scene_at_the_edges(platform, tmp_path):
    cases = hostile_scenes()
    for name, document in cases.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")

    def run(name: str, display: str | None) -> tuple[str, subprocess.CompletedProcess]:
        folder = tmp_path / name
        folder.mkdir()
        return name, start([str(tmp_path / f"{name}.json")], folder, platform, display)

    with xvfb_display(tmp_path / "xvfb.log") if platform == "xcb" else _no_display() as display:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda name: run(name, display), cases))
    for name, result in results:
        lines = assert_opened_and_closed(result, platform)
        assert not [line for line in lines if line.startswith("ERROR")], (name, lines)  # the scene itself is shown
        assert any(Path(name).name in line or "—" in line for line in lines if line.startswith("SHOWN")), name


def test_a_scene_no_descent_can_start_on_opens_the_default_scene_and_says_why(tmp_path):
    """A scene ``lossviz fit`` refuses for its start (the loss overflows there) is read fine, but not shown: the
    window opens on the default scene, with fit's message in a dialog."""
    overflowing = scene("linear-regression", init={"W": [[1e150]], "b": [0.0]}, data={"x": [[1e150]], "y": [0.0]})
    path = tmp_path / "overflowing.json"
    path.write_text(json.dumps(overflowing), encoding="utf-8")
    fit = subprocess.run([sys.executable, "-m", "lossviz", "fit", str(path)], capture_output=True, text=True, timeout=120)
    assert fit.returncode == 2 and "not finite at the start θ" in fit.stderr
    lines = assert_opened_and_closed(start([str(path)], tmp_path, "offscreen"), "offscreen")
    errors = [line for line in lines if line.startswith("ERROR Cannot show the scene")]
    assert len(errors) == 1 and "not finite at the start θ" in errors[0] and "default scene" in errors[0]
    assert any("2-D binary classification" in line for line in lines if line.startswith("SHOWN"))


@pytest.mark.parametrize("content", ['{"task": "regression", "data": ', '{"distribution": {"name": ["line"]}}'])
def test_a_scene_that_cannot_be_read_opens_the_window_with_the_reason_in_a_dialog(content, tmp_path):
    """Started from a launcher, nobody reads stderr: the window opens on the default scene and says why in a dialog
    (the line goes to stderr too); the commands keep their exit-2 line."""
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    result = start([str(path)], tmp_path, "offscreen")
    lines = assert_opened_and_closed(result, "offscreen")
    errors = [line for line in lines if line.startswith("ERROR Cannot open the scene")]
    assert len(errors) == 1 and "broken.json" in errors[0] and "default scene" in errors[0], lines
    assert result.stderr.count("lossviz: error: ") == 1 and "broken.json" in result.stderr
    assert any("2-D binary classification" in line for line in lines if line.startswith("SHOWN"))
    fit = subprocess.run([sys.executable, "-m", "lossviz", "fit", str(path)], capture_output=True, text=True, timeout=120)
    assert fit.returncode == 2 and fit.stderr.startswith("lossviz: error: ")


@pytest.mark.parametrize("kind", list(broken_recovery_files()))
def test_a_broken_recovery_file_is_set_aside_and_the_window_opens(kind, tmp_path):
    folder = tmp_path / "data" / "lossviz" / "lossviz"
    folder.mkdir(parents=True)
    content = broken_recovery_files()[kind]
    broken = folder / "recovery-99999999-abc123.json"
    (broken.write_bytes if isinstance(content, bytes) else broken.write_text)(content)
    result = start(["xor"], tmp_path, "offscreen")
    lines = assert_opened_and_closed(result, "offscreen")
    assert any(line.startswith("TEXT Recovery file kept aside") for line in lines), lines
    assert not broken.exists() and len(list(folder.glob("recovery-99999999-abc123.broken-*.json"))) == 1


class _no_display:
    """No X server: a context that gives None."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
