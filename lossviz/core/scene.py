"""Scene files, format version 1: a dataset, a model, a loss, an optimizer and a surface view.

``read_scene`` validates everything and raises LossvizError naming the file, the key and
the row; ``write_scene`` writes atomically; unknown keys survive a round trip.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from lossviz.core.dataset import TASKS, Dataset, make_dataset
from lossviz.core.distributions import Distribution, check_compatible, check_feature_reach, parse_distribution
from lossviz.core.errors import LossvizError
from lossviz.core.features import (
    Design,
    FeatureMap,
    Split,
    check_feature_memory,
    check_feature_range,
    feature_count,
    feature_names,
    parse_degree,
    parse_l2,
    parse_split,
    polynomial,
    split_rows,
)
from lossviz.core.files import check_readable_size, read_input_text, write_atomic
from lossviz.core.json_text import json_lines
from lossviz.core.limits import MAX_CLASSES, MAX_DIMS, PLANES, SEED_BOUND
from lossviz.core.losses import DEFAULT_LOSS, get_loss
from lossviz.core.model import ModelShape, join, split
from lossviz.core.objective import Objective
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.runs import Run, optimizer_to_dict, parse_optimizer, parse_runs, runs_to_list
from lossviz.core.units import Standardization, parse_standardization, units_text
from lossviz.core.validate import as_object, check_keys, integer, number, show_value
from lossviz.core.view import ViewOptions, parse_view

SCENE_VERSION = 1
KNOWN_KEYS = ("lossviz", "task", "data", "dims", "classes", "loss", "init", "optimizer",
              "steps", "tol", "seed", "surface", "distribution", "split", "features", "regularization", "class_names",
              "input_names", "label_name", "title", "notes", "runs", "view", "standardization")
MAX_STEPS = 1_000_000
MAX_RESOLUTION = 2048


@dataclass(frozen=True)
class SurfaceConfig:
    """The surface view of a scene; None means "choose automatically"."""

    x: str | None = None
    y: str | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    resolution: int = 128
    center: np.ndarray | None = None  # (k, d+1) theta
    plane: str = "coords"  # the plane through θ-space (core.planes.PLANES): coords = the two parameters x and y
    seed: int = 0  # the random plane's seed

    @property
    def fixed(self) -> bool:
        """True when both ranges are given (else the surface is framed automatically)."""
        return self.x_range is not None and self.y_range is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SurfaceConfig):
            return NotImplemented
        same_center = (self.center is None and other.center is None) or (
            self.center is not None and other.center is not None and np.array_equal(self.center, other.center))
        return (self.x, self.y, self.x_range, self.y_range, self.resolution, self.plane, self.seed) == (
            other.x, other.y, other.x_range, other.y_range, other.resolution, other.plane, other.seed) and same_center


@dataclass(frozen=True, eq=False)
class Scene:
    """One document: data, model shape, loss, start θ (``init``, (k, d+1)), optimizer, run length, view."""

    task: str
    dims: int
    loss: str
    data: Dataset
    init: np.ndarray
    classes: int = 2
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    steps: int = 100
    tol: float = 0.0
    seed: int = 0
    surface: SurfaceConfig = field(default_factory=SurfaceConfig)
    extra: dict = field(default_factory=dict)
    distribution: Distribution | None = None  # P(X, Y), where the scene names it
    split: Split | None = None  # the test set held out (None: every sample trains)
    degree: int | None = None  # φ(x): polynomial features of this degree, standardised (None: φ(x) = x)
    l2: float = 0.0  # λ of the penalty (λ/2)‖W‖²
    class_names: tuple[str, ...] | None = None  # one name per class (None: classes are shown by number)
    input_names: tuple[str, ...] | None = None  # one name per input x_j, e.g. an imported column's (None: x₁, x₂)
    label_name: str | None = None  # the name of y, e.g. an imported column's (None: y)
    title: str = ""  # one line, shown in the window's title and above figures ('' : none)
    notes: str = ""  # for the lecture, shown above the plots ('': none)
    runs: tuple[Run, ...] = ()  # an optimizer race (empty: one run with ``optimizer``)
    view: ViewOptions = field(default_factory=ViewOptions)
    standardization: Standardization | None = None  # the raw columns' mean and std, for an import standardised

    @property
    def shape(self) -> ModelShape:
        """The shape of θ: one column of W per feature φ(x), then b."""
        return ModelShape(self.task, feature_count(self.dims, self.degree), self.classes)

    @property
    def input_shape(self) -> ModelShape:
        """The shape of θ for the raw inputs x (what the data and a distribution must fit)."""
        return ModelShape(self.task, self.dims, self.classes)

    def units_text(self, theta: np.ndarray) -> str:
        """θ as the model over the table's original units ('ŷ = 0.41·sepal length + … + 1.3', a line per output),
        for a scene standardised at import and without features φ; '' otherwise (see ``core.units``)."""
        if self.standardization is None or self.degree is not None or not np.all(np.isfinite(theta)):
            return ""
        names = self.input_names or tuple(feature_names(self.dims, None))
        return units_text(self.standardization.original(theta), names, self.task, self.class_names)

    def design(self) -> Design:
        """The training and test rows and the feature map φ fitted on the training rows (made once)."""
        cached = self.__dict__.get("_design")
        if cached is None:
            train, test = split_rows(self.split, self.data.size)
            if self.degree is None:
                cached = Design(train, test, FeatureMap(self.dims), self.data.X)
            else:  # the monomials of every sample once: φ is fitted on the training rows', the objectives slice φ
                check_feature_memory(self.data.size, self.dims, self.degree)
                raw = polynomial(self.data.X, self.degree)
                features = FeatureMap.from_monomials(self.dims, self.degree, raw[train])
                cached = Design(train, test, features, (raw - features.mean) / features.std)
            object.__setattr__(self, "_design", cached)
        return cached

    @property
    def surface_axes(self) -> tuple[str, str]:
        """The two surface parameters, defaults filled in."""
        x = self.surface.x or "W[0,0]"
        y = self.surface.y or ("b[0]" if self.dims == 1 else "W[0,1]")
        return x, y

    @property
    def surface_center(self) -> np.ndarray:
        """The θ whose parameters off the surface's axes are held: the surface's center, else the start θ."""
        return self.init if self.surface.center is None else self.surface.center

    def objective(self) -> Objective:
        """What descent minimises: L(θ|D_train) + (λ/2)‖W‖² over φ of the training rows; refuses no data."""
        if self.data.size == 0:
            raise LossvizError("the scene has no data points: add some before fitting")
        return self._objective("train", self.l2)

    def test_objective(self) -> Objective | None:
        """L(θ|D_test) over φ of the test rows, without the penalty (None without a test set)."""
        return self._objective("test", 0.0) if len(self.design().test) else None

    def points_objective(self) -> Objective:
        """Every sample's loss l(θ|φ(xᵢ), yᵢ) in the data's order, without the penalty (marker sizes, hover)."""
        return self._objective("points", 0.0)

    def _objective(self, rows: str, l2: float) -> Objective:
        """The objective over the ``rows`` named (train, test, points: all) with λ = ``l2``, made once per scene (its
        Xa = [φ(x) | 1] costs a pass over the data: ~20 ms at 100,000 × 50 inputs, and the window asks for it several
        times when a scene is shown)."""
        design = self.design()
        if rows == "points" and len(design.train) == self.data.size:
            rows = "train"  # every sample trains: one data term (and one Xa) for both
        made = _recent_objectives(self)
        if (rows, 0.0) not in made:  # the data term; the penalised objectives share its arrays
            chosen = {"train": design.train, "test": design.test}.get(rows)
            made[rows, 0.0] = self._data_term(np.arange(self.data.size) if chosen is None else chosen)
        if (rows, l2) not in made:
            made[rows, l2] = made[rows, 0.0].with_l2(l2)
        return made[rows, l2]

    def _data_term(self, rows: np.ndarray) -> Objective:
        data = self.data
        X = data.X if len(rows) == data.size and self.degree is None else self.design().phi[rows]
        chosen = data if X is data.X else Dataset(X, data.y[rows])
        return Objective(self.shape, get_loss(self.loss, self.task), chosen)

    def replace(self, **changes: Any) -> Scene:
        """A copy with some fields changed (the scene itself never changes)."""
        return replace(self, **changes)

    def class_name(self, label: int) -> str:
        """How class ``label`` is shown: its name, else its number."""
        names = self.class_names
        return names[label] if names is not None and 0 <= label < len(names) else str(label)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scene):
            return NotImplemented
        return scene_to_dict(self) == scene_to_dict(other)


_RECENT_SCENES = 2  # scenes whose objectives are kept (not every scene on an undo stack: each holds N × (d + 1))
_recent: list[tuple[weakref.ref, dict]] = []


def _recent_objectives(scene: Scene) -> dict:
    """The objectives made for ``scene`` so far, kept while it is one of the last scenes asked for."""
    for entry in _recent:
        if entry[0]() is scene:
            return entry[1]
    entry = (weakref.ref(scene), {})
    _recent[:] = [e for e in _recent if e[0]() is not None][-(_RECENT_SCENES - 1):] + [entry]
    return entry[1]


# ---------------------------------------------------------------- validation helpers

def _vector(value: object, length: int, where: str) -> np.ndarray:
    if not isinstance(value, list):
        raise LossvizError(f"{where}: expected a list of {length} numbers, got {show_value(value)}")
    if len(value) != length:
        raise LossvizError(f"{where}: expected {length} numbers, got {len(value)}")
    return np.array([number(v, f"{where}[{i}]") for i, v in enumerate(value)], dtype=np.float64)


def _theta(value: object, shape: ModelShape, where: str, features: list[str] | None = None) -> np.ndarray:
    """θ (k, d+1) from {"W": k rows of d, "b": k}; ``features``: the names of W's columns when they are features φ(x)."""
    obj = as_object(value, where)
    check_keys(obj, ("W", "b"), where)
    k, d = shape.outputs, shape.dims
    W = obj.get("W", [[0.0] * d for _ in range(k)])
    if not isinstance(W, list) or len(W) != k:
        got = f"{len(W)} row(s)" if isinstance(W, list) else show_value(W)
        raise LossvizError(f"{where}.W: expected a {k}×{d} matrix ({k} row(s) of {d}), got {got}")
    for i, row in enumerate(W):
        if features and isinstance(row, list) and len(row) != d:
            shown = ", ".join(features if d <= 6 else [*features[:3], "…", features[-1]])
            raise LossvizError(f"{where}.W[{i}]: expected {d} numbers, one per feature ({shown}), got {len(row)}")
    rows = [_vector(row, d, f"{where}.W[{i}]") for i, row in enumerate(W)]
    b = _vector(obj.get("b", [0.0] * k), k, f"{where}.b")
    return join(np.array(rows).reshape(k, d), b)


