"""The linear model f_θ(x) = Wx + b and its parameters θ = (W, b).

Internally θ is one (k, d+1) array ``theta``: columns 0..d-1 hold W, column d holds b,
so that the logits of every sample are one matrix product ``Xa @ theta.T`` with
``Xa = [X | 1]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import LossvizError

OUTPUTS = {"regression": "identity", "binary": "sigmoid", "multiclass": "softmax"}


@dataclass(frozen=True)
class ModelShape:
    """Shape of θ for a task: k outputs (1, or C classes) and d input dimensions."""

    task: str
    dims: int
    classes: int = 2

    @property
    def outputs(self) -> int:
        """k: the number of outputs (C classes for multiclass, else 1)."""
        return self.classes if self.task == "multiclass" else 1

    @property
    def output(self) -> str:
        """Name of the output function: identity, sigmoid or softmax."""
        return OUTPUTS[self.task]

    def zeros(self) -> np.ndarray:
        """θ = 0 of this shape, (k, d+1)."""
        return np.zeros((self.outputs, self.dims + 1))

    def param_names(self) -> list[str]:
        """Names in the public order: W row-major, then b."""
        k, d = self.outputs, self.dims
        return [f"W[{i},{j}]" for i in range(k) for j in range(d)] + [f"b[{i}]" for i in range(k)]

    def param_index(self, name: str) -> tuple[int, int]:
        """Position of a parameter named ``W[i,j]`` or ``b[i]`` inside ``theta``."""
        match = re.fullmatch(r"\s*W\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*|\s*b\[\s*(\d+)\s*\]\s*", str(name))
        if match:
            if match.group(3) is not None:
                i, j = int(match.group(3)), self.dims
                ok = i < self.outputs
            else:
                i, j = int(match.group(1)), int(match.group(2))
                ok = i < self.outputs and j < self.dims
            if ok:
                return i, j
        raise LossvizError(
            f"unknown parameter {name!r} for this model (it has {', '.join(self.param_names())})")

    def flat(self, theta: np.ndarray) -> np.ndarray:
        """θ as a vector in ``param_names`` order."""
        return np.concatenate([theta[:, :-1].ravel(), theta[:, -1]])


def join(W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """theta (k, d+1) from W (k, d) and b (k,)."""
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.hstack([W, b[:, None]])


def split(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """W (k, d) and b (k,) views of theta."""
    return theta[:, :-1], theta[:, -1]


def augment(X: np.ndarray) -> np.ndarray:
    """Xa = [X | 1], (N, d+1), so that logits = Xa @ theta.T."""
    Xa = np.empty((X.shape[0], X.shape[1] + 1))
    Xa[:, :-1] = X
    Xa[:, -1] = 1.0
    return Xa


def logits(theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """z = Wx + b for every row of X: (N, k)."""
    W, b = split(theta)
    return X @ W.T + b


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z), exact and overflow-free for any finite z."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax over ``axis``, stable for any finite logits."""
    e = class_first(z, axis)
    e -= e.max(axis=0)
    np.exp(e, out=e)
    e /= e.sum(axis=0)
    return np.moveaxis(e, 0, axis)


def class_first(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """A contiguous copy of ``z`` with ``axis`` (the classes) first: numpy reduces over a short last axis row by row
    (slowly), over the first axis of a contiguous array a whole class at a time."""
    z = np.asarray(z, dtype=np.float64)
    return (class_first_view(z) if axis in (-1, z.ndim - 1) else np.moveaxis(z, axis, 0)).copy()


def class_first_view(a: np.ndarray) -> np.ndarray:
    """A view of ``a`` (..., k) with its last axis (the classes) first, (k, ...): a transpose for (N, k), which costs
    far less than np.moveaxis (~25 µs a call; a step of descent makes three)."""
    return a.T if a.ndim == 2 else np.moveaxis(a, -1, 0)


def predict(shape: ModelShape, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Model output ŷ for every row: (N, k) — identity, sigmoid or softmax of the logits."""
    z = logits(theta, X)
    if shape.output == "sigmoid":
        return sigmoid(z)
    if shape.output == "softmax":
        return softmax(z)
    return z
