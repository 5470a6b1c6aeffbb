"""The panel's Capacity section: the features' degree, λ of the L2 penalty, and the test samples held out —
what the lecture needs to show overfitting (f_θ(x) = W φ(x) + b, still linear in θ)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from lossviz.core.features import MAX_DEGREE, MAX_TEST_FRACTION, Split
from lossviz.core.limits import SEED_BOUND, VALUE_BOUND
from lossviz.core.scene import Scene
from lossviz.gui.panel.widgets import IntegerSpinBox, NumberSpinBox, named, signals_blocked

TIPS = {
    "degreeSpin": "φ(x): the polynomial features of this degree (x, x², … or x₁, x₂, x₁², x₁x₂, …), standardised on "
                  "the training samples; the model ŷ = W φ(x) + b stays linear in θ. 'x' : φ(x) = x, as the lecture "
                  "begins.",
    "l2Spin": "λ of the L2 penalty: descent minimises L(θ|D_train) + λ/2 ‖W‖² (b is not penalised). Larger λ: "
              "smaller weights, smoother curves.",
    "testFractionSpin": "The share of the samples held out as a test set (drawn hollow, never trained on); the loss "
                        "curve shows its loss L(θ|D_test) too.",
    "splitSeedSpin": "Which samples are held out: the first of a random permutation made with this seed.",
    "resplitButton": "Hold out other samples (the next seed).",
    "capacityButton": "Final training and test loss for every degree 1 … 12: the capacity curve (View → Capacity).",
}


class OverfitBox(QtWidgets.QGroupBox):
    """Degree of φ, λ, test fraction and split seed; ``edited`` when one of them is changed."""

    edited = QtCore.Signal()  # read the values with ``settings``
    capacityRequested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("Capacity and held-out data", parent)
        form = QtWidgets.QFormLayout(self)
        self.degree = named(QtWidgets.QSpinBox(), "degreeSpin")
        self.degree.setRange(0, MAX_DEGREE)
        self.degree.setSpecialValueText("x (no features)")
        self.l2 = named(NumberSpinBox(), "l2Spin")
        self.l2.setRange(0.0, VALUE_BOUND)
        self.l2.setSingleStep(0.001)
        self.test_fraction = named(QtWidgets.QDoubleSpinBox(), "testFractionSpin")
        self.test_fraction.setRange(0.0, MAX_TEST_FRACTION)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
        self.split_seed = named(IntegerSpinBox(0, SEED_BOUND), "splitSeedSpin")
        self.resplit = named(QtWidgets.QPushButton("Re-split"), "resplitButton")
        self.capacity = named(QtWidgets.QPushButton("Capacity curve…"), "capacityButton")
        form.addRow("Degree of φ", self.degree)
        form.addRow("λ (L2)", self.l2)
        form.addRow("Test fraction", self.test_fraction)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.split_seed, 1)
        row.addWidget(self.resplit)
        form.addRow("Split seed", row)
        form.addRow(self.capacity)
        for widget in (self.degree, self.l2, self.test_fraction, self.split_seed):
            widget.setKeyboardTracking(False)
            widget.valueChanged.connect(lambda _: self.edited.emit())
        for name, text in TIPS.items():
            tipped = self.findChild(QtWidgets.QWidget, name)
            if tipped is not None:
                tipped.setToolTip(text)
        self.resplit.clicked.connect(lambda: self.split_seed.setValue(self.split_seed.value() + 1))
        self.capacity.clicked.connect(self.capacityRequested.emit)

    def show_scene(self, scene: Scene) -> None:
        """Show the scene's degree, λ and split, without signals."""
        split = scene.split or Split(0.0, 0)
        with signals_blocked(self.degree, self.l2, self.test_fraction, self.split_seed):
            self.degree.setValue(scene.degree or 0)
            self.l2.setValue(scene.l2)
            self.test_fraction.setValue(split.test_fraction)
            self.split_seed.setValue(split.seed)
        self.split_seed.setEnabled(split.test_fraction > 0)
        self.resplit.setEnabled(split.test_fraction > 0)

    def settings(self) -> dict:
        """The scene fields the section sets: degree (None: φ(x) = x), l2 and split (None: no test set)."""
        fraction = round(self.test_fraction.value(), 4)
        split = Split(fraction, self.split_seed.value()) if fraction > 0 else None
        return {"degree": self.degree.value() or None, "l2": float(self.l2.value()), "split": split}
