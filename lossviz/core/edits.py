"""Dataset edits as pure functions: each returns a new Dataset, the old one is untouched.

The app wraps these in undo commands; mouse logic asks ``nearest_point`` in data
coordinates, with a per-axis scale that turns data units into pixels.
"""

from __future__ import annotations

import numpy as np

from lossviz.core.dataset import Dataset


def add_point(data: Dataset, x, label) -> Dataset:
    """Append one sample: x (d,), label (number or class)."""
    X = np.vstack([data.X, np.asarray(x, dtype=np.float64).reshape(1, -1)])
    y = np.append(data.y, np.asarray(label, dtype=data.y.dtype))
    return Dataset(X, y)


def move_point(data: Dataset, index: int, x, label=None) -> Dataset:
    """Sample ``index`` moved to x (d,); its label replaced when given (1-D regression drags y)."""
    X = data.X.copy()
    X[index] = np.asarray(x, dtype=np.float64)
    y = data.y.copy()
    if label is not None:
        y[index] = label
    return Dataset(X, y)


def remove_point(data: Dataset, index: int) -> Dataset:
    return Dataset(np.delete(data.X, index, axis=0), np.delete(data.y, index))


def empty_like(data: Dataset) -> Dataset:
    return Dataset(np.empty((0, data.dims)), np.empty(0, dtype=data.y.dtype))


def nearest_point(points: np.ndarray, position, pixels_per_unit, radius_pixels: float = 10.0) -> int | None:
    """Index of the point (rows of ``points``, (N, 2) in plot coordinates) nearest to ``position``
    within ``radius_pixels`` on screen, or None. ``pixels_per_unit``: (sx, sy)."""
    if len(points) == 0:
        return None
    delta = (points - np.asarray(position, dtype=np.float64)) * np.asarray(pixels_per_unit, dtype=np.float64)
    distance = np.hypot(delta[:, 0], delta[:, 1])
    best = int(np.argmin(distance))
    return best if distance[best] <= radius_pixels else None
