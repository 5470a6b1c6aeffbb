"""Pens, fonts, titles and axes shared by the plots of the window and of exported figures."""

from __future__ import annotations

import math
import re
import weakref

import numpy as np
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


def scale_ticks(lo: float, hi: float, count: int = 5) -> list[tuple[float, str]]:
    """Ticks for a colour bar over [lo, hi]: round values 1, 2, 2.5 or 5 × 10^k apart, about ``count`` of them and never
    fewer than two (the ends, where the range is narrower than one step), each label distinct from its neighbours."""
    span = hi - lo
    if not (np.isfinite(span) and span > 0):
        return [(lo, f"{lo:g}")]
    base = 10.0 ** np.floor(np.log10(span / count))
    step = next(base * factor for factor in (1, 2, 2.5, 5, 10) if span / (base * factor) <= count)
    values = np.arange(np.ceil(lo / step - 1e-9) * step, hi + step * 1e-9, step)
    values = values[(values >= lo - step * 1e-9) & (values <= hi + step * 1e-9)]
    if len(values) < 2:
        values, step = np.array([lo, hi]), span
    digits = int(np.ceil(np.log10(max(abs(lo), abs(hi)) / step))) + 2 if max(abs(lo), abs(hi)) > 0 else 2
    digits = min(15, max(2, digits))
    return [(float(v), f"{0.0 if abs(v) < step * 1e-9 else v:.{digits}g}") for v in values]


LEGEND_CORNERS = ((1, 1), (0, 0), (0, 1), (1, 0))  # (right, top): the corners a legend may take, in this order
LEGEND_BOX = (0.45, 0.3)  # the part of a view's width and height that a legend covers, about


def emptiest_corner(xy: np.ndarray, view_range: list, current: tuple[int, int]) -> tuple[int, int]:
    """The corner (right, top) of the view whose legend-sized box holds the fewest of the points ``xy`` (M, 2, view
    coordinates); ``current`` unless another holds fewer (a legend does not jump between equals)."""
    (x0, x1), (y0, y1) = view_range
    if not (x1 > x0 and y1 > y0) or not len(xy):
        return current
    with np.errstate(invalid="ignore"):  # NaN (the gaps of a broken curve) counts nowhere
        u, v = (xy[:, 0] - x0) / (x1 - x0), (xy[:, 1] - y0) / (y1 - y0)  # 0 … 1 across the view, v upwards
        counts = {}
        for right, top in LEGEND_CORNERS:
            inside_u = u >= 1 - LEGEND_BOX[0] if right else u <= LEGEND_BOX[0]
            inside_v = v >= 1 - LEGEND_BOX[1] if top else v <= LEGEND_BOX[1]
            counts[(right, top)] = int(np.count_nonzero(inside_u & inside_v))
    best = min(LEGEND_CORNERS, key=lambda corner: counts[corner])  # the first of equals
    return best if counts[best] < counts.get(current, len(xy) + 1) else current


def anchor_in_corner(legend: pg.LegendItem, corner: tuple[int, int], margin: float) -> None:
    """Put ``legend`` in ``corner`` (right, top) of the view box it belongs to, ``margin`` pixels from its edges."""
    right, top = corner
    legend.anchor(itemPos=(right, 1 - top), parentPos=(right, 1 - top),
                  offset=(-margin if right else margin, margin if top else -margin))


