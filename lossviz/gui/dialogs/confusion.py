"""View → Confusion matrix: how the live model's predicted classes meet the true ones, as a small table of counts
(rows: the true class, columns: the predicted one) for the training data and, with a test split, for the test data,
each with its accuracy. ``ConfusionView`` (controllers/confusion.py) keeps it up to date."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.gui.dialogs.figure import grow_with_font
from lossviz.plots.overrides import qt_override


class ConfusionTable(QtWidgets.QGroupBox):
    """One confusion matrix: a titled table of counts and the accuracy under it."""

    def __init__(self, title: str, name: str):
        super().__init__(title)
        self.setObjectName(name)
        self.table = QtWidgets.QTableWidget()
        self.table.setObjectName(f"{name}Table")
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.setCornerButtonEnabled(False)
        self.accuracy = QtWidgets.QLabel()
        self.accuracy.setObjectName(f"{name}Accuracy")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(QtWidgets.QLabel("true class ↓   predicted class →"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.accuracy)

    def show_counts(self, counts: np.ndarray, names: list[str]) -> None:
        """Counts (K, K), row = true class, column = predicted; the diagonal (right) in bold."""
        table, k = self.table, len(names)
        table.setRowCount(k)
        table.setColumnCount(k)
        table.setHorizontalHeaderLabels(names)
        table.setVerticalHeaderLabels(names)
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        for row in range(k):
            for col in range(k):
                item = QtWidgets.QTableWidgetItem(str(int(counts[row, col])))
                item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
                if row == col:
                    item.setFont(bold)
                table.setItem(row, col, item)
        total, right = int(counts.sum()), int(np.trace(counts))
        self.accuracy.setText(f"accuracy {100 * right / total:.1f} % ({right} of {total} right)" if total else
                              "no samples")

    def contents(self) -> tuple:
        """The table as shown: column and row headers, the counts (rows) and the accuracy line."""
        table = self.table
        header = lambda item: "" if item is None else item.text()  # noqa: E731
        return ([header(table.horizontalHeaderItem(c)) for c in range(table.columnCount())],
                [header(table.verticalHeaderItem(r)) for r in range(table.rowCount())],
                [[header(table.item(r, c)) for c in range(table.columnCount())] for r in range(table.rowCount())],
                self.accuracy.text())


class ConfusionDialog(QtWidgets.QDialog):
    """The training table and (with a test split) the test table side by side, or a line saying why there is none;
    non-modal, so the window stays in use. Grows with presentation mode's font, as the figure dialogs do."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Confusion matrix: true class (rows) against predicted class (columns)")
        self.note = QtWidgets.QLabel()
        self.note.setObjectName("confusionNote")
        self.note.setWordWrap(True)
        self.train = ConfusionTable("Training data", "confusionTrain")
        self.test = ConfusionTable("Test data", "confusionTest")
        tables = QtWidgets.QHBoxLayout()
        tables.addWidget(self.train)
        tables.addWidget(self.test)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(tables, 1)
        self._fitted: tuple[float, QtCore.QSize] | None = None
        self.resize(720, 340)

    def show_matrices(self, names: list[str], train: np.ndarray, test: np.ndarray | None, step: int) -> None:
        """The matrices at the live θ (``test`` None: no test split, no test table)."""
        self.note.setText(f"Samples counted by their true class (row) and the class the model predicts (column) at "
                          f"step {step}; the diagonal (bold) is right.")
        self.train.show_counts(train, names)
        self.train.setVisible(True)
        self.test.setVisible(test is not None)
        if test is not None:
            self.test.show_counts(test, names)

    def show_text(self, text: str) -> None:
        """A line saying why there is no matrix (regression, no data), instead of the tables."""
        self.note.setText(text)
        self.train.setVisible(False)
        self.test.setVisible(False)

    def contents(self) -> tuple:
        """What the dialog shows: its line, and the contents of each table shown."""
        return (self.note.text(), *(table.contents() for table in (self.train, self.test) if table.isVisibleTo(self)))

    @qt_override
    def showEvent(self, event: QtGui.QShowEvent) -> None:
        """Sized with the font (presentation mode), as the figure dialogs are."""
        super().showEvent(event)
        self._fitted = grow_with_font(self, self._fitted)
