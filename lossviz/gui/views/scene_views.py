"""The window's three linked views and its status line, drawn from the document's scene and the live run.

Every drawing method reads the state (``Document.scene``, ``LiveRun``) and shows it; the views keep
nothing of their own but two throttles (when the model and the curve's axes were last redrawn).
``draw()`` draws everything, and is what a fresh window, an opened file, a task change and a theme
change all go through.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from lossviz.core.curvature import Curvature, in_plane
from lossviz.core.edits import nearest_point
from lossviz.core.model import predict
from lossviz.core.notation import parameter_label
from lossviz.core.objective import Objective, Quality
from lossviz.core.projection import chosen
from lossviz.core.runs import legend_texts
from lossviz.core.scene import Scene
from lossviz.core.units import STANDARDISED
from lossviz.gui.messages import HINT_MS, HOVER_MS
from lossviz.gui.panel.widgets import named
from lossviz.gui.state.document import Change, Document
from lossviz.gui.state.live import LiveRun
from lossviz.gui.state.readings import selection_arrows
from lossviz.gui.views.plot_widgets import DataPlotWidget, EditableViewBox
from lossviz.plots.data import DataPlot, axis_labels, display_note, display_rows, placed_rows, view_note
from lossviz.plots.grid_axis import live_axes
from lossviz.plots.loss import LossPlot
from lossviz.plots.overrides import qt_override
from lossviz.plots.style import cache_axes, set_title, style_plot, title_of
from lossviz.plots.surface import SurfacePlot, curvature_vectors, style_surface
from lossviz.plots.theme import RUN_COLORS, Theme

MODEL_DRAG_INTERVAL = 0.125  # s: during a drag the samples follow at once, the model at most this often
CURVE_FIT_INTERVAL = 0.3  # s between checks that the running loss curve is still in view (LossPlot.set_history)


class SceneViews(QtCore.QObject):
    """Data and model, loss surface and loss curve, and the step / L / ‖∇L‖ labels."""

    message = QtCore.Signal(str, int)

    def __init__(self, document: Document, live: LiveRun, theme: Theme):
        super().__init__()
        self.document, self.live, self.theme = document, live, theme
        self.data_viewbox = EditableViewBox()
        self.data_view = DataPlotWidget(self.data_viewbox)
        self.data_view.setObjectName("dataView")
        self.surface_viewbox = EditableViewBox()
        self.surface_view = pg.PlotWidget(viewBox=self.surface_viewbox, background=theme.background,
                                          axisItems=live_axes())
        self.surface_view.setObjectName("surfaceView")
        self.loss_view = pg.PlotWidget(background=theme.background, axisItems=live_axes())
        self.loss_view.setObjectName("lossCurveView")
        self.loss_view.getViewBox().setMenuEnabled(False)
        self.data_plot = DataPlot(self.data_view.getPlotItem(), theme)
        self.surface_plot = SurfacePlot(self.surface_view.getPlotItem(), theme)
        self.loss_plot = LossPlot(self.loss_view.getPlotItem(), theme)
        for view in (self.data_view, self.surface_view, self.loss_view):
            cache_axes(view.getPlotItem())
        self.quality_label = named(QtWidgets.QLabel(), "qualityLabel")
        self.step_label = named(QtWidgets.QLabel(), "stepLabel")
        self.loss_label = named(QtWidgets.QLabel(), "lossLabel")
        self.grad_label = named(QtWidgets.QLabel(), "gradLabel")
        for label in self.status_labels():
            label.setMinimumWidth(120)
        self._axes_drawn: tuple | None = None  # what _draw_axes last set: theme, titles, labels
        self._plane_drawn: object = None  # the plane through θ-space the path was last drawn on
        self._curvature: Curvature | None = None  # ∇²L's eigen-decomposition at the θ where the run last stopped
        self._data_view_framed: tuple[str, tuple[int, ...]] | None = None  # the data view chosen when last framed
        self._last_model_drawn = self._last_curve_fit = 0.0  # throttles (when the model, the curve's axes were drawn)
        self.data_viewbox.sigRangeChanged.connect(lambda *_: self.data_plot.redraw())
        self.surface_viewbox.sigRangeChanged.connect(lambda *_: self._draw_surface_arrows())
        self.surface_viewbox.sigResized.connect(lambda *_: self._draw_surface_arrows())
        self.surface_view.scene().sigMouseMoved.connect(self._on_view_surface_hover)
        self.data_view.scene().sigMouseMoved.connect(self._on_view_data_hover)
        self.surface_view.installEventFilter(self)

    def central_widget(self) -> QtWidgets.QSplitter:
        """Data view on the left; surface above the loss curve on the right."""
        right = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.surface_view)
        right.addWidget(self.loss_view)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.data_view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        return splitter

    def status_labels(self) -> tuple[QtWidgets.QLabel, ...]:
        """The step, L(θ|D), ‖∇L‖ and accuracy or RMSE labels (the window puts them in its status bar)."""
        return self.step_label, self.loss_label, self.grad_label, self.quality_label

    # ------------------------------------------------------------------ the one path
    def draw(self, kind: Change | None = None) -> None:
        """Draw what a change of ``kind`` touched (None: everything) from the scene and the live run."""
        if kind is Change.DATA and self.live.state().objective is not None:
            # the path is the same; the curve breaks once the drag (if any) ends
            self.draw_data(points_only=self._points_only_now())
            self.draw_status()
            if not self.document.previewing:
                self.draw_curve()
            return
        if kind is Change.SCENE or kind is None:
            self.data_plot.set_ghost(None)  # a hovered θ of the old shape means nothing now
        self._draw_axes()
        self.draw_surface(frame=kind is Change.SCENE)
        self.loss_plot.set_log(self.document.view_options().log_loss)
        self.draw_run()
        self.draw_curve()
        self.draw_data()
        scene = self.document.scene
        view = chosen(scene.task, scene.dims, scene.degree is not None, scene.view.data_view)
        if kind is Change.SCENE or view != self._data_view_framed:  # another data view chosen: framed as on open
            self.data_plot.frame_data()
        self._data_view_framed = view

    def _points_only_now(self) -> bool:
        """During a drag, the samples are redrawn at once and the model at most every MODEL_DRAG_INTERVAL."""
        if not self.document.previewing:
            return False
        now = time.perf_counter()
        if now - self._last_model_drawn < MODEL_DRAG_INTERVAL:
            return True
        self._last_model_drawn = now
        return False

    def _draw_axes(self) -> None:
        """Titles, axis labels and fonts, set again only when they change: styling an axis repaints it whole (about a
        third of a view's paint), and a change of speed or of a log scale changes none of them."""
        theme, scene = self.theme, self.document.scene
        data_title = "Data and model" + view_note(scene) + display_note(scene.data.size)
        surface_title = self.surface_title()[0]
        surface_axes = self.live.surfaces.axis_names()
        key = (theme, data_title, axis_labels(scene), surface_axes)
        if key == self._axes_drawn:
            self._show_surface_title(surface_title)
            return
        self._axes_drawn = key
        style_plot(self.data_view.getPlotItem(), theme, data_title, *key[2])
        style_surface(self.surface_view.getPlotItem(), theme, *surface_axes, title=surface_title)
        style_plot(self.loss_view.getPlotItem(), theme, "Loss curve", "step", "L(θ|D)")

    def draw_run(self) -> None:
        """The path (or the race's paths) on the surface, and the status labels."""
        state, plane = self.live.state(), self.live.surfaces.plane()
        start = plane.point(self.document.scene.init)
        if state.runs:
            texts, note = legend_texts(state.runs)
            racers = [(texts[i], RUN_COLORS[i % len(RUN_COLORS)], plane.coordinates(history.thetas[:state.shown_entries(i)]))
                      for i, history in enumerate(state.histories) if state.shown_entries(i)]
            if racers:
                self.surface_plot.set_race(racers, start, note)
            else:
                self.surface_plot.set_race([], None)
                self.surface_plot.set_path(np.empty((0, 2)), start, None)
        else:
            self.surface_plot.set_race([], None)
            path = plane.coordinates(state.histories[0].thetas[:state.shown_entries(0)])
            self.surface_plot.set_path(path, start, plane.point(state.theta), thin=True)
        self.draw_arrows()
        self.draw_curvature()
        self.draw_status()

    def draw_status(self) -> None:
        """step, L(θ|D) (with L(θ|D_test) and L(θ|P) where there are a test set and a P), ‖∇L‖ and the accuracy
        (classification) or RMSE and R² (regression) of the live run ("–" without data)."""
        state = self.live.state()
        self.step_label.setText(f"step {state.step}")
        scene = self.document.scene
        penalty = " + λ/2‖W‖²" if scene.l2 else ""
        what = ("L(θ|D_train)" if state.test_objective is not None else "L(θ|D)") + penalty
        population = f",  L(θ|P){penalty} = " if scene.distribution is not None else ""
        if state.objective is None:
            texts = [f"{what} = –" + (population + "–" if population else ""), "‖∇L‖ = –",
                     "accuracy –" if scene.task != "regression" else "RMSE –,  R² –"]
        else:
            loss = f"{what} = {state.loss:.6g}"
            if state.test_objective is not None:
                loss += f",  L(θ|D_test) = {state.test_loss:.6g}"
            if population:  # "…" until the worker has valued it at this θ (a report away)
                loss += population + ("…" if np.isnan(state.population_loss) else f"{state.population_loss:.6g}")
            assert state.quality is not None  # valued with every state that has an objective
            texts = [loss, f"‖∇L‖ = {state.grad_norm:.4g}", quality_text(state.quality)]
        for label, text in zip((self.loss_label, self.grad_label, self.quality_label), texts, strict=True):
            label.setText(text)

    def point_at(self, x: float, y: float) -> int | None:
        """The sample drawn under data position (x, y), within a few pixels, or None."""
        size_x, size_y = self.data_viewbox.viewPixelSize()
        if size_x <= 0 or size_y <= 0:
            return None
        data = self.data_plot.data
        rows = None if data is None else display_rows(data.size)  # only what is drawn can be grabbed
        index = nearest_point(self.data_plot.point_positions(rows), (x, y), (1 / size_x, 1 / size_y),
                              radius_pixels=max(8.0, self.theme.marker))
        return index if rows is None or index is None else int(rows[index])

    def draw_costly(self, data: bool = True) -> None:
        """The loss curve and (``data``: θ moved) the data view: now when paused; while running, as pieces after
        the next paint (see pacing.py), skipped if the run has started over meanwhile."""
        live = self.live
        draws = [self.draw_data, self.draw_curve] if data else [self.draw_curve]
        state = live.state()
        if not state.running:
            for draw in draws:
                draw()
            return
        generation = state.generation

        def current(draw: Callable[[], None]) -> Callable[[], None]:
            """``draw``, unless the run has started over meanwhile."""
            return lambda: draw() if live.state().generation == generation and not live.closing else None

        if data:  # the samples, then the model over them: two pieces, each a short stall at many samples
            draws = [lambda: self.draw_data(points_only=True), self._draw_data_model, self.draw_curve]
        live.pacing.scheduler.queue(*(current(draw) for draw in draws))

    def _drawn_losses(self, theta: np.ndarray) -> np.ndarray:
        """l(θ|x_i, y_i) of the samples the data view draws and of the selected ones (NaN for the others), (N,)."""
        points = self.live.state().points
        assert points is not None
        wanted = placed_rows(points.size, self.live.selection.indices)
        if wanted is None:
            return points.per_sample(theta)
        losses = np.full(points.size, np.nan)
        losses[wanted] = points.per_sample(theta, wanted)
        return losses

    def draw_data(self, points_only: bool = False) -> None:
        """The samples and the model at the live θ (each marker sized by its loss)."""
        scene, live, state = self.document.scene, self.live, self.live.state()
        per_sample = self._drawn_losses(state.theta) if state.points is not None else None
        theta = state.theta if state.theta.shape == scene.init.shape else scene.init
        self.data_plot.selected = live.selection.indices
        design = scene.design()
        self.data_plot.set_model(scene.shape, scene.data, theta, per_sample, points_only, design.features, design.test,
                                 scene.view.data_view)
        if not points_only:
            self._draw_data_extras()

    def _draw_data_model(self) -> None:
        """The model (and the rest) over the samples drawn by ``draw_data(points_only=True)``."""
        self.data_plot.redraw_model()
        self._draw_data_extras()

    def _draw_data_extras(self) -> None:
        """The data view's legend names, P's truth and the racers' models."""
        scene, state = self.document.scene, self.live.state()
        self.data_plot.set_class_names(scene.class_names)  # None for regression (the scene's rule)
        if self.data_plot.distribution != scene.distribution:
            self.data_plot.set_truth(scene.distribution)
        self.data_plot.set_racers([(RUN_COLORS[i % len(RUN_COLORS)], history.thetas[state.shown_entries(i) - 1])
                                   for i, history in enumerate(state.histories) if state.runs and state.shown_entries(i)])

    def draw_curve(self) -> None:
        """The loss curve of the run (or of every racer), its axes fitted when paused, followed when running."""
        state = self.live.state()
        if state.runs:
            self.loss_plot.set_race([(run.label, RUN_COLORS[i % len(RUN_COLORS)], h.steps, h.losses, h.stretches)
                                     for i, (run, h) in enumerate(zip(state.runs, state.histories, strict=True))
                                     if len(h)], thin=True)
            self.loss_plot.set_cursor(None if state.cursor is None else state.step)
            return
        now = time.perf_counter()
        if not state.running:
            view = "fit"
        elif now - self._last_curve_fit >= CURVE_FIT_INTERVAL:
            view, self._last_curve_fit = "follow", now
        else:
            view = "keep"
        history = state.histories[0]
        self.loss_plot.set_history(history.steps, history.losses, view, thin=True, stretches=history.stretches,
                                   test_losses=history.test_losses if state.test_objective is not None else None,
                                   population_losses=history.population_losses
                                   if self.document.scene.distribution is not None else None)
        self.loss_plot.set_cursor(None if state.cursor is None else state.step)

    def draw_surface(self, frame: bool = False) -> None:
        """The surface the live run shows (an empty plot while none is ready); ``frame`` fits the view to it."""
        shown = self.live.surfaces.shown
        plane = None if shown is None else shown.plane
        if plane is not self._plane_drawn:  # a plane through θ-space came (or went): its axes, the path on it
            self._plane_drawn = plane
            if plane is not None:
                self._draw_axes()
                self.draw_run()
        if shown is None:
            self.surface_plot.clear_surface()
            self.draw_population()
            # what a fresh window shows before its first surface, and whenever no surface can come (no data, or a
            # plane the scene's fit cannot give; framed when the worker says so): the start θ, ±2
            if frame or self.live.state().objective is None:
                x, y = self.live.surfaces.plane().point(self.document.scene.init)
                self.surface_viewbox.setRange(xRange=(x - 2, x + 2), yRange=(y - 2, y + 2), padding=0)
            return
        log = self.document.view_options().log_surface
        if self.surface_plot.surface is not shown.surface or self.surface_plot.log != log:
            title, quantity = self.surface_title()
            self.surface_plot.set_surface(shown.surface, log, quantity=quantity)
            self._show_surface_title(title)
        if frame:
            self.surface_plot.frame_surface()
        self.draw_population()

    def _show_surface_title(self, title: str) -> None:
        """The surface view's title, set only when it changed (an estimate's line comes and goes)."""
        if title != title_of(self.surface_view.getPlotItem()):
            set_title(self.surface_view.getPlotItem(), self.theme, title)

    def surface_title(self) -> tuple[str, str]:
        """The surface view's title and the name of what its colours show."""
        live = self.live
        shows, count = live.surfaces.shows(), len(live.selection)
        if shows == "samples":
            if count == 1:
                i = live.selection.indices[0] + 1
                return f"Sample {i}'s own loss l(θ|x<sub>{i}</sub>, y<sub>{i}</sub>)", f"l(θ|x{i}, y{i})"
            if count == self.document.scene.data.size:
                return f"Mean of all {count} samples' losses: L(θ|D)", "L(θ|D)"
            return f"Mean loss of the {count} selected samples", "mean of their l"
        if shows == "population":
            return "Expected loss L(θ|P) (+ θ*<sub>P</sub>)", "L(θ|P)"
        if live.surfaces.surface_of() == "both":
            title = "L(θ|D), and L(θ|P) dashed (+ θ*<sub>D</sub>, × θ*<sub>P</sub>)"
        else:
            title = "Loss surface L(θ|D)"
        plane = self.document.scene.surface.plane
        if plane != "coords":
            title += f" on the {plane} plane"
        shown = live.surfaces.shown
        if shown is not None and shown.estimate is not None:  # many samples: a subsample's estimate comes first
            request = shown.request
            then = ", refining…" if not shown.final else ", exact when paused" if not request.refine else \
                ", exact on release" if request.coarse else ""
            title += f"<br><small>estimate {shown.estimate.text()}{then}</small>"
        return title, "L(θ|D)"

    def draw_population(self) -> None:
        """L(θ|P)'s contours over L(θ|D) ("both"), the resampled minima θ*_D (rings) with θ*_P (×) and their legend."""
        population = self.live.population
        overlay = population.overlay_for(self.live.surfaces.shown)
        points, minimum = population.cloud_points(), population.cloud_minimum_point()
        if minimum is None and overlay is not None:
            minimum = overlay.minimum  # without a cloud, × is the grid's minimum of L(θ|P)'s contours
        self.surface_plot.set_population(overlay.surface if overlay else None, minimum)
        caption = "" if points is None else f"θ*<sub>D</sub> of {len(points)} other D ∼ P (N = {population.cloud_n})"
        self.surface_plot.set_cloud(points, minimum, caption)

    def draw_selection(self) -> None:
        """The selected samples: rings in the data view, their own loss's title and their arrows on the surface."""
        self.data_plot.set_selection(self.live.selection.indices)
        self._draw_axes()
        self.draw_surface()
        self.draw_arrows()

    def draw_arrows(self) -> None:
        """−∇l(θ|xᵢ, yᵢ) of the selected samples at θ, and their mean (bold), the longest a quarter of the view."""
        arrows = selection_arrows(self.live)
        if arrows is None:
            self.surface_plot.set_arrows(None, np.empty((0, 2)), None)
            return
        origin, vectors, mean = arrows
        longest = float(np.max(np.hypot(*np.vstack([vectors, mean[None]]).T)))
        (x0, x1), (y0, y1) = self.surface_viewbox.viewRange()
        if not longest > 0 or not np.isfinite(longest):
            self.surface_plot.set_arrows(None, np.empty((0, 2)), None)
            return
        scale = 0.25 * min(x1 - x0, y1 - y0) / longest
        self.surface_plot.set_arrows(origin, vectors * scale, mean * scale)

    def _draw_surface_arrows(self) -> None:
        """The arrows on the surface again: their heads are sized in pixels of the view, which just changed (not while
        a new scene's model has yet to reach the live run: its θ is of the old shape then)."""
        if self.live.state().theta.shape == self.document.scene.init.shape:
            self.draw_arrows()
            self.draw_curvature()

    def set_curvature(self, found: Curvature | None) -> None:
        """The Hessian's eigen-decomposition at the current θ (None: none), for the surface's arrows."""
        self._curvature = found
        self.draw_curvature()

    def draw_curvature(self) -> None:
        """View → Curvature directions: ↔ the top and the bottom eigen-direction through θ on the surface, each as
        long as the share of it the plane holds; while running only for L2, whose Hessian is the same everywhere
        (for the others, only where the run is paused); not in a race."""
        scene, state, shown, found = self.document.scene, self.live.state(), self.live.surfaces.shown, self._curvature
        shape = scene.shape
        if (not scene.view.curvature_directions or shown is None or found is None or scene.runs
                or found.eigenvectors.shape[0] != shape.outputs * (shape.dims + 1)
                or (state.running and not found.exact) or not np.all(np.isfinite(state.theta))
                or state.theta.shape != scene.init.shape):
            self.surface_plot.set_curvature(None, None)
            return
        plane = self.live.surfaces.plane()
        seen = in_plane(found, shape, plane.coordinates, state.theta)
        self.surface_plot.set_curvature(plane.point(state.theta),
                                        curvature_vectors(seen, shown.spec.x_range, shown.spec.y_range))

    def apply_theme(self, theme: Theme) -> None:
        """Colours, fonts and line widths of every view."""
        self.theme = theme
        for widget in (self.data_view, self.surface_view, self.loss_view):
            widget.setBackground(theme.background)
        self.data_plot.apply_theme(theme)
        self.surface_plot.apply_theme(theme)
        self.loss_plot.apply_theme(theme)

    # ------------------------------------------------------------------ hovering the surface
    def _on_view_surface_hover(self, scene_pos: QtCore.QPointF) -> None:
        box, live = self.surface_viewbox, self.live
        objective = live.state().objective
        if objective is None or not box.sceneBoundingRect().contains(scene_pos):
            self.data_plot.set_ghost(None)
            return
        pos = box.mapSceneToView(scene_pos)
        theta = live.theta_at(pos.x(), pos.y())
        self.data_plot.set_ghost(theta)
        x_param, y_param = ("α", "β") if self.document.scene.surface.plane != "coords" else \
            self.document.scene.surface_axes
        self.message.emit(f"{parameter_label(x_param)} = {pos.x():.3g}, {parameter_label(y_param)} = {pos.y():.3g}: "
                          f"L = {objective.value(theta):.4g}   (click to start there)", HOVER_MS)

    def _on_view_data_hover(self, scene_pos: QtCore.QPointF) -> None:
        """Hovering a sample: its label, the model's prediction and its loss l(θ|x_i, y_i)."""
        box, state = self.data_viewbox, self.live.state()
        if state.objective is None or state.points is None or not box.sceneBoundingRect().contains(scene_pos):
            return
        pos = box.mapSceneToView(scene_pos)
        index = self.point_at(pos.x(), pos.y())
        if index is None:
            return
        scene = self.document.scene
        text = sample_text(scene.task, state.points, state.theta, index, inputs_text(scene, index), scene.class_name)
        if np.any(scene.design().test == index):
            text += "  (test sample: not trained on)"
        self.message.emit(text, HINT_MS)
        QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), text, self.data_view)

    @qt_override
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """The pointer left the surface: no ghost model."""
        if watched is self.surface_view and event.type() == QtCore.QEvent.Type.Leave:
            self.data_plot.set_ghost(None)
        return super().eventFilter(watched, event)


