"""The three plots of lossviz, built the same way for the window and for exported figures.

Each class owns the pyqtgraph items of one plot and updates them from numbers; none of
them knows about the document, the workers or the mouse.
"""

from __future__ import annotations

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.core.dataset import Dataset
from lossviz.core.model import ModelShape, logits, sigmoid, softmax
from lossviz.core.surface import Surface
from lossviz.gui.theme import Theme

SHADING_RESOLUTION = 96
CONTOUR_LEVELS = 10
DRAW_LIMIT = 1e9  # coordinates beyond this are clipped before drawing
MAX_PATH_POINTS = 1500


def _pen(color, width, style=QtCore.Qt.PenStyle.SolidLine, alpha=255):
    qcolor = QtGui.QColor(color)
    qcolor.setAlpha(alpha)
    pen = QtGui.QPen(qcolor)
    pen.setWidthF(width)
    pen.setStyle(style)
    pen.setCosmetic(True)
    return pen


def _alpha(color: str, alpha: int) -> QtGui.QColor:
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
        axis.setPen(_pen(theme.foreground, max(1.0, theme.scale)))
        axis.setTextPen(theme.foreground)
        axis.setTickFont(tick_font)
        axis.setStyle(tickLength=int(-5 * theme.scale), tickTextOffset=int(4 * theme.scale))
        axis.enableAutoSIPrefix(False)
    plot.showGrid(x=grid, y=grid, alpha=theme.grid_alpha)
    plot.setLabel("bottom", x_label, **label_style)
    plot.setLabel("left", y_label, **label_style)
    set_title(plot, theme, title)


