"""The lecture's notation for the model and the loss, in one place (control panel, formula card,
figure headers): plain Unicode, with a little HTML where a label shows rich text."""

from __future__ import annotations

from lossviz.core.losses import LOSSES

MODEL_FORMULAS = {"regression": "ŷ = Wx + b", "binary": "ŷ = σ(Wx + b)", "multiclass": "ŷ = softmax(Wx + b)"}
TASK_TITLES = {task: f"{task}: {formula}" for task, formula in MODEL_FORMULAS.items()}
MEAN_FORMULA_HTML = "L(θ|D) = <sup>1</sup>&frasl;<sub>N</sub> Σ<sub>i</sub> l(θ|x<sub>i</sub>, y<sub>i</sub>)"


def formula_lines(task: str, loss: str) -> tuple[str, str, str]:
    """The model ŷ, the per-sample loss l(θ|x, y) and the mean L(θ|D) (HTML) for ``task`` and ``loss``."""
    return MODEL_FORMULAS[task], LOSSES[loss].formula, MEAN_FORMULA_HTML
