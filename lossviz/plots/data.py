"""The data view: the samples and the model (line, sigmoid, boundary or class regions), drawn from numbers.

Built the same way for the window and for exported figures; it knows nothing of the document, the
workers or the mouse.
"""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from lossviz.core.dataset import Dataset
from lossviz.core.distributions import Distribution
from lossviz.core.edits import sample_positions
from lossviz.core.features import FeatureMap, feature_names
from lossviz.core.geometry import class_boundaries, grid_axes, grid_points, straight_boundary, truth_lines, zero_lines
from lossviz.core.limits import MAX_CLASSES
from lossviz.core.model import ModelShape, logits, sigmoid, softmax
from lossviz.core.projection import AUTO, NEARNESS_LEVELS, DataView, chosen, chosen_text, data_view, projected, view_text
from lossviz.core.scene import Scene
from lossviz.plots.markers import PassiveScatter
from lossviz.plots.style import anchor_in_corner, clear_line, clear_scatter, emptiest_corner, make_pen
from lossviz.plots.theme import Theme

SHADING_RESOLUTION = 96
FRAME_MARGIN = 0.65  # a framed view shows the samples' extent and this much of it again on either side of its middle
FOLLOW_MARGIN = 1.0  # ... and this much when the samples moved out of sight with θ (the logit-difference view): the
#                      view is framed anew about half as often while they spread (each framing redraws its axes)
NO_BRUSH = pg.mkBrush(None)  # hollow markers: the held-out test samples


def axis_labels(scene: Scene) -> tuple[str, str]:
    """The data view's axis labels for ``scene``'s raw inputs: x₁, x₂ for 2-D inputs, else x and y; named columns (an
    imported table's) as "petal_length (x₁)". The window and every figure label their data view with these."""
    def named(name: str | None, symbol: str) -> str:
        """The symbol, or "name (symbol)"."""
        return symbol if name is None else f"{name} ({symbol})"

    if projected(scene.task, scene.dims):
        return projected_text(scene)[:2]
    names = scene.input_names or (None,) * scene.dims
    if scene.dims == 2:
        return named(names[0], "x₁"), named(names[1], "x₂")
    x, y = named(names[0], "x"), named(scene.label_name, "y")
    return (x, f"{y}   (curve: ŷ = σ(Wx + b))") if scene.task == "binary" else (x, y)


SIZE_LEVELS = 12  # a marker's size follows its sample's loss in this many steps
FADE_ALPHAS = tuple(int(a) for a in np.linspace(60, 255, NEARNESS_LEVELS))  # a slice's markers, far … near
RESIDUAL_LIMIT = 500  # residuals ŷ − y are drawn up to this many samples (more are clutter, and slow to paint)
DISPLAY_LIMIT = 2500  # at most this many samples are drawn: markers with sizes of their own are slow to paint


def display_rows(count: int) -> np.ndarray | None:
    """The samples drawn of ``count`` (None: all): DISPLAY_LIMIT of them, a fixed random subset in their order."""
    if count <= DISPLAY_LIMIT:
        return None
    return _display_rows(count)


@functools.lru_cache(maxsize=4)
def _display_rows(count: int) -> np.ndarray:
    rows = np.sort(np.random.default_rng(0).choice(count, size=DISPLAY_LIMIT, replace=False))
    rows.flags.writeable = False
    return rows


def placed_rows(count: int, selected: tuple[int, ...]) -> np.ndarray | None:
    """The samples of ``count`` a view places: those drawn and the ``selected`` ones (None: all), made once per
    selection (a union of 2,500 rows with every redraw of a run cost ~1 ms twice)."""
    if count <= DISPLAY_LIMIT:
        return None
    return _placed_rows(count, tuple(i for i in selected if 0 <= i < count))


