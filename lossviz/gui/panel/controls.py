"""The control panel: task, model, loss, optimizer, run controls, surface view, data tools.

``show_scene`` shows a scene in every control without emitting edits; the readers
(``optimizer_config``, ``surface_config``, …) turn what the user set into values, so that
the window never reads widgets field by field. The panel's own signals say what the user
changed; the window turns them into document edits.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6 import QtCore, QtWidgets

from lossviz.core.errors import LossvizError
from lossviz.core.features import feature_names
from lossviz.core.generators import GENERATOR_INPUTS, GENERATORS, generators_for
from lossviz.core.limits import MAX_CLASSES, SEED_BOUND
from lossviz.core.losses import LOSSES, TASK_LOSSES
from lossviz.core.notation import (
    PARAMETER_HELP,
    POPULATION_FORMULA_HTML,
    TASK_TITLES,
    parameter_label,
    scene_formula_lines,
    task_title,
    update_rule_lines,
)
from lossviz.core.optimizers import MOMENTUM_DEFAULTS, OPTIMIZERS, TITLES, OptimizerConfig
from lossviz.core.projection import AUTO, chosen, view_choices
from lossviz.core.scene import Scene, SurfaceConfig
from lossviz.core.view import ViewOptions
from lossviz.gui.actions import with_key
from lossviz.gui.panel.distribution_box import DistributionBox
from lossviz.gui.panel.overfit_box import OverfitBox
from lossviz.gui.panel.widgets import (
    ClassPalette,
    IntegerSpinBox,
    NumberSpinBox,
    PanelManners,
    RateSpinBox,
    named,
    signals_blocked,
)
from lossviz.plots.data import input_names

PLANE_ENTRIES = {  # the planes through θ-space the x-axis chooser offers after the parameters
    "trajectory": "plane: through the fit's start, end and path",
    "pca": "plane: PCA of the fit's path",
    "hessian": "plane: Hessian's steepest × flattest",
    "random": "plane: two random directions",
}

# every control explained in the lecture's words (shown on hover)
TOOLTIPS = {
    "taskSelector": "What the model predicts: a number (regression), one of two classes (binary) or one of several "
                    "classes (multiclass). The output ŷ of f_θ(x) = Wx + b is shown beside each.",
    "dimsSelector": "How many inputs each sample has: x (1-D) or x₁, x₂ (2-D).",
    "dataViewSelector": "What the data view draws of more inputs than a plane shows: the exact view, the partial "
                        "residuals of one input (regression: the line's slope is that input's weight) or a slice of "
                        "two inputs through the others' mean (classification).",
    "classesSpin": f"How many classes a multiclass model tells apart (2–{MAX_CLASSES}); W gets one row per class.",
    "lossSelector": "The per-sample loss l(θ|x, y); L(θ|D) is its mean over the dataset D.",
    "formulaCard": "The model, the per-sample loss and the loss over the dataset, in the lecture's notation.",
    "optimizerSelector": "How each step uses the gradient ∇L(θ|D): plain gradient descent, with momentum, or with "
                         "per-parameter step sizes (Adagrad, RMSprop, Adam) — as in torch.optim.",
    "learningRate": "The step size η: θ ← θ − η ∇L (type a value and press Enter; ↑/↓ walk 1-2-5 steps).",
    "momentumSpin": "How much of the last step carries over into the next (0 = none; 0.9 is usual).",
    "batchSizeSpin": "Samples per step: full batch uses all of D; a smaller batch gives stochastic gradient "
                     "descent (minibatches reshuffled every epoch).",
    "speedSelector": "Steps per second while running (as fast as possible: as fast as this computer goes).",
    "runButton": with_key("Run or pause gradient descent.", "actionRun"),
    "stepButton": with_key("One step of gradient descent", "actionStep") + "; "
                  + with_key("back along the path", "actionStepBack") + ".",
    "resetButton": with_key("Back to the start θ", "actionReset") + "; the path and the loss curve start over.",
    "surfaceXAxis": "The parameter on the surface's horizontal axis; the others are held at the current θ.",
    "surfaceYAxis": "The parameter on the surface's vertical axis; the others are held at the current θ.",
    "autoRange": "Frame the surface around the start, the path and the minimum (off: type the ranges).",
    "xRange0": "Lowest value of the horizontal parameter shown.", "xRange1": "Highest value of the horizontal parameter.",
    "yRange0": "Lowest value of the vertical parameter shown.", "yRange1": "Highest value of the vertical parameter.",
    "resolutionSelector": "Grid points per axis of the surface (more: finer, slower).",
    "logSurface": "Colour the surface by log₁₀ L(θ|D): shows the shape near the minimum.",
    "surfaceOfSelector": "What the surface shows: the loss on the dataset D, the expected loss under the "
                         "distribution P the data come from, or both (needs a distribution).",
    "heldLabel": "The parameters that are not on the surface's axes, and the values they are held at.",
    "generatorSelector": "A dataset drawn from a known distribution (the task follows it).",
    "noiseSpin": "How much the samples scatter around their pattern.",
    "seedSpin": "The random seed: the same seed draws the same dataset.",
    "generateButton": "Replace the data by a fresh sample (Edit → Undo brings the old data back).",
    "clearButton": "Remove every sample, to click your own (Edit → Undo brings them back).",
}
RACE_TOOLTIP = "Set by the optimizer race: each racer has its own optimizer and learning rate (Run → Set up race…)."
SPEEDS = [("1 step/s", 1.0), ("3 steps/s", 3.0), ("10 steps/s", 10.0), ("30 steps/s", 30.0),
          ("100 steps/s", 100.0), ("300 steps/s", 300.0), ("1000 steps/s", 1000.0), ("as fast as possible", 0.0)]
RESOLUTIONS = (32, 64, 96, 128, 192, 256)


class ControlPanel(QtWidgets.QWidget):
    """Every control of the app, grouped."""

    structureEdited = QtCore.Signal()  # task, input dimension (read them with task_choice)
    classesEdited = QtCore.Signal(int)
    lossChosen = QtCore.Signal(str)
    optimizerEdited = QtCore.Signal()  # read it with optimizer_config
    speedChosen = QtCore.Signal(float)
    surfaceEdited = QtCore.Signal()  # read it with surface_config
    logSurfaceToggled = QtCore.Signal(bool)
    surfaceOfChosen = QtCore.Signal(str)
    dataViewChosen = QtCore.Signal(str)  # the data view of more inputs than a plane shows ("auto", "feature:J", …)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.distribution_box = DistributionBox()  # P first: the lecture goes P → D → l → L
        layout.addWidget(self.distribution_box)
        layout.addWidget(self._model_box())
        self.overfit_box = OverfitBox()
        layout.addWidget(self.overfit_box)
        layout.addWidget(self._optimizer_box())
        layout.addWidget(self._surface_box())
        layout.addWidget(self._data_box())
        layout.addStretch(1)
        for name, text in TOOLTIPS.items():
            widget = self.findChild(QtWidgets.QWidget, name)
            if widget is not None:
                widget.setToolTip(text)
        for combo in (self.x_axis, self.y_axis):
            combo.setToolTip(f"{combo.toolTip()} {PARAMETER_HELP}")
        self.manners = PanelManners(self)
        self.manners.install(self)
        self.distribution_box.manners = self.manners
        self._connect()

    # ------------------------------------------------------------------ construction
    def _model_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Model and loss")
        form = QtWidgets.QFormLayout(box)
        self.task = _combo("taskSelector", [(TASK_TITLES[t], t) for t in TASK_TITLES])
        self.dims = _combo("dimsSelector", [("1-D input", 1), ("2-D input", 2)])
        self.classes = named(QtWidgets.QSpinBox(), "classesSpin")
        self.classes.setRange(2, MAX_CLASSES)
        self.loss = _combo("lossSelector", [])
        form.addRow("Task", self.task)
        form.addRow("Input", self.dims)
        self.data_view = _combo("dataViewSelector", [("exact view", "auto")])
        form.addRow("Data view", self.data_view)
        self._model_form = form
        form.addRow("Classes", self.classes)
        form.addRow("Loss", self.loss)
        self.formula = named(QtWidgets.QLabel(), "formulaCard")
        self.formula.setWordWrap(True)
        self.formula.setTextFormat(QtCore.Qt.TextFormat.RichText)
        form.addRow(self.formula)
        return box

    def _optimizer_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Gradient descent")
        form = QtWidgets.QFormLayout(box)
        self.optimizer = _combo("optimizerSelector", [(TITLES[name], name) for name in OPTIMIZERS])
        self.learning_rate = named(RateSpinBox(), "learningRate")
        self.momentum = named(QtWidgets.QDoubleSpinBox(), "momentumSpin")
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.momentum.setKeyboardTracking(False)
        self.batch_size = named(IntegerSpinBox(0, SEED_BOUND, special="full batch"), "batchSizeSpin")
        self.speed = _combo("speedSelector", SPEEDS)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Momentum", self.momentum)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Speed", self.speed)
        self.curvature = named(QtWidgets.QLabel(), "curvatureLine")
        self.curvature.setWordWrap(True)
        policy = QtWidgets.QSizePolicy.Policy  # as wide as the panel is, never widening it: the text wraps instead
        self.curvature.setSizePolicy(policy.Ignored, policy.MinimumExpanding)
        self.curvature.setTextFormat(QtCore.Qt.TextFormat.RichText)
        form.addRow(self.curvature)
        self.units = named(QtWidgets.QLabel(), "unitsLine")  # the model in the table's units (a standardised import)
        self.units.setWordWrap(True)
        self.units.setSizePolicy(policy.Ignored, policy.MinimumExpanding)
        self.units.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.units.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.units.setVisible(False)
        form.addRow(self.units)
        buttons = QtWidgets.QHBoxLayout()
        self.run = named(QtWidgets.QPushButton("Run"), "runButton")
        self.run.setCheckable(True)
        self.step = named(QtWidgets.QPushButton("Step"), "stepButton")
        self.reset = named(QtWidgets.QPushButton("Reset"), "resetButton")
        for button in (self.run, self.step, self.reset):
            buttons.addWidget(button)
        form.addRow(buttons)
        return box

    def _surface_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Loss surface")
        form = QtWidgets.QFormLayout(box)
        self.x_axis = _combo("surfaceXAxis", [])
        self.y_axis = _combo("surfaceYAxis", [])
        self.auto_range = named(QtWidgets.QCheckBox("automatic range"), "autoRange")
        self.auto_range.setChecked(True)
        self.x_range = [_range_spin(f"xRange{i}") for i in range(2)]
        self.y_range = [_range_spin(f"yRange{i}") for i in range(2)]
        self.resolution = _combo("resolutionSelector", [(f"{r} × {r}", r) for r in RESOLUTIONS])
        self.surface_of = _combo("surfaceOfSelector", [("L(θ|D): the loss on the data", "data"),
                                                        ("L(θ|P): the expected loss under P", "population"),
                                                        ("L(θ|D), and L(θ|P) as dashed contours", "both")])
        self.log_surface = named(QtWidgets.QCheckBox("log colour scale"), "logSurface")
        self.held = named(QtWidgets.QLabel(), "heldLabel")
        self.held.setWordWrap(True)
        form.addRow("x axis", self.x_axis)
        form.addRow("y axis", self.y_axis)
        form.addRow(self.auto_range)
        form.addRow("x range", _pair(self.x_range))
        form.addRow("y range", _pair(self.y_range))
        form.addRow("Resolution", self.resolution)
        form.addRow("Show", self.surface_of)
        form.addRow(self.log_surface)
        form.addRow(self.held)
        return box

    def _data_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Data")
        form = QtWidgets.QFormLayout(box)
        self.class_palette = ClassPalette()
        self.class_palette.setToolTip("The class that the next click adds (or press its digit over the data view).")
        form.addRow("New points", self.class_palette)
        self.generator = _combo("generatorSelector", [(name, name) for name in GENERATORS])
        self.noise = named(QtWidgets.QDoubleSpinBox(), "noiseSpin")
        self.noise.setRange(0.0, 3.0)
        self.noise.setSingleStep(0.1)
        self.noise.setValue(0.5)
        self.seed = named(QtWidgets.QSpinBox(), "seedSpin")
        self.seed.setRange(0, 99999)
        self.generate = named(QtWidgets.QPushButton("Generate"), "generateButton")
        self.clear = named(QtWidgets.QPushButton("Clear"), "clearButton")
        form.addRow("Preset", self.generator)
        form.addRow(_row(QtWidgets.QLabel("noise"), self.noise, QtWidgets.QLabel("seed"), self.seed))
        form.addRow(_row(self.generate, self.clear))
        hint = QtWidgets.QLabel("Click: add · drag: move · right-click: delete · 0–9 over the data: label · "
                                "hover a point: its loss")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        form.addRow(hint)
        return box

    def _connect(self) -> None:
        self.task.activated.connect(lambda _: self.structureEdited.emit())
        self.dims.activated.connect(lambda _: self.structureEdited.emit())
        self.classes.editingFinished.connect(lambda: self.classesEdited.emit(self.classes.value()))
        self.loss.activated.connect(lambda _: self.lossChosen.emit(self.loss.currentData()))
        self.optimizer.activated.connect(lambda _: self._optimizer_chosen())
        for spin in (self.learning_rate, self.momentum, self.batch_size):
            spin.valueChanged.connect(lambda _: self.optimizerEdited.emit())
        self.speed.activated.connect(lambda _: self.speedChosen.emit(self.speed.currentData()))
        for combo in (self.x_axis, self.y_axis, self.resolution):
            combo.activated.connect(lambda _: self.surfaceEdited.emit())
        self.auto_range.toggled.connect(lambda _: self._auto_range_toggled())
        for spin in self.x_range + self.y_range:
            spin.valueChanged.connect(lambda _: self.surfaceEdited.emit())
        self.log_surface.toggled.connect(self.logSurfaceToggled.emit)
        self.surface_of.activated.connect(lambda _: self.surfaceOfChosen.emit(self.surface_of.currentData()))
        self.data_view.activated.connect(lambda _: self.dataViewChosen.emit(self.data_view.currentData()))

    def _optimizer_chosen(self) -> None:
        """Another optimizer: its default momentum, and the momentum box only where it applies."""
        name = self.optimizer.currentData()
        with signals_blocked(self.momentum):
            self.momentum.setValue(MOMENTUM_DEFAULTS.get(name, 0.0))
        self.momentum.setEnabled(name in MOMENTUM_DEFAULTS)
        self.optimizerEdited.emit()

    def _auto_range_toggled(self) -> None:
        for spin in self.x_range + self.y_range:
            spin.setEnabled(not self.auto_range.isChecked())
        self.surfaceEdited.emit()

    # ------------------------------------------------------------------ document -> widgets
    def show_scene(self, scene: Scene, options: ViewOptions, shown_ranges: tuple | None = None) -> None:
        """Show ``scene`` in every control (no signals); ``shown_ranges``: the automatic surface ranges
        in use, shown in the range boxes when the range is automatic."""
        with signals_blocked(*self.findChildren(QtWidgets.QWidget)):
            self._show_model(scene)
            self.show_generators(scene.task, scene.dims)
            self._show_optimizer(scene.optimizer, bool(scene.runs))
            if self.speed.findData(options.speed) < 0:  # a speed of the file's own: listed too
                self.speed.addItem(f"{options.speed:g} steps/s", options.speed)
            self.speed.setCurrentIndex(self.speed.findData(options.speed))
            self._show_surface(scene, shown_ranges)
            self.log_surface.setChecked(options.log_surface)
            self.surface_of.setCurrentIndex(self.surface_of.findData(options.surface_of))
            self.surface_of.setEnabled(scene.distribution is not None)
            self._show_data_view(scene)
        self.overfit_box.show_scene(scene)
        self.formula.setText(formula_card(scene, options.surface_of != "data"))

    def _show_model(self, scene: Scene) -> None:
        for index in range(self.task.count()):  # ŷ over φ(x) when the scene has features, as the formula card says
            self.task.setItemText(index, task_title(self.task.itemData(index), scene.degree is not None))
        self.task.setCurrentIndex(self.task.findData(scene.task))
        for index in reversed(range(self.dims.count())):  # an imported table's d inputs: an entry of its own
            if self.dims.itemData(index) > 2 and self.dims.itemData(index) != scene.dims:
                self.dims.removeItem(index)
        if scene.dims > 2 and self.dims.findData(scene.dims) < 0:
            self.dims.addItem(f"{scene.dims}-D input", scene.dims)
        self.dims.setCurrentIndex(self.dims.findData(scene.dims))
        self.dims.setEnabled(scene.task == "binary" or scene.dims > 2)
        self.classes.setValue(scene.classes if scene.task == "multiclass" else 3)
        self.classes.setEnabled(scene.task == "multiclass")
        self.loss.clear()
        for name in TASK_LOSSES[scene.task]:
            self.loss.addItem(f"{name}: {LOSSES[name].title}", name)
        self.loss.setCurrentIndex(max(0, self.loss.findData(scene.loss)))
        classes = 0 if scene.task == "regression" else scene.classes
        self.class_palette.set_classes(classes, min(self.class_palette.current(), max(classes - 1, 0)), scene.class_names)

    def _show_data_view(self, scene: Scene) -> None:
        """The views the data view offers this scene (its row hidden where it draws the inputs themselves)."""
        choices = view_choices(scene.task, scene.dims, scene.degree is not None, input_names(scene))
        if [(self.data_view.itemData(i), self.data_view.itemText(i)) for i in range(self.data_view.count())] != choices:
            self.data_view.clear()
            for value, text in choices:
                self.data_view.addItem(text, value)
        picked = chosen(scene.task, scene.dims, scene.degree is not None, scene.view.data_view)
        self.data_view.setCurrentIndex(max(0, self.data_view.findData(scene.view.data_view if picked[0] != AUTO
                                                                        else AUTO)))
        self._model_form.setRowVisible(self.data_view, len(choices) > 1)

    def _show_optimizer(self, config: OptimizerConfig, race: bool) -> None:
        """The scene's optimizer; in an optimizer race the racers' own settings rule, and these boxes are
        greyed out and say so."""
        self.optimizer.setCurrentIndex(self.optimizer.findData(config.name))
        self.learning_rate.setValue(config.lr)
        self.momentum.setValue(config.effective_momentum)
        self.batch_size.setValue(config.batch_size or 0)
        for widget in (self.optimizer, self.learning_rate, self.momentum, self.batch_size):
            name = widget.objectName()
            widget.setToolTip(RACE_TOOLTIP if race else TOOLTIPS[name])
            widget.setEnabled(not race and (widget is not self.momentum or config.name in MOMENTUM_DEFAULTS))

    def _show_surface(self, scene: Scene, shown_ranges: tuple | None) -> None:
        names = scene.shape.param_names()
        x_axis, y_axis = scene.surface_axes
        features = feature_names(scene.dims, scene.degree)
        for combo, current in ((self.x_axis, x_axis), (self.y_axis, y_axis)):
            combo.clear()
            for name in names:
                column = scene.shape.param_index(name)[1]
                weight_of = f"  (weight of {features[column]})" if scene.degree and column < len(features) else ""
                combo.addItem(parameter_label(name) + weight_of, name)
            combo.setCurrentIndex(names.index(current))
        for kind, text in PLANE_ENTRIES.items():  # planes through θ-space, built from the scene's fit
            self.x_axis.addItem(text, f"plane:{kind}")
        on_plane = scene.surface.plane != "coords"
        if on_plane:
            self.x_axis.setCurrentIndex(self.x_axis.findData(f"plane:{scene.surface.plane}"))
        self.y_axis.setEnabled(not on_plane)
        self.auto_range.setEnabled(not on_plane)
        fixed = scene.surface.fixed and not on_plane
        self.auto_range.setChecked(not fixed)
        for spin in self.x_range + self.y_range:
            spin.setEnabled(fixed)
        if on_plane:  # greyed and empty: the plane's α, β are framed around the fit's path, not chosen here
            ranges = None
        else:
            ranges = (scene.surface.x_range, scene.surface.y_range) if fixed else shown_ranges
        self.show_ranges(ranges)
        resolution = scene.surface.resolution
        if self.resolution.findData(resolution) < 0:
            self.resolution.addItem(f"{resolution} × {resolution}", resolution)
        self.resolution.setCurrentIndex(self.resolution.findData(resolution))

    def show_ranges(self, ranges: tuple | None) -> None:
        """Show (x_range, y_range) in the range boxes (None: empty boxes), without signals."""
        values = [0.0] * 4 if ranges is None else [*ranges[0], *ranges[1]]
        with signals_blocked(*self.x_range, *self.y_range):
            for spin, value in zip(self.x_range + self.y_range, values, strict=True):
                spin.setValue(value)

    def show_curvature(self, text: str, warning: bool) -> None:
        """The curvature line under the optimizer (red where the learning rate is above the stable bound)."""
        self.curvature.setText(text)
        self.curvature.setStyleSheet("color: #C0392B;" if warning else "")
        self.curvature.setVisible(bool(text))

    def show_units(self, text: str) -> None:
        """The line with the current model over the table's original units ('' : none, hidden)."""
        if text:
            text = f"In the table's units:\n{text}"
        if text != self.units.text():
            self.units.setText(text)
            self.units.setToolTip("W and b of the standardised fit, taken back to the columns' own units: the "
                                  "coefficients a linear regression of the raw table gives at the minimum.")
        self.units.setVisible(bool(text))

    def show_held(self, text: str) -> None:
        """The line that says at what values the parameters off the surface's axes are held."""
        self.held.setText(text)

    # ------------------------------------------------------------------ widgets -> values
    def task_choice(self) -> tuple[str, int]:
        """The (task, input dimension) the task and input boxes show."""
        task = self.task.currentData()
        chosen = self.dims.currentData()  # an imported table's d inputs stay whatever the task (2-D regression too)
        return task, chosen if task != "multiclass" else max(chosen, 2)

    def optimizer_config(self, previous: OptimizerConfig) -> OptimizerConfig:
        """The optimizer the panel shows (momentum None where it is the default and ``previous`` had
        none); raises LossvizError if it is not valid."""
        name = self.optimizer.currentData()
        takes_momentum = name in MOMENTUM_DEFAULTS
        momentum = self.momentum.value() if takes_momentum else None
        if name == "nesterov" and not momentum:
            momentum = 0.9
            with signals_blocked(self.momentum):
                self.momentum.setValue(momentum)
        if takes_momentum and momentum == MOMENTUM_DEFAULTS[name] and previous.momentum is None:
            momentum = None
        return OptimizerConfig(name, self.learning_rate.value(), momentum, self.batch_size.value() or None)

    def surface_config(self, previous: SurfaceConfig) -> SurfaceConfig:
        """The surface the panel shows; raises LossvizError for equal axes or empty ranges."""
        x_param, y_param = self.x_axis.currentData(), self.y_axis.currentData()
        if str(x_param).startswith("plane:"):  # the plane's own α, β: the parameters' ranges are kept for later
            return replace(previous, plane=x_param.removeprefix("plane:"), resolution=self.resolution.currentData())
        if x_param == y_param:
            raise LossvizError("Choose two different parameters for the surface axes.")
        x_range = y_range = None
        if not self.auto_range.isChecked():
            x_range = (self.x_range[0].value(), self.x_range[1].value())
            y_range = (self.y_range[0].value(), self.y_range[1].value())
            if not (x_range[0] < x_range[1] and y_range[0] < y_range[1]):
                raise LossvizError("Each range needs its low end below its high end.")
        return SurfaceConfig(x=x_param, y=y_param, x_range=x_range, y_range=y_range,
                             resolution=self.resolution.currentData(), center=previous.center, seed=previous.seed)

    def show_generators(self, task: str, dims: int) -> None:
        """The Preset list: first the generators that keep the scene's task and inputs, then, under a separator,
        those that switch them, each saying to what (Generate never changes the task silently)."""
        fitting, others = generators_for(task, dims)
        combo, current = self.generator, self.generator.currentData()
        with signals_blocked(combo):
            combo.clear()
            for name in fitting:
                combo.addItem(name, name)
            if fitting and others:
                combo.insertSeparator(combo.count())
            for name in others:
                kind, inputs = GENERATORS[name][0], GENERATOR_INPUTS[name]
                combo.addItem(f"{name} — switches to {inputs}-D {kind}", name)
            index = combo.findData(current)
            combo.setCurrentIndex(index if current in fitting else 0)

    def generator_choice(self) -> tuple[str, float, int]:
        """(generator name, noise, seed) of the Data box."""
        return self.generator.currentData(), self.noise.value(), self.seed.value()


