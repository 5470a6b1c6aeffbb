"""The panel's Distribution section: P(X, Y) the data come from, its parameters, N, and what can be drawn
from it (a new dataset D ∼ P, twenty of them for the cloud of θ*_D)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from lossviz.core.distributions import (
    FAMILIES,
    MAX_SAMPLE,
    Distribution,
    default_distribution,
    families_for,
    parse_distribution,
)
from lossviz.core.limits import VALUE_BOUND
from lossviz.gui.panel.widgets import NumberSpinBox, PanelManners, mark_invalid, named, signals_blocked

PARAMETER_TITLES = {"slope": "slope", "intercept": "intercept", "noise": "noise σ", "x_range": "x from, to",
                    "amplitude": "amplitude", "frequency": "frequency", "std": "spread σ", "r": "half-width r",
                    "flip": "label flips"}
PARAMETER_TIPS = {
    "slope": "y = slope·x + intercept + ε", "intercept": "y = slope·x + intercept + ε",
    "noise": "ε ∼ N(0, σ²): how far y scatters around E[y|x]", "x_range": "x ∼ U(from, to)",
    "amplitude": "y = amplitude·sin(2π·frequency·x) + ε", "frequency": "periods per unit of x",
    "std": "each class is a Gaussian blob N(mean, σ²·I) around its mean",
    "r": "x ∼ U([−r, r]²)", "flip": "the probability that a label is flipped (noise in y)",
}


class DistributionBox(QtWidgets.QGroupBox):
    """P(X, Y): family, parameters, N; New sample D ∼ P and Resample ×20."""

    distributionEdited = QtCore.Signal()  # read it with ``distribution()``
    newSampleRequested = QtCore.Signal()
    resampleRequested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("Distribution P(X, Y)", parent)
        self.form = QtWidgets.QFormLayout(self)
        self.family = named(QtWidgets.QComboBox(), "distributionSelector")
        self.family.setToolTip("The data-generating distribution the dataset D is a sample of (none: D is all).")
        self.form.addRow("P", self.family)
        self.fields: dict[str, list[QtWidgets.QDoubleSpinBox]] = {}
        self.params_row = QtWidgets.QWidget()
        self.params_form = QtWidgets.QFormLayout(self.params_row)
        self.params_form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.params_row)
        self.sample_size = named(QtWidgets.QSpinBox(), "sampleSize")
        self.sample_size.setRange(1, MAX_SAMPLE)
        self.sample_size.setKeyboardTracking(False)
        self.sample_size.setToolTip("N: how many samples (x, y) a new D ∼ P has.")
        self.form.addRow("N", self.sample_size)
        self.provenance = named(QtWidgets.QLabel(), "provenanceLabel")
        self.provenance.setWordWrap(True)
        self.form.addRow(self.provenance)
        self.new_sample = named(QtWidgets.QPushButton("New sample D ∼ P"), "newSampleButton")
        self.new_sample.setToolTip("Draw a fresh dataset of N samples from P (key D); Edit → Undo brings the old back.")
        self.resample = named(QtWidgets.QPushButton("Resample ×20"), "resampleButton")
        self.resample.setToolTip("Draw 20 datasets of N samples from P and mark where each one's minimum θ*_D lies: "
                                 "the cloud shrinks as N grows.")
        self.buttons = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.new_sample)
        row.addWidget(self.resample)
        self.form.addRow(self.buttons)
        self._task = ("regression", 1, 1)
        self.shown: Distribution | None = None  # the P the section shows (the scene's, or a family just chosen)
        self.manners: PanelManners | None = None  # the panel's (for the parameter fields made later)
        self.family.activated.connect(lambda _: self._family_chosen())
        self.sample_size.valueChanged.connect(lambda _: self.distributionEdited.emit())
        self.new_sample.clicked.connect(self.newSampleRequested.emit)
        self.resample.clicked.connect(self.resampleRequested.emit)

    def show_distribution(self, distribution: Distribution | None, task: str, dims: int, classes: int,
                          provenance: str) -> None:
        """Show P (None: no distribution) for a scene of ``task`` with ``dims`` inputs and ``classes``; the fields
        stay (only their values change) while the family is the same, so that typing in one is not disturbed."""
        same_fields = (distribution is not None and self.shown is not None and self._task == (task, dims, classes)
                       and distribution.name == self.shown.name and distribution.params.keys() == self.shown.params.keys()
                       and distribution.params.get("means") == self.shown.params.get("means"))
        self._task, self.shown = (task, dims, classes), distribution
        with signals_blocked(self.family, self.sample_size):
            self.family.clear()
            self.family.addItem("none", None)
            for name in families_for(task, dims):
                self.family.addItem(name, name)
            self.family.setCurrentIndex(max(0, self.family.findData(distribution.name if distribution else None)))
            self.sample_size.setValue(distribution.n if distribution else 30)
        if same_fields:
            assert distribution is not None
            self._show_values(distribution)
        else:
            self._show_params(distribution)
        for widget in (self.sample_size, self.new_sample, self.resample):
            widget.setEnabled(distribution is not None)
        for row in (self.sample_size, self.buttons):  # without a P, one line: "P: none"
            self.form.setRowVisible(row, distribution is not None)
        self.show_provenance(provenance)

    def show_provenance(self, text: str) -> None:
        """Where the data came from (see distributions.provenance); '' hides the line."""
        self.provenance.setText(text)
        self.provenance.setVisible(bool(text))

    def _show_values(self, distribution: Distribution) -> None:
        for key, spins in self.fields.items():
            value = distribution.params[key]
            for spin, v in zip(spins, value if isinstance(value, list) else [value], strict=True):
                if spin.value() != v and not spin.hasFocus():
                    with signals_blocked(spin):
                        spin.setValue(v)

    def _show_params(self, distribution: Distribution | None) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.fields = {}
        if distribution is None:
            return
        for key, value in distribution.params.items():
            if key == "means":
                means = ", ".join("(" + ", ".join(f"{v:g}" for v in mean) + ")" for mean in value)
                label = QtWidgets.QLabel(means)
                label.setWordWrap(True)
                self.params_form.addRow("class means", label)
                continue
            values = value if isinstance(value, list) else [value]
            spins = [self._spin(key, v) for v in values]
            self.fields[key] = spins
            holder = QtWidgets.QWidget()
            line = QtWidgets.QHBoxLayout(holder)
            line.setContentsMargins(0, 0, 0, 0)
            for spin in spins:
                line.addWidget(spin)
            self.params_form.addRow(PARAMETER_TITLES.get(key, key), holder)

    def _spin(self, key: str, value: float) -> QtWidgets.QDoubleSpinBox:
        spin = named(NumberSpinBox(), f"param_{key}")
        spin.setRange(0.0 if key in ("noise", "std", "r", "frequency", "flip") else -VALUE_BOUND,
                      0.5 if key == "flip" else VALUE_BOUND)
        spin.setSingleStep(0.05 if key == "flip" else 0.1)
        spin.setValue(value)
        spin.setToolTip(PARAMETER_TIPS.get(key, key))
        spin.valueChanged.connect(lambda _: self.distributionEdited.emit())
        if self.manners is not None:
            self.manners.adopt(spin)
        return spin

    def _family_chosen(self) -> None:
        name = self.family.currentData()
        task, dims, classes = self._task
        self.shown = None if name is None else default_distribution(name, task, dims, classes, self.sample_size.value())
        self._show_params(self.shown)
        self.distributionEdited.emit()

    def show_refusal(self, reason: str | None) -> None:
        """Mark the field of the parameter ``reason`` names ("distribution.params.noise: …") as refused, and say why
        in its tooltip; None: every field is fine."""
        for key, spins in self.fields.items():
            named_here = reason is not None and reason.startswith((f"distribution.params.{key}:",
                                                                    f"distribution.params.{key}["))
            for spin in spins:
                mark_invalid(spin, reason if named_here else None)

    def distribution(self) -> Distribution | None:
        """The distribution the section shows (its seed kept from the scene's)."""
        name = self.family.currentData()
        if name is None or self.shown is None:
            return None
        params = dict(self.shown.params)
        for key, spins in self.fields.items():
            values = [spin.value() for spin in spins]
            params[key] = values if isinstance(FAMILIES[name][key], list) else values[0]
        return parse_distribution({"name": name, "n": self.sample_size.value(), "seed": self.shown.seed, "params": params})
