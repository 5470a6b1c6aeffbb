"""Drive the window with real mouse events at data coordinates, and wait for it by name.

The waits are guards against a hang, never timings: a test waits for a state (``settle``: nothing under way), and
fails only if it never comes within the guard.
"""

import sys
import threading
import traceback

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

SHORT_WAIT_MS = 10_000  # a state that comes at once (a timer, a signal already on its way)
WAIT_MS = 60_000  # the workers answer: a surface, a few steps, a fit
LONG_WAIT_MS = 120_000  # many samples, or a sweep of twelve fits


def settle(qtbot, window, timeout: int = WAIT_MS) -> None:
    """Wait until nothing is under way in ``window`` (or a LiveRun of its own): paused, every worker answered, nothing
    left to draw."""
    live = getattr(window, "live", window)
    try:
        qtbot.waitUntil(live.idle, timeout=timeout)
    except qtbot.TimeoutError:
        raise AssertionError(f"still under way after {timeout} ms: {live.under_way()}\n{other_threads()}") from None


def other_threads() -> str:
    """Where every thread but this one is now (what a worker that never answers is doing)."""
    return "\n".join(f"thread {ident}:\n" + "".join(traceback.format_stack(frame)[-12:])
                     for ident, frame in sys._current_frames().items() if ident != threading.get_ident())


def to_viewport(widget, x, y) -> QtCore.QPoint:
    """Data coordinates of a PlotWidget -> its viewport's pixel position."""
    viewbox = widget.getPlotItem().getViewBox()
    return widget.mapFromScene(viewbox.mapViewToScene(QtCore.QPointF(x, y)))


def click(widget, x, y, button=Qt.MouseButton.LeftButton):
    QTest.mouseClick(widget.viewport(), button, Qt.KeyboardModifier.NoModifier, to_viewport(widget, x, y))


def drag(widget, start, end, steps=8):
    viewport = widget.viewport()
    p0 = to_viewport(widget, *start)
    p1 = to_viewport(widget, *end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p0)
    for i in range(1, steps + 1):
        t = i / steps
        QTest.mouseMove(viewport, QtCore.QPoint(round(p0.x() + t * (p1.x() - p0.x())),
                                                round(p0.y() + t * (p1.y() - p0.y()))))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p1)


def move(widget, x, y):
    """A hover (no button) over data coordinates (x, y), delivered to the viewport as a real QMouseEvent."""
    viewport = widget.viewport()
    local = QtCore.QPointF(to_viewport(widget, x, y))
    event = QtGui.QMouseEvent(QtCore.QEvent.Type.MouseMove, local, QtCore.QPointF(viewport.mapToGlobal(local)),
                              Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(viewport, event)


def type_into(widget, text):
    """Focus a field, select what it holds, type ``text`` key by key and press Return."""
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def choose_fastest_speed(window):
    """Speed "as fast as possible", chosen with the keyboard (End on the focused box)."""
    speed = window.controls.speed
    speed.setFocus()
    QTest.keyClick(speed, Qt.Key.Key_End)
    assert speed.currentData() == 0.0 and window.document.view_options().speed == 0.0
