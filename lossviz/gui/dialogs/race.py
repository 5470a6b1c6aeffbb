"""Setting up an optimizer race: the racers in a small table (optimizer, learning rate, momentum)."""

from __future__ import annotations

from PySide6 import QtWidgets

from lossviz.core.optimizers import MOMENTUM_DEFAULTS, OPTIMIZERS, TITLES
from lossviz.core.runs import MAX_RUNS, Run, racer
from lossviz.gui.panel.widgets import NumberSpinBox, RateSpinBox

COLUMNS = ("Optimizer", "Learning rate", "Momentum")


class RaceDialog(QtWidgets.QDialog):
    """A table of racers, each from the same start on the same data; up to MAX_RUNS of them."""

    def __init__(self, parent: QtWidgets.QWidget | None, runs: tuple[Run, ...]):
        super().__init__(parent)
        self.setWindowTitle("Optimizer race")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(QtWidgets.QLabel("Racers start from the same θ on the same data, each with its own "
                                          "optimizer and learning rate."))
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)  # whole words, any font
        header.setStretchLastSection(True)
        self.table.setObjectName("raceTable")
        layout.addWidget(self.table)
        row = QtWidgets.QHBoxLayout()
        self.add = QtWidgets.QPushButton("Add racer")
        self.remove = QtWidgets.QPushButton("Remove racer")
        row.addWidget(self.add)
        row.addWidget(self.remove)
        layout.addLayout(row)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add.clicked.connect(lambda: self.add_racer("adam", 0.1, None))
        self.remove.clicked.connect(self._remove_racer)
        for run in runs:
            self.add_racer(run.optimizer.name, run.optimizer.lr, run.optimizer.momentum)
        self.resize(max(520, self._table_width()), 320)

    def _table_width(self) -> int:
        """The dialog's width at which every column shows its header and its fields whole (no scroll bar)."""
        self.table.resizeColumnsToContents()
        columns = sum(self.table.horizontalHeader().sectionSize(c) for c in range(len(COLUMNS)))
        layout = self.layout()
        assert layout is not None  # made in __init__
        margins = layout.contentsMargins()
        frame = 2 * self.table.frameWidth() + self.table.verticalHeader().sizeHint().width()
        return columns + frame + margins.left() + margins.right() + 24

    def add_racer(self, name: str, lr: float, momentum: float | None) -> None:
        """One more row of the table."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QtWidgets.QComboBox()
        for key in OPTIMIZERS:
            combo.addItem(TITLES[key], key)
        combo.setCurrentIndex(max(0, combo.findData(name)))
        rate = RateSpinBox()
        rate.setValue(lr)
        kept = NumberSpinBox()
        kept.setRange(0.0, 0.999)
        kept.setSingleStep(0.05)
        kept.setValue(MOMENTUM_DEFAULTS.get(name, 0.0) if momentum is None else momentum)
        kept.setEnabled(name in MOMENTUM_DEFAULTS)
        combo.currentIndexChanged.connect(lambda _=0, c=combo, m=kept: self._optimizer_chosen(c, m))
        for column, widget in enumerate((combo, rate, kept)):
            self.table.setCellWidget(row, column, widget)
        self.add.setEnabled(self.table.rowCount() < MAX_RUNS)

    def _optimizer_chosen(self, combo: QtWidgets.QComboBox, momentum: QtWidgets.QDoubleSpinBox) -> None:
        name = combo.currentData()
        momentum.setEnabled(name in MOMENTUM_DEFAULTS)
        momentum.setValue(MOMENTUM_DEFAULTS.get(name, 0.0))

    def _remove_racer(self) -> None:
        if self.table.rowCount() > 1:
            self.table.removeRow(max(0, self.table.currentRow()) if self.table.currentRow() >= 0 else
                                 self.table.rowCount() - 1)
        self.add.setEnabled(self.table.rowCount() < MAX_RUNS)

    def runs(self) -> tuple[Run, ...]:
        """The racers, as the scene's ``runs``."""
        entries = []
        for row in range(self.table.rowCount()):
            combo, rate, kept = (self.table.cellWidget(row, column) for column in range(len(COLUMNS)))
            assert isinstance(combo, QtWidgets.QComboBox) and isinstance(rate, QtWidgets.QDoubleSpinBox)
            assert isinstance(kept, QtWidgets.QDoubleSpinBox)
            name = combo.currentData()
            momentum = kept.value() if name in MOMENTUM_DEFAULTS else None
            if name == "nesterov" and not momentum:
                momentum = 0.9
            if momentum is not None and momentum == MOMENTUM_DEFAULTS[name]:
                momentum = None  # the optimizer's default: left out of the label and the file
            entries.append(racer(name, rate.value(), momentum))
        return tuple(entries)
