"""Data views that stay exact in d dimensions (issue 21, part 4): what the data view draws for a scene of more
inputs than a plane shows (d ≥ 3, or regression with d ≥ 2).

Each view is a *virtual* scene of one or two inputs whose linear model draws exactly what the real model does:

- regression: ŷᵢ against yᵢ — the virtual model is the identity line ŷ = x, each residual a vertical segment.
- binary: yᵢ against the score zᵢ = w·φ(xᵢ) + b, with σ(z) — exact for any d, since BCE sees xᵢ only through zᵢ.
- multi-class, 3 classes: the plane of logit differences (z₂ − z₁, z₃ − z₁); the decision regions are the fixed
  wedges of the virtual model (0, u, v), and the points move as θ changes.
- multi-class, more classes (no features φ): the inputs' first two principal axes through their mean, with the
  model's regions on that plane — exact on the plane, the other directions held at the mean (the title says so).

Chosen instead (the view option ``data_view``, without features φ):

- ``feature:J`` (regression): the partial residuals (x_iJ, eᵢ + w_J x_iJ) with the line of slope w_J through 0 —
  each residual segment is the sample's own residual eᵢ, and at θ* the least-squares slope of these points is w_J.
- ``pair:J,K`` (classification): inputs J and K on the axes, the others held at their mean; the boundary or the
  regions drawn are the model's in that slice, exact there.

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

    kind: str  # "prediction", "score", "logit differences", "principal plane", "partial residual", "feature slice"
    data: Dataset
    theta: np.ndarray
    shape: ModelShape
    x_label: str
    y_label: str
    note: str  # what the view is, for the title
    nearness: np.ndarray | None = None  # a slice's: per sample, NEARNESS_LEVELS − 1 (at the others' mean) … 0 (far)

    @property
    def moves_with_theta(self) -> bool:
        """True when the points are where the model puts them (they move as θ changes)."""
        return self.kind not in ("principal plane", "feature slice")


AUTO = "auto"
NEARNESS_LEVELS = 4  # a slice fades its points in this many steps of their distance in the hidden inputs
NEARNESS_STEP = 0.75  # RMS z-score of the hidden inputs per step (0 … 0.75: the nearest, ≥ 2.25: the faintest)
PAIR_FEATURES = 10  # the slice chooser offers the pairs among the first this many inputs


def parse_choice(choice: str) -> tuple[str, tuple[int, ...]]:
    """("auto", ()), ("feature", (j,)) or ("pair", (j, k)) — 0-based — from "auto", "feature:3" or "pair:1,2"
    (1-based, as x₁ is named); ValueError for anything else."""
    if choice == AUTO:
        return AUTO, ()
    kind, _, rest = choice.partition(":")
    numbers = tuple(int(part) - 1 for part in rest.split(","))
    if (kind, len(numbers)) not in (("feature", 1), ("pair", 2)) or min(numbers) < 0 or len(set(numbers)) < len(numbers):
        raise ValueError(choice)
    return kind, numbers


def chosen(task: str, dims: int, has_features: bool, choice: str) -> tuple[str, tuple[int, ...]]:
    """The view ``choice`` gives a scene: the choice where it applies (its task, inputs within ``dims``, no φ),
    else the exact view ("auto")."""
    try:
        kind, numbers = parse_choice(choice)
    except ValueError:
        return AUTO, ()
    fits = kind == AUTO or (not has_features and max(numbers) < dims and projected(task, dims)
                            and (kind == "feature") == (task == "regression"))
    return (kind, numbers) if fits else (AUTO, ())


def view_choices(task: str, dims: int, has_features: bool, names: list[str]) -> list[tuple[str, str]]:
    """(choice, text) of each view the data view offers a projected scene: the exact view first, then the partial
    residuals of each input (regression) or the slices of pairs of inputs (classification)."""
    if not projected(task, dims):
        return []
    options = [(AUTO, "exact view")]
    if has_features:
        return options
    if task == "regression":
        return options + [(f"feature:{j + 1}", f"partial residuals of {names[j]}") for j in range(dims)]
    shown = min(dims, PAIR_FEATURES)
    return options + [(f"pair:{j + 1},{k + 1}", f"slice {names[j]} × {names[k]}")
                      for j in range(shown) for k in range(j + 1, shown)]


def chosen_text(kind: str, numbers: tuple[int, ...], dims: int, names: list[str]) -> tuple[str, str, str]:
    """Axis names and the title's note of a chosen view (``chosen``'s kind "feature" or "pair")."""
    if kind == "feature":
        name = names[numbers[0]]
        return name, "e + w·x (partial residual)", f"partial residuals of {name}, d = {dims} inputs"
    first, second = names[numbers[0]], names[numbers[1]]
    return first, second, f"slice {first} × {second}, others at their mean (d = {dims}, faded by distance in them)"


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


def data_view(shape: ModelShape, data: Dataset, theta: np.ndarray, features: FeatureMap | None = None,
              choice: str = AUTO, rows: np.ndarray | None = None) -> DataView | None:
    """The exact view of ``data`` and the model θ (over φ = ``features``, None: φ(x) = x), or the view ``choice``
    where it applies; None where the data view draws the raw inputs. ``rows``: only these samples are placed where
    the model puts them (the others NaN) — the samples a view of very many draws."""
    dims = data.dims if data.size else (features.dims if features is not None and features.degree else shape.dims)
    if not projected(shape.task, dims):
        return None
    has_features = features is not None and features.degree is not None
    picked, numbers = chosen(shape.task, dims, has_features, choice)
    if picked != AUTO:
        return _chosen_view(picked, numbers, shape, data, theta)
    z = _view_logits(theta, data.X, features, rows)
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
    mean, basis, points = _principal_plane(data.X)  # the model on that plane: z = (W V)p + (W m + b), exact there
    W, b = theta[:, :-1], theta[:, -1]
    plane_theta = np.column_stack([W @ basis, b + W @ mean])
    return DataView(kind, Dataset(points, data.y), plane_theta,
                    ModelShape("multiclass", 2, shape.classes), *text)


def _view_logits(theta: np.ndarray, X: np.ndarray, features: FeatureMap | None, rows: np.ndarray | None) -> np.ndarray:
    """z = Wφ(x) + b of every row of X (N, k), or of ``rows`` only (the others NaN)."""
    def of(inputs: np.ndarray) -> np.ndarray:
        """The logits of some raw inputs."""
        return logits(theta, inputs if features is None or features.degree is None else features(inputs))

    if rows is None or len(rows) >= len(X):
        return of(X) if len(X) else np.empty((0, theta.shape[0]))
    z = np.full((len(X), theta.shape[0]), np.nan)
    z[rows] = of(X[rows])
    return z


def _chosen_view(kind: str, numbers: tuple[int, ...], shape: ModelShape, data: Dataset, theta: np.ndarray) -> DataView:
    """The partial residuals of input J, or the slice of inputs J, K through the others' mean (no φ)."""
    W, b = theta[:, :-1], theta[:, -1]
    if kind == "feature":
        j = numbers[0]
        residual = data.y - (data.X @ W[0] + b[0]) if data.size else np.empty(0)
        x = data.X[:, [j]]
        return DataView("partial residual", Dataset(x.copy(), residual + W[0, j] * x[:, 0]),
                        np.array([[W[0, j], 0.0]]), ModelShape("regression", 1), "", "", "")
    kept = list(numbers)
    others = [i for i in range(W.shape[1]) if i not in kept]
    mean = data.X[:, others].mean(axis=0) if data.size else np.zeros(len(others))
    slice_theta = np.column_stack([W[:, kept], b + W[:, others] @ mean])
    return DataView("feature slice", Dataset(data.X[:, kept].copy(), data.y), slice_theta,
                    ModelShape(shape.task, 2, shape.classes if shape.task == "multiclass" else 2), "", "", "",
                    nearness(data.X[:, others]))


