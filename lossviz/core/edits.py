"""Dataset edits as pure functions: each returns a new Dataset, the old one is untouched.

The app wraps these in undo commands; mouse logic asks ``nearest_point`` in data
coordinates, with a per-axis scale that turns data units into pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lossviz.core.dataset import Dataset


def add_point(data: Dataset, x: Sequence[float] | np.ndarray, label: float) -> Dataset:
    """Append one sample: x (d,), label (number or class)."""
    X = np.vstack([data.X, np.asarray(x, dtype=np.float64).reshape(1, -1)])
    y = np.append(data.y, np.asarray(label, dtype=data.y.dtype))
    return Dataset(X, y)


def move_point(data: Dataset, index: int, x: Sequence[float] | np.ndarray, label: float | None = None) -> Dataset:
    """Sample ``index`` moved to x (d,); its label replaced when given (1-D regression drags y)."""
    X = data.X.copy()
    X[index] = np.asarray(x, dtype=np.float64)
    y = data.y.copy()
    if label is not None:
        y[index] = label
    return Dataset(X, y)


def remove_point(data: Dataset, index: int) -> Dataset:
    """The data without sample ``index``."""
    return Dataset(np.delete(data.X, index, axis=0), np.delete(data.y, index))


def empty_like(data: Dataset) -> Dataset:
    """No samples, with ``data``'s input dimension and label type."""
    return Dataset(np.empty((0, data.dims)), np.empty(0, dtype=data.y.dtype))


def nearest_point(points: np.ndarray, position: tuple[float, float], pixels_per_unit: tuple[float, float],
                  radius_pixels: float = 10.0) -> int | None:
    """Index of the point (rows of ``points``, (N, 2) in plot coordinates) nearest to ``position``
    within ``radius_pixels`` on screen, or None. ``pixels_per_unit``: (sx, sy)."""
    if len(points) == 0:
        return None
    delta = (points - np.asarray(position, dtype=np.float64)) * np.asarray(pixels_per_unit, dtype=np.float64)
    distance = np.hypot(delta[:, 0], delta[:, 1])
    best = int(np.argmin(distance))
    return best if distance[best] <= radius_pixels else None


# ---------------------------------------------------------------- samples <-> plot coordinates

def sample_positions(data: Dataset, rows: np.ndarray | None = None) -> np.ndarray:
    """Where each sample (or each of ``rows``) is drawn, (N, 2): (x₁, x₂) for 2-D inputs — the data's own read-only
    array, not a copy (16 MB at 1,000,000 samples, with every hover) —, (x, y) for 1-D ones."""
    if data.size == 0:
        return np.empty((0, 2))
    if data.dims == 2:
        return data.X if rows is None else data.X[rows]
    X, y = (data.X, data.y) if rows is None else (data.X[rows], data.y[rows])
    return np.column_stack([X[:, 0], y.astype(np.float64)])


def add_sample(data: Dataset, task: str, x: float, y: float, label: int) -> Dataset:
    """The sample a click at plot position (x, y) adds: 2-D input (x, y) with ``label``; for 1-D
    inputs x with the target y (regression) or with ``label`` (classification)."""
    if data.dims == 2:
        return add_point(data, [x, y], label)
    return add_point(data, [x], y if task == "regression" else label)


def move_sample(data: Dataset, task: str, index: int, x: float, y: float) -> Dataset:
    """Sample ``index`` dragged to plot position (x, y): its input, and its target in 1-D regression."""
    if data.dims == 2:
        return move_point(data, index, [x, y])
    return move_point(data, index, [x], y if task == "regression" else None)


# ---------------------------------------------------------------- structure changes

def empty_dataset(task: str, dims: int) -> Dataset:
    """No samples, d = ``dims``; targets float64 (regression) or int64 (labels)."""
    return Dataset(np.empty((0, dims)), np.empty(0, dtype=np.float64 if task == "regression" else np.int64))


def data_for_task(data: Dataset, old_task: str, task: str, dims: int) -> Dataset | None:
    """What a scene's data becomes when its task changes to (``task``, ``dims``): empty stays empty;
    samples whose labels still mean something are kept; None where they do not (the caller replaces
    them, undoably, by an example)."""
    if data.size == 0:
        return empty_dataset(task, dims)
    labels_fit = task == "multiclass" or (task == "binary" and int(data.y.max()) <= 1)
    if data.dims == dims and old_task != "regression" and task != "regression" and labels_fit:
        return data
    return None


def keep_classes(data: Dataset, classes: int) -> Dataset:
    """The samples whose label is below ``classes`` (the others are dropped)."""
    keep = data.y < classes
    return Dataset(data.X[keep], data.y[keep])
