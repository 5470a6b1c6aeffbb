"""What the views and exports read off the live run: the held parameters in words, the selected samples'
gradient arrows, and every run so far as a Snapshot for exports."""

from __future__ import annotations

import numpy as np

from lossviz.core.experiment import Run, Snapshot
from lossviz.core.notation import parameter_label
from lossviz.core.training import FitResult
from lossviz.gui.live import LiveRun
from lossviz.gui.selection import sample_gradients


def held_text(live: LiveRun) -> str:
    """'Held at the current θ: …' for the panel, or '' when every parameter is on an axis."""
    held = live.held_parameters()
    if not held:
        return ""
    shape = live.scene.shape
    values = ", ".join(f"{parameter_label(name)} = {live.theta[shape.param_index(name)]:.3g}" for name in held[:6])
    return f"Held at the current θ: {values}{' …' if len(held) > 6 else ''}"


def selection_arrows(live: LiveRun) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The arrows at θ on the surface's axes: θ (2,), −∇l(θ|xᵢ, yᵢ) of the selected samples (M, 2) and their
    mean (2,); None when nothing is selected."""
    points = live.points
    if not live.selection or points is None or not live.selection.valid_for(points.size):
        return None
    each, mean = sample_gradients(points, live.theta, live.selection.indices)
    origin = live.axis_values(live.theta[None])[0]
    return origin, live.axis_values(-each), live.axis_values(-mean[None])[0]


def run_snapshot(live: LiveRun) -> Snapshot:
    """Every run so far (real ‖∇L‖, step numbers, stretches) and the surface shown, for exports."""
    scene = live.scene
    runs = live.runs or [Run(scene.optimizer.name, scene.optimizer)]
    results = []
    for run, history in zip(runs, live.histories, strict=True):
        if len(history):
            result = history.as_fit_result()
        else:
            result = FitResult("max_steps", live.theta[None].copy(), np.array([live.loss]),
                               np.array([live.grad_norm]), step_numbers=np.array([live.step]))
        results.append((run, result))
    shown = live.shown_surface
    if shown is None:
        return Snapshot(results)
    return Snapshot(results, shown.surface, shown.spec.center)