def _range(value: object, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise LossvizError(f"{where}: expected [lo, hi], got {show_value(value)}")
    lo, hi = number(value[0], f"{where}[0]"), number(value[1], f"{where}[1]")
    if not lo < hi:
        raise LossvizError(f"{where}: lo must be below hi, got [{lo}, {hi}]")
    if not math.isfinite(hi - lo):
        raise LossvizError(f"{where}: range [{lo}, {hi}] is too wide")
    return lo, hi


# ---------------------------------------------------------------- dict <-> Scene

def scene_from_dict(obj: object, source: str = "scene") -> Scene:
    """Validate a parsed scene document; errors read ``<source>: <key>: <problem>``."""
    try:
        return _parse(obj)
    except LossvizError as error:
        raise LossvizError(f"{source}: {error}") from None


def _parse(obj: object) -> Scene:
    obj = as_object(obj, "top level")
    if "lossviz" not in obj:
        raise LossvizError('missing "lossviz": 1 (is this a lossviz scene file?)')
    version = obj["lossviz"]
    if isinstance(version, bool) or version != SCENE_VERSION:
        raise LossvizError(f"lossviz: scene format version {show_value(version)} is not supported "
                           f"(this lossviz reads version {SCENE_VERSION})")
    if "task" not in obj:
        raise LossvizError('missing "task" (one of ' + ", ".join(TASKS) + ")")
    task = obj["task"]
    if task not in TASKS:
        raise LossvizError(f"task: unknown task {show_value(task)} (choose {', '.join(TASKS)})")
    dataset, dims, classes = _parse_data(obj, task)
    degree = parse_degree(obj["features"]) if "features" in obj else None
    check_feature_range(dataset.X, degree)
    split = parse_split(obj["split"]) if "split" in obj else None
    shape = ModelShape(task, feature_count(dims, degree), classes)
    loss = obj.get("loss", DEFAULT_LOSS[task])
    if not isinstance(loss, str):
        raise LossvizError(f"loss: expected a name, got {show_value(loss)}")
    get_loss(loss, task)
    features = feature_names(dims, degree) if degree is not None else None
    init = _theta(obj["init"], shape, "init", features) if "init" in obj else shape.zeros()
    steps = integer(obj.get("steps", 100), "steps", 0, MAX_STEPS)
    tol = number(obj.get("tol", 0), "tol")
    if tol < 0:
        raise LossvizError(f"tol: must be >= 0, got {tol}")
    seed = integer(obj.get("seed", 0), "seed", 0, SEED_BOUND)
    extra = {key: value for key, value in obj.items() if key not in KNOWN_KEYS}
    distribution = None
    if "distribution" in obj:
        distribution = parse_distribution(obj["distribution"])
        check_compatible(distribution, ModelShape(task, dims, classes))
        check_feature_reach(distribution, degree)
    optimizer = parse_optimizer(obj.get("optimizer", {}))
    scene = Scene(task=task, dims=dims, loss=loss, data=dataset, init=init, classes=classes,
                  **parse_names(obj, task, dims, classes), **_parse_texts(obj),
                  runs=parse_runs(obj["runs"], optimizer) if "runs" in obj else (),
                  view=parse_view(obj["view"]) if "view" in obj else ViewOptions(),
                  optimizer=optimizer, steps=steps, tol=tol, seed=seed,
                  surface=_parse_surface(obj.get("surface", {}), shape, features), extra=extra, distribution=distribution,
                  split=split, degree=degree, l2=parse_l2(obj["regularization"]) if "regularization" in obj else 0.0,
                  standardization=parse_standardization(obj["standardization"], dims)
                  if "standardization" in obj else None)
    x_axis, y_axis = scene.surface_axes
    if shape.param_index(x_axis) == shape.param_index(y_axis):
        raise LossvizError(f"surface: x and y are both {x_axis}; choose two different parameters")
    return scene


def _parse_data(obj: dict, task: str) -> tuple[Dataset, int, int]:
    """The ``data`` with ``dims`` and ``classes``: the dataset, its input dimension, its number of classes."""
    if "data" not in obj:
        raise LossvizError('missing "data" ({"x": [...], "y": [...]})')
    data = as_object(obj["data"], "data")
    check_keys(data, ("x", "y"), "data")
    for key in ("x", "y"):
        if key not in data:
            raise LossvizError(f'data: missing "{key}"')
    x_rows, labels = data["x"], data["y"]
    if not isinstance(x_rows, list):
        raise LossvizError(f"data.x: expected a list of rows, got {show_value(x_rows)}")
    if not isinstance(labels, list):
        raise LossvizError(f"data.y: expected a list of labels, got {show_value(labels)}")
    dims = obj.get("dims")
    if dims is not None:
        dims = integer(dims, "dims")
        if not 1 <= dims <= MAX_DIMS:
            raise LossvizError(f"dims: must be 1 to {MAX_DIMS}, got {show_value(dims)}")
    elif x_rows and isinstance(x_rows[0], list) and 1 <= len(x_rows[0]) <= MAX_DIMS:
        dims = len(x_rows[0])
    elif x_rows and isinstance(x_rows[0], list) and len(x_rows[0]) > MAX_DIMS:
        raise LossvizError(f"data.x[0]: row has {len(x_rows[0])} numbers; lossviz takes 1 to {MAX_DIMS} inputs")
    else:
        dims = 1 if task == "regression" else 2
    classes = obj.get("classes")
    if classes is not None:
        if task != "multiclass":
            raise LossvizError(f"classes: only a multiclass scene has classes (this is {task})")
        classes = integer(classes, "classes", 2, MAX_CLASSES)
    dataset = make_dataset(x_rows, labels, task, dims, classes if task == "multiclass" else None)
    if task != "multiclass":
        return dataset, dims, {"binary": 2, "regression": 1}[task]
    if classes is None:
        classes = max(int(dataset.y.max()) + 1, 2) if dataset.size else 3
        if classes > MAX_CLASSES:
            raise LossvizError(f"data.y[{int(dataset.y.argmax())}]: labels go up to {classes - 1}; "
                               f"lossviz shows at most {MAX_CLASSES} classes")
    return dataset, dims, classes


def parse_names(obj: dict, task: str, dims: int, classes: int) -> dict:
    """The scene's names, checked: ``class_names`` (one per class), ``input_names`` (one per input) and
    ``label_name`` (of y), each None where the scene has none; raises LossvizError naming the key."""
    if "class_names" in obj and task == "regression":
        raise LossvizError("class_names: only a binary or multiclass scene has classes (this is regression)")
    label = obj.get("label_name")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise LossvizError(f"label_name: expected a non-empty name, got {show_value(label)}")
    return {"class_names": _names(obj["class_names"], classes, "class") if "class_names" in obj else None,
            "input_names": _names(obj["input_names"], dims, "input") if "input_names" in obj else None,
            "label_name": label}


def _names(value: object, count: int, what: str) -> tuple[str, ...]:
    """``{what}_names``: a list of ``count`` non-empty strings, one per {what}."""
    key = f"{what}_names"
    if not isinstance(value, list):
        raise LossvizError(f"{key}: expected a list of {count} names, got {show_value(value)}")
    if len(value) != count:
        raise LossvizError(f"{key}: expected {count} names, one per {what}, got {len(value)}")
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise LossvizError(f"{key}[{i}]: expected a non-empty name, got {show_value(name)}")
    return tuple(value)


def _parse_texts(obj: dict) -> dict:
    """The scene's ``title`` (on one line) and ``notes``, checked to be text."""
    texts = {}
    for key in ("title", "notes"):
        if key in obj:
            value = obj[key]
            if not isinstance(value, str):
                raise LossvizError(f"{key}: expected text, got {show_value(value)}")
            texts[key] = " ".join(value.split()) if key == "title" else value.strip()
    return texts


def _parse_surface(value: object, shape: ModelShape, features: list[str] | None = None) -> SurfaceConfig:
    surf = as_object(value, "surface")
    check_keys(surf, ("x", "y", "x_range", "y_range", "resolution", "center", "plane", "seed"), "surface")
    plane = surf.get("plane", "coords")
    if plane not in PLANES:
        raise LossvizError(f"surface.plane: expected one of {', '.join(PLANES)}, got {show_value(plane)}")
    axes = []
    for key in ("x", "y"):
        axis = surf.get(key)
        if axis is not None:
            if not isinstance(axis, str):
                raise LossvizError(f"surface.{key}: expected a parameter name like \"W[0,0]\" or \"b[0]\", "
                                   f"got {show_value(axis)}")
            try:
                shape.param_index(axis)
            except LossvizError as error:
                raise LossvizError(f"surface.{key}: {error}") from None
        axes.append(axis)
    return SurfaceConfig(
        x=axes[0], y=axes[1],
        x_range=_range(surf["x_range"], "surface.x_range") if surf.get("x_range") is not None else None,
        y_range=_range(surf["y_range"], "surface.y_range") if surf.get("y_range") is not None else None,
        resolution=integer(surf.get("resolution", 128), "surface.resolution", 2, MAX_RESOLUTION),
        center=_theta(surf["center"], shape, "surface.center", features) if surf.get("center") is not None else None,
        plane=plane, seed=integer(surf.get("seed", 0), "surface.seed", 0, SEED_BOUND),
    )


def theta_to_dict(theta: np.ndarray) -> dict:
    """θ (k, d+1) as a scene file writes it: {"W": k rows of d, "b": k}."""
    W, b = split(theta)
    return {"W": W.tolist(), "b": b.tolist()}


def scene_to_dict(scene: Scene, arrays: bool = False) -> dict:
    """The JSON document for ``scene`` (format version 1), defaults written out; with ``arrays`` the data stay numpy
    arrays (``scene_to_text`` turns them into text a block at a time)."""
    data_x = scene.data.X if arrays else scene.data.X.tolist()
    data_y = scene.data.y if arrays else scene.data.y.tolist()
    doc = {"lossviz": SCENE_VERSION, "task": scene.task, "dims": scene.dims}
    if scene.task == "multiclass":
        doc["classes"] = scene.classes
    doc["loss"] = scene.loss
    doc.update(init=theta_to_dict(scene.init), optimizer=optimizer_to_dict(scene.optimizer), steps=scene.steps,
               tol=scene.tol,
               seed=scene.seed)
    surf: dict[str, object] = {}
    x_axis, y_axis = scene.surface_axes
    surf["x"], surf["y"] = x_axis, y_axis
    if scene.surface.x_range is not None:
        surf["x_range"] = list(scene.surface.x_range)
    if scene.surface.y_range is not None:
        surf["y_range"] = list(scene.surface.y_range)
    surf["resolution"] = scene.surface.resolution
    if scene.surface.center is not None:
        surf["center"] = theta_to_dict(scene.surface.center)
    if scene.surface.plane != "coords":
        surf["plane"] = scene.surface.plane
    if scene.surface.seed:
        surf["seed"] = scene.surface.seed
    doc["surface"] = surf
    if scene.distribution is not None:
        doc["distribution"] = scene.distribution.to_dict()
    if scene.split is not None:
        doc["split"] = scene.split.to_dict()
    if scene.degree is not None:
        doc["features"] = {"degree": scene.degree}
    if scene.l2:
        doc["regularization"] = {"l2": scene.l2}
    if scene.class_names is not None:
        doc["class_names"] = list(scene.class_names)
    if scene.input_names is not None:
        doc["input_names"] = list(scene.input_names)
    if scene.label_name is not None:
        doc["label_name"] = scene.label_name
    if scene.standardization is not None:
        doc["standardization"] = scene.standardization.to_dict()
    doc["data"] = {"x": data_x, "y": data_y}
    if scene.title:
        doc["title"] = scene.title
    if scene.notes:
        doc["notes"] = scene.notes
    if scene.runs:
        doc["runs"] = runs_to_list(scene.runs)
    view = scene.view.to_dict()
    if view:
        doc["view"] = view
    for key, value in scene.extra.items():
        doc[key] = value
    return doc


def _reject_constant(name: str) -> NoReturn:
    raise LossvizError(f"{name} is not allowed in a scene file (numbers must be finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise LossvizError(f"{text} is too large for a number (numbers must be finite)")
    return value


def _non_finite_key(text: str) -> str | None:
    """Where the first NaN, Infinity or overflowing number in the JSON ``text`` is, e.g. ``data.x[3][0]``."""
    try:
        stack = [("", json.loads(text))]
    except (ValueError, RecursionError):
        return None
    while stack:
        where, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return where or "top level"
        if isinstance(value, dict):
            items = [(f"{where}.{_key_text(key)}" if where else _key_text(key), item) for key, item in value.items()]
        elif isinstance(value, list):
            items = [(f"{where}[{i}]", item) for i, item in enumerate(value)]
        else:
            continue
        stack.extend(reversed(items))
    return None


def _key_text(key: str) -> str:
    return key if key.isidentifier() else show_value(key)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object, refusing a key given twice (json keeps the last one silently)."""
    obj: dict = {}
    for key, value in pairs:
        if key in obj:
            raise LossvizError(f"key {_key_text(key)} appears twice in one object; keep one")
        obj[key] = value
    return obj


def parse_scene_text(text: str, source: str = "scene") -> Scene:
    """Parse and validate the JSON text of a scene."""
    if not text.strip():
        raise LossvizError(f"{source}: the file is empty")
    try:
        obj = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float,
                         object_pairs_hook=_unique_keys)
    except LossvizError as error:
        where = _non_finite_key(text)
        raise LossvizError(f"{source}: {where}: {error}" if where else f"{source}: {error}") from None
    except json.JSONDecodeError as error:
        raise LossvizError(f"{source}: not valid JSON ({error.msg} at line {error.lineno}, "
                           f"column {error.colno})") from None
    except RecursionError:
        raise LossvizError(f"{source}: not a scene: JSON nested too deeply") from None
    except ValueError as error:  # e.g. integers with too many digits
        raise LossvizError(f"{source}: not valid JSON ({error})") from None
    try:
        return scene_from_dict(obj, source)
    except RecursionError:
        raise LossvizError(f"{source}: not a scene: JSON nested too deeply") from None


def read_scene(path: str | Path) -> Scene:
    """Read and validate a scene file."""
    path = Path(path)
    return parse_scene_text(read_input_text(path, "scene file"), str(path))


def scene_to_text(scene: Scene, between: Callable[[], None] | None = None) -> str:
    """The scene as readable JSON: one data row per line, short lists inline (``between()`` after each block of
    data rows)."""
    return json_lines(scene_to_dict(scene, arrays=True), 0, between) + "\n"


def write_scene(scene: Scene, path: str | Path) -> None:
    """Write ``scene`` to ``path`` atomically (format version 1); refused when it would be too large to read back."""
    text = scene_to_text(scene)
    check_readable_size(text, path, "scene file")
    write_atomic(path, text)
