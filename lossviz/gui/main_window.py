"""The lossviz window: it builds the views, the control panel, the menus and the status bar, and
wires the parts together. It holds no run state.

Two objects hold everything that is shown: the ``Document`` (the scene, its file, undo) and the
``LiveRun`` (θ, histories, workers). Every change reaches the views by one path:
``Document.changed`` → ``LiveRun.follow`` → the control panel and ``SceneViews.draw``, so that a
fresh window, an opened file and a task change cannot show different things. The parts:
``SceneViews`` (views.py), ``ControlPanel`` (controls.py), ``DataEditor`` (editing.py),
``FileActions`` (files.py), ``ExportActions`` (exports.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from lossviz.core.distributions import provenance
from lossviz.core.errors import LossvizError
from lossviz.core.experiment import default_race
from lossviz.core.presets import DEFAULT_PRESET, is_bundled, load_preset
from lossviz.core.scene import Scene
from lossviz.gui import dialogs
from lossviz.gui.capacity import CapacityView
from lossviz.gui.control_widgets import signals_blocked
from lossviz.gui.controls import ControlPanel
from lossviz.gui.document import Change, Document
from lossviz.gui.editing import DataEditor
from lossviz.gui.exports import ExportActions
from lossviz.gui.files import FileActions
from lossviz.gui.live import LiveRun
from lossviz.gui.notes import NotesBar
from lossviz.gui.presentation import DEFAULT_SIZE, enter_full_screen, presentation_scale, window_style
from lossviz.gui.readings import held_text
from lossviz.gui.surface_worker import SurfaceResult
from lossviz.gui.theme import LIGHT, THEMES, Theme, configure_pyqtgraph
from lossviz.gui.views import SceneViews

SHORTCUTS = [("Space", "run / pause"), ("→", "one step (forward along the path after ←)"),
             ("←", "one step back along the path"), ("R", "reset to the start θ"),
             ("0–9", "label for new points (data view focused)"), ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
             ("F", "frame the data"), ("click (data)", "add a point"), ("drag (data)", "move a point"),
             ("right-click (data)", "delete a point"), ("hover (surface)", "that θ's model, dashed"),
             ("click (surface)", "start gradient descent there"), ("Ctrl+O / Ctrl+S", "open / save"),
             ("Ctrl+E", "export image"), ("Ctrl+Shift+C", "copy image"), ("F11", "presentation mode"),
             ("F9", "show / hide the controls"), ("Shift+click (data)", "select a sample: its own loss on the surface"),
             ("Ctrl+A / Esc", "select every sample / none"), ("D", "new sample D ∼ P"),
             ("F1", "this list")]


class MainWindow(QtWidgets.QMainWindow):
    """The app. ``load_scene``/``save_scene`` do what File → Open/Save do, without dialogs."""

    def __init__(self, scene: Scene | None = None, settings: QtCore.QSettings | None = None,
                 recovery_dir: str | Path | None = None, path: str | Path | None = None):
        super().__init__()
        configure_pyqtgraph()
        self.settings = settings if settings is not None else QtCore.QSettings("lossviz", "lossviz")
        self.presenting = False
        self.base_theme = self.theme = LIGHT
        self.document = Document(scene if scene is not None else load_preset(DEFAULT_PRESET), self)
        self.document.path = Path(path).resolve() if path is not None and not is_bundled(path) else None
        self.live = LiveRun(self.document, self)
        self.views = SceneViews(self.document, self.live, self.theme)
        self.notes = NotesBar(self.document)
        self.setCentralWidget(self.notes.above(self.views.central_widget()))
        self.controls = ControlPanel()
        self._build_dock()
        self.editor = DataEditor(self.document, self.live, self.views, self.controls)
        self.files = FileActions(self.document, self, self.settings,
                                 Path(recovery_dir) if recovery_dir is not None else None, self.live.busy.wait)
        self.exports = ExportActions(self.document, self.live, self, self.settings)
        self.capacity = CapacityView(self.document, self.live.busy, lambda: self.base_theme.name,
                                     lambda: self.exports.ask_image_path("Save the capacity curve", "capacity"), self)
        self._build_menus()
        self._build_label_keys()
        for label in self.views.status_labels():
            self.statusBar().addPermanentWidget(label)
        self._connect()
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        self._closing = False
        self._race_setup: list[dict] | None = None  # the racers last set up in this window
        self._normal_geometry = self.geometry()  # where the window was before presentation mode
        self._on_model_document_changed(Change.SCENE)

    # ------------------------------------------------------------------ construction
    def _build_dock(self) -> None:
        scroll = QtWidgets.QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click in the panel leaves the keys to the plots
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panel_scroll = scroll
        dock = QtWidgets.QDockWidget("Controls", self)
        dock.setObjectName("controlsDock")
        dock.setWidget(scroll)
        dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.controls_dock = dock
        self.setStyleSheet(window_style(1.0))
        self._fit_panel()

    def _action(self, menu: QtWidgets.QMenu, text: str, slot, shortcut=None, name: str | None = None,
                checkable: bool = False) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        keys = QtGui.QKeySequence.StandardKey
        files, exports = self.files, self.exports
        file = bar.addMenu("&File")
        self._action(file, "&New", files.new_document, keys.New, "actionNew")
        self._action(file, "&Open…", files.open_dialog, keys.Open, "actionOpen")
        self.recent_menu = file.addMenu("Open &Recent")
        files.set_recent_menu(self.recent_menu)
        self.examples_menu = file.addMenu("E&xamples")
        self.examples_menu.setObjectName("menuExamples")
        files.set_examples_menu(self.examples_menu)
        self._action(file, "&Save", files.save, keys.Save, "actionSave")
        self._action(file, "Save &As…", files.save_as, keys.SaveAs, "actionSaveAs")
        file.addSeparator()
        self._action(file, "Export &image…", exports.export_image_dialog, "Ctrl+E", "actionExportImage")
        self._action(file, "&Copy image", exports.copy_image, "Ctrl+Shift+C", "actionCopyImage")
        self._action(file, "Export &animation…", exports.export_animation_dialog, name="actionExportAnimation")
        file.addSeparator()
        self._action(file, "&Import data (CSV)…", files.import_csv, name="actionImportCsv")
        self._action(file, "&Export data (CSV)…", files.export_csv, name="actionExportCsv")
        file.addSeparator()
        self._action(file, "&Quit", self.close, keys.Quit, "actionQuit")
        self._build_edit_menu(bar.addMenu("&Edit"))
        self._build_run_menu(bar.addMenu("&Run"))
        self._build_view_menu(bar.addMenu("&View"))
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1", "actionShortcuts")
        self._action(help_menu, "&About lossviz", self.show_about, name="actionAbout")

    def _build_edit_menu(self, edit: QtWidgets.QMenu) -> None:
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._action(edit, "&Generate data", self.editor.generate_data, name="actionGenerate")
        self._action(edit, "New sample &D ∼ P", self.editor.new_sample, "D", "actionNewSample")
        self._action(edit, "&Clear data", self.editor.clear_data, name="actionClear")
        edit.addSeparator()
        self._action(edit, "Select &all samples", lambda: self.live.selection.select_all(self.document.scene.data.size),
                     "Ctrl+A", "actionSelectAll")
        self._action(edit, "Clear &selection", self.live.selection.clear, "Esc", "actionClearSelection")

    def _build_run_menu(self, run: QtWidgets.QMenu) -> None:
        self.run_action = self._action(run, "&Run / Pause", lambda: self.controls.run.toggle(), "Space", "actionRun")
        self._action(run, "&Step", self.live.step_once, "Right", "actionStep")
        self._action(run, "Step &back", self.live.step_back, "Left", "actionStepBack")
        self._action(run, "R&eset", self.reset, "R", "actionReset")
        run.addSeparator()
        self.race_action = self._action(run, "Optimizer &race", self.set_race, name="actionRace", checkable=True)
        self._action(run, "Set &up race…", self.setup_race, name="actionSetUpRace")

    def _build_view_menu(self, view: QtWidgets.QMenu) -> None:
        self._action(view, "&Frame data", self.views.data_plot.frame_data, "F", "actionFrameData")
        self._action(view, "Frame &surface", self.live.reframe_surface, name="actionFrameSurface")
        self._action(view, "&Decomposition of L(θ|D)…", self.exports.show_decomposition, name="actionDecomposition")
        self._action(view, "C&apacity curve…", self.capacity.show, name="actionCapacity")
        self.log_loss_action = self._action(view, "&Log scale loss curve", self._on_view_log_loss_toggled,
                                            name="actionLogLoss", checkable=True)
        view.addSeparator()
        self.dark_action = self._action(view, "&Dark theme", lambda dark: self.set_theme("dark" if dark else "light"),
                                        name="actionDarkTheme", checkable=True)
        self.presentation_action = self._action(view, "&Presentation mode", self.set_presentation, "F11",
                                                name="actionPresentation", checkable=True)
        self.panel_action = self._action(view, "Show &controls", self.set_panel_visible, "F9", name="actionShowControls",
                                         checkable=True)
        self.panel_action.setChecked(True)

    def _build_label_keys(self) -> None:
        """0–9 choose the label of new points while the pointer is over the data view (or it has the focus);
        a field being typed into takes the digits itself."""
        for digit in range(10):
            action = QtGui.QAction(f"Label {digit}", self)
            action.setShortcut(QtGui.QKeySequence(str(digit)))
            action.triggered.connect(lambda _=False, d=digit: self._on_view_digit(d))
            self.addAction(action)

    def _on_view_digit(self, digit: int) -> None:
        view = self.views.data_view
        if view.pointer_inside() or view.hasFocus():
            self.editor.choose_label(digit)

    def _connect(self) -> None:
        document, live, controls = self.document, self.live, self.controls
        document.changed.connect(self._on_model_document_changed)
        document.modifiedChanged.connect(self._update_title)
        document.pathChanged.connect(self._update_title)
        document.undo_stack.indexChanged.connect(self.files.schedule_autosave)
        live.progressed.connect(self._on_live_progressed)
        live.surfaceReady.connect(self._on_live_surface_ready)
        live.runningChanged.connect(self._on_live_running_changed)
        live.stepped.connect(self._on_live_stepped)
        live.selectionChanged.connect(self.views.draw_selection)
        live.population.changed.connect(self.views.draw_population)
        for part in (live, live.population, self.views, self.editor, self.files, self.exports, self.capacity):
            part.message.connect(self.statusBar().showMessage)
        self.editor.dataReplaced.connect(self._on_data_replaced)
        self.files.dataReplaced.connect(self._on_data_replaced)
        controls.lossChosen.connect(self._on_view_loss_chosen)
        controls.optimizerEdited.connect(self._on_view_optimizer_edited)
        controls.speedChosen.connect(self._on_view_speed_chosen)
        controls.surfaceEdited.connect(self._on_view_surface_edited)
        controls.logSurfaceToggled.connect(self._on_view_log_surface_toggled)
        controls.run.toggled.connect(live.set_running)
        controls.step.clicked.connect(live.step_once)
        controls.reset.clicked.connect(self.reset)
        controls.manners.committed.connect(self._on_view_value_committed)
        controls.surfaceOfChosen.connect(lambda of: document.set_view_options(surface_of=of))
        controls.overfit_box.edited.connect(self._on_view_capacity_edited)
        box = controls.distribution_box
        box.distributionEdited.connect(self._on_view_distribution_edited)
        box.newSampleRequested.connect(self.editor.new_sample)
        box.resampleRequested.connect(live.population.resample)
        controls.overfit_box.capacityRequested.connect(self.capacity.show)

    # ------------------------------------------------------------------ model callbacks
    def _on_model_document_changed(self, kind: Change) -> None:
        """The one path from a change of the document to what is shown."""
        self.live.follow(kind)
        scene = self.document.scene
        if kind is not Change.DATA:
            options = self.document.view_options()
            self.controls.show_scene(scene, options, self.live.surface_ranges)
            for action, checked in ((self.race_action, "runs" in scene.extra),
                                    (self.dark_action, options.theme == "dark"),
                                    (self.log_loss_action, options.log_loss)):
                with signals_blocked(action):
                    action.setChecked(checked)
            if options.theme != self.base_theme.name:
                self._apply_theme(THEMES[options.theme])
        self._show_distribution(kind)
        self._on_live_running_changed(self.live.running)
        self.views.draw(kind)
        self.controls.show_held(held_text(self.live))
        has_data = scene.data.size > 0
        self.controls.run.setEnabled(has_data)
        self.controls.step.setEnabled(has_data)
        self.files.schedule_autosave()
        self._update_title()

    def _show_distribution(self, kind: Change) -> None:
        """The Distribution section: all of it when P may have changed, else (a data edit, say every frame of a
        drag) only the line saying where D came from, if that changed."""
        box, scene = self.controls.distribution_box, self.document.scene
        said = provenance(scene.distribution, scene.data)
        if kind is not Change.DATA or box.shown is not scene.distribution:
            box.show_distribution(scene.distribution, scene.task, scene.dims, scene.classes, said)
        elif box.provenance.text() != said:
            box.show_provenance(said)

    def _on_live_progressed(self, costly: bool, data: bool) -> None:
        self.views.draw_run()
        self.controls.show_held(held_text(self.live))
        if costly:
            self.views.draw_costly(data=data)

    def _on_live_surface_ready(self, result: SurfaceResult) -> None:
        fixed = self.document.scene.surface.fixed
        self.views.draw_surface(frame=result.request.framing or fixed)
        if not fixed and result.request.framing:
            self.controls.show_ranges(self.live.surface_ranges)

    def _on_live_stepped(self) -> None:
        self.views.draw_run()
        self.views.draw_data()
        self.views.draw_curve()
        self.controls.show_held(held_text(self.live))

    def _on_live_running_changed(self, running: bool) -> None:
        with signals_blocked(self.controls.run):
            self.controls.run.setChecked(running)
        self.controls.run.setText("Pause" if running else "Run")

    def _on_data_replaced(self) -> None:
        self.views.data_plot.frame_data()
        self.live.reframe_surface()

    # ------------------------------------------------------------------ view callbacks
    def _on_view_value_committed(self) -> None:
        """Enter in a field: the keys go back to the plots (Space runs, → steps)."""
        self.views.data_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_view_loss_chosen(self, loss: str) -> None:
        self.document.set_settings(loss=loss)

    def _on_view_speed_chosen(self, speed: float) -> None:
        self.document.set_view_options(speed=speed)

    def _on_view_log_surface_toggled(self, log: bool) -> None:
        self.document.set_view_options(log_surface=log)

    def _on_view_log_loss_toggled(self, log: bool) -> None:
        self.document.set_view_options(log_loss=log)

    def _on_view_optimizer_edited(self) -> None:
        try:
            config = self.controls.optimizer_config(self.document.scene.optimizer)
        except LossvizError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        self.document.set_settings(optimizer=config)

    def _on_view_surface_edited(self) -> None:
        try:
            config = self.controls.surface_config(self.document.scene.surface)
        except LossvizError as error:
            self.statusBar().showMessage(str(error), 5000)
            return
        self.document.set_settings(Change.SURFACE, surface=config)

    def _on_view_capacity_edited(self) -> None:
        """Degree, λ or the split edited in the panel (a split leaving too few training samples is refused)."""
        try:
            self.document.set_capacity(**self.controls.overfit_box.settings())
        except LossvizError as error:
            self.statusBar().showMessage(str(error), 8000)
            self.controls.overfit_box.show_scene(self.document.scene)

    def _on_view_distribution_edited(self) -> None:
        """P's family, parameters or N edited in the panel: the scene's distribution (the data stay)."""
        try:
            distribution = self.controls.distribution_box.distribution()
        except LossvizError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        self.document.set_settings(Change.SURFACE, distribution=distribution)

    def _update_title(self, *_: object) -> None:
        """'<file>[*] — <scene title> — lossviz'; without a file, the title alone names the document."""
        name, title = self.document.path.name if self.document.path else "", self.document.title
        parts = [f"{name}[*]", title] if name and title else [f"{name or title or 'untitled'}[*]"]
        self.setWindowTitle(" — ".join([*parts, "lossviz"]))
        self.setWindowModified(self.document.modified)

    # ------------------------------------------------------------------ actions
    def reset(self) -> None:
        """Run → Reset: back to the start θ."""
        self.live.reset()
        self.views.draw()

    def set_race(self, on: bool) -> None:
        """Race optimizers from the same start: the racers last set up, or gradient descent, momentum and Adam
        at the panel's learning rate."""
        scene = self.document.scene
        extra = {key: value for key, value in scene.extra.items() if key != "runs"}
        if "runs" in scene.extra:
            self._race_setup = scene.extra["runs"]  # kept for the next race
        if on:
            extra["runs"] = self._race_setup or default_race(scene.optimizer.lr)
        self.document.set_settings(extra=extra)

    def setup_race(self) -> None:
        """Run → Set up race…: choose the racers in a table; OK starts the race with them."""
        scene = self.document.scene
        current = scene.extra.get("runs") or self._race_setup or default_race(scene.optimizer.lr)
        runs = dialogs.ask_race(self, current if isinstance(current, list) else default_race(scene.optimizer.lr))
        if runs:
            self._race_setup = runs
            self.document.set_settings(extra={**scene.extra, "runs": runs})

    def set_theme(self, name: str) -> None:
        """Light or dark, for the window and for exports; kept with the document's view settings."""
        self.document.set_view_options(theme=name)

    def _apply_theme(self, base: Theme) -> None:
        self.base_theme = base
        self.theme = base.scaled(presentation_scale(self.screen())) if self.presenting else base
        self.views.apply_theme(self.theme)

    def set_presentation(self, on: bool) -> None:
        """F11: full screen, and everything larger with the screen: fonts of the panel, menus, formula card and
        status bar, and the plots' fonts, lines and markers (F9 hides the panel for more room)."""
        if on == self.presenting:
            return
        self.presenting = on
        with signals_blocked(self.presentation_action):
            self.presentation_action.setChecked(on)
        if on:
            self._normal_geometry = self.geometry()
            enter_full_screen(self)
        else:
            self.showNormal()
            self.setGeometry(self._normal_geometry)
        self.setStyleSheet(window_style(presentation_scale(self.screen()) if on else 1.0))
        self._fit_panel()
        self._apply_theme(self.base_theme)
        self.views.draw()

    def _fit_panel(self) -> None:
        """The panel as wide as its widgets want (after a change of font), so that nothing in it is cut off."""
        self.controls.ensurePolished()
        for widget in self.controls.findChildren(QtWidgets.QWidget):
            widget.ensurePolished()
        self.controls.adjustSize()
        scroll_bar = self.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent)
        self.panel_scroll.setMinimumWidth(self.controls.sizeHint().width() + scroll_bar + 8)

    def set_panel_visible(self, visible: bool) -> None:
        """F9: show or hide the control panel (the keys and the menus keep working)."""
        self.controls_dock.setVisible(visible)
        with signals_blocked(self.panel_action):
            self.panel_action.setChecked(visible)

    # ------------------------------------------------------------------ files and exports (see files.py, exports.py)
    def load_scene(self, path: str | Path) -> None:
        """Open a scene file (raises LossvizError and keeps the document if the file is bad)."""
        self.files.load_scene(path)

    def save_scene(self, path: str | Path) -> None:
        """Save data, task, loss, optimizer, start θ, surface and view settings to ``path``."""
        self.files.save_scene(path)

    def offer_recovery(self) -> bool:
        """Offer the unsaved work of a window that did not close normally; True if restored."""
        return self.files.offer_recovery()

    def export_image(self, path: str | Path, layout: str = "full", scale: float = 1.0) -> None:
        """Write the current figure (PNG, SVG or PDF by suffix); raises LossvizError."""
        self.exports.export_image(path, layout, scale)

    # ------------------------------------------------------------------ help
    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        rows = "".join(f"<tr><td><b>{key}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for key, what in SHORTCUTS)
        dialogs.show_text(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> None:
        """Help → About."""
        from lossviz import __version__

        dialogs.show_text(self, "About lossviz",
                          f"lossviz {__version__}: datasets, losses and gradient descent you can touch.")

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Ask about unsaved changes, then stop the workers and remove the recovery file."""
        if not self._closing and not self.files.confirm_discard():
            event.ignore()
            return
        self.shutdown()
        self.files.close()
        event.accept()

    def shutdown(self) -> None:
        """Stop both workers and wait for their threads, stop autosaving, keep the geometry (idempotent).
        The recovery file stays: this is what a crash leaves behind too."""
        if self._closing:
            return
        self._closing = True
        self.live.busy.release_all()  # a recovery file being written goes on to its end at once
        self.files.stop()
        self.capacity.stop()
        self.live.stop()
        self.settings.setValue("geometry", self.saveGeometry())
