"""What the views and exports read off the live run: the held parameters in words, the selected samples'
gradient arrows, and every run so far as a Snapshot for exports."""

from __future__ import annotations

import weakref

import numpy as np

from lossviz.core.curvature import Curvature
from lossviz.core.decomposition import sample_gradients
from lossviz.core.experiment import Snapshot
from lossviz.core.planes import DirectionPlane
from lossviz.core.runs import Run
from lossviz.core.training import FitResult
from lossviz.gui.state.live import LiveRun


def held_text(live: LiveRun) -> str:
    """'Held at the current θ: …' for the panel, or '' when every parameter is on an axis."""
    plane = live.surfaces.plane()
    values = plane.held_text(live.state().theta)
    if isinstance(plane, DirectionPlane):
        return values  # "θ lies 0.012 off the pca plane (drawn projected)"
    return f"Held at the current θ: {values}" if values else ""


_SUBSAMPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # objective → its curvature subsample
_FOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # objective → (θ's bytes, Curvature, estimate)
CURVATURE_WORK = 20_000_000  # multiply-adds the panel's Hessian may cost on the GUI thread (N·k²·(d+1)²)
CURVATURE_ROWS = (1_000, 20_000)  # so it is computed over at most this many samples (more: a subsample's estimate)
STABLE_FACTOR = {"gd": 0.0, "momentum": 1.0}  # plain descent: η < 2/λ_max; heavy ball: η < 2(1 + μ)/λ_max


def current_curvature(live: LiveRun) -> tuple[Curvature | None, bool]:
    """The Hessian's eigen-decomposition at the current θ, and whether it is a subsample's estimate (over more
    samples than CURVATURE_WORK allows: 1,000 to 20,000 by the model's size); None without an objective or where
    it does not hold numbers. Computed once per objective and θ (the panel line and the surface's arrows ask)."""
    from lossviz.core.curvature import curvature

    state = live.state()
    objective, theta = state.objective, state.theta
    if objective is None or not np.all(np.isfinite(theta)):
        return None, False
    key = theta.tobytes()
    kept = _FOUND.get(objective)
    if kept is not None and kept[0] == key:
        return kept[1], kept[2]
    width = objective.shape.outputs * objective.Xa.shape[1]
    rows = int(np.clip(CURVATURE_WORK // max(1, width * width), *CURVATURE_ROWS))
    estimate = objective.size > rows
    over = objective
    if estimate:  # drawn once per objective (a draw over a million rows costs tens of ms)
        cached = _SUBSAMPLES.get(objective)
        if cached is None or cached.size != rows:
            cached = _SUBSAMPLES[objective] = objective.subsample(rows)[0]
        over = cached
    with np.errstate(all="ignore"):
        found: Curvature | None = curvature(over, theta)
    if found is not None and not np.all(np.isfinite(found.eigenvalues)):
        found = None
    _FOUND[objective] = (key, found, estimate)
    return found, estimate


def curvature_text(live: LiveRun) -> tuple[str, bool]:
    """The panel's line on the curvature at the current θ, naming its step — λ_max, λ_min, κ and the learning rate
    plain gradient descent stays stable below (2/λ_max; 2(1 + μ)/λ_max with momentum) — and whether the chosen η is
    above it ('' without an objective); a subsample's estimate is said so."""
    scene = live.document.scene
    found, estimate = current_curvature(live)
    if found is None:
        return "", False
    about = "≈ " if estimate else ""
    # followed while paused, not while a run goes on (it would stall it): the step names the θ the numbers are of
    kind = "the same everywhere (L2)" if found.exact else f"at θ of step {live.state().step}"
    text = (f"Curvature {kind}: λ<sub>max</sub> {about}{found.largest:.3g}, λ<sub>min</sub> {about}{found.smallest:.3g}"
            f" (κ = {found.condition:.3g})")
    if scene.view.curvature_directions:
        text += "; on the surface through θ: ↔ pink along λ<sub>max</sub>, ↔ white along λ<sub>min</sub>"
    optimizer = scene.optimizer
    if scene.runs or optimizer.name not in STABLE_FACTOR or not found.largest > 0:
        return text, False
    momentum = optimizer.effective_momentum if optimizer.name == "momentum" else 0.0
    bound = 2 * (1 + STABLE_FACTOR[optimizer.name] * momentum) / found.largest
    what = "2/λ<sub>max</sub>" if optimizer.name == "gd" else "2(1 + μ)/λ<sub>max</sub>"
    where = "" if found.exact else " here"
    if optimizer.lr < bound:
        return f"{text}; η = {optimizer.lr:g} is below {what} = {bound:.3g}{where}: stable", False
    return (f"{text}; <b>η = {optimizer.lr:g} is above {what} = {bound:.3g}{where}</b>: each step overshoots along "
            "the top eigenvector — the run oscillates and diverges there"), True


def selection_arrows(live: LiveRun) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The arrows at θ on the surface's axes: θ (2,), −∇l(θ|xᵢ, yᵢ) of the selected samples (M, 2) and their
    mean (2,); None when nothing is selected."""
    state, selection = live.state(), live.selection
    points = state.points
    if not selection or points is None or not selection.valid_for(points.size):
        return None
    each, mean = sample_gradients(points, state.theta, selection.indices)
    plane, theta = live.surfaces.plane(), state.theta
    at = plane.point(theta)  # directions as the plane sees them (a plane through θ-space is affine, not linear)
    return at, plane.coordinates(theta[None] - each) - at, plane.point(theta - mean) - at


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
