"""Editing the scene with the mouse, the keys and the Data box: every edit goes to the Document (the panel's
signals reach these methods through controllers/settings.py).

Clicks add points, right clicks delete them, drags move them (coalesced to one document change
per DRAG_FRAME_MS, one undo step per drag), digit keys and the class buttons choose the label of
new points; Shift+click selects samples (their own loss on the surface); the task, the number of
classes, Generate, New sample D ∼ P and Clear change the data undoably; a click on the surface sets
the start θ.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6 import QtCore
from PySide6.QtCore import Qt

from lossviz.core import edits
from lossviz.core.dataset import Dataset
from lossviz.core.errors import LossvizError
from lossviz.core.features import check_feature_range
from lossviz.core.generators import EXAMPLES, GENERATORS, generate
from lossviz.core.limits import VALUE_BOUND
from lossviz.core.projection import projected
from lossviz.gui.messages import BRIEF_MS, HINT_MS, NOTE_MS, STATUS_MS, WARNING_MS
from lossviz.gui.panel.controls import ControlPanel
from lossviz.gui.state.document import Change, Document
from lossviz.gui.state.live import LiveRun
from lossviz.gui.views.scene_views import SceneViews

DRAG_FRAME_MS = 20  # a dragged point moves the document at most this often


class DataEditor(QtCore.QObject):
    """Turns what the user does in the data view, on the surface and in the Data box into edits."""

    message = QtCore.Signal(str, int)  # text, milliseconds
    dataReplaced = QtCore.Signal()  # a whole new dataset: frame it

    def __init__(self, document: Document, live: LiveRun, views: SceneViews, controls: ControlPanel):
        super().__init__()
        self.document, self.live, self.views, self.controls = document, live, views, controls
        self._drag_before: Dataset | None = None  # the data when the drag began
        self._drag_index = -1
        self._pending_drag: tuple[int, float, float] | None = None  # the dragged sample's newest place
        self._drag_timer = QtCore.QTimer(self, singleShot=True, interval=DRAG_FRAME_MS)
        self._drag_timer.timeout.connect(self._apply_pending_drag)
        views.data_viewbox.hit_test = self.hit_test
        views.data_viewbox.clickedAt.connect(self._on_view_data_clicked)
        views.data_viewbox.pointDragged.connect(self._on_view_point_dragged)
        views.data_viewbox.shiftClickedAt.connect(self._on_view_data_shift_clicked)
        views.surface_viewbox.clickedAt.connect(self._on_view_surface_clicked)
        views.surface_viewbox.shiftClickedAt.connect(lambda x, y: self._on_view_surface_clicked(x, y, Qt.MouseButton.LeftButton))
        document.undo_stack.indexChanged.connect(self._on_model_undo_index_changed)

    @property
    def current_label(self) -> int:
        """The label new points get."""
        return self.controls.class_palette.current()

    # ------------------------------------------------------------------ the data view
    def hit_test(self, x: float, y: float) -> int | None:
        """The sample drawn under data position (x, y), within a few pixels, or None."""
        return self.views.point_at(x, y)

    def _refused(self, x: float, y: float) -> bool:
        """True, and the status bar says why, for a sample at plot position (x, y) that the scene could not hold: a
        value beyond ±VALUE_BOUND, or inputs that overflow φ (a view zoomed out that far)."""
        scene = self.document.scene
        inputs = [x, y] if scene.dims == 2 else [x]
        try:
            if max(abs(x), abs(y)) > VALUE_BOUND:
                raise LossvizError(f"({x:g}, {y:g}) is beyond ±{VALUE_BOUND:g}, the largest value lossviz takes")
            check_feature_range(np.array([inputs]), scene.degree, "this point")
        except LossvizError as error:
            self.message.emit(str(error), WARNING_MS)
            return True
        return False

    def read_only(self) -> bool:
        """True, and the status bar says why, when the data view shows more inputs than a plane holds: its points are
        where the model puts them, so a click cannot say which inputs a new or moved point would have."""
        scene = self.document.scene
        if not projected(scene.task, scene.dims):
            return False
        drag = "; drag a point up or down to change its y" if self._targets_only() else ""
        self.message.emit(f"Read-only: d = {scene.dims} inputs, drawn where the model puts them; points cannot be "
                          f"added or moved here (right-click deletes one, Ctrl+Z undoes{drag})", WARNING_MS)
        return True

    def _on_view_data_clicked(self, x: float, y: float, button: Qt.MouseButton) -> None:
        scene = self.document.scene
        if button == Qt.MouseButton.LeftButton and self.hit_test(x, y) is None:
            if self.read_only() or self._refused(x, y):
                return
            self.document.edit_data(edits.add_sample(scene.data, scene.task, x, y, self.current_label), "Add point")
        elif button == Qt.MouseButton.RightButton:
            index = self.hit_test(x, y)
            if index is not None:
                self.document.edit_data(edits.remove_point(scene.data, index), "Delete point")

    def _on_view_data_shift_clicked(self, x: float, y: float) -> None:
        """Shift+click: select a sample (or unselect it) — the surface shows its own loss; on empty space, select
        nothing."""
        index = self.hit_test(x, y)
        if index is None:
            self.live.selection.clear()
            return
        self.live.selection.toggle(index, self.document.scene.data.size)
        count = len(self.live.selection)
        if count:
            self.message.emit(f"{count} selected: the surface shows {'its' if count == 1 else 'their mean'} own loss; "
                              "Shift+click more points, Esc to go back to L(θ|D)", NOTE_MS)

    def _targets_only(self) -> bool:
        """True when a drag edits only yᵢ: the ŷ-against-y view of a regression of several inputs (x is ŷᵢ there)."""
        view = self.views.data_plot.view
        return view is not None and view.kind == "prediction"

    def _on_view_point_dragged(self, index: int, x: float, y: float, phase: str) -> None:
        scene = self.document.scene
        if phase == "start":
            if not self._targets_only() and self.read_only():
                return
            self._drag_before, self._drag_index = scene.data, index
            return
        if self._drag_before is None or index != self._drag_index or index >= scene.data.size:
            return
        if phase == "finish":
            moved = self._moved_data(index, x, y)
            self._drag_timer.stop()
            self._pending_drag = None
            before, self._drag_before = self._drag_before, None
            self.document.commit_drag(before, scene.data if moved is None else moved)
        elif self._targets_only() or not self._refused(x, y):  # a refused place: the point stays where it was last
            # mouse moves come faster than a frame: keep the newest place, move the sample there once per frame
            # (a moved copy of the data per mouse move cost ~50 ms at 1,000,000 samples)
            self._pending_drag = (index, x, y)
            if not self._drag_timer.isActive():
                self._drag_timer.start()

    def _moved_data(self, index: int, x: float, y: float) -> Dataset | None:
        """The data with sample ``index`` dragged to plot position (x, y) — only yᵢ in the ŷ-against-y view —, or None
        where it cannot go there (the status bar says why)."""
        data, task = self.document.scene.data, self.document.scene.task
        if self._targets_only():  # up and down: yᵢ (its inputs, hence ŷᵢ, stay)
            return edits.move_point(data, index, data.X[index], y) if np.isfinite(y) else data
        if self._refused(x, y):
            return None
        return edits.move_sample(data, task, index, x, y)

    def _apply_pending_drag(self) -> None:
        if self._pending_drag is not None and self._drag_before is not None:
            (index, x, y), self._pending_drag = self._pending_drag, None
            moved = self._moved_data(index, x, y)
            if moved is not None and index < moved.size:
                self.document.preview_data(moved)

    def _on_model_undo_index_changed(self, _index: int) -> None:
        """An undo or redo in the middle of a drag ends the drag: its point and its "before" may be gone."""
        if self._drag_before is not None:
            self._drag_before, self._pending_drag = None, None
            self._drag_timer.stop()
            self.views.data_viewbox.cancel_drag()
            self.document.cancel_preview()

    def choose_label(self, label: int) -> None:
        """New points get ``label`` (if the task has such a class)."""
        scene = self.document.scene
        classes = 0 if scene.task == "regression" else scene.classes
        if label < classes:
            self.controls.class_palette.select(label)
            name = scene.class_name(label)
            self.message.emit(f"New points get label {label}{'' if name == str(label) else f' ({name})'}", BRIEF_MS)
        elif classes == 0:
            self.message.emit(f"{label}: regression has no classes — a click adds a point where you click", NOTE_MS)
        else:
            kept = self.current_label
            self.message.emit(f"No class {label}: this scene has classes 0–{classes - 1}; new points keep label "
                              f"{kept}", NOTE_MS)

    # ------------------------------------------------------------------ the surface
    def _on_view_surface_clicked(self, x: float, y: float, button: Qt.MouseButton) -> None:
        """A click on the surface sets the start θ there; the descent starts over from it."""
        objective = self.live.state().objective
        if button != Qt.MouseButton.LeftButton or objective is None:
            return
        theta = self.live.theta_at(x, y)
        with np.errstate(all="ignore"):
            finite = bool(np.isfinite(objective.value(theta)))
        if not finite:  # a surface framed around a path that went far
            self.message.emit("L(θ|D) overflows float64 at this θ: choose a start θ nearer the minimum", WARNING_MS)
            return
        self.document.set_settings(kind=Change.START, init=theta)
        if self.live.state().running:
            self.message.emit("Start θ set: descending from here", HINT_MS)
        else:
            self.message.emit("Start θ set — press Run (Space) to descend from here", NOTE_MS)

    # ------------------------------------------------------------------ structure and whole datasets
    def change_task(self) -> None:
        """The task or input dimension chosen in the panel: data kept where it still fits, an empty scene
        stays empty, else an example replaces it (one undo step)."""
        task, dims = self.controls.task_choice()
        scene = self.document.scene
        if (task, dims) == (scene.task, scene.dims):
            return
        data = edits.data_for_task(scene.data, scene.task, task, dims)
        if data is None:  # an example of the task (with the inputs an example has: 1 or 2)
            classes = scene.classes if scene.task == "multiclass" else 3
            drawn = min(dims, 1 if task == "regression" else 2)
            name, noise, seed = EXAMPLES.get((task, drawn), "2-D blobs"), *self.controls.generator_choice()[1:]
            data = generate(name, noise, seed, classes)
            dims = data.dims
        self.document.change_structure(f"Change task to {task}", task=task, dims=dims, data=data)
        self.dataReplaced.emit()

    def change_classes(self, classes: int) -> None:
        """A number of classes typed in the panel: the samples of classes beyond it are dropped (undoably)."""
        scene = self.document.scene
        if scene.task != "multiclass" or classes == scene.classes:
            return
        self.document.change_structure(f"{classes} classes", classes=classes,
                                       data=edits.keep_classes(scene.data, classes))

    def generate_data(self) -> None:
        """Edit → Generate: the Data box's generator, noise and seed (the task follows the generator)."""
        name, noise, seed = self.controls.generator_choice()
        if name not in GENERATORS:  # the separator of the list
            return
        task = GENERATORS[name][0]
        scene = self.document.scene
        classes = scene.classes if task == "multiclass" and scene.task == "multiclass" else 3
        data = generate(name, noise, seed, classes)
        if (task, data.dims) == (scene.task, scene.dims) and (task != "multiclass" or classes == scene.classes):
            self.document.edit_data(data, f"Generate {name}")
        else:
            classes = classes if task == "multiclass" else 2
            self.document.change_structure(f"Generate {name}", task=task, dims=data.dims, classes=classes, data=data)
            self.message.emit(f"Generate {name}: the task is now {data.dims}-D {task} (Undo brings back "
                              f"{scene.dims}-D {scene.task} and its data)", NOTE_MS)
        self.dataReplaced.emit()

    def new_sample(self) -> None:
        """Data → New sample D ∼ P: N fresh draws from P with the next seed, one undo step with P's new seed."""
        scene = self.document.scene
        dist = scene.distribution
        if dist is None:
            self.message.emit("No distribution P: choose one in the Distribution section first", STATUS_MS)
            return
        drawn = replace(dist, seed=dist.seed + 1)
        data = drawn.sample()
        try:
            check_feature_range(data.X, scene.degree)
        except LossvizError as error:
            self.message.emit(str(error), WARNING_MS)
            return
        self.live.selection.clear()
        self.document.edit_fields("New sample D ∼ P", Change.DATA, data=data, distribution=drawn)
        self.message.emit(f"A new D ∼ P: {drawn.n} draws (seed {drawn.seed}); Undo brings the old one back", STATUS_MS)
        self.dataReplaced.emit()

    def clear_data(self) -> None:
        """Edit → Clear: no samples (undoable)."""
        self.document.edit_data(edits.empty_like(self.document.scene.data), "Clear data")
