"""The open document: one immutable Scene, its file, and an undo stack of edits.

Views listen to ``changed``; they never poke each other. Data edits, structural
changes (task, classes) and settings (loss, optimizer, φ, λ, the split, P, the surface, the race, the start θ) are
undoable, each step named after what it changed; view options (speed, log scales, what the heat map shows) are not,
but they do make the document "modified".
"""

from __future__ import annotations

import enum
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from lossviz.core.dataset import Dataset
from lossviz.core.distributions import Distribution, check_compatible, check_feature_reach
from lossviz.core.errors import LossvizError
from lossviz.core.experiment import check_trainable
from lossviz.core.features import Split, check_feature_memory, check_feature_range, feature_count
from lossviz.core.losses import DEFAULT_LOSS, TASK_LOSSES
from lossviz.core.model import ModelShape
from lossviz.core.presets import is_bundled
from lossviz.core.scene import Scene, SurfaceConfig, read_scene, write_scene
from lossviz.core.view import OPTION_NAMES, ViewOptions
from lossviz.gui.state.edit_names import setting_text
from lossviz.plots.overrides import qt_override

NOTED_SETTINGS = ("task", "dims", "classes", "loss", "optimizer", "runs", "degree", "l2", "split", "distribution")


class Change(enum.Enum):
    """What a change of the document touched, for its listeners."""

    DATA = "data"  # the samples
    START = "start"  # the start θ
    SETTINGS = "settings"  # loss, optimizer, race, steps: the descent starts over
    SURFACE = "surface"  # the surface's axes, ranges or resolution: the descent goes on
    VIEW = "view"  # speed, theme, log scales: nothing to recompute
    SCENE = "scene"  # everything (a file opened, the task changed)


class FieldsCommand(QUndoCommand):
    """Swap some fields of the scene between two values (undo = swap back)."""

    def __init__(self, document: Document, text: str, old: dict, new: dict, kind: Change, done: bool = False):
        super().__init__(text)
        self.document, self.old, self.new, self.kind = document, old, new, kind
        self.done = done  # the new values are already in place (a finished drag)

    @qt_override
    def redo(self) -> None:
        """Put the new values in place (the first redo of a finished drag does nothing)."""
        if self.done:
            self.done = False
            return
        self.document.replace_fields(self.new, self.kind)

    @qt_override
    def undo(self) -> None:
        """Put the old values back."""
        self.document.replace_fields(self.old, self.kind)


