"""The capacity dialog: the figure of ``lossviz sweep`` (final training and test loss against the degree of φ) as it
fills in, a progress bar, and buttons to compute it again or save it. ``CapacityView`` (capacity.py) feeds it."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from lossviz.core.scene import Scene
from lossviz.core.sweep import SweepPoint
from lossviz.figures.sweep import draw_sweep
from lossviz.gui.dialogs.figure import FigureDialog

FIGURE_SIZE = (1280, 720)


class CapacityDialog(FigureDialog):
    """Shows the capacity figure, or a line saying what is happening; non-modal, so the window stays in use."""

    saveRequested = QtCore.Signal()
    recomputeRequested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("Capacity curve: final training and test loss against the degree of φ", "capacityPicture",
                         parent)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setObjectName("capacityProgress")
        self.progress.setFormat("%v of %m fits")
        self.note = QtWidgets.QLabel("Each point: the scene fitted with φ of that degree, its optimizer and steps, "
                                     "as lossviz sweep does. The grey band is the window's degree.")
        self.note.setWordWrap(True)
        self.recompute = QtWidgets.QPushButton("Compute again")
        self.recompute.setToolTip("Fit every degree again (the curve follows the data, split and λ by itself).")
        self.save = QtWidgets.QPushButton("Save image…")
        self.save.setObjectName("capacitySave")
        self.save.setToolTip("The figure at slide size as PNG, SVG or PDF.")
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.recompute)
        buttons.addWidget(self.save)
        self.layout_.addWidget(self.note)
        self.layout_.addLayout(buttons)
        self.recompute.clicked.connect(self.recomputeRequested.emit)
        self.save.clicked.connect(self.saveRequested.emit)
        self.resize(1000, 640)

    def show_progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` fits made; Save is offered once all are."""
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.save.setEnabled(done == total)

    def show_curve(self, scene: Scene, points: list[SweepPoint], degrees: list[int], current: int | None,
                   theme: str) -> None:
        """Draw the figure of ``points`` over ``degrees``, the window's ``current`` degree marked."""
        if not points:
            return
        figure = draw_sweep(scene, points, theme, FIGURE_SIZE, degrees=degrees, current=current)
        try:
            self.show_image(figure.image())
        finally:
            figure.close()
