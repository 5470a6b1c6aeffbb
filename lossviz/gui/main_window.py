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

import traceback
from operator import attrgetter
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from lossviz.core.distributions import provenance
from lossviz.core.errors import LossvizError
from lossviz.core.experiment import check_trainable
from lossviz.core.features import split_note
from lossviz.core.limits import MAX_CLASSES
from lossviz.core.presets import DEFAULT_PRESET, is_bundled, load_preset
from lossviz.core.runs import Run, default_race
from lossviz.core.scene import Scene
from lossviz.gui.actions import ACTIONS, MENUS, SEPARATOR, Action, shortcut_rows
from lossviz.gui.controllers.capacity import CapacityView
from lossviz.gui.controllers.confusion import REGRESSION_REASON, ConfusionView
from lossviz.gui.controllers.editing import DataEditor
from lossviz.gui.controllers.exports import ExportActions
from lossviz.gui.controllers.files import FileActions
from lossviz.gui.controllers.lecture import LectureActions
from lossviz.gui.controllers.recovery import CrashRecovery
from lossviz.gui.controllers.settings import SettingsEditor
from lossviz.gui.dialogs import common as dialogs
from lossviz.gui.messages import WARNING_MS
from lossviz.gui.panel.controls import ControlPanel
from lossviz.gui.panel.widgets import signals_blocked
from lossviz.gui.presentation import (
    DEFAULT_SIZE,
    apply_palette,
    enter_full_screen,
    presentation_scale,
    window_style,
)
from lossviz.gui.state.document import Change, Document
from lossviz.gui.state.live import LiveRun
from lossviz.gui.state.readings import current_curvature, curvature_text, held_text
from lossviz.gui.views.notes import NotesBar
from lossviz.gui.views.scene_views import SceneViews
from lossviz.gui.workers.surface import SurfaceResult
from lossviz.plots.overrides import qt_override
from lossviz.plots.theme import LIGHT, THEMES, Theme, configure_pyqtgraph

STATUS_MARGIN_PX = 40  # the status bar's own margins and grip around the message and the readings


