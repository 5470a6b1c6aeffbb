"""``lv.show`` (issue 22): the window from Python, its scene and its run read back while it is open."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import lossviz as lv

from .helpers import WAIT_MS, click, settle


def test_show_returns_a_live_window_whose_clicked_points_and_run_come_back(qtbot, monkeypatch, tmp_path):
    import pyqtgraph as pg

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the window's settings, not the user's
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    pg.setConfigOption("mouseRateLimit", -1)
    scene = lv.preset("binary-2d-blobs")
    window = lv.show(scene, block=False)
    try:
        main = window.window
        qtbot.waitExposed(main)
        main.activateWindow()
        qtbot.waitUntil(main.isActiveWindow, timeout=WAIT_MS)
        assert window.scene == scene
        before = len(window.scene.data_as_X_y[0])
        (x0, x1), (y0, y1) = main.views.data_viewbox.viewRange()
        click(main.views.data_view, (x0 + x1) / 2, (y0 + y1) / 2)
        qtbot.waitUntil(lambda: len(window.scene.data_as_X_y[0]) == before + 1, timeout=WAIT_MS)
        X, _ = window.scene.data_as_X_y
        np.testing.assert_allclose(X[-1], [(x0 + x1) / 2, (y0 + y1) / 2], atol=0.05 * (x1 - x0))
        for _ in range(3):
            QTest.mouseClick(main.controls.step, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: main.live.idle() and main.live.state().step == 3, timeout=WAIT_MS)
        settle(qtbot, main)
        assert window.run.steps == 3 and window.run.loss[-1] == main.live.state().loss
        W, b = window.theta
        np.testing.assert_array_equal(np.column_stack([W, b]), main.live.state().theta)
        window.set_scene(lv.preset("xor"))
        assert window.scene == lv.preset("xor")
        settle(qtbot, main)
    finally:
        window.close()
    assert main.live.stopped()
    with pytest.raises(lv.LossvizError, match="the window is closed"):
        window.run  # noqa: B018 (a property read)


HEADLESS_THEN_SHOW = r'''
import sys
import lossviz as lv
lv.render(lv.preset("xor").replace(steps=3), size=(320, 180)).save(sys.argv[1])
from PySide6 import QtGui
print("RENDERED", QtGui.QGuiApplication.platformName(), flush=True)
try:
    lv.show(lv.preset("xor"), block=False)
except lv.LossvizError as error:
    print("REFUSED", error, flush=True)
'''

RENDER_THEN_SHOW = r'''
import sys
import lossviz as lv
from PySide6 import QtCore, QtGui
lv.render(lv.preset("xor").replace(steps=3), size=(320, 180)).save(sys.argv[1])
window = lv.show(lv.preset("xor"), block=False)

def report_and_close():
    handle = window.window.windowHandle()
    if handle is None or not handle.isExposed():
        QtCore.QTimer.singleShot(20, report_and_close)
        return
    print("SHOWN", QtGui.QGuiApplication.platformName(), window.window.isVisible(), flush=True)
    window.close()

QtCore.QTimer.singleShot(0, report_and_close)
lv.run()
'''


def _environment(tmp_path, **more):
    """This process's environment without a display, its settings in ``tmp_path``, and ``more``."""
    import os
    from pathlib import Path

    root = str(Path(__file__).parents[2])
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "QT_QPA_PLATFORM")}
    environment.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
                       PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])), **more)
    return environment


def test_render_without_a_display_draws_offscreen_and_show_then_says_there_is_none(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", HEADLESS_THEN_SHOW, str(tmp_path / "x.png")], capture_output=True,
                            text=True, env=_environment(tmp_path), timeout=300)  # a guard against a hang
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.png").stat().st_size > 0
    assert "RENDERED offscreen" in result.stdout
    assert "REFUSED lossviz.show: no display here" in result.stdout


def test_a_render_before_show_under_a_display_leaves_the_window_visible(tmp_path):
    import shutil
    import subprocess
    import sys

    if not sys.platform.startswith("linux") or shutil.which("Xvfb") is None:
        import pytest

        pytest.skip("no Xvfb (Debian/Ubuntu: apt-get install xvfb)")
    from .test_x11_window import xvfb_display

    with xvfb_display(tmp_path / "xvfb.log") as display:
        result = subprocess.run([sys.executable, "-c", RENDER_THEN_SHOW, str(tmp_path / "x.png")],
                                capture_output=True, text=True, env=_environment(tmp_path, DISPLAY=display),
                                timeout=300)  # a guard against a hang, not a timing
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "x.png").stat().st_size > 0
    assert "SHOWN xcb True" in result.stdout, result.stdout + result.stderr[-3000:]


SHOW_AND_EXIT = r'''
import lossviz as lv
window = lv.show(lv.preset("xor"), block=False)
window.window.live.set_running(True)  # its workers busy when the script ends without lv.run()
print("OPENED", flush=True)
'''


def test_a_script_that_exits_with_a_window_open_stops_its_workers_and_exits_cleanly(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", SHOW_AND_EXIT], capture_output=True, text=True,
                            env=_environment(tmp_path, QT_QPA_PLATFORM="offscreen"), timeout=300)  # a guard
    assert "OPENED" in result.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    assert "QThread" not in result.stderr
