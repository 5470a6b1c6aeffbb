"""Loss surfaces: L(θ|D) on a grid over two parameters, the others held at a center θ.

On the grid the logits split as z = z0 + x_c·a + y_r·b (a, b the parameters' data columns), so BCE's
softplus(s·z) = log1p(e^{s·(z0 + x_c·a)} · e^{s·y_r·b}) (CE's log1p(Σ_k e^{z_k − z_y}) likewise) needs
exps over R×N values only, not R²×N; rows where a factor could over/underflow use the stable path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np

from lossviz.core.dataset import Dataset
from lossviz.core.losses import log_sum_exp
from lossviz.core.model import ModelShape
from lossviz.core.objective import Objective
from lossviz.core.quadratic import QuadraticStatistics

# logits held in memory at once per worker thread (float64 elements): 2**21 = 16 MiB
CHUNK_ELEMENTS = 1 << 21
# per-sample losses held at once in the exp-factor path (512 KiB, to stay in cache)
BLOCK_ELEMENTS = 1 << 16
SAMPLE_BLOCK = 4096  # samples at a time in a surface of many (100,000 draws of P): bounded memory
# |exponents| below which e^t, and products of two such factors staying within it, are normal floats
EXP_LIMIT = 700.0


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
        """The grid's x values, (R,)."""
        return np.linspace(self.x_range[0], self.x_range[1], self.resolution)

    @property
    def y(self) -> np.ndarray:
        """The grid's y values, (R,)."""
        return np.linspace(self.y_range[0], self.y_range[1], self.resolution)


@dataclass(frozen=True)
class Surface:
    """loss[i, j] = L at (x[j], y[i]); x, y (R,), loss (R, R) float64. Where L has no unique minimum on the
    grid's plane: ``valley`` (L2 with a flat direction: a point and a unit direction in (x, y) of the line
    of minima) or ``ties`` ((M, 2) grid points that tie for the minimum)."""

    x_param: str
    y_param: str
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    valley: tuple[np.ndarray, np.ndarray] | None = None
    ties: np.ndarray | None = None

    @property
    def minimum_unique(self) -> bool:
        """False when the minimum on this plane is a line or a plateau."""
        return self.valley is None and self.ties is None


def _statistics(objective: Objective) -> QuadraticStatistics:
    return objective.quadratic_statistics()


def _l2_surface(objective: Objective, shape: ModelShape, spec: SurfaceSpec) -> np.ndarray:
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


def _separable_logits(objective: Objective, shape: ModelShape, spec: SurfaceSpec) -> tuple[np.ndarray, np.ndarray]:
    """A (R, N, k) and B (R, N): the logits at grid point (row r, column c) are A[c] with B[r] added
    to output oy, the y parameter's row of θ (summed in the same order as z0 + x·a + y·b)."""
    ox, jx = shape.param_index(spec.x_param)
    oy, jy = shape.param_index(spec.y_param)
    Xa, center = objective.Xa, spec.center
    A = np.repeat((Xa @ center.T)[None], spec.resolution, axis=0)
    A[..., ox] += np.multiply.outer(spec.x - center[ox, jx], Xa[:, jx])
    return A, np.multiply.outer(spec.y - center[oy, jy], Xa[:, jy])


def _logits_rows(objective: Objective, A: np.ndarray, B: np.ndarray, oy: int, rows: slice) -> np.ndarray:
    """Any loss on grid rows ``rows`` from the logits themselves (rows, R, N, k): (len(rows), R)."""
    z = np.empty((rows.stop - rows.start,) + A.shape)
    z[...] = A
    z[..., oy] += B[rows, None]
    return objective.loss.per_sample(z, objective.target).mean(axis=-1)