def cache_axes(plot: pg.PlotItem) -> None:
    """Paint the axes from a pixmap cache (for the live window). An axis that draws the grid spans the
    whole plot, so without a cache every change inside the plot re-renders its tick labels, which costs
    more than all the data; the cache is rebuilt only when the axis itself changes (range, style)."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def set_title(plot: pg.PlotItem, theme: Theme, title: str) -> None:
    plot.setTitle(title, color=theme.foreground, size=f"{theme.font * 1.15:.1f}pt")


class DataPlot:
    """The dataset and the model: line, sigmoid, boundary or class regions, per-sample losses."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.theme = theme
        self.shading = pg.ImageItem()
        self.shading.setZValue(-20)
        self.boundary = pg.PlotDataItem(connect="finite")
        self.model_curve = pg.PlotDataItem()
        self.residuals = pg.PlotDataItem(connect="pairs")
        self.ghost = pg.PlotDataItem(connect="finite")
        # one scatter per class: a single brush each keeps pyqtgraph on its fast path
        self.scatters = [pg.ScatterPlotItem(hoverable=False) for _ in range(10)]
        for item in (self.shading, self.residuals, self.boundary, self.model_curve, self.ghost, *self.scatters):
            plot.addItem(item)
        self.shape: ModelShape | None = None
        self.data: Dataset | None = None
        self.theta: np.ndarray | None = None
        self.per_sample: np.ndarray | None = None
        self.ghost_theta: np.ndarray | None = None
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.boundary.setPen(_pen(theme.model, theme.line))
        self.model_curve.setPen(_pen(theme.model, theme.line))
        self.residuals.setPen(_pen("#D55E00", max(1.0, theme.line * 0.6), alpha=200))
        self.ghost.setPen(_pen(theme.ghost, theme.line, QtCore.Qt.PenStyle.DashLine))
        self._brushes = [pg.mkBrush(theme.class_color(c)) for c in range(10)]
        self._outline = pg.mkPen(theme.foreground if theme.name == "dark" else "#222222", width=max(1.0, theme.scale))
        self.redraw()

    def labels(self) -> tuple[str, str]:
        if self.shape is None or self.shape.dims == 2:
            return "x₁", "x₂"
        if self.shape.task == "regression":
            return "x", "y"
        if self.shape.task == "binary":
            return "x", "y   (curve: ŷ = σ(Wx + b))"
        return "x", "y"

    def set_model(self, shape: ModelShape, data: Dataset, theta: np.ndarray, per_sample: np.ndarray | None,
                  points_only: bool = False) -> None:
        """Show ``data`` and the model θ; per_sample: l(θ|x_i, y_i) (N,) or None.
        ``points_only`` redraws just the samples (cheap, for a drag in progress)."""
        self.shape, self.data, self.theta, self.per_sample = shape, data, theta, per_sample
        if points_only:
            self._draw_points()
        else:
            self.redraw()

    def set_ghost(self, theta: np.ndarray | None) -> None:
        self.ghost_theta = theta
        self._draw_ghost()

    def point_positions(self) -> np.ndarray:
        """Where each sample is drawn, (N, 2) in plot coordinates."""
        data = self.data
        if data is None or data.size == 0:
            return np.empty((0, 2))
        if data.dims == 2:
            return data.X.copy()
        return np.column_stack([data.X[:, 0], data.y.astype(np.float64)])

    def view_rect(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return x0, x1, y0, y1

    def redraw(self) -> None:
        if self.shape is None or self.data is None:
            return
        self._draw_points()
        self._draw_model()
        self._draw_ghost()

    def _draw_points(self) -> None:
        data, shape, theme = self.data, self.shape, self.theme
        positions = self.point_positions()
        if not len(positions):
            for scatter in self.scatters:
                scatter.clear()
            self.residuals.setData([], [])
            return
        classes = np.zeros(data.size, dtype=int) if shape.task == "regression" else data.y.astype(int) % 10
        if shape.task != "regression" and self.per_sample is not None and len(self.per_sample) == data.size:
            # marker area grows with the sample's loss: L is the mean of these
            sizes = theme.marker * (0.75 + 0.85 * np.sqrt(np.minimum(self.per_sample, 4.0)))
        else:
            sizes = np.full(data.size, theme.marker)
        for label, scatter in enumerate(self.scatters):
            mine = classes == label
            if mine.any():
                scatter.setData(pos=positions[mine], size=sizes[mine], brush=self._brushes[label], pen=self._outline)
            else:
                scatter.clear()
        if shape.task == "regression" and shape.dims == 1 and self.theta is not None:
            fitted = logits(self.theta, data.X)[:, 0]
            segments = np.empty((2 * data.size, 2))
            segments[0::2] = positions
            segments[1::2, 0] = data.X[:, 0]
            segments[1::2, 1] = fitted
            self.residuals.setData(segments[:, 0], segments[:, 1])
        else:
            self.residuals.setData([], [])

    def _model_lines(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model as a polyline (NaN-separated): line, sigmoid, threshold or boundaries."""
        shape = self.shape
        x0, x1, y0, y1 = self.view_rect()
        if shape.dims == 1:
            xs = np.linspace(x0, x1, 2 if shape.task == "regression" else 240)
            z = logits(theta, xs[:, None])
            if shape.task == "regression":
                return xs, z[:, 0]
            if shape.task == "binary":
                return xs, sigmoid(z[:, 0])
            return np.empty(0), np.empty(0)
        if shape.task == "binary":
            (w0, w1), b = theta[0, :2], theta[0, 2]
            if abs(w1) >= abs(w0) and w1 != 0:
                xs = np.array([x0, x1])
                return xs, -(b + w0 * xs) / w1
            if w0 != 0:
                ys = np.array([y0, y1])
                return -(b + w1 * ys) / w0, ys
            return np.empty(0), np.empty(0)
        return self._class_boundaries(theta)

    def _grid(self, resolution=SHADING_RESOLUTION):
        x0, x1, y0, y1 = self.view_rect()
        gx = np.linspace(x0, x1, resolution)
        gy = np.linspace(y0, y1, resolution)
        return gx, gy

    def _class_boundaries(self, theta):
        gx, gy = self._grid()
        xx, yy = np.meshgrid(gx, gy)
        z = logits(theta, np.column_stack([xx.ravel(), yy.ravel()])).reshape(len(gy), len(gx), -1)
        pieces = []
        for c in range(z.shape[-1]):
            others = np.delete(z, c, axis=-1).max(axis=-1)
            margin = z[..., c] - others
            pieces += contourpy.contour_generator(gx, gy, margin).lines(0.0)
        return _join_lines(pieces)

    def _draw_model(self) -> None:
        shape, theta = self.shape, self.theta
        self.boundary.setData([], [])
        self.model_curve.setData([], [])
        if theta is None:
            self.shading.clear()
            return
        xs, ys = self._model_lines(theta)
        if shape.dims == 2 and shape.task != "regression":
            self.boundary.setData(xs, ys)
        else:
            self.model_curve.setData(xs, ys)
        if shape.dims == 2 or shape.task == "multiclass":
            self._draw_shading(theta)
        else:
            self.shading.clear()

    def _draw_shading(self, theta) -> None:
        shape = self.shape
        gx, gy = self._grid()
        if shape.dims == 2:
            xx, yy = np.meshgrid(gx, gy)
            points = np.column_stack([xx.ravel(), yy.ravel()])
        else:
            points = np.tile(gx, len(gy))[:, None]
        z = logits(theta, points)
        colors = np.array([QtGui.QColor(self.theme.class_color(c)).getRgb()[:3] for c in range(10)], dtype=np.float64)
        if shape.task == "binary":
            p = sigmoid(z[:, 0])[:, None]
            rgb = colors[0] * (1 - p) + colors[1] * p
            alpha = 40 + 90 * np.abs(2 * p[:, 0] - 1)
        elif shape.task == "multiclass":
            probs = softmax(z)
            winner = probs.argmax(axis=1)
            rgb = colors[winner % 10]
            k = probs.shape[1]
            alpha = 35 + 95 * (probs.max(axis=1) - 1 / k) / (1 - 1 / k)
        else:
            values = z[:, 0]
            lut = pg.colormap.get(self.theme.colormap).getLookupTable(nPts=256)
            lo, hi = (values.min(), values.max()) if values.max() > values.min() else (values.min() - 1, values.max() + 1)
            rgb = lut[np.clip(((values - lo) / (hi - lo) * 255).astype(int), 0, 255), :3].astype(np.float64)
            alpha = np.full(len(values), 110.0)
        image = np.empty((len(gy), len(gx), 4), dtype=np.uint8)
        image[..., :3] = rgb.reshape(len(gy), len(gx), 3)
        image[..., 3] = alpha.reshape(len(gy), len(gx))
        self.shading.setImage(np.ascontiguousarray(image), autoLevels=False)
        x0, x1, y0, y1 = self.view_rect()
        self.shading.setRect(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))

    def _draw_ghost(self) -> None:
        if self.ghost_theta is None or self.shape is None or self.ghost_theta.shape != self.shape.zeros().shape:
            self.ghost.setData([], [])
            return
        xs, ys = self._model_lines(self.ghost_theta)
        self.ghost.setData(xs, ys)

    def frame_data(self) -> None:
        """Set the view to show every sample with a margin (a sensible default when empty)."""
        positions = self.point_positions()
        shape = self.shape
        if len(positions):
            lo, hi = positions.min(axis=0), positions.max(axis=0)
        else:
            lo, hi = np.array([-2.0, -2.0]), np.array([2.0, 2.0])
        if shape is not None and shape.dims == 1 and shape.task != "regression":
            lo[1], hi[1] = 0.0, 1.0 if shape.task == "binary" else max(1.0, shape.classes - 1)
        span = np.maximum(hi - lo, 1.0)
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
        self.plot.getViewBox().setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)


def _join_lines(pieces) -> tuple[np.ndarray, np.ndarray]:
    pieces = [p for p in pieces if len(p) > 1]
    if not pieces:
        return np.empty(0), np.empty(0)
    gap = np.array([[np.nan, np.nan]])
    joined = np.concatenate([part for p in pieces for part in (p, gap)][:-1])
    return joined[:, 0], joined[:, 1]


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


def envelope(x: np.ndarray, y: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """About ``2 * bins`` points of a curve with the same outline: the lowest and the highest sample of
    each run of consecutive samples, in order (what one pixel column shows of them), the first and the last."""
    n = len(x)
    if bins < 1 or n <= 2 * bins:
        return x, y
    width = -(-n // bins)  # samples per run
    rows = -(-n // width)
    padded = np.full(rows * width, np.nan)
    padded[:n] = y
    padded = padded.reshape(rows, width)
    base = np.arange(rows) * width
    low = base + np.argmin(np.where(np.isnan(padded), np.inf, padded), axis=1)
    high = base + np.argmax(np.where(np.isnan(padded), -np.inf, padded), axis=1)
    picks = np.unique(np.concatenate([[0], low, high, [n - 1]]))  # padding (±inf) is never picked
    return x[picks], y[picks]


def surface_levels(values: np.ndarray, count: int = CONTOUR_LEVELS) -> np.ndarray:
    """Contour levels at quantiles of the surface values: evenly spread over the picture."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.max() == finite.min():
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0.03, 0.93, count)))


