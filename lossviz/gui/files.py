"""Files in the app: new, open, examples, save, recent files, table import, CSV export, autosave and recovery.

Examples: File → Examples lists the bundled scenes by title; one opens as an untitled copy, and so does
a file opened from the bundled scenes' folder, so that Save asks where and nothing installed is written.

Crash recovery: each window autosaves its unsaved work to its own file,
``recovery-<pid>-<random>.json`` in the user's data folder (the random part: a process id can come
back, e.g. in a container), at most AUTOSAVE_QUIET_MS after the
last edit and at most AUTOSAVE_LATEST_MS after the first unsaved one, and holds a lock file
beside it (QLockFile) while it runs. A start offers only recovery files whose lock is free
(their window is gone). A recovery file that cannot be read is never deleted: it is renamed
``<its name>.broken-<time>.json`` beside it (never over another file) and the user is told.
"""

from __future__ import annotations

import itertools
import os
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from lossviz.core.csvdata import dataset_csv_text
from lossviz.core.errors import LossvizError
from lossviz.core.files import write_atomic
from lossviz.core.presets import is_bundled, load_preset, preset_names, preset_title
from lossviz.core.scene import Scene, read_scene, scene_from_dict
from lossviz.core.table import read_table, skipped_text, table_scene
from lossviz.gui import dialogs
from lossviz.gui.document import Document
from lossviz.gui.recovery_writer import RecoveryWriter

AUTOSAVE_QUIET_MS = 3000
AUTOSAVE_LATEST_MS = 10000
MAX_RECENT = 8
RECOVERY_NAME = re.compile(r"^recovery(-[0-9a-f-]+)?\.json$")
_OPEN_RECOVERY_FILES: set[Path] = set()  # the recovery files of this process's open windows


def default_recovery_dir() -> Path:
    """The user's data folder for lossviz (e.g. ~/.local/share/lossviz/lossviz)."""
    location = QtCore.QStandardPaths.StandardLocation.AppDataLocation
    return Path(QtCore.QStandardPaths.writableLocation(location) or str(Path.home() / ".lossviz"))


