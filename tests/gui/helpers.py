"""Drive the window with real mouse events at data coordinates."""

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


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
