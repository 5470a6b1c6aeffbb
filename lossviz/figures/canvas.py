"""An offscreen pyqtgraph canvas of an exact pixel size and what it writes: a QImage, PNG, SVG or PDF.

Every figure of lossviz (``lossviz render``, ``sweep``, ``animate``, the app's exports) is drawn on a ``Canvas``; the
Qt application is made here when there is none, offscreen when no display is set (``use_offscreen_if_headless``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.limits import SLIDE_SIZE

if TYPE_CHECKING:
    from PySide6 import QtGui

    from lossviz.core.scene import Scene
    from lossviz.plots.theme import Theme

DEFAULT_SIZE = SLIDE_SIZE


_offscreen_chosen: list[bool] = []  # [True] once use_offscreen_if_headless has chosen Qt's offscreen platform for this process


def use_offscreen_if_headless() -> None:
    """Draw without a display when none is set (call before Qt is imported)."""
    if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _offscreen_chosen.append(True)


def offscreen_chosen() -> bool:
    """True when lossviz chose the offscreen platform itself (there was no display): a window would be invisible."""
    return bool(_offscreen_chosen)


def qt_application() -> Any:
    """The running QApplication, made if there is none."""
    from PySide6 import QtWidgets

    return QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])


def content_scale(height: int, scale: float) -> float:
    """Fonts, lines and markers for a figure ``height`` pixels tall at ``scale``: 1.3 at 1080p, never below 0.9."""
    return scale * max(0.9, 1.3 * height / 1080)


class Canvas:
    """An offscreen pyqtgraph layout (``grid``) of exactly ``size`` × ``scale`` pixels, with fonts, lines and
    markers scaled to match, and its output: a QImage, PNG, SVG or PDF. Figures put their plots in ``grid``."""

    def __init__(self, scene: Scene, theme: Theme, size: tuple[int, int] = DEFAULT_SIZE, scale: float = 1.0,
                 shrink: float = 1.0):
        import pyqtgraph as pg
        from PySide6.QtCore import Qt

        from lossviz.plots.theme import configure_pyqtgraph

        configure_pyqtgraph()
        qt_application()
        self.scene = scene
        self.pixels = (round(size[0] * scale), round(size[1] * scale))
        self.theme = theme.scaled(content_scale(size[1], scale) * shrink)  # shrink < 1: smaller fonts, same pixels
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setBackground(theme.background)
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.widget.resize(*self.pixels)
        self.grid = self.widget.ci
        self.grid.setContentsMargins(*(4 * self.theme.scale,) * 4)
        self.grid.setSpacing(6 * self.theme.scale)

    def overflow(self) -> float:
        """How much wider than the image the layout wants to be (its labels and axes at their sizes): 1 or less fits."""
        from PySide6.QtCore import Qt

        return self.grid.effectiveSizeHint(Qt.SizeHint.MinimumSize).width() / self.pixels[0]

    def set_label(self, label: Any, html: str, size: float) -> None:
        """Show ``html`` in a label of the layout, in the theme's colour, at ``size`` points — smaller if its widest
        line would not fit the figure's width (a label as wide as its text would widen the layout past the image)."""
        label.setText(html, color=self.theme.foreground, size=f"{size:.1f}pt")
        room = self.pixels[0] - 12 * self.theme.scale
        width = label.item.boundingRect().width()
        if width > room:
            from lossviz.plots.theme import MIN_FONT_PT

            smaller = max(MIN_FONT_PT, size * 0.98 * room / width)
            label.setText(html, color=self.theme.foreground, size=f"{smaller:.1f}pt")

    # ------------------------------------------------------------------ output
    def settle(self) -> None:
        """Deliver the events posted to the figure's own objects (its layouts' requests, its scene's updates), so that
        it is laid out before it is drawn. Only those: a figure drawn in the window must not run the window's timers,
        input or the workers' reports in the middle of whatever asked for it (``processEvents`` did, and a training
        report of the model before an edit was drawn inside the edit)."""
        from PySide6.QtCore import QCoreApplication, QObject

        scene = self.widget.scene()
        for _ in range(3):  # a layout pass can post further requests to the items it resized
            items = [item for item in scene.items() if isinstance(item, QObject)]
            for owner in [self.widget, self.widget.viewport(), scene, *items]:
                QCoreApplication.sendPostedEvents(owner, 0)

    def image(self) -> QtGui.QImage:
        """The figure as a QImage of exactly the requested pixel size."""
        from PySide6 import QtGui

        self.settle()
        image = QtGui.QImage(*self.pixels, QtGui.QImage.Format.Format_ARGB32)
        image.fill(QtGui.QColor(self.theme.background))
        painter = QtGui.QPainter(image)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        self.widget.render(painter)
        painter.end()
        return image

    def save(self, path: str | Path) -> None:
        """Write PNG, SVG (vectors that every renderer draws alike, see ``svg.py``) or PDF, chosen by the suffix: the
        file is made in memory, then written in one piece (``core.files.write_atomic``: a full disk, a device or a
        name that cannot be written is one LossvizError, and an old file stays as it was)."""
        from lossviz.core.files import write_atomic

        suffix = Path(path).suffix.lower()
        makers = {".png": self.png_bytes, ".svg": self.svg_bytes, ".pdf": self.pdf_bytes}
        if suffix not in makers:
            raise LossvizError(f"{path}: cannot tell the format (use .png, .svg or .pdf)")
        write_atomic(path, makers[suffix]())

    def png_bytes(self) -> bytes:
        """The figure as PNG."""
        from PySide6 import QtCore

        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        # PySide6's stubs say bytes for the format, but at run time it accepts only str
        if not self.image().save(buffer, "PNG"):  # type: ignore[call-overload]
            raise LossvizError("cannot encode the PNG")
        return bytes(buffer.data().data())

    def svg_bytes(self) -> bytes:
        """The figure as SVG (see ``svg.py``)."""
        from lossviz.figures.svg import svg_text

        self.settle()
        return svg_text(self.widget, self.pixels, self.scene.title or "lossviz").encode("utf-8")

    def pdf_bytes(self) -> bytes:
        """The figure as a one-page PDF whose device pixels are the figure's pixels (at 96 dpi a 1920 × 1080 figure is
        a 1440 × 810 pt page; drawn at 96 dpi it is the PNG).

        The PDF device gets the resolution of the widget the figure was laid out on: at any other resolution Qt
        scales pyqtgraph's cached pictures (axes, grids) and fonts to the PDF's own DPI but not its pixel-sized
        markers, and at 72 dpi the axes came out at 72/96 of their size, no longer lined up with the data.
        """
        from PySide6 import QtCore, QtGui

        self.settle()
        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        writer = QtGui.QPdfWriter(buffer)
        dpi = self.widget.logicalDpiY()
        points = QtCore.QSizeF(self.pixels[0] * 72 / dpi, self.pixels[1] * 72 / dpi)
        writer.setPageSize(QtGui.QPageSize(points, QtGui.QPageSize.Unit.Point))
        writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
        writer.setResolution(dpi)
        painter = QtGui.QPainter(writer)
        self.widget.render(painter)
        painter.end()
        return bytes(buffer.data().data())

    def close(self) -> None:
        """Let the offscreen widget go."""
        self.widget.close()
        self.widget.deleteLater()


def qimage_to_pil(image: QtGui.QImage) -> Any:
    """A QImage as a Pillow RGB image (copied)."""
    from PIL import Image
    from PySide6 import QtGui

    rgb = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return Image.fromarray(data[:, :3 * width].reshape(height, width, 3).copy())


FIT_TRIES = 4
Drawn = TypeVar("Drawn", bound=Canvas)


def fitted(build: Callable[[float], Drawn]) -> Drawn:
    """``build(shrink)``: a drawn figure (a Canvas) with fonts, lines and markers ``shrink`` times their size. Built
    again smaller while its titles, labels and axes want a wider layout than the image (small sizes)."""
    shrink = 1.0
    for attempt in range(FIT_TRIES):
        figure = build(shrink)
        overflow = figure.overflow()
        if overflow <= 1.0 or attempt == FIT_TRIES - 1:
            return figure
        figure.close()
        shrink *= 0.98 / overflow
    raise AssertionError("unreachable")
