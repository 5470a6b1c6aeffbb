"""File → Import data: a table's first rows, and the columns, task and scaling to import.

The dialog only chooses (``choice()``, an ImportChoice); ``lossviz.core.table.table_scene`` makes the scene
from it, exactly as ``lossviz import`` does with the same options.
"""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from lossviz.core.dataset import TASKS
from lossviz.core.errors import LossvizError
from lossviz.core.table import (
    ImportChoice,
    Table,
    numeric_columns,
    scale_reason,
    skipped_text,
    suggest_task,
    table_dataset,
)
from lossviz.gui.panel.widgets import named, signals_blocked

PREVIEW_ROWS = 8
FEATURE_ROWS_SHOWN = 6  # rows of the feature list before it scrolls


class ImportDialog(QtWidgets.QDialog):
    """A preview of ``table`` and its choices: the feature columns (ticked in a list: every numeric column but the
    label by default), the label column, the task (suggested by the labels), standardisation; a line says how many
    rows will be used and skipped, or what is wrong."""

    def __init__(self, parent: QtWidgets.QWidget | None, table: Table):
        super().__init__(parent)
        self.table = table
        self.scaling_reason: str | None = None  # why "Standardise" was ticked for the features chosen
        self.setWindowTitle("Import data")
        self.preview = named(self._preview_table(), "importPreview")
        self.features = named(self._feature_list(), "importFeatures")
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
        self.features.itemChanged.connect(self._on_view_features_changed)
        self.task.currentIndexChanged.connect(self.update_summary)
        self.label.currentIndexChanged.connect(self._on_view_label_changed)
        self.standardize.toggled.connect(self.update_summary)
        self.update_summary()

    def _lay_out(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        shown = min(PREVIEW_ROWS, len(self.table.rows))
        layout.addWidget(QtWidgets.QLabel(f"{self.table.source}: the first {shown} of {len(self.table.rows)} rows"))
        layout.addWidget(self.preview)
        form = QtWidgets.QFormLayout()
        form.addRow("Label y", self.label)
        form.addRow("Features x (tick)", self.features)
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

    def _column_combo(self) -> QtWidgets.QComboBox:
        combo = QtWidgets.QComboBox()
        for index in range(self.table.width):
            combo.addItem(self.column_text(index), index)
        return combo

    def _feature_list(self) -> QtWidgets.QListWidget:
        """One checkable row per column (Space or a click ticks it)."""
        widget = QtWidgets.QListWidget()
        for index in range(self.table.width):
            item = QtWidgets.QListWidgetItem(self.column_text(index))
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)
        rows = min(FEATURE_ROWS_SHOWN, max(1, self.table.width))
        widget.setMaximumHeight(widget.sizeHintForRow(0) * rows + 2 * widget.frameWidth() + 4)
        return widget

    def _choose_defaults(self) -> None:
        """The last column as the label, the task the labels suggest, every numeric column but the label as a
        feature (as ``lossviz import --x all``; none numeric: the first, whose bad row the summary then names), so
        that the defaults import where the table can; standardisation ticked where the features want it
        (``scale_reason``)."""
        width = self.table.width
        with signals_blocked(self.label):
            self.label.setCurrentIndex(self.label.findData(width - 1))
        # no numeric column: the first one all the same, so that the summary names the row that is not a number
        self._tick(numeric_columns(self.table, width - 1) or [0])
        self._suggest_task()
        self.suggest_scaling()

    def _tick(self, columns: list[int]) -> None:
        """Tick exactly ``columns``; the label's row cannot be ticked."""
        label = self.label.currentData()
        with signals_blocked(self.features):
            for row in range(self.features.count()):
                item = self.features.item(row)
                index = item.data(Qt.ItemDataRole.UserRole)
                flags = item.flags() | Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags if index != label else flags & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if index in columns and index != label
                                   else Qt.CheckState.Unchecked)

    def ticked(self) -> list[int]:
        """The feature columns ticked, in table order."""
        return [self.features.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.features.count())
                if self.features.item(row).checkState() == Qt.CheckState.Checked]

    def _on_view_features_changed(self, _item: QtWidgets.QListWidgetItem) -> None:
        self.suggest_scaling()
        self.update_summary()

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
        self._tick([index for index in self.ticked() if index != self.label.currentData()])
        self._suggest_task()
        self.suggest_scaling()
        self.update_summary()

    def choice(self) -> ImportChoice:
        """The columns (header names where the table has them, else indices), the task and the scaling chosen."""
        x = tuple(self._column_ref(index) for index in self.ticked())
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