@functools.lru_cache(maxsize=4)
def _placed_rows(count: int, selected: tuple[int, ...]) -> np.ndarray:
    if not selected:
        return _display_rows(count)
    rows = np.union1d(_display_rows(count), np.array(selected, dtype=np.int64))
    rows.flags.writeable = False
    return rows


def display_note(count: int) -> str:
    """What the data view's title adds when it draws a subset: " (2,500 of 100,000 samples drawn)"."""
    return "" if count <= DISPLAY_LIMIT else f" ({DISPLAY_LIMIT:,} of {count:,} samples drawn)"


def view_note(scene: Scene) -> str:
    """What the data view's title adds for more inputs than a plane shows: ": ŷ against y, d = 4 inputs"."""
    if not projected(scene.task, scene.dims):
        return ""
    return ": " + projected_text(scene)[2]


def input_names(scene: Scene) -> list[str]:
    """The inputs' names: an imported table's columns, else x₁, x₂, …"""
    return list(scene.input_names) if scene.input_names else feature_names(scene.dims, None)


def projected_text(scene: Scene) -> tuple[str, str, str]:
    """The axis names and the title's note of the view a projected scene's data view draws (``view.data_view``)."""
    has_features = scene.degree is not None
    kind, numbers = chosen(scene.task, scene.dims, has_features, scene.view.data_view)
    if kind != AUTO:
        return chosen_text(kind, numbers, scene.dims, input_names(scene))
    return view_text(scene.task, scene.dims, scene.classes, has_features)


