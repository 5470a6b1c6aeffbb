"""What the screenshot scripts share: an output folder with private settings, a window opened on a scene at a size,
and waiting (running the event loop, so that the workers run) until something holds."""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore

from lossviz.gui import MainWindow
from lossviz.gui.app import prepare_application


def prepare(outdir: str) -> tuple[Path, QtCore.QSettings]:
    """The application, the output folder (made) and settings kept in it (the user's are never touched)."""
    prepare_application()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    return out, QtCore.QSettings(str(out / ".settings.ini"), QtCore.QSettings.Format.IniFormat)


def open_window(scene, out: Path, settings: QtCore.QSettings, size: tuple[int, int]) -> MainWindow:
    """A shown window on ``scene`` of ``size`` pixels, its recovery file in ``out``."""
    window = MainWindow(scene, settings=settings, recovery_dir=out / ".recovery")
    window.resize(*size)
    window.show()
    return window


def wait(condition, seconds=120.0):
    """Run the event loop until ``condition()`` (or ``seconds``), then 300 ms more for the last paint."""
    deadline = QtCore.QDeadlineTimer(int(seconds * 1000))
    while not condition() and not deadline.hasExpired():
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(20, loop.quit)
        loop.exec()
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(300, loop.quit)
    loop.exec()


def train_until(window: MainWindow, condition, seconds=120.0) -> None:
    """Train as fast as possible until ``condition()``, pause, and wait until everything is drawn."""
    window.document.set_view_options(speed=0.0)
    window.live.set_running(True)
    wait(condition, seconds)
    window.live.set_running(False)
    wait(window.live.idle)
