"""The live window's axes: pyqtgraph's ``AxisItem`` with its translucent tick and grid lines drawn as short rectangles.

Qt's raster engine hands every fill of 96 or more spans (runs of pixels on one row) to its thread pool and waits for
it. A translucent line is drawn a pixel per span, so each grid line across a plot went to the pool several times: an
axis's lines cost ~8 ms (2 CPUs), paid whenever the axis changes — the first paint, a view framed anew while training
(the logit-difference view follows θ), the loss curve's growing step axis. The same pixels as rectangles of at most
``ROWS_PER_PIECE`` rows are filled at once: a whole axis (ticks, labels, grid) of the 3-class view at 100,000 × 50
inputs went 9 → 4 ms (horizontal lines, one span each) and 12 → 9 ms (vertical lines, in pieces).

Only the live window's plots use it (``live_axes``): vector exports keep pyqtgraph's lines (a line in pieces could
show seams in a PDF viewer's antialiasing).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

ROWS_PER_PIECE = 95  # Qt hands a fill of 96 or more spans (rows, at a device pixel ratio of 1) to its thread pool


class GridAxis(pg.AxisItem):
    """An axis whose translucent horizontal and vertical tick lines (the grid) are filled as rectangles, and whose
    title is laid out again only when its text changes."""

    _label_html: str | None = None  # the title's HTML as last laid out

    def _updateLabel(self) -> None:
        """pyqtgraph's, without laying the title out again when its HTML is the same: pyqtgraph does that on every
        change of pen, text pen, tick pen and SI prefix (~70 times on the live axes as a window opens, the same text)."""
        html = self.labelString()
        if html != self._label_html:
            self._label_html = html
            self.label.setHtml(html)
        self._adjustSize()
        self.picture = None
        self.update()

    def drawPicture(self, p: QtGui.QPainter, axisSpec, tickSpecs, textSpecs) -> None:
        """pyqtgraph's drawing, the translucent straight tick lines first, as rectangles (aliased, as pyqtgraph's)."""
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        lines = [(pen, p1, p2) for pen, p1, p2 in tickSpecs if not fill_line(p, pen, p1, p2)]
        super().drawPicture(p, axisSpec, lines, textSpecs)


def fill_line(painter: QtGui.QPainter, pen: QtGui.QPen, p1: QtCore.QPointF, p2: QtCore.QPointF) -> bool:
    """Fill the translucent horizontal or vertical line p1–p2 of ``pen`` as rectangles of at most ``ROWS_PER_PIECE``
    rows, its width thick; False (nothing drawn) for an opaque, dashed or slanted line."""
    colour = pen.color()
    if colour.alpha() == 255 or pen.style() != QtCore.Qt.PenStyle.SolidLine:
        return False
    width = max(pen.widthF(), 1.0)
    if p1.y() == p2.y():
        x0, x1 = sorted((p1.x(), p2.x()))
        painter.fillRect(QtCore.QRectF(x0, p1.y() - width / 2, x1 - x0, width), colour)
        return True
    if p1.x() != p2.x():
        return False
    y0, y1 = sorted((p1.y(), p2.y()))
    while y0 < y1:
        rows = min(float(ROWS_PER_PIECE), y1 - y0)
        painter.fillRect(QtCore.QRectF(p1.x() - width / 2, y0, width, rows), colour)
        y0 += rows
    return True


def live_axes() -> dict[str, pg.AxisItem]:
    """The shown axes of a live plot, left and bottom (``pg.PlotWidget(axisItems=live_axes())``; pyqtgraph shows
    every axis it is given)."""
    return {name: GridAxis(name) for name in ("left", "bottom")}
