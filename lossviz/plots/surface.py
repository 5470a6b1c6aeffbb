"""The loss surface view: L(θ|D) over two parameters as a heat map with contours and a colour bar,
the trajectory (or the race's trajectories), the start and the current θ. Drawn from numbers, the same
way for the window and for exported figures."""

from __future__ import annotations

import contourpy
import numpy as np
import numpy.ma  # contourpy's first contour imports it (~0.07 s): at start, not in the first surface's frame
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from lossviz.core.geometry import contour_lines, join_lines
from lossviz.core.notation import PARAMETER_HELP, parameter_label
from lossviz.core.surface import Surface
from lossviz.plots.row_legend import RowLegend
from lossviz.plots.style import (
    DRAW_LIMIT,
    clear_line,
    clear_scatter,
    make_pen,
    plain_numbers,
    scale_ticks,
    style_plot,
    with_alpha,
)
from lossviz.plots.theme import Theme

CONTOUR_LEVELS = 10
MAX_PATH_POINTS = 1500


def thin_path(path: np.ndarray, pixel: tuple[float, float]) -> np.ndarray:
    """The points of ``path`` (M, 2) that move to another pixel (``pixel`` = one pixel's size in data
    units), and the last one: a converging descent piles thousands of steps into a few pixels, and
    stroking them all costs a repaint far more than it shows."""
    if len(path) < 3 or not all(np.isfinite(pixel)) or min(pixel) <= 0:
        return path
    cells = np.floor(path / np.asarray(pixel, dtype=np.float64))
    keep = np.empty(len(path), dtype=bool)
    keep[0] = True
    np.any(cells[1:] != cells[:-1], axis=1, out=keep[1:])
    keep[-1] = True
    return path[keep]


def arrow_polyline(origin: np.ndarray, vector: np.ndarray, pixel: tuple[float, float], head: float = 9.0) -> np.ndarray:
    """An arrow from ``origin`` along ``vector`` (plot units) as one polyline: the shaft, then the two barbs of
    its head, ``head`` pixels long at ±25° on screen (``pixel``: one pixel's size in plot units)."""
    px, py = (p if np.isfinite(p) and p > 0 else 1.0 for p in pixel)
    tip = origin + vector
    screen = np.array([vector[0] / px, vector[1] / py])
    length = float(np.hypot(*screen))
    if length == 0:
        return np.array([origin, tip])
    back = -screen / length * head
    barbs = []
    for angle in (np.radians(25), -np.radians(25)):
        c, s = np.cos(angle), np.sin(angle)
        turned = np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]])
        barbs.append(tip + turned * np.array([px, py]))
    return np.array([origin, tip, barbs[0], tip, barbs[1]])


def curvature_vectors(in_plane: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float],
                      fraction: float = 0.18, least: float = 0.05) -> np.ndarray:
    """The half-arrows (2, 2), in plot units, of the two eigen-directions seen on a surface over ``x_range`` ×
    ``y_range``: ``in_plane`` rows (``core.curvature.in_plane``) pointed as they point there, each ``fraction`` of
    the surface long on screen times the share of the direction the plane holds; a share below ``least`` (the
    direction is not visible in this plane) is a zero row."""
    spans = np.array([x_range[1] - x_range[0], y_range[1] - y_range[0]], dtype=float)
    vectors = np.zeros((2, 2))
    if not np.all(spans > 0):
        return vectors
    for row, vector in enumerate(np.asarray(in_plane, dtype=float)):
        share = float(np.hypot(*vector))
        if not share >= least:
            continue
        screen = vector / spans
        vectors[row] = screen / float(np.hypot(*screen)) * fraction * min(share, 1.0) * spans
    return vectors


