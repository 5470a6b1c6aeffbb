"""Data views that stay exact in d dimensions (issue 21, part 4): what the data view draws for a scene of more
inputs than a plane shows (d ≥ 3, or regression with d ≥ 2).

Each view is a *virtual* scene of one or two inputs whose linear model draws exactly what the real model does:

- regression: ŷᵢ against yᵢ — the virtual model is the identity line ŷ = x, each residual a vertical segment.
- binary: yᵢ against the score zᵢ = w·φ(xᵢ) + b, with σ(z) — exact for any d, since BCE sees xᵢ only through zᵢ.
- multi-class, 3 classes: the plane of logit differences (z₂ − z₁, z₃ − z₁); the decision regions are the fixed
  wedges of the virtual model (0, u, v), and the points move as θ changes.
- multi-class, more classes (no features φ): the inputs' first two principal axes through their mean, with the
  model's regions on that plane — exact on the plane, the other directions held at the mean (the title says so).

``data_view`` gives the virtual data (rows in the scene's order, so selections, marker sizes and deletions keep
their indices), the virtual θ and shape, the axes' names and a note for the title; None where the data view draws
the scene's own inputs (d ≤ 2; regression d = 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz.core.dataset import Dataset
from lossviz.core.features import FeatureMap
from lossviz.core.model import ModelShape, logits


@dataclass(frozen=True, eq=False)
class DataView:
    """The virtual scene the data view draws: ``data`` and the model ``theta`` of ``shape`` (1 or 2 inputs)."""

    kind: str  # "prediction", "score", "logit differences", "principal plane"
    data: Dataset
    theta: np.ndarray
    shape: ModelShape
    x_label: str
    y_label: str
    note: str  # what the view is, for the title

    @property
    def moves_with_theta(self) -> bool:
        """True when the points are where the model puts them (they move as θ changes)."""
        return self.kind != "principal plane"


def view_kind(task: str, classes: int, has_features: bool) -> str:
    """Which exact view a projected scene gets."""
    if task == "regression":
        return "prediction"
    if task == "binary":
        return "score"
    return "logit differences" if classes == 3 or has_features else "principal plane"


def view_text(task: str, dims: int, classes: int, has_features: bool) -> tuple[str, str, str]:
    """The x axis's name, the y axis's name and the note for the title of a projected scene's data view."""
    kind = view_kind(task, classes, has_features)
    if kind == "prediction":
        return "ŷ (the model's prediction)", "y", f"ŷ against y, d = {dims} inputs"
    if kind == "score":
        return "z = w·x + b (the score)", "y, and σ(z)", f"y against the score z, d = {dims} inputs"
    if kind == "logit differences":
        more = f" (classes 1–3 of {classes})" if classes > 3 else ""
        return "z₂ − z₁", "z₃ − z₁", f"logit differences, d = {dims} inputs{more}"
    return "PC1 of the inputs", "PC2 of the inputs", \
        f"the inputs' principal plane through their mean (others at the mean), d = {dims}"


def projected(task: str, dims: int) -> bool:
    """True when the data view cannot draw the inputs themselves (d ≥ 3; regression d ≥ 2)."""
    return dims > (1 if task == "regression" else 2)


def data_view(shape: ModelShape, data: Dataset, theta: np.ndarray, features: FeatureMap | None = None) -> DataView | None:
    """The exact view of ``data`` and the model θ (over φ = ``features``, None: φ(x) = x); None where the data view
    draws the raw inputs."""
    dims = data.dims if data.size else (features.dims if features is not None and features.degree else shape.dims)
    if not projected(shape.task, dims):
        return None
    inputs = data.X if features is None or features.degree is None else features(data.X)
    z = logits(theta, inputs) if data.size else np.empty((0, shape.outputs))
    has_features = features is not None and features.degree is not None
    kind = view_kind(shape.task, shape.outputs, has_features)
    text = view_text(shape.task, dims, shape.outputs, has_features)
    identity = np.array([[1.0, 0.0]])
    if kind == "prediction":
        return DataView(kind, Dataset(z[:, :1].copy(), data.y), identity, ModelShape("regression", 1), *text)
    if kind == "score":
        return DataView(kind, Dataset(z[:, :1].copy(), data.y), identity, ModelShape("binary", 1), *text)
    if kind == "logit differences":
        theta3 = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        return DataView(kind, Dataset(z[:, 1:3] - z[:, :1], data.y), theta3, ModelShape("multiclass", 2, 3), *text)
    mean, basis = principal_axes(data.X)  # the model on that plane: z = (W V)p + (W m + b), exact there
    W, b = theta[:, :-1], theta[:, -1]
    plane_theta = np.column_stack([W @ basis, b + W @ mean])
    return DataView(kind, Dataset((data.X - mean) @ basis, data.y), plane_theta,
                    ModelShape("multiclass", 2, shape.classes), *text)


def principal_axes(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean (d,) and the first two principal axes (d, 2) of the rows of X (unit columns; e₁, e₂ without data)."""
    d = X.shape[1]
    if len(X) < 2:
        return (X.mean(axis=0) if len(X) else np.zeros(d)), np.eye(d)[:, :2]
    mean = X.mean(axis=0)
    _, _, axes = np.linalg.svd(X - mean, full_matrices=False)
    basis = axes[:2].T
    if basis.shape[1] < 2:
        basis = np.column_stack([basis, np.eye(d)[:, 1]])
    return mean, basis
