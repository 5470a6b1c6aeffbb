"""Crash recovery: each window autosaves its unsaved work to its own file, and a start offers the work of windows
that are gone.

The file is ``recovery-<pid>-<random>.json`` in the user's data folder (the random part: a process id can come
back, e.g. in a container), written at most AUTOSAVE_QUIET_MS after the last edit and at most AUTOSAVE_LATEST_MS
after the first unsaved one; the window holds a lock file beside it (QLockFile) while it runs. A start offers only
recovery files whose lock is free (their window is gone). A recovery file that cannot be read is never deleted: it
is renamed ``<its name>.broken-<time>.json`` beside it (never over another file) and the user is told.
"""

from __future__ import annotations

import itertools
import os
import re
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from lossviz.core.errors import LossvizError
from lossviz.core.experiment import check_trainable
from lossviz.core.scene import Scene, read_scene
from lossviz.gui.dialogs import common as dialogs
from lossviz.gui.messages import WARNING_MS
from lossviz.gui.state.document import Document
from lossviz.gui.workers.recovery_writer import RecoveryWriter

AUTOSAVE_QUIET_MS = 3000
AUTOSAVE_LATEST_MS = 10000
RECOVERY_NAME = re.compile(r"^recovery(-[0-9a-f-]+)?\.json$")
_OPEN_RECOVERY_FILES: set[Path] = set()  # the recovery files of this process's open windows


def default_recovery_dir() -> Path:
    """The user's data folder for lossviz (e.g. ~/.local/share/lossviz/lossviz)."""
    location = QtCore.QStandardPaths.StandardLocation.AppDataLocation
    return Path(QtCore.QStandardPaths.writableLocation(location) or str(Path.home() / ".lossviz"))


class CrashRecovery(QtCore.QObject):
    """The recovery file of one window's Document: autosave, discard, and the offer of others' left-behind work."""

    message = QtCore.Signal(str, int)  # text, milliseconds

    def __init__(self, document: Document, parent: QtWidgets.QWidget, recovery_dir: Path | None = None,
                 pause: Callable[[], None] | None = None):
        super().__init__(parent)
        self.document, self.parent_widget = document, parent
        self.recovery_dir = Path(recovery_dir) if recovery_dir is not None else default_recovery_dir()
        self.recovery_path = self.recovery_dir / f"recovery-{os.getpid()}-{uuid.uuid4().hex[:12]}.json"
        _OPEN_RECOVERY_FILES.add(self.recovery_path)
        self._lock = QtCore.QLockFile(str(self.recovery_path.with_suffix(".lock")))
        self._lock.setStaleLockTime(0)  # a live window's lock is never stale, however old
        self.writer = RecoveryWriter(self.recovery_path, lambda text: self.message.emit(text, WARNING_MS), pause)
        self._quiet_timer = QtCore.QTimer(self, singleShot=True, interval=AUTOSAVE_QUIET_MS)
        self._latest_timer = QtCore.QTimer(self, singleShot=True, interval=AUTOSAVE_LATEST_MS)
        for timer in (self._quiet_timer, self._latest_timer):
            timer.timeout.connect(self.write_recovery)
        self.closed = False

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
                raise LossvizError(f"{self._lock.fileName()}: cannot lock: {_why_not_written(self.recovery_dir)}")
        except (LossvizError, OSError) as error:
            self.message.emit(f"Could not write the recovery file: {error}", WARNING_MS)
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
        """Offer one recovery file; one that cannot be read or shown, whatever the reason, is set aside (never
        deleted) and the window goes on with the scene it has."""
        try:
            scene = read_scene(path)
            check_trainable(scene)
        except Exception as error:
            self._set_aside(path, str(error) if isinstance(error, LossvizError) else f"{type(error).__name__}: {error}")
            return False
        recovery = scene.extra.get("recovery")
        info = recovery if isinstance(recovery, dict) else {}
        if not dialogs.ask_restore(self.parent_widget, str(info.get("time", "the last session"))):
            _remove(path)
            return False
        previous = self.document.scene
        try:
            self._restore(scene, info.get("path"))
        except Exception as error:
            traceback.print_exc()
            self.document.load(previous, None)
            self._set_aside(path, f"it could not be shown: {type(error).__name__}: {error}")
            return False
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


def _why_not_written(folder: Path) -> str:
    """Why a file could not be made in ``folder``: a full disk, or else no permission."""
    try:
        full = os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):
        full = False
    return "No space left on device" if full else "the folder cannot be written (permission denied?)"


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
