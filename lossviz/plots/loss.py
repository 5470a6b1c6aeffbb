"""The loss curve: L(θ|D) against the step, for one run or a race. Where the data changed under a run
the curve breaks (L is then over another dataset) and a thin labelled marker shows the edit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from lossviz.plots.style import anchor_in_corner, emptiest_corner, make_pen
from lossviz.plots.theme import Theme

MAX_EDIT_MARKERS = 12  # the most recent data edits get a marker
EDIT_LABEL = "D edited"
TEST_COLOR = "#0072B2"  # the test loss curve (blue, dashed), apart from the training curve
LABEL_ROOM_PX = 70  # an edit marker closer than this to the last labelled one goes without a label


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
    runs = padded.reshape(rows, width)
    base = np.arange(rows) * width
    low = base + np.argmin(np.where(np.isnan(runs), np.inf, runs), axis=1)
    high = base + np.argmax(np.where(np.isnan(runs), -np.inf, runs), axis=1)
    picks = np.unique(np.concatenate([[0], low, high, [n - 1]]))  # padding (±inf) is never picked
    return x[picks], y[picks]


def broken_curve(steps: np.ndarray, losses: np.ndarray, stretches: np.ndarray | None,
                 bins: int | None = None) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The curve as x, y with NaN where a new stretch begins (for ``connect="finite"``), each stretch
    reduced to its ``envelope`` of ``bins`` when given; and the steps at which stretches begin."""
    if stretches is None or len(stretches) < 2 or stretches[0] == stretches[-1]:
        x, y = envelope(steps, losses, bins) if bins else (steps, losses)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), []
    starts = np.flatnonzero(np.diff(stretches)) + 1
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gap = np.array([np.nan])
    for piece in np.split(np.arange(len(steps)), starts):
        x, y = envelope(steps[piece], losses[piece], bins) if bins else (steps[piece], losses[piece])
        xs += [np.asarray(x, dtype=np.float64), gap]
        ys += [np.asarray(y, dtype=np.float64), gap]
    return np.concatenate(xs[:-1]), np.concatenate(ys[:-1]), [float(steps[i]) for i in starts]


