"""The lecture's notation for the model and the loss, in one place (control panel, formula card,
figure headers): plain Unicode, with a little HTML where a label shows rich text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lossviz.core.features import SUBSCRIPTS, feature_names
from lossviz.core.losses import LOSSES

if TYPE_CHECKING:
    from lossviz.core.optimizers import OptimizerConfig
    from lossviz.core.scene import Scene

MODEL_FORMULAS = {"regression": "ŷ = Wx + b", "binary": "ŷ = σ(Wx + b)", "multiclass": "ŷ = softmax(Wx + b)"}
TASK_TITLES = {task: f"{task}: {formula}" for task, formula in MODEL_FORMULAS.items()}
POPULATION_FORMULA_HTML = "L(θ|P) = E<sub>(x, y)∼P</sub>[l(θ|x, y)]"
MEAN_FORMULA_HTML = "L(θ|D) = <sup>1</sup>&frasl;<sub>N</sub> Σ<sub>i</sub> l(θ|x<sub>i</sub>, y<sub>i</sub>)"


def task_title(task: str, features: bool) -> str:
    """"regression: ŷ = Wx + b", or over features "regression: ŷ = Wφ(x) + b" (the task chooser's entries)."""
    return TASK_TITLES[task].replace("Wx", "Wφ(x)") if features else TASK_TITLES[task]


def formula_lines(task: str, loss: str) -> tuple[str, str, str]:
    """The model ŷ, the per-sample loss l(θ|x, y) and the mean L(θ|D) (HTML) for ``task`` and ``loss``."""
    return MODEL_FORMULAS[task], LOSSES[loss].formula, MEAN_FORMULA_HTML

def model_and_loss_lines(scene: Scene) -> list[str]:
    """ŷ (over φ, spelled out, when there are features) and l(θ|x, y): the head of a figure (HTML lines)."""
    model, loss, _ = formula_lines(scene.task, scene.loss)
    if scene.degree is None:
        return [model, loss]
    names = feature_names(scene.dims, scene.degree)
    shown = ", ".join(names) if len(names) <= 6 else f"{', '.join(names[:4])}, …, {names[-1]}"
    return [model.replace("Wx", "Wφ(x)"), f"φ(x) = ({shown}), standardised", loss]


def scene_formula_lines(scene: Scene) -> list[str]:
    """The formula card of ``scene`` (HTML lines): ŷ and l (``model_and_loss_lines``), L(θ|D), and which samples
    train and what is minimised when there is a split or a penalty."""
    lines = [*model_and_loss_lines(scene), MEAN_FORMULA_HTML]
    if scene.split is not None:
        lines.append(f"D_train: descent; D_test: {scene.split.test_fraction:.0%} held out")
    if scene.l2:
        lines.append(f"minimised: L(θ|D<sub>train</sub>) + λ/2 ‖W‖², λ = {scene.l2:g}")
    return lines


_PARAMETER = re.compile(r"\s*(?:W\[\s*(\d+)\s*,\s*(\d+)\s*\]|b\[\s*(\d+)\s*\])\s*")
PARAMETER_HELP = ("Parameters are numbered from 1, like the inputs x₁, x₂: W₁₂ is the weight of input x₂ in "
                  "output 1, b₁ the bias of output 1 (a multiclass model has one output per class). Scene files "
                  "write them 0-based: W[0,1], b[0].")


def parameter_label(name: str) -> str:
    """The lecture's name of a parameter: ``W[0,1]`` → W₁₂, ``b[0]`` → b₁ (1-based, like x₁, x₂; a comma
    between indices of two digits); any other name as it is."""
    match = _PARAMETER.fullmatch(name)
    if match is None:
        return name
    if match.group(3) is not None:
        return "b" + str(int(match.group(3)) + 1).translate(SUBSCRIPTS)
    row, column = (str(int(match.group(i)) + 1).translate(SUBSCRIPTS) for i in (1, 2))
    return f"W{row}{',' if len(row) > 1 or len(column) > 1 else ''}{column}"


def optimizer_text(config: OptimizerConfig) -> str:
    """The optimizer and its numbers in one phrase: "Adam, η = 0.1", "momentum, η = 0.05, μ = 0.9, batch 8"."""
    from lossviz.core.optimizers import MOMENTUM_DEFAULTS, TITLES

    words = [TITLES[config.name], f"η = {config.lr:g}"]
    if config.name in MOMENTUM_DEFAULTS and config.effective_momentum:
        words.append(f"μ = {config.effective_momentum:g}")
    if config.batch_size is not None:
        words.append(f"batch {config.batch_size}")
    return ", ".join(words)


_G = "∇L"
_UPDATE_RULES = {  # torch.optim's definitions (dampening 0, no weight decay), in the lecture's notation
    "gd": ["θ ← θ − η∇L"],
    "momentum": ["v ← μv + ∇L", "θ ← θ − ηv"],
    "nesterov": ["v ← μv + ∇L", "θ ← θ − η(∇L + μv)"],
    "adagrad": ["s ← s + (∇L)²", "θ ← θ − η∇L / (√s + 10<sup>−10</sup>)"],
    "rmsprop": ["s ← αs + (1 − α)(∇L)²,  α = 0.99", "θ ← θ − η∇L / (√s + 10<sup>−8</sup>)"],
    "adam": ["m ← β<sub>1</sub>m + (1 − β<sub>1</sub>)∇L,  v ← β<sub>2</sub>v + (1 − β<sub>2</sub>)(∇L)²",
             "<i>m̂</i> = m / (1 − β<sub>1</sub><sup>t</sup>),  <i>v̂</i> = v / (1 − β<sub>2</sub><sup>t</sup>),  "
             "β<sub>1</sub> = 0.9, β<sub>2</sub> = 0.999",
             "θ ← θ − η <i>m̂</i> / (√<i>v̂</i> + 10<sup>−8</sup>)"],  # italic: the upright font drops the hat
}
_RMSPROP_MOMENTUM = ["s ← αs + (1 − α)(∇L)²,  α = 0.99", "v ← μv + ∇L / (√s + 10<sup>−8</sup>)", "θ ← θ − ηv"]


def update_rule_lines(config: OptimizerConfig) -> list[str]:
    """One step of ``config``'s optimizer as torch.optim defines it, in HTML lines, with its η (and μ, batch)."""
    rule = _UPDATE_RULES[config.name]
    if config.name == "rmsprop" and config.effective_momentum:
        rule = _RMSPROP_MOMENTUM
    return [*rule, f"({optimizer_text(config)})"]  # with a batch, ∇L is the batch's mean gradient