def quality_text(quality: Quality) -> str:
    """"accuracy 93.3 % (test 90.0 %)" of a classification; "RMSE 0.41 (test 0.52),  R² 0.873 (test 0.801)" of a
    regression (R² "–" where it is undefined: all targets equal)."""
    def r2(value: float | None) -> str:
        """R² as read at a glance."""
        return "–" if value is None else f"{value:.3f}"

    if quality.name == "accuracy":
        text = f"accuracy {100 * quality.value:.1f} %"
        return text if quality.test is None else text + f" (test {100 * quality.test:.1f} %)"
    text = f"RMSE {quality.value:.4g}" + ("" if quality.test is None else f" (test {quality.test:.4g})")
    text += f",  R² {r2(quality.r2)}"
    return text if quality.test is None else text + f" (test {r2(quality.test_r2)})"


def inputs_text(scene: Scene, index: int) -> str:
    """Every input of sample ``index``: "x = (0.3, −1.2)", or by the table's names "petal_length = 1.4,
    petal_width = 0.2"; a standardised column gives its value in the table's units first ("area = 120 (0.53
    standardised)")."""
    raw = scene.data.X[index]
    if scene.input_names is None:
        return "x = (" + ", ".join(f"{v:.3g}" for v in raw) + ")"
    std = scene.standardization
    parts = []
    for j, (name, value) in enumerate(zip(scene.input_names, raw)):
        if std is not None:
            original = value * std.std[j] + std.mean[j]
            parts.append(f"{name.removesuffix(STANDARDISED)} = {original:.4g} ({value:.3g} standardised)")
        else:
            parts.append(f"{name} = {value:.4g}")
    return ", ".join(parts)


