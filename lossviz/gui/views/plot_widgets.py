"""Plot widgets that report what the mouse and the keys do, in data coordinates."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6 import QtGui
from PySide6.QtCore import Qt, Signal

from lossviz.plots.grid_axis import live_axes
from lossviz.plots.overrides import qt_override
from lossviz.plots.theme import LIGHT


class EditableViewBox(pg.ViewBox):
    """A ViewBox that reports clicks and point drags in data coordinates; other drags pan."""

    clickedAt = Signal(float, float, object)  # x, y, Qt.MouseButton
    shiftClickedAt = Signal(float, float)  # a left click with Shift held: x, y
    pointDragged = Signal(int, float, float, str)  # index, x, y, "start" | "move" | "finish"

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.hit_test: Callable[[float, float], int | None] = lambda x, y: None
        self._drag_index: int | None = None

    def mouseClickEvent(self, ev) -> None:
        """Report a click in data coordinates."""
        pos = self.mapSceneToView(ev.scenePos())
        ev.accept()
        if ev.button() == Qt.MouseButton.LeftButton and ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.shiftClickedAt.emit(pos.x(), pos.y())
            return
        self.clickedAt.emit(pos.x(), pos.y(), ev.button())

    def cancel_drag(self) -> None:
        """Forget the point being dragged; the rest of this mouse drag does nothing."""
        if self._drag_index is not None:
            self._drag_index = -1

    def mouseDragEvent(self, ev, axis=None) -> None:
        """A drag that starts on a point moves it; any other drag pans."""
        if ev.button() == Qt.MouseButton.LeftButton and self._drag_index == -1:  # a cancelled drag
            ev.accept()
            if ev.isFinish():
                self._drag_index = None
            return
        if ev.button() == Qt.MouseButton.LeftButton:
            if ev.isStart():
                down = self.mapSceneToView(ev.buttonDownScenePos())
                self._drag_index = self.hit_test(down.x(), down.y())
                if self._drag_index is not None:
                    self.pointDragged.emit(self._drag_index, down.x(), down.y(), "start")
            if self._drag_index is not None:
                ev.accept()
                pos = self.mapSceneToView(ev.scenePos())
                phase = "finish" if ev.isFinish() else "move"
                index = self._drag_index
                if ev.isFinish():
                    self._drag_index = None
                self.pointDragged.emit(index, pos.x(), pos.y(), phase)
                return
        super().mouseDragEvent(ev, axis)


class DataPlotWidget(pg.PlotWidget):
    """The data view: takes the keyboard focus when clicked (the keys then act on the plots)."""

    def __init__(self, viewbox: EditableViewBox):
        super().__init__(viewBox=viewbox, background=LIGHT.background, axisItems=live_axes())
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    @qt_override
    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:
        """A click gives the data view the keyboard focus."""
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(ev)

    def pointer_inside(self) -> bool:
        """True while the mouse pointer is over the view."""
        return self.rect().contains(self.mapFromGlobal(QtGui.QCursor.pos()))
