"""Planes through θ-space (issue 21): a centre θ_c and two orthonormal directions u, v; the surface is
L(θ_c + αu + βv) on a grid of (α, β) — the method of Li et al. 2018 (the loss-landscape paper) for any number of
parameters.

| plane        | centre        | u, v                                                                         |
|--------------|---------------|------------------------------------------------------------------------------|
| ``coords``   | the scene's   | the unit vectors of the two named parameters (today's surface)               |
| ``trajectory``| θ_T (the end) | u ∝ θ_0 − θ_T; v toward the path point farthest from that line              |
| ``pca``      | θ_T           | the first two principal axes of the rows θ_t − θ_T (centred, as scikit-learn)|
| ``hessian``  | θ_T           | eigenvectors of ∇²L(θ_T) for its largest and smallest eigenvalue            |
| ``random``   | θ_T           | numpy.random.default_rng(seed) normal draws, Gram–Schmidt orthonormalised    |

Dot products are taken over all of θ (k, d+1) — the flat order does not change them. For softmax every direction
is first projected off the directions it ignores (see ``core.curvature``). The logits are affine in (α, β), so the
grid costs one pass over the samples per row; for L2 it is the closed-form quadratic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial

import numpy as np

from lossviz.core.curvature import curvature, project_off_invariant, unflat
from lossviz.core.errors import LossvizError
from lossviz.core.limits import PLANES
from lossviz.core.losses import CrossEntropy, Loss
from lossviz.core.model import ModelShape
from lossviz.core.notation import parameter_label
from lossviz.core.objective import Objective
from lossviz.core.surface import SAMPLE_BLOCK, Log1pExpSum, Surface, absolute_rows, auto_range, softplus_rows
from lossviz.core.validate import quoted

TINY = 1e-12  # a direction shorter than this (relative to the path) is no direction


@dataclass(frozen=True, eq=False)
class DirectionPlane:
    """θ_c + αu + βv: ``center``, ``u``, ``v`` as θ (k, d+1) of a model of ``shape``; labels for the two axes."""

    kind: str
    shape: ModelShape
    center: np.ndarray
    u: np.ndarray
    v: np.ndarray
    x_label: str
    y_label: str
    explained: np.ndarray | None = None  # pca: the two axes' variance ratios
    eigenvalues: np.ndarray | None = None  # hessian: every non-trivial eigenvalue, ascending

    def coordinates(self, thetas: np.ndarray) -> np.ndarray:
        """(α, β) of each θ (M, k, d+1): its projection on the plane, (M, 2)."""
        offsets = np.asarray(thetas) - self.center
        return np.column_stack([np.tensordot(offsets, self.u, axes=2), np.tensordot(offsets, self.v, axes=2)])

    def off_plane(self, thetas: np.ndarray) -> np.ndarray:
        """How far each θ lies off the plane: ‖(θ − θ_c) − αu − βv‖, (M,)."""
        offsets = np.asarray(thetas) - self.center
        ab = self.coordinates(thetas)
        rest = offsets - ab[:, 0, None, None] * self.u - ab[:, 1, None, None] * self.v
        return np.sqrt(np.einsum("mij,mij->m", rest, rest))

    def at(self, alpha: float, beta: float) -> np.ndarray:
        """θ_c + αu + βv."""
        return self.center + alpha * self.u + beta * self.v

    # the reading API of core.plane.AxisPlane, so that a view draws either plane the same way
    def point(self, theta: np.ndarray) -> np.ndarray:
        """(α, β) of one θ, (2,)."""
        return self.coordinates(np.asarray(theta)[None])[0]

    def theta_at(self, center: np.ndarray, x: float, y: float) -> np.ndarray:
        """The θ at (α, β) = (x, y) on the plane (``center`` is AxisPlane's: here nothing is held)."""
        return self.at(x, y)

    def held(self) -> list[str]:
        """No parameter is held: the plane's two directions move all of them."""
        return []

    def held_values(self, theta: np.ndarray) -> list[float]:
        """None held."""
        return []

    def held_text(self, theta: np.ndarray, number: object = None) -> str:
        """How far θ lies off the plane (its path is drawn projected)."""
        return f"θ lies {float(self.off_plane(np.asarray(theta)[None])[0]):.3g} off the {self.kind} plane (drawn projected)"

    def short_labels(self) -> tuple[str, str]:
        """The axes' names short enough for a narrow view: "PC1 (99 %)", "top eigenvector (λ = 3.2)", …"""
        if self.kind == "pca" and self.explained is not None:
            first, second = (f"PC{i + 1} ({_percent(float(share))})" for i, share in enumerate(self.explained[:2]))
            return first, second
        if self.kind == "hessian" and self.eigenvalues is not None:
            top, bottom = self.eigenvalues[-1], self.eigenvalues[0]
            return f"top eigenvector (λ = {top:.3g})", f"bottom eigenvector (λ = {bottom:.3g})"
        if self.kind == "random":
            return "random direction 1", "random direction 2"
        return self.x_label, self.y_label

    def flat(self) -> dict[str, np.ndarray]:
        """centre, u and v as vectors (p,) in ``lossviz fit``'s column order."""
        return {"center": self.shape.flat(self.center), "u": self.shape.flat(self.u), "v": self.shape.flat(self.v)}


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def _orthonormal(shape: ModelShape, first: np.ndarray, second: np.ndarray, why: str) -> tuple[np.ndarray, np.ndarray]:
    """Gram–Schmidt of two directions (softmax's ignored part removed first); ``why`` names the plane if they are not
    two directions."""
    first, second = project_off_invariant(shape, first), project_off_invariant(shape, second)
    scale = max(float(np.linalg.norm(first)), float(np.linalg.norm(second)), 1.0)
    if np.linalg.norm(first) <= TINY * scale:
        raise LossvizError(why)
    u = _unit(first)
    second = second - np.vdot(second, u) * u
    if np.linalg.norm(second) <= TINY * scale:
        raise LossvizError(why)
    v = _unit(second)
    v = v - np.vdot(v, u) * u  # once more: orthogonal to the last bit
    return u, _unit(v)


def _distinct(path: np.ndarray) -> int:
    return len(np.unique(path.reshape(len(path), -1), axis=0))


def _check_path(path: np.ndarray, kind: str) -> None:
    if _distinct(path) < 3:
        raise LossvizError(f"--plane {kind}: the trajectory has {_distinct(path)} distinct point(s); it needs at least "
                           "3 (more steps, or a start θ away from the minimum)")


def coords_plane(shape: ModelShape, center: np.ndarray, x_param: str, y_param: str) -> DirectionPlane:
    """Today's surface: the two named parameters' unit vectors through ``center``."""
    u, v = shape.zeros(), shape.zeros()
    u[shape.param_index(x_param)] = 1.0
    v[shape.param_index(y_param)] = 1.0
    origin = center.copy()
    origin[shape.param_index(x_param)] = origin[shape.param_index(y_param)] = 0.0  # α, β are the two values
    return DirectionPlane("coords", shape, origin, u, v, parameter_label(x_param), parameter_label(y_param))


def trajectory_plane(shape: ModelShape, path: np.ndarray) -> DirectionPlane:
    """Through θ_T: u ∝ θ_0 − θ_T, v toward the path point farthest from that line (start, end and it in the
    plane)."""
    _check_path(path, "trajectory")
    end = path[-1]
    toward = project_off_invariant(shape, path[0] - end)
    if np.linalg.norm(toward) == 0:
        raise LossvizError("--plane trajectory: the path ends where it starts")
    u = _unit(toward)
    offsets = np.array([project_off_invariant(shape, theta - end) for theta in path])
    rests = offsets - np.tensordot(offsets, u, axes=2)[:, None, None] * u
    farthest = int(np.argmax(np.sqrt(np.einsum("mij,mij->m", rests, rests))))
    u, v = _orthonormal(shape, path[0] - end, path[farthest] - end,
                        "--plane trajectory: the path is a straight line (no second direction)")
    return DirectionPlane("trajectory", shape, end.copy(), u, v, "toward the start θ₀", "across the path")


def pca_plane(shape: ModelShape, path: np.ndarray) -> DirectionPlane:
    """Through θ_T: the first two principal axes of θ_t − θ_T (centred), the start at α ≤ 0 and β ≤ 0."""
    _check_path(path, "pca")
    end = path[-1]
    rows = np.array([shape.flat(project_off_invariant(shape, theta - end)) for theta in path])
    centred = rows - rows.mean(axis=0)
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    variance = singular ** 2
    if len(variance) < 2 or variance[1] <= TINY * max(variance[0], 1.0):
        raise LossvizError("--plane pca: the path lies on a line (its second principal axis has no variance)")
    explained = variance[:2] / variance.sum()
    u, v = unflat(shape, axes[0]), unflat(shape, axes[1])
    start = path[0] - end
    u = -u if np.vdot(start, u) > 0 else u
    v = -v if np.vdot(start, v) > 0 else v
    return DirectionPlane("pca", shape, end.copy(), u, v, f"PC1 — {_percent(explained[0])} of the path's variance",
                          f"PC2 — {_percent(explained[1])}", explained=explained)


def _percent(fraction: float) -> str:
    """"91 %", "0.19 %": a small share keeps two significant digits (never "0 %" for a share that is there)."""
    value = 100 * fraction
    return f"{value:.0f} %" if value >= 1 else f"{value:.2g} %"


def hessian_plane(objective: Objective, center: np.ndarray) -> DirectionPlane:
    """Through ``center``: the eigenvectors of ∇²L there for the largest and the smallest (non-trivial) eigenvalue."""
    shape = objective.shape
    found = curvature(objective, center)
    if len(found.eigenvalues) < 2:
        raise LossvizError("--plane hessian: the model has a single parameter that changes L")
    u, v = unflat(shape, found.eigenvectors[:, -1]), unflat(shape, found.eigenvectors[:, 0])
    return DirectionPlane("hessian", shape, center.copy(), u, v,
                          f"Hessian, largest curvature λ = {found.largest:.3g}",
                          f"Hessian, smallest curvature λ = {found.smallest:.3g}", eigenvalues=found.eigenvalues)


def random_plane(shape: ModelShape, center: np.ndarray, seed: int = 0) -> DirectionPlane:
    """Through ``center``: two normal draws of ``numpy.random.default_rng(seed)``, orthonormalised."""
    p = shape.outputs * (shape.dims + 1)
    draws = np.random.default_rng(seed).standard_normal((2, p))
    u, v = _orthonormal(shape, unflat(shape, draws[0]), unflat(shape, draws[1]),
                        "--plane random: the model has too few parameters for two directions")
    return DirectionPlane("random", shape, center.copy(), u, v, "random direction 1", "random direction 2")


def parse_plane(text: str) -> tuple[str, int]:
    """A plane's name as ``--plane`` and the Python API take it — coords, trajectory, pca, hessian, random or
    random:SEED — as (kind, seed); LossvizError otherwise."""
    kind, _, seed = text.partition(":")
    if kind in PLANES and not seed:
        return kind, 0
    if kind == "random" and seed.isascii() and seed.isdigit() and len(seed) <= 18:
        return kind, int(seed)
    raise LossvizError(f"expected one of {', '.join(PLANES)} or random:SEED, got {quoted(text)}")


def plane_of(kind: str, objective: Objective, path: np.ndarray, *, axes: tuple[str, str] | None = None,
             center: np.ndarray | None = None, seed: int = 0) -> DirectionPlane:
    """The plane ``kind`` for a fit whose path (T+1, k, d+1) ends at θ_T (the centre of every plane but coords)."""
    if kind not in PLANES:
        raise LossvizError(f"--plane: expected one of {', '.join(PLANES)}, got {kind!r}")
    shape = objective.shape
    if kind == "coords":
        assert axes is not None
        return coords_plane(shape, path[-1] if center is None else center, *axes)
    if kind == "trajectory":
        return trajectory_plane(shape, path)
    if kind == "pca":
        return pca_plane(shape, path)
    if kind == "hessian":
        return hessian_plane(objective, path[-1])
    return random_plane(shape, path[-1], seed)


def plane_ranges(plane: DirectionPlane, path: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """(α, β) ranges framing the projected path and the centre (at least ±a quarter of the path's reach)."""
    points = np.vstack([plane.coordinates(path), np.zeros((1, 2))])
    points = points[np.isfinite(points).all(axis=1)]
    reach = float(np.abs(points).max()) if len(points) else 0.0
    floor = max(0.25 * reach, 0.1)
    return auto_range(points[:, 0], 0.25, floor), auto_range(points[:, 1], 0.25, floor)


def plane_grid(objective: Objective, plane: DirectionPlane, path: np.ndarray, resolution: int,
               between_rows: Callable[[], None] | None = None) -> Surface:
    """L on ``plane`` over a ``resolution``² grid of (α, β) framing the projected ``path`` and the centre (what
    ``lossviz surface --plane`` computes, and the window and ``render`` draw)."""
    (x0, x1), (y0, y1) = plane_ranges(plane, path)
    alphas, betas = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    workers = None if between_rows is None else 1  # every core, unless a worker pauses between rows
    return Surface("alpha", "beta", alphas, betas, plane_losses(objective, plane, alphas, betas, between_rows, workers))


def plane_losses(objective: Objective, plane: DirectionPlane, alphas: np.ndarray, betas: np.ndarray,
                 between_rows: Callable[[], None] | None = None, workers: int | None = 1) -> np.ndarray:
    """loss[i, j] = L(θ_c + alphas[j]·u + betas[i]·v), penalty included: the closed-form quadratic for L2, one pass
    over the samples per row of the grid otherwise, the rows shared by ``workers`` threads (None: one per core; the
    same numbers for any count); with one, ``between_rows`` is called after each row (a worker's pause)."""
    from lossviz.core.population import exact

    a, b = alphas[None, :], betas[:, None]
    if exact(objective):  # L(θ|P) in closed form: its own quadratic, point by point (no samples to pass over)
        return np.array([[objective.value(plane.at(alpha, beta)) for alpha in alphas] for beta in betas])
    Xa = objective.Xa
    zc, zu, zv = Xa @ plane.center.T, Xa @ plane.u.T, Xa @ plane.v.T
    with np.errstate(all="ignore"):
        if objective.loss.name == "l2":
            rc, n = zc - objective.target, max(objective.size, 1)
            gram = {key: float(np.vdot(p, q)) / n for key, (p, q) in {
                "cc": (rc, rc), "cu": (rc, zu), "cv": (rc, zv), "uu": (zu, zu), "uv": (zu, zv), "vv": (zv, zv)}.items()}
            data = 0.5 * (gram["cc"] + 2 * a * gram["cu"] + 2 * b * gram["cv"] + a * a * gram["uu"]
                          + 2 * a * b * gram["uv"] + b * b * gram["vv"])
        else:
            data = _rows_of_losses(objective, zc, zu, zv, alphas, betas, between_rows, workers or os.cpu_count() or 1)
        return data + _penalty(objective, plane, a, b)


def _rows_of_losses(objective: Objective, zc: np.ndarray, zu: np.ndarray, zv: np.ndarray, alphas: np.ndarray,
                    betas: np.ndarray, between_rows: Callable[[], None] | None = None, workers: int = 1) -> np.ndarray:
    """The mean per-sample loss at every grid point, SAMPLE_BLOCK samples and one grid row at a time (bounded memory;
    ``between_rows`` after each row on one thread; with more, each takes a band of rows): BCE and CE in the separable
    form of the coordinate surface (the logits are z_c + αz_u + βz_v, so each e^{z_k − z_y} = e^{U[k, α]}·e^{V[k, β]},
    exponentiated once per block and axis), the others — and rows where an exponential could overflow — from the
    logits themselves."""
    n = len(zc)
    losses = np.zeros((len(betas), len(alphas)))
    bands = [band for band in np.array_split(np.arange(len(betas)), max(1, workers)) if len(band)]
    if not bands:
        return losses
    with ThreadPoolExecutor(len(bands)) if len(bands) > 1 else nullcontext() as pool:
        for start in range(0, n, SAMPLE_BLOCK):
            part = slice(start, min(n, start + SAMPLE_BLOCK))
            rows_of = _block_rows(objective.loss, objective.target[part], zc[part], zu[part], zv[part], alphas, betas)
            weight = (part.stop - part.start) / n

            def add(band: np.ndarray, rows_of: Callable[[slice], np.ndarray] = rows_of, weight: float = weight) -> None:
                for i in band:  # one row a call, whatever the band: the numbers do not depend on the split
                    losses[i] += weight * rows_of(slice(i, i + 1))[0]
                    if between_rows is not None and pool is None:
                        between_rows()
            if pool is None:
                add(bands[0])
            else:
                list(pool.map(add, bands))
    return losses


def _block_rows(loss: Loss, target: np.ndarray, zc: np.ndarray, zu: np.ndarray, zv: np.ndarray, alphas: np.ndarray,
                betas: np.ndarray) -> Callable[[slice], np.ndarray]:
    """rows ↦ (len(rows), R) sample means of one block of samples' losses on those grid rows."""
    direct = partial(_direct_rows, loss, target, zc, zu, zv, alphas, betas)
    if loss.name in ("l1", "huber") and zc.shape[1] == 1:  # |z − y| with z = αz_u + (z_c + βz_v), in cached blocks
        A, B = np.multiply.outer(alphas, zu[:, 0]), zc[:, 0] + np.multiply.outer(betas, zv[:, 0])
        return partial(absolute_rows, A, B, target[:, 0], loss.name == "huber")
    if loss.name == "bce":  # softplus(s·z), s = 1 − 2y: U = s·(z_c + αz_u), V = s·βz_v
        s = target[:, 0]
        U = (zc[:, 0] + np.multiply.outer(alphas, zu[:, 0])) * s
        V = np.multiply.outer(betas, zv[:, 0]) * s
        return Log1pExpSum(U[None], V[None], partial(softplus_rows, U, V))
    if loss.name == "ce":  # −log softmax(z)_y = log1p(Σ_{k≠y} e^{z_k − z_y})
        y, every = target.argmax(axis=1), np.arange(len(zc))
        dc, du, dv = ((z - z[every, y][:, None]).T for z in (zc, zu, zv))  # (K, N): z_k − z_y
        U = dc[:, None, :] + alphas[None, :, None] * du[:, None, :]
        V = betas[None, :, None] * dv[:, None, :]
        return Log1pExpSum(U, V, direct, keep=(np.arange(len(dc))[:, None] != y)[:, None, :])
    return direct


def _direct_rows(loss: Loss, target: np.ndarray, zc: np.ndarray, zu: np.ndarray, zv: np.ndarray, alphas: np.ndarray,
                 betas: np.ndarray, rows: slice) -> np.ndarray:
    """(len(rows), R) sample means of the losses of the logits z_c + αz_u + βz_v themselves (any loss)."""
    out = np.empty((rows.stop - rows.start, len(alphas)))
    if isinstance(loss, CrossEntropy):  # class-first at once: per_sample would copy z so (same numbers)
        zc, zu, zv = (np.ascontiguousarray(a.T) for a in (zc, zu, zv))
    for i, beta in enumerate(betas[rows]):
        row = zc + beta * zv
        if isinstance(loss, CrossEntropy):
            zk = alphas[None, :, None] * zu[:, None, :]  # (k, R, N)
            zk += row[:, None, :]
            out[i] = loss.data_term(zk, target).mean(axis=1)
        else:
            out[i] = loss.per_sample(row[None] + alphas[:, None, None] * zu[None], target).mean(axis=1)
    return out


def _penalty(objective: Objective, plane: DirectionPlane, a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
    """(λ/2)‖W_c + αW_u + βW_v‖² on the grid."""
    if not objective.l2:
        return 0.0
    wc, wu, wv = plane.center[:, :-1], plane.u[:, :-1], plane.v[:, :-1]
    dot = lambda p, q: float(np.vdot(p, q))  # noqa: E731
    return 0.5 * objective.l2 * (dot(wc, wc) + 2 * a * dot(wc, wu) + 2 * b * dot(wc, wv) + a * a * dot(wu, wu)
                                 + 2 * a * b * dot(wu, wv) + b * b * dot(wv, wv))