def sample_text(task: str, objective: Objective, theta: np.ndarray, index: int, x: str,
                class_name: Callable[[int], str] = str) -> str:
    """One sample in words: its inputs ``x`` (``inputs_text``), its label or target (a class by ``class_name``: its
    name, where the scene names its classes), the model's prediction and its loss."""
    data = objective.data
    output = predict(objective.shape, theta, data.X[index:index + 1])[0]  # this sample only: N may be large
    loss = float(objective.per_sample(theta, np.array([index]))[0])
    if task == "regression":
        said = f"y = {data.y[index]:.3g}, ŷ = {output[0]:.3g}"
        return f"sample {index + 1}: {x}, {said}, l(θ|x, y) = {loss:.4g}"
    label = int(data.y[index])
    if task == "binary":
        said = f"{_class_text(label, class_name)}, ŷ = P({_class_text(1, class_name, short=True)}) = {output[0]:.3f}"
    else:
        said = f"{_class_text(label, class_name)}, predicted {_class_text(int(output.argmax()), class_name)}, " \
               f"P({_class_text(label, class_name, short=True)}) = {output[label]:.3f}"
    return f"sample {index + 1}: {x}, {said}, l(θ|x, y) = {loss:.4g}"


def _class_text(label: int, class_name: Callable[[int], str], short: bool = False) -> str:
    """"class 2" for a class by number; "virginica (class 2)" for a named one, or "virginica" when ``short``."""
    name = class_name(label)
    if name == str(label):
        return f"class {label}"
    return name if short else f"{name} (class {label})"
