"""The open document: one immutable Scene, its file, and an undo stack of edits.

Views listen to ``changed``; they never poke each other. Data edits and structural
changes (task, classes) are undoable; tuning settings (loss, optimizer, rates, view) are not,
but they do make the document "modified".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from lossviz.core.dataset import Dataset
from lossviz.core.losses import DEFAULT_LOSS, TASK_LOSSES
from lossviz.core.model import ModelShape
from lossviz.core.scene import Scene, SurfaceConfig, read_scene, write_scene

# what a change touched, for listeners: the data, the start θ, tuning settings, the surface's settings,
# view options (speed, theme, log scales: nothing to recompute), or everything
DATA, START, SETTINGS, SURFACE, VIEW, SCENE = "data", "start", "settings", "surface", "view", "scene"


class FieldsCommand(QUndoCommand):
    """Swap some fields of the scene between two values (undo = swap back)."""

    def __init__(self, document: "Document", text: str, old: dict, new: dict, kind: str, done: bool = False):
        super().__init__(text)
        self.document, self.old, self.new, self.kind = document, old, new, kind
        self.done = done  # the new values are already in place (a finished drag)

    def redo(self):
        if self.done:
            self.done = False
            return
        self.document._apply(self.new, self.kind)

    def undo(self):
        self.document._apply(self.old, self.kind)


class Document(QObject):
    """The scene being edited, where it lives on disk, and whether it has unsaved changes."""

    changed = Signal(str)  # DATA, START, SETTINGS, SURFACE, VIEW or SCENE
    modifiedChanged = Signal(bool)
    pathChanged = Signal(object)

    def __init__(self, scene: Scene, parent=None):
        super().__init__(parent)
        self.scene = scene
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self._settings_dirty = False
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    def _clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(self.modified)

    @property
    def modified(self) -> bool:
        return self._settings_dirty or not self.undo_stack.isClean()

    @property
    def shape(self) -> ModelShape:
        return self.scene.shape

    # ------------------------------------------------------------------ whole documents
    def load(self, scene: Scene, path: Path | None) -> None:
        self.scene = scene
        self.path = Path(path) if path is not None else None
        self.undo_stack.clear()
        self._mark_clean()
        self.changed.emit(SCENE)
        self.pathChanged.emit(self.path)

    def open(self, path) -> None:
        """Read and validate a file first, so that a bad file leaves this document untouched."""
        self.load(read_scene(path), path)

    def save(self, path) -> None:
        write_scene(self.scene, path)
        self.path = Path(path)
        self._mark_clean()
        self.pathChanged.emit(self.path)

    def _mark_clean(self) -> None:
        self._settings_dirty = False
        self.undo_stack.setClean()
        self.modifiedChanged.emit(self.modified)

    # ------------------------------------------------------------------ edits
    def _apply(self, fields: dict, kind: str) -> None:
        self.scene = self.scene.replace(**fields)
        self.changed.emit(kind)

    def edit_data(self, data: Dataset, text: str) -> None:
        """An undoable data edit."""
        self.undo_stack.push(FieldsCommand(self, text, {"data": self.scene.data}, {"data": data}, DATA))

    def preview_data(self, data: Dataset) -> None:
        """Show data while a drag is under way; ``commit_drag`` makes the whole drag one undo step."""
        self._apply({"data": data}, DATA)

    def commit_drag(self, before: Dataset, text: str = "Move point") -> None:
        if before is self.scene.data:
            return
        self.undo_stack.push(FieldsCommand(self, text, {"data": before}, {"data": self.scene.data}, DATA, done=True))

    def set_settings(self, kind: str = SETTINGS, **fields) -> None:
        """Change tuning settings (loss, optimizer, init, surface, steps, extra): not undoable."""
        if all(_same(getattr(self.scene, key), value) for key, value in fields.items()):
            return
        self._apply(fields, kind)
        self.mark_modified()

    def mark_modified(self) -> None:
        """Unsaved without an edit (e.g. work restored after a crash)."""
        if not self._settings_dirty:
            self._settings_dirty = True
            self.modifiedChanged.emit(True)

    def set_view_option(self, key: str, value) -> None:
        """A view setting kept in the scene's extra "view" key (saved with the file)."""
        view = dict(self.scene.extra.get("view", {}))
        if view.get(key) == value:
            return
        view[key] = value
        self.set_settings(VIEW, extra={**self.scene.extra, "view": view})

    def view_option(self, key: str, default):
        view = self.scene.extra.get("view", {})
        return view.get(key, default) if isinstance(view, dict) else default

    def change_structure(self, text: str, task: str | None = None, dims: int | None = None,
                         classes: int | None = None, data: Dataset | None = None) -> None:
        """Change task, input dimension or number of classes, as one undoable step.

        θ is reset to zeros of the new shape, the loss to the task's default where the old
        one does not apply, and the surface axes to their defaults. Labels that no longer
        fit are dropped with the points that carry them (undo brings them back).
        """
        scene = self.scene
        task = task or scene.task
        dims = dims or scene.dims
        if classes is None:
            classes = scene.classes if scene.task == "multiclass" else 3
        if task == "binary":
            classes = 2
        elif task == "regression":
            classes = 1
        if data is None:
            data = scene.data
        new = {
            "task": task, "dims": dims, "classes": classes, "data": data,
            "loss": scene.loss if scene.loss in TASK_LOSSES[task] else DEFAULT_LOSS[task],
            "init": ModelShape(task, dims, classes).zeros(),
            "surface": SurfaceConfig(resolution=scene.surface.resolution),
        }
        old = {key: getattr(scene, key) for key in new}
        self.undo_stack.push(FieldsCommand(self, text, old, new, SCENE))


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    return a == b
