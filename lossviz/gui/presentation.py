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


DARK_PALETTE = {  # the window around the dark plots (QPalette roles)
    "Window": "#2B2B2B", "WindowText": "#E0E0E0", "Base": "#1E1E1E", "AlternateBase": "#262626",
    "ToolTipBase": "#2B2B2B", "ToolTipText": "#E0E0E0", "Text": "#E0E0E0", "Button": "#353535",
    "ButtonText": "#E0E0E0", "BrightText": "#FF5555", "Highlight": "#2A82DA", "HighlightedText": "#FFFFFF",
    "Link": "#56B4E9", "PlaceholderText": "#9A9A9A", "Mid": "#5A5A5A", "Dark": "#202020", "Light": "#4A4A4A",
}


def apply_palette(theme_name: str) -> None:
    """The whole application in the theme's colours: panel, menus, status bar and dialogs dark with the dark plots
    (the platform's own palette for light)."""
    app = QtWidgets.QApplication.instance()
    if not isinstance(app, QtWidgets.QApplication):
        return
    if theme_name != "dark":
        app.setPalette(app.style().standardPalette())
        return
    palette = QtGui.QPalette()
    for role, colour in DARK_PALETTE.items():
        palette.setColor(getattr(QtGui.QPalette.ColorRole, role), QtGui.QColor(colour))
    for role in ("WindowText", "Text", "ButtonText"):  # disabled fields stay readable, and look disabled
        palette.setColor(QtGui.QPalette.ColorGroup.Disabled, getattr(QtGui.QPalette.ColorRole, role),
                         QtGui.QColor("#7A7A7A"))
    app.setPalette(palette)