COMBO_CHARACTERS = 24  # the least a panel's chooser is wide, in characters: its longest item never widens the panel


def _combo(name: str, items: list) -> QtWidgets.QComboBox:
    combo = named(QtWidgets.QComboBox(), name)
    for text, value in items:
        combo.addItem(text, value)
    # as wide as the panel gives it, not as its longest item: a wide item ("2-D blobs, 3 classes …") had made the
    # panel's content wider than its dock at 1280 × 720, cutting the fields' right ends (the list shows items whole)
    combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(COMBO_CHARACTERS)
    return combo


def _range_spin(name: str) -> QtWidgets.QDoubleSpinBox:
    spin = named(NumberSpinBox(), name)
    spin.setRange(-1e9, 1e9)
    spin.setSingleStep(0.5)
    return spin


def _pair(spins: list[QtWidgets.QDoubleSpinBox]) -> QtWidgets.QWidget:
    widget = QtWidgets.QWidget()
    row = QtWidgets.QHBoxLayout(widget)
    row.setContentsMargins(0, 0, 0, 0)
    for spin in spins:
        row.addWidget(spin)
    return widget


def _row(*widgets: QtWidgets.QWidget) -> QtWidgets.QHBoxLayout:
    row = QtWidgets.QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    return row


def formula_card(scene: Scene, population: bool) -> str:
    """The formula card: ŷ (with φ spelled out when there are features), l(θ|x, y), L(θ|D) (of the training set,
    with the penalty when λ > 0), when the population is shown, L(θ|P) = E_P[l], and (but in a race) one step of
    the optimizer as torch.optim defines it, with its η (its size comes from the window's style, presentation.py)."""
    lines = scene_formula_lines(scene)
    if population and scene.distribution is not None:
        lines.append(f"{POPULATION_FORMULA_HTML} &nbsp;({scene.distribution.name})")
    if not scene.runs:  # a race's optimizers are named in its legend
        lines += [f"<span style='font-size:small'>{line}</span>" for line in update_rule_lines(scene.optimizer)]
    return "<br>".join(lines)
