"""Loss surfaces: L(θ|D) on a grid over two parameters, the others held at a center θ."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective

# logits held in memory at once per worker thread (float64 elements): 2**21 = 16 MiB
CHUNK_ELEMENTS = 1 << 21


@dataclass(frozen=True)
class SurfaceSpec:
    """Grid axes: ``x_param``/``y_param`` named ``W[i,j]``/``b[i]``, value ranges, R, and the center θ (k, d+1)."""

    x_param: str
    y_param: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int
    center: np.ndarray

    @property
    def x(self) -> np.ndarray:
        return np.linspace(self.x_range[0], self.x_range[1], self.resolution)

    @property
    def y(self) -> np.ndarray:
        return np.linspace(self.y_range[0], self.y_range[1], self.resolution)


@dataclass(frozen=True)
class Surface:
    """loss[i, j] = L at (x[j], y[i]); x, y (R,), loss (R, R) float64."""

    x_param: str
    y_param: str
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray


class QuadraticStatistics:
    """Sufficient statistics of the L2 loss: L(θ) = L* + ½ (θ − θ*)ᵀ S (θ − θ*).

    S = XaᵀXa / N, θ* a least-squares solution, L* its loss, all from one O(N) pass,
    so that every later surface costs O(R²) whatever N is.
    """

    def __init__(self, objective: Objective):
        Xa, y = objective.Xa, objective.target[:, 0]
        n = len(y)
        self.S = Xa.T @ Xa / n
        self.theta_star = np.linalg.lstsq(Xa, y, rcond=None)[0]
        residual = Xa @ self.theta_star - y
        self.loss_star = 0.5 * float(residual @ residual) / n


def _statistics(objective: Objective) -> QuadraticStatistics:
    stats = getattr(objective, "_quadratic_statistics", None)
    if stats is None:
        stats = QuadraticStatistics(objective)
        objective._quadratic_statistics = stats
    return stats


def _l2_surface(objective, shape, spec) -> np.ndarray:
    stats = _statistics(objective)
    d1 = shape.dims + 1
    ix = shape.param_index(spec.x_param)[1]
    iy = shape.param_index(spec.y_param)[1]
    delta = spec.center[0] - stats.theta_star
    delta[[ix, iy]] = 0.0
    S = stats.S
    Sdelta = S @ delta
    p = spec.x - stats.theta_star[ix]  # (R,) along columns
    q = spec.y - stats.theta_star[iy]  # (R,) along rows
    assert S.shape == (d1, d1)
    row = p * Sdelta[ix] + 0.5 * S[ix, ix] * p * p
    col = q * Sdelta[iy] + 0.5 * S[iy, iy] * q * q
    loss = (stats.loss_star + 0.5 * float(delta @ Sdelta)) + col[:, None] + row[None, :]
    loss += S[ix, iy] * np.multiply.outer(q, p)
    return np.maximum(loss, stats.loss_star)


def _grid_rows(objective, shape, spec, rows: slice) -> np.ndarray:
    """Loss on grid rows ``rows`` (y values) and every column: (len(rows), R)."""
    ox, jx = shape.param_index(spec.x_param)
    oy, jy = shape.param_index(spec.y_param)
    center = spec.center
    z0 = objective.Xa @ center.T  # (N, k)
    xs = spec.x - center[ox, jx]
    ys = spec.y[rows] - center[oy, jy]
    k = shape.outputs
    # z[r, c] = z0 + ys[r] * Xa[:, jy] e_oy + xs[c] * Xa[:, jx] e_ox, shape (rows, R, N, k)
    z = np.empty((len(ys), len(xs)) + z0.shape)
    z[...] = z0
    z[..., ox] += np.multiply.outer(xs, objective.Xa[:, jx])[None]
    z[..., oy] += np.multiply.outer(ys, objective.Xa[:, jy])[:, None]
    per_sample = objective.loss.per_sample(z if k > 1 else z, objective.target)
    return per_sample.mean(axis=-1)


def loss_surface(objective: Objective, spec: SurfaceSpec, workers: int | None = None) -> Surface:
    """L(θ|D) over ``spec``'s grid. L2 uses sufficient statistics; other losses are
    evaluated in memory-bounded chunks of grid rows on ``workers`` threads."""
    shape = objective.shape
    if objective.loss.name == "l2":
        loss = _l2_surface(objective, shape, spec)
    else:
        R = spec.resolution
        per_row = R * objective.size * shape.outputs
        rows_per_chunk = max(1, CHUNK_ELEMENTS // max(per_row, 1))
        chunks = [slice(start, min(start + rows_per_chunk, R)) for start in range(0, R, rows_per_chunk)]
        workers = workers or min(len(chunks), os.cpu_count() or 1)
        loss = np.empty((R, R))
        if workers <= 1:
            for rows in chunks:
                loss[rows] = _grid_rows(objective, shape, spec, rows)
        else:
            with ThreadPoolExecutor(workers) as pool:
                for rows, values in zip(chunks, pool.map(
                        lambda rows: _grid_rows(objective, shape, spec, rows), chunks)):
                    loss[rows] = values
    return Surface(spec.x_param, spec.y_param, spec.x, spec.y, loss)


def auto_range(values: np.ndarray, padding: float = 0.25, min_half_width: float = 1.0) -> tuple[float, float]:
    """A range around ``values`` with ``padding`` of their span on each side, at least ±min_half_width."""
    lo, hi = float(np.min(values)), float(np.max(values))
    middle = 0.5 * (lo + hi)
    half = max(0.5 * (hi - lo) * (1 + 2 * padding), min_half_width)
    return middle - half, middle + half


def landmarks(objective: Objective, start: np.ndarray, path: np.ndarray | None) -> np.ndarray:
    """θ's a surface should show: the start, the path and, for L2, the exact minimum. (M, k, d+1)."""
    points = [start[None]]
    if path is not None and len(path):
        points.append(path)
    if objective.loss.name == "l2":
        points.append(_statistics(objective).theta_star[None, None, :])
    return np.concatenate(points)