class MainWindow(QtWidgets.QMainWindow):
    """The app. ``load_scene``/``save_scene`` do what File → Open/Save do, without dialogs."""

    def __init__(self, scene: Scene | None = None, settings: QtCore.QSettings | None = None,
                 recovery_dir: str | Path | None = None, path: str | Path | None = None):
        super().__init__()
        configure_pyqtgraph()
        self.settings = settings if settings is not None else QtCore.QSettings("lossviz", "lossviz")
        preferred = THEMES.get(str(self.settings.value("theme", "light")), LIGHT)
        apply_palette(preferred.name)  # the user's colours before any widget is polished (polishing twice: ~20 ms)
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
        self.settings_editor = SettingsEditor(self.document, self.live, self.views, self.controls, self.editor, self)
        self.recovery = CrashRecovery(self.document, self, Path(recovery_dir) if recovery_dir is not None else None,
                                      self.live.pacing.busy.wait)
        self.files = FileActions(self.document, self, self.settings, self.recovery)
        self.exports = ExportActions(self.document, self.live, self, self.settings, lambda: self.base_theme.name)
        self.capacity = CapacityView(self.document, self.live.pacing.busy, lambda: self.base_theme.name,
                                     lambda: self.exports.ask_image_path("Save the capacity curve", "capacity"), self)
        self.lecture = LectureActions(self.document, self.live, self.files, self)
        self.confusion = ConfusionView(self.document, self.live, self)
        self._build_menus()
        self._build_label_keys()
        for label in (self.lecture.indicator, *self.views.status_labels()):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().messageChanged.connect(self._fit_status_message)
        self._connect()
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        self._closing = False
        self._race_setup: tuple[Run, ...] = ()  # the racers last set up in this window
        self._split_note = ""  # what the split does to too few samples, as last said
        self._normal_geometry = self.geometry()  # where the window was before presentation mode
        self._normal_panel_width = (0, 0)  # the panel's width and least width before presentation mode
        self._panel_restore_pending = False  # they are to be given back once the window has its normal size
        self._apply_theme(preferred)  # the user's preference, before anything is drawn
        self._show_first_scene()

    def _show_first_scene(self) -> None:
        """Show the scene the window was made with; one it cannot show (a start θ no descent can start from, or
        anything that fails on the way to the screen) is reported in a dialog and the default scene shown instead,
        so that a window always opens (it never aborts the process half made)."""
        try:
            check_trainable(self.document.scene)
            self._on_model_document_changed(Change.SCENE)
        except Exception as error:
            if not isinstance(error, LossvizError):  # a bug: its traceback goes where bugs are reported
                traceback.print_exc()
            self.document.load(load_preset(DEFAULT_PRESET), None)  # the one path again, from a scene known to show
            text = str(error) if isinstance(error, LossvizError) else f"{type(error).__name__}: {error}"
            QtCore.QTimer.singleShot(0, lambda: dialogs.show_error(
                self, "Cannot show the scene", f"{text}\n\nThe default scene is shown instead."))

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

    def _build_menus(self) -> None:
        """The menus, from the one table of actions (gui/actions.py)."""
        bar = self.menuBar()
        menus = {title: bar.addMenu(title) for title in MENUS}
        self.actions_by_id: dict[str, QtGui.QAction] = {}
        for entry in ACTIONS:
            menu = menus[entry.menu]
            if entry.id == SEPARATOR:
                menu.addSeparator()
            elif entry.submenu:
                submenu = menu.addMenu(entry.text)
                submenu.setObjectName(entry.id)
                self.files.set_recent_menu(submenu) if entry.id == "menuRecent" else self.files.set_examples_menu(submenu)
            else:
                self.actions_by_id[entry.id] = self._make_action(entry, menu)
        self.run_action, self.race_action = self.actions_by_id["actionRun"], self.actions_by_id["actionRace"]
        self.dark_action, self.log_loss_action = self.actions_by_id["actionDarkTheme"], self.actions_by_id["actionLogLoss"]
        self.curvature_action = self.actions_by_id["actionCurvatureDirections"]
        self.presentation_action = self.actions_by_id["actionPresentation"]
        self.panel_action = self.actions_by_id["actionShowControls"]
        self.confusion_action = self.actions_by_id["actionConfusion"]
        menus["&View"].setToolTipsVisible(True)  # why the confusion matrix is disabled (regression)
        self.panel_action.setChecked(True)

    def _make_action(self, entry: Action, menu: QtWidgets.QMenu) -> QtGui.QAction:
        """One QAction of ``entry`` in ``menu``: made by the undo stack, or calling the window's ``entry.slot``."""
        if entry.undo:
            stack = self.document.undo_stack
            made = (stack.createUndoAction if entry.id == "actionUndo" else stack.createRedoAction)(self, entry.text)
        else:
            made = QtGui.QAction(entry.text, self)
            made.setCheckable(entry.checkable)
            (made.toggled if entry.checkable else made.triggered).connect(attrgetter(entry.slot)(self))
        made.setObjectName(entry.id)
        made.setShortcuts(entry.sequences())
        menu.addAction(made)
        return made

    def _build_label_keys(self) -> None:
        """0–9 choose the label of new points while the pointer is over the data view (or it has the focus);
        a field being typed into takes the digits itself."""
        for digit in range(MAX_CLASSES):
            action = QtGui.QAction(f"Label {digit}", self)
            action.setObjectName(f"label{digit}")  # Help lists them as "0–9" (actions.GESTURES)
            action.setShortcut(QtGui.QKeySequence(str(digit)))
            action.triggered.connect(lambda _=False, d=digit: self._on_view_digit(d))
            self.addAction(action)

    def _on_view_digit(self, digit: int) -> None:
        view = self.views.data_view
        if view.pointer_inside() or view.hasFocus():
            self.editor.choose_label(digit)

    def _connect(self) -> None:
        document, live = self.document, self.live
        document.changed.connect(self._on_model_document_changed)
        document.modifiedChanged.connect(self._update_title)
        document.pathChanged.connect(self._update_title)
        document.undo_stack.indexChanged.connect(self.recovery.schedule_autosave)
        live.progressed.connect(self._on_live_progressed)
        live.surfaceReady.connect(self._on_live_surface_ready)
        live.surfaces.questionChanged.connect(self._on_surface_question)
        live.surfaces.planeRefused.connect(lambda: self.views.draw_surface(frame=True))  # framed as a fresh window
        live.runningChanged.connect(self._on_live_running_changed)
        live.stepped.connect(self._on_live_stepped)
        live.selectionChanged.connect(self.views.draw_selection)
        live.population.changed.connect(self.views.draw_population)
        for part in (live, live.population, self.views, self.editor, self.settings_editor, self.files, self.recovery,
                     self.exports, self.capacity, self.lecture):
            part.message.connect(self.statusBar().showMessage)
        self.editor.dataReplaced.connect(self._on_data_replaced)
        self.files.dataReplaced.connect(self._on_data_replaced)
        self.settings_editor.resetRequested.connect(self.reset)
        self.controls.overfit_box.capacityRequested.connect(self.capacity.show)

    # ------------------------------------------------------------------ model callbacks
    def _on_model_document_changed(self, kind: Change) -> None:
        """The one path from a change of the document to what is shown."""
        self.live.follow(kind)
        scene = self.document.scene
        if kind is not Change.DATA:
            options = self.document.view_options()
            self.controls.show_scene(scene, options, self.live.surfaces.ranges)
            for action, checked in ((self.race_action, bool(scene.runs)),
                                    (self.dark_action, self.base_theme.name == "dark"),
                                    (self.log_loss_action, options.log_loss),
                                    (self.curvature_action, options.curvature_directions)):
                with signals_blocked(action):
                    action.setChecked(checked)
        self._show_distribution(kind)
        note = split_note(scene.split, scene.data.size)
        if note and note != self._split_note:  # said once when it starts to apply (a drag changes nothing here)
            self.statusBar().showMessage(note, WARNING_MS)
        self._split_note = note
        self._on_live_running_changed(self.live.state().running)
        self.views.draw(kind)
        self._show_held()
        self._show_curvature()
        has_data = scene.data.size > 0
        self.controls.run.setEnabled(has_data)
        self.controls.step.setEnabled(has_data)
        classes = scene.task != "regression"
        self.confusion_action.setEnabled(classes)
        self.confusion_action.setToolTip("True against predicted classes, live" if classes else REGRESSION_REASON)
        self.confusion.refresh()
        self.recovery.schedule_autosave()
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
        self._show_held()
        if costly:
            self.views.draw_costly(data=data)
        if not self.live.state().running:  # paused: the curvature where θ stopped (while running it would stall)
            self._show_curvature()

    def _show_curvature(self) -> None:
        """The panel's curvature line at the current θ (see readings.curvature_text); not during a drag, whose frames
        must stay quick (it follows at the release)."""
        if not self.document.previewing:
            self.controls.show_curvature(*curvature_text(self.live))
            self.views.set_curvature(current_curvature(self.live)[0])

    def _on_surface_question(self) -> None:
        """A new surface question that frames anew: the range boxes show no old range (as in a fresh window)."""
        if not self.document.scene.surface.fixed and self.live.surfaces.ranges is None:
            self.controls.show_ranges(None)

    def _on_live_surface_ready(self, result: SurfaceResult) -> None:
        if result.plane is not None:
            self._show_held()  # how far θ lies off the plane the surface is on
        fixed = self.document.scene.surface.fixed
        self.views.draw_surface(frame=result.request.framing or fixed)
        if not fixed and result.request.framing and result.plane is None:
            self.controls.show_ranges(self.live.surfaces.ranges)

    def _on_live_stepped(self) -> None:
        self._show_curvature()
        self.views.draw_run()
        self.views.draw_data()
        self.views.draw_curve()
        self._show_held()

    def _show_held(self) -> None:
        """The panel's lines on θ: the held parameters, and the model in the table's units."""
        self.controls.show_held(held_text(self.live))
        self.controls.show_units(self.document.scene.units_text(self.live.state().theta))

    def _on_live_running_changed(self, running: bool) -> None:
        if running:  # the hovered "what if you started here" model means nothing once θ moves (back on a move)
            self.views.data_plot.set_ghost(None)
        with signals_blocked(self.controls.run):
            self.controls.run.setChecked(running)
        self.controls.run.setText("Pause" if running else "Run")

    def _on_data_replaced(self) -> None:
        self.views.data_plot.frame_data()
        self.live.reframe_surface()

    # ------------------------------------------------------------------ view callbacks
    def select_all_samples(self) -> None:
        """Edit → Select all samples: their mean loss is L(θ|D), their mean arrow −∇L(θ|D)."""
        self.live.selection.select_all(self.document.scene.data.size)

    def set_curvature_directions(self, shown: bool) -> None:
        """View → Curvature directions: the Hessian's top and bottom eigen-directions through θ on the surface."""
        self.document.set_view_options(curvature_directions=shown)

    def set_log_loss(self, log: bool) -> None:
        """View → Log scale loss curve."""
        self.document.set_view_options(log_loss=log)

    def set_dark_theme(self, dark: bool) -> None:
        """View → Dark theme."""
        self.set_theme("dark" if dark else "light")

    def _update_title(self, *_: object) -> None:
        """'<file>[*] — <scene title> — lossviz'; without a file, the title alone names the document."""
        name, title = self.document.path.name if self.document.path else "", self.document.scene.title
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
        if scene.runs:
            self._race_setup = scene.runs  # kept for the next race
        self.document.set_settings(runs=(self._race_setup or default_race(scene.optimizer.lr)) if on else ())

    def setup_race(self) -> None:
        """Run → Set up race…: choose the racers in a table; OK starts the race with them."""
        scene = self.document.scene
        current = scene.runs or self._race_setup or default_race(scene.optimizer.lr)
        runs = dialogs.ask_race(self, current)
        if runs:
            self._race_setup = runs
            self.document.set_settings(runs=runs)

    def set_theme(self, name: str) -> None:
        """Light or dark, for the whole window (panel, menus, status bar, dialogs, plots) and for its exports: the
        user's preference, kept in the settings for the next start — not a property of the scene (opening an
        example keeps it; a scene file's own theme is for ``lossviz render``)."""
        self.settings.setValue("theme", name)
        apply_palette(name)
        self.setStyleSheet(self.styleSheet())  # a style sheet keeps the palette it was polished with: polish anew
        self._apply_theme(THEMES[name])
        with signals_blocked(self.dark_action):
            self.dark_action.setChecked(name == "dark")
        self.views.draw()
        self.capacity.redraw()

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
            if not self._panel_restore_pending:  # else F11 came back before the panel had its width back: keep it
                self._normal_panel_width = (self.controls_dock.width(), self.panel_scroll.minimumWidth())
            enter_full_screen(self)
        else:
            self.showNormal()
            self.setGeometry(self._normal_geometry)
        self.setStyleSheet(window_style(presentation_scale(self.screen()) if on else 1.0))
        if on:
            self._fit_panel()
        else:  # the panel as wide as it was (the larger font had widened it), once the window has its size back
            self._panel_restore_pending = True
            QtCore.QTimer.singleShot(0, self._restore_panel_width)
        self._apply_theme(self.base_theme)
        self.views.draw()

    def _fit_status_message(self, text: str) -> None:
        """A message longer than the room the readings (step, L, ‖∇L‖, accuracy) leave it takes the whole status bar
        while it shows, the readings back once it goes: no message is cut mid-word."""
        bar, labels = self.statusBar(), self.views.status_labels()
        room = bar.width() - sum(label.sizeHint().width() for label in labels) - STATUS_MARGIN_PX
        crowded = bool(text) and bar.fontMetrics().horizontalAdvance(text) > room
        for label in labels:
            label.setVisible(not crowded)

    def _restore_panel_width(self) -> None:
        """The panel's width and least width as they were before presentation mode (the window as before it)."""
        width, least = self._normal_panel_width
        self._panel_restore_pending = False
        if not self.presenting and width:
            self.panel_scroll.setMinimumWidth(least)
            self.resizeDocks([self.controls_dock], [width], Qt.Orientation.Horizontal)

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
        return self.recovery.offer_recovery()

    def export_image(self, path: str | Path, layout: str = "full", scale: float = 1.0) -> None:
        """Write the current figure (PNG, SVG or PDF by suffix); raises LossvizError."""
        self.exports.export_image(path, layout, scale)

    # ------------------------------------------------------------------ help
    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        rows = "".join(f"<tr><td><b>{key}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for key, what in shortcut_rows())
        dialogs.show_text(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> None:
        """Help → About."""
        from lossviz import __version__

        dialogs.show_text(self, "About lossviz",
                          f"lossviz {__version__}: datasets, losses and gradient descent you can touch.")

    # ------------------------------------------------------------------ closing
    @qt_override
    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        """Ask about unsaved changes, then stop the workers and remove the recovery file."""
        if not self._closing and not self.files.confirm_discard():
            event.ignore()
            return
        self.shutdown()
        self.recovery.close()
        event.accept()

    def shutdown(self) -> None:
        """Stop both workers and wait for their threads, stop autosaving, keep the geometry (idempotent).
        The recovery file stays: this is what a crash leaves behind too."""
        if self._closing:
            return
        self._closing = True
        self.live.pacing.busy.release_all()  # a recovery file being written goes on to its end at once
        self.recovery.stop()
        self.capacity.stop()
        self.live.stop()
        self.settings.setValue("geometry", self.saveGeometry())
