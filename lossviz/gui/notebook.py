"""The window opened from Python (``lossviz.show``): made on the process's QApplication (one is made if there is
none), shown at once, and kept live while the shell waits for the next cell, so that the call returns:

- in a terminal IPython, the shell's Qt input hook runs it (``enable_gui("qt")``, as napari does,
  ``napari/_qt/qt_event_loop.py``);
- in a Jupyter kernel, the kernel's own asyncio loop lets Qt handle the window's events every ``PUMP_SECONDS``
  while a window is open. ipykernel's Qt integration (``%gui qt``) is not used there: with ipykernel 7 its Qt loop
  reads the shell's socket while the kernel answers on it, and a cell then never finishes (seen here in about one
  run of the example notebook in twenty; "Socket operation on non-socket" in the kernel's log). Where the user has
  switched it on already, it runs the window."""

from __future__ import annotations

import atexit
import os
import sys
import weakref
from typing import Any

from lossviz.core.errors import LossvizError
from lossviz.core.scene import Scene

PUMP_SECONDS = 0.01  # how often a kernel's asyncio loop lets Qt handle the windows' events (timers, input, paint)
_pumping: list[bool] = []  # [True] while the kernel's loop pumps Qt's events
_opened: weakref.WeakSet[Any] = weakref.WeakSet()  # the windows show opened (their workers are stopped at exit)
_exit_registered: list[bool] = []

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
    _opened.add(window)
    if len(_opened) == 1 and not _exit_registered:
        _exit_registered.append(True)
        atexit.register(close_opened_windows)
    shell = ipython_shell()
    if shell is not None:
        keep_live(shell)
    return window


def close_opened_windows() -> None:
    """At the interpreter's exit: stop the workers of every window ``show`` opened that is still open (a script that
    never ran ``lv.run()``; Qt aborts the process when a running thread is destroyed)."""
    for window in list(_opened):
        try:
            window.shutdown()
            window.close()
        except RuntimeError:  # closed and deleted already
            continue


def keep_live(shell: Any) -> None:
    """Keep the windows live between the cells or lines of ``shell`` (see the module's docstring)."""
    if getattr(shell, "active_eventloop", None) == "qt":
        return  # the user's %gui qt runs them already
    if getattr(shell, "kernel", None) is None:
        shell.enable_gui("qt")  # a terminal IPython: its input hook runs Qt between keystrokes
        return
    if not _pumping:
        try:
            pump_on_kernel_loop()
        except RuntimeError:  # a kernel whose cells do not run in an asyncio loop: its own Qt integration
            shell.enable_gui("qt")


def pump_on_kernel_loop() -> None:
    """Let Qt handle its events every PUMP_SECONDS on the running kernel's asyncio loop until no window is visible."""
    import asyncio

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    loop = asyncio.get_running_loop()  # RuntimeError where the cell does not run in one
    _pumping.append(True)

    def pump() -> None:
        try:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # no event loop runs them otherwise
            QApplication.processEvents()
        finally:  # an error in an event's handler must not stop the pumping for good
            if any(widget.isVisible() for widget in QApplication.topLevelWidgets()):
                loop.call_later(PUMP_SECONDS, pump)
            else:
                _pumping.clear()

    loop.call_soon(pump)


def in_ipython() -> bool:
    """True inside IPython or Jupyter (``show`` returns at once there)."""
    return ipython_shell() is not None


def run_event_loop() -> int:
    """Run Qt's event loop until the last window closes (a plain script's ``lv.run()``)."""
    from lossviz.gui.app import prepare_application

    return prepare_application().exec()
