"""Speed of the app (offscreen): surface updates while dragging, GUI stalls while training, startup.

    python benchmarks/bench_app.py

Prints one summary line per target of issue 3. Timings are printed, never asserted.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from lossviz.core.generators import blobs  # noqa: E402
from lossviz.core.presets import load_preset  # noqa: E402
from lossviz.core.scene import scene_from_dict  # noqa: E402
from lossviz.gui import MainWindow  # noqa: E402

TMP = Path(tempfile.mkdtemp(prefix="lossviz-bench-app-"))


def make_window(scene):
    settings = QtCore.QSettings(str(TMP / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    window = MainWindow(scene, settings=settings, recovery_dir=TMP / "recovery")
    window.resize(1300, 820)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def wait_until(condition, timeout=20.0):
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError
        QTest.qWait(2)


def to_viewport(widget, x, y):
    viewbox = widget.getPlotItem().getViewBox()
    return widget.mapFromScene(viewbox.mapViewToScene(QtCore.QPointF(x, y)))


def bench_drag(seconds=2.0):
    X, y = blobs(200, 0.5, 7)
    scene = scene_from_dict({"lossviz": 1, "task": "binary", "loss": "bce",
                             "data": {"x": np.round(X, 3).tolist(), "y": y.tolist()},
                             "surface": {"x_range": [-4, 4], "y_range": [-4, 4], "resolution": 128}})
    window = make_window(scene)
    wait_until(window.surface_idle)
    viewport = window.data_view.viewport()
    x0, y0 = scene.data.X[0]
    start = to_viewport(window.data_view, x0, y0)
    shown_before = window.surfaceShown
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    began = time.perf_counter()
    i = 0
    while time.perf_counter() - began < seconds:
        i += 1
        angle = i * 0.05
        QTest.mouseMove(viewport, QtCore.QPoint(start.x() + round(120 * np.sin(angle)), start.y() + round(60 * angle % 90)))
        QTest.qWait(16)
    dragged = time.perf_counter() - began
    updates = window.surfaceShown - shown_before
    coarse_shape = window.surface_plot.surface.loss.shape
    end = QtCore.QPoint(start.x() + 40, start.y() + 40)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    released = time.perf_counter()
    sequence = window.surface_sequence
    wait_until(lambda: window.shown_surface_sequence >= sequence
               and window.surface_plot.surface.loss.shape == (128, 128))
    follow = time.perf_counter() - released
    window.document._mark_clean()
    window.shutdown()
    window.close()
    return updates / dragged, follow, coarse_shape, i / dragged


def bench_stalls(preset, seconds=3.0):
    window = make_window(load_preset(preset))
    wait_until(window.surface_idle)
    window.speedRequested.emit(0.0)  # as fast as possible
    window.controls.run.setChecked(True)
    lateness = []
    timer = QtCore.QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        lateness.append(now - last[0] - 0.010)
        last[0] = now

    timer.timeout.connect(tick)
    timer.start()
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        QTest.qWait(50)
    timer.stop()
    steps = window.step
    window.controls.run.setChecked(False)
    window.document._mark_clean()
    window.shutdown()
    window.close()
    print(f"  ({preset}: {len(lateness)} timer ticks in {seconds} s)")
    values = np.array(lateness[1:]) * 1000
    return float(values.max()), float(np.percentile(values, 99)), steps / seconds


CHILD = """
import os, sys, time
t0 = float(sys.argv[1])
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtCore, QtWidgets
QtCore.QStandardPaths.setTestModeEnabled(True)
app = QtWidgets.QApplication(sys.argv[:1])

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Type.Paint and obj.parent() is not None \
                and obj.parent().objectName() == "dataView":  # the data view's viewport
            print(time.time() - t0, flush=True)
            os._exit(0)
        return False

watcher = FirstPaint()
app.installEventFilter(watcher)
from lossviz.gui.app import run_app
run_app(None)
"""


def bench_startup(runs=3):
    times = []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, repr(t0)], capture_output=True, text=True, timeout=60)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times), times


def main():
    pg.setConfigOption("mouseRateLimit", -1)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])  # noqa: F841
    rate, follow, coarse, moves = bench_drag()
    stalls = {preset: bench_stalls(preset) for preset in ("binary-2d-blobs", "multiclass-3", "optimizer-race")}
    startup, startups = bench_startup()
    print(f"  drag: {moves:.0f} mouse moves/s, coarse surface {coarse[0]}x{coarse[1]} during the drag")
    for preset, (worst, p99, rate_steps) in stalls.items():
        print(f"  training flat out on {preset}: {rate_steps:.0f} steps/s, 10 ms timer late by max {worst:.1f} ms, p99 {p99:.1f} ms")
    print(f"  startup runs: {', '.join(f'{t:.2f} s' for t in startups)}")
    print("summary:")
    print(f"drag 1 point of 200 (2-D BCE): surface updates {rate:.1f}/s (target >= 20) "
          f"[{'met' if rate >= 20 else 'MISSED'}]")
    print(f"full-resolution surface after release: {follow * 1000:.0f} ms (target <= 300) "
          f"[{'met' if follow <= 0.3 else 'MISSED'}]")
    worst = max(w for w, _, _ in stalls.values())
    print(f"GUI stall while training flat out: max {worst:.1f} ms over 3 presets (target <= 30) "
          f"[{'met' if worst <= 30 else 'MISSED'}]")
    print(f"startup to painted window: {startup:.2f} s median of 3 (target <= 1.5) "
          f"[{'met' if startup <= 1.5 else 'MISSED'}]")
    os._exit(0)  # the Qt application is done; skip interpreter teardown of Qt objects


if __name__ == "__main__":
    main()
