"""Pens, fonts, titles and axes shared by the plots of the window and of exported figures."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.plots.theme import Theme

DRAW_LIMIT = 1e9  # coordinates beyond this are clipped before drawing (Qt's geometry is float32-ish)


def make_pen(color: str, width: float, style: QtCore.Qt.PenStyle = QtCore.Qt.PenStyle.SolidLine,
             alpha: int = 255) -> QtGui.QPen:
    """A cosmetic pen (``width`` in pixels at any zoom)."""
    qcolor = QtGui.QColor(color)
    qcolor.setAlpha(alpha)
    pen = QtGui.QPen(qcolor)
    pen.setWidthF(width)
    pen.setStyle(style)
    pen.setCosmetic(True)
    return pen


def with_alpha(color: str, alpha: int) -> QtGui.QColor:
    """``color`` with opacity ``alpha`` (0–255)."""
    qcolor = QtGui.QColor(color)
    qcolor.setAlpha(alpha)
    return qcolor


def style_plot(plot: pg.PlotItem, theme: Theme, title: str = "", x_label: str = "", y_label: str = "",
               grid: bool = True) -> None:
    """Fonts, axis colours, grid and labels of one plot, sized by ``theme.scale``."""
    tick_font = QtGui.QFont()
    tick_font.setPointSizeF(theme.font * 0.9)
    label_style = {"color": theme.foreground, "font-size": f"{theme.font * 1.1:.1f}pt"}
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(make_pen(theme.foreground, max(1.0, theme.scale)))
        axis.setTextPen(theme.foreground)
        axis.setTickFont(tick_font)
        axis.setStyle(tickLength=int(-5 * theme.scale), tickTextOffset=int(4 * theme.scale))
        plain_numbers(axis)
    plot.showGrid(x=grid, y=grid, alpha=theme.grid_alpha)
    plot.setContentsMargins(0, 0, theme.font * 0.8, 0)  # the last tick label of the x axis stays inside
    plot.setLabel("bottom", x_label, **label_style)
    plot.setLabel("left", y_label, **label_style)
    set_title(plot, theme, title)


def plain_numbers(axis: pg.AxisItem) -> None:
    """Tick labels that are the numbers themselves: no SI factor (pyqtgraph 0.14 scales an axis below 1 by
    1000 and puts "(m)" in its label, which a narrow plot cuts off — L = 0.4 read as 400)."""
    axis.setSIPrefixEnableRanges(())  # no range of values turns the factor on ...
    axis.enableAutoSIPrefix(False)  # ... and this recomputes it now (as 1), whatever the range shown


def cache_axes(plot: pg.PlotItem) -> None:
    """Paint the axes from a pixmap cache (for the live window). An axis that draws the grid spans the
    whole plot, so without a cache every change inside the plot re-renders its tick labels, which costs
    more than all the data; the cache is rebuilt only when the axis itself changes (range, style)."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def set_title(plot: pg.PlotItem, theme: Theme, title: str) -> None:
    """The plot's title in the theme's colour and size."""
    plot.setTitle(title, color=theme.foreground, size=f"{theme.font * 1.15:.1f}pt")


def axis_label(plot: pg.PlotItem, name: str) -> str:
    """The text of the label of axis ``name`` ("bottom", "left", …)."""
    return str(plot.getAxis(name).labelText)


def clear_line(item: pg.PlotDataItem) -> None:
    """Empty a line item; an empty one is left alone (telling the scene of a change costs a repaint)."""
    x, _ = item.getData()
    if x is not None and len(x):
        item.setData([], [])


def clear_scatter(item: pg.ScatterPlotItem) -> None:
    """Remove every spot, and repaint where they were (ScatterPlotItem.clear alone changes the bounding
    rect without telling the scene, so the old spots stay on screen until something else repaints). An
    empty item is left alone: telling the scene of a change costs a repaint of the whole view."""
    if not len(item.data):
        return
    item.prepareGeometryChange()
    item.clear()


