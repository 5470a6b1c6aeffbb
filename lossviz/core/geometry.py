"""The lines the data view draws, as numbers: the model's boundary between classes, the contours of a function on a
grid, and what P says about y given x (E[y|x], P(y = 1|x) or the Bayes boundary). Pure numpy and contourpy: the plot
items only hand these lines to pyqtgraph."""

from __future__ import annotations

import contourpy
import numpy as np

from lossviz.core.distributions import Distribution

Rect = tuple[float, float, float, float]  # x0, x1, y0, y1 of a view
Lines = tuple[np.ndarray, np.ndarray]  # x, y of polylines with NaN between them


def contour_lines(generator: contourpy.ContourGenerator, level: float) -> list[np.ndarray]:
    """The contour lines at ``level``, each an (M, 2) array: the default line type, LineType.Separate."""
    lines = generator.lines(level)
    assert isinstance(lines, list), "made without a line_type, a contour generator returns a list of lines"
    return lines


def join_lines(pieces: list[np.ndarray]) -> Lines:
    """Polylines (each (M, 2)) as one x, y pair with NaN between them (for ``connect="finite"``)."""
    pieces = [p for p in pieces if len(p) > 1]
    if not pieces:
        return np.empty(0), np.empty(0)
    gap = np.array([[np.nan, np.nan]])
    joined = np.concatenate([part for p in pieces for part in (p, gap)][:-1])
    return joined[:, 0], joined[:, 1]


def grid_axes(rect: Rect, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """``resolution`` evenly spaced x and y values across ``rect``."""
    x0, x1, y0, y1 = rect
    return np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)


def grid_points(gx: np.ndarray, gy: np.ndarray, dims: int) -> np.ndarray:
    """The grid's points row by row, (rows·cols, 2); for one input, x repeated down the rows, (rows·cols, 1)."""
    if dims == 2:
        xx, yy = np.meshgrid(gx, gy)
        return np.column_stack([xx.ravel(), yy.ravel()])
    return np.tile(gx, len(gy))[:, None]


def zero_lines(gx: np.ndarray, gy: np.ndarray, values: np.ndarray) -> Lines:
    """Where ``values`` (rows, cols) on the grid is 0: a curved binary boundary, Wφ(x) + b = 0."""
    return join_lines(contour_lines(contourpy.contour_generator(gx, gy, values), 0.0))


def straight_boundary(weights: np.ndarray, bias: float, rect: Rect) -> Lines:
    """The line w₁x₁ + w₂x₂ + b = 0 across ``rect`` (nothing when w = 0): along x where it is flatter, else along y."""
    (w0, w1), (x0, x1, y0, y1) = weights, rect
    if abs(w1) >= abs(w0) and w1 != 0:
        xs = np.array([x0, x1])
        return xs, -(bias + w0 * xs) / w1
    if w0 != 0:
        ys = np.array([y0, y1])
        return -(bias + w1 * ys) / w0, ys
    return np.empty(0), np.empty(0)


def class_boundaries(gx: np.ndarray, gy: np.ndarray, logits: np.ndarray) -> Lines:
    """The boundaries of the regions where each class wins, from ``logits`` (rows, cols, k) on the grid."""
    pieces: list[np.ndarray] = []
    for c in range(logits.shape[-1]):
        margin = logits[..., c] - np.delete(logits, c, axis=-1).max(axis=-1)
        pieces += contour_lines(contourpy.contour_generator(gx, gy, margin), 0.0)
    return join_lines(pieces)


def truth_lines(dist: Distribution, rect: Rect, grid: tuple[np.ndarray, np.ndarray]) -> Lines:
    """What P says about y given x, as lines over the view ``rect``: E[y|x] or P(y=1|x) in 1-D, the Bayes
    decision boundaries over ``grid`` in 2-D (pieces separated by NaN)."""
    x0, x1, _, _ = rect
    if dist.dims == 1:
        xs = np.linspace(x0, x1, 400)[:, None]
        ys = dist.regression_mean(xs) if dist.task == "regression" else dist.class_probabilities(xs)[:, 1]
        return xs[:, 0], ys
    gx, gy = grid
    probabilities = dist.class_probabilities(grid_points(gx, gy, 2)).reshape(len(gy), len(gx), -1)
    classes = probabilities.shape[-1]
    top_two = np.sort(np.argsort(probabilities, axis=-1)[..., -2:], axis=-1)
    pieces = []
    for c in range(classes):  # each boundary once: drawn from both of its sides, the dots of two lines fill in
        for other in range(c + 1, classes):  # where c and ``other`` are the two most probable and tie
            margin = probabilities[..., c] - probabilities[..., other]
            if classes > 2:
                margin = np.ma.masked_array(margin, ~((top_two[..., 0] == c) & (top_two[..., 1] == other)))
            pieces += contour_lines(contourpy.contour_generator(gx, gy, margin), 0.0)
    return join_lines(pieces)
