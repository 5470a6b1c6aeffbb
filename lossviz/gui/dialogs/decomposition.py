"""View → Decomposition: the lecture's sentence "the expected loss turns per-sample losses into a dataset loss"
as one picture at the live θ — a few samples' own loss surfaces, "+ … +", and their mean L(θ|D), over the
same axes and colour scale (the figure ``lossviz render --layout decomposition`` draws, from the same code)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from lossviz.core.limits import SLIDE_SIZE
from lossviz.core.scene import Scene
from lossviz.figures.lecture import draw_decomposition
from lossviz.gui.dialogs.figure import FigureDialog
from lossviz.plots.theme import Theme

FIGURE_SIZE = (1280, 720)


class DecompositionDialog(FigureDialog):
    """The decomposition figure at a θ; Redraw takes the live θ again, Save writes PNG, SVG or PDF."""

    redrawRequested = QtCore.Signal()
    saveRequested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("Decomposition: L(θ|D) is the mean of the samples' losses", "decompositionPicture", parent)
        self.redraw = QtWidgets.QPushButton("Redraw at the current θ")
        self.save = QtWidgets.QPushButton("Save image…")
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.redraw)
        buttons.addWidget(self.save)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.redraw.clicked.connect(self.redrawRequested.emit)
        self.save.clicked.connect(self.saveRequested.emit)
        self.resize(1000, 620)

    def show_figure(self, scene: Scene, theta: np.ndarray, theme: Theme, path: np.ndarray | None) -> None:
        """Draw the figure for ``scene`` at ``theta`` (framing ``path`` too) and show it."""
        figure = draw_decomposition(scene, theta, theme.name, FIGURE_SIZE, path=path)
        try:
            self.show_image(figure.image())
        finally:
            figure.close()


def save_decomposition(scene: Scene, theta: np.ndarray, theme: Theme, path: np.ndarray | None, target: str | Path) -> None:
    """Write the decomposition figure at ``theta`` to ``target`` (PNG, SVG or PDF by the suffix); LossvizError."""
    figure = draw_decomposition(scene, theta, theme.name, SLIDE_SIZE, path=path)
    try:
        figure.save(target)
    finally:
        figure.close()