def cache_axes(plot: pg.PlotItem) -> None:
    """Paint the axes from a pixmap cache (for the live window). An axis that draws the grid spans the
    whole plot, so without a cache every change inside the plot re-renders its tick labels, which costs
    more than all the data; the cache is rebuilt only when the axis itself changes (range, style)."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


# each plot's whole title and its style (colour, size): what ``fit_title`` elides to the plot's width
_TITLES: weakref.WeakKeyDictionary[pg.PlotItem, tuple[str, str, str]] = weakref.WeakKeyDictionary()
_ELLIPSIS = "…"


def set_title(plot: pg.PlotItem, theme: Theme, title: str) -> None:
    """The plot's title in the theme's colour and size, elided ("…") whenever the plot is narrower than it: a
    title never makes its plot wider than its window (which then cut the plot's right side off)."""
    first = plot not in _TITLES
    _TITLES[plot] = (title, theme.foreground, f"{theme.font * 1.15:.1f}pt")
    if first:
        owner = weakref.ref(plot)
        _install_title(plot)
        plot.geometryChanged.connect(lambda: fit_title(owner()))
        plot.titleLabel.geometryChanged.connect(lambda: fit_title(owner()))  # laid out after the plot's own change
    plot.setTitle(title, color=theme.foreground, size=_TITLES[plot][2])
    fit_title(plot)


class ElidingTitle(pg.LabelItem):
    """A plot's title that never asks for more width than the plot has (``fit_title`` elides its text instead)."""

    def updateMin(self) -> None:
        """LabelItem's minimum (its text's size, set at every resize), but no minimum width."""
        super().updateMin()
        self.setMinimumWidth(0)


def _install_title(plot: pg.PlotItem) -> None:
    """Put an ElidingTitle where pyqtgraph put the plot's title label (row 0, column 1 of its layout)."""
    old = plot.titleLabel
    plot.layout.removeItem(old)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot.titleLabel = ElidingTitle("", size="11pt", parent=plot)
    plot.layout.addItem(plot.titleLabel, 0, 1)


def keep_in_view(plot: pg.PlotItem | None) -> None:
    """A plot that is its view's central item and is larger than the view takes the view's size again once its
    minimum allows (pyqtgraph sizes it only when the view is resized: a plot forced wider by a long title then
    stayed wider than its window); and the view is never given less than the plot's minimum (axes, colour bar)."""
    if plot is None or plot.scene() is None:
        return
    for view in plot.scene().views():
        if id(getattr(view, "centralWidget", None)) != id(plot):  # (an `is` test would widen plot's type for mypy)
            continue
        size, room = plot.geometry().size(), view.range.size()
        smallest = plot.effectiveSizeHint(QtCore.Qt.SizeHint.MinimumSize)
        needed = QtCore.QSize(math.ceil(smallest.width()), math.ceil(smallest.height()))
        if view.minimumSize() != needed:  # the window's layout never gives the view less than its plot needs
            view.setMinimumSize(needed)
        too_large = size.width() > room.width() + 0.5 or size.height() > room.height() + 0.5
        if too_large and (smallest.width() < size.width() - 0.5 or smallest.height() < size.height() - 0.5):
            plot.setGeometry(view.range)


def title_of(plot: pg.PlotItem) -> str:
    """The plot's whole title, as set (the label may show it elided)."""
    return _TITLES[plot][0] if plot in _TITLES else str(plot.titleLabel.text)


def fit_title(plot: pg.PlotItem | None) -> None:
    """Show the plot's title whole where the plot is wide enough, else elided to the plot's width."""
    if plot is None or plot not in _TITLES or plot in _FITTING:
        return
    _FITTING.add(plot)
    try:
        _fit_title(plot)
    finally:
        _FITTING.discard(plot)


_FITTING: weakref.WeakSet[pg.PlotItem] = weakref.WeakSet()  # plots whose title is being fitted (no re-entry)


def _fit_title(plot: pg.PlotItem) -> None:
    title, color, size = _TITLES[plot]
    label = plot.titleLabel
    middle = label.pos().x() + label.width() / 2  # the text is centred over the view's column, inside the plot
    room = 2 * min(middle, plot.width() - middle) - 8
    shown = title if room <= 0 else elide_html(title, color, size, room)
    if shown != label.text:
        label.setText(shown, color=color, size=size)
    keep_in_view(plot)


def elide_html(html: str, color: str, size: str, width: float) -> str:
    """``html`` (text with <sub>, <sup>, <i>, <b>, each line ended by <br>) cut at the longest prefix whose width with
    "…" is at most ``width`` pixels in ``size``; whole when it fits."""
    lines = html.split("<br>")
    return "<br>".join(_elide_line(line, color, size, width) for line in lines)


def _elide_line(html: str, color: str, size: str, width: float) -> str:
    if not _MEASURE:
        _MEASURE.append(QtWidgets.QGraphicsTextItem())
    item = _MEASURE[0]

    def measure(text: str) -> float:
        item.setHtml(f"<span style='color: {color}; font-size: {size}'>{text}</span>")
        return item.boundingRect().width()

    if measure(html) <= width:
        return html
    cuts = _cut_points(html)
    low, high = 0, len(cuts) - 1  # the largest cut that fits: cuts[0] is the ellipsis alone
    while low < high:
        middle = (low + high + 1) // 2
        if measure(cuts[middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return cuts[low]


def _cut_points(html: str) -> list[str]:
    """Every prefix of ``html`` that ends between two characters of its text, with the tags it opened closed and
    "…" after it, shortest first."""
    prefixes, position = [_ELLIPSIS], 0
    opened: list[str] = []
    for token in re.split(r"(<[^>]+>)", html):
        if token.startswith("<"):
            name = token.strip("</>").split()[0]
            if token.startswith("</"):
                if name in opened:
                    opened.remove(name)
            elif not token.endswith("/>"):
                opened.append(name)
        else:
            for end in range(1, len(token) + 1):
                prefix = html[:position + end].rstrip()
                prefixes.append(prefix + "".join(f"</{name}>" for name in reversed(opened)) + _ELLIPSIS)
        position += len(token)
    return prefixes


_MEASURE: list[QtWidgets.QGraphicsTextItem] = []  # measures titles as LabelItem lays them out (made once, never shown)


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


