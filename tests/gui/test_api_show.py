"""``lv.show`` (issue 22): the window from Python, its scene and its run read back while it is open."""

import numpy as np
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
