"""What ``lossviz fit``, ``surface`` and ``sweep`` write, as text (JSON, CSV) or bytes (``.npz``): one definition of
each output's columns and keys, which the command line writes and the Python API reads back."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lossviz.core.model import ModelShape
    from lossviz.core.planes import DirectionPlane
    from lossviz.core.surface import Surface
    from lossviz.core.sweep import SweepPoint
    from lossviz.core.training import FitResult

SURFACE_FORMATS = ("npz", "json", "csv")
TABLE_FORMATS = ("json", "csv")


def finite_or_none(value: float | None) -> float | None:
    """A loss for JSON: None (null) where it is not finite (a test loss can overflow where the training loss does
    not)."""
    return value if value is not None and math.isfinite(value) else None


def _csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def trajectory_json(result: FitResult, columns: dict[str, np.ndarray] | None = None,
                    curvature: dict | None = None) -> str:
    """``lossviz fit``'s JSON: the status and one entry per step; ``columns`` (``fit_columns``) go after "loss";
    ``curvature`` (``Curvature.summary``, at the last θ) under "curvature"."""
    W = result.thetas[:, :, :-1].tolist()
    b = result.thetas[:, :, -1].tolist()
    extra = {name: values.tolist() for name, values in (columns or {}).items()}
    entries = []
    for k, (loss, w, bb, g) in enumerate(zip(result.losses.tolist(), W, b, result.grad_norms.tolist())):
        entry = {"step": k, "loss": loss}
        entry.update((name, finite_or_none(values[k])) for name, values in extra.items())
        entry.update(W=w, b=bb, grad_norm=g)
        entries.append(entry)
    document: dict = {"status": result.status, "trajectory": entries}
    if curvature is not None:
        document["curvature"] = curvature
    return json.dumps(document) + "\n"


def trajectory_header(shape: ModelShape, columns: dict[str, np.ndarray] | None = None) -> list[str]:
    """The columns of ``lossviz fit``'s CSV: step, loss, the ``columns``, the parameters and ‖∇L‖."""
    return ["step", "loss", *(columns or {}), *shape.param_names(), "grad_norm"]


def trajectory_csv(result: FitResult, shape: ModelShape, columns: dict[str, np.ndarray] | None = None) -> str:
    """``lossviz fit``'s CSV: step, loss, the ``columns`` (``fit_columns``), the parameters and ‖∇L‖, one row per
    step."""
    columns = columns or {}
    flat = result.thetas[:, :, :-1].reshape(len(result.thetas), -1)
    extra = list(zip(*(values.tolist() for values in columns.values()))) or [()] * len(result.losses)
    rows = ([k, loss, *more, *w, *b, g] for k, (loss, more, w, b, g) in enumerate(zip(
        result.losses.tolist(), extra, flat.tolist(), result.thetas[:, :, -1].tolist(), result.grad_norms.tolist())))
    return _csv_text(trajectory_header(shape, columns), rows)


def surface_output(surface: Surface, fmt: str) -> str | bytes:
    """``lossviz surface``'s output: ``.npz`` bytes, or JSON or CSV text (a non-finite loss is null in JSON)."""
    if fmt == "npz":
        archive = io.BytesIO()
        np.savez(archive, x=surface.x, y=surface.y, loss=surface.loss,
                 x_param=np.array(surface.x_param), y_param=np.array(surface.y_param))
        return archive.getvalue()
    if fmt == "json":
        loss = [[value if np.isfinite(value) else None for value in row] for row in surface.loss.tolist()]
        return json.dumps({"x_param": surface.x_param, "y_param": surface.y_param, "x": surface.x.tolist(),
                           "y": surface.y.tolist(), "loss": loss}) + "\n"
    xs, ys = surface.x.tolist(), surface.y.tolist()
    rows = ([x, ys[i], value] for i, row in enumerate(surface.loss.tolist()) for x, value in zip(xs, row))
    return _csv_text([surface.x_param, surface.y_param, "loss"], rows)


def plane_arrays(plane: DirectionPlane, path: np.ndarray) -> dict[str, np.ndarray]:
    """The plane as ``lossviz surface --plane`` writes it: centre, u, v (p,) in ``fit``'s column order, the path
    (T+1, k, d+1) projected (path_x, path_y) with each entry's distance off the plane, and pca's ``explained`` or
    hessian's ``eigenvalues`` where the plane has them."""
    arrays: dict[str, np.ndarray] = {**plane.flat()}
    coordinates = plane.coordinates(path)
    arrays.update(path_x=coordinates[:, 0], path_y=coordinates[:, 1], off_plane=plane.off_plane(path))
    if plane.explained is not None:
        arrays["explained"] = plane.explained
    if plane.eigenvalues is not None:
        arrays["eigenvalues"] = plane.eigenvalues
    return arrays


def plane_output(plane: DirectionPlane, alphas: np.ndarray, betas: np.ndarray, loss: np.ndarray, path: np.ndarray,
                 fmt: str, names: tuple[str, str] = ("alpha", "beta")) -> str | bytes:
    """``lossviz surface --plane``'s output: the grid over (α, β) = ``names`` and the plane itself — centre, u, v (p,)
    in ``fit``'s column order, the path projected (path_x, path_y) with each entry's distance off the plane, and pca's
    ``explained`` or hessian's ``eigenvalues``."""
    extra = plane_arrays(plane, path)
    labels = {"plane": plane.kind, "x_param": names[0], "y_param": names[1], "x_label": plane.x_label,
              "y_label": plane.y_label}
    if fmt == "npz":
        archive = io.BytesIO()
        arrays: dict[str, np.ndarray] = {"x": alphas, "y": betas, "loss": loss, **extra,
                                         **{key: np.array(value) for key, value in labels.items()}}
        np.savez(archive, **arrays)  # type: ignore[arg-type]  # numpy's stub takes allow_pickle among the names
        return archive.getvalue()
    if fmt == "json":
        rows = [[value if np.isfinite(value) else None for value in row] for row in loss.tolist()]
        return json.dumps({**labels, "x": alphas.tolist(), "y": betas.tolist(), "loss": rows,
                           **{key: value.tolist() for key, value in extra.items()}}) + "\n"
    xs, ys = alphas.tolist(), betas.tolist()
    return _csv_text([names[0], names[1], "loss"], ([x, ys[i], value] for i, row in enumerate(loss.tolist())
                                                    for x, value in zip(xs, row)))


def sweep_columns(points: list[SweepPoint]) -> list[str]:
    """The columns of ``lossviz sweep``'s output ("test_loss" only with a test set)."""
    tested = any(point.test_loss is not None for point in points)
    return ["degree", "l2", "loss", "data_loss", *(["test_loss"] if tested else [])]


def sweep_json(points: list[SweepPoint]) -> str:
    """``lossviz sweep``'s JSON: {"points": [{"degree", "l2", "loss", "data_loss", "test_loss"}, …]} ("test_loss"
    only with a test set; null where it is not finite)."""
    columns = sweep_columns(points)
    rows = [{name: getattr(point, name) for name in columns} for point in points]
    for row in rows:
        row.update((name, finite_or_none(row[name])) for name in ("loss", "data_loss", "test_loss") if name in row)
    return json.dumps({"points": rows}) + "\n"


def sweep_csv(points: list[SweepPoint]) -> str:
    """``lossviz sweep``'s CSV: one row of degree, l2, loss, data_loss (and test_loss) per point."""
    columns = sweep_columns(points)
    return _csv_text(columns, ([getattr(point, name) for name in columns] for point in points))