def surface_image_values(loss: np.ndarray, log: bool) -> np.ndarray:
    """What the heatmap shows: L, or log₁₀ L (floored at 1e-12)."""
    return np.log10(np.maximum(loss, 1e-12)) if log else loss


def style_surface(plot: pg.PlotItem, theme: Theme, x_param: str, y_param: str) -> None:
    """The surface plot's title and axes; no grid (the heatmap and contours carry the scale, and a
    grid over the image costs a repaint of every line whenever θ moves)."""
    style_plot(plot, theme, "Loss surface L(θ|D)", x_param, y_param, grid=False)


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
        for item in (self.image, self.contours, self.trajectory, self.minimum, self.start, self.current):
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
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.contours.setPen(_pen(theme.contour, max(1.0, theme.line * 0.5), alpha=150))
        self.trajectory.setPen(_pen(theme.trajectory, theme.line))
        if self.colorbar is not None:
            axis = self.colorbar.getAxis("right")
            font = QtGui.QFont()
            font.setPointSizeF(theme.font * 0.9)
            axis.setTickFont(font)
            axis.setTextPen(theme.foreground)
            axis.setPen(_pen(theme.foreground, max(1.0, theme.scale)))
            axis.enableAutoSIPrefix(False)
            axis.setWidth(int(theme.font * 6))  # room for tick labels and the title at any scale

    def set_surface(self, surface: Surface, log: bool = False) -> None:
        """Show a surface; the image data is a fresh float32 array (pyqtgraph keeps a view of it)."""
        self.surface, self.log = surface, log
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
            self.colorbar.setLevels((lo, hi))
            unit = f" (×10^{exponent})" if exponent else ""
            self.colorbar.setLabel("right", ("log₁₀ L(θ|D)" if log else "L(θ|D)") + unit, color=self.theme.foreground,
                                   **{"font-size": f"{self.theme.font:.1f}pt"})
        pieces = []
        generator = contourpy.contour_generator(x, y, values)
        for level in surface_levels(values):
            pieces += generator.lines(level)
        self.contours.setData(*_join_lines(pieces))
        row, col = np.unravel_index(np.argmin(np.where(np.isfinite(surface.loss), surface.loss, np.inf)), surface.loss.shape)
        inside = 0 < row < len(y) - 1 and 0 < col < len(x) - 1
        if inside:  # a minimum on the edge of the grid is not the minimum
            self.minimum.setData([x[col]], [y[row]], symbol="+", size=16 * self.theme.scale,
                                 pen=_pen(self.theme.contour, 2 * self.theme.scale), brush=None)
        else:
            self.minimum.clear()

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
            self.current.clear()

    def set_race(self, runs, start) -> None:
        """Several trajectories from one start: runs = [(label, colour, path (M, 2)), …], with a legend."""
        for item in getattr(self, "race_items", []):
            self.plot.removeItem(item)
        self.race_items = []
        if not runs:  # back to a single run
            if self.plot.legend is not None:
                self.plot.legend.clear()
            return
        self.trajectory.setData([], [])
        self.current.clear()
        legend = self.plot.legend or self.plot.addLegend(offset=(-10, 10), labelTextColor=self.theme.foreground,
                                                          labelTextSize=f"{self.theme.font:.0f}pt",
                                                          brush=pg.mkBrush(_alpha(self.theme.background, 200)))
        legend.clear()
        for label, color, path in runs:
            path = np.clip(path, -DRAW_LIMIT, DRAW_LIMIT)
            line = pg.PlotDataItem(path[:, 0], path[:, 1], pen=_pen(color, self.theme.line), name=label)
            end = pg.ScatterPlotItem([path[-1, 0]], [path[-1, 1]], symbol="star", size=19 * self.theme.scale,
                                     brush=pg.mkBrush(color), pen=pg.mkPen("#000000", width=1.5 * self.theme.scale))
            for item in (line, end):
                self.plot.addItem(item)
                self.race_items.append(item)
        self.set_path(np.empty((0, 2)), start, None)

    def frame_surface(self) -> None:
        if self.surface is not None:
            s = self.surface
            self.plot.getViewBox().setRange(xRange=(s.x[0], s.x[-1]), yRange=(s.y[0], s.y[-1]), padding=0)


