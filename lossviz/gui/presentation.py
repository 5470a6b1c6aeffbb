"""Sizes for the lecture hall: presentation mode scales the whole window with the screen, and a window
never opens larger than the screen it is on."""

from __future__ import annotations

from PySide6 import QtGui, QtWidgets

DEFAULT_SIZE = (1400, 860)  # the window's size on a large enough screen
FORMULA_SIZE = 1.15  # the formula card's font, relative to the panel's


def presentation_scale(screen: QtGui.QScreen | None) -> float:
    """How much larger fonts, lines and markers are in presentation mode: 1.6 on a 1080-line projector,
    1.3 at 720 lines (where the window itself is smaller), between 1.3 and 2 otherwise."""
    height = screen.geometry().height() if screen is not None else 1080
    return max(1.3, min(2.0, 1.3 + 0.3 * (height - 720) / 360))


def window_style(scale: float) -> str:
    """The window's style sheet: every widget's font at ``scale`` times the application's (menus, panel,
    status bar), the formula card a little larger still."""
    base = QtWidgets.QApplication.font().pointSizeF()
    base = base if base > 0 else 10.0
    return (f"QWidget {{ font-size: {base * scale:.1f}pt; }} "
            f"QLabel#formulaCard {{ font-size: {base * scale * FORMULA_SIZE:.1f}pt; }} "
            "QStatusBar QLabel { padding-left: 0.6em; padding-right: 0.6em; }")


def fit_to_screen(window: QtWidgets.QWidget) -> None:
    """Show ``window``: maximised when its screen is smaller than its size (every control then reachable
    within the screen, the panel scrolling), as it is otherwise."""
    screen = window.screen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None and (window.width() > available.width() or window.height() > available.height()):
        window.setGeometry(available)  # the size even where no window manager maximises
        window.showMaximized()
    else:
        window.show()


def enter_full_screen(window: QtWidgets.QWidget) -> None:
    """Full screen on the window's screen (its geometry set too, for desktops without a window manager)."""
    window.showFullScreen()
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.geometry())