class FileActions(QtCore.QObject):
    """The File menu's work on one Document, and its crash recovery."""

    message = QtCore.Signal(str, int)  # text, milliseconds
    dataReplaced = QtCore.Signal()  # imported data: frame it

    def __init__(self, document: Document, parent: QtWidgets.QWidget, settings: QtCore.QSettings,
                 recovery_dir: Path | None = None, pause: Callable[[], None] | None = None):
        super().__init__(parent)
        self.document, self.parent_widget, self.settings = document, parent, settings
        self.recovery_dir = Path(recovery_dir) if recovery_dir is not None else default_recovery_dir()
        self.recovery_path = self.recovery_dir / f"recovery-{os.getpid()}-{uuid.uuid4().hex[:12]}.json"
        _OPEN_RECOVERY_FILES.add(self.recovery_path)
        self._lock = QtCore.QLockFile(str(self.recovery_path.with_suffix(".lock")))
        self._lock.setStaleLockTime(0)  # a live window's lock is never stale, however old
        self.writer = RecoveryWriter(self.recovery_path, lambda text: self.message.emit(text, 8000), pause)
        self.recent_menu: QtWidgets.QMenu | None = None
        self.examples_menu: QtWidgets.QMenu | None = None
        self._quiet_timer = QtCore.QTimer(self, singleShot=True, interval=AUTOSAVE_QUIET_MS)
        self._latest_timer = QtCore.QTimer(self, singleShot=True, interval=AUTOSAVE_LATEST_MS)
        for timer in (self._quiet_timer, self._latest_timer):
            timer.timeout.connect(self.write_recovery)
        self.closed = False

    # ------------------------------------------------------------------ scenes
    def load_scene(self, path: str | Path) -> None:
        """Open a scene file (raises LossvizError and keeps the document if the file is bad); a bundled
        scene's file opens as an untitled copy, and is not put in Open Recent (File → Examples lists it)."""
        self.document.open(path)
        if is_bundled(path):
            self.message.emit(f"{Path(path).name} is a bundled example: opened as an untitled copy", 6000)
        else:
            self.remember_recent(path)

    def save_scene(self, path: str | Path) -> None:
        """Save the scene to ``path`` (raises LossvizError); the document then lives there."""
        self.document.save(path)
        self.remember_recent(path)
        self.discard_recovery()

    def confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False if the user cancelled."""
        if not self.document.modified:
            return True
        name = self.document.path.name if self.document.path else self.document.title or "untitled"
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
        self.message.emit(f"Example {name}: an untitled copy (Save asks where to keep it)", 6000)
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
        self.message.emit(f"Saved {path}", 4000)
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
        except LossvizError as error:
            dialogs.show_error(self.parent_widget, "Cannot import data", str(error))
            return
        self.apply_import(imported)
        self.message.emit(skipped_text(report), 8000)
        self.dataReplaced.emit()

    def apply_import(self, imported: Scene) -> None:
        """Put an imported scene's data, task, dims, classes, column names, loss and title in the document (one
        undo step); the other settings (optimizer, view, φ, λ, split) stay, and old notes go."""
        extra = {key: value for key, value in self.document.scene.extra.items() if key not in ("title", "notes")}
        extra["title"] = imported.extra["title"]
        self.document.change_structure("Import data", task=imported.task, dims=imported.dims, classes=imported.classes,
                                       data=imported.data, class_names=imported.class_names, loss=imported.loss,
                                       input_names=imported.input_names, label_name=imported.label_name, extra=extra)

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

    # ------------------------------------------------------------------ crash recovery
    def set_autosave_delays(self, quiet_ms: int, latest_ms: int) -> None:
        """Autosave ``quiet_ms`` after the last change, and at most ``latest_ms`` after the first unsaved one."""
        self._quiet_timer.setInterval(quiet_ms)
        self._latest_timer.setInterval(latest_ms)

    def schedule_autosave(self, *_: object) -> None:
        """The document changed: write the recovery file once it is quiet, and soon in any case."""
        if self.closed or not self.document.modified:
            return
        self._quiet_timer.start()
        if not self._latest_timer.isActive():
            self._latest_timer.start()

    def write_recovery(self) -> None:
        """Write the unsaved document to this window's recovery file (atomically)."""
        self._quiet_timer.stop()
        self._latest_timer.stop()
        if self.closed or not self.document.modified:
            return
        scene = self.document.scene
        extra = dict(scene.extra)
        extra["recovery"] = {"path": str(self.document.path) if self.document.path else None,
                             "time": datetime.now().isoformat(timespec="seconds")}
        try:
            self.recovery_dir.mkdir(parents=True, exist_ok=True)
            if not self._lock.isLocked() and not self._lock.tryLock(0):
                raise LossvizError(f"{self._lock.fileName()}: cannot lock")
        except (LossvizError, OSError) as error:
            self.message.emit(f"Could not write the recovery file: {error}", 8000)
            return
        self.writer.write(scene.replace(extra=extra))  # a large scene: on a thread of its own

    def discard_recovery(self) -> None:
        """Remove this window's recovery file (saved, or closed on purpose); a write under way never brings it back."""
        self._quiet_timer.stop()
        self._latest_timer.stop()
        self.writer.discard(_remove)

    def stop(self) -> None:
        """No more autosaves (the window is going); the recovery file and its lock stay, as after a crash."""
        self.closed = True
        self._quiet_timer.stop()
        self._latest_timer.stop()
        self.writer.stop()

    def close(self) -> None:
        """The window closes on purpose: no recovery file left, the lock released."""
        self.stop()
        self.writer.discard(_remove)
        _OPEN_RECOVERY_FILES.discard(self.recovery_path)
        if self._lock.isLocked():
            self._lock.unlock()

    def offer_recovery(self) -> bool:
        """Offer the unsaved work of windows that are gone, newest first; True if one was restored."""
        for path in self._orphans():
            lock = _lock_if_owner_gone(path)
            if lock is None:
                continue  # its window is still running
            try:
                restored = self._offer(path)
            finally:
                lock.unlock()
            if restored:
                return True
        return False

    def _orphans(self) -> list[Path]:
        try:
            found = [p for p in self.recovery_dir.iterdir() if RECOVERY_NAME.match(p.name) and p != self.recovery_path]
        except OSError:
            return []
        return sorted(found, key=lambda p: _mtime(p), reverse=True)

    def _offer(self, path: Path) -> bool:
        """Offer one recovery file; an unreadable one is set aside (never deleted)."""
        try:
            scene = read_scene(path)
        except LossvizError as error:
            self._set_aside(path, str(error))
            return False
        recovery = scene.extra.get("recovery")
        info = recovery if isinstance(recovery, dict) else {}
        if not dialogs.ask_restore(self.parent_widget, str(info.get("time", "the last session"))):
            _remove(path)
            return False
        self._restore(scene, info.get("path"))
        _remove(path)
        return True

    def _restore(self, scene: Scene, path: object) -> None:
        extra = {key: value for key, value in scene.extra.items() if key != "recovery"}
        self.document.load(scene.replace(extra=extra), Path(path) if isinstance(path, str) else None)
        self.document.mark_modified()  # restored work is unsaved work
        self.write_recovery()  # this window's crash protection covers it from now on

    def _set_aside(self, path: Path, reason: str) -> None:
        kept = _aside_name(path)
        try:
            try:
                os.link(path, kept)  # never over another file, as a rename might
            except OSError:
                os.rename(path, kept)  # no hard links here: the name was free a moment ago
            else:
                path.unlink()
        except OSError as error:
            reason = f"{reason}; it could not be renamed either ({error.strerror or error})"
            kept = path
        dialogs.show_text(self.parent_widget, "Recovery file kept aside",
                          f"A recovery file from an earlier session could not be read:<br>{_html(reason)}<br><br>"
                          f"It was not restored and is kept as<br><code>{_html(str(kept))}</code>")


def _aside_name(path: Path) -> Path:
    """A free name beside ``path`` for keeping it aside: <stem>.broken-<time>[-n].json."""
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    for number in itertools.count():
        candidate = path.with_name(f"{path.stem}.broken-{stamp}{f'-{number}' if number else ''}.json")
        if not candidate.exists():
            return candidate
    raise AssertionError("unreachable")


def _lock_if_owner_gone(path: Path) -> QtCore.QLockFile | None:
    """The lock of recovery file ``path``, taken, if the window that wrote it is gone; else None. A lock
    that names this very process but no window of it was left by an earlier process of the same id."""
    lock = QtCore.QLockFile(str(path.with_suffix(".lock")))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return lock
    if path in _OPEN_RECOVERY_FILES:
        return None
    pid, host, _app = lock.getLockInfo()
    if pid == os.getpid() and host == QtCore.QSysInfo.machineHostName() and lock.removeStaleLockFile() \
            and lock.tryLock(0):
        return lock
    return None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