class LossPlot:
    """L(θ|D) against the step: one curve, or one per run of a race; markers where the data changed."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.curve = pg.PlotDataItem(connect="finite")
        self.curve.setDownsampling(auto=True, method="peak")  # a long export; live curves are thinned already
        self.curve.setClipToView(True)
        plot.addItem(self.curve)
        self.test_curve = pg.PlotDataItem(connect="finite")  # L(θ|D_test), where there is a test set
        plot.addItem(self.test_curve)
        self.population_curve = pg.PlotDataItem()  # L(θ|P), where the scene has a P (at the entries valued)
        plot.addItem(self.population_curve)
        self.legend: pg.LegendItem | None = None  # names the curves, shown with a test or a P curve
        self.legend_names: tuple[str, ...] = ()  # what it names now
        self.legend_corner: tuple[int, int] = (1, 1)  # (right, top) of the corner it is in
        self.race_items: list[pg.PlotDataItem] = []
        self.markers: list[pg.InfiniteLine] = []
        self.edit_steps: list[float] = []
        self.cursor = pg.InfiniteLine(angle=90, movable=False)  # the step stepped back to (hidden at the newest)
        self.cursor.setVisible(False)
        plot.addItem(self.cursor)
        self.log = False
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        """Colours and line widths."""
        self.theme = theme
        self.curve.setPen(make_pen(theme.trajectory, theme.line))
        self.test_curve.setPen(make_pen(TEST_COLOR, theme.line, QtCore.Qt.PenStyle.DashLine))
        # P's colour and dashes, as its contours on the surface; a dark edge keeps the yellow readable on white
        self.population_curve.setPen(make_pen(theme.population, theme.line, QtCore.Qt.PenStyle.DashLine))
        self.population_curve.setShadowPen(make_pen("#5A4A00", theme.line + 1.5 * theme.scale))
        if self.legend is not None:
            self.legend.setLabelTextColor(theme.foreground)
            self.legend.setLabelTextSize(f"{theme.font * 0.9:.1f}pt")
        self.cursor.setPen(make_pen(theme.foreground, max(1.0, 0.6 * theme.line)))
        self._draw_markers(self.edit_steps)

    def set_cursor(self, step: float | None) -> None:
        """Mark the step stepped back to (None: no mark, the newest step is shown)."""
        self.cursor.setVisible(step is not None)
        if step is not None:
            self.cursor.setValue(step)

    def set_log(self, log: bool) -> None:
        """A log₁₀ y axis (or a linear one)."""
        self.log = log
        self.plot.setLogMode(y=log)

    def view_values(self, losses: np.ndarray) -> np.ndarray:
        """Losses in the plot's y coordinates, as the curve is drawn: log₁₀ on a log axis (losses ≤ 0 at 1e-300)."""
        losses = np.asarray(losses, dtype=np.float64)
        return np.log10(np.maximum(losses, 1e-300)) if self.log else losses

    def set_history(self, steps: np.ndarray, losses: np.ndarray, view: str = "fit", thin: bool = False,
                    stretches: np.ndarray | None = None, test_losses: np.ndarray | None = None,
                    population_losses: np.ndarray | None = None) -> None:
        """Show the curve. ``view``: "fit" fits the axes to it; "follow" widens them only when the curve
        has left them (for a live run: re-ranging re-renders the axes and the grid, which costs more than
        the curve, and axes that jump several times a second are hard to read); "keep" leaves them.
        ``thin`` draws the curve's outline at the plot's width in pixels rather than every step;
        ``stretches`` (per entry) breaks the curve where the data changed; ``test_losses`` and ``population_losses``
        (per entry, NaN where not valued) add the test and the L(θ|P) curves."""
        self._clear_race()
        losses = np.maximum(losses, 1e-300) if self.log else losses
        bins = max(1, round(self.plot.getViewBox().width())) if thin else None
        x, y, edits = broken_curve(steps, losses, stretches, bins)
        self.curve.setData(x, y, symbol="o" if len(x) == 1 else None, symbolSize=6 * self.theme.scale,
                           symbolBrush=self.theme.trajectory, symbolPen=None)  # one entry: a dot, not nothing
        if test_losses is not None and not (len(test_losses) == len(steps) and np.isfinite(test_losses).any()):
            test_losses = None
        self._draw_test(steps, test_losses, stretches, bins)
        population = self._draw_population(steps, population_losses, bins)
        self._show_legend(test_losses is not None, population is not None)
        entries = len(steps)
        if test_losses is not None:
            losses = np.concatenate([losses, np.maximum(test_losses, 1e-300) if self.log else test_losses])
            steps = np.concatenate([steps, steps])
        if population is not None:
            steps, losses = np.concatenate([steps, population[0]]), np.concatenate([losses, population[1]])
        if entries < 2:  # nothing to fit yet (the training and the test loss at the start): the first steps
            self._frame_start(float(steps[0]) if len(steps) else 0.0, losses)
        elif view == "fit":
            self.plot.enableAutoRange()
        else:
            self.plot.disableAutoRange()
            if view == "follow":
                self._follow(steps, losses)
        self._draw_markers(edits)  # after the axes: labels are spaced in pixels
        self._place_legend()

    def _place_legend(self) -> None:
        """The training/test legend in the corner of the plot that the two curves cross least (a rising test curve
        runs through the top right); it stays where it is unless another corner is emptier."""
        legend = self.legend
        if legend is None or not legend.isVisible():
            return
        points = [np.column_stack(item.getData()) for item in (self.curve, self.test_curve, self.population_curve)
                  if item.getData()[0] is not None and len(item.getData()[0])]
        if points:
            xy = np.concatenate(points)
            xy[:, 1] = self.view_values(xy[:, 1])
            self.legend_corner = emptiest_corner(xy, self.plot.getViewBox().viewRange(), self.legend_corner)
        anchor_in_corner(legend, self.legend_corner, 10 * self.theme.scale)

    def _frame_start(self, first: float, losses: np.ndarray) -> None:
        """Axes for curves of one entry each: the next ten steps, and the start losses with a margin (never the
        last curve's axes, which may belong to another scene)."""
        finite = np.asarray(losses, dtype=np.float64)
        finite = finite[np.isfinite(finite)]
        self.plot.disableAutoRange()
        if not finite.size:
            self.plot.setYRange(0.0, 1.0, padding=0)
        elif self.log:  # half a decade either side
            low, high = np.log10(np.maximum([finite.min(), finite.max()], 1e-300))
            self.plot.setYRange(float(low) - 0.5, float(high) + 0.5, padding=0)
        else:
            low, high = float(finite.min()), float(finite.max())
            margin = max(abs(high) * 0.1, (high - low) * 0.1, 1e-3)
            self.plot.setYRange(low - margin, high + margin, padding=0)
        self.plot.setXRange(first, first + 10, padding=0.02)

    def _follow(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Widen the axes where the curve has left them: x to a quarter past the last step, y to the
        losses with a margin (and closer when they fill less than half of the height)."""
        box = self.plot.getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        first, last = float(steps[0]), float(steps[-1])
        x_range = (first, last + 0.25 * (last - first)) if first < x0 or last > x1 else None
        values = self.view_values(losses)
        finite = values[np.isfinite(values)]
        y_range = None
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            if lo < y0 or hi > y1 or hi - lo < 0.5 * (y1 - y0):
                margin = 0.1 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-12)
                y_range = (lo - margin, hi + margin * 0.5)
        if x_range is not None or y_range is not None:
            box.setRange(xRange=x_range, yRange=y_range, padding=0)

    def set_race(self, runs: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray | None]],
                 thin: bool = False) -> None:
        """runs = [(label, colour, steps, losses, stretches or None), …], one curve each (the legend lives
        on the surface plot); the axes fit all of them."""
        self._clear_race()
        self.curve.setData([], [])
        self._draw_test(np.empty(0), None, None, None)
        self._draw_population(np.empty(0), None, None)
        self._show_legend(False, False)
        bins = max(1, round(self.plot.getViewBox().width())) if thin else None
        edits: list[float] = []
        for number, (_label, color, steps, losses, stretches) in enumerate(runs):
            losses = np.maximum(losses, 1e-300) if self.log else losses
            x, y, run_edits = broken_curve(steps, losses, stretches, bins)
            edits = run_edits if number == 0 else edits
            item = pg.PlotDataItem(x, y, pen=make_pen(color, self.theme.line), connect="finite",
                                   symbol="o" if len(x) == 1 else None, symbolSize=6 * self.theme.scale,
                                   symbolBrush=color, symbolPen=None)  # one entry: a dot, not nothing
            self.plot.addItem(item)
            self.race_items.append(item)
        self._draw_markers(edits)
        if max((len(steps) for _, _, steps, _, _ in runs), default=0) < 2:  # before the race (or none): its start
            starts = np.array([losses[0] for _, _, _, losses, _ in runs if len(losses)], dtype=np.float64)
            self._frame_start(min((float(steps[0]) for _, _, steps, _, _ in runs if len(steps)), default=0.0),
                              starts)
        else:
            self.plot.enableAutoRange()  # fit all the curves (a figure may set its own range afterwards)

    def _draw_test(self, steps: np.ndarray, test_losses: np.ndarray | None, stretches: np.ndarray | None,
                   bins: int | None) -> None:
        """The test loss curve (dashed, blue); none without a test set."""
        if test_losses is None:
            x, _ = self.test_curve.getData()
            if x is not None and len(x):
                self.test_curve.setData([], [])
            return
        values = np.maximum(test_losses, 1e-300) if self.log else test_losses
        x, y, _ = broken_curve(steps, values, stretches, bins)
        self.test_curve.setData(x, y)

    def _draw_population(self, steps: np.ndarray, population_losses: np.ndarray | None,
                         bins: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        """The L(θ|P) curve (dashed, P's colour) through the entries where it was valued, and its points; none without
        a P (or before any entry has it)."""
        valued = None if population_losses is None else np.isfinite(population_losses)
        if population_losses is None or valued is None or len(population_losses) != len(steps) or not valued.any():
            x, _ = self.population_curve.getData()
            if x is not None and len(x):
                self.population_curve.setData([], [])
            return None
        values = population_losses[valued]
        values = np.maximum(values, 1e-300) if self.log else values
        x, y = envelope(steps[valued], values, bins) if bins else (steps[valued], values)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.population_curve.setData(x, y, symbol="o" if len(x) == 1 else None, symbolSize=6 * self.theme.scale,
                                      symbolBrush=self.theme.population, symbolPen=None)
        return x, y

    def _show_legend(self, test: bool, population: bool) -> None:
        """The legend naming the curves shown: the training and test curves, and L(θ|P); none for one curve alone."""
        names = (("training: L(θ|D_train)" if test else "L(θ|D)",) + (("test: L(θ|D_test)",) if test else ())
                 + (("expected: L(θ|P)",) if population else ()))
        if len(names) < 2:
            if self.legend is not None:
                self.legend.setVisible(False)
            return
        if self.legend is None:
            self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor=self.theme.foreground,
                                              labelTextSize=f"{self.theme.font * 0.9:.1f}pt")
        if names != self.legend_names:
            self.legend.clear()
            items = (self.curve,) + ((self.test_curve,) if test else ()) + ((self.population_curve,) if population else ())
            for item, name in zip(items, names, strict=True):
                self.legend.addItem(item, name)
            self.legend_names = names
        self.legend.setVisible(True)

    def legend_labels(self) -> list[str]:
        """The names the legend shows ([] while it is hidden)."""
        return list(self.legend_names) if self.legend is not None and self.legend.isVisible() else []

    def curves(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (x, y) data of every curve shown (one, or one per run of a race)."""
        items = self.race_items or [self.curve]
        return [(_array(x), _array(y)) for x, y in (item.getData() for item in items)]

    def _clear_race(self) -> None:
        for item in self.race_items:
            self.plot.removeItem(item)
        self.race_items = []

    def _draw_markers(self, steps: list[float]) -> None:
        """A thin dashed vertical line, labelled, at each of the last MAX_EDIT_MARKERS ``steps``."""
        self.edit_steps = steps[-MAX_EDIT_MARKERS:]
        while len(self.markers) > len(self.edit_steps):
            self.plot.removeItem(self.markers.pop())
        pen = make_pen(self.theme.foreground, max(1.0, 0.5 * self.theme.line), QtCore.Qt.PenStyle.DashLine, alpha=140)
        while len(self.markers) < len(self.edit_steps):
            marker = pg.InfiniteLine(angle=90, movable=False, label=EDIT_LABEL,
                                     labelOpts={"position": 0.92, "anchors": [(0, 0), (0, 0)]})
            marker.setZValue(-5)
            self.plot.addItem(marker)
            self.markers.append(marker)
        box = self.plot.getViewBox()
        (x0, x1), width = box.viewRange()[0], max(box.width(), 1.0)
        text_px = QtGui.QFontMetricsF(_small_font(self.theme)).horizontalAdvance(EDIT_LABEL) + 8
        labelled = -np.inf
        for marker, step in zip(self.markers, self.edit_steps, strict=True):
            marker.setPen(pen)
            marker.setValue(step)
            # a label only where it does not run into the one before (edits close together share it)
            room = (step - labelled) * width / max(x1 - x0, 1e-12) >= LABEL_ROOM_PX
            marker.label.setVisible(bool(room))
            if room:
                labelled = step
                marker.label.setColor(self.theme.foreground)
                marker.label.setFont(_small_font(self.theme))
                # right of the line, or left of it where the plot's right edge is nearer than the words are long
                side = (1, 0) if (x1 - step) * width / max(x1 - x0, 1e-12) < text_px else (0, 0)
                marker.label.anchors = [side, side]
                marker.label.updatePosition()


def _small_font(theme: Theme) -> QtGui.QFont:
    font = QtGui.QFont()
    font.setPointSizeF(theme.font * 0.8)
    return font


def _array(values: object) -> np.ndarray:
    """pyqtgraph's data (None when it has none) as an array."""
    return np.asarray(values if values is not None else [])