def _blocked_means(n_rows: int, R: int, N: int, fill: Callable[[int, slice, np.ndarray], None]) -> np.ndarray:
    """(n_rows, R): sample means of the per-sample losses that ``fill(r, cols, part)`` writes into
    part (len(cols), N), a cache-sized block of grid columns at a time."""
    step = max(1, BLOCK_ELEMENTS // N)
    buf = np.empty((min(step, R), N))
    out = np.empty((n_rows, R))
    for r in range(n_rows):
        for start in range(0, R, step):
            cols = slice(start, min(start + step, R))
            part = buf[:cols.stop - start]
            fill(r, cols, part)
            part.mean(axis=-1, out=out[r, cols])
    return out


def softplus_rows(U: np.ndarray, V: np.ndarray, rows: slice) -> np.ndarray:
    """(len(rows), R) sample means of softplus(U[c] + V[r]), U and V (R, N) — BCE's stable path:
    softplus(u) = max(u, 0) + log1p(e^−|u|), u = U[c] + V[r] = s·z, as in losses."""
    def fill(r: int, cols: slice, u: np.ndarray) -> None:
        np.add(U[cols], V[rows.start + r], out=u)
        top = np.maximum(u, 0.0)
        np.abs(u, out=u)
        np.negative(u, out=u)
        np.exp(u, out=u)
        np.log1p(u, out=u)
        u += top
    R, N = U.shape
    return _blocked_means(rows.stop - rows.start, R, N, fill)


def absolute_rows(A: np.ndarray, B: np.ndarray, y: np.ndarray, huber: bool, rows: slice) -> np.ndarray:
    """(len(rows), R) sample means of L1's a = |A[c] + B[r] − y| or Huber's m·(a − m/2), m = min(a, 1) — the same
    numbers as ``losses`` (a·(a/2) or a − ½), each value made in place in a block that stays in the cache."""
    def fill(r: int, cols: slice, a: np.ndarray) -> None:
        np.add(A[cols], B[rows.start + r], out=a)
        a -= y
        np.abs(a, out=a)
        if huber:
            m = np.minimum(a, 1.0)
            a -= 0.5 * m
            a *= m
    R, N = A.shape
    return _blocked_means(rows.stop - rows.start, R, N, fill)


def _ce_as_softplus(U: np.ndarray, B: np.ndarray, y: np.ndarray, oy: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CE on the grid as softplus(P[c] + Q[r]) + C[c], each (R, N): only z_oy moves along the grid's rows.
    With t_k = U[k, c] (= z_k − z_y, t_y = 0) and B[r] added to z_oy: for y ≠ oy, l = log(e^{t_oy + B} + e^C),
    C = logsumexp_{k≠oy} t_k, so P = t_oy − C, Q = B; for y = oy, l = log1p(e^{D − B}), D = logsumexp_{k≠y} t_k,
    so P = D, Q = −B, C = 0."""
    others = np.arange(len(U)) != oy
    moved = y != oy
    C = np.where(moved, log_sum_exp(U[others]), 0.0)
    D = log_sum_exp(np.where((np.arange(len(U))[:, None] == y)[:, None], -np.inf, U))  # over k ≠ y
    P = np.where(moved, U[oy] - C, D)
    Q = np.where(moved, B, -B)
    return P, Q, C


def exp_in_range(lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether e^t is a normal float, far from overflow, for every t in [lo, hi]."""
    return bool(lo.min() >= -EXP_LIMIT and hi.max() <= EXP_LIMIT)


class Log1pExpSum:
    """rows ↦ (len(rows), R) sample means of the per-sample losses log1p(Σ_k e^U[k, c] · e^V[k, r]) on the grid,
    U and V (K, R, N), the factors e^U (times ``keep``) exponentiated once. Rows where a factor or product could
    leave the normal float range are left to ``stable(rows)``."""

    def __init__(self, U: np.ndarray, V: np.ndarray, stable: Callable[[slice], np.ndarray],
                 keep: np.ndarray | None = None) -> None:
        self.U_lo, self.U_hi = np.minimum(U.min(axis=1), 0.0), np.maximum(U.max(axis=1), 0.0)
        self.EU = np.exp(U) if exp_in_range(self.U_lo, self.U_hi) else None
        if self.EU is not None and keep is not None:
            self.EU *= keep
        self.V, self.stable = V, stable

    def __call__(self, rows: slice) -> np.ndarray:
        v = self.V[:, rows]
        # bounds of U, V and U + V, per term and sample, over these rows and every column
        lo = self.U_lo + np.minimum(v.min(axis=1), 0.0)
        hi = self.U_hi + np.maximum(v.max(axis=1), 0.0)
        if self.EU is None or not exp_in_range(lo, hi):
            return self.stable(rows)
        EU, EV = self.EU, np.exp(v)

        def fill(r: int, cols: slice, part: np.ndarray) -> None:
            np.multiply(EU[0, cols], EV[0, r], out=part)
            for k in range(1, len(EU)):
                part += EU[k, cols] * EV[k, r]
            np.log1p(part, out=part)
        _, R, N = EU.shape
        return _blocked_means(v.shape[1], R, N, fill)


def _rows_function(objective: Objective, shape: ModelShape, spec: SurfaceSpec) -> Callable[[slice], np.ndarray]:
    """rows -> the loss on those grid rows and every column, (len(rows), R)."""
    A, B = _separable_logits(objective, shape, spec)
    oy = shape.param_index(spec.y_param)[0]
    generic = partial(_logits_rows, objective, A, B, oy)
    target, name = objective.target, objective.loss.name
    if not objective.size:
        return generic
    if name in ("l1", "huber") and shape.outputs == 1:  # |A[c] + B[r] − y| in cache-sized blocks
        return partial(absolute_rows, A[..., 0], B, target[:, 0], name == "huber")
    if name == "bce":  # softplus(s·z) = log1p(e^{s·A[c]} · e^{s·B[r]}), s = 1 − 2y
        s = target[:, 0]
        U, V = A[..., 0] * s, B * s
        return Log1pExpSum(U[None], V[None], partial(softplus_rows, U, V))
    if name == "ce":  # −log softmax(z)_y = log1p(Σ_{k≠y} e^{z_k − z_y}), z_k − z_y split likewise
        y, k = target.argmax(axis=1), np.arange(shape.outputs)[:, None]
        U = np.ascontiguousarray(np.moveaxis(A - A[:, np.arange(len(y)), y][..., None], -1, 0))  # (K, R, N)
        V = ((k == oy) * 1.0 - (y == oy))[:, None] * B  # B is added to z_oy only
        P, Q, C = _ce_as_softplus(U, B, y, oy)
        C_mean = C.mean(axis=-1)
        return Log1pExpSum(U, V, lambda rows: softplus_rows(P, Q, rows) + C_mean, keep=(k != y)[:, None])
    return generic


def loss_surface(objective: Objective, spec: SurfaceSpec, workers: int | None = None,
                 chunk_elements: int = CHUNK_ELEMENTS, between_chunks: Callable[[], None] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Surface:
    """L(θ|D) over ``spec``'s grid. L2 uses sufficient statistics; other losses are evaluated in
    chunks of grid rows of at most ``chunk_elements`` logits on ``workers`` threads — and, for many samples
    (a Monte-Carlo L(θ|P)), a block of SAMPLE_BLOCK samples at a time, their means weighted by their sizes,
    so that memory stays bounded. With one worker, ``between_chunks`` is called after each chunk (the app's
    surface thread waits there while the window draws); ``progress(done, total)`` after each block of samples."""
    shape = objective.shape
    if objective.loss.name == "l2":
        loss = _l2_surface(objective, shape, spec)
    elif objective.size <= SAMPLE_BLOCK:
        loss = _grid_losses(objective, spec, workers, chunk_elements, between_chunks)
    else:
        loss = np.zeros((spec.resolution, spec.resolution))
        data = objective.data
        for start in range(0, objective.size, SAMPLE_BLOCK):
            rows = slice(start, min(start + SAMPLE_BLOCK, objective.size))
            block = Objective(shape, objective.loss, Dataset(data.X[rows], data.y[rows]))  # without λ: added below
            loss += (block.size / objective.size) * _grid_losses(block, spec, workers, chunk_elements, between_chunks)
            if progress is not None:
                progress(rows.stop, objective.size)
    if objective.l2 and objective.loss.name != "l2":
        loss += _penalty_grid(objective.l2, shape, spec)
    valley = _l2_valley(objective, shape, spec) if objective.loss.name == "l2" and objective.size else None
    ties = None if valley is not None else _ties(loss, spec.x, spec.y)
    return Surface(spec.x_param, spec.y_param, spec.x, spec.y, loss, valley, ties)


def _penalty_grid(l2: float, shape: ModelShape, spec: SurfaceSpec) -> np.ndarray:
    """(λ/2)‖W‖² over the grid (R, R): the held weights' part, plus the axes' own when they are weights."""
    W = spec.center[:, :-1].copy()
    x, y = np.zeros(1), np.zeros(1)
    for name, values in ((spec.x_param, spec.x), (spec.y_param, spec.y)):
        i, j = shape.param_index(name)
        if j < shape.dims:
            W[i, j] = 0.0
            if name == spec.x_param:
                x = values
            else:
                y = values
    held = float(np.vdot(W, W))
    return 0.5 * l2 * (held + np.add.outer(y ** 2, x ** 2))  # (1 or R, 1 or R), added to the (R, R) grid


def _grid_losses(objective: Objective, spec: SurfaceSpec, workers: int | None, chunk_elements: int,
                 between_chunks: Callable[[], None] | None) -> np.ndarray:
    """The mean loss over ``objective``'s samples at every grid point, (R, R), in chunks of grid rows."""
    shape = objective.shape
    grid_rows = _rows_function(objective, shape, spec)
    R = spec.resolution
    per_row = R * objective.size * shape.outputs
    rows_per_chunk = max(1, chunk_elements // max(per_row, 1))
    chunks = [slice(start, min(start + rows_per_chunk, R)) for start in range(0, R, rows_per_chunk)]
    workers = workers or min(len(chunks), os.cpu_count() or 1)
    loss = np.empty((R, R))
    if workers <= 1:
        for rows in chunks:
            loss[rows] = grid_rows(rows)
            if between_chunks is not None:
                between_chunks()
    else:
        with ThreadPoolExecutor(workers) as pool:
            for rows, values in zip(chunks, pool.map(grid_rows, chunks)):
                loss[rows] = values
    return loss


FLAT = 1e-9  # an eigenvalue this small relative to the largest is a flat direction
TIE = 1e-9  # grid values this close (relative) to the smallest tie with it


def _l2_valley(objective: Objective, shape: ModelShape, spec: SurfaceSpec) -> tuple[np.ndarray, np.ndarray] | None:
    """For L2, L on the plane is c + bᵀz + ½ zᵀHz (z: the two parameters' offsets from θ*); when H has one
    flat direction (one point, or repeated x), its minima form a line: (a point on it, its direction)."""
    stats = _statistics(objective)
    ix, iy = shape.param_index(spec.x_param)[1], shape.param_index(spec.y_param)[1]
    if ix == iy:
        return None
    H = stats.S[np.ix_([ix, iy], [ix, iy])]
    values, vectors = np.linalg.eigh(H)
    if not values[1] > 0 or values[0] > FLAT * values[1]:
        return None  # a unique minimum (or, H = 0, no shape at all: the grid's ties say so)
    delta = spec.center[0] - stats.theta_star
    delta[[ix, iy]] = 0.0
    b = (stats.S @ delta)[[ix, iy]]
    u = vectors[:, 1]
    offset = -float(u @ b) / values[1] * u
    point = np.array([stats.theta_star[ix], stats.theta_star[iy]]) + offset
    return point, vectors[:, 0]


def _ties(loss: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """The grid points whose loss ties with the smallest (within TIE, relative), when there are several."""
    finite = np.isfinite(loss)
    if not finite.any():
        return None
    smallest = float(loss[finite].min())
    rows, cols = np.nonzero(finite & (loss <= smallest + TIE * max(1.0, abs(smallest))))
    if len(rows) < 3:
        return None
    return np.column_stack([x[cols], y[rows]])


def auto_range(values: np.ndarray, padding: float = 0.25, min_half_width: float = 1.0) -> tuple[float, float]:
    """A range around ``values`` with ``padding`` of their span on each side, at least ±min_half_width."""
    lo, hi = float(np.min(values)), float(np.max(values))
    middle = 0.5 * (lo + hi)
    half = max(0.5 * (hi - lo) * (1 + 2 * padding), min_half_width)
    return middle - half, middle + half


def frame_points(points: np.ndarray, padding: float = 0.3) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """(x, y) ranges around ``points`` (M, 2) and nothing else (the resampled minima's frame): ``padding`` of their
    span on each side, each half-width at least a tenth of the wider span; None without a finite point, or beyond
    what a scene's range holds."""
    finite = points[np.isfinite(points).all(axis=1)]
    if not len(finite):
        return None
    with np.errstate(over="ignore", invalid="ignore"):  # spans beyond 1e308 are refused below
        spans = finite.max(axis=0) - finite.min(axis=0)
        floor = max(0.1 * float(spans.max()), 1e-6 * (1.0 + float(np.abs(finite).max())))
        ranges = auto_range(finite[:, 0], padding, floor), auto_range(finite[:, 1], padding, floor)
    if not all(lo < hi and np.isfinite(hi - lo) for lo, hi in ranges):
        return None  # beyond what a range can hold (a fit that ran off to 1e308)
    return ranges


def landmarks(objective: Objective, start: np.ndarray, path: np.ndarray | None) -> np.ndarray:
    """θ's a surface should show: the start, the path and, for L2, the exact minimum. (M, k, d+1)."""
    points = [start[None]]
    if path is not None and len(path):
        points.append(path)
    if objective.loss.name == "l2":
        points.append(_statistics(objective).theta_star[None, None, :])
    return np.concatenate(points)