def nearness(hidden: np.ndarray) -> np.ndarray:
    """How near each row of ``hidden`` (N, h) lies to the rows' mean, in NEARNESS_LEVELS steps (int, N): the RMS of
    its z-scores over the columns that spread, NEARNESS_STEP per step; all nearest without such columns."""
    spread = hidden.std(axis=0) if len(hidden) else np.zeros(hidden.shape[1])
    varying = spread > 0
    if not varying.any():
        return np.full(len(hidden), NEARNESS_LEVELS - 1, dtype=np.int64)
    z = (hidden[:, varying] - hidden[:, varying].mean(axis=0)) / spread[varying]
    distance = np.sqrt(np.mean(z**2, axis=1))
    steps = np.minimum(np.floor(distance / NEARNESS_STEP), NEARNESS_LEVELS - 1).astype(np.int64)
    return NEARNESS_LEVELS - 1 - steps


_LAST_PLANE: list = []  # [(X, (mean, basis, points))]: the principal plane of the data drawn last


def _principal_plane(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``principal_axes`` of X and the rows projected on them (read only) — computed once per data array (the view
    is drawn again with every report of a run, and the data's arrays are never changed in place)."""
    if _LAST_PLANE and _LAST_PLANE[0][0] is X:
        return _LAST_PLANE[0][1]
    mean, basis = principal_axes(X)
    points = (X - mean) @ basis
    points.flags.writeable = False
    _LAST_PLANE[:] = [(X, (mean, basis, points))]
    return mean, basis, points


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
