"""The lossviz window: data, loss surface and loss curve, linked, with a live worker."""

from __future__ import annotations

import sys
import time
from collections import deque
from datetime import datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal

from lossviz.core import edits
from lossviz.core.csvdata import dataset_csv_text, read_dataset_csv
from lossviz.core.errors import LossvizError
from lossviz.core.generators import GENERATORS
from lossviz.core.losses import LOSSES
from lossviz.core.optimizers import MOMENTUM_DEFAULTS, OptimizerConfig
from lossviz.core.presets import DEFAULT_PRESET, load_preset
from lossviz.core.files import write_atomic as write_text_atomic
from lossviz.core.scene import Scene, SurfaceConfig, parse_scene_text, scene_to_text
from lossviz.gui import dialogs
from lossviz.gui.controls import SPEEDS, ControlPanel
from lossviz.gui.document import DATA, SCENE, SETTINGS, START, SURFACE, VIEW, Document
from lossviz.gui.figure import DataPlot, LossPlot, SurfacePlot, cache_axes, style_plot, style_surface
from lossviz.gui.theme import LIGHT, THEMES, configure_pyqtgraph
from lossviz.gui.workers import (GuiBusy, Problem, SurfaceRequest, SurfaceWorker, TrainingRequest,
                                 TrainingWorker, WorkerThread)

MAX_HISTORY = 20000  # trajectory entries kept for drawing; halved (every other one) beyond
COARSE_RESOLUTION = 40
AUTOSAVE_DELAY_MS = 3000
HELD_SURFACE_INTERVAL = 0.25  # s between surface refreshes while θ moves and parameters are held
DATA_REDRAW_INTERVAL = 0.125  # s between data-view and loss-curve redraws while running (the costliest to paint)
CURVE_FIT_INTERVAL = 0.3  # s between checks that the running loss curve is still in view (see LossPlot.set_history)
DRAG_FRAME_MS = 20  # a dragged point moves the document at most this often
MAX_RECENT = 8
PRESENTATION_SCALE = 1.6


class EditableViewBox(pg.ViewBox):
    """A ViewBox that reports clicks and point drags in data coordinates; other drags pan."""

    clickedAt = Signal(float, float, object)  # x, y, Qt.MouseButton
    pointDragged = Signal(int, float, float, str)  # index, x, y, "start" | "move" | "finish"

    def __init__(self):
        super().__init__(enableMenu=False)
        self.hit_test = lambda x, y: None
        self._drag_index = None

    def mouseClickEvent(self, ev):
        pos = self.mapSceneToView(ev.scenePos())
        ev.accept()
        self.clickedAt.emit(pos.x(), pos.y(), ev.button())

    def cancel_drag(self) -> None:
        """Forget the point being dragged; the rest of this mouse drag does nothing."""
        if self._drag_index is not None:
            self._drag_index = -1

    def mouseDragEvent(self, ev, axis=None):
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


class _PaintProbe(QtCore.QObject):
    """Runs callbacks from low-priority posted events, each after ``hops`` more trips through the
    event queue (see MainWindow._after_paint). The events carry nothing: the callbacks wait here in
    the order their events were posted."""

    EVENT = QtCore.QEvent.Type(QtCore.QEvent.registerEventType())

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pending = deque()  # (callback, hops) in the order of their posted events

    def post(self, callback, hops: int) -> None:
        self.pending.append((callback, hops))
        QtCore.QCoreApplication.postEvent(self, QtCore.QEvent(self.EVENT), Qt.EventPriority.LowEventPriority.value)

    def event(self, ev):
        if ev.type() != self.EVENT:
            return super().event(ev)
        callback, hops = self.pending.popleft()
        if hops > 0:
            self.post(callback, hops - 1)
        else:
            # from a timer, not at once: posted events (and the paints among them) are all handled in one
            # pass of the event loop, and timers and input wait until it ends; a timer ends the pass
            QtCore.QTimer.singleShot(1, self, callback)  # dropped with this probe (and its window)
        return True


class DataPlotWidget(pg.PlotWidget):
    """The data view: takes keyboard focus so that digit keys choose the label."""

    labelKey = Signal(int)

    def __init__(self, viewbox):
        super().__init__(viewBox=viewbox, background=LIGHT.background)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def mousePressEvent(self, ev):
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(ev)

    def keyPressEvent(self, ev):
        text = ev.text()
        if len(text) == 1 and text.isdigit() and not ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.labelKey.emit(int(text))
            ev.accept()
            return
        super().keyPressEvent(ev)


