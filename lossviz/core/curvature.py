"""The curvature of L(θ|D): the Hessian ∇²L at θ, its eigenvalues, and the learning rate gradient descent can take.

θ is flattened as ``ModelShape.flat`` has it (W row by row, then b). For a linear model the Hessian is a weighted
sum over samples: ∇²L = (1/N) Σᵢ Aᵢ ⊗ x̃ᵢx̃ᵢᵀ (+ λ on every W entry), with x̃ = [φ(x), 1] and Aᵢ = ∂²l/∂z² at the
sample's logits z — 1 for L2, 0 for L1, 1 inside Huber's quadratic part, σ(z)(1 − σ(z)) for BCE, σ'·(σ' + (σ − y)
(1 − 2σ)) for squared error on σ, diag(p) − ppᵀ for cross-entropy. So it is exact, never a finite difference.

For cross-entropy adding one vector to every row of W and one constant to every b_k leaves L unchanged: its
eigen-decomposition is taken on the complement of that subspace (``invariant_basis``), so the smallest eigenvalue
reported is the smallest non-trivial one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective

HESSIAN_CHUNK = 65_536  # samples a block (bounded memory at any N)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logit_curvature(objective: Objective, theta: np.ndarray, rows: slice) -> np.ndarray:
    """∂²l/∂z² of the samples in ``rows``: (n, k, k)."""
    z = objective.Xa[rows] @ theta.T
    target = objective.target[rows]
    name, k = objective.loss.name, objective.shape.outputs
    if name == "ce":
        shifted = z - z.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        return p[:, :, None] * np.eye(k)[None] - p[:, :, None] * p[:, None, :]
    if name == "l2":
        weight = np.ones(len(z))
    elif name == "l1":
        weight = np.zeros(len(z))
    elif name == "huber":
        weight = (np.abs(z[:, 0] - target[:, 0]) <= 1.0).astype(np.float64)
    elif name == "bce":
        s = _sigmoid(z[:, 0])
        weight = s * (1.0 - s)
    elif name == "mse":
        s = _sigmoid(z[:, 0])
        slope = s * (1.0 - s)
        weight = slope * (slope + (s - target[:, 0]) * (1.0 - 2.0 * s))
    else:
        raise ValueError(f"no curvature for the loss {name!r}")
    return weight[:, None, None]


def flat_order(shape: ModelShape) -> np.ndarray:
    """For each flat index (``ModelShape.flat``), its index in ``theta.ravel()`` (k rows of d+1)."""
    k, d = shape.outputs, shape.dims
    weights = [a * (d + 1) + j for a in range(k) for j in range(d)]
    return np.array(weights + [a * (d + 1) + d for a in range(k)], dtype=np.int64)


def hessian(objective: Objective, theta: np.ndarray) -> np.ndarray:
    """∇²(L(θ|D) + (λ/2)‖W‖²) at ``theta`` (k, d+1), (p, p) in flat order."""
    k, width = objective.shape.outputs, objective.Xa.shape[1]
    blocks = np.zeros((k, width, k, width))
    n = objective.size
    with np.errstate(all="ignore"):
        for start in range(0, n, HESSIAN_CHUNK):
            rows = slice(start, min(n, start + HESSIAN_CHUNK))
            curvature, Xa = logit_curvature(objective, theta, rows), objective.Xa[rows]
            for a in range(k):
                for c in range(a, k):
                    block = (Xa * curvature[:, a, c, None]).T @ Xa
                    blocks[a, :, c, :] += block
                    if c != a:
                        blocks[c, :, a, :] += block.T
    blocks /= max(n, 1)
    full = blocks.reshape(k * width, k * width)
    order = flat_order(objective.shape)
    H = full[np.ix_(order, order)]
    if objective.l2:
        weights = k * (width - 1)  # the W entries come first in flat order
        H[np.arange(weights), np.arange(weights)] += objective.l2
    return 0.5 * (H + H.T)


def invariant_basis(shape: ModelShape) -> np.ndarray | None:
    """For softmax, an orthonormal basis (p, p − (d+1)) of the directions that change L (those with zero mean across
    the classes in every column of θ); None for the other models (every direction counts)."""
    if shape.task != "multiclass":
        return None
    k, d = shape.outputs, shape.dims
    p = k * (d + 1)
    along = np.zeros((p, d + 1))  # one invariant direction per column j: 1/√k at (a, j) for every class a
    order = flat_order(shape)
    position = np.empty(p, dtype=np.int64)
    position[order] = np.arange(p)
    for a in range(k):
        for j in range(d + 1):
            along[position[a * (d + 1) + j], j] = 1.0 / np.sqrt(k)
    projector = np.eye(p) - along @ along.T
    values, vectors = np.linalg.eigh(projector)
    return vectors[:, values > 0.5]


def project_off_invariant(shape: ModelShape, direction: np.ndarray) -> np.ndarray:
    """``direction`` (k, d+1) without its part that softmax ignores (the across-class mean of each column)."""
    if shape.task != "multiclass":
        return direction
    return direction - direction.mean(axis=0, keepdims=True)


@dataclass(frozen=True)
class Curvature:
    """Eigenvalues (ascending, the non-trivial ones) and eigenvectors (p, m) of ∇²L at θ, and what they say."""

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    exact: bool  # the Hessian is constant (L2): the bound holds everywhere, not only near θ

    @property
    def largest(self) -> float:
        """λ_max."""
        return float(self.eigenvalues[-1])

    @property
    def smallest(self) -> float:
        """The smallest non-trivial eigenvalue λ_min."""
        return float(self.eigenvalues[0])

    @property
    def condition(self) -> float:
        """κ = λ_max / λ_min (inf where λ_min ≤ 0)."""
        return self.largest / self.smallest if self.smallest > 0 else float("inf")

    @property
    def learning_rate_bound(self) -> float:
        """Gradient descent is stable for η < 2/λ_max (inf where λ_max ≤ 0)."""
        return 2.0 / self.largest if self.largest > 0 else float("inf")

    def summary(self) -> dict:
        """What ``lossviz fit`` writes under "curvature"."""
        finite = lambda value: value if np.isfinite(value) else None  # noqa: E731
        return {"lambda_max": self.largest, "lambda_min": self.smallest, "condition": finite(self.condition),
                "lr_bound": finite(self.learning_rate_bound), "exact": self.exact}


def curvature(objective: Objective, theta: np.ndarray) -> Curvature:
    """The eigen-decomposition of ∇²L at ``theta``, on the non-trivial directions (softmax's complement)."""
    H = hessian(objective, theta)
    basis = invariant_basis(objective.shape)
    if basis is None:
        values, vectors = np.linalg.eigh(H)
    else:
        values, inner = np.linalg.eigh(basis.T @ H @ basis)
        vectors = basis @ inner
    return Curvature(values, vectors, exact=objective.loss.name == "l2")


def unflat(shape: ModelShape, vector: np.ndarray) -> np.ndarray:
    """A flat vector (p,) as θ (k, d+1)."""
    theta = np.empty(shape.outputs * (shape.dims + 1))
    theta[flat_order(shape)] = vector
    return theta.reshape(shape.outputs, shape.dims + 1)


def in_plane(found: Curvature, shape: ModelShape, coordinates: Callable[[np.ndarray], np.ndarray],
             theta: np.ndarray) -> np.ndarray:
    """The unit eigenvectors of λ_max and λ_min as seen on a surface: their components on its two axes, (2, 2) —
    row 0 the top direction, row 1 the bottom one; a row's length is the share (≤ 1) of the direction the plane
    holds. ``coordinates``: θ's (M, k, d+1) → their surface coordinates (M, 2), the plane's (affine) map."""
    if found.eigenvectors.shape[1] == 0:
        return np.zeros((2, 2))
    directions = np.stack([unflat(shape, found.eigenvectors[:, i]) for i in (-1, 0)])
    return coordinates(theta[None] + directions) - coordinates(theta[None])
