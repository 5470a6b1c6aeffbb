"""A non-modal dialog around one figure image that scales with the dialog (the decomposition and capacity views)."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.plots.overrides import qt_override


class FigureDialog(QtWidgets.QDialog):
    """A picture (or a line of text in its place) above the subclass's controls; the picture keeps its aspect."""

    def __init__(self, title: str, picture_name: str, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.picture = QtWidgets.QLabel()
        self.picture.setObjectName(picture_name)
        self.picture.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.picture.setWordWrap(True)
        self.picture.setMinimumSize(640, 360)
        self.picture.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Ignored)
        self.layout_ = QtWidgets.QVBoxLayout(self)
        self.layout_.addWidget(self.picture, 1)
        self._image: QtGui.QImage | None = None
        self._fitted: tuple[float, QtCore.QSize] | None = None  # (font scale, size) the dialog was last sized for

    def show_image(self, image: QtGui.QImage | None) -> None:
        """Show ``image`` scaled to the picture's size (None: keep the text shown)."""
        self._image = image
        self._scale_image()

    def shown_image(self) -> QtGui.QImage | None:
        """The figure shown (None while there is only text)."""
        return self._image

    def show_text(self, text: str) -> None:
        """A line of text instead of the figure."""
        self._image = None
        self.picture.setPixmap(QtGui.QPixmap())
        self.picture.setText(text)

    def _scale_image(self) -> None:
        if self._image is not None:
            pixmap = QtGui.QPixmap.fromImage(self._image)
            self.picture.setPixmap(pixmap.scaled(self.picture.size(), QtCore.Qt.AspectRatioMode.KeepAspectRatio,
                                                 QtCore.Qt.TransformationMode.SmoothTransformation))

    def font_scale(self) -> float:
        """How much larger the dialog's font is than the application's: 1 normally, the window's presentation scale
        in presentation mode (the window's style sheet reaches its dialogs)."""
        return font_scale(self)

    @qt_override
    def showEvent(self, event: QtGui.QShowEvent) -> None:
        """Sized with the font: in presentation mode the figure (and its text) grows as the window's does, within
        95 % of the screen and centred on it."""
        super().showEvent(event)
        self._fitted = grow_with_font(self, self._fitted)

    @qt_override
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        """The picture follows the dialog's size."""
        super().resizeEvent(event)
        self._scale_image()


def font_scale(widget: QtWidgets.QWidget) -> float:
    """How much larger ``widget``'s font is than the application's (the window's style sheet reaches its dialogs)."""
    base = QtWidgets.QApplication.font().pointSizeF()
    return widget.font().pointSizeF() / base if base > 0 and widget.font().pointSizeF() > 0 else 1.0


def grow_with_font(dialog: QtWidgets.QWidget, fitted: tuple[float, QtCore.QSize] | None) -> tuple[float, QtCore.QSize]:
    """Size ``dialog`` (as it is shown) with its font: its normal size times the font's scale, within 95 % of the
    screen and centred on it; ``fitted`` is what it was last sized for (scale, normal size), and the new one is
    returned."""
    scale = font_scale(dialog)
    if fitted is not None and fitted[0] == scale:
        return fitted
    base = fitted[1] if fitted is not None else dialog.size()
    size = QtCore.QSize(round(base.width() * scale), round(base.height() * scale))
    screen = dialog.screen()
    if screen is None:
        dialog.resize(size)
        return scale, base
    available = screen.availableGeometry()
    size = size.boundedTo(available.size() * 0.95)
    frame = QtCore.QRect(QtCore.QPoint(0, 0), size)
    frame.moveCenter(available.center())  # whole on the screen (without a window manager to place it, too)
    dialog.setGeometry(frame)
    return scale, base