class MainWindow(QtWidgets.QMainWindow):
    """The app. ``load_scene``/``save_scene`` do what File → Open/Save do, without dialogs."""

    trainingRequested = Signal(object)
    runningRequested = Signal(bool)
    stepRequested = Signal()
    speedRequested = Signal(float)
    surfaceRequested = Signal(object)
    reportDrawn = Signal()
    surfaceDrawn = Signal(object)  # a SurfaceResult, once shown (benchmarks and tests wait for it)
    workersWakeRequested = Signal()

    def __init__(self, scene: Scene | None = None, settings: QtCore.QSettings | None = None,
                 recovery_dir: str | Path | None = None):
        super().__init__()
        configure_pyqtgraph()
        sys.setswitchinterval(0.001)  # the workers' numpy loops must not starve the GUI thread
        self.setWindowTitle("lossviz")
        self.settings = settings if settings is not None else QtCore.QSettings("lossviz", "lossviz")
        if recovery_dir is None:
            location = QtCore.QStandardPaths.StandardLocation.AppDataLocation
            recovery_dir = QtCore.QStandardPaths.writableLocation(location) or str(Path.home() / ".lossviz")
        self.recovery_path = Path(recovery_dir) / "recovery.json"
        self.theme = self.base_theme = LIGHT
        self.presenting = False
        self.document = Document(scene if scene is not None else load_preset(DEFAULT_PRESET), self)

        # run state
        self.generation = 0  # training generation: bumped by every restart or data change
        self.surface_generation = 0  # meaning of the surface (task, loss, axes, data)
        self.surface_sequence = 0
        self.shown_surface_sequence = -1
        self.received_surface_sequence = 0
        self.surfaceShown = 0  # surfaces drawn so far (benchmarks count them)
        self.latest_surface = None  # the newest result from the surface worker
        self.surface_ranges = None  # (x_range, y_range) framed automatically, kept until re-framed
        self.reframe = True
        self.framed_for = None  # (loss, task) the automatic surface range was chosen for
        self.theta = self.document.scene.init.copy()
        self.step = 0
        self.loss = float("nan")
        self.grad_norm = float("nan")
        self.history_steps = np.empty(0, dtype=np.int64)
        self.history_losses = np.empty(0)
        self.history_thetas = np.empty((0,) + self.theta.shape)
        self.rival_histories = []  # per rival of a race: (steps, losses, thetas)
        self.current_label = 0
        self.dragging = None  # (index, dataset before the drag)
        self.last_held_request = 0.0
        self.last_data_redraw = 0.0
        self.last_curve_fit = 0.0
        self.objective = None
        self._closing = False

        self._paint_probe = _PaintProbe(self)
        self._pieces = deque()  # GUI work waiting for its turn (see _queue_pieces)
        self._pieces_running = False
        self._build_views()
        self._build_controls()
        self._build_menus()
        self._build_status_bar()
        self._start_workers()

        self.pending_drag = None
        self.drag_timer = QtCore.QTimer(self, singleShot=True, interval=DRAG_FRAME_MS)
        self.drag_timer.timeout.connect(self._apply_pending_drag)
        self.autosave_timer = QtCore.QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self.write_recovery)
        self.document.changed.connect(self._on_document_changed)
        self.document.modifiedChanged.connect(self._update_title)
        self.document.pathChanged.connect(self._update_title)
        self.document.undo_stack.indexChanged.connect(self._undo_index_changed)

        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        self._on_document_changed(SCENE)

    # ------------------------------------------------------------------ construction
    def _build_views(self):
        self.data_viewbox = EditableViewBox()
        self.data_view = DataPlotWidget(self.data_viewbox)
        self.data_view.setObjectName("dataView")
        self.surface_viewbox = EditableViewBox()
        self.surface_view = pg.PlotWidget(viewBox=self.surface_viewbox, background=self.theme.background)
        self.surface_view.setObjectName("surfaceView")
        self.loss_view = pg.PlotWidget(background=self.theme.background)
        self.loss_view.setObjectName("lossCurveView")
        self.loss_view.getViewBox().setMenuEnabled(False)

        self.data_plot = DataPlot(self.data_view.getPlotItem(), self.theme)
        self.surface_plot = SurfacePlot(self.surface_view.getPlotItem(), self.theme)
        self.loss_plot = LossPlot(self.loss_view.getPlotItem(), self.theme)
        style_plot(self.loss_view.getPlotItem(), self.theme, "Loss curve", "step", "L(θ|D)")
        for view in (self.data_view, self.surface_view, self.loss_view):
            cache_axes(view.getPlotItem())

        self.data_viewbox.hit_test = self._hit_test
        self.data_viewbox.clickedAt.connect(self._on_data_click)
        self.data_viewbox.pointDragged.connect(self._on_point_drag)
        self.data_viewbox.sigRangeChanged.connect(lambda *_: self.data_plot.redraw())
        self.data_view.labelKey.connect(self._choose_label)
        self.surface_viewbox.clickedAt.connect(self._on_surface_click)
        self.surface_view.scene().sigMouseMoved.connect(self._on_surface_hover)
        self.surface_view.installEventFilter(self)

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
        self.setCentralWidget(splitter)

    def _build_controls(self):
        panel = self.controls = ControlPanel()
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(panel.sizeHint().width() + 24)
        dock = QtWidgets.QDockWidget("Controls", self)
        dock.setObjectName("controlsDock")
        dock.setWidget(scroll)
        dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

        panel.task.activated.connect(lambda _: self._change_task())
        panel.dims.activated.connect(lambda _: self._change_task())
        panel.classes.editingFinished.connect(self._change_classes)
        panel.loss.activated.connect(lambda _: self.document.set_settings(loss=panel.loss.currentData()))
        panel.optimizer.activated.connect(lambda _: self._optimizer_changed())
        panel.learning_rate.valueChanged.connect(lambda _: self._optimizer_changed())
        panel.momentum.valueChanged.connect(lambda _: self._optimizer_changed())
        panel.batch_size.valueChanged.connect(lambda _: self._optimizer_changed())
        panel.speed.activated.connect(lambda _: self._speed_changed())
        panel.run.toggled.connect(self.set_running)
        panel.step.clicked.connect(self.step_once)
        panel.reset.clicked.connect(self.reset)
        panel.x_axis.activated.connect(lambda _: self._surface_settings_changed(axes=True))
        panel.y_axis.activated.connect(lambda _: self._surface_settings_changed(axes=True))
        panel.auto_range.toggled.connect(lambda _: self._surface_settings_changed())
        for spin in panel.x_range + panel.y_range:
            spin.valueChanged.connect(lambda _: self._surface_settings_changed())
        panel.resolution.activated.connect(lambda _: self._surface_settings_changed())
        panel.log_surface.toggled.connect(self._log_surface_changed)
        panel.palette.labelChosen.connect(self._choose_label)
        panel.generate.clicked.connect(self.generate_data)
        panel.clear.clicked.connect(self.clear_data)

    def _action(self, menu, text, slot, shortcut=None, name=None, checkable=False):
        action = QtGui.QAction(text, self)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self):
        bar = self.menuBar()
        keys = QtGui.QKeySequence.StandardKey
        file = bar.addMenu("&File")
        self._action(file, "&New", self.new_document, keys.New, "actionNew")
        self._action(file, "&Open…", self.open_dialog, keys.Open, "actionOpen")
        self.recent_menu = file.addMenu("Open &Recent")
        self._action(file, "&Save", self.save, keys.Save, "actionSave")
        self._action(file, "Save &As…", self.save_as, keys.SaveAs, "actionSaveAs")
        file.addSeparator()
        self._action(file, "Export &image…", self.export_image_dialog, "Ctrl+E", "actionExportImage")
        self._action(file, "&Copy image", self.copy_image, "Ctrl+Shift+C", "actionCopyImage")
        self._action(file, "Export &animation…", self.export_animation_dialog, name="actionExportAnimation")
        file.addSeparator()
        self._action(file, "&Import data (CSV)…", self.import_csv, name="actionImportCsv")
        self._action(file, "&Export data (CSV)…", self.export_csv, name="actionExportCsv")
        file.addSeparator()
        self._action(file, "&Quit", self.close, keys.Quit, "actionQuit")
        self._rebuild_recent_menu()

        edit = bar.addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._action(edit, "&Generate data", self.generate_data, name="actionGenerate")
        self._action(edit, "&Clear data", self.clear_data, name="actionClear")

        run = bar.addMenu("&Run")
        self.run_action = self._action(run, "&Run / Pause", lambda: self.controls.run.toggle(), "Space", "actionRun")
        self._action(run, "&Step", self.step_once, "Right", "actionStep")
        self._action(run, "R&eset", self.reset, "R", "actionReset")
        run.addSeparator()
        self.race_action = self._action(run, "Optimizer &race (gradient descent, momentum, Adam)", self.set_race,
                                        name="actionRace", checkable=True)

        view = bar.addMenu("&View")
        self._action(view, "&Frame data", self.data_plot.frame_data, "F", "actionFrameData")
        self._action(view, "Frame &surface", self._reframe_surface, name="actionFrameSurface")
        self.log_loss_action = self._action(view, "&Log scale loss curve", self._log_loss_changed,
                                            name="actionLogLoss", checkable=True)
        view.addSeparator()
        self.dark_action = self._action(view, "&Dark theme", lambda dark: self.set_theme("dark" if dark else "light"),
                                        name="actionDarkTheme", checkable=True)
        self.presentation_action = self._action(view, "&Presentation mode", self.set_presentation, "F11",
                                                name="actionPresentation", checkable=True)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1", "actionShortcuts")
        self._action(help_menu, "&About lossviz", self.show_about, name="actionAbout")

    def _build_status_bar(self):
        bar = self.statusBar()
        self.step_label = QtWidgets.QLabel(objectName="stepLabel")
        self.loss_label = QtWidgets.QLabel(objectName="lossLabel")
        self.grad_label = QtWidgets.QLabel(objectName="gradLabel")
        for label in (self.step_label, self.loss_label, self.grad_label):
            label.setMinimumWidth(140)
            bar.addPermanentWidget(label)

    def _start_workers(self):
        self.gui_busy = GuiBusy()  # held while the GUI thread draws: the workers wait
        self.training = WorkerThread(TrainingWorker(self.gui_busy), "lossviz-training")
        self.surfaces = WorkerThread(SurfaceWorker(self.gui_busy), "lossviz-surface")
        self.trainingRequested.connect(self.training.worker.configure)
        self.runningRequested.connect(self.training.worker.set_running)
        self.stepRequested.connect(self.training.worker.step_once)
        self.speedRequested.connect(self.training.worker.set_speed)
        self.training.worker.progress.connect(self._on_progress)
        self.reportDrawn.connect(self.training.worker.acknowledge)
        self.workersWakeRequested.connect(self.training.worker.wake)
        self.surfaceRequested.connect(self.surfaces.worker.request)
        self.surfaces.worker.ready.connect(self._on_surface)

    # ------------------------------------------------------------------ document → views
    @property
    def scene(self) -> Scene:
        return self.document.scene

    def _on_document_changed(self, kind: str):
        if kind in (VIEW, SURFACE):  # training goes on as it was
            if kind == SURFACE:
                self.surface_generation += 1
                self._update_path()
                self._request_surface()
            self._schedule_autosave()
            self._update_title()
            return
        scene = self.scene
        self.objective = scene.objective() if scene.data.size else None
        if kind != DATA:
            self.theta = scene.init.copy()
            self.data_plot.set_ghost(None)  # a hovered θ of the old shape means nothing now
        if kind == SCENE:
            self.reframe = True
            self.surface_ranges = None
            self.data_plot.set_model(scene.shape, scene.data, scene.init, None)
            self._sync_controls()
            self.data_plot.frame_data()
        if kind == DATA:
            self.surface_generation += 1
            self._continue_on_new_data()
            self._request_surface(coarse=self.dragging is not None)
        else:
            self.surface_generation += 1
            if kind == SETTINGS and self._loss_changed():
                self.reframe = True
            self._restart()
            self._request_surface()
        now = time.perf_counter()
        if self.dragging is not None and now - self.last_data_redraw < DATA_REDRAW_INTERVAL:
            self._update_data_plot(points_only=True)  # the dragged point follows the mouse; the model a bit later
        else:
            self.last_data_redraw = now
            self._update_data_plot()
        self._update_enabled()
        self._schedule_autosave()
        self._update_title()

    def _loss_changed(self) -> bool:
        """Has the loss (or task) changed since the surface was last framed? Then it is framed anew."""
        previous, self.framed_for = self.framed_for, (self.scene.loss, self.scene.task)
        return previous is not None and previous != self.framed_for

    def _sync_controls(self):
        """Show the scene's settings in the controls without triggering edits."""
        scene, panel = self.scene, self.controls
        widgets = [panel.task, panel.dims, panel.classes, panel.loss, panel.optimizer, panel.learning_rate,
                   panel.momentum, panel.batch_size, panel.speed, panel.x_axis, panel.y_axis, panel.auto_range,
                   panel.resolution, panel.log_surface, *panel.x_range, *panel.y_range]
        blockers = [QtCore.QSignalBlocker(w) for w in widgets]
        panel.task.setCurrentIndex(panel.task.findData(scene.task))
        panel.dims.setCurrentIndex(panel.dims.findData(scene.dims))
        panel.dims.setEnabled(scene.task == "binary")
        panel.classes.setValue(scene.classes if scene.task == "multiclass" else 3)
        panel.classes.setEnabled(scene.task == "multiclass")
        panel.set_losses(scene.task, scene.loss)
        opt = scene.optimizer
        panel.optimizer.setCurrentIndex(panel.optimizer.findData(opt.name))
        panel.learning_rate.setValue(opt.lr)
        panel.momentum.setValue(opt.effective_momentum)
        panel.momentum.setEnabled(opt.name in MOMENTUM_DEFAULTS)
        panel.batch_size.setValue(opt.batch_size or 0)
        speed = self.document.view_option("speed", 30.0)
        speeds = [value for _, value in SPEEDS]
        panel.speed.setCurrentIndex(speeds.index(speed) if speed in speeds else 3)
        names = scene.shape.param_names()
        for combo in (panel.x_axis, panel.y_axis):
            combo.clear()
            for name in names:
                combo.addItem(name, name)
        x_axis, y_axis = scene.surface_axes
        panel.x_axis.setCurrentIndex(names.index(x_axis))
        panel.y_axis.setCurrentIndex(names.index(y_axis))
        fixed = scene.surface.x_range is not None and scene.surface.y_range is not None
        panel.auto_range.setChecked(not fixed)
        if fixed:
            self._show_ranges(scene.surface.x_range, scene.surface.y_range)
        for spin in panel.x_range + panel.y_range:
            spin.setEnabled(fixed)
        resolution = scene.surface.resolution
        index = panel.resolution.findData(resolution)
        if index < 0:
            panel.resolution.addItem(f"{resolution} × {resolution}", resolution)
            index = panel.resolution.count() - 1
        panel.resolution.setCurrentIndex(index)
        panel.log_surface.setChecked(bool(self.document.view_option("log_surface", False)))
        with QtCore.QSignalBlocker(self.race_action):
            self.race_action.setChecked("runs" in scene.extra)
        theme_name = self.document.view_option("theme", "light")
        if theme_name in THEMES and theme_name != self.base_theme.name:
            self._apply_theme(THEMES[theme_name])
        with QtCore.QSignalBlocker(self.dark_action):
            self.dark_action.setChecked(self.base_theme.name == "dark")
        log_loss = bool(self.document.view_option("log_loss", False))
        with QtCore.QSignalBlocker(self.log_loss_action):
            self.log_loss_action.setChecked(log_loss)
        self.loss_plot.set_log(log_loss)
        del blockers
        classes = 0 if scene.task == "regression" else scene.classes
        self.current_label = min(self.current_label, max(classes - 1, 0))
        panel.palette.set_classes(classes, self.current_label)
        self._update_formula()
        self._update_held_label()
        self.speedRequested.emit(speed)
        x_label, y_label = self.data_plot.labels()
        style_plot(self.data_view.getPlotItem(), self.theme, "Data and model", x_label, y_label)
        style_surface(self.surface_view.getPlotItem(), self.theme, x_axis, y_axis)

    def _show_ranges(self, x_range, y_range):
        panel = self.controls
        blockers = [QtCore.QSignalBlocker(w) for w in panel.x_range + panel.y_range]
        for spin, value in zip(panel.x_range + panel.y_range, [*x_range, *y_range]):
            spin.setValue(value)
        del blockers

    def _update_formula(self):
        scene = self.scene
        model = {"regression": "ŷ = Wx + b", "binary": "ŷ = σ(Wx + b)",
                 "multiclass": "ŷ = softmax(Wx + b)"}[scene.task]
        loss = LOSSES[scene.loss]
        self.controls.formula.setText(
            f"<div style='font-size:11pt'>{model}<br>{loss.formula}<br>"
            f"L(θ|D) = <sup>1</sup>&frasl;<sub>N</sub> Σ<sub>i</sub> l(θ|x<sub>i</sub>, y<sub>i</sub>)</div>")

    def held_parameters(self) -> list[str]:
        x_axis, y_axis = self.scene.surface_axes
        return [name for name in self.scene.shape.param_names() if name not in (x_axis, y_axis)]

    def _update_held_label(self):
        held = self.held_parameters()
        if not held:
            self.controls.held.setText("")
            return
        shape = self.scene.shape
        values = ", ".join(f"{name} = {self.theta[shape.param_index(name)]:.3g}" for name in held[:6])
        more = " …" if len(held) > 6 else ""
        self.controls.held.setText(f"Held at the current θ: {values}{more}")

    def _update_title(self, *_):
        name = self.document.path.name if self.document.path else "untitled"
        self.setWindowTitle(f"{name}[*] — lossviz")
        self.setWindowModified(self.document.modified)

    def _update_enabled(self):
        has_data = self.scene.data.size > 0
        for widget in (self.controls.run, self.controls.step):
            widget.setEnabled(has_data)
        if not has_data and self.controls.run.isChecked():
            self.controls.run.setChecked(False)

    # ------------------------------------------------------------------ training
    def _problem(self) -> Problem:
        scene = self.scene
        return Problem.snapshot(scene.shape, scene.loss, scene.data)

    def _restart(self):
        """Back to the start θ: clear the trajectory and restart the worker (running stays as it was)."""
        self.generation += 1
        self.theta = self.scene.init.copy()
        self.step, self.loss, self.grad_norm = 0, float("nan"), float("nan")
        self.history_steps = np.empty(0, dtype=np.int64)
        self.history_losses = np.empty(0)
        self.history_thetas = np.empty((0,) + self.theta.shape)
        self.rival_histories = [(self.history_steps, self.history_losses, self.history_thetas)
                                for _ in self.race()[1:]]
        if self.objective is not None:
            self.loss = self.objective.value(self.theta)
            self.trainingRequested.emit(self._training_request(reset=True))
            self.runningRequested.emit(self.controls.run.isChecked())
        self._update_path()
        self._update_loss_curve()
        self._update_status()

    def race(self):
        """The runs of an optimizer race (the scene's "runs" key), or [] for a single run."""
        from lossviz.core.experiment import scene_runs

        if "runs" not in self.scene.extra:
            return []
        try:
            return scene_runs(self.scene)
        except LossvizError:
            return []

    def _training_request(self, reset: bool) -> TrainingRequest:
        runs = self.race()
        optimizer = runs[0].optimizer if runs else self.scene.optimizer
        return TrainingRequest(self.generation, self._problem(), self.theta.copy(), optimizer, self.scene.seed,
                               reset=reset, rivals=tuple(run.optimizer for run in runs[1:]))

    def set_race(self, on: bool) -> None:
        """Race gradient descent, momentum and Adam (at the current learning rate) from the same start."""
        with QtCore.QSignalBlocker(self.race_action):
            self.race_action.setChecked(on)
        extra = {k: v for k, v in self.scene.extra.items() if k != "runs"}
        if on:
            lr = self.scene.optimizer.lr
            extra["runs"] = [{"label": f"gradient descent (lr {lr:g})", "optimizer": {"name": "gd", "lr": lr}},
                             {"label": f"momentum 0.9 (lr {lr / 5:g})", "optimizer": {"name": "momentum", "lr": lr / 5}},
                             {"label": f"Adam (lr {min(lr, 0.1):g})", "optimizer": {"name": "adam", "lr": min(lr, 0.1)}}]
        self.document.set_settings(extra=extra)

    def _continue_on_new_data(self):
        """The data changed: training goes on from the current θ on the new data."""
        self.generation += 1
        if self.objective is None:
            self.runningRequested.emit(False)
            return
        if self.theta.shape != self.scene.init.shape:
            self._restart()
            return
        self.loss = self.objective.value(self.theta)
        self._update_status()
        if self.dragging is not None and not self.controls.run.isChecked():
            return  # a paused descent learns of the new data once, when the drag ends
        self.trainingRequested.emit(self._training_request(reset=False))
        self.runningRequested.emit(self.controls.run.isChecked())

    def _on_progress(self, progress):
        redraws = []
        self.gui_busy.hold()  # the surface worker waits too until the report is drawn
        try:
            redraws = self._show_progress(progress)
        finally:
            self._queue_pieces(*redraws, self._report_drawn)

    def _queue_pieces(self, *pieces, at_once: bool = False) -> None:
        """Run pieces of GUI work one at a time, in order, each from a timer once the views changed by
        the one before have been painted, so that the GUI thread works in short pieces and timers and
        input run between them (``at_once``: the first now, if nothing else is queued). Reports and
        surfaces from the two workers share this queue."""
        self._pieces.extend(pieces)
        if not self._pieces_running:
            self._pieces_running = True
            self._next_piece() if at_once else self._after_paint(self._next_piece)

    def _next_piece(self) -> None:
        if not self._pieces:
            self._pieces_running = False
            return
        piece = self._pieces.popleft()
        try:
            piece()
        finally:
            self._after_paint(self._next_piece)

    def _after_paint(self, callback) -> None:
        """Call ``callback`` once the views changed so far have been painted, from a timer. Widgets paint
        on a low-priority UpdateRequest that the graphics scenes post only when they process their dirty
        items (posted events of normal priority): a low-priority event posted now runs before that
        paint, so it posts itself once more and then starts the timer (see _PaintProbe)."""
        self._paint_probe.post(callback, hops=1)

    def _release_workers(self) -> None:
        """End a gui_busy hold; the last one wakes the workers."""
        if self.gui_busy.release():
            self.workersWakeRequested.emit()

    def _report_drawn(self) -> None:
        self.reportDrawn.emit()  # the training worker may step again and send the next report
        self._release_workers()

    def _show_progress(self, progress) -> list:
        """Show a report from the training worker; returns the costlier redraws still to do, each to
        run after the paint of the one before (see _queue_pieces)."""
        if progress.generation != self.generation or self._closing:
            return []  # from before an edit or a restart
        if len(progress.steps):
            self.history_steps = np.concatenate([self.history_steps, progress.steps])
            self.history_losses = np.concatenate([self.history_losses, progress.losses])
            self.history_thetas = np.concatenate([self.history_thetas, progress.thetas])
            if len(self.history_steps) > MAX_HISTORY:
                keep = np.r_[0:len(self.history_steps) - 1:2, len(self.history_steps) - 1]
                self.history_steps = self.history_steps[keep]
                self.history_losses = self.history_losses[keep]
                self.history_thetas = self.history_thetas[keep]
        for i, (steps, losses, thetas) in enumerate(progress.rivals[:len(self.rival_histories)]):
            old_steps, old_losses, old_thetas = self.rival_histories[i]
            history = (np.concatenate([old_steps, steps]), np.concatenate([old_losses, losses]),
                       np.concatenate([old_thetas, thetas]))
            if len(history[0]) > MAX_HISTORY:
                keep = np.r_[0:len(history[0]) - 1:2, len(history[0]) - 1]
                history = tuple(part[keep] for part in history)
            self.rival_histories[i] = history
        moved = not np.array_equal(progress.theta, self.theta)
        self.theta = progress.theta
        self.step, self.loss, self.grad_norm = progress.step, progress.loss, progress.grad_norm
        if progress.diverged:
            with QtCore.QSignalBlocker(self.controls.run):
                self.controls.run.setChecked(False)
            self.controls.run.setText("Run")
            self.statusBar().showMessage(
                "Diverged: the next step made the loss non-finite. Paused at the last finite θ; "
                "lower the learning rate and press Reset.", 15000)
        self._update_path()
        self._update_status()
        if moved and self._left_the_surface():
            self.reframe = True
            self._request_surface()
        elif moved and self.held_parameters():
            self._update_held_label()
            now = time.perf_counter()
            if now - self.last_held_request >= HELD_SURFACE_INTERVAL or not progress.running:
                self.last_held_request = now
                self._request_surface()
        now = time.perf_counter()
        if not progress.running:
            self.last_data_redraw = now
            self._update_data_plot()
            self._update_loss_curve()
        elif now - self.last_data_redraw >= DATA_REDRAW_INTERVAL:
            # the data view and the curve cost the most to draw: at most 8 times a second, one per paint
            self.last_data_redraw = now
            generation = self.generation

            def current(redraw):
                return lambda: redraw() if self.generation == generation and not self._closing else None

            return [current(self._update_data_plot), current(self._update_loss_curve)]
        return []

    def _left_the_surface(self) -> bool:
        """In automatic range, has θ walked off the framed surface (so that it needs re-framing)?"""
        if not self.controls.auto_range.isChecked() or self.surface_ranges is None or self.reframe:
            return False
        (x0, x1), (y0, y1) = self.surface_ranges
        x, y = self._axis_values(self.theta[None])[0]
        if max(abs(x), abs(y)) > 1e6:
            return False  # diverging: a frame around it would show nothing useful
        return not (x0 <= x <= x1 and y0 <= y <= y1)

    def set_running(self, running: bool):
        if running and self.objective is None:
            with QtCore.QSignalBlocker(self.controls.run):
                self.controls.run.setChecked(False)
            return
        self.controls.run.setText("Pause" if running else "Run")
        self.runningRequested.emit(running)

    def step_once(self):
        if self.objective is None:
            return
        if self.controls.run.isChecked():
            self.controls.run.setChecked(False)
        self.stepRequested.emit()

    def reset(self):
        self._restart()
        self._update_data_plot()
        if self.held_parameters():
            self._request_surface()

    def _optimizer_changed(self):
        panel = self.controls
        name = panel.optimizer.currentData()
        takes_momentum = name in MOMENTUM_DEFAULTS
        if self.scene.optimizer.name != name:
            with QtCore.QSignalBlocker(panel.momentum):
                panel.momentum.setValue(MOMENTUM_DEFAULTS.get(name, 0.0))
        panel.momentum.setEnabled(takes_momentum)
        momentum = panel.momentum.value() if takes_momentum else None
        if name == "nesterov" and not momentum:
            momentum = 0.9
            with QtCore.QSignalBlocker(panel.momentum):
                panel.momentum.setValue(momentum)
        if takes_momentum and momentum == MOMENTUM_DEFAULTS[name]:
            momentum = None if self.scene.optimizer.momentum is None else momentum
        batch = panel.batch_size.value() or None
        try:
            config = OptimizerConfig(name, panel.learning_rate.value(), momentum, batch)
        except LossvizError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        self.document.set_settings(optimizer=config)

    def _speed_changed(self):
        speed = self.controls.speed.currentData()
        self.speedRequested.emit(speed)
        self.document.set_view_option("speed", speed)

    # ------------------------------------------------------------------ views
    def _update_data_plot(self, points_only: bool = False):
        scene = self.scene
        per_sample = self.objective.per_sample(self.theta) if self.objective is not None else None
        self.data_plot.set_model(scene.shape, scene.data, self.theta, per_sample, points_only)

    def _axis_values(self, thetas: np.ndarray) -> np.ndarray:
        shape = self.scene.shape
        (xi, xj), (yi, yj) = (shape.param_index(a) for a in self.scene.surface_axes)
        return np.column_stack([thetas[:, xi, xj], thetas[:, yi, yj]])

    def _race_histories(self):
        """(label, colour, steps, losses, thetas) of every run of a race, the main run first."""
        from lossviz.gui.render import RUN_COLORS

        histories = [(self.history_steps, self.history_losses, self.history_thetas), *self.rival_histories]
        return [(run.label, RUN_COLORS[i % len(RUN_COLORS)], *history)
                for i, (run, history) in enumerate(zip(self.race(), histories)) if len(history[0])]

    def _update_path(self):
        start = self._axis_values(self.scene.init[None])[0]
        race = self._race_histories()
        if race:
            self.surface_plot.set_race([(label, color, self._axis_values(thetas))
                                        for label, color, _, _, thetas in race], start)
            return
        self.surface_plot.set_race([], None) if getattr(self.surface_plot, "race_items", None) else None
        path = self._axis_values(self.history_thetas) if len(self.history_thetas) else np.empty((0, 2))
        current = self._axis_values(self.theta[None])[0]
        self.surface_plot.set_path(path, start, current, thin=True)

    def _update_loss_curve(self):
        race = self._race_histories()
        if race:
            self.loss_plot.set_race([(label, color, steps, losses) for label, color, steps, losses, _ in race])
            return
        if getattr(self.loss_plot, "race_items", None):
            self.loss_plot.set_race([])
        now = time.perf_counter()
        if not self.controls.run.isChecked():
            view = "fit"
        elif now - self.last_curve_fit >= CURVE_FIT_INTERVAL:
            view, self.last_curve_fit = "follow", now
        else:
            view = "keep"
        self.loss_plot.set_history(self.history_steps, self.history_losses, view, thin=True)

    def _update_status(self):
        self.step_label.setText(f"step {self.step}")
        self.loss_label.setText(f"L(θ|D) = {self.loss:.6g}")
        self.grad_label.setText(f"‖∇L‖ = {self.grad_norm:.4g}")

    # ------------------------------------------------------------------ surface
    def _request_surface(self, coarse: bool = False):
        if self.objective is None or self._closing:
            self.surface_plot.image.clear()
            self.surface_plot.contours.setData([], [])
            return
        scene, panel = self.scene, self.controls
        x_param, y_param = scene.surface_axes
        if not panel.auto_range.isChecked():
            ranges = (scene.surface.x_range, scene.surface.y_range)
        elif self.reframe or self.surface_ranges is None:
            ranges = (None, None)
        else:
            ranges = self.surface_ranges
        resolution = scene.surface.resolution
        self.surface_sequence += 1
        self.surfaceRequested.emit(SurfaceRequest(
            generation=self.surface_generation * 1_000_000 + self.surface_sequence,
            problem=self._problem(), x_param=x_param, y_param=y_param, x_range=ranges[0], y_range=ranges[1],
            resolution=min(resolution, COARSE_RESOLUTION) if coarse else resolution,
            center=self.theta.copy(), start=scene.init.copy(), optimizer=scene.optimizer,
            preview_steps=scene.steps, coarse=coarse, path=self.history_thetas[::max(1, len(self.history_thetas) // 200)].copy()))

    def surface_idle(self) -> bool:
        """True once the newest surface requested has come back and been drawn (for tests and scripts)."""
        return self.received_surface_sequence >= self.surface_sequence

    def _on_surface(self, result):
        """A surface from the worker: drawn in its turn (see _queue_pieces), the workers waiting meanwhile."""
        self.latest_surface = result
        self.gui_busy.hold()
        self._queue_pieces(lambda: self._show_surface(result), self._release_workers, at_once=True)

    def _show_surface(self, result):
        generation, sequence = divmod(result.generation, 1_000_000)
        self.received_surface_sequence = max(self.received_surface_sequence, sequence)
        if result is not self.latest_surface:
            return  # a newer one is on its way
        if generation != self.surface_generation and result.request.x_range is None:
            return  # framed for data or settings that are gone
        if sequence <= self.shown_surface_sequence or self._closing:
            return
        if (result.spec.x_param, result.spec.y_param) != self.scene.surface_axes:
            return
        self.shown_surface_sequence = sequence
        reframed = result.request.x_range is None
        if reframed:
            self.reframe = False
            self.surface_ranges = (result.spec.x_range, result.spec.y_range)
            if self.controls.auto_range.isChecked():
                self._show_ranges(*self.surface_ranges)
        self.surface_plot.set_surface(result.surface, self.controls.log_surface.isChecked())
        if reframed or not self.controls.auto_range.isChecked():
            self.surface_plot.frame_surface()
        self.last_surface_seconds = result.seconds
        self.surfaceShown += 1
        self.surfaceDrawn.emit(result)

    def _surface_settings_changed(self, axes: bool = False):
        panel = self.controls
        auto = panel.auto_range.isChecked()
        for spin in panel.x_range + panel.y_range:
            spin.setEnabled(not auto)
        x_param, y_param = panel.x_axis.currentData(), panel.y_axis.currentData()
        if x_param == y_param:
            self.statusBar().showMessage("Choose two different parameters for the surface axes.", 5000)
            return
        x_range = y_range = None
        if not auto:
            x_range = (panel.x_range[0].value(), panel.x_range[1].value())
            y_range = (panel.y_range[0].value(), panel.y_range[1].value())
            if not (x_range[0] < x_range[1] and y_range[0] < y_range[1]):
                self.statusBar().showMessage("Each range needs its low end below its high end.", 5000)
                return
        if axes:
            self.reframe = True
        config = SurfaceConfig(x=x_param, y=y_param, x_range=x_range, y_range=y_range,
                               resolution=panel.resolution.currentData(), center=None)
        self.document.set_settings(SURFACE, surface=config)
        style_surface(self.surface_view.getPlotItem(), self.theme, x_param, y_param)
        self._update_held_label()

    def _reframe_surface(self):
        self.reframe = True
        self._request_surface()

    def _log_surface_changed(self, log: bool):
        self.document.set_view_option("log_surface", log)
        if self.surface_plot.surface is not None:
            self.surface_plot.set_surface(self.surface_plot.surface, log)

    def _log_loss_changed(self, log: bool):
        self.document.set_view_option("log_loss", log)
        self.loss_plot.set_log(log)
        self._update_loss_curve()

    def _theta_at(self, x: float, y: float) -> np.ndarray:
        shape = self.scene.shape
        theta = self.theta.copy()
        x_param, y_param = self.scene.surface_axes
        theta[shape.param_index(x_param)] = x
        theta[shape.param_index(y_param)] = y
        return theta

    def _on_surface_hover(self, scene_pos):
        box = self.surface_viewbox
        if self.objective is None or not box.sceneBoundingRect().contains(scene_pos):
            self.data_plot.set_ghost(None)
            return
        pos = box.mapSceneToView(scene_pos)
        theta = self._theta_at(pos.x(), pos.y())
        self.data_plot.set_ghost(theta)
        x_param, y_param = self.scene.surface_axes
        self.statusBar().showMessage(
            f"{x_param} = {pos.x():.3g}, {y_param} = {pos.y():.3g}: L = {self.objective.value(theta):.4g}"
            "   (click to start there)", 3000)

    def _on_surface_click(self, x, y, button):
        if button != Qt.MouseButton.LeftButton or self.objective is None:
            return
        self.document.set_settings(kind=START, init=self._theta_at(x, y))

    def eventFilter(self, watched, event):
        if watched is self.surface_view and event.type() == QtCore.QEvent.Type.Leave:
            self.data_plot.set_ghost(None)
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ data editing
    def _hit_test(self, x, y):
        size_x, size_y = self.data_viewbox.viewPixelSize()
        if size_x <= 0 or size_y <= 0:
            return None
        return edits.nearest_point(self.data_plot.point_positions(), (x, y), (1 / size_x, 1 / size_y),
                                   radius_pixels=max(8.0, self.theme.marker))

    def _on_data_click(self, x, y, button):
        scene = self.scene
        if button == Qt.MouseButton.LeftButton:
            if self._hit_test(x, y) is not None:
                return
            if scene.dims == 2:
                point, label = [x, y], (0.0 if scene.task == "regression" else self.current_label)
            elif scene.task == "regression":
                point, label = [x], y
            else:
                point, label = [x], self.current_label
            self.document.edit_data(edits.add_point(scene.data, point, label), "Add point")
        elif button == Qt.MouseButton.RightButton:
            index = self._hit_test(x, y)
            if index is not None:
                self.document.edit_data(edits.remove_point(scene.data, index), "Delete point")

    def _on_point_drag(self, index, x, y, phase):
        scene = self.scene
        if phase == "start":
            self.dragging = (index, scene.data)
            return
        if self.dragging is None or index >= scene.data.size:
            return
        if scene.dims == 2:
            moved = edits.move_point(scene.data, index, [x, y])
        elif scene.task == "regression":
            moved = edits.move_point(scene.data, index, [x], y)
        else:
            moved = edits.move_point(scene.data, index, [x])
        if phase == "finish":
            self.drag_timer.stop()
            self.pending_drag = None
            before = self.dragging[1]
            self.document.preview_data(moved)
            self.dragging = None
            self.document.commit_drag(before)
            self._update_data_plot()  # the model catches up with the last position
            self._request_surface()
        else:
            # mouse moves come faster than a frame: keep the newest, apply it once per frame
            self.pending_drag = moved
            if not self.drag_timer.isActive():
                self.drag_timer.start()

    def _apply_pending_drag(self):
        if self.pending_drag is not None and self.dragging is not None:
            moved, self.pending_drag = self.pending_drag, None
            self.document.preview_data(moved)

    def _choose_label(self, label: int):
        scene = self.scene
        classes = 0 if scene.task == "regression" else scene.classes
        if label < classes:
            self.current_label = label
            self.controls.palette.select(label)
            self.statusBar().showMessage(f"New points get label {label}", 2000)

    def _change_task(self):
        panel = self.controls
        task = panel.task.currentData()
        dims = 1 if task == "regression" else (panel.dims.currentData() if task == "binary" else 2)
        scene = self.scene
        if (task, dims) == (scene.task, scene.dims):
            return
        data = self._data_for(task, dims, scene.classes if scene.task == "multiclass" else 3)
        self.document.change_structure(f"Change task to {task}", task=task, dims=dims, data=data)

    def _data_for(self, task, dims, classes):
        """Keep the data where it still makes sense for the new task; else generate an example."""
        data = self.scene.data
        labels_fit = data.size and (task == "multiclass" or (task == "binary" and data.y.max() <= 1))
        if data.dims == dims and self.scene.task != "regression" and task != "regression" and labels_fit:
            return data
        name = {("regression", 1): "line", ("binary", 1): "1-D two groups", ("binary", 2): "2-D blobs",
                ("multiclass", 2): "3 blobs"}.get((task, dims), "2-D blobs")
        return self._generated(name, task, dims, classes)

    def _generated(self, name, task, dims, classes):
        from lossviz.core.dataset import make_dataset
        from lossviz.core.generators import blobs

        panel = self.controls
        gen_task, generator = GENERATORS[name]
        if task == "multiclass":
            X, y = blobs(30 * classes, panel.noise.value(), panel.seed.value(), classes=classes)
        else:
            X, y = generator(noise=panel.noise.value(), seed=panel.seed.value())
        return make_dataset(np.round(X, 3), np.round(y, 3) if task == "regression" else y, task, dims, classes)

    def _change_classes(self):
        scene = self.scene
        classes = self.controls.classes.value()
        if scene.task != "multiclass" or classes == scene.classes:
            return
        keep = scene.data.y < classes
        from lossviz.core.dataset import Dataset

        data = Dataset(scene.data.X[keep], scene.data.y[keep])
        self.document.change_structure(f"{classes} classes", classes=classes, data=data)

    def generate_data(self):
        panel = self.controls
        name = panel.generator.currentData()
        task, _ = GENERATORS[name]
        dims = 1 if name in ("line", "line with outliers", "1-D two groups") else 2
        classes = 3 if task == "multiclass" else 2
        if task == "multiclass" and self.scene.task == "multiclass":
            classes = self.scene.classes
        data = self._generated(name, task, dims, classes)
        scene = self.scene
        if (task, dims) == (scene.task, scene.dims) and (task != "multiclass" or classes == scene.classes):
            self.document.edit_data(data, f"Generate {name}")
        else:
            self.document.change_structure(f"Generate {name}", task=task, dims=dims, classes=classes, data=data)
        self.data_plot.frame_data()
        self.reframe = True
        self._request_surface()

    def clear_data(self):
        self.document.edit_data(edits.empty_like(self.scene.data), "Clear data")

    # ------------------------------------------------------------------ files
    def load_scene(self, path) -> None:
        """Open a scene file (raises LossvizError and keeps the document if the file is bad)."""
        self.document.open(path)
        self._remember_recent(path)

    def save_scene(self, path) -> None:
        """Save data, task, loss, optimizer, start θ, surface and view settings to ``path``."""
        self.document.save(path)
        self._remember_recent(path)
        self.discard_recovery()

    def _confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False if the user cancelled."""
        if not self.document.modified:
            return True
        name = self.document.path.name if self.document.path else "untitled"
        answer = dialogs.ask_save_changes(self, name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_document(self):
        if not self._confirm_discard():
            return
        scene = self.scene
        from lossviz.core.scene import scene_from_dict

        blank = scene_from_dict({"lossviz": 1, "task": scene.task, "dims": scene.dims,
                                 **({"classes": scene.classes} if scene.task == "multiclass" else {}),
                                 "data": {"x": [], "y": []}})
        self.document.load(blank, None)

    def open_dialog(self):
        if not self._confirm_discard():
            return
        path = dialogs.open_path(self, "Open scene")
        if path:
            self.open_path(path)

    def open_path(self, path) -> bool:
        try:
            self.load_scene(path)
            return True
        except LossvizError as error:
            dialogs.show_error(self, "Cannot open scene", str(error))
            return False

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        suggestion = str(self.document.path or Path.home() / "untitled.json")
        path = dialogs.save_path(self, "Save scene", suggestion)
        return self._save_to(path) if path else False

    def _save_to(self, path) -> bool:
        try:
            self.save_scene(path)
            self.statusBar().showMessage(f"Saved {path}", 4000)
            return True
        except LossvizError as error:
            dialogs.show_error(self, "Cannot save", str(error))
            return False

    def import_csv(self):
        path = dialogs.open_path(self, "Import data", dialogs.CSV_FILTER)
        if not path:
            return
        scene = self.scene
        try:
            data = read_dataset_csv(path, scene.task, scene.classes if scene.task == "multiclass" else None)
        except LossvizError as error:
            dialogs.show_error(self, "Cannot import data", str(error))
            return
        if data.dims == scene.dims:
            self.document.edit_data(data, "Import data")
        else:
            self.document.change_structure("Import data", dims=data.dims, data=data)
        self.data_plot.frame_data()

    def export_csv(self):
        path = dialogs.save_path(self, "Export data", "data.csv", dialogs.CSV_FILTER)
        if not path:
            return
        try:
            write_text_atomic(path, dataset_csv_text(self.scene.data))
        except LossvizError as error:
            dialogs.show_error(self, "Cannot export data", str(error))

    def _remember_recent(self, path):
        path = str(Path(path).resolve())
        recent = [p for p in self._recent() if p != path]
        self.settings.setValue("recent", [path, *recent][:MAX_RECENT])
        self._rebuild_recent_menu()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _rebuild_recent_menu(self):
        self.recent_menu.clear()
        for path in self._recent():
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._confirm_discard() and self.open_path(p))
        self.recent_menu.setEnabled(bool(self._recent()))

    # ------------------------------------------------------------------ crash recovery
    def _undo_index_changed(self, *_):
        # an undo or redo in the middle of a drag ends the drag: its point and its "before" may be gone
        if self.dragging is not None:
            self.dragging = None
            self.data_viewbox.cancel_drag()
        self._schedule_autosave()

    def _schedule_autosave(self, *_):
        if self.document.modified and not self._closing:
            self.autosave_timer.start()

    def write_recovery(self):
        """Write the unsaved document to the recovery file (atomically)."""
        if not self.document.modified:
            return
        extra = dict(self.scene.extra)
        extra["recovery"] = {"path": str(self.document.path) if self.document.path else None,
                             "time": datetime.now().isoformat(timespec="seconds")}
        try:
            self.recovery_path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.recovery_path, scene_to_text(self.scene.replace(extra=extra)))
        except (LossvizError, OSError) as error:
            self.statusBar().showMessage(f"Could not write the recovery file: {error}", 8000)

    def discard_recovery(self):
        try:
            self.recovery_path.unlink()
        except OSError:
            pass

    def offer_recovery(self) -> bool:
        """If a recovery file is left from a crash, offer to restore it. True if restored."""
        if not self.recovery_path.exists():
            return False
        try:
            scene = parse_scene_text(self.recovery_path.read_text(encoding="utf-8"), str(self.recovery_path))
        except (LossvizError, OSError):
            self.discard_recovery()
            return False
        info = scene.extra.get("recovery", {}) if isinstance(scene.extra.get("recovery"), dict) else {}
        if not dialogs.ask_restore(self, info.get("time", "the last session")):
            self.discard_recovery()
            return False
        extra = {k: v for k, v in scene.extra.items() if k != "recovery"}
        path = info.get("path")
        self.document.load(scene.replace(extra=extra), Path(path) if path else None)
        self.document.mark_modified()  # restored work is unsaved work
        return True

    # ------------------------------------------------------------------ themes and presentation
    def set_theme(self, name: str) -> None:
        """Light or dark, for the window and for exports; kept with the document's view settings."""
        self.document.set_view_option("theme", name)
        self._apply_theme(THEMES[name])

    def _apply_theme(self, base) -> None:
        self.base_theme = base
        self.theme = base.scaled(PRESENTATION_SCALE) if self.presenting else base
        for widget in (self.data_view, self.surface_view, self.loss_view):
            widget.setBackground(self.theme.background)
        self.data_plot.apply_theme(self.theme)
        self.surface_plot.apply_theme(self.theme)
        self.loss_plot.apply_theme(self.theme)
        x_label, y_label = self.data_plot.labels()
        style_plot(self.data_view.getPlotItem(), self.theme, "Data and model", x_label, y_label)
        style_surface(self.surface_view.getPlotItem(), self.theme, *self.scene.surface_axes)
        style_plot(self.loss_view.getPlotItem(), self.theme, "Loss curve", "step", "L(θ|D)")
        self._update_path()
        self._update_data_plot()

    def set_presentation(self, on: bool) -> None:
        """F11: full screen with enlarged fonts, lines and markers (and a larger control panel)."""
        self.presenting = on
        with QtCore.QSignalBlocker(self.presentation_action):
            self.presentation_action.setChecked(on)
        self.showFullScreen() if on else self.showNormal()
        self.controls.setStyleSheet("QWidget { font-size: 14pt; }" if on else "")
        self._apply_theme(self.base_theme)

    # ------------------------------------------------------------------ export
    def current_run(self):
        """The trajectory so far as a (Run, FitResult) pair for the render code."""
        from lossviz.core.experiment import Run
        from lossviz.core.training import FitResult

        if len(self.history_steps):
            steps, losses, thetas = self.history_steps, self.history_losses, self.history_thetas
        else:
            steps, losses, thetas = np.array([self.step]), np.array([self.loss]), self.theta[None]
        result = FitResult("max_steps", thetas, losses, np.zeros(len(losses)), step_numbers=steps)
        return Run(self.scene.optimizer.name, self.scene.optimizer), result

    def figure(self, layout: str = "full", scale: float = 1.0, size=(1920, 1080)):
        """The current state as an offscreen render Figure (same plot classes as this window)."""
        from lossviz.gui.render import Figure

        shown = self.surface_plot.surface
        config = self.scene.surface
        if shown is not None:  # export what is on screen, not a fresh framing
            config = SurfaceConfig(x=shown.x_param, y=shown.y_param, x_range=(float(shown.x[0]), float(shown.x[-1])),
                                   y_range=(float(shown.y[0]), float(shown.y[-1])), resolution=config.resolution)
        scene = self.scene.replace(surface=config)
        figure = Figure(scene, self.base_theme, size, scale, layout)
        runs = [self.current_run()]
        upto = runs[0][1].steps
        surface = figure.compute_surface(self.objective, runs, upto) if figure.surface_plot is not None else None
        figure.draw(self.objective, runs, upto, surface)
        return figure

    def export_image(self, path, layout: str = "full", scale: float = 1.0) -> None:
        """Write the current figure (PNG, SVG or PDF by suffix); raises LossvizError."""
        if self.objective is None:
            raise LossvizError("there is nothing to draw: add some data points first")
        figure = self.figure(layout, scale)
        try:
            figure.save(path)
        finally:
            figure.close()

    def export_image_dialog(self):
        options = dialogs.ask_export_options(self)
        if options is None:
            return
        path = dialogs.save_path(self, "Export image", "lossviz.png", dialogs.IMAGE_FILTER)
        if not path:
            return
        try:
            self.export_image(path, *options)
            self.statusBar().showMessage(f"Exported {path}", 4000)
        except LossvizError as error:
            dialogs.show_error(self, "Cannot export the image", str(error))

    def copy_image(self):
        if self.objective is None:
            return
        figure = self.figure()
        try:
            QtWidgets.QApplication.clipboard().setImage(figure.image())
        finally:
            figure.close()
        self.statusBar().showMessage("Figure copied to the clipboard", 3000)

    def export_animation(self, path, progress=None, cancelled=None) -> bool:
        """Animate the current scene from its start θ (GIF or MP4); False if cancelled."""
        from lossviz.gui.render import animate_scene

        if self.objective is None:
            raise LossvizError("there is nothing to animate: add some data points first")
        steps = self.step if self.step > 0 else None
        return animate_scene(self.scene, path, size=(1280, 720), fps=12, steps=steps,
                             theme_name=self.base_theme.name, progress=progress, cancelled=cancelled)

    def export_animation_dialog(self):
        path = dialogs.save_path(self, "Export animation", "lossviz.gif", dialogs.ANIMATION_FILTER)
        if not path:
            return
        box = dialogs.progress_dialog(self, "Drawing the animation…", 1)

        def progress(done, total):
            box.setMaximum(total)
            box.setValue(done)
            QtWidgets.QApplication.processEvents()

        try:
            finished = self.export_animation(path, progress, box.wasCanceled)
            self.statusBar().showMessage(f"Exported {path}" if finished else "Export cancelled", 4000)
        except LossvizError as error:
            dialogs.show_error(self, "Cannot export the animation", str(error))
        finally:
            box.close()

    # ------------------------------------------------------------------ help
    def show_shortcuts(self):
        rows = [("Space", "run / pause"), ("→", "one step"), ("R", "reset to the start θ"),
                ("0–9", "label for new points (data view focused)"), ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
                ("F", "frame the data"), ("click (data)", "add a point"), ("drag (data)", "move a point"),
                ("right-click (data)", "delete a point"), ("hover (surface)", "that θ's model, dashed"),
                ("click (surface)", "start gradient descent there"), ("Ctrl+O / Ctrl+S", "open / save"),
                ("Ctrl+E", "export image"), ("Ctrl+Shift+C", "copy image"), ("F11", "presentation mode"),
                ("F1", "this list")]
        html = "<table>" + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows) + "</table>"
        dialogs.show_text(self, "Keyboard shortcuts", html)

    def show_about(self):
        from lossviz import __version__

        dialogs.show_text(self, "About lossviz",
                          f"lossviz {__version__}: datasets, losses and gradient descent you can touch.")

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event):
        if not self._closing and not self._confirm_discard():
            event.ignore()
            return
        self.shutdown()
        self.discard_recovery()
        event.accept()

    def shutdown(self):
        """Stop both workers and wait for their threads (idempotent)."""
        if self._closing:
            return
        self._closing = True
        self.gui_busy.release_all()  # a worker waiting for the GUI to finish drawing goes on, and ends
        self.autosave_timer.stop()
        self.settings.setValue("geometry", self.saveGeometry())
        self.training.stop()
        self.surfaces.stop()
