"""The Qt app: main window, plots, controls and background workers.

``MainWindow`` is imported on first use, so that the headless renderer
(``lossviz.figures.figure``) loads the plot classes without the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lossviz.gui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from lossviz.gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
