"""The API's scenes — made from arrays, replaced and saved, checked as scene files are — and what is computed of them:
a fit (``Run``), a surface grid and a sweep, the numbers of ``lossviz fit``, ``surface`` and ``sweep``."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lossviz.api.figure import Figure, checked_figure, plane_named
from lossviz.core.errors import LossvizError
from lossviz.core.losses import DEFAULT_LOSS
from lossviz.core.scene import Scene as CoreScene
from lossviz.core.training import FitResult
from lossviz.process import one_blas_thread_meanwhile


@dataclasses.dataclass(frozen=True)
class Optimizer:
    """An optimizer as the scene file names it: ``name`` (gd, momentum, nesterov, adam, …), ``lr``, ``momentum``
    (None: its default) and ``batch_size`` (None: the full batch).

        >>> Optimizer("momentum", lr=0.05, momentum=0.9)
        Optimizer(name='momentum', lr=0.05, momentum=0.9, batch_size=None)
    """

    name: str = "gd"
    lr: float = 0.1
    momentum: float | None = None
    batch_size: int | None = None

    def to_dict(self) -> dict:
        """The scene file's ``optimizer`` object."""
        return {key: value for key, value in dataclasses.asdict(self).items() if value is not None}


class Scene:
    """A scene — the data D, the model, the loss, the optimizer and its steps — immutable: ``replace`` returns a new
    one. ``core`` is the ``lossviz.core.scene.Scene`` the CLI and the window use.

        >>> scene = Scene.from_data([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0], task="regression", steps=5)
        >>> scene.task, scene.dims, len(scene.data_as_X_y[0])
        ('regression', 1, 3)
    """

    def __init__(self, core: CoreScene):
        self.core = core

    def __repr__(self) -> str:
        core = self.core
        return (f"lossviz.Scene(task={core.task!r}, dims={core.dims}, classes={core.classes}, loss={core.loss!r}, "
                f"optimizer={core.optimizer.name!r}, lr={core.optimizer.lr:g}, steps={core.steps}, "
                f"samples={core.data.size})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scene) and self.core == other.core

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ making one
    @classmethod
    def from_data(cls, X: Any, y: Any, task: str = "regression", loss: str | None = None,
                  optimizer: str | Optimizer = "gd", lr: float = 0.1, steps: int = 100, degree: int | None = None,
                  l2: float = 0.0, test_fraction: float = 0.0, seed: int = 0,
                  input_names: Sequence[str] | None = None, class_names: Sequence[str] | None = None,
                  standardize: bool = False, title: str = "") -> Scene:
        """A scene of the arrays X (N, d) or (N,) and y (N,): labels 0 … K−1 or class names (classification), or
        targets (regression); the loss defaults to the task's (l2, bce, ce). Lists, numpy arrays or pandas objects: a
        DataFrame's columns name the inputs, a Series' name the label, and text or categorical labels become the
        classes (in their categories' order, else sorted) unless ``class_names`` are given. Checked as a scene file
        is (the same messages).

            >>> Scene.from_data([[0, 1], [1, 0]], [0, 1], task="binary").loss
            'bce'
        """
        from lossviz.core.scene import scene_from_dict

        table = _table(X, y, task, class_names)
        X, y = table.X, table.y
        input_names = table.input_names if input_names is None else input_names
        class_names = table.class_names if class_names is None else class_names
        doc: dict[str, Any] = {"lossviz": 1, "task": task, "dims": int(X.shape[1]) if X.ndim == 2 else 1,
                               "loss": loss or DEFAULT_LOSS.get(task, "l2"), "steps": steps, "seed": seed,
                               "optimizer": (optimizer if isinstance(optimizer, Optimizer)
                                             else Optimizer(optimizer, lr)).to_dict(),
                               "data": {"x": X.tolist(), "y": y.tolist()}}
        if task == "multiclass":
            doc["classes"] = max(int(np.max(y)) + 1 if y.size else 2, len(class_names or ()), 2)
        if degree is not None:
            doc["features"] = {"degree": degree}
        if l2:
            doc["regularization"] = {"l2": l2}
        if test_fraction:
            doc["split"] = {"test_fraction": test_fraction, "seed": seed}
        if input_names is not None:
            doc["input_names"] = list(input_names)
        if class_names is not None:
            doc["class_names"] = list(class_names)
        if title:
            doc["title"] = title
        if table.label_name is not None:
            doc["label_name"] = table.label_name
        core = scene_from_dict(doc, "Scene.from_data")
        return cls(_standardized(core) if standardize else core)

    # ------------------------------------------------------------------ reading
    @property
    def task(self) -> str:
        """"regression", "binary" or "multiclass"."""
        return self.core.task

    @property
    def loss(self) -> str:
        """The loss's name (l2, l1, huber, bce, ce, …)."""
        return self.core.loss

    @property
    def dims(self) -> int:
        """The number of inputs d."""
        return self.core.dims

    @property
    def steps(self) -> int:
        """The optimizer's steps for a fit."""
        return self.core.steps

    @property
    def data_as_X_y(self) -> tuple[np.ndarray, np.ndarray]:
        """The data as numpy arrays: X (N, d) and y (N,) (int labels for classification); copies."""
        data = self.core.data
        return data.X.copy(), data.y.copy()

    def to_frame(self) -> Any:
        """The data as a pandas DataFrame (the inputs' names and the label's; pandas must be installed)."""
        import pandas as pd

        X, y = self.data_as_X_y
        names = list(self.core.input_names or [f"x{j + 1}" for j in range(X.shape[1])])
        frame = pd.DataFrame(X, columns=names)
        frame[self.core.label_name or "y"] = y
        return frame

    # ------------------------------------------------------------------ changing and saving
    def replace(self, **changes: Any) -> Scene:
        """A new scene with ``changes``: loss, optimizer (an Optimizer or a name), lr, steps, seed, degree, l2,
        title — checked as a scene file is.

            >>> lv_scene = Scene.from_data([[0.0], [1.0]], [0.0, 1.0], steps=5)
            >>> lv_scene.replace(lr=0.5, steps=10).steps
            10
        """
        from lossviz.core.scene import scene_from_dict, scene_to_dict

        doc = scene_to_dict(self.core)
        for key, value in changes.items():
            if key == "optimizer":
                doc["optimizer"] = (value if isinstance(value, Optimizer) else Optimizer(value, doc["optimizer"].get(
                    "lr", 0.1))).to_dict()
            elif key == "lr":
                doc["optimizer"] = {**doc.get("optimizer", {}), "lr": value}
            elif key == "degree":
                doc.pop("features", None)
                if value is not None:
                    doc["features"] = {"degree": value}
                _start_anew_for(doc, self.core, value)
            elif key == "l2":
                doc.pop("regularization", None)
                if value:
                    doc["regularization"] = {"l2": value}
            elif key in ("loss", "steps", "seed", "title"):
                doc[key] = value
            else:
                raise LossvizError(f"replace: unknown setting {key!r} (loss, optimizer, lr, steps, seed, degree, l2, "
                                   "title)")
        return Scene(scene_from_dict(doc, "Scene.replace"))

    def save(self, path: str | Path) -> Path:
        """Write the scene file ``path`` (JSON, as the app saves it); returns the path."""
        from lossviz.core.scene import write_scene

        write_scene(self.core, path)
        return Path(path)

    # ------------------------------------------------------------------ computing
    def fit(self, steps: int | None = None) -> Run:
        """The scene's optimizer from its start for ``steps`` (default: the scene's) = ``lossviz fit``."""
        from lossviz.api.arguments import optional_whole
        from lossviz.core.experiment import fit_columns, fit_scene
        from lossviz.core.scene import MAX_STEPS

        if self.core.data.size == 0:
            raise LossvizError("data: the scene has no data points; add some before fitting")
        with one_blas_thread_meanwhile():
            result = fit_scene(self.core, optional_whole(steps, 0, MAX_STEPS, "steps"))
        return Run(self, result, fit_columns(self.core, result.thetas))

    def surface(self, x: str | None = None, y: str | None = None, resolution: int | None = None, of: str = "data",
                plane: str | None = None) -> SurfaceGrid:
        """= ``lossviz surface``: the loss over two parameters ``x``, ``y`` (default: the scene's axes) or over a
        ``plane`` through θ-space ("pca", "hessian", "trajectory", "random[:SEED]"); ``of`` "data", "population"
        or "sample:I"."""
        from lossviz.api.arguments import optional_whole
        from lossviz.core.decomposition import parse_surface_of, surface_objective
        from lossviz.core.experiment import fit_scene, scene_surface
        from lossviz.core.scene import MAX_RESOLUTION

        core = self.core
        if core.data.size == 0:
            raise LossvizError("data: the scene has no data points; add some before fitting")
        resolution = optional_whole(resolution, 2, MAX_RESOLUTION, "resolution")
        if x is not None or y is not None:
            axes = (x or core.surface_axes[0], y or core.surface_axes[1])
            core = self._with_axes(axes)
        try:
            what, index = parse_surface_of(of)
        except LossvizError as error:
            raise LossvizError(f"of: {error}") from None
        objective = surface_objective(core, what, index)
        chosen = plane_named(plane)
        with one_blas_thread_meanwhile():
            grid = scene_surface(core, objective, lambda: fit_scene(core).thetas, resolution, chosen)
        return SurfaceGrid(grid)

    def _with_axes(self, axes: tuple[str, str]) -> CoreScene:
        """The core scene with the surface on the parameters ``axes`` (checked as the scene file's keys are)."""
        from lossviz.core.scene import scene_from_dict, scene_to_dict

        doc = scene_to_dict(self.core)
        doc.setdefault("surface", {}).update(x=axes[0], y=axes[1])
        doc["surface"].pop("center", None)
        return scene_from_dict(doc, "Scene.surface")

    def sweep(self, degrees: Sequence[int], l2: Sequence[float] | None = None) -> Sweep:
        """= ``lossviz sweep``: the final losses of a fit per degree of φ (and λ, default the scene's)."""
        from lossviz.core.sweep import sweep

        with one_blas_thread_meanwhile():
            return Sweep(sweep(self.core, list(degrees), None if l2 is None else list(l2)))


class SurfaceGrid:
    """``lossviz surface``'s grid: ``x`` (M,), ``y`` (M,), ``loss`` (M, M) with loss[i, j] at (x[j], y[i]);
    ``x_param``, ``y_param`` and the axes' titles ``x_label``, ``y_label``; on a plane also ``plane`` (its kind),
    ``center``, ``u``, ``v`` (p,), the fit's path projected (``path_x``, ``path_y``) and each entry's distance
    ``off_plane``, and pca's ``explained`` or hessian's ``eigenvalues`` (None otherwise) — as the command writes them.

        >>> from lossviz.api import preset
        >>> preset("xor").surface(resolution=8).loss.shape
        (8, 8)
    """

    def __init__(self, grid: Any):
        from lossviz.core.reports import plane_arrays

        surface = grid.surface
        self.x, self.y, self.loss = surface.x, surface.y, surface.loss
        self.x_param, self.y_param = surface.x_param, surface.y_param
        self.x_label, self.y_label = surface.x_param, surface.y_param
        found = grid.plane
        self.plane: str | None = None if found is None else found.kind
        self.explained: np.ndarray | None = None
        self.eigenvalues: np.ndarray | None = None
        if found is not None:
            arrays = plane_arrays(found, grid.path)
            self.center, self.u, self.v = arrays["center"], arrays["u"], arrays["v"]
            self.path_x, self.path_y, self.off_plane = arrays["path_x"], arrays["path_y"], arrays["off_plane"]
            self.explained, self.eigenvalues = arrays.get("explained"), arrays.get("eigenvalues")
            self.x_label, self.y_label = found.x_label, found.y_label

    def plot(self, ax: Any = None, levels: int = 30) -> Any:
        """Draw the grid as filled contours on matplotlib's axes ``ax`` (a new figure's where None), the fit's path
        on a plane too; returns the axes. matplotlib must be installed; ``lv.render`` draws lossviz's own figure."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise LossvizError("SurfaceGrid.plot needs matplotlib (pip install matplotlib); lv.render(scene, "
                               "layout='surface') draws lossviz's own figure") from None
        if ax is None:
            _, ax = plt.subplots()
        filled = ax.contourf(self.x, self.y, np.ma.masked_invalid(self.loss), levels=levels, cmap="viridis")
        ax.figure.colorbar(filled, ax=ax, label="loss")
        if self.plane is not None:
            ax.plot(self.path_x, self.path_y, ".-", color="white", markersize=3, linewidth=1, label="the fit's path")
        ax.set_xlabel(self.x_label)
        ax.set_ylabel(self.y_label)
        return ax

    def __repr__(self) -> str:
        return f"lossviz.SurfaceGrid({self.x_param} × {self.y_param}, {len(self.x)} × {len(self.y)})"


class Sweep:
    """``lossviz sweep``'s points: each with ``degree``, ``l2``, ``loss``, ``data_loss`` and ``test_loss``.

        >>> from lossviz.api import preset
        >>> [point.degree for point in preset("sine-overfit").sweep([1, 3]).points]
        [1, 3]
    """

    def __init__(self, points: list[Any]):
        self.points = points

    def to_frame(self) -> Any:
        """The points as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame([dataclasses.asdict(point) for point in self.points])


class Run:
    """A fit = ``lossviz fit``: ``status``, ``steps``, and per entry ``step``, ``loss``, ``grad_norm``, ``W``, ``b`` (and
    ``data_loss`` with λ, ``test_loss`` with a test set); ``theta`` = the last (W, b). In a notebook it shows as the
    scene's figure after these steps.

        >>> from lossviz.api import preset
        >>> run = preset("linear-regression").fit(steps=5)
        >>> run.loss.shape, run.W.shape
        ((6,), (6, 1, 1))
    """

    def __init__(self, scene: Scene, result: FitResult, columns: dict[str, np.ndarray]):
        self.scene, self.result = scene, result
        self.status: str = result.status
        numbers = result.step_numbers
        self.step: np.ndarray = np.arange(len(result.losses)) if numbers is None else numbers.copy()
        self.steps: int = int(self.step[-1])
        self.loss: np.ndarray = result.losses
        self.grad_norm: np.ndarray = result.grad_norms
        self.W: np.ndarray = result.thetas[:, :, :-1]
        self.b: np.ndarray = result.thetas[:, :, -1]
        self.data_loss: np.ndarray | None = columns.get("data_loss")
        self.test_loss: np.ndarray | None = columns.get("test_loss")

    @property
    def theta(self) -> tuple[np.ndarray, np.ndarray]:
        """The last entry's (W (k, d), b (k,))."""
        return self.W[-1].copy(), self.b[-1].copy()

    def __repr__(self) -> str:
        return f"lossviz.Run(status={self.status!r}, steps={self.steps}, loss={float(self.loss[-1]):.6g})"

    def to_frame(self) -> Any:
        """The columns of ``lossviz fit``'s CSV as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        from lossviz.core.reports import trajectory_header

        columns = {name: values for name, values in (("data_loss", self.data_loss), ("test_loss", self.test_loss))
                   if values is not None}
        flat = self.W.reshape(len(self.W), -1)
        rows = np.column_stack([self.step, self.loss, *columns.values(), flat, self.b, self.grad_norm])
        return pd.DataFrame(rows, columns=trajectory_header(self.scene.core.shape, columns))

    def figure(self, layout: str = "full", size: tuple[int, int] = (1280, 720), theme: str = "light") -> Figure:
        """The scene's figure after this run's steps (as ``render(scene, steps=run.steps)``; 1280 × 720 by
        default, the size a notebook shows inline)."""
        return checked_figure(self.scene.core, layout, size, theme, self.steps)

    def _repr_png_(self) -> bytes | None:
        return self.figure()._repr_png_()

    def _repr_svg_(self) -> str | None:
        return self.figure()._repr_svg_()




def _start_anew_for(doc: dict[str, Any], core: CoreScene, degree: Any) -> None:
    """For φ of another width: θ starts at zeros and the surface view is chosen anew in the scene file ``doc``, as
    the window and ``lossviz sweep`` do (the old init and axes name parameters the new model does not have)."""
    from lossviz.core.features import feature_count

    if degree is not None and not (isinstance(degree, int) and degree >= 1):
        return  # the scene's check names the bad degree
    if feature_count(core.dims, degree) != feature_count(core.dims, core.degree):
        doc.pop("init", None)
        doc["surface"] = {"resolution": core.surface.resolution}


@dataclasses.dataclass(frozen=True)
class _Table:
    """from_data's arrays and the names they carried: X (N, d) floats, y (N,), the inputs', the label's and the
    classes' names (None where they had none)."""

    X: np.ndarray
    y: np.ndarray
    input_names: list[str] | None
    label_name: str | None
    class_names: list[str] | None


def _table(X: Any, y: Any, task: str, class_names: Sequence[str] | None = None) -> _Table:
    """X as (N, d) floats and y as (N,) — from lists, numpy arrays or pandas objects, with the names a DataFrame's
    columns and a Series' name give, and labels 0 … K−1 for text or categorical classes; LossvizError naming what is
    wrong (shape, length, NaN)."""
    columns = getattr(X, "columns", None)
    input_names = None if columns is None else [str(name) for name in columns]
    if input_names is None and getattr(X, "ndim", 2) == 1 and getattr(X, "name", None) is not None:
        input_names = [str(X.name)]  # a Series: one named input
    label = getattr(y, "name", None)
    y, class_names = _labels(y, task, class_names)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise LossvizError(f"X: expected an array of shape (N, d) or (N,), got shape {X.shape}")
    if y.ndim != 1:
        raise LossvizError(f"y: expected an array of shape (N,), got shape {y.shape}")
    if len(X) != len(y):
        raise LossvizError(f"X has {len(X)} rows but y has {len(y)} values")
    if not np.isfinite(X).all():
        raise LossvizError("X: every value must be a finite number (NaN or infinity found)")
    if y.dtype.kind in "fc" and not np.isfinite(y).all():
        raise LossvizError("y: every value must be a finite number (NaN or infinity found)")
    return _Table(X, y, input_names, None if label is None else str(label), class_names)


def _labels(y: Any, task: str, class_names: Sequence[str] | None) -> tuple[np.ndarray, list[str] | None]:
    """y as an array, and for classification with text or categorical labels their codes 0 … K−1 and the classes'
    names: in the order of ``class_names`` where given (every label must be one of them), else a categorical's
    categories in order, else the sorted distinct values."""
    categories = getattr(getattr(y, "cat", None), "categories", None)
    values = np.asarray(y)
    text = categories is not None or (values.dtype.kind in "OUS" and values.ndim == 1)
    if not text or task == "regression":
        if text:
            raise LossvizError("y: a regression's targets must be numbers (text labels found: use task='binary' or "
                               "'multiclass')")
        return (values.astype(np.int64), None) if values.dtype.kind == "b" else (values, None)
    if values.dtype.kind == "O" and any(label is None or label != label for label in values):  # None, NaN
        raise LossvizError("y: some labels are missing (None or NaN); drop those rows first")
    labels = values.astype(str)
    names = ([str(name) for name in class_names] if class_names is not None
             else [str(name) for name in categories] if categories is not None
             else [str(name) for name in np.unique(labels)])
    code_of = {name: code for code, name in enumerate(names)}
    unknown = sorted(str(label) for label in set(labels) - set(code_of))
    if unknown:
        raise LossvizError(f"y: label {unknown[0]!r} is not one of the classes ({', '.join(names)})")
    return np.array([code_of[label] for label in labels], dtype=np.int64), names


def _standardized(core: CoreScene) -> CoreScene:
    """``core`` with each input column standardised (mean 0, std 1; constant columns only centred), the columns'
    mean and std kept as ``lossviz import --standardize`` keeps them."""
    from lossviz.core.dataset import Dataset
    from lossviz.core.features import standardizer
    from lossviz.core.table import standardized
    from lossviz.core.units import STANDARDISED, Standardization

    X = core.data.X
    names = None if core.input_names is None else tuple(name + STANDARDISED for name in core.input_names)
    return core.replace(data=Dataset(standardized(X), core.data.y),
                        standardization=Standardization.of(*standardizer(X)), input_names=names)
