"""View → Confusion matrix: the dialog (dialogs/confusion.py) kept up to date with the live θ (as often as the loss
curve is redrawn while running, at once when paused) and with the document's scene."""

from __future__ import annotations

from PySide6.QtCore import QObject

from lossviz.core.scene import Scene
from lossviz.gui.dialogs.confusion import ConfusionDialog
from lossviz.gui.state.document import Document
from lossviz.gui.state.live import LiveRun

REGRESSION_REASON = "A regression has no classes to confuse: the confusion matrix is for binary and multi-class tasks."


def class_names(scene: Scene) -> list[str]:
    """The scene's names of its classes, or their numbers."""
    return [scene.class_name(label) for label in range(max(2, scene.classes))]


class ConfusionView(QObject):
    """The confusion-matrix dialog of ``live``'s run on ``document``'s scene (made when first shown)."""

    def __init__(self, document: Document, live: LiveRun, parent_widget=None):
        super().__init__(parent_widget)
        self.document, self.live, self.parent_widget = document, live, parent_widget
        self.dialog: ConfusionDialog | None = None
        live.progressed.connect(lambda costly, _data: self.refresh() if costly else None)
        live.stepped.connect(self.refresh)  # the window calls ``refresh`` after a change of the document

    def show(self) -> None:
        """View → Confusion matrix: show the dialog at the live θ."""
        if self.dialog is None:
            self.dialog = ConfusionDialog(self.parent_widget)
        self.dialog.show()
        self.dialog.raise_()
        self.refresh()

    def visible(self) -> bool:
        """True while the dialog is shown."""
        return self.dialog is not None and self.dialog.isVisible()

    def refresh(self) -> None:
        """Show the matrices at the live θ (only while the dialog is shown)."""
        if not self.visible():
            return
        assert self.dialog is not None
        scene, state = self.document.scene, self.live.state()
        if scene.task == "regression":
            self.dialog.show_text(REGRESSION_REASON)
            return
        if state.objective is None or state.theta.shape != scene.init.shape:
            self.dialog.show_text("No training samples yet: add points to see what the model predicts.")
            return
        test = state.test_objective
        self.dialog.show_matrices(class_names(scene), state.objective.confusion(state.theta),
                                  None if test is None else test.confusion(state.theta), state.step)
