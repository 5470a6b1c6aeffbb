"""Start the app: ``lossviz [SCENE]``."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from lossviz.process import tune_process

SWITCH_INTERVAL = 0.001  # s: a worker inside a numpy loop hands the interpreter lock back this soon (pacing.py)


def prepare_application() -> QtWidgets.QApplication:
    """The QApplication (made if there is none), named for settings and data folders, with the
    interpreter's thread switch interval that the window's pacing relies on and the process's numpy settings (process.py)."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    tune_process()  # numpy's temporaries reused and one BLAS thread (process.py)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    # instance() is typed as the QCoreApplication it may be; the window needs widgets
    assert isinstance(app, QtWidgets.QApplication), "the running Qt application is not a QApplication"
    app.setApplicationName("lossviz")
    app.setOrganizationName("lossviz")
    return app


def run_app(scene_argument: str | None = None) -> int:
    """Open the window on SCENE (file or preset) or the default scene; returns the exit code. A SCENE that cannot be
    read opens the window all the same, on the default scene, with the reason in a dialog (started from a launcher,
    nobody sees a line on stderr; the line is printed too)."""
    from lossviz.core.errors import LossvizError, printable
    from lossviz.core.files import input_exists
    from lossviz.core.presets import resolve_scene

    scene, unreadable = None, None
    if scene_argument:
        try:
            scene = resolve_scene(scene_argument)
        except LossvizError as error:
            unreadable = str(error)
            print(f"lossviz: error: {printable(unreadable)}", file=sys.stderr)
    app = prepare_application()
    from lossviz.gui.dialogs import common as dialogs
    from lossviz.gui.main_window import MainWindow
    from lossviz.gui.presentation import fit_to_screen

    path = Path(scene_argument) if scene is not None and scene_argument and input_exists(scene_argument) else None
    window = MainWindow(scene, path=path)
    if unreadable is not None:
        QtCore.QTimer.singleShot(0, lambda: dialogs.show_error(
            window, "Cannot open the scene", f"{unreadable}\n\nThe default scene is shown instead."))
    fit_to_screen(window)
    window.offer_recovery()
    QtCore.QTimer.singleShot(SETTLE_AFTER_MS, settle_memory)  # once the window is painted, not before
    return app.exec()


SETTLE_AFTER_MS = 1000


def settle_memory() -> None:
    """Freeze what start-up made out of the cyclic collector's sight: a full collection stops every thread, and
    scanning the ~75,000 objects of Qt, numpy and pyqtgraph took 30–50 ms (a stall) each time. No collection first:
    one found nothing to free a second after start-up, and cost the same stall."""
    gc.freeze()