class Document(QObject):
    """The scene being edited, where it lives on disk, and whether it has unsaved changes."""

    changed = Signal(object)  # a Change
    loaded = Signal()  # a whole document was loaded (opened, new, restored): just before its changed(SCENE)
    modifiedChanged = Signal(bool)
    pathChanged = Signal(object)

    def __init__(self, scene: Scene, parent: QObject | None = None):
        super().__init__(parent)
        self.scene = scene
        self.path: Path | None = None
        self.previewing = False  # a drag is under way: its data changes are not undo steps yet
        self.drag: int | None = None  # which drag the data changes under way belong to (None: an edit)
        self._drags = 0
        self.undo_stack = QUndoStack(self)
        self._settings_dirty = False
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, clean: bool) -> None:
        # from the argument, not the stack: the stack also says so while it is being destroyed
        self.modifiedChanged.emit(self._settings_dirty or not clean)

    @property
    def modified(self) -> bool:
        """True when the document has changes that are not saved."""
        return self._settings_dirty or not self.undo_stack.isClean()

    def view_options(self) -> ViewOptions:
        """How the scene is shown (theme, speed, log scales, what the surface shows)."""
        return self.scene.view

    # ------------------------------------------------------------------ whole documents
    def load(self, scene: Scene, path: Path | None) -> None:
        """Show ``scene`` (from ``path``, or untitled) with an empty undo history, unmodified. A bundled
        scene's file is never the document's: it opens as an untitled copy (Save asks where)."""
        self.scene = scene
        self.path = Path(path) if path is not None and not is_bundled(path) else None
        self.previewing, self.drag = False, None
        self.undo_stack.clear()
        self.mark_clean()
        self.loaded.emit()
        self.changed.emit(Change.SCENE)
        self.pathChanged.emit(self.path)

    def open(self, path: str | Path) -> None:
        """Read and validate a file first (what ``lossviz fit`` refuses is refused here, with the same message), so
        that a bad file leaves this document untouched."""
        scene = read_scene(path)
        try:
            check_trainable(scene)
        except LossvizError as error:
            raise LossvizError(f"{path}: {error}") from None
        self.load(scene, Path(path))

    def save(self, path: str | Path) -> None:
        """Write the scene to ``path`` (atomically); the document then lives there, unmodified. The bundled
        scenes' folder is refused (LossvizError): nothing installed is written."""
        if is_bundled(path):
            raise LossvizError(f"{path}: the bundled examples' folder is read-only; save the scene elsewhere")
        write_scene(self.scene, path)
        self.path = Path(path)
        self.mark_clean()
        self.pathChanged.emit(self.path)

    def mark_clean(self) -> None:
        """Unmodified from now on (saved, or just opened)."""
        self._settings_dirty = False
        self.undo_stack.setClean()
        self.modifiedChanged.emit(self.modified)

    def mark_modified(self) -> None:
        """Unsaved without an edit (e.g. work restored after a crash)."""
        if not self._settings_dirty:
            self._settings_dirty = True
            self.modifiedChanged.emit(True)

    # ------------------------------------------------------------------ edits
    def replace_fields(self, values: dict, kind: Change) -> None:
        """Replace some fields of the scene and tell the listeners (undo commands use this). A start θ of another
        shape than the model's (an undo that brings back the θ of another number of features) becomes zeros,
        and the surface its default axes."""
        scene = self.scene.replace(**values)
        if scene.init.shape != scene.shape.zeros().shape:
            scene = scene.replace(init=scene.shape.zeros(), surface=SurfaceConfig(resolution=scene.surface.resolution))
            kind = Change.SCENE if kind is Change.DATA else kind
        self.scene = scene
        self.changed.emit(kind)

    def edit_data(self, data: Dataset, text: str) -> None:
        """An undoable data edit."""
        self.undo_stack.push(FieldsCommand(self, text, {"data": self.scene.data}, {"data": data}, Change.DATA))

    def edit_fields(self, text: str, kind: Change, **values: Any) -> None:
        """An undoable edit of some fields of the scene (e.g. the data and the distribution together)."""
        old = {key: getattr(self.scene, key) for key in values}
        self.undo_stack.push(FieldsCommand(self, text, old, values, kind))

    def preview_data(self, data: Dataset) -> None:
        """Show data while a drag is under way; ``commit_drag`` makes the whole drag one undo step."""
        if self.drag is None:
            self._drags += 1
            self.drag = self._drags
        self.previewing = True
        self.replace_fields({"data": data}, Change.DATA)

    def commit_drag(self, before: Dataset, data: Dataset, text: str = "Move point") -> None:
        """End a drag that began on ``before`` with ``data``: listeners hear once more of the data, now final
        (a full surface, a paused descent told), and the whole drag becomes one undo step."""
        self.previewing = False
        if data is not before:
            self.replace_fields({"data": data}, Change.DATA)
            self.undo_stack.push(FieldsCommand(self, text, {"data": before}, {"data": data}, Change.DATA, done=True))
        self.drag = None

    def cancel_preview(self) -> None:
        """A drag ended without a commit (an undo came in the middle of it): listeners hear of the data as
        it is now, no longer a preview (a paused descent is told, a full surface asked for)."""
        self.previewing, self.drag = False, None
        self.changed.emit(Change.DATA)

    def set_settings(self, kind: Change = Change.SETTINGS, **values: Any) -> None:
        """Change settings (loss, optimizer, φ, λ, the split, P, runs, the start θ, the surface, steps) as one undo
        step named after what changed ("λ = 0.01"); a θ of another shape is reset with them, and restored by undo."""
        if all(_same(getattr(self.scene, key), value) for key, value in values.items()):
            return
        text = setting_text(self.scene, values)
        values = self._without_stale_notes(self._reshaped(values))
        old = {key: getattr(self.scene, key) for key in values}
        self.undo_stack.push(FieldsCommand(self, text, old, values, kind))

    def _without_stale_notes(self, values: dict) -> dict:
        """``values`` and, where they change what a scene's notes describe (its model, loss, optimizer, race, φ, λ,
        split or P), no notes: notes are written for the file's settings ("φ = (x, x², x³)", "4 hollow points")
        and would go stale; undo brings them back with the setting, and a file saved meanwhile holds none."""
        scene = self.scene
        if scene.notes and any(key in NOTED_SETTINGS and not _same(getattr(scene, key), value)
                               for key, value in values.items()):
            return {**values, "notes": ""}
        return values

    def _reshaped(self, values: dict) -> dict:
        """``values`` and, where they give θ another shape (another number of features), a start θ of zeros and the
        surface's default axes: so that undo brings back the old θ and axes, not zeros."""
        scene = self.scene.replace(**values)
        if scene.init.shape == scene.shape.zeros().shape:
            return values
        return {**values, "init": scene.shape.zeros(), "surface": SurfaceConfig(resolution=scene.surface.resolution)}

    def set_view_options(self, **changes: Any) -> None:
        """Change view options (ViewOptions fields, kept in the scene's ``"view"`` key): how things are shown, not
        what — not undoable, but the document is modified."""
        unknown = set(changes) - set(OPTION_NAMES)
        if unknown:
            raise KeyError(f"not a view option: {', '.join(sorted(unknown))}")
        view = replace(self.scene.view, **changes)
        if view == self.scene.view:
            return
        self.mark_modified()  # first: listeners (the autosave among them) see a modified document
        self.replace_fields({"view": view}, Change.VIEW)

    def set_capacity(self, degree: int | None, l2: float, split: Split | None) -> None:
        """The degree of φ, λ and the test set (one undo step; descent restarts). Another number of
        features gives θ another shape: the start θ becomes zeros and the surface its default axes (replace_fields).
        A split holds out fewer samples than its fraction where it must, so that 2 still train (core.features).
        Raises LossvizError (the document unchanged) for a degree whose features of the data would overflow."""
        check_feature_range(self.scene.data.X, degree)
        if self.scene.distribution is not None:
            check_feature_reach(self.scene.distribution, degree)
        check_feature_memory(self.scene.data.size, self.scene.dims, degree)
        self.set_settings(Change.SETTINGS, degree=degree, l2=l2, split=split)

    def change_structure(self, text: str, task: str | None = None, dims: int | None = None,
                         classes: int | None = None, data: Dataset | None = None,
                         class_names: tuple[str, ...] | None | str = "keep", **more: Any) -> None:
        """Change task, input dimension or number of classes, as one undoable step.

        θ is reset to zeros of the new shape, the loss to the task's default where the old
        one does not apply, and the surface axes to their defaults. Labels that no longer
        fit are dropped with the points that carry them (undo brings them back). The class
        names stay while the task and the number of classes do ("keep"), unless others are
        given, and the inputs' and y's names while the task and dims do; ``more``: other fields of
        the scene changed in the same step (e.g. ``extra``, or the names of imported columns).
        """
        scene = self.scene
        task = task or scene.task
        dims = dims or scene.dims
        if classes is None:
            classes = scene.classes if scene.task == "multiclass" else 3
        classes = {"binary": 2, "regression": 1}.get(task, classes)
        if class_names == "keep":
            class_names = scene.class_names if (task, classes) == (scene.task, scene.classes) else None
        same_columns = (task, dims) == (scene.task, scene.dims)  # the inputs' and y's names stay with them
        new = {
            "class_names": class_names, "task": task, "dims": dims, "classes": classes,
            "input_names": scene.input_names if same_columns else None,
            "label_name": scene.label_name if same_columns else None,
            "standardization": scene.standardization if same_columns else None,
            "data": scene.data if data is None else data,
            "loss": scene.loss if scene.loss in TASK_LOSSES[task] else DEFAULT_LOSS[task],
            "init": ModelShape(task, feature_count(dims, more.get("degree", scene.degree)), classes).zeros(),
            "surface": SurfaceConfig(resolution=scene.surface.resolution),
            "distribution": _still_fitting(scene.distribution, ModelShape(task, dims, classes)),
            **more,
        }
        new = self._without_stale_notes(new)
        old = {key: getattr(scene, key) for key in new}
        self.undo_stack.push(FieldsCommand(self, text, old, new, Change.SCENE))


def _still_fitting(distribution: Distribution | None, shape: ModelShape) -> Distribution | None:
    """The scene's distribution if it still gives data of ``shape``'s task, inputs and classes, else None."""
    if distribution is None:
        return None
    try:
        check_compatible(distribution, shape)
    except LossvizError:
        return None
    return distribution


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Distribution) and isinstance(b, Distribution):  # they compare by identity
        return a.to_dict() == b.to_dict()
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    return bool(a == b)
