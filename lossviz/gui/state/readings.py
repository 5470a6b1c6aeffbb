"""What the views and exports read off the live run: the held parameters in words, the selected samples'
gradient arrows, and every run so far as a Snapshot for exports."""

from __future__ import annotations

import numpy as np

from lossviz.core.decomposition import sample_gradients
from lossviz.core.experiment import Snapshot
from lossviz.core.runs import Run
from lossviz.core.training import FitResult
from lossviz.gui.state.live import LiveRun


def held_text(live: LiveRun) -> str:
    """'Held at the current θ: …' for the panel, or '' when every parameter is on an axis."""
    values = live.surfaces.plane().held_text(live.state().theta)
    return f"Held at the current θ: {values}" if values else ""


def selection_arrows(live: LiveRun) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The arrows at θ on the surface's axes: θ (2,), −∇l(θ|xᵢ, yᵢ) of the selected samples (M, 2) and their
    mean (2,); None when nothing is selected."""
    state, selection = live.state(), live.selection
    points = state.points
    if not selection or points is None or not selection.valid_for(points.size):
        return None
    each, mean = sample_gradients(points, state.theta, selection.indices)
    plane = live.surfaces.plane()
    return plane.point(state.theta), plane.coordinates(-each), plane.point(-mean)


def run_snapshot(live: LiveRun) -> Snapshot:
    """Every run so far (real ‖∇L‖, step numbers, stretches) and the surface shown, for exports."""
    scene, state = live.document.scene, live.state()
    runs = state.runs or (Run(scene.optimizer.name, scene.optimizer),)
    results = []
    for run, history in zip(runs, state.histories, strict=True):
        if len(history):
            result = history.as_fit_result()
        else:
            result = FitResult("max_steps", state.theta[None].copy(), np.array([state.loss]),
                               np.array([state.grad_norm]), step_numbers=np.array([state.step]))
        results.append((run, result))
    shown = live.surfaces.shown
    if shown is None:
        return Snapshot(results)
    return Snapshot(results, shown.surface, shown.spec.center)
