"""The scene's notes (its ``"notes"`` key, e.g. "Switch the loss to l1 or huber…") in a line above the plots.

The line is hidden when the scene has no notes, and once the user has closed it, until another scene is
loaded (opened, an example, File → New, restored work). Notes describe the file's settings: a change of what they
describe (the model, loss, optimizer, race, φ, λ, split or P) drops them from the scene in the same undo step
(``Document.set_settings``), so that they never go stale; data edits keep them.
"""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from lossviz.gui.state.document import Change, Document


class NotesBar(QtWidgets.QFrame):
    """One dismissible line with the document's notes, in the colours of the window's palette."""

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.dismissed = False  # closed by the user for the scene now loaded
        self.setObjectName("notesBar")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.label = QtWidgets.QLabel()
        self.label.setObjectName("notesText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setForegroundRole(QPalette.ColorRole.Text)
        self.close_button = QtWidgets.QToolButton()
        self.close_button.setObjectName("notesClose")
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide the notes of this scene")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button)
        self.close_button.clicked.connect(self.dismiss)
        document.loaded.connect(self._on_model_loaded)
        document.changed.connect(self._on_model_changed)
        self.show_notes()

    def above(self, central: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """A widget with this line above ``central`` (the window's central widget)."""
        container = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self)
        layout.addWidget(central, 1)
        return container

    def dismiss(self) -> None:
        """Hide the notes until another scene is loaded."""
        self.dismissed = True
        self.show_notes()

    def show_notes(self) -> None:
        """Show the document's notes, or hide the line (no notes, or dismissed)."""
        notes = self.document.scene.notes
        self.label.setText(notes)
        self.setHidden(not notes or self.dismissed)

    def _on_model_loaded(self) -> None:
        self.dismissed = False

    def _on_model_changed(self, kind: Change) -> None:
        if kind is not Change.DATA:  # a data edit (many during a drag) never changes the notes
            self.show_notes()
