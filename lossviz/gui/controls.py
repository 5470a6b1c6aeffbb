"""The control panel: task, model, loss, optimizer, run controls, surface view, data tools.

Plain widgets with objectNames; the main window binds them to the document.
"""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from lossviz.core.generators import GENERATORS
from lossviz.core.losses import LOSSES
from lossviz.core.optimizers import OPTIMIZERS, TITLES
from lossviz.gui.theme import CLASS_COLORS

TASK_TITLES = {"regression": "regression: ŷ = Wx + b", "binary": "binary: ŷ = σ(Wx + b)",
               "multiclass": "multiclass: ŷ = softmax(Wx + b)"}
SPEEDS = [("1 step/s", 1.0), ("3 steps/s", 3.0), ("10 steps/s", 10.0), ("30 steps/s", 30.0),
          ("100 steps/s", 100.0), ("300 steps/s", 300.0), ("1000 steps/s", 1000.0), ("as fast as possible", 0.0)]
RESOLUTIONS = (32, 64, 96, 128, 192, 256)


class RateSpinBox(QtWidgets.QDoubleSpinBox):
    """A learning-rate box: shows 0.001 rather than 0.001000, steps along 1-2-5 decades."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setDecimals(6)
        self.setRange(1e-6, 100.0)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        if stripped in ("", ".", "-", "e"):
            return QtGui.QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped.replace(",", "."))
        except ValueError:
            partial = stripped.rstrip("e-+")
            try:
                float(partial)
                return QtGui.QValidator.State.Intermediate, text, pos
            except ValueError:
                return QtGui.QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QtGui.QValidator.State.Acceptable, text, pos
        return QtGui.QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        ladder = [m * 10.0 ** e for e in range(-6, 3) for m in (1.0, 2.0, 5.0)]
        value = self.value()
        index = min(range(len(ladder)), key=lambda i: abs(math.log(ladder[i] / value)))
        index = max(0, min(len(ladder) - 1, index + steps))
        self.setValue(ladder[index])
        self.editingFinished.emit()


class ClassPalette(QtWidgets.QWidget):
    """One button per class: the label that the next click adds (also digit keys)."""

    labelChosen = QtCore.Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QtWidgets.QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(3)
        self.group = QtWidgets.QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self.labelChosen.emit)
        self.buttons: list[QtWidgets.QToolButton] = []

    def set_classes(self, count: int, current: int) -> None:
        for button in self.buttons:
            self.group.removeButton(button)
            button.deleteLater()
        self.buttons = []
        for label in range(count):
            button = QtWidgets.QToolButton(self)
            button.setText(str(label))
            button.setCheckable(True)
            button.setObjectName(f"classButton{label}")
            button.setToolTip(f"add points of class {label} (key {label})")
            color = CLASS_COLORS[label]
            text = "#000000" if label in (1, 4, 6, 8) else "#FFFFFF"
            button.setStyleSheet(
                f"QToolButton {{ background: {color}; color: {text}; font-weight: bold; min-width: 22px;"
                f" border: 2px solid transparent; border-radius: 3px; }}"
                f" QToolButton:checked {{ border: 3px solid palette(highlight); }}")
            self.group.addButton(button, label)
            self.layout_.addWidget(button)
            self.buttons.append(button)
        self.select(current)

    def select(self, label: int) -> None:
        if 0 <= label < len(self.buttons):
            self.buttons[label].setChecked(True)


class ControlPanel(QtWidgets.QWidget):
    """Every control of the app, grouped; no behaviour beyond what a widget does itself."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)

        model = QtWidgets.QGroupBox("Model and loss")
        form = QtWidgets.QFormLayout(model)
        self.task = self._combo("taskSelector", [(TASK_TITLES[t], t) for t in TASK_TITLES])
        self.dims = self._combo("dimsSelector", [("1-D input", 1), ("2-D input", 2)])
        self.classes = QtWidgets.QSpinBox(objectName="classesSpin")
        self.classes.setRange(2, 10)
        self.loss = self._combo("lossSelector", [])
        form.addRow("Task", self.task)
        form.addRow("Input", self.dims)
        form.addRow("Classes", self.classes)
        form.addRow("Loss", self.loss)
        self.formula = QtWidgets.QLabel(objectName="formulaCard")
        self.formula.setWordWrap(True)
        self.formula.setTextFormat(QtCore.Qt.TextFormat.RichText)
        form.addRow(self.formula)
        layout.addWidget(model)

        optimizer = QtWidgets.QGroupBox("Gradient descent")
        form = QtWidgets.QFormLayout(optimizer)
        self.optimizer = self._combo("optimizerSelector", [(TITLES[name], name) for name in OPTIMIZERS])
        self.learning_rate = RateSpinBox(objectName="learningRate")
        self.momentum = QtWidgets.QDoubleSpinBox(objectName="momentumSpin")
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.momentum.setKeyboardTracking(False)
        self.batch_size = QtWidgets.QSpinBox(objectName="batchSizeSpin")
        self.batch_size.setRange(0, 100000)
        self.batch_size.setSpecialValueText("full batch")
        self.batch_size.setKeyboardTracking(False)
        self.speed = self._combo("speedSelector", SPEEDS)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Momentum", self.momentum)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Speed", self.speed)
        buttons = QtWidgets.QHBoxLayout()
        self.run = QtWidgets.QPushButton("Run", objectName="runButton")
        self.run.setCheckable(True)
        self.run.setToolTip("run / pause gradient descent (Space)")
        self.step = QtWidgets.QPushButton("Step", objectName="stepButton")
        self.step.setToolTip("one update (→)")
        self.reset = QtWidgets.QPushButton("Reset", objectName="resetButton")
        self.reset.setToolTip("back to the start θ (R)")
        for button in (self.run, self.step, self.reset):
            buttons.addWidget(button)
        form.addRow(buttons)
        layout.addWidget(optimizer)

        surface = QtWidgets.QGroupBox("Loss surface")
        form = QtWidgets.QFormLayout(surface)
        self.x_axis = self._combo("surfaceXAxis", [])
        self.y_axis = self._combo("surfaceYAxis", [])
        self.auto_range = QtWidgets.QCheckBox("automatic range", objectName="autoRange")
        self.auto_range.setChecked(True)
        self.x_range = [self._range_spin(f"xRange{i}") for i in range(2)]
        self.y_range = [self._range_spin(f"yRange{i}") for i in range(2)]
        self.resolution = self._combo("resolutionSelector", [(f"{r} × {r}", r) for r in RESOLUTIONS])
        self.log_surface = QtWidgets.QCheckBox("log colour scale", objectName="logSurface")
        self.held = QtWidgets.QLabel(objectName="heldLabel")
        self.held.setWordWrap(True)
        form.addRow("x axis", self.x_axis)
        form.addRow("y axis", self.y_axis)
        form.addRow(self.auto_range)
        form.addRow("x range", self._pair(self.x_range))
        form.addRow("y range", self._pair(self.y_range))
        form.addRow("Resolution", self.resolution)
        form.addRow(self.log_surface)
        form.addRow(self.held)
        layout.addWidget(surface)

        data = QtWidgets.QGroupBox("Data")
        form = QtWidgets.QFormLayout(data)
        self.palette = ClassPalette()
        form.addRow("Label", self.palette)
        self.generator = self._combo("generatorSelector", [(name, name) for name in GENERATORS])
        self.noise = QtWidgets.QDoubleSpinBox(objectName="noiseSpin")
        self.noise.setRange(0.0, 3.0)
        self.noise.setSingleStep(0.1)
        self.noise.setValue(0.5)
        self.seed = QtWidgets.QSpinBox(objectName="seedSpin")
        self.seed.setRange(0, 99999)
        self.generate = QtWidgets.QPushButton("Generate", objectName="generateButton")
        self.clear = QtWidgets.QPushButton("Clear", objectName="clearButton")
        form.addRow("Preset", self.generator)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("noise"))
        row.addWidget(self.noise)
        row.addWidget(QtWidgets.QLabel("seed"))
        row.addWidget(self.seed)
        form.addRow(row)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.generate)
        row.addWidget(self.clear)
        form.addRow(row)
        hint = QtWidgets.QLabel("Click: add · drag: move · right-click: delete · 0–9: label")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        form.addRow(hint)
        layout.addWidget(data)
        layout.addStretch(1)

    def _combo(self, name, items):
        combo = QtWidgets.QComboBox(objectName=name)
        for text, value in items:
            combo.addItem(text, value)
        return combo

    def _range_spin(self, name):
        spin = QtWidgets.QDoubleSpinBox(objectName=name)
        spin.setRange(-1e6, 1e6)
        spin.setDecimals(3)
        spin.setKeyboardTracking(False)
        return spin

    def _pair(self, spins):
        widget = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(widget)
        row.setContentsMargins(0, 0, 0, 0)
        for spin in spins:
            row.addWidget(spin)
        return widget

    def set_losses(self, task: str, current: str) -> None:
        from lossviz.core.losses import TASK_LOSSES

        self.loss.clear()
        for name in TASK_LOSSES[task]:
            self.loss.addItem(f"{name}: {LOSSES[name].title}", name)
        self.loss.setCurrentIndex(max(0, self.loss.findData(current)))