class LossPlot:
    """L(θ|D) against the step."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.curve = pg.PlotDataItem()
        self.curve.setDownsampling(auto=True, method="peak")  # thousands of steps, a few hundred pixels
        self.curve.setClipToView(True)
        plot.addItem(self.curve)
        self.log = False
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.curve.setPen(_pen(theme.trajectory, theme.line))

    def set_log(self, log: bool) -> None:
        self.log = log
        self.plot.setLogMode(y=log)

    def set_history(self, steps: np.ndarray, losses: np.ndarray, view: str = "fit", thin: bool = False) -> None:
        """Show the curve. ``view``: "fit" fits the axes to it; "follow" widens them only when the curve
        has left them (for a live run: re-ranging re-renders the axes and the grid, which costs more than
        the curve, and axes that jump several times a second are hard to read); "keep" leaves them.
        ``thin`` draws the curve's outline at the plot's width in pixels rather than every step."""
        losses = np.maximum(losses, 1e-300) if self.log else losses
        if thin:
            steps, losses = envelope(steps, losses, max(1, round(self.plot.getViewBox().width())))
        self.curve.setData(steps, losses)
        if len(steps) < 2:  # nothing to fit yet: the first steps, not the width of the last curve
            first = float(steps[0]) if len(steps) else 0.0
            self.plot.enableAutoRange(y=True)
            self.plot.setXRange(first, first + 10, padding=0.02)
        elif view == "fit":
            self.plot.enableAutoRange()
        else:
            self.plot.disableAutoRange()
            if view == "follow":
                self._follow(steps, losses)

    def _follow(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Widen the axes where the curve has left them: x to a quarter past the last step, y to the
        losses with a margin (and closer when they fill less than half of the height)."""
        box = self.plot.getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        first, last = float(steps[0]), float(steps[-1])
        x_range = (first, last + 0.25 * (last - first)) if first < x0 or last > x1 else None
        values = np.log10(losses) if self.log else losses  # the view's coordinates
        finite = values[np.isfinite(values)]
        y_range = None
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            if lo < y0 or hi > y1 or hi - lo < 0.5 * (y1 - y0):
                margin = 0.1 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-12)
                y_range = (lo - margin, hi + margin * 0.5)
        if x_range is not None or y_range is not None:
            box.setRange(xRange=x_range, yRange=y_range, padding=0)

    def set_race(self, runs) -> None:
        """runs = [(label, colour, steps, losses), …], one curve each."""
        for item in getattr(self, "race_items", []):
            self.plot.removeItem(item)
        self.race_items = []
        self.curve.setData([], [])
        for _label, color, steps, losses in runs:  # the legend lives on the surface plot
            losses = np.maximum(losses, 1e-300) if self.log else losses
            item = pg.PlotDataItem(steps, losses, pen=_pen(color, self.theme.line))
            self.plot.addItem(item)
            self.race_items.append(item)
        if runs:
            self.plot.enableAutoRange()  # fit all the curves (a figure may set its own range afterwards)
