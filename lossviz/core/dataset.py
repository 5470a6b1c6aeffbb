"""Datasets D = {(x_i, y_i)}: validated, immutable numpy arrays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.limits import MAX_DIMS, VALUE_BOUND
from lossviz.core.validate import number, show_value

TASKS = ("regression", "binary", "multiclass")


@dataclass(frozen=True, eq=False)
class Dataset:
    """X: (N, d) float64, y: (N,) float64 (regression) or int64 (labels); both read-only."""

    X: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        for array in (self.X, self.y):
            array.setflags(write=False)

    @property
    def size(self) -> int:
        """The number of samples N."""
        return self.X.shape[0]

    @property
    def dims(self) -> int:
        """The number of inputs d of each sample."""
        return self.X.shape[1]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Dataset)
            and self.X.shape == other.X.shape
            and np.array_equal(self.X, other.X)
            and np.array_equal(self.y, other.y)
        )


def make_dataset(x: Sequence[Sequence[float]] | np.ndarray, y: Sequence[float] | np.ndarray, task: str,
                 dims: int | None = None, classes: int | None = None, where: str = "data") -> Dataset:
    """Validate rows ``x`` (N lists of d numbers) and labels ``y`` (N) for ``task``.

    Raises LossvizError naming the row and value that is wrong.
    """
    if task not in TASKS:
        raise LossvizError(f"task: unknown task {show_value(task)} (choose {', '.join(TASKS)})")
    if not isinstance(x, (list, tuple, np.ndarray)):
        raise LossvizError(f"{where}.x: expected a list of rows, got {show_value(x)}")
    if not isinstance(y, (list, tuple, np.ndarray)):
        raise LossvizError(f"{where}.y: expected a list of labels, got {show_value(y)}")
    if len(x) != len(y):
        raise LossvizError(f"{where}: x has {len(x)} rows but y has {len(y)} values")
    rows = _rows(x, dims, where)
    if len(x) and not 1 <= rows.shape[1] <= MAX_DIMS:
        raise LossvizError(f"{where}.x: rows have {rows.shape[1]} numbers; lossviz takes 1 to {MAX_DIMS} inputs")
    if dims is not None and len(x) and rows.shape[1] != dims:
        raise LossvizError(f"{where}.x: rows have {rows.shape[1]} numbers but dims is {dims}")
    if not len(x):
        rows = np.empty((0, dims or 1), dtype=np.float64)
    _check_magnitude(rows, f"{where}.x", lambda i, j: f"[{i}][{j}]")
    if isinstance(y, np.ndarray):
        labels = _valid_labels(y, task, classes)
        if labels is not None:  # every label fine: no need to look at them one by one
            if task == "regression":
                _check_magnitude(labels[:, None], f"{where}.y", lambda i, _: f"[{i}]")
            return Dataset(rows, labels)
        y = y.tolist()  # the loop below names the first bad one

    if task == "regression":
        labels = np.array([number(v, f"{where}.y[{i}]") for i, v in enumerate(y)], dtype=np.float64)
        _check_magnitude(labels[:, None], f"{where}.y", lambda i, _: f"[{i}]")
    else:
        top = 2 if task == "binary" else classes
        labels = np.empty(len(y), dtype=np.int64)
        for i, value in enumerate(y):
            if isinstance(value, (np.integer, np.floating)):
                value = value.item()
            label = number(value, f"{where}.y[{i}]")
            if top is None and label >= 2**31:
                raise LossvizError(f"{where}.y[{i}]: label {show_value(value)} is too large for a class label")
            if label != int(label) or label < 0 or (top is not None and label >= top):
                allowed = "0 or 1" if task == "binary" else (
                    f"an integer 0..{top - 1}" if top is not None else "an integer >= 0")
                raise LossvizError(f"{where}.y[{i}]: label {show_value(value)} is not {allowed}")
            labels[i] = int(label)
    return Dataset(rows, labels)


def _rows(x: Sequence[Sequence[float]] | np.ndarray, dims: int | None, where: str) -> np.ndarray:
    """The rows of ``x`` as a float64 array (N, d), every number checked to be finite; errors name the row."""
    if isinstance(x, np.ndarray) and x.ndim == 2 and x.dtype.kind in "fiu":
        rows = np.array(x, dtype=np.float64)
        bad = np.argwhere(~np.isfinite(rows))
        if bad.size:
            i, j = bad[0]
            raise LossvizError(f"{where}.x[{i}][{j}]: {rows[i, j]!r} is not a finite number")
        return rows
    width = dims if dims is not None else (len(x[0]) if len(x) and isinstance(x[0], (list, tuple, np.ndarray)) else None)
    rows = np.empty((len(x), width or 0), dtype=np.float64)
    for i, row in enumerate(x):
        if not isinstance(row, (list, tuple, np.ndarray)):
            raise LossvizError(f"{where}.x[{i}]: expected a row of numbers, got {show_value(row)}")
        if len(row) != width:
            raise LossvizError(f"{where}.x[{i}]: row has {len(row)} numbers, expected {width}")
        for j, value in enumerate(row):
            rows[i, j] = number(value, f"{where}.x[{i}][{j}]")
    return rows


def _check_magnitude(values: np.ndarray, where: str, index: Callable[[int, int], str]) -> None:
    """Refuse a number beyond VALUE_BOUND in magnitude, naming its place (``index(i, j)``: "[3][0]")."""
    big = np.argwhere(np.abs(values) > VALUE_BOUND)
    if big.size:
        i, j = (int(v) for v in big[0])
        raise LossvizError(f"{where}{index(i, j)}: {values[i, j]:g} is too large (lossviz takes numbers up to "
                           f"{VALUE_BOUND:g} in magnitude, so that their squares stay finite)")


def _valid_labels(y: np.ndarray, task: str, classes: int | None) -> np.ndarray | None:
    """``y`` as labels for ``task`` when every one is valid (checked at once, for large arrays), else None."""
    if y.ndim != 1 or y.dtype.kind not in "fiub":
        return None
    values = y.astype(np.float64)
    if not np.isfinite(values).all():
        return None
    if task == "regression":
        return values
    top = 2 if task == "binary" else (classes if classes is not None else 2**31)
    if len(values) and (values.min() < 0 or values.max() >= top or not np.array_equal(values, np.floor(values))):
        return None
    return values.astype(np.int64)