def surface_levels(values: np.ndarray, count: int = CONTOUR_LEVELS) -> np.ndarray:
    """Contour levels at quantiles of the surface values: evenly spread over the picture."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.max() == finite.min():
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0.03, 0.93, count)))


def surface_image_values(loss: np.ndarray, log: bool) -> np.ndarray:
    """What the heatmap shows: L, or log₁₀ L (floored at 1e-12)."""
    return np.log10(np.maximum(loss, 1e-12)) if log else loss


def style_surface(plot: pg.PlotItem, theme: Theme, x_param: str, y_param: str,
                  title: str = "Loss surface L(θ|D)") -> None:
    """The surface plot's title and axes, named the lecture's way (W₁₂, b₁; the axes' tooltip explains the
    numbering); no grid (the heatmap and contours carry the scale, and a grid over the image costs a
    repaint of every line whenever θ moves)."""
    style_plot(plot, theme, title, parameter_label(x_param), parameter_label(y_param), grid=False)
    for name in ("bottom", "left"):
        plot.getAxis(name).setToolTip(PARAMETER_HELP)
    plot.setContentsMargins(0, 0, theme.font * 1.5, 0)  # room on the right for the colour bar's label


RACE_LEGEND_ROW = 4  # of the plot's layout: title, top axis, the view, the bottom axis, then the race's legend
CLOUD_LEGEND_ROW = 5  # and under it the resampled minima's legend


class SurfacePlot:
    """L over two parameters: heatmap, colour bar, contours, trajectory, start and current θ."""

    def __init__(self, plot: pg.PlotItem, theme: Theme, colorbar: bool = True):
        self.plot = plot
        self.theme = theme
        self.image = pg.ImageItem()
        self.image.setZValue(-20)
        self.contours = pg.PlotDataItem(connect="finite")
        self.trajectory = pg.PlotDataItem()
        self.start = pg.ScatterPlotItem()
        self.current = pg.ScatterPlotItem()
        self.minimum = pg.ScatterPlotItem()
        self.valley = pg.PlotDataItem()  # the line of minima, where there is one
        self.note = pg.TextItem("minimum not unique", anchor=(-0.05, 1.1))
        self.note.setVisible(False)
        self.population = pg.PlotDataItem(connect="finite")  # L(θ|P) as dashed contours
        self.population_minimum = pg.ScatterPlotItem()  # θ*_P
        self.cloud = pg.ScatterPlotItem()  # θ*_D of datasets resampled from P
        self.arrows = pg.PlotDataItem(connect="finite")  # −∇l of the selected samples
        self.mean_arrow = pg.PlotDataItem(connect="finite")  # their mean
        self.steepest = pg.PlotDataItem(connect="finite")  # ↔ the Hessian's top eigen-direction through θ
        self.flattest = pg.PlotDataItem(connect="finite")  # ↔ its bottom one
        for item in (self.image, self.contours, self.population, self.valley, self.trajectory, self.cloud,
                     self.minimum, self.population_minimum, self.steepest, self.flattest, self.start, self.current,
                     self.arrows, self.mean_arrow, self.note):
            plot.addItem(item)
        self.colormap = pg.colormap.get(theme.colormap)
        self.lut = self.colormap.getLookupTable(nPts=256)
        self.colorbar = None
        if colorbar:
            self.colorbar = pg.ColorBarItem(colorMap=self.colormap, interactive=False, colorMapMenu=False,
                                            width=int(16 * theme.scale))
            self.colorbar.setImageItem(self.image, insert_in=plot)
        self.surface: Surface | None = None
        self.log = False
        self.quantity = "L(θ|D)"
        self.race_items: list[pg.GraphicsObject] = []
        self.race_legend = RowLegend(plot, RACE_LEGEND_ROW, theme)  # in a row under the plot, only during a race
        self.cloud_legend = RowLegend(plot, CLOUD_LEGEND_ROW, theme)  # ○ × + under the plot, while there is a cloud
        self._anchor: np.ndarray | None = None  # the θ (2,) last drawn as current: a valley's "+" is nearest it
        self._colorbar_label: tuple[str, str, str] | None = None  # (text, colour, size) the colour bar shows
        self._minimum_pen = QtGui.QPen()
        self._cloud_caption = ""  # what the rings are ("" without a cloud)
        self._plus_sample = pg.ScatterPlotItem()  # "+" as the cloud's legend shows it (never on the plot)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        """Colours and sizes of every item (the legend's too)."""
        self.theme = theme
        if self.plot.legend is not None:
            self.plot.legend.setLabelTextColor(theme.foreground)
            self.plot.legend.setLabelTextSize(f"{theme.font:.0f}pt")
            self.plot.legend.setBrush(pg.mkBrush(with_alpha(theme.background, 200)))
        self.race_legend.apply_theme(theme)
        self.cloud_legend.apply_theme(theme)
        self.contours.setPen(make_pen(theme.contour, max(1.0, theme.line * 0.5), alpha=150))
        self.valley.setPen(make_pen(theme.contour, max(1.0, theme.line * 0.8), QtCore.Qt.PenStyle.DashLine))
        self.population.setPen(make_pen(theme.population, max(1.0, theme.line * 0.7), QtCore.Qt.PenStyle.DashLine))
        self.arrows.setPen(make_pen(theme.foreground if theme.name == "dark" else "#FFFFFF", max(1.0, theme.line * 0.7)))
        self.mean_arrow.setPen(make_pen(theme.trajectory, theme.line * 1.4))
        self.steepest.setPen(make_pen(theme.steepest, theme.line * 1.2))
        self.flattest.setPen(make_pen(theme.flattest, theme.line * 1.2))
        self.note.setColor(theme.contour)
        font = QtGui.QFont()
        font.setPointSizeF(theme.font * 0.9)
        self.note.setFont(font)
        self.trajectory.setPen(make_pen(theme.trajectory, theme.line))
        self._minimum_pen = make_pen(theme.contour, 2 * theme.scale)
        if len(self.minimum.data):
            self.minimum.setPen(self._minimum_pen)
            self.minimum.setSize(16 * theme.scale)
        if self.colorbar is not None:
            axis = self.colorbar.getAxis("right")
            font = QtGui.QFont()
            font.setPointSizeF(theme.font * 0.9)
            axis.setTickFont(font)
            axis.setTextPen(theme.foreground)
            axis.setPen(make_pen(theme.foreground, max(1.0, theme.scale)))
            plain_numbers(axis)
            axis.setWidth(int(theme.font * 6))  # room for tick labels and the title at any scale
            if self._colorbar_label is not None:  # the label shown, in the new colour and size
                self._colorbar_label = (self._colorbar_label[0], theme.foreground, f"{theme.font:.1f}pt")
                self.colorbar.setLabel("right", self._colorbar_label[0], color=theme.foreground,
                                       **{"font-size": self._colorbar_label[2]})

    def set_surface(self, surface: Surface, log: bool = False, quantity: str = "L(θ|D)") -> None:
        """Show a surface of ``quantity`` (the colour bar's name for it); the image data is a fresh float32 array
        (pyqtgraph keeps a view of it)."""
        self.surface, self.log, self.quantity = surface, log, quantity
        values = surface_image_values(surface.loss, log)
        # pyqtgraph wants float32: losses beyond its range (around a diverged θ) are shown in units of
        # 10^k, and the colour bar says so; the levels come from the float32 image that is drawn
        finite_values = np.abs(values[np.isfinite(values)])
        top = float(finite_values.max()) if finite_values.size else 0.0
        exponent = int(np.floor(np.log10(top))) if top > 1e30 else 0
        image = np.ascontiguousarray(np.clip(values / 10.0 ** exponent, -3e38, 3e38), dtype=np.float32)
        finite = image[np.isfinite(image)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if not hi > lo:
            hi = lo + max(abs(lo) * 1e-6, 1e-9)
        image = np.nan_to_num(image, nan=hi, posinf=hi, neginf=lo)
        self.image.setImage(image, levels=(lo, hi), lut=self.lut, autoLevels=False)
        x, y = surface.x, surface.y
        dx = (x[-1] - x[0]) / (len(x) - 1)
        dy = (y[-1] - y[0]) / (len(y) - 1)
        self.image.setRect(QtCore.QRectF(x[0] - dx / 2, y[0] - dy / 2, dx * len(x), dy * len(y)))
        if self.colorbar is not None:
            self.colorbar.setVisible(True)
            self.colorbar.setLevels((lo, hi))
            self.colorbar.getAxis("right").setTicks([scale_ticks(lo, hi)])  # never a single tick
            unit = f" (×10^{exponent})" if exponent else ""
            label = ((f"log₁₀ {quantity}" if log else quantity) + unit, self.theme.foreground, f"{self.theme.font:.1f}pt")
            if label != self._colorbar_label:  # setting a label lays the text out anew (~1 ms)
                self._colorbar_label = label
                self.colorbar.setLabel("right", label[0], color=label[1], **{"font-size": label[2]})
        pieces: list[np.ndarray] = []
        generator = contourpy.contour_generator(x, y, values)
        for level in surface_levels(values):
            pieces += contour_lines(generator, level)
        self.contours.setData(*join_lines(pieces))
        self._draw_minimum(self._anchor)

    def _draw_minimum(self, current: np.ndarray | None) -> None:
        """The grid's minimum as "+" when it is unique and inside the grid; where it is not unique (a line or
        a plateau of minima), the valley line, "+" at the minimum nearest the current θ and a note."""
        surface = self.surface
        self.valley.setData([], [])
        self.note.setVisible(False)
        if surface is None:
            return
        x, y = surface.x, surface.y
        point = None
        if surface.minimum_unique:
            loss = np.where(np.isfinite(surface.loss), surface.loss, np.inf)
            row, col = np.unravel_index(np.argmin(loss), loss.shape)
            if 0 < row < len(y) - 1 and 0 < col < len(x) - 1:  # a minimum on the edge of the grid is not the minimum
                point = np.array([x[col], y[row]])
        else:
            point = self._nearest_minimum(current if current is not None else np.array([x.mean(), y.mean()]))
            self.note.setPos(*point)
            # beside the "+", on the side towards the middle of the plot, so that it is never cut off
            self.note.setAnchor((1.05 if point[0] > x.mean() else -0.05, 1.1 if point[1] < y.mean() else -0.1))
            self.note.setVisible(True)
        if point is None:
            clear_scatter(self.minimum)
        elif not (len(self.minimum.data) == 1 and np.array_equal(self.minimum.getData(), point[:, None])):
            self.minimum.setData([point[0]], [point[1]], symbol="+", size=16 * self.theme.scale,
                                 pen=self._minimum_pen, brush=None)
        if self._cloud_caption:
            self._draw_cloud_legend()  # its "+" entry comes and goes with the "+"

    def _nearest_minimum(self, current: np.ndarray) -> np.ndarray:
        """Of the many minima, the one nearest ``current`` (drawing the valley line when there is one)."""
        surface = self.surface
        assert surface is not None
        if surface.valley is not None:
            point, direction = surface.valley
            span = (surface.x[-1] - surface.x[0]) + (surface.y[-1] - surface.y[0])
            ends = np.array([point - span * direction, point + span * direction])
            self.valley.setData(ends[:, 0], ends[:, 1])
            return point + float((current - point) @ direction) * direction
        assert surface.ties is not None
        return surface.ties[np.argmin(np.hypot(*(surface.ties - current).T))]

    def set_path(self, path: np.ndarray, start, current, thin: bool = False) -> None:
        """path (M, 2) in the plotted parameters; start and current θ as (2,) or None. ``thin`` drops the
        points that stay in the pixel of the one before (for live drawing, where the view is framed)."""
        path = np.clip(path, -DRAW_LIMIT, DRAW_LIMIT)  # a diverging path must not overflow Qt's geometry
        if thin:
            path = thin_path(path, self.plot.getViewBox().viewPixelSize())
        if len(path) > MAX_PATH_POINTS:  # drawing cost, not shape: keep evenly spaced points and the end
            path = path[np.unique(np.linspace(0, len(path) - 1, MAX_PATH_POINTS).round().astype(int))]
        self.trajectory.setData(path[:, 0], path[:, 1]) if len(path) else self.trajectory.setData([], [])
        size = 13 * self.theme.scale
        if start is not None:
            self.start.setData([start[0]], [start[1]], symbol="o", size=size, brush=pg.mkBrush(self.theme.start),
                               pen=pg.mkPen("#000000", width=1.5 * self.theme.scale))
        if current is not None:
            self.current.setData([current[0]], [current[1]], symbol="star", size=size * 1.5,
                                 brush=pg.mkBrush(self.theme.current), pen=pg.mkPen("#000000", width=1.5 * self.theme.scale))
        else:
            clear_scatter(self.current)
        anchor = current if current is not None else start
        self._anchor = None if anchor is None else np.asarray(anchor, dtype=np.float64)
        if self.surface is not None and not self.surface.minimum_unique:  # the minimum nearest θ moves with it
            self._draw_minimum(self._anchor)

    def set_race(self, runs: list[tuple[str, str, np.ndarray]], start: np.ndarray | None, note: str = "") -> None:
        """Several trajectories from one start: runs = [(label, colour, path (M, 2)), …], with a legend under the
        plot (``note``, what holds for every racer, as its last entry); [] goes back to one run (``set_path``) and
        hides the legend."""
        for item in self.race_items:
            self.plot.removeItem(item)
        self.race_items = []
        if not runs:
            self.race_legend.hide_row()
            return
        entries = []
        self.trajectory.setData([], [])
        clear_scatter(self.current)
        for label, color, path in runs:
            path = np.clip(path, -DRAW_LIMIT, DRAW_LIMIT)
            line = pg.PlotDataItem(path[:, 0], path[:, 1], pen=make_pen(color, self.theme.line))
            end = pg.ScatterPlotItem([path[-1, 0]], [path[-1, 1]], symbol="star", size=19 * self.theme.scale,
                                     brush=pg.mkBrush(color), pen=pg.mkPen("#000000", width=1.5 * self.theme.scale))
            for item in (line, end):
                self.plot.addItem(item)
                self.race_items.append(item)
            entries.append((line, label))
        self.race_legend.show_entries(entries, note)
        self.set_path(np.empty((0, 2)), start, None)

    def legend_labels(self) -> list[str]:
        """The racers' labels the race's legend shows, whole (none when it is hidden; the note not included)."""
        return self.race_legend.labels()

    def race_legend_rect(self) -> QtCore.QRectF | None:
        """Where the race's legend is, in the plot's scene (None when there is none): under the plot, never over it."""
        return self.race_legend.shown_rect()

    def clear_surface(self) -> None:
        """No surface (yet): an empty plot rather than the surface of another question, and no colour bar
        (its numbers would be those of that other surface)."""
        self.surface = None
        self.image.clear()
        self.contours.setData([], [])
        self._draw_minimum(None)
        if self.colorbar is not None:
            self.colorbar.setVisible(False)

    def set_population(self, surface: Surface | None, minimum: np.ndarray | None) -> None:
        """L(θ|P) as dashed contours over the heat map and θ*_P as "×" (None: neither)."""
        if surface is None:
            clear_line(self.population)
        else:
            generator = contourpy.contour_generator(surface.x, surface.y, surface.loss)
            pieces = [line for level in surface_levels(surface.loss) for line in contour_lines(generator, level)]
            self.population.setData(*join_lines(pieces))
        if minimum is None:
            clear_scatter(self.population_minimum)
        else:
            self._draw_population_minimum(minimum)

    def set_cloud(self, points: np.ndarray | None, minimum: np.ndarray | None = None, caption: str = "") -> None:
        """θ*_D of datasets resampled from P, (M, 2), as rings in the cloud's colour, θ*_P (2,) as "×" over them and
        a legend in the view's emptiest corner saying ○, × and + (``caption``: what the rings are); None: none."""
        if points is None or not len(points):
            clear_scatter(self.cloud)
            self._cloud_caption = ""
            self._draw_cloud_legend()
            return
        points = np.clip(points, -DRAW_LIMIT, DRAW_LIMIT)
        self.cloud.setData(points[:, 0], points[:, 1], symbol="o", size=9 * self.theme.scale, brush=None,
                           pen=make_pen(self.theme.cloud, 1.8 * self.theme.scale))
        if minimum is not None:
            self._draw_population_minimum(minimum)
        self._cloud_caption = caption
        self._draw_cloud_legend()

    def _draw_population_minimum(self, minimum: np.ndarray) -> None:
        """θ*_P as a large "×" in P's colour, outlined."""
        self.population_minimum.setData([minimum[0]], [minimum[1]], symbol="x", size=20 * self.theme.scale,
                                        pen=make_pen("#000000", 1.2 * self.theme.scale),
                                        brush=pg.mkBrush(self.theme.population))

    def _draw_cloud_legend(self) -> None:
        """The cloud's legend under the plot (○ resampled θ*_D, × θ*_P, + this D's θ*_D where drawn) while there is
        a cloud."""
        if not self._cloud_caption:
            self.cloud_legend.hide_row()
            return
        entries: list[tuple[pg.GraphicsObject, str]] = [(self.cloud, self._cloud_caption)]
        if len(self.population_minimum.data):
            entries.append((self.population_minimum, "θ*<sub>P</sub>"))
        if len(self.minimum.data):  # white on the heat map; its sample in the legend in the text's colour
            self._plus_sample.setData([0], [0], symbol="+", size=16 * self.theme.scale, brush=None,
                                      pen=make_pen(self.theme.foreground, 2 * self.theme.scale))
            entries.append((self._plus_sample, "θ*<sub>D</sub> of this D"))
        self.cloud_legend.show_entries(entries)

    def cloud_legend_labels(self) -> list[str]:
        """What the cloud's legend says, entry by entry ([] when it is hidden)."""
        return self.cloud_legend.labels()

    def set_arrows(self, origin: np.ndarray | None, vectors: np.ndarray, mean: np.ndarray | None) -> None:
        """Arrows from ``origin`` (2,): one per row of ``vectors`` (M, 2), thin, and ``mean`` (2,), bold —
        already scaled to plot units (None: no arrows)."""
        if origin is None:
            for item in (self.arrows, self.mean_arrow):
                clear_line(item)
            return
        pixel = self.plot.getViewBox().viewPixelSize()
        self.arrows.setData(*join_lines([arrow_polyline(origin, vector, pixel) for vector in vectors]))
        if mean is None:
            self.mean_arrow.setData([], [])
        else:
            self.mean_arrow.setData(*join_lines([arrow_polyline(origin, mean, pixel, head=14)]))

    def set_curvature(self, origin: np.ndarray | None, vectors: np.ndarray | None) -> None:
        """Two double-headed arrows through ``origin`` (2,): ±``vectors[0]`` (the steepest curvature) and
        ±``vectors[1]`` (the flattest), in plot units; a None or zero row draws nothing (None: neither)."""
        pixel = self.plot.getViewBox().viewPixelSize()
        for item, row in ((self.steepest, 0), (self.flattest, 1)):
            vector = None if origin is None or vectors is None else vectors[row]
            if vector is None or not np.all(np.isfinite(vector)) or not np.any(vector):
                clear_line(item)
                continue
            item.setData(*join_lines([arrow_polyline(origin - vector, 2 * vector, pixel, head=11),
                                      arrow_polyline(origin + vector, -2 * vector, pixel, head=11)]))

    def frame_surface(self) -> None:
        """Show the whole surface."""
        if self.surface is not None:
            s = self.surface
            self.plot.getViewBox().setRange(xRange=(s.x[0], s.x[-1]), yRange=(s.y[0], s.y[-1]), padding=0)
