"""Start the app: ``lossviz [SCENE]``."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(scene_argument: str | None = None) -> int:
    """Open the window on SCENE (file or preset) or the default scene; returns the exit code."""
    from PySide6 import QtWidgets

    from lossviz.core.presets import resolve_scene

    scene = resolve_scene(scene_argument) if scene_argument else None  # bad input: exit 2 before a window
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("lossviz")
    app.setOrganizationName("lossviz")
    from lossviz.gui.main_window import MainWindow

    window = MainWindow(scene)
    if scene_argument and Path(scene_argument).exists():
        window.document.path = Path(scene_argument).resolve()
        window._update_title()
    window.show()
    window.offer_recovery()
    return app.exec()
