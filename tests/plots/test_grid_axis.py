"""The live window's axes (plots/grid_axis.py) draw the grid that pyqtgraph's axes draw: the same lines, where they were,
only filled as short rectangles (Qt's thread pool is not asked for each translucent line)."""

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from lossviz.plots.grid_axis import ROWS_PER_PIECE, GridAxis, fill_line, live_axes
from lossviz.plots.style import style_plot
from lossviz.plots.theme import DARK, LIGHT


def grid_plot(qtbot, axes: dict | None, theme=LIGHT) -> pg.PlotWidget:
    """A styled plot (grid on) over a fixed range, with ``axes`` or pyqtgraph's own."""
    widget = pg.PlotWidget(background=theme.background, axisItems=axes)
    qtbot.addWidget(widget)
    widget.resize(420, 760)  # taller than a piece: vertical grid lines come in several
    style_plot(widget.getPlotItem(), theme, "title", "x", "y")
    widget.setRange(xRange=(-7.3, 11.9), yRange=(-13.1, 4.4), padding=0)
    widget.getViewBox().disableAutoRange()
    return widget


def pixels(widget: pg.PlotWidget) -> np.ndarray:
    """The widget drawn now, as an (h, w, 3) int array."""
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    rows = np.array(image.constBits()).reshape(image.height(), image.bytesPerLine())
    return rows[:, :3 * image.width()].reshape(image.height(), image.width(), 3).astype(int)


def test_live_axes_draw_pyqtgraphs_grid_and_ticks(qtbot):
    for theme in (LIGHT, DARK):
        ours = pixels(grid_plot(qtbot, live_axes(), theme))
        theirs = pixels(grid_plot(qtbot, None, theme))
        assert ours.shape == theirs.shape
        differ = np.abs(ours - theirs).max(axis=2) > 0
        # the same picture but where a translucent grid line meets the opaque axis line (drawn last now): one pixel
        # a line (73 here), never a line moved or missing (that would be hundreds of pixels, side by side)
        assert differ.sum() < 300, differ.sum()
        rows, columns = np.nonzero(differ)
        lone = [(r, c) for r, c in zip(rows, columns, strict=True)
                if not (differ[r, max(c - 1, 0)] or differ[r, min(c + 1, differ.shape[1] - 1)]
                        or differ[max(r - 1, 0), c] or differ[min(r + 1, differ.shape[0] - 1), c])]
        assert len(lone) >= 0.9 * len(rows)  # scattered pixels


def test_only_the_two_shown_axes_are_replaced(qtbot):
    widget = grid_plot(qtbot, live_axes())
    plot = widget.getPlotItem()
    assert isinstance(plot.getAxis("left"), GridAxis) and isinstance(plot.getAxis("bottom"), GridAxis)
    assert not plot.getAxis("right").isVisible() and not plot.getAxis("top").isVisible()


class Recorder(QtGui.QPainter):
    """Counts the rectangles filled through it (on a picture that is thrown away)."""

    def __init__(self):
        self.picture = QtGui.QPicture()
        super().__init__(self.picture)
        self.rectangles = []

    def fillRect(self, rect, colour):
        """Remember ``rect``, then fill it."""
        self.rectangles.append(rect)
        super().fillRect(rect, colour)


def test_translucent_lines_are_filled_in_pieces_opaque_and_slanted_ones_are_not(qapp):
    from PySide6 import QtCore

    translucent, opaque = pg.mkPen(QtGui.QColor(34, 34, 34, 60)), pg.mkPen(QtGui.QColor(34, 34, 34))
    painter = Recorder()
    try:
        assert fill_line(painter, translucent, QtCore.QPointF(3.5, 10.0), QtCore.QPointF(3.5, 10.0 + 2.5 * ROWS_PER_PIECE))
        pieces = painter.rectangles
        assert len(pieces) == 3 and all(piece.height() <= ROWS_PER_PIECE for piece in pieces)
        assert sum(piece.height() for piece in pieces) == 2.5 * ROWS_PER_PIECE
        assert pieces[0].top() == 10.0 and pieces[-1].bottom() == 10.0 + 2.5 * ROWS_PER_PIECE
        assert fill_line(painter, translucent, QtCore.QPointF(300.0, 7.25), QtCore.QPointF(20.0, 7.25))
        assert painter.rectangles[-1] == QtCore.QRectF(20.0, 6.75, 280.0, 1.0)  # one row, one fill
        assert not fill_line(painter, opaque, QtCore.QPointF(0, 0), QtCore.QPointF(0, 500))
        assert not fill_line(painter, translucent, QtCore.QPointF(0, 0), QtCore.QPointF(40, 500))
        assert len(painter.rectangles) == 4
    finally:
        painter.end()


def test_an_axis_title_is_laid_out_again_only_when_its_text_changes(qtbot):
    widget = grid_plot(qtbot, live_axes())
    axis = widget.getPlotItem().getAxis("bottom")
    laid_out = []
    set_html = axis.label.setHtml
    axis.label.setHtml = lambda html: (laid_out.append(html), set_html(html))  # type: ignore[method-assign]
    style_plot(widget.getPlotItem(), LIGHT, "title", "x", "y")  # pens and title set again, as a theme switch does
    for step in range(20):
        widget.setRange(xRange=(-7.3 - step, 11.9 + step), padding=0)
    assert laid_out == []
    widget.setLabel("bottom", "w<sub>1</sub>")
    widget.setRange(xRange=(0.0, 2.0), padding=0)
    widget.setLabel("bottom", "w<sub>2</sub>", units="m")
    widget.setRange(xRange=(0.0, 2e-6), padding=0)
    assert len(laid_out) == 2 and "w<sub>1</sub>" in laid_out[0] and "w<sub>2</sub> (m)" in laid_out[1]
    # what a fresh axis shows for the same title and range
    fresh = grid_plot(qtbot, live_axes())
    fresh.setLabel("bottom", "w<sub>2</sub>", units="m")
    fresh.setRange(xRange=(0.0, 2e-6), padding=0)
    assert axis.label.toHtml() == fresh.getPlotItem().getAxis("bottom").label.toHtml()
    assert axis.height() == fresh.getPlotItem().getAxis("bottom").height() and "w2 (m)" in axis.label.toPlainText()