class DataPlot:
    """The dataset and the model: line, sigmoid, boundary or class regions, per-sample losses."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.theme = theme
        self._grid_raw: tuple[tuple, np.ndarray] | None = None  # the shading grid's points, or their monomials
        self.shading = pg.ImageItem()
        self.shading.setZValue(-20)
        self.boundary = pg.PlotDataItem(connect="finite")
        self.model_curve = pg.PlotDataItem()
        self.residuals = pg.PlotDataItem(connect="pairs")
        self.ghost = pg.PlotDataItem(connect="finite")
        # one scatter per class: a single brush each keeps pyqtgraph on its fast path
        self.scatters = [PassiveScatter(hoverable=False) for _ in range(MAX_CLASSES)]
        for item in (self.shading, self.residuals, self.boundary, self.model_curve, self.ghost, *self.scatters):
            plot.addItem(item)
        self.shape: ModelShape | None = None
        self.data: Dataset | None = None
        self.theta: np.ndarray | None = None
        self.per_sample: np.ndarray | None = None
        self.ghost_theta: np.ndarray | None = None
        self.truth = pg.PlotDataItem(connect="finite")  # E[y|x] or the Bayes boundary under P
        self.rings = PassiveScatter(hoverable=False)  # around the selected samples
        plot.addItem(self.truth)
        plot.addItem(self.rings)
        self.selected: tuple[int, ...] = ()
        self.view: DataView | None = None  # the exact view of more inputs than a plane shows (None: the inputs)
        self._view_of: tuple = ()  # what set_model was given: (shape, data, θ, φ, the view chosen)
        self.features: FeatureMap | None = None  # φ of the model (None: φ(x) = x)
        self.test_rows = np.empty(0, dtype=np.int64)  # drawn hollow
        self.hollow = [PassiveScatter(hoverable=False) for _ in range(MAX_CLASSES)]  # the test samples, one per class
        for item in self.hollow:
            plot.addItem(item)
        self.distribution: Distribution | None = None
        self._truth_key: tuple | None = None  # the P and the view the truth was drawn for
        self.racers: list[tuple[str, np.ndarray]] = []  # (colour, θ) of each racer of a race
        self.racer_items: list[pg.PlotDataItem] = []
        self.class_names: tuple[str, ...] | None = None  # named classes get a legend
        self.legend: pg.LegendItem | None = None
        self.legend_corner: tuple[int, int] = (0, 1)  # (right, top): the class legend starts at the top left
        self.redraws = 0  # whole drawings so far: set_model draws once where a change of range drew already
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        """Colours, line widths and marker sizes."""
        self.theme = theme
        self.boundary.setPen(make_pen(theme.model, theme.line))
        self.model_curve.setPen(make_pen(theme.model, theme.line))
        self.residuals.setPen(make_pen("#D55E00", max(1.0, theme.line * 0.6), alpha=200))
        self.ghost.setPen(make_pen(theme.ghost, theme.line, QtCore.Qt.PenStyle.DashLine))
        self.truth.setPen(make_pen(theme.truth, theme.line * 1.2, QtCore.Qt.PenStyle.DotLine))
        self._brushes = [pg.mkBrush(theme.class_color(c)) for c in range(MAX_CLASSES)]
        self._hollow_pens = [make_pen(theme.class_color(c), 2.2 * theme.scale) for c in range(MAX_CLASSES)]
        self._outline = pg.mkPen(theme.foreground if theme.name == "dark" else "#222222", width=max(1.0, theme.scale))
        self._fades: dict[tuple[int, bool], tuple[bytes, list, list]] = {}  # a slice's faded markers, per class
        if self.legend is not None:  # made again in the new colours and font
            scene = self.legend.scene()
            if scene is not None:  # off the view box and the scene (setParentItem(None) would anchor it, and fail)
                scene.removeItem(self.legend)
            self.legend = None
        self._draw_legend()
        self.redraw()

    def set_class_names(self, names: tuple[str, ...] | None) -> None:
        """Name the classes in a legend, a marker of each class's colour beside its name (None: no legend)."""
        if names == self.class_names:
            return
        self.class_names = names
        self._draw_legend()

    def _draw_legend(self) -> None:
        names, theme = self.class_names, self.theme
        if names is None:
            if self.legend is not None:
                self.legend.clear()
                self.legend.setVisible(False)
            return
        if self.legend is None:
            self.legend = pg.LegendItem(offset=(10, 10), labelTextColor=theme.foreground,
                                        labelTextSize=f"{theme.font * 0.85:.1f}pt", brush=pg.mkBrush(theme.background))
            self.legend.setParentItem(self.plot.getViewBox())
        self.legend.clear()
        for label, name in enumerate(names[:len(self._brushes)]):
            sample = pg.ScatterPlotItem(symbol="o", size=theme.marker, brush=self._brushes[label], pen=self._outline)
            self.legend.addItem(sample, name)
        self.legend.setVisible(True)

    def _place_legend(self, positions: np.ndarray) -> None:
        """The class legend in the corner of the view with the fewest samples (it moves only for an emptier one)."""
        if self.legend is None or not self.legend.isVisible():
            return
        self.legend_corner = emptiest_corner(positions, self.plot.getViewBox().viewRange(), self.legend_corner)
        anchor_in_corner(self.legend, self.legend_corner, 10 * self.theme.scale)

    def legend_names(self) -> list[str]:
        """The class names the legend shows, in class order ([] without a legend)."""
        if self.legend is None or not self.legend.isVisible():
            return []
        return [label.text for _, label in self.legend.items]

    @property
    def input_shape(self) -> ModelShape | None:
        """The model's shape over the raw inputs x (what the view's axes are)."""
        shape = self.shape
        if shape is None or self.features is None:
            return shape
        return ModelShape(shape.task, self.features.dims, shape.classes)

    @property
    def input_dims(self) -> int:
        """1 or 2: the raw inputs' dimension."""
        shape = self.input_shape
        return 2 if shape is None else shape.dims

    def _logits(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The model's logits at raw inputs X: Wφ(x) + b."""
        return logits(theta, X if self.features is None else self.features(X))

    def _grid_logits(self, theta: np.ndarray) -> np.ndarray:
        """The logits at the points of ``_grid()`` (row by row; 1-D: x repeated down the rows), (rows·cols, k).
        The grid's raw monomials are kept while the view and the degree stay, and θ is folded over them
        (FeatureMap.fold): one product per frame however often θ changes."""
        gx, gy = self._grid()
        features = self.features
        key = (gx[0], gx[-1], gy[0], gy[-1], len(gx), self.input_dims, None if features is None else features.degree)
        if self._grid_raw is None or self._grid_raw[0] != key:
            points = grid_points(gx, gy, self.input_dims)
            self._grid_raw = (key, points if features is None else features.raw(points))
        return logits(theta if features is None else features.fold(theta), self._grid_raw[1])

    def set_model(self, shape: ModelShape, data: Dataset, theta: np.ndarray, per_sample: np.ndarray | None,
                  points_only: bool = False, features: FeatureMap | None = None,
                  test_rows: np.ndarray | None = None, choice: str = AUTO) -> None:
        """Show ``data`` and the model θ of ``shape`` over φ = ``features`` (None: φ(x) = x); per_sample:
        l(θ|x_i, y_i) (N,) or None; ``test_rows`` are drawn hollow. ``points_only`` redraws just the samples
        (cheap, for a drag in progress). More inputs than a plane shows are drawn in their exact view
        (``core.projection``), or the view ``choice`` (partial residuals, a slice): the points where the model puts
        them, the model that view's."""
        self._view_of = (shape, data, theta, features, choice)
        self.view = self._exact_view()
        if self.view is not None:
            shape, data, theta, features = self.view.shape, self.view.data, self.view.theta, None
        self.shape, self.data, self.theta, self.per_sample = shape, data, theta, per_sample
        self.features = features if features is not None and features.degree is not None else None
        self.test_rows = np.empty(0, dtype=np.int64) if test_rows is None else test_rows
        redraws = self.redraws
        if self.view is not None and self.view.moves_with_theta and not self._holds(self.point_positions()):
            self._frame(FOLLOW_MARGIN)  # the points moved out of sight with θ: framed anew, only then (calm), roomily
        if self.redraws != redraws:  # the new range was drawn whole (a window redraws on a change of range): once
            return
        if points_only:
            self._draw_points()
        else:
            self.redraw()

    def set_truth(self, distribution: Distribution | None) -> None:
        """Overlay what P says about y given x (None: nothing): the true line or curve E[y|x] for regression,
        P(y=1|x) for 1-D binary data, the Bayes decision boundary for 2-D classification — dotted, in the
        theme's truth colour, apart from the model."""
        self.distribution = distribution
        self._draw_truth()

    def _draw_truth(self) -> None:
        dist, shape = self.distribution, self.shape
        if dist is None or shape is None or dist.task != shape.task or dist.dims != self.input_dims:
            self._truth_key = None
            clear_line(self.truth)
            return
        key = (dist, self.view_rect())  # P does not change with θ: drawn again only for another P or view
        if key == self._truth_key:
            return
        self._truth_key = key
        self.truth.setData(*truth_lines(dist, self.view_rect(), self._grid(160)))

    def _exact_view(self) -> DataView | None:
        """``data_view`` of the model last set; of very many samples, only those drawn (and the selected) are placed:
        a pass over 100,000 samples of 50 inputs with every redraw of a run would stall the window."""
        shape, data, theta, features, choice = self._view_of
        return data_view(shape, data, theta, features, choice, placed_rows(data.size, tuple(self.selected)))

    def set_selection(self, indices: tuple[int, ...]) -> None:
        """Ring the selected samples (their own losses are on the surface)."""
        self.selected = indices
        if self.view is not None and display_rows(self.view.data.size) is not None:  # place the newly selected
            self.view = self._exact_view()
            assert self.view is not None
            self.data = self.view.data
        if self.shape is not None and self.data is not None:
            self._draw_points()

    def set_racers(self, racers: list[tuple[str, np.ndarray]]) -> None:
        """The model of each racer of an optimizer race, in its colour ([] for a single run)."""
        self.racers = racers
        self._draw_racers()

    def _draw_racers(self) -> None:
        while len(self.racer_items) > len(self.racers):
            self.plot.removeItem(self.racer_items.pop())
        while len(self.racer_items) < len(self.racers):
            item = pg.PlotDataItem(connect="finite")
            self.plot.addItem(item)
            self.racer_items.append(item)
        shape = self.shape.zeros().shape if self.shape is not None and self.data is not None else None
        for item, (color, theta) in zip(self.racer_items, self.racers, strict=True):
            item.setPen(make_pen(color, self.theme.line, QtCore.Qt.PenStyle.DashLine))
            if theta.shape == shape:
                item.setData(*self._model_lines(theta))
            else:
                item.setData([], [])

    def set_ghost(self, theta: np.ndarray | None) -> None:
        """The model of a hovered θ, dashed (None: none)."""
        self.ghost_theta = theta
        self._draw_ghost()

    def _holds(self, positions: np.ndarray) -> bool:
        """True when every sample placed of ``positions`` (N, 2) is in the view."""
        if not len(positions):
            return True
        x0, x1, y0, y1 = self.view_rect()
        rows = placed_rows(len(positions), tuple(self.selected))  # the others are not placed (NaN) of many samples
        finite = positions if rows is None else positions[rows]
        finite = finite[np.isfinite(finite).all(axis=1)]
        return bool(np.all((finite[:, 0] >= x0) & (finite[:, 0] <= x1) & (finite[:, 1] >= y0) & (finite[:, 1] <= y1)))

    def point_positions(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Where each sample (or each of ``rows``) is drawn, (N, 2) in plot coordinates (read-only)."""
        return np.empty((0, 2)) if self.data is None else sample_positions(self.data, rows)

    def view_rect(self) -> tuple[float, float, float, float]:
        """The visible (x0, x1, y0, y1)."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return x0, x1, y0, y1

    def redraw(self) -> None:
        """Draw the samples, the model and the ghost again (after a zoom or pan)."""
        if self.shape is None or self.data is None:
            return
        self.redraws += 1
        self._draw_points()
        self.redraw_model()

    def redraw_model(self) -> None:
        """Draw the model, the ghost, the racers and P's truth again over the samples (a redraw of a run in two
        pieces: the samples, then these)."""
        if self.shape is None or self.data is None:
            return
        self._draw_model()
        self._draw_ghost()
        self._draw_racers()
        self._draw_truth()

    def _draw_points(self) -> None:
        data, shape = self.data, self.shape
        assert data is not None and shape is not None, "set_model() sets both; redraw() waits for them"
        positions = self.point_positions()
        if not len(positions):
            for scatter in (*self.scatters, *self.hollow):
                clear_scatter(scatter)
            clear_scatter(self.rings)
            self.residuals.setData([], [])
            return
        selected = np.array([i for i in self.selected if i < data.size], dtype=np.int64)
        self._draw_rings(positions[selected], self._marker_sizes(selected))
        rows = display_rows(data.size)
        if rows is not None:  # many samples: a fixed random subset is drawn (the view's title says so)
            positions = positions[rows]
        drawn = np.arange(data.size) if rows is None else rows
        self._place_legend(positions)
        classes = np.zeros(len(drawn), dtype=int) if shape.task == "regression" else data.y[drawn].astype(int) % MAX_CLASSES
        sizes = self._marker_sizes(drawn)
        test = np.zeros(data.size, dtype=bool)
        test[self.test_rows[self.test_rows < data.size]] = True
        test = test[drawn]
        nearness = None if self.view is None or self.view.nearness is None else self.view.nearness[drawn]
        for label, (scatter, hollow) in enumerate(zip(self.scatters, self.hollow, strict=True)):
            mine, theirs = (classes == label) & ~test, (classes == label) & test
            if mine.any():
                brush, pen = (self._brushes[label], self._outline) if nearness is None else \
                    self._faded(label, False, nearness[mine])
                scatter.show_markers(positions[mine], sizes[mine], brush, pen)
            else:
                clear_scatter(scatter)
            if theirs.any():  # held out: hollow, in the class's colour
                brush, pen = (NO_BRUSH, self._hollow_pens[label]) if nearness is None else \
                    self._faded(label, True, nearness[theirs])
                hollow.show_markers(positions[theirs], sizes[theirs], brush, pen)
            else:
                clear_scatter(hollow)
        if shape.task == "regression" and self.input_dims == 1 and self.theta is not None and data.size <= RESIDUAL_LIMIT:
            X = data.X
            fitted = self._logits(self.theta, X)[:, 0]
            segments = np.empty((2 * len(X), 2))
            segments[0::2] = positions
            segments[1::2, 0] = X[:, 0]
            segments[1::2, 1] = fitted
            self.residuals.setData(segments[:, 0], segments[:, 1])
        else:
            self.residuals.setData([], [])

    def _faded(self, label: int, hollow: bool, levels: np.ndarray) -> tuple[list, list]:
        """Per-marker brushes and pens of class ``label`` for a slice: the farther a sample lies from the slice in
        the hidden inputs (``levels``: core.projection.nearness), the fainter (the same lists while the levels
        stay, so a run's redraws only resize the markers)."""
        key = levels.tobytes()
        cached = self._fades.get((label, hollow))
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        color, outline = QtGui.QColor(self.theme.class_color(label)), self._outline.color()
        brushes, pens = [], []
        for alpha in FADE_ALPHAS:
            faded = QtGui.QColor(color)
            faded.setAlpha(alpha)
            brushes.append(NO_BRUSH if hollow else pg.mkBrush(faded))
            edge = QtGui.QColor(color if hollow else outline)
            edge.setAlpha(alpha)
            pens.append(pg.mkPen(edge, width=(self._hollow_pens[label] if hollow else self._outline).widthF()))
        chosen = ([brushes[level] for level in levels], [pens[level] for level in levels])
        self._fades[(label, hollow)] = (key, *chosen)
        return chosen

    def _marker_sizes(self, rows: np.ndarray) -> np.ndarray:
        """The marker size of each sample of ``rows``: in every task it grows with the sample's loss l(θ|x_i, y_i)
        (L(θ|D) is their mean), in SIZE_LEVELS steps from 0.75 to 2.45 markers — pyqtgraph renders each new size of
        a symbol into its atlas, and sizes that changed a little with every step re-rendered every marker on every
        redraw of a run. Without losses, one size."""
        per_sample, marker = self.per_sample, self.theme.marker
        if per_sample is None or self.data is None or len(per_sample) != self.data.size:
            return np.full(len(rows), marker)
        losses = np.nan_to_num(per_sample[rows], nan=4.0, posinf=4.0)  # a loss beyond float64: the largest marker
        grow = np.round(np.sqrt(np.minimum(losses, 4.0)) * (SIZE_LEVELS / 2)) / (SIZE_LEVELS / 2)
        return marker * (0.75 + 0.85 * grow)

    def _draw_rings(self, positions: np.ndarray, sizes: np.ndarray) -> None:
        """Rings around the selected samples at ``positions`` with their marker ``sizes``."""
        if not len(positions):
            clear_scatter(self.rings)
            return
        self.rings.setData(pos=positions, size=sizes + 10 * self.theme.scale, symbol="o", brush=None,
                           pen=make_pen(self.theme.trajectory, 2.5 * self.theme.scale))

    def _model_lines(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model as a polyline (NaN-separated): line, sigmoid, threshold or boundaries."""
        shape = self.shape
        assert shape is not None, "drawn only once set_model() has given a shape"
        x0, x1, y0, y1 = self.view_rect()
        if self.input_dims == 1:
            xs = np.linspace(x0, x1, 2 if shape.task == "regression" and self.features is None else 400)
            z = self._logits(theta, xs[:, None])
            if shape.task == "regression":
                return xs, z[:, 0]
            if shape.task == "binary":
                return xs, sigmoid(z[:, 0])
            return np.empty(0), np.empty(0)
        gx, gy = self._grid()
        if shape.task == "binary" and self.features is not None:  # curved: where Wφ(x) + b = 0
            return zero_lines(gx, gy, self._grid_logits(theta)[:, 0].reshape(len(gy), len(gx)))
        if shape.task == "binary":
            return straight_boundary(theta[0, :2], theta[0, 2], (x0, x1, y0, y1))
        return class_boundaries(gx, gy, self._grid_logits(theta).reshape(len(gy), len(gx), -1))

    def _grid(self, resolution: int = SHADING_RESOLUTION) -> tuple[np.ndarray, np.ndarray]:
        return grid_axes(self.view_rect(), resolution)

    def _draw_model(self) -> None:
        shape, theta = self.shape, self.theta
        assert shape is not None, "redraw() checks the shape"
        self.boundary.setData([], [])
        self.model_curve.setData([], [])
        if theta is None:
            self.shading.clear()
            return
        xs, ys = self._model_lines(theta)
        if self.input_dims == 2 and shape.task != "regression":
            self.boundary.setData(xs, ys)
        else:
            self.model_curve.setData(xs, ys)
        if self.input_dims == 2 or shape.task == "multiclass":
            self._draw_shading(theta)
        else:
            self.shading.clear()

    def _draw_shading(self, theta) -> None:
        shape = self.shape
        assert shape is not None, "_draw_model() checks the shape"
        gx, gy = self._grid()
        z = self._grid_logits(theta)
        qcolors = [QtGui.QColor(self.theme.class_color(c)) for c in range(MAX_CLASSES)]
        colors = np.array([(q.red(), q.green(), q.blue()) for q in qcolors], dtype=np.float64)
        if shape.task == "binary":
            p = sigmoid(z[:, 0])[:, None]
            rgb = colors[0] * (1 - p) + colors[1] * p
            alpha = 40 + 90 * np.abs(2 * p[:, 0] - 1)
        elif shape.task == "multiclass":
            probs = softmax(z)
            winner = probs.argmax(axis=1)
            rgb = colors[winner % MAX_CLASSES]
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
        """Set the view to show every sample with a margin (a sensible default when empty). A slot (View → Frame
        data): it takes no arguments."""
        self._frame(FRAME_MARGIN)

    def _frame(self, margin: float) -> None:
        """Frame the samples: ``margin`` times their extent on either side of their middle."""
        shape = self.input_shape
        if self.view is None:  # the samples themselves: finite, every one framed
            positions = self.point_positions()
        else:  # a view placing only the drawn (and selected) of very many samples: the others are NaN
            count = 0 if self.data is None else self.data.size
            positions = self.point_positions(placed_rows(count, tuple(self.selected)))
            positions = positions[np.isfinite(positions).all(axis=1)]
        if len(positions):  # column by column: a reduction over the rows of an (N, 2) array is ~10× slower
            lo = np.array([positions[:, 0].min(), positions[:, 1].min()])
            hi = np.array([positions[:, 0].max(), positions[:, 1].max()])
        else:
            lo, hi = np.array([-2.0, -2.0]), np.array([2.0, 2.0])
        if shape is not None and shape.dims == 1 and shape.task != "regression":
            lo[1], hi[1] = 0.0, 1.0 if shape.task == "binary" else max(1.0, shape.classes - 1)
        span = np.maximum(hi - lo, 1.0)  # a single point, or points on a line, still get room around them
        middle = 0.5 * (lo + hi)
        lo, hi = middle - margin * span, middle + margin * span
        self.plot.getViewBox().setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
