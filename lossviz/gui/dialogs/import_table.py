"""File → Import data: a table's first rows, and the columns, task and scaling to import.

The dialog only chooses (``choice()``, an ImportChoice); ``lossviz.core.table.table_scene`` makes the scene
from it, exactly as ``lossviz import`` does with the same options.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from lossviz.core.dataset import TASKS
from lossviz.core.errors import LossvizError
from lossviz.core.table import ImportChoice, Table, scale_reason, skipped_text, suggest_task, table_dataset
from lossviz.gui.panel.widgets import named, signals_blocked

PREVIEW_ROWS = 8
NO_COLUMN = -1  # the second feature's "none"


class ImportDialog(QtWidgets.QDialog):
    """A preview of ``table`` and its choices: 1–2 feature columns, the label column, the task (suggested by the
    labels), standardisation; a line says how many rows will be used and skipped, or what is wrong."""

    def __init__(self, parent: QtWidgets.QWidget | None, table: Table):
        super().__init__(parent)
        self.table = table
        self.scaling_reason: str | None = None  # why "Standardise" was ticked for the features chosen
        self.setWindowTitle("Import data")
        self.preview = named(self._preview_table(), "importPreview")
        self.feature1 = named(self._column_combo(), "importFeature1")
        self.feature2 = named(self._column_combo(none=True), "importFeature2")
        self.label = named(self._column_combo(), "importLabel")
        self.task = named(QtWidgets.QComboBox(), "importTask")
        for task in TASKS:
            self.task.addItem(task, task)
        self.standardize = named(QtWidgets.QCheckBox("Standardise the features: (x − mean) / std"), "importStandardize")
        self.summary = named(QtWidgets.QLabel(), "importSummary")
        self.summary.setWordWrap(True)
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                                  | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self._choose_defaults()
        for combo in (self.feature1, self.feature2):
            combo.currentIndexChanged.connect(self.suggest_scaling)
        for combo in (self.feature1, self.feature2, self.task):
            combo.currentIndexChanged.connect(self.update_summary)
        self.label.currentIndexChanged.connect(self._on_view_label_changed)
        self.standardize.toggled.connect(self.update_summary)
        self.update_summary()

    def _lay_out(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        shown = min(PREVIEW_ROWS, len(self.table.rows))
        layout.addWidget(QtWidgets.QLabel(f"{self.table.source}: the first {shown} of {len(self.table.rows)} rows"))
        layout.addWidget(self.preview)
        form = QtWidgets.QFormLayout()
        form.addRow("Feature x₁", self.feature1)
        form.addRow("Feature x₂", self.feature2)
        form.addRow("Label y", self.label)
        form.addRow("Task", self.task)
        form.addRow("", self.standardize)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def _preview_table(self) -> QtWidgets.QTableWidget:
        table = self.table
        rows = table.rows[:PREVIEW_ROWS]
        widget = QtWidgets.QTableWidget(len(rows), table.width)
        widget.setHorizontalHeaderLabels([self.column_text(j) for j in range(table.width)])
        widget.setVerticalHeaderLabels([str(number) for number in table.row_numbers[:PREVIEW_ROWS]])
        for i in range(len(rows)):
            for j in range(table.width):
                widget.setItem(i, j, QtWidgets.QTableWidgetItem(table.cell(i, j)))
        widget.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.resizeColumnsToContents()
        return widget

    def column_text(self, index: int) -> str:
        """A column as the dialog names it: "2: petal_length", or "2" without a header."""
        header = self.table.header
        return f"{index}: {header[index]}" if header is not None and index < len(header) else str(index)

    def _column_combo(self, none: bool = False) -> QtWidgets.QComboBox:
        combo = QtWidgets.QComboBox()
        if none:
            combo.addItem("(none: one input)", NO_COLUMN)
        for index in range(self.table.width):
            combo.addItem(self.column_text(index), index)
        return combo

    def _choose_defaults(self) -> None:
        """The last column as the label, the task the labels suggest, the first one or two columns as features —
        two only where the task takes them (regression takes one) — so that the defaults always import where the
        table can; standardisation ticked where the features want it (``scale_reason``)."""
        width = self.table.width
        with signals_blocked(self.feature1, self.feature2, self.label):
            self.label.setCurrentIndex(self.label.findData(width - 1))
            self.feature1.setCurrentIndex(self.feature1.findData(0))
            self.feature2.setCurrentIndex(self.feature2.findData(1 if width >= 3 else NO_COLUMN))
        self._suggest_task()
        if self.task.currentData() == "regression" or not self._importable():
            with signals_blocked(self.feature2):
                self.feature2.setCurrentIndex(self.feature2.findData(NO_COLUMN))
        self.suggest_scaling()

    def _importable(self) -> bool:
        try:
            table_dataset(self.table, self.choice())
        except LossvizError:
            return False
        return True

    def suggest_scaling(self) -> None:
        """Tick "Standardise" where the chosen features want it, and say why (``scale_reason``)."""
        try:
            imported = table_dataset(self.table, self.choice()._replace(standardize=False))
        except LossvizError:
            self.scaling_reason = None
            return
        self.scaling_reason = scale_reason(imported.data.X)
        with signals_blocked(self.standardize):
            self.standardize.setChecked(self.scaling_reason is not None)

    def _suggest_task(self) -> None:
        column = self.label.currentData()
        task = suggest_task([self.table.cell(i, column) for i in range(len(self.table.rows))])
        with signals_blocked(self.task):
            self.task.setCurrentIndex(self.task.findData(task))

    def _on_view_label_changed(self, _index: int) -> None:
        self._suggest_task()
        self.update_summary()

    def choice(self) -> ImportChoice:
        """The columns (header names where the table has them, else indices), the task and the scaling chosen."""
        columns = [self.feature1.currentData(), self.feature2.currentData()]
        x = tuple(self._column_ref(index) for index in columns if index != NO_COLUMN)
        return ImportChoice(x, self._column_ref(self.label.currentData()), self.task.currentData(),
                            self.standardize.isChecked())

    def _column_ref(self, index: int) -> str | int:
        header = self.table.header
        if header is not None and index < len(header) and header[index] and header.count(header[index]) == 1:
            return header[index]
        return index

    def update_summary(self, *_: object) -> None:
        """Say how many rows the choice imports and skips, or what is wrong with it (then Import is greyed out)."""
        try:
            imported = table_dataset(self.table, self.choice())
        except LossvizError as error:
            self.summary.setText(f"Cannot import: {error}")
            self.ok_button.setEnabled(False)
            return
        names = f"; classes: {', '.join(imported.class_names)}" if imported.class_names else ""
        why = (f"<br>Standardised by default: {self.scaling_reason} (one learning rate suits features of one scale)"
               if self.scaling_reason and self.standardize.isChecked() else "")
        self.summary.setText(skipped_text(imported) + names + why)
        self.ok_button.setEnabled(True)
