"""The window opened from Python (``lossviz.show``): made on the process's QApplication (one is made if there is
none), shown at once; in IPython or Jupyter the shell's Qt event loop is switched on — as napari does
(``napari/_qt/qt_event_loop.py``) — so that the call returns and the window stays live while further cells run."""

from __future__ import annotations

import os
import sys
from typing import Any

from lossviz.core.errors import LossvizError
from lossviz.core.scene import Scene

NO_DISPLAY = ("lossviz.show: no display here (a remote kernel?): draw the figure instead with lv.render(scene) or "
              "lv.animate(scene)")


def ipython_shell() -> Any:
    """The running IPython shell, or None (plain Python, or IPython not installed)."""
    module = sys.modules.get("IPython")
    return None if module is None else module.get_ipython()


def display_available() -> bool:
    """True where a window can be seen (or Qt is told to draw offscreen, as the tests do — not where lossviz chose
    offscreen itself for a figure drawn without a display)."""
    from lossviz.figures.canvas import offscreen_chosen

    if offscreen_chosen():
        return False
    if sys.platform in ("darwin", "win32") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_window(scene: Scene | None) -> Any:
    """A lossviz window on ``scene`` (None: the default scene), shown; in IPython the shell's Qt event loop runs it."""
    if not display_available():
        raise LossvizError(NO_DISPLAY)
    from lossviz.gui.app import prepare_application
    from lossviz.gui.main_window import MainWindow
    from lossviz.gui.presentation import fit_to_screen

    prepare_application()
    window = MainWindow(scene)
    fit_to_screen(window)
    shell = ipython_shell()
    if shell is not None and getattr(shell, "active_eventloop", None) != "qt":
        shell.enable_gui("qt")
    return window


def in_ipython() -> bool:
    """True inside IPython or Jupyter (``show`` returns at once there)."""
    return ipython_shell() is not None


def run_event_loop() -> int:
    """Run Qt's event loop until the last window closes (a plain script's ``lv.run()``)."""
    from lossviz.gui.app import prepare_application

    return prepare_application().exec()
