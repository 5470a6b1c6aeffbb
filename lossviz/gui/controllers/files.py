"""Files in the app: new, open, examples, save, recent files, table import and CSV export.

Examples: File → Examples lists the bundled scenes by title; one opens as an untitled copy, and so does
a file opened from the bundled scenes' folder, so that Save asks where and nothing installed is written.
Crash recovery (autosave, and the offer of work a window left behind) is controllers/recovery.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from lossviz.core.csvdata import dataset_csv_text
from lossviz.core.errors import LossvizError
from lossviz.core.experiment import check_trainable
from lossviz.core.files import write_atomic
from lossviz.core.presets import is_bundled, load_preset, preset_names, preset_title
from lossviz.core.scene import Scene, scene_from_dict
from lossviz.core.table import read_table, skipped_text, table_scene
from lossviz.gui.controllers.recovery import CrashRecovery
from lossviz.gui.dialogs import common as dialogs
from lossviz.gui.messages import HINT_MS, NOTE_MS, WARNING_MS
from lossviz.gui.state.document import Document

MAX_RECENT = 8


class FileActions(QtCore.QObject):
    """The File menu's work on one Document (a save ends the need for its ``recovery`` file)."""

    message = QtCore.Signal(str, int)  # text, milliseconds
    dataReplaced = QtCore.Signal()  # imported data: frame it

    def __init__(self, document: Document, parent: QtWidgets.QWidget, settings: QtCore.QSettings,
                 recovery: CrashRecovery):
        super().__init__(parent)
        self.document, self.parent_widget, self.settings, self.recovery = document, parent, settings, recovery
        self.recent_menu: QtWidgets.QMenu | None = None
        self.examples_menu: QtWidgets.QMenu | None = None

    # ------------------------------------------------------------------ scenes
    def load_scene(self, path: str | Path) -> None:
        """Open a scene file (raises LossvizError and keeps the document if the file is bad); a bundled
        scene's file opens as an untitled copy, and is not put in Open Recent (File → Examples lists it)."""
        self.document.open(path)
        if is_bundled(path):
            self.message.emit(f"{Path(path).name} is a bundled example: opened as an untitled copy", NOTE_MS)
        else:
            self.remember_recent(path)

    def save_scene(self, path: str | Path) -> None:
        """Save the scene to ``path`` (raises LossvizError); the document then lives there."""
        self.document.save(path)
        self.remember_recent(path)
        self.recovery.discard_recovery()

    def confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False if the user cancelled."""
        if not self.document.modified:
            return True
        name = self.document.path.name if self.document.path else self.document.scene.title or "untitled"
        answer = dialogs.ask_save_changes(self.parent_widget, name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_document(self) -> None:
        """File → New: an empty canvas of the same task (its classes' and columns' names kept)."""
        if not self.confirm_discard():
            return
        scene = self.document.scene
        blank = scene_from_dict({"lossviz": 1, "task": scene.task, "dims": scene.dims,
                                 **({"classes": scene.classes} if scene.task == "multiclass" else {}),
                                 "data": {"x": [], "y": []}}).replace(class_names=scene.class_names,
                                                                      input_names=scene.input_names,
                                                                      label_name=scene.label_name)
        self.document.load(blank, None)

    def open_example(self, name: str) -> bool:
        """File → Examples: the bundled scene ``name`` as an untitled copy (Save asks where); True if opened."""
        if not self.confirm_discard():
            return False
        try:
            scene = load_preset(name)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot open example", str(error))
            return False
        self.document.load(scene, None)
        self.message.emit(f"Example {name}: an untitled copy (Save asks where to keep it)", NOTE_MS)
        return True

    def set_examples_menu(self, menu: QtWidgets.QMenu) -> None:
        """Fill File → Examples: one entry per bundled scene, its title as text and its name as tooltip."""
        self.examples_menu = menu
        menu.setToolTipsVisible(True)
        for name in preset_names():
            try:
                title = preset_title(name) or name
            except (OSError, ValueError):  # a damaged install: the entry still opens it, and says what is wrong
                title = name
            action = menu.addAction(title.replace("&", "&&"))
            action.setToolTip(name)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.open_example(n))
        menu.setEnabled(bool(menu.actions()))

    def open_dialog(self) -> None:
        """File → Open."""
        if not self.confirm_discard():
            return
        path = dialogs.open_path(self.parent_widget, "Open scene")
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open ``path``; a bad file is reported in a dialog and the document kept."""
        try:
            self.load_scene(path)
            return True
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot open scene", str(error))
            return False

    def save(self) -> bool:
        """File → Save (Save As for an untitled document)."""
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path, offer_elsewhere=True)

    def save_as(self) -> bool:
        """File → Save As."""
        suggestion = str(self.document.path or Path.home() / "untitled.json")
        path = dialogs.save_path(self.parent_widget, "Save scene", suggestion)
        return self._save_to(path) if path else False

    def _save_to(self, path: str | Path, offer_elsewhere: bool = False) -> bool:
        try:
            self.save_scene(path)
        except LossvizError as error:
            if offer_elsewhere and "read-only" in str(error):
                if dialogs.ask_save_elsewhere(self.parent_widget, str(error)):
                    return self.save_as()
                return False
            dialogs.show_error(self.parent_widget, "Cannot save", str(error))
            return False
        self.message.emit(f"Saved {path}", HINT_MS)
        return True

    # ------------------------------------------------------------------ CSV
    def import_csv(self) -> None:
        """File → Import data: any CSV, its columns, task and scaling chosen in a dialog that previews it; the
        scene it makes (``table_scene``, as ``lossviz import``) replaces the data, task, dims, classes, class
        names, loss and title in one undo step."""
        path = dialogs.open_path(self.parent_widget, "Import data", dialogs.CSV_FILTER)
        if not path:
            return
        try:
            table = read_table(path)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot import data", str(error))
            return
        choice = dialogs.ask_import(self.parent_widget, table)
        if choice is None:
            return
        try:
            imported, report = table_scene(table, choice)
            reset = self.apply_import(imported)
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot import data", str(error))
            return
        self.message.emit(skipped_text(report) + ("" if not reset else f"; {reset} reset for the new data (Undo brings "
                                                                       "the old data and settings back)"), WARNING_MS)
        self.dataReplaced.emit()

    def apply_import(self, imported: Scene) -> str:
        """Put an imported scene's data, task, dims, classes, column names, loss and title in the document (one
        undo step), with φ, λ and the test split reset (the user imports data, not the old experiment); the
        optimizer and view stay, old notes go. Returns what was reset, in words ("" for nothing). Raises
        LossvizError (the document unchanged) for data that no descent could start on."""
        check_trainable(imported)
        scene = self.document.scene
        reset = [name for name, was in (("φ", scene.degree is not None), ("λ", scene.l2 > 0),
                                        ("the test split", scene.split is not None)) if was]
        self.document.change_structure("Import data", task=imported.task, dims=imported.dims, classes=imported.classes,
                                       data=imported.data, class_names=imported.class_names, loss=imported.loss,
                                       input_names=imported.input_names, label_name=imported.label_name,
                                       standardization=imported.standardization,
                                       title=imported.title, notes="", degree=None, l2=0.0, split=None)
        return ", ".join(reset)

    def export_csv(self) -> None:
        """File → Export data: the samples as CSV."""
        path = dialogs.save_path(self.parent_widget, "Export data", "data.csv", dialogs.CSV_FILTER)
        if not path:
            return
        try:
            write_atomic(path, dataset_csv_text(self.document.scene.data))
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot export data", str(error))

    # ------------------------------------------------------------------ recent files
    def remember_recent(self, path: str | Path) -> None:
        """Put ``path`` first in File → Open Recent."""
        resolved = str(Path(path).resolve())
        recent = [p for p in self.recent_paths() if p != resolved]
        self.settings.setValue("recent", [resolved, *recent][:MAX_RECENT])
        self.rebuild_recent_menu()

    def recent_paths(self) -> list[str]:
        """The recent scene files, newest first."""
        value = self.settings.value("recent", [])
        if isinstance(value, str):  # a list of one may come back as its one string
            value = [value]
        if not isinstance(value, Iterable):  # None, or anything else that is no list of paths
            return []
        return [str(v) for v in value]

    def set_recent_menu(self, menu: QtWidgets.QMenu) -> None:
        """The menu that lists the recent files."""
        self.recent_menu = menu
        self.rebuild_recent_menu()

    def rebuild_recent_menu(self) -> None:
        """Fill File → Open Recent."""
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        for path in self.recent_paths():
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.confirm_discard() and self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_paths()))
